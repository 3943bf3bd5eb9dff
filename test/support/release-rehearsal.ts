import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { s3Client } from "../../cli/aws/clients";
import { FrontendApp, FrontendAppArgs } from "../../components/frontend/frontend-app";
import { releaseWriterBundlePath } from "../../components/frontend/release-writer/bundle";
import { SiteHost } from "../../components/frontend/site-host";
import { RecordedResource, runProgram } from "../../components/testing";
import { BuildResult, runBuildspec } from "./codebuild";
import { KeyValueStoreServer } from "./kvs-server";
import { resolveLocalhostSubdomains } from "./localhost-dns";
import { MOTO_CREDENTIALS, MotoServer, startMoto } from "./moto";
import { PlannedSite, RootObjectOrder, SiteEmulator, SiteEmulatorOptions, plannedSite } from "./site-emulator";

export const REHEARSAL_REGION = "eu-west-1";
const REPO = path.resolve(__dirname, "../..");
/** A small real SPA: Vite + React + react-router, a lazily loaded route, a `public/` file. */
export const SPA_FIXTURE = path.join(REPO, "test/fixtures/spa");

/** One app's release machinery, planned by Paved and run on this machine. */
export interface Rehearsal {
    app: string;
    appPath: string;
    s3: S3Client;
    moto: MotoServer;
    /** The KeyValueStore stand-in the writer writes and the router reads. */
    kvs: KeyValueStoreServer;
    /** The site, with CloudFront applying the default root object before the router. */
    site: SiteEmulator;
    /** The site in each order CloudFront may apply the default root object relative to the router. */
    sites: Record<RootObjectOrder, SiteEmulator>;
    /** The site as planned. */
    planned: PlannedSite;
    /** Another emulator over the same bucket and store (e.g. without the router). */
    emulate(site: PlannedSite, options: SiteEmulatorOptions): SiteEmulator;
    bucket: string;
    resources: RecordedResource[];
    /** The buildspec and environment of the app's planned CodeBuild project. */
    buildspec: string;
    projectEnvironment: Record<string, string>;
    /** The app's release writer (planned name and environment). */
    writer: { name: string; environment: Record<string, string> };
    /** The checkout: `CODEBUILD_SRC_DIR`; the app lives in `<srcDir>/web`. */
    srcDir: string;
    /** Runs the generated buildspec for commit `sha`, with the writer invoked through the local `aws` stand-in. */
    build(sha: string, buildspec?: string): Promise<BuildResult>;
    /** Rewrites the fixture's release notes, so every chunk of the next build changes. */
    setNotes(release: string): void;
    /** Every object key in the bucket. */
    keys(): Promise<string[]>;
    stop(): Promise<void>;
}

