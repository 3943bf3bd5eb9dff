import { CloudFrontKeyValueStoreClient } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { S3Client } from "@aws-sdk/client-s3";
import { releaseWriter } from "../../components/frontend/release-writer/handler";
import { KeyValueStoreServer } from "../support/kvs-server";
import { localLambda } from "../support/lambda-local";
import { resolveLocalhostSubdomains } from "../support/localhost-dns";
import { MOTO_CREDENTIALS } from "../support/moto";

export const KVS_ARN = "arn:aws:cloudfront::123456789012:key-value-store/0f5e3d4c-1b2a-4c5d-8e9f-0a1b2c3d4e5f";

/** The release writer function name Paved gives app `app` in the dev stack. */
export const writerName = (app: string) => `paved-dev-release-${app}`;

/**
 * The apps' release writers as the CLI reaches them: a LambdaClient whose Invoke runs each app's
 * real writer handler in this process, against S3 (moto) and a local KeyValueStore stand-in.
 */
export class LocalReleaseWriters {
    private constructor(
        readonly store: KeyValueStoreServer,
        readonly lambda: ReturnType<typeof localLambda>,
        private readonly restoreDns: () => void,
    ) {}

    static async start(s3: S3Client, bucket: string, apps: string[]): Promise<LocalReleaseWriters> {
        const store = new KeyValueStoreServer(KVS_ARN);
        await store.start();
        const restoreDns = resolveLocalhostSubdomains();
        const kvs = new CloudFrontKeyValueStoreClient({ region: "eu-west-1", endpoint: store.endpoint, credentials: MOTO_CREDENTIALS });
        const functions = Object.fromEntries(apps.map((app) => [writerName(app), releaseWriter({ app, bucket, keyValueStoreArn: KVS_ARN }, { s3, kvs, sleep: async () => undefined })]));
        return new LocalReleaseWriters(store, localLambda(functions), restoreDns);
    }

    /** Successful and failed KeyValueStore writes, e.g. "PUT release:catalog 409". */
    puts(): string[] {
        return this.store.log.filter((l) => l.startsWith("PUT"));
    }

    async stop(): Promise<void> {
        this.restoreDns();
        await this.store.stop();
    }
}
