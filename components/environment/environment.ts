import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BatchCluster, BatchClusterArgs, normalizeBatchClusterArgs } from "../batch/batch-cluster";
import { BatchJob, BatchJobArgs, normalizeBatchJobArgs } from "../batch/batch-job";
import type { ClusterRef } from "../batch/common";
import { ContainerService, ContainerServiceArgs, normalizeContainerServiceArgs } from "../batch/container-service";
import { ServiceLoadBalancer, ServiceLoadBalancerArgs } from "../batch/service-load-balancer";
import { AppConfig, EnvironmentKind, PavedConfig } from "../config";
import { PavedError } from "../errors";
import { BuildImage, BuildImageArgs, normalizeBuildImageArgs } from "../frontend/build-image";
import { BuildImageReference, FrontendApp, FrontendAppArgs, normalizeFrontendAppArgs } from "../frontend/frontend-app";
import { SiteHost, SiteHostArgs, checkServicePaths, normalizeSiteHostArgs } from "../frontend/site-host";
import { stableHash } from "../naming";
import { Network, NetworkArgs } from "../network/network";
import { NOTIFICATIONS_TAGS } from "../operations/alerts";
import { Operations, OperationsArgs, normalizeOperationsArgs } from "../operations/operations";
import { namePrefix } from "../stack-name";
import { TAG_KEYS } from "../tag-keys";
import type { AppOutputs, EnvironmentOutputs, JobOutputs, ServiceOutputs } from "./outputs";

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

/**
 * Runs every child's own argument checks (the same functions the components run) and throws one
 * `PavedError` listing every failure, before the environment registers anything.
 */
export function preflight(name: string, config: PavedConfig, a: EnvironmentChildArgs): void {
    const failures: string[] = [];
    const check = (fn: () => unknown) => {
        try {
            fn();
        } catch (e) {
            if (!(e instanceof PavedError)) throw e;
            failures.push(e.message);
        }
    };
    const instanceTypes = config.cluster.instanceTypes;
    check(() => normalizeSiteHostArgs("site", a.site));
    check(() => checkServicePaths("site", a.servicePaths));
    check(() => normalizeOperationsArgs("operations", a.operations));
    if (config.kind !== "ephemeral") {
        check(() => normalizeBuildImageArgs("build-image", a.buildImage));
        check(() => normalizeBatchClusterArgs("cluster", a.cluster));
    }
    for (const args of Object.values(a.apps)) check(() => normalizeFrontendAppArgs(args));
    for (const [job, args] of Object.entries(a.jobs)) check(() => normalizeBatchJobArgs(`job-${job}`, args, instanceTypes));
    const priorities = new Map<number, string>();
    for (const [app, args] of Object.entries(a.services)) {
        check(() => normalizeContainerServiceArgs(`svc-${app}`, args, instanceTypes));
        const clash = priorities.get(args.routing.priority);
        if (clash) failures.push(`apps "${clash}" and "${app}" share load balancer rule priority ${args.routing.priority}; rename one of them`);
        priorities.set(args.routing.priority, app);
    }
    if (failures.length > 0) {
        throw new PavedError(`Environment "${name}": ${failures.length} problem${failures.length === 1 ? "" : "s"} found before creating anything:\n${failures.map((f) => `  - ${f}`).join("\n")}`);
    }
}

/** The base stack's outputs an ephemeral environment borrows (see `EnvironmentOutputs`). */
interface BaseStack {
    vpcId: pulumi.Output<string>;
    privateSubnetIds: pulumi.Output<string[]>;
    publicSubnetIds: pulumi.Output<string[]>;
    cluster: ClusterRef;
    buildImage: BuildImageReference;
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

/**
 * One environment, built from its validated config: the network (or the base stack's, for an
 * ephemeral copy), the site and its build image, every app, the batch cluster, every job, and a
 * container service for each app that ships one. Every taggable resource carries the
 * environment's tags (through the AWS provider's default tags) plus its app or job tags.
 */
export class Environment extends pulumi.ComponentResource {
    public readonly namePrefix: string;
    public readonly site: SiteHost;
    public readonly apps: Record<string, FrontendApp> = {};
    public readonly jobs: Record<string, BatchJob> = {};
    public readonly services: Record<string, ContainerService> = {};
    public readonly cluster?: BatchCluster;
    public readonly network?: Network;
    public readonly buildImage?: BuildImage;
    public readonly loadBalancer?: ServiceLoadBalancer;
    /** Notifications, alarms and the dashboard. */
    public readonly operations: Operations;
    /** The stack outputs (`EnvironmentOutputs`). */
    public readonly outputs: pulumi.Output<EnvironmentOutputs>;

