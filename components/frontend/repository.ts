import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { input, logRetentionDays, namePrefixArg, tags } from "../args";

/**
 * Args of a component that owns an ECR repository and a log group (FrontendApp, BuildImage):
 * where its names start, its encryption, and how it behaves on `pulumi destroy`.
 */
export const repositoryOwnerFields = z.strictObject({
    /**
     * Days to keep the build logs.
     * @default 30
     */
    logRetentionDays: logRetentionDays.default(30),
    /** KMS key for the repository; AES256 when absent. */
    kmsKeyArn: input<string>().optional(),
    /** Prefix of the physical names. Defaults to `<project>-<stack>`. */
    namePrefix: namePrefixArg.optional(),
    /**
     * Protect the repository and log group from deletion (prod).
     * @default false
     */
    protect: z.boolean().default(false),
    /**
     * Let `pulumi destroy` delete the repository with its images (dev, ephemeral). Excludes `protect`.
     * @default false
     */
    forceDelete: z.boolean().default(false),
    /** Tags for every taggable child. */
    tags: tags.optional(),
});
export type RepositoryOwnerArgs = z.input<typeof repositoryOwnerFields>;

/** `protect` and `forceDelete` exclude each other. */
export function checkRepositoryOwner(a: { protect: boolean; forceDelete: boolean }, ctx: z.RefinementCtx): void {
    if (a.protect && a.forceDelete) ctx.addIssue({ code: "custom", path: ["forceDelete"], message: "and protect exclude each other; protect prod, force-delete dev and ephemeral environments" });
}

/**
 * ECR lifecycle rules: untagged images (left behind by failed or superseded pushes) expire after
 * `untaggedDays`; of the tagged ones the newest `keepTagged` stay. Count-based expiry can remove
 * an image a running task still uses, so keep enough history for a rollback window.
 */
export function repositoryLifecyclePolicy(keepTagged: number, untaggedDays: number): string {
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: `Expire untagged images after ${untaggedDays} days`,
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedDays },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `Keep the last ${keepTagged} tagged images`,
                selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: keepTagged },
                action: { type: "expire" },
            },
        ],
    });
}

export interface HardenedRepositoryOptions {
    /** Physical name (from `resourceNames`). */
    name: string;
    keepTagged: number;
    untaggedDays: number;
    /** KMS key; AES256 when absent. */
    kmsKeyArn?: pulumi.Input<string>;
    /** Tags matching these wildcards stay mutable (e.g. "latest"); all others are immutable. */
    mutableTags?: string[];
    forceDelete: boolean;
    protect: boolean;
    tags?: Record<string, string>;
}

/** An ECR repository with scan on push, immutable tags, encryption and a lifecycle policy. */
export function hardenedRepository(logicalName: string, o: HardenedRepositoryOptions, parent: pulumi.Resource): aws.ecr.Repository {
    const repository = new aws.ecr.Repository(
        logicalName,
        {
            name: o.name,
            imageScanningConfiguration: { scanOnPush: true },
            imageTagMutability: o.mutableTags?.length ? "IMMUTABLE_WITH_EXCLUSION" : "IMMUTABLE",
            imageTagMutabilityExclusionFilters: o.mutableTags?.length ? o.mutableTags.map((filter) => ({ filter, filterType: "WILDCARD" })) : undefined,
            encryptionConfigurations: [o.kmsKeyArn ? { encryptionType: "KMS", kmsKey: o.kmsKeyArn } : { encryptionType: "AES256" }],
            forceDelete: o.forceDelete,
            tags: o.tags,
        },
        { parent, protect: o.protect },
    );
    new aws.ecr.LifecyclePolicy(logicalName, { repository: repository.name, policy: repositoryLifecyclePolicy(o.keepTagged, o.untaggedDays) }, { parent });
    return repository;
}
