import * as assert from "assert";
import type { ProgramResult } from "../../components/testing";
import { DashboardInputs, GRID_WIDTH, dashboardBody } from "../../components/operations/dashboard";
import { sharedPlan } from "../support/plans";

/**
 * The dashboard body against "Dashboard Body Structure and Syntax"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html),
 * and every metric it shows against the resources the environment's plan has.
 */

const STATS = /^(SampleCount|Average|Sum|Minimum|Maximum|p\d{1,2}(\.\d+)?|p100)$/;
const VIEWS = ["timeSeries", "singleValue", "gauge", "bar", "pie", "table"];
const METRIC_ID = /^[a-z][a-zA-Z0-9_]*$/;

/** Every structural rule of the documented body the dashboard uses; returns the problems. */
export function dashboardProblems(body: any): string[] {
    const out: string[] = [];
    if (typeof body !== "object" || !Array.isArray(body.widgets)) return ["the body must be an object with a widgets array"];
    if (body.widgets.length > 500) out.push("at most 500 widgets");
    if (body.periodOverride !== undefined && !["auto", "inherit"].includes(body.periodOverride)) out.push(`periodOverride ${body.periodOverride}`);
    if (body.start !== undefined && !/^-P(T?\d+[SMHDW])+$|^-PT?\d+[MHDW]/.test(body.start)) out.push(`start ${body.start} is not an ISO 8601 duration before now`);
    const cells = new Set<string>();
    body.widgets.forEach((w: any, i: number) => {
        const where = `widgets[${i}] (${w.properties?.title ?? w.type})`;
        if (!["metric", "text", "log", "alarm", "explorer", "custom"].includes(w.type)) out.push(`${where}: type ${w.type}`);
        for (const [k, min, max] of [["x", 0, GRID_WIDTH - 1], ["y", 0, 10000], ["width", 1, GRID_WIDTH], ["height", 1, 1000]] as const) {
            if (!Number.isInteger(w[k]) || w[k] < min || w[k] > max) out.push(`${where}: ${k} ${w[k]} outside ${min}-${max}`);
        }
        if (w.x + w.width > GRID_WIDTH) out.push(`${where}: x + width exceeds the ${GRID_WIDTH}-column grid`);
        for (let x = w.x; x < w.x + w.width; x++)
            for (let y = w.y; y < w.y + w.height; y++) {
                if (cells.has(`${x},${y}`)) out.push(`${where}: overlaps another widget at ${x},${y}`);
                cells.add(`${x},${y}`);
            }
        const p = w.properties;
        if (typeof p !== "object" || p === null) return out.push(`${where}: properties is required`);
        if (w.type === "text" && typeof p.markdown !== "string") out.push(`${where}: markdown is required`);
        if (w.type === "alarm") {
            if (!Array.isArray(p.alarms) || p.alarms.length === 0 || p.alarms.length > 100) out.push(`${where}: 1-100 alarm ARNs`);
            for (const a of p.alarms ?? []) if (!/^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/.test(a)) out.push(`${where}: ${a} is not an alarm ARN`);
        }
        if (w.type === "metric") {
            if (typeof p.region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(p.region)) out.push(`${where}: region is required`);
            if (p.view !== undefined && !VIEWS.includes(p.view)) out.push(`${where}: view ${p.view}`);
            if (p.stat !== undefined && !STATS.test(p.stat)) out.push(`${where}: stat ${p.stat}`);
            if (p.period !== undefined && (!Number.isInteger(p.period) || p.period % 60 !== 0)) out.push(`${where}: period ${p.period} is not a multiple of 60`);
            if (!Array.isArray(p.metrics) || p.metrics.length === 0 || p.metrics.length > 500) out.push(`${where}: 1-500 metrics`);
            const ids = new Set<string>();
            const metricIds = new Set<string>();
            const expressions: string[] = [];
            for (const m of p.metrics ?? []) {
                if (!Array.isArray(m) || m.length === 0) {
                    out.push(`${where}: a metric must be an array`);
                    continue;
                }
                const last = m[m.length - 1];
                const options = typeof last === "object" && last !== null ? last : undefined;
                const parts = options ? m.slice(0, -1) : m;
                if (parts.length === 0) {
                    if (typeof options?.expression !== "string" || typeof options.id !== "string") out.push(`${where}: an expression entry needs expression and id`);
                    else expressions.push(options.expression);
                } else if (parts.length < 2 || parts.length % 2 !== 0 || parts.some((x: unknown) => typeof x !== "string" || x === "")) {
                    out.push(`${where}: ${JSON.stringify(m)} is not [namespace, metric, (dimension, value)...]`);
                } else if (parts.length > 2 + 2 * 30) out.push(`${where}: at most 30 dimensions`);
                if (options?.id !== undefined) {
                    if (!METRIC_ID.test(options.id)) out.push(`${where}: id ${options.id} must start with a lowercase letter`);
                    if (ids.has(options.id)) out.push(`${where}: id ${options.id} is used twice`);
                    ids.add(options.id);
                    if (parts.length > 0) metricIds.add(options.id);
                }
                if (options?.stat !== undefined && !STATS.test(options.stat)) out.push(`${where}: stat ${options.stat}`);
                if (options?.visible !== undefined && typeof options.visible !== "boolean") out.push(`${where}: visible must be a boolean`);
            }
            for (const e of expressions) {
                for (const [, prefix] of e.matchAll(/METRICS\("([^"]*)"\)/g)) {
                    if (![...metricIds].some((id) => id.startsWith(prefix))) out.push(`${where}: ${e} selects no metric id starting with "${prefix}"`);
                    if ([...ids].some((id) => !metricIds.has(id) && id.startsWith(prefix))) out.push(`${where}: ${e} would select an expression (its id starts with "${prefix}")`);
                }
            }
        }
    });
    return out;
}

