import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
    Transforms,
    appPath,
    applyTransform,
    codeBuildRepository,
    fileExtension,
    gitBranch,
    parseArgs,
    plainEnvironment,
    repositoryDirectory,
    resourceName,
    rule,
    subPath,
    wholeNumber,
} from "../args";
import { awsLocation } from "../aws-location";
import { defaultNamePrefix, physicalName } from "../naming";
import { WATCH_AT_ROOT, appChangePattern, watchGlobViolation } from "../path-filter";
import { DEFAULT_FILE_EXTENSIONS, KVS_VALUE_LIMIT_BYTES, releaseContract } from "../release-contract";
import { resourceNames } from "../resource-names";
import { CodeBuildSourceType, NO_WEBHOOKS, WEBHOOK_SOURCE_TYPES, codeBuildSourceType, isCodeBuildSourceType } from "../validation";
import { appBuildspec, DEFAULT_IMMUTABLE_PATTERNS, NODE_VERSIONS, reservedBuildVariable } from "./buildspec";
import { appBuildPolicy, releaseWriterPolicy, serviceTrustPolicy } from "./policies";
import { RELEASE_WRITER_RUNTIME, releaseWriterCode } from "./release-writer/bundle";
import { WRITER_ENVIRONMENT } from "./release-writer/environment";
import { checkRepositoryOwner, hardenedRepository, repositoryOwnerFields } from "./repository";
import { SiteHost, routeKeyResourceName } from "./site-host";

/** App build sizes and the CodeBuild compute types they map to. */
export const COMPUTE_TYPES = {
    small: "BUILD_GENERAL1_SMALL",
    medium: "BUILD_GENERAL1_MEDIUM",
    large: "BUILD_GENERAL1_LARGE",
    xlarge: "BUILD_GENERAL1_XLARGE",
    "2xlarge": "BUILD_GENERAL1_2XLARGE",
} as const;
export type AppComputeSize = keyof typeof COMPUTE_TYPES;
/** The build sizes an app may pick. */
export const COMPUTE_SIZES = Object.keys(COMPUTE_TYPES) as [AppComputeSize, ...AppComputeSize[]];

/** Where the app's assets are served from: a `SiteHost`, or its outputs from a StackReference. */
export interface FrontendSite {
    bucketName: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    keyValueStoreArn: pulumi.Input<string>;
    /** The site's base URL, e.g. "https://www.example.com". */
    url: pulumi.Input<string>;
    /** The bucket's KMS key, when it has one. */
    kmsKeyArn?: pulumi.Input<string | undefined>;
}

/** The build image app projects run in (see `BuildImage`). */
export interface BuildImageReference {
    /** Repository URL without a tag. */
    repositoryUrl: pulumi.Input<string>;
    repositoryArn: pulumi.Input<string>;
    /** The image tag; "latest" when absent. */
    tag?: pulumi.Input<string>;
}

/** Where the app's source is: a repository, a branch and a directory in it. */
export const frontendAppSource = z
    .strictObject({
        /** HTTPS clone URL on GitHub, Bitbucket, GitLab or CodeCommit, e.g. "https://github.com/acme/web.git". */
        repository: codeBuildRepository,
        /**
         * Branch builds start from.
         * @default "main"
         */
        branch: gitBranch.default("main"),
        /**
         * Directory of the app in a monorepo ("." for the repository root).
         * @default "."
         */
        directory: repositoryDirectory("apps/catalog").default("."),
        /**
         * Other paths whose changes concern the app, as globs relative to the repository root
         * (`*`, a whole-segment `**`, `{a,b}`), e.g. `["packages/ui/**", "package-lock.json"]`.
         * With `directory`, they become the webhook's `FILE_PATH` filter and what
         * `paved build --affected` reads: a push that touches none of them starts no build. Not
         * allowed with directory "." (every change concerns such an app).
         * @default []
         */
        watch: z.array(z.string().superRefine(rule(watchGlobViolation))).default([]),
    })
    .superRefine((source, ctx) => {
        if (source.watch.length > 0 && source.directory === ".") ctx.addIssue({ code: "custom", path: ["watch"], message: WATCH_AT_ROOT });
    });
