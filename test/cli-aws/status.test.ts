import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BatchGetBuildsCommand, CodeBuildClient, ListBuildsForProjectCommand } from "@aws-sdk/client-codebuild";
import {
    CreateClusterCommand,
    CreateServiceCommand,
    ECSClient,
    RegisterContainerInstanceCommand,
    RegisterTaskDefinitionCommand,
    RunTaskCommand,
} from "@aws-sdk/client-ecs";
import { CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { Command } from "commander";
import { FakeClock } from "../../cli/aws/clock";
import { ecsClient, schedulerClient, sfnClient } from "../../cli/aws/clients";
import { staticOutputs } from "../../cli/aws/outputs-source";
import { EnvironmentStatus, collectStatus, nextRun, releaseTime, renderStatus, renderStatusHtml } from "../../cli/aws/status";
import { registerStatusCommand } from "../../cli/commands/status";
import type { EnvironmentOutputs } from "../../components/environment/outputs";
import { launchChromium } from "../support/browser";
import { MOTO_CREDENTIALS, MotoServer, motoEc2, startMoto } from "../support/moto";
import { CloudFrontKeyValueStoreClient } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { KeyValueStoreServer } from "../support/kvs-server";
import { resolveLocalhostSubdomains } from "../support/localhost-dns";
import { KVS_ARN } from "./writer-sim";

/**
 * `paved status` against moto (ECS services, tasks and task definitions, Step Functions executions,
 * EventBridge Scheduler), aws-sdk-client-mock for CodeBuild (moto's timestamps break SDK v3) and
 * the simulated KeyValueStore, then its page in headless Chromium.
 */

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const NOW = new Date("2026-12-02T09:30:00Z");

function outputs(cluster: string, stateMachineArn: string, scheduleName: string): EnvironmentOutputs {
    const runTask = (job: string) => ({
        cluster,
        taskDefinitionFamily: `paved-dev-job-${job}`,
        containerName: job,
        subnets: ["subnet-0aaa1111"],
        securityGroups: ["sg-0ccc3333"],
        capacityProviderStrategy: [{ capacityProvider: "paved-dev-ec2", weight: 1 }],
    });
    return {
        environment: "dev",
        kind: "dev",
        region: REGION,
        namePrefix: "paved-dev",
        site: { url: "https://d111111abcdef8.cloudfront.net", distributionId: "E2QWRUHEXAMPLE", bucket: "paved-dev-assets", keyValueStoreArn: KVS_ARN },
        apps: {
            catalog: { url: "https://d111111abcdef8.cloudfront.net/catalog/", buildProject: "paved-dev-app-catalog", repositoryUrl: "r", logGroup: "/paved/paved-dev/apps/catalog/build", releaseWriter: "paved-dev-release-catalog" },
            search: { url: "https://d111111abcdef8.cloudfront.net/search/", buildProject: "paved-dev-app-search", repositoryUrl: "r", logGroup: "/paved/paved-dev/apps/search/build", releaseWriter: "paved-dev-release-search" },
            checkout: { url: "https://d111111abcdef8.cloudfront.net/checkout/", buildProject: "paved-dev-app-checkout", repositoryUrl: "r", logGroup: "/paved/paved-dev/apps/checkout/build", releaseWriter: "paved-dev-release-checkout" },
        },
        clusterName: cluster,
        clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${cluster}`,
        ec2CapacityProviderName: "paved-dev-ec2",
        taskSecurityGroupId: "sg-0ccc3333",
        buildImage: { repositoryUrl: "r", repositoryArn: "a" },
        jobs: {
            "nightly-report": { trigger: "schedule", run: "paved job run dev nightly-report", runTask: runTask("nightly-report"), logGroup: "/paved/paved-dev/jobs/nightly-report", timeoutMinutes: 60, stateMachineArn, scheduleName },
            "data-backfill": { trigger: "onDemand", run: "paved job run dev data-backfill", runTask: runTask("data-backfill"), logGroup: "/paved/paved-dev/jobs/data-backfill", timeoutMinutes: 60 },
            thumbnails: {
                trigger: "queue",
                run: "paved job run dev thumbnails",
                runTask: runTask("thumbnails"),
                logGroup: "/paved/paved-dev/jobs/thumbnails",
                timeoutMinutes: 60,
                queueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/paved-dev-thumbnails`,
                workerService: "paved-dev-workers-thumbnails",
            },
        },
        services: {
            storefront: {
                cluster,
                service: "paved-dev-svc-storefront",
                taskDefinitionFamily: "paved-dev-svc-storefront",
                taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/paved-dev-svc-storefront:1`,
                containerName: "storefront",
                imageParameter: "/paved/paved-dev/services/storefront/image",
                repositoryUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/paved-dev/apps/storefront`,
                logGroup: "/paved/paved-dev/services/storefront",
                path: "/api",
                url: "https://d111111abcdef8.cloudfront.net/api/",
            },
        },
        operations: { alertsTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:operations-topic`, dashboardName: "paved-dev", dashboardUrl: `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#dashboards/dashboard/paved-dev` },
        vpcId: "vpc-0abc",
        privateSubnetIds: ["subnet-0aaa1111"],
        publicSubnetIds: ["subnet-0bbb2222"],
    };
}

