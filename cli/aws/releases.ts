import { CloudFrontKeyValueStoreClient, GetKeyCommand } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DeleteObjectsCommand, HeadObjectCommand, ListObjectsV2Command, ListObjectsV2CommandOutput, S3Client } from "@aws-sdk/client-s3";
import { PavedError, show } from "../../components/errors";
import type { WriterEvent, WriterResult } from "../../components/frontend/release-writer/handler";
import { releaseContract } from "../../components/resource-names";
import { releaseIdViolation } from "../../components/release-contract";
import { errorName, httpStatus, OperationFailed, ReleaseRefused } from "./errors";

/** Where an app's releases live and the function that moves its release pointer. */
export interface ReleaseStore {
    s3: Pick<S3Client, "send">;
    lambda: Pick<LambdaClient, "send">;
    /** The asset bucket (`site.bucket` of the environment's outputs). */
    bucket: string;
    /** The app's release writer function (`apps.<app>.releaseWriter` of the outputs). */
    releaseWriter: string;
    /** Keys per ListObjectsV2 page. @default 1000 (S3's maximum) */
    pageSize?: number;
}

export interface ReleaseListing {
    /** Release ids, newest first. */
    releases: string[];
    /** The id the pointer names, if any. */
    current?: string;
}

export interface PointerChange {
    app: string;
    previous?: string;
    current: string;
    /** Attempts needed: more than 1 when another writer changed the store in between. */
    attempts: number;
    /** The pointer already named the release; nothing was written. */
    unchanged: boolean;
}


/** A compare-and-set lost: the pointer no longer names what the caller decided from. */
export class PointerMoved extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PointerMoved";
    }
}

/**
 * Invokes the app's release writer (Lambda `Invoke`, synchronous) and returns its result. A
 * function error carries the writer's error type: `ReleaseRefused` and `PointerMoved` become the
 * classes above, anything else an `OperationFailed` naming the function.
 */
export async function invokeReleaseWriter(store: ReleaseStore, event: WriterEvent): Promise<WriterResult> {
    const out = await store.lambda.send(new InvokeCommand({ FunctionName: store.releaseWriter, InvocationType: "RequestResponse", Payload: new TextEncoder().encode(JSON.stringify(event)) }));
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : "";
    let body: any;
    try {
        body = text ? JSON.parse(text) : undefined;
    } catch {
        throw new OperationFailed(`the release writer ${store.releaseWriter} answered something that is not JSON: ${text.slice(0, 200)}`);
    }
    if (out.FunctionError) {
        const type = String(body?.errorType ?? out.FunctionError);
        const message = String(body?.errorMessage ?? text);
        if (type === "ReleaseRefused") throw new ReleaseRefused(`the release writer ${store.releaseWriter} refused: ${message}`);
        if (type === "PointerMoved") throw new PointerMoved(message);
        throw new OperationFailed(`the release writer ${store.releaseWriter} failed: ${type}: ${message}`);
    }
    if (!body || typeof body.app !== "string") throw new OperationFailed(`the release writer ${store.releaseWriter} answered without a result: ${text.slice(0, 200)}`);
    return body as WriterResult;
}

/**
 * An app's release ids from the bucket's `<app>/<release>/` prefixes, newest first (ids start
 * with a UTC timestamp, so they sort by time). Entries that are not release ids are skipped.
 */
