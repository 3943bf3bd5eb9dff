/** Policy rules for CloudFront (see `./index.ts` for the pack). */
import { Rule, T } from "./types";
import { str, refersTo, ofType } from "./helpers";
import { asArray, isRecord } from "../documents";

/** Whether an origin is an S3 REST endpoint (website endpoints are custom origins). */
function isS3Origin(origin: Record<string, any>): boolean {
    const domain = String(origin.domainName ?? "");
    return !origin.customOriginConfig && /\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?$/.test(domain) && !/s3-website/.test(domain);
}

export const cloudfrontOriginAccessControl: Rule = {
    name: "cloudfront-s3-origin-access-control",
    control: "CloudFront.13",
    description: "Every S3 origin of a CloudFront distribution uses an Origin Access Control that signs every request (no legacy OAI, no public origin).",
    enforcementLevel: "mandatory",
    resourceTypes: [T.distribution],
    scope: "stack",
    validate(distribution, stack) {
        const out: string[] = [];
        asArray<Record<string, any>>(distribution.props.origins)
            .filter(isRecord)
            .filter(isS3Origin)
            .forEach((origin) => {
                const id = origin.originId ?? origin.domainName;
                if (str(origin.s3OriginConfig?.originAccessIdentity)) {
                    out.push(`distribution ${distribution.name} origin ${id} uses a legacy origin access identity; use an Origin Access Control`);
                }
                const oacId = origin.originAccessControlId;
                if (!str(oacId) && !(distribution.dependencies ?? []).some((d) => d.includes(T.originAccessControl))) {
                    out.push(`distribution ${distribution.name} origin ${id} reads S3 without an Origin Access Control; set originAccessControlId`);
                    return;
                }
                const oac = ofType(stack, T.originAccessControl).find((o) => refersTo(oacId, o, distribution));
                if (oac && (oac.props.originAccessControlOriginType !== "s3" || oac.props.signingBehavior !== "always" || oac.props.signingProtocol !== "sigv4")) {
                    out.push(`origin access control ${oac.name} used by ${distribution.name} must have originAccessControlOriginType "s3", signingBehavior "always" and signingProtocol "sigv4"`);
                }
            });
        return out;
    },
};

export const cloudfrontViewerHttps: Rule = {
    name: "cloudfront-viewer-https",
    control: "CloudFront.3",
    description: "Every cache behavior of a CloudFront distribution redirects viewers to HTTPS or accepts HTTPS only.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.distribution],
    scope: "resource",
    validate(d) {
        const behaviors = [
            { where: "defaultCacheBehavior", b: d.props.defaultCacheBehavior },
            ...asArray(d.props.orderedCacheBehaviors).map((b, i) => ({ where: `orderedCacheBehaviors[${i}]`, b })),
        ];
        return behaviors
            .filter(({ b }) => isRecord(b) && !["redirect-to-https", "https-only"].includes(b.viewerProtocolPolicy))
            .map(({ where, b }) => `distribution ${d.name} ${where} viewerProtocolPolicy is ${JSON.stringify(b.viewerProtocolPolicy)}; use "redirect-to-https"`);
    },
};

/** SSL/TLS protocols CloudFront may use to an origin that are still sound. */
const SOUND_ORIGIN_PROTOCOLS = ["TLSv1.2"];

export const cloudfrontOriginTls: Rule = {
    name: "cloudfront-origin-tls",
    control: "CloudFront.9, CloudFront.10",
    description:
        "CloudFront reaches custom and VPC origins over HTTPS only (originProtocolPolicy https-only), with TLSv1.2 and no deprecated SSLv3/TLSv1/TLSv1.1.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.distribution, T.vpcOrigin],
    scope: "resource",
    validate(r) {
        const configs: { where: string; c: Record<string, any> }[] =
            r.type === T.vpcOrigin
                ? [{ where: `VPC origin ${r.name}`, c: r.props.vpcOriginEndpointConfig }]
                : asArray<Record<string, any>>(r.props.origins)
                      .filter((o) => isRecord(o) && isRecord(o.customOriginConfig))
                      .map((o) => ({ where: `distribution ${r.name} origin ${String(o.originId ?? o.domainName)}`, c: o.customOriginConfig }));
        return configs.filter(({ c }) => isRecord(c)).flatMap(({ where, c }) => {
            const out: string[] = [];
            if (c.originProtocolPolicy !== "https-only") out.push(`${where} uses originProtocolPolicy ${JSON.stringify(c.originProtocolPolicy)}; use "https-only" (CloudFront then checks the origin's certificate)`);
            const protocols = asArray(c.originSslProtocols?.items ?? c.originSslProtocols).map(String);
            const weak = protocols.filter((p) => !SOUND_ORIGIN_PROTOCOLS.includes(p));
            if (weak.length) out.push(`${where} allows ${weak.join(", ")} to the origin; allow TLSv1.2 only`);
            return out;
        });
    },
};

export const cloudfrontLogging: Rule = {
    name: "cloudfront-access-logging",
    control: "CloudFront.5",
    description: "CloudFront distributions write standard access logs (optional in Paved: `paved:site.accessLogs`).",
    enforcementLevel: "advisory",
    resourceTypes: [T.distribution],
    scope: "resource",
    validate(d) {
        return str(d.props.loggingConfig?.bucket) ? [] : [`distribution ${d.name} writes no access logs; set paved:site.accessLogs to true where you need them`];
    },
};

export const cloudfrontDefaultRootObject: Rule = {
    name: "cloudfront-default-root-object",
    control: "CloudFront.1",
    description: "CloudFront distributions with S3 origins set a default root object, so a request for \"/\" never reaches the bucket as a listing.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.distribution],
    scope: "resource",
    validate(d) {
        const hasS3 = asArray<Record<string, any>>(d.props.origins).filter(isRecord).some(isS3Origin);
        return hasS3 && !str(d.props.defaultRootObject) ? [`distribution ${d.name} has S3 origins and no defaultRootObject`] : [];
    },
};
