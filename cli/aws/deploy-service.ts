import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
    ContainerDefinition,
    Deployment,
    DescribeServicesCommand,
    DescribeTaskDefinitionCommand,
    ECSClient,
    RegisterTaskDefinitionCommand,
    RegisterTaskDefinitionCommandInput,
    Service,
    Tag,
    TaskDefinition,
    UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { PavedError, show } from "../../components/errors";
import { Clock, systemClock } from "./clock";
import { errorName } from "./errors";
import { withBackoff } from "./retry";
import { imageTagViolation } from "../../components/validation";

const ECR_REPOSITORY = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9._\/-]+)$/;

/** Fields DescribeTaskDefinition returns that RegisterTaskDefinition does not take. */
const READ_ONLY = ["taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy", "deregisteredAt"] as const;

/**
 * The RegisterTaskDefinition input for a copy of `td` whose `container` runs `image`: every
 * writable field as it was (so a deploy changes only the image), read-only fields dropped, tags kept.
 */
export function nextTaskDefinition(td: TaskDefinition, container: string, image: string, tags: Tag[] = []): RegisterTaskDefinitionCommandInput {
    const copy: Record<string, unknown> = { ...td };
    for (const k of READ_ONLY) delete copy[k];
    for (const [k, v] of Object.entries(copy)) if (v === undefined) delete copy[k];
    const containerDefinitions: ContainerDefinition[] = (td.containerDefinitions ?? []).map((c) => (c.name === container ? { ...c, image } : c));
    return { ...(copy as unknown as RegisterTaskDefinitionCommandInput), containerDefinitions, ...(tags.length ? { tags } : {}) };
}

/** The container a deploy retags: the named one, else the task's only container. */
export function pickContainer(td: TaskDefinition, name?: string): ContainerDefinition {
    const containers = td.containerDefinitions ?? [];
    const names = containers.map((c) => c.name).join(", ");
    if (name !== undefined) {
        const c = containers.find((x) => x.name === name);
        if (!c) throw new PavedError(`container ${show(name)} is not in task definition ${td.family}:${td.revision}; it has ${names}`);
        return c;
    }
    if (containers.length !== 1) throw new PavedError(`task definition ${td.family}:${td.revision} has ${containers.length} containers (${names}); name one with --container`);
    return containers[0];
}

export type DeployOutcome = "completed" | "failed" | "rolledBack" | "timedOut" | "started";

export interface DeployServiceOptions {
    ecs: Pick<ECSClient, "send">;
    ecr: Pick<ECRClient, "send">;
    ssm: Pick<SSMClient, "send">;
    cluster: string;
    service: string;
    /** The task definition Pulumi registered (stack output): the new revision is a copy of it. */
    taskDefinitionArn: string;
    /** The app's ECR repository URL (stack output): the tag must be an image in it. */
    repositoryUrl: string;
    /** The SSM parameter holding the deployed image (stack output), written on every deploy. */
    imageParameter: string;
    imageTag: string;
    /** @default the task definition's only container */
    containerName?: string;
    /** Follow the rollout to the end. @default true */
    wait?: boolean;
    /** Give up waiting after this long (the rollout continues). @default 1200 */
    timeoutSeconds?: number;
    /** @default 10 */
    pollSeconds?: number;
    clock?: Clock;
    /** Progress lines (service events, rollout state). */
    onProgress?: (line: string) => void;
}

export interface DeployResult {
    outcome: DeployOutcome;
    /** What the service ran before. */
    previousTaskDefinition: string;
    taskDefinition: string;
    /** The image the parameter held before. */
    previousImage: string;
    image: string;
    deploymentId?: string;
    /** Why the rollout failed or was rolled back (ECS's rolloutStateReason). */
    reason?: string;
    /** After a failed or rolled-back rollout, the parameter holds `previousImage` again. */
    imageRestored?: boolean;
}

async function describeService(o: Pick<DeployServiceOptions, "ecs" | "cluster" | "service">): Promise<Service> {
    const out = await o.ecs.send(new DescribeServicesCommand({ cluster: o.cluster, services: [o.service] }));
    const svc = out.services?.[0];
    if (!svc || svc.status !== "ACTIVE") {
        const why = out.failures?.[0]?.reason ?? svc?.status ?? "MISSING";
        throw new PavedError(`service ${o.service} in cluster ${o.cluster} is not active (${why}); is the environment deployed?`);
    }
    return svc;
}

/** The tag's image in `repositoryUrl`, after checking that ECR has it. */
async function imageInRepository(ecr: Pick<ECRClient, "send">, repositoryUrl: string, tag: string): Promise<string> {
    const m = ECR_REPOSITORY.exec(repositoryUrl);
    if (!m) throw new PavedError(`repository ${show(repositoryUrl)} from the stack outputs is not an ECR repository URL`);
    const [, registryId, , repositoryName] = m;
    try {
        await ecr.send(new DescribeImagesCommand({ registryId, repositoryName, imageIds: [{ imageTag: tag }] }));
    } catch (e) {
        if (errorName(e) === "ImageNotFoundException") throw new PavedError(`image tag ${show(tag)} is not in ECR repository ${repositoryName}; push it first (the rollout would fail to pull it)`);
        if (errorName(e) === "RepositoryNotFoundException") throw new PavedError(`ECR repository ${repositoryName} does not exist; deploy the environment first (paved up)`);
        throw e;
    }
    return `${repositoryUrl}:${tag}`;
}

async function readParameter(ssm: Pick<SSMClient, "send">, name: string): Promise<string> {
    try {
        const out = await ssm.send(new GetParameterCommand({ Name: name }));
        return out.Parameter?.Value ?? "";
    } catch (e) {
        if (errorName(e) === "ParameterNotFound") throw new PavedError(`SSM parameter ${name} does not exist; deploy the environment first (paved up): it creates it`);
        throw e;
    }
}

