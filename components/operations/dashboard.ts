import { PavedError } from "../errors";

/**
 * The environment's CloudWatch dashboard body, as a pure function of resolved names. Structure per
 * "Dashboard Body Structure and Syntax"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
 * widgets with type, x, y, width, height and properties on a 24-column grid; metric widgets list
 * `[namespace, metric, dimension, value, ..., {options}]` arrays and `{expression, id}` math.
 */

export interface DashboardBuildProject {
    /** Legend label, e.g. the app name. */
    label: string;
    project: string;
}

export interface DashboardScheduledJob {
    job: string;
    stateMachineArn: string;
}

export interface DashboardJobRule {
    job: string;
    /** The EventBridge rule that notifies the job's failed tasks: its TriggeredRules count failures. */
    ruleName: string;
}

export interface DashboardQueue {
    job: string;
    queueName: string;
    deadLetterQueueName: string;
}

export interface DashboardService {
    label: string;
    clusterName: string;
    serviceName: string;
    /** `targetgroup/<name>/<id>`, for services behind the load balancer. */
    targetGroup?: string;
}

export interface DashboardInputs {
    environment: string;
    region: string;
    buildProjects: DashboardBuildProject[];
    scheduledJobs: DashboardScheduledJob[];
    jobRules: DashboardJobRule[];
    queues: DashboardQueue[];
    cluster?: { clusterName: string; capacityProviderName?: string };
    services: DashboardService[];
    /** `app/<name>/<id>`. */
    loadBalancer?: string;
    distributionId?: string;
    alarmArns: string[];
}

/** `[namespace, metric, dimension, value, ..., {options}]`, or `[{expression, id, label}]`. */
export type MetricEntry = (string | Record<string, unknown>)[];

export interface Widget {
    type: "metric" | "text" | "alarm";
    x: number;
    y: number;
    width: number;
    height: number;
    properties: Record<string, unknown>;
}

export interface DashboardBody {
    start: string;
    periodOverride: "auto" | "inherit";
    widgets: Widget[];
}

/** The dashboard grid's width. */
export const GRID_WIDTH = 24;
/** Metrics one graph may show (hidden ones count). */
export const MAX_METRICS_PER_WIDGET = 500;
/** Alarms one alarm status widget may show. */
export const MAX_ALARMS_PER_WIDGET = 100;
/** CloudFront publishes its metrics in us-east-1 only. */
export const CLOUDFRONT_METRICS_REGION = "us-east-1";

type Sized = Omit<Widget, "x" | "y">;

/**
 * Places rows of widgets on the grid, left to right, each row below the tallest of the last; a row
 * wider than the grid wraps onto the next line (large environments split a graph into several).
 */
function layout(rows: Sized[][]): Widget[] {
    const out: Widget[] = [];
    let y = 0;
    for (const row of rows.filter((r) => r.length > 0)) {
        let x = 0;
        let height = 0;
        for (const w of row) {
            if (w.width > GRID_WIDTH) throw new PavedError(`dashboard widget is wider than ${GRID_WIDTH} columns`);
            if (x + w.width > GRID_WIDTH) {
                y += height;
                x = 0;
                height = 0;
            }
            out.push({ ...w, x, y });
            x += w.width;
            height = Math.max(height, w.height);
        }
        y += height;
    }
    return out;
}

/** `items` in consecutive slices of at most `size`. */
function slices<T>(items: T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
}

/** "title", or "title (3/4)" when a graph had to be split. */
function part(title: string, i: number, n: number): string {
    return n === 1 ? title : `${title} (${i + 1}/${n})`;
}

/**
 * One graph of the metrics of many entities (each entity's metrics kept together), split into as
 * many graphs as CloudWatch's per-widget metric limit needs.
 */
function graphs<T>(title: string, region: string, entities: T[], metricsOf: (e: T) => MetricEntry[], options: Record<string, unknown> = {}): Sized[] {
    const perEntity = Math.max(1, ...entities.map((e) => metricsOf(e).length));
    const groups = slices(entities, Math.floor(MAX_METRICS_PER_WIDGET / perEntity));
    return groups.map((g, i) => graph(part(title, i, groups.length), region, g.flatMap(metricsOf), options));
}

