import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Capacity } from "../config/schema";
import type { RunTaskOutputs } from "../environment/outputs";
import { defaultNamePrefix, physicalName } from "../naming";
import { resourceNames } from "../resource-names";
import { scheduleExpressionViolation, timeZoneViolation } from "../validation";
import { taskDefinition, taskIdentity } from "./task-identity";
import { TaskArgs, awsLocation, capacityProviderStrategy, logRetentionViolation, normalizeTaskBasics, stripUndefined } from "./common";
import {
    PolicyStatement,
    assumeRolePolicy,
    policy,
    queueConsumerStatements,
    schedulerRolePolicy,
    secretArnViolation,
    stateMachineRolePolicy,
} from "./policies";
import { backlogMetricQueries, backlogSteps } from "./queue-scaling";
import { jobStateMachineDefinition } from "./state-machine";

export type { PolicyStatement } from "./policies";
export type { TaskArgs } from "./common";
export { TMP_VOLUME, containerDefinition } from "./task-identity";
export type { ContainerDefinitionInputs } from "./task-identity";

export interface BatchJobScheduleArgs {
    /** `cron(min hour day-of-month month day-of-week year)` or `rate(<n> <unit>)`, as EventBridge Scheduler takes them. */
    expression: string;
    /**
     * IANA time zone the cron expression is read in.
     * @default "UTC"
     */
    timezone?: string;
    /**
     * Attempts after the first failure, with exponential backoff (60 s, then doubling).
     * @default 2
     */
    retries?: number;
}

export interface BatchJobQueueArgs {
    /** @default 10 */
    maxWorkers?: number;
    /**
     * Backlog (visible plus in-flight messages) each worker is expected to handle.
     * @default 100
     */
    messagesPerWorker?: number;
    /**
     * How long a received message stays hidden from other workers; longer than one message takes.
     * @default 300
     */
    visibilityTimeoutSeconds?: number;
    /**
     * Receives before a message moves to the dead-letter queue.
     * @default 5
     */
    maxReceiveCount?: number;
    /**
     * Minutes the backlog must stay empty before the workers scale to zero.
     * @default 15
     */
    scaleInAfterMinutes?: number;
}

export interface BatchJobArgs extends TaskArgs {
    /**
     * CPU units (1024 = 1 vCPU), a hard limit.
     * @default 512
     */
    cpu?: number;
    /**
     * Memory in MiB, a hard limit: the container is killed past it.
     * @default 1024
     */
    memory?: number;
    /**
     * Where the task runs: the cluster's EC2 capacity provider, Fargate, or Fargate Spot.
     * @default "ec2"
     */
    capacity?: Capacity;
    /**
     * Longest a scheduled run may take before it is stopped.
     * @default 60
     */
    timeoutMinutes?: number;
    /** Run on a schedule. Without `schedule` or `queue` the job runs on demand (`paved job run`). */
    schedule?: BatchJobScheduleArgs;
    /** Run workers that drain an SQS queue, scaled with its backlog, down to zero. */
    queue?: BatchJobQueueArgs;
}

export interface NormalizedBatchJob {
    job: string;
    namePrefix: string;
    command?: string[];
    environment: Record<string, string>;
    secrets: Record<string, string>;
    secretKmsKeyArns: string[];
    cpu: number;
    memory: number;
    capacity: Capacity;
    timeoutMinutes: number;
    trigger: "schedule" | "queue" | "onDemand";
    schedule?: Required<BatchJobScheduleArgs>;
    queue?: Required<BatchJobQueueArgs>;
    logRetentionDays: number;
    readonlyRootFilesystem: boolean;
    taskPolicyStatements: PolicyStatement[];
    tags: Record<string, string>;
}

