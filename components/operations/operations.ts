import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsLocation, awsLocation } from "../aws-location";
import { z } from "zod";
import { input, namePrefixArg, parseArgs, rule, tags, wholeNumber } from "../args";
import { defaultNamePrefix, physicalName, stableHash } from "../naming";
import { serviceTrustPolicy } from "../frontend/policies";
import {
    AlertThresholds,
    DEFAULT_ALERT_THRESHOLDS,
    NOTIFICATIONS_PURPOSE,
    NOTIFICATIONS_TAGS,
    SlackChannel,
    emailViolation,
    httpsEndpointViolation,
    slackChannelViolation,
    slackWorkspaceViolation,
    thresholdViolation,
} from "./alerts";
import { CLOUDFRONT_METRICS_REGION, DashboardInputs, dashboardBody } from "./dashboard";
import {
    BUILD_PROJECTS_PER_RULE,
    EventContext,
    EventRuleSpec,
    SERVICES_PER_RULE,
    STATE_MACHINES_PER_RULE,
    alarmStateRule,
    appBuildFailureRules,
    buildImageFailureRule,
    jobTaskFailureRule,
    scheduledJobFailureRules,
    serviceDeploymentFailureRules,
} from "./events";
import { chatbotRolePolicy, forwardEventsPolicy, topicKeyPolicy, topicPolicy } from "./policies";

/** A list whose entries must be unique: a subscriber listed twice would get every alert twice. */
function uniqueList<T extends z.ZodType<string>>(item: T) {
    return z.array(item).superRefine((list, ctx) => {
        list.forEach((x, i) => {
            if (list.indexOf(x) !== i) ctx.addIssue({ code: "custom", path: [i], message: "is listed twice; list each subscriber once" });
        });
    });
}

const threshold = (key: keyof AlertThresholds) => z.number().superRefine(rule((v: number) => thresholdViolation(key, v))).default(DEFAULT_ALERT_THRESHOLDS[key]);

/** Alarm thresholds; each defaults to its `DEFAULT_ALERT_THRESHOLDS` entry. */
export const alertThresholdsArgs = z.strictObject({
    /** Percent of the site's requests answered 5xx over 5 minutes. */
    cloudFront5xxPercent: threshold("cloudFront5xxPercent"),
    /** 5xx answers of a service's targets in 5 minutes. */
    loadBalancerTarget5xxPerFiveMinutes: threshold("loadBalancerTarget5xxPerFiveMinutes"),
    /** Minutes a service may run fewer tasks than desired. */
    serviceShortfallMinutes: threshold("serviceShortfallMinutes"),
});

/**
 * Who is notified of failures, and the alarm thresholds. Shared with the stack config (`paved:alerts`).
 *
 * @example
 * ```ts
 * alerts: { email: ["oncall@example.com"], slack: { workspaceId: "T0123ABCD", channelId: "C0123ABCD" } }
 * ```
 */
export const operationsAlertsArgs = z.strictObject({
    /**
     * Email addresses notified of failures (each confirms its subscription once).
     * @default []
     */
    email: uniqueList(z.string().superRefine(rule(emailViolation))).default([]),
    /**
     * HTTPS endpoints notified of failures (raw notification JSON).
     * @default []
     */
    https: uniqueList(z.string().superRefine(rule(httpsEndpointViolation))).default([]),
    /** A Slack channel through AWS Chatbot (the workspace must be authorized in the Chatbot console first). */
    slack: z.strictObject({ workspaceId: z.string().superRefine(rule(slackWorkspaceViolation)), channelId: z.string().superRefine(rule(slackChannelViolation)) }).optional(),
    /** Alarm thresholds; each defaults to `DEFAULT_ALERT_THRESHOLDS`. */
    thresholds: alertThresholdsArgs.default(() => ({ ...DEFAULT_ALERT_THRESHOLDS })),
});
export type OperationsAlertsArgs = z.input<typeof operationsAlertsArgs>;

export interface OperationsApp {
    /** Its CodeBuild project. */
    projectName: pulumi.Input<string>;
}

