import { physicalName } from "./naming";

/**
 * The physical names Paved gives AWS resources. Only the components call these; the stack outputs
 * carry every name the `paved` CLI needs (it never derives one). Never build one by hand.
 *
 * `prefix` is the environment's name prefix, `<project>-<stack>` (e.g. `paved-dev`).
 */
export const resourceNames = {
    /** The one S3 bucket holding every app's assets (account and region keep it globally unique). */
    assetBucket: (prefix: string, accountId: string, region: string) => physicalName("s3Bucket", prefix, "assets", accountId, region),
    /** The CloudFront KeyValueStore of routes and release pointers. */
    routeStore: (prefix: string) => physicalName("cloudfront", prefix, "routes"),
    /** The viewer-request router function. */
    routerFunction: (prefix: string) => physicalName("cloudfront", prefix, "router"),
    /** An app's CodeBuild project. */
    appBuildProject: (prefix: string, app: string) => physicalName("codebuildProject", prefix, "app", app),
    /** An app's ECR repository. */
    appRepository: (prefix: string, app: string) => physicalName("ecrRepository", `${prefix}/apps/${app}`),
    /** An app's build log group. */
    appBuildLogGroup: (prefix: string, app: string) => physicalName("logGroup", `/paved/${prefix}/apps/${app}/build`),
    /** An app's release writer: the one Lambda function that moves its release pointer. */
    appReleaseWriter: (prefix: string, app: string) => physicalName("lambdaFunction", prefix, "release", app),
    /** The release writer's log group (where Lambda logs a function named like that by default). */
    appReleaseWriterLogGroup: (prefix: string, app: string) => physicalName("logGroup", `/aws/lambda/${resourceNames.appReleaseWriter(prefix, app)}`),
    /** The build image's ECR repository and CodeBuild project. */
    buildImageRepository: (prefix: string) => physicalName("ecrRepository", `${prefix}/build-image`),
    buildImageProject: (prefix: string) => physicalName("codebuildProject", prefix, "build-image"),
    /** The batch ECS cluster (also runs container services). */
    cluster: (prefix: string) => physicalName("ecsName", prefix),
    /** A job's task definition family. */
    jobTaskFamily: (prefix: string, job: string) => physicalName("ecsName", prefix, "job", job),
    /** A job's log group. */
    jobLogGroup: (prefix: string, job: string) => physicalName("logGroup", `/paved/${prefix}/jobs/${job}`),
    /** A scheduled job's state machine. */
    jobStateMachine: (prefix: string, job: string) => physicalName("stateMachine", prefix, "job", job),
    /** A queue job's queue and its dead-letter queue. */
    jobQueue: (prefix: string, job: string) => physicalName("sqsQueue", prefix, job),
    jobDeadLetterQueue: (prefix: string, job: string) => physicalName("sqsQueue", prefix, job, "dlq"),
    /** A queue job's worker service. */
    jobWorkerService: (prefix: string, job: string) => physicalName("ecsName", prefix, "workers", job),
    /** An app's container service and its task definition family. */
    appService: (prefix: string, app: string) => physicalName("ecsName", prefix, "svc", app),
    appServiceFamily: (prefix: string, app: string) => physicalName("ecsName", prefix, "svc", app),
    appServiceLogGroup: (prefix: string, app: string) => physicalName("logGroup", `/paved/${prefix}/services/${app}`),
    /**
     * The SSM parameter holding the image an app's service runs: written by `paved deploy-service`,
     * read by the program at `up`. Its parent path holds nothing else, so one by-path lookup finds it.
     */
    appServiceImageParameter: (prefix: string, app: string) => `/paved/${prefix}/services/${app}/image`,
};

/** The release contract lives in its own dependency-free module (the release writer's bundle reads it). */
export { releaseContract, DEFAULT_FILE_EXTENSIONS } from "./release-contract";
