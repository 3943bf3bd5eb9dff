import { instanceSize } from "../../components/config/instance-types";
import { PavedError } from "../../components/errors";
import { Assumptions, COMPUTE_TYPE_KEYS, DEFAULT_SERVER_TYPES, Prices, RegionPrices } from "./inputs";
import { DAYS_PER_MONTH, HOURS_PER_MONTH, Inventory, JobInfo } from "./inventory";

/**
 * A month of an environment in USD: its inventory (from the plan) times the usage assumptions
 * times the price table. Pure arithmetic, so every figure can be checked by hand.
 */

export interface LineItem {
    area: string;
    item: string;
    quantity: number;
    /** Unit of `quantity`, e.g. "h", "GB", "min", "M requests". */
    unit: string;
    /** USD per unit. */
    unitPrice: number;
    /** quantity x unitPrice. */
    monthly: number;
    detail?: string;
}

export interface BuildComparison {
    apps: number;
    buildsPerDay: number;
    /** The slowest app's average build: a full rebuild when every app builds at once. */
    fullRebuildMinutes: number;
    codebuildMonthly: number;
    servers: { computeType: string; serverType: string; count: number; hourly: number; monthly: number }[];
    serversMonthly: number;
    /** Fleet builds a day at which CodeBuild would cost what the servers cost. */
    breakEvenBuildsPerDay: number;
    formula: string[];
}

export interface Estimate {
    environment: string;
    region: string;
    currency: "USD";
    prices: { asOf: string; note: string; source: string[] };
    assumptions: Assumptions;
    lineItems: LineItem[];
    total: number;
    /** The cluster's share at its minimum and maximum size (everything else unchanged). */
    clusterRange?: { minInstances: number; maxInstances: number; atMin: number; atMax: number };
    comparison: BuildComparison;
}

/** Step Functions state transitions of a successful run: into RunTask, and out to the end. */
const TRANSITIONS_PER_RUN = 2;
/** SQS requests per message: send, receive, delete. */
const REQUESTS_PER_MESSAGE = 3;
/** A worker's empty long polls (20 s) per hour. */
const POLLS_PER_WORKER_HOUR = 180;
const MB_PER_GB = 1024;

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const dollars = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function regionPrices(prices: Prices, region: string): RegionPrices {
    const p = prices.regions[region];
    if (!p) {
        throw new PavedError(`no prices for region "${region}" (the table has ${Object.keys(prices.regions).join(", ")}); pass --prices <file> with regions.${region} holding the same keys as regions.eu-west-1`);
    }
    return p;
}

function lookup(table: Record<string, number>, key: string, where: string): number {
    const v = table[key];
    if (v === undefined) throw new PavedError(`prices.${where}.${key} is missing; add it with --prices <file> (${where}: { "${key}": <USD> })`);
    return v;
}

/** Builds a day and average minutes of each app, with the per-app exceptions applied. */
function appBuilds(inv: Inventory, a: Assumptions) {
    return inv.apps.map((app) => {
        const own = a.builds.apps[app.app] ?? {};
        return { ...app, perDay: own.perDay ?? a.builds.perAppPerDay, minutes: own.averageMinutes ?? a.builds.averageMinutes };
    });
}

/** Average minutes of one run of a scheduled or on-demand job. */
function runMinutes(job: JobInfo, a: Assumptions): number {
    return a.jobs.runMinutes[job.job] ?? (job.timeoutMinutes !== undefined ? job.timeoutMinutes * a.jobs.runFractionOfTimeout : a.jobs.onDemandRunMinutes);
}

/** Task-hours a month of a job. */
function taskHours(job: JobInfo, a: Assumptions): number {
    if (job.trigger === "queue") return a.jobs.queueWorkerHoursPerDay * DAYS_PER_MONTH;
    const runs = job.trigger === "schedule" ? job.runsPerMonth! : a.jobs.onDemandRunsPerMonth;
    return (runs * runMinutes(job, a)) / 60;
}

