import { PavedError } from "../errors";
import { EventField, InputTransformerSpec, NotificationTemplate, Text, f, raw, renderInputTransformer } from "./notification-template";

/**
 * The EventBridge rules that turn failures into notifications, as pure functions of resolved
 * names: event pattern, description and input transformer per rule. Every pattern is tested
 * against sample events of the shape AWS documents (test/operations/fixtures/).
 */

/** Where the environment runs and what it is called in messages. */
export interface EventContext {
    environment: string;
    partition: string;
    region: string;
    accountId: string;
}

export interface EventRuleSpec {
    /** Unique within the component: the child resources' name suffix. */
    key: string;
    /** At most 512 characters (EventBridge). */
    description: string;
    pattern: Record<string, unknown>;
    transformer: InputTransformerSpec;
}

/** EventBridge's default event pattern size quota (adjustable to 4096). */
export const EVENT_PATTERN_MAX_CHARS = 2048;

/**
 * Build projects listed per rule. The longest project name Paved makes is about 90 characters
 * (a 40-character prefix, "-app-", a 40-character app name), so 20 stay under the pattern quota.
 */
export const BUILD_PROJECTS_PER_RULE = 20;
/** Service ARNs listed per rule (Paved's are about 95 characters; `checkPatternSize` guards longer ones). */
export const SERVICES_PER_RULE = 15;

/** CodeBuild build states that notify. STOPPED is someone stopping a build on purpose. */
export const FAILED_BUILD_STATUSES = ["FAILED", "FAULT", "TIMED_OUT"] as const;

/** ECS stop codes of a job task that failed: its container exited (non-zero, checked apart) or it never started. */
export const FAILED_TASK_STOP_CODES = { exited: "EssentialContainerExited", neverStarted: "TaskFailedToStart" } as const;

/** The pattern's JSON must fit EventBridge's quota. */
export function checkPatternSize(key: string, pattern: Record<string, unknown>): void {
    const size = JSON.stringify(pattern).length;
    if (size > EVENT_PATTERN_MAX_CHARS) {
        throw new PavedError(`event rule ${key}: its pattern is ${size} characters; EventBridge allows ${EVENT_PATTERN_MAX_CHARS} by default (list fewer names per rule)`);
    }
}

/** `items` in groups of `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
}

/** A CloudWatch Logs console link to a log group (the console double-encodes: "/" is "$252F"). */
export function logGroupConsoleUrl(region: string, logGroup: string): string {
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${encodeURIComponent(logGroup).replace(/%/g, "$25")}`;
}

function spec(key: string, description: string, pattern: Record<string, unknown>, fields: Record<string, EventField>, template: NotificationTemplate): EventRuleSpec {
    checkPatternSize(key, pattern);
    if (description.length > 512) throw new PavedError(`event rule ${key}: description is ${description.length} characters; EventBridge allows 512`);
    return { key, description, pattern, transformer: renderInputTransformer(fields, template) };
}

const COMMON_FIELDS: Record<string, EventField> = {
    id: { path: "$.id", plain: true },
    time: { path: "$.time", plain: true },
};

const BUILD_FIELDS: Record<string, EventField> = {
    ...COMMON_FIELDS,
    project: { path: "$.detail.project-name", plain: true },
    status: { path: "$.detail.build-status", plain: true },
    build: { path: "$.detail.build-id", plain: true },
    phase: { path: "$.detail.current-phase", plain: true },
    // A console URL: percent-encoded, never quotes or backslashes.
    logs: { path: "$.detail.additional-information.logs.deep-link", plain: true },
};

function buildPattern(projects: string[]): Record<string, unknown> {
    return {
        source: ["aws.codebuild"],
        "detail-type": ["CodeBuild Build State Change"],
        detail: { "build-status": [...FAILED_BUILD_STATUSES], "project-name": projects },
    };
}

function buildTemplate(env: string, what: string, kind: string, nextSteps: Text[]): NotificationTemplate {
    return {
        id: f("id"),
        title: [`:x: [${env}] ${what} `, f("status"), ": ", f("project")],
        description: ["Build `", f("build"), "` of CodeBuild project `", f("project"), "` ended ", f("status"), " in phase ", f("phase"), ".\n[Build logs](", f("logs"), ")"],
        nextSteps,
        keywords: [env, kind, f("status")],
        summary: [`[${env}] ${what} `, f("status"), ": ", f("project")],
        eventType: `paved.${kind}.failed`,
        threadId: [`paved-${env}-${kind}-`, f("project")],
        relatedResources: [f("build")],
        additionalContext: { environment: env, kind, project: f("project"), status: f("status"), time: f("time") },
    };
}

/** App builds that failed, faulted or timed out: one rule per `BUILD_PROJECTS_PER_RULE` projects of this environment. */
export function appBuildFailureRules(ctx: EventContext, projects: string[]): EventRuleSpec[] {
    if (projects.length === 0) return [];
    const env = ctx.environment;
    return chunks([...projects].sort(), BUILD_PROJECTS_PER_RULE).map((group, i) =>
        spec(
            `app-builds-${i + 1}`,
            `Paved ${env}: app builds that fail (${group.length} projects, group ${i + 1})`,
            buildPattern(group),
            BUILD_FIELDS,
            buildTemplate(env, "App build", "app-build", [
                "Open the build logs: the last command before the failure says why.",
                ["Rebuild after the fix: aws codebuild start-build --project-name ", f("project")],
                `Every app's last build and release: paved status ${env}`,
            ]),
        ),
    );
}

