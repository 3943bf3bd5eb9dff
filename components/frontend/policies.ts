import { releaseContract } from "../release-contract";

/** An IAM policy document, as AWS reads it. */
export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]> | "*";
    Action: string | string[];
    /** Absent in trust policies, which AWS rejects with a Resource. */
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

/** Resolved ARNs and names an app's build role is scoped to. */
export interface AppBuildPolicyParams {
    /** The app's name: its S3 prefix. */
    app: string;
    bucketArn: string;
    /** The app's own ECR repository. */
    repositoryArn: string;
    /** The build image's repository (pull only). */
    buildImageRepositoryArn: string;
    /** The app's build log group. */
    logGroupArn: string;
    /** The app's release writer function: the build may invoke it and nothing else. */
    releaseWriterArn: string;
    /** KMS key of the asset bucket, when it is encrypted with one. */
    bucketKmsKeyArn?: string;
    /** KMS key of the app's repository, when it is encrypted with one. */
    repositoryKmsKeyArn?: string;
}

/**
 * The inline policy of an app's CodeBuild role: this app's S3 prefix, its repository, its log
 * group, its release writer, the build image. Nothing of any other app, and nothing of the
 * KeyValueStore: IAM cannot scope the store by key, so builds move their pointer only through
 * their app's release writer, which writes only that app's key.
 */
export function appBuildPolicy(p: AppBuildPolicyParams): PolicyDocument {
    const prefix = releaseContract.appPrefix(p.app);
    const statements: PolicyStatement[] = [
        {
            Sid: "AppAssets",
            Effect: "Allow",
            Action: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
            Resource: `${p.bucketArn}/${prefix}*`,
        },
        {
            Sid: "ListAppAssets",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: p.bucketArn,
            Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}*`] } },
        },
        {
            Sid: "PushAppImage",
            Effect: "Allow",
            Action: [
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:CompleteLayerUpload",
                "ecr:DescribeImages",
                "ecr:GetDownloadUrlForLayer",
                "ecr:InitiateLayerUpload",
                "ecr:PutImage",
                "ecr:UploadLayerPart",
            ],
            Resource: p.repositoryArn,
        },
        // GetAuthorizationToken has no resource-level permissions: AWS requires "*".
        { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        {
            Sid: "PullBuildImage",
            Effect: "Allow",
            Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Resource: p.buildImageRepositoryArn,
        },
        {
            Sid: "BuildLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: [p.logGroupArn, `${p.logGroupArn}:*`],
        },
        { Sid: "ReleaseThroughWriter", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: p.releaseWriterArn },
    ];
    const keys = [p.bucketKmsKeyArn, p.repositoryKmsKeyArn].filter((k): k is string => !!k);
    if (keys.length > 0) {
        statements.push({ Sid: "EncryptionKeys", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [...new Set(keys)] });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** Resolved ARNs an app's release writer is scoped to. */
export interface ReleaseWriterPolicyParams {
    /** The app's name: its S3 prefix. */
    app: string;
    bucketArn: string;
    keyValueStoreArn: string;
    /** The writer's log group. */
    logGroupArn: string;
    /** KMS key of the asset bucket, when it is encrypted with one. */
    bucketKmsKeyArn?: string;
}

/**
 * The inline policy of an app's release writer: read, and write with the ETag, the one store (IAM
 * cannot narrow it to a key: the writer's code writes only `release:<app>`, from its environment),
 * see whether a release of its own app is uploaded (`<app>/<release>/index.html` only; HeadObject
 * is authorized as GetObject), and write its own log group.
 */
export function releaseWriterPolicy(p: ReleaseWriterPolicyParams): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ReleasePointer",
                Effect: "Allow",
                Action: ["cloudfront-keyvaluestore:DescribeKeyValueStore", "cloudfront-keyvaluestore:GetKey", "cloudfront-keyvaluestore:PutKey"],
                Resource: p.keyValueStoreArn,
            },
            { Sid: "ReleaseUploaded", Effect: "Allow", Action: "s3:GetObject", Resource: `${p.bucketArn}/${releaseContract.releaseIndexKey(p.app, "*")}` },
            { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [p.logGroupArn, `${p.logGroupArn}:*`] },
            // Reading an SSE-KMS object's metadata may go through the key: no more than the objects above.
            ...(p.bucketKmsKeyArn ? [{ Sid: "BucketKey", Effect: "Allow" as const, Action: "kms:Decrypt", Resource: p.bucketKmsKeyArn }] : []),
        ],
    };
}

/**
 * The asset bucket's policy: TLS only, and CloudFront on behalf of this one distribution (Origin
 * Access Control) may read objects and list the bucket. Listing is what makes S3 answer a missing
 * key with 404 (NoSuchKey) rather than 403, so no error page rewrites 403s at the distribution,
 * where it would rewrite the services' own 403s too. CloudFront never asks for a listing (a GET of
 * the bucket root): the router sends every request into an app's prefix, the distribution's
 * default root object stands for "/", and no query string is forwarded.
 */
export function assetBucketPolicy(bucketArn: string, distributionArn: string): PolicyDocument {
    const thisDistribution = { StringEquals: { "AWS:SourceArn": distributionArn } };
    return {
        Version: "2012-10-17",
        Statement: [
            denyInsecureTransport(bucketArn),
            {
                Sid: "CloudFrontReadsThroughOriginAccessControl",
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:GetObject",
                Resource: `${bucketArn}/*`,
                Condition: thisDistribution,
            },
            {
                Sid: "CloudFrontSeesMissingKeysAs404",
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:ListBucket",
                Resource: bucketArn,
                Condition: thisDistribution,
            },
        ],
    };
}

/** A statement denying every request to the bucket that does not use TLS. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/** The policy of a log bucket: TLS only (CloudFront writes through the bucket's ACL). */
export function logBucketPolicy(bucketArn: string): PolicyDocument {
    return { Version: "2012-10-17", Statement: [denyInsecureTransport(bucketArn)] };
}

/** Trust policies live in one place for every component (with their confused-deputy guards). */
export { serviceTrustPolicy } from "../trust-policy";
