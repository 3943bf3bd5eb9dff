import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Capacity } from "../config/schema";
import { defaultNamePrefix } from "../naming";
import { PavedError, show } from "../errors";
import { resourceNames } from "../resource-names";
import { appPathViolation } from "../validation";
import { taskDefinition, taskIdentity } from "./task-identity";
import { TaskArgs, awsLocation, capacityProviderStrategy, logRetentionViolation, normalizeTaskBasics } from "./common";
import { policy, secretArnViolation } from "./policies";
import type { LoadBalancerRef } from "./service-load-balancer";

export interface ContainerServiceRouting {
    /** App path the service answers under, e.g. "/api" (also "/api/*"); "/" takes every path. Excludes `hostHeader`. */
    pathPrefix?: string;
    /** Host name the service answers for, e.g. "api.example.com". Excludes `pathPrefix`. */
    hostHeader?: string;
    /** Listener rule priority, 1-50000, unique per listener; lower wins. */
    priority: number;
}

export interface ContainerServiceArgs extends TaskArgs {
    /**
     * Container image. A new image is a new task definition revision, rolled out by ECS. With
     * `imageManagedExternally`, the image the service starts from.
     */
    image: pulumi.Input<string>;
    /**
     * Port the container listens on.
     * @default 8080
     */
    port?: number;
    /** @default 256 */
    cpu?: number;
    /** @default 512 */
    memory?: number;
    /**
     * Tasks to run, and the autoscaling minimum.
     * @default 2
     */
    desiredCount?: number;
    /**
     * Autoscaling maximum.
     * @default the larger of 4 and `desiredCount`
     */
    maxCount?: number;
    /**
     * Average CPU utilization (%) target tracking keeps the service at.
     * @default 60
     */
    cpuTargetPercent?: number;
    /** @default "/" */
    healthCheckPath?: string;
    loadBalancer: LoadBalancerRef;
    /** Which requests reach the service: a path prefix or a host name on the load balancer. */
    routing: ContainerServiceRouting;
    /** @default "fargate" */
    capacity?: Capacity;
    /**
     * Rollouts own which image runs, Pulumi owns everything else. The image lives in an SSM
     * parameter (`resourceNames.appServiceImageParameter`) that `paved deploy-service` writes;
     * Pulumi creates it with `image` and never writes it again (`ignoreChanges` on its value),
     * and every `up` reads it, so the task definition Pulumi registers carries today's settings
     * and the deployed image. The image must stay in `image`'s repository.
     * @default false
     */
    imageManagedExternally?: boolean;
}

export interface NormalizedContainerService {
    app: string;
    namePrefix: string;
    port: number;
    cpu: number;
    memory: number;
    desiredCount: number;
    maxCount: number;
    cpuTargetPercent: number;
    healthCheckPath: string;
    capacity: Capacity;
    logRetentionDays: number;
    readonlyRootFilesystem: boolean;
    environment: Record<string, string>;
    secrets: Record<string, string>;
    /** Listener rule conditions. */
    conditions: { pathPattern?: { values: string[] }; hostHeader?: { values: string[] } }[];
    priority: number;
}

