import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stripUndefined } from "../args";
import { awsLocation } from "../aws-location";
import { PavedError, show } from "../errors";
import { defaultNamePrefix, physicalName } from "../naming";
import { resourceNames } from "../resource-names";
import { logRetentionViolation, scheduleExpressionViolation, timeZoneViolation } from "../validation";
import { buildImageBuildspec, NODE_VERSIONS } from "./buildspec";
import { codeBuildSourceType, CodeBuildSourceType, isCodeBuildSourceType, isRelativePath } from "./frontend-app";
import { serviceTrustPolicy } from "./policies";
import { RepositoryOwnerArgs, hardenedRepository } from "./repository";

export interface BuildImageSource {
    /** HTTPS clone URL of the repository holding the lockfile the cache is warmed from. */
    repository: string;
    /**
     * @default "main"
     */
    branch?: string;
    /**
     * Directory with `package.json` and `package-lock.json`.
     * @default "."
     */
    lockfileDirectory?: string;
}

export interface BuildImageArgs extends RepositoryOwnerArgs {
    /** The repository whose lockfile warms the image's npm cache. */
    source: BuildImageSource;
    /**
     * When to rebuild (EventBridge Scheduler expression).
     * @default "cron(0 3 ? * MON *)" (Mondays 03:00)
     */
    schedule?: string;
    /**
     * @default "UTC"
     */
    scheduleTimezone?: string;
    /**
     * Node.js majors in the image; app builds pick one with `build.nodeVersion`.
     * @default ["18", "20", "22"]
     */
    nodeVersions?: string[];
    /**
     * Dated images kept in the repository (`latest` always points at the newest).
     * @default 10
     */
    keepImages?: number;
    /**
     * @default 60
     */
    timeoutMinutes?: number;
}

interface NormalizedBuildImageArgs {
    source: Required<BuildImageSource>;
    sourceType: CodeBuildSourceType;
    schedule: string;
    scheduleTimezone: string;
    nodeVersions: string[];
    keepImages: number;
    logRetentionDays: number;
    timeoutMinutes: number;
    namePrefix: string;
    protect: boolean;
    forceDelete: boolean;
}

/** Defaults and synchronous checks of `BuildImageArgs`. */
export function normalizeBuildImageArgs(name: string, args: BuildImageArgs): NormalizedBuildImageArgs {
    const fail = (field: string, value: unknown, message: string): never => {
        throw new PavedError(`BuildImage "${name}": args.${field} ${show(value)} ${message}`);
    };
    const source = { branch: "main", lockfileDirectory: ".", ...stripUndefined(args.source) } as Required<BuildImageSource>;
    const sourceType = codeBuildSourceType(source.repository);
    if (!isCodeBuildSourceType(sourceType)) return fail("source.repository", source.repository, sourceType);
    if (!isRelativePath(source.lockfileDirectory)) {
        fail("source.lockfileDirectory", source.lockfileDirectory, 'must be a relative directory such as "." or "tools/build-image"');
    }
    const n: NormalizedBuildImageArgs = {
        source,
        sourceType,
        schedule: args.schedule ?? "cron(0 3 ? * MON *)",
        scheduleTimezone: args.scheduleTimezone ?? "UTC",
        nodeVersions: args.nodeVersions ?? [...NODE_VERSIONS],
        keepImages: args.keepImages ?? 10,
        logRetentionDays: args.logRetentionDays ?? 30,
        timeoutMinutes: args.timeoutMinutes ?? 60,
        namePrefix: args.namePrefix ?? defaultNamePrefix(),
        protect: args.protect ?? false,
        forceDelete: args.forceDelete ?? false,
    };
    const scheduleProblem = scheduleExpressionViolation(n.schedule);
    if (scheduleProblem) fail("schedule", n.schedule, scheduleProblem);
    const zoneProblem = timeZoneViolation(n.scheduleTimezone);
    if (zoneProblem) fail("scheduleTimezone", n.scheduleTimezone, zoneProblem);
    if (n.nodeVersions.length === 0 || n.nodeVersions.some((v) => !/^[1-9]\d*$/.test(v))) fail("nodeVersions", n.nodeVersions, 'must list Node.js major versions such as ["20", "22"]');
    if (!Number.isInteger(n.keepImages) || n.keepImages < 1) fail("keepImages", n.keepImages, "must be a whole number, at least 1");
    const retentionProblem = logRetentionViolation(n.logRetentionDays);
    if (retentionProblem) fail("logRetentionDays", n.logRetentionDays, retentionProblem);
    if (!Number.isInteger(n.timeoutMinutes) || n.timeoutMinutes < 5 || n.timeoutMinutes > 2160) fail("timeoutMinutes", n.timeoutMinutes, "must be a whole number of minutes from 5 to 2160 (CodeBuild's range)");
    if (n.protect && n.forceDelete) fail("forceDelete", true, "excludes args.protect");
    return n;
}

/** The Node.js major the image's default PATH and cache warm-up use: 20 when present, else the newest. */
function defaultNode(versions: string[]): string {
    return versions.includes("20") ? "20" : [...versions].sort((x, y) => Number(y) - Number(x))[0];
}

/**
 * The environment's build image: an ECR repository and a CodeBuild project that builds an image
 * with the Node.js toolchain and an npm cache warmed from a lockfile, pushed as `:latest` and
 * `:<UTC date>`, weekly (EventBridge Scheduler) and on demand (`paved build-image` / StartBuild).
 * App projects pull `:latest` with their own role (`imagePullCredentialsType: SERVICE_ROLE`).
 */
