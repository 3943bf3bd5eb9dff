import * as assert from "assert";
import { BatchGetBuildsCommand, CodeBuildClient, StartBuildCommand } from "@aws-sdk/client-codebuild";
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { AwsClients, Paved, PavedEvent } from "../../automation";
import { s3Client } from "../../cli/aws/clients";
import { FakeClock } from "../../cli/aws/clock";
import { ReleaseStore, release } from "../../cli/aws/releases";
import { EnvironmentOutputs } from "../../components/environment/outputs";
import { PROJECT_DIR } from "../../components/offline";
import { releaseBot } from "../../examples/release-bot";
import { SimulatedCodeBuild } from "../cli-aws/codebuild-sim";
import { KVS_ARN, LocalReleaseWriters, writerName } from "../cli-aws/writer-sim";
import { FakeStacks } from "../cli/fake-stacks";
import { MOTO_CREDENTIALS, MotoServer, startMoto } from "../support/moto";

const BUCKET = "paved-dev-assets-123456789012-eu-west-1";
const PROJECT = "paved-dev-app-catalog";
const LIVE = "20250101120000-aaaaaaa";
const creds = { region: "eu-west-1", credentials: MOTO_CREDENTIALS };

/** The outputs of the deployed dev stack the bot reads: as the program exports them. */
const OUTPUTS = {
    environment: "dev",
    region: "eu-west-1",
    site: { url: "https://d111111abcdef8.cloudfront.net", bucket: BUCKET, keyValueStoreArn: KVS_ARN },
    apps: { catalog: { url: "https://d111111abcdef8.cloudfront.net/catalog", buildProject: PROJECT, releaseWriter: writerName("catalog") } },
} as unknown as EnvironmentOutputs;

/**
 * The release bot against fake stack operations (the stack's outputs), CodeBuild simulated through
 * aws-sdk-client-mock, S3 on moto and the app's real release writer with a local KeyValueStore.
 * A successful build uploads its release (index.html last) and, as Paved's buildspec does, may ask
 * the writer to release it forward.
 */
