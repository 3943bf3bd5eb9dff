import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR, planEnvironment } from "../../cli/plan";
import { loadEnvironmentConfig } from "../../cli/env-config";
import { Environment, TAG_KEYS } from "../../components/environment/environment";
import { ConfigError } from "../../components/errors";
import { ProgramResult, RecordedResource, runProgram, taggableTypes } from "../../components/testing";
import { SERVICES_WITHOUT_SOURCE_KEYS } from "../../components/trust-policy";
import { sharedPlan } from "../support/plans";

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
    if (!plans.has(env)) plans.set(env, await sharedPlan(env, env === "staging-r42" ? EPHEMERAL_FIXTURE : undefined));
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

    /** The first cache behavior CloudFront picks for a path: ordered ones by pattern, then the default. */
    function behaviorFor(distribution: RecordedResource, path: string): Record<string, any> {
        const matches = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(path);
        return (distribution.inputs.orderedCacheBehaviors as Record<string, any>[]).find((b) => matches(b.pathPattern)) ?? distribution.inputs.defaultCacheBehavior;
    }

    for (const env of [...committed, "staging-r42"]) {
        it(`${env}: the services are reached through the site over HTTPS; static paths stay on S3`, async () => {
            const r = await plan(env);
            const cdn = ofType(r, "aws:cloudfront/distribution:Distribution")[0];
            const vpcOrigin = ofType(r, "aws:cloudfront/vpcOrigin:VpcOrigin");
            assert.strictEqual(vpcOrigin.length, 1);
            const domain = env === "prod" ? "services.shop.example.com" : env === "dev" ? "services.dev.shop.example.com" : "services.staging.shop.example.com";
            assert.deepStrictEqual(cdn.inputs.origins.find((o: any) => o.originId === "services"), {
                originId: "services",
                domainName: domain,
                vpcOriginConfig: { vpcOriginId: vpcOrigin[0].id, originReadTimeout: 30, originKeepaliveTimeout: 5 },
            });
            // Routed to a service: its paths and everything under them, before any asset pattern.
            const services = ["/api", "/api/v1/cart", "/checkout/api", "/checkout/api/pay", "/checkout/api/x.js", "/help/api/tickets"];
            const s3 = ["/", "/index.html", "/apix", "/api-explorer/", "/checkout", "/checkout/", "/checkout/assets/app.js", "/checkout/apis", "/help/faq", "/catalog/api"];
            for (const p of services) {
                const b = behaviorFor(cdn, p);
                assert.strictEqual(b.targetOriginId, "services", p);
                assert.deepStrictEqual(b.allowedMethods, ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"], p);
                assert.strictEqual(b.cachePolicyId, "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", `${p}: Managed-CachingDisabled`);
                assert.strictEqual(b.originRequestPolicyId, "b689b0a8-53d0-40ab-baf2-68738e2966ac", `${p}: Managed-AllViewerExceptHostHeader`);
                assert.strictEqual(b.viewerProtocolPolicy, "redirect-to-https");
                assert.strictEqual(b.functionAssociations, undefined, `${p}: no router function`);
            }
            for (const p of s3) {
                const b = behaviorFor(cdn, p);
                assert.strictEqual(b.targetOriginId, "assets", p);
                assert.strictEqual(b.functionAssociations.length, 1, `${p}: through the router`);
            }
            // Custom error responses would apply to the services too (their own 403s turned into
            // a page): there are none; "/" is the default root object, never a bucket listing.
            assert.strictEqual(cdn.inputs.customErrorResponses, undefined);
            assert.strictEqual(cdn.inputs.defaultRootObject, "index.html");
            // The load balancer: internal, HTTPS with the config's certificate, HTTP only redirects.
            const lbs = r.resources.filter((x) => x.type === "aws:lb/loadBalancer:LoadBalancer");
            assert.deepStrictEqual(lbs.map((x) => x.inputs.internal), [true], "no internet-facing load balancer");
            const listeners = ofType(r, "aws:lb/listener:Listener");
            const https = listeners.find((l) => l.inputs.protocol === "HTTPS")!;
            assert.match(https.inputs.certificateArn, /^arn:aws:acm:eu-west-1:123456789012:certificate\//);
            assert.deepStrictEqual(listeners.filter((l) => l.inputs.protocol === "HTTP").map((l) => l.inputs.defaultActions), [[{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]]);
            const rules = ofType(r, "aws:lb/listenerRule:ListenerRule");
            assert.deepStrictEqual(rules.map((x) => x.inputs.listenerArn), rules.map(() => https.outputs.arn));
            assert.deepStrictEqual(rules.map((x) => x.inputs.conditions[0].pathPattern.values).sort(), [["/api", "/api/*"], ["/checkout/api", "/checkout/api/*"], ["/help/api", "/help/api/*"]]);
            assert.strictEqual(vpcOrigin[0].inputs.vpcOriginEndpointConfig.originProtocolPolicy, "https-only");
            const o = r.outputs as Record<string, any>;
            assert.deepStrictEqual(
                Object.fromEntries(Object.entries(o.services).map(([k, v]: [string, any]) => [k, v.path])),
                { storefront: "/api", checkout: "/checkout/api", help: "/help/api" },
            );
            assert.strictEqual(o.services.checkout.url, `${o.site.url}/checkout/api`);
        });
    }

    it("a service runs its initial image until deployed, then the deployed one with today's settings", async () => {
        const fresh = await plan("dev");
        const image = (r: ProgramResult, app: string) => JSON.parse(r.resources.find((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition" && x.name === `svc-${app}-task`)!.inputs.containerDefinitions)[0].image;
        const repository = (fresh.outputs as any).services.checkout.repositoryUrl;
        assert.strictEqual(image(fresh, "checkout"), `${repository}:bootstrap`);
        assert.strictEqual((fresh.outputs as any).services.checkout.imageParameter, "/paved/paved-dev/services/checkout/image");
        // A deploy wrote 3.1.0; then the config changes cpu and memory: both land in the next plan.
        const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "paved-env-"));
        const file = path.join(dir, "Pulumi.dev.yaml");
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        const dev = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8").replace("checkout: { container: { service: { desiredCount: 1, maxCount: 2 } } }", "checkout: { container: { service: { desiredCount: 1, maxCount: 2, cpu: 1024, memory: 2048 } } }");
        assert.ok(dev.includes("cpu: 1024"));
        fs.writeFileSync(file, dev);
        const after = await planEnvironment("dev", { configFile: file, mocks: { ssmParameters: { "/paved/paved-dev/services/checkout/image": `${repository}:3.1.0` } } });
        fs.rmSync(dir, { recursive: true, force: true });
        const td = after.resources.find((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition" && x.name === "svc-checkout-task")!;
        assert.deepStrictEqual([td.inputs.cpu, td.inputs.memory, image(after, "checkout")], ["1024", "2048", `${repository}:3.1.0`]);
        assert.strictEqual(image(after, "storefront"), `${(after.outputs as any).services.storefront.repositoryUrl}:bootstrap`, "only the deployed service moves");
        const svc = after.resources.find((x) => x.type === "aws:ecs/service:Service" && x.name === "svc-checkout-service")!;
        assert.strictEqual(svc.inputs.taskDefinition, td.outputs.arn);
        assert.deepStrictEqual(svc.ignoreChanges, ["desiredCount"]);
    });

    it("prod protects its queues and dead-letter queues from deletion; the others do not", async () => {
        const queues = (r: ProgramResult) => ofType(r, "aws:sqs/queue:Queue");
        const prod = queues(await plan("prod"));
        assert.ok(prod.length >= 2 && prod.some((q) => q.name.endsWith("-dlq")), "prod has queues and dead-letter queues");
        assert.deepStrictEqual(prod.filter((q) => !q.protect).map((q) => q.urn), []);
        assert.deepStrictEqual(queues(await plan("dev")).filter((q) => q.protect).map((q) => q.urn), []);
    });

    it("every role a service assumes trusts it for this account only, and for its own resource where the service says which", async () => {
        const r = await plan("dev");
        const withoutSourceAccount: string[] = [];
        const sourceArns = new Map<string, string[]>();
        for (const role of ofType(r, "aws:iam/role:Role")) {
            for (const st of JSON.parse(role.inputs.assumeRolePolicy).Statement) {
                const service = st.Principal?.Service;
                if (!service) continue;
                if (!SERVICES_WITHOUT_SOURCE_KEYS.includes(service) && st.Condition?.StringEquals?.["aws:SourceAccount"] !== "123456789012") withoutSourceAccount.push(role.urn);
                const arn = st.Condition?.ArnEquals?.["aws:SourceArn"] ?? st.Condition?.ArnLike?.["aws:SourceArn"];
                if (arn) sourceArns.set(service, [...(sourceArns.get(service) ?? []), arn]);
            }
        }
        assert.deepStrictEqual(withoutSourceAccount, []);
        const arnsOf = (service: string) => sourceArns.get(service) ?? [];
        assert.ok(arnsOf("states.amazonaws.com").length >= 5 && arnsOf("states.amazonaws.com").every((a) => /^arn:aws:states:eu-west-1:123456789012:stateMachine:paved-dev-job-/.test(a)));
        assert.ok(arnsOf("codebuild.amazonaws.com").length === 51 && arnsOf("codebuild.amazonaws.com").every((a) => /^arn:aws:codebuild:eu-west-1:123456789012:project\/paved-dev-/.test(a)));
        assert.ok(arnsOf("scheduler.amazonaws.com").every((a) => a === "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/default"));
        assert.ok(arnsOf("ecs-tasks.amazonaws.com").length >= 18 && arnsOf("ecs-tasks.amazonaws.com").every((a) => a === "arn:aws:ecs:eu-west-1:123456789012:*"), "task roles");
        assert.deepStrictEqual(arnsOf("vpc-flow-logs.amazonaws.com"), ["arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*"]);
    });

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
        let error: ConfigError | undefined;
        const result = await runProgram({
            stack: "dev",
            config: { "aws:region": "eu-west-1" },
            program: () => {
                try {
                    new Environment("dev", config);
                } catch (e) {
                    error = e as ConfigError;
                }
            },
        });
        assert.ok(error instanceof ConfigError, "the environment refused its args");
        assert.match(error.message, /^2 problems in Environment "dev":/);
        const where = config.sources!;
        assert.deepStrictEqual(
            error.problems.map((p) => [p.path, p.value]),
            [
                [`${where.apps.product}.source.repository`, "https://git.example.com/acme/web.git"],
                [`${where.jobs["nightly-report"]}.cpu`, 300],
            ],
        );
        assert.match(error.problems[0].message, /host "git.example.com" is not one CodeBuild clones from/);
        assert.match(error.problems[1].message, /invalid on fargate/);
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
