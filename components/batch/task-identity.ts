import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Transform, applyTransform } from "../args";
import type { AwsLocation } from "../aws-location";
import type { Capacity } from "./common";
import { secretReferenceArn } from "../validation";
import { ECS_TASKS_SERVICE, TASK_FAMILY_TAG } from "./common";
import { assumeRolePolicy, ecsSourceArn, executionRolePolicy } from "./policies";

export interface TaskIdentityArgs {
    /** What the roles serve, for their descriptions: `job nightly` or `service catalog`. */
    what: string;
    logGroupName: string;
    logRetentionDays: number;
    image: pulumi.Input<string>;
    secretArns: string[];
    secretKmsKeyArns?: string[];
    location: pulumi.Output<AwsLocation>;
    protect: boolean;
    tags: Record<string, string>;
}

export interface TaskIdentity {
    logGroup: aws.cloudwatch.LogGroup;
    executionRole: aws.iam.Role;
    taskRole: aws.iam.Role;
}

/**
 * What every ECS task of Paved's gets for itself, as children of `parent`: a log group with
 * retention, an execution role that pulls its image, writes that log group and reads exactly its
 * own secrets, and an empty task role for the component to grant to. Both roles trust ECS for this
 * account only; the task role (which ECS documents `aws:SourceArn` for) only for ECS resources of
 * this account and region.
 */
export function taskIdentity(parent: pulumi.Resource, name: string, args: TaskIdentityArgs): TaskIdentity {
    const tags = args.tags;
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: args.logGroupName, retentionInDays: args.logRetentionDays, tags }, { parent, protect: args.protect });
    const executionRole = new aws.iam.Role(
        `${name}-execution`,
        { assumeRolePolicy: args.location.apply((l) => JSON.stringify(assumeRolePolicy(ECS_TASKS_SERVICE, l.accountId))), description: `ECS execution role of ${args.what}`, tags },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-execution`,
        {
            role: executionRole.id,
            policy: pulumi.all([args.location, logGroup.name, args.image]).apply(([loc, group, image]) =>
                JSON.stringify(executionRolePolicy({ loc, logGroupName: group, image, secretArns: args.secretArns, secretKmsKeyArns: args.secretKmsKeyArns })),
            ),
        },
        { parent },
    );
    const taskRole = new aws.iam.Role(
        `${name}-task`,
        { assumeRolePolicy: args.location.apply((l) => JSON.stringify(assumeRolePolicy(ECS_TASKS_SERVICE, l.accountId, ecsSourceArn(l)))), description: `Task role of ${args.what}`, tags },
        { parent },
    );
    return { logGroup, executionRole, taskRole };
}

export interface ContainerDefinitionInputs {
    name: string;
    image: string;
    command?: string[];
    environment: Record<string, string>;
    /** By name: an SSM parameter ARN or name, or a Secrets Manager ARN (names become ARNs with `location`). */
    secrets: Record<string, string>;
    /** Partition and account that parameter names are resolved in (the task's region is `region`). */
    location?: { partition: string; accountId: string };
    logGroupName: string;
    region: string;
    streamPrefix: string;
    readonlyRootFilesystem: boolean;
    /** EC2 tasks: container-level hard limits. Fargate tasks set them on the task. */
    hardLimits?: { cpu: number; memory: number };
    portMappings?: { containerPort: number; protocol: "tcp" }[];
}

/** The volume every Paved container gets at /tmp, so a read-only root filesystem stays practical. */
export const TMP_VOLUME = "tmp";

/** One container definition of a Paved task (a job's or a service's). */
export function containerDefinition(c: ContainerDefinitionInputs): Record<string, unknown> {
    const sorted = (o: Record<string, string>) => Object.keys(o).sort();
    return {
        name: c.name,
        image: c.image,
        essential: true,
        ...(c.command ? { command: c.command } : {}),
        ...(c.hardLimits ? { cpu: c.hardLimits.cpu, memory: c.hardLimits.memory } : {}),
        ...(c.portMappings ? { portMappings: c.portMappings } : {}),
        environment: sorted(c.environment).map((name) => ({ name, value: c.environment[name] })),
        secrets: sorted(c.secrets).map((name) => ({
            name,
            valueFrom: c.location ? secretReferenceArn(c.secrets[name], { ...c.location, region: c.region }) : c.secrets[name],
        })),
        readonlyRootFilesystem: c.readonlyRootFilesystem,
        privileged: false,
        mountPoints: [{ sourceVolume: TMP_VOLUME, containerPath: "/tmp", readOnly: false }],
        // An init process forwards SIGTERM and reaps zombies, so stops are clean.
        linuxParameters: { initProcessEnabled: true },
        stopTimeout: 120,
        logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": c.logGroupName, "awslogs-region": c.region, "awslogs-stream-prefix": c.streamPrefix },
        },
    };
}

export interface TaskDefinitionInputs {
    family: string;
    capacity: Capacity;
    /** Hard limits: on the task on Fargate, on the container on EC2. */
    cpu: number;
    memory: number;
    identity: TaskIdentity;
    location: pulumi.Output<AwsLocation>;
    image: pulumi.Input<string>;
    environment: pulumi.Input<Record<string, string>>;
    container: Omit<ContainerDefinitionInputs, "image" | "environment" | "logGroupName" | "region" | "hardLimits" | "location">;
    tags: Record<string, string>;
    /** The component's `transform.taskDefinition`, and where it was given (for errors). */
    transform?: { transform?: Transform<aws.ecs.TaskDefinitionArgs>; where: string };
}

/**
 * What a transform may not change on a task definition: its family (IAM conditions and the
 * family tag name it), its roles (least privilege), awsvpc networking (the task's own security
 * group), its container (set through the component's args: image, command, environment, secrets,
 * read-only root filesystem) and its tags.
 */
export const TASK_DEFINITION_GUARDRAILS = ["family", "executionRoleArn", "taskRoleArn", "networkMode", "containerDefinitions", "tags"] as const;

/**
 * The one-container awsvpc task definition of a job or service, as `${name}-task` under `parent`,
 * tagged with its family (`TASK_FAMILY_TAG`), which its tasks inherit.
 */
export function taskDefinition(parent: pulumi.Resource, name: string, t: TaskDefinitionInputs): aws.ecs.TaskDefinition {
    const fargate = t.capacity !== "ec2";
    const args: aws.ecs.TaskDefinitionArgs = {
        family: t.family,
        networkMode: "awsvpc",
        requiresCompatibilities: [fargate ? "FARGATE" : "EC2"],
        ...(fargate ? { cpu: String(t.cpu), memory: String(t.memory) } : {}),
        executionRoleArn: t.identity.executionRole.arn,
        taskRoleArn: t.identity.taskRole.arn,
        volumes: [{ name: TMP_VOLUME }],
        containerDefinitions: pulumi.all([t.image, t.identity.logGroup.name, t.location, t.environment]).apply(([image, group, loc, environment]) =>
            JSON.stringify([
                containerDefinition({
                    ...t.container,
                    image,
                    environment,
                    logGroupName: group,
                    region: loc.region,
                    location: loc,
                    hardLimits: fargate ? undefined : { cpu: t.cpu, memory: t.memory },
                }),
            ]),
        ),
        tags: { ...t.tags, [TASK_FAMILY_TAG]: t.family },
    };
    return new aws.ecs.TaskDefinition(...applyTransform(t.transform?.transform, `${name}-task`, args, { parent }, TASK_DEFINITION_GUARDRAILS, t.transform?.where ?? name));
}
