import * as assert from "assert";
import { BatchJob, QUEUE_URL_ENV, batchJobArgs } from "../../components/batch/batch-job";
import { jobTriggerOf } from "../../components/batch/triggers";
import { assertRefused, isConfigError, problemsOf } from "../support/args";
import { backlogSteps } from "../../components/batch/queue-scaling";
import { jobStateMachineDefinition } from "../../components/batch/state-machine";
import { ProgramResult, RecordedResource, runProgram, taggableTypes } from "../../components/testing";
import { ACCOUNT, ECR_IMAGE, REGION, SUBNETS, byType, one, runJobs } from "./fixtures";
// asl-validator ships CommonJS with `module.exports = validator`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: (definition: unknown) => { isValid: boolean; errorsText: (sep?: string) => string } = require("asl-validator");

const J = "urn:pulumi:test::paved::paved:batch:BatchJob";
const DB_SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:nightly/db-AbCdEf`;
const API_PARAM = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/nightly/api-key`;

function children(resources: RecordedResource[], job: string): string[] {
    return resources.filter((r) => r.parent === `${J}::${job}`).map((r) => r.urn).sort();
}

function assertValidAsl(definition: unknown) {
    const { isValid, errorsText } = aslValidator(definition);
    assert.ok(isValid, errorsText("\n"));
}

