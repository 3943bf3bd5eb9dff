import { BatchGetBuildsCommand, ListBuildsForProjectCommand, CodeBuildClient } from "@aws-sdk/client-codebuild";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, Task } from "@aws-sdk/client-ecs";
import { GetScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { ListExecutionsCommand, SFNClient } from "@aws-sdk/client-sfn";
import { CloudFrontKeyValueStoreClient } from "@aws-sdk/client-cloudfront-keyvaluestore";
import awsCronParser from "aws-cron-parser";
import type { EnvironmentOutputs, JobOutputs } from "../../components/environment/outputs";
import { formatDuration } from "./build-fleet";
import { Clock, systemClock } from "./clock";
import { errorMessage, errorName } from "./errors";
import { storedRelease } from "./releases";
import { withBackoff } from "./retry";

/**
 * `paved status`: what runs in an environment, read from its stack outputs (every name) and AWS:
 * each app's release and last build, each job's last and next run, each service's tasks,
 * deployment and image. Pure rendering functions turn the result into tables, JSON or a page.
 */

export interface StatusClients {
    codebuild: Pick<CodeBuildClient, "send">;
    kvs: Pick<CloudFrontKeyValueStoreClient, "send">;
    ecs: Pick<ECSClient, "send">;
    sfn: Pick<SFNClient, "send">;
    scheduler: Pick<SchedulerClient, "send">;
}

export interface AppStatus {
    app: string;
    url: string;
    buildProject: string;
    release?: string;
    /** When the release was built (from its id, `<UTC yyyymmddHHMMSS>-<sha>`). */
    releasedAt?: string;
    lastBuild?: { id: string; status: string; startedAt?: string; durationMs?: number; logLink?: string };
    /** What could not be read. */
    error?: string;
}

export interface JobRun {
    startedAt?: string;
    stoppedAt?: string;
    /** SUCCEEDED, FAILED, RUNNING, TIMED_OUT, ABORTED... */
    result: string;
    detail?: string;
}

export interface JobStatus {
    job: string;
    trigger: JobOutputs["trigger"];
    lastRun?: JobRun;
    /** Scheduled jobs: the next run (ISO), or why it is not known. */
    nextRun?: string;
    schedule?: string;
    /** Queue jobs: their workers. */
    workers?: { running: number; desired: number };
    error?: string;
}

export interface ServiceStatus {
    app: string;
    service: string;
    running?: number;
    desired?: number;
    pending?: number;
    /** The primary deployment's rollout state: COMPLETED, IN_PROGRESS or FAILED. */
    deployment?: string;
    deploymentReason?: string;
    image?: string;
    taskDefinition?: string;
    error?: string;
}

export interface EnvironmentStatus {
    environment: string;
    region: string;
    generatedAt: string;
    siteUrl: string;
    dashboardUrl?: string;
    apps: AppStatus[];
    jobs: JobStatus[];
    services: ServiceStatus[];
}

/** AWS calls at once: status reads are many small calls (one per app for the release and builds). */
const CONCURRENCY = 8;
/** DescribeServices and DescribeTasks take at most 10 and 100 names per call. */
const DESCRIBE_SERVICES_MAX = 10;
const DESCRIBE_TASKS_MAX = 100;
const BATCH_GET_BUILDS_MAX = 100;

async function pool<T, U>(items: T[], fn: (item: T) => Promise<U>): Promise<U[]> {
    const out: U[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
    return out;
}

const chunk = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));
const describe = (e: unknown) => `${errorName(e) || "Error"}: ${errorMessage(e)}`;
const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);

/** The UTC time a release id names (`20250101120000-abc1234` → 2025-01-01T12:00:00Z), if it names one. */
export function releaseTime(id: string): Date | undefined {
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})-/.exec(id);
    if (!m) return undefined;
    const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
    return Number.isNaN(d.getTime()) ? undefined : d;
}

/** `date`'s wall clock in `timeZone`, as a Date whose UTC fields are that wall clock. */
function wallClock(date: Date, timeZone: string): Date {
    const parts = Object.fromEntries(
        new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
            .formatToParts(date)
            .map((p) => [p.type, p.value]),
    );
    return new Date(Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second));
}

/** The instant whose wall clock in `timeZone` is `wall` (the later one across a DST overlap). */
function fromWallClock(wall: Date, timeZone: string): Date {
    let t = new Date(wall.getTime());
    for (let i = 0; i < 3; i++) t = new Date(t.getTime() + (wall.getTime() - wallClock(t, timeZone).getTime()));
    return t;
}

const RATE_UNITS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };

