import * as assert from "assert";
import { CreateRepositoryCommand, DescribeImagesCommand, ECRClient, PutImageCommand } from "@aws-sdk/client-ecr";
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
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { ecrClient, ecsClient, ssmClient } from "../../cli/aws/clients";
import { FakeClock } from "../../cli/aws/clock";
import { DeployServiceOptions, deployService, nextTaskDefinition } from "../../cli/aws/deploy-service";
import { OperationFailed } from "../../cli/aws/errors";
import { renderJobResult, runJob } from "../../cli/aws/run-job";
import { PavedError } from "../../components/errors";
import { MOTO_CREDENTIALS, MotoServer, motoEc2, startMoto } from "../support/moto";

const REGION = "eu-west-1";
const REPO = "paved-dev/apps/storefront";
const IMAGE = `123456789012.dkr.ecr.${REGION}.amazonaws.com/${REPO}`;

/** Sends through `client`, recording each command: proves what was (not) called. */
function spy<T extends { send: (...a: any[]) => any }>(client: T, sent: unknown[]): T {
    return { send: (cmd: unknown) => (sent.push(cmd), client.send(cmd as never)) } as unknown as T;
}

describe("cli/aws deploy-service and job run (ECS, ECR and SSM on moto)", function () {
    let moto: MotoServer;
    let ecs: ECSClient;
    let ecr: ECRClient;
    let ssm: SSMClient;
    let subnet: string;
    let securityGroup: string;
    const PARAMETER = "/paved/paved-dev/services/storefront/image";
    const ROLE = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
    /** Pulumi's task definition of the service: today's config and the deployed image. */
    const pulumiDefinition = (image: string, roles: string, cpu: number, env: string) => ({
        family: "paved-dev-svc-storefront",
        networkMode: "awsvpc" as const,
        requiresCompatibilities: ["FARGATE" as const],
        cpu: String(cpu),
        memory: String(cpu * 2),
        executionRoleArn: ROLE(`${roles}-execution`),
        taskRoleArn: ROLE(`${roles}-task`),
        containerDefinitions: [{ name: "storefront", image, essential: true, portMappings: [{ containerPort: 8080 }], environment: [{ name: "FEATURE", value: env }] }],
        tags: [{ key: "paved:app", value: "storefront" }, { key: "paved:task-family", value: "paved-dev-svc-storefront" }],
    });
    let revision1: string;
    const deploy = (over: Partial<DeployServiceOptions>) =>
        deployService({ ecs, ecr, ssm, cluster: "paved-dev", service: "paved-dev-svc-storefront", taskDefinitionArn: revision1, repositoryUrl: IMAGE, imageParameter: PARAMETER, imageTag: "1.1.0", wait: false, ...over });
    const definition = async (arn: string) => (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] })));
    const parameter = async () => (await ssm.send(new GetParameterCommand({ Name: PARAMETER }))).Parameter!.Value;

    before(async () => {
        moto = await startMoto();
        const o = { region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
        ecs = ecsClient(o);
        ecr = ecrClient(o);
        ssm = ssmClient(o);
        await ecr.send(new CreateRepositoryCommand({ repositoryName: REPO }));
        for (const tag of ["1.0.0", "1.1.0", "1.2.0"]) {
            await ecr.send(new PutImageCommand({ repositoryName: REPO, imageTag: tag, imageManifest: JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.docker.distribution.manifest.v2+json", tag }), imageManifestMediaType: "application/vnd.docker.distribution.manifest.v2+json" }));
        }
        subnet = /<subnetId>(subnet-[0-9a-f]+)<\/subnetId>/.exec(await motoEc2(moto.endpoint, { Action: "DescribeSubnets" }))![1];
        securityGroup = /<groupId>(sg-[0-9a-f]+)<\/groupId>/.exec(await motoEc2(moto.endpoint, { Action: "DescribeSecurityGroups" }))![1];

        // What `pulumi up` leaves: the cluster, Pulumi's task definition, the service on it, the image parameter.
        await ecs.send(new CreateClusterCommand({ clusterName: "paved-dev" }));
        revision1 = (await ecs.send(new RegisterTaskDefinitionCommand(pulumiDefinition(`${IMAGE}:1.0.0`, "roles-a", 256, "a")))).taskDefinition!.taskDefinitionArn!;
        await ecs.send(
            new CreateServiceCommand({
                cluster: "paved-dev",
                serviceName: "paved-dev-svc-storefront",
                taskDefinition: revision1,
                desiredCount: 2,
                networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [securityGroup] } },
            }),
        );
        await ssm.send(new PutParameterCommand({ Name: PARAMETER, Value: `${IMAGE}:1.0.0`, Type: "String" }));
    });

    after(async () => {
        await moto?.stop();
    });

    it("registers a copy of Pulumi's task definition with only the image changed, records the image, and points the service at it", async () => {
        const result = await deploy({ imageTag: "1.1.0" });
        assert.strictEqual(result.outcome, "started");
        assert.strictEqual(result.previousImage, `${IMAGE}:1.0.0`);
        assert.strictEqual(result.image, `${IMAGE}:1.1.0`);
        assert.match(result.taskDefinition, /task-definition\/paved-dev-svc-storefront:2$/);
        const { taskDefinition: before } = await definition(revision1);
        const { taskDefinition: after, tags } = await definition(result.taskDefinition);
        assert.strictEqual(after!.containerDefinitions![0].image, `${IMAGE}:1.1.0`);
        assert.deepStrictEqual({ ...after!.containerDefinitions![0], image: undefined }, { ...before!.containerDefinitions![0], image: undefined });
        for (const k of ["networkMode", "cpu", "memory", "executionRoleArn", "taskRoleArn", "requiresCompatibilities"] as const) assert.deepStrictEqual(after![k], before![k], k);
        assert.deepStrictEqual(tags, [{ key: "paved:app", value: "storefront" }, { key: "paved:task-family", value: "paved-dev-svc-storefront" }]);
        assert.strictEqual(await parameter(), `${IMAGE}:1.1.0`, "the next pulumi up registers this image");
        const { services } = await ecs.send(new DescribeServicesCommand({ cluster: "paved-dev", services: ["paved-dev-svc-storefront"] }));
        assert.strictEqual(services![0].taskDefinition, result.taskDefinition);
    });

    it("after a pulumi up changed roles, cpu and environment, the next deploy carries today's settings, not what runs", async () => {
        // `pulumi up` registers today's config with the deployed image (read from the parameter); the
        // service still runs the CLI's revision 2 with the old roles.
        const revision3 = (await ecs.send(new RegisterTaskDefinitionCommand(pulumiDefinition((await parameter())!, "roles-b", 512, "b")))).taskDefinition!.taskDefinitionArn!;
        const result = await deploy({ taskDefinitionArn: revision3, imageTag: "1.2.0" });
        assert.match(result.previousTaskDefinition, /:2$/, "what ran before");
        const { taskDefinition: td } = await definition(result.taskDefinition);
        assert.deepStrictEqual(
            { task: td!.taskRoleArn, execution: td!.executionRoleArn, cpu: td!.cpu, memory: td!.memory, env: td!.containerDefinitions![0].environment, image: td!.containerDefinitions![0].image },
            { task: ROLE("roles-b-task"), execution: ROLE("roles-b-execution"), cpu: "512", memory: "1024", env: [{ name: "FEATURE", value: "b" }], image: `${IMAGE}:1.2.0` },
        );
        assert.strictEqual(await parameter(), `${IMAGE}:1.2.0`);
    });

    it("checks the tag's format and then its presence in ECR before any other AWS call", async () => {
        const sent: unknown[] = [];
        const spied = { ecs: spy(ecs, sent), ssm: spy(ssm, sent) };
        await assert.rejects(deploy({ ...spied, imageTag: "-bad" }), (e: Error) => e instanceof PavedError && /image tag "-bad" must be 1-128 letters/.test(e.message));
        const ecrSent: unknown[] = [];
        await assert.rejects(deploy({ ...spied, ecr: spy(ecr, ecrSent), imageTag: "9.9.9" }), (e: Error) => e instanceof PavedError && /image tag "9.9.9" is not in ECR repository paved-dev\/apps\/storefront; push it first/.test(e.message));
        assert.deepStrictEqual(sent, [], "no ECS or SSM call for a bad tag");
        assert.deepStrictEqual(ecrSent.map((c) => (c as object).constructor.name), ["DescribeImagesCommand"]);
    });

    it("refuses a container it cannot pick, a missing service and a missing parameter, before changing anything", async () => {
        const twoContainers = (await ecs.send(
            new RegisterTaskDefinitionCommand({
                family: "paved-dev-svc-sidecar",
                networkMode: "awsvpc",
                requiresCompatibilities: ["FARGATE"],
                cpu: "256",
                memory: "512",
                containerDefinitions: [
                    { name: "web", image: `${IMAGE}:1.0.0`, essential: true },
                    { name: "log-router", image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0", essential: false },
                ],
            }),
        )).taskDefinition!.taskDefinitionArn!;
        const before = await parameter();
        await assert.rejects(deploy({ taskDefinitionArn: twoContainers }), /has 2 containers \(web, log-router\); name one with --container/);
        await assert.rejects(deploy({ taskDefinitionArn: twoContainers, containerName: "api" }), /container "api" is not in task definition/);
        await assert.rejects(deploy({ service: "paved-dev-svc-nope" }), (e: Error) => e instanceof PavedError && /is not active \(MISSING\)/.test(e.message));
        await assert.rejects(deploy({ imageParameter: "/paved/paved-dev/services/nope/image" }), (e: Error) => e instanceof PavedError && /SSM parameter \/paved\/paved-dev\/services\/nope\/image does not exist; deploy the environment first/.test(e.message));
        const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "paved-dev-svc-storefront" }));
        assert.strictEqual(taskDefinition!.revision, 4, "no revision registered by the refused deploys");
        assert.strictEqual(await parameter(), before);
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
        mock.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { family: "svc", taskDefinitionArn: TD1, revision: 1, containerDefinitions: [{ name: "web", image: `${IMAGE}:1.26` }] }, tags: [] });
        mock.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: TD2 } });
        mock.on(UpdateServiceCommand).resolves({ service: { deployments: [{ id: "ecs-svc/2", status: "PRIMARY", taskDefinition: TD2, rolloutState: "IN_PROGRESS" }, { id: "ecs-svc/1", status: "ACTIVE", taskDefinition: TD1 }] } });
        return Object.assign(client, { mock });
    }
    function registries() {
        const ecr = new ECRClient({ region: REGION, credentials: MOTO_CREDENTIALS });
        mockClient(ecr).on(DescribeImagesCommand).resolves({ imageDetails: [{ imageTags: ["1.27"] }] });
        const ssm = new SSMClient({ region: REGION, credentials: MOTO_CREDENTIALS });
        const ssmMock = mockClient(ssm);
        ssmMock.on(GetParameterCommand).resolves({ Parameter: { Name: "/p", Value: `${IMAGE}:1.26` } });
        ssmMock.on(PutParameterCommand).resolves({ Version: 2 });
        return { ecr, ssm, ssmMock };
    }
    const run = (client: ECSClient, timeoutSeconds?: number, r = registries()) =>
        deployService({ ecs: client, ecr: r.ecr, ssm: r.ssm, cluster: "c", service: "svc", taskDefinitionArn: TD1, repositoryUrl: IMAGE, imageParameter: "/p", imageTag: "1.27", clock: new FakeClock(), pollSeconds: 10, timeoutSeconds });

    it("waits through IN_PROGRESS until the new deployment is COMPLETED", async () => {
        const inProgress = [{ id: "ecs-svc/2", status: "PRIMARY", taskDefinition: TD2, rolloutState: "IN_PROGRESS", runningCount: 1, desiredCount: 2 }, { id: "ecs-svc/1", status: "ACTIVE", taskDefinition: TD1 }];
        const client = mockedEcs([inProgress, inProgress, [{ id: "ecs-svc/2", status: "PRIMARY", taskDefinition: TD2, rolloutState: "COMPLETED" }]]);
        const r = await run(client);
        assert.strictEqual(r.outcome, "completed");
        assert.strictEqual(r.image, `${IMAGE}:1.27`);
        assert.strictEqual(r.deploymentId, "ecs-svc/2");
        assert.strictEqual(client.mock.commandCalls(DescribeServicesCommand).length, 4);
    });

    it("reports a circuit-breaker rollback with ECS's reason, and puts the previous image back in the parameter", async () => {
        const client = mockedEcs([
            [
                { id: "ecs-svc/3", status: "PRIMARY", taskDefinition: TD1, rolloutState: "IN_PROGRESS" },
                { id: "ecs-svc/2", status: "ACTIVE", taskDefinition: TD2, rolloutState: "FAILED", rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start." },
            ],
        ]);
        const reg = registries();
        const r = await run(client, undefined, reg);
        assert.strictEqual(r.outcome, "rolledBack");
        assert.strictEqual(r.reason, "ECS deployment circuit breaker: tasks failed to start.");
        assert.strictEqual(r.imageRestored, true);
        assert.deepStrictEqual(reg.ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input.Value), [`${IMAGE}:1.27`, `${IMAGE}:1.26`], "recorded, then restored");
        const input = client.mock.commandCalls(RegisterTaskDefinitionCommand)[0].args[0].input;
        assert.strictEqual(input.containerDefinitions![0].image, `${IMAGE}:1.27`);
        assert.deepStrictEqual(client.mock.commandCalls(DescribeTaskDefinitionCommand)[0].args[0].input, { taskDefinition: TD1, include: ["TAGS"] }, "copies Pulumi's definition");
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
