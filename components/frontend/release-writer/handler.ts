// The release writer: the one principal that writes an app's release pointer. It runs as a Lambda
// function per app (see `FrontendApp`), bundled with esbuild into one file (`npm run build:writer`),
// because the KeyValueStore API is signed with SigV4A and the runtime's bundled SDK is not
// guaranteed to carry a SigV4A signer. Keep its imports free of Pulumi and of the CLI.
import "@aws-sdk/signature-v4a";
import { CloudFrontKeyValueStoreClient, DescribeKeyValueStoreCommand, GetKeyCommand, PutKeyCommand } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { releaseContract } from "../../release-contract";
import { releaseIdViolation } from "../../validation";
import { WRITER_ENVIRONMENT } from "./environment";


/** Reads the app's current release. */
export interface CurrentEvent {
    action: "current";
}

/** Points the app at `release`, whose `index.html` must be uploaded. */
export interface ReleaseEvent {
    action: "release";
    release: string;
    /**
     * Compare-and-set: write only if the pointer still names this release (`null`: no pointer
     * yet), else fail with `PointerMoved`. Rollbacks decide from the value they read.
     */
    expect?: string | null;
    /** Write only if `release` sorts after the current one (builds: a slow build never goes back). */
    ifNewer?: boolean;
}

export type WriterEvent = CurrentEvent | ReleaseEvent;

export interface WriterResult {
    app: string;
    /** The pointer before this call (undefined: none). */
    previous?: string;
    /** The pointer after this call. */
    current?: string;
    /** KeyValueStore write attempts (more than 1 when another writer changed the store in between). */
    attempts: number;
    /** Nothing was written (a read, the same release, or an older one with `ifNewer`). */
    unchanged: boolean;
}

/** The event asks for something this writer never does; nothing was written. */
export class ReleaseRefused extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ReleaseRefused";
    }
}

/** `expect` no longer holds: another writer moved the pointer; decide again from `current`. */
export class PointerMoved extends Error {
    constructor(readonly current: string | undefined) {
        super(`the release pointer moved: it now names ${current ?? "no release"}`);
        this.name = "PointerMoved";
    }
}

export interface WriterConfig {
    app: string;
    bucket: string;
    keyValueStoreArn: string;
}

export interface WriterDeps {
    s3: Pick<S3Client, "send">;
    kvs: Pick<CloudFrontKeyValueStoreClient, "send">;
    /** Pause between write attempts. @default setTimeout */
    sleep?: (ms: number) => Promise<void>;
    /** @default 5 */
    maxAttempts?: number;
}

const EVENT_FIELDS: Record<WriterEvent["action"], string[]> = { current: ["action"], release: ["action", "release", "expect", "ifNewer"] };

/** The event, checked field by field: anything unknown (an `app`, a `key`, a `value`) is refused. */
export function parseWriterEvent(app: string, raw: unknown): WriterEvent {
    const refuse = (why: string): never => {
        throw new ReleaseRefused(`${why}; this function only writes ${releaseContract.releaseKey(app)}`);
    };
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return refuse(`the event must be an object such as {"action":"release","release":"<id>"}`);
    const event = raw as Record<string, unknown>;
    const action = event.action;
    if (action !== "current" && action !== "release") return refuse(`event.action ${JSON.stringify(action)} must be "current" or "release"`);
    const unknown = Object.keys(event).filter((k) => !EVENT_FIELDS[action].includes(k));
    if (unknown.length > 0) refuse(`event field${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => JSON.stringify(k)).join(", ")} not accepted`);
    if (action === "current") return { action };
    const id = event.release;
    if (typeof id !== "string" || releaseIdViolation(id)) refuse(`event.release ${JSON.stringify(id)} ${releaseIdViolation(String(id)) ?? "must be a string"}`);
    const expect = event.expect;
    if (expect !== undefined && expect !== null && (typeof expect !== "string" || releaseIdViolation(expect))) refuse(`event.expect ${JSON.stringify(expect)} must be a release id or null`);
    if (event.ifNewer !== undefined && typeof event.ifNewer !== "boolean") refuse(`event.ifNewer ${JSON.stringify(event.ifNewer)} must be true or false`);
    return { action, release: id as string, ...(expect !== undefined ? { expect: expect as string | null } : {}), ...(event.ifNewer ? { ifNewer: true } : {}) };
}

