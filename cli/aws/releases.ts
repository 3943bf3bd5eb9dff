import {
    CloudFrontKeyValueStoreClient,
    DescribeKeyValueStoreCommand,
    GetKeyCommand,
    PutKeyCommand,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import { DeleteObjectsCommand, HeadObjectCommand, ListObjectsV2Command, ListObjectsV2CommandOutput, S3Client } from "@aws-sdk/client-s3";
import { PavedError, show } from "../../components/errors";
import { releaseContract } from "../../components/resource-names";
import { releaseIdViolation } from "../../components/validation";
import { Clock, systemClock } from "./clock";
import { errorName, httpStatus } from "./errors";
import { withBackoff } from "./retry";

/** Where an app's releases live and where its release pointer is. */
export interface ReleaseStore {
    s3: Pick<S3Client, "send">;
    kvs: Pick<CloudFrontKeyValueStoreClient, "send">;
    /** The asset bucket (`site.bucket` of the environment's outputs). */
    bucket: string;
    /** The KeyValueStore's ARN (`site.keyValueStoreArn`). */
    keyValueStoreArn: string;
    /** Clock for the pause between pointer-write attempts. @default the system clock */
    clock?: Clock;
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

/** The release the KeyValueStore's `release:<app>` pointer names, or undefined if unset. */
export async function currentRelease(store: Pick<ReleaseStore, "kvs" | "keyValueStoreArn">, app: string): Promise<string | undefined> {
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

/** Whether release `release` of `app` has its assets uploaded (its `index.html` exists). */
export async function releaseUploaded(store: ReleaseStore, app: string, release: string): Promise<boolean> {
    try {
        await store.s3.send(new HeadObjectCommand({ Bucket: store.bucket, Key: `${releaseContract.releasePrefix(app, release)}index.html` }));
        return true;
    } catch (e) {
        if (errorName(e) === "NotFound" || errorName(e) === "NoSuchKey" || httpStatus(e) === 404) return false;
        throw e;
    }
}

/** A write lost to a concurrent writer: the ETag we sent is no longer the store's. */
function isConflict(e: unknown): boolean {
    const name = errorName(e);
    return name === "ConflictException" || name === "PreconditionFailed" || httpStatus(e) === 409 || httpStatus(e) === 412;
}

/**
 * Sets `release:<app>` to what `decide` returns for the current value, with optimistic
 * concurrency: read the store's ETag, read the pointer, `PutKey` with `IfMatch`. When another
 * writer got there first, start over from fresh reads (so `decide` sees their value) instead of
 * overwriting it; give up after `maxAttempts`.
 */
export async function updateReleasePointer(
    store: ReleaseStore,
    app: string,
    decide: (current: string | undefined) => Promise<string> | string,
    maxAttempts = 5,
): Promise<PointerChange> {
    const clock = store.clock ?? systemClock;
    const Key = releaseContract.releaseKey(app);
    let attempts = 0;
    let result: PointerChange | undefined;
    await withBackoff(
        async () => {
            attempts++;
            // ETag first: a write between these two reads makes the PutKey fail, not go stale.
            const { ETag } = await store.kvs.send(new DescribeKeyValueStoreCommand({ KvsARN: store.keyValueStoreArn }));
            const previous = await currentRelease(store, app);
            const target = await decide(previous);
            if (target === previous) {
                result = { app, previous, current: target, attempts, unchanged: true };
                return;
            }
            await store.kvs.send(new PutKeyCommand({ KvsARN: store.keyValueStoreArn, Key, Value: target, IfMatch: ETag }));
            result = { app, previous, current: target, attempts, unchanged: false };
        },
        { clock, maxAttempts, baseMs: 200, maxMs: 2000, retryable: isConflict },
    ).catch((e) => {
        if (isConflict(e)) throw new Error(`the KeyValueStore kept changing under ${attempts} attempts to set ${Key}; nothing was overwritten, try again`);
        throw e;
    });
    return result!;
}

/** Points `app` at `release` after checking the id and that its assets are uploaded. */
export async function release(store: ReleaseStore, app: string, releaseId: string): Promise<PointerChange> {
    const violation = releaseIdViolation(releaseId);
    if (violation) throw new PavedError(`release id ${show(releaseId)} ${violation}`);
    if (!(await releaseUploaded(store, app, releaseId))) {
        const recent = (await listReleases(store, app)).slice(0, 5);
        throw new PavedError(
            `release ${show(releaseId)} of ${app} has no uploaded assets (no s3://${store.bucket}/${releaseContract.releasePrefix(app, releaseId)}index.html); ` +
                (recent.length ? `recent releases: ${recent.join(", ")}` : "the app has no releases yet"),
        );
    }
    return updateReleasePointer(store, app, () => releaseId);
}

/** The newest uploaded release older than `current`, from `releases` (newest first). */
export async function previousRelease(store: ReleaseStore, app: string, releases: string[], current: string): Promise<string | undefined> {
    for (const id of releases) {
        if (id < current && (await releaseUploaded(store, app, id))) return id;
    }
    return undefined;
}

/** Points `app` back at the newest uploaded release older than its current one. */
export async function rollback(store: ReleaseStore, app: string): Promise<PointerChange> {
    const releases = await listReleases(store, app);
    return updateReleasePointer(store, app, async (current) => {
        if (current === undefined) throw new PavedError(`${app} has no current release to roll back from (no ${releaseContract.releaseKey(app)} in the KeyValueStore)`);
        const target = await previousRelease(store, app, releases, current);
        if (target === undefined) throw new PavedError(`${app} has no uploaded release older than its current release ${current} to roll back to`);
        return target;
    });
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

/**
 * Deletes an app's old releases: keeps the one being served, every release newer than it (built,
 * not yet released), and the `keep` newest overall (rollback targets); deletes the objects of the
 * rest, 1,000 keys per DeleteObjects call. Versioning keeps the deleted objects as noncurrent
 * versions until the bucket's lifecycle expires them. Refuses to run when the app has no current
 * release, and stops if the pointer moves while it works.
 */
export async function pruneReleases(store: ReleaseStore, app: string, keep: number, dryRun = false): Promise<PruneResult> {
    if (!Number.isInteger(keep) || keep < 1) throw new PavedError(`--keep ${show(keep)} must be a whole number of releases, at least 1`);
    const { releases, current } = await releaseListing(store, app);
    if (current === undefined) throw new PavedError(`${app} has no current release (no ${releaseContract.releaseKey(app)}); nothing is pruned without one`);
    const kept = releases.filter((id, i) => i < keep || id >= current);
    const pruned = releases.filter((id) => !kept.includes(id));
    let objects = 0;
    if (!dryRun) {
        for (const id of pruned) {
            // The pointer may have moved since the listing: never delete what is being served.
            if ((await currentRelease(store, app)) !== current) throw new Error(`the release pointer of ${app} moved while pruning; ${objects} objects deleted, run prune again`);
            const keys = await keysUnder(store, releaseContract.releasePrefix(app, id));
            for (let i = 0; i < keys.length; i += 1000) {
                const batch = keys.slice(i, i + 1000);
                const out = await store.s3.send(new DeleteObjectsCommand({ Bucket: store.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
                if (out.Errors && out.Errors.length > 0) throw new Error(`deleting ${id} of ${app}: ${out.Errors.length} objects failed, first ${out.Errors[0].Key}: ${out.Errors[0].Code}`);
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