    constructor(name: string, config: PavedConfig, opts?: pulumi.ComponentResourceOptions) {
        super("paved:environment:Environment", name, {}, opts);
        const prefix = namePrefix(config.project, config.name);
        this.namePrefix = prefix;
        const ephemeral = config.kind === "ephemeral";
        if (ephemeral && !config.ephemeral) throw new PavedError(`Environment "${name}": an ephemeral environment needs config.ephemeral (baseStack, release, expiresAt)`);

        const a = environmentChildArgs(config);
        // Every child's args are checked before any resource is registered, so a bad entry fails
        // the whole program up front instead of after half the environment was sent to the engine.
        preflight(name, config, a);

        // Default tags reach every taggable resource in the environment; app and job tags are
        // added per component. Auto Scaling groups are the exception (the cluster tags them).
        const provider = new aws.Provider(`${name}-aws`, { region: config.region as aws.Region, defaultTags: { tags: a.baseTags } }, { parent: this });
        const child = { parent: this, providers: { aws: provider } };

        const base = ephemeral ? this.baseStack(config, child) : undefined;
        let vpcId: pulumi.Output<string>;
        let privateSubnetIds: pulumi.Output<string[]>;
        let publicSubnetIds: pulumi.Output<string[]>;
        if (base) {
            ({ vpcId, privateSubnetIds, publicSubnetIds } = base);
        } else {
            const network = new Network("network", a.network, child);
            this.network = network;
            ({ vpcId, privateSubnetIds, publicSubnetIds } = network);
        }

        if (a.loadBalancer) {
            // Before the site: the distribution routes the service paths to its VPC origin.
            this.loadBalancer = new ServiceLoadBalancer("services-lb", { ...a.loadBalancer, vpcId, subnetIds: privateSubnetIds }, child);
        }
        const lb = this.loadBalancer;
        const siteServices = lb?.vpcOriginId && lb.originDomainName ? { vpcOriginId: lb.vpcOriginId, originDomainName: lb.originDomainName, paths: a.servicePaths } : undefined;
        this.site = new SiteHost("site", { ...a.site, services: siteServices }, child);

        let buildImage: BuildImageReference;
        if (base) {
            buildImage = base.buildImage;
        } else {
            this.buildImage = new BuildImage("build-image", a.buildImage, child);
            buildImage = { repositoryUrl: this.buildImage.repositoryUrl, repositoryArn: this.buildImage.repositoryArn, tag: this.buildImage.tag };
        }

        for (const app of config.apps) {
            this.apps[app.name] = new FrontendApp(`app-${app.name}`, { ...a.apps[app.name], site: this.site, buildImage }, child);
        }

        let cluster: ClusterRef;
        if (base) {
            cluster = base.cluster;
        } else {
            this.cluster = new BatchCluster("cluster", { ...a.cluster, vpcId, privateSubnetIds }, child);
            cluster = this.cluster;
        }

        for (const job of config.jobs) {
            this.jobs[job.name] = new BatchJob(`job-${job.name}`, { ...a.jobs[job.name], cluster, image: job.image }, child);
        }

        if (lb) {
            for (const [app, args] of Object.entries(a.services)) {
                const tag = config.apps.find((x) => x.name === app)!.container!.service!.initialImageTag;
                this.services[app] = new ContainerService(`svc-${app}`, { ...args, cluster, image: pulumi.interpolate`${this.apps[app].repositoryUrl}:${tag}`, loadBalancer: lb }, child);
            }
        }

        const mapValues = <T, U>(o: Record<string, T>, fn: (x: T) => U): Record<string, U> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fn(v)]));
        this.operations = new Operations(
            "operations",
            {
                ...a.operations,
                distributionId: this.site.distributionId,
                apps: mapValues(this.apps, (app) => ({ projectName: app.projectName })),
                buildImageProjectName: this.buildImage?.projectName,
                jobs: mapValues(this.jobs, (job) => ({
                    trigger: job.trigger,
                    taskDefinitionFamily: job.taskDefinitionFamily,
                    logGroupName: job.logGroupName,
                    clusterName: cluster.clusterName,
                    stateMachineArn: job.stateMachineArn,
                    queueUrl: job.queueUrl,
                    deadLetterQueueUrl: job.deadLetterQueueUrl,
                    workerServiceName: job.workerServiceName,
                })),
                services: mapValues(this.services, (svc) => ({ clusterName: svc.clusterName, serviceName: svc.serviceName, targetGroupArn: svc.targetGroupArn })),
                cluster: { clusterName: cluster.clusterName, capacityProviderName: cluster.ec2CapacityProviderName },
                loadBalancerArnSuffix: this.loadBalancer?.arnSuffix,
            },
            child,
        );

        this.outputs = this.collectOutputs(config, cluster, buildImage, { vpcId, privateSubnetIds, publicSubnetIds });
        this.registerOutputs({ outputs: this.outputs });
    }

    /** The staging stack's network, cluster and build image, for an ephemeral copy. */
    private baseStack(config: PavedConfig, opts: pulumi.CustomResourceOptions): BaseStack {
        const ref = new pulumi.StackReference(`${config.name}-base`, { name: config.ephemeral!.baseStack }, { parent: opts.parent });
        const out = <T>(key: string) => ref.requireOutput(key) as pulumi.Output<T>;
        const privateSubnetIds = out<string[]>("privateSubnetIds");
        return {
            vpcId: out<string>("vpcId"),
            privateSubnetIds,
            publicSubnetIds: out<string[]>("publicSubnetIds"),
            cluster: {
                clusterName: out<string>("clusterName"),
                clusterArn: out<string>("clusterArn"),
                ec2CapacityProviderName: out<string>("ec2CapacityProviderName"),
                taskSecurityGroupId: out<string>("taskSecurityGroupId"),
                privateSubnetIds,
                instanceTypes: config.cluster.instanceTypes,
            },
            buildImage: {
                repositoryUrl: out<{ repositoryUrl: string }>("buildImage").apply((b) => b.repositoryUrl),
                repositoryArn: out<{ repositoryArn: string }>("buildImage").apply((b) => b.repositoryArn),
                tag: "latest",
            },
        };
    }

    private collectOutputs(
        config: PavedConfig,
        cluster: ClusterRef,
        buildImage: BuildImageReference,
        network: { vpcId: pulumi.Output<string>; privateSubnetIds: pulumi.Output<string[]>; publicSubnetIds: pulumi.Output<string[]> },
    ): pulumi.Output<EnvironmentOutputs> {
        const apps: Record<string, pulumi.Output<AppOutputs>> = {};
        for (const [name, app] of Object.entries(this.apps)) {
            apps[name] = pulumi.all([app.url, app.projectName, app.repositoryUrl, app.logGroupName, app.releaseWriterName]).apply(([url, buildProject, repositoryUrl, logGroup, releaseWriter]) => ({
                url,
                buildProject,
                repositoryUrl,
                logGroup,
                releaseWriter,
            }));
        }
        const jobs: Record<string, pulumi.Output<JobOutputs>> = {};
        for (const [name, job] of Object.entries(this.jobs)) {
            const timeoutMinutes = config.jobs.find((j) => j.name === name)!.timeoutMinutes;
            jobs[name] = pulumi
                .all([job.runTask, job.logGroupName, job.stateMachineArn, job.queueUrl, job.scheduleName, job.workerServiceName])
                .apply(([runTask, logGroup, stateMachineArn, queueUrl, scheduleName, workerService]) => ({
                    trigger: job.trigger,
                    run: `paved job run ${config.name} ${name}`,
                    runTask,
                    logGroup,
                    timeoutMinutes,
                    ...(stateMachineArn ? { stateMachineArn } : {}),
                    ...(scheduleName ? { scheduleName } : {}),
                    ...(queueUrl ? { queueUrl } : {}),
                    ...(workerService ? { workerService } : {}),
                }));
        }
        const services: Record<string, pulumi.Output<ServiceOutputs>> = {};
        for (const [name, svc] of Object.entries(this.services)) {
            const path = servicePath(config.apps.find((x) => x.name === name)!);
            services[name] = pulumi
                .all([svc.clusterName, svc.serviceName, svc.taskDefinitionFamily, svc.taskDefinitionArn, svc.containerName, svc.imageParameterName!, this.apps[name].repositoryUrl, svc.logGroupName, this.site.url])
                .apply(([c, service, family, taskDefinitionArn, containerName, imageParameter, repositoryUrl, logGroup, site]) => ({
                    cluster: c,
                    service,
                    taskDefinitionFamily: family,
                    taskDefinitionArn,
                    containerName,
                    imageParameter,
                    repositoryUrl,
                    logGroup,
                    path,
                    url: `${site}${path}`,
                }));
        }
        return pulumi
            .output({
                site: pulumi.all({ url: this.site.url, distributionId: this.site.distributionId, bucket: this.site.bucketName, keyValueStoreArn: this.site.keyValueStoreArn }),
                apps: pulumi.all(apps),
                jobs: pulumi.all(jobs),
                services: pulumi.all(services),
                operations: pulumi.all({ alertsTopicArn: this.operations.topicArn, dashboardName: this.operations.dashboardName, dashboardUrl: this.operations.dashboardUrl }),
                clusterName: pulumi.output(cluster.clusterName),
                clusterArn: pulumi.output(cluster.clusterArn),
                ec2CapacityProviderName: pulumi.output(cluster.ec2CapacityProviderName),
                taskSecurityGroupId: pulumi.output(cluster.taskSecurityGroupId),
                buildImage: pulumi.all({ repositoryUrl: buildImage.repositoryUrl, repositoryArn: buildImage.repositoryArn }),
                vpcId: network.vpcId,
                privateSubnetIds: network.privateSubnetIds,
                publicSubnetIds: network.publicSubnetIds,
            })
            .apply((o) => ({
                environment: config.name,
                kind: config.kind,
                region: config.region,
                namePrefix: this.namePrefix,
                ...o,
                ...(config.ephemeral ? { expiresAt: config.ephemeral.expiresAt, release: config.ephemeral.release, baseStack: config.ephemeral.baseStack } : {}),
            })) as unknown as pulumi.Output<EnvironmentOutputs>;
    }
}