export async function listReleases(store: ReleaseStore, app: string): Promise<string[]> {
    const prefix = releaseContract.appPrefix(app);
    const ids: string[] = [];
    let token: string | undefined;
    do {
        const page: ListObjectsV2CommandOutput = await store.s3.send(
            new ListObjectsV2Command({ Bucket: store.bucket, Prefix: prefix, Delimiter: "/", ContinuationToken: token, MaxKeys: store.pageSize }),
        );
        for (const p of page.CommonPrefixes ?? []) {
            const id = p.Prefix?.slice(prefix.length).replace(/\/$/, "");
            if (id && releaseIdViolation(id) === undefined) ids.push(id);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return ids.sort().reverse();
}

/** The release the app's pointer names, or undefined if unset (read through the release writer). */
export async function currentRelease(store: ReleaseStore, app: string): Promise<string | undefined> {
    const result = await invokeReleaseWriter(store, { action: "current" });
    if (result.app !== app) throw new OperationFailed(`the release writer ${store.releaseWriter} writes for app ${result.app}, not ${app}: check the stack outputs`);
    return result.current;
}

/**
 * The release `release:<app>` names, read straight from the KeyValueStore (GetKey): for read-only
 * views such as `paved status`, which should not invoke fifty writers to look.
 */
export async function storedRelease(store: { kvs: Pick<CloudFrontKeyValueStoreClient, "send">; keyValueStoreArn: string }, app: string): Promise<string | undefined> {
    try {
        const out = await store.kvs.send(new GetKeyCommand({ KvsARN: store.keyValueStoreArn, Key: releaseContract.releaseKey(app) }));
        return out.Value;
    } catch (e) {
        if (errorName(e) === "ResourceNotFoundException") return undefined;
        throw e;
    }
}

export async function releaseListing(store: ReleaseStore, app: string): Promise<ReleaseListing> {
    const [releases, current] = await Promise.all([listReleases(store, app), currentRelease(store, app)]);
    return { releases, current };
}

/** When release `release` of `app` finished uploading (its `index.html`), or undefined if it did not. */
export async function releaseUploadedAt(store: ReleaseStore, app: string, release: string): Promise<Date | undefined> {
    try {
        const head = await store.s3.send(new HeadObjectCommand({ Bucket: store.bucket, Key: releaseContract.releaseIndexKey(app, release) }));
        return head.LastModified ?? new Date(0);
    } catch (e) {
        if (errorName(e) === "NotFound" || errorName(e) === "NoSuchKey" || httpStatus(e) === 404) return undefined;
        throw e;
    }
}

/** Whether release `release` of `app` has its assets uploaded (its `index.html` exists). */
export async function releaseUploaded(store: ReleaseStore, app: string, release: string): Promise<boolean> {
    return (await releaseUploadedAt(store, app, release)) !== undefined;
}

function change(result: WriterResult): PointerChange {
    return { app: result.app, previous: result.previous, current: result.current!, attempts: result.attempts, unchanged: result.unchanged };
}

/** Points `app` at `release` through its release writer, after checking the id and that its assets are uploaded. */
export async function release(store: ReleaseStore, app: string, releaseId: string): Promise<PointerChange> {
    const violation = releaseIdViolation(releaseId);
    if (violation) throw new PavedError(`release id ${show(releaseId)} ${violation}`);
    if (!(await releaseUploaded(store, app, releaseId))) {
        const recent = (await listReleases(store, app)).slice(0, 5);
        throw new PavedError(
            `release ${show(releaseId)} of ${app} has no uploaded assets (no s3://${store.bucket}/${releaseContract.releaseIndexKey(app, releaseId)}); ` +
                (recent.length ? `recent releases: ${recent.join(", ")}` : "the app has no releases yet"),
        );
    }
    return change(await invokeReleaseWriter(store, { action: "release", release: releaseId }));
}

/** The newest uploaded release older than `current`, from `releases` (newest first). */
export async function previousRelease(store: ReleaseStore, app: string, releases: string[], current: string): Promise<string | undefined> {
    for (const id of releases) {
        if (id < current && (await releaseUploaded(store, app, id))) return id;
    }
    return undefined;
}

/**
 * Points `app` back at the newest uploaded release older than its current one. The write is a
 * compare-and-set through the writer (`expect`): when another writer moved the pointer in between,
 * it decides again from the value that won, at most `maxAttempts` times.
 */
export async function rollback(store: ReleaseStore, app: string, maxAttempts = 5): Promise<PointerChange> {
    const releases = await listReleases(store, app);
    for (let attempt = 1; ; attempt++) {
        const current = await currentRelease(store, app);
        if (current === undefined) throw new PavedError(`${app} has no current release to roll back from (no ${releaseContract.releaseKey(app)} in the KeyValueStore)`);
        const target = await previousRelease(store, app, releases, current);
        if (target === undefined) throw new PavedError(`${app} has no uploaded release older than its current release ${current} to roll back to`);
        try {
            const result = change(await invokeReleaseWriter(store, { action: "release", release: target, expect: current }));
            return { ...result, attempts: result.attempts + attempt - 1 };
        } catch (e) {
            if (!(e instanceof PointerMoved) || attempt >= maxAttempts) throw e;
        }
    }
}

/** What `prune-releases` keeps; see `pruneReleases`. */
export interface RetentionOptions {
    /** The newest releases kept as rollback targets. */
    keep: number;
    /** Releases superseded less than this many days ago are kept for the pages still open on them. */
    keepDays: number;
    /** @default new Date() */
    now?: Date;
}

export interface PruneResult {
    app: string;
    current?: string;
    kept: string[];
    /** Releases whose objects were (or, in a dry run, would be) deleted. */
    pruned: string[];
    /** Objects deleted. */
    objects: number;
}

/** Keys under one prefix, page by page. */
async function keysUnder(store: ReleaseStore, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
        const page: ListObjectsV2CommandOutput = await store.s3.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: store.pageSize }));
        for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
}

