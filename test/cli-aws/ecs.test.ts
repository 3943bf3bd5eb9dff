import * as assert from "assert";
import { CreateRepositoryCommand, PutImageCommand } from "@aws-sdk/client-ecr";
import {
    CreateClusterCommand,
    CreateServiceCommand,
    DescribeServicesCommand,
    DescribeTaskDefinitionCommand,
    DescribeTasksCommand,
    ECSClient,
    RegisterContainerInstanceCommand,
    RegisterTaskDefinitionCommand,
    RunTaskCommand,
    UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { ecrClient, ecsClient } from "../../cli/aws/clients";
import { FakeClock } from "../../cli/aws/clock";
import { deployService, nextTaskDefinition, withImageTag } from "../../cli/aws/deploy-service";
import { OperationFailed } from "../../cli/aws/errors";
import { renderJobResult, runJob } from "../../cli/aws/run-job";
import { PavedError } from "../../components/errors";
import { MOTO_CREDENTIALS, MotoServer, motoEc2, startMoto } from "../support/moto";

const REGION = "eu-west-1";
const REPO = "paved-dev/apps/storefront";
const IMAGE = `123456789012.dkr.ecr.${REGION}.amazonaws.com/${REPO}`;

describe("cli/aws deploy-service and job run (ECS and ECR on moto)", function () {
    let moto: MotoServer;
    let ecs: ECSClient;
    let subnet: string;
    let securityGroup: string;

    before(async () => {
        moto = await startMoto();
        const o = { region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
        ecs = ecsClient(o);
        const ecr = ecrClient(o);
        await ecr.send(new CreateRepositoryCommand({ repositoryName: REPO }));
        for (const tag of ["1.0.0", "1.1.0"]) {
            await ecr.send(new PutImageCommand({ repositoryName: REPO, imageTag: tag, imageManifest: JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.docker.distribution.manifest.v2+json", tag }), imageManifestMediaType: "application/vnd.docker.distribution.manifest.v2+json" }));
        }
        subnet = /<subnetId>(subnet-[0-9a-f]+)<\/subnetId>/.exec(await motoEc2(moto.endpoint, { Action: "DescribeSubnets" }))![1];
        securityGroup = /<groupId>(sg-[0-9a-f]+)<\/groupId>/.exec(await motoEc2(moto.endpoint, { Action: "DescribeSecurityGroups" }))![1];

        await ecs.send(new CreateClusterCommand({ clusterName: "paved-dev" }));
        await ecs.send(
            new RegisterTaskDefinitionCommand({
                family: "paved-dev-svc-storefront",
                networkMode: "awsvpc",
                requiresCompatibilities: ["EC2"],
                cpu: "256",
                memory: "512",
                executionRoleArn: "arn:aws:iam::123456789012:role/paved-dev-storefront-exec",
                containerDefinitions: [
                    {
                        name: "web",
                        image: `${IMAGE}:1.0.0`,
                        memory: 512,
                        essential: true,
                        portMappings: [{ containerPort: 8080 }],
                        environment: [{ name: "PORT", value: "8080" }],
                    },
                    { name: "log-router", image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0", memory: 64, essential: false },
                ],
                tags: [{ key: "paved:app", value: "storefront" }],
            }),
        );
        await ecs.send(
            new CreateServiceCommand({
                cluster: "paved-dev",
                serviceName: "paved-dev-svc-storefront",
                taskDefinition: "paved-dev-svc-storefront",
                desiredCount: 2,
                networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [securityGroup] } },
            }),
        );
    });

    after(async () => {
        await moto?.stop();
    });

    it("withImageTag replaces a tag or digest, not a registry port", () => {
        assert.strictEqual(withImageTag(`${IMAGE}:1.0.0`, "2.0.0"), `${IMAGE}:2.0.0`);
        assert.strictEqual(withImageTag(`${IMAGE}@sha256:${"a".repeat(64)}`, "2.0.0"), `${IMAGE}:2.0.0`);
        assert.strictEqual(withImageTag("registry.local:5000/team/web", "v1"), "registry.local:5000/team/web:v1");
        assert.strictEqual(withImageTag("nginx", "1.27"), "nginx:1.27");
        assert.throws(() => withImageTag("nginx", "-bad"), PavedError);
    });

    it("registers a copy of the task definition with only the image changed, and points the service at it", async () => {
        const result = await deployService({
            ecs,
            ecr: ecrClient({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }),
            cluster: "paved-dev",
            service: "paved-dev-svc-storefront",
            imageTag: "1.1.0",
            containerName: "web",
            wait: false,
        });
        assert.strictEqual(result.outcome, "started");
        assert.strictEqual(result.previousImage, `${IMAGE}:1.0.0`);
        assert.strictEqual(result.image, `${IMAGE}:1.1.0`);
        assert.match(result.taskDefinition, /task-definition\/paved-dev-svc-storefront:2$/);

        const { taskDefinition: before } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "paved-dev-svc-storefront:1" }));
        const { taskDefinition: after, tags } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "paved-dev-svc-storefront:2", include: ["TAGS"] }));
        assert.strictEqual(after!.containerDefinitions![0].image, `${IMAGE}:1.1.0`);
        assert.deepStrictEqual({ ...after!.containerDefinitions![0], image: undefined }, { ...before!.containerDefinitions![0], image: undefined });
        assert.deepStrictEqual(after!.containerDefinitions![1], before!.containerDefinitions![1]);
        for (const k of ["networkMode", "cpu", "memory", "executionRoleArn", "requiresCompatibilities"] as const) assert.deepStrictEqual(after![k], before![k], k);
        assert.deepStrictEqual(tags, [{ key: "paved:app", value: "storefront" }]);

        const { services } = await ecs.send(new DescribeServicesCommand({ cluster: "paved-dev", services: ["paved-dev-svc-storefront"] }));
        assert.strictEqual(services![0].taskDefinition, result.taskDefinition);
    });

    it("refuses a tag that is not in ECR, a container it cannot pick, and a missing service, before changing anything", async () => {
        const ecr = ecrClient({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
        const base = { ecs, ecr, cluster: "paved-dev", service: "paved-dev-svc-storefront", wait: false };
        await assert.rejects(deployService({ ...base, imageTag: "9.9.9", containerName: "web" }), /image tag "9.9.9" is not in ECR repository paved-dev\/apps\/storefront; push it first/);
        await assert.rejects(deployService({ ...base, imageTag: "1.1.0" }), /has 2 containers \(web, log-router\); name one with --container/);
        await assert.rejects(deployService({ ...base, imageTag: "1.1.0", containerName: "api" }), /container "api" is not in task definition/);
        await assert.rejects(deployService({ ...base, service: "paved-dev-svc-nope", imageTag: "1.1.0", containerName: "web" }), (e: Error) => e instanceof PavedError && /is not active \(MISSING\)/.test(e.message));
        const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "paved-dev-svc-storefront" }));
        assert.strictEqual(taskDefinition!.revision, 2, "no revision registered by the refused deploys");
    });

    it("nextTaskDefinition drops read-only fields", () => {
        const input = nextTaskDefinition(
            { family: "f", taskDefinitionArn: "arn", revision: 3, status: "ACTIVE", compatibilities: ["EC2"], requiresAttributes: [{ name: "x" }], registeredAt: new Date(), registeredBy: "me", containerDefinitions: [{ name: "c", image: "i:1" }] },
            "c",
            "i:2",
        );
        assert.deepStrictEqual(input, { family: "f", containerDefinitions: [{ name: "c", image: "i:2" }] });
    });

    it("runs a job with its capacity provider strategy and private networking, follows it to STOPPED, reports exit code and logs", async () => {
        // An EC2 container instance for the task to be placed on (the cluster's capacity provider's instance).
        const ami = /<imageId>(ami-[0-9a-f]+)<\/imageId>/.exec(await motoEc2(moto.endpoint, { Action: "DescribeImages", "Owner.1": "amazon" }))![1];
        const instanceId = /<instanceId>(i-[0-9a-f]+)<\/instanceId>/.exec(await motoEc2(moto.endpoint, { Action: "RunInstances", ImageId: ami, MinCount: "1", MaxCount: "1", InstanceType: "m6i.large" }))![1];
        await ecs.send(new RegisterContainerInstanceCommand({ cluster: "paved-dev", instanceIdentityDocument: JSON.stringify({ instanceId }) }));
        await ecs.send(
            new RegisterTaskDefinitionCommand({
                family: "paved-dev-job-nightly-report",
                networkMode: "awsvpc",
                requiresCompatibilities: ["EC2"],
                containerDefinitions: [
                    {
                        name: "job",
                        image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/reports:1.4.2",
                        memory: 1024,
                        cpu: 512,
                        essential: true,
                        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/paved/paved-dev/jobs/nightly-report", "awslogs-region": REGION, "awslogs-stream-prefix": "job" } },
                    },
                ],
            }),
        );
        const lines: string[] = [];
        const strategy = [{ capacityProvider: "paved-dev-ec2", weight: 1, base: 0 }];
        const sent: unknown[] = [];
        const spying = { send: (cmd: { input: unknown }) => { sent.push(cmd); return ecs.send(cmd as never); } } as unknown as ECSClient;
        const result = await runJob({
            ecs: spying,
            cluster: "paved-dev",
            family: "paved-dev-job-nightly-report",
            capacityProviderStrategy: strategy,
            subnets: [subnet],
            securityGroups: [securityGroup],
            clock: new FakeClock(),
            onProgress: (l) => lines.push(l),
        });
        const runInput = (sent.find((c) => c instanceof RunTaskCommand) as RunTaskCommand).input;
        assert.deepStrictEqual(runInput, {
            cluster: "paved-dev",
            taskDefinition: "paved-dev-job-nightly-report",
            count: 1,
            capacityProviderStrategy: strategy,
            networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [securityGroup], assignPublicIp: "DISABLED" } },
            startedBy: "paved-cli",
            propagateTags: "TASK_DEFINITION",
        });
        const taskId = result.taskArn.split("/").pop();
        assert.strictEqual(result.exitCode, 0);
        assert.strictEqual(result.logGroup, "/paved/paved-dev/jobs/nightly-report");
        assert.strictEqual(result.logStream, `job/job/${taskId}`);
        // moto walks RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED, one step per DescribeTasks.
        assert.deepStrictEqual(lines.filter((l) => l.startsWith("status:")), ["status: RUNNING", "status: DEACTIVATING", "status: STOPPING", "status: DEPROVISIONING", "status: STOPPED"]);
        assert.strictEqual(sent.filter((c) => c instanceof DescribeTasksCommand).length, 4);
        const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: "paved-dev", tasks: [result.taskArn] }));
        assert.strictEqual(tasks![0].startedBy, "paved-cli");
        assert.match(renderJobResult(result), /exit code: 0\nlogs: \/paved\/paved-dev\/jobs\/nightly-report job\/job\//);
    });
});