export class BuildImage extends pulumi.ComponentResource {
    /** The build image's ECR repository URL. */
    public readonly repositoryUrl: pulumi.Output<string>;
    /** The ARN of the build image's ECR repository. */
    public readonly repositoryArn: pulumi.Output<string>;
    /** `<repositoryUrl>:latest`. */
    public readonly imageUri: pulumi.Output<string>;
    /** The CodeBuild project that builds the image (weekly, and on demand). */
    public readonly projectName: pulumi.Output<string>;
    /** The ARN of the CodeBuild project that builds the image. */
    public readonly projectArn: pulumi.Output<string>;
    /** The tag app projects use. */
    public readonly tag: string = "latest";

    constructor(name: string, args: BuildImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("paved:frontend:BuildImage", name, {}, opts);
        const a = normalizeBuildImageArgs(name, args);
        const parent = { parent: this };
        const loc = awsLocation(this);

        // Dated tags are immutable; only `latest` moves, so apps always pull the newest image.
        const repository = hardenedRepository(
            `${name}-repository`,
            {
                name: resourceNames.buildImageRepository(a.namePrefix),
                keepTagged: a.keepImages,
                untaggedDays: 1,
                mutableTags: ["latest"],
                kmsKeyArn: args.kmsKeyArn,
                forceDelete: a.forceDelete,
                protect: a.protect,
                tags: args.tags,
            },
            this,
        );
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-build-logs`,
            { name: physicalName("logGroup", `/paved/${a.namePrefix}/build-image`), retentionInDays: a.logRetentionDays, tags: args.tags },
            { parent: this, protect: a.protect },
        );
        const role = new aws.iam.Role(
            `${name}-build`,
            { name: physicalName("iamRole", a.namePrefix, "build-image"), assumeRolePolicy: loc.apply((l) => JSON.stringify(serviceTrustPolicy("codebuild.amazonaws.com", l.accountId, `arn:${l.partition}:codebuild:${l.region}:${l.accountId}:project/${resourceNames.buildImageProject(a.namePrefix)}`))), tags: args.tags },
            parent,
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-build`,
            {
                role: role.id,
                policy: pulumi.all([repository.arn, logGroup.arn, args.kmsKeyArn]).apply(([repo, logs, key]) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "PushBuildImage",
                                Effect: "Allow",
                                Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"],
                                Resource: repo,
                            },
                            { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
                            { Sid: "BuildLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [logs, `${logs}:*`] },
                            ...(key ? [{ Sid: "EncryptionKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: key }] : []),
                        ],
                    }),
                ),
            },
            parent,
        );
        const project = new aws.codebuild.Project(
            `${name}-build`,
            {
                name: resourceNames.buildImageProject(a.namePrefix),
                description: "Builds the frontend build image (Node.js toolchain + warmed npm cache)",
                serviceRole: role.arn,
                source: {
                    type: a.sourceType,
                    location: a.source.repository,
                    gitCloneDepth: 1,
                    buildspec: buildImageBuildspec({ lockfileDirectory: a.source.lockfileDirectory, nodeVersions: a.nodeVersions, defaultNodeVersion: defaultNode(a.nodeVersions) }),
                },
                sourceVersion: a.source.branch,
                artifacts: { type: "NO_ARTIFACTS" },
                environment: {
                    type: "LINUX_CONTAINER",
                    computeType: "BUILD_GENERAL1_MEDIUM",
                    image: "aws/codebuild/standard:7.0",
                    imagePullCredentialsType: "CODEBUILD",
                    // Building a Docker image needs the Docker daemon: privileged mode.
                    privilegedMode: true,
                    environmentVariables: [{ name: "REPOSITORY_URI", value: repository.repositoryUrl, type: "PLAINTEXT" }],
                },
                buildTimeout: a.timeoutMinutes,
                logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name }, s3Logs: { status: "DISABLED" } },
                tags: args.tags,
            },
            { parent: this, dependsOn: [policy] },
        );

        const schedulerRole = new aws.iam.Role(
            `${name}-schedule`,
            { name: physicalName("iamRole", a.namePrefix, "build-image-schedule"), assumeRolePolicy: loc.apply((l) => JSON.stringify(serviceTrustPolicy("scheduler.amazonaws.com", l.accountId, `arn:${l.partition}:scheduler:${l.region}:${l.accountId}:schedule-group/default`))), tags: args.tags },
            parent,
        );
        new aws.iam.RolePolicy(
            `${name}-schedule`,
            { role: schedulerRole.id, policy: project.arn.apply((arn) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "codebuild:StartBuild", Resource: arn }] })) },
            parent,
        );
        new aws.scheduler.Schedule(
            `${name}-schedule`,
            {
                name: physicalName("schedule", a.namePrefix, "build-image"),
                description: "Rebuilds the frontend build image",
                scheduleExpression: a.schedule,
                scheduleExpressionTimezone: a.scheduleTimezone,
                flexibleTimeWindow: { mode: "FLEXIBLE", maximumWindowInMinutes: 60 },
                target: {
                    arn: "arn:aws:scheduler:::aws-sdk:codebuild:startBuild",
                    roleArn: schedulerRole.arn,
                    input: project.name.apply((projectName) => JSON.stringify({ ProjectName: projectName })),
                    retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
                },
            },
            parent,
        );

        this.repositoryUrl = repository.repositoryUrl;
        this.repositoryArn = repository.arn;
        this.imageUri = pulumi.interpolate`${repository.repositoryUrl}:latest`;
        this.projectName = project.name;
        this.projectArn = project.arn;
        this.registerOutputs({ repositoryUrl: this.repositoryUrl, repositoryArn: this.repositoryArn, imageUri: this.imageUri, projectName: this.projectName, projectArn: this.projectArn });
    }
}
