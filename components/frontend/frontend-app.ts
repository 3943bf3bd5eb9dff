import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stripUndefined } from "../args";
import { awsLocation } from "../aws-location";
import { PavedError, show } from "../errors";
import { defaultNamePrefix, physicalName } from "../naming";
import { releaseContract, resourceNames } from "../resource-names";
import { CodeBuildSourceType, appPathViolation, codeBuildSourceType, isCodeBuildSourceType, logRetentionViolation, plainEnvironmentViolation, resourceNameViolation } from "../validation";
import { APP_BUILD_VARIABLES, appBuildspec, DEFAULT_IMMUTABLE_PATTERNS, NODE_VERSIONS, NodeVersion } from "./buildspec";
import { appBuildPolicy, serviceTrustPolicy } from "./policies";
import { RepositoryOwnerArgs, hardenedRepository } from "./repository";

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
    site: FrontendSite;
    source: FrontendAppSource;
    build?: FrontendAppBuild;
    /** Also build and push a container image (tagged with the commit SHA). Needs privileged builds. */
    container?: FrontendAppContainer;
    /**
     * Start a build on every push to the branch.
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

    const source = { branch: "main", directory: ".", ...stripUndefined(args.source) } as Required<FrontendAppSource>;
    const sourceType = codeBuildSourceType(source.repository);
    if (!isCodeBuildSourceType(sourceType)) return fail("source.repository", source.repository, sourceType);
    if (source.branch.length === 0 || /\s/.test(source.branch)) fail("source.branch", source.branch, "must be a branch name such as \"main\"");
    if (!isRelativePath(source.directory)) {
        fail("source.directory", source.directory, 'must be a relative directory such as "apps/catalog" (no leading "/" or "..")');
    }

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
        if ((APP_BUILD_VARIABLES as readonly string[]).includes(key) || key.startsWith("CODEBUILD_")) fail(`build.environment`, key, "is set by Paved or CodeBuild; choose another name");
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

    const n: NormalizedFrontendAppArgs = {
        name: args.name,
        path: args.path,
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
 * One frontend app: a CodeBuild project that builds it in the shared build image, uploads a
 * release to `s3://<bucket>/<app>/<release>/` and moves the app's release pointer; an ECR
 * repository (every app gets one; builds push to it only with `container`); a log group; a
 * least-privilege build role; and the app's route in the site's KeyValueStore. The release
 * pointer itself is written only by builds and the CLI, never by Pulumi, so `pulumi up` cannot
 * roll an app back.
 */
export class FrontendApp extends pulumi.ComponentResource {
    public readonly url: pulumi.Output<string>;
    public readonly projectName: pulumi.Output<string>;
    public readonly projectArn: pulumi.Output<string>;
    public readonly repositoryUrl: pulumi.Output<string>;
    public readonly repositoryArn: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly roleArn: pulumi.Output<string>;
    /** The KeyValueStore key the builds write (`release:<app>`). */
    public readonly releaseKey: string;

    constructor(name: string, args: FrontendAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("paved:frontend:FrontendApp", name, {}, opts);
        const a = normalizeFrontendAppArgs(args);
        const parent = { parent: this };
        const stateful = { parent: this, protect: a.protect };
        const loc = awsLocation(this);

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
                    .all([args.site.bucketArn, repository.arn, args.buildImage.repositoryArn, logGroup.arn, args.site.keyValueStoreArn, args.site.kmsKeyArn, args.kmsKeyArn])
                    .apply(([bucketArn, repositoryArn, buildImageRepositoryArn, logGroupArn, keyValueStoreArn, bucketKmsKeyArn, repositoryKmsKeyArn]) =>
                        JSON.stringify(appBuildPolicy({ app: a.name, bucketArn, repositoryArn, buildImageRepositoryArn, logGroupArn, keyValueStoreArn, bucketKmsKeyArn, repositoryKmsKeyArn })),
                    ),
            },
            parent,
        );

        const variables: Record<string, pulumi.Input<string>> = {
            ...a.build.environment,
            APP: a.name,
            APP_PATH: a.path,
            BUCKET: args.site.bucketName,
            ASSET_PREFIX: releaseContract.appPrefix(a.name),
            KVS_ARN: args.site.keyValueStoreArn,
            RELEASE_KEY: releaseContract.releaseKey(a.name),
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
                            ],
                        },
                    ],
                },
                parent,
            );
        }

        new aws.cloudfront.KeyvaluestoreKey(`${name}-route`, { keyValueStoreArn: args.site.keyValueStoreArn, key: releaseContract.routeKey(a.path), value: a.name }, parent);

        this.url = pulumi.output(args.site.url).apply((u) => `${u.replace(/\/+$/, "")}${a.path === "/" ? "/" : `${a.path}/`}`);
        this.projectName = project.name;
        this.projectArn = project.arn;
        this.repositoryUrl = repository.repositoryUrl;
        this.repositoryArn = repository.arn;
        this.logGroupName = logGroup.name;
        this.roleArn = role.arn;
        this.releaseKey = releaseContract.releaseKey(a.name);
        this.registerOutputs({
            url: this.url,
            projectName: this.projectName,
            projectArn: this.projectArn,
            repositoryUrl: this.repositoryUrl,
            repositoryArn: this.repositoryArn,
            logGroupName: this.logGroupName,
            roleArn: this.roleArn,
        });
    }
}
