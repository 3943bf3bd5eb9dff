import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { instanceSize } from "../config/instance-types";
import { defaultNamePrefix, physicalName } from "../naming";
import { resourceNames } from "../resource-names";
import { z } from "zod";
import { Transforms, applyTransform, input, namePrefixArg, parseArgs, rule, tags, wholeNumber } from "../args";
import { ClusterRef, awsLocation } from "./common";
import { assumeRolePolicy, instanceRolePolicy } from "./policies";

export type { ClusterRef } from "./common";

/** The public SSM parameter holding the current ECS-optimized Amazon Linux 2023 AMI id. */
export const ECS_AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";

/** Children of a cluster a team may tweak through `transform`. */
export interface BatchClusterChildren {
    launchTemplate: aws.ec2.LaunchTemplateArgs;
    autoScalingGroup: aws.autoscaling.GroupArgs;
    instanceRole: aws.iam.RoleArgs;
}

/** The cluster's sizing: shared with the stack config (`paved:cluster`). */
export const batchClusterFields = z.strictObject({
    /** The VPC of the instances and tasks. */
    vpcId: input<string>(),
    /** Subnets for instances and tasks; no public IPs are assigned. */
    privateSubnetIds: input<pulumi.Input<string>[]>(),
    /**
     * EC2 instance types the group may launch (Spot draws from all of them). Keep them of similar
     * size: ECS managed scaling assumes interchangeable instances.
     * @default ["m6i.large", "m6a.large", "m5.large"]
     */
    instanceTypes: z
        .array(z.string().superRefine(rule((t: string) => (instanceSize(t) ? undefined : 'is not a supported instance type: use an m, c, r or t family type of generation 5-8, e.g. "m6i.large"'))))
        .min(1, 'needs at least one instance type, e.g. ["m6i.large"]')
        .default(["m6i.large", "m6a.large", "m5.large"]),
    /**
     * Fewest instances the group runs.
     * @default 0
     */
    minSize: wholeNumber(0, 1000).default(0),
    /**
     * Most instances the group runs.
     * @default 10
     */
    maxSize: wholeNumber(1, 1000).default(10),
    /**
     * Instances that are always on-demand.
     * @default 0
     */
    onDemandBaseCapacity: wholeNumber(0, 1000).default(0),
    /**
     * Percentage of the instances above the base that run on Spot.
     * @default 50
     */
    spotPercentage: wholeNumber(0, 100).default(50),
    /**
     * ECS managed scaling target: how full (percent of reserved capacity) the group runs before it grows.
     * @default 90
     */
    targetCapacity: wholeNumber(1, 100).default(90),
    /** Prefix of the cluster's physical names. Defaults to `<project>-<stack>`. */
    namePrefix: namePrefixArg.optional(),
    /**
     * Root volume size of each instance (encrypted gp3).
     * @default 30
     */
    rootVolumeSizeGiB: wholeNumber(30, 16384, "GiB").default(30),
    /**
     * Attach `AmazonSSMManagedInstanceCore` so instances can be reached through Session Manager.
     * @default false
     */
    enableSsmAccess: z.boolean().default(false),
    /**
     * Protect the ECS cluster from deletion by Pulumi.
     * @default false
     */
    protect: z.boolean().default(false),
    /**
     * Tags for every taggable child.
     * @default {}
     */
    tags: tags.default({}),
    /**
     * Tweak the cluster's children (see `Transform`): `launchTemplate` (e.g. `monitoring`),
     * `autoScalingGroup` (e.g. `defaultCooldown`), `instanceRole` (e.g. `permissionsBoundary`).
     * Encryption, IMDSv2, the image, user data, trust policies and tags stay Paved's.
     */
    transform: z.custom<Transforms<BatchClusterChildren>>((v) => v !== null && typeof v === "object", { message: "must map child names to a partial args object or a function" }).optional(),
});