const DAY_MS = 86_400_000;

/**
 * Deletes an app's old releases. Keeps: the one being served; every release newer than it (built,
 * not yet released); the `keep` newest overall (rollback targets); and every release superseded
 * less than `keepDays` ago, judged by when its successor (the next newer release) finished
 * uploading, because pages opened on it may still load its lazy chunks from its release URLs.
 * Deletes the objects of the rest, 1,000 keys per DeleteObjects call; versioning keeps them as
 * noncurrent versions until the bucket's lifecycle expires them. Refuses to run when the app has
 * no current release, and stops if the pointer moves while it works.
 */
export async function pruneReleases(store: ReleaseStore, app: string, retention: RetentionOptions, dryRun = false): Promise<PruneResult> {
    const { keep, keepDays } = retention;
    if (!Number.isInteger(keep) || keep < 1) throw new PavedError(`--keep ${show(keep)} must be a whole number of releases, at least 1`);
    if (!Number.isFinite(keepDays) || keepDays < 0) throw new PavedError(`--keep-days ${show(keepDays)} must be a number of days, 0 or more`);
    const now = (retention.now ?? new Date()).getTime();
    const { releases, current } = await releaseListing(store, app);
    if (current === undefined) throw new PavedError(`${app} has no current release (no ${releaseContract.releaseKey(app)}); nothing is pruned without one`);
    const kept: string[] = [];
    const pruned: string[] = [];
    // Newest first: releases[i - 1] is the successor of releases[i].
    for (let i = 0; i < releases.length; i++) {
        const id = releases[i];
        let keepIt = i < keep || id >= current;
        if (!keepIt) {
            const supersededAt = await releaseUploadedAt(store, app, releases[i - 1]);
            // A successor without an index.html never went live: its predecessor is not superseded by it.
            keepIt = supersededAt === undefined || now - supersededAt.getTime() < keepDays * DAY_MS;
        }
        (keepIt ? kept : pruned).push(id);
    }
    let objects = 0;
    if (!dryRun) {
        for (const id of pruned) {
            // The pointer may have moved since the listing: never delete what is being served.
            if ((await currentRelease(store, app)) !== current) throw new OperationFailed(`the release pointer of ${app} moved while pruning; ${objects} objects deleted, run prune again`);
            const keys = await keysUnder(store, releaseContract.releasePrefix(app, id));
            for (let i = 0; i < keys.length; i += 1000) {
                const batch = keys.slice(i, i + 1000);
                const out = await store.s3.send(new DeleteObjectsCommand({ Bucket: store.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
                if (out.Errors && out.Errors.length > 0) throw new OperationFailed(`deleting ${id} of ${app}: ${out.Errors.length} objects failed, first ${out.Errors[0].Key}: ${out.Errors[0].Code}`);
                objects += batch.length;
            }
        }
    }
    return { app, current, kept, pruned, objects };
}

/** The `paved releases` listing: newest first, the current one marked. */
export function renderReleases(app: string, listing: ReleaseListing): string {
    if (listing.releases.length === 0) return `${app} has no releases`;
    const lines = listing.releases.map((id) => `${id === listing.current ? "*" : " "} ${id}${id === listing.current ? "  (current)" : ""}`);
    if (listing.current && !listing.releases.includes(listing.current)) lines.unshift(`! current release ${listing.current} has no assets in the bucket`);
    return lines.join("\n");
}