/**
 * The next time an EventBridge Scheduler expression fires after `now`: `cron(...)` in its time
 * zone, `rate(...)` from the last run, `at(...)` once. Undefined when it cannot be known.
 */
export function nextRun(expression: string, timeZone: string | undefined, now: Date, lastStart?: Date): Date | undefined {
    const tz = timeZone || "UTC";
    const cron = /^cron\((.+)\)$/.exec(expression.trim());
    if (cron) {
        const parsed = awsCronParser.parse(cron[1]);
        const next = awsCronParser.next(parsed, wallClock(now, tz));
        return next ? fromWallClock(next, tz) : undefined;
    }
    const rate = /^rate\((\d+)\s+(minutes?|hours?|days?)\)$/.exec(expression.trim());
    if (rate) {
        if (!lastStart) return undefined;
        const every = Number(rate[1]) * RATE_UNITS[rate[2]];
        const missed = Math.max(0, Math.floor((now.getTime() - lastStart.getTime()) / every));
        return new Date(lastStart.getTime() + (missed + 1) * every);
    }
    const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression.trim());
    if (at) {
        const when = fromWallClock(new Date(`${at[1]}Z`), tz);
        return when > now ? when : undefined;
    }
    return undefined;
}

async function appStatuses(o: EnvironmentOutputs, c: StatusClients, clock: Clock): Promise<AppStatus[]> {
    const apps = Object.entries(o.apps).sort(([x], [y]) => x.localeCompare(y));
    const retry = <T>(fn: () => Promise<T>) => withBackoff(fn, { clock, maxAttempts: 5 });
    const base = await pool(apps, async ([app, a]): Promise<AppStatus & { buildId?: string }> => {
        const s: AppStatus & { buildId?: string } = { app, url: a.url, buildProject: a.buildProject };
        const errors: string[] = [];
        try {
            s.release = await retry(() => storedRelease({ kvs: c.kvs, keyValueStoreArn: o.site.keyValueStoreArn }, app));
            const t = s.release ? releaseTime(s.release) : undefined;
            if (t) s.releasedAt = t.toISOString();
        } catch (e) {
            errors.push(`release: ${describe(e)}`);
        }
        try {
            const out = await retry(() => c.codebuild.send(new ListBuildsForProjectCommand({ projectName: a.buildProject, sortOrder: "DESCENDING" })));
            s.buildId = out.ids?.[0];
        } catch (e) {
            errors.push(`builds: ${describe(e)}`);
        }
        if (errors.length) s.error = errors.join("; ");
        return s;
    });
    const ids = base.map((s) => s.buildId).filter((x): x is string => Boolean(x));
    const builds = new Map<string, AppStatus["lastBuild"]>();
    for (const group of chunk(ids, BATCH_GET_BUILDS_MAX)) {
        try {
            const out = await retry(() => c.codebuild.send(new BatchGetBuildsCommand({ ids: group })));
            for (const b of out.builds ?? []) {
                if (!b.id) continue;
                builds.set(b.id, {
                    id: b.id,
                    status: b.buildStatus ?? "UNKNOWN",
                    startedAt: iso(b.startTime),
                    durationMs: b.startTime && b.endTime ? b.endTime.getTime() - b.startTime.getTime() : undefined,
                    logLink: b.logs?.deepLink,
                });
            }
        } catch (e) {
            for (const s of base) if (s.buildId && group.includes(s.buildId)) s.error = [s.error, `builds: ${describe(e)}`].filter(Boolean).join("; ");
        }
    }
    return base.map(({ buildId, ...s }) => ({ ...s, ...(buildId && builds.get(buildId) ? { lastBuild: builds.get(buildId) } : {}) }));
}

/** The last run of a job started by RunTask or by its workers: ECS keeps stopped tasks about an hour. */
async function lastTask(ecs: StatusClients["ecs"], cluster: string, family: string, container: string): Promise<JobRun | undefined> {
    const arns: string[] = [];
    for (const desiredStatus of ["RUNNING", "STOPPED"] as const) {
        const out = await ecs.send(new ListTasksCommand({ cluster, family, desiredStatus, maxResults: 100 }));
        arns.push(...(out.taskArns ?? []));
    }
    if (arns.length === 0) return undefined;
    const tasks: Task[] = [];
    for (const group of chunk(arns, DESCRIBE_TASKS_MAX)) tasks.push(...((await ecs.send(new DescribeTasksCommand({ cluster, tasks: group }))).tasks ?? []));
    const latest = tasks.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0];
    if (!latest) return undefined;
    const c = latest.containers?.find((x) => x.name === container) ?? latest.containers?.[0];
    const run: JobRun = { startedAt: iso(latest.startedAt ?? latest.createdAt), stoppedAt: iso(latest.stoppedAt), result: "RUNNING" };
    if (latest.lastStatus !== "STOPPED") return { ...run, result: latest.lastStatus ?? "RUNNING" };
    if (c?.exitCode === 0) return { ...run, result: "SUCCEEDED", detail: "exit 0" };
    if (c?.exitCode !== undefined) return { ...run, result: "FAILED", detail: `exit ${c.exitCode}${c.reason ? `: ${c.reason}` : ""}` };
    return { ...run, result: "FAILED", detail: latest.stoppedReason ?? latest.stopCode ?? "stopped before its container ran" };
}

