import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { codeBuildRepository, gitBranch, parseArgs, repositoryDirectory, scheduleExpression, timeZone, wholeNumber } from "../args";
import { awsLocation } from "../aws-location";
import { defaultNamePrefix, physicalName } from "../naming";
import { resourceNames } from "../resource-names";
import { CodeBuildSourceType, codeBuildSourceType } from "../validation";
import { buildImageBuildspec, NODE_VERSIONS } from "./buildspec";
import { serviceTrustPolicy } from "./policies";
import { checkRepositoryOwner, hardenedRepository, repositoryOwnerFields } from "./repository";

/** The repository whose lockfile pre-warms the image's npm cache. */
export const buildImageSource = z.strictObject({
    /** HTTPS clone URL of the repository holding the lockfile the cache is warmed from. */
    repository: codeBuildRepository,
    /**
     * Branch the image builds from.
     * @default "main"
     */
    branch: gitBranch.default("main"),
    /**
     * Directory with `package.json` and `package-lock.json`.
     * @default "."
     */
    lockfileDirectory: repositoryDirectory("tools/build-image").default("."),
});
export type BuildImageSource = z.input<typeof buildImageSource>;

/**
 * The build image's args.
 *
 * @example
 * ```ts
 * new BuildImage("build-image", {
 *     source: { repository: "https://github.com/acme/web.git", lockfileDirectory: "." },
 *     schedule: "cron(0 3 ? * MON *)",
 *     nodeVersions: ["20", "22"],
 * });
 * ```
 */
export const buildImageArgs = repositoryOwnerFields
    .extend({
        /** Where the lockfile that warms the cache is. */
        source: buildImageSource,
        /**
         * When to rebuild (EventBridge Scheduler expression); Mondays 03:00 by default.
         * @default "cron(0 3 ? * MON *)"
         */
        schedule: scheduleExpression.default("cron(0 3 ? * MON *)"),
        /**
         * Time zone of `schedule`.
         * @default "UTC"
         */
        scheduleTimezone: timeZone.default("UTC"),
        /**
         * Node.js majors in the image; app builds pick one with `build.nodeVersion`.
         * @default ["18", "20", "22"]
         */
        nodeVersions: z.array(z.string().regex(/^[1-9]\d*$/, 'must be a Node.js major version such as "20"')).min(1, 'must list Node.js major versions such as ["20", "22"]').default([...NODE_VERSIONS]),
        /**
         * Dated images kept in the repository (`latest` always points at the newest).
         * @default 10
         */
        keepImages: wholeNumber(1, 1000).default(10),
        /**
         * Longest a build may take (CodeBuild allows 5 to 2160 minutes).
         * @default 60
         */
        timeoutMinutes: wholeNumber(5, 2160, "minutes").default(60),
    })
    .strict()
    .superRefine(checkRepositoryOwner);
export type BuildImageArgs = z.input<typeof buildImageArgs>;

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
        const parsed = parseArgs(buildImageArgs, args, "args", `BuildImage "${name}"`);
        const a = { ...parsed, namePrefix: parsed.namePrefix ?? defaultNamePrefix(), sourceType: codeBuildSourceType(parsed.source.repository) as CodeBuildSourceType };
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
                kmsKeyArn: a.kmsKeyArn,
                forceDelete: a.forceDelete,
                protect: a.protect,
                tags: a.tags,
            },
            this,
        );
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-build-logs`,
            { name: physicalName("logGroup", `/paved/${a.namePrefix}/build-image`), retentionInDays: a.logRetentionDays, tags: a.tags },
            { parent: this, protect: a.protect },
        );
        const role = new aws.iam.Role(
            `${name}-build`,
            { name: physicalName("iamRole", a.namePrefix, "build-image"), assumeRolePolicy: loc.apply((l) => JSON.stringify(serviceTrustPolicy("codebuild.amazonaws.com", l.accountId, `arn:${l.partition}:codebuild:${l.region}:${l.accountId}:project/${resourceNames.buildImageProject(a.namePrefix)}`))), tags: a.tags },
            parent,
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-build`,
            {
                role: role.id,
                policy: pulumi.all([repository.arn, logGroup.arn, a.kmsKeyArn]).apply(([repo, logs, key]) =>
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
                tags: a.tags,
            },
            { parent: this, dependsOn: [policy] },
        );

        const schedulerRole = new aws.iam.Role(
            `${name}-schedule`,
            { name: physicalName("iamRole", a.namePrefix, "build-image-schedule"), assumeRolePolicy: loc.apply((l) => JSON.stringify(serviceTrustPolicy("scheduler.amazonaws.com", l.accountId, `arn:${l.partition}:scheduler:${l.region}:${l.accountId}:schedule-group/default`))), tags: a.tags },
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