function writeParameter(ssm: Pick<SSMClient, "send">, name: string, image: string) {
    return ssm.send(new PutParameterCommand({ Name: name, Value: image, Type: "String", Overwrite: true }));
}

/**
 * Deploys an image tag to an app's ECS service. Pulumi owns the service's shape, the rollout only
 * its image: the new revision is a copy of the task definition Pulumi registered (today's cpu,
 * memory, environment, secrets and roles) with the container's image swapped, never a copy of
 * whatever runs. Order: the tag's format and its presence in ECR first (before any other call),
 * then register, record the image in the service's SSM parameter (the next `pulumi up` registers
 * it too), point the service at the revision, and follow the rollout until ECS reports it
 * COMPLETED, FAILED, or rolled back by the circuit breaker; a failed rollout puts the previous
 * image back in the parameter.
 */
export async function deployService(o: DeployServiceOptions): Promise<DeployResult> {
    const clock = o.clock ?? systemClock;
    const say = o.onProgress ?? (() => undefined);
    const violation = imageTagViolation(o.imageTag);
    if (violation) throw new PavedError(`image tag ${show(o.imageTag)} ${violation}`);
    const image = await imageInRepository(o.ecr, o.repositoryUrl, o.imageTag);

    const svc = await describeService(o);
    const controller = svc.deploymentController?.type ?? "ECS";
    if (controller !== "ECS") throw new PavedError(`service ${o.service} uses the ${controller} deployment controller; paved deploy-service handles rolling (ECS) deployments only`);
    const previousImage = await readParameter(o.ssm, o.imageParameter);

    const { taskDefinition: td, tags } = await o.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: o.taskDefinitionArn, include: ["TAGS"] }));
    if (!td) throw new PavedError(`task definition ${o.taskDefinitionArn} of service ${o.service} not found; deploy the environment first (paved up)`);
    const container = pickContainer(td, o.containerName);
    const registered = await o.ecs.send(new RegisterTaskDefinitionCommand(nextTaskDefinition(td, container.name!, image, tags)));
    const taskDefinition = registered.taskDefinition!.taskDefinitionArn!;
    say(`registered ${taskDefinition} (${container.name}: ${image}) from ${o.taskDefinitionArn}`);
    await writeParameter(o.ssm, o.imageParameter, image);
    say(`recorded ${image} in ${o.imageParameter}`);

    const startedAt = clock.now();
    const updated = await o.ecs.send(new UpdateServiceCommand({ cluster: o.cluster, service: o.service, taskDefinition }));
    const deploymentId = updated.service?.deployments?.find((d) => d.taskDefinition === taskDefinition)?.id;
    say(`updated service ${o.service}${deploymentId ? `: deployment ${deploymentId}` : ""}`);
    const base = { previousTaskDefinition: svc.taskDefinition!, taskDefinition, previousImage, image, deploymentId };
    if (o.wait === false) return { outcome: "started", ...base };

    const restore = async (r: DeployResult): Promise<DeployResult> => {
        // What runs is the previous image again: so must be what the next `pulumi up` registers.
        if (previousImage && previousImage !== image) {
            await writeParameter(o.ssm, o.imageParameter, previousImage);
            say(`restored ${previousImage} in ${o.imageParameter}`);
            return { ...r, imageRestored: true };
        }
        return r;
    };
    const timeoutMs = (o.timeoutSeconds ?? 1200) * 1000;
    const pollMs = (o.pollSeconds ?? 10) * 1000;
    const seenEvents = new Set((updated.service?.events ?? []).map((e) => e.id));
    let lastState = "";
    for (;;) {
        await clock.sleep(pollMs);
        const now = await withBackoff(() => describeService(o), { clock });
        for (const e of [...(now.events ?? [])].reverse()) {
            if (e.id && !seenEvents.has(e.id)) {
                seenEvents.add(e.id);
                say(`event: ${e.message}`);
            }
        }
        const deployments = now.deployments ?? [];
        const ours: Deployment | undefined = deployments.find((d) => (deploymentId ? d.id === deploymentId : d.taskDefinition === taskDefinition));
        const primary = deployments.find((d) => d.status === "PRIMARY");
        const state = ours ? `${ours.rolloutState ?? ours.status} ${ours.runningCount ?? 0}/${ours.desiredCount ?? 0} running` : "";
        if (state && state !== lastState) say(`rollout: ${state}`);
        lastState = state;

        if (ours?.rolloutState === "COMPLETED") return { outcome: "completed", ...base };
        if (ours?.rolloutState === "FAILED") {
            const rolledBack = primary !== undefined && primary.taskDefinition !== taskDefinition;
            return restore({ outcome: rolledBack ? "rolledBack" : "failed", reason: ours.rolloutStateReason, ...base });
        }
        // Our deployment is gone and another task definition is primary: the circuit breaker
        // rolled back (or someone deployed over us); either way ours is not what runs.
        if (!ours && primary && primary.taskDefinition !== taskDefinition) {
            return restore({ outcome: "rolledBack", reason: `the service runs ${primary.taskDefinition} again${primary.rolloutStateReason ? `: ${primary.rolloutStateReason}` : ""}`, ...base });
        }
        if (!ours && primary?.taskDefinition === taskDefinition && primary.rolloutState === "COMPLETED") return { outcome: "completed", ...base };
        if (clock.now() - startedAt >= timeoutMs) return { outcome: "timedOut", reason: `no steady state after ${o.timeoutSeconds ?? 1200} s; the rollout continues in ECS`, ...base };
    }
}
