import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Transforms, parseArgs, wholeNumber } from "../args";
import type { RunTaskOutputs } from "../environment/outputs";
import { defaultNamePrefix } from "../naming";
import { resourceNames } from "../resource-names";
import { taskDefinition, taskIdentity } from "./task-identity";
import { CAPACITIES, Capacity, awsLocation, capacityProviderStrategy, checkTaskSize, taskFields, workloadName } from "./common";
import { PolicyStatement, policy } from "./policies";
import { JobTriggerKind, QUEUE_URL_ENV, TriggerOutputs, createTrigger, jobTriggerOf, queueTriggerArgs, scheduleTriggerArgs } from "./triggers";

export type { PolicyStatement } from "./policies";
export type { TaskArgs } from "./common";
export { QUEUE_URL_ENV } from "./triggers";
export type { BatchJobQueueArgs, BatchJobScheduleArgs } from "./triggers";
export { TMP_VOLUME, containerDefinition } from "./task-identity";
export type { ContainerDefinitionInputs } from "./task-identity";

/** Children of a job a team may tweak through `transform`. */
export interface BatchJobChildren {
    taskDefinition: aws.ecs.TaskDefinitionArgs;
}

/**
 * A batch job's args: its container, hard limits, where it runs and what starts it.
 *
 * @example
 * ```ts
 * new BatchJob("nightly-report", {
 *     cluster,
 *     image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/reports:1.4.2",
 *     command: ["node", "report.js"],
 *     secrets: { DATABASE_URL: "/prod/reports/database-url" },
 *     cpu: 1024,
 *     memory: 2048,
 *     schedule: { expression: "cron(0 3 * * ? *)", timezone: "Europe/Berlin" },
 * });
 * ```
 */
export const batchJobFields = taskFields.extend({
    /**
     * CPU units (1024 = 1 vCPU), a hard limit.
     * @default 512
     */
    cpu: z.number().default(512),
    /**
     * Memory in MiB, a hard limit: the container is killed past it.
     * @default 1024
     */
    memory: z.number().default(1024),
    /**
     * Where the task runs: the cluster's EC2 capacity provider, Fargate, or Fargate Spot.
     * @default "ec2"
     */
    capacity: z.enum(CAPACITIES).default("ec2"),
    /**
     * Longest a run may take before it is stopped (at most a week).
     * @default 60
     */
    timeoutMinutes: wholeNumber(1, 10080, "minutes").default(60),
    /** Run on a schedule. Without `schedule` or `queue` the job runs on demand (`paved job run`). */
    schedule: scheduleTriggerArgs.optional(),
    /** Run workers that drain an SQS queue, scaled with its backlog, down to zero. */
    queue: queueTriggerArgs.optional(),
    /**
     * Tweak the job's children (see `Transform`): `taskDefinition` (e.g. `runtimePlatform` for
     * Graviton, `ephemeralStorage`). Its family, roles, networking, container and tags stay Paved's.
     */
    transform: z.custom<Transforms<BatchJobChildren>>((v) => v !== null && typeof v === "object", { message: "must map child names to a partial args object or a function" }).optional(),
});

/**
 * The rules between a job's fields: one trigger, a secret and a variable never share a name,
 * `PAVED_QUEUE_URL` is Paved's for queue jobs, and the size fits the capacity (and, on EC2, the
 * cluster's largest instance when `instanceTypes` is known).
 */
export function checkBatchJob(j: { cpu: number; memory: number; capacity: Capacity; environment: Record<string, string>; secrets: Record<string, string>; schedule?: unknown; queue?: unknown }, ctx: z.RefinementCtx, instanceTypes?: string[]): void {
    if (j.schedule && j.queue) ctx.addIssue({ code: "custom", path: ["queue"], message: "a job has one trigger: keep schedule or queue, not both (neither means on demand)" });
    for (const key of Object.keys(j.secrets)) {
        if (key in j.environment) ctx.addIssue({ code: "custom", path: ["secrets", key], message: "is also set in environment; set it in one place" });
    }
    if (j.queue && QUEUE_URL_ENV in j.environment) ctx.addIssue({ code: "custom", path: ["environment", QUEUE_URL_ENV], message: "is set by Paved for queue jobs; use another name" });
    checkTaskSize(ctx, j.capacity, j.cpu, j.memory, instanceTypes);
}

