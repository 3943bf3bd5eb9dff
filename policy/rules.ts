import { SERVICES_WITHOUT_SOURCE_KEYS } from "../components/trust-policy";
import {
    asArray,
    conditionValues,
    containerDefinitions,
    iamMatch,
    isPublicPrincipal,
    isRecord,
    parseJson,
    policyStatements,
    secretLikeName,
    servicePrincipals,
    Statement,
    valuesUnderKey,
} from "./documents";
import { NOTIFICATIONS_PURPOSE, NOTIFICATIONS_TAGS } from "../components/operations/alerts";

/**
 * The rules of Paved's policy pack, as plain objects testable without the Pulumi engine.
 * `policy/index.ts` turns them into a `@pulumi/policy` PolicyPack; `policy/run.ts` evaluates
 * them over the resources the mock harness recorded.
 *
 * Each rule names the AWS Security Hub control it implements (`control`). Ids are the
 * consolidated Security Hub control ids; most belong to the AWS Foundational Security Best
 * Practices (FSBP) standard, and the README says which do not (retired, or only in the NIST
 * standard). "Paved rule" means no Security Hub control checks it.
 */

export type EnforcementLevel = "advisory" | "mandatory" | "disabled";

/** A resource as a rule sees it: its type token, URN, logical name and properties. */
export interface ResourceView {
    type: string;
    urn: string;
    name: string;
    /** Inputs (resource validation) or outputs (stack validation), fully resolved where known. */
    props: Record<string, any>;
    /** URNs of the resources this one depends on; used to match references whose value is unknown. */
    dependencies?: string[];
}

/** The stack a rule runs against. */
export interface StackView {
    resources: ResourceView[];
    /** Tags the AWS provider adds to every taggable resource (`aws:defaultTags`), which inputs do not show. */
    defaultTags: Record<string, string>;
}

export interface Rule {
    /** Unique, kebab-case: the policy's name in the pack. */
    name: string;
    /** Security Hub control id(s), e.g. "S3.5" or "EC2.170, AutoScaling.3", or "Paved rule". */
    control: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    /** Resource types the rule validates. */
    resourceTypes: string[];
    /** "resource": reads only the resource's own props; "stack": also looks at other resources. */
    scope: "resource" | "stack";
    /** Violations of this resource, each a sentence saying what to change. Empty when it complies. */
    validate(resource: ResourceView, stack: StackView): string[];
}

// Type tokens. @pulumi/aws 7 renamed BucketV2 to Bucket; both are checked.
export const T = {
    bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    bucketEncryption: [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ],
    distribution: "aws:cloudfront/distribution:Distribution",
    vpcOrigin: "aws:cloudfront/vpcOrigin:VpcOrigin",
    originAccessControl: "aws:cloudfront/originAccessControl:OriginAccessControl",
    repository: "aws:ecr/repository:Repository",
    lifecyclePolicy: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    launchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
    autoscalingGroup: "aws:autoscaling/group:Group",
    service: "aws:ecs/service:Service",
    taskSet: "aws:ecs/taskSet:TaskSet",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    cluster: "aws:ecs/cluster:Cluster",
    schedule: "aws:scheduler/schedule:Schedule",
    eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    stateMachine: "aws:sfn/stateMachine:StateMachine",
    queue: "aws:sqs/queue:Queue",
    topic: "aws:sns/topic:Topic",
    topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
    slackChannel: "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
    project: "aws:codebuild/project:Project",
    loadBalancer: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
    listener: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    listenerRule: ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"],
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policy: "aws:iam/policy:Policy",
    userPolicy: "aws:iam/userPolicy:UserPolicy",
    groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    lambdaFunction: "aws:lambda/function:Function",
    lambdaPermission: "aws:lambda/permission:Permission",
} as const;

/**
 * Lambda runtimes in standard support as of December 2026 (AWS Lambda's runtimes page: each is
 * past no deprecation date). Add a runtime when AWS adds one; remove it when AWS deprecates it.
 */
export const SUPPORTED_LAMBDA_RUNTIMES: readonly string[] = ["nodejs22.x", "nodejs24.x", "python3.12", "python3.13", "python3.14", "java21", "java25", "dotnet10", "ruby3.4", "provided.al2023"];

/** The tag keys every taggable resource carries: which environment, which team, which budget. */
export const REQUIRED_TAG_KEYS = ["paved:environment", "paved:team", "paved:cost-center"] as const;

/** The required tags for an environment, as the AWS provider's default tags should set them. */
export function requiredTags(args: { environment: string; team: string; costCenter: string }): Record<string, string> {
    return { "paved:environment": args.environment, "paved:team": args.team, "paved:cost-center": args.costCenter };
}

