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
import { PavedError, show } from "../../components/errors";
import { Clock, systemClock } from "./clock";
import { errorName } from "./errors";
import { withBackoff } from "./retry";

/** Docker's tag rule. */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/;

export function imageTagViolation(tag: string): string | undefined {
    return IMAGE_TAG.test(tag) ? undefined : "must be 1-128 letters, digits, _, . and -, not starting with . or -";
}

/**
 * `image` with its tag (or digest) replaced by `tag`:
 * `123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2` → `...amazonaws.com/web:<tag>`.
 * A registry port (`host:5000/app`) is not mistaken for a tag.
 */
export function withImageTag(image: string, tag: string): string {
    const violation = imageTagViolation(tag);
    if (violation) throw new PavedError(`image tag ${show(tag)} ${violation}`);
    const withoutDigest = image.split("@")[0];
    const slash = withoutDigest.lastIndexOf("/");
    const colon = withoutDigest.lastIndexOf(":");
    const repository = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
    return `${repository}:${tag}`;
}

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
    /** When given and the image is in ECR, a tag that is not in the repository is refused up front. */
    ecr?: Pick<ECRClient, "send">;
    cluster: string;
    service: string;
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
    previousTaskDefinition: string;
    taskDefinition: string;
    previousImage: string;
    image: string;
    deploymentId?: string;
    /** Why the rollout failed or was rolled back (ECS's rolloutStateReason). */
    reason?: string;
}

async function describeService(o: DeployServiceOptions): Promise<Service> {
    const out = await o.ecs.send(new DescribeServicesCommand({ cluster: o.cluster, services: [o.service] }));
    const svc = out.services?.[0];
    if (!svc || svc.status !== "ACTIVE") {
        const why = out.failures?.[0]?.reason ?? svc?.status ?? "MISSING";
        throw new PavedError(`service ${o.service} in cluster ${o.cluster} is not active (${why}); is the environment deployed?`);
    }
    return svc;
}

async function checkImageExists(ecr: Pick<ECRClient, "send">, image: string, tag: string): Promise<void> {
    const m = ECR_IMAGE.exec(image);
    if (!m) return;
    const [, registryId, , repositoryName] = m;
    try {
        await ecr.send(new DescribeImagesCommand({ registryId, repositoryName, imageIds: [{ imageTag: tag }] }));
    } catch (e) {
        if (errorName(e) === "ImageNotFoundException") throw new PavedError(`image tag ${show(tag)} is not in ECR repository ${repositoryName}; push it first (the rollout would fail to pull it)`);
        throw e;
    }
}

/**
 * Deploys a new image tag to an ECS service: registers a copy of the service's current task
 * definition with the container's image retagged, points the service at it, and follows the
 * rollout until ECS reports it COMPLETED, FAILED, or rolled back by the circuit breaker.
 */
export async function deployService(o: DeployServiceOptions): Promise<DeployResult> {
    const clock = o.clock ?? systemClock;
    const say = o.onProgress ?? (() => undefined);
    const svc = await describeService(o);
    const controller = svc.deploymentController?.type ?? "ECS";
    if (controller !== "ECS") throw new PavedError(`service ${o.service} uses the ${controller} deployment controller; paved deploy-service handles rolling (ECS) deployments only`);

    const { taskDefinition: td, tags } = await o.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition, include: ["TAGS"] }));
    if (!td) throw new PavedError(`task definition ${svc.taskDefinition} of service ${o.service} not found`);
    const container = pickContainer(td, o.containerName);
    const previousImage = container.image!;
    const image = withImageTag(previousImage, o.imageTag);
    if (o.ecr) await checkImageExists(o.ecr, previousImage, o.imageTag);

    const registered = await o.ecs.send(new RegisterTaskDefinitionCommand(nextTaskDefinition(td, container.name!, image, tags)));
    const taskDefinition = registered.taskDefinition!.taskDefinitionArn!;
    say(`registered ${taskDefinition} (${container.name}: ${image})`);

    const startedAt = clock.now();
    const updated = await o.ecs.send(new UpdateServiceCommand({ cluster: o.cluster, service: o.service, taskDefinition }));
    const deploymentId = updated.service?.deployments?.find((d) => d.taskDefinition === taskDefinition)?.id;
    say(`updated service ${o.service}${deploymentId ? `: deployment ${deploymentId}` : ""}`);
    const base = { previousTaskDefinition: td.taskDefinitionArn!, taskDefinition, previousImage, image, deploymentId };
    if (o.wait === false) return { outcome: "started", ...base };

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
            return { outcome: rolledBack ? "rolledBack" : "failed", reason: ours.rolloutStateReason, ...base };
        }
        // Our deployment is gone and another task definition is primary: the circuit breaker
        // rolled back (or someone deployed over us); either way ours is not what runs.
        if (!ours && primary && primary.taskDefinition !== taskDefinition) {
            return { outcome: "rolledBack", reason: `the service runs ${primary.taskDefinition} again${primary.rolloutStateReason ? `: ${primary.rolloutStateReason}` : ""}`, ...base };
        }
        if (!ours && primary?.taskDefinition === taskDefinition && primary.rolloutState === "COMPLETED") return { outcome: "completed", ...base };
        if (clock.now() - startedAt >= timeoutMs) return { outcome: "timedOut", reason: `no steady state after ${o.timeoutSeconds ?? 1200} s; the rollout continues in ECS`, ...base };
    }
}
