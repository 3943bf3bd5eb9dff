import * as assert from "assert";
import { DescribeKeyValueStoreCommand } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { Readable } from "stream";
import { createAwsClients } from "../../cli/aws/clients";
import { MOTO_CREDENTIALS } from "../support/moto";

describe("cli/aws clients", () => {
    it("signs KeyValueStore calls with SigV4A (JS signer registered), reaching the account's KVS endpoint", async () => {
        const seen: { hostname: string; authorization?: string; regionSet?: string }[] = [];
        const { kvs } = createAwsClients({ region: "eu-west-1", credentials: MOTO_CREDENTIALS });
        // Capture the signed request at the HTTP layer instead of sending it.
        kvs.config.requestHandler = {
            handle: async (req: { hostname: string; headers: Record<string, string> }) => {
                seen.push({ hostname: req.hostname, authorization: req.headers.authorization, regionSet: req.headers["x-amz-region-set"] });
                const body = Readable.from([Buffer.from(JSON.stringify({ KvsARN: "arn", ItemCount: 0, TotalSizeInBytes: 0, Created: 1 }))]);
                return { response: { statusCode: 200, headers: { "content-type": "application/json", etag: "ETAG1" }, body } };
            },
        } as never;
        const out = await kvs.send(new DescribeKeyValueStoreCommand({ KvsARN: "arn:aws:cloudfront::123456789012:key-value-store/0f5e3d4c-1b2a-4c5d-8e9f-0a1b2c3d4e5f" }));
        assert.strictEqual(out.ETag, "ETAG1");
        assert.strictEqual(seen.length, 1);
        assert.strictEqual(seen[0].hostname, "123456789012.cloudfront-kvs.global.api.aws");
        assert.match(seen[0].authorization ?? "", /^AWS4-ECDSA-P256-SHA256 Credential=testing\//);
        assert.strictEqual(seen[0].regionSet, "*");
    });

    it("points every client at an endpoint override; S3 uses path-style addressing there", async () => {
        const c = createAwsClients({ region: "eu-west-1", endpoint: "http://127.0.0.1:5999", credentials: MOTO_CREDENTIALS });
        for (const client of [c.codebuild, c.s3, c.ecs, c.ecr]) {
            const ep = await client.config.endpoint!();
            assert.strictEqual(`${ep.protocol}//${ep.hostname}:${ep.port}`, "http://127.0.0.1:5999");
        }
        assert.strictEqual(c.s3.config.forcePathStyle, true);
        assert.strictEqual(await c.codebuild.config.maxAttempts(), 1, "the build fleet does its own backoff");
    });
});