async function jobStatuses(o: EnvironmentOutputs, c: StatusClients, now: Date, clock: Clock): Promise<JobStatus[]> {
    const jobs = Object.entries(o.jobs).sort(([x], [y]) => x.localeCompare(y));
    const retry = <T>(fn: () => Promise<T>) => withBackoff(fn, { clock, maxAttempts: 5 });
    const statuses = await pool(jobs, async ([job, j]): Promise<JobStatus> => {
        const s: JobStatus = { job, trigger: j.trigger };
        try {
            if (j.trigger === "schedule") {
                if (!j.stateMachineArn) throw new Error("the stack outputs name no state machine; deploy again (pulumi up)");
                const out = await retry(() => c.sfn.send(new ListExecutionsCommand({ stateMachineArn: j.stateMachineArn, maxResults: 1 })));
                const e = out.executions?.[0];
                if (e) s.lastRun = { startedAt: iso(e.startDate), stoppedAt: iso(e.stopDate), result: e.status ?? "UNKNOWN", detail: e.name };
                if (j.scheduleName) {
                    const schedule = await retry(() => c.scheduler.send(new GetScheduleCommand({ Name: j.scheduleName })));
                    s.schedule = `${schedule.ScheduleExpression}${schedule.ScheduleExpressionTimezone ? ` ${schedule.ScheduleExpressionTimezone}` : ""}`;
                    if (schedule.State === "DISABLED") s.nextRun = "schedule disabled";
                    else if (schedule.ScheduleExpression) {
                        const next = nextRun(schedule.ScheduleExpression, schedule.ScheduleExpressionTimezone, now, e?.startDate);
                        s.nextRun = next ? next.toISOString() : undefined;
                    }
                }
            } else {
                s.lastRun = await retry(() => lastTask(c.ecs, j.runTask.cluster, j.runTask.taskDefinitionFamily, j.runTask.containerName));
            }
            if (j.trigger === "queue" && j.workerService) {
                const out = await retry(() => c.ecs.send(new DescribeServicesCommand({ cluster: j.runTask.cluster, services: [j.workerService!] })));
                const svc = out.services?.[0];
                if (svc) s.workers = { running: svc.runningCount ?? 0, desired: svc.desiredCount ?? 0 };
            }
        } catch (e) {
            s.error = describe(e);
        }
        return s;
    });
    return statuses;
}

async function serviceStatuses(o: EnvironmentOutputs, c: StatusClients, clock: Clock): Promise<ServiceStatus[]> {
    const services = Object.entries(o.services).sort(([x], [y]) => x.localeCompare(y));
    const retry = <T>(fn: () => Promise<T>) => withBackoff(fn, { clock, maxAttempts: 5 });
    const out: ServiceStatus[] = services.map(([app, s]) => ({ app, service: s.service }));
    const byCluster = new Map<string, number[]>();
    services.forEach(([, s], i) => byCluster.set(s.cluster, [...(byCluster.get(s.cluster) ?? []), i]));
    for (const [cluster, indexes] of byCluster) {
        for (const group of chunk(indexes, DESCRIBE_SERVICES_MAX)) {
            try {
                const res = await retry(() => c.ecs.send(new DescribeServicesCommand({ cluster, services: group.map((i) => services[i][1].service) })));
                for (const i of group) {
                    const s = out[i];
                    const svc = res.services?.find((x) => x.serviceName === s.service);
                    if (!svc) {
                        const failure = res.failures?.find((f) => f.arn?.endsWith(`/${s.service}`));
                        s.error = `not found in cluster ${cluster}${failure?.reason ? ` (${failure.reason})` : ""}`;
                        continue;
                    }
                    const primary = svc.deployments?.find((d) => d.status === "PRIMARY") ?? svc.deployments?.[0];
                    Object.assign(s, {
                        running: svc.runningCount ?? 0,
                        desired: svc.desiredCount ?? 0,
                        pending: svc.pendingCount ?? 0,
                        deployment: primary?.rolloutState ?? (svc.deployments && svc.deployments.length > 1 ? "IN_PROGRESS" : "COMPLETED"),
                        deploymentReason: primary?.rolloutStateReason,
                        taskDefinition: svc.taskDefinition,
                    });
                }
            } catch (e) {
                for (const i of group) out[i].error = describe(e);
            }
        }
    }
    await pool(
        out.filter((s) => s.taskDefinition),
        async (s) => {
            try {
                const td = await retry(() => c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: s.taskDefinition })));
                const container = o.services[s.app].containerName;
                s.image = (td.taskDefinition?.containerDefinitions?.find((x) => x.name === container) ?? td.taskDefinition?.containerDefinitions?.[0])?.image;
            } catch (e) {
                s.error = `image: ${describe(e)}`;
            }
        },
    );
    return out;
}