function graph(title: string, region: string, metrics: MetricEntry[], options: Record<string, unknown> = {}, width = 12, height = 6): Sized {
    if (metrics.length > MAX_METRICS_PER_WIDGET) throw new PavedError(`dashboard widget "${title}" has ${metrics.length} metrics; CloudWatch shows at most ${MAX_METRICS_PER_WIDGET}`);
    return { type: "metric", width, height, properties: { title, region, view: "timeSeries", stacked: false, metrics, ...options } };
}

/**
 * Hidden metrics `prefix0..n` and one math expression that keeps the top 10 of them. The
 * expression's id does not start with the prefix, so `METRICS(prefix)` never selects it.
 */
function topTen(prefix: string, rows: { label: string; metric: string[] }[], fn: "MAX" | "SUM", label: string): MetricEntry[] {
    return [
        [{ expression: `SORT(METRICS("${prefix}"), ${fn}, DESC, 10)`, id: "top", label }],
        ...rows.map((r, i) => [...r.metric, { id: `${prefix}${i}`, label: r.label, visible: false }] as MetricEntry),
    ];
}

/** The dashboard of one environment: builds, jobs, queues, cluster, services and the site. */
export function dashboardBody(d: DashboardInputs): DashboardBody {
    const r = d.region;
    const header: Sized = {
        type: "text",
        width: GRID_WIDTH,
        height: 2,
        properties: {
            markdown: `# Paved ${d.environment}\nBuilds, jobs, queues, cluster, services and the site of **${d.environment}**. Failures are notified on the environment's topic; \`paved status ${d.environment}\` lists every app, job and service.`,
        },
    };
    const alarmSlices = slices(d.alarmArns, MAX_ALARMS_PER_WIDGET);
    const alarms: Sized[] = alarmSlices.map((arns, i) => ({
        type: "alarm",
        width: GRID_WIDTH,
        height: 3,
        properties: { title: part("Alarms", i, alarmSlices.length), alarms: arns, sortBy: "stateUpdatedTimestamp" },
    }));

    // The top-10 expression takes one of the widget's metrics; past that, apps are split into
    // groups, each graph showing its group's top 10.
    const buildSlices = slices(
        d.buildProjects.map((p) => ({ label: p.label, project: p.project })),
        MAX_METRICS_PER_WIDGET - 1,
    );
    const buildRow: Sized[] = buildSlices.flatMap((builds, i) => [
        graph(
            part("Build duration, 10 slowest (seconds)", i, buildSlices.length),
            r,
            topTen("d", builds.map((b) => ({ label: b.label, metric: ["AWS/CodeBuild", "Duration", "ProjectName", b.project] })), "MAX", "slowest"),
            { stat: "Maximum", period: 3600 },
        ),
        graph(
            part("Failed builds, 10 most", i, buildSlices.length),
            r,
            topTen("f", builds.map((b) => ({ label: b.label, metric: ["AWS/CodeBuild", "FailedBuilds", "ProjectName", b.project] })), "SUM", "failed"),
            { stat: "Sum", period: 3600 },
        ),
    ]);

    const jobRow: Sized[] = [];
    if (d.scheduledJobs.length) {
        jobRow.push(
            ...graphs(
                "Scheduled job runs",
                r,
                d.scheduledJobs,
                (j): MetricEntry[] => [
                    ["AWS/States", "ExecutionsSucceeded", "StateMachineArn", j.stateMachineArn, { label: `${j.job} succeeded` }],
                    ["AWS/States", "ExecutionsFailed", "StateMachineArn", j.stateMachineArn, { label: `${j.job} failed` }],
                    ["AWS/States", "ExecutionsTimedOut", "StateMachineArn", j.stateMachineArn, { label: `${j.job} timed out` }],
                ],
                { stat: "Sum", period: 3600, view: "bar" },
            ),
        );
    }
    if (d.jobRules.length) {
        jobRow.push(
            ...graphs(
                "Failed job tasks (on demand and queue workers)",
                r,
                d.jobRules,
                (j): MetricEntry[] => [["AWS/Events", "TriggeredRules", "RuleName", j.ruleName, { label: j.job }]],
                { stat: "Sum", period: 3600, view: "bar" },
            ),
        );
    }

    const queueRow: Sized[] = d.queues.length
        ? [
              ...graphs("Queue depth (visible messages)", r, d.queues, (q): MetricEntry[] => [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q.queueName, { label: q.job }]], {
                  stat: "Maximum",
                  period: 60,
              }),
              ...graphs(
                  "Dead-letter queues (any message alarms)",
                  r,
                  d.queues,
                  (q): MetricEntry[] => [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q.deadLetterQueueName, { label: `${q.job} DLQ` }]],
                  { stat: "Maximum", period: 60 },
              ),
          ]
        : [];

    const clusterRow: Sized[] = [];
    if (d.cluster) {
        const c = d.cluster.clusterName;
        clusterRow.push(
            graph(
                `Cluster ${c}: instances and tasks`,
                r,
                [
                    ["ECS/ContainerInsights", "ContainerInstanceCount", "ClusterName", c, { label: "instances" }],
                    ["ECS/ContainerInsights", "TaskCount", "ClusterName", c, { label: "tasks" }],
                ],
                { stat: "Average", period: 300 },
            ),
        );
        const capacity: MetricEntry[] = [
            ["AWS/ECS", "CPUReservation", "ClusterName", c, { label: "CPU reserved %" }],
            ["AWS/ECS", "MemoryReservation", "ClusterName", c, { label: "memory reserved %" }],
        ];
        if (d.cluster.capacityProviderName) {
            capacity.push(["AWS/ECS/ManagedScaling", "CapacityProviderReservation", "CapacityProviderName", d.cluster.capacityProviderName, "ClusterName", c, { label: "capacity provider reservation %" }]);
        }
        clusterRow.push(graph(`Cluster ${c}: capacity`, r, capacity, { stat: "Average", period: 300, yAxis: { left: { min: 0, max: 100 } } }));
    }

    const serviceRow: Sized[] = [];
    if (d.services.length) {
        serviceRow.push(
            ...graphs(
                "Services: running and desired tasks",
                r,
                d.services,
                (s): MetricEntry[] => [
                    ["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", s.clusterName, "ServiceName", s.serviceName, { label: `${s.label} running` }],
                    ["ECS/ContainerInsights", "DesiredTaskCount", "ClusterName", s.clusterName, "ServiceName", s.serviceName, { label: `${s.label} desired` }],
                ],
                { stat: "Average", period: 60 },
            ),
        );
        const behind = d.services.filter((s) => s.targetGroup);
        const loadBalancer = d.loadBalancer;
        if (behind.length && loadBalancer) {
            serviceRow.push(
                ...graphs(
                    "Services: 5xx answers (load balancer targets)",
                    r,
                    behind,
                    (s): MetricEntry[] => [["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "TargetGroup", s.targetGroup!, "LoadBalancer", loadBalancer, { label: s.label }]],
                    { stat: "Sum", period: 300 },
                ),
            );
        }
    }

    const siteRow: Sized[] = [];
    if (d.distributionId) {
        const dims = ["DistributionId", d.distributionId, "Region", "Global"];
        siteRow.push(graph("Site requests", CLOUDFRONT_METRICS_REGION, [["AWS/CloudFront", "Requests", ...dims, { label: "requests" }]], { stat: "Sum", period: 300 }));
        siteRow.push(
            graph(
                "Site error rates (%)",
                CLOUDFRONT_METRICS_REGION,
                [
                    ["AWS/CloudFront", "4xxErrorRate", ...dims, { label: "4xx" }],
                    ["AWS/CloudFront", "5xxErrorRate", ...dims, { label: "5xx" }],
                ],
                { stat: "Average", period: 300 },
            ),
        );
    }

    return {
        start: "-PT12H",
        periodOverride: "inherit",
        widgets: layout([[header], alarms, buildRow, jobRow, queueRow, clusterRow, serviceRow, siteRow]),
    };
}