/** The environment's build image failing to build. */
export function buildImageFailureRule(ctx: EventContext, project: string): EventRuleSpec {
    const env = ctx.environment;
    return spec("build-image", `Paved ${env}: the build image build fails`, buildPattern([project]), BUILD_FIELDS, buildTemplate(env, "Build image build", "build-image", [
        "App builds keep using the last image pushed as latest until a build succeeds.",
        ["Retry: aws codebuild start-build --project-name ", f("project")],
    ]));
}

/** A job the alerts cover: its task family and where its logs are. */
export interface JobAlertTarget {
    job: string;
    trigger: "onDemand" | "queue";
    taskDefinitionFamily: string;
    logGroupName: string;
    clusterName: string;
}

const TASK_FIELDS: Record<string, EventField> = {
    ...COMMON_FIELDS,
    task: { path: "$.detail.taskArn", plain: true },
    group: { path: "$.detail.group", plain: true },
    stopCode: { path: "$.detail.stopCode", plain: true },
    exitCode: { path: "$.detail.containers[0].exitCode", plain: true },
    // Free text, sometimes with quotes (e.g. an image pull error): placed as a whole value.
    reason: { path: "$.detail.stoppedReason", plain: false },
};

/**
 * A job's ECS task stopped because its container exited non-zero, or stopped without starting.
 * Tasks stopped on purpose (StopTask, scale-in, Spot interruption) do not notify. Scheduled jobs
 * have their state machine's notification instead.
 */
export function jobTaskFailureRule(ctx: EventContext, t: JobAlertTarget): EventRuleSpec {
    const env = ctx.environment;
    const family = `arn:${ctx.partition}:ecs:${ctx.region}:${ctx.accountId}:task-definition/${t.taskDefinitionFamily}:`;
    const pattern = {
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: {
            lastStatus: ["STOPPED"],
            taskDefinitionArn: [{ prefix: family }],
            $or: [
                { stopCode: [FAILED_TASK_STOP_CODES.exited], containers: { exitCode: [{ "anything-but": 0 }] } },
                { stopCode: [FAILED_TASK_STOP_CODES.neverStarted] },
            ],
        },
    };
    const logs = logGroupConsoleUrl(ctx.region, t.logGroupName);
    const tasks = `https://${ctx.region}.console.aws.amazon.com/ecs/v2/clusters/${t.clusterName}/tasks?region=${ctx.region}`;
    const template: NotificationTemplate = {
        id: f("id"),
        title: [`:x: [${env}] Job ${t.job} failed: `, f("stopCode")],
        description: [
            "Task `",
            f("task"),
            `\` (`,
            f("group"),
            `) of job **${t.job}** stopped: `,
            f("stopCode"),
            ", container exit code ",
            f("exitCode"),
            ` (none when it never started; 137 means it was killed, usually for using more memory than its limit).\n[Job logs](${logs}) · [Tasks of ${t.clusterName}](${tasks})`,
        ],
        nextSteps: [`Read the job's logs: log group ${t.logGroupName}`, `Run it again once fixed: paved job run ${env} ${t.job}`],
        keywords: [env, "job", t.job, f("stopCode")],
        summary: [`[${env}] job ${t.job} failed: `, f("stopCode"), " exit ", f("exitCode")],
        eventType: "paved.job.failed",
        threadId: `paved-${env}-job-${t.job}`,
        relatedResources: [f("task")],
        additionalContext: {
            environment: env,
            kind: "job",
            job: t.job,
            trigger: t.trigger,
            stopCode: f("stopCode"),
            exitCode: f("exitCode"),
            reason: raw("reason"),
            time: f("time"),
        },
    };
    return spec(`job-${t.job}`, `Paved ${env}: job ${t.job} task exits non-zero or fails to start`, pattern, TASK_FIELDS, template);
}

