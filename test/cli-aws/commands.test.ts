import * as assert from "assert";
import { CloudFrontKeyValueStoreClient } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { BatchGetBuildsCommand, CodeBuildClient, StartBuildCommand } from "@aws-sdk/client-codebuild";
import { ECRClient } from "@aws-sdk/client-ecr";
import {
    DescribeServicesCommand,
    DescribeTaskDefinitionCommand,
    DescribeTasksCommand,
    ECSClient,
    RegisterTaskDefinitionCommand,
    RunTaskCommand,
    UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { Command } from "commander";
import { AwsClients, s3Client } from "../../cli/aws/clients";
import { FakeClock } from "../../cli/aws/clock";
import { AwsCommandDeps } from "../../cli/aws/command-deps";
import { OperationFailed } from "../../cli/aws/errors";
import { staticOutputs } from "../../cli/aws/outputs-source";
import { LiveDisplay, registerBuildCommand, renderLiveBlock } from "../../cli/commands/build";
import { registerDeployServiceCommand } from "../../cli/commands/deploy-service";
import { registerJobCommands } from "../../cli/commands/job";
import { registerReleaseCommands } from "../../cli/commands/release";
import { loadEnvironmentConfig } from "../../cli/env-config";
import { EnvironmentOutputs } from "../../components/environment/outputs";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SFNClient } from "@aws-sdk/client-sfn";
import { PavedError } from "../../components/errors";
import { MOTO_CREDENTIALS, MotoServer, startMoto } from "../support/moto";
import { SimulatedCodeBuild } from "./codebuild-sim";
import { KVS_ARN, SimulatedKeyValueStore } from "./kvs-sim";

const BUCKET = "paved-dev-assets-123456789012-eu-west-1";