describe("BatchJob", () => {
    let result: ProgramResult;
    before(async () => {
        result = await runJobs({
            nightly: {
                image: ECR_IMAGE,
                command: ["node", "report.js"],
                environment: { MODE: "full" },
                secrets: { DB_PASSWORD: DB_SECRET, API_KEY: API_PARAM },
                cpu: 1024,
                memory: 3000,
                timeoutMinutes: 90,
                schedule: { expression: "cron(0 3 * * ? *)", timezone: "Europe/Berlin", retries: 3 },
                tags: { team: "data" },
            },
            thumbnails: { image: "public.ecr.aws/acme/thumbs:2", capacity: "fargateSpot", cpu: 512, memory: 2048, queue: { maxWorkers: 8, messagesPerWorker: 50, visibilityTimeoutSeconds: 600, maxReceiveCount: 3 } },
            reindex: { image: "busybox:1.36", capacity: "fargate", cpu: 256, memory: 512 },
        });
    });

    describe("every trigger", () => {
        it("gets its own task definition with hard limits on EC2 and a family from resourceNames", () => {
            const td = one(result.resources, "aws:ecs/taskDefinition:TaskDefinition", "nightly-task");
            assert.strictEqual(td.inputs.family, "paved-test-job-nightly");
            assert.strictEqual(td.inputs.networkMode, "awsvpc");
            assert.deepStrictEqual(td.inputs.requiresCompatibilities, ["EC2"]);
            assert.strictEqual(td.inputs.cpu, undefined);
            const [c] = JSON.parse(td.inputs.containerDefinitions);
            assert.strictEqual(c.name, "nightly");
            assert.strictEqual(c.image, ECR_IMAGE);
            assert.strictEqual(c.cpu, 1024);
            assert.strictEqual(c.memory, 3000, "container memory is the hard limit");
            assert.strictEqual(c.memoryReservation, undefined);
            assert.deepStrictEqual(c.command, ["node", "report.js"]);
            assert.deepStrictEqual(c.environment, [{ name: "MODE", value: "full" }]);
            assert.deepStrictEqual(c.secrets, [
                { name: "API_KEY", valueFrom: API_PARAM },
                { name: "DB_PASSWORD", valueFrom: DB_SECRET },
            ]);
            assert.strictEqual(c.readonlyRootFilesystem, true);
            assert.strictEqual(c.privileged, false);
            assert.deepStrictEqual(c.mountPoints, [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
            assert.deepStrictEqual(td.inputs.volumes, [{ name: "tmp" }]);
            assert.deepStrictEqual(c.logConfiguration, {
                logDriver: "awslogs",
                options: { "awslogs-group": "/paved/paved-test/jobs/nightly", "awslogs-region": REGION, "awslogs-stream-prefix": "job" },
            });
            assert.strictEqual(td.inputs.executionRoleArn, one(result.resources, "aws:iam/role:Role", "nightly-execution").outputs.arn);
            assert.strictEqual(td.inputs.taskRoleArn, one(result.resources, "aws:iam/role:Role", "nightly-task").outputs.arn);
        });

        it("sets task-level sizes on Fargate", () => {
            const td = one(result.resources, "aws:ecs/taskDefinition:TaskDefinition", "reindex-task");
            assert.deepStrictEqual(td.inputs.requiresCompatibilities, ["FARGATE"]);
            assert.strictEqual(td.inputs.cpu, "256");
            assert.strictEqual(td.inputs.memory, "512");
            const [c] = JSON.parse(td.inputs.containerDefinitions);
            assert.strictEqual(c.cpu, undefined);
        });

        it("keeps logs with a retention in the job's own log group", () => {
            const lg = one(result.resources, "aws:cloudwatch/logGroup:LogGroup", "nightly-logs");
            assert.strictEqual(lg.inputs.name, "/paved/paved-test/jobs/nightly");
            assert.strictEqual(lg.inputs.retentionInDays, 30);
        });

        it("gives each job distinct roles", () => {
            const roles = byType(result.resources, "aws:iam/role:Role").filter((r) => /-(execution|task)$/.test(r.name)).map((r) => r.outputs.arn);
            assert.strictEqual(roles.length, 6);
            assert.strictEqual(new Set(roles).size, 6);
        });

        it("exposes RunTask parameters for the CLI", () => {
            const sg = one(result.resources, "aws:ec2/securityGroup:SecurityGroup", "batch-tasks").id;
            const out = result.outputs as any;
            assert.deepStrictEqual(out.nightly.runTask, {
                cluster: "paved-test",
                taskDefinitionFamily: "paved-test-job-nightly",
                containerName: "nightly",
                subnets: SUBNETS,
                securityGroups: [sg],
                capacityProviderStrategy: [{ capacityProvider: "paved-test-ec2", weight: 1 }],
            });
            assert.deepStrictEqual(out.thumbnails.runTask.capacityProviderStrategy, [{ capacityProvider: "FARGATE_SPOT", weight: 1 }]);
            assert.deepStrictEqual(out.reindex.runTask.capacityProviderStrategy, [{ capacityProvider: "FARGATE", weight: 1 }]);
        });

        it("tags every taggable child", () => {
            const taggable = taggableTypes();
            const tagged = result.resources.filter((r) => r.parent === `${J}::nightly` && taggable.has(r.type));
            assert.ok(tagged.length >= 8);
            for (const r of tagged) {
                assert.strictEqual(r.inputs.tags?.team, "data", `${r.urn} lacks tags`);
                assert.strictEqual(r.inputs.tags?.["paved:job"], "nightly", `${r.urn} lacks the job tag`);
            }
        });
    });

    describe("onDemand", () => {
        it("creates only the task and what it needs", () => {
            assert.deepStrictEqual(children(result.resources, "reindex"), [
                `${J}$aws:cloudwatch/logGroup:LogGroup::reindex-logs`,
                `${J}$aws:ecs/taskDefinition:TaskDefinition::reindex-task`,
                `${J}$aws:iam/role:Role::reindex-execution`,
                `${J}$aws:iam/role:Role::reindex-task`,
                `${J}$aws:iam/rolePolicy:RolePolicy::reindex-execution`,
            ]);
        });
    });

    describe("schedule", () => {
        it("pins its children", () => {
            assert.deepStrictEqual(children(result.resources, "nightly"), [
                `${J}$aws:cloudwatch/logGroup:LogGroup::nightly-logs`,
                `${J}$aws:cloudwatch/logGroup:LogGroup::nightly-sfn-logs`,
                `${J}$aws:ecs/taskDefinition:TaskDefinition::nightly-task`,
                `${J}$aws:iam/role:Role::nightly-execution`,
                `${J}$aws:iam/role:Role::nightly-scheduler`,
                `${J}$aws:iam/role:Role::nightly-sfn`,
                `${J}$aws:iam/role:Role::nightly-task`,
                `${J}$aws:iam/rolePolicy:RolePolicy::nightly-execution`,
                `${J}$aws:iam/rolePolicy:RolePolicy::nightly-scheduler`,
                `${J}$aws:iam/rolePolicy:RolePolicy::nightly-sfn`,
                `${J}$aws:scheduler/schedule:Schedule::nightly-schedule`,
                `${J}$aws:sfn/stateMachine:StateMachine::nightly-sfn`,
                `${J}$aws:sns/topic:Topic::nightly-failures`,
            ]);
        });

        it("runs the task synchronously from a state machine with timeout, retries with backoff and a failure notification", () => {
            const sm = one(result.resources, "aws:sfn/stateMachine:StateMachine", "nightly-sfn");
            assert.strictEqual(sm.inputs.name, "paved-test-job-nightly");
            assert.strictEqual(sm.inputs.type, "STANDARD");
            const def = JSON.parse(sm.inputs.definition);
            assertValidAsl(def);
            const run = def.States[def.StartAt];
            assert.strictEqual(run.Resource, "arn:aws:states:::ecs:runTask.sync");
            assert.strictEqual(run.TimeoutSeconds, 90 * 60);
            assert.strictEqual(run.Parameters.Cluster, `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/paved-test`);
            assert.strictEqual(run.Parameters.TaskDefinition, one(result.resources, "aws:ecs/taskDefinition:TaskDefinition", "nightly-task").outputs.arn);
            assert.deepStrictEqual(run.Parameters.CapacityProviderStrategy, [{ CapacityProvider: "paved-test-ec2", Weight: 1 }]);
            assert.strictEqual(run.Parameters.LaunchType, undefined, "a strategy and a launch type exclude each other");
            assert.deepStrictEqual(run.Parameters.NetworkConfiguration.AwsvpcConfiguration.Subnets, SUBNETS);
            assert.strictEqual(run.Parameters.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp, "DISABLED");
            assert.deepStrictEqual(run.Retry, [{ ErrorEquals: ["States.TaskFailed", "ECS.AmazonECSException"], IntervalSeconds: 60, BackoffRate: 2, MaxAttempts: 3 }]);
            assert.strictEqual(run.Catch[0].Next, "NotifyFailure");
            const topic = one(result.resources, "aws:sns/topic:Topic", "nightly-failures");
            assert.strictEqual(def.States.NotifyFailure.Resource, "arn:aws:states:::sns:publish");
            assert.strictEqual(def.States.NotifyFailure.Parameters.TopicArn, topic.outputs.arn);
            assert.strictEqual(def.States[def.States.NotifyFailure.Next].Type, "Fail");
            assert.strictEqual(topic.inputs.kmsMasterKeyId, "alias/aws/sns");
        });

        it("logs executions to its own vended-logs group without execution data", () => {
            const sm = one(result.resources, "aws:sfn/stateMachine:StateMachine", "nightly-sfn");
            const lg = one(result.resources, "aws:cloudwatch/logGroup:LogGroup", "nightly-sfn-logs");
            assert.strictEqual(lg.inputs.name, "/aws/vendedlogs/states/paved-test-job-nightly");
            assert.strictEqual(lg.inputs.retentionInDays, 30);
            assert.deepStrictEqual(sm.inputs.loggingConfiguration, { level: "ALL", includeExecutionData: false, logDestination: `${lg.outputs.arn}:*` });
        });

        it("is started by EventBridge Scheduler in the job's time zone, with no flexible window", () => {
            const s = one(result.resources, "aws:scheduler/schedule:Schedule", "nightly-schedule");
            const sm = one(result.resources, "aws:sfn/stateMachine:StateMachine", "nightly-sfn");
            assert.strictEqual(s.inputs.scheduleExpression, "cron(0 3 * * ? *)");
            assert.strictEqual(s.inputs.scheduleExpressionTimezone, "Europe/Berlin");
            assert.deepStrictEqual(s.inputs.flexibleTimeWindow, { mode: "OFF" });
            assert.strictEqual(s.inputs.target.arn, sm.outputs.arn);
            assert.strictEqual(s.inputs.target.roleArn, one(result.resources, "aws:iam/role:Role", "nightly-scheduler").outputs.arn);
            assert.deepStrictEqual(s.inputs.target.retryPolicy, { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 });
        });

        it("state machine definitions are valid ASL for every capacity and retry count", () => {
            for (const capacity of ["paved-test-ec2", "FARGATE", "FARGATE_SPOT"]) {
                for (const retries of [0, 1, 10]) {
                    const def = jobStateMachineDefinition({
                        job: "nightly",
                        clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/c`,
                        taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/f:3`,
                        capacityProviderStrategy: [{ capacityProvider: capacity, weight: 1 }],
                        subnets: SUBNETS,
                        securityGroups: ["sg-0123456789abcdef0"],
                        timeoutSeconds: 60,
                        retries,
                        topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:t`,
                    });
                    assertValidAsl(def);
                    assert.strictEqual((def.States as any).RunTask.Retry?.[0].MaxAttempts, retries === 0 ? undefined : retries);
                }
            }
        });

        it("the validator does catch a broken definition", () => {
            const def = jobStateMachineDefinition({ job: "x", clusterArn: "c", taskDefinitionArn: "t", capacityProviderStrategy: [], subnets: [], securityGroups: [], timeoutSeconds: 1, retries: 1, topicArn: "t" }) as any;
            def.States.NotifyFailure.Next = "Nowhere";
            assert.strictEqual(aslValidator(def).isValid, false);
        });
    });

    describe("queue", () => {
        it("pins its children", () => {
            assert.deepStrictEqual(children(result.resources, "thumbnails"), [
                `${J}$aws:appautoscaling/policy:Policy::thumbnails-scale-in`,
                `${J}$aws:appautoscaling/policy:Policy::thumbnails-scale-out`,
                `${J}$aws:appautoscaling/target:Target::thumbnails-workers`,
                `${J}$aws:cloudwatch/logGroup:LogGroup::thumbnails-logs`,
                `${J}$aws:cloudwatch/metricAlarm:MetricAlarm::thumbnails-backlog`,
                `${J}$aws:cloudwatch/metricAlarm:MetricAlarm::thumbnails-empty`,
                `${J}$aws:ecs/service:Service::thumbnails-workers`,
                `${J}$aws:ecs/taskDefinition:TaskDefinition::thumbnails-task`,
                `${J}$aws:iam/role:Role::thumbnails-execution`,
                `${J}$aws:iam/role:Role::thumbnails-task`,
                `${J}$aws:iam/rolePolicy:RolePolicy::thumbnails-execution`,
                `${J}$aws:iam/rolePolicy:RolePolicy::thumbnails-task`,
                `${J}$aws:sqs/queue:Queue::thumbnails-dlq`,
                `${J}$aws:sqs/queue:Queue::thumbnails-queue`,
            ]);
        });

        it("has an encrypted queue with a dead-letter queue and the visibility timeout asked for", () => {
            const q = one(result.resources, "aws:sqs/queue:Queue", "thumbnails-queue");
            const dlq = one(result.resources, "aws:sqs/queue:Queue", "thumbnails-dlq");
            assert.strictEqual(q.inputs.name, "paved-test-thumbnails");
            assert.strictEqual(dlq.inputs.name, "paved-test-thumbnails-dlq");
            assert.strictEqual(q.inputs.sqsManagedSseEnabled, true);
            assert.strictEqual(dlq.inputs.sqsManagedSseEnabled, true);
            assert.strictEqual(q.inputs.visibilityTimeoutSeconds, 600);
            assert.deepStrictEqual(JSON.parse(q.inputs.redrivePolicy), { deadLetterTargetArn: dlq.outputs.arn, maxReceiveCount: 3 });
            const [c] = JSON.parse(one(result.resources, "aws:ecs/taskDefinition:TaskDefinition", "thumbnails-task").inputs.containerDefinitions);
            assert.deepStrictEqual(c.environment, [{ name: QUEUE_URL_ENV, value: q.outputs.url }]);
        });

        it("lets workers consume their queue and protect their own task from scale-in while busy", () => {
            const q = one(result.resources, "aws:sqs/queue:Queue", "thumbnails-queue");
            const statements = JSON.parse(one(result.resources, "aws:iam/rolePolicy:RolePolicy", "thumbnails-task").inputs.policy).Statement;
            assert.deepStrictEqual(statements.map((st: { Resource: string }) => st.Resource), [
                q.outputs.arn,
                "arn:aws:ecs:eu-west-1:123456789012:task/paved-test/*",
            ]);
            assert.deepStrictEqual(statements[1].Action, ["ecs:GetTaskProtection", "ecs:UpdateTaskProtection"]);
            assert.deepStrictEqual(statements[1].Condition, { StringEquals: { "aws:ResourceTag/paved:task-family": "paved-test-job-thumbnails" } }, "only its own tasks");
            assert.strictEqual(one(result.resources, "aws:ecs/taskDefinition:TaskDefinition", "thumbnails-task").inputs.tags["paved:task-family"], "paved-test-job-thumbnails");
            assert.strictEqual(one(result.resources, "aws:ecs/service:Service", "thumbnails-workers").inputs.propagateTags, "TASK_DEFINITION", "tasks inherit the family tag");
            assert.match(q.outputs.arn, /^arn:aws:sqs:eu-west-1:123456789012:paved-test-thumbnails$/);
        });

        it("runs workers as a service starting at zero, on the job's capacity, without public IPs", () => {
            const svc = one(result.resources, "aws:ecs/service:Service", "thumbnails-workers");
            assert.strictEqual(svc.inputs.name, "paved-test-workers-thumbnails");
            assert.strictEqual(svc.inputs.desiredCount, 0);
            assert.deepStrictEqual(svc.ignoreChanges, ["desiredCount"]);
            assert.deepStrictEqual(svc.inputs.capacityProviderStrategies, [{ capacityProvider: "FARGATE_SPOT", weight: 1 }]);
            assert.strictEqual(svc.inputs.networkConfiguration.assignPublicIp, false);
            assert.deepStrictEqual(svc.inputs.networkConfiguration.subnets, SUBNETS);
            assert.strictEqual(svc.inputs.enableExecuteCommand, false);
        });

        it("scales the service from 0 to maxWorkers on the queue's backlog", () => {
            const target = one(result.resources, "aws:appautoscaling/target:Target", "thumbnails-workers");
            assert.strictEqual(target.inputs.resourceId, "service/paved-test/paved-test-workers-thumbnails");
            assert.strictEqual(target.inputs.scalableDimension, "ecs:service:DesiredCount");
            assert.strictEqual(target.inputs.minCapacity, 0);
            assert.strictEqual(target.inputs.maxCapacity, 8);
            const out = one(result.resources, "aws:appautoscaling/policy:Policy", "thumbnails-scale-out");
            const inn = one(result.resources, "aws:appautoscaling/policy:Policy", "thumbnails-scale-in");
            for (const p of [out, inn]) {
                assert.strictEqual(p.inputs.resourceId, target.inputs.resourceId);
                assert.strictEqual(p.inputs.policyType, "StepScaling");
                assert.strictEqual(p.inputs.stepScalingPolicyConfiguration.adjustmentType, "ExactCapacity");
            }
            assert.deepStrictEqual(out.inputs.stepScalingPolicyConfiguration.stepAdjustments, backlogSteps(8, 50));
            assert.deepStrictEqual(inn.inputs.stepScalingPolicyConfiguration.stepAdjustments, [{ metricIntervalUpperBound: "0", scalingAdjustment: 0 }]);

            const backlog = one(result.resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "thumbnails-backlog");
            const empty = one(result.resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "thumbnails-empty");
            assert.deepStrictEqual(backlog.inputs.alarmActions, [out.outputs.arn]);
            assert.deepStrictEqual(empty.inputs.alarmActions, [inn.outputs.arn]);
            assert.strictEqual(backlog.inputs.comparisonOperator, "GreaterThanThreshold");
            assert.strictEqual(empty.inputs.comparisonOperator, "LessThanOrEqualToThreshold");
            assert.strictEqual(empty.inputs.evaluationPeriods, 15);
            assert.strictEqual(empty.inputs.treatMissingData, "breaching");
            for (const alarm of [backlog, empty]) {
                assert.strictEqual(alarm.inputs.threshold, 0);
                const metrics = alarm.inputs.metricQueries.filter((q: any) => q.metric).map((q: any) => q.metric);
                assert.deepStrictEqual(metrics.map((m: any) => m.metricName).sort(), ["ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesVisible"]);
                for (const m of metrics) {
                    assert.strictEqual(m.namespace, "AWS/SQS");
                    assert.deepStrictEqual(m.dimensions, { QueueName: "paved-test-thumbnails" });
                }
                assert.deepStrictEqual(alarm.inputs.metricQueries.filter((q: any) => q.returnData).map((q: any) => q.expression), ["visible + inflight"]);
            }
        });

        it("backlog steps give ceil(backlog / perWorker) workers, capped, in at most 20 steps", () => {
            assert.deepStrictEqual(backlogSteps(3, 10), [
                { metricIntervalLowerBound: "0", metricIntervalUpperBound: "10", scalingAdjustment: 1 },
                { metricIntervalLowerBound: "10", metricIntervalUpperBound: "20", scalingAdjustment: 2 },
                { metricIntervalLowerBound: "20", scalingAdjustment: 3 },
            ]);
            for (const max of [1, 2, 19, 20, 21, 100, 1000]) {
                const steps = backlogSteps(max, 7);
                assert.ok(steps.length <= 20, `${max}: ${steps.length} steps`);
                assert.strictEqual(steps[0].metricIntervalLowerBound, "0");
                assert.strictEqual(steps[steps.length - 1].metricIntervalUpperBound, undefined);
                assert.strictEqual(steps[steps.length - 1].scalingAdjustment, max);
                for (let i = 1; i < steps.length; i++) {
                    assert.strictEqual(steps[i].metricIntervalLowerBound, steps[i - 1].metricIntervalUpperBound, "contiguous");
                    assert.ok(steps[i].scalingAdjustment > steps[i - 1].scalingAdjustment, "increasing");
                    assert.ok(Number(steps[i - 1].metricIntervalUpperBound) >= steps[i - 1].scalingAdjustment * 7 - 7, "enough workers for the range");
                }
            }
        });
    });

    describe("validation", () => {
        const cluster = { clusterName: "c", clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/c", ec2CapacityProviderName: "c-ec2", taskSecurityGroupId: "sg-1", privateSubnetIds: ["subnet-1"] };
        const base = { namePrefix: "p", name: "nightly", cluster, image: "x" };
        const bad: [string, object, string, RegExp][] = [
            ["an invalid Fargate pair", { capacity: "fargate", cpu: 1024, memory: 1000 }, "args.memory", /^invalid on fargate: Fargate cpu 1024 takes memory 2048-8192/],
            ["an invalid Fargate cpu", { capacity: "fargateSpot", cpu: 300, memory: 1024 }, "args.cpu", /^invalid on fargateSpot: Fargate cpu must be one of/],
            ["EC2 memory below the minimum", { cpu: 256, memory: 64 }, "args.memory", /^invalid on EC2: memory must be whole MiB/],
            ["EC2 cpu that is not whole", { cpu: 100.5, memory: 512 }, "args.cpu", /^invalid on EC2/],
            ["a bad cron expression", { schedule: { expression: "cron(0 3 * * *)" } }, "args.schedule.expression", /^cron needs 6 fields/],
            ["a cron with both day fields", { schedule: { expression: "cron(0 3 * * MON *)" } }, "args.schedule.expression", /exactly one of day-of-month/],
            ["a bad rate expression", { schedule: { expression: "rate(5 minute)" } }, "args.schedule.expression", /^use the plural unit/],
            ["a bad time zone", { schedule: { expression: "rate(1 day)", timezone: "Mars/Olympus" } }, "args.schedule.timezone", /^must be an IANA time zone/],
            ["an unknown capacity", { capacity: "spot" }, "args.capacity", /^must be one of "ec2", "fargate", "fargateSpot"/],
            ["schedule and queue together", { schedule: { expression: "rate(1 day)" }, queue: {} }, "args.queue", /a job has one trigger/],
            ["a secret that names nothing", { secrets: { DB: "https://vault/db" } }, "args.secrets.DB", /^must be an SSM parameter name/],
            ["a secret of another service", { secrets: { DB: "arn:aws:s3:::b/k" } }, "args.secrets.DB", /^must be the ARN of one SSM parameter or one Secrets Manager secret/],
            ["a parameter wildcard", { secrets: { DB: "arn:aws:ssm:eu-west-1:123456789012:parameter/*" } }, "args.secrets.DB", /^has a wildcard/],
            ["a secret wildcard", { secrets: { DB: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/*" } }, "args.secrets.DB", /has a wildcard/],
            ["a bad job name", { name: "Nightly_Report" }, "args.name", /^must be lowercase/],
            ["a timeout of zero", { timeoutMinutes: 0 }, "args.timeoutMinutes", /must be a whole number of minutes from 1 to 10080/],
            ["an unsupported log retention", { logRetentionDays: 10 }, "args.logRetentionDays", /must be one of CloudWatch Logs' retention periods/],
            ["a visibility timeout above 12 h", { queue: { visibilityTimeoutSeconds: 50000 } }, "args.queue.visibilityTimeoutSeconds", /from 0 to 43200/],
            ["a scale-in delay of zero", { queue: { scaleInAfterMinutes: 0 } }, "args.queue.scaleInAfterMinutes", /from 1 to 1440/],
            ["the reserved queue env var", { queue: {}, environment: { PAVED_QUEUE_URL: "x" } }, "args.environment.PAVED_QUEUE_URL", /is set by Paved for queue jobs/],
            ["a secret-like plain variable", { environment: { STRIPE_KEY: "sk_live_x" } }, "args.environment.STRIPE_KEY", /looks like a secret: use secrets:/],
            ["a database URL in plain text", { environment: { DATABASE_URL: "postgres://u:p@h/db" } }, "args.environment.DATABASE_URL", /use secrets:/],
            ["a variable and a secret of one name", { environment: { DB: "x" }, secrets: { DB: "/prod/db" } }, "args.secrets.DB", /is also set in environment/],
            ["a tag value over 256 characters", { tags: { team: "x".repeat(257) } }, "args.tags.team", /at most 256 characters/],
            ["an unknown key", { cpus: 2 }, "args.cpus", /unknown key/],
        ];
        for (const [what, args, path, message] of bad) {
            it(`rejects ${what} at ${path}`, () => assertRefused(batchJobArgs, { ...base, ...args }, path, message));
        }

        it("rejects EC2 limits no cluster instance type can hold", () => {
            const on = (instanceTypes: string[]) => ({ ...base, cluster: { ...cluster, instanceTypes } });
            assertRefused(batchJobArgs, { ...on(["m6i.large", "m5.large"]), cpu: 2048, memory: 16384 }, "args.memory", /^invalid on EC2: memory 16384 MiB does not fit the cluster's largest instance \(7680 MiB/);
            assertRefused(batchJobArgs, { ...on(["m6i.large"]), cpu: 4096, memory: 1024 }, "args.cpu", /^invalid on EC2: cpu 4096 does not fit/);
            assert.deepStrictEqual(problemsOf(batchJobArgs, { ...on(["m6i.large"]), cpu: 2048, memory: 7680 }), []);
        });

        it("fails the program, not just the function, through the component", async () => {
            await assert.rejects(
                runJobs({ nightly: { image: "x", capacity: "fargate", cpu: 512, memory: 512 } }),
                (e: Error) => isConfigError(e, "args.memory", /invalid on fargate/) && e.message.includes('BatchJob "nightly"') && e.message.includes("args.memory 512"),
            );
        });

        it("applies defaults without mutating args", () => {
            const args = { ...base, schedule: { expression: "rate(1 hour)" }, environment: { A: "1" } };
            const copy = JSON.parse(JSON.stringify(args));
            const n = batchJobArgs.parse(args);
            assert.deepStrictEqual(JSON.parse(JSON.stringify(args)), copy);
            assert.deepStrictEqual(
                { cpu: n.cpu, memory: n.memory, capacity: n.capacity, timeout: n.timeoutMinutes, schedule: n.schedule, trigger: jobTriggerOf(n).kind, ro: n.readonlyRootFilesystem },
                { cpu: 512, memory: 1024, capacity: "ec2", timeout: 60, schedule: { expression: "rate(1 hour)", timezone: "UTC", retries: 2 }, trigger: "schedule", ro: true },
            );
        });
    });

    it("takes a cluster from another stack (plain ids)", async () => {
        const r = await runProgram({
            stack: "qa",
            config: { "aws:region": REGION },
            program: () => {
                const j = new BatchJob("nightly", {
                    namePrefix: "paved-staging",
                    cluster: {
                        clusterName: "paved-staging",
                        clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/paved-staging`,
                        ec2CapacityProviderName: "paved-staging-ec2",
                        taskSecurityGroupId: "sg-0123456789abcdef0",
                        privateSubnetIds: SUBNETS,
                    },
                    image: ECR_IMAGE,
                    schedule: { expression: "rate(1 day)" },
                });
                return { runTask: j.runTask };
            },
        });
        assert.deepStrictEqual((r.outputs as any).runTask.securityGroups, ["sg-0123456789abcdef0"]);
        const def = JSON.parse(one(r.resources, "aws:sfn/stateMachine:StateMachine", "nightly-sfn").inputs.definition);
        assertValidAsl(def);
        assert.strictEqual(def.States.RunTask.Parameters.Cluster, `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/paved-staging`);
    });
});
