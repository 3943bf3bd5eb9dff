import * as assert from "assert";
import { RELEASE_WRITER_BUNDLE } from "../../components/frontend/release-writer/bundle";
import { ProgramResult } from "../../components/testing";
import { evaluatePolicies } from "../../policy/run";
import { byUrn, runFleet } from "./fixtures";

/**
 * The fleet promise: apps live in KeyValueStore entries and their own resources, so a new app
 * adds resources and changes nothing that exists, the distribution least of all.
 */
describe("a SiteHost serving 50 apps, then 51", function () {
    this.timeout(120000);
    let fifty: ProgramResult;
    let fiftyOne: ProgramResult;

    before(async () => {
        fifty = await runFleet(50);
        fiftyOne = await runFleet(51);
    });

    it("has exactly one distribution, one bucket of assets, one store and one router", () => {
        for (const run of [fifty, fiftyOne]) {
            assert.strictEqual(run.resources.filter((r) => r.type === "aws:cloudfront/distribution:Distribution").length, 1);
            assert.strictEqual(run.resources.filter((r) => r.type === "aws:cloudfront/keyValueStore:KeyValueStore").length, 1);
            assert.strictEqual(run.resources.filter((r) => r.type === "aws:cloudfront/function:Function").length, 1);
            assert.strictEqual(run.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").length, 1);
        }
    });

    it("has one route entry per app and no release entries", () => {
        const keys = fifty.resources.filter((r) => r.type === "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey").map((r) => r.inputs.key);
        assert.strictEqual(keys.length, 50);
        assert.strictEqual(new Set(keys).size, 50);
        assert.ok(keys.every((k) => k.startsWith("route:")));
    });

    it("adding a 51st app leaves every existing resource's inputs unchanged", () => {
        const before = byUrn(fifty.resources);
        const after = byUrn(fiftyOne.resources);
        const changed: string[] = [];
        for (const [urn, r] of before) {
            const now = after.get(urn);
            if (!now) changed.push(`${urn}: removed`);
            else if (JSON.stringify(now.inputs) !== JSON.stringify(r.inputs)) changed.push(`${urn}: inputs changed`);
            else assert.deepStrictEqual(now.inputs, r.inputs);
        }
        assert.deepStrictEqual(changed, []);
        const added = [...after.keys()].filter((u) => !before.has(u));
        assert.ok(added.length > 0);
        assert.ok(added.every((u) => /::app50(-[a-z-]+)?$/.test(u) || /::site-route\/(group\d\/)?app50$/.test(u)), added.join("\n"));
        // Every input is plain data, the release writers' code archives too.
        const writers = fifty.resources.filter((r) => r.type === "aws:lambda/function:Function");
        assert.strictEqual(writers.length, 50);
        for (const w of writers) assert.deepStrictEqual(w.inputs.code, { archive: "assets", assets: { "index.js": { asset: "file", path: RELEASE_WRITER_BUNDLE } } });
        const distribution = fifty.resources.find((r) => r.type === "aws:cloudfront/distribution:Distribution")!;
        assert.deepStrictEqual(after.get(distribution.urn)!.inputs, distribution.inputs);
    });

    it("passes every mandatory rule of the policy pack", async () => {
        const tags = { "paved:environment": "dev", "paved:team": "platform", "paved:cost-center": "platform" };
        assert.deepStrictEqual(evaluatePolicies(fiftyOne.resources, { defaultTags: tags }), []);
        const logged = await runFleet(3, { accessLogs: true, protect: true });
        assert.deepStrictEqual(evaluatePolicies(logged.resources, { defaultTags: tags, includeAdvisory: true }), []);
    });

    it("registers a bounded number of resources per app", () => {
        const perApp = (fiftyOne.resources.length - fifty.resources.length);
        // Project, role, policy, log group, repository, lifecycle policy, route entry, and the release
        // writer's function, role, policy and log group; a webhook or nothing else.
        assert.ok(perApp >= 12 && perApp <= 13, `${perApp} resources for one app`);
    });
});
