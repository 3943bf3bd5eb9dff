import { z } from "zod";
import { WATCH_AT_ROOT, watchGlobViolation } from "../path-filter";
import { NO_WEBHOOKS, WEBHOOK_SOURCE_TYPES, codeBuildSourceType, isCodeBuildSourceType, releaseIdViolation, repositoryViolation } from "../validation";
import {
    acmCertificateArn,
    appPath,
    cidrBlock,
    dnsName,
    fileExtension,
    imageTag,
    plainEnvironment,
    repositoryDirectory,
    resourceName,
    rule,
    scheduleExpression,
    secretsMap,
    subPath,
    tagValue,
    timeZone,
} from "../args/fields";
import {
    DEFAULT_ALERT_THRESHOLDS,
    emailViolation,
    httpsEndpointViolation,
    slackChannelViolation,
    slackWorkspaceViolation,
    thresholdViolation,
} from "../operations/alerts";

/**
 * The schema of a stack's `paved:` config keys. One zod schema per key, so every error names the
 * key it came from. Defaults live here; cross-field rules (duplicates, overlaps, sizes that depend
 * on capacity) live in `load.ts`.
 */

export const ENVIRONMENT_KINDS = ["dev", "staging", "prod", "ephemeral"] as const;
export type EnvironmentKind = (typeof ENVIRONMENT_KINDS)[number];

export const COMPUTE_SIZES = ["small", "medium", "large", "xlarge", "2xlarge"] as const;
export type ComputeSize = (typeof COMPUTE_SIZES)[number];

export const CAPACITIES = ["ec2", "fargate", "fargateSpot"] as const;
export type Capacity = (typeof CAPACITIES)[number];

export const existingNetworkSchema = z.strictObject({
    vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id such as "vpc-0abc12345def67890"'),
    privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id such as "subnet-0abc1234"')).min(2, "needs at least 2 subnets in different availability zones"),
    publicSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id such as "subnet-0abc1234"')).min(2, "needs at least 2 subnets in different availability zones"),
});

export const networkSchema = z.strictObject({
    /** CIDR of the VPC Paved creates. */
    cidrBlock: cidrBlock.optional(),
    /** Availability zones of the VPC Paved creates. */
    availabilityZones: z.number().int().min(2, "needs at least 2 availability zones").max(6).optional(),
    /** NAT gateways: one for the VPC (cheap, dev) or one per availability zone (prod). */
    natGateways: z.enum(["single", "onePerAz"]).optional(),
    /** Use an existing VPC instead of creating one. */
    existing: existingNetworkSchema.optional(),
});

export const siteSchema = z.strictObject({
    /** Custom domain, e.g. "www.example.com". Needs `certificateArn`. */
    domain: dnsName("www.example.com").optional(),
    /** ACM certificate for `domain`; CloudFront requires it in us-east-1. */
    certificateArn: acmCertificateArn("us-east-1").optional(),
    /** Write CloudFront standard access logs to a log bucket. */
    accessLogs: z.boolean().default(false),
    /** CloudFront price class. */
    priceClass: z.enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"]).default("PriceClass_100"),
});

export const appSourceSchema = z.strictObject({
    /** HTTPS clone URL of the repository, on a host CodeBuild clones from. */
    repository: z.string().superRefine(rule(repositoryViolation)),
    branch: z.string().min(1).default("main"),
    /** Sub-directory of a monorepo that holds the app; "." for the repository root. */
    directory: repositoryDirectory("apps/catalog").default("."),
    /**
     * Other paths (globs from the repository root) whose changes concern the app, e.g. shared
     * packages and the root lockfile: the webhook's FILE_PATH filter and `build --affected` read them.
     */
    watch: z.array(z.string().superRefine(rule(watchGlobViolation))).default([]),
}).superRefine((source, ctx) => {
    // Refinements may run on an entry with other problems: read the fields defensively.
    if (Array.isArray(source.watch) && source.watch.length > 0 && source.directory === ".") ctx.addIssue({ code: "custom", path: ["watch"], message: WATCH_AT_ROOT });
});

