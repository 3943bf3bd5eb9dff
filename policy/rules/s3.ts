/** Policy rules for S3 (see `./index.ts` for the pack). */
import { Rule, T } from "./types";
import { str, truthy, refersTo, ofType, bucketArn, covers } from "./helpers";
import { asArray, conditionValues, iamMatch, isPublicPrincipal, isRecord, policyStatements, servicePrincipals, Statement } from "../documents";

export const s3BlockPublicAccess: Rule = {
    name: "s3-block-public-access",
    control: "S3.8, S3.1",
    description: "Every S3 bucket has a public access block with all four settings on.",
    enforcementLevel: "mandatory",
    resourceTypes: [...T.bucket],
    scope: "stack",
    validate(bucket, stack) {
        const blocks = ofType(stack, T.publicAccessBlock).filter((b) => refersTo(b.props.bucket, bucket, b));
        if (blocks.length === 0) return [`bucket ${bucket.name} has no BucketPublicAccessBlock; add one with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true`];
        const settings = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
        return blocks.flatMap((b) => {
            const off = settings.filter((s) => !truthy(b.props[s]));
            return off.length ? [`public access block ${b.name} of bucket ${bucket.name} leaves ${off.join(", ")} off; set all four to true`] : [];
        });
    },
};

/** Whether a bucket policy statement denies every request not made over TLS. */
function deniesInsecureTransport(s: Statement): boolean {
    if (s.effect !== "Deny" || !isPublicPrincipal(s.principals)) return false;
    if (!s.actions.some((a) => a === "*" || a.toLowerCase() === "s3:*")) return false;
    return conditionValues(s.condition, "aws:SecureTransport", ["Bool"]).some((v) => v === false || v === "false");
}

export const s3TlsOnly: Rule = {
    name: "s3-tls-only",
    control: "S3.5",
    description: "Every S3 bucket has a bucket policy that denies requests not made over TLS.",
    enforcementLevel: "mandatory",
    resourceTypes: [...T.bucket],
    scope: "stack",
    validate(bucket, stack) {
        const policies = ofType(stack, T.bucketPolicy).filter((p) => refersTo(p.props.bucket, bucket, p));
        const arn = bucketArn(bucket);
        const ok = policies.some((p) =>
            policyStatements(p.props.policy).some((s) => deniesInsecureTransport(s) && (arn === undefined || (covers(s, arn) && covers(s, `${arn}/*`)))),
        );
        return ok
            ? []
            : [`bucket ${bucket.name} has no bucket policy denying insecure transport; add a Deny of s3:* for Principal "*" on the bucket and bucket/* when aws:SecureTransport is "false"`];
    },
};

export const s3EncryptionAtRest: Rule = {
    name: "s3-encryption-at-rest",
    control: "S3.4 (retired; kept as a Paved rule)",
    description: "Every S3 bucket declares default server-side encryption (SSE-S3 or SSE-KMS).",
    enforcementLevel: "mandatory",
    resourceTypes: [...T.bucket],
    scope: "stack",
    validate(bucket, stack) {
        const algorithms = ["AES256", "aws:kms", "aws:kms:dsse"];
        const ruleOk = (rules: unknown) =>
            asArray(rules).some((r) => isRecord(r) && algorithms.includes(r.applyServerSideEncryptionByDefault?.sseAlgorithm));
        const inline = bucket.props.serverSideEncryptionConfiguration;
        if (isRecord(inline) && ruleOk(inline.rules ?? inline.rule)) return [];
        const configs = ofType(stack, T.bucketEncryption).filter((c) => refersTo(c.props.bucket, bucket, c));
        return configs.some((c) => ruleOk(c.props.rules))
            ? []
            : [`bucket ${bucket.name} declares no default encryption; add a BucketServerSideEncryptionConfiguration with sseAlgorithm "AES256" or "aws:kms"`];
    },
};

/** A CloudFront distribution's ARN, exactly (no wildcards). */
const DISTRIBUTION_ARN = /^arn:aws[a-z-]*:cloudfront::\d{12}:distribution\/[A-Z0-9]+$/;

/** Actions that list a bucket's keys (a GET of the bucket root, with or without `?versions`). */
const LISTING_ACTIONS = ["s3:ListBucket", "s3:ListBucketVersions"];

/** Whether an Allow statement grants listing the bucket, by name, by wildcard or through NotAction. */
function grantsListing(s: Statement): boolean {
    const match = (patterns: string[]) => patterns.some((p) => LISTING_ACTIONS.some((a) => iamMatch(p, a, true)));
    return match(s.actions) || (s.notActions.length > 0 && !match(s.notActions));
}

/** Whether a statement's principal is CloudFront's service principal and nothing else. */
function onlyCloudFront(principal: unknown): boolean {
    return isRecord(principal) && Object.keys(principal).every((k) => k === "Service") && servicePrincipals(principal).every((p) => p === "cloudfront.amazonaws.com");
}

export const s3PolicyNotPublic: Rule = {
    name: "s3-reads-only-through-cloudfront",
    control: "S3.2, S3.3",
    description:
        "No bucket policy allows anonymous access; CloudFront's service principal is allowed only with an AWS:SourceArn condition naming the distribution (Origin Access Control), and only it may be granted listing (so S3 answers 404 for a missing key).",
    enforcementLevel: "mandatory",
    resourceTypes: [T.bucketPolicy],
    scope: "resource",
    validate(policy) {
        const out: string[] = [];
        policyStatements(policy.props.policy).forEach((s, i) => {
            if (s.effect !== "Allow") return;
            const label = s.sid ? `statement ${s.sid}` : `statement ${i}`;
            const everyone = isPublicPrincipal(s.principals);
            if (everyone) {
                out.push(`bucket policy ${policy.name} ${label} allows Principal "*"; grant CloudFront through Origin Access Control instead`);
            }
            if (servicePrincipals(s.principals).includes("cloudfront.amazonaws.com")) {
                const sources = conditionValues(s.condition, "AWS:SourceArn");
                if (sources.length === 0 || !sources.every((v) => str(v) && DISTRIBUTION_ARN.test(v))) {
                    out.push(`bucket policy ${policy.name} ${label} allows cloudfront.amazonaws.com without an AWS:SourceArn condition naming one distribution; any distribution could read the bucket`);
                }
            }
            if (!everyone && grantsListing(s) && !onlyCloudFront(s.principals)) {
                out.push(`bucket policy ${policy.name} ${label} lets ${JSON.stringify(s.principals)} list the bucket; only CloudFront of the site's distribution may (other readers list through their own identity policies)`);
            }
        });
        return out;
    },
};
