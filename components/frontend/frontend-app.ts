import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stripUndefined } from "../args";
import { awsLocation } from "../aws-location";
import { PavedError, show } from "../errors";
import { defaultNamePrefix, physicalName } from "../naming";
import { WATCH_AT_ROOT, appChangePattern, watchGlobViolation } from "../path-filter";
import { DEFAULT_FILE_EXTENSIONS, KVS_VALUE_LIMIT_BYTES, releaseContract } from "../release-contract";
import { resourceNames } from "../resource-names";
import {
    CodeBuildSourceType,
    NO_WEBHOOKS,
    WEBHOOK_SOURCE_TYPES,
    appPathViolation,
    codeBuildSourceType,
    fileExtensionViolation,
    isCodeBuildSourceType,
    logRetentionViolation,
    plainEnvironmentViolation,
    resourceNameViolation,
} from "../validation";
import { appBuildspec, DEFAULT_IMMUTABLE_PATTERNS, NODE_VERSIONS, NodeVersion, reservedBuildVariable } from "./buildspec";
import { appBuildPolicy, releaseWriterPolicy, serviceTrustPolicy } from "./policies";
import { RELEASE_WRITER_RUNTIME, releaseWriterCode } from "./release-writer/bundle";
import { WRITER_ENVIRONMENT } from "./release-writer/environment";
import { RepositoryOwnerArgs, hardenedRepository } from "./repository";
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
    /**
     * @default "latest"
     */
    tag?: pulumi.Input<string>;
}

export interface FrontendAppSource {
    /** HTTPS clone URL on GitHub, Bitbucket, GitLab or CodeCommit, e.g. "https://github.com/acme/web.git". */
    repository: string;
    /**
     * @default "main"
     */
    branch?: string;
    /**
     * Directory of the app in a monorepo.
     * @default "."
     */
    directory?: string;
    /**
     * Other paths whose changes concern the app, as globs relative to the repository root
     * (`*`, a whole-segment `**`, `{a,b}`), e.g. `["packages/ui/**", "package-lock.json"]`.
     * With `directory`, they become the webhook's `FILE_PATH` filter: a push that touches none of
     * them starts no build. Not allowed with directory "." (every change concerns such an app).
     * @default []
     */
    watch?: string[];
}

export interface FrontendAppBuild {
    /**
     * @default "npm run build"
     */
    command?: string;
    /**
     * Install command, run in the app's directory.
     * @default "npm ci --prefer-offline --no-audit --no-fund --cache /opt/paved/npm-cache"
     */
    installCommand?: string;
    /**
     * Directory the build writes its assets to, relative to the app's directory.
     * @default "dist"
     */
    outputDirectory?: string;
    /**
     * @default "20"
     */
    nodeVersion?: NodeVersion;
    /**
     * Plain-text environment variables of the build (no secrets).
     * @default {}
     */
    environment?: Record<string, string>;
    /**
     * @default "small"
     */
    computeSize?: AppComputeSize;
    /**
     * CodeBuild allows 5 to 2160 minutes.
     * @default 20
     */
    timeoutMinutes?: number;
    /**
     * Output paths (aws s3 sync globs) whose names carry a content hash: cached for a year.
     * @default ["assets/*", "static/*", "_next/static/*"]
     */
    immutablePatterns?: string[];
}

export interface FrontendAppContainer {
    /**
     * Dockerfile, relative to the app's directory.
     * @default "Dockerfile"
     */
    dockerfile?: string;
    /**
     * Port the container listens on (for a service that runs the image).
     * @default 8080
     */
    port?: number;
}