function errorName(e: unknown): string {
    return (e as { name?: string })?.name ?? "";
}

function httpStatus(e: unknown): number | undefined {
    return (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** A write lost to a concurrent writer: the ETag sent is no longer the store's. */
function isConflict(e: unknown): boolean {
    return errorName(e) === "ConflictException" || errorName(e) === "PreconditionFailed" || httpStatus(e) === 409 || httpStatus(e) === 412;
}

/**
 * The writer for one app. It writes only `release:<config.app>`, only a valid release id whose
 * `<app>/<id>/index.html` exists, with the store's ETag (retrying from fresh reads when another
 * writer got there first), and answers reads of the current release.
 */
export function releaseWriter(config: WriterConfig, deps: WriterDeps): (event: unknown) => Promise<WriterResult> {
    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const maxAttempts = deps.maxAttempts ?? 5;
    const Key = releaseContract.releaseKey(config.app);
    const KvsARN = config.keyValueStoreArn;

    async function current(): Promise<string | undefined> {
        try {
            return (await deps.kvs.send(new GetKeyCommand({ KvsARN, Key }))).Value;
        } catch (e) {
            if (errorName(e) === "ResourceNotFoundException") return undefined;
            throw e;
        }
    }

    async function uploaded(release: string): Promise<boolean> {
        try {
            await deps.s3.send(new HeadObjectCommand({ Bucket: config.bucket, Key: releaseContract.releaseIndexKey(config.app, release) }));
            return true;
        } catch (e) {
            // Without s3:ListBucket, S3 answers 403 for a missing key.
            if (errorName(e) === "NotFound" || errorName(e) === "NoSuchKey" || httpStatus(e) === 404 || httpStatus(e) === 403) return false;
            throw e;
        }
    }

    return async (raw: unknown) => {
        const event = parseWriterEvent(config.app, raw);
        if (event.action === "current") {
            const now = await current();
            return { app: config.app, previous: now, current: now, attempts: 0, unchanged: true };
        }
        if (!(await uploaded(event.release))) {
            throw new ReleaseRefused(`release ${event.release} of ${config.app} is not uploaded: s3://${config.bucket}/${releaseContract.releaseIndexKey(config.app, event.release)} does not exist`);
        }
        for (let attempt = 1; ; attempt++) {
            // ETag first: a write between these two reads makes the PutKey fail, not go stale.
            const { ETag } = await deps.kvs.send(new DescribeKeyValueStoreCommand({ KvsARN }));
            const previous = await current();
            if (event.expect !== undefined && (event.expect ?? undefined) !== previous) throw new PointerMoved(previous);
            if (previous === event.release || (event.ifNewer && previous !== undefined && event.release < previous)) {
                return { app: config.app, previous, current: previous, attempts: attempt, unchanged: true };
            }
            try {
                await deps.kvs.send(new PutKeyCommand({ KvsARN, Key, Value: event.release, IfMatch: ETag }));
                return { app: config.app, previous, current: event.release, attempts: attempt, unchanged: false };
            } catch (e) {
                if (!isConflict(e)) throw e;
                if (attempt >= maxAttempts) throw new Error(`the KeyValueStore kept changing under ${attempt} attempts to set ${Key}; nothing was overwritten, try again`);
                await sleep(Math.min(2000, 200 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2));
            }
        }
    };
}

let cached: ((event: unknown) => Promise<WriterResult>) | undefined;

/** The writer configured from the function's environment (`WRITER_ENVIRONMENT`). */
function fromEnvironment(): (event: unknown) => Promise<WriterResult> {
    const read = (name: string) => {
        const value = process.env[name];
        if (!value) throw new Error(`the release writer's environment lacks ${name}; redeploy it with Paved`);
        return value;
    };
    const config = { app: read(WRITER_ENVIRONMENT.app), bucket: read(WRITER_ENVIRONMENT.bucket), keyValueStoreArn: read(WRITER_ENVIRONMENT.keyValueStoreArn) };
    return releaseWriter(config, { s3: new S3Client({}), kvs: new CloudFrontKeyValueStoreClient({}) });
}

/** The Lambda entry point (`index.handler`). A refusal is a function error whose type names it. */
export async function handler(event: unknown): Promise<WriterResult> {
    cached ??= fromEnvironment();
    const result = await cached(event);
    console.log(JSON.stringify({ event, result }));
    return result;
}
