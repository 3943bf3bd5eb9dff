import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Args of a component that owns an ECR repository and a log group (FrontendApp, BuildImage):
 * where its names start, its encryption, and how it behaves on `pulumi destroy`.
 */
export interface RepositoryOwnerArgs {
    /**
     * Days to keep the build logs.
     * @default 30
     */
    logRetentionDays?: number;
    /** KMS key for the repository; AES256 when absent. */
    kmsKeyArn?: pulumi.Input<string>;
    /**
     * Prefix of the physical names.
     * @default `<project>-<stack>`
     */
    namePrefix?: string;
    /**
     * Protect the repository and log group from deletion (prod).
     * @default false
     */
    protect?: boolean;
    /**
     * Let `pulumi destroy` delete the repository with its images (dev, ephemeral). Excludes `protect`.
     * @default false
     */
    forceDelete?: boolean;
    /** Tags of every resource created (merged over the provider's default tags). */
    tags?: Record<string, string>;
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