export interface FrontendAppArgs extends RepositoryOwnerArgs {
    /** App name: its S3 prefix and part of its resources' names. */
    name: string;
    /** URL path the app is served under: "/" or e.g. "/catalog". */
    path: string;
    /**
     * Where the app is served: a `SiteHost`, or its outputs. With a `SiteHost` the app's route
     * entry is a child of the site, named by the path; with outputs (another stack's site), a
     * child of this stack's root, named by the path.
     */
    site: FrontendSite;
    /**
     * Extensions that make an unversioned URL (`/catalog/robots.txt`) a file of the current
     * release; any other URL is a deep link and gets the release's `index.html`. Replaces the list.
     * @default DEFAULT_FILE_EXTENSIONS (html, js, css, json, txt, xml, images, fonts, wasm, pdf, media ...)
     */
    fileExtensions?: string[];
    /** Where the app's code is: its repository, branch and directory, and the paths whose changes rebuild it. */
    source: FrontendAppSource;
    /** How the app is built: command, output directory, Node.js version, environment and compute size. */
    build?: FrontendAppBuild;
    /** Also build and push a container image (tagged with the commit SHA). Needs privileged builds. */
    container?: FrontendAppContainer;
    /**
     * Start a build on every push to the branch that changes the app's `source.directory` or a
     * path it watches (every push for an app at the repository root). Not for CodeCommit.
     * @default false
     */
    webhook?: boolean;
    buildImage: BuildImageReference;
    /**
     * Tagged images kept in the app's repository.
     * @default 30
     */
    keepImages?: number;
    /**
     * Days before untagged images expire.
     * @default 7
     */
    untaggedImageDays?: number;
}

/** `FrontendAppArgs` with every default applied. */
export interface NormalizedFrontendAppArgs {
    name: string;
    path: string;
    fileExtensions: readonly string[];
    source: Required<FrontendAppSource>;
    sourceType: CodeBuildSourceType;
    build: Required<Omit<FrontendAppBuild, "installCommand">> & { installCommand?: string };
    container?: Required<FrontendAppContainer>;
    webhook: boolean;
    logRetentionDays: number;
    keepImages: number;
    untaggedImageDays: number;
    namePrefix: string;
    protect: boolean;
    forceDelete: boolean;
}

export type { CodeBuildSourceType } from "../validation";

export type { RepositoryOwnerArgs } from "./repository";

export { codeBuildSourceType, isCodeBuildSourceType };

