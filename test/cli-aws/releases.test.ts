import * as assert from "assert";
import { DescribeKeyValueStoreCommand, PutKeyCommand } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { s3Client } from "../../cli/aws/clients";
import { FakeClock } from "../../cli/aws/clock";
import { listReleases, pruneReleases, release, releaseListing, renderReleases, rollback, ReleaseStore } from "../../cli/aws/releases";
import { PavedError } from "../../components/errors";
import { MOTO_CREDENTIALS, MotoServer, startMoto } from "../support/moto";
import { KVS_ARN, SimulatedKeyValueStore } from "./kvs-sim";

const BUCKET = "paved-dev-assets-123456789012-eu-west-1";
const R1 = "20250101120000-aaaaaaa";
const R2 = "20250102120000-bbbbbbb";
const R3 = "20250103120000-ccccccc";
const R4_PARTIAL = "20250104120000-ddddddd";

describe("cli/aws releases (S3 on moto, KeyValueStore mocked)", function () {
    let moto: MotoServer;
    let s3: S3Client;

    before(async () => {
        moto = await startMoto();
        s3 = s3Client({ region: "eu-west-1", endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
        await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
        const put = (Key: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: "x" }));
        for (const r of [R1, R2, R3]) {
            await put(`catalog/${r}/index.html`);
            await put(`catalog/${r}/assets/app.js`);
        }
        await put(`catalog/${R4_PARTIAL}/assets/app.js`); // an upload still in progress: no index.html yet
        await put("catalog/not a release/index.html");
        await put("catalog/README");
        await put(`search/${R1}/index.html`);
    });

    after(async () => {
        await moto?.stop();
    });

    function store(kvs: SimulatedKeyValueStore, extra: Partial<ReleaseStore> = {}): ReleaseStore {
        return { s3, kvs: kvs.client, bucket: BUCKET, keyValueStoreArn: KVS_ARN, clock: new FakeClock(), ...extra };
    }

    it("lists an app's releases newest first from its S3 prefixes, page by page", async () => {
        const kvs = new SimulatedKeyValueStore();
        assert.deepStrictEqual(await listReleases(store(kvs), "catalog"), [R4_PARTIAL, R3, R2, R1]);
        assert.deepStrictEqual(await listReleases(store(kvs), "search"), [R1]);
        assert.deepStrictEqual(await listReleases(store(kvs), "nothing"), []);

        const pages: number[] = [];
        const counting = { send: async (cmd: ListObjectsV2Command) => { const out = await s3.send(cmd); pages.push(out.CommonPrefixes?.length ?? 0); return out; } };
        assert.deepStrictEqual(await listReleases(store(kvs, { s3: counting as unknown as S3Client, pageSize: 2 }), "catalog"), [R4_PARTIAL, R3, R2, R1]);
        assert.ok(pages.length >= 3, `expected several pages, got ${JSON.stringify(pages)}`);
    });

    it("marks the current release from the release:<app> pointer", async () => {
        const kvs = new SimulatedKeyValueStore();
        kvs.write("release:catalog", R2);
        const listing = await releaseListing(store(kvs), "catalog");
        assert.deepStrictEqual(listing, { releases: [R4_PARTIAL, R3, R2, R1], current: R2 });
        assert.strictEqual(renderReleases("catalog", listing), [`  ${R4_PARTIAL}`, `  ${R3}`, `* ${R2}  (current)`, `  ${R1}`].join("\n"));
        assert.strictEqual(renderReleases("nothing", { releases: [] }), "nothing has no releases");
    });

    it("release writes the pointer with the store's ETag", async () => {
        const kvs = new SimulatedKeyValueStore();
        kvs.write("release:catalog", R1);
        const change = await release(store(kvs), "catalog", R3);
        assert.deepStrictEqual(change, { app: "catalog", previous: R1, current: R3, attempts: 1, unchanged: false });
        assert.deepStrictEqual(kvs.puts(), [{ KvsARN: KVS_ARN, Key: "release:catalog", Value: R3, IfMatch: "E2" }]);
        assert.strictEqual(kvs.values.get("release:catalog"), R3);
    });

    it("release refuses an invalid id and an id without uploaded assets, writing nothing", async () => {
        const kvs = new SimulatedKeyValueStore();
        await assert.rejects(release(store(kvs), "catalog", "../etc"), (e: Error) => e instanceof PavedError && /release id "\.\.\/etc" must be 1-64 characters/.test(e.message));
        await assert.rejects(
            release(store(kvs), "catalog", R4_PARTIAL),
            (e: Error) => e instanceof PavedError && e.message.includes(`no s3://${BUCKET}/catalog/${R4_PARTIAL}/index.html`) && e.message.includes(`recent releases: ${R4_PARTIAL}, ${R3}`),
        );
        await assert.rejects(release(store(kvs), "catalog", "20991231000000-fffffff"), PavedError);
        assert.strictEqual(kvs.puts().length, 0);
    });

    it("a concurrent write (first PutKey conflicts) is retried with the fresh ETag, not clobbered", async () => {
        const kvs = new SimulatedKeyValueStore();
        kvs.write("release:catalog", R1);
        kvs.beforeNextPut = () => kvs.write("route:/other", "other"); // someone else's write moves the ETag
        const change = await release(store(kvs), "catalog", R2);
        assert.strictEqual(change.attempts, 2);
        assert.deepStrictEqual(kvs.puts().map((p) => p.IfMatch), ["E2", "E3"]);
        assert.strictEqual(kvs.values.get("release:catalog"), R2);
        assert.strictEqual(kvs.values.get("route:/other"), "other");
    });

    it("a mocked ConflictException on the first PutKey leads to a fresh DescribeKeyValueStore and a second PutKey", async () => {
        const kvs = new SimulatedKeyValueStore();
        kvs.write("release:catalog", R1);
        kvs.mock
            .on(PutKeyCommand)
            .rejectsOnce(Object.assign(new Error("conflict"), { name: "ConflictException", $metadata: { httpStatusCode: 409 } }))
            .resolves({ ETag: "E9", ItemCount: 1, TotalSizeInBytes: 1 });
        const change = await release(store(kvs), "catalog", R3);
        assert.strictEqual(change.attempts, 2);
        assert.strictEqual(kvs.mock.commandCalls(DescribeKeyValueStoreCommand).length, 2);
        assert.strictEqual(kvs.mock.commandCalls(PutKeyCommand).length, 2);
    });

    it("gives up after bounded conflicts without overwriting", async () => {
        const kvs = new SimulatedKeyValueStore();
        kvs.mock.on(PutKeyCommand).rejects(Object.assign(new Error("conflict"), { name: "ConflictException", $metadata: { httpStatusCode: 409 } }));
        await assert.rejects(release(store(kvs), "catalog", R3), /kept changing under 5 attempts to set release:catalog; nothing was overwritten/);
        assert.strictEqual(kvs.mock.commandCalls(PutKeyCommand).length, 5);
    });

    it("rollback moves to the newest uploaded release older than the current one", async () => {
        const kvs = new SimulatedKeyValueStore();
        kvs.write("release:catalog", R3);
        assert.deepStrictEqual(await rollback(store(kvs), "catalog"), { app: "catalog", previous: R3, current: R2, attempts: 1, unchanged: false });
        assert.deepStrictEqual(await rollback(store(kvs), "catalog"), { app: "catalog", previous: R2, current: R1, attempts: 1, unchanged: false });
        await assert.rejects(rollback(store(kvs), "catalog"), (e: Error) => e instanceof PavedError && /no uploaded release older than its current release 20250101120000-aaaaaaa/.test(e.message));
        await assert.rejects(rollback(store(new SimulatedKeyValueStore()), "catalog"), /catalog has no current release to roll back from/);
    });

    it("a rollback racing another pointer write decides again from the value that won", async () => {
        const kvs = new SimulatedKeyValueStore();
        kvs.write("release:catalog", R2);
        // While we roll back from R2 (to R1), a build publishes R3.
        kvs.beforeNextPut = () => kvs.write("release:catalog", R3);
        const change = await rollback(store(kvs), "catalog");
        assert.deepStrictEqual(change, { app: "catalog", previous: R3, current: R2, attempts: 2, unchanged: false });
        assert.strictEqual(kvs.values.get("release:catalog"), R2);
    });

    it("prune deletes releases older than the current one beyond --keep, and nothing else", async () => {
        const app = "pruned";
        const ids = ["20240101000000-0000001", "20240102000000-0000002", "20240103000000-0000003", "20240104000000-0000004", "20240105000000-0000005"];
        for (const id of ids) {
            for (let k = 0; k < 3; k++) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${app}/${id}/assets/f${k}.js`, Body: "x" }));
            await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${app}/${id}/index.html`, Body: "x" }));
        }
        const kvs = new SimulatedKeyValueStore();
        await assert.rejects(pruneReleases(store(kvs), app, 2), /has no current release/);
        kvs.values.set(`release:${app}`, ids[2]); // serving the third; the two newer ones are built, not released
        const dry = await pruneReleases(store(kvs), app, 1, true);
        assert.deepStrictEqual(dry.pruned, [ids[1], ids[0]]);
        assert.strictEqual(dry.objects, 0);
        assert.deepStrictEqual(await listReleases(store(kvs), app), [...ids].reverse(), "a dry run deletes nothing");

        const result = await pruneReleases(store(kvs), app, 4);
        assert.deepStrictEqual(result.kept, [ids[4], ids[3], ids[2], ids[1]]);
        assert.deepStrictEqual(result.pruned, [ids[0]]);
        assert.strictEqual(result.objects, 4);
        assert.deepStrictEqual(await listReleases(store(kvs), app), [ids[4], ids[3], ids[2], ids[1]]);
        const left = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${app}/${ids[0]}/` }));
        assert.strictEqual(left.KeyCount, 0);
        await assert.rejects(pruneReleases(store(kvs), app, 0), /--keep 0 must be a whole number of releases, at least 1/);
    });
});
