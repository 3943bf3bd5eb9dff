import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PavedError } from "../../components/errors";
import { createStaging, ephemeralConfig, gcStaging, stagingStackFor, stagingStackName } from "../../cli/commands/staging";
import { PROJECT_DIR, planEnvironment } from "../../cli/plan";
import { FakeStacks, fakeContext, runMain } from "./fake-stacks";

const NOW = "2026-11-26T12:00:00Z";

function ephemeral(expiresAt: string, release = "r1") {
    return { "aws:region": "eu-west-1", "paved:kind": "ephemeral", "paved:ephemeral": { baseStack: "staging", release, expiresAt } };
}

describe("cli: paved staging", () => {
    describe("stack names", () => {
        it("is staging-<slug> of a short release id", () => {
            assert.strictEqual(stagingStackName("r42"), "staging-r42");
            assert.strictEqual(stagingStackName("2026.11.3"), "staging-2026-11-3");
            assert.strictEqual(stagingStackName("Hotfix_7"), "staging-hotfix-7");
        });

        it("fits a long release id into 24 characters, keeping releases apart", () => {
            const a = stagingStackName("20261126114808-abc1234");
            const b = stagingStackName("20261126114808-abc1235");
            assert.match(a, /^staging-202611261-[0-9a-f]{6}$/);
            assert.ok(a.length <= 24 && b.length <= 24, `${a} ${b}`);
            assert.match(a, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
            assert.notStrictEqual(a, b);
            assert.strictEqual(stagingStackName("20261126114808-abc1234"), a, "deterministic");
        });

        it("rejects release ids that are not ids", () => {
            assert.throws(() => stagingStackName("../etc"), PavedError);
            assert.throws(() => stagingStackName(""), PavedError);
        });

        it("accepts a stack name or a release id for destroy", () => {
            assert.strictEqual(stagingStackFor("staging-r42"), "staging-r42");
            assert.strictEqual(stagingStackFor("r42"), "staging-r42");
        });
    });

    describe("create", () => {
        it("copies the staging config as an ephemeral one: no network, no custom domain, expiry after the TTL", async () => {
            const fake = new FakeStacks();
            const ctx = fakeContext(fake, { projectDir: PROJECT_DIR, now: NOW });
            const created = await createStaging("r42", { ttlHours: 48 }, ctx);

            assert.strictEqual(created.stack, "staging-r42");
            const base = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.staging.yaml"), "utf8")).config;
            const { "paved:network": _network, "paved:kind": _kind, "paved:site": baseSite, ...kept } = base;
            const { domain: _domain, certificateArn: _cert, ...site } = baseSite ?? {};
            const expected = {
                ...kept,
                ...(Object.keys(site).length ? { "paved:site": site } : {}),
                "paved:kind": "ephemeral",
                "paved:ephemeral": { baseStack: "staging", release: "r42", expiresAt: "2026-11-28T12:00:00Z" },
            };
            const call = fake.calls.find((c) => c.op === "createStack")!;
            assert.deepStrictEqual(call.args![0], expected);
            assert.deepStrictEqual(call.args![1], { secretsFrom: "staging" });
            assert.ok(!("paved:network" in (call.args![0] as object)));
            assert.deepStrictEqual(fake.mutations(), ["createStack staging-r42", "up staging-r42"]);
            assert.strictEqual(created.url, "https://d111111abcdef8.cloudfront.net/staging-r42");
            assert.ok(ctx.lines.some((l) => l.includes("staging-r42 is up: https://d111111abcdef8.cloudfront.net/staging-r42")));
        });

        it("writes a config the program accepts: it plans offline as an ephemeral environment", async () => {
            const fake = new FakeStacks();
            await createStaging("r42", {}, fakeContext(fake, { projectDir: PROJECT_DIR, now: NOW }));
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paved-eph-"));
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            const file = path.join(dir, "Pulumi.staging-r42.yaml");
            fs.writeFileSync(file, YAML.stringify({ config: fake.stacks.get("staging-r42")!.config }));
            const plan = await planEnvironment("staging-r42", { configFile: file });
            assert.strictEqual(plan.stack, "staging-r42");
            assert.strictEqual(plan.outputs.kind, "ephemeral");
        });

        it("defaults to 72 hours from base staging, through the command line", async () => {
            const fake = new FakeStacks();
            const ctx = fakeContext(fake, { projectDir: PROJECT_DIR, now: NOW });
            const { code } = await runMain(["staging", "create", "2026.11.3"], ctx);
            assert.strictEqual(code, 0);
            const config = fake.stacks.get("staging-2026-11-3")!.config;
            assert.deepStrictEqual(config["paved:ephemeral"], { baseStack: "staging", release: "2026.11.3", expiresAt: "2026-11-29T12:00:00Z" });
        });

        it("validates before creating anything: an unknown base, a bad TTL, a bad release id (exit 2)", async () => {
            const fake = new FakeStacks();
            const ctx = fakeContext(fake, { projectDir: PROJECT_DIR, now: NOW });
            for (const argv of [
                ["staging", "create", "r1", "--base", "qa"],
                ["staging", "create", "r1", "--ttl-hours", "0"],
                ["staging", "create", "r1", "--ttl-hours", "many"],
                ["staging", "create", "r1", "--ttl-hours", "0.5"],
                ["staging", "create", "r1", "--ttl-hours", "2161"],
                ["staging", "create", "bad/id"],
            ]) {
                const { code, stderr } = await runMain(argv, ctx);
                assert.strictEqual(code, 2, `${argv.join(" ")}: ${stderr}`);
            }
            assert.deepStrictEqual(fake.calls, []);
        });

        it("for a release that already has a stack, extends its expiry and updates it; refuses a non-ephemeral one", async () => {
            const fake = new FakeStacks().add("staging-r42", ephemeral("2026-11-27T00:00:00Z", "r42"));
            const ctx = fakeContext(fake, { projectDir: PROJECT_DIR, now: NOW });
            await createStaging("r42", {}, ctx);
            assert.deepStrictEqual(fake.mutations(), ["setConfig staging-r42", "up staging-r42"]);
            assert.strictEqual((fake.stacks.get("staging-r42")!.config["paved:ephemeral"] as any).expiresAt, "2026-11-29T12:00:00Z");

            const fake2 = new FakeStacks().add("staging-r42", { "paved:kind": "staging" });
            await assert.rejects(createStaging("r42", {}, fakeContext(fake2, { projectDir: PROJECT_DIR, now: NOW })), /exists and is not ephemeral/);
            assert.deepStrictEqual(fake2.mutations(), []);
        });

        it("ephemeralConfig never mutates the base config", () => {
            const base = { "paved:kind": "staging", "paved:network": { cidrBlock: "10.20.0.0/16" }, "paved:site": { domain: "a.example.com", certificateArn: "arn", priceClass: "PriceClass_100" } };
            const copy = structuredClone(base);
            const out = ephemeralConfig(base, { baseStack: "staging", release: "r1", expiresAt: NOW });
            assert.deepStrictEqual(base, copy);
            assert.deepStrictEqual(out["paved:site"], { priceClass: "PriceClass_100" });
        });
    });

    describe("destroy", () => {
        it("destroys and removes an ephemeral stack", async () => {
            const fake = new FakeStacks().add("staging-r42", ephemeral("2026-12-01T00:00:00Z"));
            const { code } = await runMain(["staging", "destroy", "r42"], fakeContext(fake));
            assert.strictEqual(code, 0);
            assert.deepStrictEqual(fake.mutations(), ["destroy staging-r42", "removeStack staging-r42"]);
            assert.ok(!fake.stacks.has("staging-r42"));
        });

        it("refuses a stack that is not ephemeral, even one named staging-* (exit 2)", async () => {
            const fake = new FakeStacks().add("staging-x", { "paved:kind": "staging" });
            const { code, stderr } = await runMain(["staging", "destroy", "staging-x"], fakeContext(fake));
            assert.strictEqual(code, 2);
            assert.match(stderr, /staging-x is not an ephemeral stack \(paved:kind is staging\)/);
            assert.deepStrictEqual(fake.mutations(), []);
        });
    });

    describe("gc", () => {
        function fleet() {
            return new FakeStacks()
                .add("dev", { "paved:kind": "dev" })
                .add("staging", { "paved:kind": "staging" })
                .add("prod", { "paved:kind": "prod" })
                .add("staging-x", { "paved:kind": "staging" })
                .add("staging-nokind", { "aws:region": "eu-west-1" })
                .add("staging-old", ephemeral("2026-11-20T00:00:00Z"))
                .add("staging-older", ephemeral("2026-11-01T00:00:00Z"))
                .add("staging-new", ephemeral("2026-11-30T00:00:00Z"))
                .add("staging-broken", { "paved:kind": "ephemeral" });
        }

        it("destroys and removes only ephemeral stacks whose expiry has passed", async () => {
            const fake = fleet();
            const ctx = fakeContext(fake, { now: NOW });
            const report = await gcStaging({}, ctx);
            assert.deepStrictEqual(fake.mutations(), ["destroy staging-old", "removeStack staging-old", "destroy staging-older", "removeStack staging-older"]);
            assert.deepStrictEqual(report.destroyed, ["staging-old", "staging-older"]);
            assert.deepStrictEqual(report.skipped, [
                { stack: "dev", reason: "not ephemeral: paved:kind is dev" },
                { stack: "staging", reason: "not ephemeral: paved:kind is staging" },
                { stack: "prod", reason: "not ephemeral: paved:kind is prod" },
                { stack: "staging-x", reason: "not ephemeral: paved:kind is staging" },
                { stack: "staging-nokind", reason: "not ephemeral: its config sets no paved:kind" },
                { stack: "staging-new", reason: "expires 2026-11-30T00:00:00Z" },
                { stack: "staging-broken", reason: "not ephemeral: it is ephemeral but paved:ephemeral.expiresAt is missing or not a time" },
            ]);
            assert.ok(ctx.lines.includes("skipped staging-x: not ephemeral: paved:kind is staging"));
            assert.ok(ctx.lines.includes("gc: 2 destroyed, 7 skipped, 0 failed"));
        });

        it("--now moves the clock: later, the unexpired one goes too, never the non-ephemeral ones", async () => {
            const fake = fleet();
            const { code } = await runMain(["staging", "gc", "--now", "2027-01-01T00:00:00Z"], fakeContext(fake, { now: NOW }));
            assert.strictEqual(code, 0);
            const destroyed = fake.mutations().filter((m) => m.startsWith("destroy ")).map((m) => m.slice(8));
            assert.deepStrictEqual(destroyed, ["staging-old", "staging-older", "staging-new"]);
            for (const kept of ["dev", "staging", "prod", "staging-x", "staging-nokind", "staging-broken"]) assert.ok(fake.stacks.has(kept), kept);
        });

        it("without a local config file, reads kind and expiresAt from the stack's outputs", async () => {
            const fake = new FakeStacks()
                .add("staging-ci-old", {}, { kind: "ephemeral", expiresAt: "2026-11-01T00:00:00Z" })
                .add("staging-ci-new", {}, { kind: "ephemeral", expiresAt: "2026-12-01T00:00:00Z" })
                .add("staging-ci-x", {}, { kind: "staging" })
                .add("staging-ci-blank", {}, {});
            const report = await gcStaging({}, fakeContext(fake, { now: NOW }));
            assert.deepStrictEqual(fake.mutations(), ["destroy staging-ci-old", "removeStack staging-ci-old"]);
            assert.deepStrictEqual(report.skipped, [
                { stack: "staging-ci-new", reason: "expires 2026-12-01T00:00:00Z" },
                { stack: "staging-ci-x", reason: "not ephemeral: paved:kind is staging (from its outputs)" },
                { stack: "staging-ci-blank", reason: "not ephemeral: no local config and no kind output to tell" },
            ]);
        });

        it("--dry-run changes nothing", async () => {
            const fake = fleet();
            const report = await gcStaging({ dryRun: true }, fakeContext(fake, { now: NOW }));
            assert.deepStrictEqual(fake.mutations(), []);
            assert.ok(report.skipped.some((s) => s.stack === "staging-old" && /would destroy/.test(s.reason)));
        });

        it("a failed destroy does not stop the others, keeps the stack, and exits 1", async () => {
            const fake = fleet();
            fake.failing.add("staging-old");
            const { code, stderr } = await runMain(["staging", "gc"], fakeContext(fake, { now: NOW }));
            assert.strictEqual(code, 1);
            assert.match(stderr, /gc could not destroy staging-old/);
            assert.deepStrictEqual(fake.mutations(), ["destroy staging-old", "destroy staging-older", "removeStack staging-older"]);
            assert.ok(fake.stacks.has("staging-old"));
        });
    });
});
