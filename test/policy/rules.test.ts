import * as assert from "assert";
import { DOCKER_BUILD_MARKER, REQUIRED_TAG_KEYS, requiredTags, ResourceView, Rule, rules, StackView, T } from "../../policy/rules";
import { secretLikeName } from "../../policy/documents";

/**
 * Every rule with hand-built resource inputs: one stack that complies and one that does not.
 * The last test checks that every rule of the pack has its pair here.
 */

const ACCOUNT = "123456789012";
const TAGS = requiredTags({ environment: "dev", team: "platform", costCenter: "cc-1001" });

function res(type: string, name: string, props: Record<string, any>, dependencies: string[] = []): ResourceView {
    return { type, name, urn: `urn:pulumi:test::paved::${type}::${name}`, props, dependencies };
}

function rule(name: string): Rule {
    const found = rules.find((r) => r.name === name);
    if (!found) throw new Error(`no rule ${name}`);
    return found;
}

/** The resources of a stack that rule `name` looks at. */
function inScope(name: string, resources: ResourceView[]): ResourceView[] {
    const r = rule(name);
    return resources.filter((x) => r.resourceTypes.length === 0 || r.resourceTypes.includes(x.type));
}

/** Violations of one rule over a stack: what the pack would report. */
function check(name: string, resources: ResourceView[], defaultTags: Record<string, string> = TAGS): string[] {
    const stack: StackView = { resources, defaultTags };
    return inScope(name, resources).flatMap((x) => rule(name).validate(x, stack));
}

// --- builders of compliant resources, mutated per failing case ---

function bucket(name = "assets", bucketName = "paved-dev-assets") {
    return res(T.bucket[0], name, { id: bucketName, bucket: bucketName, arn: `arn:aws:s3:::${bucketName}` });
}
const pab = (b: ResourceView, over: Record<string, unknown> = {}) =>
    res(T.publicAccessBlock, `${b.name}-pab`, { bucket: b.props.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...over }, [b.urn]);