/** CodeBuild as aws-sdk-client-mock answers it: catalog built fine, search failed, checkout never built. */
function codebuild(): CodeBuildClient {
    const client = new CodeBuildClient({ region: REGION, credentials: MOTO_CREDENTIALS });
    const mock = mockClient(client);
    const id = (p: string, n: string) => `${p}:${n}`;
    mock.on(ListBuildsForProjectCommand, { projectName: "paved-dev-app-catalog" }).resolves({ ids: [id("paved-dev-app-catalog", "b2"), id("paved-dev-app-catalog", "b1")] });
    mock.on(ListBuildsForProjectCommand, { projectName: "paved-dev-app-search" }).resolves({ ids: [id("paved-dev-app-search", "b9")] });
    mock.on(ListBuildsForProjectCommand, { projectName: "paved-dev-app-checkout" }).resolves({ ids: [] });
    mock.on(BatchGetBuildsCommand).callsFake(async ({ ids }: { ids: string[] }) => ({
        builds: ids.map((b) =>
            b.startsWith("paved-dev-app-catalog")
                ? { id: b, buildStatus: "SUCCEEDED", startTime: new Date("2026-12-02T08:00:00Z"), endTime: new Date("2026-12-02T08:04:05Z"), logs: { deepLink: "https://console.aws.amazon.com/cloudwatch/home#logEvent:x" } }
                : { id: b, buildStatus: "FAILED", startTime: new Date("2026-12-02T09:00:00Z"), endTime: new Date("2026-12-02T09:01:10Z") },
        ),
    }));
    return client;
}

