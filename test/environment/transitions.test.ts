import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { planEnvironment } from "../../cli/plan";
import { RecordedResource } from "../../components/testing";
import { physicalIdentities, transitionProblems, transitionUrns } from "../support/plan-transition";
import { sharedPlan } from "../support/plans";

const ROOT = path.resolve(__dirname, "../..");
const catalog = YAML.parse(fs.readFileSync(path.join(ROOT, "catalog.yaml"), "utf8"));
const devOverrides = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")).config["paved:overrides"];
const KEY = "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey";

const entry = (kind: "apps" | "jobs", name: string) => {
    const found = catalog[kind].find((e: { name: string }) => e.name === name);
    if (!found) throw new Error(`no ${kind} entry ${name} in catalog.yaml`);
    return structuredClone(found);
};

/** A dev plan with catalog entries left out, replaced or overridden, as a team would change its config. */
function planDev(change: { exclude?: string[]; apps?: object[]; jobs?: object[]; appOverrides?: Record<string, object> }) {
    return planEnvironment("dev", {
        config: {
            "paved:overrides": { ...devOverrides, apps: { ...devOverrides.apps, ...change.appOverrides }, exclude: change.exclude ?? [] },
            ...(change.apps ? { "paved:apps": change.apps } : {}),
            ...(change.jobs ? { "paved:jobs": change.jobs } : {}),
        },
    });
}

function routeEntries(resources: RecordedResource[]): Map<string, { key: string; value: string }> {
    return new Map(resources.filter((r) => r.type === KEY).map((r) => [r.urn, { key: r.inputs.key, value: r.inputs.value }]));
}

function keyUrn(path: string): string {
    return `urn:pulumi:dev::paved::paved:environment:Environment$paved:frontend:SiteHost$${KEY}::site-route${path}`;
}

/**
 * Plan-to-plan transitions of the dev environment: the general rule (no delete of something the new
 * plan still has, by physical identity) over several config changes, and the route entries in
 * particular, which are named by path so renames, swaps and moves update them in place.
 */
describe("config changes, plan to plan: nothing deleted that the new plan still has", function () {
    this.timeout(180000);
    let base: RecordedResource[];

    before(async () => {
        base = (await sharedPlan("dev")).resources;
    });

    it("the rule catches the layout this replaced: a route entry named by app, renamed", () => {
        const key = (app: string) => ({
            urn: `urn:pulumi:dev::paved::paved:environment:Environment$paved:frontend:FrontendApp$${KEY}::app-${app}-route`,
            type: KEY,
            name: `app-${app}-route`,
            custom: true,
            inputs: { keyValueStoreArn: "arn:aws:cloudfront::123456789012:key-value-store/x", key: "route:/catalog", value: app },
            outputs: {},
            protect: false,
            retainOnDelete: false,
            ignoreChanges: [],
            dependencies: [],
            aliases: [],
        });
        const problems = transitionProblems([key("catalog")], [key("catalogue")]);
        assert.deepStrictEqual(problems.map((p) => p.identity), ["kvs-key arn:aws:cloudfront::123456789012:key-value-store/x route:/catalog"]);
    });

    it("every resource Paved names explicitly has one identity, and no two resources of a plan share one", () => {
        const seen = new Map<string, string>();
        for (const r of base) {
            for (const id of physicalIdentities(r)) {
                assert.ok(!seen.has(id), `${r.urn} and ${seen.get(id)} are both ${id}`);
                seen.set(id, r.urn);
            }
        }
        assert.ok(seen.size > 400, `${seen.size} identities`);
    });

    it("upgrading from that layout moves each route entry by alias instead of deleting its key", () => {
        const keys = base.filter((r) => r.type === KEY);
        assert.strictEqual(keys.length, 50);
        for (const k of keys) {
            const app = k.inputs.value;
            assert.deepStrictEqual(k.aliases, [`urn:pulumi:dev::paved::paved:environment:Environment$paved:frontend:FrontendApp$${KEY}::app-${app}-route`], k.urn);
        }
        // The plan before this change, as far as route entries go: the rule sees a move, not a delete.
        const previous = keys.map((k) => ({ ...k, urn: k.aliases[0], parent: k.aliases[0].split("$aws:")[0], aliases: [] }));
        assert.deepStrictEqual(transitionProblems(previous, base), []);
        assert.deepStrictEqual(transitionUrns(previous, base).deleted, []);
    });

    it("renaming an app and two jobs (scheduled and queue) updates the app's route entry in place", async () => {
        const after = (
            await planDev({
                exclude: ["catalog", "nightly-report", "thumbnails"],
                apps: [{ ...entry("apps", "catalog"), name: "catalogue" }],
                jobs: [
                    { ...entry("jobs", "nightly-report"), name: "daily-report" },
                    { ...entry("jobs", "thumbnails"), name: "image-resizer" },
                ],
            })
        ).resources;
        assert.deepStrictEqual(transitionProblems(base, after), []);
        assert.deepStrictEqual(routeEntries(base).get(keyUrn("/catalog")), { key: "route:/catalog", value: "catalog" });
        assert.deepStrictEqual(routeEntries(after).get(keyUrn("/catalog")), { key: "route:/catalog", value: "catalogue" });
        const { deleted } = transitionUrns(base, after);
        assert.ok(!deleted.some((u) => u.includes(KEY)), "no route entry is deleted");
        assert.ok(deleted.some((u) => u.endsWith("::job-thumbnails-workers")) && deleted.some((u) => u.endsWith("::app-catalog-release-writer")), "the old names' resources go");
    });

    it("swapping two apps' paths updates both entries in place", async () => {
        const after = (await planDev({ appOverrides: { catalog: { path: "/search" }, search: { path: "/catalog" } } })).resources;
        assert.deepStrictEqual(transitionProblems(base, after), []);
        const entries = routeEntries(after);
        assert.deepStrictEqual([entries.get(keyUrn("/catalog"))!.value, entries.get(keyUrn("/search"))!.value], ["search", "catalog"]);
        assert.deepStrictEqual(transitionUrns(base, after), { deleted: [], created: [] });
    });

    it("moving a path to a new app, and an app to a new path, touch only those paths' entries", async () => {
        const after = (await planDev({ exclude: ["search"], apps: [{ ...entry("apps", "search"), name: "finder" }], appOverrides: { cart: { path: "/basket" } } })).resources;
        assert.deepStrictEqual(transitionProblems(base, after), []);
        assert.strictEqual(routeEntries(after).get(keyUrn("/search"))!.value, "finder");
        const { deleted, created } = transitionUrns(base, after);
        assert.deepStrictEqual(deleted.filter((u) => u.includes(KEY)), [keyUrn("/cart")]);
        assert.deepStrictEqual(created.filter((u) => u.includes(KEY)), [keyUrn("/basket")]);
        assert.ok(deleted.some((u) => u.endsWith("::app-search-release-writer")), "the old app's resources go");
    });
});
