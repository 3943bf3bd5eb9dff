import { z } from "zod";
import { acmCertificateArn, appPath, imageTag, resourceName, rule, tagValue } from "../args/fields";
import { checkBatchCluster, batchClusterFields } from "../batch/batch-cluster";
import { batchJobFields, checkBatchJob } from "../batch/batch-job";
import { checkContainerService, containerServiceFields } from "../batch/container-service";
import { serviceLoadBalancerArgs, serviceLoadBalancerCloudFront } from "../batch/service-load-balancer";
import { buildImageArgs, buildImageSource } from "../frontend/build-image";
import { checkFrontendApp, frontendAppBuild, frontendAppContainer, frontendAppFields } from "../frontend/frontend-app";
import { siteDomainArgs, siteHostArgs } from "../frontend/site-host";
import { checkNetwork, existingNetworkArgs, networkFields } from "../network/network";
import { operationsAlertsArgs } from "../operations/operations";
import { releaseIdViolation } from "../validation";

/**
 * The schema of a stack's `paved:` config keys, COMPOSED from the components' own args schemas:
 * every default, limit and pattern of a field is written once, in the component that uses it.
 * One zod schema per key, so every error names the key it came from. Cross-entry rules
 * (duplicates, overlaps, sizes that depend on the cluster) live in `cross-checks.ts`.
 */

export { CAPACITIES } from "../batch/common";
export type { Capacity } from "../batch/common";
export { COMPUTE_SIZES } from "../frontend/frontend-app";
export type { AppComputeSize as ComputeSize } from "../frontend/frontend-app";

export const ENVIRONMENT_KINDS = ["dev", "staging", "prod", "ephemeral"] as const;
export type EnvironmentKind = (typeof ENVIRONMENT_KINDS)[number];

/** `paved:network`: a VPC to create (sized) or an existing one (`Network`'s args). */
export const existingNetworkSchema = existingNetworkArgs;
export const networkSchema = networkFields.strict().superRefine(checkNetwork);

/** `paved:site`: the site's custom domain and CloudFront settings (`SiteHost`'s args). */
export const siteSchema = z.strictObject({
    /** Custom domain, e.g. "www.example.com". Needs `certificateArn`. */
    domain: siteDomainArgs.shape.names.element.optional(),
    /** ACM certificate for `domain`; CloudFront requires it in us-east-1. */
    certificateArn: acmCertificateArn("us-east-1").optional(),
    /** Write CloudFront standard access logs to a log bucket. */
    accessLogs: siteHostArgs.shape.accessLogs,
    /** CloudFront price class. */
    priceClass: siteHostArgs.shape.priceClass,
});

/** An app's source (`FrontendApp`'s `source`). */
export const appSourceSchema = frontendAppFields.shape.source;

/** An app's build (`FrontendApp`'s `build`, less what an environment sets). */
export const appBuildSchema = frontendAppBuild.omit({ installCommand: true, immutablePatterns: true }).strict();

/** The capacity an environment runs services on: `ContainerService`'s default. */
export const SERVICE_CAPACITY = containerServiceFields.shape.capacity.parse(undefined);

/** An app's container service (`ContainerService`'s sizes and counts, plus where the site routes it). */
export const appServiceSchema = containerServiceFields
    .pick({ desiredCount: true, maxCount: true, cpu: true, memory: true, healthCheckPath: true })
    .extend({
        /**
         * Image tag the service starts from. After that `paved deploy-service` owns rollouts (like the
         * release pointer of assets), so `pulumi up` never rolls a service back to this tag.
         * @default "bootstrap"
         */
        initialImageTag: imageTag.default("bootstrap"),
        /**
         * Where the site routes requests to the service: the app's path (the default) or a path under
         * it, e.g. "/checkout/api". Everything else of the app stays on S3. The root app's service
         * needs a sub-path no other app uses.
         */
        path: appPath.optional(),
    })
    .strict()
    .superRefine((s, ctx) => checkContainerService({ ...s, capacity: SERVICE_CAPACITY }, ctx));

