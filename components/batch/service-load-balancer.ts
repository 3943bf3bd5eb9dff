import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { acmCertificateArn, dnsName, input, namePrefixArg, parseArgs, tags, wholeNumber } from "../args";
import { awsLocation } from "../aws-location";
import { ACM_CERTIFICATE_ARN_PATTERN } from "../validation";
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

/** How CloudFront reaches the load balancer through a VPC origin. */
export const serviceLoadBalancerCloudFront = z.strictObject({
    /**
     * The name CloudFront connects as: TLS SNI, the certificate check and the Host header. The VPC
     * origin reaches the load balancer by its ARN, so the name needs no DNS record, but the
     * certificate must cover it. Required with a certificate; the load balancer's DNS name
     * otherwise (with `insecureHttp` only).
     */
    originDomainName: dnsName("services.shop.example.com").optional(),
});
export type ServiceLoadBalancerCloudFrontArgs = z.input<typeof serviceLoadBalancerCloudFront>;

/** Where the load balancer writes access logs. */
export const serviceLoadBalancerAccessLogs = z.strictObject({
    /** S3 bucket that allows ELB log delivery. */
    bucket: input<string>(),
    /** Key prefix of the logs. */
    prefix: input<string>().optional(),
});
export type ServiceLoadBalancerAccessLogs = z.input<typeof serviceLoadBalancerAccessLogs>;

/**
 * A services load balancer's args.
 *
 * @example
 * ```ts
 * new ServiceLoadBalancer("services-lb", {
 *     vpcId: network.vpcId,
 *     subnetIds: network.privateSubnetIds,
 *     certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/<uuid>",
 *     cloudFront: { originDomainName: "services.shop.example.com" },
 * });
 * ```
 */
export const serviceLoadBalancerFields = z
    .strictObject({
        /** The VPC of the load balancer and its targets. */
        vpcId: input<string>(),
        /** Subnets in at least two availability zones: private ones for an internal load balancer, public ones when internet-facing. */
        subnetIds: input<pulumi.Input<string>[]>(),
        /**
         * Put the load balancer on the internet. Internal by default: CloudFront or a VPC client fronts it.
         * @default false
         */
        internetFacing: z.boolean().default(false),
        /** CIDR blocks allowed to reach the listeners: the VPC's CIDR when internal, ["0.0.0.0/0"] when internet-facing, by default. */
        allowedCidrs: input<pulumi.Input<string>[]>().optional(),
        /**
         * ACM certificate in the load balancer's region: HTTPS on 443, and HTTP on 80 only redirects
         * to it. Required unless `insecureHttp`.
         */
        certificateArn: input(acmCertificateArn()).optional(),
        /**
         * Opt-out, insecure: no certificate; services answer plain HTTP on 80 (inside the VPC, and to
         * CloudFront when `cloudFront` is set). Fails the policy pack's ELB.1.
         * @default false
         */
        insecureHttp: z.boolean().default(false),
        /**
         * Let the site's CloudFront distribution reach the services through a VPC origin: a CloudFront
         * VPC origin for this load balancer, and a security group admitting CloudFront's origin-facing
         * addresses on the listener port. The load balancer stays internal.
         */
        cloudFront: serviceLoadBalancerCloudFront.optional(),
        /** Prefix of the physical names (the VPC origin's). Defaults to `<project>-<stack>`. */
        namePrefix: namePrefixArg.optional(),
        /**
         * Security policy of the HTTPS listener.
         * @default "ELBSecurityPolicy-TLS13-1-2-2021-06"
         */
        sslPolicy: z.string().regex(/^ELBSecurityPolicy-/, 'must be an ELB security policy such as "ELBSecurityPolicy-TLS13-1-2-2021-06"').default(DEFAULT_SSL_POLICY),
        /** Write access logs to S3. */
        accessLogs: serviceLoadBalancerAccessLogs.optional(),
        /**
         * Seconds a connection may idle.
         * @default 60
         */
        idleTimeoutSeconds: wholeNumber(1, 4000, "seconds").default(60),
        /**
         * Turn on deletion protection and protect the resource in Pulumi.
         * @default false
         */
        protect: z.boolean().default(false),
        /**
         * Tags for every taggable child.
         * @default {}
         */
        tags: tags.default({}),
    });

/** HTTPS unless the named opt-out, and a CloudFront origin name with a certificate. */
export function checkServiceLoadBalancer(a: { certificateArn?: unknown; insecureHttp: boolean; cloudFront?: { originDomainName?: string } }, ctx: z.RefinementCtx): void {
    const https = a.certificateArn !== undefined;
    if (!https && !a.insecureHttp) ctx.addIssue({ code: "custom", path: ["certificateArn"], message: "is required: services are served over HTTPS (an ACM certificate in the load balancer's region); set args.insecureHttp: true to opt out" });
    if (https && a.insecureHttp) ctx.addIssue({ code: "custom", path: ["insecureHttp"], message: "and certificateArn exclude each other; remove the opt-out" });
    if (a.cloudFront && https && a.cloudFront.originDomainName === undefined) {
        ctx.addIssue({ code: "custom", path: ["cloudFront", "originDomainName"], message: 'is required with a certificate: the name it covers, which CloudFront connects as, such as "services.shop.example.com"' });
    }
}

export const serviceLoadBalancerArgs = serviceLoadBalancerFields.superRefine(checkServiceLoadBalancer);
export type ServiceLoadBalancerArgs = z.input<typeof serviceLoadBalancerArgs>;

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
        const a = parseArgs(serviceLoadBalancerArgs, args, "args", `ServiceLoadBalancer "${name}"`);
        args = a;
        const internetFacing = a.internetFacing;
        const idle = a.idleTimeoutSeconds;
        const protect = a.protect;
        const tags = { ...a.tags };
        const https = a.certificateArn !== undefined;
        const fail = (field: string, value: unknown, rule: string): never => {
            throw new PavedError(`ServiceLoadBalancer "${name}": args.${field} ${show(value)} ${rule}`);
        };
        const originDomain = a.cloudFront?.originDomainName;
        const location = awsLocation(this);
        // The listener takes certificates from its own region only; say so before AWS does.
        const certificateArn =
            args.certificateArn === undefined
                ? undefined
                : pulumi.all([args.certificateArn, location]).apply(([arn, loc]) => {
                      const region = ACM_CERTIFICATE_ARN_PATTERN.exec(arn)?.[1];
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
                { loadBalancerArn: lb.arn, port: 443, protocol: "HTTPS", sslPolicy: a.sslPolicy, certificateArn, defaultActions: [notFound], tags },
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
