import awsCron from "aws-cron-parser";
import { RecordedResource } from "../../components/testing";

/**
 * What an environment's offline plan says costs money: counts, sizes and schedules read from the
 * recorded resources' resolved inputs (no config re-reading, so overrides and defaults are exactly
 * what `pulumi up` would create).
 */

/** AWS bills a month as 730 hours. */
export const HOURS_PER_MONTH = 730;
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

export type Capacity = "ec2" | "fargate" | "fargateSpot";

export interface AppBuildInfo {
    app: string;
    computeType: string;
    /** Pushes a container image (privileged build with a repository). */
    container: boolean;
    /** Tagged images its repository keeps (lifecycle policy). */
    imagesKept?: number;
}

export interface JobInfo {
    job: string;
    trigger: "schedule" | "queue" | "onDemand";
    capacity: Capacity;
    vcpus: number;
    memoryGiB: number;
    /** Hard timeout of a scheduled run, in minutes. */
    timeoutMinutes?: number;
    expression?: string;
    runsPerMonth?: number;
    maxWorkers?: number;
}

export interface ServiceInfo {
    app: string;
    capacity: Capacity;
    desiredCount: number;
    vcpus: number;
    memoryGiB: number;
}

export interface ClusterInfo {
    minSize: number;
    maxSize: number;
    /** In priority order: on-demand capacity launches the first. */
    instanceTypes: string[];
    onDemandBaseCapacity: number;
    /** Percentage of capacity above the base that is on-demand (100 - Spot share). */
    onDemandPercentageAboveBase: number;
    volumeGiB: number;
    /** ECS managed scaling's target utilization, percent. */
    targetCapacity: number;
}

export interface Inventory {
    region: string;
    /** False when the stack uses a network it does not create (existing VPC, or an ephemeral copy's base). */
    networkManaged: boolean;
    natGateways: number;
    loadBalancers: number;
    distributions: number;
    priceClasses: string[];
    viewerFunctions: number;
    buckets: number;
    apps: AppBuildInfo[];
    buildImage?: { computeType: string; runsPerMonth: number; expression: string };
    webhooks: number;
    cluster?: ClusterInfo;
    jobs: JobInfo[];
    services: ServiceInfo[];
    logGroups: number;
    /** The most common retention of the plan's log groups. */
    logRetentionDays: number;
    alarms: number;
    queues: number;
    stateMachines: number;
}

type Resource = Pick<RecordedResource, "type" | "name" | "inputs" | "outputs">;

const T = {
    provider: "pulumi:providers:aws",
    vpc: "awsx:ec2:Vpc",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    distribution: "aws:cloudfront/distribution:Distribution",
    bucket: "aws:s3/bucket:Bucket",
    project: "aws:codebuild/project:Project",
    webhook: "aws:codebuild/webhook:Webhook",
    lifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    repository: "aws:ecr/repository:Repository",
    asg: "aws:autoscaling/group:Group",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    capacityProvider: "aws:ecs/capacityProvider:CapacityProvider",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    service: "aws:ecs/service:Service",
    stateMachine: "aws:sfn/stateMachine:StateMachine",
    schedule: "aws:scheduler/schedule:Schedule",
    scalingTarget: "aws:appautoscaling/target:Target",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    queue: "aws:sqs/queue:Queue",
} as const;

/** A reference year for counting cron runs (cron months and weekdays average out over a year). */
const YEAR = 2026;

/** Runs a month of an EventBridge Scheduler expression: rate(n unit) exactly, cron(...) counted over a year / 12. */
export function runsPerMonth(expression: string): number {
    const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
    if (rate) {
        const minutes = Number(rate[1]) * { minute: 1, hour: 60, day: 1440 }[rate[2] as "minute" | "hour" | "day"];
        return (HOURS_PER_MONTH * 60) / minutes;
    }
    const cron = /^cron\((.*)\)$/.exec(expression);
    if (!cron) throw new Error(`not a schedule expression: ${expression}`);
    const parsed = awsCron.parse(cron[1]);
    const end = Date.UTC(YEAR + 1, 0, 1);
    let at = new Date(Date.UTC(YEAR, 0, 1) - 1000);
    let runs = 0;
    for (;;) {
        const next = awsCron.next(parsed, at);
        if (!next || next.getTime() >= end) break;
        runs++;
        at = next;
    }
    return runs / 12;
}