const IMAGE = { repositoryUrl: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/paved-dev/build-image", repositoryArn: "arn:aws:ecr:eu-west-1:123456789012:repository/paved-dev/build-image" };

function quote(s: string): string {
    return `'${s.replace(/'/g, `'\\''`)}'`;
}

function one(resources: RecordedResource[], type: string): RecordedResource {
    const found = resources.filter((r) => r.type === type);
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return found[0];
}

/**
 * Plans a SiteHost and one FrontendApp for the SPA fixture with Paved's components, then stands up
 * what the plan describes on this machine: the bucket (moto), the KeyValueStore (a local stand-in)
 * with the planned route entries, the app's release writer (its real bundle, run by the `aws
 * lambda invoke` stand-in), and the site (default root object, router, S3 under the planned
 * bucket policy), in both orders CloudFront may apply the default root object.
 * The app installs by linking this repository's node_modules (its `installCommand`), so no
 * registry is needed.
 */
export async function startRehearsal(app: string, appPath: string, extra: Partial<FrontendAppArgs> = {}): Promise<Rehearsal> {
    const plan = await runProgram({
        stack: "dev",
        project: "paved",
        config: { "aws:region": REHEARSAL_REGION },
        program: () => {
            const site = new SiteHost("site", { forceDestroy: true });
            new FrontendApp(`app-${app}`, {
                name: app,
                path: appPath,
                site,
                source: { repository: "https://github.com/acme/web.git", directory: "web" },
                build: { installCommand: `ln -sfn ${quote(path.join(REPO, "node_modules"))} node_modules` },
                buildImage: IMAGE,
                ...extra,
            });
        },
    });
    const resources = plan.resources;
    const project = one(resources, "aws:codebuild/project:Project");
    const fn = one(resources, "aws:lambda/function:Function");
    const storeArn: string = one(resources, "aws:cloudfront/keyValueStore:KeyValueStore").outputs.arn;
    const planned = plannedSite(resources);

    const moto = await startMoto();
    const restoreDns = resolveLocalhostSubdomains();
    const kvs = new KeyValueStoreServer(storeArn);
    await kvs.start();
    const s3 = s3Client({ region: REHEARSAL_REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    await s3.send(new CreateBucketCommand({ Bucket: planned.bucket, CreateBucketConfiguration: { LocationConstraint: REHEARSAL_REGION } }));
    for (const key of resources.filter((r) => r.type === "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey")) {
        if (key.inputs.keyValueStoreArn === storeArn) kvs.write(key.inputs.key, key.inputs.value);
    }

    const work = fs.mkdtempSync(path.join(os.tmpdir(), "paved-rehearsal-"));
    const srcDir = path.join(work, "src");
    fs.cpSync(SPA_FIXTURE, path.join(srcDir, "web"), { recursive: true, filter: (f) => !/\/(node_modules|dist)(\/|$)/.test(f) });
    const writer = { name: fn.inputs.name as string, environment: fn.inputs.environment.variables as Record<string, string> };
    const credentials = { AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey };
    const lambdas = path.join(work, "lambdas.json");
    fs.writeFileSync(
        lambdas,
        JSON.stringify({
            [writer.name]: {
                bundle: releaseWriterBundlePath(),
                environment: {
                    ...writer.environment,
                    ...credentials,
                    AWS_REGION: REHEARSAL_REGION,
                    AWS_ENDPOINT_URL_S3: moto.endpoint,
                    AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE: kvs.endpoint,
                },
            },
        }),
    );
    const projectEnvironment = Object.fromEntries(project.inputs.environment.environmentVariables.map((v: { name: string; value: string }) => [v.name, v.value]));
    const realAws = execFileSync("bash", ["-c", "command -v aws"], { encoding: "utf8" }).trim();
    const sites = {
        "before-router": new SiteEmulator(planned, s3, kvs.values, { rootObjectOrder: "before-router" }),
        "after-router": new SiteEmulator(planned, s3, kvs.values, { rootObjectOrder: "after-router" }),
    };
    const site = sites["before-router"];

    return {
        app,
        appPath,
        s3,
        moto,
        kvs,
        site,
        sites,
        planned,
        emulate: (other, options) => new SiteEmulator(other, s3, kvs.values, options),
        bucket: planned.bucket,
        resources,
        buildspec: project.inputs.source.buildspec,
        projectEnvironment,
        writer,
        srcDir,
        build: (sha, buildspec) =>
            runBuildspec(buildspec ?? project.inputs.source.buildspec, {
                srcDir,
                sourceVersion: sha,
                region: REHEARSAL_REGION,
                projectName: project.inputs.name,
                pathPrefix: [path.join(__dirname, "aws-shim")],
                environment: {
                    ...projectEnvironment,
                    ...credentials,
                    AWS_ENDPOINT_URL: moto.endpoint,
                    PAVED_TEST_LAMBDAS: lambdas,
                    PAVED_TEST_LAMBDA_LOG: path.join(work, "lambda.log"),
                    PAVED_REAL_AWS: realAws,
                },
            }),
        setNotes(release: string) {
            fs.writeFileSync(path.join(srcDir, "web/src/note.js"), `export const RELEASE_NOTE = ${JSON.stringify(`release ${release}`)};\n`);
            fs.writeFileSync(path.join(srcDir, "web/src/reports-note.js"), `export const REPORTS_NOTE = ${JSON.stringify(`reports of release ${release}`)};\n`);
        },
        async keys() {
            const out = await s3.send(new ListObjectsV2Command({ Bucket: planned.bucket }));
            return (out.Contents ?? []).map((o) => o.Key!).sort();
        },
        async stop() {
            for (const s of Object.values(sites)) await s.close();
            await kvs.stop();
            restoreDns();
            await moto.stop();
            fs.rmSync(work, { recursive: true, force: true });
        },
    };
}