/** Share of the month a job keeps at least one instance up: its runs plus the scale-in delay after each. */
function busyShare(job: JobInfo, a: Assumptions): number {
    const tail = a.cluster.scaleInMinutes / 60;
    const hours = job.trigger === "queue" ? (a.jobs.queueWorkerHoursPerDay > 0 ? (a.jobs.queueWorkerHoursPerDay + tail) * DAYS_PER_MONTH : 0) : taskHours(job, a) + (job.trigger === "schedule" ? job.runsPerMonth! : a.jobs.onDemandRunsPerMonth) * tail;
    return Math.min(1, hours / HOURS_PER_MONTH);
}

export function estimate(environment: string, inv: Inventory, a: Assumptions, prices: Prices): Estimate {
    const p = regionPrices(prices, inv.region);
    const where = `regions.${inv.region}`;
    const items: LineItem[] = [];
    const add = (area: string, item: string, quantity: number, unit: string, unitPrice: number, detail?: string) => {
        if (quantity > 0) items.push({ area, item, quantity: round(quantity, 4), unit, unitPrice, monthly: round(quantity * unitPrice, 4), detail });
    };

    // Network: NAT gateways (hours, their public IPv4 address, data processed) and load balancers.
    if (inv.natGateways > 0) {
        add("network", "NAT gateway hours", inv.natGateways * HOURS_PER_MONTH, "h", p.natGatewayHour, `${inv.natGateways} NAT gateway${inv.natGateways === 1 ? "" : "s"} x ${HOURS_PER_MONTH} h`);
        add("network", "NAT gateway public IPv4", inv.natGateways * HOURS_PER_MONTH, "h", p.publicIpv4Hour);
        add("network", "NAT data processed", a.network.natGbPerMonth, "GB", p.natGatewayGb);
    }
    add("network", "load balancer hours", inv.loadBalancers * HOURS_PER_MONTH, "h", p.albHour, `${inv.loadBalancers} ALB`);
    add("network", "load balancer capacity units", inv.loadBalancers * a.network.lcuPerLoadBalancer * HOURS_PER_MONTH, "LCU-h", p.albLcuHour);

    // CloudFront and the router: every request runs the viewer-request function and reads the store.
    if (inv.distributions > 0) {
        const requestsM = a.traffic.requestsPerMonth / 1e6;
        add("cdn", "CloudFront data transfer out", a.traffic.gbPerMonth, "GB", p.cloudfrontGbOut, `price class ${inv.priceClasses.join(", ")}; US/Europe rate`);
        add("cdn", "CloudFront HTTPS requests", requestsM, "M requests", p.cloudfrontRequestsPerMillion);
        add("cdn", "CloudFront Functions (router)", requestsM * inv.viewerFunctions, "M invocations", p.cloudfrontFunctionsPerMillion);
        add("cdn", "KeyValueStore reads", requestsM * a.traffic.kvsReadsPerRequest, "M reads", p.kvsReadsPerMillion, `${a.traffic.kvsReadsPerRequest} per request`);
    }

    // Builds.
    const builds = appBuilds(inv, a);
    const buildsPerMonth = builds.reduce((s, b) => s + b.perDay, 0) * DAYS_PER_MONTH;
    for (const type of [...new Set(builds.map((b) => b.computeType))].sort((x, y) => COMPUTE_TYPE_KEYS.indexOf(x as never) - COMPUTE_TYPE_KEYS.indexOf(y as never))) {
        const of = builds.filter((b) => b.computeType === type);
        const minutes = of.reduce((s, b) => s + b.perDay * b.minutes, 0) * DAYS_PER_MONTH;
        const perDay = of.reduce((s, b) => s + b.perDay, 0);
        add("builds", `CodeBuild ${type}`, minutes, "min", lookup(p.codebuildPerMinute, type, `${where}.codebuildPerMinute`), `${of.length} app${of.length === 1 ? "" : "s"}, ${round(perDay, 1)} builds a day`);
    }
    if (inv.buildImage) {
        const img = inv.buildImage;
        add("builds", `CodeBuild ${img.computeType} (build image)`, img.runsPerMonth * a.builds.buildImageMinutes, "min", lookup(p.codebuildPerMinute, img.computeType, `${where}.codebuildPerMinute`), `${round(img.runsPerMonth, 2)} runs (${img.expression})`);
    }

    // Storage: releases in S3 (CloudFront misses read it), container images in ECR.
    if (inv.buckets > 0) {
        add("storage", "S3 releases", (inv.apps.length * a.storage.releasesKept * a.storage.releaseMb) / MB_PER_GB, "GB-month", p.s3GbMonth, `${inv.apps.length} apps x ${a.storage.releasesKept} releases x ${a.storage.releaseMb} MB`);
        add("storage", "S3 uploads (PUT)", (buildsPerMonth * a.storage.filesPerRelease) / 1000, "K requests", p.s3PutPerThousand, `${a.storage.filesPerRelease} files per build`);
        if (inv.distributions > 0) add("storage", "S3 reads on cache misses (GET)", (a.traffic.requestsPerMonth * (1 - a.traffic.cacheHitRatio)) / 1000, "K requests", p.s3GetPerThousand, `cache hit ratio ${a.traffic.cacheHitRatio}`);
    }
    const images = builds.filter((b) => b.container).reduce((s, b) => s + Math.min(b.imagesKept ?? Infinity, b.perDay * DAYS_PER_MONTH), 0);
    add("storage", "ECR images", images * a.storage.imageGb, "GB-month", p.ecrGbMonth, `${round(images, 1)} images kept x ${a.storage.imageGb} GB (layers shared between images not deducted)`);

    // The cluster: EC2 jobs need vCPU- and GiB-hours; the average size follows, within min and max.
    const ec2Jobs = inv.jobs.filter((j) => j.capacity === "ec2");
    const vcpuHours = ec2Jobs.reduce((s, j) => s + taskHours(j, a) * j.vcpus, 0);
    const gibHours = ec2Jobs.reduce((s, j) => s + taskHours(j, a) * j.memoryGiB, 0);
    let clusterRange: Estimate["clusterRange"];
    if (inv.cluster) {
        const c = inv.cluster;
        const type = c.instanceTypes[0];
        const size = instanceSize(type);
        const target = c.targetCapacity / 100;
        // Packed load: the jobs' vCPU- and GiB-hours on instances filled to the target capacity.
        const packed = size ? Math.max(vcpuHours / (size.vcpus * HOURS_PER_MONTH * target), gibHours / ((size.taskMemoryMiB / 1024) * HOURS_PER_MONTH * target)) : 0;
        // Timing: at least one instance is up while any EC2 job runs or within scaleInMinutes after;
        // each job is busy a share of the month, independently of the others.
        const idle = ec2Jobs.reduce((product, j) => product * (1 - busyShare(j, a)), 1);
        const needed = Math.max(packed, 1 - idle);
        const average = a.cluster.averageInstances ?? Math.min(c.maxSize, Math.max(c.minSize, needed));
        const hourly = lookup(p.ec2Hour, type, `${where}.ec2Hour`);
        const split = (n: number) => {
            const base = Math.min(n, c.onDemandBaseCapacity);
            const above = n - base;
            return { onDemand: base + (above * c.onDemandPercentageAboveBase) / 100, spot: (above * (100 - c.onDemandPercentageAboveBase)) / 100 };
        };
        const monthlyAt = (n: number) => {
            const s = split(n);
            return (s.onDemand * hourly + s.spot * hourly * p.ec2SpotFactor) * HOURS_PER_MONTH + n * c.volumeGiB * p.ebsGp3GbMonth;
        };
        const s = split(average);
        const how =
            a.cluster.averageInstances !== undefined
                ? "assumed"
                : `EC2 jobs: ${round(vcpuHours, 1)} vCPU-h and ${round(gibHours, 1)} GiB-h packed at ${c.targetCapacity}% = ${round(packed, 3)}; some job running or scaling in ${round((1 - idle) * 100, 1)}% of the time`;
        const sizing = `average ${round(average, 2)} instances (${how}); range ${c.minSize}-${c.maxSize}`;
        const mix = `${100 - c.onDemandPercentageAboveBase}% Spot above ${c.onDemandBaseCapacity} on-demand; Spot at ${p.ec2SpotFactor} x on-demand`;
        add("cluster", `EC2 on-demand ${type}`, s.onDemand * HOURS_PER_MONTH, "h", hourly, sizing);
        add("cluster", `EC2 Spot ${type}`, s.spot * HOURS_PER_MONTH, "h", round(hourly * p.ec2SpotFactor, 6), s.onDemand > 0 ? mix : `${sizing}; ${mix}`);
        add("cluster", "EBS gp3 root volumes", average * c.volumeGiB, "GB-month", p.ebsGp3GbMonth, `${c.volumeGiB} GiB per instance`);
        clusterRange = { minInstances: c.minSize, maxInstances: c.maxSize, atMin: round(monthlyAt(c.minSize)), atMax: round(monthlyAt(c.maxSize)) };
    }

    // Fargate: app services run all month; Fargate jobs for their task-hours.
    const fargateHour = (vcpus: number, gib: number, spot: boolean) => (vcpus * p.fargateVcpuHour + gib * p.fargateGbHour) * (spot ? p.fargateSpotFactor : 1);
    for (const svc of inv.services) {
        add("fargate", `service ${svc.app}`, svc.desiredCount * HOURS_PER_MONTH, "task-h", round(fargateHour(svc.vcpus, svc.memoryGiB, svc.capacity === "fargateSpot"), 6), `${svc.desiredCount} x ${svc.vcpus} vCPU / ${svc.memoryGiB} GiB`);
    }
    for (const job of inv.jobs.filter((j) => j.capacity !== "ec2")) {
        const spot = job.capacity === "fargateSpot";
        const usage = job.trigger === "schedule" ? `${round(job.runsPerMonth!, 2)} runs x ${round(runMinutes(job, a), 1)} min` : job.trigger === "queue" ? `${a.jobs.queueWorkerHoursPerDay} worker-h a day` : `${a.jobs.onDemandRunsPerMonth} runs x ${round(runMinutes(job, a), 1)} min`;
        add("fargate", `job ${job.job}${spot ? " (Spot)" : ""}`, taskHours(job, a), "task-h", round(fargateHour(job.vcpus, job.memoryGiB, spot), 6), `${usage}; ${job.vcpus} vCPU / ${job.memoryGiB} GiB`);
    }

    // Orchestration: schedules, state machines, queues.
    const scheduled = inv.jobs.filter((j) => j.trigger === "schedule");
    const scheduledRuns = scheduled.reduce((s, j) => s + j.runsPerMonth!, 0);
    add("jobs", "EventBridge Scheduler invocations", (scheduledRuns + (inv.buildImage?.runsPerMonth ?? 0)) / 1000, "K invocations", p.schedulerPerMillion / 1000);
    add("jobs", "Step Functions transitions", (scheduledRuns * TRANSITIONS_PER_RUN) / 1000, "K transitions", p.stepFunctionsPerThousandTransitions, `${round(scheduledRuns, 1)} runs x ${TRANSITIONS_PER_RUN}`);
    const queueJobs = inv.jobs.filter((j) => j.trigger === "queue");
    const sqsRequests = queueJobs.length * (a.jobs.queueMessagesPerMonth * REQUESTS_PER_MESSAGE + a.jobs.queueWorkerHoursPerDay * DAYS_PER_MONTH * POLLS_PER_WORKER_HOUR);
    add("jobs", "SQS requests", sqsRequests / 1e6, "M requests", p.sqsPerMillion, `${queueJobs.length} queues x (${a.jobs.queueMessagesPerMonth} messages x ${REQUESTS_PER_MESSAGE} + worker long polls)`);

    // Logs: what builds, job runs, services and flow logs write; stored for the groups' retention.
    const runs = inv.jobs.reduce((s, j) => s + (j.trigger === "schedule" ? j.runsPerMonth! : j.trigger === "onDemand" ? a.jobs.onDemandRunsPerMonth : a.jobs.queueWorkerHoursPerDay * DAYS_PER_MONTH), 0);
    const ingestGb =
        (buildsPerMonth * a.logs.buildMb) / MB_PER_GB + (runs * a.logs.jobRunMb) / MB_PER_GB + inv.services.length * a.logs.serviceGbPerMonth + (inv.networkManaged ? a.logs.flowLogsGbPerMonth : 0);
    add("logs", "CloudWatch Logs ingestion", ingestGb, "GB", p.logsIngestGb, `${inv.logGroups} log groups: builds, job runs (a queue worker-hour counts as a run), services${inv.networkManaged ? ", VPC flow logs" : ""}`);
    add("logs", "CloudWatch Logs storage", (ingestGb * inv.logRetentionDays) / DAYS_PER_MONTH, "GB-month", p.logsStorageGbMonth, `${inv.logRetentionDays}-day retention, uncompressed (AWS bills compressed bytes: less)`);
    add("logs", "CloudWatch alarms", inv.alarms, "alarm-month", p.alarmMonth);

    const total = round(items.reduce((s, i) => s + i.monthly, 0));
    return {
        environment,
        region: inv.region,
        currency: "USD",
        prices: { asOf: prices.asOf, note: prices.note, source: prices.source },
        assumptions: a,
        lineItems: items.map((i) => ({ ...i, monthly: round(i.monthly) })),
        total,
        clusterRange,
        comparison: compareBuilds(builds, a, p, where),
    };
}