/** The rules between the cluster's sizes. */
export function checkBatchCluster(c: { instanceTypes: string[]; minSize: number; maxSize: number; onDemandBaseCapacity: number }, ctx: z.RefinementCtx): void {
    if (new Set(c.instanceTypes).size !== c.instanceTypes.length) ctx.addIssue({ code: "custom", path: ["instanceTypes"], message: "lists an instance type twice" });
    if (c.minSize > c.maxSize) ctx.addIssue({ code: "custom", path: ["minSize"], message: `must not exceed maxSize (${c.maxSize})` });
    if (c.onDemandBaseCapacity > c.maxSize) ctx.addIssue({ code: "custom", path: ["onDemandBaseCapacity"], message: `must not exceed maxSize (${c.maxSize})` });
}

/**
 * A batch cluster's args.
 *
 * @example
 * ```ts
 * new BatchCluster("cluster", {
 *     vpcId: network.vpcId,
 *     privateSubnetIds: network.privateSubnetIds,
 *     instanceTypes: ["c7g.xlarge", "c6g.xlarge"],
 *     maxSize: 20,
 *     spotPercentage: 80,
 * });
 * ```
 */
export const batchClusterArgs = batchClusterFields.superRefine(checkBatchCluster);
export type BatchClusterArgs = z.input<typeof batchClusterArgs>;

/** What a transform may not change on the instance role: whom it trusts, and its tags. */
export const INSTANCE_ROLE_GUARDRAILS = ["assumeRolePolicy", "tags"] as const;
/**
 * What a transform may not change on the launch template: the image, the instance profile,
 * IMDSv2 with hop limit 1, private network interfaces, encrypted volumes, the user data (which
 * keeps tasks off the metadata service) and tags.
 */
export const LAUNCH_TEMPLATE_GUARDRAILS = ["imageId", "iamInstanceProfile", "metadataOptions", "networkInterfaces", "blockDeviceMappings", "userData", "tagSpecifications", "tags"] as const;
/** What a transform may not change on the group: its sizes and instance mix (args), ECS's scale-in protection, subnets and tags. */
export const AUTO_SCALING_GROUP_GUARDRAILS = ["minSize", "maxSize", "vpcZoneIdentifiers", "protectFromScaleIn", "mixedInstancesPolicy", "tags"] as const;

/**
 * The instance's user data: join the cluster, drain Spot instances on their interruption notice,
 * and keep awsvpc tasks away from the instance metadata service (they get credentials from their
 * task role instead).
 */
export function instanceUserData(clusterName: string): string {
    return [
        "#!/bin/bash",
        "cat >> /etc/ecs/ecs.config <<'EOF'",
        `ECS_CLUSTER=${clusterName}`,
        "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true",
        "ECS_AWSVPC_BLOCK_IMDS=true",
        "ECS_ENABLE_TASK_IAM_ROLE=true",
        "EOF",
        "",
    ].join("\n");
}

/**
 * An ECS cluster for batch jobs and container services: EC2 capacity from a mixed on-demand/Spot
 * Auto Scaling group managed by an ECS capacity provider (managed scaling and termination
 * protection), plus Fargate and Fargate Spot. The EC2 provider is the default strategy.
 */
export class BatchCluster extends pulumi.ComponentResource implements ClusterRef {
    /** The ECS cluster's name. */
    public readonly clusterName: pulumi.Output<string>;
    /** The ECS cluster's ARN. */
    public readonly clusterArn: pulumi.Output<string>;
    public readonly ec2CapacityProviderName: pulumi.Output<string>;
    /** Egress-only security group for tasks (jobs, workers). */
    public readonly taskSecurityGroupId: pulumi.Output<string>;
    /** Egress-only security group of the instances. */
    public readonly instanceSecurityGroupId: pulumi.Output<string>;
    /** The subnets of the cluster's instances and tasks. */
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    /** The Auto Scaling group of the cluster's EC2 capacity. */
    public readonly autoScalingGroupName: pulumi.Output<string>;
    /** The ARN of the container instances' role. */
    public readonly instanceRoleArn: pulumi.Output<string>;
    /** The instance types, so jobs can check their hard limits fit. */
    public readonly instanceTypes: string[];