/**
 * Resource types whose args take a `tags` map, among those Paved creates or may create. A test
 * checks each against @pulumi/aws's typings and fails when a planned environment uses a taggable
 * type missing here, so the list grows with the environment.
 */
export const TAGGABLE_TYPES: readonly string[] = [
    ...T.bucket,
    T.distribution,
    T.vpcOrigin,
    "aws:cloudfront/keyValueStore:KeyValueStore",
    "aws:cloudfront/function:Function",
    T.repository,
    T.project,
    T.logGroup,
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/eventRule:EventRule",
    T.cluster,
    T.taskDefinition,
    T.service,
    T.taskSet,
    "aws:ecs/capacityProvider:CapacityProvider",
    T.queue,
    T.topic,
    T.stateMachine,
    "aws:scheduler/scheduleGroup:ScheduleGroup",
    ...T.loadBalancer,
    "aws:lb/targetGroup:TargetGroup",
    "aws:alb/targetGroup:TargetGroup",
    "aws:lb/listener:Listener",
    "aws:alb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:alb/listenerRule:ListenerRule",
    T.launchTemplate,
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/flowLog:FlowLog",
    "aws:kms/key:Key",
    T.role,
    T.policy,
    "aws:iam/instanceProfile:InstanceProfile",
    "aws:appautoscaling/target:Target",
    "aws:ssm/parameter:Parameter",
    "aws:secretsmanager/secret:Secret",
    "aws:acm/certificate:Certificate",
    "aws:lambda/function:Function",
    "aws:s3/bucketObjectv2:BucketObjectv2",
    "aws:codestarconnections/connection:Connection",
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
];

// ---------------------------------------------------------------------------------------------
// Helpers shared by the rules.

const str = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const truthy = (v: unknown) => v === true || v === "true";

/** The values other resources use to refer to `r`: its id, name, bucket name and ARN. */
function identifiers(r: ResourceView): string[] {
    return [r.props.id, r.props.name, r.props.bucket, r.props.arn].filter(str);
}

/**
 * Whether `from`'s reference `ref` points at `target`: by value when the value is known, else by
 * dependency (during a preview, ids of resources not yet created are unknown).
 */
function refersTo(ref: unknown, target: ResourceView, from: ResourceView): boolean {
    if (str(ref)) return identifiers(target).includes(ref);
    return (from.dependencies ?? []).includes(target.urn);
}

function ofType(stack: StackView, types: string | readonly string[]): ResourceView[] {
    const set = typeof types === "string" ? [types] : types;
    return stack.resources.filter((r) => set.includes(r.type));
}

/** The bucket's ARN, when it can be known. */
function bucketArn(bucket: ResourceView): string | undefined {
    if (str(bucket.props.arn)) return bucket.props.arn;
    const name = bucket.props.bucket ?? bucket.props.id;
    return str(name) ? `arn:aws:s3:::${name}` : undefined;
}

/** Whether a statement's resources cover `arn` (exactly or by wildcard). */
function covers(statement: Statement, arn: string): boolean {
    return statement.resources.some((r) => iamMatch(r, arn));
}

/** Policy documents a resource carries, with where they are, for the IAM rules. */
function policyDocuments(r: ResourceView): { where: string; document: unknown }[] {
    const out: { where: string; document: unknown }[] = [];
    if (r.props.policy !== undefined) out.push({ where: "policy", document: r.props.policy });
    asArray(r.props.inlinePolicies).forEach((p, i) => {
        if (isRecord(p) && p.policy !== undefined) out.push({ where: `inlinePolicies[${i}] (${String(p.name ?? "unnamed")})`, document: p.policy });
    });
    return out;
}

const IDENTITY_POLICY_TYPES = [T.role, T.rolePolicy, T.policy, T.userPolicy, T.groupPolicy];

// ---------------------------------------------------------------------------------------------
// S3

