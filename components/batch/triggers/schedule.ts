import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { scheduleExpression, timeZone, wholeNumber } from "../../args";
import { physicalName } from "../../naming";
import { resourceNames } from "../../resource-names";
import { assumeRolePolicy, schedulerRolePolicy, stateMachineRolePolicy } from "../policies";
import { jobStateMachineDefinition } from "../state-machine";
import type { JobTrigger } from "./context";

/**
 * Run a job on a schedule: EventBridge Scheduler starts a Step Functions state machine that runs
 * the task (`ecs:runTask.sync`) with a timeout and retries and notifies its topic of failures.
 *
 * @example
 * ```ts
 * schedule: { expression: "cron(0 3 * * ? *)", timezone: "Europe/Berlin", retries: 1 }
 * ```
 */
export const scheduleTriggerArgs = z.strictObject({
    /** `cron(min hour day-of-month month day-of-week year)` or `rate(<n> <unit>)`, as EventBridge Scheduler takes them. */
    expression: scheduleExpression,
    /**
     * IANA time zone the cron expression is read in.
     * @default "UTC"
     */
    timezone: timeZone.default("UTC"),
    /**
     * Attempts after the first failure, with exponential backoff (60 s, then doubling).
     * @default 2
     */
    retries: wholeNumber(0, 10).default(2),
});
export type BatchJobScheduleArgs = z.input<typeof scheduleTriggerArgs>;
export type ScheduleTrigger = z.output<typeof scheduleTriggerArgs>;

/** The schedule, its state machine, their roles, the machine's logs and the failures topic. */
export const scheduleTrigger = (s: ScheduleTrigger): JobTrigger => ({
    prepare: () => ({}),
    attach(ctx, { definition: taskDef, identity }) {
        const { parent, name, job, namePrefix, tags, location: loc, cluster } = ctx;
        const { executionRole, taskRole } = identity;
        // AWS-managed key: its key policy lets account principals publish through SNS, so the
        // state machine role needs no KMS permission.
        const topic = new aws.sns.Topic(`${name}-failures`, { kmsMasterKeyId: "alias/aws/sns", displayName: `Paved job ${job} failures`, tags }, { parent });
        const machineName = resourceNames.jobStateMachine(namePrefix, job);
        const machineLogs = new aws.cloudwatch.LogGroup(
            `${name}-sfn-logs`,
            // The /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy from growing per state machine.
            { name: physicalName("logGroup", `/aws/vendedlogs/states/${machineName}`), retentionInDays: ctx.logRetentionDays, tags },
            { parent, protect: ctx.protect },
        );
        const machineRole = new aws.iam.Role(
            `${name}-sfn`,
            {
                // Step Functions assumes it for this state machine only.
                assumeRolePolicy: loc.apply((l) => JSON.stringify(assumeRolePolicy("states.amazonaws.com", l.accountId, `arn:${l.partition}:states:${l.region}:${l.accountId}:stateMachine:${machineName}`))),
                description: `State machine of job ${job}`,
                tags,
            },
            { parent },
        );
        const machinePolicy = new aws.iam.RolePolicy(
            `${name}-sfn`,
            {
                role: machineRole.id,
                policy: pulumi
                    .all([loc, cluster.clusterName, executionRole.arn, taskRole.arn, topic.arn])
                    .apply(([l, c, exec, task, t]) => JSON.stringify(stateMachineRolePolicy({ loc: l, clusterName: c, taskDefinitionFamily: ctx.family, passRoleArns: [exec, task], topicArn: t }))),
            },
            { parent },
        );
        const machine = new aws.sfn.StateMachine(
            `${name}-sfn`,
            {
                name: machineName,
                type: "STANDARD",
                roleArn: machineRole.arn,
                definition: pulumi
                    .all([cluster.clusterArn, taskDef.arn, ctx.strategy, ctx.subnets, ctx.securityGroups, topic.arn])
                    .apply(([clusterArn, taskDefinitionArn, st, sn, sg, topicArn]) =>
                        JSON.stringify(
                            jobStateMachineDefinition({
                                job,
                                clusterArn,
                                taskDefinitionArn,
                                capacityProviderStrategy: st,
                                subnets: sn,
                                securityGroups: sg,
                                timeoutSeconds: ctx.timeoutMinutes * 60,
                                retries: s.retries,
                                topicArn,
                            }),
                        ),
                    ),
                loggingConfiguration: { level: "ALL", includeExecutionData: false, logDestination: pulumi.interpolate`${machineLogs.arn}:*` },
                tags,
            },
            // Step Functions checks the role's log delivery permissions when the machine is created.
            { parent, dependsOn: [machinePolicy] },
        );
        const schedulerRole = new aws.iam.Role(
            `${name}-scheduler`,
            {
                // Scheduler sets aws:SourceArn to the schedule group (the job's schedule is in the default group).
                assumeRolePolicy: loc.apply((l) => JSON.stringify(assumeRolePolicy("scheduler.amazonaws.com", l.accountId, `arn:${l.partition}:scheduler:${l.region}:${l.accountId}:schedule-group/default`))),
                description: `Schedule of job ${job}`,
                tags,
            },
            { parent },
        );
        const schedulerPolicy = new aws.iam.RolePolicy(`${name}-scheduler`, { role: schedulerRole.id, policy: machine.arn.apply((arn) => JSON.stringify(schedulerRolePolicy(arn))) }, { parent });
        const schedule = new aws.scheduler.Schedule(
            `${name}-schedule`,
            {
                description: `Paved job ${job}`,
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
            { parent, dependsOn: [schedulerPolicy] },
        );
        return { stateMachineArn: machine.arn, scheduleName: schedule.name, topicArn: topic.arn };
    },
});