const RELATIVE_DIR = /^(\.|[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*)$/;

/** A path relative to the repository (or app) root: "." or "a/b", no leading "/" and no "..". */
export function isRelativePath(path: string): boolean {
    return RELATIVE_DIR.test(path) && !path.split("/").includes("..");
}

/** Defaults and synchronous checks of `FrontendAppArgs`; throws `PavedError` naming the field, value and fix. */
export function normalizeFrontendAppArgs(args: Omit<FrontendAppArgs, "site" | "buildImage">): NormalizedFrontendAppArgs {
    const where = `FrontendApp "${args.name}"`;
    const fail = (field: string, value: unknown, message: string): never => {
        throw new PavedError(`${where}: args.${field} ${show(value)} ${message}`);
    };
    const nameProblem = resourceNameViolation(args.name);
    if (nameProblem) fail("name", args.name, nameProblem);
    const pathProblem = appPathViolation(args.path);
    if (pathProblem) fail("path", args.path, pathProblem);

    const source = { branch: "main", directory: ".", watch: [] as string[], ...stripUndefined(args.source) } as Required<FrontendAppSource>;
    const sourceType = codeBuildSourceType(source.repository);
    if (!isCodeBuildSourceType(sourceType)) return fail("source.repository", source.repository, sourceType);
    if (source.branch.length === 0 || /\s/.test(source.branch)) fail("source.branch", source.branch, "must be a branch name such as \"main\"");
    if (!isRelativePath(source.directory)) {
        fail("source.directory", source.directory, 'must be a relative directory such as "apps/catalog" (no leading "/" or "..")');
    }
    source.watch.forEach((glob, i) => {
        const problem = watchGlobViolation(glob);
        if (problem) fail(`source.watch[${i}]`, glob, problem);
    });
    if (source.watch.length > 0 && source.directory === ".") fail("source.watch", source.watch, WATCH_AT_ROOT);

    const build = {
        command: "npm run build",
        outputDirectory: "dist",
        nodeVersion: "20" as NodeVersion,
        environment: {} as Record<string, string>,
        computeSize: "small" as AppComputeSize,
        timeoutMinutes: 20,
        immutablePatterns: DEFAULT_IMMUTABLE_PATTERNS,
        ...stripUndefined(args.build),
    };
    if (build.command.trim().length === 0) fail("build.command", build.command, 'must be a command such as "npm run build"');
    if (!isRelativePath(build.outputDirectory) || build.outputDirectory === ".") {
        fail("build.outputDirectory", build.outputDirectory, 'must be a relative directory such as "dist"');
    }
    if (!(NODE_VERSIONS as readonly string[]).includes(build.nodeVersion)) fail("build.nodeVersion", build.nodeVersion, `must be one of ${NODE_VERSIONS.map((v) => `"${v}"`).join(", ")}`);
    if (!(build.computeSize in COMPUTE_TYPES)) fail("build.computeSize", build.computeSize, `must be one of ${Object.keys(COMPUTE_TYPES).join(", ")}`);
    if (!Number.isInteger(build.timeoutMinutes) || build.timeoutMinutes < 5 || build.timeoutMinutes > 2160) fail("build.timeoutMinutes", build.timeoutMinutes, "must be a whole number of minutes from 5 to 2160 (CodeBuild's range)");
    for (const key of Object.keys(build.environment)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) fail(`build.environment`, key, "is not an environment variable name: use letters, digits and _");
        if (reservedBuildVariable(key)) fail(`build.environment`, key, "is set by Paved or CodeBuild; choose another name");
        const secretProblem = plainEnvironmentViolation(key, "build");
        if (secretProblem) fail("build.environment", key, secretProblem);
    }
    if (build.immutablePatterns.some((p) => p.length === 0 || p.includes("'"))) fail("build.immutablePatterns", build.immutablePatterns, "must be non-empty globs without quotes, e.g. \"assets/*\"");

    let container: Required<FrontendAppContainer> | undefined;
    if (args.container) {
        container = { dockerfile: "Dockerfile", port: 8080, ...stripUndefined(args.container) };
        if (!isRelativePath(container.dockerfile)) fail("container.dockerfile", container.dockerfile, 'must be a path relative to the app\'s directory, e.g. "Dockerfile"');
        if (!Number.isInteger(container.port) || container.port < 1 || container.port > 65535) fail("container.port", container.port, "must be a port from 1 to 65535");
    }

    if (args.webhook && !WEBHOOK_SOURCE_TYPES.includes(sourceType)) fail("webhook", true, NO_WEBHOOKS);
    const fileExtensions = args.fileExtensions ?? DEFAULT_FILE_EXTENSIONS;
    fileExtensions.forEach((e, i) => {
        const problem = fileExtensionViolation(e);
        if (problem) fail(`fileExtensions[${i}]`, e, problem);
        if (fileExtensions.indexOf(e) !== i) fail(`fileExtensions[${i}]`, e, "is listed twice");
    });
    const routeBytes = Buffer.byteLength(releaseContract.routeValue(args.name, fileExtensions));
    if (routeBytes > KVS_VALUE_LIMIT_BYTES) fail("fileExtensions", fileExtensions, `make a route entry of ${routeBytes} bytes; the KeyValueStore takes ${KVS_VALUE_LIMIT_BYTES}: list fewer extensions`);

    const n: NormalizedFrontendAppArgs = {
        name: args.name,
        path: args.path,
        fileExtensions,
        source,
        sourceType,
        build,
        container,
        webhook: args.webhook ?? false,
        logRetentionDays: args.logRetentionDays ?? 30,
        keepImages: args.keepImages ?? 30,
        untaggedImageDays: args.untaggedImageDays ?? 7,
        namePrefix: args.namePrefix ?? defaultNamePrefix(),
        protect: args.protect ?? false,
        forceDelete: args.forceDelete ?? false,
    };
    const retentionProblem = logRetentionViolation(n.logRetentionDays);
    if (retentionProblem) fail("logRetentionDays", n.logRetentionDays, retentionProblem);
    if (!Number.isInteger(n.keepImages) || n.keepImages < 1) fail("keepImages", n.keepImages, "must be a whole number, at least 1");
    if (!Number.isInteger(n.untaggedImageDays) || n.untaggedImageDays < 1) fail("untaggedImageDays", n.untaggedImageDays, "must be a whole number of days, at least 1");
    if (n.namePrefix.length === 0) fail("namePrefix", n.namePrefix, 'must not be empty; omit it for "<project>-<stack>"');
    if (n.protect && n.forceDelete) fail("forceDelete", true, "excludes args.protect; protect prod, force-delete dev and ephemeral environments");
    return n;
}

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
        const a = normalizeFrontendAppArgs(args);
        const parent = { parent: this };
        const stateful = { parent: this, protect: a.protect };
        const loc = awsLocation(this);
        const account = loc.accountId;
        const site = args.site;

        const repository = hardenedRepository(
            `${name}-repository`,
            {
                name: resourceNames.appRepository(a.namePrefix, a.name),
                keepTagged: a.keepImages,
                untaggedDays: a.untaggedImageDays,
                kmsKeyArn: args.kmsKeyArn,
                forceDelete: a.forceDelete,
                protect: a.protect,
                tags: args.tags,
            },
            this,
        );
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-build-logs`,
            { name: resourceNames.appBuildLogGroup(a.namePrefix, a.name), retentionInDays: a.logRetentionDays, tags: args.tags },
            stateful,
        );

        const writer = this.releaseWriter(name, a, site, account, args.tags);

        const role = new aws.iam.Role(
            `${name}-build`,
            { name: physicalName("iamRole", a.namePrefix, "app-build", a.name), assumeRolePolicy: loc.apply((l) => JSON.stringify(serviceTrustPolicy("codebuild.amazonaws.com", l.accountId, `arn:${l.partition}:codebuild:${l.region}:${l.accountId}:project/${resourceNames.appBuildProject(a.namePrefix, a.name)}`))), tags: args.tags },
            parent,
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-build`,
            {
                role: role.id,
                policy: pulumi
                    .all([site.bucketArn, repository.arn, args.buildImage.repositoryArn, logGroup.arn, writer.arn, site.kmsKeyArn, args.kmsKeyArn])
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
                    image: pulumi.interpolate`${args.buildImage.repositoryUrl}:${args.buildImage.tag ?? "latest"}`,
                    // A custom image in ECR is pulled with the project's role (AWS-FACTS: CodeBuild).
                    imagePullCredentialsType: "SERVICE_ROLE",
                    // Docker-in-Docker needs privileged mode; apps without a container do not get it.
                    privilegedMode: a.container !== undefined,
                    environmentVariables: Object.entries(variables).map(([name, value]) => ({ name, value, type: "PLAINTEXT" })),
                },
                buildTimeout: a.build.timeoutMinutes,
                logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name }, s3Logs: { status: "DISABLED" } },
                tags: args.tags,
            },
            // The role's policy must be in place before CodeBuild validates the image pull.
            { parent: this, dependsOn: [policy] },
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
        // entries over from the layout before, where each was the app's child named by the app.
        const routeValue = releaseContract.routeValue(a.name, a.fileExtensions);
        const previousLayout = { aliases: [{ name: `${name}-route`, parent: this }] };
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
    private releaseWriter(name: string, a: NormalizedFrontendAppArgs, site: FrontendSite, account: pulumi.Output<string>, tags?: Record<string, string>): aws.lambda.Function {
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