/** The dev stack's outputs as the Automation API would return them (only what the commands read is realistic). */
const DEV_OUTPUTS: EnvironmentOutputs = {
    environment: "dev",
    kind: "dev",
    region: "eu-west-1",
    namePrefix: "paved-dev",
    site: { url: "https://d111111abcdef8.cloudfront.net", distributionId: "E2QWRUHEXAMPLE", bucket: BUCKET, keyValueStoreArn: KVS_ARN },
    apps: {},
    clusterName: "paved-dev",
    clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/paved-dev",
    ec2CapacityProviderName: "paved-dev-ec2",
    taskSecurityGroupId: "sg-0ccc3333",
    buildImage: { repositoryUrl: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/paved-dev/build-image", repositoryArn: "arn:aws:ecr:eu-west-1:123456789012:repository/paved-dev/build-image" },
    operations: {
        alertsTopicArn: "arn:aws:sns:eu-west-1:123456789012:operations-topic-1a2b3c4",
        dashboardName: "paved-dev",
        dashboardUrl: "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/paved-dev",
    },
    jobs: {
        "nightly-report": {
            trigger: "schedule",
            run: "paved job run dev nightly-report",
            logGroup: "/paved/paved-dev/jobs/nightly-report",
            runTask: {
                cluster: "paved-dev",
                taskDefinitionFamily: "paved-dev-job-nightly-report",
                containerName: "job",
                subnets: ["subnet-0aaa1111", "subnet-0bbb2222"],
                securityGroups: ["sg-0ccc3333"],
                capacityProviderStrategy: [{ capacityProvider: "paved-dev-ec2", weight: 1 }],
            },
        },
    },
    services: {},
    vpcId: "vpc-0abc12345def67890",
    privateSubnetIds: ["subnet-0aaa1111", "subnet-0bbb2222"],
    publicSubnetIds: ["subnet-0ddd4444", "subnet-0eee5555"],
};

const creds = { region: "eu-west-1", credentials: MOTO_CREDENTIALS };
const dev = loadEnvironmentConfig("dev");

function harness(clients: Partial<AwsClients>, clock = new FakeClock()) {
    const lines: string[] = [];
    const deps: AwsCommandDeps = {
        outputs: staticOutputs({ dev: DEV_OUTPUTS }),
        loadConfig: (env) => {
            if (env !== "dev") throw new Error(`no stack config Pulumi.${env}.yaml for environment "${env}"`);
            return dev;
        },
        clients: () => ({
            codebuild: new CodeBuildClient(creds),
            s3: new S3Client(creds),
            ecs: new ECSClient(creds),
            ecr: new ECRClient(creds),
            kvs: new CloudFrontKeyValueStoreClient(creds),
            sfn: new SFNClient(creds),
            scheduler: new SchedulerClient(creds),
            ...clients,
        }),
        clock,
        print: (l) => lines.push(...l.split("\n")),
        interactive: false,
    };
    const program = new Command("paved").exitOverride();
    registerBuildCommand(program, deps);
    registerReleaseCommands(program, deps);
    registerDeployServiceCommand(program, deps);
    registerJobCommands(program, deps);
    return { lines, clock, run: (...argv: string[]) => program.parseAsync(argv, { from: "user" }) };
}

describe("paved build / release / deploy-service / job run commands", () => {
    describe("paved build", () => {
        function setup(failing: string[] = [], duration = (project: string) => ((project.length % 5) + 2) * 60_000) {
            const clock = new FakeClock();
            const client = new CodeBuildClient(creds);
            const mock = mockClient(client);
            const sim = new SimulatedCodeBuild({ clock, duration, failing: new Set(failing) });
            mock.on(StartBuildCommand).callsFake((i) => sim.startBuild(i));
            mock.on(BatchGetBuildsCommand).callsFake((i) => sim.batchGetBuilds(i));
            return { ...harness({ codebuild: client }, clock), sim, mock };
        }

        it("builds the named apps with their derived CodeBuild projects and prints a summary", async () => {
            const { run, mock, lines } = setup([], () => 4 * 60_000);
            await run("build", "dev", "catalog", "search", "--poll-seconds", "45");

            assert.deepStrictEqual(mock.commandCalls(StartBuildCommand).map((c) => c.args[0].input.projectName).sort(), ["paved-dev-app-catalog", "paved-dev-app-search"]);
            assert.strictEqual(lines[0], "building 2 apps in dev, at most 20 at once");
            assert.ok(lines.some((l) => /^\[\s*4m30s\] catalog: SUCCEEDED 4m30s$/.test(l)), lines.join("\n"));
            assert.ok(lines.some((l) => /^catalog\s+SUCCEEDED\s+COMPLETED\s+4m00s\s+paved-dev-app-catalog:/.test(l)), lines.join("\n"));
            assert.ok(lines.includes("2 of 2 builds succeeded. Makespan 4m30s, sum of build times 8m00s (1.8x)."), lines.join("\n"));
        });

        it("--all builds all 50 apps under --concurrency and fails naming each failed app with its log link", async () => {
            const { run, sim, lines } = setup(["paved-dev-app-search", "paved-dev-app-cart"]);
            await assert.rejects(run("build", "dev", "--all", "--concurrency", "7"), (e: Error) => {
                assert.ok(e instanceof OperationFailed);
                assert.match(e.message, /^2 builds failed:\n/);
                for (const app of ["search", "cart"]) {
                    const id = [...sim.builds.values()].find((b) => b.project === `paved-dev-app-${app}`)!.id;
                    assert.ok(e.message.includes(`  ${app}: FAILED ${sim.logLink(id)}`), e.message);
                }
                return true;
            });
            assert.strictEqual(sim.startCalls, 50);
            assert.strictEqual(sim.maxRunning, 7);
            assert.ok(lines.some((l) => l.startsWith("48 of 50 builds succeeded. Makespan ")), lines.join("\n"));
        });

        it("--no-wait prints each app's build id and exits without polling", async () => {
            const { run, mock, lines } = setup();
            await run("build", "dev", "catalog", "cart", "--no-wait");
            assert.strictEqual(mock.commandCalls(BatchGetBuildsCommand).length, 0);
            assert.deepStrictEqual(lines.map((l) => l.split("\t")[0]).sort(), ["cart", "catalog"]);
            assert.ok(lines.every((l) => /^\w+\tpaved-dev-app-\w+:\d{8}$/.test(l)), lines.join("\n"));
        });

        it("usage errors are PavedErrors (exit 2): unknown apps listing the valid ones, no apps, bad numbers, unknown env", async () => {
            const { run, mock } = setup();
            await assert.rejects(run("build", "dev", "catalog", "nope", "zilch"), (e: Error) => e instanceof PavedError && /^unknown apps "nope", "zilch" in dev; apps in dev: storefront, catalog, search/.test(e.message));
            await assert.rejects(run("build", "dev"), (e: Error) => e instanceof PavedError && /name the apps to build or pass --all/.test(e.message));
            await assert.rejects(run("build", "dev", "catalog", "--all"), PavedError);
            await assert.rejects(run("build", "dev", "--all", "--concurrency", "0"), (e: Error) => e instanceof PavedError && /--concurrency "0" must be a whole number from 1 to 1000/.test(e.message));
            await assert.rejects(run("build", "dev", "--all", "--poll-seconds", "soon"), PavedError);
            await assert.rejects(run("build", "qa", "--all"), (e: Error) => e instanceof PavedError && /no stack config/.test(e.message));
            assert.strictEqual(mock.commandCalls(StartBuildCommand).length, 0);
        });
    });

    describe("paved releases / release / rollback (S3 on moto)", () => {
        let moto: MotoServer;
        let s3: S3Client;
        before(async () => {
            moto = await startMoto();
            s3 = s3Client({ ...creds, endpoint: moto.endpoint });
            await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
            for (const r of ["20250101120000-aaaaaaa", "20250102120000-bbbbbbb"]) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `catalog/${r}/index.html`, Body: "<html>" }));
        });
        after(async () => {
            await moto?.stop();
        });

        it("lists, releases and rolls back through the KeyValueStore pointer", async () => {
            const kvs = new SimulatedKeyValueStore();
            const { run, lines } = harness({ s3, kvs: kvs.client });
            await run("release", "dev", "catalog", "20250102120000-bbbbbbb");
            assert.strictEqual(lines.pop(), "catalog: (none) → 20250102120000-bbbbbbb. CloudFront serves it within seconds.");
            await run("releases", "dev", "catalog");
            assert.deepStrictEqual(lines.splice(0), ["* 20250102120000-bbbbbbb  (current)", "  20250101120000-aaaaaaa"]);
            await run("rollback", "dev", "catalog");
            assert.deepStrictEqual(lines.splice(0), ["catalog: 20250102120000-bbbbbbb → 20250101120000-aaaaaaa. CloudFront serves it within seconds."]);
            await assert.rejects(run("rollback", "dev", "catalog"), PavedError);
            await assert.rejects(run("release", "dev", "catalog", "20250103120000-ccccccc"), (e: Error) => e instanceof PavedError && /has no uploaded assets/.test(e.message));
            await assert.rejects(run("releases", "dev", "catalogue"), (e: Error) => e instanceof PavedError && /unknown app "catalogue" in dev/.test(e.message));
            assert.strictEqual(kvs.values.get("release:catalog"), "20250101120000-aaaaaaa");
        });
    });

    describe("paved deploy-service and paved job run (ECS mocked)", () => {
        it("deploy-service derives cluster and service names and exits 1 on a rolled-back rollout", async () => {
            const ecs = new ECSClient(creds);
            const mock = mockClient(ecs);
            const td1 = "arn:aws:ecs:eu-west-1:123456789012:task-definition/paved-dev-svc-storefront:4";
            const td2 = "arn:aws:ecs:eu-west-1:123456789012:task-definition/paved-dev-svc-storefront:5";
            mock.on(DescribeServicesCommand)
                .resolvesOnce({ services: [{ status: "ACTIVE", taskDefinition: td1, deployments: [] }] })
                .resolves({ services: [{ status: "ACTIVE", taskDefinition: td1, deployments: [{ id: "d3", status: "PRIMARY", taskDefinition: td1, rolloutState: "IN_PROGRESS" }] }] });
            mock.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { family: "paved-dev-svc-storefront", taskDefinitionArn: td1, containerDefinitions: [{ name: "web", image: "nginx:1" }] } });
            mock.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: td2 } });
            mock.on(UpdateServiceCommand).resolves({ service: { deployments: [{ id: "d2", status: "PRIMARY", taskDefinition: td2 }] } });
            const { run, lines } = harness({ ecs });
            await assert.rejects(run("deploy-service", "dev", "storefront", "2.0.0"), (e: Error) => e instanceof OperationFailed && /rolled back to .*storefront:4/.test(e.message));
            assert.deepStrictEqual(mock.commandCalls(UpdateServiceCommand)[0].args[0].input, { cluster: "paved-dev", service: "paved-dev-svc-storefront", taskDefinition: td2 });
            assert.strictEqual(lines[0], "deploying 2.0.0 to paved-dev-svc-storefront in paved-dev");
            await assert.rejects(run("deploy-service", "dev", "catalog", "2.0.0"), (e: Error) => e instanceof PavedError && /catalog has no container service in dev; apps with one: storefront, checkout, help/.test(e.message));
        });

        it("job run uses the job's family, the stack's network and capacity outputs, and exits 1 with the code", async () => {
            const ecs = new ECSClient(creds);
            const mock = mockClient(ecs);
            const arn = "arn:aws:ecs:eu-west-1:123456789012:task/paved-dev/0123abcd";
            mock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: arn, lastStatus: "PROVISIONING", taskDefinitionArn: "arn:td:paved-dev-job-nightly-report:3" }] });
            mock.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { containerDefinitions: [{ name: "job", logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/paved/paved-dev/jobs/nightly-report", "awslogs-stream-prefix": "job" } } }] } });
            mock.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: arn, lastStatus: "STOPPED", stoppedReason: "Essential container in task exited", containers: [{ name: "job", exitCode: 3 }] }] });
            const { run, lines } = harness({ ecs });
            await assert.rejects(run("job", "run", "dev", "nightly-report"), (e: Error) => e instanceof OperationFailed && e.message === "job nightly-report failed with exit code 3");
            assert.deepStrictEqual(mock.commandCalls(RunTaskCommand)[0].args[0].input, {
                cluster: "paved-dev",
                taskDefinition: "paved-dev-job-nightly-report",
                count: 1,
                capacityProviderStrategy: [{ capacityProvider: "paved-dev-ec2", weight: 1 }],
                networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-0aaa1111", "subnet-0bbb2222"], securityGroups: ["sg-0ccc3333"], assignPublicIp: "DISABLED" } },
                startedBy: "paved-cli",
                propagateTags: "TASK_DEFINITION",
            });
            assert.ok(lines.includes("exit code: 3"));
            assert.ok(lines.includes("logs: /paved/paved-dev/jobs/nightly-report job/job/0123abcd"), lines.join("\n"));
            await assert.rejects(run("job", "run", "dev", "sitemap"), (e: Error) => e instanceof PavedError && /job sitemap is not in the deployed dev stack's outputs/.test(e.message));
            await assert.rejects(run("job", "run", "dev", "nightly"), (e: Error) => e instanceof PavedError && /unknown job "nightly" in dev; jobs in dev: nightly-report, sitemap/.test(e.message));
        });
    });
});

