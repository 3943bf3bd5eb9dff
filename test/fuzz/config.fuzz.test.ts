import * as assert from "assert";
import * as path from "path";
import fc from "fast-check";
import { ConfigError } from "../../components/errors";
import { decodeConfigValue, parseConfig } from "../../components/config";
import { runProgram, type ProgramResult } from "../../components/testing";
import { evaluatePolicies, formatViolations } from "../../policy/run";
import { requiredTags } from "../../policy/rules";

/**
 * Config fuzzing: small valid stack configs (0-4 apps, 0-3 jobs), mutated by 0-3 random edits
 * (wrong types, bad paths, duplicate names, overlapping paths, bad schedules, impossible sizes,
 * unknown keys, missing keys...), each planned through `index.ts` under the mock harness.
 * Every config either plans with the invariants holding, or fails with a `ConfigError` whose
 * every problem names a key path. Never another error, a hang or an unhandled rejection.
 *
 * Reproducible: a fixed seed unless FUZZ_SEED is set; FUZZ_RUNS overrides the run count.
 */

const PROJECT_DIR = path.resolve(__dirname, "../..");
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261126;
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 1000;
/** A plan of a small config takes well under a second; anything near this is a hang. */
const HANG_MS = 20_000;

/** Key paths a problem may name: a `paved:` key, a catalog file's key, the region, the stack. */
const KEY_PATH = /^(paved:[a-zA-Z]+([.[].*)?|[A-Za-z0-9._/-]+\.ya?ml:.+|aws:region|stack)$/;

type Config = Record<string, any>;

// ---------------------------------------------------------------------------------------------
// Valid configs.

const APP_NAMES = ["shop", "catalog", "checkout", "search", "account", "help-center"];
const JOB_NAMES = ["nightly-report", "reindex", "thumbnails", "export"];
const ENV_VARS = ["API_BASE", "NODE_ENV", "FEATURE_FLAGS", "LOG_LEVEL"];

const appArb = (name: string, root: boolean) =>
    fc.record(
        {
            name: fc.constant(name),
            path: fc.constant(root ? "/" : `/${name}`),
            team: fc.constantFrom("shop", "payments", "platform"),
            source: fc.record({ repository: fc.constant("https://github.com/acme/web.git"), branch: fc.constantFrom("main", "release"), directory: fc.constant(`apps/${name}`) }, { requiredKeys: ["repository"] }),
            build: fc.record(
                {
                    computeSize: fc.constantFrom("small", "medium", "large"),
                    timeoutMinutes: fc.integer({ min: 5, max: 120 }),
                    environment: fc.dictionary(fc.constantFrom(...ENV_VARS), fc.constantFrom("/api", "production", "on")),
                },
                { requiredKeys: [] },
            ),
            // The root app's service gets a sub-path of its own: "/" would take every app's path.
            container: fc.record(
                { port: fc.integer({ min: 1024, max: 9000 }), service: fc.record({ desiredCount: fc.integer({ min: 1, max: 3 }) }).map((svc) => (root ? { ...svc, path: "/api" } : svc)) },
                { requiredKeys: [] },
            ),
            webhook: fc.boolean(),
        },
        { requiredKeys: ["name", "path", "source"] },
    );

/** Sizes valid for each capacity. */
const SIZES: Record<string, [number, number][]> = {
    ec2: [
        [256, 512],
        [512, 1024],
        [1024, 2048],
    ],
    fargate: [
        [256, 512],
        [512, 1024],
        [1024, 3072],
    ],
    fargateSpot: [[256, 1024]],
};

const jobArb = (name: string) =>
    fc
        .record({
            capacity: fc.constantFrom("ec2", "fargate", "fargateSpot"),
            size: fc.nat(2),
            trigger: fc.constantFrom("schedule", "queue", "onDemand"),
            expression: fc.constantFrom("cron(0 3 * * ? *)", "rate(1 hour)", "rate(15 minutes)", "cron(30 6 ? * MON-FRI *)"),
            timezone: fc.constantFrom("UTC", "Europe/Berlin", "America/New_York"),
            maxWorkers: fc.integer({ min: 1, max: 20 }),
            environment: fc.dictionary(fc.constantFrom(...ENV_VARS), fc.constantFrom("a", "b")),
        })
        .map((j) => {
            const sizes = SIZES[j.capacity];
            const [cpu, memory] = sizes[j.size % sizes.length];
            return {
                name,
                image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}:1.0.0`,
                cpu,
                memory,
                capacity: j.capacity,
                environment: j.environment,
                ...(j.trigger === "schedule" ? { schedule: { expression: j.expression, timezone: j.timezone } } : {}),
                ...(j.trigger === "queue" ? { queue: { maxWorkers: j.maxWorkers } } : {}),
            };
        });

const validConfigArb: fc.Arbitrary<{ stack: string; config: Config }> = fc
    .record({
        stack: fc.constantFrom("dev", "staging", "prod", "qa"),
        kind: fc.constantFrom("dev", "staging", "prod"),
        region: fc.constantFrom("eu-west-1", "us-east-1", "ap-southeast-2"),
        appNames: fc.subarray(APP_NAMES, { maxLength: 4 }),
        rootApp: fc.boolean(),
        jobNames: fc.subarray(JOB_NAMES, { maxLength: 3 }),
        network: fc.oneof(
            fc.record({ cidrBlock: fc.constantFrom("10.10.0.0/16", "10.20.0.0/20"), availabilityZones: fc.integer({ min: 2, max: 3 }) }, { requiredKeys: [] }),
            fc.constant({ existing: { vpcId: "vpc-0abc12345def67890", privateSubnetIds: ["subnet-0aaaaaaa1", "subnet-0bbbbbbb2"], publicSubnetIds: ["subnet-0ccccccc3", "subnet-0ddddddd4"] } }),
        ),
        tags: fc.record({ team: fc.constantFrom("platform", "web"), costCenter: fc.constantFrom("cc-1001", "cc-2002") }, { requiredKeys: [] }),
        catalog: fc.boolean(),
    })
    .chain((base) =>
        fc
            .record({
                apps: fc.tuple(...base.appNames.map((n, i) => appArb(n, base.rootApp && i === 0))),
                jobs: fc.tuple(...base.jobNames.map(jobArb)),
            })
            .map(({ apps, jobs }) => {
                const config: Config = {
                    "aws:region": base.region,
                    "paved:kind": base.kind,
                    "paved:network": base.network,
                    "paved:tags": base.tags,
                    "paved:apps": apps,
                    "paved:jobs": jobs,
                    // Services are reached over HTTPS: a certificate in the stack's region.
                    "paved:services": { certificateArn: `arn:aws:acm:${base.region}:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100`, originDomain: "services.example.com" },
                    // Prod must have a subscriber for its failure notifications (policy: notifications-topic).
                    ...(base.kind === "prod" ? { "paved:alerts": { email: ["oncall@example.com"] } } : {}),
                };
                // The fuzz catalog (test/fuzz/catalog.yaml) is valid and uses none of the generated names.
                if (base.catalog) {
                    config["paved:catalog"] = "test/fuzz/catalog.yaml";
                    config["paved:apps"] = apps.map((a: Config) => {
                        const { path: _servicePath, ...service } = a.container?.service ?? {};
                        const container = a.container ? { ...a.container, ...(a.container.service ? { service } : {}) } : undefined;
                        return { ...a, name: `x-${a.name}`, path: a.path === "/" ? "/x-root" : `/x-${a.name}`, ...(container ? { container } : {}) };
                    });
                    config["paved:jobs"] = jobs.map((j: Config) => ({ ...j, name: `x-${j.name}` }));
                }
                return { stack: base.stack, config };
            }),
    );

// ---------------------------------------------------------------------------------------------
// Mutations. `invalid` ones always make a config invalid; the others may or may not.

interface Mutation {
    op: string;
    pick: number;
    value: unknown;
}

const junk = fc.oneof(fc.integer(), fc.string({ maxLength: 12 }), fc.constant(null), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }), fc.constant({}), fc.double());

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
    op: fc.constantFrom(
        "wrongTypeTop",
        "wrongTypeApp",
        "wrongTypeJob",
        "deleteAppKey",
        "deleteJobKey",
        "unknownTopKey",
        "unknownAppKey",
        "badRegion",
        "missingRegion",
        "missingKind",
        "badStack",
        "duplicateApp",
        "overlappingPath",
        "badCron",
        "impossibleSize",
        "missingCatalogFile",
        "badAppPath",
        "clusterMinOverMax",
        "unknownInstanceType",
        "badTimezone",
        "ephemeralKind",
        "bothTriggers",
        "badServicePath",
        "wildcardSecret",
        "certificateElsewhere",
    ),
    pick: fc.nat(1000),
    value: junk,
});

const TOP_KEYS = ["paved:kind", "paved:network", "paved:tags", "paved:apps", "paved:jobs", "paved:cluster", "paved:site", "paved:overrides", "paved:services", "aws:region"];
const APP_KEYS = ["name", "path", "team", "source", "build", "container", "webhook"];
const JOB_KEYS = ["name", "image", "cpu", "memory", "capacity", "schedule", "queue", "timeoutMinutes", "environment"];

/** Applies a mutation; returns whether it certainly invalidated the config. */
function mutate(target: { stack: string; config: Config }, m: Mutation): boolean {
    const c = target.config;
    const apps: Config[] = Array.isArray(c["paved:apps"]) ? c["paved:apps"] : [];
    const jobs: Config[] = Array.isArray(c["paved:jobs"]) ? c["paved:jobs"] : [];
    const app = apps.length ? apps[m.pick % apps.length] : undefined;
    const job = jobs.length ? jobs[m.pick % jobs.length] : undefined;
    const isObj = (v: unknown): v is Config => v !== null && typeof v === "object" && !Array.isArray(v);
    switch (m.op) {
        case "wrongTypeTop":
            c[TOP_KEYS[m.pick % TOP_KEYS.length]] = m.value;
            return false;
        case "wrongTypeApp":
            if (isObj(app)) app[APP_KEYS[m.pick % APP_KEYS.length]] = m.value;
            return false;
        case "wrongTypeJob":
            if (isObj(job)) job[JOB_KEYS[m.pick % JOB_KEYS.length]] = m.value;
            return false;
        case "deleteAppKey":
            if (isObj(app)) delete app[APP_KEYS[m.pick % 3]];
            return false;
        case "deleteJobKey":
            if (isObj(job)) delete job[JOB_KEYS[m.pick % 2]];
            return false;
        case "unknownTopKey":
            c["paved:colour"] = "blue";
            return true;
        case "unknownAppKey":
            if (!isObj(app)) {
                c["paved:network"] = { ...(isObj(c["paved:network"]) ? c["paved:network"] : {}), colour: "blue" };
                return true;
            }
            app.colour = m.value;
            return true;
        case "badRegion":
            c["aws:region"] = ["EU-WEST-1", "mars-1", "", "eu-west"][m.pick % 4];
            return true;
        case "missingRegion":
            delete c["aws:region"];
            return true;
        case "missingKind":
            delete c["paved:kind"];
            return true;
        case "badStack":
            target.stack = ["Dev", "dev_1", "-dev", "a-very-long-environment-name-x"][m.pick % 4];
            return true;
        case "duplicateApp":
            if (isObj(app)) {
                apps.push({ ...app, path: `/dup-${m.pick}` });
                return true;
            }
            c["paved:jobs"] = [...jobs, { name: "dup", image: "x/y:1" }, { name: "dup", image: "x/y:2" }];
            return true;
        case "overlappingPath":
            apps.push({ name: `nested-${m.pick}`, path: isObj(app) && typeof app.path === "string" && app.path !== "/" ? `${app.path}/sub` : "/a/b", source: { repository: "https://github.com/acme/web.git" } });
            if (!(isObj(app) && typeof app.path === "string" && app.path !== "/")) apps.push({ name: `outer-${m.pick}`, path: "/a", source: { repository: "https://github.com/acme/web.git" } });
            c["paved:apps"] = apps;
            return true;
        case "badCron":
            c["paved:jobs"] = [...jobs, { name: `cron-${m.pick}`, image: "x/y:1", schedule: { expression: ["cron(0 3 * * * *)", "rate(0 minutes)", "every day", "rate(1 hours)", "cron(99 3 * * ? *)"][m.pick % 5] } }];
            return true;
        case "impossibleSize":
            c["paved:jobs"] = [...jobs, { name: `big-${m.pick}`, image: "x/y:1", capacity: m.pick % 2 ? "fargate" : "ec2", cpu: [300, 1024, 999999][m.pick % 3], memory: 999999 }];
            return true;
        case "missingCatalogFile":
            c["paved:catalog"] = "no-such-catalog.yaml";
            return true;
        case "badAppPath":
            c["paved:apps"] = [...apps, { name: `bad-path-${m.pick}`, path: ["/Shop", "shop", "/shop/", "/a b", "/../x"][m.pick % 5], source: { repository: "https://github.com/acme/web.git" } }];
            return true;
        case "clusterMinOverMax":
            c["paved:cluster"] = { minSize: 5, maxSize: 2 };
            return true;
        case "unknownInstanceType":
            c["paved:cluster"] = { instanceTypes: ["zz9.mega"] };
            return true;
        case "badTimezone":
            c["paved:jobs"] = [...jobs, { name: `tz-${m.pick}`, image: "x/y:1", schedule: { expression: "rate(1 hour)", timezone: "Mars/Olympus" } }];
            return true;
        case "ephemeralKind":
            c["paved:kind"] = "ephemeral";
            return false;
        case "badServicePath":
            c["paved:apps"] = [...apps, { name: `svc-${m.pick}`, path: `/svc-${m.pick}`, source: { repository: "https://github.com/acme/web.git" }, container: { service: { path: ["/", "/elsewhere", `/svc-${m.pick}/API`][m.pick % 3] } } }];
            return true;
        case "wildcardSecret":
            c["paved:jobs"] = [...jobs, { name: `secret-${m.pick}`, image: "x/y:1", secrets: { DB: ["arn:aws:ssm:eu-west-1:123456789012:parameter/*", "/prod/*", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:*"][m.pick % 3] } }];
            return true;
        case "certificateElsewhere":
            c["paved:services"] = { certificateArn: `arn:aws:acm:${c["aws:region"] === "sa-east-1" ? "ca-central-1" : "sa-east-1"}:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100`, originDomain: "services.example.com" };
            return true;
        case "bothTriggers":
            if (isObj(job)) {
                job.schedule = { expression: "rate(1 day)" };
                job.queue = { maxWorkers: 2 };
            }
            return false;
    }
    return false;
}

// About a third unmutated, so valid configs are planned as often as broken ones are rejected.
const mutationsArb = fc.oneof({ weight: 1, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 2, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) });

const caseArb = fc.tuple(validConfigArb, mutationsArb).map(([valid, mutations]) => {
    const target = { stack: valid.stack, config: structuredClone(valid.config) };
    const surelyInvalid = mutations.map((m) => mutate(target, m)).some(Boolean);
    return { ...target, mutations: mutations.map((m) => m.op), surelyInvalid };
});

// ---------------------------------------------------------------------------------------------
// Planning and invariants.

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`hang: ${what} did not settle in ${ms} ms`)), ms);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The required tags the environment's provider sets, from the same config the program reads. */
function tagsOf(stack: string, config: Config): Record<string, string> {
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) values[k] = decodeConfigValue(typeof v === "string" ? v : JSON.stringify(v));
    const parsed = parseConfig({ project: "paved", stack, values, projectDir: PROJECT_DIR });
    return requiredTags({ environment: parsed.name, team: parsed.tags.team, costCenter: parsed.tags.costCenter });
}

function checkPlan(stack: string, config: Config, result: ProgramResult): void {
    const urns = result.resources.map((r) => r.urn);
    const dup = urns.filter((u, i) => urns.indexOf(u) !== i);
    assert.deepStrictEqual(dup, [], "every URN is unique");
    assert.strictEqual(result.outputs.environment, stack);
    const violations = evaluatePolicies(result.resources, { defaultTags: tagsOf(stack, config) });
    assert.strictEqual(violations.length, 0, `policy violations:\n${formatViolations(violations)}`);
}

function checkConfigError(error: unknown): void {
    if (!(error instanceof ConfigError)) throw error;
    assert.ok(error.problems.length > 0, "a ConfigError lists its problems");
    for (const p of error.problems) {
        assert.match(p.path, KEY_PATH, `problem without a key path: ${JSON.stringify(p)}`);
        assert.ok(p.message.length > 0, `problem without a message: ${p.path}`);
    }
}

describe("config fuzzing", function () {
    this.timeout(600_000);

    it(`${RUNS} generated configs either plan with every invariant or fail with key-path ConfigErrors`, async () => {
        const program = require("../../index");
        const rejections: unknown[] = [];
        const onRejection = (reason: unknown) => rejections.push(reason);
        process.on("unhandledRejection", onRejection);
        const counts = { planned: 0, configErrors: 0, echoedRejections: 0 };
        const started = Date.now();
        console.log(`      fuzz seed ${SEED} (set FUZZ_SEED to change, FUZZ_RUNS for the count)`);
        try {
            await fc.assert(
                fc.asyncProperty(caseArb, async ({ stack, config, mutations, surelyInvalid }) => {
                    let result: ProgramResult | undefined;
                    let error: unknown;
                    try {
                        result = await withTimeout(runProgram({ program, stack, config }), HANG_MS, `plan of ${JSON.stringify(mutations)}`);
                    } catch (e) {
                        error = e;
                        // The Pulumi runtime re-rejects a failed program's error on promises nobody
                        // awaits, one tick after runProgram has stopped listening. Let those echoes
                        // land here (not in the next run) and count them; any other rejection fails.
                        await new Promise((resolve) => setImmediate(resolve));
                        await new Promise((resolve) => setImmediate(resolve));
                        const echoes = rejections.filter((r) => r === e);
                        counts.echoedRejections += echoes.length;
                        rejections.splice(0, rejections.length, ...rejections.filter((r) => r !== e));
                    }
                    if (result) {
                        assert.ok(!surelyInvalid, `config with ${mutations.join(", ")} planned, but it is invalid`);
                        checkPlan(stack, config, result);
                        counts.planned++;
                    } else {
                        checkConfigError(error);
                        if (mutations.length === 0) throw new Error(`an unmutated valid config was rejected: ${(error as Error).message}`);
                        counts.configErrors++;
                    }
                    assert.deepStrictEqual(rejections, [], "no unhandled rejection");
                }),
                { seed: SEED, numRuns: RUNS, endOnFailure: true },
            );
        } finally {
            process.off("unhandledRejection", onRejection);
        }
        const seconds = (Date.now() - started) / 1000;
        console.log(
            `      ${counts.planned} planned, ${counts.configErrors} rejected with ConfigError, in ${seconds.toFixed(1)} s ` +
                `(${counts.echoedRejections} unhandled re-rejections of a failed program's own error, from the Pulumi runtime)`,
        );
        // Both outcomes must be exercised, or the generator has drifted.
        assert.ok(counts.planned >= RUNS / 10, `only ${counts.planned} configs planned`);
        assert.ok(counts.configErrors >= RUNS / 10, `only ${counts.configErrors} configs rejected`);
    });
});
