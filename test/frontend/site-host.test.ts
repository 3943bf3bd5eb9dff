import * as assert from "assert";
import { isConfigError } from "../support/args";
import { routerFunctionCode } from "../../components/frontend/router";
import { ASSET_PATH_PATTERNS, ONE_YEAR_SECONDS, SiteHost, SiteHostArgs } from "../../components/frontend/site-host";
import { releaseContract } from "../../components/release-contract";
import { bucketPolicyDecision } from "../support/site-emulator";
import { runProgram } from "../../components/testing";
import { one, REGION } from "./fixtures";

async function site(args: SiteHostArgs = {}) {
    const result = await runProgram({
        stack: "dev",
        project: "paved",
        config: { "aws:region": REGION },
        program: () => {
            const host = new SiteHost("site", args);
            return { url: host.url, bucketName: host.bucketName, keyValueStoreArn: host.keyValueStoreArn, functionArn: host.functionArn, distributionArn: host.distributionArn };
        },
    });
    return { resources: result.resources, outputs: result.outputs as Record<string, string> };
}

const T = {
    bucket: "aws:s3/bucket:Bucket",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    policy: "aws:s3/bucketPolicy:BucketPolicy",
    kvs: "aws:cloudfront/keyValueStore:KeyValueStore",
    fn: "aws:cloudfront/function:Function",
    oac: "aws:cloudfront/originAccessControl:OriginAccessControl",
    cache: "aws:cloudfront/cachePolicy:CachePolicy",
    headers: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
    cdn: "aws:cloudfront/distribution:Distribution",
    object: "aws:s3/bucketObjectv2:BucketObjectv2",
};

