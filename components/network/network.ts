import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { awsLocation } from "../aws-location";
import { PavedError, show } from "../errors";
import { serviceTrustPolicy } from "../trust-policy";
import { logRetentionViolation } from "../validation";

export interface ExistingNetworkArgs {
    vpcId: pulumi.Input<string>;
    /** Subnets for tasks, instances and build-free internals; in at least two availability zones. */
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Subnets for internet-facing load balancers. */
    publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}

export interface NetworkArgs {
    /**
     * CIDR block of the VPC to create.
     * @default "10.0.0.0/16"
     */
    cidrBlock?: string;
    /**
     * Availability zones to spread subnets over.
     * @default 2
     */
    availabilityZones?: number;
    /**
     * NAT gateways: "single" (one for the VPC, cheaper) or "onePerAz" (no cross-zone dependency).
     * @default "single"
     */
    natGateways?: "single" | "onePerAz";
    /** Use this VPC instead of creating one. Excludes the sizing fields above. */
    existing?: ExistingNetworkArgs;
    /**
     * Days to keep VPC flow logs.
     * @default 30
     */
    flowLogRetentionDays?: number;
    /**
     * Protect the flow log group from deletion (prod keeps its logs through a `pulumi destroy`).
     * @default false
     */
    protect?: boolean;
    /** Tags for every taggable child. */
    tags?: Record<string, string>;
}

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
    public readonly vpc?: awsx.ec2.Vpc;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("paved:network:Network", name, {}, opts);
        if (args.existing && (args.cidrBlock || args.availabilityZones || args.natGateways)) {
            throw new PavedError(`Network "${name}": args.existing excludes cidrBlock, availabilityZones and natGateways; pass one or the other`);
        }
        const azs = args.availabilityZones ?? 2;
        const tags = args.tags;
        if (!Number.isInteger(azs) || azs < 2 || azs > 6) {
            throw new PavedError(`Network "${name}": args.availabilityZones ${azs} must be a whole number from 2 to 6 (a load balancer needs two zones)`);
        }

        const retentionProblem = args.flowLogRetentionDays === undefined ? undefined : logRetentionViolation(args.flowLogRetentionDays);
        if (retentionProblem) throw new PavedError(`Network "${name}": args.flowLogRetentionDays ${show(args.flowLogRetentionDays)} ${retentionProblem}`);

        if (args.existing) {
            this.vpcId = pulumi.output(args.existing.vpcId);
            this.privateSubnetIds = pulumi.output(args.existing.privateSubnetIds);
            this.publicSubnetIds = pulumi.output(args.existing.publicSubnetIds);
        } else {
            this.vpc = new awsx.ec2.Vpc(
                `${name}-vpc`,
                {
                    cidrBlock: args.cidrBlock ?? "10.0.0.0/16",
                    numberOfAvailabilityZones: azs,
                    enableDnsHostnames: true,
                    enableDnsSupport: true,
                    natGateways: { strategy: args.natGateways === "onePerAz" ? awsx.ec2.NatGatewayStrategy.OnePerAz : awsx.ec2.NatGatewayStrategy.Single },
                    subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
                    subnetSpecs: [{ type: awsx.ec2.SubnetType.Public }, { type: awsx.ec2.SubnetType.Private }],
                    tags,
                },
                { parent: this },
            );
            this.vpcId = this.vpc.vpcId;
            this.privateSubnetIds = this.vpc.privateSubnetIds;
            this.publicSubnetIds = this.vpc.publicSubnetIds;

            // Flow logs (FSBP EC2.6): rejected and accepted traffic, kept with a retention.
            const logGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, { retentionInDays: args.flowLogRetentionDays ?? 30, tags }, { parent: this, protect: args.protect ?? false });
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
