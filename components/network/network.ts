import * as aws from "@pulumi/aws";
// The ec2 module alone: the package index also loads awsx's classic modules, and with them the
// AWS SDK's ECS client (about 0.2 s of every plan), none of which Paved uses.
import * as awsxEc2 from "@pulumi/awsx/ec2";
import * as pulumi from "@pulumi/pulumi";
import { awsLocation } from "../aws-location";
import { z } from "zod";
import { cidrBlock, input, logRetentionDays, parseArgs, tags, wholeNumber } from "../args";
import { serviceTrustPolicy } from "../trust-policy";

const subnetIds = z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id such as "subnet-0abc1234"')).min(2, "needs at least 2 subnets in different availability zones");

/** An existing VPC's ids. */
export const existingNetworkArgs = z.strictObject({
    /** The VPC's id, e.g. "vpc-0abc12345def67890". */
    vpcId: input(z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id such as "vpc-0abc12345def67890"')),
    /** Subnets for tasks, instances and build-free internals; in at least two availability zones. */
    privateSubnetIds: input<pulumi.Input<string>[]>(subnetIds),
    /** Subnets for internet-facing load balancers; in at least two availability zones. */
    publicSubnetIds: input<pulumi.Input<string>[]>(subnetIds),
});
export type ExistingNetworkArgs = z.input<typeof existingNetworkArgs>;

/** The VPC Paved creates when none is given: its block, and how many zones and NAT gateways. */
export const NETWORK_DEFAULTS = { cidrBlock: "10.0.0.0/16", availabilityZones: 2, natGateways: "single" } as const;
/** Prod's zones and NAT gateways: no single zone takes the environment down. */
export const PROD_NETWORK_DEFAULTS = { availabilityZones: 3, natGateways: "onePerAz" } as const;

/** The sizing of a VPC Paved creates; shared with the stack config (`paved:network`). */
export const networkFields = z.strictObject({
    /** CIDR block of the VPC to create: "10.0.0.0/16" by default (`NETWORK_DEFAULTS`). */
    cidrBlock: cidrBlock.optional(),
    /** Availability zones to spread subnets over (a load balancer needs two): 2 by default (`NETWORK_DEFAULTS`). */
    availabilityZones: wholeNumber(2, 6).optional(),
    /** NAT gateways: "single" (one for the VPC, cheaper, the default) or "onePerAz" (no cross-zone dependency). */
    natGateways: z.enum(["single", "onePerAz"]).optional(),
    /** Use this VPC instead of creating one. Excludes the sizing fields above. */
    existing: existingNetworkArgs.optional(),
});

/** `existing` excludes the sizing of a new VPC. */
export function checkNetwork(n: { existing?: unknown; cidrBlock?: string; availabilityZones?: number; natGateways?: string }, ctx: z.RefinementCtx): void {
    if (n.existing && (n.cidrBlock || n.availabilityZones || n.natGateways)) {
        ctx.addIssue({ code: "custom", path: ["existing"], message: "excludes cidrBlock, availabilityZones and natGateways: either use an existing VPC or size a new one, not both" });
    }
}

/**
 * A network's args.
 *
 * @example
 * ```ts
 * new Network("network", { cidrBlock: "10.20.0.0/16", availabilityZones: 3, natGateways: "onePerAz" });
 * new Network("network", { existing: { vpcId: "vpc-0abc12345def67890", privateSubnetIds, publicSubnetIds } });
 * ```
 */
export const networkArgs = networkFields
    .extend({
        /**
         * Days to keep VPC flow logs.
         * @default 30
         */
        flowLogRetentionDays: logRetentionDays.default(30),
        /**
         * Protect the flow log group from deletion (prod keeps its logs through a `pulumi destroy`).
         * @default false
         */
        protect: z.boolean().default(false),
        /** Tags for every taggable child. */
        tags: tags.optional(),
    })
    .strict()
    .superRefine(checkNetwork);
export type NetworkArgs = z.input<typeof networkArgs>;

/**
 * The network an environment runs in: a VPC created through awsx (public and private subnets,
 * NAT per the strategy, flow logs to CloudWatch), or an existing VPC's ids passed through.
 */
export class Network extends pulumi.ComponentResource {
    /** The VPC's id. */
    public readonly vpcId: pulumi.Output<string>;
    /** The private subnets' ids (tasks, instances, internal load balancers). */
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    /** The public subnets' ids (NAT gateways, internet-facing load balancers). */
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    /** The awsx VPC, when this component created one. */
    public readonly vpc?: awsxEc2.Vpc;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("paved:network:Network", name, {}, opts);
        const a = parseArgs(networkArgs, args, "args", `Network "${name}"`);
        const azs = a.availabilityZones ?? NETWORK_DEFAULTS.availabilityZones;
        const tags = a.tags;

        if (a.existing) {
            this.vpcId = pulumi.output(a.existing.vpcId);
            this.privateSubnetIds = pulumi.output(a.existing.privateSubnetIds);
            this.publicSubnetIds = pulumi.output(a.existing.publicSubnetIds);
        } else {
            this.vpc = new awsxEc2.Vpc(
                `${name}-vpc`,
                {
                    cidrBlock: a.cidrBlock ?? NETWORK_DEFAULTS.cidrBlock,
                    numberOfAvailabilityZones: azs,
                    enableDnsHostnames: true,
                    enableDnsSupport: true,
                    natGateways: { strategy: a.natGateways === "onePerAz" ? awsxEc2.NatGatewayStrategy.OnePerAz : awsxEc2.NatGatewayStrategy.Single },
                    subnetStrategy: awsxEc2.SubnetAllocationStrategy.Auto,
                    subnetSpecs: [{ type: awsxEc2.SubnetType.Public }, { type: awsxEc2.SubnetType.Private }],
                    tags,
                },
                { parent: this },
            );
            this.vpcId = this.vpc.vpcId;
            this.privateSubnetIds = this.vpc.privateSubnetIds;
            this.publicSubnetIds = this.vpc.publicSubnetIds;

            // Flow logs (FSBP EC2.6): rejected and accepted traffic, kept with a retention.
            const logGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, { retentionInDays: a.flowLogRetentionDays, tags }, { parent: this, protect: a.protect });
            const role = new aws.iam.Role(
                `${name}-flow-logs`,
                {
                    assumeRolePolicy: awsLocation(this).apply((l) =>
                        JSON.stringify(serviceTrustPolicy("vpc-flow-logs.amazonaws.com", l.accountId, `arn:${l.partition}:ec2:${l.region}:${l.accountId}:vpc-flow-log/*`)),
                    ),
                    tags,
                },
                { parent: this },
            );
            new aws.iam.RolePolicy(
                `${name}-flow-logs`,
                {
                    role: role.id,
                    policy: logGroup.arn.apply((arn) =>
                        JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [
                                { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [arn, `${arn}:*`] },
                            ],
                        }),
                    ),
                },
                { parent: this },
            );
            new aws.ec2.FlowLog(`${name}-flow-logs`, { vpcId: this.vpcId, trafficType: "ALL", logDestinationType: "cloud-watch-logs", logDestination: logGroup.arn, iamRoleArn: role.arn, tags }, { parent: this });
        }

        this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds });
    }
}
