import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PavedError } from "../../components/errors";
import { PlanDocument, PlannedResource, diffPaths, diffPlans, renderDiff, similarity } from "../../cli/diff";
import { diffEnvironment } from "../../cli/commands/diff";
import { PROJECT_DIR } from "../../cli/plan";
import { fakeContext, FakeStacks, runMain } from "./fake-stacks";

const STACK = "urn:pulumi:dev::paved::pulumi:pulumi:Stack::paved-dev";
const urn = (type: string, name: string, parentTypes = "") => `urn:pulumi:dev::paved::${parentTypes}${type}::${name}`;

function res(type: string, name: string, inputs: Record<string, unknown>, parent = STACK, parentTypes = ""): PlannedResource {
    return { urn: urn(type, name, parentTypes), type, name, parent, custom: !type.startsWith("paved:"), inputs };
}

function plan(resources: PlannedResource[]): PlanDocument {
    return { project: "paved", stack: "dev", resources: [{ urn: STACK, type: "pulumi:pulumi:Stack", name: "paved-dev", parent: null, custom: false, inputs: {} }, ...resources] };
}

const bucket = (name: string, extra: Record<string, unknown> = {}) =>
    res("aws:s3/bucketV2:BucketV2", name, { bucket: `paved-dev-${name}`, forceDestroy: false, tags: { team: "platform", costCenter: "cc-1001" }, ...extra });
const logGroup = (name: string, days = 30) => res("aws:cloudwatch/logGroup:LogGroup", name, { name: `/paved/dev/${name}`, retentionInDays: days, tags: { team: "platform" } });

