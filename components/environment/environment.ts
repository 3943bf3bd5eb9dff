import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BatchCluster } from "../batch/batch-cluster";
import { BatchJob } from "../batch/batch-job";
import type { ClusterRef } from "../batch/common";
import { ContainerService } from "../batch/container-service";
import { ServiceLoadBalancer } from "../batch/service-load-balancer";
import { PavedConfig, alreadyChecked } from "../config";
import { ConfigError, PavedError } from "../errors";
import { BuildImage } from "../frontend/build-image";
import { BuildImageReference, FrontendApp } from "../frontend/frontend-app";
import { SiteHost } from "../frontend/site-host";
import { Network } from "../network/network";
import { Operations } from "../operations/operations";
import { namePrefix } from "../stack-name";
import { environmentChildArgs, servicePath } from "./child-args";
import type { AppOutputs, EnvironmentOutputs, JobOutputs, ServiceOutputs } from "./outputs";
import { preflightProblems } from "./preflight";

export { ENVIRONMENT_LOG_RETENTION_DAYS, TAG_KEYS, environmentChildArgs, servicePath, servicePriority } from "./child-args";
export type { EnvironmentChildArgs } from "./child-args";
export { preflightProblems } from "./preflight";

/**
 * Checks every child's args (one parse pass of the components' schemas) and throws one
 * `ConfigError` with every problem at its `paved:` key, before the environment registers
 * anything. A config from `parseConfig` has passed it already.
 */
export function preflight(name: string, config: PavedConfig): void {
    if (alreadyChecked(config)) return;
    const problems = preflightProblems(config);
    if (problems.length > 0) throw new ConfigError(problems, `Environment "${name}"`);
}

/** The base stack's outputs an ephemeral environment borrows (see `EnvironmentOutputs`). */
interface BaseStack {
    vpcId: pulumi.Output<string>;
    privateSubnetIds: pulumi.Output<string[]>;
    publicSubnetIds: pulumi.Output<string[]>;
    cluster: ClusterRef;
    buildImage: BuildImageReference;
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

        // Every child's args are checked before any resource is registered, so a bad entry fails
        // the whole program up front instead of after half the environment was sent to the engine.
        preflight(name, config);
        const a = environmentChildArgs(config);

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
