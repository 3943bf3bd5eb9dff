import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Transforms, acmCertificateArn, appPath, applyTransform, dnsName, input, namePrefixArg, parseArgs, tags, wholeNumber } from "../args";
import { awsLocation } from "../aws-location";
import { PavedError } from "../errors";
import { defaultNamePrefix, physicalName } from "../naming";
import { releaseContract } from "../release-contract";
import { resourceNames } from "../resource-names";
import { assetBucketPolicy, logBucketPolicy } from "./policies";
import { ROUTER_CODE_LIMIT_BYTES, routerFunctionCode } from "./router";

/** Seconds in a year: the cache lifetime of fingerprinted assets. */
export const ONE_YEAR_SECONDS = 31536000;

/**
 * Viewer paths of files a bundler fingerprints. They get the long-lived cache policy; everything
 * else (HTML, deep links) the revalidating one. A fixed list: adding apps never adds behaviors.
 */
export const ASSET_PATH_PATTERNS = ["*.js", "*.mjs", "*.css", "*.map", "*.woff", "*.woff2", "*.ttf", "*.otf", "*.svg", "*.png", "*.jpg", "*.jpeg", "*.gif", "*.webp", "*.avif", "*.ico", "*.wasm"];

/**
 * The logical name of the route entry for app path `path` under `owner` ("site-route/catalog",
 * root: "site-route/"): named by the path, never by the app, so the entry a path has keeps its URN
 * whichever app it routes to.
 */
export function routeKeyResourceName(owner: string, path: string): string {
    return `${owner}-route${path}`;
}

/**
 * A custom domain of the site.
 *
 * @example
 * ```ts
 * domain: { names: ["www.example.com"], certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/<uuid>" }
 * ```
 */
export const siteDomainArgs = z.strictObject({
    /** Host names the site answers to, e.g. ["www.example.com"]. */
    names: z.array(dnsName("www.example.com")).min(1, 'is empty; list the host names, e.g. ["www.example.com"], or omit domain'),
    /** ACM certificate covering `names`; CloudFront only uses certificates from us-east-1. */
    certificateArn: input(acmCertificateArn("us-east-1")),
});
export type SiteDomainArgs = z.input<typeof siteDomainArgs>;

/**
 * Container services the site routes to, through a CloudFront VPC origin (see `ServiceLoadBalancer.cloudFront`).
 *
 * @example
 * ```ts
 * services: { vpcOriginId: lb.vpcOriginId, originDomainName: "services.shop.example.com", paths: ["/api"] }
 * ```
 */
export const siteServicesArgs = z.strictObject({
    /** The VPC origin of the services' load balancer. */
    vpcOriginId: input<string>(),
    /** The name CloudFront connects to the load balancer as; its certificate covers it. */
    originDomainName: input<string>(),
    /**
     * Site paths answered by a service, e.g. ["/api", "/checkout/api"]: each path and everything
     * under it, all methods, never cached; the rest of the site stays on S3.
     */
    paths: z.array(appPath).superRefine((paths, ctx) => {
        paths.forEach((p, i) => {
            if (p === "/") ctx.addIssue({ code: "custom", path: [i], message: 'takes every path of the site; route a sub-path such as "/api"' });
            else if (paths.indexOf(p) !== i) ctx.addIssue({ code: "custom", path: [i], message: "is listed twice" });
        });
        const behaviors = paths.flatMap(servicePathPatterns).length + ASSET_PATH_PATTERNS.length;
        if (behaviors > MAX_CACHE_BEHAVIORS) {
            ctx.addIssue({ code: "custom", message: `needs ${behaviors} cache behaviors with the asset patterns; CloudFront allows ${MAX_CACHE_BEHAVIORS} (ask AWS to raise the quota, or route fewer paths)` });
        }
    }),
});
export type SiteServicesArgs = z.input<typeof siteServicesArgs>;

/** CloudFront's price classes. */
export const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;

/** Children of a site a team may tweak through `transform`. */
export interface SiteHostChildren {
    bucket: aws.s3.BucketArgs;
    distribution: aws.cloudfront.DistributionArgs;
}

/**
 * What a transform may not change on the asset bucket: its name (the release contract and the
 * build roles name it) and tags. Public access, encryption and versioning are separate children
 * a transform does not reach.
 */
export const BUCKET_GUARDRAILS = ["bucket", "tags"] as const;
/**
 * What a transform may not change on the distribution: its origins and behaviors (the router,
 * origin access control, the VPC origin), the TLS settings and tags.
 */