describe("paved status", function () {
    this.timeout(120000);
    let moto: MotoServer;
    let ecs: ECSClient;
    let sfn: SFNClient;
    let scheduler: SchedulerClient;
    let envOutputs: EnvironmentOutputs;
    let status: EnvironmentStatus;
    // The KeyValueStore stand-in the release tests use, reached over HTTP like the real API.
    const store = new KeyValueStoreServer(KVS_ARN);
    const kvs = { client: undefined as unknown as CloudFrontKeyValueStoreClient, write: (key: string, value: string) => store.values.set(key, value) };
    let restoreDns: () => void = () => undefined;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "paved-status-"));

    before(async () => {
        moto = await startMoto();
        const o = { region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
        ecs = ecsClient(o);
        sfn = sfnClient(o);
        scheduler = schedulerClient(o);
        const subnet = /<subnetId>(subnet-[0-9a-f]+)<\/subnetId>/.exec(await motoEc2(moto.endpoint, { Action: "DescribeSubnets" }))![1];
        const sg = /<groupId>(sg-[0-9a-f]+)<\/groupId>/.exec(await motoEc2(moto.endpoint, { Action: "DescribeSecurityGroups" }))![1];
        const awsvpc = { awsvpcConfiguration: { subnets: [subnet], securityGroups: [sg] } };
        await ecs.send(new CreateClusterCommand({ clusterName: "paved-dev" }));
        const ami = /<imageId>(ami-[0-9a-f]+)<\/imageId>/.exec(await motoEc2(moto.endpoint, { Action: "DescribeImages", "Owner.1": "amazon" }))![1];
        const instanceId = /<instanceId>(i-[0-9a-f]+)<\/instanceId>/.exec(await motoEc2(moto.endpoint, { Action: "RunInstances", ImageId: ami, MinCount: "1", MaxCount: "1", InstanceType: "m6i.large" }))![1];
        await ecs.send(new RegisterContainerInstanceCommand({ cluster: "paved-dev", instanceIdentityDocument: JSON.stringify({ instanceId }) }));
        const family = async (name: string, container: string, image: string) =>
            ecs.send(new RegisterTaskDefinitionCommand({ family: name, networkMode: "awsvpc", requiresCompatibilities: ["EC2"], containerDefinitions: [{ name: container, image, memory: 512, cpu: 256, essential: true }] }));
        await family("paved-dev-svc-storefront", "storefront", `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/paved-dev/apps/storefront:2026.12.1`);
        await family("paved-dev-job-data-backfill", "data-backfill", `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/backfill:3.1.0`);
        await family("paved-dev-job-thumbnails", "thumbnails", `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/thumbnails:1.4.0`);
        await ecs.send(new CreateServiceCommand({ cluster: "paved-dev", serviceName: "paved-dev-svc-storefront", taskDefinition: "paved-dev-svc-storefront", desiredCount: 2, networkConfiguration: awsvpc }));
        await ecs.send(new CreateServiceCommand({ cluster: "paved-dev", serviceName: "paved-dev-workers-thumbnails", taskDefinition: "paved-dev-job-thumbnails", desiredCount: 0, networkConfiguration: awsvpc }));
        await ecs.send(new RunTaskCommand({ cluster: "paved-dev", taskDefinition: "paved-dev-job-data-backfill", count: 1, networkConfiguration: awsvpc, startedBy: "paved-cli" }));

        const machine = await sfn.send(
            new CreateStateMachineCommand({
                name: "paved-dev-job-nightly-report",
                roleArn: `arn:aws:iam::${ACCOUNT}:role/paved-dev-nightly-report-sfn`,
                definition: JSON.stringify({ StartAt: "Run", States: { Run: { Type: "Pass", End: true } } }),
            }),
        );
        await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, name: "scheduled-run-1" }));
        await scheduler.send(
            new CreateScheduleCommand({
                Name: "job-nightly-report-schedule-1a2b3c4",
                ScheduleExpression: "cron(15 4 * * ? *)",
                ScheduleExpressionTimezone: "America/New_York",
                FlexibleTimeWindow: { Mode: "OFF" },
                Target: { Arn: machine.stateMachineArn!, RoleArn: `arn:aws:iam::${ACCOUNT}:role/paved-dev-nightly-report-scheduler`, Input: "{}" },
            }),
        );
        envOutputs = outputs("paved-dev", machine.stateMachineArn!, "job-nightly-report-schedule-1a2b3c4");
        await store.start();
        restoreDns = resolveLocalhostSubdomains();
        kvs.client = new CloudFrontKeyValueStoreClient({ region: REGION, endpoint: store.endpoint, credentials: MOTO_CREDENTIALS });
        kvs.write("release:catalog", "20261201173000-3f9a2c1");
        kvs.write("release:search", "20261125080000-aa11bb2");

        status = await collectStatus(envOutputs, { codebuild: codebuild(), kvs: kvs.client, ecs, sfn, scheduler }, new FakeClock(), NOW);
    });

    after(async () => {
        restoreDns();
        await store.stop();
        await moto?.stop();
        // The screenshot stays under the test's temp folder for a person to look at; the rest goes.
        console.log(`    status page and screenshot: ${tmp}`);
    });

    it("lists every app with its current release and age, last build status and duration, and URL", () => {
        assert.deepStrictEqual(
            status.apps.map((a) => [a.app, a.release, a.releasedAt, a.lastBuild?.status, a.lastBuild?.durationMs, a.url]),
            [
                ["catalog", "20261201173000-3f9a2c1", "2026-12-01T17:30:00.000Z", "SUCCEEDED", 245000, "https://d111111abcdef8.cloudfront.net/catalog/"],
                ["checkout", undefined, undefined, undefined, undefined, "https://d111111abcdef8.cloudfront.net/checkout/"],
                ["search", "20261125080000-aa11bb2", "2026-11-25T08:00:00.000Z", "FAILED", 70000, "https://d111111abcdef8.cloudfront.net/search/"],
            ],
        );
        assert.ok(status.apps.every((a) => !a.error), JSON.stringify(status.apps));
    });

    it("lists every job with its last run, result and next scheduled run", () => {
        const byName = Object.fromEntries(status.jobs.map((j) => [j.job, j]));
        assert.deepStrictEqual(Object.keys(byName).sort(), ["data-backfill", "nightly-report", "thumbnails"]);
        const nightly = byName["nightly-report"];
        assert.strictEqual(nightly.error, undefined);
        assert.strictEqual(nightly.lastRun?.detail, "scheduled-run-1");
        assert.ok(["RUNNING", "SUCCEEDED"].includes(nightly.lastRun!.result), nightly.lastRun!.result);
        // 04:15 in New York on 2026-12-03 (EST, UTC-5) is 09:15 UTC: 09:15 on the 2nd has passed at 09:30.
        assert.strictEqual(nightly.nextRun, "2026-12-03T09:15:00.000Z");
        assert.strictEqual(nightly.schedule, "cron(15 4 * * ? *) America/New_York");
        const backfill = byName["data-backfill"];
        assert.ok(backfill.lastRun, "the task RunTask started shows as the last run");
        // moto moves a task through ECS's states on each describe; any of them is a real last run.
        assert.ok(["PROVISIONING", "PENDING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "SUCCEEDED"].includes(backfill.lastRun!.result), JSON.stringify(backfill.lastRun));
        assert.deepStrictEqual(byName.thumbnails.workers, { running: 0, desired: 0 });
        assert.strictEqual(byName.thumbnails.lastRun, undefined);
    });

    it("lists every service with running and desired tasks, deployment state and image", () => {
        assert.strictEqual(status.services.length, 1);
        const s = status.services[0];
        assert.strictEqual(s.error, undefined);
        assert.strictEqual(s.desired, 2);
        assert.strictEqual(s.image, `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/paved-dev/apps/storefront:2026.12.1`);
        assert.ok(s.deployment, "a deployment state");
    });

    it("renders one table per kind", () => {
        const text = renderStatus(status);
        assert.match(text, /^APP\s+RELEASE\s+RELEASED\s+LAST BUILD\s+STARTED\s+DURATION\s+URL$/m);
        assert.match(text, /^catalog\s+20261201173000-3f9a2c1\s+16h ago\s+SUCCEEDED\s+1h30m ago\s+4m05s\s+https:\/\/d111111abcdef8\.cloudfront\.net\/catalog\/$/m);
        assert.match(text, /^search\s+20261125080000-aa11bb2\s+7d ago\s+FAILED/m);
        assert.match(text, /^checkout\s+none\s+-\s+never built/m);
        assert.match(text, /^JOB\s+TRIGGER\s+LAST RUN\s+RESULT\s+NEXT RUN\s+WORKERS$/m);
        assert.match(text, /^nightly-report\s+schedule cron\(15 4 \* \* \? \*\) America\/New_York\s+/m);
        assert.match(text, /^thumbnails\s+queue\s+-\s+no run in the last hour\s+-\s+0\/0$/m);
        assert.match(text, /^SERVICE\s+RUNNING\/DESIRED\s+PENDING\s+DEPLOYMENT\s+IMAGE$/m);
    });

    it("reads every name from the stack outputs: an ephemeral copy's jobs run on its base stack's cluster", async () => {
        const copy = outputs("paved-staging", "arn:aws:states:eu-west-1:123456789012:stateMachine:nope", "nope");
        const calls: { cluster?: string; family?: string }[] = [];
        const ecsMock = mockClient(new ECSClient({ region: REGION, credentials: MOTO_CREDENTIALS }));
        ecsMock.onAnyCommand().callsFake(async (input: any) => {
            calls.push({ cluster: input.cluster, family: input.family });
            return { taskArns: [], services: [], failures: [] };
        });
        const s = await collectStatus(copy, { codebuild: codebuild(), kvs: kvs.client, ecs: ecsMock as unknown as ECSClient, sfn, scheduler }, new FakeClock(), NOW);
        assert.ok(calls.length > 0);
        assert.deepStrictEqual([...new Set(calls.map((c) => c.cluster))], ["paved-staging"]);
        assert.ok(calls.some((c) => c.family === "paved-dev-job-data-backfill"));
        // A state machine that is not there fails that row, not the command.
        assert.match(s.jobs.find((j) => j.job === "nightly-report")!.error ?? "", /StateMachineDoesNotExist|does not exist/i);
        assert.match(s.services[0].error ?? "", /not found in cluster paved-staging/);
    });

    it("paved status --json prints the status and --html writes the page", async () => {
        const lines: string[] = [];
        const program = new Command("paved").exitOverride();
        registerStatusCommand(program, {
            outputs: staticOutputs({ dev: envOutputs }),
            clients: () => ({ codebuild: codebuild(), kvs: kvs.client, ecs, sfn, scheduler }) as any,
            clock: new FakeClock(),
            print: (l) => lines.push(l),
        });
        const file = path.join(tmp, "status.html");
        await program.parseAsync(["status", "dev", "--json", "--html", file], { from: "user" });
        const json = JSON.parse(lines.join("\n"));
        assert.deepStrictEqual(json.apps.map((a: any) => a.app), ["catalog", "checkout", "search"]);
        assert.ok(fs.statSync(file).size > 1000);
    });

    it("the HTML page is self-contained and renders a row per app, job and service in Chromium", async () => {
        // Adversarial values are escaped, not interpreted.
        const hostile: EnvironmentStatus = { ...status, services: [{ ...status.services[0], image: '"><script>window.pwned=1</script>' }] };
        const html = renderStatusHtml(hostile);
        assert.doesNotMatch(html, /<script|<link|@import|url\(|src=/i, "no scripts, stylesheets or fetched resources");
        const file = path.join(tmp, "status-page.html");
        fs.writeFileSync(file, html);
        const { browser, close } = await launchChromium();
        try {
            const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
            const requests: string[] = [];
            const errors: string[] = [];
            page.on("request", (r) => requests.push(r.url()));
            page.on("pageerror", (e) => errors.push(e.message));
            await page.goto(`file://${file}`);
            const rows = async (id: string) => page.locator(`#${id} tbody tr`).count();
            assert.strictEqual(await rows("apps"), Object.keys(envOutputs.apps).length);
            assert.strictEqual(await rows("jobs"), Object.keys(envOutputs.jobs).length);
            assert.strictEqual(await rows("services"), Object.keys(envOutputs.services).length);
            assert.deepStrictEqual(await page.locator("#apps tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-app"))), ["catalog", "checkout", "search"]);
            assert.strictEqual(await page.locator('#apps tr[data-app="search"] td.bad').innerText(), "FAILED");
            // search's failed build and storefront's missing tasks.
            assert.strictEqual(await page.locator("#summary").innerText(), "2 need attention");
            assert.strictEqual(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned), undefined);
            assert.match(await page.locator('#services tr[data-service="storefront"]').innerText(), /<script>window\.pwned=1<\/script>/);
            assert.deepStrictEqual(requests, [`file://${file}`], "the page fetches nothing");
            assert.deepStrictEqual(errors, []);
            const shot = path.join(tmp, "status.png");
            await page.screenshot({ path: shot, fullPage: true });
            assert.ok(fs.statSync(shot).size > 5000, "a screenshot of the rendered page");
        } finally {
            await close();
        }
    });
});