describe("examples/release-bot: build one app, serve it if its checks pass, roll back otherwise", function () {
    this.timeout(120_000);
    let moto: MotoServer;
    let s3: S3Client;
    let writers: LocalReleaseWriters;
    let store: ReleaseStore;
    let seq = 0;

    before(async () => {
        moto = await startMoto();
        s3 = s3Client({ ...creds, endpoint: moto.endpoint });
        await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
        await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `catalog/${LIVE}/index.html`, Body: "<html>" }));
        writers = await LocalReleaseWriters.start(s3, BUCKET, ["catalog"]);
        store = { s3, lambda: writers.lambda.client, bucket: BUCKET, releaseWriter: writerName("catalog") };
    });
    after(async () => {
        await writers?.stop();
        await moto?.stop();
    });
    beforeEach(async () => {
        // Each case starts from LIVE alone, served.
        await release(store, "catalog", LIVE);
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
        const others = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => !k.startsWith(`catalog/${LIVE}/`));
        if (others.length) await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: others.map((Key) => ({ Key })) } }));
    });

    function setup(o: { fails?: boolean; releasesForward?: boolean } = {}) {
        const clock = new FakeClock();
        const codebuild = new CodeBuildClient(creds);
        const mock = mockClient(codebuild);
        const sim = new SimulatedCodeBuild({ clock, duration: () => 3 * 60_000, failing: o.fails ? new Set([PROJECT]) : undefined });
        // Ids sort by time: each build's is newer than every release before it.
        const id = `2025010${2 + seq++}120000-bbbbbbb`;
        mock.on(StartBuildCommand).callsFake(async (input) => {
            if (!o.fails) {
                await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `catalog/${id}/assets/app.js`, Body: "x" }));
                await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `catalog/${id}/index.html`, Body: "<html>" }));
                if (o.releasesForward) await release(store, "catalog", id);
            }
            return sim.startBuild(input);
        });
        mock.on(BatchGetBuildsCommand).callsFake((input) => sim.batchGetBuilds(input));
        const stacks = new FakeStacks().add("dev", {}, OUTPUTS as unknown as Record<string, unknown>);
        const events: PavedEvent[] = [];
        const paved = new Paved({
            projectDir: PROJECT_DIR,
            stacks,
            clock,
            clients: () => ({ codebuild, s3, lambda: writers.lambda.client }) as unknown as AwsClients,
            onEvent: (e) => events.push(e),
        });
        const checked: { release: string; url: string }[] = [];
        const check = (pass: boolean) => async (r: string, url: string) => (checked.push({ release: r, url }), pass);
        return { id, paved, stacks, mock, events, checked, check };
    }

    const served = () => writers.store.values.get("release:catalog");

    it("serves the new release when its checks pass", async () => {
        const { id, paved, stacks, events, checked, check } = setup();
        const result = await releaseBot(paved, "dev", "catalog", check(true));
        assert.strictEqual(result.outcome, "released");
        assert.strictEqual(result.build.status, "SUCCEEDED");
        assert.strictEqual(result.build.durationMs, 3 * 60_000);
        assert.deepStrictEqual(checked, [{ release: id, url: `https://d111111abcdef8.cloudfront.net/catalog/_r/${id}/` }]);
        assert.deepStrictEqual(result.outcome === "released" && result.change, { app: "catalog", previous: LIVE, current: id, attempts: 1, unchanged: false });
        assert.strictEqual(served(), id);
        // Progress arrived as events; the bot only read the stack (its outputs), never changed it.
        assert.deepStrictEqual(events.filter((e) => e.type === "build").map((e) => e.type === "build" && e.build.status).slice(-1), ["SUCCEEDED"]);
        assert.deepStrictEqual(stacks.mutations(), []);
    });

    it("rolls back when the checks fail and the build had already released forward", async () => {
        const { id, paved, check } = setup({ releasesForward: true });
        const result = await releaseBot(paved, "dev", "catalog", check(false));
        assert.strictEqual(result.outcome, "rolled-back");
        assert.deepStrictEqual(result.outcome === "rolled-back" && result.change, { app: "catalog", previous: id, current: LIVE, attempts: 1, unchanged: false });
        assert.strictEqual(served(), LIVE);
    });

    it("leaves the pointer alone when the checks fail and nothing released the build", async () => {
        const { id, paved, check } = setup();
        const writes = writers.puts().length;
        const result = await releaseBot(paved, "dev", "catalog", check(false));
        assert.deepStrictEqual([result.outcome, result.outcome !== "build-failed" && result.release], ["not-released", id]);
        assert.strictEqual(served(), LIVE);
        assert.strictEqual(writers.puts().length, writes, "nothing wrote the store");
    });

    it("stops at a failed build: no check, no pointer move", async () => {
        const { paved, checked, check } = setup({ fails: true });
        const before = (await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount;
        const writes = writers.puts().length;
        const result = await releaseBot(paved, "dev", "catalog", check(true));
        assert.strictEqual(result.outcome, "build-failed");
        assert.strictEqual(result.build.status, "FAILED");
        assert.match(result.build.logLink ?? "", /^https:\/\/console\.aws\.amazon\.com\/cloudwatch\//);
        assert.deepStrictEqual(checked, []);
        assert.strictEqual(served(), LIVE);
        assert.strictEqual(writers.puts().length, writes, "nothing wrote the store");
        assert.strictEqual((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount, before);
    });

    it("refuses a bad app name before any build, stack read or AWS call (typed error, no exit)", async () => {
        const { paved, stacks, mock } = setup();
        await assert.rejects(releaseBot(paved, "dev", "Catalog", async () => true), (e: Error) => e.name === "PavedError" && /app "Catalog": an app name must be lowercase/.test(e.message));
        await assert.rejects(releaseBot(paved, "dev", "nosuch", async () => true), /unknown app "nosuch" in dev; apps in dev: .*\bcatalog\b/);
        assert.deepStrictEqual(stacks.calls, []);
        assert.strictEqual(mock.commandCalls(StartBuildCommand).length, 0);
    });
});