/** State machine ARNs listed per rule (Paved's are about 90 characters). */
export const STATE_MACHINES_PER_RULE = 15;

/** Execution states of a scheduled job's run that notify. ABORTED is someone stopping it on purpose. */
export const FAILED_EXECUTION_STATUSES = ["FAILED", "TIMED_OUT"] as const;

const EXECUTION_FIELDS: Record<string, EventField> = {
    ...COMMON_FIELDS,
    execution: { path: "$.detail.executionArn", plain: true },
    machine: { path: "$.detail.stateMachineArn", plain: true },
    name: { path: "$.detail.name", plain: true },
    status: { path: "$.detail.status", plain: true },
};

/**
 * Scheduled jobs whose run failed or timed out, after the state machine's retries: one
 * notification per run on the environment's topic (the state machine also publishes to the job's
 * own topic, for whoever subscribes to one job).
 */
export function scheduledJobFailureRules(ctx: EventContext, stateMachineArns: string[]): EventRuleSpec[] {
    if (stateMachineArns.length === 0) return [];
    const env = ctx.environment;
    return chunks([...stateMachineArns].sort(), STATE_MACHINES_PER_RULE).map((group, i) =>
        spec(
            `scheduled-jobs-${i + 1}`,
            `Paved ${env}: scheduled job runs that fail or time out (${group.length} state machines, group ${i + 1})`,
            {
                source: ["aws.states"],
                "detail-type": ["Step Functions Execution Status Change"],
                detail: { status: [...FAILED_EXECUTION_STATUSES], stateMachineArn: group },
            },
            EXECUTION_FIELDS,
            {
                id: f("id"),
                title: [`:x: [${env}] Scheduled job run `, f("status"), ": ", f("machine")],
                description: [
                    "Run `",
                    f("name"),
                    "` of state machine `",
                    f("machine"),
                    "` ended ",
                    f("status"),
                    " after its retries.\n[Execution](https://",
                    ctx.region,
                    ".console.aws.amazon.com/states/home?region=",
                    ctx.region,
                    "#/v2/executions/details/",
                    f("execution"),
                    ")",
                ],
                nextSteps: ["The execution's failed step names the error and cause; the task's logs are in the job's log group.", `Run it now once fixed: paved job run ${env} followed by the job's name (the state machine's name ends with it)`],
                keywords: [env, "job", "scheduled", f("status")],
                summary: [`[${env}] scheduled run `, f("status"), ": ", f("machine")],
                eventType: "paved.scheduled-job.failed",
                threadId: [`paved-${env}-schedule-`, f("machine")],
                relatedResources: [f("execution")],
                additionalContext: { environment: env, kind: "scheduled-job", status: f("status"), execution: f("execution"), time: f("time") },
            },
        ),
    );
}

/** A service (an app's, or a queue job's workers) whose deployments are watched. */
export interface ServiceAlertTarget {
    /** What it is, e.g. "app storefront" or "job image-resize workers". */
    label: string;
    /** Its ARN (long format: `service/<cluster>/<name>`), as deployment events name it. */
    arn: string;
}

