import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PavedError, show } from "../errors";

/** TLS 1.2 and 1.3 only, forward secrecy. */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export interface ServiceLoadBalancerAccessLogs {
    /** S3 bucket that allows ELB log delivery. */
    bucket: pulumi.Input<string>;
    prefix?: pulumi.Input<string>;
}

export interface ServiceLoadBalancerArgs {
    vpcId: pulumi.Input<string>;
    /** Subnets in at least two availability zones: private ones for an internal load balancer, public ones when internet-facing. */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Put the load balancer on the internet. Internal by default: CloudFront or a VPC client fronts it.
     * @default false
     */
    internetFacing?: boolean;
    /**
     * CIDR blocks allowed to reach the listeners.
     * @default the VPC's CIDR when internal, ["0.0.0.0/0"] when internet-facing
     */
    allowedCidrs?: pulumi.Input<pulumi.Input<string>[]>;
    /** ACM certificate (in the load balancer's region): serve HTTPS on 443 and redirect HTTP to it. Without it, HTTP on 80. */
    certificateArn?: pulumi.Input<string>;
    /**
     * Security policy of the HTTPS listener.
     * @default "ELBSecurityPolicy-TLS13-1-2-2021-06"
     */
    sslPolicy?: string;
    /** Write access logs to S3. */
    accessLogs?: ServiceLoadBalancerAccessLogs;
    /**
     * Seconds a connection may idle.
     * @default 60
     */
    idleTimeoutSeconds?: number;
    /**
     * Turn on deletion protection and protect the resource in Pulumi.
     * @default false
     */
    protect?: boolean;
    tags?: Record<string, string>;
}

/** What a `ContainerService` needs from a load balancer; a `ServiceLoadBalancer` is one. */
export interface LoadBalancerRef {
    /** The listener services add their rules to. */
    listenerArn: pulumi.Input<string>;
    /** The load balancer's security group: the only source services accept traffic from. */
    securityGroupId: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
}

/**
 * An Application Load Balancer for container services: internal unless asked, its own security
 * group, invalid headers dropped, and one listener (HTTPS with a TLS 1.2+ policy when given a
 * certificate, HTTP otherwise) whose default answer is 404, so only services' rules route traffic.
 */
export class ServiceLoadBalancer extends pulumi.ComponentResource implements LoadBalancerRef {
    public readonly loadBalancerArn: pulumi.Output<string>;
    /** For CloudWatch metrics' LoadBalancer dimension. */
    public readonly arnSuffix: pulumi.Output<string>;
    public readonly dnsName: pulumi.Output<string>;
    public readonly zoneId: pulumi.Output<string>;
    public readonly listenerArn: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly vpcId: pulumi.Output<string>;

    constructor(name: string, args: ServiceLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("paved:batch:ServiceLoadBalancer", name, {}, opts);
        const internetFacing = args.internetFacing ?? false;
        const idle = args.idleTimeoutSeconds ?? 60;
        if (!Number.isInteger(idle) || idle < 1 || idle > 4000) {
            throw new PavedError(`ServiceLoadBalancer "${name}": args.idleTimeoutSeconds ${show(idle)} must be a whole number from 1 to 4000`);
        }
        const protect = args.protect ?? false;
        const tags = { ...(args.tags ?? {}) };
        const https = args.certificateArn !== undefined;

        const vpcCidr = aws.ec2.getVpcOutput({ id: args.vpcId }, { parent: this }).cidrBlock;
        const allowed = args.allowedCidrs ?? (internetFacing ? ["0.0.0.0/0"] : vpcCidr.apply((c) => [c]));
        const ports = https ? [80, 443] : [80];
        const sg = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.vpcId,
                description: `Load balancer ${name}: listeners in, targets in the VPC out`,
                ingress: ports.map((port) => ({ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: allowed, description: `listener ${port}` })),
                egress: [{ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: [vpcCidr], description: "targets in the VPC" }],
                tags,
            },
            { parent: this },
        );

        const lb = new aws.lb.LoadBalancer(
            `${name}-alb`,
            {
                loadBalancerType: "application",
                internal: !internetFacing,
                securityGroups: [sg.id],
                subnets: args.subnetIds,
                dropInvalidHeaderFields: true,
                enableDeletionProtection: protect,
                idleTimeout: idle,
                ...(args.accessLogs ? { accessLogs: { bucket: args.accessLogs.bucket, prefix: args.accessLogs.prefix, enabled: true } } : {}),
                tags,
            },
            { parent: this, protect },
        );

        const notFound = { type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" } };
        let listener: aws.lb.Listener;
        if (https) {
            listener = new aws.lb.Listener(
                `${name}-https`,
                { loadBalancerArn: lb.arn, port: 443, protocol: "HTTPS", sslPolicy: args.sslPolicy ?? DEFAULT_SSL_POLICY, certificateArn: args.certificateArn, defaultActions: [notFound], tags },
                { parent: this },
            );
            new aws.lb.Listener(
                `${name}-http`,
                {
                    loadBalancerArn: lb.arn,
                    port: 80,
                    protocol: "HTTP",
                    defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
                    tags,
                },
                { parent: this },
            );
        } else {
            listener = new aws.lb.Listener(`${name}-http`, { loadBalancerArn: lb.arn, port: 80, protocol: "HTTP", defaultActions: [notFound], tags }, { parent: this });
        }

        this.loadBalancerArn = lb.arn;
        this.arnSuffix = lb.arnSuffix;
        this.dnsName = lb.dnsName;
        this.zoneId = lb.zoneId;
        this.listenerArn = listener.arn;
        this.securityGroupId = sg.id;
        this.vpcId = pulumi.output(args.vpcId);
        this.registerOutputs({
            loadBalancerArn: this.loadBalancerArn,
            arnSuffix: this.arnSuffix,
            dnsName: this.dnsName,
            zoneId: this.zoneId,
            listenerArn: this.listenerArn,
            securityGroupId: this.securityGroupId,
            vpcId: this.vpcId,
        });
    }
}