export const appBuildSchema = z.strictObject({
    command: z.string().min(1).default("npm run build"),
    /** Directory (relative to the app's directory) the build writes its assets to. */
    outputDirectory: subPath("dist").default("dist"),
    nodeVersion: z.enum(["18", "20", "22"]).default("20"),
    environment: plainEnvironment("build").default({}),
    computeSize: z.enum(COMPUTE_SIZES).default("small"),
    /** CodeBuild allows 5 to 2160 minutes. */
    timeoutMinutes: z.number().int().min(5, "CodeBuild timeouts are 5-2160 minutes").max(2160, "CodeBuild timeouts are 5-2160 minutes").default(20),
});

export const appServiceSchema = z.strictObject({
    desiredCount: z.number().int().min(1).max(100).default(2),
    maxCount: z.number().int().min(1).max(100).default(4),
    cpu: z.number().int().default(256),
    memory: z.number().int().default(512),
    healthCheckPath: z.string().regex(/^\/[^\s]*$/, 'must start with "/"').default("/"),
    /**
     * Image tag the service starts from. After that `paved deploy-service` owns rollouts (like the
     * release pointer of assets), so `pulumi up` never rolls a service back to this tag.
     */
    initialImageTag: imageTag.default("bootstrap"),
    /**
     * Where the site routes requests to the service: the app's path (the default) or a path under
     * it, e.g. "/checkout/api". Everything else of the app stays on S3. The root app's service
     * needs a sub-path no other app uses.
     */
    path: appPath.optional(),
});

export const appContainerSchema = z.strictObject({
    /** Dockerfile path, relative to the app's directory. */
    dockerfile: subPath("Dockerfile").default("Dockerfile"),
    port: z.number().int().min(1).max(65535).default(8080),
    /** Run the image as an ECS service behind the environment's load balancer. */
    service: appServiceSchema.optional(),
});

export const appSchema = z.strictObject({
    name: resourceName,
    path: appPath,
    team: resourceName.optional(),
    costCenter: tagValue.optional(),
    source: appSourceSchema,
    build: appBuildSchema.default(() => appBuildSchema.parse({})),
    container: appContainerSchema.optional(),
    /** Extensions whose unversioned URLs are files, not deep links (replaces Paved's default list). */
    fileExtensions: z.array(fileExtension).optional(),
    /** Start a build on every push to the branch that changes the app's directory or what it watches. */
    webhook: z.boolean().default(false),
}).superRefine((app, ctx) => {
    const repository = app.source?.repository;
    if (typeof repository !== "string") return;
    const type = codeBuildSourceType(repository);
    if (app.webhook && isCodeBuildSourceType(type) && !WEBHOOK_SOURCE_TYPES.includes(type)) ctx.addIssue({ code: "custom", path: ["webhook"], message: NO_WEBHOOKS });
});

export const scheduleSchema = z.strictObject({
    expression: scheduleExpression,
    timezone: timeZone.default("UTC"),
    /** Attempts after the first failure, with exponential backoff. */
    retries: z.number().int().min(0).max(10).default(2),
});

export const queueSchema = z.strictObject({
    maxWorkers: z.number().int().min(1).max(1000).default(10),
    /** Backlog per worker the scaling policy aims for. */
    messagesPerWorker: z.number().int().min(1).max(100000).default(100),
    visibilityTimeoutSeconds: z.number().int().min(0).max(43200, "SQS visibility timeout is at most 43200 s (12 h)").default(300),
    /** Receives before a message moves to the dead-letter queue. */
    maxReceiveCount: z.number().int().min(1).max(1000).default(5),
});