export const batchJobArgs = batchJobFields.superRefine((j, ctx) => checkBatchJob(j, ctx, j.cluster?.instanceTypes));
export type BatchJobArgs = z.input<typeof batchJobArgs>;
type ParsedBatchJob = z.output<typeof batchJobArgs>;

/**
 * One batch job: its own task definition with hard CPU and memory limits, its own execution and
 * task roles and log group, and its trigger: a schedule (EventBridge Scheduler → Step Functions
 * `ecs:runTask.sync` with timeout, retries and a failure notification), a queue (SQS with a
 * dead-letter queue, and workers scaled with the backlog down to zero), or none (on demand).
 */
export class BatchJob extends pulumi.ComponentResource {
    /** The job's name (`paved job run <env> <name>`). */
    public readonly jobName: string;
    /** How the job starts: on its schedule, from its queue, or only on demand. */
    public readonly trigger: JobTriggerKind;
    /** The ARN of the job's task definition (latest revision). */
    public readonly taskDefinitionArn: pulumi.Output<string>;
    /** The family of the job's task definition. */
    public readonly taskDefinitionFamily: pulumi.Output<string>;
    /** The name of the job's container in the task definition. */
    public readonly containerName: pulumi.Output<string>;
    /** The log group of the job's container. */
    public readonly logGroupName: pulumi.Output<string>;
    /** The task execution role's ARN (pulls the image, reads the job's secrets, writes logs). */
    public readonly executionRoleArn: pulumi.Output<string>;
    /** The task role's ARN: what the job's code may call. */
    public readonly taskRoleArn: pulumi.Output<string>;
    /** How to run the task now (the CLI's `RunTask` parameters). */
    public readonly runTask: pulumi.Output<RunTaskOutputs>;
    /** Scheduled jobs: the Step Functions state machine that runs each scheduled execution. */
    public readonly stateMachineArn?: pulumi.Output<string>;
    /** Scheduled jobs: the EventBridge Scheduler schedule (in the default group). */
    public readonly scheduleName?: pulumi.Output<string>;
    /** Scheduled jobs: the SNS topic the state machine notifies when a run fails. */
    public readonly topicArn?: pulumi.Output<string>;
    /** Queue jobs: the URL of the job's SQS queue. */
    public readonly queueUrl?: pulumi.Output<string>;
    /** Queue jobs: the ARN of the job's SQS queue. */
    public readonly queueArn?: pulumi.Output<string>;
    /** Queue jobs: the URL of the dead-letter queue that receives messages that failed every attempt. */
    public readonly deadLetterQueueUrl?: pulumi.Output<string>;
    /** Queue jobs: the ECS service of the workers, scaled with the backlog down to zero. */
    public readonly workerServiceName?: pulumi.Output<string>;

