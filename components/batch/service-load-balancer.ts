import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsLocation } from "../aws-location";
import { PavedError, show } from "../errors";
import { defaultNamePrefix, physicalName } from "../naming";

/** TLS 1.2 and 1.3 only, forward secrecy. */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * AWS's managed prefix list of CloudFront's origin-facing addresses, which VPC origin traffic
 * comes from. A security group rule that references it counts its maximum entries against the
 * group's rule quota, so the load balancer gets a group of its own for it.
 */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing";

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const REGIONAL_CERTIFICATE = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;

export interface ServiceLoadBalancerCloudFrontArgs {
    /**
     * The name CloudFront connects as: TLS SNI, the certificate check and the Host header. The VPC
     * origin reaches the load balancer by its ARN, so the name needs no DNS record, but the
     * certificate must cover it. Required with a certificate.
     * @default the load balancer's DNS name (with `insecureHttp` only)
     */
    originDomainName?: string;
}

export interface ServiceLoadBalancerAccessLogs {
    /** S3 bucket that allows ELB log delivery. */
    bucket: pulumi.Input<string>;
    prefix?: pulumi.Input<string>;
}

export interface ServiceLoadBalancerArgs {
    /** The VPC of the load balancer, its security group and target groups. */
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
    /**
     * ACM certificate in the load balancer's region: HTTPS on 443, and HTTP on 80 only redirects
     * to it. Required unless `insecureHttp`.
     */
    certificateArn?: pulumi.Input<string>;
    /**
     * Opt-out, insecure: no certificate; services answer plain HTTP on 80 (inside the VPC, and to
     * CloudFront when `cloudFront` is set). Fails the policy pack's ELB.1.
     * @default false
     */
    insecureHttp?: boolean;
    /**
     * Let the site's CloudFront distribution reach the services through a VPC origin: a CloudFront
     * VPC origin for this load balancer, and a security group admitting CloudFront's origin-facing
     * addresses on the listener port. The load balancer stays internal.
     */
    cloudFront?: ServiceLoadBalancerCloudFrontArgs;
    /**
     * Prefix of the physical names (the VPC origin's).
     * @default `<project>-<stack>`
     */
    namePrefix?: string;
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
    /** Tags of every resource created (merged over the provider's default tags). */
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
 * group, invalid headers dropped, an HTTPS listener with a TLS 1.2+ policy whose default answer is
 * 404 (so only services' rules route traffic) and an HTTP listener that only redirects to it.
 * Plain HTTP only through the `insecureHttp` opt-out. With `cloudFront`, a CloudFront VPC origin
 * reaches it over HTTPS without making it internet-facing.
 */
export class ServiceLoadBalancer extends pulumi.ComponentResource implements LoadBalancerRef {
    /** The load balancer's ARN. */
    public readonly loadBalancerArn: pulumi.Output<string>;
    /** For CloudWatch metrics' LoadBalancer dimension. */
    public readonly arnSuffix: pulumi.Output<string>;
    /** The load balancer's DNS name. */
    public readonly dnsName: pulumi.Output<string>;
    /** The Route 53 hosted zone id of the load balancer's DNS name (for alias records). */
    public readonly zoneId: pulumi.Output<string>;
    public readonly listenerArn: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    /** The VPC of the load balancer, its security group and target groups. */
    public readonly vpcId: pulumi.Output<string>;
    /** With `cloudFront`: the VPC origin's id, for a distribution's `vpcOriginConfig`. */
    public readonly vpcOriginId?: pulumi.Output<string>;
    /** With `cloudFront`: the name CloudFront connects as (the distribution origin's domain name). */
    public readonly originDomainName?: pulumi.Output<string>;

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
        const fail = (field: string, value: unknown, rule: string): never => {
            throw new PavedError(`ServiceLoadBalancer "${name}": args.${field} ${show(value)} ${rule}`);
        };
        if (!https && !args.insecureHttp) fail("certificateArn", undefined, "is required: services are served over HTTPS (an ACM certificate in the load balancer's region); set args.insecureHttp: true to opt out");
        if (https && args.insecureHttp) fail("insecureHttp", true, "and args.certificateArn exclude each other; remove the opt-out");
        if (typeof args.certificateArn === "string" && !REGIONAL_CERTIFICATE.test(args.certificateArn)) fail("certificateArn", args.certificateArn, 'must be an ACM certificate ARN such as "arn:aws:acm:eu-west-1:123456789012:certificate/<uuid>"');
        const originDomain = args.cloudFront?.originDomainName;
        if (args.cloudFront && https && originDomain === undefined) fail("cloudFront.originDomainName", undefined, 'is required with a certificate: the name it covers, which CloudFront connects as, such as "services.shop.example.com"');
        if (originDomain !== undefined && !DNS_NAME.test(originDomain)) fail("cloudFront.originDomainName", originDomain, 'must be a lowercase DNS name the certificate covers, such as "services.shop.example.com"');
        const location = awsLocation(this);
        // The listener takes certificates from its own region only; say so before AWS does.
        const certificateArn =
            args.certificateArn === undefined
                ? undefined
                : pulumi.all([args.certificateArn, location]).apply(([arn, loc]) => {
                      const region = REGIONAL_CERTIFICATE.exec(arn)?.[1];
                      if (region !== loc.region) fail("certificateArn", arn, `must be an ACM certificate in the load balancer's region ${loc.region}${region ? ` (it is in ${region})` : ""}`);
                      return arn;
                  });

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

        const listenerPort = https ? 443 : 80;
        let cloudFrontSg: aws.ec2.SecurityGroup | undefined;
        if (args.cloudFront) {
            const prefixList = aws.ec2.getManagedPrefixListOutput({ name: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST }, { parent: this });
            cloudFrontSg = new aws.ec2.SecurityGroup(
                `${name}-cloudfront`,
                {
                    vpcId: args.vpcId,
                    description: `Load balancer ${name}: CloudFront VPC origin in on ${listenerPort}`,
                    ingress: [{ protocol: "tcp", fromPort: listenerPort, toPort: listenerPort, prefixListIds: [prefixList.id], description: "CloudFront origin-facing" }],
                    tags,
                },
                { parent: this },
            );
        }

        const lb = new aws.lb.LoadBalancer(
            `${name}-alb`,
            {
                loadBalancerType: "application",
                internal: !internetFacing,
                securityGroups: cloudFrontSg ? [sg.id, cloudFrontSg.id] : [sg.id],
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
                { loadBalancerArn: lb.arn, port: 443, protocol: "HTTPS", sslPolicy: args.sslPolicy ?? DEFAULT_SSL_POLICY, certificateArn, defaultActions: [notFound], tags },
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

        if (args.cloudFront) {
            const origin = new aws.cloudfront.VpcOrigin(
                `${name}-cdn-origin`,
                {
                    vpcOriginEndpointConfig: {
                        name: physicalName("cloudfront", args.namePrefix ?? defaultNamePrefix(), "services"),
                        arn: lb.arn,
                        httpPort: 80,
                        httpsPort: 443,
                        // The certificate is checked against the distribution origin's domain name.
                        originProtocolPolicy: https ? "https-only" : "http-only",
                        originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
                    },
                    tags,
                },
                // CloudFront connects only once the listener answers.
                { parent: this, dependsOn: [listener] },
            );
            this.vpcOriginId = origin.id;
            this.originDomainName = originDomain !== undefined ? pulumi.output(originDomain) : lb.dnsName;
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
            vpcOriginId: this.vpcOriginId,
            originDomainName: this.originDomainName,
        });
    }
}