export const jobSchema = z.strictObject({
    name: resourceName,
    team: resourceName.optional(),
    costCenter: tagValue.optional(),
    /** Container image, e.g. an ECR image URI with a tag. */
    image: z.string().regex(/^[a-z0-9][a-z0-9._\-/:@]*$/i, 'must be an image reference such as "123456789012.dkr.ecr.eu-west-1.amazonaws.com/reports:1.4.2"'),
    command: z.array(z.string()).optional(),
    environment: plainEnvironment("job").default({}),
    secrets: secretsMap.default({}),
    /** CPU units (1024 = 1 vCPU): a hard limit. */
    cpu: z.number().int().positive().default(512),
    /** Memory in MiB: a hard limit; the container is killed past it. */
    memory: z.number().int().positive().default(1024),
    capacity: z.enum(CAPACITIES).default("ec2"),
    timeoutMinutes: z.number().int().min(1).max(10080).default(60),
    /** Run on a schedule (EventBridge Scheduler). Without `schedule` or `queue` a job runs on demand. */
    schedule: scheduleSchema.optional(),
    /** Workers that drain an SQS queue. */
    queue: queueSchema.optional(),
});

/** Per-environment changes to catalog entries, by name. */
export const overridesSchema = z.strictObject({
    apps: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    jobs: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    /** Catalog entries this environment leaves out. */
    exclude: z.array(z.string()).default([]),
});

export const clusterSchema = z.strictObject({
    instanceTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an EC2 instance type such as "m6i.large"')).min(1).default(["m6i.large", "m6a.large", "m5.large"]),
    minSize: z.number().int().min(0).default(0),
    maxSize: z.number().int().min(1).max(1000).default(10),
    /** Instances that are always on-demand. */
    onDemandBaseCapacity: z.number().int().min(0).default(0),
    /** Percentage of capacity above the base that runs on Spot. */
    spotPercentage: z.number().int().min(0).max(100).default(50),
    /** ECS managed scaling target: how full the group runs before it grows. */
    targetCapacity: z.number().int().min(1).max(100).default(90),
});

export const buildImageSchema = z.strictObject({
    /** Repository whose lockfile pre-warms the build image's dependency cache. */
    repository: z.string().regex(/^https:\/\/[^\s]+$/, 'must be an https clone URL, e.g. "https://github.com/acme/web.git"'),
    branch: z.string().min(1).default("main"),
    /** Directory of the lockfile in that repository. */
    lockfileDirectory: repositoryDirectory("apps").default("."),
    /** When the image is rebuilt (EventBridge Scheduler expression). */
    schedule: scheduleExpression.default("cron(0 3 ? * MON *)"),
});

export const tagsSchema = z.strictObject({
    team: resourceName.default("platform"),
    costCenter: tagValue.default("platform"),
});

export const ephemeralSchema = z.strictObject({
    /** Stack the QA copy borrows its network and cluster from, e.g. "acme/paved/staging". */
    baseStack: z.string().regex(/^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/, 'must be a stack name such as "staging" or "acme/paved/staging"'),
    /** The production release this copy is for. */
    release: z.string().superRefine(rule((id: string) => (releaseIdViolation(id) ? `${releaseIdViolation(id)}, e.g. "2026.11.3"` : undefined))),
    /** When gc may destroy it (ISO 8601, UTC). */
    expiresAt: z.iso.datetime({ message: 'must be an ISO 8601 UTC time such as "2026-12-01T00:00:00Z"' }),
});

/**
 * How the site reaches the apps' container services: CloudFront's VPC origin connects to the
 * internal load balancer over HTTPS, checking its certificate against `originDomain`.
 */
export const servicesSchema = z.strictObject({
    /**
     * ACM certificate of the services' load balancer, in the stack's region (aws:region), covering
     * `originDomain`. It must be publicly trusted (an ACM public certificate): CloudFront refuses others.
     */
    certificateArn: acmCertificateArn().optional(),
    /**
     * The name CloudFront connects to the load balancer as (TLS SNI, certificate check, Host
     * header), e.g. "services.shop.example.com". The VPC origin reaches the load balancer by its
     * ARN, so the name needs no DNS record; the certificate must cover it.
     */
    originDomain: dnsName("services.shop.example.com").optional(),
    /**
     * Opt-out, insecure: CloudFront talks plain HTTP to the load balancer (inside the VPC) and
     * no certificate is needed. Fails the policy pack's ELB.1 and CloudFront.9 checks.
     */
    insecureHttpOrigin: z.boolean().default(false),
});