export const DISTRIBUTION_GUARDRAILS = ["origins", "defaultCacheBehavior", "orderedCacheBehaviors", "defaultRootObject", "viewerCertificate", "aliases", "tags"] as const;

/**
 * A site's args.
 *
 * @example
 * ```ts
 * new SiteHost("site", {
 *     domain: { names: ["www.example.com"], certificateArn },
 *     accessLogs: true,
 *     priceClass: "PriceClass_200",
 *     transform: { distribution: { comment: "shop frontends" } },
 * });
 * ```
 */
export const siteHostArgs = z
    .strictObject({
        /** Prefix of the physical names (bucket, KeyValueStore, router function, policies). Defaults to `<project>-<stack>`. */
        namePrefix: namePrefixArg.optional(),
        /** Serve on a custom domain. Without it the site uses the distribution's cloudfront.net name. */
        domain: siteDomainArgs.optional(),
        /**
         * Write CloudFront standard access logs to a separate log bucket.
         * @default false
         */
        accessLogs: z.boolean().default(false),
        /**
         * Days to keep access logs.
         * @default 90
         */
        accessLogRetentionDays: wholeNumber(1, 36500, "days").default(90),
        /**
         * CloudFront price class.
         * @default "PriceClass_100"
         */
        priceClass: z.enum(PRICE_CLASSES).default("PriceClass_100"),
        /**
         * KMS key for the asset bucket; SSE-S3 (AES256) when absent. Its key policy must let
         * `cloudfront.amazonaws.com` decrypt with `AWS:SourceArn` = this distribution (OAC reads).
         */
        kmsKeyArn: input<string>().optional(),
        /**
         * Days to keep overwritten or deleted asset versions.
         * @default 30
         */
        noncurrentVersionDays: wholeNumber(1, 36500, "days").default(30),
        /**
         * Protect stateful resources (bucket, KeyValueStore, distribution) from deletion. Prod sets it.
         * @default false
         */
        protect: z.boolean().default(false),
        /**
         * Let `pulumi destroy` delete buckets that still hold objects (dev and ephemeral environments).
         * Excludes `protect`.
         * @default false
         */
        forceDestroy: z.boolean().default(false),
        /** Route these paths to container services (through a CloudFront VPC origin) instead of S3. */
        services: siteServicesArgs.optional(),
        /** Tags for every taggable child. */
        tags: tags.optional(),
        /**
         * Tweak the site's children (see `Transform`): `bucket`, `distribution` (e.g. `comment`,
         * `webAclId`, `httpVersion`). The bucket's name, the distribution's origins, behaviors and
         * TLS, and tags stay Paved's.
         */
        transform: z.custom<Transforms<SiteHostChildren>>((v) => v !== null && typeof v === "object", { message: "must map child names to a partial args object or a function" }).optional(),
    })
    .superRefine((a, ctx) => {
        if (a.protect && a.forceDestroy) ctx.addIssue({ code: "custom", path: ["forceDestroy"], message: "and protect exclude each other; protect prod, force-destroy dev and ephemeral environments" });
    });
export type SiteHostArgs = z.input<typeof siteHostArgs>;
type ParsedSiteHostArgs = z.output<typeof siteHostArgs> & { namePrefix: string };

/** Cache behaviors a distribution may have (CloudFront's default quota). */
export const MAX_CACHE_BEHAVIORS = 75;

/** The cache behavior path patterns of a service path: the path itself and everything under it. */
export function servicePathPatterns(path: string): string[] {
    return [path, `${path}/*`];
}

/**
 * Hosting for every frontend app of an environment: one private, versioned, encrypted S3 bucket
 * and one CloudFront distribution in front of it. A viewer-request CloudFront Function routes each
 * request by the KeyValueStore (`route:<path>` → app, `release:<app>` → release), so adding,
 * removing or releasing an app changes store entries, never the distribution. Paths of container
 * services (`services`) are the exception: each gets cache behaviors of its own that send it, past
 * the router, to the services' load balancer through a CloudFront VPC origin.
 */
