import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR, planEnvironment } from "../../cli/plan";
import { loadEnvironmentConfig } from "../../cli/env-config";
import { Environment, TAG_KEYS } from "../../components/environment/environment";
import { ProgramResult, RecordedResource, runProgram, taggableTypes } from "../../components/testing";

/**
 * The whole program under the harness for every committed stack config (and an ephemeral copy as
 * `paved staging create` writes it), with the invariants Paved promises per environment.
 */
const committed = fs
    .readdirSync(PROJECT_DIR)
    .filter((f) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(f))
    .map((f) => f.slice("Pulumi.".length, -".yaml".length));
const EPHEMERAL_FIXTURE = path.join(__dirname, "fixtures", "Pulumi.staging-r42.yaml");
const URN_DIR = path.join(__dirname, "urns");

const plans = new Map<string, ProgramResult>();
async function plan(env: string): Promise<ProgramResult> {
    if (!plans.has(env)) plans.set(env, await planEnvironment(env, env === "staging-r42" ? { configFile: EPHEMERAL_FIXTURE } : {}));
    return plans.get(env)!;
}

const ofType = (r: ProgramResult, type: string) => r.resources.filter((x) => x.type === type);

/** The nearest ancestor of `r` of one of `types`. */
function ancestor(result: ProgramResult, r: RecordedResource, types: string[]): RecordedResource | undefined {
    const byUrn = new Map(result.resources.map((x) => [x.urn, x]));
    for (let p = r.parent && byUrn.get(r.parent); p; p = p.parent ? byUrn.get(p.parent) : undefined) {
        if (types.includes(p.type)) return p;
    }
    return undefined;
}

function effectiveTags(result: ProgramResult, r: RecordedResource): Record<string, string> {
    const provider = result.resources.find((x) => x.type === "pulumi:providers:aws");
    const defaults = provider?.inputs.defaultTags ? JSON.parse(provider.inputs.defaultTags).tags : {};
    return { ...defaults, ...(r.inputs.tags ?? {}) };
}