/**
 * The fleet's builds on CodeBuild against always-on build servers sized to reach the same
 * full-rebuild time: every app builds at once on its own server, so N servers = N apps, each an
 * instance of the size of the app's CodeBuild compute type, running 24x7.
 */
function compareBuilds(builds: ReturnType<typeof appBuilds>, a: Assumptions, p: RegionPrices, where: string): BuildComparison {
    const serverTypes = { ...DEFAULT_SERVER_TYPES, ...a.comparison.serverTypes } as Record<string, string>;
    const codebuildMonthly = builds.reduce((s, b) => s + b.perDay * b.minutes * lookup(p.codebuildPerMinute, b.computeType, `${where}.codebuildPerMinute`), 0) * DAYS_PER_MONTH;
    const byType = new Map<string, number>();
    for (const b of builds) byType.set(b.computeType, (byType.get(b.computeType) ?? 0) + 1);
    const servers = [...byType.entries()]
        .sort((x, y) => COMPUTE_TYPE_KEYS.indexOf(x[0] as never) - COMPUTE_TYPE_KEYS.indexOf(y[0] as never))
        .map(([computeType, count]) => {
            const serverType = serverTypes[computeType];
            if (!serverType) throw new PavedError(`assumptions.comparison.serverTypes.${computeType} is missing; name the instance type comparable to ${computeType}`);
            const hourly = lookup(p.ec2Hour, serverType, `${where}.ec2Hour`);
            return { computeType, serverType, count, hourly, monthly: round(count * hourly * HOURS_PER_MONTH) };
        });
    const serversMonthly = round(servers.reduce((s, x) => s + x.count * x.hourly * HOURS_PER_MONTH, 0));
    const buildsPerDay = builds.reduce((s, b) => s + b.perDay, 0);
    const fullRebuildMinutes = Math.max(0, ...builds.map((b) => b.minutes));
    return {
        apps: builds.length,
        buildsPerDay,
        fullRebuildMinutes,
        codebuildMonthly: round(codebuildMonthly),
        servers,
        serversMonthly,
        breakEvenBuildsPerDay: codebuildMonthly > 0 ? round((buildsPerDay * serversMonthly) / codebuildMonthly, 0) : Infinity,
        formula: [
            `CodeBuild      = sum over apps of builds/day x minutes x price/min x ${round(DAYS_PER_MONTH, 2)} days = ${dollars(round(codebuildMonthly))}`,
            `build servers  = N x ${HOURS_PER_MONTH} h x hourly price, N = ${builds.length} apps building at once (full rebuild ${fullRebuildMinutes} min), ` +
                `one server per app of its build size (${servers.map((s) => `${s.count} x ${s.serverType} for ${s.computeType}`).join(", ")}) = ${dollars(serversMonthly)}`,
            `break-even     = ${round(buildsPerDay, 1)} builds/day x servers / CodeBuild = ${codebuildMonthly > 0 ? round((buildsPerDay * serversMonthly) / codebuildMonthly, 0) : "∞"} builds a day`,
        ],
    };
}