/** Everything `paved status` shows, read from the outputs' names. Errors per row, never all-or-nothing. */
export async function collectStatus(outputs: EnvironmentOutputs, clients: StatusClients, clock: Clock = systemClock, now = new Date()): Promise<EnvironmentStatus> {
    const [apps, jobs, services] = await Promise.all([appStatuses(outputs, clients, clock), jobStatuses(outputs, clients, now, clock), serviceStatuses(outputs, clients, clock)]);
    return {
        environment: outputs.environment,
        region: outputs.region,
        generatedAt: now.toISOString(),
        siteUrl: outputs.site.url,
        dashboardUrl: outputs.operations?.dashboardUrl,
        apps,
        jobs,
        services,
    };
}

/** `3h ago`, `2d ago`, `in 12m`. */
export function relative(isoTime: string | undefined, now: Date): string {
    if (!isoTime) return "-";
    const t = new Date(isoTime).getTime();
    if (Number.isNaN(t)) return isoTime;
    const ms = now.getTime() - t;
    const abs = Math.abs(ms);
    const minutes = Math.floor(abs / 60_000);
    const hours = Math.floor(minutes / 60);
    const days = Math.floor(hours / 24);
    const span = days >= 2 ? `${days}d` : hours >= 1 ? `${hours}h${minutes % 60 ? `${String(minutes % 60).padStart(2, "0")}m` : ""}` : minutes >= 1 ? `${minutes}m` : `${Math.round(abs / 1000)}s`;
    return ms >= 0 ? `${span} ago` : `in ${span}`;
}

function table(rows: string[][]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd()).join("\n");
}

/** The rows of each table, as both the terminal and the page show them. */
export function statusRows(s: EnvironmentStatus): { apps: string[][]; jobs: string[][]; services: string[][] } {
    const now = new Date(s.generatedAt);
    return {
        apps: [
            ["APP", "RELEASE", "RELEASED", "LAST BUILD", "STARTED", "DURATION", "URL"],
            ...s.apps.map((a) => [
                a.app,
                a.release ?? (a.error?.startsWith("release") ? "?" : "none"),
                relative(a.releasedAt, now),
                a.lastBuild?.status ?? (a.error ? "?" : "never built"),
                relative(a.lastBuild?.startedAt, now),
                a.lastBuild?.durationMs !== undefined ? formatDuration(a.lastBuild.durationMs) : "-",
                a.url,
            ]),
        ],
        jobs: [
            ["JOB", "TRIGGER", "LAST RUN", "RESULT", "NEXT RUN", "WORKERS"],
            ...s.jobs.map((j) => [
                j.job,
                j.trigger === "schedule" ? `schedule ${j.schedule ?? ""}`.trim() : j.trigger === "queue" ? "queue" : "on demand",
                relative(j.lastRun?.startedAt, now),
                j.error ? `? ${j.error}` : j.lastRun ? `${j.lastRun.result}${j.lastRun.detail && j.lastRun.result !== "SUCCEEDED" ? ` (${j.lastRun.detail})` : ""}` : j.trigger === "schedule" ? "never ran" : "no run in the last hour",
                j.nextRun && !Number.isNaN(new Date(j.nextRun).getTime()) ? `${j.nextRun.replace(/\.\d{3}Z$/, "Z")} (${relative(j.nextRun, now)})` : j.nextRun ?? "-",
                j.workers ? `${j.workers.running}/${j.workers.desired}` : "-",
            ]),
        ],
        services: [
            ["SERVICE", "RUNNING/DESIRED", "PENDING", "DEPLOYMENT", "IMAGE"],
            ...s.services.map((v) => [
                v.app,
                v.running !== undefined ? `${v.running}/${v.desired}` : "?",
                v.pending !== undefined ? String(v.pending) : "-",
                v.error ? `? ${v.error}` : `${v.deployment ?? "-"}${v.deployment === "FAILED" && v.deploymentReason ? ` (${v.deploymentReason})` : ""}`,
                v.image ?? "-",
            ]),
        ],
    };
}

