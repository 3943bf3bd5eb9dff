import * as assert from "assert";
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { s3Client } from "../../cli/aws/clients";
import { OperationFailed } from "../../cli/aws/errors";
import { ReleaseRefused } from "../../cli/aws/errors";
import { currentRelease, invokeReleaseWriter, listReleases, pruneReleases, release, releaseListing, renderReleases, rollback, ReleaseStore } from "../../cli/aws/releases";
import { PavedError } from "../../components/errors";
import { MOTO_CREDENTIALS, MotoServer, startMoto } from "../support/moto";
import { LocalReleaseWriters, writerName } from "./writer-sim";

const BUCKET = "paved-dev-assets-123456789012-eu-west-1";
const R1 = "20250101120000-aaaaaaa";
const R2 = "20250102120000-bbbbbbb";
const R3 = "20250103120000-ccccccc";
const R4_PARTIAL = "20250104120000-ddddddd";
const DAY = 86_400_000;

describe("cli/aws releases (S3 on moto, the pointer through each app's release writer)", function () {
    this.timeout(60000);
    let moto: MotoServer;
    let s3: S3Client;
    let writers: LocalReleaseWriters;

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
        writers = await LocalReleaseWriters.start(s3, BUCKET, ["catalog", "search", "pruned"]);
    });

    after(async () => {
        await writers?.stop();
        await moto?.stop();
    });

    beforeEach(() => {
        writers.store.values.clear();
        writers.store.log.length = 0;
        writers.lambda.invocations.length = 0;
    });

    function store(app = "catalog", extra: Partial<ReleaseStore> = {}): ReleaseStore {
        return { s3, lambda: writers.lambda.client, bucket: BUCKET, releaseWriter: writerName(app), ...extra };
    }

    it("lists an app's releases newest first from its S3 prefixes, page by page", async () => {
        assert.deepStrictEqual(await listReleases(store(), "catalog"), [R4_PARTIAL, R3, R2, R1]);
        assert.deepStrictEqual(await listReleases(store(), "search"), [R1]);
        assert.deepStrictEqual(await listReleases(store(), "nothing"), []);

        const pages: number[] = [];
        const counting = { send: async (cmd: ListObjectsV2Command) => { const out = await s3.send(cmd); pages.push(out.CommonPrefixes?.length ?? 0); return out; } };
        assert.deepStrictEqual(await listReleases(store("catalog", { s3: counting as unknown as S3Client, pageSize: 2 }), "catalog"), [R4_PARTIAL, R3, R2, R1]);
        assert.ok(pages.length >= 3, `expected several pages, got ${JSON.stringify(pages)}`);
    });

    it("marks the current release, read through the app's writer", async () => {
        writers.store.write("release:catalog", R2);
        const listing = await releaseListing(store(), "catalog");
        assert.deepStrictEqual(listing, { releases: [R4_PARTIAL, R3, R2, R1], current: R2 });
        assert.strictEqual(renderReleases("catalog", listing), [`  ${R4_PARTIAL}`, `  ${R3}`, `* ${R2}  (current)`, `  ${R1}`].join("\n"));
        assert.strictEqual(renderReleases("nothing", { releases: [] }), "nothing has no releases");
        assert.deepStrictEqual(writers.lambda.invocations.at(-1), { functionName: writerName("catalog"), event: { action: "current" } });
        // Outputs that name another app's writer are caught, not trusted.
        await assert.rejects(currentRelease(store("search"), "catalog"), (e: Error) => e instanceof OperationFailed && /writes for app search, not catalog/.test(e.message));
    });

    it("release asks the app's writer to move the pointer (which writes it with the store's ETag)", async () => {
        writers.store.write("release:catalog", R1);
        const change = await release(store(), "catalog", R3);
        assert.deepStrictEqual(change, { app: "catalog", previous: R1, current: R3, attempts: 1, unchanged: false });
        assert.deepStrictEqual(writers.lambda.invocations.at(-1)!.event, { action: "release", release: R3 });
        assert.deepStrictEqual(writers.puts(), ["PUT release:catalog 200"]);
        assert.strictEqual(writers.store.values.get("release:catalog"), R3);
        assert.strictEqual((await release(store(), "catalog", R3)).unchanged, true);
    });

    it("release refuses an invalid id and an id without uploaded assets, writing nothing", async () => {
        await assert.rejects(release(store(), "catalog", "../etc"), (e: Error) => e instanceof PavedError && /release id "\.\.\/etc" must be 1-64 characters/.test(e.message));
        await assert.rejects(
            release(store(), "catalog", R4_PARTIAL),
            (e: Error) => e instanceof PavedError && e.message.includes(`no s3://${BUCKET}/catalog/${R4_PARTIAL}/index.html`) && e.message.includes(`recent releases: ${R4_PARTIAL}, ${R3}`),
        );
        await assert.rejects(release(store(), "catalog", "20991231000000-fffffff"), PavedError);
        assert.deepStrictEqual(writers.puts(), []);
    });

    it("the writer's own refusal reaches the CLI as a ReleaseRefused naming the function", async () => {
        // Bypassing the CLI's checks: the writer checks again, and only its own app's prefix.
        await assert.rejects(invokeReleaseWriter(store("search"), { action: "release", release: R3 }), (e: Error) => e instanceof ReleaseRefused && /paved-dev-release-search refused: release 20250103120000-ccccccc of search is not uploaded/.test(e.message));
        await assert.rejects(invokeReleaseWriter(store(), { action: "release", release: R1, app: "search" } as never), (e: Error) => e instanceof ReleaseRefused && /event field "app" not accepted/.test(e.message));
        await assert.rejects(invokeReleaseWriter(store("catalog", { releaseWriter: "paved-dev-release-nope" }), { action: "current" }), /Function not found/);
        assert.deepStrictEqual(writers.puts(), []);
    });

    it("a concurrent write is retried by the writer with the fresh ETag, not clobbered", async () => {
        writers.store.write("release:catalog", R1);
        writers.store.beforeNextPut = () => writers.store.write("route:/other", "other"); // someone else's write moves the ETag
        const change = await release(store(), "catalog", R2);
        assert.strictEqual(change.attempts, 2);
        assert.deepStrictEqual(writers.puts(), ["PUT release:catalog 409", "PUT release:catalog 200"]);
        assert.strictEqual(writers.store.values.get("release:catalog"), R2);
        assert.strictEqual(writers.store.values.get("route:/other"), "other");
    });

    it("rollback moves to the newest uploaded release older than the current one", async () => {
        writers.store.write("release:catalog", R3);
        assert.deepStrictEqual(await rollback(store(), "catalog"), { app: "catalog", previous: R3, current: R2, attempts: 1, unchanged: false });
        assert.deepStrictEqual(await rollback(store(), "catalog"), { app: "catalog", previous: R2, current: R1, attempts: 1, unchanged: false });
        await assert.rejects(rollback(store(), "catalog"), (e: Error) => e instanceof PavedError && /no uploaded release older than its current release 20250101120000-aaaaaaa/.test(e.message));
        writers.store.values.clear();
        await assert.rejects(rollback(store(), "catalog"), /catalog has no current release to roll back from/);
    });

    it("a rollback racing another pointer write decides again from the value that won", async () => {
        writers.store.write("release:catalog", R2);
        // While we roll back from R2 (to R1), a build publishes R3.
        writers.store.beforeNextPut = () => writers.store.write("release:catalog", R3);
        const change = await rollback(store(), "catalog");
        assert.deepStrictEqual(change, { app: "catalog", previous: R3, current: R2, attempts: 2, unchanged: false });
        assert.strictEqual(writers.store.values.get("release:catalog"), R2);
        const releases = writers.lambda.invocations.filter((i) => (i.event as { action: string }).action === "release").map((i) => i.event);
        assert.deepStrictEqual(releases, [
            { action: "release", release: R1, expect: R2 },
            { action: "release", release: R2, expect: R3 },
        ]);
    });

    it("prune keeps the current, newer, --keep newest and recently superseded releases, and deletes the rest", async () => {
        const app = "pruned";
        const ids = ["20240101000000-0000001", "20240102000000-0000002", "20240103000000-0000003", "20240104000000-0000004", "20240105000000-0000005"];
        for (const id of ids) {
            for (let k = 0; k < 3; k++) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${app}/${id}/assets/f${k}.js`, Body: "x" }));
            await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${app}/${id}/index.html`, Body: "x" }));
        }
        const now = new Date();
        await assert.rejects(pruneReleases(store(app), app, { keep: 2, keepDays: 0, now }), /has no current release/);
        writers.store.write(`release:${app}`, ids[2]); // serving the third; the two newer ones are built, not released
        // Every release was uploaded just now: each older one was superseded less than a day ago.
        const recent = await pruneReleases(store(app), app, { keep: 1, keepDays: 1, now }, true);
        assert.deepStrictEqual(recent.pruned, []);
        // Seen from 3 days later, with 2 days of grace: they were superseded too long ago.
        const later = new Date(now.getTime() + 3 * DAY);
        const dry = await pruneReleases(store(app), app, { keep: 1, keepDays: 2, now: later }, true);
        assert.deepStrictEqual(dry.pruned, [ids[1], ids[0]]);
        assert.strictEqual(dry.objects, 0);
        assert.deepStrictEqual(await listReleases(store(app), app), [...ids].reverse(), "a dry run deletes nothing");

        const result = await pruneReleases(store(app), app, { keep: 4, keepDays: 2, now: later });
        assert.deepStrictEqual(result.kept, [ids[4], ids[3], ids[2], ids[1]]);
        assert.deepStrictEqual(result.pruned, [ids[0]]);
        assert.strictEqual(result.objects, 4);
        assert.deepStrictEqual(await listReleases(store(app), app), [ids[4], ids[3], ids[2], ids[1]]);
        const left = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${app}/${ids[0]}/` }));
        assert.strictEqual(left.KeyCount, 0);
        await assert.rejects(pruneReleases(store(app), app, { keep: 0, keepDays: 7 }), /--keep 0 must be a whole number of releases, at least 1/);
        await assert.rejects(pruneReleases(store(app), app, { keep: 1, keepDays: -1 }), /--keep-days -1 must be a number of days/);
    });
});
