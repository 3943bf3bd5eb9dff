import * as assert from "assert";
import { CloudFrontKeyValueStoreClient } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { BatchGetBuildsCommand, CodeBuildClient, StartBuildCommand } from "@aws-sdk/client-codebuild";
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { LambdaClient } from "@aws-sdk/client-lambda";
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
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import * as fs from "fs";
import * as path from "path";
import { mockClient } from "aws-sdk-client-mock";
import { Command, CommanderError } from "commander";
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
import { KVS_ARN, LocalReleaseWriters, writerName } from "./writer-sim";
import { sharedPlan } from "../support/plans";

const BUCKET = "paved-dev-assets-123456789012-eu-west-1";

/**
 * Stack outputs as the Automation API returns them: the program's own outputs from an offline
 * plan of the committed config (dev) and of an ephemeral copy of staging (staging-r42, whose
 * cluster is staging's). The store ARN is the simulated store's.
 */
let DEV_OUTPUTS: EnvironmentOutputs;
let EPHEMERAL_OUTPUTS: EnvironmentOutputs;
before(async function () {
    this.timeout(120_000);
    const dev = (await sharedPlan("dev")).outputs as unknown as EnvironmentOutputs;
    DEV_OUTPUTS = { ...dev, site: { ...dev.site, keyValueStoreArn: KVS_ARN } };
    const fixture = path.join(__dirname, "..", "environment", "fixtures", "Pulumi.staging-r42.yaml");
    EPHEMERAL_OUTPUTS = (await sharedPlan("staging-r42", fixture)).outputs as unknown as EnvironmentOutputs;
});

const creds = { region: "eu-west-1", credentials: MOTO_CREDENTIALS };
const dev = loadEnvironmentConfig("dev");

