import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { CloudFrontKeyValueStoreClient } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { s3Client } from "../../cli/aws/clients";
import { releaseWriterBundlePath } from "../../components/frontend/release-writer/bundle";
import { WRITER_ENVIRONMENT } from "../../components/frontend/release-writer/environment";
import { PointerMoved, ReleaseRefused, parseWriterEvent, releaseWriter } from "../../components/frontend/release-writer/handler";
import { KeyValueStoreServer } from "../support/kvs-server";
import { resolveLocalhostSubdomains } from "../support/localhost-dns";
import { MOTO_CREDENTIALS, MotoServer, startMoto } from "../support/moto";

const BUCKET = "paved-dev-assets-123456789012-eu-west-1";
const KVS_ARN = "arn:aws:cloudfront::123456789012:key-value-store/0f5e3d4c-1b2a-4c5d-8e9f-0a1b2c3d4e5f";
const R1 = "20260101120000-aaaaaaa";
const R2 = "20260102120000-bbbbbbb";
const PARTIAL = "20260103120000-ccccccc";
const SEARCH = "20260104120000-ddddddd";

describe("release writer (the Lambda handler, on moto S3 and a KeyValueStore stand-in)", function () {
    this.timeout(60000);
    let moto: MotoServer;
    let s3: S3Client;
    let server: KeyValueStoreServer;
    let kvs: CloudFrontKeyValueStoreClient;
    let restoreDns: () => void;

    before(async () => {
        moto = await startMoto();
        restoreDns = resolveLocalhostSubdomains();
        s3 = s3Client({ region: "eu-west-1", endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
        await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
        const put = (Key: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: "x" }));
        for (const r of [R1, R2]) await put(`catalog/${r}/index.html`);
        await put(`catalog/${PARTIAL}/assets/app.js`); // still uploading: no index.html yet
        await put(`search/${SEARCH}/index.html`);
        server = new KeyValueStoreServer(KVS_ARN);
        await server.start();
        kvs = new CloudFrontKeyValueStoreClient({ region: "eu-west-1", endpoint: server.endpoint, credentials: MOTO_CREDENTIALS });
    });

    after(async () => {
        await server?.stop();
        restoreDns?.();
        await moto?.stop();
    });

    beforeEach(() => {
        server.values.clear();
        server.log.length = 0;
        server.write("route:/", "home");
        server.write("route:/catalog", "catalog");
    });

    const writer = (extra: { maxAttempts?: number } = {}) => releaseWriter({ app: "catalog", bucket: BUCKET, keyValueStoreArn: KVS_ARN }, { s3, kvs, sleep: async () => undefined, ...extra });
    const puts = () => server.log.filter((l) => l.startsWith("PUT"));

    it("reads the current release and moves the pointer to an uploaded release with the store's ETag", async () => {
        const w = writer();
        assert.deepStrictEqual(await w({ action: "current" }), { app: "catalog", previous: undefined, current: undefined, attempts: 0, unchanged: true });
        assert.deepStrictEqual(await w({ action: "release", release: R1 }), { app: "catalog", previous: undefined, current: R1, attempts: 1, unchanged: false });
        assert.deepStrictEqual(await w({ action: "release", release: R2 }), { app: "catalog", previous: R1, current: R2, attempts: 1, unchanged: false });
        assert.deepStrictEqual(await w({ action: "release", release: R2 }), { app: "catalog", previous: R2, current: R2, attempts: 1, unchanged: true });
        assert.strictEqual((await w({ action: "current" })).current, R2);
        assert.deepStrictEqual(puts(), ["PUT release:catalog 200", "PUT release:catalog 200"]);
        assert.deepStrictEqual([server.values.get("route:/"), server.values.get("route:/catalog")], ["home", "catalog"], "routes untouched");
    });

    it("refuses a release whose index.html is not uploaded, and another app's release", async () => {
        const w = writer();
        for (const id of [PARTIAL, "20991231000000-fffffff", SEARCH]) {
            await assert.rejects(w({ action: "release", release: id }), (e: Error) => e instanceof ReleaseRefused && e.message.includes(`s3://${BUCKET}/catalog/${id}/index.html does not exist`), id);
        }
        assert.deepStrictEqual(puts(), []);
    });

    it("refuses every event that asks for another key, another app or a bad id, writing nothing", async () => {
        const w = writer();
        const adversarial: [unknown, RegExp][] = [
            [{ action: "release", release: SEARCH, app: "search" }, /event field "app" not accepted; this function only writes release:catalog/],
            [{ action: "release", release: R1, key: "route:/" }, /event field "key" not accepted/],
            [{ action: "release", release: R1, Key: "release:search", Value: R1 }, /event fields "Key", "Value" not accepted/],
            [{ action: "put", key: "route:/login", value: "catalog" }, /event.action "put" must be "current" or "release"/],
            [{ action: "current", app: "search" }, /event field "app" not accepted/],
            [{ action: "release", release: "../search/20260104120000-ddddddd" }, /event.release "\.\.\/search\/20260104120000-ddddddd" must be 1-64 characters/],
            [{ action: "release", release: `${R1}/../../search/${SEARCH}` }, /must be 1-64 characters/],
            [{ action: "release", release: "" }, /must be 1-64 characters/],
            [{ action: "release", release: 42 }, /event.release 42/],
            [{ action: "release", release: R1, expect: "../x" }, /event.expect "\.\.\/x" must be a release id or null/],
            [{ action: "release", release: R1, ifNewer: "yes" }, /event.ifNewer "yes" must be true or false/],
            [[{ action: "release", release: R1 }], /must be an object/],
            [null, /must be an object/],
            ["release:catalog", /must be an object/],
        ];
        for (const [event, message] of adversarial) {
            await assert.rejects(w(event), (e: Error) => e instanceof ReleaseRefused && message.test(e.message), JSON.stringify(event));
        }
        assert.deepStrictEqual(puts(), []);
        assert.deepStrictEqual(server.log, [], "refused before touching the store");
        assert.deepStrictEqual(parseWriterEvent("catalog", { action: "release", release: R1, ifNewer: false }), { action: "release", release: R1 });
    });

    it("retries a write that lost to a concurrent writer from fresh reads, never clobbering it", async () => {
        const w = writer();
        server.write("release:catalog", R1);
        server.beforeNextPut = () => server.write("release:search", SEARCH); // another app's writer moves the ETag
        const result = await w({ action: "release", release: R2 });
        assert.deepStrictEqual(result, { app: "catalog", previous: R1, current: R2, attempts: 2, unchanged: false });
        assert.deepStrictEqual(puts(), ["PUT release:catalog 409", "PUT release:catalog 200"]);
        assert.strictEqual(server.values.get("release:search"), SEARCH);
    });

    it("gives up after bounded conflicts with nothing overwritten", async () => {
        const w = writer({ maxAttempts: 3 });
        const again = () => {
            server.write("route:/x", String(Math.random()));
            server.beforeNextPut = again;
        };
        server.beforeNextPut = again;
        await assert.rejects(w({ action: "release", release: R1 }), /kept changing under 3 attempts to set release:catalog; nothing was overwritten/);
        server.beforeNextPut = undefined;
        assert.strictEqual(server.values.get("release:catalog"), undefined);
    });

    it("compare-and-set with expect: writes only over the value the caller decided from", async () => {
        const w = writer();
        await assert.rejects(w({ action: "release", release: R1, expect: R2 }), (e: Error) => e instanceof PointerMoved && /now names no release/.test(e.message));
        assert.strictEqual((await w({ action: "release", release: R1, expect: null })).current, R1);
        await assert.rejects(w({ action: "release", release: R2, expect: null }), (e: Error) => e instanceof PointerMoved && (e as PointerMoved).current === R1);
        assert.strictEqual((await w({ action: "release", release: R2, expect: R1 })).current, R2);
        assert.deepStrictEqual(puts().length, 2);
    });

    it("with ifNewer (builds), never moves the pointer back to an older release", async () => {
        const w = writer();
        server.write("release:catalog", R2);
        assert.deepStrictEqual(await w({ action: "release", release: R1, ifNewer: true }), { app: "catalog", previous: R2, current: R2, attempts: 1, unchanged: true });
        server.write("release:catalog", R1);
        assert.strictEqual((await w({ action: "release", release: R2, ifNewer: true })).current, R2);
    });

    it("treats S3's 403 for a missing key (no ListBucket) as not uploaded", async () => {
        const denying = {
            send: async (cmd: unknown) => {
                if (cmd instanceof HeadObjectCommand) throw Object.assign(new Error("Forbidden"), { name: "403", $metadata: { httpStatusCode: 403 } });
                return s3.send(cmd as never);
            },
        };
        const w = releaseWriter({ app: "catalog", bucket: BUCKET, keyValueStoreArn: KVS_ARN }, { s3: denying as unknown as S3Client, kvs });
        await assert.rejects(w({ action: "release", release: R1 }), ReleaseRefused);
        assert.deepStrictEqual(puts(), []);
    });

    it("the bundled function (build/release-writer) behaves the same behind `aws lambda invoke`", async () => {
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "paved-writer-"));
        const lambdas = path.join(work, "lambdas.json");
        fs.writeFileSync(
            lambdas,
            JSON.stringify({
                "paved-dev-release-catalog": {
                    bundle: releaseWriterBundlePath(),
                    environment: {
                        [WRITER_ENVIRONMENT.app]: "catalog",
                        [WRITER_ENVIRONMENT.bucket]: BUCKET,
                        [WRITER_ENVIRONMENT.keyValueStoreArn]: KVS_ARN,
                        AWS_REGION: "eu-west-1",
                        AWS_ACCESS_KEY_ID: "testing",
                        AWS_SECRET_ACCESS_KEY: "testing",
                        AWS_ENDPOINT_URL_S3: moto.endpoint,
                        AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE: server.endpoint,
                    },
                },
            }),
        );
        const invoke = async (payload: string, raw = true) => {
            const out = path.join(work, "out.json");
            const args = [path.join(__dirname, "../support/run-lambda.js"), "--function-name", "paved-dev-release-catalog", ...(raw ? ["--cli-binary-format", "raw-in-base64-out"] : []), "--payload", payload, "--query", "FunctionError", "--output", "text", out];
            const { stdout } = await promisify(execFile)("node", args, { env: { ...process.env, PAVED_TEST_LAMBDAS: lambdas } });
            return { functionError: stdout.trim(), response: JSON.parse(fs.readFileSync(out, "utf8")) };
        };
        try {
            const ok = await invoke(JSON.stringify({ action: "release", release: R1, ifNewer: true }));
            assert.deepStrictEqual(ok, { functionError: "None", response: { app: "catalog", current: R1, attempts: 1, unchanged: false } });
            const refused = await invoke(JSON.stringify({ action: "release", release: SEARCH, app: "search" }));
            assert.strictEqual(refused.functionError, "Unhandled");
            assert.strictEqual(refused.response.errorType, "ReleaseRefused");
            assert.match(refused.response.errorMessage, /event field "app" not accepted/);
            // CLI v2 reads --payload as base64 unless told otherwise: the buildspec must say raw-in-base64-out.
            await assert.rejects(invoke(JSON.stringify({ action: "current" }), false), /Invalid base64/);
            assert.strictEqual(server.values.get("release:catalog"), R1);
            assert.strictEqual(server.values.get("release:search"), undefined);
        } finally {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });
});