/** Applies defaults and validates; errors are `PavedError`s naming the service, field and value. */
export function normalizeContainerServiceArgs(componentName: string, args: Omit<ContainerServiceArgs, "cluster" | "image" | "loadBalancer">, instanceTypes?: string[]): NormalizedContainerService {
    const { name: app, capacity, cpu, memory, fail, whole } = normalizeTaskBasics("ContainerService", componentName, args, { capacity: "fargate", cpu: 256, memory: 512 }, instanceTypes);
    const port = args.port ?? 8080;
    whole("port", port, 1, 65535);
    const desiredCount = args.desiredCount ?? 2;
    const maxCount = args.maxCount ?? Math.max(4, desiredCount);
    whole("desiredCount", desiredCount, 1, 1000);
    whole("maxCount", maxCount, 1, 1000);
    if (maxCount < desiredCount) fail("maxCount", maxCount, `must be at least args.desiredCount ${desiredCount}`);
    const cpuTargetPercent = args.cpuTargetPercent ?? 60;
    whole("cpuTargetPercent", cpuTargetPercent, 10, 95);
    const healthCheckPath = args.healthCheckPath ?? "/";
    if (!/^\/[\x21-\x7e]{0,1023}$/.test(healthCheckPath)) fail("healthCheckPath", healthCheckPath, `must start with "/" and have no spaces, e.g. "/healthz"`);
    const logRetentionDays = args.logRetentionDays ?? 30;
    const retentionProblem = logRetentionViolation(logRetentionDays);
    if (retentionProblem) fail("logRetentionDays", logRetentionDays, retentionProblem);
    for (const [key, arn] of Object.entries(args.secrets ?? {})) {
        const arnProblem = secretArnViolation(arn);
        if (arnProblem) fail(`secrets.${key}`, arn, arnProblem);
    }

    const r = args.routing;
    whole("routing.priority", r.priority, 1, 50000);
    if ((r.pathPrefix === undefined) === (r.hostHeader === undefined)) fail("routing", r, "needs exactly one of pathPrefix and hostHeader");
    let conditions: NormalizedContainerService["conditions"];
    if (r.pathPrefix !== undefined) {
        const problem = appPathViolation(r.pathPrefix);
        if (problem) fail("routing.pathPrefix", r.pathPrefix, problem);
        conditions = [{ pathPattern: { values: r.pathPrefix === "/" ? ["/*"] : [r.pathPrefix, `${r.pathPrefix}/*`] } }];
    } else {
        if (!/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(r.hostHeader!)) fail("routing.hostHeader", r.hostHeader, `must be a lowercase host name such as "api.example.com"`);
        conditions = [{ hostHeader: { values: [r.hostHeader!] } }];
    }

    return {
        app,
        namePrefix: args.namePrefix ?? defaultNamePrefix(),
        port,
        cpu,
        memory,
        desiredCount,
        maxCount,
        cpuTargetPercent,
        healthCheckPath,
        capacity,
        logRetentionDays,
        readonlyRootFilesystem: args.readonlyRootFilesystem ?? true,
        environment: { ...(args.environment ?? {}) },
        secrets: { ...(args.secrets ?? {}) },
        conditions,
        priority: r.priority,
    };
}

/**
 * An app's container image as an ECS service behind an Application Load Balancer: a target group
 * with a health check and a listener rule, tasks without public IPs that accept traffic only from
 * the load balancer, a deployment circuit breaker with rollback, CPU target-tracking autoscaling
 * and logs with a retention.
 */
export class ContainerService extends pulumi.ComponentResource {
    /** The name of the app the service belongs to. */
    public readonly appName: string;
    /** The name of the ECS cluster the service runs on. */
    public readonly clusterName: pulumi.Output<string>;
    /** The ECS service's name (`paved deploy-service` updates it). */
    public readonly serviceName: pulumi.Output<string>;
    /** The ARN of the service's task definition. */
    public readonly taskDefinitionArn: pulumi.Output<string>;
    /** The family of the service's task definition. */
    public readonly taskDefinitionFamily: pulumi.Output<string>;
    /** The name of the service's container in the task definition. */
    public readonly containerName: pulumi.Output<string>;
    /** The ARN of the service's target group on the load balancer. */
    public readonly targetGroupArn: pulumi.Output<string>;
    /** The log group of the service's containers. */
    public readonly logGroupName: pulumi.Output<string>;
    /** The security group of the service's tasks (admits the load balancer only). */
    public readonly securityGroupId: pulumi.Output<string>;
    /** The task role's ARN: what the service's code may call. */
    public readonly taskRoleArn: pulumi.Output<string>;
    /** The image the task definition runs: the deployed one when rollouts own it. */
    public readonly image: pulumi.Output<string>;
    /** With `imageManagedExternally`: the SSM parameter holding the deployed image. */
    public readonly imageParameterName?: pulumi.Output<string>;

