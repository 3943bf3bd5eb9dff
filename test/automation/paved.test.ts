import * as assert from "assert";
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, RunTaskCommand } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { AwsClients, ConfigError, FakeClock, Paved, PavedError, PavedEvent } from "../../automation";
import { EnvironmentOutputs } from "../../components/environment/outputs";
import { FakeStacks, tempProject } from "../cli/fake-stacks";

const DEV = "config:\n  aws:region: eu-west-1\n  paved:kind: dev\n";
const PROD = "config:\n  aws:region: eu-west-1\n  paved:kind: prod\n";
const STAGING = "config:\n  aws:region: eu-west-1\n  paved:kind: staging\n  paved:tags: { team: web, costCenter: cc-1 }\n";

/** Outputs of a deployed dev stack with one job, as the program exports them. */
const JOB_OUTPUTS = {
    environment: "dev",
    region: "eu-west-1",
    apps: {},
    jobs: {
        "nightly-report": {
            logGroup: "/paved/paved-dev/jobs/nightly-report",
            timeoutMinutes: 30,
            runTask: {
                cluster: "paved-dev",
                taskDefinitionFamily: "paved-dev-job-nightly-report",
                containerName: "nightly-report",
                subnets: ["subnet-1"],
                securityGroups: ["sg-1"],
                capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
            },
        },
    },
} as unknown as EnvironmentOutputs;

describe("automation: Paved, the typed API under the CLI", () => {
    describe("stacks", () => {
        it("up, preview, refresh and destroy return the engine's changes, typed; nothing asks or exits", async () => {
            const fake = new FakeStacks().add("dev", {});
            const paved = new Paved({ projectDir: tempProject({ dev: DEV }), stacks: fake });
            assert.deepStrictEqual(await paved.preview("dev"), { env: "dev", operation: "preview", changes: { update: 1, same: 2 } });
            assert.deepStrictEqual(await paved.up("dev"), { env: "dev", operation: "up", changes: { create: 3 } });
            assert.deepStrictEqual(await paved.refresh("dev"), { env: "dev", operation: "refresh", changes: { same: 3 } });
            assert.deepStrictEqual(await paved.destroy("dev"), { env: "dev", operation: "destroy", changes: { delete: 3 } });
            assert.deepStrictEqual(fake.mutations(), ["up dev", "refresh dev", "destroy dev"]);
        });

        it("refuses a protected destroy, an invalid config and a bad env name with typed errors before the backend", async () => {
            const fake = new FakeStacks().add("prod", {}).add("dev", {});
            const paved = new Paved({ projectDir: tempProject({ prod: PROD, dev: `${DEV}  paved:colour: blue\n` }), stacks: fake });
            await assert.rejects(paved.destroy("prod"), (e: Error) => e instanceof PavedError && /refusing to destroy prod: it is protected \(Pulumi\.prod\.yaml has paved:kind prod\)/.test(e.message));
            await assert.rejects(paved.up("dev"), (e: Error) => e instanceof ConfigError && e.problems.length === 1 && e.problems[0].path === "paved:colour");
            await assert.rejects(paved.preview("../x"), (e: Error) => e instanceof PavedError && /environment "\.\.\/x": an environment is a stack name/.test(e.message));
            assert.deepStrictEqual(fake.calls.map((c) => c.op), []);
            assert.deepStrictEqual(await paved.destroy("prod", { forceProtected: true }), { env: "prod", operation: "destroy", changes: { delete: 3 } });
        });
    });

    describe("staging", () => {
        it("create returns the stack, its config and URL; gc reports what it destroyed; progress arrives as events", async () => {
            const fake = new FakeStacks().add("staging", {});
            const events: PavedEvent[] = [];
            let now = new Date("2026-12-01T00:00:00Z");
            const paved = new Paved({ projectDir: tempProject({ staging: STAGING }), stacks: fake, now: () => now, onEvent: (e) => events.push(e) });
            const created = await paved.staging.create("2026.11.3", { ttlHours: 24 });
            assert.match(created.stack, /^staging-2026-1-h[0-9a-z]{8}$/);
            assert.strictEqual(created.url, `https://d111111abcdef8.cloudfront.net/${created.stack}`);
            assert.deepStrictEqual(created.config["paved:ephemeral"], { baseStack: "staging", release: "2026.11.3", expiresAt: "2026-12-02T00:00:00Z" });
            assert.ok(events.some((e) => e.type === "log" && e.message === `creating ${created.stack} from staging (release 2026.11.3, expires 2026-12-02T00:00:00Z)`), JSON.stringify(events));
            now = new Date("2026-12-03T00:00:00Z");
            const report = await paved.staging.gc();
            assert.deepStrictEqual(report.destroyed, [created.stack]);
            assert.deepStrictEqual(report.failed, []);
            await assert.rejects(paved.staging.create("../x"), (e: Error) => e instanceof PavedError && /release id "\.\.\/x" must be/.test(e.message));
        });
    });

    describe("jobs", () => {
        it("runJob returns the job's exit code as a result (a non-zero exit is not an error)", async () => {
            const ecs = new ECSClient({ region: "eu-west-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
            const mock = mockClient(ecs);
            const arn = "arn:aws:ecs:eu-west-1:123456789012:task/paved-dev/0123abcd";
            mock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: arn, lastStatus: "PROVISIONING", taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/paved-dev-job-nightly-report:3" }] });
            mock.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { containerDefinitions: [{ name: "nightly-report", logConfiguration: { logDriver: "awslogs", options: { "awslogs-stream-prefix": "job" } } }] } });
            mock.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: arn, lastStatus: "STOPPED", stoppedReason: "Essential container in task exited", containers: [{ name: "nightly-report", exitCode: 3 }] }] });
            const fake = new FakeStacks().add("dev", {}, JOB_OUTPUTS as unknown as Record<string, unknown>);
            // No local config: an environment made elsewhere; the outputs decide.
            const paved = new Paved({ projectDir: tempProject({}), stacks: fake, clock: new FakeClock(), clients: () => ({ ecs }) as unknown as AwsClients });
            const result = await paved.runJob("dev", "nightly-report");
            assert.strictEqual(result.exitCode, 3);
            assert.strictEqual(result.timedOut, false);
            assert.strictEqual(result.timeoutSeconds, 30 * 60);
            assert.strictEqual(result.logStream, "job/nightly-report/0123abcd");
            assert.strictEqual(mock.commandCalls(RunTaskCommand)[0].args[0].input.taskDefinition, "paved-dev-job-nightly-report");
        });

        it("an unknown job listed nowhere is a typed error naming the deployed ones", async () => {
            const fake = new FakeStacks().add("dev", {}, JOB_OUTPUTS as unknown as Record<string, unknown>);
            const paved = new Paved({ projectDir: tempProject({}), stacks: fake, clients: () => ({}) as AwsClients });
            await assert.rejects(paved.runJob("dev", "nightly"), (e: Error) => e instanceof PavedError && e.message === 'unknown job "nightly" in dev; jobs in dev: nightly-report');
        });
    });
});