/** Names of planned resources by the dimension CloudWatch uses for them. */
function plannedNames(plan: ProgramResult): Record<string, Set<string>> {
    const of = (type: string, pick: (o: Record<string, any>) => unknown) =>
        new Set(plan.resources.filter((r) => r.type === type).map((r) => String(pick({ ...r.outputs, ...r.inputs, id: r.id }))));
    return {
        ProjectName: of("aws:codebuild/project:Project", (o) => o.name),
        StateMachineArn: of("aws:sfn/stateMachine:StateMachine", (o) => o.arn),
        RuleName: of("aws:cloudwatch/eventRule:EventRule", (o) => o.name),
        QueueName: of("aws:sqs/queue:Queue", (o) => o.name),
        ClusterName: of("aws:ecs/cluster:Cluster", (o) => o.name),
        ServiceName: of("aws:ecs/service:Service", (o) => o.name),
        CapacityProviderName: of("aws:ecs/capacityProvider:CapacityProvider", (o) => o.name),
        TargetGroup: of("aws:lb/targetGroup:TargetGroup", (o) => o.arnSuffix),
        LoadBalancer: of("aws:lb/loadBalancer:LoadBalancer", (o) => o.arnSuffix),
        DistributionId: of("aws:cloudfront/distribution:Distribution", (o) => o.id),
        Region: new Set(["Global"]),
    };
}

function dashboardOf(plan: ProgramResult): any {
    const d = plan.resources.filter((r) => r.type === "aws:cloudwatch/dashboard:Dashboard");
    assert.strictEqual(d.length, 1, "one dashboard per environment");
    return JSON.parse(d[0].inputs.dashboardBody);
}

