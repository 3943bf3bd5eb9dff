import * as pulumi from "@pulumi/pulumi";
import { CAPACITIES, Capacity } from "../config/schema";
import { largestTaskLimits } from "../config/instance-types";
import { PavedError, show } from "../errors";
import { ec2SizeViolation, fargateSizeViolation, resourceNameViolation } from "../validation";
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

/**
 * What every ECS workload of Paved's takes: a job's or a service's container, its limits, its
 * own roles and logs. `BatchJobArgs` and `ContainerServiceArgs` extend it with their own defaults.
 */
export interface TaskArgs {
    /**
     * The workload's name: lowercase letters, digits and hyphens. Part of its physical names.
     * @default the component's name
     */
    name?: string;
    /** The cluster to run on: a `BatchCluster`, or the same fields from another stack. */
    cluster: ClusterRef;
    /** Container image; an image in ECR gets pull rights on exactly its repository. */
    image: pulumi.Input<string>;
    /** Command (overrides the image's CMD). */
    command?: string[];
    /** Plain environment variables. */
    environment?: Record<string, string>;
    /**
     * Environment variables read from SSM Parameter Store (a parameter name such as "/prod/db/url",
     * or its ARN) or Secrets Manager (a secret's ARN). Exactly one each: wildcards are refused.
     */
    secrets?: Record<string, string>;
    /** Customer-managed KMS keys the secrets are encrypted with. AWS-managed keys need nothing. */
    secretKmsKeyArns?: string[];
    /** CPU units (1024 = 1 vCPU), a hard limit. */
    cpu?: number;
    /** Memory in MiB, a hard limit: the container is killed past it. */
    memory?: number;
    /** Where the tasks run: the cluster's EC2 capacity provider, Fargate, or Fargate Spot. */
    capacity?: Capacity;
    /**
     * Days to keep the logs.
     * @default 30
     */
    logRetentionDays?: number;
    /**
     * Mount the root filesystem read-only (a writable /tmp is always mounted). Opt out for images that write elsewhere.
     * @default true
     */
    readonlyRootFilesystem?: boolean;
    /** Extra permissions for the workload's own task role (its code's AWS access). */
    taskPolicyStatements?: PolicyStatement[];
    /**
     * Prefix of the physical names.
     * @default `<project>-<stack>`
     */
    namePrefix?: string;
    /**
     * Protect stateful children from deletion: log groups, and a queue job's queue and dead-letter
     * queue (prod keeps its logs and messages through a `pulumi destroy`).
     * @default false
     */
    protect?: boolean;
    /** Tags of every resource created (merged over the provider's default tags). */
    tags?: Record<string, string>;
}

/** The ECS names of the Fargate capacity providers. */
export const FARGATE_PROVIDERS: Record<Exclude<Capacity, "ec2">, string> = { fargate: "FARGATE", fargateSpot: "FARGATE_SPOT" };

/** Why `capacity` is not a known capacity, or undefined. */
export function capacityViolation(capacity: unknown): string | undefined {
    return typeof capacity === "string" && (CAPACITIES as readonly string[]).includes(capacity)
        ? undefined
        : `must be one of ${CAPACITIES.map((c) => `"${c}"`).join(", ")} (got ${show(capacity)})`;
}

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

export { logRetentionViolation } from "../validation";

/**
 * The throwers of a component's normalize step: `fail` names the component, the field, the value
 * and the rule; `whole` checks a whole number in a range.
 */
export function argChecks(component: string, name: string) {
    const fail = (field: string, value: unknown, rule: string): never => {
        throw new PavedError(`${component} "${name}": args.${field} ${show(value)} ${rule}`);
    };
    const whole = (field: string, value: number, min: number, max: number): void => {
        if (!Number.isInteger(value) || value < min || value > max) fail(field, value, `must be a whole number from ${min} to ${max}`);
    };
    return { fail, whole };
}

export { stripUndefined } from "../args";

/**
 * The checks every task workload starts with, in order: its name, its capacity, and whether its
 * hard limits fit that capacity. Returns the defaulted values and the component's error helpers.
 */
export function normalizeTaskBasics(
    component: string,
    componentName: string,
    args: Pick<TaskArgs, "name" | "capacity" | "cpu" | "memory">,
    defaults: { capacity: Capacity; cpu: number; memory: number },
    instanceTypes?: string[],
) {
    const name = args.name ?? componentName;
    const checks = argChecks(component, name);
    const nameProblem = resourceNameViolation(name);
    if (nameProblem) checks.fail("name", name, nameProblem);
    const capacity = args.capacity ?? defaults.capacity;
    const capacityProblem = capacityViolation(capacity);
    if (capacityProblem) checks.fail("capacity", capacity, capacityProblem);
    const cpu = args.cpu ?? defaults.cpu;
    const memory = args.memory ?? defaults.memory;
    const size = taskSizeViolation(capacity, cpu, memory, instanceTypes);
    if (size) checks.fail(size.field, size.value, size.message);
    return { name, capacity, cpu, memory, ...checks };
}

const FARGATE_CPUS = [256, 512, 1024, 2048, 4096, 8192, 16384];

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
    const field = FARGATE_CPUS.includes(cpu) ? "memory" : "cpu";
    return { field, value: field === "memory" ? memory : cpu, message: `invalid on ${capacity}: ${problem}` };
}