/** A job whose failures notify (scheduled jobs through their state machine; the others here). */
export interface OperationsJob {
    trigger: "schedule" | "queue" | "onDemand";
    taskDefinitionFamily: pulumi.Input<string>;
    logGroupName: pulumi.Input<string>;
    clusterName: pulumi.Input<string>;
    /** Scheduled jobs: their state machine (dashboard). */
    stateMachineArn?: pulumi.Input<string>;
    /** Queue jobs: the queue, its dead-letter queue and the worker service. */
    queueUrl?: pulumi.Input<string>;
    deadLetterQueueUrl?: pulumi.Input<string>;
    workerServiceName?: pulumi.Input<string>;
}

/** A service whose deployments, task count and 5xx answers are watched. */
export interface OperationsService {
    clusterName: pulumi.Input<string>;
    serviceName: pulumi.Input<string>;
    /** Its load balancer target group, when it has one. */
    targetGroupArn?: pulumi.Input<string>;
}

const ref = <T>(what: string) => z.custom<T>((v) => v !== null && typeof v === "object", { message: `must be ${what}` });

/**
 * An environment's operations args: who is notified and what is watched.
 *
 * @example
 * ```ts
 * new Operations("operations", {
 *     environment: "prod",
 *     region: "eu-west-1",
 *     alerts: { email: ["oncall@example.com"] },
 *     requireSubscriptions: true,
 *     distributionId: site.distributionId,
 *     jobs: { nightly: { trigger: job.trigger, taskDefinitionFamily: job.taskDefinitionFamily, logGroupName: job.logGroupName, clusterName: cluster.clusterName } },
 * });
 * ```
 */
export const operationsArgs = z.strictObject({
    /** The environment's name, as messages and the dashboard show it. */
    environment: z.string().regex(/^[a-z0-9-]+$/, 'must be the environment name, lowercase letters, digits and "-", e.g. "dev"'),
    /** The region of the component's aws provider: in us-east-1 the CloudFront alarm notifies the topic itself. */
    region: z.string().min(1),
    /** Prefix of the dashboard's and the Chatbot configuration's names. Defaults to `<project>-<stack>`. */
    namePrefix: namePrefixArg.optional(),
    /** Who is notified, and the alarm thresholds. */
    alerts: operationsAlertsArgs.default(() => operationsAlertsArgs.parse({})),
    /**
     * The topic must have a subscriber (prod): the topic is tagged so, and the policy pack's
     * `notifications-topic` rule blocks a deployment without one.
     * @default false
     */
    requireSubscriptions: z.boolean().default(false),
    /** The site's CloudFront distribution: its 5xx error rate alarms. */
    distributionId: input<string>().optional(),
    /** The apps whose builds are watched, by name. */
    apps: z.record(z.string(), ref<OperationsApp>("an app's project name")).optional(),
    /** The build image's CodeBuild project. */
    buildImageProjectName: input<string>().optional(),
    /** The jobs whose runs are watched, by name. */
    jobs: z.record(z.string(), ref<OperationsJob>("a job's outputs")).optional(),
    /** The services whose deployments and answers are watched, by name. */
    services: z.record(z.string(), ref<OperationsService>("a service's outputs")).optional(),
    /** The batch cluster (dashboard). */
    cluster: ref<{ clusterName: pulumi.Input<string>; capacityProviderName?: pulumi.Input<string> }>("the cluster's name").optional(),
    /** The services' load balancer ARN suffix (`app/<name>/<id>`). */
    loadBalancerArnSuffix: input<string>().optional(),
    /** A provider for us-east-1, where CloudFront's metrics (and so its alarm) live; one is created as a child (in us-east-1, with `tags` as default tags) when absent. */
    usEast1Provider: ref<aws.Provider>("an aws.Provider for us-east-1").optional(),
    /**
     * Days the topic's key waits before deletion once scheduled (KMS allows 7 to 30).
     * @default 30
     */
    keyDeletionWindowDays: wholeNumber(7, 30, "days").default(30),
    /**
     * Protect the topic and its key from deletion in Pulumi (prod).
     * @default false
     */
    protect: z.boolean().default(false),
    /**
     * Tags for every taggable child.
     * @default {}
     */
    tags: tags.default({}),
});
export type OperationsArgs = z.input<typeof operationsArgs>;
type ParsedOperationsArgs = z.output<typeof operationsArgs> & { namePrefix: string; email: string[]; https: string[]; slack?: SlackChannel; thresholds: AlertThresholds };