describe("cli: paved diff", () => {
    describe("diffPaths", () => {
        it("names the nested paths that differ, deep-compared", () => {
            assert.deepStrictEqual(diffPaths({ a: 1, tags: { team: "x", cc: "1" }, list: [1, { b: 2 }] }, { a: 1, tags: { team: "y", cc: "1" }, list: [1, { b: 3 }] }), ["list[1].b", "tags.team"]);
            assert.deepStrictEqual(diffPaths({ list: [1, 2] }, { list: [1, 2, 3] }), ["list"]);
            assert.deepStrictEqual(diffPaths({ a: 1 }, { a: 1, b: 2 }), ["b"]);
            assert.deepStrictEqual(diffPaths({ a: { b: [1] } }, { a: { b: [1] } }), []);
        });
    });

    describe("diffPlans", () => {
        it("finds created, deleted and changed resources with the keys that changed", () => {
            const before = plan([bucket("assets"), logGroup("build"), logGroup("old-job")]);
            const after = plan([bucket("assets", { tags: { team: "web", costCenter: "cc-1001" } }), logGroup("build", 90), res("aws:sqs/queue:Queue", "jobs-queue", { visibilityTimeoutSeconds: 300 })]);
            const diff = diffPlans(before, after);
            assert.deepStrictEqual(diff.created.map((r) => r.name), ["jobs-queue"]);
            assert.deepStrictEqual(diff.deleted.map((r) => r.name), ["old-job"]);
            assert.deepStrictEqual(diff.changed.map((r) => [r.name, r.keys]), [["assets", ["tags.team"]], ["build", ["retentionInDays"]]]);
            assert.deepStrictEqual(diff.renamed, []);
            assert.strictEqual(diff.unchanged, 1); // the stack
        });

        it("reports a delete and a create of the same type with the same inputs but names as a rename", () => {
            const before = plan([bucket("site-assets"), logGroup("keep")]);
            const after = plan([bucket("web-assets"), logGroup("keep")]);
            const diff = diffPlans(before, after);
            assert.deepStrictEqual(diff.created, []);
            assert.deepStrictEqual(diff.deleted, []);
            assert.strictEqual(diff.renamed.length, 1);
            const [r] = diff.renamed;
            assert.deepStrictEqual([r.type, r.from.name, r.to.name, r.similarity, r.keys], ["aws:s3/bucketV2:BucketV2", "site-assets", "web-assets", 1, []]);
            const text = renderDiff(diff, "dev");
            assert.match(text, /1 renamed \(replaced\)/);
            assert.match(text, /~ aws:s3\/bucketV2:BucketV2 {2}site-assets -> web-assets/);
            assert.match(text, /delete and re-create/);
            assert.match(text, /aliases/);
        });

        it("a nearly equal pair is a rename, and reports what else differs", () => {
            const base = { visibilityTimeoutSeconds: 300, messageRetentionSeconds: 345600, delaySeconds: 0, maxMessageSize: 262144, sqsManagedSseEnabled: true };
            const before = plan([res("aws:sqs/queue:Queue", "nightly-queue", { ...base, name: "paved-dev-nightly" })]);
            const after = plan([res("aws:sqs/queue:Queue", "reports-queue", { ...base, name: "paved-dev-reports", delaySeconds: 5 })]);
            const [r] = diffPlans(before, after).renamed;
            assert.strictEqual(r.similarity, 0.8);
            assert.deepStrictEqual(r.keys, ["delaySeconds"]);
        });

        it("does not call two different resources of one type a rename", () => {
            const before = plan([logGroup("build", 30)]);
            const after = plan([res("aws:cloudwatch/logGroup:LogGroup", "jobs", { name: "/paved/dev/jobs", retentionInDays: 365, kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1", tags: { team: "data" } })]);
            const diff = diffPlans(before, after);
            assert.deepStrictEqual(diff.renamed, []);
            assert.deepStrictEqual([diff.created.length, diff.deleted.length], [1, 1]);
        });

        it("pairs each deleted resource with at most one created one, most similar first", () => {
            const before = plan([bucket("a1", { forceDestroy: true })]);
            const after = plan([bucket("b1"), bucket("b2", { forceDestroy: true })]);
            const diff = diffPlans(before, after);
            assert.deepStrictEqual(diff.renamed.map((r) => `${r.from.name}>${r.to.name}`), ["a1>b2"]);
            assert.deepStrictEqual(diff.created.map((r) => r.name), ["b1"]);
        });

        it("a renamed component is a rename when its children were renamed with it; name stems inside values are followed", () => {
            const comp = (name: string) => res("paved:frontend:FrontendApp", name, {});
            const childOf = (app: string, role: string, inputs: Record<string, unknown>) =>
                res(role === "logs" ? "aws:cloudwatch/logGroup:LogGroup" : "aws:codebuild/project:Project", `${app}-${role}`, inputs, urn("paved:frontend:FrontendApp", app), "paved:frontend:FrontendApp$");
            const before = plan([
                comp("catalog"),
                childOf("catalog", "logs", { name: "/paved/dev/build/catalog", retentionInDays: 30 }),
                childOf("catalog", "build", { name: "paved-dev-catalog", serviceRole: "arn:aws:iam::123456789012:role/paved-dev-catalog-build", buildTimeout: 20 }),
                comp("other"),
            ]);
            const after = plan([
                comp("shop"),
                childOf("shop", "logs", { name: "/paved/dev/build/shop", retentionInDays: 30 }),
                childOf("shop", "build", { name: "paved-dev-shop", serviceRole: "arn:aws:iam::123456789012:role/paved-dev-shop-build", buildTimeout: 20 }),
                comp("another"),
            ]);
            const diff = diffPlans(before, after);
            assert.deepStrictEqual(diff.renamed.map((r) => `${r.from.name}>${r.to.name}`).sort(), ["catalog-build>shop-build", "catalog-logs>shop-logs", "catalog>shop"]);
            // Childless components have nothing to go by: a delete and a create.
            assert.deepStrictEqual(diff.deleted.map((r) => r.name), ["other"]);
            assert.deepStrictEqual(diff.created.map((r) => r.name), ["another"]);
        });

        it("similarity ignores name keys and the renamed stem inside values", () => {
            const a = res("aws:iam/role:Role", "catalog-build", { name: "paved-dev-catalog-build", assumeRolePolicy: "codebuild", description: "catalog builds" });
            const b = res("aws:iam/role:Role", "shop-build", { name: "paved-dev-shop-build", assumeRolePolicy: "codebuild", description: "shop builds" });
            assert.strictEqual(similarity(a, b), 1);
        });

        it("identical plans: no changes", () => {
            const p = plan([bucket("assets"), logGroup("build")]);
            const diff = diffPlans(p, structuredClone(p));
            assert.deepStrictEqual([diff.created, diff.deleted, diff.changed, diff.renamed], [[], [], [], []]);
            assert.strictEqual(renderDiff(diff, "dev"), "dev: no changes (3 resources unchanged)");
        });
    });

    describe("end to end (two config files, planned offline)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paved-diff-"));
        const dev = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8"));
        const write = (name: string, doc: unknown) => {
            const file = path.join(dir, name);
            fs.writeFileSync(file, YAML.stringify(doc));
            return file;
        };
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));

        it("the same config twice: nothing changes", async function () {
            this.timeout(120_000);
            const result = await diffEnvironment("dev", { config: write("same.yaml", dev) });
            assert.deepStrictEqual([result.diff.created, result.diff.deleted, result.diff.changed, result.diff.renamed], [[], [], [], []]);
            assert.ok(result.diff.unchanged > 1);
        });

        it("a different VPC CIDR changes the resources that take it, and only inputs that hold it", async function () {
            this.timeout(120_000);
            const cidr = "10.99.0.0/16";
            const changed = structuredClone(dev);
            changed.config["paved:network"] = { ...(changed.config["paved:network"] ?? {}), cidrBlock: cidr };
            const result = await diffEnvironment("dev", { config: write("cidr.yaml", changed) });
            assert.ok(result.diff.changed.length >= 1, JSON.stringify(result.diff));
            assert.ok(result.diff.changed.every((c) => c.keys.length > 0));
            assert.ok(result.diff.changed.some((c) => c.keys.some((k) => /cidr/i.test(k))), JSON.stringify(result.diff.changed));
            assert.deepStrictEqual([result.diff.created, result.diff.deleted], [[], []]);
        });

        it("prints JSON through the command line and exits 0", async function () {
            this.timeout(120_000);
            const { code, stdout } = await runMain(["diff", "dev", "--config", write("json.yaml", dev), "--json"], fakeContext(new FakeStacks(), { projectDir: PROJECT_DIR }));
            assert.strictEqual(code, 0);
            const parsed = JSON.parse(stdout);
            assert.deepStrictEqual(Object.keys(parsed.diff).sort(), ["changed", "created", "deleted", "renamed", "unchanged"]);
        });

        it("without --config: the committed Pulumi.<env>.yaml (git HEAD) against the working copy", async function () {
            this.timeout(120_000);
            const repo = fs.mkdtempSync(path.join(os.tmpdir(), "paved-diff-git-"));
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(repo, "Pulumi.yaml"));
            fs.writeFileSync(path.join(repo, "index.ts"), `export = require(${JSON.stringify(path.join(PROJECT_DIR, "index.ts"))});\n`);
            fs.writeFileSync(path.join(repo, "Pulumi.dev.yaml"), YAML.stringify(dev));
            const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", ...args], { cwd: repo, stdio: "pipe" });
            git("init", "-q");
            git("add", "Pulumi.dev.yaml");
            git("commit", "-q", "-m", "dev");
            const unchanged = await diffEnvironment("dev", { projectDir: repo });
            assert.strictEqual(unchanged.before, "HEAD:Pulumi.dev.yaml");
            assert.deepStrictEqual([unchanged.diff.created, unchanged.diff.deleted, unchanged.diff.changed], [[], [], []]);

            const edited = structuredClone(dev);
            edited.config["paved:network"] = { ...(edited.config["paved:network"] ?? {}), cidrBlock: "10.98.0.0/16" };
            fs.writeFileSync(path.join(repo, "Pulumi.dev.yaml"), YAML.stringify(edited));
            const result = await diffEnvironment("dev", { projectDir: repo });
            assert.ok(result.diff.changed.some((c) => c.keys.some((k) => /cidr/i.test(k))), JSON.stringify(result.diff.changed));

            fs.rmSync(path.join(repo, ".git"), { recursive: true });
            await assert.rejects(diffEnvironment("dev", { projectDir: repo }), (e: Error) => e instanceof PavedError && /pass --config <file>/.test(e.message));
        });

        it("a missing --config file is a usage problem (exit 2)", async () => {
            const { code, stderr } = await runMain(["diff", "dev", "--config", path.join(dir, "nope.yaml")], fakeContext(new FakeStacks(), { projectDir: PROJECT_DIR }));
            assert.strictEqual(code, 2);
            assert.match(stderr, /option '--config <file>' argument '.*nope\.yaml' is invalid\. No such file/);
        });
    });
});