export type FrontendAppSource = z.input<typeof frontendAppSource>;

/** How the app is built. */
export const frontendAppBuild = z.strictObject({
    /**
     * Build command, run in the app's directory.
     * @default "npm run build"
     */
    command: z.string().refine((c) => c.trim().length > 0, 'must be a command such as "npm run build"').default("npm run build"),
    /** Install command, run in the app's directory; Paved's `npm ci` with the warmed cache when absent. */
    installCommand: z.string().min(1).optional(),
    /**
     * Directory the build writes its assets to, relative to the app's directory.
     * @default "dist"
     */
    outputDirectory: subPath("dist").default("dist"),
    /**
     * Node.js major the build runs on (one of the build image's).
     * @default "20"
     */
    nodeVersion: z.enum(NODE_VERSIONS).default("20"),
    /**
     * Plain-text environment variables of the build (no secrets: they end up in the bundle).
     * @default {}
     */
    environment: plainEnvironment("build")
        .superRefine((env, ctx) => {
            for (const key of Object.keys(env)) if (reservedBuildVariable(key)) ctx.addIssue({ code: "custom", path: [key], message: "is set by Paved or CodeBuild; choose another name" });
        })
        .default({}),
    /**
     * CodeBuild compute size.
     * @default "small"
     */
    computeSize: z.enum(COMPUTE_SIZES).default("small"),
    /**
     * Longest a build may take (CodeBuild allows 5 to 2160 minutes).
     * @default 20
     */
    timeoutMinutes: wholeNumber(5, 2160, "minutes").default(20),
    /**
     * Output paths (aws s3 sync globs) whose names carry a content hash: cached for a year.
     * @default ["assets/*", "static/*", "_next/static/*"]
     */
    immutablePatterns: z.array(z.string().regex(/^[^']+$/, 'must be a non-empty glob without quotes, e.g. "assets/*"')).default(DEFAULT_IMMUTABLE_PATTERNS),
});
export type FrontendAppBuild = z.input<typeof frontendAppBuild>;

/** The app's container image, built and pushed with every build. */
export const frontendAppContainer = z.strictObject({
    /**
     * Dockerfile, relative to the app's directory.
     * @default "Dockerfile"
     */
    dockerfile: subPath("Dockerfile").default("Dockerfile"),
    /**
     * Port the container listens on (for a service that runs the image).
     * @default 8080
     */
    port: wholeNumber(1, 65535).default(8080),
});
export type FrontendAppContainer = z.input<typeof frontendAppContainer>;

/** Children of an app a team may tweak through `transform`. */
export interface FrontendAppChildren {
    project: aws.codebuild.ProjectArgs;
    role: aws.iam.RoleArgs;
}

/**
 * What a transform may not change on the build project: its name, role, source (the buildspec
 * runs the release contract), image and privileged mode, the variables Paved sets, and tags.
 */
export const PROJECT_GUARDRAILS = ["name", "serviceRole", "source", "sourceVersion", "environment", "logsConfig", "tags"] as const;
/** What a transform may not change on the build role: whom it trusts, its name and tags. */
export const ROLE_GUARDRAILS = ["name", "assumeRolePolicy", "tags"] as const;

/** What an app is, shared with the stack config (`paved:apps[]`). */
export const frontendAppFields = repositoryOwnerFields.extend({
    /** App name: its S3 prefix and part of its resources' names. */
    name: resourceName,
    /** URL path the app is served under: "/" or e.g. "/catalog". */
    path: appPath,
    /**
     * Where the app is served: a `SiteHost`, or its outputs. With a `SiteHost` the app's route
     * entry is a child of the site, named by the path; with outputs (another stack's site), a
     * child of this stack's root, named by the path.
     */
    site: z.custom<FrontendSite>((v) => v !== null && typeof v === "object", { message: "is required: a SiteHost, or its outputs" }),
    /**
     * Extensions that make an unversioned URL (`/catalog/robots.txt`) a file of the current
     * release; any other URL is a deep link and gets the release's `index.html`. Replaces Paved's
     * list (html, js, css, json, txt, xml, images, fonts, wasm, pdf, media ...).
     */
    fileExtensions: z.array(fileExtension).optional(),
    /** Where the app's source is. */
    source: frontendAppSource,
    /** How the app is built. */
    build: frontendAppBuild.default(() => frontendAppBuild.parse({})),
    /** Also build and push a container image (tagged with the commit SHA). Needs privileged builds. */
    container: frontendAppContainer.optional(),
    /**
     * Start a build on every push to the branch that changes the app's `source.directory` or a
     * path it watches (every push for an app at the repository root). Not for CodeCommit.
     * @default false
     */
    webhook: z.boolean().default(false),
    /** The build image the app's project runs in. */
    buildImage: z.custom<BuildImageReference>((v) => v !== null && typeof v === "object", { message: "is required: a BuildImage's repository and tag" }),
    /**
     * Tagged images kept in the app's repository.
     * @default 30
     */
    keepImages: wholeNumber(1, 10000).default(30),
    /**
     * Days before untagged images expire.
     * @default 7
     */
    untaggedImageDays: wholeNumber(1, 3650, "days").default(7),
    /**
     * Tweak the app's children (see `Transform`): `project` (e.g. `queuedTimeout`,
     * `concurrentBuildLimit`), `role` (e.g. `permissionsBoundary`). The project's source,
     * image, variables and role, and the role's trust stay Paved's.
     */
    transform: z.custom<Transforms<FrontendAppChildren>>((v) => v !== null && typeof v === "object", { message: "must map child names to a partial args object or a function" }).optional(),
});

/**
 * The rules between an app's fields: webhooks need a host CodeBuild makes webhooks for, file
 * extensions are listed once and fit the route entry, and `protect` excludes `forceDelete`.
 */
export function checkFrontendApp(
    app: { name: string; source: { repository: string }; webhook: boolean; fileExtensions?: string[] },
    ctx: z.RefinementCtx,
): void {
    const type = codeBuildSourceType(app.source.repository);
    if (app.webhook && isCodeBuildSourceType(type) && !WEBHOOK_SOURCE_TYPES.includes(type)) ctx.addIssue({ code: "custom", path: ["webhook"], message: NO_WEBHOOKS });
    const extensions = app.fileExtensions ?? DEFAULT_FILE_EXTENSIONS;
    extensions.forEach((e, i) => {
        if (extensions.indexOf(e) !== i) ctx.addIssue({ code: "custom", path: ["fileExtensions", i], message: "is listed twice" });
    });
    const routeBytes = Buffer.byteLength(releaseContract.routeValue(app.name, extensions));
    if (routeBytes > KVS_VALUE_LIMIT_BYTES) ctx.addIssue({ code: "custom", path: ["fileExtensions"], message: `make a route entry of ${routeBytes} bytes; the KeyValueStore takes ${KVS_VALUE_LIMIT_BYTES}: list fewer extensions` });
}

/**
 * A frontend app's args.
 *
 * @example
 * ```ts
 * new FrontendApp("app-catalog", {
 *     name: "catalog",
 *     path: "/catalog",
 *     site,
 *     buildImage,
 *     source: { repository: "https://github.com/acme/web.git", directory: "apps/catalog", watch: ["packages/ui/**"] },
 *     build: { command: "npm run build", outputDirectory: "dist", nodeVersion: "22" },
 *     webhook: true,
 * });
 * ```
 */
export const frontendAppArgs = frontendAppFields.strict().superRefine((app, ctx) => {
    checkFrontendApp(app, ctx);
    checkRepositoryOwner(app, ctx);
});
export type FrontendAppArgs = z.input<typeof frontendAppArgs>;
type ParsedFrontendAppArgs = Omit<z.output<typeof frontendAppArgs>, "fileExtensions"> & { namePrefix: string; sourceType: CodeBuildSourceType; fileExtensions: readonly string[] };

export type { CodeBuildSourceType } from "../validation";

export type { RepositoryOwnerArgs } from "./repository";

export { codeBuildSourceType, isCodeBuildSourceType };

/**
 * One frontend app: a CodeBuild project that builds it in the shared build image and uploads a
 * release to `s3://<bucket>/<app>/<release>/`; the app's release writer (a Lambda function, the
 * only principal that moves its release pointer: it writes only `release:<app>`, only for an
 * uploaded release); an ECR repository (every app gets one; builds push to it only with
 * `container`); log groups; a least-privilege build role that may invoke its own writer and holds
 * no KeyValueStore permission; and the app's route in the site's KeyValueStore. Pulumi never writes
 * the release pointer, so `pulumi up` cannot roll an app back.
 */
export class FrontendApp extends pulumi.ComponentResource {
    /** The app's URL: the site's URL and the app's path, with a trailing slash. */
    public readonly url: pulumi.Output<string>;
    /** The app's CodeBuild project (`paved build` starts it). */
    public readonly projectName: pulumi.Output<string>;
    /** The ARN of the app's CodeBuild project. */
    public readonly projectArn: pulumi.Output<string>;
    /** The app's ECR repository URL (builds push the app's image there with `container`). */
    public readonly repositoryUrl: pulumi.Output<string>;
    /** The ARN of the app's ECR repository. */
    public readonly repositoryArn: pulumi.Output<string>;
    /** The log group of the app's builds. */
    public readonly logGroupName: pulumi.Output<string>;
    /** The build role's ARN: writes the app's prefix of the bucket and invokes the app's release writer. */
    public readonly roleArn: pulumi.Output<string>;
    /** The release writer function's name (`paved release` and builds invoke it). */
    public readonly releaseWriterName: pulumi.Output<string>;
    /** The ARN of the app's release writer function. */
    public readonly releaseWriterArn: pulumi.Output<string>;
    /** The KeyValueStore key the release writer writes (`release:<app>`). */
    public readonly releaseKey: string;

    constructor(name: string, args: FrontendAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("paved:frontend:FrontendApp", name, {}, opts);
        const parsed = parseArgs(frontendAppArgs, args, "args", `FrontendApp "${name}"`);
        const a: ParsedFrontendAppArgs = {
            ...parsed,
            namePrefix: parsed.namePrefix ?? defaultNamePrefix(),
            sourceType: codeBuildSourceType(parsed.source.repository) as CodeBuildSourceType,
            fileExtensions: parsed.fileExtensions ?? DEFAULT_FILE_EXTENSIONS,
        };
        const where = `FrontendApp "${name}": args.transform`;
        const parent = { parent: this };
        const stateful = { parent: this, protect: a.protect };
        const loc = awsLocation(this);
        const account = loc.accountId;
        const site = a.site;

        const repository = hardenedRepository(
            `${name}-repository`,
            {
                name: resourceNames.appRepository(a.namePrefix, a.name),
                keepTagged: a.keepImages,
                untaggedDays: a.untaggedImageDays,
                kmsKeyArn: a.kmsKeyArn,
                forceDelete: a.forceDelete,
                protect: a.protect,
                tags: a.tags,
            },
            this,
        );
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-build-logs`,
            { name: resourceNames.appBuildLogGroup(a.namePrefix, a.name), retentionInDays: a.logRetentionDays, tags: a.tags },
            stateful,
        );

        const writer = this.releaseWriter(name, a, site, account, a.tags);

        const role = new aws.iam.Role(
            ...applyTransform<aws.iam.RoleArgs>(
                a.transform?.role,
                `${name}-build`,
                { name: physicalName("iamRole", a.namePrefix, "app-build", a.name), assumeRolePolicy: loc.apply((l) => JSON.stringify(serviceTrustPolicy("codebuild.amazonaws.com", l.accountId, `arn:${l.partition}:codebuild:${l.region}:${l.accountId}:project/${resourceNames.appBuildProject(a.namePrefix, a.name)}`))), tags: a.tags },
                parent,
                ROLE_GUARDRAILS,
                `${where}.role`,
            ),
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-build`,
            {
                role: role.id,
                policy: pulumi
                    .all([site.bucketArn, repository.arn, a.buildImage.repositoryArn, logGroup.arn, writer.arn, site.kmsKeyArn, a.kmsKeyArn])
                    .apply(([bucketArn, repositoryArn, buildImageRepositoryArn, logGroupArn, releaseWriterArn, bucketKmsKeyArn, repositoryKmsKeyArn]) =>
                        JSON.stringify(appBuildPolicy({ app: a.name, bucketArn, repositoryArn, buildImageRepositoryArn, logGroupArn, releaseWriterArn, bucketKmsKeyArn, repositoryKmsKeyArn })),
                    ),
            },
            parent,
        );

        const variables: Record<string, pulumi.Input<string>> = {
            ...a.build.environment,
            APP: a.name,
            APP_PATH: a.path,
            BUCKET: site.bucketName,
            ASSET_PREFIX: releaseContract.appPrefix(a.name),
            RELEASE_WRITER: writer.name,
            NODE_VERSION: a.build.nodeVersion,
            ...(a.container ? { REPOSITORY_URI: repository.repositoryUrl } : {}),
        };
        const project = new aws.codebuild.Project(
            ...applyTransform<aws.codebuild.ProjectArgs>(
                a.transform?.project,
                `${name}-build`,
                {
                    name: resourceNames.appBuildProject(a.namePrefix, a.name),
                    description: `Builds and releases app ${a.name} (${a.path})`,
                    serviceRole: role.arn,
                    source: {
                        type: a.sourceType,
                        location: a.source.repository,
                        gitCloneDepth: 1,
                        buildspec: appBuildspec({
                            appPath: a.path,
                            directory: a.source.directory,
                            installCommand: a.build.installCommand,
                            command: a.build.command,
                            outputDirectory: a.build.outputDirectory,
                            immutablePatterns: a.build.immutablePatterns,
                            dockerfile: a.container?.dockerfile,
                        }),
                    },
                    sourceVersion: a.source.branch,
                    artifacts: { type: "NO_ARTIFACTS" },
                    environment: {
                        type: "LINUX_CONTAINER",
                        computeType: COMPUTE_TYPES[a.build.computeSize],
                        image: pulumi.interpolate`${a.buildImage.repositoryUrl}:${a.buildImage.tag ?? "latest"}`,
                        // A custom image in ECR is pulled with the project's role (AWS-FACTS: CodeBuild).
                        imagePullCredentialsType: "SERVICE_ROLE",
                        // Docker-in-Docker needs privileged mode; apps without a container do not get it.
                        privilegedMode: a.container !== undefined,
                        environmentVariables: Object.entries(variables).map(([name, value]) => ({ name, value, type: "PLAINTEXT" })),
                    },
                    buildTimeout: a.build.timeoutMinutes,
                    logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name }, s3Logs: { status: "DISABLED" } },
                    tags: a.tags,
                },
                // The role's policy must be in place before CodeBuild validates the image pull.
                { parent: this, dependsOn: [policy] },
                PROJECT_GUARDRAILS,
                `${where}.project`,
            ),
        );
        if (a.webhook) {
            // A push starts a build only when it changes a file under the app's directory or one
            // it watches (FILE_PATH, RE2 syntax); an app at the repository root builds on every push.
            const changes = appChangePattern(a.source.directory, a.source.watch);
            new aws.codebuild.Webhook(
                `${name}-push`,
                {
                    projectName: project.name,
                    buildType: "BUILD",
                    filterGroups: [
                        {
                            filters: [
                                { type: "EVENT", pattern: "PUSH" },
                                { type: "HEAD_REF", pattern: `^refs/heads/${a.source.branch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$` },
                                ...(changes ? [{ type: "FILE_PATH", pattern: changes }] : []),
                            ],
                        },
                    ],
                },
                parent,
            );
        }

        // The route entry is named by the path, not the app (see SiteHost.route). The alias carries
        // entries over from the layout before, where each was the app's child named by the app. The
        // parent is given by URN: an alias holding the component itself makes the SDK search the
        // whole component graph for unknowns on every such alias (quadratic in the number of apps).
        const routeValue = releaseContract.routeValue(a.name, a.fileExtensions);
        const previousLayout = { aliases: [{ name: `${name}-route`, parent: this.urn }] };
        if (site instanceof SiteHost) {
            site.route(a.path, routeValue, previousLayout);
        } else {
            // A site from another stack's outputs: the entry belongs to this stack (its root), so
            // renaming or replacing this app still updates it in place.
            new aws.cloudfront.KeyvaluestoreKey(
                routeKeyResourceName("site", a.path),
                { keyValueStoreArn: site.keyValueStoreArn, key: releaseContract.routeKey(a.path), value: routeValue },
                { ...previousLayout, provider: this.getProvider("aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey") },
            );
        }

        this.url = pulumi.output(site.url).apply((u) => `${u.replace(/\/+$/, "")}${releaseContract.appBaseUrl(a.path)}`);
        this.projectName = project.name;
        this.projectArn = project.arn;
        this.repositoryUrl = repository.repositoryUrl;
        this.repositoryArn = repository.arn;
        this.logGroupName = logGroup.name;
        this.roleArn = role.arn;
        this.releaseWriterName = writer.name;
        this.releaseWriterArn = writer.arn;
        this.releaseKey = releaseContract.releaseKey(a.name);
        this.registerOutputs({
            url: this.url,
            projectName: this.projectName,
            projectArn: this.projectArn,
            repositoryUrl: this.repositoryUrl,
            repositoryArn: this.repositoryArn,
            logGroupName: this.logGroupName,
            roleArn: this.roleArn,
            releaseWriterName: this.releaseWriterName,
            releaseWriterArn: this.releaseWriterArn,
        });
    }

    /**
     * The app's release writer: a small Lambda function (bundled handler, `release-writer/`) with
     * its own role, policy and log group. Its app, bucket and store are fixed in its environment.
     */
    private releaseWriter(name: string, a: ParsedFrontendAppArgs, site: FrontendSite, account: pulumi.Output<string>, tags?: Record<string, string>): aws.lambda.Function {
        const parent = { parent: this };
        const functionName = resourceNames.appReleaseWriter(a.namePrefix, a.name);
        const logs = new aws.cloudwatch.LogGroup(
            `${name}-release-writer`,
            { name: resourceNames.appReleaseWriterLogGroup(a.namePrefix, a.name), retentionInDays: a.logRetentionDays, tags },
            { parent: this, protect: a.protect },
        );
        const role = new aws.iam.Role(
            `${name}-release-writer`,
            { name: physicalName("iamRole", a.namePrefix, "release-writer", a.name), assumeRolePolicy: account.apply((acc) => JSON.stringify(serviceTrustPolicy("lambda.amazonaws.com", acc))), tags },
            parent,
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-release-writer`,
            {
                role: role.id,
                policy: pulumi
                    .all([site.bucketArn, site.keyValueStoreArn, logs.arn, site.kmsKeyArn])
                    .apply(([bucketArn, keyValueStoreArn, logGroupArn, bucketKmsKeyArn]) => JSON.stringify(releaseWriterPolicy({ app: a.name, bucketArn, keyValueStoreArn, logGroupArn, bucketKmsKeyArn }))),
            },
            parent,
        );
        return new aws.lambda.Function(
            `${name}-release-writer`,
            {
                name: functionName,
                description: `Moves release:${a.name} in the site's KeyValueStore, only to an uploaded release (paved)`,
                runtime: RELEASE_WRITER_RUNTIME,
                architectures: ["arm64"],
                handler: "index.handler",
                code: releaseWriterCode(),
                role: role.arn,
                memorySize: 256,
                timeout: 15,
                environment: {
                    variables: {
                        [WRITER_ENVIRONMENT.app]: a.name,
                        [WRITER_ENVIRONMENT.bucket]: site.bucketName,
                        [WRITER_ENVIRONMENT.keyValueStoreArn]: site.keyValueStoreArn,
                    },
                },
                loggingConfig: { logFormat: "Text", logGroup: logs.name },
                tags,
            },
            // The role must be able to log and read before the first invocation.
            { parent: this, dependsOn: [policy, logs] },
        );
    }
}