    constructor(name: string, args: ContainerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("paved:batch:ContainerService", name, {}, opts);
        const s = normalizeContainerServiceArgs(name, args, args.cluster.instanceTypes);
        const tags = { ...(args.tags ?? {}), "paved:app": s.app };
        const loc = awsLocation(this);
        const cluster = args.cluster;
        const lb = args.loadBalancer;

        let image: pulumi.Output<string> = pulumi.output(args.image);
        if (args.imageManagedExternally) {
            const parameterName = resourceNames.appServiceImageParameter(s.namePrefix, s.app);
            const parameter = new aws.ssm.Parameter(
                `${name}-image`,
                // An image reference is no secret: `insecureValue` keeps it readable in the state.
                { name: parameterName, type: "String", insecureValue: args.image, description: `Image service ${s.app} runs; written by paved deploy-service`, tags },
                // The rollout owns the value: Pulumi writes it once, when it creates the parameter.
                { parent: this, ignoreChanges: ["insecureValue", "value"] },
            );
            image = deployedImage(this, s.app, parameterName, args.image);
            this.imageParameterName = parameter.name;
        }

        const identity = taskIdentity(this, name, {
            what: `service ${s.app}`,
            logGroupName: resourceNames.appServiceLogGroup(s.namePrefix, s.app),
            logRetentionDays: s.logRetentionDays,
            image,
            secretArns: Object.values(s.secrets),
            secretKmsKeyArns: args.secretKmsKeyArns,
            location: loc,
            protect: args.protect ?? false,
            tags,
        });
        const { logGroup, taskRole } = identity;
        if (args.taskPolicyStatements && args.taskPolicyStatements.length > 0) {
            new aws.iam.RolePolicy(`${name}-task`, { role: taskRole.id, policy: JSON.stringify(policy(args.taskPolicyStatements)) }, { parent: this });
        }

        const taskDef = taskDefinition(this, name, {
            family: resourceNames.appServiceFamily(s.namePrefix, s.app),
            capacity: s.capacity,
            cpu: s.cpu,
            memory: s.memory,
            identity,
            location: loc,
            image,
            environment: s.environment,
            container: {
                name: s.app,
                command: args.command,
                secrets: s.secrets,
                streamPrefix: "service",
                readonlyRootFilesystem: s.readonlyRootFilesystem,
                portMappings: [{ containerPort: s.port, protocol: "tcp" }],
            },
            tags,
        });

        const targetGroup = new aws.lb.TargetGroup(
            `${name}-tg`,
            {
                vpcId: lb.vpcId,
                port: s.port,
                protocol: "HTTP",
                targetType: "ip",
                deregistrationDelay: 30,
                healthCheck: { enabled: true, path: s.healthCheckPath, protocol: "HTTP", matcher: "200-399", interval: 15, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
                tags,
            },
            { parent: this },
        );
        const rule = new aws.lb.ListenerRule(
            `${name}-rule`,
            { listenerArn: lb.listenerArn, priority: s.priority, actions: [{ type: "forward", targetGroupArn: targetGroup.arn }], conditions: s.conditions, tags },
            { parent: this },
        );

        const sg = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: lb.vpcId,
                description: `Service ${s.app}: port ${s.port} from its load balancer only`,
                ingress: [{ protocol: "tcp", fromPort: s.port, toPort: s.port, securityGroups: [lb.securityGroupId], description: "load balancer" }],
                egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"], description: "AWS APIs, registries, dependencies" }],
                tags,
            },
            { parent: this },
        );

        const service = new aws.ecs.Service(
            `${name}-service`,
            {
                name: resourceNames.appService(s.namePrefix, s.app),
                cluster: cluster.clusterArn,
                taskDefinition: taskDef.arn,
                desiredCount: s.desiredCount,
                capacityProviderStrategies: pulumi.output(cluster.ec2CapacityProviderName).apply((p) => capacityProviderStrategy(s.capacity, p)),
                networkConfiguration: { subnets: cluster.privateSubnetIds, securityGroups: [sg.id], assignPublicIp: false },
                loadBalancers: [{ targetGroupArn: targetGroup.arn, containerName: s.app, containerPort: s.port }],
                healthCheckGracePeriodSeconds: 60,
                deploymentCircuitBreaker: { enable: true, rollback: true },
                deploymentMinimumHealthyPercent: 100,
                deploymentMaximumPercent: 200,
                propagateTags: "SERVICE",
                enableEcsManagedTags: true,
                enableExecuteCommand: false,
                tags,
            },
            // The target group must be attached to the load balancer (through the rule) first;
            // autoscaling owns the running count after creation. The task definition is never
            // ignored: it carries the deployed image, so an `up` rolls out config, not old images.
            { parent: this, dependsOn: [rule], ignoreChanges: ["desiredCount"] },
        );