    constructor(name: string, args: BatchClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("paved:batch:BatchCluster", name, {}, opts);
        const parsed = parseArgs(batchClusterArgs, args, "args", `BatchCluster "${name}"`);
        const a = { ...parsed, namePrefix: parsed.namePrefix ?? defaultNamePrefix() };
        const where = `BatchCluster "${name}": args.transform`;
        const tags = a.tags;
        const physical = resourceNames.cluster(a.namePrefix);
        const loc = awsLocation(this);

        const cluster = new aws.ecs.Cluster(
            `${name}-cluster`,
            { name: physical, settings: [{ name: "containerInsights", value: "enabled" }], tags },
            { parent: this, protect: a.protect },
        );

        const egressOnly = (role: string, description: string) =>
            new aws.ec2.SecurityGroup(
                `${name}-${role}`,
                {
                    vpcId: a.vpcId,
                    description,
                    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"], description: "AWS APIs, registries, job dependencies" }],
                    tags: { ...tags, Name: `${physical}-${role}` },
                },
                { parent: this },
            );
        const instanceSg = egressOnly("instances", `ECS instances of ${physical}: egress only`);
        const taskSg = egressOnly("tasks", `Batch tasks of ${physical}: egress only`);

        const role = new aws.iam.Role(
            ...applyTransform<aws.iam.RoleArgs>(
                a.transform?.instanceRole,
                `${name}-instance`,
                // EC2 sets no aws:SourceAccount when an instance assumes its role: the trust has no condition to add.
                { assumeRolePolicy: loc.apply((l) => JSON.stringify(assumeRolePolicy("ec2.amazonaws.com", l.accountId))), description: `ECS agent on ${physical} instances`, tags },
                { parent: this },
                INSTANCE_ROLE_GUARDRAILS,
                `${where}.instanceRole`,
            ),
        );
        new aws.iam.RolePolicy(
            `${name}-instance`,
            { role: role.id, policy: pulumi.all([loc, cluster.name]).apply(([l, c]) => JSON.stringify(instanceRolePolicy(l, c))) },
            { parent: this },
        );
        if (a.enableSsmAccess) {
            new aws.iam.RolePolicyAttachment(
                `${name}-instance-ssm`,
                { role: role.name, policyArn: loc.apply((l) => `arn:${l.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`) },
                { parent: this },
            );
        }
        const profile = new aws.iam.InstanceProfile(`${name}-instance`, { role: role.name, tags }, { parent: this });

        const ami = aws.ssm.getParameterOutput({ name: ECS_AMI_PARAMETER }, { parent: this });
        const template = new aws.ec2.LaunchTemplate(
            ...applyTransform<aws.ec2.LaunchTemplateArgs>(
                a.transform?.launchTemplate,
                `${name}-instances`,
                {
                    description: `ECS-optimized AL2023 instances of ${physical}`,
                    imageId: ami.value,
                    iamInstanceProfile: { arn: profile.arn },
                    // Hop limit 1: the agent runs in the host network; containers one hop away get no token.
                    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
                    networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [instanceSg.id], deleteOnTermination: "true" }],
                    blockDeviceMappings: [
                        { deviceName: "/dev/xvda", ebs: { volumeType: "gp3", volumeSize: a.rootVolumeSizeGiB, encrypted: "true", deleteOnTermination: "true" } },
                    ],
                    monitoring: { enabled: true },
                    userData: cluster.name.apply((c) => Buffer.from(instanceUserData(c)).toString("base64")),
                    tagSpecifications: [
                        { resourceType: "instance", tags: { ...tags, Name: physical } },
                        { resourceType: "volume", tags: { ...tags, Name: physical } },
                    ],
                    tags,
                },
                { parent: this },
                LAUNCH_TEMPLATE_GUARDRAILS,
                `${where}.launchTemplate`,
            ),
        );

        const group = new aws.autoscaling.Group(
            ...applyTransform<aws.autoscaling.GroupArgs>(
                a.transform?.autoScalingGroup,
                `${name}-instances`,
                {
                    minSize: a.minSize,
                    maxSize: a.maxSize,
                    vpcZoneIdentifiers: a.privateSubnetIds,
                    capacityRebalance: true,
                    // Managed termination protection requires it: ECS decides which instances may go.
                    protectFromScaleIn: true,
                    healthCheckType: "EC2",
                    defaultInstanceWarmup: 60,
                    mixedInstancesPolicy: {
                        instancesDistribution: {
                            onDemandBaseCapacity: a.onDemandBaseCapacity,
                            onDemandPercentageAboveBaseCapacity: 100 - a.spotPercentage,
                            onDemandAllocationStrategy: "prioritized",
                            spotAllocationStrategy: "price-capacity-optimized",
                        },
                        launchTemplate: {
                            launchTemplateSpecification: { launchTemplateId: template.id, version: template.latestVersion.apply((v) => String(v)) },
                            overrides: a.instanceTypes.map((instanceType) => ({ instanceType })),
                        },
                    },
                    tags: [
                        // ECS managed scaling requires this tag on the group.
                        { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
                        ...Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
                    ],
                },
                // ECS managed scaling owns the desired capacity.
                { parent: this, ignoreChanges: ["desiredCapacity"] },
                AUTO_SCALING_GROUP_GUARDRAILS,
                `${where}.autoScalingGroup`,
            ),
        );

        const provider = new aws.ecs.CapacityProvider(
            `${name}-ec2`,
            {
                name: physicalName("ecsCapacityProvider", a.namePrefix, "ec2"),
                autoScalingGroupProvider: {
                    autoScalingGroupArn: group.arn,
                    managedTerminationProtection: "ENABLED",
                    managedDraining: "ENABLED",
                    managedScaling: { status: "ENABLED", targetCapacity: a.targetCapacity, minimumScalingStepSize: 1, maximumScalingStepSize: 10, instanceWarmupPeriod: 60 },
                },
                tags,
            },
            { parent: this },
        );

        const association = new aws.ecs.ClusterCapacityProviders(
            `${name}-capacity`,
            {
                clusterName: cluster.name,
                capacityProviders: [provider.name, "FARGATE", "FARGATE_SPOT"],
                defaultCapacityProviderStrategies: [{ capacityProvider: provider.name, weight: 1, base: 0 }],
            },
            { parent: this },
        );

        // Through the association, so tasks and services using a strategy wait until it exists.
        this.clusterName = association.clusterName;
        this.clusterArn = pulumi.all([association.id, cluster.arn]).apply(([, arn]) => arn);
        this.ec2CapacityProviderName = pulumi.all([association.id, provider.name]).apply(([, n]) => n);
        this.taskSecurityGroupId = taskSg.id;
        this.instanceSecurityGroupId = instanceSg.id;
        this.privateSubnetIds = pulumi.output(a.privateSubnetIds);
        this.autoScalingGroupName = group.name;
        this.instanceRoleArn = role.arn;
        this.instanceTypes = [...a.instanceTypes];
        this.registerOutputs({
            clusterName: this.clusterName,
            clusterArn: this.clusterArn,
            ec2CapacityProviderName: this.ec2CapacityProviderName,
            taskSecurityGroupId: this.taskSecurityGroupId,
            instanceSecurityGroupId: this.instanceSecurityGroupId,
            privateSubnetIds: this.privateSubnetIds,
            autoScalingGroupName: this.autoScalingGroupName,
            instanceRoleArn: this.instanceRoleArn,
        });
    }
}