describe("paved build live display", () => {
    it("redraws in place: cursor up over the last frame, clear, lines cut to the terminal width", () => {
        const writes: string[] = [];
        const out = { columns: 30, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream;
        let frame = "one\ntwo";
        const display = new LiveDisplay(out, () => frame, 60_000);
        display.start();
        frame = `three\n${"x".repeat(50)}\nfive`;
        display.stop();
        assert.deepStrictEqual(writes, ["\x1b[?25l", "one\ntwo\n", `\x1b[2A\x1b[0Jthree\n${"x".repeat(28)}…\nfive\n`, "\x1b[?25h"]);
    });

    it("shows counts, the longest-running builds first, and failures with their log links", () => {
        const now = 300_000;
        const block = renderLiveBlock(
            [
                { app: "a", project: "p-a", status: "IN_PROGRESS", phase: "BUILD", startedAt: 120_000 },
                { app: "b", project: "p-b", status: "IN_PROGRESS", phase: "INSTALL", startedAt: 0 },
                { app: "c", project: "p-c", status: "QUEUED" },
                { app: "d", project: "p-d", status: "FAILED", startedAt: 0, endedAt: 60_000, logLink: "https://logs/d" },
                { app: "e", project: "p-e", status: "SUCCEEDED", startedAt: 0, endedAt: 60_000 },
            ],
            now,
        );
        assert.deepStrictEqual(block.split("\n"), [
            "1 queued, 2 running, 1 succeeded, 1 failed",
            `  ${"b".padEnd(24)} ${"INSTALL".padEnd(16)} 5m00s`,
            `  ${"a".padEnd(24)} ${"BUILD".padEnd(16)} 3m00s`,
            "  ✖ d: FAILED 1m00s https://logs/d",
        ]);
    });
});
