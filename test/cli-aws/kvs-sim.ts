import {
    CloudFrontKeyValueStoreClient,
    DescribeKeyValueStoreCommand,
    GetKeyCommand,
    PutKeyCommand,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import { mockClient } from "aws-sdk-client-mock";
import { MOTO_CREDENTIALS } from "../support/moto";

export const KVS_ARN = "arn:aws:cloudfront::123456789012:key-value-store/0f5e3d4c-1b2a-4c5d-8e9f-0a1b2c3d4e5f";

/** An in-memory KeyValueStore with the real API's ETag rule, behind aws-sdk-client-mock. */
export class SimulatedKeyValueStore {
    etag = 1;
    readonly values = new Map<string, string>();
    readonly client = new CloudFrontKeyValueStoreClient({ region: "eu-west-1", credentials: MOTO_CREDENTIALS });
    readonly mock = mockClient(this.client);
    /** Runs just before the next PutKey is judged: a concurrent writer. */
    beforeNextPut?: () => void;

    constructor() {
        this.mock.on(DescribeKeyValueStoreCommand).callsFake(async () => ({ KvsARN: KVS_ARN, ETag: `E${this.etag}`, ItemCount: this.values.size }));
        this.mock.on(GetKeyCommand).callsFake(async (input) => {
            const value = this.values.get(input.Key);
            if (value === undefined) throw Object.assign(new Error("Key not found"), { name: "ResourceNotFoundException", $metadata: { httpStatusCode: 404 } });
            return { Key: input.Key, Value: value };
        });
        this.mock.on(PutKeyCommand).callsFake(async (input) => {
            const concurrent = this.beforeNextPut;
            this.beforeNextPut = undefined;
            concurrent?.();
            if (input.IfMatch !== `E${this.etag}`) throw Object.assign(new Error("Pre-condition failed"), { name: "ConflictException", $metadata: { httpStatusCode: 409 } });
            this.write(input.Key, input.Value);
            return { ETag: `E${this.etag}`, ItemCount: this.values.size, TotalSizeInBytes: 0 };
        });
    }

    write(key: string, value: string): void {
        this.values.set(key, value);
        this.etag++;
    }

    puts() {
        return this.mock.commandCalls(PutKeyCommand).map((c) => c.args[0].input);
    }
}