/** A list whose entries must be unique: a subscriber listed twice would get every alert twice. */
function uniqueList<T extends z.ZodType<string>>(item: T) {
    return z.array(item).superRefine((list, ctx) => {
        list.forEach((x, i) => {
            if (list.indexOf(x) !== i) ctx.addIssue({ code: "custom", path: [i], message: "is listed twice; list each subscriber once" });
        });
    });
}

const threshold = (key: keyof typeof DEFAULT_ALERT_THRESHOLDS) => z.number().superRefine(rule((v: number) => thresholdViolation(key, v))).default(DEFAULT_ALERT_THRESHOLDS[key]);

export const alertsSchema = z.strictObject({
    /** Email addresses notified of failures (each confirms its subscription once). */
    email: uniqueList(z.string().superRefine(rule(emailViolation))).default([]),
    /** HTTPS endpoints notified of failures (raw notification JSON). */
    https: uniqueList(z.string().superRefine(rule(httpsEndpointViolation))).default([]),
    /** A Slack channel through AWS Chatbot: the workspace is authorized once in the Chatbot console. */
    slack: z
        .strictObject({ workspaceId: z.string().superRefine(rule(slackWorkspaceViolation)), channelId: z.string().superRefine(rule(slackChannelViolation)) })
        .optional(),
    thresholds: z
        .strictObject({
            cloudFront5xxPercent: threshold("cloudFront5xxPercent"),
            loadBalancerTarget5xxPerFiveMinutes: threshold("loadBalancerTarget5xxPerFiveMinutes"),
            serviceShortfallMinutes: threshold("serviceShortfallMinutes"),
        })
        .default(() => ({ ...DEFAULT_ALERT_THRESHOLDS })),
});

/** Every `paved:` key a stack config may set, and its schema. */
export const configKeys = {
    kind: z.enum(ENVIRONMENT_KINDS),
    network: networkSchema.default({}),
    site: siteSchema.default(() => siteSchema.parse({})),
    catalog: z.string().regex(/^[A-Za-z0-9._/-]+\.ya?ml$/, 'must be a path to a YAML file relative to the project, e.g. "catalog.yaml"').optional(),
    apps: z.array(appSchema).default([]),
    jobs: z.array(jobSchema).default([]),
    overrides: overridesSchema.default(() => overridesSchema.parse({})),
    cluster: clusterSchema.default(() => clusterSchema.parse({})),
    /** The build image's source; defaults to the repository most apps build from. */
    buildImage: buildImageSchema.optional(),
    tags: tagsSchema.default(() => tagsSchema.parse({})),
    ephemeral: ephemeralSchema.optional(),
    services: servicesSchema.default(() => servicesSchema.parse({})),
    /** Who is notified of failures, and alarm thresholds (prod needs a subscriber). */
    alerts: alertsSchema.default(() => alertsSchema.parse({})),
};

export type AppConfig = z.output<typeof appSchema>;
export type AppSourceConfig = z.output<typeof appSourceSchema>;
export type AppBuildConfig = z.output<typeof appBuildSchema>;
export type AppContainerConfig = z.output<typeof appContainerSchema>;
export type AppServiceConfig = z.output<typeof appServiceSchema>;
export type JobConfig = z.output<typeof jobSchema>;
export type ScheduleConfig = z.output<typeof scheduleSchema>;
export type QueueConfig = z.output<typeof queueSchema>;
export type NetworkInput = z.output<typeof networkSchema>;
export type ExistingNetworkConfig = z.output<typeof existingNetworkSchema>;
export type SiteConfig = z.output<typeof siteSchema>;
export type ClusterConfig = z.output<typeof clusterSchema>;
export type BuildImageConfig = z.output<typeof buildImageSchema>;
export type TagsConfig = z.output<typeof tagsSchema>;
export type EphemeralConfig = z.output<typeof ephemeralSchema>;
export type ServicesConfig = z.output<typeof servicesSchema>;
export type AlertsConfig = z.output<typeof alertsSchema>;
