import type { BatchClusterArgs } from "../batch/batch-cluster";
import type { BatchJobArgs } from "../batch/batch-job";
import type { ContainerServiceArgs } from "../batch/container-service";
import type { ServiceLoadBalancerArgs } from "../batch/service-load-balancer";
import type { AppConfig, EnvironmentKind, PavedConfig } from "../config";
import type { BuildImageArgs } from "../frontend/build-image";
import type { FrontendAppArgs } from "../frontend/frontend-app";
import type { SiteHostArgs } from "../frontend/site-host";
import { stableHash } from "../naming";
import type { NetworkArgs } from "../network/network";
import { NOTIFICATIONS_TAGS } from "../operations/alerts";
import type { OperationsArgs } from "../operations/operations";
import { namePrefix } from "../stack-name";
import { TAG_KEYS } from "../tag-keys";

export { TAG_KEYS };

/** Days logs are kept, by environment kind. */
export const ENVIRONMENT_LOG_RETENTION_DAYS: Record<EnvironmentKind, number> = { dev: 14, ephemeral: 7, staging: 30, prod: 365 };

/** The args of every child of an environment, less the references only its resources supply. */
export interface EnvironmentChildArgs {
    baseTags: Record<string, string>;
    network: NetworkArgs;
    site: Omit<SiteHostArgs, "services">;
    /** Site paths routed to the apps' services (the site gets them with the load balancer's VPC origin). */
    servicePaths: string[];
    buildImage: BuildImageArgs;
    apps: Record<string, Omit<FrontendAppArgs, "site" | "buildImage">>;
    cluster: Omit<BatchClusterArgs, "vpcId" | "privateSubnetIds">;
    jobs: Record<string, Omit<BatchJobArgs, "cluster" | "image">>;
    services: Record<string, Omit<ContainerServiceArgs, "cluster" | "image" | "loadBalancer">>;
    /** The services' load balancer, when the environment has services. */
    loadBalancer?: Omit<ServiceLoadBalancerArgs, "vpcId" | "subnetIds">;
    /** Alerts and the dashboard, less the resources they watch. */
    operations: Pick<OperationsArgs, "environment" | "region" | "namePrefix" | "alerts" | "requireSubscriptions" | "protect" | "tags">;
}

/** What an environment passes each child, derived from its config (pure: no resources). */
export function environmentChildArgs(config: PavedConfig): EnvironmentChildArgs {
    const prefix = namePrefix(config.project, config.name);
    const protect = config.protect;
    const logRetentionDays = ENVIRONMENT_LOG_RETENTION_DAYS[config.kind];
    // What every child that names, protects and logs takes alike.
    const common = { namePrefix: prefix, protect, logRetentionDays };
    const baseTags: Record<string, string> = {
        [TAG_KEYS.environment]: config.name,
        [TAG_KEYS.team]: config.tags.team,
        [TAG_KEYS.costCenter]: config.tags.costCenter,
        ...(config.ephemeral ? { [TAG_KEYS.expiresAt]: config.ephemeral.expiresAt, [TAG_KEYS.release]: config.ephemeral.release } : {}),
    };
    const ownerTags = (kind: "app" | "job", entry: { name: string; team?: string; costCenter?: string }) => ({
        ...baseTags,
        [TAG_KEYS[kind]]: entry.name,
        [TAG_KEYS.team]: entry.team ?? config.tags.team,
        [TAG_KEYS.costCenter]: entry.costCenter ?? config.tags.costCenter,
    });
    const out: EnvironmentChildArgs = {
        baseTags,
        network: { ...(config.network.existing ? { existing: config.network.existing } : config.network.create), flowLogRetentionDays: logRetentionDays, protect, tags: baseTags },
        site: {
            namePrefix: prefix,
            domain: config.site.domain && config.site.certificateArn ? { names: [config.site.domain], certificateArn: config.site.certificateArn } : undefined,
            accessLogs: config.site.accessLogs,
            accessLogRetentionDays: logRetentionDays,
            priceClass: config.site.priceClass,
            protect,
            forceDestroy: !protect,
            // An environment's site: the policy pack checks its stack has a notifications topic.
            tags: { ...baseTags, [NOTIFICATIONS_TAGS.siteNeedsTopic]: "true" },
        },
        buildImage: {
            source: { repository: config.buildImage.repository, branch: config.buildImage.branch, lockfileDirectory: config.buildImage.lockfileDirectory },
            schedule: config.buildImage.schedule,
            ...common,
            forceDelete: !protect,
            tags: baseTags,
        },
        apps: {},
        cluster: {
            instanceTypes: config.cluster.instanceTypes,
            minSize: config.cluster.minSize,
            maxSize: config.cluster.maxSize,
            onDemandBaseCapacity: config.cluster.onDemandBaseCapacity,
            spotPercentage: config.cluster.spotPercentage,
            targetCapacity: config.cluster.targetCapacity,
            namePrefix: prefix,
            protect,
            tags: baseTags,
        },
        jobs: {},
        services: {},
        servicePaths: config.apps.filter((app) => app.container?.service).map(servicePath),
        operations: { environment: config.name, region: config.region, namePrefix: prefix, alerts: config.alerts, requireSubscriptions: config.kind === "prod", protect, tags: baseTags },
    };
    for (const app of config.apps) {
        out.apps[app.name] = {
            name: app.name,
            path: app.path,
            fileExtensions: app.fileExtensions,
            source: app.source,
            build: app.build,
            container: app.container ? { dockerfile: app.container.dockerfile, port: app.container.port } : undefined,
            webhook: app.webhook,
            ...common,
            forceDelete: !protect,
            tags: ownerTags("app", app),
        };
        const service = app.container?.service;
        if (service) {
            out.services[app.name] = {
                name: app.name,
                imageManagedExternally: true,
                port: app.container!.port,
                cpu: service.cpu,
                memory: service.memory,
                desiredCount: service.desiredCount,
                maxCount: service.maxCount,
                healthCheckPath: service.healthCheckPath,
                routing: { pathPrefix: servicePath(app), priority: servicePriority(app) },
                ...common,
                tags: ownerTags("app", app),
            };
        }
    }
    if (Object.keys(out.services).length > 0) {
        // Internal: the site reaches it through CloudFront's VPC origin, over HTTPS unless opted out.
        const s = config.services;
        out.loadBalancer = {
            ...(s.insecureHttpOrigin ? { insecureHttp: true } : { certificateArn: s.certificateArn }),
            cloudFront: { originDomainName: s.originDomain },
            namePrefix: prefix,
            protect,
            tags: baseTags,
        };
    }
    for (const job of config.jobs) {
        out.jobs[job.name] = {
            name: job.name,
            command: job.command,
            environment: job.environment,
            secrets: job.secrets,
            cpu: job.cpu,
            memory: job.memory,
            capacity: job.capacity,
            timeoutMinutes: job.timeoutMinutes,
            schedule: job.schedule,
            queue: job.queue,
            ...common,
            tags: ownerTags("job", job),
        };
    }
    return out;
}

/** Where the site routes an app's service: its own `path`, else the app's. */
export function servicePath(app: AppConfig): string {
    return app.container?.service?.path ?? app.path;
}

/**
 * Listener rule priority of an app's service: stable per app (adding an app never reorders the
 * others), the root app last so every other path wins over it.
 */
export function servicePriority(app: AppConfig): number {
    if (app.path === "/") return 50000;
    return 1 + (parseInt(stableHash(app.name), 16) % 49000);
}