/** An app's container (`FrontendApp`'s `container`), optionally run as a service. */
export const appContainerSchema = frontendAppContainer
    .extend({
        /** Run the image as an ECS service behind the environment's load balancer. */
        service: appServiceSchema.optional(),
    })
    .strict();

/** Who owns a catalog entry: its cost allocation tags. */
const ownerFields = {
    /** The owning team (the `paved:team` tag); the environment's by default. */
    team: resourceName.optional(),
    /** The cost center (the `paved:cost-center` tag); the environment's by default. */
    costCenter: tagValue.optional(),
};

/** One app of `paved:apps` (or the catalog): `FrontendApp`'s args an environment does not set. */
export const appSchema = frontendAppFields
    .pick({ name: true, path: true, fileExtensions: true, source: true, webhook: true })
    .extend({
        ...ownerFields,
        build: appBuildSchema.default(() => appBuildSchema.parse({})),
        container: appContainerSchema.optional(),
    })
    .strict()
    .superRefine(checkFrontendApp);

export const scheduleSchema = batchJobFields.shape.schedule.unwrap();
export const queueSchema = batchJobFields.shape.queue.unwrap();

/** One job of `paved:jobs` (or the catalog): `BatchJob`'s args an environment does not set. */
export const jobSchema = batchJobFields
    .pick({ command: true, environment: true, secrets: true, cpu: true, memory: true, capacity: true, timeoutMinutes: true, schedule: true, queue: true })
    .extend({
        name: resourceName,
        ...ownerFields,
        /** Container image, e.g. an ECR image URI with a tag. */
        image: z.string().regex(/^[a-z0-9][a-z0-9._\-/:@]*$/i, 'must be an image reference such as "123456789012.dkr.ecr.eu-west-1.amazonaws.com/reports:1.4.2"'),
    })
    .strict()
    .superRefine((j, ctx) => checkBatchJob(j, ctx));

/** Per-environment changes to catalog entries, by name. */
export const overridesSchema = z.strictObject({
    /**
     * Changes to catalog apps, by name, merged into the entry (objects merge, lists replace).
     * @default {}
     */
    apps: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    /**
     * Changes to catalog jobs, by name, merged into the entry (objects merge, lists replace).
     * @default {}
     */
    jobs: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    /**
     * Catalog entries this environment leaves out.
     * @default []
     */
    exclude: z.array(z.string()).default([]),
});

/** `paved:cluster`: the batch cluster's sizing (`BatchCluster`'s args). */
export const clusterSchema = batchClusterFields
    .pick({ instanceTypes: true, minSize: true, maxSize: true, onDemandBaseCapacity: true, spotPercentage: true, targetCapacity: true })
    .strict()
    .superRefine(checkBatchCluster);

/** `paved:buildImage`: where the build image's lockfile is, and when it is rebuilt (`BuildImage`'s args). */
export const buildImageSchema = buildImageSource.extend({ schedule: buildImageArgs.shape.schedule }).strict();

/** `paved:tags`: the environment's own owner tags. */
export const tagsSchema = z.strictObject({
    /**
     * The team that owns the environment (the `paved:team` tag); apps and jobs may name their own.
     * @default "platform"
     */
    team: resourceName.default("platform"),
    /**
     * The cost center of the environment (the `paved:cost-center` tag); apps and jobs may name their own.
     * @default "platform"
     */
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
 * internal load balancer over HTTPS, checking its certificate against `originDomain`
 * (`ServiceLoadBalancer`'s args).
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
    originDomain: serviceLoadBalancerCloudFront.shape.originDomainName,
    /**
     * Opt-out, insecure: CloudFront talks plain HTTP to the load balancer (inside the VPC) and
     * no certificate is needed. Fails the policy pack's ELB.1 and CloudFront.9 checks.
     */
    insecureHttpOrigin: serviceLoadBalancerArgs.shape.insecureHttp,
});

/** `paved:alerts`: who is notified of failures, and alarm thresholds (`Operations`'s args). */
export const alertsSchema = operationsAlertsArgs;

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