function harness(clients: Partial<AwsClients>, clock = new FakeClock(), outputs: () => Record<string, EnvironmentOutputs> = () => ({ dev: DEV_OUTPUTS, "staging-r42": EPHEMERAL_OUTPUTS })) {
    const lines: string[] = [];
    const deps: AwsCommandDeps = {
        outputs: { outputs: async (env) => staticOutputs(outputs()).outputs(env) },
        // Only dev has a config file here: an ephemeral copy made elsewhere has none locally.
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
            lambda: new LambdaClient(creds),
            ssm: new SSMClient(creds),
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
            // Bad values are refused by the argument parsers (commander: exit 2), before the action runs.
            await assert.rejects(run("build", "dev", "--all", "--concurrency", "0"), (e: Error) => e instanceof CommanderError && /option '--concurrency <n>' argument '0' is invalid\. Pass a whole number of builds from 1 to 1000/.test(e.message));
            await assert.rejects(run("build", "dev", "--all", "--poll-seconds", "soon"), (e: Error) => e instanceof CommanderError && /argument 'soon' is invalid/.test(e.message));
            await assert.rejects(run("build", "qa", "--all"), (e: Error) => e instanceof PavedError && /^cannot read the outputs of stack "qa": no outputs for environment "qa"; is it deployed/.test(e.message));
            assert.strictEqual(mock.commandCalls(StartBuildCommand).length, 0);
        });
    });

    describe("paved releases / release / rollback (S3 on moto)", () => {
        let moto: MotoServer;
        let s3: S3Client;
        let writers: LocalReleaseWriters;
        before(async () => {
            moto = await startMoto();
            s3 = s3Client({ ...creds, endpoint: moto.endpoint });
            await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
            for (const r of ["20250101120000-aaaaaaa", "20250102120000-bbbbbbb"]) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `catalog/${r}/index.html`, Body: "<html>" }));
            writers = await LocalReleaseWriters.start(s3, BUCKET, ["catalog"]);
        });
        after(async () => {
            await writers?.stop();
            await moto?.stop();
        });

        it("lists, releases and rolls back through the app's release writer named by the stack outputs", async () => {
            const { run, lines } = harness({ s3, lambda: writers.lambda.client });
            await run("release", "dev", "catalog", "20250102120000-bbbbbbb");
            assert.strictEqual(lines.pop(), "catalog: (none) → 20250102120000-bbbbbbb. CloudFront serves it within seconds.");
            await run("releases", "dev", "catalog");
            assert.deepStrictEqual(lines.splice(0), ["* 20250102120000-bbbbbbb  (current)", "  20250101120000-aaaaaaa"]);
            await run("rollback", "dev", "catalog");
            assert.deepStrictEqual(lines.splice(0), ["catalog: 20250102120000-bbbbbbb → 20250101120000-aaaaaaa. CloudFront serves it within seconds."]);
            await assert.rejects(run("rollback", "dev", "catalog"), PavedError);
            await assert.rejects(run("release", "dev", "catalog", "20250103120000-ccccccc"), (e: Error) => e instanceof PavedError && /has no uploaded assets/.test(e.message));
            await assert.rejects(run("releases", "dev", "catalogue"), (e: Error) => e instanceof PavedError && /unknown app "catalogue" in dev/.test(e.message));
            const withoutWriter = { ...DEV_OUTPUTS, apps: { ...DEV_OUTPUTS.apps, search: { ...DEV_OUTPUTS.apps.search, releaseWriter: undefined as unknown as string } } };
            const partial = harness({ s3, lambda: writers.lambda.client }, new FakeClock(), () => ({ dev: withoutWriter }));
            await assert.rejects(partial.run("release", "dev", "search", "20250101120000-aaaaaaa"), (e: Error) => e instanceof PavedError && /the release writer of app search \(apps\.search\.releaseWriter\) is not in the outputs of stack dev: deploy it first/.test(e.message));
            await assert.rejects(run("prune-releases", "dev", "catalog", "--keep-days", "soon"), (e: Error) => e instanceof CommanderError && /option '--keep-days <days>' argument 'soon' is invalid/.test(e.message));
            assert.strictEqual(writers.store.values.get("release:catalog"), "20250101120000-aaaaaaa");
            assert.ok(writers.lambda.invocations.every((i) => i.functionName === writerName("catalog")));
        });
    });

    describe("paved deploy-service and paved job run (ECS mocked): every name from the outputs", () => {
        function registries(image: string) {
            const ecr = new ECRClient(creds);
            const ecrMock = mockClient(ecr);
            ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageTags: ["2.0.0"] }] });
            const ssm = new SSMClient(creds);
            const ssmMock = mockClient(ssm);
            ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: image } });
            ssmMock.on(PutParameterCommand).resolves({ Version: 2 });
            return { ecr, ssm, ecrMock, ssmMock };
        }
        function mockedService(td: string) {
            const ecs = new ECSClient(creds);
            const mock = mockClient(ecs);
            const next = td.replace(/:\d+$/, ":9");
            mock.on(DescribeServicesCommand)
                .resolvesOnce({ services: [{ status: "ACTIVE", taskDefinition: td, deployments: [] }] })
                .resolves({ services: [{ status: "ACTIVE", taskDefinition: td, deployments: [{ id: "d3", status: "PRIMARY", taskDefinition: td, rolloutState: "IN_PROGRESS" }] }] });
            mock.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { family: "f", taskDefinitionArn: td, containerDefinitions: [{ name: "storefront", image: "x" }] } });
            mock.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: next } });
            mock.on(UpdateServiceCommand).resolves({ service: { deployments: [{ id: "d2", status: "PRIMARY", taskDefinition: next }] } });
            return { ecs, mock, next };
        }

        it("deploy-service takes cluster, service, definition, repository and parameter from the outputs, and exits 1 on a rolled-back rollout", async () => {
            const svc = DEV_OUTPUTS.services.storefront;
            const { ecs, mock, next } = mockedService(svc.taskDefinitionArn);
            const reg = registries(`${svc.repositoryUrl}:bootstrap`);
            const { run, lines } = harness({ ecs, ecr: reg.ecr, ssm: reg.ssm });
            await assert.rejects(run("deploy-service", "dev", "storefront", "2.0.0"), (e: Error) => e instanceof OperationFailed && /rolled back to .*storefront:1: .*; \/paved\/paved-dev\/services\/storefront\/image holds .*:bootstrap again/.test(e.message));
            assert.deepStrictEqual(mock.commandCalls(UpdateServiceCommand)[0].args[0].input, { cluster: "paved-dev", service: "paved-dev-svc-storefront", taskDefinition: next });
            assert.deepStrictEqual(mock.commandCalls(DescribeTaskDefinitionCommand)[0].args[0].input, { taskDefinition: svc.taskDefinitionArn, include: ["TAGS"] });
            assert.deepStrictEqual(reg.ecrMock.commandCalls(DescribeImagesCommand)[0].args[0].input, { registryId: "123456789012", repositoryName: "paved-dev/apps/storefront", imageIds: [{ imageTag: "2.0.0" }] });
            assert.deepStrictEqual(reg.ssmMock.commandCalls(PutParameterCommand).map((c) => [c.args[0].input.Name, c.args[0].input.Value]), [
                [svc.imageParameter, `${svc.repositoryUrl}:2.0.0`],
                [svc.imageParameter, `${svc.repositoryUrl}:bootstrap`],
            ]);
            assert.strictEqual(lines[0], "deploying 2.0.0 to paved-dev-svc-storefront in paved-dev");
            await assert.rejects(run("deploy-service", "dev", "catalog", "2.0.0"), (e: Error) => e instanceof PavedError && /app catalog has no container service in dev; apps with one: storefront, checkout, help/.test(e.message));
            await assert.rejects(run("deploy-service", "dev", "storefront", "../2"), (e: Error) => e instanceof CommanderError && /value '\.\.\/2' is invalid for argument 'image-tag'\. An image tag must be/.test(e.message));
        });

        it("an ephemeral copy deploys to its own service on its base stack's cluster, with no local config", async () => {
            const svc = EPHEMERAL_OUTPUTS.services.storefront;
            assert.strictEqual(svc.cluster, "paved-staging", "the base stack's cluster");
            const { ecs, mock } = mockedService(svc.taskDefinitionArn);
            const reg = registries(`${svc.repositoryUrl}:bootstrap`);
            const { run } = harness({ ecs, ecr: reg.ecr, ssm: reg.ssm });
            await assert.rejects(run("deploy-service", "staging-r42", "storefront", "2.0.0"), OperationFailed);
            assert.deepStrictEqual(mock.commandCalls(UpdateServiceCommand)[0].args[0].input.cluster, "paved-staging");
            assert.deepStrictEqual(mock.commandCalls(UpdateServiceCommand)[0].args[0].input.service, "paved-staging-r42-svc-storefront");
            assert.strictEqual(reg.ssmMock.commandCalls(PutParameterCommand)[0].args[0].input.Name, "/paved/paved-staging-r42/services/storefront/image");
        });

        function mockedJob(family: string, cluster: string) {
            const ecs = new ECSClient(creds);
            const mock = mockClient(ecs);
            const arn = `arn:aws:ecs:eu-west-1:123456789012:task/${cluster}/0123abcd`;
            mock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: arn, lastStatus: "PROVISIONING", taskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/${family}:3` }] });
            mock.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { containerDefinitions: [{ name: "nightly-report", logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "ignored", "awslogs-stream-prefix": "job" } } }] } });
            mock.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: arn, lastStatus: "STOPPED", stoppedReason: "Essential container in task exited", containers: [{ name: "nightly-report", exitCode: 3 }] }] });
            return { ecs, mock };
        }

        it("job run takes the job's cluster, family, network, capacity and log group from the outputs, and exits 1 with the code", async () => {
            const job = DEV_OUTPUTS.jobs["nightly-report"];
            const { ecs, mock } = mockedJob(job.runTask.taskDefinitionFamily, "paved-dev");
            const { run, lines } = harness({ ecs });
            await assert.rejects(run("job", "run", "dev", "nightly-report"), (e: Error) => e instanceof OperationFailed && e.message === "job nightly-report failed with exit code 3");
            assert.deepStrictEqual(mock.commandCalls(RunTaskCommand)[0].args[0].input, {
                cluster: "paved-dev",
                taskDefinition: "paved-dev-job-nightly-report",
                count: 1,
                capacityProviderStrategy: job.runTask.capacityProviderStrategy,
                networkConfiguration: { awsvpcConfiguration: { subnets: DEV_OUTPUTS.privateSubnetIds, securityGroups: [DEV_OUTPUTS.taskSecurityGroupId], assignPublicIp: "DISABLED" } },
                startedBy: "paved-cli",
                propagateTags: "TASK_DEFINITION",
            });
            assert.ok(lines.includes("exit code: 3"));
            assert.ok(lines.includes("logs: /paved/paved-dev/jobs/nightly-report job/nightly-report/0123abcd"), lines.join("\n"));
        });

        it("job run on an ephemeral copy runs on the base stack's cluster, with no local config", async () => {
            const job = EPHEMERAL_OUTPUTS.jobs["nightly-report"];
            assert.deepStrictEqual([job.runTask.cluster, job.runTask.taskDefinitionFamily], ["paved-staging", "paved-staging-r42-job-nightly-report"]);
            const { ecs, mock } = mockedJob(job.runTask.taskDefinitionFamily, "paved-staging");
            const { run } = harness({ ecs });
            await assert.rejects(run("job", "run", "staging-r42", "nightly-report"), OperationFailed);
            const input = mock.commandCalls(RunTaskCommand)[0].args[0].input;
            assert.deepStrictEqual([input.cluster, input.taskDefinition], ["paved-staging", "paved-staging-r42-job-nightly-report"]);
            assert.deepStrictEqual(input.networkConfiguration!.awsvpcConfiguration!.subnets, EPHEMERAL_OUTPUTS.privateSubnetIds);
        });

        it("a name missing from the outputs is a usage error saying to deploy first; an unknown name lists the deployed ones", async () => {
            const { sitemap: _notDeployed, ...jobs } = DEV_OUTPUTS.jobs;
            const partial = { ...DEV_OUTPUTS, jobs, services: { ...DEV_OUTPUTS.services, checkout: { ...DEV_OUTPUTS.services.checkout, taskDefinitionArn: undefined as unknown as string } } };
            const { run } = harness({}, new FakeClock(), () => ({ dev: partial }));
            await assert.rejects(run("job", "run", "dev", "sitemap"), (e: Error) => e instanceof PavedError && e.message === "job sitemap is not in the outputs of stack dev: deploy it first (paved up dev)");
            await assert.rejects(run("job", "run", "dev", "nightly"), (e: Error) => e instanceof PavedError && /^unknown job "nightly" in dev; jobs in dev: nightly-report, /.test(e.message));
            await assert.rejects(run("job", "run", "staging-r43", "nightly-report"), (e: Error) => e instanceof PavedError && /cannot read the outputs of stack "staging-r43"/.test(e.message));
            const reg = registries("x");
            await assert.rejects(harness({ ecr: reg.ecr, ssm: reg.ssm }, new FakeClock(), () => ({ dev: partial })).run("deploy-service", "dev", "checkout", "2.0.0"), (e: Error) => e instanceof PavedError && e.message === "the task definition of service checkout is not in the outputs of stack dev: deploy it first (paved up dev)");
            assert.strictEqual(reg.ecrMock.commandCalls(DescribeImagesCommand).length, 0, "nothing called before the outputs are complete");
        });
    });
});

describe("cli: names come from stack outputs", () => {
    it("no CLI module derives a physical name (the release contract's keys and prefixes are not names)", () => {
        const files: string[] = [];
        const walk = (dir: string) => {
            for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
                if (f.isDirectory()) walk(path.join(dir, f.name));
                else if (f.name.endsWith(".ts")) files.push(path.join(dir, f.name));
            }
        };
        walk(path.join(__dirname, "..", "..", "cli"));
        assert.ok(files.length > 10);
        const offenders = files.filter((f) => /\bresourceNames\b|namePrefixOf|physicalName|defaultNamePrefix/.test(fs.readFileSync(f, "utf8")));
        assert.deepStrictEqual(offenders, []);
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