/** The queue name at the end of an SQS queue URL. */
export function queueNameOf(url: string): string {
    return url.slice(url.lastIndexOf("/") + 1);
}

/** The `targetgroup/<name>/<id>` suffix of a target group ARN (CloudWatch's TargetGroup dimension). */
export function targetGroupSuffix(arn: string): string {
    return arn.slice(arn.indexOf(":targetgroup/") + 1);
}

/**
 * What an on-call engineer needs from an environment: one encrypted notifications topic with its
 * subscribers (email, HTTPS, a Slack channel through AWS Chatbot), EventBridge rules that notify
 * failed app and build image builds, failed job tasks and failed service deployments, alarms for
 * dead-letter queues, the site's 5xx rate, services short of tasks and services answering 5xx,
 * and a CloudWatch dashboard of builds, jobs, queues, the cluster, services and the site.
 */
export class Operations extends pulumi.ComponentResource {
    /** The notifications topic's ARN (subscribe email, HTTPS endpoints or AWS Chatbot to it). */
    public readonly topicArn: pulumi.Output<string>;
    /** The notifications topic's name. */
    public readonly topicName: pulumi.Output<string>;
    /** The ARN of the KMS key that encrypts the topic. */
    public readonly keyArn: pulumi.Output<string>;
    /** The CloudWatch dashboard's name. */
    public readonly dashboardName: pulumi.Output<string>;
    /** Console link to the dashboard. */
    public readonly dashboardUrl: pulumi.Output<string>;
    /** The ARNs of the environment's alarms. */
    public readonly alarmArns: pulumi.Output<string[]>;
    /** The names of the EventBridge rules that send events to the topic. */
    public readonly ruleNames: pulumi.Output<string[]>;

    private readonly rules: aws.cloudwatch.EventRule[] = [];