export class SiteHost extends pulumi.ComponentResource {
    /** The name of the private bucket that holds every app's releases. */
    public readonly bucketName: pulumi.Output<string>;
    /** The ARN of the site's bucket. */
    public readonly bucketArn: pulumi.Output<string>;
    /** The CloudFront distribution's id. */
    public readonly distributionId: pulumi.Output<string>;
    /** The CloudFront distribution's ARN. */
    public readonly distributionArn: pulumi.Output<string>;
    /** The distribution's cloudfront.net name. */
    public readonly domainName: pulumi.Output<string>;
    /** The site's base URL: the first custom domain, else the cloudfront.net name. */
    public readonly url: pulumi.Output<string>;
    /** The ARN of the CloudFront KeyValueStore with the routes and release pointers. */
    public readonly keyValueStoreArn: pulumi.Output<string>;
    /** The id of the site's CloudFront KeyValueStore. */
    public readonly keyValueStoreId: pulumi.Output<string>;
    /** The ARN of the router (the viewer-request CloudFront Function). */
    public readonly functionArn: pulumi.Output<string>;
    /** The bucket's KMS key, when it has one (app builds need it to write). */
    public readonly kmsKeyArn: pulumi.Output<string | undefined>;
    /** The access log bucket, when access logs are on. */
    public readonly logBucketName: pulumi.Output<string | undefined>;
    private readonly siteName: string;