describe("SiteHost", () => {
    it("pins its children's URNs", async () => {
        const { resources } = await site({ accessLogs: true });
        const p = "urn:pulumi:dev::paved::paved:frontend:SiteHost";
        const urns = resources.filter((r) => r.parent === `urn:pulumi:dev::paved::paved:frontend:SiteHost::site`).map((r) => r.urn).sort();
        assert.deepStrictEqual(urns, [
            `${p}$${T.kvs}::site-routes`,
            `${p}$${T.cache}::site-assets-cache`,
            `${p}$${T.cache}::site-html-cache`,
            `${p}$${T.cdn}::site-cdn`,
            `${p}$${T.fn}::site-router`,
            `${p}$${T.oac}::site-oac`,
            `${p}$${T.headers}::site-security-headers`,
            `${p}$${T.bucket}::site-access-logs`,
            `${p}$${T.bucket}::site-assets`,
            `${p}$${T.lifecycle}::site-access-logs`,
            `${p}$${T.lifecycle}::site-assets`,
            `${p}$${T.ownership}::site-access-logs`,
            `${p}$${T.ownership}::site-assets`,
            `${p}$${T.policy}::site-access-logs`,
            `${p}$${T.policy}::site-assets`,
            `${p}$${T.pab}::site-access-logs`,
            `${p}$${T.pab}::site-assets`,
            `${p}$${T.sse}::site-access-logs`,
            `${p}$${T.sse}::site-assets`,
            `${p}$${T.versioning}::site-assets`,
        ].sort());
    });

    it("makes the asset bucket private, owner-enforced, encrypted and versioned, with a name from resourceNames", async () => {
        const { resources, outputs } = await site();
        const bucket = one(resources, T.bucket, "site-assets");
        assert.strictEqual(bucket.inputs.bucket, "paved-dev-assets-123456789012-eu-west-1");
        assert.strictEqual(outputs.bucketName, "paved-dev-assets-123456789012-eu-west-1");
        assert.strictEqual(bucket.inputs.forceDestroy, false);
        const pab = one(resources, T.pab, "site-assets").inputs;
        assert.deepStrictEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);
        assert.strictEqual(one(resources, T.ownership, "site-assets").inputs.rule.objectOwnership, "BucketOwnerEnforced");
        assert.deepStrictEqual(one(resources, T.sse, "site-assets").inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        assert.strictEqual(one(resources, T.versioning, "site-assets").inputs.versioningConfiguration.status, "Enabled");
        const rules = one(resources, T.lifecycle, "site-assets").inputs.rules;
        assert.deepStrictEqual(rules.find((r: any) => r.id === "expire-noncurrent-versions").noncurrentVersionExpiration, { noncurrentDays: 30 });
    });

    it("uses a KMS key for the bucket when given one", async () => {
        const key = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
        const { resources } = await site({ kmsKeyArn: key });
        assert.deepStrictEqual(one(resources, T.sse, "site-assets").inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key }, bucketKeyEnabled: true }]);
    });

    it("lets only TLS requests in, and only this distribution read and list (so a missing key is S3's 404)", async () => {
        const { resources, outputs } = await site();
        const policy = JSON.parse(one(resources, T.policy, "site-assets").inputs.policy);
        const bucketArn = "arn:aws:s3:::paved-dev-assets-123456789012-eu-west-1";
        assert.deepStrictEqual(policy.Statement[0], {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucketArn, `${bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
        assert.deepStrictEqual(policy.Statement[1].Principal, { Service: "cloudfront.amazonaws.com" });
        assert.strictEqual(policy.Statement[1].Action, "s3:GetObject");
        assert.strictEqual(policy.Statement[1].Resource, `${bucketArn}/*`);
        assert.deepStrictEqual(policy.Statement[1].Condition, { StringEquals: { "AWS:SourceArn": outputs.distributionArn } });
        assert.ok(outputs.distributionArn.startsWith("arn:aws:cloudfront::123456789012:distribution/"));
        assert.deepStrictEqual(policy.Statement[2], {
            Sid: "CloudFrontSeesMissingKeysAs404",
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "s3:ListBucket",
            Resource: bucketArn,
            Condition: { StringEquals: { "AWS:SourceArn": outputs.distributionArn } },
        });
        assert.strictEqual(policy.Statement.length, 3, "no other grants");
    });

    it("bucket policy, in an IAM simulator: CloudFront of this distribution may read and list; of another distribution, or anyone else, may not", async () => {
        const { resources, outputs } = await site();
        const policy = JSON.parse(one(resources, T.policy, "site-assets").inputs.policy);
        const bucketArn = one(resources, T.bucket, "site-assets").outputs.arn;
        const object = `${bucketArn}/catalog/20260101000000-abc1234/index.html`;
        const other = outputs.distributionArn.replace(/distribution\/.*/, "distribution/E2OTHERDISTRO9");
        const cloudFront = (distribution: string | undefined, extra: Record<string, string> = {}) => ({
            principal: "cloudfront.amazonaws.com",
            context: { ...(distribution ? { "aws:SourceArn": distribution, "aws:SourceAccount": "123456789012" } : {}), ...extra },
        });
        const decide = (who: { principal: string; context?: Record<string, string> }, action: string, resource: string) => bucketPolicyDecision(policy, { ...who, action, resource });
        for (const [action, resource] of [["s3:GetObject", object], ["s3:ListBucket", bucketArn]]) {
            assert.strictEqual(await decide(cloudFront(outputs.distributionArn), action, resource), "Allowed", `${action} by this distribution`);
            assert.strictEqual(await decide(cloudFront(other), action, resource), "ImplicitlyDenied", `${action} by another distribution`);
            assert.strictEqual(await decide(cloudFront(undefined), action, resource), "ImplicitlyDenied", `${action} by CloudFront for no distribution`);
            assert.strictEqual(await decide(cloudFront(outputs.distributionArn, { "aws:SecureTransport": "false" }), action, resource), "ExplicitlyDenied", `${action} without TLS`);
            for (const principal of ["arn:aws:iam::210987654321:root", "arn:aws:iam::210987654321:role/reader", "arn:aws:iam::123456789012:role/reader", "lambda.amazonaws.com"]) {
                assert.strictEqual(await decide({ principal, context: { "aws:SourceArn": outputs.distributionArn } }, action, resource), "ImplicitlyDenied", `${action} by ${principal}`);
            }
        }
        for (const [action, resource] of [["s3:ListBucketVersions", bucketArn], ["s3:GetObjectVersion", object], ["s3:PutObject", object], ["s3:GetBucketPolicy", bucketArn], ["s3:ListBucketMultipartUploads", bucketArn]]) {
            assert.strictEqual(await decide(cloudFront(outputs.distributionArn), action, resource), "ImplicitlyDenied", `${action} on ${resource}`);
        }
    });

    it("creates the store and the published router function associated with it", async () => {
        const { resources, outputs } = await site();
        assert.strictEqual(one(resources, T.kvs, "site-routes").inputs.name, "paved-dev-routes");
        const fn = one(resources, T.fn, "site-router").inputs;
        assert.strictEqual(fn.name, "paved-dev-router");
        assert.strictEqual(fn.runtime, "cloudfront-js-2.0");
        assert.strictEqual(fn.publish, true);
        assert.strictEqual(fn.code, routerFunctionCode());
        assert.deepStrictEqual(fn.keyValueStoreAssociations, [outputs.keyValueStoreArn]);
    });

    it("configures one distribution: OAC origin, router on viewer-request, HTTPS, HTTP/2+3, IPv6, a default root object, no error pages", async () => {
        const { resources, outputs } = await site();
        const cdn = one(resources, T.cdn, "site-cdn").inputs;
        const oac = one(resources, T.oac, "site-oac");
        assert.deepStrictEqual(
            [oac.inputs.originAccessControlOriginType, oac.inputs.signingBehavior, oac.inputs.signingProtocol],
            ["s3", "always", "sigv4"],
        );
        assert.strictEqual(cdn.origins.length, 1);
        assert.strictEqual(cdn.origins[0].domainName, "paved-dev-assets-123456789012-eu-west-1.s3.eu-west-1.amazonaws.com");
        assert.ok(oac.id, "the OAC has an id");
        assert.strictEqual(cdn.origins[0].originAccessControlId, oac.id);
        assert.strictEqual(cdn.httpVersion, "http2and3");
        assert.strictEqual(cdn.isIpv6Enabled, true);
        // "/" is never the bucket root (a listing), even without the router; nothing rewrites errors.
        assert.strictEqual(cdn.defaultRootObject, "index.html");
        assert.strictEqual(cdn.defaultRootObject, releaseContract.rootObject);
        assert.strictEqual(cdn.customErrorResponses, undefined);
        assert.deepStrictEqual(resources.filter((r) => r.type === T.object), [], "Paved puts no object of its own in the bucket");
        assert.deepStrictEqual(cdn.viewerCertificate, { cloudfrontDefaultCertificate: true });
        assert.strictEqual(cdn.loggingConfig, undefined);
        const behaviors = [cdn.defaultCacheBehavior, ...cdn.orderedCacheBehaviors];
        const headersId = one(resources, T.headers, "site-security-headers").id;
        assert.ok(headersId && outputs.functionArn, "the headers policy and the function have ids");
        for (const b of behaviors) {
            assert.strictEqual(b.viewerProtocolPolicy, "redirect-to-https");
            assert.strictEqual(b.compress, true);
            assert.deepStrictEqual(b.functionAssociations, [{ eventType: "viewer-request", functionArn: outputs.functionArn }]);
            assert.strictEqual(b.responseHeadersPolicyId, headersId);
        }
        assert.deepStrictEqual(cdn.orderedCacheBehaviors.map((b: any) => b.pathPattern), ASSET_PATH_PATTERNS);
        assert.ok(behaviors.length <= 75, "within CloudFront's cache behavior quota");
        assert.strictEqual(outputs.url, `https://${one(resources, T.cdn, "site-cdn").outputs.domainName}`);
    });

    it("forwards no query string to S3: cache policies forward none, and no S3 behavior has an origin request policy", async () => {
        for (const args of [{}, { services: { vpcOriginId: "vo_0123456789abcdefghijkl", originDomainName: "services.example.com", paths: ["/api"] } }]) {
            const { resources } = await site(args);
            const cdn = one(resources, T.cdn, "site-cdn").inputs;
            const policies = new Map(resources.filter((r) => r.type === T.cache).map((r) => [r.id, r.inputs]));
            const s3Behaviors = [cdn.defaultCacheBehavior, ...cdn.orderedCacheBehaviors].filter((b: any) => b.targetOriginId === "assets");
            assert.strictEqual(s3Behaviors.length, 1 + ASSET_PATH_PATTERNS.length);
            for (const b of s3Behaviors) {
                const forwarded = policies.get(b.cachePolicyId)!.parametersInCacheKeyAndForwardedToOrigin;
                assert.deepStrictEqual(forwarded.queryStringsConfig, { queryStringBehavior: "none" }, b.pathPattern);
                assert.deepStrictEqual([forwarded.headersConfig.headerBehavior, forwarded.cookiesConfig.cookieBehavior], ["none", "none"], b.pathPattern);
                assert.strictEqual(b.originRequestPolicyId, undefined, b.pathPattern);
                assert.deepStrictEqual(b.allowedMethods, ["GET", "HEAD", "OPTIONS"]);
            }
        }
    });

    it("caches fingerprinted assets for a year and revalidates HTML", async () => {
        const { resources } = await site();
        const assets = one(resources, T.cache, "site-assets-cache");
        const html = one(resources, T.cache, "site-html-cache");
        assert.deepStrictEqual([assets.inputs.minTtl, assets.inputs.defaultTtl, assets.inputs.maxTtl], [0, ONE_YEAR_SECONDS, ONE_YEAR_SECONDS]);
        assert.deepStrictEqual([html.inputs.minTtl, html.inputs.defaultTtl], [0, 0]);
        assert.ok(assets.id && html.id && assets.id !== html.id, "two distinct cache policies");
        const cdn = one(resources, T.cdn, "site-cdn").inputs;
        assert.strictEqual(cdn.defaultCacheBehavior.cachePolicyId, html.id);
        assert.ok(cdn.orderedCacheBehaviors.every((b: any) => b.cachePolicyId === assets.id));
    });

    it("sends the security headers", async () => {
        const { resources } = await site();
        const h = one(resources, T.headers, "site-security-headers").inputs.securityHeadersConfig;
        assert.strictEqual(h.strictTransportSecurity.accessControlMaxAgeSec, 63072000);
        assert.strictEqual(h.strictTransportSecurity.override, true);
        assert.strictEqual(h.contentTypeOptions.override, true);
        assert.strictEqual(h.frameOptions.frameOption, "DENY");
        assert.strictEqual(h.referrerPolicy.referrerPolicy, "strict-origin-when-cross-origin");
        assert.strictEqual(h.xssProtection.protection, true);
    });

    it("serves a custom domain with its ACM certificate, SNI and TLS 1.2", async () => {
        const cert = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
        const { resources, outputs } = await site({ domain: { names: ["www.example.com"], certificateArn: cert } });
        const cdn = one(resources, T.cdn, "site-cdn").inputs;
        assert.deepStrictEqual(cdn.aliases, ["www.example.com"]);
        assert.deepStrictEqual(cdn.viewerCertificate, { acmCertificateArn: cert, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" });
        assert.strictEqual(outputs.url, "https://www.example.com");
    });

    it("writes access logs to a separate ObjectWriter log bucket", async () => {
        const { resources } = await site({ accessLogs: true });
        const logs = one(resources, T.bucket, "site-access-logs");
        assert.strictEqual(logs.inputs.bucket, "paved-dev-access-logs-123456789012-eu-west-1");
        assert.strictEqual(one(resources, T.ownership, "site-access-logs").inputs.rule.objectOwnership, "ObjectWriter");
        const pab = one(resources, T.pab, "site-access-logs").inputs;
        assert.deepStrictEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);
        assert.deepStrictEqual(one(resources, T.lifecycle, "site-access-logs").inputs.rules[0].expiration, { days: 90 });
        const cdn = one(resources, T.cdn, "site-cdn").inputs;
        assert.strictEqual(cdn.loggingConfig.bucket, "paved-dev-access-logs-123456789012-eu-west-1.s3.amazonaws.com");
    });

    it("protects stateful resources in prod and force-destroys in dev", async () => {
        const prod = await site({ protect: true, accessLogs: true });
        for (const [type, name] of [[T.bucket, "site-assets"], [T.bucket, "site-access-logs"], [T.kvs, "site-routes"], [T.cdn, "site-cdn"]]) {
            assert.strictEqual(one(prod.resources, type, name).protect, true, name);
        }
        const dev = await site({ forceDestroy: true, accessLogs: true });
        assert.strictEqual(one(dev.resources, T.bucket, "site-assets").protect, false);
        assert.strictEqual(one(dev.resources, T.bucket, "site-assets").inputs.forceDestroy, true);
        assert.strictEqual(one(dev.resources, T.bucket, "site-access-logs").inputs.forceDestroy, true);
    });

    it("rejects bad args with the field, the value and the fix", async () => {
        const cases: [SiteHostArgs, string, RegExp][] = [
            [{ protect: true, forceDestroy: true }, "args.forceDestroy", /and protect exclude each other/],
            [{ domain: { names: ["WWW.example.com"], certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" } }, "args.domain.names[0]", /must be a lowercase DNS name such as "www\.example\.com"/],
            [{ domain: { names: ["www.example.com"], certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" } }, "args.domain.certificateArn", /is in eu-west-1; .* us-east-1/],
            [{ domain: { names: [], certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" } }, "args.domain.names", /is empty/],
            [{ noncurrentVersionDays: 0 }, "args.noncurrentVersionDays", /must be a whole number of days/],
            [{ priceClass: "PriceClass_all" as any }, "args.priceClass", /did you mean "PriceClass_All"/],
            [{ tags: { team: "x".repeat(300) } }, "args.tags.team", /at most 256 characters/],
        ];
        for (const [args, path, message] of cases) {
            await assert.rejects(site(args), (e: Error) => isConfigError(e, path, message) && e.message.includes('SiteHost "site"'));
        }
    });

    describe("services behind the site", () => {
        const services = { vpcOriginId: "vo_0123456789abcdefghijkl", originDomainName: "services.example.com", paths: ["/api", "/checkout/api"] };

        it("routes each service path and everything under it to the VPC origin, ahead of the asset patterns, uncached", async () => {
            const { resources } = await site({ services });
            const cdn = one(resources, T.cdn, "site-cdn");
            assert.deepStrictEqual(cdn.inputs.origins[1], { originId: "services", domainName: "services.example.com", vpcOriginConfig: { vpcOriginId: services.vpcOriginId, originReadTimeout: 30, originKeepaliveTimeout: 5 } });
            const ordered = cdn.inputs.orderedCacheBehaviors as Record<string, any>[];
            assert.deepStrictEqual(ordered.slice(0, 4).map((b) => b.pathPattern), ["/api", "/api/*", "/checkout/api", "/checkout/api/*"]);
            assert.deepStrictEqual(ordered.slice(4).map((b) => b.pathPattern), ASSET_PATH_PATTERNS);
            for (const b of ordered.slice(0, 4)) {
                assert.strictEqual(b.targetOriginId, "services");
                assert.strictEqual(b.functionAssociations, undefined);
                assert.strictEqual(b.responseHeadersPolicyId, one(resources, T.headers, "site-security-headers").id);
            }
            assert.strictEqual(cdn.inputs.defaultCacheBehavior.targetOriginId, "assets");
        });

        it("passes a service's own 403 and 404 through untouched: the distribution has no custom error responses", async () => {
            const { resources } = await site({ services });
            const cdn = one(resources, T.cdn, "site-cdn").inputs;
            const service = cdn.orderedCacheBehaviors.filter((b: any) => b.targetOriginId === "services");
            assert.deepStrictEqual(service.map((b: any) => b.pathPattern), ["/api", "/api/*", "/checkout/api", "/checkout/api/*"]);
            // Custom error responses apply to every origin of a distribution; there are none to apply.
            assert.strictEqual(cdn.customErrorResponses, undefined);
            assert.strictEqual(cdn.defaultRootObject, "index.html");
        });

        it("refuses the root, a malformed or repeated path, and more behaviors than CloudFront holds", async () => {
            const cases: [string[], string, RegExp][] = [
                [["/"], "args.services.paths[0]", /^takes every path of the site; route a sub-path such as "\/api"/],
                [["/Api/"], "args.services.paths[0]", /^must be "\/" or a lowercase URL-safe prefix/],
                [["/api", "/api"], "args.services.paths[1]", /^is listed twice/],
                [["/index.html"], "args.services.paths[0]", /^is reserved/],
                [Array.from({ length: 30 }, (_, i) => `/s${i}/api`), "args.services.paths", /^needs 77 cache behaviors with the asset patterns; CloudFront allows 75/],
            ];
            for (const [paths, path, message] of cases) {
                await assert.rejects(site({ services: { ...services, paths } }), (e: Error) => isConfigError(e, path, message));
            }
        });
    });
});