describe("cli/aws deploy-service rollout and job outcomes (ECS mocked)", () => {
    const TD1 = "arn:aws:ecs:eu-west-1:123456789012:task-definition/svc:1";
    const TD2 = "arn:aws:ecs:eu-west-1:123456789012:task-definition/svc:2";

    function mockedEcs(states: object[][]) {
        const client = new ECSClient({ region: REGION, credentials: MOTO_CREDENTIALS });
        const mock = mockClient(client);
        const service = (deployments: object[]) => ({ services: [{ status: "ACTIVE", serviceName: "svc", taskDefinition: TD1, deployments, events: [] }] });
        const describe = mock.on(DescribeServicesCommand);
        describe.resolvesOnce(service([{ id: "ecs-svc/1", status: "PRIMARY", taskDefinition: TD1, rolloutState: "COMPLETED" }]));
        for (const s of states) describe.resolvesOnce(service(s));
        mock.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { family: "svc", taskDefinitionArn: TD1, revision: 1, containerDefinitions: [{ name: "web", image: "nginx:1.26" }] }, tags: [] });
        mock.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: TD2 } });
        mock.on(UpdateServiceCommand).resolves({ service: { deployments: [{ id: "ecs-svc/2", status: "PRIMARY", taskDefinition: TD2, rolloutState: "IN_PROGRESS" }, { id: "ecs-svc/1", status: "ACTIVE", taskDefinition: TD1 }] } });
        return Object.assign(client, { mock });
    }
    const run = (client: ECSClient, timeoutSeconds?: number) => deployService({ ecs: client, cluster: "c", service: "svc", imageTag: "1.27", clock: new FakeClock(), pollSeconds: 10, timeoutSeconds });

    it("waits through IN_PROGRESS until the new deployment is COMPLETED", async () => {
        const inProgress = [{ id: "ecs-svc/2", status: "PRIMARY", taskDefinition: TD2, rolloutState: "IN_PROGRESS", runningCount: 1, desiredCount: 2 }, { id: "ecs-svc/1", status: "ACTIVE", taskDefinition: TD1 }];
        const client = mockedEcs([inProgress, inProgress, [{ id: "ecs-svc/2", status: "PRIMARY", taskDefinition: TD2, rolloutState: "COMPLETED" }]]);
        const r = await run(client);
        assert.strictEqual(r.outcome, "completed");
        assert.strictEqual(r.image, "nginx:1.27");
        assert.strictEqual(r.deploymentId, "ecs-svc/2");
        assert.strictEqual(client.mock.commandCalls(DescribeServicesCommand).length, 4);
    });

    it("reports a circuit-breaker rollback with ECS's reason", async () => {
        const client = mockedEcs([
            [
                { id: "ecs-svc/3", status: "PRIMARY", taskDefinition: TD1, rolloutState: "IN_PROGRESS" },
                { id: "ecs-svc/2", status: "ACTIVE", taskDefinition: TD2, rolloutState: "FAILED", rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start." },
            ],
        ]);
        const r = await run(client);
        assert.strictEqual(r.outcome, "rolledBack");
        assert.strictEqual(r.reason, "ECS deployment circuit breaker: tasks failed to start.");
    });

    it("reports a FAILED rollout without rollback, and a timeout", async () => {
        const failed = await run(mockedEcs([[{ id: "ecs-svc/2", status: "PRIMARY", taskDefinition: TD2, rolloutState: "FAILED", rolloutStateReason: "tasks failed" }]]));
        assert.deepStrictEqual([failed.outcome, failed.reason], ["failed", "tasks failed"]);
        const stuck = Array.from({ length: 10 }, () => [{ id: "ecs-svc/2", status: "PRIMARY", taskDefinition: TD2, rolloutState: "IN_PROGRESS" }]);
        const timedOut = await run(mockedEcs(stuck), 30);
        assert.strictEqual(timedOut.outcome, "timedOut");
    });

    it("job run: a non-zero exit code and a failed placement are reported", async () => {
        const client = new ECSClient({ region: REGION, credentials: MOTO_CREDENTIALS });
        const mock = mockClient(client);
        const arn = "arn:aws:ecs:eu-west-1:123456789012:task/c/abc123";
        mock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: arn, lastStatus: "PROVISIONING", taskDefinitionArn: "td:1" }] });
        mock.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { containerDefinitions: [{ name: "job", essential: true }] } });
        mock.on(DescribeTasksCommand)
            .resolvesOnce({ tasks: [{ taskArn: arn, lastStatus: "RUNNING" }] })
            .resolves({ tasks: [{ taskArn: arn, lastStatus: "STOPPED", stopCode: "EssentialContainerExited", stoppedReason: "Essential container in task exited", containers: [{ name: "job", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" }] }] });
        const opts = { ecs: client, cluster: "c", family: "f", capacityProviderStrategy: [], subnets: ["subnet-1"], securityGroups: ["sg-1"], clock: new FakeClock() };
        const r = await runJob(opts);
        assert.deepStrictEqual([r.exitCode, r.stopCode, r.containerReason, r.logGroup], [137, "EssentialContainerExited", "OutOfMemoryError: Container killed due to memory usage", undefined]);
        assert.match(renderJobResult(r), /exit code: 137/);

        mock.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: "RESOURCE:MEMORY", arn: "x" }] });
        await assert.rejects(runJob(opts), (e: Error) => e instanceof OperationFailed && /RunTask did not start f on c: RESOURCE:MEMORY/.test(e.message));
    });
});