    constructor(name: string, args: SiteHostArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("paved:frontend:SiteHost", name, {}, opts);
        this.siteName = name;
        const parsed = parseArgs(siteHostArgs, args, "args", `SiteHost "${name}"`);
        const a: ParsedSiteHostArgs = { ...parsed, namePrefix: parsed.namePrefix ?? defaultNamePrefix() };
        const where = `SiteHost "${name}": args.transform`;
        const code = routerFunctionCode();
        if (Buffer.byteLength(code) > ROUTER_CODE_LIMIT_BYTES) throw new PavedError(`SiteHost "${name}": the router function is ${Buffer.byteLength(code)} bytes; CloudFront allows ${ROUTER_CODE_LIMIT_BYTES}`);

        const parent = { parent: this };
        const stateful = { parent: this, protect: a.protect };
        const location = awsLocation(this);
        const account = location.accountId;
        const region = location.region;

        const bucket = new aws.s3.Bucket(
            ...applyTransform<aws.s3.BucketArgs>(
                a.transform?.bucket,
                `${name}-assets`,
                { bucket: pulumi.all([account, region]).apply(([acc, reg]) => resourceNames.assetBucket(a.namePrefix, acc, reg)), forceDestroy: a.forceDestroy, tags: a.tags },
                stateful,
                BUCKET_GUARDRAILS,
                `${where}.bucket`,
            ),
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-assets`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            parent,
        );
        new aws.s3.BucketOwnershipControls(`${name}-assets`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-assets`,
            {
                bucket: bucket.id,
                rules: [
                    a.kmsKeyArn
                        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: a.kmsKeyArn }, bucketKeyEnabled: true }
                        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
                ],
            },
            parent,
        );
        const versioning = new aws.s3.BucketVersioning(`${name}-assets`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, parent);
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-assets`,
            {
                bucket: bucket.id,
                rules: [
                    { id: "expire-noncurrent-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: a.noncurrentVersionDays } },
                    { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
                ],
            },
            { parent: this, dependsOn: [versioning] },
        );

        const store = new aws.cloudfront.KeyValueStore(`${name}-routes`, { name: resourceNames.routeStore(a.namePrefix), comment: `Routes and release pointers of ${a.namePrefix}`, tags: a.tags }, stateful);
        const router = new aws.cloudfront.Function(
            `${name}-router`,
            {
                name: resourceNames.routerFunction(a.namePrefix),
                runtime: "cloudfront-js-2.0",
                comment: "Routes app paths to their current release (paved)",
                code,
                publish: true,
                keyValueStoreAssociations: [store.arn],
                tags: a.tags,
            },
            parent,
        );

        const oac = new aws.cloudfront.OriginAccessControl(
            `${name}-oac`,
            { name: physicalName("cloudfront", a.namePrefix, "assets"), description: "CloudFront reads the asset bucket", originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" },
            parent,
        );
        // Nothing of the viewer's request but the path reaches S3: no query string (S3 reads
        // subresources such as `?versions` from it), and S3 behaviors have no origin request policy.
        const cacheKey = {
            cookiesConfig: { cookieBehavior: "none" },
            headersConfig: { headerBehavior: "none" },
            queryStringsConfig: { queryStringBehavior: "none" },
            enableAcceptEncodingGzip: true,
            enableAcceptEncodingBrotli: true,
        };
        const assetsCache = new aws.cloudfront.CachePolicy(
            `${name}-assets-cache`,
            { name: physicalName("cloudfront", a.namePrefix, "assets"), comment: "Fingerprinted assets: a year", minTtl: 0, defaultTtl: ONE_YEAR_SECONDS, maxTtl: ONE_YEAR_SECONDS, parametersInCacheKeyAndForwardedToOrigin: cacheKey },
            parent,
        );
        const htmlCache = new aws.cloudfront.CachePolicy(
            `${name}-html-cache`,
            // Max TTL stays a year so objects that say max-age are still cached; no-cache ones revalidate.
            { name: physicalName("cloudfront", a.namePrefix, "html"), comment: "HTML and deep links: revalidate", minTtl: 0, defaultTtl: 0, maxTtl: ONE_YEAR_SECONDS, parametersInCacheKeyAndForwardedToOrigin: cacheKey },
            parent,
        );
        const headers = new aws.cloudfront.ResponseHeadersPolicy(
            `${name}-security-headers`,
            {
                name: physicalName("cloudfront", a.namePrefix, "security-headers"),
                comment: "HSTS, nosniff, frame options, referrer policy",
                securityHeadersConfig: {
                    strictTransportSecurity: { accessControlMaxAgeSec: 63072000, includeSubdomains: true, preload: false, override: true },
                    contentTypeOptions: { override: true },
                    frameOptions: { frameOption: "DENY", override: true },
                    referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
                    xssProtection: { protection: true, modeBlock: true, override: true },
                },
            },
            parent,
        );

        const logBucket = a.accessLogs ? this.logBucket(name, a, account, region) : undefined;

        const origin = "assets";
        const behavior = {
            targetOriginId: origin,
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD", "OPTIONS"],
            cachedMethods: ["GET", "HEAD"],
            compress: true,
            responseHeadersPolicyId: headers.id,
            functionAssociations: [{ eventType: "viewer-request", functionArn: router.arn }],
        };
        // Service paths: their own behaviors, ahead of the asset patterns (a service's "/api/x.js"
        // is the service's), every method, nothing cached, every viewer header but Host (the
        // load balancer's certificate is checked against the origin's name), no router function.
        const servicesOrigin = "services";
        const serviceOrigins = a.services
            ? [{ originId: servicesOrigin, domainName: a.services.originDomainName, vpcOriginConfig: { vpcOriginId: a.services.vpcOriginId, originReadTimeout: 30, originKeepaliveTimeout: 5 } }]
            : [];
        const serviceBehaviors = a.services ? this.serviceBehaviors(a.services.paths, servicesOrigin, headers.id) : [];
        const distribution = new aws.cloudfront.Distribution(
            ...applyTransform<aws.cloudfront.DistributionArgs>(
                a.transform?.distribution,
                `${name}-cdn`,
                {
                    enabled: true,
                    comment: `${a.namePrefix} frontend apps`,
                    httpVersion: "http2and3",
                    isIpv6Enabled: true,
                    priceClass: a.priceClass,
                    aliases: a.domain?.names,
                    origins: [{ originId: origin, domainName: bucket.bucketRegionalDomainName, originAccessControlId: oac.id }, ...serviceOrigins],
                    defaultCacheBehavior: { ...behavior, cachePolicyId: htmlCache.id },
                    orderedCacheBehaviors: [...serviceBehaviors, ...ASSET_PATH_PATTERNS.map((pathPattern) => ({ ...behavior, pathPattern, cachePolicyId: assetsCache.id }))],
                    // "/" never reaches S3 as the bucket root (a listing), even without the router.
                    defaultRootObject: releaseContract.rootObject,
                    // No custom error responses: they would apply to every origin, rewriting a
                    // service's own 403. A missing file is S3's 404 (CloudFront may list the bucket).
                    restrictions: { geoRestriction: { restrictionType: "none" } },
                    viewerCertificate: a.domain
                        ? { acmCertificateArn: a.domain.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" }
                        : { cloudfrontDefaultCertificate: true },
                    loggingConfig: logBucket ? { bucket: logBucket.bucketDomainName, prefix: "cloudfront/", includeCookies: false } : undefined,
                    tags: a.tags,
                },
                stateful,
                DISTRIBUTION_GUARDRAILS,
                `${where}.distribution`,
            ),
        );

        new aws.s3.BucketPolicy(
            `${name}-assets`,
            { bucket: bucket.id, policy: pulumi.all([bucket.arn, distribution.arn]).apply(([b, d]) => JSON.stringify(assetBucketPolicy(b, d))) },
            // The public access block must exist first, or a policy with a Principal "*" may be refused.
            { parent: this, dependsOn: [publicAccess] },
        );

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.distributionId = distribution.id;
        this.distributionArn = distribution.arn;
        this.domainName = distribution.domainName;
        this.url = a.domain ? pulumi.output(`https://${a.domain.names[0]}`) : pulumi.interpolate`https://${distribution.domainName}`;
        this.keyValueStoreArn = store.arn;
        this.keyValueStoreId = store.id;
        this.functionArn = router.arn;
        this.kmsKeyArn = pulumi.output(a.kmsKeyArn);
        this.logBucketName = logBucket ? logBucket.bucket : pulumi.output(undefined);
        this.registerOutputs({
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            distributionId: this.distributionId,
            distributionArn: this.distributionArn,
            domainName: this.domainName,
            url: this.url,
            keyValueStoreArn: this.keyValueStoreArn,
            keyValueStoreId: this.keyValueStoreId,
            functionArn: this.functionArn,
            kmsKeyArn: this.kmsKeyArn,
            logBucketName: this.logBucketName,
        });
    }

    /**
     * Routes app path `path` (`route:<path>` in the store) with `value` (`releaseContract.routeValue`).
     * The entry is this SiteHost's child, named by the path, not the app: renaming an app, swapping
     * two apps' paths or moving a path to another app updates it in place, where an entry named by
     * the app would be created anew and then deleted, taking the shared key with it.
     */
    route(path: string, value: string, opts: Pick<pulumi.CustomResourceOptions, "aliases"> = {}): aws.cloudfront.KeyvaluestoreKey {
        return new aws.cloudfront.KeyvaluestoreKey(
            routeKeyResourceName(this.siteName, path),
            { keyValueStoreArn: this.keyValueStoreArn, key: releaseContract.routeKey(path), value },
            { ...opts, parent: this },
        );
    }

    /**
     * The cache behaviors of service paths: all methods, CloudFront's managed CachingDisabled and
     * AllViewerExceptHostHeader policies (looked up by name, so nothing is created per account),
     * the site's security headers, no router function.
     */
    private serviceBehaviors(paths: string[], originId: string, headersPolicyId: pulumi.Output<string>) {
        const opts = { parent: this };
        const noCache = aws.cloudfront.getCachePolicyOutput({ name: "Managed-CachingDisabled" }, opts).apply((p) => p.id!);
        const allViewer = aws.cloudfront.getOriginRequestPolicyOutput({ name: "Managed-AllViewerExceptHostHeader" }, opts).apply((p) => p.id!);
        return paths.flatMap(servicePathPatterns).map((pathPattern) => ({
            pathPattern,
            targetOriginId: originId,
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
            cachedMethods: ["GET", "HEAD"],
            compress: true,
            cachePolicyId: noCache,
            originRequestPolicyId: allViewer,
            responseHeadersPolicyId: headersPolicyId,
        }));
    }

    /** CloudFront standard logs are delivered through the bucket's ACL, so it needs ObjectWriter ownership. */
    private logBucket(name: string, a: ParsedSiteHostArgs, account: pulumi.Output<string>, region: pulumi.Output<string>): aws.s3.Bucket {
        const parent = { parent: this };
        const bucket = new aws.s3.Bucket(
            `${name}-access-logs`,
            { bucket: pulumi.all([account, region]).apply(([acc, reg]) => physicalName("s3Bucket", a.namePrefix, "access-logs", acc, reg)), forceDestroy: a.forceDestroy, tags: a.tags },
            { parent: this, protect: a.protect },
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-access-logs`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            parent,
        );
        new aws.s3.BucketOwnershipControls(`${name}-access-logs`, { bucket: bucket.id, rule: { objectOwnership: "ObjectWriter" } }, parent);
        // CloudFront standard logs cannot be written to SSE-KMS buckets: SSE-S3.
        new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-access-logs`, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, parent);
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-access-logs`,
            { bucket: bucket.id, rules: [{ id: "expire-logs", status: "Enabled", filter: {}, expiration: { days: a.accessLogRetentionDays } }] },
            parent,
        );
        new aws.s3.BucketPolicy(`${name}-access-logs`, { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(logBucketPolicy(arn))) }, { parent: this, dependsOn: [publicAccess] });
        return bucket;
    }
}