describe("environments", function () {
    this.timeout(120000);

    it("has the committed stack configs dev, staging and prod", () => {
        assert.deepStrictEqual(["dev", "prod", "staging"].filter((e) => committed.includes(e)), ["dev", "prod", "staging"]);
    });

    for (const env of [...committed, "staging-r42"]) {
        describe(env, () => {
            it("plans with one distribution, and one build project and ECR repository per app", async () => {
                const r = await plan(env);
                assert.strictEqual(ofType(r, "aws:cloudfront/distribution:Distribution").length, 1);
                const apps = ofType(r, "paved:frontend:FrontendApp");
                assert.strictEqual(apps.length, 50);
                for (const type of ["aws:codebuild/project:Project", "aws:ecr/repository:Repository"]) {
                    const perApp = new Map<string, number>();
                    for (const x of ofType(r, type)) {
                        const app = ancestor(r, x, ["paved:frontend:FrontendApp"]);
                        if (app) perApp.set(app.name, (perApp.get(app.name) ?? 0) + 1);
                    }
                    assert.deepStrictEqual([...perApp.values()].filter((n) => n !== 1), [], `${type} per app`);
                    assert.strictEqual(perApp.size, 50, type);
                }
            });

            it("gives every job its own task and execution roles", async () => {
                const r = await plan(env);
                const jobs = ofType(r, "paved:batch:BatchJob");
                assert.strictEqual(jobs.length, 15);
                const seen = new Set<string>();
                for (const job of jobs) {
                    const taskDefs = r.resources.filter((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition" && x.parent === job.urn);
                    assert.strictEqual(taskDefs.length, 1, job.name);
                    const { taskRoleArn, executionRoleArn } = taskDefs[0].inputs;
                    assert.ok(taskRoleArn && executionRoleArn && taskRoleArn !== executionRoleArn, job.name);
                    for (const arn of [taskRoleArn, executionRoleArn]) {
                        assert.ok(!seen.has(arn), `${arn} is shared`);
                        seen.add(arn);
                        const role = r.resources.find((x) => x.type === "aws:iam/role:Role" && x.outputs.arn === arn);
                        assert.strictEqual(role?.parent, job.urn, `${job.name}'s role ${arn} belongs to it`);
                    }
                }
            });

            it("tags every taggable resource with environment, team, cost center and its app or job", async () => {
                const r = await plan(env);
                const taggable = taggableTypes();
                const untagged: string[] = [];
                let checked = 0;
                for (const x of r.resources) {
                    if (!x.custom || !taggable.has(x.type)) continue;
                    checked++;
                    const tags = effectiveTags(r, x);
                    const want: string[] = [TAG_KEYS.environment, TAG_KEYS.team, TAG_KEYS.costCenter];
                    const owner = ancestor(r, x, ["paved:frontend:FrontendApp", "paved:batch:BatchJob"]);
                    if (owner?.type === "paved:frontend:FrontendApp") want.push(TAG_KEYS.app);
                    if (owner?.type === "paved:batch:BatchJob") want.push(TAG_KEYS.job);
                    if (env === "staging-r42") want.push(TAG_KEYS.expiresAt);
                    const missing = want.filter((k) => !tags[k]);
                    if (missing.length) untagged.push(`${x.urn}: ${missing.join(", ")}`);
                    assert.strictEqual(tags[TAG_KEYS.environment], env, x.urn);
                }
                assert.ok(checked > 300, `checked ${checked} taggable resources`);
                assert.deepStrictEqual(untagged, []);
                const groups = ofType(r, "aws:autoscaling/group:Group");
                // An ephemeral copy borrows the base stack's cluster, so only it has no group to check.
                if (env !== "staging-r42") assert.ok(groups.length > 0, "the cluster's Auto Scaling group is checked");
                for (const group of groups) {
                    const keys = (group.inputs.tags as { key: string; propagateAtLaunch: boolean }[]).filter((t) => t.propagateAtLaunch).map((t) => t.key);
                    for (const k of [TAG_KEYS.environment, TAG_KEYS.team, TAG_KEYS.costCenter]) assert.ok(keys.includes(k), `${group.urn} propagates ${k}`);
                }
            });

            it("protects stateful resources in prod only, and lets the others destroy completely", async () => {
                const r = await plan(env);
                const stateful = r.resources.filter((x) =>
                    ["aws:s3/bucket:Bucket", "aws:ecr/repository:Repository", "aws:cloudwatch/logGroup:LogGroup"].includes(x.type),
                );
                assert.ok(stateful.length > 100);
                const prod = env === "prod";
                assert.deepStrictEqual(stateful.filter((x) => x.protect !== prod).map((x) => x.urn), []);
                assert.deepStrictEqual(r.resources.filter((x) => x.retainOnDelete).map((x) => x.urn), []);
                if (!prod) {
                    assert.deepStrictEqual(ofType(r, "aws:s3/bucket:Bucket").filter((b) => b.inputs.forceDestroy !== true).map((b) => b.urn), []);
                    assert.deepStrictEqual(ofType(r, "aws:ecr/repository:Repository").filter((b) => b.inputs.forceDelete !== true).map((b) => b.urn), []);
                    assert.deepStrictEqual(r.resources.filter((x) => x.protect).map((x) => x.urn), []);
                }
            });

            it("exports what a user and the CLI need", async () => {
                const r = await plan(env);
                const o = r.outputs as Record<string, any>;
                assert.strictEqual(o.environment, env);
                assert.match(o.site.url, /^https:\/\//);
                assert.strictEqual(Object.keys(o.apps).length, 50);
                assert.match(o.apps.catalog.url, /^https:\/\/.+\/catalog\/$/);
                assert.strictEqual(o.apps.catalog.buildProject, `paved-${env}-app-catalog`);
                assert.strictEqual(o.jobs["nightly-report"].run, `paved job run ${env} nightly-report`);
                assert.deepStrictEqual(o.jobs["nightly-report"].runTask.subnets, o.privateSubnetIds);
                assert.deepStrictEqual(Object.keys(o.services).sort(), ["checkout", "help", "storefront"]);
            });

            it(`matches the pinned URNs in test/environment/urns/${env}.txt (a rename is a replace)`, async () => {
                const r = await plan(env);
                const urns = r.resources.map((x) => x.urn).sort();
                assert.strictEqual(new Set(urns).size, urns.length, "URNs are unique");
                const file = path.join(URN_DIR, `${env}.txt`);
                if (process.env.UPDATE_URNS === "1") fs.writeFileSync(file, `${urns.join("\n")}\n`);
                const pinned = fs.readFileSync(file, "utf8").trim().split("\n");
                const removed = pinned.filter((u) => !urns.includes(u));
                const added = urns.filter((u) => !pinned.includes(u));
                assert.deepStrictEqual({ removed, added }, { removed: [], added: [] }, "run with UPDATE_URNS=1 only for an intended change");
            });
        });
    }

    it("an ephemeral copy borrows staging's network, cluster and build image, and carries its expiry", async () => {
        const r = await plan("staging-r42");
        for (const type of ["paved:network:Network", "paved:batch:BatchCluster", "paved:frontend:BuildImage", "awsx:ec2:Vpc", "aws:ecs/cluster:Cluster"]) {
            assert.strictEqual(ofType(r, type).length, 0, type);
        }
        const ref = ofType(r, "pulumi:pulumi:StackReference");
        assert.deepStrictEqual(ref.map((x) => x.inputs.name), ["organization/paved/staging"]);
        const job = r.resources.find((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition" && x.name.startsWith("job-nightly-report"))!;
        assert.ok(job, "the nightly report job has a task definition");
        const o = r.outputs as Record<string, any>;
        assert.strictEqual(o.clusterName, "paved-staging");
        assert.strictEqual(o.expiresAt, "2026-11-29T12:00:00Z");
        assert.strictEqual(o.kind, "ephemeral");
        const provider = ofType(r, "pulumi:providers:aws")[0];
        assert.strictEqual(JSON.parse(provider.inputs.defaultTags).tags[TAG_KEYS.expiresAt], "2026-11-29T12:00:00Z");
    });

    it("checks every child's args before registering anything, and lists every failure", async () => {
        const config = loadEnvironmentConfig("dev");
        // Args the schema would refuse, as a team calling Environment directly could pass them.
        config.apps[3] = { ...config.apps[3], source: { ...config.apps[3].source, repository: "https://git.example.com/acme/web.git" } };
        config.jobs[0] = { ...config.jobs[0], capacity: "fargate", cpu: 300 };
        let error: Error | undefined;
        const result = await runProgram({
            stack: "dev",
            config: { "aws:region": "eu-west-1" },
            program: () => {
                try {
                    new Environment("dev", config);
                } catch (e) {
                    error = e as Error;
                }
            },
        });
        assert.ok(error, "the environment refused its args");
        assert.match(error.message, /^Environment "dev": 2 problems found before creating anything:/);
        assert.match(error.message, /FrontendApp "product": args.source.repository "https:\/\/git.example.com\/acme\/web.git" host "git.example.com" is not one CodeBuild clones from/);
        assert.match(error.message, /BatchJob "nightly-report": args.cpu 300 invalid on fargate/);
        assert.deepStrictEqual(
            result.resources.map((r) => r.type),
            ["pulumi:pulumi:Stack", "paved:environment:Environment"],
            "no provider, network, site or app was registered",
        );
    });

    it("dev has one NAT gateway, prod one per availability zone", async () => {
        const natOf = async (env: string) => ofType(await plan(env), "awsx:ec2:Vpc")[0].inputs;
        assert.deepStrictEqual(await natOf("dev").then((i) => [i.natGateways.strategy, i.numberOfAvailabilityZones]), ["Single", 2]);
        assert.deepStrictEqual(await natOf("prod").then((i) => [i.natGateways.strategy, i.numberOfAvailabilityZones]), ["OnePerAz", 3]);
    });
});