describe("the environment dashboard", function () {
    this.timeout(120000);

    for (const env of ["dev", "prod"]) {
        it(`${env}: has the documented body structure`, async () => {
            const body = dashboardOf(await sharedPlan(env));
            assert.deepStrictEqual(dashboardProblems(body), []);
        });

        it(`${env}: shows only metrics of resources the plan has, and every kind it promises`, async () => {
            const plan = await sharedPlan(env);
            const body = dashboardOf(plan);
            const names = plannedNames(plan);
            const unknown: string[] = [];
            const namespaces = new Set<string>();
            let dimensions = 0;
            for (const w of body.widgets.filter((x: any) => x.type === "metric")) {
                for (const m of w.properties.metrics) {
                    const parts = m.filter((x: unknown) => typeof x === "string");
                    if (parts.length === 0) continue;
                    namespaces.add(parts[0]);
                    for (let i = 2; i < parts.length; i += 2) {
                        dimensions++;
                        if (!names[parts[i]]) unknown.push(`${w.properties.title}: dimension ${parts[i]} is not checked`);
                        else if (!names[parts[i]].has(parts[i + 1])) unknown.push(`${w.properties.title}: ${parts[i]}=${parts[i + 1]} is not in the plan`);
                    }
                }
                if (w.properties.metrics.some((m: any[]) => m[0] === "AWS/CloudFront")) assert.strictEqual(w.properties.region, "us-east-1", "CloudFront metrics live in us-east-1");
                else assert.strictEqual(w.properties.region, "eu-west-1");
            }
            assert.deepStrictEqual(unknown, []);
            assert.ok(dimensions > 150, `checked ${dimensions} dimensions`);
            assert.deepStrictEqual(
                [...namespaces].sort(),
                ["AWS/ApplicationELB", "AWS/CloudFront", "AWS/CodeBuild", "AWS/ECS", "AWS/ECS/ManagedScaling", "AWS/Events", "AWS/SQS", "AWS/States", "ECS/ContainerInsights"],
            );
            const alarms = new Set(plan.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.parent?.endsWith("::operations")).map((r) => r.outputs.arn));
            const shown = body.widgets.find((w: any) => w.type === "alarm").properties.alarms;
            assert.deepStrictEqual([...shown].sort(), [...alarms].sort(), "the alarm widget shows every alarm of the environment");
        });
    }

    it("ranks the 10 slowest builds and the 10 most failing with metric math over every app", async () => {
        const plan = await sharedPlan("dev");
        const body = dashboardOf(plan);
        const slowest = body.widgets.find((w: any) => /slowest/.test(w.properties.title ?? ""));
        const [top, ...hidden] = slowest.properties.metrics;
        assert.deepStrictEqual(top, [{ expression: 'SORT(METRICS("d"), MAX, DESC, 10)', id: "top", label: "slowest" }]);
        assert.strictEqual(hidden.length, 51, "50 apps and the build image");
        assert.ok(hidden.every((m: any[]) => m[1] === "Duration" && m[4].visible === false));
        const failed = body.widgets.find((w: any) => /Failed builds/.test(w.properties.title ?? ""));
        assert.strictEqual(failed.properties.metrics[0][0].expression, 'SORT(METRICS("f"), SUM, DESC, 10)');
    });

    it("lays out only the sections an environment has", () => {
        const minimal: DashboardInputs = { environment: "tiny", region: "eu-west-1", buildProjects: [], scheduledJobs: [], jobRules: [], queues: [], services: [], alarmArns: [] };
        const body = dashboardBody(minimal);
        assert.deepStrictEqual(body.widgets.map((w) => w.type), ["text"]);
        assert.deepStrictEqual(dashboardProblems(body), []);
    });

    it("splits a large environment's graphs and alarms over several widgets within CloudWatch's limits", () => {
        const huge: DashboardInputs = {
            environment: "huge",
            region: "eu-west-1",
            buildProjects: Array.from({ length: 1001 }, (_, i) => ({ label: `a${i}`, project: `p${i}` })),
            scheduledJobs: Array.from({ length: 240 }, (_, i) => ({ job: `j${i}`, stateMachineArn: `arn:aws:states:eu-west-1:111111111111:stateMachine:s${i}` })),
            jobRules: [],
            queues: [],
            services: [],
            alarmArns: Array.from({ length: 141 }, (_, i) => `arn:aws:cloudwatch:eu-west-1:111111111111:alarm:a${i}`),
        };
        const body = dashboardBody(huge);
        assert.deepStrictEqual(dashboardProblems(body), []);
        const titles = body.widgets.map((w) => String(w.properties.title ?? ""));
        assert.deepStrictEqual(titles.filter((t) => t.startsWith("Alarms")), ["Alarms (1/2)", "Alarms (2/2)"]);
        const alarmed = body.widgets.filter((w) => w.type === "alarm").flatMap((w) => w.properties.alarms as string[]);
        assert.deepStrictEqual(alarmed, huge.alarmArns, "every alarm shown once, in order");
        const durations = body.widgets.filter((w) => /^Build duration/.test(String(w.properties.title)));
        assert.deepStrictEqual(durations.map((w) => w.properties.title), [1, 2, 3].map((i) => `Build duration, 10 slowest (seconds) (${i}/3)`));
        const projects = durations.flatMap((w) => (w.properties.metrics as any[]).slice(1).map((m) => m[3]));
        assert.deepStrictEqual(projects, huge.buildProjects.map((p) => p.project), "every project in exactly one graph");
        const runs = body.widgets.filter((w) => /^Scheduled job runs/.test(String(w.properties.title)));
        assert.deepStrictEqual(runs.map((w) => (w.properties.metrics as any[]).length), [498, 222], "a job's three metrics stay in one graph");
    });

    it("the checker catches what CloudWatch would refuse", () => {
        const bad = {
            widgets: [
                { type: "metric", x: 20, y: 0, width: 6, height: 6, properties: { region: "eu-west-1", metrics: [["AWS/SQS", "NumberOfMessagesSent", "QueueName"]] } },
                { type: "text", x: 0, y: 0, width: 21, height: 2, properties: {} },
                { type: "metric", x: 0, y: 8, width: 6, height: 6, properties: { metrics: [[{ expression: 'SORT(METRICS("q"), MAX, DESC, 10)', id: "Top" }]] } },
            ],
        };
        const problems = dashboardProblems(bad);
        for (const expected of [/x \+ width exceeds/, /is not \[namespace, metric/, /overlaps/, /markdown is required/, /region is required/, /id Top must start/, /selects no metric id/]) {
            assert.ok(problems.some((p) => expected.test(p)), `${expected}: ${problems.join("; ")}`);
        }
    });
});