const s3BlockPublicAccess: Rule = {
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

const s3TlsOnly: Rule = {
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

const s3EncryptionAtRest: Rule = {
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

const s3PolicyNotPublic: Rule = {
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

// ---------------------------------------------------------------------------------------------
// CloudFront

/** Whether an origin is an S3 REST endpoint (website endpoints are custom origins). */
function isS3Origin(origin: Record<string, any>): boolean {
    const domain = String(origin.domainName ?? "");
    return !origin.customOriginConfig && /\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?$/.test(domain) && !/s3-website/.test(domain);
}

const cloudfrontOriginAccessControl: Rule = {
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

const cloudfrontViewerHttps: Rule = {
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

const cloudfrontOriginTls: Rule = {
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

const cloudfrontLogging: Rule = {
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

const cloudfrontDefaultRootObject: Rule = {
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

// ---------------------------------------------------------------------------------------------
// ECR

const ecrScanOnPush: Rule = {
    name: "ecr-scan-on-push",
    control: "ECR.1",
    description: "ECR repositories scan images on push.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.repository],
    scope: "resource",
    validate(r) {
        return truthy(r.props.imageScanningConfiguration?.scanOnPush) ? [] : [`repository ${r.name} does not scan on push; set imageScanningConfiguration.scanOnPush to true`];
    },
};

const ecrImmutableTags: Rule = {
    name: "ecr-immutable-tags",
    control: "ECR.2",
    description: 'ECR repositories have immutable image tags ("IMMUTABLE", or "IMMUTABLE_WITH_EXCLUSION" with named exclusions, not "*").',
    enforcementLevel: "mandatory",
    resourceTypes: [T.repository],
    scope: "resource",
    validate(r) {
        const mutability = r.props.imageTagMutability ?? "MUTABLE";
        if (mutability === "IMMUTABLE") return [];
        if (mutability === "IMMUTABLE_WITH_EXCLUSION") {
            const all = asArray(r.props.imageTagMutabilityExclusionFilters).filter((f) => isRecord(f) && /^\*+$/.test(String(f.filter)));
            return all.length ? [`repository ${r.name} excludes every tag ("*") from immutability; name the few mutable tags instead`] : [];
        }
        return [`repository ${r.name} has mutable tags (${JSON.stringify(mutability)}); set imageTagMutability to "IMMUTABLE"`];
    },
};

const ecrLifecycle: Rule = {
    name: "ecr-lifecycle-policy",
    control: "ECR.3",
    description: "Every ECR repository has a lifecycle policy with at least one rule.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.repository],
    scope: "stack",
    validate(repo, stack) {
        const policies = ofType(stack, T.lifecyclePolicy).filter((p) => refersTo(p.props.repository, repo, p));
        const ok = policies.some((p) => {
            const doc = parseJson(p.props.policy);
            return isRecord(doc) && asArray(doc.rules).length > 0;
        });
        return ok ? [] : [`repository ${repo.name} has no lifecycle policy with rules; add an ecr.LifecyclePolicy that expires old images`];
    },
};

// ---------------------------------------------------------------------------------------------
// CloudWatch Logs

const logRetention: Rule = {
    name: "log-group-retention",
    control: "CloudWatch.16",
    description: "Every CloudWatch log group has a retention period (logs are never kept forever by accident).",
    enforcementLevel: "mandatory",
    resourceTypes: [T.logGroup],
    scope: "resource",
    validate(g) {
        const days = g.props.retentionInDays;
        return typeof days === "number" && days > 0 ? [] : [`log group ${g.name} keeps logs forever; set retentionInDays (e.g. 30)`];
    },
};

// ---------------------------------------------------------------------------------------------
// EC2 launch templates and Auto Scaling

const imdsv2: Rule = {
    name: "ec2-imdsv2-required",
    control: "EC2.170, AutoScaling.3",
    description: "Launch templates (EC2.170) and launch configurations (AutoScaling.3) require IMDSv2 session tokens.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.launchTemplate, T.launchConfiguration],
    scope: "resource",
    validate(r) {
        const tokens = r.props.metadataOptions?.httpTokens;
        return tokens === "required" ? [] : [`${r.name} allows IMDSv1 (metadataOptions.httpTokens is ${JSON.stringify(tokens)}); set it to "required"`];
    },
};

const instancesNoPublicIp: Rule = {
    name: "ec2-no-public-ip",
    control: "EC2.25, AutoScaling.5",
    description: "Launch templates (EC2.25) and launch configurations (AutoScaling.5) give instances no public IP address.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.launchTemplate, T.launchConfiguration],
    scope: "resource",
    validate(r) {
        if (r.type === T.launchConfiguration) {
            return truthy(r.props.associatePublicIpAddress) ? [`launch configuration ${r.name} assigns public IPs; set associatePublicIpAddress to false`] : [];
        }
        return asArray(r.props.networkInterfaces)
            .map((n, i) => ({ n, i }))
            .filter(({ n }) => isRecord(n) && truthy(n.associatePublicIpAddress))
            .map(({ i }) => `launch template ${r.name} networkInterfaces[${i}] assigns a public IP; set associatePublicIpAddress to "false"`);
    },
};

// ---------------------------------------------------------------------------------------------
// ECS

const ecsNoPublicIp: Rule = {
    name: "ecs-no-public-ip",
    control: "ECS.2, ECS.16",
    description:
        "ECS services (ECS.2) and task sets (ECS.16) do not assign public IPs, nor do tasks started by EventBridge Scheduler, EventBridge rules or Step Functions (Paved).",
    enforcementLevel: "mandatory",
    resourceTypes: [T.service, T.taskSet, T.schedule, T.eventTarget, T.stateMachine],
    scope: "resource",
    validate(r) {
        switch (r.type) {
            case T.service:
            case T.taskSet:
                return truthy(r.props.networkConfiguration?.assignPublicIp) ? [`${r.name} assigns public IPs to tasks; set networkConfiguration.assignPublicIp to false`] : [];
            case T.schedule:
                return truthy(r.props.target?.ecsParameters?.networkConfiguration?.assignPublicIp)
                    ? [`schedule ${r.name} runs tasks with public IPs; set target.ecsParameters.networkConfiguration.assignPublicIp to false`]
                    : [];
            case T.eventTarget:
                return truthy(r.props.ecsTarget?.networkConfiguration?.assignPublicIp)
                    ? [`event target ${r.name} runs tasks with public IPs; set ecsTarget.networkConfiguration.assignPublicIp to false`]
                    : [];
            default:
                return valuesUnderKey(parseJson(r.props.definition), "AssignPublicIp").some((v) => v === "ENABLED")
                    ? [`state machine ${r.name} runs tasks with AssignPublicIp "ENABLED"; use "DISABLED" and private subnets`]
                    : [];
        }
    },
};

const ecsCircuitBreaker: Rule = {
    name: "ecs-deployment-circuit-breaker",
    control: "Paved rule",
    description: "ECS services using the ECS deployment controller stop and roll back failed deployments (circuit breaker with rollback).",
    enforcementLevel: "mandatory",
    resourceTypes: [T.service],
    scope: "resource",
    validate(s) {
        const controller = s.props.deploymentController?.type ?? "ECS";
        if (controller !== "ECS") return [];
        const cb = s.props.deploymentCircuitBreaker;
        return truthy(cb?.enable) && truthy(cb?.rollback) ? [] : [`service ${s.name} has no deployment circuit breaker with rollback; set deploymentCircuitBreaker { enable: true, rollback: true }`];
    },
};

function containerRule(
    name: string,
    control: string,
    description: string,
    check: (c: Record<string, any>, where: string, task: ResourceView) => string[],
): Rule {
    return {
        name,
        control,
        description,
        enforcementLevel: "mandatory",
        resourceTypes: [T.taskDefinition],
        scope: "resource",
        validate(task) {
            return containerDefinitions(task.props.containerDefinitions).flatMap((c, i) => check(c, `task definition ${task.name} container ${String(c.name ?? i)}`, task));
        },
    };
}

const ecsNotPrivileged = containerRule("ecs-containers-not-privileged", "ECS.4", "ECS containers do not run privileged.", (c, where) =>
    truthy(c.privileged) ? [`${where} runs privileged; remove privileged: true`] : [],
);

const ecsReadOnlyRoot = containerRule("ecs-read-only-root-filesystem", "ECS.5", "ECS containers have read-only root filesystems.", (c, where) =>
    truthy(c.readonlyRootFilesystem) ? [] : [`${where} has a writable root filesystem; set readonlyRootFilesystem: true (mount a volume for scratch space)`],
);

const ecsNoSecretsInEnvironment = containerRule(
    "ecs-no-secrets-in-environment",
    "ECS.8",
    "ECS containers get secrets from Secrets Manager or SSM (`secrets`), never as plain environment variables with secret-like names.",
    (c, where) =>
        asArray(c.environment)
            .filter(isRecord)
            .filter((e) => str(e.name) && secretLikeName(e.name))
            .map((e) => `${where} passes ${e.name} as a plain environment variable; pass it through secrets (valueFrom) instead`),
);

const ecsLogging = containerRule("ecs-task-logging", "ECS.9", "Every ECS container has a log configuration.", (c, where) =>
    str(c.logConfiguration?.logDriver) ? [] : [`${where} has no logConfiguration; send its logs to CloudWatch with the awslogs driver`],
);

const ecsContainerInsights: Rule = {
    name: "ecs-container-insights",
    control: "ECS.12",
    description: "ECS clusters have Container Insights on.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.cluster],
    scope: "resource",
    validate(c) {
        const setting = asArray(c.props.settings).find((s) => isRecord(s) && s.name === "containerInsights");
        return isRecord(setting) && ["enabled", "enhanced"].includes(setting.value)
            ? []
            : [`cluster ${c.name} has Container Insights off; add settings [{ name: "containerInsights", value: "enabled" }]`];
    },
};

// ---------------------------------------------------------------------------------------------
// Step Functions, SQS, SNS

const sfnLogging: Rule = {
    name: "sfn-logging",
    control: "StepFunctions.1",
    description: "Step Functions state machines log executions to CloudWatch Logs.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.stateMachine],
    scope: "resource",
    validate(m) {
        const lc = m.props.loggingConfiguration;
        const on = isRecord(lc) && ["ALL", "ERROR", "FATAL"].includes(lc.level) && str(lc.logDestination);
        return on ? [] : [`state machine ${m.name} does not log; set loggingConfiguration { level: "ERROR" or "ALL", logDestination: "<log group arn>:*" }`];
    },
};

const sqsEncryption: Rule = {
    name: "sqs-encryption",
    control: "SQS.1",
    description: "SQS queues are encrypted at rest (SSE-SQS or SSE-KMS), declared explicitly.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.queue],
    scope: "resource",
    validate(q) {
        return truthy(q.props.sqsManagedSseEnabled) || str(q.props.kmsMasterKeyId) ? [] : [`queue ${q.name} does not declare encryption; set sqsManagedSseEnabled: true or kmsMasterKeyId`];
    },
};

const snsEncryption: Rule = {
    name: "sns-encryption",
    control: "SNS.1",
    description: "SNS topics are encrypted at rest with KMS.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.topic],
    scope: "resource",
    validate(t) {
        return str(t.props.kmsMasterKeyId) ? [] : [`topic ${t.name} is not encrypted; set kmsMasterKeyId (e.g. "alias/aws/sns")`];
    },
};

/** Whether a topic is an environment's notifications topic (tagged so by the Operations component). */
function isNotificationsTopic(t: ResourceView): boolean {
    return isRecord(t.props.tags) && t.props.tags[NOTIFICATIONS_TAGS.purpose] === NOTIFICATIONS_PURPOSE;
}

const notificationsTopic: Rule = {
    name: "notifications-topic",
    control: "Paved rule",
    description:
        "Every environment (a stack whose CloudFront distribution is tagged as an environment's site) has a notifications topic for its failure alerts; a topic that requires subscribers (prod) has at least one (an SNS subscription or an AWS Chatbot channel).",
    enforcementLevel: "mandatory",
    resourceTypes: [T.distribution, T.topic],
    scope: "stack",
    validate(r, stack) {
        if (r.type === T.distribution) {
            if (!isRecord(r.props.tags) || r.props.tags[NOTIFICATIONS_TAGS.siteNeedsTopic] !== "true") return [];
            return ofType(stack, T.topic).some(isNotificationsTopic)
                ? []
                : [`the stack of distribution ${r.name} has no notifications topic (an SNS topic tagged ${NOTIFICATIONS_TAGS.purpose}=${NOTIFICATIONS_PURPOSE}): failures would reach nobody; compose an Operations component (Environment does)`];
        }
        if (!isNotificationsTopic(r) || r.props.tags[NOTIFICATIONS_TAGS.subscriptionsRequired] !== "true") return [];
        const subscriptions = ofType(stack, T.topicSubscription).filter((s) => refersTo(s.props.topic, r, s));
        const channels = ofType(stack, T.slackChannel).filter((c) => {
            const arns = asArray(c.props.snsTopicArns);
            return arns.some((a) => refersTo(a, r, c)) || (arns.length === 0 && (c.dependencies ?? []).includes(r.urn));
        });
        return subscriptions.length + channels.length > 0
            ? []
            : [`notifications topic ${r.name} has no subscriber, and this environment requires one (prod); set paved:alerts email, https or slack`];
    },
};

// ---------------------------------------------------------------------------------------------
// Lambda

const lambdaSupportedRuntime: Rule = {
    name: "lambda-supported-runtime",
    control: "Lambda.2",
    description: "Lambda functions deployed as .zip archives use a runtime in standard support.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.lambdaFunction],
    scope: "resource",
    validate(f) {
        if (f.props.packageType === "Image") return [];
        const runtime = f.props.runtime;
        return SUPPORTED_LAMBDA_RUNTIMES.includes(runtime)
            ? []
            : [`function ${f.name} uses runtime ${JSON.stringify(runtime)}, which is not in standard support; use one of ${SUPPORTED_LAMBDA_RUNTIMES.join(", ")}`];
    },
};

const lambdaNotPublic: Rule = {
    name: "lambda-not-public",
    control: "Lambda.1",
    description: "No Lambda permission lets anyone invoke a function: a principal of \"*\" (or a service) needs a source account or ARN.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.lambdaPermission],
    scope: "resource",
    validate(p) {
        const principal = String(p.props.principal ?? "");
        const everyone = principal === "*";
        const service = principal.endsWith(".amazonaws.com");
        if (!everyone && !service) return [];
        if (str(p.props.sourceAccount) || str(p.props.sourceArn) || str(p.props.principalOrgId)) return [];
        return [`permission ${p.name} lets ${everyone ? "anyone" : `any ${principal} resource, in any account,`} invoke ${String(p.props.function ?? "the function")}; set sourceArn or sourceAccount`];
    },
};

// ---------------------------------------------------------------------------------------------
// CodeBuild

/** Marker that allows a privileged CodeBuild project: its inline buildspec runs `docker build`. */
export const DOCKER_BUILD_MARKER = /\bdocker\s+(buildx\s+)?build\b/;

const codebuildSourceNoCredentials: Rule = {
    name: "codebuild-source-no-credentials",
    control: "CodeBuild.1",
    description: "CodeBuild source URLs carry no user names, passwords or tokens.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.project],
    scope: "resource",
    validate(p) {
        const sources = [p.props.source, ...asArray(p.props.secondarySources)].filter(isRecord);
        return sources
            .filter((s) => str(s.location) && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+@/i.test(s.location))
            .map((s) => `project ${p.name} source ${String(s.sourceIdentifier ?? "primary")} has credentials in its URL; use a CodeConnections connection or OAuth`);
    },
};

const codebuildNoPlaintextCredentials: Rule = {
    name: "codebuild-no-plaintext-credentials",
    control: "CodeBuild.2",
    description: "CodeBuild environment variables with secret-like names come from Secrets Manager or Parameter Store, never PLAINTEXT.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.project],
    scope: "resource",
    validate(p) {
        return asArray(p.props.environment?.environmentVariables)
            .filter(isRecord)
            .filter((v) => (v.type ?? "PLAINTEXT") === "PLAINTEXT" && str(v.name) && secretLikeName(v.name))
            .map((v) => `project ${p.name} has ${v.name} as a PLAINTEXT environment variable; use type SECRETS_MANAGER or PARAMETER_STORE`);
    },
};

const codebuildS3LogsEncrypted: Rule = {
    name: "codebuild-s3-logs-encrypted",
    control: "CodeBuild.3",
    description: "CodeBuild logs written to S3 are encrypted.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.project],
    scope: "resource",
    validate(p) {
        const s3 = p.props.logsConfig?.s3Logs;
        return isRecord(s3) && s3.status === "ENABLED" && truthy(s3.encryptionDisabled) ? [`project ${p.name} writes unencrypted S3 logs; remove encryptionDisabled`] : [];
    },
};

const codebuildLogging: Rule = {
    name: "codebuild-logging",
    control: "CodeBuild.4",
    description: "CodeBuild projects log to a named CloudWatch log group (one with retention) or to S3.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.project],
    scope: "resource",
    validate(p) {
        const cw = p.props.logsConfig?.cloudwatchLogs;
        const s3 = p.props.logsConfig?.s3Logs;
        const cwOn = isRecord(cw) && cw.status !== "DISABLED" && str(cw.groupName);
        const s3On = isRecord(s3) && s3.status === "ENABLED";
        return cwOn || s3On
            ? []
            : [`project ${p.name} has no logging configuration; set logsConfig.cloudwatchLogs.groupName to a log group with retention (the implicit /aws/codebuild group keeps logs forever)`];
    },
};

const codebuildPrivileged: Rule = {
    name: "codebuild-privileged-only-for-docker",
    control: "CodeBuild.5 (retired April 2024; kept as a Paved rule)",
    description: "CodeBuild projects run privileged only when their inline buildspec builds a Docker image (`docker build`).",
    enforcementLevel: "mandatory",
    resourceTypes: [T.project],
    scope: "resource",
    validate(p) {
        if (!truthy(p.props.environment?.privilegedMode)) return [];
        const buildspec = p.props.source?.buildspec;
        return str(buildspec) && DOCKER_BUILD_MARKER.test(buildspec)
            ? []
            : [`project ${p.name} runs privileged but its inline buildspec does not run "docker build"; turn privilegedMode off`];
    },
};

// ---------------------------------------------------------------------------------------------
// Load balancers

const albDropInvalidHeaders: Rule = {
    name: "alb-drop-invalid-headers",
    control: "ELB.4",
    description: "Application Load Balancers drop invalid HTTP headers.",
    enforcementLevel: "mandatory",
    resourceTypes: [...T.loadBalancer],
    scope: "resource",
    validate(lb) {
        if ((lb.props.loadBalancerType ?? "application") !== "application") return [];
        return truthy(lb.props.dropInvalidHeaderFields) ? [] : [`load balancer ${lb.name} forwards invalid HTTP headers; set dropInvalidHeaderFields: true`];
    },
};

/** Whether every action of a listener or rule is a redirect to HTTPS. */
function onlyRedirectsToHttps(actions: unknown): boolean {
    const list = asArray(actions).filter(isRecord);
    return list.length > 0 && list.every((a) => a.type === "redirect" && String(a.redirect?.protocol ?? "").toUpperCase() === "HTTPS");
}

const albHttpRedirectsToHttps: Rule = {
    name: "alb-http-redirects-to-https",
    control: "ELB.1",
    description: "HTTP listeners of Application Load Balancers only redirect to HTTPS: their default actions and every rule on them are HTTPS redirects.",
    enforcementLevel: "mandatory",
    resourceTypes: [...T.listener, ...T.listenerRule],
    scope: "stack",
    validate(r, stack) {
        const http = (l: ResourceView) => String(l.props.protocol ?? "").toUpperCase() === "HTTP";
        const application = (l: ResourceView) => {
            const lb = ofType(stack, T.loadBalancer).find((x) => refersTo(l.props.loadBalancerArn, x, l));
            return !lb || (lb.props.loadBalancerType ?? "application") === "application";
        };
        if ((T.listener as readonly string[]).includes(r.type)) {
            if (!http(r) || !application(r) || onlyRedirectsToHttps(r.props.defaultActions)) return [];
            return [`listener ${r.name} serves plain HTTP; make its default action a redirect to HTTPS (port 443, HTTP_301) and serve on an HTTPS listener`];
        }
        const listener = ofType(stack, T.listener).find((l) => refersTo(r.props.listenerArn, l, r));
        if (!listener || !http(listener) || !application(listener) || onlyRedirectsToHttps(r.props.actions)) return [];
        return [`listener rule ${r.name} forwards plain HTTP on listener ${listener.name}; attach it to the HTTPS listener`];
    },
};

// ---------------------------------------------------------------------------------------------
// IAM

const iamNoAdmin: Rule = {
    name: "iam-no-admin-wildcard",
    control: "IAM.1",
    description:
        'No policy document (managed, inline, role, bucket, queue, key...) allows Action "*" on Resource "*", and no role gets AdministratorAccess.',
    enforcementLevel: "mandatory",
    resourceTypes: [],
    scope: "resource",
    validate(r) {
        const out: string[] = [];
        for (const { where, document } of policyDocuments(r)) {
            policyStatements(document).forEach((s, i) => {
                const allAction = s.actions.some((a) => a === "*" || a === "*:*");
                if (s.effect === "Allow" && allAction && s.resources.includes("*")) {
                    out.push(`${r.name} ${where} statement ${s.sid ?? i} allows "*" on "*"; list the actions and resources it needs`);
                }
            });
        }
        const managed = [r.props.policyArn, ...asArray(r.props.managedPolicyArns)].filter(str);
        for (const arn of managed) {
            if (/:policy\/AdministratorAccess$/.test(arn)) out.push(`${r.name} attaches AdministratorAccess; attach a policy scoped to what it needs`);
        }
        return out;
    },
};

const iamNoServiceWildcard: Rule = {
    name: "iam-no-service-wildcard",
    control: "IAM.21",
    description: 'Identity policies (managed, inline and role policies) allow no "<service>:*" actions.',
    enforcementLevel: "mandatory",
    resourceTypes: IDENTITY_POLICY_TYPES,
    scope: "resource",
    validate(r) {
        const out: string[] = [];
        // assumeRolePolicy is a trust policy, not an identity policy: policyDocuments skips it.
        for (const { where, document } of policyDocuments(r)) {
            policyStatements(document).forEach((s, i) => {
                if (s.effect !== "Allow") return;
                for (const a of s.actions.filter((x) => /^[a-z0-9-]+:\*$/i.test(x))) {
                    out.push(`${r.name} ${where} statement ${s.sid ?? i} allows ${a}; list the ${a.split(":")[0]} actions it needs`);
                }
            });
        }
        return out;
    },
};

const iamTrustSourceAccount: Rule = {
    name: "iam-trust-source-account",
    control: "Paved rule",
    description:
        "Every role an AWS service assumes trusts it for this account only: a StringEquals aws:SourceAccount condition (confused-deputy guard). EC2 and Lambda set no source keys and are exempt.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.role],
    scope: "resource",
    validate(role) {
        const out: string[] = [];
        policyStatements(role.props.assumeRolePolicy).forEach((s, i) => {
            if (s.effect !== "Allow") return;
            const services = servicePrincipals(s.principals).filter((p) => !SERVICES_WITHOUT_SOURCE_KEYS.includes(p));
            if (services.length === 0) return;
            const accounts = conditionValues(s.condition, "aws:SourceAccount", ["StringEquals"]).filter(str);
            if (accounts.length === 0) {
                out.push(`role ${role.name} trust statement ${s.sid ?? i} lets ${services.join(", ")} assume it for any account; add Condition StringEquals aws:SourceAccount (and aws:SourceArn where the service sets it)`);
            }
        });
        return out;
    },
};

/** Actions that read a secret value, by service. */
const SECRET_READ_ACTIONS = ["ssm:getparameter", "ssm:getparameters", "ssm:getparametersbypath", "secretsmanager:getsecretvalue"];

const iamExactSecrets: Rule = {
    name: "iam-exact-secrets",
    control: "Paved rule",
    description:
        "Identity policies grant secret reads (ssm:GetParameter(s), GetParametersByPath, secretsmanager:GetSecretValue) on named parameters and secrets only: no \"*\" in the resource, and \"?\" only as a Secrets Manager ARN's random -?????? suffix.",
    enforcementLevel: "mandatory",
    resourceTypes: IDENTITY_POLICY_TYPES,
    scope: "resource",
    validate(r) {
        const out: string[] = [];
        for (const { where, document } of policyDocuments(r)) {
            policyStatements(document).forEach((s, i) => {
                if (s.effect !== "Allow") return;
                if (!s.actions.some((a) => SECRET_READ_ACTIONS.some((x) => iamMatch(a.toLowerCase(), x)))) return;
                for (const resource of s.resources) {
                    const wild = resource.includes("*") || resource.replace(/-\?{6}$/, "").includes("?");
                    if (wild) out.push(`${r.name} ${where} statement ${s.sid ?? i} reads secrets on ${resource}; name each parameter or secret (no wildcards)`);
                }
            });
        }
        return out;
    },
};

// ---------------------------------------------------------------------------------------------
// Tags

const requiredTagsRule: Rule = {
    name: "required-tags",
    control: "Paved rule",
    description: `Every taggable resource carries ${REQUIRED_TAG_KEYS.join(", ")} (from the provider's default tags or its own); Auto Scaling groups propagate them to instances.`,
    enforcementLevel: "mandatory",
    resourceTypes: [...TAGGABLE_TYPES, T.autoscalingGroup],
    scope: "resource",
    validate(r, stack) {
        if (r.type === T.autoscalingGroup) {
            // The provider's default tags do not reach Auto Scaling groups or their instances.
            const tags = asArray(r.props.tags).filter(isRecord);
            const missing = REQUIRED_TAG_KEYS.filter((k) => !tags.some((t) => t.key === k && str(t.value) && truthy(t.propagateAtLaunch)));
            return missing.length ? [`auto scaling group ${r.name} does not propagate ${missing.join(", ")} to its instances; add them to tags with propagateAtLaunch: true`] : [];
        }
        const tags = { ...stack.defaultTags, ...(isRecord(r.props.tags) ? r.props.tags : {}) };
        const missing = REQUIRED_TAG_KEYS.filter((k) => !str(tags[k]));
        return missing.length ? [`${r.name} (${r.type}) lacks tags ${missing.join(", ")}; set them in the aws provider's defaultTags or on the resource`] : [];
    },
};

/** Every rule of the pack. */
export const rules: readonly Rule[] = [
    s3BlockPublicAccess,
    s3TlsOnly,
    s3EncryptionAtRest,
    s3PolicyNotPublic,
    cloudfrontOriginAccessControl,
    cloudfrontViewerHttps,
    cloudfrontOriginTls,
    cloudfrontLogging,
    cloudfrontDefaultRootObject,
    ecrScanOnPush,
    ecrImmutableTags,
    ecrLifecycle,
    logRetention,
    imdsv2,
    instancesNoPublicIp,
    ecsNoPublicIp,
    ecsCircuitBreaker,
    ecsNotPrivileged,
    ecsReadOnlyRoot,
    ecsNoSecretsInEnvironment,
    ecsLogging,
    ecsContainerInsights,
    sfnLogging,
    sqsEncryption,
    snsEncryption,
    lambdaSupportedRuntime,
    lambdaNotPublic,
    notificationsTopic,
    codebuildSourceNoCredentials,
    codebuildNoPlaintextCredentials,
    codebuildS3LogsEncrypted,
    codebuildLogging,
    codebuildPrivileged,
    albDropInvalidHeaders,
    albHttpRedirectsToHttps,
    iamNoAdmin,
    iamNoServiceWildcard,
    iamTrustSourceAccount,
    iamExactSecrets,
    requiredTagsRule,
];

/** Whether `rule` applies to resources of `type`. An empty `resourceTypes` means every type. */
export function appliesTo(rule: Rule, type: string): boolean {
    return rule.resourceTypes.length === 0 || rule.resourceTypes.includes(type);
}
