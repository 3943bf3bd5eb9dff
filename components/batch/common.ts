import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { input, logRetentionDays, namePrefixArg, plainEnvironment, resourceName, secretsMap, tags } from "../args";
import { largestTaskLimits } from "../config/instance-types";
import { ConfigError } from "../errors";
import { FARGATE_SIZES, ec2SizeViolation, fargateSizeViolation, resourceNameViolation } from "../validation";
import type { PolicyStatement } from "./policies";
import type { CapacityProviderStrategyItem } from "./state-machine";

/**
 * What a job or service needs from a cluster. A `BatchCluster` is one; a team whose cluster lives
 * in another stack passes the same fields from a `StackReference`.
 */
export interface ClusterRef {
    clusterName: pulumi.Input<string>;
    clusterArn: pulumi.Input<string>;
    /** The EC2 capacity provider tasks on `capacity: "ec2"` run on. */
    ec2CapacityProviderName: pulumi.Input<string>;
    /** Egress-only security group for tasks. */
    taskSecurityGroupId: pulumi.Input<string>;
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** EC2 instance types of the cluster, when known: a task's hard limits must fit one of them. */
    instanceTypes?: string[];
}

/** Where ECS tasks run: the cluster's EC2 capacity provider, Fargate, or Fargate Spot. */
export const CAPACITIES = ["ec2", "fargate", "fargateSpot"] as const;
export type Capacity = (typeof CAPACITIES)[number];

/** A cluster reference: a `BatchCluster`, or the same fields from another stack. */
export const clusterRef = z.custom<ClusterRef>((v) => v !== null && typeof v === "object", { message: "is required: a BatchCluster, or its fields from another stack" });

/**
 * What every ECS workload of Paved's takes: a job's or a service's container, its limits, its
 * own roles and logs. `batchJobArgs` and `containerServiceArgs` extend it with their own sizes
 * and defaults.
 */
export const taskFields = z.strictObject({
    /**
     * The workload's name: lowercase letters, digits and hyphens. Part of its physical names.
     * Defaults to the component's name.
     */
    name: resourceName.optional(),
    /** The cluster to run on: a `BatchCluster`, or the same fields from another stack. */
    cluster: clusterRef,
    /** Container image; an image in ECR gets pull rights on exactly its repository. */
    image: input<string>(),
    /** Command (overrides the image's CMD). */
    command: z.array(z.string()).optional(),
    /**
     * Plain environment variables; names that look like secrets are refused (use `secrets`).
     * @default {}
     */
    environment: plainEnvironment("job").default({}),
    /**
     * Environment variables read from SSM Parameter Store (a parameter name such as "/prod/db/url",
     * or its ARN) or Secrets Manager (a secret's ARN). Exactly one each: wildcards are refused.
     * @default {}
     */
    secrets: secretsMap.default({}),
    /**
     * Customer-managed KMS keys the secrets are encrypted with. AWS-managed keys need nothing.
     * @default []
     */
    secretKmsKeyArns: z.array(z.string()).default([]),
    /**
     * Days to keep the logs.
     * @default 30
     */
    logRetentionDays: logRetentionDays.default(30),
    /**
     * Mount the root filesystem read-only (a writable /tmp is always mounted). Opt out for images that write elsewhere.
     * @default true
     */
    readonlyRootFilesystem: z.boolean().default(true),
    /**
     * Extra permissions for the workload's own task role (its code's AWS access).
     * @default []
     */
    taskPolicyStatements: z.array(z.custom<PolicyStatement>((v) => v !== null && typeof v === "object", { message: "must be an IAM policy statement" })).default([]),
    /** Prefix of the physical names. Defaults to `<project>-<stack>`. */
    namePrefix: namePrefixArg.optional(),
    /**
     * Protect stateful children from deletion: log groups, and a queue job's queue and dead-letter
     * queue (prod keeps its logs and messages through a `pulumi destroy`).
     * @default false
     */
    protect: z.boolean().default(false),
    /**
     * Tags of every taggable child.
     * @default {}
     */
    tags: tags.default({}),
});

/** What every ECS workload takes (see `taskFields`). */
export type TaskArgs = z.input<typeof taskFields>;

/** The ECS names of the Fargate capacity providers. */
export const FARGATE_PROVIDERS: Record<Exclude<Capacity, "ec2">, string> = { fargate: "FARGATE", fargateSpot: "FARGATE_SPOT" };

/** The capacity provider strategy of a task on `capacity`. */
export function capacityProviderStrategy(capacity: Capacity, ec2ProviderName: string): CapacityProviderStrategyItem[] {
    return [{ capacityProvider: capacity === "ec2" ? ec2ProviderName : FARGATE_PROVIDERS[capacity], weight: 1 }];
}

export { awsLocation } from "../aws-location";

export const ECS_TASKS_SERVICE = "ecs-tasks.amazonaws.com";

/**
 * Tag every Paved task definition carries with its own family, and every task inherits from it
 * (tags propagate from the task definition): IAM conditions on it let a role act on one
 * workload's tasks only, even on a cluster shared by several environments.
 */
export const TASK_FAMILY_TAG = "paved:task-family";


/**
 * Adds an issue at `cpu` or `memory` when they do not fit `capacity` (Fargate's combinations, or
 * EC2's ranges and the largest of `instanceTypes`).
 */
export function checkTaskSize(ctx: z.RefinementCtx, capacity: Capacity, cpu: number, memory: number, instanceTypes?: string[]): void {
    const problem = taskSizeViolation(capacity, cpu, memory, instanceTypes);
    if (problem) ctx.addIssue({ code: "custom", path: [problem.field], message: problem.message });
}

/** The workload's name: `args.name`, else the component's own name, which must then be a valid name. */
export function workloadName(component: string, componentName: string, name: string | undefined): string {
    if (name !== undefined) return name;
    const problem = resourceNameViolation(componentName);
    if (problem) throw new ConfigError([{ path: "args.name", value: componentName, message: `(the component's name, as args.name is not set) ${problem}` }], `${component} "${componentName}"`);
    return componentName;
}

/**
 * Why `cpu`/`memory` do not fit `capacity` (Fargate's combinations, or EC2's ranges and the
 * largest of `instanceTypes`), naming the field at fault; undefined when they fit.
 */
export function taskSizeViolation(
    capacity: Capacity,
    cpu: number,
    memory: number,
    instanceTypes?: string[],
): { field: "cpu" | "memory"; value: number; message: string } | undefined {
    if (capacity === "ec2") {
        const largest = largestTaskLimits(instanceTypes ?? []);
        const problem = ec2SizeViolation(cpu, memory, largest?.memoryMiB, largest?.cpu);
        if (!problem) return undefined;
        const field = problem.startsWith("memory") ? "memory" : "cpu";
        return { field, value: field === "memory" ? memory : cpu, message: `invalid on EC2: ${problem}` };
    }
    const problem = fargateSizeViolation(cpu, memory);
    if (!problem) return undefined;
    const field = FARGATE_SIZES.some((r) => r.cpu === cpu) ? "memory" : "cpu";
    return { field, value: field === "memory" ? memory : cpu, message: `invalid on ${capacity}: ${problem}` };
}