        const target = new aws.appautoscaling.Target(
            `${name}-scaling`,
            {
                serviceNamespace: "ecs",
                scalableDimension: "ecs:service:DesiredCount",
                resourceId: pulumi.interpolate`service/${cluster.clusterName}/${service.name}`,
                minCapacity: s.desiredCount,
                maxCapacity: s.maxCount,
                tags,
            },
            { parent: this },
        );
        new aws.appautoscaling.Policy(
            `${name}-cpu`,
            {
                policyType: "TargetTrackingScaling",
                serviceNamespace: target.serviceNamespace,
                scalableDimension: target.scalableDimension,
                resourceId: target.resourceId,
                targetTrackingScalingPolicyConfiguration: {
                    predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
                    targetValue: s.cpuTargetPercent,
                    scaleInCooldown: 300,
                    scaleOutCooldown: 60,
                },
            },
            { parent: this },
        );

        this.appName = s.app;
        this.clusterName = pulumi.output(cluster.clusterName);
        this.serviceName = service.name;
        this.taskDefinitionArn = taskDef.arn;
        this.taskDefinitionFamily = taskDef.family;
        this.containerName = pulumi.output(s.app);
        this.targetGroupArn = targetGroup.arn;
        this.logGroupName = logGroup.name;
        this.securityGroupId = sg.id;
        this.taskRoleArn = taskRole.arn;
        this.image = image;
        this.registerOutputs({
            clusterName: this.clusterName,
            serviceName: this.serviceName,
            taskDefinitionArn: this.taskDefinitionArn,
            taskDefinitionFamily: this.taskDefinitionFamily,
            containerName: this.containerName,
            targetGroupArn: this.targetGroupArn,
            logGroupName: this.logGroupName,
            securityGroupId: this.securityGroupId,
            taskRoleArn: this.taskRoleArn,
            image: this.image,
            imageParameterName: this.imageParameterName,
        });
    }
}

/** `image` without its tag or digest: `<registry>/<repository>`. */
export function imageRepository(image: string): string {
    const withoutDigest = image.split("@")[0];
    const slash = withoutDigest.lastIndexOf("/");
    const colon = withoutDigest.lastIndexOf(":");
    return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/**
 * The image in SSM parameter `parameterName`, read when the program runs, or `initial` while the
 * parameter does not exist yet. A by-path lookup answers an empty list for a missing parameter,
 * where a by-name lookup would fail the whole program. The value must be an image of `initial`'s
 * repository: the execution role may pull from that repository only.
 */
export function deployedImage(parent: pulumi.Resource, app: string, parameterName: string, initial: pulumi.Input<string>): pulumi.Output<string> {
    const path = parameterName.slice(0, parameterName.lastIndexOf("/"));
    const found = aws.ssm.getParametersByPathOutput({ path, recursive: false }, { parent });
    return pulumi.all([found, initial]).apply(([f, first]) => {
        const i = (f.names ?? []).indexOf(parameterName);
        const value = i >= 0 ? f.values[i] : undefined;
        if (value === undefined) return first;
        const repository = imageRepository(first);
        if (!value.startsWith(`${repository}:`) && !value.startsWith(`${repository}@sha256:`)) {
            throw new PavedError(
                `ContainerService "${app}": SSM parameter ${parameterName} holds ${show(value)}, not an image of ${repository}; deploy one with \`paved deploy-service\` (it writes the parameter)`,
            );
        }
        return value;
    });
}
