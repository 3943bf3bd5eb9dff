// Registers the JavaScript SigV4A signer: the CloudFront KeyValueStore API is signed with SigV4A
// (region set "*"), and without a registered implementation every KVS call fails before it is sent.
import "@aws-sdk/signature-v4a";
import { CloudFrontKeyValueStoreClient } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { CodeBuildClient } from "@aws-sdk/client-codebuild";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SSMClient } from "@aws-sdk/client-ssm";

/** Static credentials, e.g. moto's `testing`/`testing`. */
export interface StaticCredentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
}

export interface AwsClientOptions {
    region: string;
    /** Endpoint override (moto, LocalStack, a VPC endpoint). @default the AWS endpoint (or `AWS_ENDPOINT_URL`) */
    endpoint?: string;
    /** @default the SDK's default credential chain */
    credentials?: StaticCredentials;
}

/** The clients the AWS-facing commands use, all for one environment's region. */
export interface AwsClients {
    codebuild: CodeBuildClient;
    s3: S3Client;
    ecs: ECSClient;
    ecr: ECRClient;
    kvs: CloudFrontKeyValueStoreClient;
    /** Invokes the apps' release writers. */
    lambda: LambdaClient;
    ssm: SSMClient;
    sfn: SFNClient;
    scheduler: SchedulerClient;
}

function common(o: AwsClientOptions) {
    return {
        region: o.region,
        ...(o.endpoint ? { endpoint: o.endpoint } : {}),
        ...(o.credentials ? { credentials: o.credentials } : {}),
    };
}

/**
 * CodeBuild without the SDK's own retries: the build fleet retries throttling itself with
 * backoff and jitter, and stacked retry loops would multiply the calls it makes.
 */
export function codeBuildClient(o: AwsClientOptions): CodeBuildClient {
    return new CodeBuildClient({ ...common(o), maxAttempts: 1 });
}

/** Path-style addressing with an endpoint override: emulators do not serve bucket subdomains. */
export function s3Client(o: AwsClientOptions): S3Client {
    return new S3Client({ ...common(o), ...(o.endpoint ? { forcePathStyle: true } : {}) });
}

export function ecsClient(o: AwsClientOptions): ECSClient {
    return new ECSClient(common(o));
}

export function ecrClient(o: AwsClientOptions): ECRClient {
    return new ECRClient(common(o));
}

export function ssmClient(o: AwsClientOptions): SSMClient {
    return new SSMClient(common(o));
}

export function keyValueStoreClient(o: AwsClientOptions): CloudFrontKeyValueStoreClient {
    return new CloudFrontKeyValueStoreClient(common(o));
}

export function lambdaClient(o: AwsClientOptions): LambdaClient {
    return new LambdaClient(common(o));
}

export function sfnClient(o: AwsClientOptions): SFNClient {
    return new SFNClient(common(o));
}

export function schedulerClient(o: AwsClientOptions): SchedulerClient {
    return new SchedulerClient(common(o));
}

export function createAwsClients(o: AwsClientOptions): AwsClients {
    return {
        codebuild: codeBuildClient(o),
        s3: s3Client(o),
        ecs: ecsClient(o),
        ecr: ecrClient(o),
        kvs: keyValueStoreClient(o),
        lambda: lambdaClient(o),
        ssm: ssmClient(o),
        sfn: sfnClient(o),
        scheduler: schedulerClient(o),
    };
}
