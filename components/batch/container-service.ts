import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Transforms, appPath, applyTransform, input, parseArgs, rule, wholeNumber } from "../args";
import { dnsNameViolation } from "../validation";
import { defaultNamePrefix } from "../naming";
import { PavedError, show } from "../errors";
import { resourceNames } from "../resource-names";
import { taskDefinition, taskIdentity } from "./task-identity";
import { CAPACITIES, Capacity, awsLocation, capacityProviderStrategy, checkTaskSize, taskFields, workloadName } from "./common";
import { PolicyStatement, policy } from "./policies";
import type { LoadBalancerRef } from "./service-load-balancer";

/**
 * Where the load balancer sends a request to the service: a path prefix or a host name.
 *
 * @example
 * ```ts
 * routing: { pathPrefix: "/api", priority: 10 }
 * ```
 */
export const containerServiceRouting = z
    .strictObject({
        /** App path the service answers under, e.g. "/api" (also "/api/*"); "/" takes every path. Excludes `hostHeader`. */
        pathPrefix: appPath.optional(),
        /** Host name the service answers for, e.g. "api.example.com" (or "*.example.com"). Excludes `pathPrefix`. */
        hostHeader: z
            .string()
            .superRefine(rule((h: string) => dnsNameViolation(h.replace(/^\*\./, ""), "api.example.com")))
            .optional(),
        /** Listener rule priority, 1-50000, unique per listener; lower wins. */
        priority: wholeNumber(1, 50000),
    })
    .superRefine((r, ctx) => {
        if ((r.pathPrefix === undefined) === (r.hostHeader === undefined)) ctx.addIssue({ code: "custom", message: "needs exactly one of pathPrefix and hostHeader" });
    });
export type ContainerServiceRouting = z.input<typeof containerServiceRouting>;

/** Tasks a service may run: ECS's tasks-per-service quota is 5,000; Paved caps services at 1,000. */
export const MAX_SERVICE_TASKS = 1000;

/** Children of a service a team may tweak through `transform`. */
export interface ContainerServiceChildren {
    taskDefinition: aws.ecs.TaskDefinitionArgs;
    service: aws.ecs.ServiceArgs;
    targetGroup: aws.lb.TargetGroupArgs;
}

/**
 * What every service's checks and ECS call read: the service's own sizes, counts and routing.
 * Shared with the stack config (`paved:apps[].container.service`).
 */
export const containerServiceFields = taskFields.extend({
    /**
     * Container image. A new image is a new task definition revision, rolled out by ECS. With
     * `imageManagedExternally`, the image the service starts from.
     */
    image: input<string>(),
    /**
     * Port the container listens on.
     * @default 8080
     */
    port: wholeNumber(1, 65535).default(8080),
    /**
     * CPU units (1024 = 1 vCPU), a hard limit.
     * @default 256
     */
    cpu: z.number().default(256),
    /**
     * Memory in MiB, a hard limit: the container is killed past it.
     * @default 512
     */
    memory: z.number().default(512),
    /**
     * Tasks to run, and the autoscaling minimum.
     * @default 2
     */
    desiredCount: wholeNumber(1, MAX_SERVICE_TASKS).default(2),
    /**
     * Autoscaling maximum; at least `desiredCount`. Defaults to the larger of 4 and `desiredCount`.
     */
    maxCount: wholeNumber(1, MAX_SERVICE_TASKS).optional(),
    /**
     * Average CPU utilization (%) target tracking keeps the service at.
     * @default 60
     */
    cpuTargetPercent: wholeNumber(10, 95).default(60),
    /**
     * Path the load balancer's health check requests.
     * @default "/"
     */
    healthCheckPath: z.string().regex(/^\/[\x21-\x7e]{0,1023}$/, 'must start with "/" and have no spaces, e.g. "/healthz"').default("/"),
    /** The load balancer the service sits behind: a `ServiceLoadBalancer`, or its fields. */
    loadBalancer: z.custom<LoadBalancerRef>((v) => v !== null && typeof v === "object", { message: "is required: a ServiceLoadBalancer, or its fields" }),
    /** Where the load balancer sends requests to the service. */
    routing: containerServiceRouting,
    /**
     * Where the tasks run: Fargate, Fargate Spot, or the cluster's EC2 capacity provider.
     * @default "fargate"
     */
    capacity: z.enum(CAPACITIES).default("fargate"),
    /**
     * Rollouts own which image runs, Pulumi owns everything else. The image lives in an SSM
     * parameter (`resourceNames.appServiceImageParameter`) that `paved deploy-service` writes;
     * Pulumi creates it with `image` and never writes it again (`ignoreChanges` on its value),
     * and every `up` reads it, so the task definition Pulumi registers carries today's settings
     * and the deployed image. The image must stay in `image`'s repository.
     * @default false
     */
    imageManagedExternally: z.boolean().default(false),
    /**
     * Tweak the service's children (see `Transform`): `taskDefinition`, `service` (e.g.
     * `deploymentMinimumHealthyPercent`), `targetGroup` (e.g. its health check timing). Roles,
     * networking, the container and tags stay Paved's.
     */
    transform: z.custom<Transforms<ContainerServiceChildren>>((v) => v !== null && typeof v === "object", { message: "must map child names to a partial args object or a function" }).optional(),
});