    constructor(name: string, args: BatchJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("paved:batch:BatchJob", name, {}, opts);
        const j: ParsedBatchJob = parseArgs(batchJobArgs, args, "args", `BatchJob "${name}"`);
        const job = workloadName("BatchJob", name, j.name);
        const namePrefix = j.namePrefix ?? defaultNamePrefix();
        const tags = { ...j.tags, "paved:job": job };
        const loc = awsLocation(this);
        const family = resourceNames.jobTaskFamily(namePrefix, job);
        const cluster = j.cluster;
        const strategy = pulumi.output(cluster.ec2CapacityProviderName).apply((p) => capacityProviderStrategy(j.capacity, p));
        const triggerConfig = jobTriggerOf(j);

        const identity = taskIdentity(this, name, {
            what: `job ${job}`,
            logGroupName: resourceNames.jobLogGroup(namePrefix, job),
            logRetentionDays: j.logRetentionDays,
            image: j.image,
            secretArns: Object.values(j.secrets),
            secretKmsKeyArns: j.secretKmsKeyArns,
            location: loc,
            protect: j.protect,
            tags,
        });
        const { logGroup, executionRole, taskRole } = identity;
        const subnets = pulumi.output(cluster.privateSubnetIds);
        const securityGroups = pulumi.output(cluster.taskSecurityGroupId).apply((sg) => [sg]);
        const ctx = {
            parent: this,
            name,
            job,
            namePrefix,
            protect: j.protect,
            tags,
            location: loc,
            cluster,
            family,
            timeoutMinutes: j.timeoutMinutes,
            logRetentionDays: j.logRetentionDays,
            strategy,
            subnets,
            securityGroups,
        };
        const trigger = createTrigger(triggerConfig);
        // Before the task definition: what the trigger adds to the task (a queue job's queue URL and rights).
        const own = j.taskPolicyStatements as PolicyStatement[];
        const additions = trigger.prepare(ctx, { environment: j.environment, taskStatements: own });

        if (additions.taskStatements || own.length > 0) {
            const statements = additions.taskStatements ?? pulumi.output(own);
            new aws.iam.RolePolicy(`${name}-task`, { role: taskRole.id, policy: statements.apply((s) => JSON.stringify(policy(s))) }, { parent: this });
        }

        const environment: pulumi.Output<Record<string, string>> = additions.environment ?? pulumi.output(j.environment as Record<string, string>);
        const taskDef = taskDefinition(this, name, {
            family,
            capacity: j.capacity,
            cpu: j.cpu,
            memory: j.memory,
            identity,
            location: loc,
            image: j.image,
            environment,
            container: { name: job, command: j.command, secrets: j.secrets, streamPrefix: "job", readonlyRootFilesystem: j.readonlyRootFilesystem },
            tags,
            transform: { transform: j.transform?.taskDefinition, where: `BatchJob "${name}": args.transform.taskDefinition` },
        });

        const t: TriggerOutputs = trigger.attach(ctx, { definition: taskDef, identity });
        this.stateMachineArn = t.stateMachineArn;
        this.scheduleName = t.scheduleName;
        this.topicArn = t.topicArn;
        this.queueUrl = t.queueUrl;
        this.queueArn = t.queueArn;
        this.deadLetterQueueUrl = t.deadLetterQueueUrl;
        this.workerServiceName = t.workerServiceName;

        this.jobName = job;
        this.trigger = triggerConfig.kind;
        this.taskDefinitionArn = taskDef.arn;
        this.taskDefinitionFamily = taskDef.family;
        this.containerName = pulumi.output(job);
        this.logGroupName = logGroup.name;
        this.executionRoleArn = executionRole.arn;
        this.taskRoleArn = taskRole.arn;
        this.runTask = pulumi.all([cluster.clusterName, taskDef.family, subnets, securityGroups, strategy]).apply(([c, f, sn, sg, st]) => ({
            cluster: c,
            taskDefinitionFamily: f,
            containerName: job,
            subnets: sn,
            securityGroups: sg,
            capacityProviderStrategy: st,
        }));
        this.registerOutputs({
            taskDefinitionArn: this.taskDefinitionArn,
            taskDefinitionFamily: this.taskDefinitionFamily,
            containerName: this.containerName,
            logGroupName: this.logGroupName,
            executionRoleArn: this.executionRoleArn,
            taskRoleArn: this.taskRoleArn,
            runTask: this.runTask,
            stateMachineArn: this.stateMachineArn,
            scheduleName: this.scheduleName,
            topicArn: this.topicArn,
            queueUrl: this.queueUrl,
            queueArn: this.queueArn,
            deadLetterQueueUrl: this.deadLetterQueueUrl,
            workerServiceName: this.workerServiceName,
        });
    }
}