function tag(r: Resource, key: string): string | undefined {
    return (r.inputs.tags as Record<string, string> | undefined)?.[key];
}

function capacityOf(provider: string | undefined): Capacity {
    if (provider === "FARGATE") return "fargate";
    if (provider === "FARGATE_SPOT") return "fargateSpot";
    return "ec2";
}

/** vCPUs and GiB of a task definition: task-level sizes (Fargate) or the containers' hard limits (EC2). */
function taskSize(r: Resource): { vcpus: number; memoryGiB: number } {
    const containers: { cpu?: number; memory?: number; memoryReservation?: number }[] = JSON.parse(r.inputs.containerDefinitions ?? "[]");
    const cpu = r.inputs.cpu !== undefined ? Number(r.inputs.cpu) : containers.reduce((s, c) => s + (c.cpu ?? 0), 0);
    const memory = r.inputs.memory !== undefined ? Number(r.inputs.memory) : containers.reduce((s, c) => s + (c.memory ?? c.memoryReservation ?? 0), 0);
    return { vcpus: cpu / 1024, memoryGiB: memory / 1024 };
}

function mode(values: number[]): number {
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 0;
}

/** The cost-relevant inventory of a plan. */
export function inventoryOf(resources: readonly Resource[]): Inventory {
    const of = (type: string) => resources.filter((r) => r.type === type);
    const provider = of(T.provider)[0];
    const region = provider?.inputs.region;
    if (typeof region !== "string") throw new Error("the plan has no aws provider with a region");

    const vpc = of(T.vpc)[0];
    const strategy = vpc?.inputs.natGateways?.strategy;
    const natGateways = !vpc ? 0 : strategy === "OnePerAz" ? Number(vpc.inputs.numberOfAvailabilityZones ?? 0) : strategy === "Single" ? 1 : 0;

    const lifecycles = new Map(of(T.lifecycle).map((l) => [l.name, l.inputs.policy]));
    const apps: AppBuildInfo[] = [];
    let buildImage: Inventory["buildImage"];
    for (const p of of(T.project)) {
        const variables: { name: string; value: string }[] = p.inputs.environment?.environmentVariables ?? [];
        const app = variables.find((v) => v.name === "APP")?.value;
        const computeType = p.inputs.environment?.computeType as string;
        if (app === undefined) {
            const schedule = of(T.schedule).find((s) => String(s.inputs.target?.input ?? "").includes(`"${p.inputs.name}"`));
            if (schedule) buildImage = { computeType, expression: schedule.inputs.scheduleExpression, runsPerMonth: runsPerMonth(schedule.inputs.scheduleExpression) };
            continue;
        }
        const container = variables.some((v) => v.name === "REPOSITORY_URI");
        // The repository's lifecycle policy sits beside the project, named after the same app.
        const policy = lifecycles.get(p.name.replace(/-build$/, "-repository"));
        const kept = policy ? (JSON.parse(policy).rules as { selection: { tagStatus: string; countType: string; countNumber: number } }[]).find((r) => r.selection.tagStatus !== "untagged" && r.selection.countType === "imageCountMoreThan")?.selection.countNumber : undefined;
        apps.push({ app, computeType, container, imagesKept: kept });
    }

    const asg = of(T.asg)[0];
    let cluster: ClusterInfo | undefined;
    if (asg) {
        const distribution = asg.inputs.mixedInstancesPolicy?.instancesDistribution ?? {};
        const volume = of(T.launchTemplate)[0]?.inputs.blockDeviceMappings?.[0]?.ebs?.volumeSize;
        cluster = {
            minSize: Number(asg.inputs.minSize),
            maxSize: Number(asg.inputs.maxSize),
            instanceTypes: (asg.inputs.mixedInstancesPolicy?.launchTemplate?.overrides ?? []).map((o: { instanceType: string }) => o.instanceType),
            onDemandBaseCapacity: Number(distribution.onDemandBaseCapacity ?? 0),
            onDemandPercentageAboveBase: Number(distribution.onDemandPercentageAboveBaseCapacity ?? 100),
            volumeGiB: Number(volume ?? 30),
            targetCapacity: Number(of(T.capacityProvider)[0]?.inputs.autoScalingGroupProvider?.managedScaling?.targetCapacity ?? 100),
        };
    }

    const tasks = new Map<string, Resource>();
    for (const td of of(T.taskDefinition)) {
        const owner = tag(td, "paved:job") ?? tag(td, "paved:app");
        if (owner) tasks.set(`${tag(td, "paved:job") ? "job" : "app"}:${owner}`, td);
    }
    const schedules = of(T.schedule);
    const machines = new Map(of(T.stateMachine).filter((m) => tag(m, "paved:job")).map((m) => [tag(m, "paved:job")!, m]));
    const services = of(T.service);
    const targets = of(T.scalingTarget);

    const jobs: JobInfo[] = [];
    const appServices: ServiceInfo[] = [];
    for (const [key, td] of tasks) {
        const [kind, name] = key.split(":");
        const size = taskSize(td);
        const service = services.find((s) => tag(s, kind === "job" ? "paved:job" : "paved:app") === name);
        if (kind === "app") {
            if (service) appServices.push({ app: name, capacity: capacityOf(service.inputs.capacityProviderStrategies?.[0]?.capacityProvider), desiredCount: Number(service.inputs.desiredCount ?? 0), ...size });
            continue;
        }
        const machine = machines.get(name);
        if (machine) {
            const runTask = JSON.parse(machine.inputs.definition).States.RunTask;
            const schedule = schedules.find((s) => s.inputs.target?.arn === machine.outputs.arn);
            const expression: string | undefined = schedule?.inputs.scheduleExpression;
            jobs.push({
                job: name,
                trigger: expression ? "schedule" : "onDemand",
                capacity: capacityOf(runTask.Parameters?.CapacityProviderStrategy?.[0]?.CapacityProvider),
                ...size,
                timeoutMinutes: runTask.TimeoutSeconds / 60,
                expression,
                runsPerMonth: expression ? runsPerMonth(expression) : undefined,
            });
        } else if (service) {
            const target = targets.find((t) => tag(t, "paved:job") === name);
            jobs.push({ job: name, trigger: "queue", capacity: capacityOf(service.inputs.capacityProviderStrategies?.[0]?.capacityProvider), ...size, maxWorkers: Number(target?.inputs.maxCapacity ?? 1) });
        } else {
            // On-demand jobs run through `paved job run`; the task definition says where.
            jobs.push({ job: name, trigger: "onDemand", capacity: (td.inputs.requiresCompatibilities ?? []).includes("FARGATE") ? "fargate" : "ec2", ...size });
        }
    }

    const distributions = of(T.distribution);
    return {
        region,
        networkManaged: vpc !== undefined,
        natGateways,
        loadBalancers: of(T.lb).filter((l) => (l.inputs.loadBalancerType ?? "application") === "application").length,
        distributions: distributions.length,
        priceClasses: distributions.map((d) => d.inputs.priceClass ?? "PriceClass_All"),
        viewerFunctions: distributions.reduce(
            (n, d) => n + ((d.inputs.defaultCacheBehavior?.functionAssociations ?? []) as { eventType: string }[]).filter((f) => f.eventType === "viewer-request").length,
            0,
        ),
        buckets: of(T.bucket).length,
        apps: apps.sort((a, b) => a.app.localeCompare(b.app)),
        buildImage,
        webhooks: of(T.webhook).length,
        cluster,
        jobs: jobs.sort((a, b) => a.job.localeCompare(b.job)),
        services: appServices.sort((a, b) => a.app.localeCompare(b.app)),
        logGroups: of(T.logGroup).length,
        logRetentionDays: mode(of(T.logGroup).map((l) => Number(l.inputs.retentionInDays ?? 0))),
        alarms: of(T.alarm).length,
        queues: of(T.queue).filter((q) => !String(q.inputs.name ?? q.name).endsWith("-dlq")).length,
        stateMachines: machines.size,
    };
}