/** The default autoscaling maximum: the larger of 4 and `desiredCount`. */
export function defaultMaxCount(desiredCount: number): number {
    return Math.max(4, desiredCount);
}

/** The rules between a service's fields: the count range, and its size on its capacity. */
export function checkContainerService(s: { cpu: number; memory: number; capacity: Capacity; desiredCount: number; maxCount?: number }, ctx: z.RefinementCtx, instanceTypes?: string[]): void {
    if (s.maxCount !== undefined && s.maxCount < s.desiredCount) ctx.addIssue({ code: "custom", path: ["maxCount"], message: `must be at least desiredCount (${s.desiredCount})` });
    checkTaskSize(ctx, s.capacity, s.cpu, s.memory, instanceTypes);
}

/**
 * A container service's args.
 *
 * @example
 * ```ts
 * new ContainerService("svc-catalog", {
 *     cluster,
 *     loadBalancer,
 *     image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/catalog:1.2.0",
 *     routing: { pathPrefix: "/catalog/api", priority: 10 },
 *     cpu: 512,
 *     memory: 1024,
 *     desiredCount: 2,
 *     healthCheckPath: "/healthz",
 * });
 * ```
 */
export const containerServiceArgs = containerServiceFields.superRefine((s, ctx) => checkContainerService(s, ctx, s.cluster?.instanceTypes));
export type ContainerServiceArgs = z.input<typeof containerServiceArgs>;

/** The listener rule conditions of a routing. */
export function routingConditions(r: z.output<typeof containerServiceRouting>): { pathPattern?: { values: string[] }; hostHeader?: { values: string[] } }[] {
    if (r.pathPrefix !== undefined) return [{ pathPattern: { values: r.pathPrefix === "/" ? ["/*"] : [r.pathPrefix, `${r.pathPrefix}/*`] } }];
    return [{ hostHeader: { values: [r.hostHeader!] } }];
}

/**
 * What a transform may not change on a service: its task definition (Paved's, with the deployed
 * image), private networking without public IPs, the load balancer attachment, the circuit
 * breaker with rollback, ECS Exec off, and tags.
 */
export const SERVICE_GUARDRAILS = ["taskDefinition", "networkConfiguration", "loadBalancers", "deploymentCircuitBreaker", "enableExecuteCommand", "tags"] as const;
/** What a transform may not change on a target group: its VPC, port, protocol and target type. */
export const TARGET_GROUP_GUARDRAILS = ["vpcId", "port", "protocol", "targetType", "tags"] as const;

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
        const a = parseArgs(containerServiceArgs, args, "args", `ContainerService "${name}"`);
        const app = workloadName("ContainerService", name, a.name);
        const s = { ...a, app, namePrefix: a.namePrefix ?? defaultNamePrefix(), maxCount: a.maxCount ?? defaultMaxCount(a.desiredCount), conditions: routingConditions(a.routing), priority: a.routing.priority };
        const where = `ContainerService "${name}": args.transform`;
        const tags = { ...s.tags, "paved:app": s.app };
        const loc = awsLocation(this);
        const cluster = s.cluster;
        const lb = s.loadBalancer;

        let image: pulumi.Output<string> = pulumi.output(s.image);
        if (s.imageManagedExternally) {
            const parameterName = resourceNames.appServiceImageParameter(s.namePrefix, s.app);
            const parameter = new aws.ssm.Parameter(
                `${name}-image`,
                // An image reference is no secret: `insecureValue` keeps it readable in the state.
                { name: parameterName, type: "String", insecureValue: s.image, description: `Image service ${s.app} runs; written by paved deploy-service`, tags },
                // The rollout owns the value: Pulumi writes it once, when it creates the parameter.
                { parent: this, ignoreChanges: ["insecureValue", "value"] },
            );
            image = deployedImage(this, s.app, parameterName, s.image);
            this.imageParameterName = parameter.name;
        }

        const identity = taskIdentity(this, name, {
            what: `service ${s.app}`,
            logGroupName: resourceNames.appServiceLogGroup(s.namePrefix, s.app),
            logRetentionDays: s.logRetentionDays,
            image,
            secretArns: Object.values(s.secrets),
            secretKmsKeyArns: s.secretKmsKeyArns,
            location: loc,
            protect: s.protect,
            tags,
        });
        const { logGroup, taskRole } = identity;
        if (s.taskPolicyStatements.length > 0) {
            new aws.iam.RolePolicy(`${name}-task`, { role: taskRole.id, policy: JSON.stringify(policy(s.taskPolicyStatements as PolicyStatement[])) }, { parent: this });
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
                command: s.command,
                secrets: s.secrets,
                streamPrefix: "service",
                readonlyRootFilesystem: s.readonlyRootFilesystem,
                portMappings: [{ containerPort: s.port, protocol: "tcp" }],
            },
            tags,
            transform: { transform: s.transform?.taskDefinition, where: `${where}.taskDefinition` },
        });

        const targetGroup = new aws.lb.TargetGroup(
            ...applyTransform<aws.lb.TargetGroupArgs>(
                s.transform?.targetGroup,
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
                TARGET_GROUP_GUARDRAILS,
                `${where}.targetGroup`,
            ),
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
            ...applyTransform<aws.ecs.ServiceArgs>(
                s.transform?.service,
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
                SERVICE_GUARDRAILS,
                `${where}.service`,
            ),
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