/** The three tables for a terminal. */
export function renderStatus(s: EnvironmentStatus): string {
    const r = statusRows(s);
    const problems = [...s.apps.filter((a) => a.error).map((a) => `app ${a.app}: ${a.error}`)];
    return [
        `${s.environment} (${s.region}) at ${s.generatedAt} · ${s.siteUrl}${s.dashboardUrl ? ` · dashboard ${s.dashboardUrl}` : ""}`,
        "",
        table(r.apps),
        "",
        table(r.jobs),
        "",
        r.services.length > 1 ? table(r.services) : "no services",
        ...(problems.length ? ["", "could not read:", ...problems.map((p) => `  ${p}`)] : []),
    ].join("\n");
}

const escapeHtml = (x: string) => x.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A CSS class for a status word, so failures stand out. */
function tone(text: string): string {
    if (/^(FAILED|FAULT|TIMED_OUT|ABORTED|STOPPED|\?)/.test(text)) return "bad";
    if (/^(IN_PROGRESS|RUNNING|PENDING|PROVISIONING)/.test(text)) return "busy";
    if (/^(SUCCEEDED|COMPLETED)/.test(text)) return "good";
    return "";
}

/**
 * A self-contained status page (inline CSS, no scripts, nothing fetched): the three tables with
 * a row per app, job and service; links only to the site and the consoles.
 */
export function renderStatusHtml(s: EnvironmentStatus): string {
    const r = statusRows(s);
    const statusColumns: Record<string, number[]> = { apps: [3], jobs: [3], services: [3] };
    const section = (id: string, title: string, rows: string[][], key: string, linkColumn?: number) => {
        const [head, ...body] = rows;
        const cells = (row: string[]) =>
            row
                .map((cell, i) => {
                    const cls = statusColumns[id].includes(i) ? tone(cell) : "";
                    const content = i === linkColumn && /^https:\/\//.test(cell) ? `<a href="${escapeHtml(cell)}">${escapeHtml(cell)}</a>` : escapeHtml(cell);
                    return `<td${cls ? ` class="${cls}"` : ""}>${content}</td>`;
                })
                .join("");
        return `<section>
<h2>${escapeHtml(title)} <span class="count">${body.length}</span></h2>
<table id="${id}">
<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead>
<tbody>
${body.map((row) => `<tr data-${key}="${escapeHtml(row[0])}">${cells(row)}</tr>`).join("\n")}
</tbody>
</table>
</section>`;
    };
    const failing = [...s.apps.filter((a) => /FAILED|FAULT|TIMED_OUT/.test(a.lastBuild?.status ?? "")), ...s.jobs.filter((j) => j.lastRun?.result === "FAILED" || j.error), ...s.services.filter((v) => v.deployment === "FAILED" || v.error || (v.running ?? 0) < (v.desired ?? 0))].length;
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Paved ${escapeHtml(s.environment)} status</title>
<style>
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1d232a; background: #fafbfc; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
.meta { color: #57606a; margin-bottom: 8px; }
.summary { display: inline-block; padding: 2px 10px; border-radius: 12px; background: #dafbe1; color: #116329; font-weight: 600; }
.summary.bad { background: #ffebe9; color: #a40e26; }
.count { color: #57606a; font-weight: normal; }
table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e5e8eb; white-space: nowrap; }
th { background: #f1f3f5; font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
td.good { color: #116329; font-weight: 600; }
td.bad { color: #a40e26; font-weight: 600; }
td.busy { color: #9a6700; font-weight: 600; }
a { color: #0969da; text-decoration: none; }
</style>
</head>
<body>
<h1>Paved ${escapeHtml(s.environment)}</h1>
<div class="meta">${escapeHtml(s.region)} · generated ${escapeHtml(s.generatedAt)} · <a href="${escapeHtml(s.siteUrl)}">${escapeHtml(s.siteUrl)}</a>${s.dashboardUrl ? ` · <a href="${escapeHtml(s.dashboardUrl)}">CloudWatch dashboard</a>` : ""}</div>
<div class="summary${failing ? " bad" : ""}" id="summary">${failing ? `${failing} need${failing === 1 ? "s" : ""} attention` : "all good"}</div>
${section("apps", "Apps", r.apps, "app", 6)}
${section("jobs", "Jobs", r.jobs, "job")}
${section("services", "Services", r.services, "service")}
</body>
</html>
`;
}