    constructor(name: string, args: OperationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("paved:operations:Operations", name, {}, opts);
        const parsed = parseArgs(operationsArgs, args, "args", `Operations "${name}"`);
        const a: ParsedOperationsArgs = { ...parsed, namePrefix: parsed.namePrefix ?? defaultNamePrefix(), ...parsed.alerts };
        args = a;
        const tags = { ...a.tags };
        const parent = { parent: this };
        const stateful = { parent: this, protect: a.protect };
        const loc = awsLocation(this);
        const env = a.environment;

        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: `Paved ${env}: encrypts the notifications topic`,
                enableKeyRotation: true,
                deletionWindowInDays: a.keyDeletionWindowDays,
                policy: loc.apply((l) => JSON.stringify(topicKeyPolicy(l))),
                tags,
            },
            stateful,
        );
        const topic = new aws.sns.Topic(
            `${name}-topic`,
            {
                displayName: `Paved ${env}`.slice(0, 100),
                kmsMasterKeyId: key.arn,
                tags: { ...tags, [NOTIFICATIONS_TAGS.purpose]: NOTIFICATIONS_PURPOSE, [NOTIFICATIONS_TAGS.subscriptionsRequired]: String(a.requireSubscriptions) },
            },
            stateful,
        );

        for (const address of a.email) {
            new aws.sns.TopicSubscription(`${name}-email-${stableHash(address)}`, { topic: topic.arn, protocol: "email", endpoint: address }, parent);
        }
        for (const url of a.https) {
            // Raw delivery: the endpoint receives the notification JSON itself, not SNS's envelope.
            new aws.sns.TopicSubscription(`${name}-https-${stableHash(url)}`, { topic: topic.arn, protocol: "https", endpoint: url, rawMessageDelivery: true }, parent);
        }
        if (a.slack) this.slackChannel(name, a, topic, loc, tags);

        const ctx: pulumi.Output<EventContext> = loc.apply((l) => ({ environment: env, partition: l.partition, region: l.region, accountId: l.accountId }));

        // Builds.
        const apps = Object.entries(args.apps ?? {}).sort(([x], [y]) => x.localeCompare(y));
        if (apps.length) {
            const specs = pulumi.all([ctx, pulumi.all(apps.map(([, app]) => app.projectName))]).apply(([c, projects]) => appBuildFailureRules(c, projects));
            const groups = Math.ceil(apps.length / BUILD_PROJECTS_PER_RULE);
            for (let i = 0; i < groups; i++) this.rule(name, `app-builds-${i + 1}`, specs.apply((s) => s[i]), topic, tags);
        }
        if (args.buildImageProjectName !== undefined) {
            this.rule(name, "build-image", pulumi.all([ctx, args.buildImageProjectName]).apply(([c, p]) => buildImageFailureRule(c, p)), topic, tags);
        }

        // Jobs run on demand or by queue workers (scheduled ones notify through their state machine).
        const jobs = Object.entries(args.jobs ?? {}).sort(([x], [y]) => x.localeCompare(y));
        const jobRules: { job: string; rule: aws.cloudwatch.EventRule }[] = [];
        for (const [job, j] of jobs) {
            if (j.trigger === "schedule") continue;
            const trigger = j.trigger;
            const spec = pulumi
                .all([ctx, j.taskDefinitionFamily, j.logGroupName, j.clusterName])
                .apply(([c, family, logGroupName, clusterName]) => jobTaskFailureRule(c, { job, trigger, taskDefinitionFamily: family, logGroupName, clusterName }));
            jobRules.push({ job, rule: this.rule(name, `job-${job}`, spec, topic, tags) });
        }

        // Scheduled jobs: a run that failed after its retries (the state machine's own verdict).
        const scheduled = jobs.filter(([, j]) => j.trigger === "schedule" && j.stateMachineArn !== undefined);
        if (scheduled.length) {
            const specs = pulumi.all([ctx, pulumi.all(scheduled.map(([, j]) => j.stateMachineArn!))]).apply(([c, arns]) => scheduledJobFailureRules(c, arns));
            const groups = Math.ceil(scheduled.length / STATE_MACHINES_PER_RULE);
            for (let i = 0; i < groups; i++) this.rule(name, `scheduled-jobs-${i + 1}`, specs.apply((s) => s[i]), topic, tags);
        }

        // Services: the apps' and the queue workers'.
        const watched: { label: string; clusterName: pulumi.Input<string>; serviceName: pulumi.Input<string>; targetGroupArn?: pulumi.Input<string> }[] = [
            ...Object.entries(args.services ?? {})
                .sort(([x], [y]) => x.localeCompare(y))
                .map(([app, s]) => ({ label: `app ${app}`, ...s })),
            ...jobs.filter(([, j]) => j.workerServiceName !== undefined).map(([job, j]) => ({ label: `job ${job} workers`, clusterName: j.clusterName, serviceName: j.workerServiceName! })),
        ];
        if (watched.length) {
            const specs = pulumi
                .all([ctx, pulumi.all(watched.map((s) => pulumi.all([s.clusterName, s.serviceName])))])
                .apply(([c, names]) =>
                    serviceDeploymentFailureRules(
                        c,
                        names.map(([cluster, service], i) => ({ label: watched[i].label, arn: `arn:${c.partition}:ecs:${c.region}:${c.accountId}:service/${cluster}/${service}` })),
                    ),
                );
            const groups = Math.ceil(watched.length / SERVICES_PER_RULE);
            for (let i = 0; i < groups; i++) this.rule(name, `service-deployments-${i + 1}`, specs.apply((s) => s[i]), topic, tags);
        }

        // Alarms in the environment's region notify the topic directly.
        const alarms: aws.cloudwatch.MetricAlarm[] = [];
        const actions = { alarmActions: [topic.arn], okActions: [topic.arn] };
        for (const [job, j] of jobs) {
            if (!j.deadLetterQueueUrl) continue;
            alarms.push(
                new aws.cloudwatch.MetricAlarm(
                    `${name}-dlq-${job}`,
                    {
                        alarmDescription: `Paved ${env}: job ${job}'s dead-letter queue holds messages its workers gave up on; inspect, fix, then redrive them`,
                        namespace: "AWS/SQS",
                        metricName: "ApproximateNumberOfMessagesVisible",
                        dimensions: { QueueName: pulumi.output(j.deadLetterQueueUrl).apply(queueNameOf) },
                        statistic: "Maximum",
                        period: 60,
                        evaluationPeriods: 1,
                        comparisonOperator: "GreaterThanThreshold",
                        threshold: 0,
                        // SQS stops publishing for a queue idle six hours: a dead-letter queue still
                        // holding messages must stay in ALARM, not turn OK because the metric went quiet.
                        treatMissingData: "ignore",
                        ...actions,
                        tags,
                    },
                    parent,
                ),
            );
        }
        for (const s of watched) {
            const dims = { ClusterName: s.clusterName, ServiceName: s.serviceName };
            const slug = s.label.replace(/^app /, "").replace(/ /g, "-");
            alarms.push(
                new aws.cloudwatch.MetricAlarm(
                    `${name}-tasks-${slug}`,
                    {
                        alarmDescription: `Paved ${env}: ${s.label} has run fewer tasks than desired for ${a.thresholds.serviceShortfallMinutes} minutes`,
                        comparisonOperator: "GreaterThanThreshold",
                        threshold: 0,
                        evaluationPeriods: a.thresholds.serviceShortfallMinutes,
                        datapointsToAlarm: a.thresholds.serviceShortfallMinutes,
                        metricQueries: [
                            { id: "desired", metric: { namespace: "ECS/ContainerInsights", metricName: "DesiredTaskCount", dimensions: dims, period: 60, stat: "Average" }, returnData: false },
                            { id: "running", metric: { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", dimensions: dims, period: 60, stat: "Average" }, returnData: false },
                            { id: "shortfall", expression: "desired - running", label: "tasks short of desired", returnData: true },
                        ],
                        // Container Insights reports nothing for a service with no tasks to run
                        // (workers scaled to zero): no data is no shortfall.
                        treatMissingData: "notBreaching",
                        ...actions,
                        tags,
                    },
                    parent,
                ),
            );
            if (s.targetGroupArn !== undefined && args.loadBalancerArnSuffix !== undefined) {
                alarms.push(
                    new aws.cloudwatch.MetricAlarm(
                        `${name}-5xx-${slug}`,
                        {
                            alarmDescription: `Paved ${env}: ${s.label} answered more than ${a.thresholds.loadBalancerTarget5xxPerFiveMinutes} 5xx responses in 5 minutes`,
                            namespace: "AWS/ApplicationELB",
                            metricName: "HTTPCode_Target_5XX_Count",
                            dimensions: { TargetGroup: pulumi.output(s.targetGroupArn).apply(targetGroupSuffix), LoadBalancer: args.loadBalancerArnSuffix },
                            statistic: "Sum",
                            period: 300,
                            evaluationPeriods: 1,
                            comparisonOperator: "GreaterThanThreshold",
                            threshold: a.thresholds.loadBalancerTarget5xxPerFiveMinutes,
                            // The load balancer publishes this count only when a target answered 5xx.
                            treatMissingData: "notBreaching",
                            ...actions,
                            tags,
                        },
                        parent,
                    ),
                );
            }
        }

        // CloudFront: the alarm lives in us-east-1 and can only notify a topic there; EventBridge
        // forwards its state changes here instead, so the environment keeps one topic.
        const crossRegion: pulumi.Output<string>[] = [];
        if (args.distributionId !== undefined) {
            crossRegion.push(this.cloudFrontAlarm(name, a, args, topic, loc, ctx, tags));
        }

        const localAlarmArns = pulumi.all(alarms.map((x) => x.arn));
        new aws.sns.TopicPolicy(
            `${name}-topic`,
            {
                arn: topic.arn,
                policy: pulumi
                    .all([topic.arn, loc, pulumi.all(this.rules.map((r) => r.arn)), localAlarmArns])
                    .apply(([t, l, rules, alarmArns]) => JSON.stringify(topicPolicy(t, l, rules, alarmArns))),
            },
            parent,
        );

        const dashboardName = physicalName("dashboard", a.namePrefix);
        const inputs: pulumi.Output<DashboardInputs> = pulumi
            .output({
                l: loc,
                appProjects: pulumi.all(apps.map(([app, x]) => pulumi.all([app, x.projectName]))),
                imageProject: pulumi.output(args.buildImageProjectName),
                scheduled: pulumi.all(jobs.filter(([, j]) => j.trigger === "schedule" && j.stateMachineArn).map(([job, j]) => pulumi.all([job, j.stateMachineArn!]))),
                rules: pulumi.all(jobRules.map((r) => pulumi.all([r.job, r.rule.name]))),
                queues: pulumi.all(jobs.filter(([, j]) => j.queueUrl && j.deadLetterQueueUrl).map(([job, j]) => pulumi.all([job, j.queueUrl!, j.deadLetterQueueUrl!]))),
                cluster: args.cluster ? pulumi.all([args.cluster.clusterName, pulumi.output(args.cluster.capacityProviderName)]) : pulumi.output(undefined),
                services: pulumi.all(watched.map((s) => pulumi.all([s.label, s.clusterName, s.serviceName, pulumi.output(s.targetGroupArn)]))),
                lb: pulumi.output(args.loadBalancerArnSuffix),
                distributionId: pulumi.output(args.distributionId),
                local: localAlarmArns,
                remote: pulumi.all(crossRegion),
            })
            .apply(({ l, appProjects, imageProject, scheduled, rules, queues, cluster, services, lb, distributionId, local, remote }) => ({
                environment: env,
                region: l.region,
                buildProjects: [...appProjects.map(([label, project]) => ({ label, project })), ...(imageProject ? [{ label: "build image", project: imageProject }] : [])],
                scheduledJobs: scheduled.map(([job, stateMachineArn]) => ({ job, stateMachineArn })),
                jobRules: rules.map(([job, ruleName]) => ({ job, ruleName })),
                queues: queues.map(([job, url, dlq]) => ({ job, queueName: queueNameOf(url), deadLetterQueueName: queueNameOf(dlq) })),
                cluster: cluster ? { clusterName: cluster[0], capacityProviderName: cluster[1] } : undefined,
                services: services.map(([label, clusterName, serviceName, tg]) => ({ label, clusterName, serviceName, targetGroup: tg ? targetGroupSuffix(tg) : undefined })),
                loadBalancer: lb,
                distributionId,
                alarmArns: [...local, ...remote],
            }));
        const dashboard = new aws.cloudwatch.Dashboard(`${name}-dashboard`, { dashboardName, dashboardBody: inputs.apply((d) => JSON.stringify(dashboardBody(d))) }, parent);

        this.topicArn = topic.arn;
        this.topicName = topic.name;
        this.keyArn = key.arn;
        this.dashboardName = dashboard.dashboardName;
        this.dashboardUrl = pulumi.interpolate`https://${loc.region}.console.aws.amazon.com/cloudwatch/home?region=${loc.region}#dashboards/dashboard/${dashboard.dashboardName}`;
        this.alarmArns = inputs.apply((d) => d.alarmArns);
        this.ruleNames = pulumi.all(this.rules.map((r) => r.name));
        this.registerOutputs({
            topicArn: this.topicArn,
            topicName: this.topicName,
            keyArn: this.keyArn,
            dashboardName: this.dashboardName,
            dashboardUrl: this.dashboardUrl,
            alarmArns: this.alarmArns,
            ruleNames: this.ruleNames,
        });
    }

    /** One EventBridge rule and its topic target with the rule's input transformer. */
    private rule(name: string, key: string, spec: pulumi.Output<EventRuleSpec>, topic: aws.sns.Topic, tags: Record<string, string>, opts: pulumi.CustomResourceOptions = {}): aws.cloudwatch.EventRule {
        const parent = { parent: this, ...opts };
        const rule = new aws.cloudwatch.EventRule(
            `${name}-${key}`,
            { description: spec.apply((s) => s.description), eventPattern: spec.apply((s) => JSON.stringify(s.pattern)), tags },
            parent,
        );
        new aws.cloudwatch.EventTarget(
            `${name}-${key}`,
            {
                rule: rule.name,
                arn: topic.arn,
                inputTransformer: { inputPaths: spec.apply((s) => s.transformer.inputPathsMap), inputTemplate: spec.apply((s) => s.transformer.inputTemplate) },
            },
            parent,
        );
        this.rules.push(rule);
        return rule;
    }

    /** AWS Chatbot posts the topic's notifications to a Slack channel, with a role that can only read CloudWatch. */
    private slackChannel(name: string, a: ParsedOperationsArgs, topic: aws.sns.Topic, loc: pulumi.Output<AwsLocation>, tags: Record<string, string>): void {
        const role = new aws.iam.Role(
            `${name}-chatbot`,
            { description: `AWS Chatbot: Paved ${a.environment} notifications`, assumeRolePolicy: loc.apply((l) => JSON.stringify(serviceTrustPolicy("chatbot.amazonaws.com", l.accountId))), tags },
            { parent: this },
        );
        new aws.iam.RolePolicy(`${name}-chatbot`, { role: role.id, policy: JSON.stringify(chatbotRolePolicy()) }, { parent: this });
        new aws.chatbot.SlackChannelConfiguration(
            `${name}-slack`,
            {
                configurationName: physicalName("chatbotConfiguration", a.namePrefix, "alerts"),
                iamRoleArn: role.arn,
                slackTeamId: a.slack!.workspaceId,
                slackChannelId: a.slack!.channelId,
                snsTopicArns: [topic.arn],
                // What people in the channel may do through Chatbot: read CloudWatch, nothing more.
                guardrailPolicyArns: [loc.apply((l) => `arn:${l.partition}:iam::aws:policy/CloudWatchReadOnlyAccess`)],
                loggingLevel: "ERROR",
                tags,
            },
            { parent: this },
        );
    }

    /**
     * The CloudFront 5xx error rate alarm in us-east-1 and, when the environment is elsewhere, an
     * EventBridge rule there that forwards its state changes to this region, where a rule notifies.
     * Returns the alarm's ARN.
     */
    private cloudFrontAlarm(
        name: string,
        a: ParsedOperationsArgs,
        args: OperationsArgs,
        topic: aws.sns.Topic,
        loc: pulumi.Output<AwsLocation>,
        ctx: pulumi.Output<EventContext>,
        tags: Record<string, string>,
    ): pulumi.Output<string> {
        const provider = args.usEast1Provider ?? new aws.Provider(`${name}-${CLOUDFRONT_METRICS_REGION}`, { region: CLOUDFRONT_METRICS_REGION, defaultTags: { tags } }, { parent: this });
        const east = { parent: this, provider };
        const local = args.region === CLOUDFRONT_METRICS_REGION;
        const alarm = new aws.cloudwatch.MetricAlarm(
            `${name}-cloudfront-5xx`,
            {
                alarmDescription: `Paved ${a.environment}: more than ${a.thresholds.cloudFront5xxPercent}% of the site's requests failed with 5xx over 5 minutes`,
                namespace: "AWS/CloudFront",
                metricName: "5xxErrorRate",
                dimensions: { DistributionId: args.distributionId!, Region: "Global" },
                statistic: "Average",
                period: 300,
                evaluationPeriods: 1,
                comparisonOperator: "GreaterThanThreshold",
                threshold: a.thresholds.cloudFront5xxPercent,
                // CloudFront publishes no rate without requests: a quiet site is not failing.
                treatMissingData: "notBreaching",
                // In us-east-1 itself the alarm notifies the topic; elsewhere EventBridge carries its state changes.
                ...(local ? { alarmActions: [topic.arn], okActions: [topic.arn] } : {}),
                tags,
            },
            east,
        );
        if (local) return alarm.arn;
        const spec = pulumi.all([ctx, alarm.arn]).apply(([c, arn]) => alarmStateRule(c, "cloudfront-alarm", "site 5xx error rate", [arn]));
        // The us-east-1 side: the same pattern, forwarded to this region's default event bus.
        const forwarder = new aws.iam.Role(
            `${name}-forward-alarms`,
            { description: `Paved ${a.environment}: forwards CloudFront alarm events from us-east-1`, assumeRolePolicy: loc.apply((l) => JSON.stringify(serviceTrustPolicy("events.amazonaws.com", l.accountId))), tags },
            { parent: this },
        );
        new aws.iam.RolePolicy(`${name}-forward-alarms`, { role: forwarder.id, policy: loc.apply((l) => JSON.stringify(forwardEventsPolicy(l))) }, { parent: this });
        const forward = new aws.cloudwatch.EventRule(
            `${name}-forward-alarms`,
            { description: `Paved ${a.environment}: forwards the site's alarm state changes to the environment's region`, eventPattern: spec.apply((s) => JSON.stringify(s.pattern)), tags },
            east,
        );
        new aws.cloudwatch.EventTarget(
            `${name}-forward-alarms`,
            { rule: forward.name, arn: loc.apply((l) => `arn:${l.partition}:events:${l.region}:${l.accountId}:event-bus/default`), roleArn: forwarder.arn },
            east,
        );
        this.rule(name, "cloudfront-alarm", spec, topic, tags);
        return alarm.arn;
    }
}
