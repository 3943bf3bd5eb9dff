import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { wholeNumber } from "../../args";
import { resourceNames } from "../../resource-names";
import { PolicyStatement, queueConsumerStatements } from "../policies";
import { backlogMetricQueries, backlogSteps } from "../queue-scaling";
import type { JobTrigger } from "./context";

/** The env var queue workers find their queue URL in. */
export const QUEUE_URL_ENV = "PAVED_QUEUE_URL";

/**
 * Run workers that drain an SQS queue (with a dead-letter queue), scaled with its backlog, down
 * to zero. Workers find the queue's URL in `PAVED_QUEUE_URL`.
 *
 * @example
 * ```ts
 * queue: { maxWorkers: 20, messagesPerWorker: 50, visibilityTimeoutSeconds: 600 }
 * ```
 */
export const queueTriggerArgs = z.strictObject({
    /**
     * Most workers the backlog scales to.
     * @default 10
     */
    maxWorkers: wholeNumber(1, 1000).default(10),
    /**
     * Backlog (visible plus in-flight messages) each worker is expected to handle.
     * @default 100
     */
    messagesPerWorker: wholeNumber(1, 100000).default(100),
    /**
     * How long a received message stays hidden from other workers; longer than one message takes
     * (SQS allows at most 43200 s, 12 h).
     * @default 300
     */
    visibilityTimeoutSeconds: wholeNumber(0, 43200, "seconds").default(300),
    /**
     * Receives before a message moves to the dead-letter queue.
     * @default 5
     */
    maxReceiveCount: wholeNumber(1, 1000).default(5),
    /**
     * Minutes the backlog must stay empty before the workers scale to zero.
     * @default 15
     */
    scaleInAfterMinutes: wholeNumber(1, 1440, "minutes").default(15),
});
export type BatchJobQueueArgs = z.input<typeof queueTriggerArgs>;
export type QueueTrigger = z.output<typeof queueTriggerArgs>;

/** The queue and its dead-letter queue, then the workers service and its backlog scaling. */
export function queueTrigger(q: QueueTrigger): JobTrigger {
    let queue: aws.sqs.Queue | undefined;
    let dlq: aws.sqs.Queue | undefined;
    return {
        prepare(ctx, task) {
            const { parent, name, job, namePrefix, tags } = ctx;
            dlq = new aws.sqs.Queue(
                `${name}-dlq`,
                { name: resourceNames.jobDeadLetterQueue(namePrefix, job), sqsManagedSseEnabled: true, messageRetentionSeconds: 1209600, tags },
                // Prod keeps its queues (and the messages in them) through a `pulumi destroy`.
                { parent, protect: ctx.protect },
            );
            queue = new aws.sqs.Queue(
                `${name}-queue`,
                {
                    name: resourceNames.jobQueue(namePrefix, job),
                    sqsManagedSseEnabled: true,
                    visibilityTimeoutSeconds: q.visibilityTimeoutSeconds,
                    // Long polling: fewer empty receives while workers wait.
                    receiveWaitTimeSeconds: 20,
                    redrivePolicy: dlq.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: q.maxReceiveCount })),
                    tags,
                },
                { parent, protect: ctx.protect },
            );
            const taskStatements: pulumi.Output<PolicyStatement[]> = pulumi
                .all([queue.arn, ctx.location, ctx.cluster.clusterName])
                .apply(([arn, l, c]) => [...queueConsumerStatements(arn, l, c, ctx.family), ...task.taskStatements]);
            return { environment: queue.url.apply((url): Record<string, string> => ({ ...task.environment, [QUEUE_URL_ENV]: url })), taskStatements };
        },
        attach(ctx, { definition: taskDef }) {
            const { parent, name, job, tags, cluster } = ctx;
            const service = new aws.ecs.Service(
                `${name}-workers`,
                {
                    name: resourceNames.jobWorkerService(ctx.namePrefix, job),
                    cluster: cluster.clusterArn,
                    taskDefinition: taskDef.arn,
                    // Scaling owns the count: zero until there is a backlog.
                    desiredCount: 0,
                    capacityProviderStrategies: ctx.strategy,
                    networkConfiguration: { subnets: ctx.subnets, securityGroups: ctx.securityGroups, assignPublicIp: false },
                    deploymentCircuitBreaker: { enable: true, rollback: true },
                    propagateTags: "TASK_DEFINITION",
                    enableExecuteCommand: false,
                    enableEcsManagedTags: true,
                    tags,
                },
                { parent, ignoreChanges: ["desiredCount"] },
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
                { parent },
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
                    { parent },
                );
            const scaleOut = stepPolicy("scale-out", backlogSteps(q.maxWorkers, q.messagesPerWorker), 60);
            const scaleIn = stepPolicy("scale-in", [{ metricIntervalUpperBound: "0", scalingAdjustment: 0 }], 300);
            const queries = queue!.name.apply((n) => backlogMetricQueries(n));
            new aws.cloudwatch.MetricAlarm(
                `${name}-backlog`,
                {
                    alarmDescription: `Job ${job}: messages waiting; sets workers to ceil(backlog / ${q.messagesPerWorker})`,
                    comparisonOperator: "GreaterThanThreshold",
                    threshold: 0,
                    evaluationPeriods: 1,
                    datapointsToAlarm: 1,
                    metricQueries: queries,
                    treatMissingData: "notBreaching",
                    alarmActions: [scaleOut.arn],
                    tags,
                },
                { parent },
            );
            new aws.cloudwatch.MetricAlarm(
                `${name}-empty`,
                {
                    alarmDescription: `Job ${job}: queue empty for ${q.scaleInAfterMinutes} minutes; scales workers to zero`,
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
                { parent },
            );
            return { queueUrl: queue!.url, queueArn: queue!.arn, deadLetterQueueUrl: dlq!.url, workerServiceName: service.name };
        },
    };
}