const DEPLOYMENT_FIELDS: Record<string, EventField> = {
    ...COMMON_FIELDS,
    service: { path: "$.resources[0]", plain: true },
    deployment: { path: "$.detail.deploymentId", plain: true },
    reason: { path: "$.detail.reason", plain: false },
};

/** Service deployments that failed (with the circuit breaker on, ECS then rolls back). */
export function serviceDeploymentFailureRules(ctx: EventContext, services: ServiceAlertTarget[]): EventRuleSpec[] {
    if (services.length === 0) return [];
    const env = ctx.environment;
    const sorted = [...services].sort((a, b) => a.arn.localeCompare(b.arn));
    return chunks(sorted, SERVICES_PER_RULE).map((group, i) =>
        spec(
            `service-deployments-${i + 1}`,
            `Paved ${env}: service deployments that fail (${group.map((s) => s.label).join(", ")})`.slice(0, 512),
            {
                source: ["aws.ecs"],
                "detail-type": ["ECS Deployment State Change"],
                resources: group.map((s) => s.arn),
                detail: { eventName: ["SERVICE_DEPLOYMENT_FAILED"] },
            },
            DEPLOYMENT_FIELDS,
            {
                id: f("id"),
                title: [`:x: [${env}] Service deployment failed: `, f("service")],
                description: [
                    "Deployment `",
                    f("deployment"),
                    "` of `",
                    f("service"),
                    "` failed. The deployment circuit breaker stops a rollout whose tasks do not start or stay healthy, and rolls the service back to its last working deployment.",
                ],
                nextSteps: [`Running and desired tasks, deployment state and image: paved status ${env}`, "Deploy a fixed image with paved deploy-service"],
                keywords: [env, "service", "deployment"],
                summary: [`[${env}] deployment failed: `, f("service")],
                eventType: "paved.service.deployment-failed",
                threadId: [`paved-${env}-service-`, f("service")],
                relatedResources: [f("service")],
                additionalContext: { environment: env, kind: "service", deployment: f("deployment"), reason: raw("reason"), time: f("time") },
            },
        ),
    );
}

const ALARM_FIELDS: Record<string, EventField> = {
    ...COMMON_FIELDS,
    // Alarm names Paved gives are Pulumi names: letters, digits and "-".
    alarm: { path: "$.detail.alarmName", plain: true },
    alarmArn: { path: "$.resources[0]", plain: true },
    state: { path: "$.detail.state.value", plain: true },
    region: { path: "$.region", plain: true },
    reason: { path: "$.detail.state.reason", plain: false },
};

/**
 * Alarm state changes of alarms in another region (CloudFront's metrics live in us-east-1, and an
 * alarm can only notify a topic in its own region): forwarded here by EventBridge, then notified.
 */
export function alarmStateRule(ctx: EventContext, key: string, what: string, alarmArns: string[]): EventRuleSpec {
    const env = ctx.environment;
    return spec(
        key,
        `Paved ${env}: ${what} alarm changes state`,
        {
            source: ["aws.cloudwatch"],
            "detail-type": ["CloudWatch Alarm State Change"],
            resources: alarmArns,
            detail: { state: { value: ["ALARM", "OK"] } },
        },
        ALARM_FIELDS,
        {
            id: f("id"),
            title: [`:rotating_light: [${env}] ${what}: `, f("alarm"), " is ", f("state")],
            description: [
                "CloudWatch alarm `",
                f("alarm"),
                "` in ",
                f("region"),
                " is now ",
                f("state"),
                ".\n[Alarm](https://",
                f("region"),
                ".console.aws.amazon.com/cloudwatch/home?region=",
                f("region"),
                "#alarmsV2:alarm/",
                f("alarm"),
                ")",
            ],
            nextSteps: [`Requests and error rates: the environment's CloudWatch dashboard, paved status ${env}`],
            keywords: [env, "alarm", f("state")],
            summary: [`[${env}] ${what} `, f("state")],
            eventType: "paved.alarm.state-change",
            threadId: [`paved-${env}-alarm-`, f("alarm")],
            relatedResources: [f("alarmArn")],
            additionalContext: { environment: env, kind: "alarm", state: f("state"), reason: raw("reason"), time: f("time") },
        },
    );
}