describe("status helpers", () => {
    it("reads a release's time from its id", () => {
        assert.strictEqual(releaseTime("20250101120000-abc1234")?.toISOString(), "2025-01-01T12:00:00.000Z");
        assert.strictEqual(releaseTime("v1.2.3"), undefined);
        assert.strictEqual(releaseTime("20251341120000-abc1234")?.toISOString(), "2026-02-10T12:00:00.000Z", "Date.UTC rolls months over; ids are written by builds");
    });

    it("computes the next run of cron, rate and at schedules in their time zone", () => {
        const now = new Date("2026-07-01T10:00:00Z");
        assert.strictEqual(nextRun("cron(0 3 ? * MON *)", "UTC", now)?.toISOString(), "2026-07-06T03:00:00.000Z");
        // Summer in Berlin is UTC+2: 06:00 local on the 1st of August is 04:00 UTC.
        assert.strictEqual(nextRun("cron(0 6 1 * ? *)", "Europe/Berlin", now)?.toISOString(), "2026-08-01T04:00:00.000Z");
        assert.strictEqual(nextRun("cron(0 * * * ? *)", undefined, now)?.toISOString(), "2026-07-01T11:00:00.000Z");
        assert.strictEqual(nextRun("rate(6 hours)", "UTC", now, new Date("2026-07-01T01:30:00Z"))?.toISOString(), "2026-07-01T13:30:00.000Z");
        assert.strictEqual(nextRun("rate(6 hours)", "UTC", now), undefined, "a rate schedule without a run has no known phase");
        assert.strictEqual(nextRun("at(2026-07-02T08:00:00)", "Europe/Berlin", now)?.toISOString(), "2026-07-02T06:00:00.000Z");
        assert.strictEqual(nextRun("at(2026-06-02T08:00:00)", "UTC", now), undefined);
    });
});