/** The env var queue workers find their queue URL in. */
export const QUEUE_URL_ENV = "PAVED_QUEUE_URL";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Applies defaults and validates a job's args; every error is a `PavedError` naming the job, the
 * field and the value. `instanceTypes` (the cluster's, when known) bounds EC2 hard limits.
 */
export function normalizeBatchJobArgs(componentName: string, args: Omit<BatchJobArgs, "cluster" | "image">, instanceTypes?: string[]): NormalizedBatchJob {
    const { name: job, capacity, cpu, memory, fail, whole } = normalizeTaskBasics("BatchJob", componentName, args, { capacity: "ec2", cpu: 512, memory: 1024 }, instanceTypes);

    const timeoutMinutes = args.timeoutMinutes ?? 60;
    whole("timeoutMinutes", timeoutMinutes, 1, 10080);
    const logRetentionDays = args.logRetentionDays ?? 30;
    const retentionProblem = logRetentionViolation(logRetentionDays);
    if (retentionProblem) fail("logRetentionDays", logRetentionDays, retentionProblem);

    const environment = { ...(args.environment ?? {}) };
    const secrets = { ...(args.secrets ?? {}) };
    for (const key of Object.keys(environment)) if (!ENV_NAME.test(key)) fail(`environment.${key}`, key, "must be an environment variable name: letters, digits and _, not starting with a digit");
    for (const [key, arn] of Object.entries(secrets)) {
        if (!ENV_NAME.test(key)) fail(`secrets.${key}`, key, "must be an environment variable name: letters, digits and _, not starting with a digit");
        const arnProblem = secretArnViolation(arn);
        if (arnProblem) fail(`secrets.${key}`, arn, arnProblem);
        if (key in environment) fail(`secrets.${key}`, key, "is also set in args.environment; set it in one place");
    }

    if (args.schedule && args.queue) fail("schedule", args.schedule.expression, "and args.queue exclude each other: a job has one trigger");
    let schedule: Required<BatchJobScheduleArgs> | undefined;
    if (args.schedule) {
        schedule = { timezone: "UTC", retries: 2, ...stripUndefined(args.schedule) } as Required<BatchJobScheduleArgs>;
        const exprProblem = scheduleExpressionViolation(schedule.expression);
        if (exprProblem) fail("schedule.expression", schedule.expression, exprProblem);
        const tzProblem = timeZoneViolation(schedule.timezone);
        if (tzProblem) fail("schedule.timezone", schedule.timezone, tzProblem);
        whole("schedule.retries", schedule.retries, 0, 10);
    }
    let queue: Required<BatchJobQueueArgs> | undefined;
    if (args.queue) {
        queue = { maxWorkers: 10, messagesPerWorker: 100, visibilityTimeoutSeconds: 300, maxReceiveCount: 5, scaleInAfterMinutes: 15, ...stripUndefined(args.queue) };
        whole("queue.maxWorkers", queue.maxWorkers, 1, 1000);
        whole("queue.messagesPerWorker", queue.messagesPerWorker, 1, 100000);
        whole("queue.visibilityTimeoutSeconds", queue.visibilityTimeoutSeconds, 0, 43200);
        whole("queue.maxReceiveCount", queue.maxReceiveCount, 1, 1000);
        whole("queue.scaleInAfterMinutes", queue.scaleInAfterMinutes, 1, 1440);
        if (QUEUE_URL_ENV in environment) fail(`environment.${QUEUE_URL_ENV}`, QUEUE_URL_ENV, "is set by Paved for queue jobs; use another name");
    }

    return {
        job,
        namePrefix: args.namePrefix ?? defaultNamePrefix(),
        command: args.command ? [...args.command] : undefined,
        environment,
        secrets,
        secretKmsKeyArns: [...(args.secretKmsKeyArns ?? [])],
        cpu,
        memory,
        capacity,
        timeoutMinutes,
        trigger: schedule ? "schedule" : queue ? "queue" : "onDemand",
        schedule,
        queue,
        logRetentionDays,
        readonlyRootFilesystem: args.readonlyRootFilesystem ?? true,
        taskPolicyStatements: [...(args.taskPolicyStatements ?? [])],
        tags: { ...(args.tags ?? {}) },
    };
}

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
    public readonly trigger: "schedule" | "queue" | "onDemand";
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
        const j = normalizeBatchJobArgs(name, args, args.cluster.instanceTypes);
        const tags = { ...j.tags, "paved:job": j.job };
        const loc = awsLocation(this);
        const family = resourceNames.jobTaskFamily(j.namePrefix, j.job);
        const cluster = args.cluster;
        const strategy = pulumi.output(cluster.ec2CapacityProviderName).apply((p) => capacityProviderStrategy(j.capacity, p));

        const identity = taskIdentity(this, name, {
            what: `job ${j.job}`,
            logGroupName: resourceNames.jobLogGroup(j.namePrefix, j.job),
            logRetentionDays: j.logRetentionDays,
            image: args.image,
            secretArns: Object.values(j.secrets),
            secretKmsKeyArns: j.secretKmsKeyArns,
            location: loc,
            protect: args.protect ?? false,
            tags,
        });
        const { logGroup, executionRole, taskRole } = identity;

        let queue: aws.sqs.Queue | undefined;
        let dlq: aws.sqs.Queue | undefined;
        if (j.queue) {
            dlq = new aws.sqs.Queue(
                `${name}-dlq`,
                { name: resourceNames.jobDeadLetterQueue(j.namePrefix, j.job), sqsManagedSseEnabled: true, messageRetentionSeconds: 1209600, tags },
                // Prod keeps its queues (and the messages in them) through a `pulumi destroy`.
                { parent: this, protect: args.protect ?? false },
            );
            queue = new aws.sqs.Queue(
                `${name}-queue`,
                {
                    name: resourceNames.jobQueue(j.namePrefix, j.job),
                    sqsManagedSseEnabled: true,
                    visibilityTimeoutSeconds: j.queue.visibilityTimeoutSeconds,
                    // Long polling: fewer empty receives while workers wait.
                    receiveWaitTimeSeconds: 20,
                    redrivePolicy: dlq.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: j.queue!.maxReceiveCount })),
                    tags,
                },
                { parent: this, protect: args.protect ?? false },
            );
        }

        const taskStatements: pulumi.Output<PolicyStatement[]> = queue
            ? pulumi.all([queue.arn, loc, cluster.clusterName]).apply(([arn, l, c]) => [...queueConsumerStatements(arn, l, c, family), ...j.taskPolicyStatements])
            : pulumi.output(j.taskPolicyStatements);
        if (queue || j.taskPolicyStatements.length > 0) {
            new aws.iam.RolePolicy(`${name}-task`, { role: taskRole.id, policy: taskStatements.apply((s) => JSON.stringify(policy(s))) }, { parent: this });
        }

        const environment: pulumi.Output<Record<string, string>> = queue
            ? queue.url.apply((url): Record<string, string> => ({ ...j.environment, [QUEUE_URL_ENV]: url }))
            : pulumi.output(j.environment as Record<string, string>);
        const taskDef = taskDefinition(this, name, {
            family,
            capacity: j.capacity,
            cpu: j.cpu,
            memory: j.memory,
            identity,
            location: loc,
            image: args.image,
            environment,
            container: { name: j.job, command: j.command, secrets: j.secrets, streamPrefix: "job", readonlyRootFilesystem: j.readonlyRootFilesystem },
            tags,
        });

        const subnets = pulumi.output(cluster.privateSubnetIds);
        const securityGroups = pulumi.output(cluster.taskSecurityGroupId).apply((sg) => [sg]);

        if (j.schedule) {
            const s = j.schedule;
            // AWS-managed key: its key policy lets account principals publish through SNS, so the
            // state machine role needs no KMS permission.
            const topic = new aws.sns.Topic(`${name}-failures`, { kmsMasterKeyId: "alias/aws/sns", displayName: `Paved job ${j.job} failures`, tags }, { parent: this });
            const machineName = resourceNames.jobStateMachine(j.namePrefix, j.job);
            const machineLogs = new aws.cloudwatch.LogGroup(
                `${name}-sfn-logs`,
                // The /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy from growing per state machine.
                { name: physicalName("logGroup", `/aws/vendedlogs/states/${machineName}`), retentionInDays: j.logRetentionDays, tags },
                { parent: this, protect: args.protect ?? false },
            );
            const machineRole = new aws.iam.Role(
                `${name}-sfn`,
                {
                    // Step Functions assumes it for this state machine only.
                    assumeRolePolicy: loc.apply((l) => JSON.stringify(assumeRolePolicy("states.amazonaws.com", l.accountId, `arn:${l.partition}:states:${l.region}:${l.accountId}:stateMachine:${machineName}`))),
                    description: `State machine of job ${j.job}`,
                    tags,
                },
                { parent: this },
            );
            const machinePolicy = new aws.iam.RolePolicy(
                `${name}-sfn`,
                {
                    role: machineRole.id,
                    policy: pulumi
                        .all([loc, cluster.clusterName, executionRole.arn, taskRole.arn, topic.arn])
                        .apply(([l, c, exec, task, t]) =>
                            JSON.stringify(stateMachineRolePolicy({ loc: l, clusterName: c, taskDefinitionFamily: family, passRoleArns: [exec, task], topicArn: t })),
                        ),
                },
                { parent: this },
            );
            const machine = new aws.sfn.StateMachine(
                `${name}-sfn`,
                {
                    name: machineName,
                    type: "STANDARD",
                    roleArn: machineRole.arn,
                    definition: pulumi
                        .all([cluster.clusterArn, taskDef.arn, strategy, subnets, securityGroups, topic.arn])
                        .apply(([clusterArn, taskDefinitionArn, st, sn, sg, topicArn]) =>
                            JSON.stringify(
                                jobStateMachineDefinition({
                                    job: j.job,
                                    clusterArn,
                                    taskDefinitionArn,
                                    capacityProviderStrategy: st,
                                    subnets: sn,
                                    securityGroups: sg,
                                    timeoutSeconds: j.timeoutMinutes * 60,
                                    retries: s.retries,
                                    topicArn,
                                }),
                            ),
                        ),
                    loggingConfiguration: { level: "ALL", includeExecutionData: false, logDestination: pulumi.interpolate`${machineLogs.arn}:*` },
                    tags,
                },
                // Step Functions checks the role's log delivery permissions when the machine is created.
                { parent: this, dependsOn: [machinePolicy] },
            );
            const schedulerRole = new aws.iam.Role(
                `${name}-scheduler`,
                {
                    // Scheduler sets aws:SourceArn to the schedule group (the job's schedule is in the default group).
                    assumeRolePolicy: loc.apply((l) => JSON.stringify(assumeRolePolicy("scheduler.amazonaws.com", l.accountId, `arn:${l.partition}:scheduler:${l.region}:${l.accountId}:schedule-group/default`))),
                    description: `Schedule of job ${j.job}`,
                    tags,
                },
                { parent: this },
            );
            const schedulerPolicy = new aws.iam.RolePolicy(
                `${name}-scheduler`,
                { role: schedulerRole.id, policy: machine.arn.apply((arn) => JSON.stringify(schedulerRolePolicy(arn))) },
                { parent: this },
            );
            const schedule = new aws.scheduler.Schedule(
                `${name}-schedule`,
                {
                    description: `Paved job ${j.job}`,
                    scheduleExpression: s.expression,
                    scheduleExpressionTimezone: s.timezone,
                    flexibleTimeWindow: { mode: "OFF" },
                    state: "ENABLED",
                    target: {
                        arn: machine.arn,
                        roleArn: schedulerRole.arn,
                        input: "{}",
                        // Retries of StartExecution itself (throttling); the job's retries are in the state machine.
                        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
                    },
                },
                { parent: this, dependsOn: [schedulerPolicy] },
            );
            this.stateMachineArn = machine.arn;
            this.scheduleName = schedule.name;
            this.topicArn = topic.arn;
        }

        if (j.queue && queue && dlq) {
            const q = j.queue;
            const serviceName = resourceNames.jobWorkerService(j.namePrefix, j.job);
            const service = new aws.ecs.Service(
                `${name}-workers`,
                {
                    name: serviceName,
                    cluster: cluster.clusterArn,
                    taskDefinition: taskDef.arn,
                    // Scaling owns the count: zero until there is a backlog.
                    desiredCount: 0,
                    capacityProviderStrategies: strategy,
                    networkConfiguration: { subnets, securityGroups, assignPublicIp: false },
                    deploymentCircuitBreaker: { enable: true, rollback: true },
                    propagateTags: "TASK_DEFINITION",
                    enableExecuteCommand: false,
                    enableEcsManagedTags: true,
                    tags,
                },
                { parent: this, ignoreChanges: ["desiredCount"] },
            );
            const target = new aws.appautoscaling.Target(
                `${name}-workers`,
                {
                    serviceNamespace: "ecs",
                    scalableDimension: "ecs:service:DesiredCount",
                    resourceId: pulumi.interpolate`service/${cluster.clusterName}/${service.name}`,
                    minCapacity: 0,
                    maxCapacity: q.maxWorkers,
                    tags,
                },
                { parent: this },
            );
            const stepPolicy = (role: string, steps: ReturnType<typeof backlogSteps>, cooldown: number) =>
                new aws.appautoscaling.Policy(
                    `${name}-${role}`,
                    {
                        policyType: "StepScaling",
                        serviceNamespace: target.serviceNamespace,
                        scalableDimension: target.scalableDimension,
                        resourceId: target.resourceId,
                        stepScalingPolicyConfiguration: { adjustmentType: "ExactCapacity", cooldown, metricAggregationType: "Maximum", stepAdjustments: steps },
                    },
                    { parent: this },
                );
            const scaleOut = stepPolicy("scale-out", backlogSteps(q.maxWorkers, q.messagesPerWorker), 60);
            const scaleIn = stepPolicy("scale-in", [{ metricIntervalUpperBound: "0", scalingAdjustment: 0 }], 300);
            const queries = queue.name.apply((n) => backlogMetricQueries(n));
            new aws.cloudwatch.MetricAlarm(
                `${name}-backlog`,
                {
                    alarmDescription: `Job ${j.job}: messages waiting; sets workers to ceil(backlog / ${q.messagesPerWorker})`,
                    comparisonOperator: "GreaterThanThreshold",
                    threshold: 0,
                    evaluationPeriods: 1,
                    datapointsToAlarm: 1,
                    metricQueries: queries,
                    treatMissingData: "notBreaching",
                    alarmActions: [scaleOut.arn],
                    tags,
                },
                { parent: this },
            );
            new aws.cloudwatch.MetricAlarm(
                `${name}-empty`,
                {
                    alarmDescription: `Job ${j.job}: queue empty for ${q.scaleInAfterMinutes} minutes; scales workers to zero`,
                    comparisonOperator: "LessThanOrEqualToThreshold",
                    threshold: 0,
                    evaluationPeriods: q.scaleInAfterMinutes,
                    datapointsToAlarm: q.scaleInAfterMinutes,
                    metricQueries: queries,
                    // SQS stops publishing metrics for idle queues: no data means empty.
                    treatMissingData: "breaching",
                    alarmActions: [scaleIn.arn],
                    tags,
                },
                { parent: this },
            );
            this.queueUrl = queue.url;
            this.queueArn = queue.arn;
            this.deadLetterQueueUrl = dlq.url;
            this.workerServiceName = service.name;
        }

        this.jobName = j.job;
        this.trigger = j.trigger;
        this.taskDefinitionArn = taskDef.arn;
        this.taskDefinitionFamily = taskDef.family;
        this.containerName = pulumi.output(j.job);
        this.logGroupName = logGroup.name;
        this.executionRoleArn = executionRole.arn;
        this.taskRoleArn = taskRole.arn;
        this.runTask = pulumi.all([cluster.clusterName, taskDef.family, subnets, securityGroups, strategy]).apply(([c, f, sn, sg, st]) => ({
            cluster: c,
            taskDefinitionFamily: f,
            containerName: j.job,
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