const DIST_ARN = `arn:aws:cloudfront::${ACCOUNT}:distribution/E1ABCDEF2GHIJK`;
function tlsStatement(arn: string) {
    return { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } };
}
function oacStatement(arn: string, condition: unknown = { StringEquals: { "AWS:SourceArn": DIST_ARN } }) {
    return { Sid: "CloudFrontRead", Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: `${arn}/*`, Condition: condition };
}
function oacListStatement(arn: string, condition: unknown = { StringEquals: { "AWS:SourceArn": DIST_ARN } }) {
    return { Sid: "CloudFrontList", Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:ListBucket", Resource: arn, Condition: condition };
}
const bucketPolicy = (b: ResourceView, statements: unknown[]) =>
    res(T.bucketPolicy, `${b.name}-policy`, { bucket: b.props.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }, [b.urn]);

function distribution(over: Record<string, any> = {}, origin: Record<string, any> = {}) {
    return res(T.distribution, "site", {
        enabled: true,
        origins: [{ originId: "assets", domainName: "paved-dev-assets.s3.eu-west-1.amazonaws.com", originAccessControlId: "E2OAC0000001", ...origin }],
        defaultCacheBehavior: { targetOriginId: "assets", viewerProtocolPolicy: "redirect-to-https" },
        orderedCacheBehaviors: [{ pathPattern: "/api/*", targetOriginId: "assets", viewerProtocolPolicy: "https-only" }],
        ...over,
    });
}
const oac = (over: Record<string, unknown> = {}) =>
    res(T.originAccessControl, "site-oac", { id: "E2OAC0000001", originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4", ...over });

const TOPIC_ARN = `arn:aws:sns:eu-west-1:${ACCOUNT}:operations-topic-1a2b3c4`;
/** An environment's site (a bare SiteHost, untagged, needs no topic). */
const envSite = () => distribution({ tags: { "paved:notifications-required": "true" } });

const repository = (over: Record<string, unknown> = {}) =>
    res(T.repository, "app-repo", { name: "paved-dev/apps/shop", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, ...over });

const launchTemplate = (over: Record<string, unknown> = {}) =>
    res(T.launchTemplate, "nodes", { metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" }, networkInterfaces: [{ associatePublicIpAddress: "false" }], ...over });

function container(over: Record<string, unknown> = {}) {
    return {
        name: "job",
        image: "reports:1",
        essential: true,
        readonlyRootFilesystem: true,
        environment: [{ name: "API_BASE", value: "/api" }],
        secrets: [{ name: "DB_PASSWORD", valueFrom: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/db` }],
        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/paved/dev/jobs/x" } },
        ...over,
    };
}
const taskDefinition = (c: Record<string, unknown> = container()) => res(T.taskDefinition, "job-task", { family: "paved-dev-job-x", containerDefinitions: JSON.stringify([c]) });

const service = (over: Record<string, unknown> = {}) =>
    res(T.service, "svc", {
        networkConfiguration: { subnets: ["subnet-1"], assignPublicIp: false },
        deploymentCircuitBreaker: { enable: true, rollback: true },
        ...over,
    });

function project(over: Record<string, any> = {}) {
    return res(T.project, "build", {
        source: { type: "GITHUB", location: "https://github.com/acme/web.git", buildspec: "version: 0.2\nphases:\n  build:\n    commands:\n      - npm run build\n" },
        environment: { computeType: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/standard:7.0", type: "LINUX_CONTAINER", environmentVariables: [{ name: "API_BASE", value: "/api" }] },
        logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: "/paved/dev/apps/shop/build" } },
        ...over,
    });
}

const roleWith = (statements: unknown[]) =>
    res(T.rolePolicy, "job-task", { role: "job-task-role", policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) });

// --- the cases ---

interface Case {
    rule: string;
    pass: () => { resources: ResourceView[]; defaultTags?: Record<string, string> };
    fail: { name: string; build: () => { resources: ResourceView[]; defaultTags?: Record<string, string> }; expect: RegExp }[];
}

const cases: Case[] = [
    {
        rule: "s3-block-public-access",
        pass: () => {
            const b = bucket();
            return { resources: [b, pab(b)] };
        },
        fail: [
            { name: "no block", build: () => ({ resources: [bucket()] }), expect: /has no BucketPublicAccessBlock/ },
            {
                name: "one setting off",
                build: () => {
                    const b = bucket();
                    return { resources: [b, pab(b, { restrictPublicBuckets: false })] };
                },
                expect: /leaves restrictPublicBuckets off/,
            },
            {
                name: "block of another bucket",
                build: () => {
                    const a = bucket("a", "bucket-a");
                    const b = bucket("b", "bucket-b");
                    return { resources: [a, b, pab(a)] };
                },
                expect: /bucket b has no BucketPublicAccessBlock/,
            },
        ],
    },
    {
        rule: "s3-tls-only",
        pass: () => {
            const b = bucket();
            return { resources: [b, bucketPolicy(b, [tlsStatement(b.props.arn), oacStatement(b.props.arn)])] };
        },
        fail: [
            { name: "no policy", build: () => ({ resources: [bucket()] }), expect: /no bucket policy denying insecure transport/ },
            {
                name: "deny covers objects only",
                build: () => {
                    const b = bucket();
                    return { resources: [b, bucketPolicy(b, [{ ...tlsStatement(b.props.arn), Resource: `${b.props.arn}/*` }])] };
                },
                expect: /denying insecure transport/,
            },
            {
                name: "condition true instead of false",
                build: () => {
                    const b = bucket();
                    return { resources: [b, bucketPolicy(b, [{ ...tlsStatement(b.props.arn), Condition: { Bool: { "aws:SecureTransport": "true" } } }])] };
                },
                expect: /denying insecure transport/,
            },
        ],
    },
    {
        rule: "s3-encryption-at-rest",
        pass: () => {
            const b = bucket();
            const sse = res(T.bucketEncryption[0], "assets-sse", { bucket: b.props.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, [b.urn]);
            return { resources: [b, sse] };
        },
        fail: [
            { name: "no configuration", build: () => ({ resources: [bucket()] }), expect: /declares no default encryption/ },
            {
                name: "configuration without algorithm",
                build: () => {
                    const b = bucket();
                    return { resources: [b, res(T.bucketEncryption[0], "assets-sse", { bucket: b.props.id, rules: [{ bucketKeyEnabled: true }] })] };
                },
                expect: /declares no default encryption/,
            },
        ],
    },
    {
        rule: "s3-reads-only-through-cloudfront",
        pass: () => {
            const b = bucket();
            return { resources: [b, bucketPolicy(b, [tlsStatement(b.props.arn), oacStatement(b.props.arn), oacListStatement(b.props.arn)])] };
        },
        fail: [
            {
                name: "listing for an account",
                build: () => {
                    const b = bucket();
                    return { resources: [bucketPolicy(b, [oacStatement(b.props.arn), { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "s3:ListBucket", Resource: b.props.arn }])] };
                },
                expect: /lets \{"AWS":"arn:aws:iam::123456789012:root"\} list the bucket; only CloudFront of the site's distribution may/,
            },
            {
                name: "listing by wildcard for another service",
                build: () => {
                    const b = bucket();
                    return { resources: [bucketPolicy(b, [{ Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:List*", Resource: b.props.arn }])] };
                },
                expect: /list the bucket/,
            },
            {
                name: "listing for CloudFront and another principal in one statement",
                build: () => {
                    const b = bucket();
                    const statement = { ...oacListStatement(b.props.arn), Principal: { Service: "cloudfront.amazonaws.com", AWS: `arn:aws:iam::${ACCOUNT}:role/reader` } };
                    return { resources: [bucketPolicy(b, [statement])] };
                },
                expect: /list the bucket/,
            },
            {
                name: "listing for CloudFront without SourceArn",
                build: () => {
                    const b = bucket();
                    return { resources: [bucketPolicy(b, [oacStatement(b.props.arn), oacListStatement(b.props.arn, {})])] };
                },
                expect: /statement CloudFrontList allows cloudfront\.amazonaws\.com without an AWS:SourceArn condition/,
            },
            {
                name: "listing for every distribution by wildcard",
                build: () => {
                    const b = bucket();
                    return { resources: [bucketPolicy(b, [oacListStatement(b.props.arn, { StringLike: { "AWS:SourceArn": [DIST_ARN, `arn:aws:cloudfront::${ACCOUNT}:distribution/*`] } })])] };
                },
                expect: /without an AWS:SourceArn condition naming one distribution/,
            },
            {
                name: "public read",
                build: () => {
                    const b = bucket();
                    return { resources: [bucketPolicy(b, [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: `${b.props.arn}/*` }])] };
                },
                expect: /allows Principal "\*"/,
            },
            {
                name: "CloudFront without SourceArn",
                build: () => {
                    const b = bucket();
                    return { resources: [bucketPolicy(b, [oacStatement(b.props.arn, {})])] };
                },
                expect: /without an AWS:SourceArn condition/,
            },
        ],
    },
    {
        rule: "cloudfront-s3-origin-access-control",
        pass: () => ({ resources: [oac(), distribution()] }),
        fail: [
            { name: "no OAC", build: () => ({ resources: [distribution({}, { originAccessControlId: undefined })] }), expect: /without an Origin Access Control/ },
            {
                name: "legacy OAI",
                build: () => ({ resources: [oac(), distribution({}, { s3OriginConfig: { originAccessIdentity: "origin-access-identity/cloudfront/E1" } })] }),
                expect: /legacy origin access identity/,
            },
            { name: "OAC that does not always sign", build: () => ({ resources: [oac({ signingBehavior: "no-override" }), distribution()] }), expect: /signingBehavior "always"/ },
        ],
    },
    {
        rule: "cloudfront-viewer-https",
        pass: () => ({ resources: [distribution()] }),
        fail: [
            {
                name: "allow-all on the default behavior",
                build: () => ({ resources: [distribution({ defaultCacheBehavior: { targetOriginId: "assets", viewerProtocolPolicy: "allow-all" } })] }),
                expect: /defaultCacheBehavior viewerProtocolPolicy is "allow-all"/,
            },
            {
                name: "allow-all on an ordered behavior",
                build: () => ({ resources: [distribution({ orderedCacheBehaviors: [{ pathPattern: "/x/*", viewerProtocolPolicy: "allow-all" }] })] }),
                expect: /orderedCacheBehaviors\[0\]/,
            },
        ],
    },
    {
        rule: "cloudfront-access-logging",
        pass: () => ({ resources: [distribution({ loggingConfig: { bucket: "paved-dev-logs.s3.amazonaws.com", prefix: "cloudfront/" } })] }),
        fail: [{ name: "no logging", build: () => ({ resources: [distribution()] }), expect: /writes no access logs/ }],
    },
    {
        rule: "cloudfront-default-root-object",
        pass: () => ({ resources: [distribution({ defaultRootObject: "index.html" })] }),
        fail: [{ name: "none", build: () => ({ resources: [distribution()] }), expect: /no defaultRootObject/ }],
    },
    {
        rule: "ecr-scan-on-push",
        pass: () => ({ resources: [repository()] }),
        fail: [{ name: "no scanning", build: () => ({ resources: [repository({ imageScanningConfiguration: undefined })] }), expect: /does not scan on push/ }],
    },
    {
        rule: "ecr-immutable-tags",
        pass: () => ({
            resources: [repository(), repository({ imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", imageTagMutabilityExclusionFilters: [{ filter: "latest", filterType: "WILDCARD" }] })],
        }),
        fail: [
            {
                name: "every tag excluded",
                build: () => ({ resources: [repository({ imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", imageTagMutabilityExclusionFilters: [{ filter: "*", filterType: "WILDCARD" }] })] }),
                expect: /excludes every tag/,
            },
            { name: "mutable", build: () => ({ resources: [repository({ imageTagMutability: "MUTABLE" })] }), expect: /mutable tags/ },
            { name: "default", build: () => ({ resources: [repository({ imageTagMutability: undefined })] }), expect: /"MUTABLE"/ },
        ],
    },
    {
        rule: "ecr-lifecycle-policy",
        pass: () => {
            const r = repository();
            const lp = res(T.lifecyclePolicy, "app-repo-lifecycle", {
                repository: r.props.name,
                policy: JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 }, action: { type: "expire" } }] }),
            });
            return { resources: [r, lp] };
        },
        fail: [
            { name: "none", build: () => ({ resources: [repository()] }), expect: /no lifecycle policy/ },
            {
                name: "policy of another repository",
                build: () => ({ resources: [repository(), res(T.lifecyclePolicy, "other", { repository: "other-repo", policy: JSON.stringify({ rules: [{ rulePriority: 1 }] }) })] }),
                expect: /no lifecycle policy/,
            },
        ],
    },
    {
        rule: "log-group-retention",
        pass: () => ({ resources: [res(T.logGroup, "logs", { retentionInDays: 30 })] }),
        fail: [
            { name: "forever", build: () => ({ resources: [res(T.logGroup, "logs", {})] }), expect: /keeps logs forever/ },
            { name: "zero", build: () => ({ resources: [res(T.logGroup, "logs", { retentionInDays: 0 })] }), expect: /keeps logs forever/ },
        ],
    },
    {
        rule: "ec2-imdsv2-required",
        pass: () => ({ resources: [launchTemplate(), res(T.launchConfiguration, "lc", { metadataOptions: { httpTokens: "required" } })] }),
        fail: [
            { name: "optional tokens", build: () => ({ resources: [launchTemplate({ metadataOptions: { httpTokens: "optional" } })] }), expect: /allows IMDSv1/ },
            { name: "no metadata options", build: () => ({ resources: [res(T.launchConfiguration, "lc", {})] }), expect: /allows IMDSv1/ },
        ],
    },
    {
        rule: "ec2-no-public-ip",
        pass: () => ({ resources: [launchTemplate(), res(T.launchConfiguration, "lc", { associatePublicIpAddress: false })] }),
        fail: [
            { name: "template", build: () => ({ resources: [launchTemplate({ networkInterfaces: [{ associatePublicIpAddress: "true" }] })] }), expect: /networkInterfaces\[0\] assigns a public IP/ },
            { name: "configuration", build: () => ({ resources: [res(T.launchConfiguration, "lc", { associatePublicIpAddress: true })] }), expect: /assigns public IPs/ },
        ],
    },
    {
        rule: "ecs-no-public-ip",
        pass: () => ({
            resources: [
                service(),
                res(T.schedule, "nightly", { target: { ecsParameters: { networkConfiguration: { assignPublicIp: false } } } }),
                res(T.stateMachine, "run", { definition: JSON.stringify({ States: { Run: { Parameters: { NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: "DISABLED" } } } } } }) }),
            ],
        }),
        fail: [
            { name: "service", build: () => ({ resources: [service({ networkConfiguration: { subnets: ["s"], assignPublicIp: true } })] }), expect: /assigns public IPs/ },
            {
                name: "schedule",
                build: () => ({ resources: [res(T.schedule, "nightly", { target: { ecsParameters: { networkConfiguration: { assignPublicIp: true } } } })] }),
                expect: /schedule nightly runs tasks with public IPs/,
            },
            {
                name: "state machine",
                build: () => ({
                    resources: [res(T.stateMachine, "run", { definition: JSON.stringify({ States: { Run: { Parameters: { NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: "ENABLED" } } } } } }) })],
                }),
                expect: /AssignPublicIp "ENABLED"/,
            },
        ],
    },
    {
        rule: "ecs-deployment-circuit-breaker",
        pass: () => ({ resources: [service(), service({ deploymentCircuitBreaker: undefined, deploymentController: { type: "CODE_DEPLOY" } })] }),
        fail: [
            { name: "missing", build: () => ({ resources: [service({ deploymentCircuitBreaker: undefined })] }), expect: /no deployment circuit breaker/ },
            { name: "no rollback", build: () => ({ resources: [service({ deploymentCircuitBreaker: { enable: true, rollback: false } })] }), expect: /with rollback/ },
        ],
    },
    {
        rule: "ecs-containers-not-privileged",
        pass: () => ({ resources: [taskDefinition()] }),
        fail: [{ name: "privileged", build: () => ({ resources: [taskDefinition(container({ privileged: true }))] }), expect: /container job runs privileged/ }],
    },
    {
        rule: "ecs-read-only-root-filesystem",
        pass: () => ({ resources: [taskDefinition()] }),
        fail: [{ name: "writable", build: () => ({ resources: [taskDefinition(container({ readonlyRootFilesystem: undefined }))] }), expect: /writable root filesystem/ }],
    },
    {
        rule: "ecs-no-secrets-in-environment",
        pass: () => ({ resources: [taskDefinition()] }),
        fail: [
            {
                name: "password in environment",
                build: () => ({ resources: [taskDefinition(container({ environment: [{ name: "DB_PASSWORD", value: "hunter2" }] }))] }),
                expect: /passes DB_PASSWORD as a plain environment variable/,
            },
            {
                name: "AWS key in environment",
                build: () => ({ resources: [taskDefinition(container({ environment: [{ name: "AWS_SECRET_ACCESS_KEY", value: "x" }] }))] }),
                expect: /AWS_SECRET_ACCESS_KEY/,
            },
        ],
    },
    {
        rule: "ecs-task-logging",
        pass: () => ({ resources: [taskDefinition()] }),
        fail: [{ name: "no log configuration", build: () => ({ resources: [taskDefinition(container({ logConfiguration: undefined }))] }), expect: /has no logConfiguration/ }],
    },
    {
        rule: "ecs-container-insights",
        pass: () => ({ resources: [res(T.cluster, "cluster", { settings: [{ name: "containerInsights", value: "enabled" }] })] }),
        fail: [
            { name: "no settings", build: () => ({ resources: [res(T.cluster, "cluster", {})] }), expect: /Container Insights off/ },
            { name: "disabled", build: () => ({ resources: [res(T.cluster, "cluster", { settings: [{ name: "containerInsights", value: "disabled" }] })] }), expect: /Container Insights off/ },
        ],
    },
    {
        rule: "sfn-logging",
        pass: () => ({ resources: [res(T.stateMachine, "run", { loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/sfn:*` } })] }),
        fail: [
            { name: "none", build: () => ({ resources: [res(T.stateMachine, "run", {})] }), expect: /does not log/ },
            { name: "OFF", build: () => ({ resources: [res(T.stateMachine, "run", { loggingConfiguration: { level: "OFF" } })] }), expect: /does not log/ },
        ],
    },
    {
        rule: "sqs-encryption",
        pass: () => ({ resources: [res(T.queue, "q", { sqsManagedSseEnabled: true }), res(T.queue, "k", { kmsMasterKeyId: "alias/aws/sqs" })] }),
        fail: [
            { name: "undeclared", build: () => ({ resources: [res(T.queue, "q", {})] }), expect: /does not declare encryption/ },
            { name: "disabled", build: () => ({ resources: [res(T.queue, "q", { sqsManagedSseEnabled: false })] }), expect: /does not declare encryption/ },
        ],
    },
    {
        rule: "sns-encryption",
        pass: () => ({ resources: [res(T.topic, "t", { kmsMasterKeyId: "alias/aws/sns" })] }),
        fail: [{ name: "plain", build: () => ({ resources: [res(T.topic, "t", {})] }), expect: /is not encrypted/ }],
    },
    {
        rule: "lambda-supported-runtime",
        pass: () => ({ resources: [res(T.lambdaFunction, "f", { runtime: "nodejs24.x" }), res(T.lambdaFunction, "img", { packageType: "Image" })] }),
        fail: [
            { name: "deprecated", build: () => ({ resources: [res(T.lambdaFunction, "f", { runtime: "nodejs18.x" })] }), expect: /runtime "nodejs18\.x", which is not in standard support/ },
            { name: "none", build: () => ({ resources: [res(T.lambdaFunction, "f", {})] }), expect: /not in standard support/ },
        ],
    },
    {
        rule: "lambda-not-public",
        pass: () => ({
            resources: [
                res(T.lambdaPermission, "p", { principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::b", function: "f" }),
                res(T.lambdaPermission, "q", { principal: "123456789012", function: "f" }),
            ],
        }),
        fail: [
            { name: "anyone", build: () => ({ resources: [res(T.lambdaPermission, "p", { principal: "*", function: "f" })] }), expect: /lets anyone invoke f/ },
            { name: "any bucket", build: () => ({ resources: [res(T.lambdaPermission, "p", { principal: "s3.amazonaws.com", function: "f" })] }), expect: /any s3\.amazonaws\.com resource, in any account/ },
        ],
    },
    {
        rule: "codebuild-source-no-credentials",
        pass: () => ({ resources: [project()] }),
        fail: [
            {
                name: "token in URL",
                build: () => ({ resources: [project({ source: { type: "GITHUB", location: "https://x-token:ghp_abc@github.com/acme/web.git" } })] }),
                expect: /credentials in its URL/,
            },
        ],
    },
    {
        rule: "codebuild-no-plaintext-credentials",
        pass: () => ({
            resources: [project({ environment: { environmentVariables: [{ name: "NPM_TOKEN", value: "/paved/npm", type: "PARAMETER_STORE" }, { name: "API_BASE", value: "/api" }] } })],
        }),
        fail: [
            {
                name: "plaintext token",
                build: () => ({ resources: [project({ environment: { environmentVariables: [{ name: "NPM_TOKEN", value: "abc" }] } })] }),
                expect: /NPM_TOKEN as a PLAINTEXT/,
            },
        ],
    },
    {
        rule: "codebuild-s3-logs-encrypted",
        pass: () => ({ resources: [project({ logsConfig: { s3Logs: { status: "ENABLED", location: "logs/build" } } })] }),
        fail: [
            {
                name: "encryption disabled",
                build: () => ({ resources: [project({ logsConfig: { s3Logs: { status: "ENABLED", location: "logs/build", encryptionDisabled: true } } })] }),
                expect: /unencrypted S3 logs/,
            },
        ],
    },
    {
        rule: "codebuild-logging",
        pass: () => ({ resources: [project()] }),
        fail: [
            { name: "implicit log group", build: () => ({ resources: [project({ logsConfig: undefined })] }), expect: /has no logging configuration/ },
            { name: "disabled", build: () => ({ resources: [project({ logsConfig: { cloudwatchLogs: { status: "DISABLED" } } })] }), expect: /has no logging configuration/ },
        ],
    },
    {
        rule: "codebuild-privileged-only-for-docker",
        pass: () => ({
            resources: [
                project(),
                project({
                    source: { type: "GITHUB", location: "https://github.com/acme/web.git", buildspec: "phases:\n  build:\n    commands:\n      - docker build -t $REPO:$TAG .\n" },
                    environment: { privilegedMode: true },
                }),
            ],
        }),
        fail: [
            { name: "privileged without docker build", build: () => ({ resources: [project({ environment: { privilegedMode: true } })] }), expect: /runs privileged/ },
            {
                name: "privileged with a buildspec file",
                build: () => ({ resources: [project({ source: { type: "GITHUB", location: "https://github.com/acme/web.git", buildspec: "buildspec.yml" }, environment: { privilegedMode: true } })] }),
                expect: /runs privileged/,
            },
        ],
    },
    {
        rule: "alb-drop-invalid-headers",
        pass: () => ({ resources: [res(T.loadBalancer[0], "alb", { dropInvalidHeaderFields: true }), res(T.loadBalancer[0], "nlb", { loadBalancerType: "network" })] }),
        fail: [{ name: "default", build: () => ({ resources: [res(T.loadBalancer[1], "alb", { loadBalancerType: "application" })] }), expect: /forwards invalid HTTP headers/ }],
    },
    {
        rule: "alb-http-redirects-to-https",
        pass: () => {
            const alb = res(T.loadBalancer[0], "alb", { arn: "arn:alb", loadBalancerType: "application" });
            const nlb = res(T.loadBalancer[0], "nlb", { arn: "arn:nlb", loadBalancerType: "network" });
            const https = res(T.listener[0], "https", { arn: "arn:https", loadBalancerArn: "arn:alb", protocol: "HTTPS", port: 443, defaultActions: [{ type: "fixed-response" }] });
            const http = res(T.listener[0], "http", { arn: "arn:http", loadBalancerArn: "arn:alb", protocol: "HTTP", port: 80, defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] });
            const tcp = res(T.listener[0], "tcp", { arn: "arn:tcp", loadBalancerArn: "arn:nlb", protocol: "TCP", port: 80, defaultActions: [{ type: "forward" }] });
            const rule_ = res(T.listenerRule[0], "svc", { listenerArn: "arn:https", actions: [{ type: "forward", targetGroupArn: "arn:tg" }] });
            return { resources: [alb, nlb, https, http, tcp, rule_] };
        },
        fail: [
            {
                name: "an HTTP listener that forwards",
                build: () => ({ resources: [res(T.loadBalancer[0], "alb", { arn: "arn:alb" }), res(T.listener[1], "http", { arn: "arn:http", loadBalancerArn: "arn:alb", protocol: "HTTP", defaultActions: [{ type: "fixed-response" }] })] }),
                expect: /listener http serves plain HTTP; make its default action a redirect to HTTPS/,
            },
            {
                name: "a redirect to HTTP",
                build: () => ({ resources: [res(T.listener[0], "http", { protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTP", host: "x" } }] })] }),
                expect: /serves plain HTTP/,
            },
            {
                name: "a rule forwarding on the HTTP listener",
                build: () => ({
                    resources: [
                        res(T.listener[0], "http", { arn: "arn:http", protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS" } }] }),
                        res(T.listenerRule[0], "svc", { listenerArn: "arn:http", actions: [{ type: "forward" }] }),
                    ],
                }),
                expect: /listener rule svc forwards plain HTTP on listener http; attach it to the HTTPS listener/,
            },
        ],
    },
    {
        rule: "cloudfront-origin-tls",
        pass: () => ({
            resources: [
                res(T.vpcOrigin, "services", { vpcOriginEndpointConfig: { originProtocolPolicy: "https-only", originSslProtocols: { items: ["TLSv1.2"], quantity: 1 } } }),
                distribution({}, {}),
                res(T.distribution, "api", { origins: [{ originId: "api", domainName: "api.example.com", customOriginConfig: { originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] } }] }),
            ],
        }),
        fail: [
            {
                name: "an HTTP VPC origin",
                build: () => ({ resources: [res(T.vpcOrigin, "services", { vpcOriginEndpointConfig: { originProtocolPolicy: "http-only", originSslProtocols: { items: ["TLSv1.2"], quantity: 1 } } })] }),
                expect: /VPC origin services uses originProtocolPolicy "http-only"; use "https-only"/,
            },
            {
                name: "match-viewer on a custom origin with TLSv1",
                build: () => ({ resources: [res(T.distribution, "api", { origins: [{ originId: "api", customOriginConfig: { originProtocolPolicy: "match-viewer", originSslProtocols: ["TLSv1", "TLSv1.2"] } }] })] }),
                expect: /origin api allows TLSv1 to the origin; allow TLSv1.2 only/,
            },
        ],
    },
    {
        rule: "iam-trust-source-account",
        pass: () => ({
            resources: [
                res(T.role, "sfn", {
                    assumeRolePolicy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnEquals: { "aws:SourceArn": "arn:aws:states:eu-west-1:123456789012:stateMachine:x" } } }],
                    }),
                }),
                res(T.role, "instance", { assumeRolePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] } }),
                res(T.role, "human", { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }] }) }),
            ],
        }),
        fail: [
            {
                name: "ECS tasks for any account",
                build: () => ({ resources: [res(T.role, "task", { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] }) })] }),
                expect: /role task trust statement 0 lets ecs-tasks.amazonaws.com assume it for any account; add Condition StringEquals aws:SourceAccount/,
            },
            {
                name: "a SourceAccount under the wrong operator",
                build: () => ({ resources: [res(T.role, "sched", { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: ["scheduler.amazonaws.com"] }, Action: "sts:AssumeRole", Condition: { StringLike: { "aws:SourceAccount": "*" } } }] }) })] }),
                expect: /lets scheduler.amazonaws.com assume it for any account/,
            },
        ],
    },
    {
        rule: "iam-exact-secrets",
        pass: () => ({
            resources: [
                roleWith([
                    { Effect: "Allow", Action: "ssm:GetParameters", Resource: [`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/prod/db/url`] },
                    { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/db-??????` },
                    { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
                ]),
            ],
        }),
        fail: [
            { name: "every parameter", build: () => ({ resources: [roleWith([{ Effect: "Allow", Action: "ssm:GetParameters", Resource: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/*` }])] }), expect: /reads secrets on arn:aws:ssm:eu-west-1:123456789012:parameter\/\*; name each parameter or secret/ },
            { name: "a wildcard action on every secret", build: () => ({ resources: [roleWith([{ Effect: "Allow", Action: "secretsmanager:Get*", Resource: "*" }])] }), expect: /reads secrets on \*/ },
            { name: "a ? inside a name", build: () => ({ resources: [roleWith([{ Effect: "Allow", Action: "ssm:GetParameter", Resource: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/prod/db?` }])] }), expect: /parameter\/prod\/db\?/ },
        ],
    },
    {
        rule: "iam-no-admin-wildcard",
        pass: () => ({
            resources: [
                roleWith([{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }, { Effect: "Deny", Action: "*", Resource: "*" }]),
                res(T.rolePolicyAttachment, "ecs", { role: "r", policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role" }),
            ],
        }),
        fail: [
            { name: "role policy", build: () => ({ resources: [roleWith([{ Effect: "Allow", Action: "*", Resource: "*" }])] }), expect: /allows "\*" on "\*"/ },
            {
                name: "inline policy of a role",
                build: () => ({ resources: [res(T.role, "r", { inlinePolicies: [{ name: "all", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }] }) }] })] }),
                expect: /inlinePolicies\[0\] \(all\)/,
            },
            {
                name: "managed policy as an object",
                build: () => ({ resources: [res(T.policy, "p", { policy: { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } } })] }),
                expect: /allows "\*" on "\*"/,
            },
            {
                name: "a queue's resource policy",
                build: () => ({ resources: [res(T.queue, "q", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] }) })] }),
                expect: /q policy/,
            },
            {
                name: "AdministratorAccess",
                build: () => ({ resources: [res(T.rolePolicyAttachment, "admin", { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })] }),
                expect: /attaches AdministratorAccess/,
            },
        ],
    },
    {
        rule: "iam-no-service-wildcard",
        pass: () => ({ resources: [roleWith([{ Effect: "Allow", Action: ["s3:Get*", "ecr:BatchGetImage"], Resource: "*" }])] }),
        fail: [{ name: "s3:*", build: () => ({ resources: [roleWith([{ Sid: "All", Effect: "Allow", Action: ["s3:*"], Resource: "arn:aws:s3:::b" }])] }), expect: /statement All allows s3:\*/ }],
    },
    {
        rule: "notifications-topic",
        pass: () => {
            const topic = res(T.topic, "operations-topic", { id: TOPIC_ARN, arn: TOPIC_ARN, kmsMasterKeyId: "k", tags: { "paved:purpose": "notifications", "paved:subscriptions-required": "true" } });
            return { resources: [envSite(), topic, res(T.topicSubscription, "oncall", { topic: TOPIC_ARN, protocol: "email", endpoint: "oncall@example.com" })] };
        },
        fail: [
            { name: "an environment's site without a notifications topic", build: () => ({ resources: [envSite(), res(T.topic, "other", { arn: TOPIC_ARN, tags: {} })] }), expect: /has no notifications topic/ },
            {
                name: "prod's topic without a subscriber",
                build: () => ({
                    resources: [
                        envSite(),
                        res(T.topic, "operations-topic", { arn: TOPIC_ARN, tags: { "paved:purpose": "notifications", "paved:subscriptions-required": "true" } }),
                        // Subscribed to another topic: does not count.
                        res(T.topicSubscription, "elsewhere", { topic: `${TOPIC_ARN}-other`, protocol: "email", endpoint: "x@example.com" }),
                    ],
                }),
                expect: /has no subscriber, and this environment requires one/,
            },
        ],
    },
    {
        rule: "required-tags",
        pass: () => ({
            resources: [
                res(T.logGroup, "from-default-tags", { retentionInDays: 30 }),
                res(T.queue, "own-tags", { tags: { "paved:team": "data" } }),
                res(T.autoscalingGroup, "nodes", { tags: REQUIRED_TAG_KEYS.map((key) => ({ key, value: TAGS[key], propagateAtLaunch: true })) }),
                // Not taggable: not checked.
                res(T.rolePolicy, "p", { policy: "{}" }),
            ],
        }),
        fail: [
            { name: "no default tags", build: () => ({ resources: [res(T.logGroup, "lg", {})], defaultTags: {} }), expect: /lacks tags paved:environment, paved:team, paved:cost-center/ },
            { name: "one missing", build: () => ({ resources: [res(T.queue, "q", { tags: { "paved:team": "" } })], defaultTags: { ...TAGS, "paved:team": "" } }), expect: /lacks tags paved:team;/ },
            {
                name: "group tags not propagated",
                build: () => ({ resources: [res(T.autoscalingGroup, "nodes", { tags: REQUIRED_TAG_KEYS.map((key) => ({ key, value: TAGS[key], propagateAtLaunch: false })) })] }),
                expect: /does not propagate/,
            },
        ],
    },
];

describe("policy rules", () => {
    for (const c of cases) {
        describe(c.rule, () => {
            it("passes a compliant stack", () => {
                const { resources, defaultTags } = c.pass();
                // A compliant stack the rule never looks at would pass whatever the rule does.
                assert.ok(inScope(c.rule, resources).length > 0, `no resource of the compliant stack is in scope of ${c.rule}`);
                assert.deepStrictEqual(check(c.rule, resources, defaultTags), []);
            });
            for (const f of c.fail) {
                it(`fails: ${f.name}`, () => {
                    const { resources, defaultTags } = f.build();
                    const violations = check(c.rule, resources, defaultTags);
                    assert.ok(violations.length > 0, "expected a violation");
                    assert.ok(violations.some((v) => f.expect.test(v)), `expected ${f.expect}, got:\n${violations.join("\n")}`);
                });
            }
        });
    }

    it("has a passing and a failing case for every rule", () => {
        const tested = new Set(cases.filter((c) => c.fail.length > 0).map((c) => c.rule));
        assert.deepStrictEqual(
            rules.map((r) => r.name).filter((n) => !tested.has(n)),
            [],
        );
    });

    it("names are unique and every rule names a control", () => {
        assert.strictEqual(new Set(rules.map((r) => r.name)).size, rules.length);
        for (const r of rules) assert.match(r.control, /^([A-Za-z0-9]+\.\d+|Paved rule)/, r.name);
    });

    it("counts a Slack channel as a subscriber, and leaves topics that need none and bare sites alone", () => {
        assert.deepStrictEqual(check("notifications-topic", [distribution()]), [], "a team's own SiteHost is not an environment");
        const topic = res(T.topic, "operations-topic", { arn: TOPIC_ARN, tags: { "paved:purpose": "notifications", "paved:subscriptions-required": "true" } });
        assert.deepStrictEqual(check("notifications-topic", [distribution(), topic, res(T.slackChannel, "slack", { snsTopicArns: [TOPIC_ARN] })]), []);
        const dev = res(T.topic, "operations-topic", { arn: TOPIC_ARN, tags: { "paved:purpose": "notifications", "paved:subscriptions-required": "false" } });
        assert.deepStrictEqual(check("notifications-topic", [distribution(), dev]), []);
    });

    it("matches a bucket's policy by dependency when the bucket's name is not known yet (preview)", () => {
        const b = res(T.bucket[0], "assets", {});
        const pol = res(T.bucketPolicy, "assets-policy", { policy: JSON.stringify({ Statement: [{ ...tlsStatement("*"), Resource: "*" }] }) }, [b.urn]);
        assert.deepStrictEqual(check("s3-tls-only", [b, pol]), []);
        assert.notDeepStrictEqual(check("s3-tls-only", [b, { ...pol, dependencies: [] }]), []);
    });
});

describe("secret-like names", () => {
    it("flags names that carry secrets", () => {
        for (const n of ["DB_PASSWORD", "password", "API_KEY", "STRIPE_SECRET_KEY", "GITHUB_TOKEN", "CLIENT_SECRET", "AWS_ACCESS_KEY_ID", "ECS_ENGINE_AUTH_DATA", "PRIVATE_KEY_PEM"]) {
            assert.ok(secretLikeName(n), n);
        }
    });
    it("leaves ordinary names alone", () => {
        for (const n of ["API_BASE", "CACHE_KEY_PREFIX", "RELEASE_KEY", "KEYBOARD", "NODE_ENV", "TOKENIZER_MODEL", "KEY", "MONKEY"]) assert.ok(!secretLikeName(n), n);
    });
    it("recognizes a Docker build buildspec", () => {
        assert.ok(DOCKER_BUILD_MARKER.test("docker buildx build --push ."));
        assert.ok(!DOCKER_BUILD_MARKER.test("npm run build && docker push x"));
    });
});
