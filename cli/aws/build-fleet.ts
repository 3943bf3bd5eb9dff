import type {
    BatchGetBuildsCommand,
    BatchGetBuildsCommandOutput,
    Build,
    StartBuildCommand,
    StartBuildCommandOutput,
} from "@aws-sdk/client-codebuild";
import { Clock, systemClock } from "./clock";
import { errorMessage, errorName } from "./errors";
import { BackoffOptions, isRetryable, withBackoff } from "./retry";

/** The two CodeBuild calls the fleet makes; a `CodeBuildClient` (real or mocked) is one. */
export interface CodeBuildApi {
    send(command: StartBuildCommand): Promise<StartBuildCommandOutput>;
    send(command: BatchGetBuildsCommand): Promise<BatchGetBuildsCommandOutput>;
}

/**
 * The CodeBuild client package, loaded with the fleet's first call: the CLI's renderers below
 * load with every command, the SDK only when a build starts.
 */
const codebuild = () => require("@aws-sdk/client-codebuild") as typeof import("@aws-sdk/client-codebuild");

/** `BatchGetBuilds` takes at most 100 ids per call. */
export const BATCH_GET_BUILDS_MAX = 100;

/**
 * Where one app's build stands. `QUEUED` and `STARTING` are the fleet's own (waiting for a slot,
 * StartBuild in flight); `START_FAILED` and `LOST` mean the fleet could not start or follow it;
 * the rest are CodeBuild's build statuses.
 */
export type AppBuildStatus =
    | "QUEUED"
    | "STARTING"
    | "IN_PROGRESS"
    | "SUCCEEDED"
    | "FAILED"
    | "FAULT"
    | "TIMED_OUT"
    | "STOPPED"
    | "START_FAILED"
    | "LOST";

const TERMINAL: ReadonlySet<AppBuildStatus> = new Set(["SUCCEEDED", "FAILED", "FAULT", "TIMED_OUT", "STOPPED", "START_FAILED", "LOST"]);

export function isTerminal(status: AppBuildStatus): boolean {
    return TERMINAL.has(status);
}

/** One app's build as the fleet tracks it. Times are the fleet clock's milliseconds. */
export interface AppBuild {
    app: string;
    project: string;
    status: AppBuildStatus;
    /** CodeBuild's current phase (`PROVISIONING`, `BUILD`, ...). */
    phase?: string;
    buildId?: string;
    /** When StartBuild returned. */
    startedAt?: number;
    /** When the fleet saw the build finish (or gave up on it). */
    endedAt?: number;
    /** The build's own duration from CodeBuild's start and end times, when it reports them. */
    buildMs?: number;
    /** CloudWatch Logs deep link of the build. */
    logLink?: string;
    /** Why a start failed or a build was lost. */
    message?: string;
}

export interface FleetApp {
    app: string;
    /** Its CodeBuild project. */
    project: string;
}

/** API calls made, by kind: what the fleet costs against CodeBuild's rate limits. */
export interface FleetCallCounts {
    startBuild: number;
    batchGetBuilds: number;
    /** Calls answered with throttling (each then retried after a backoff). */
    throttled: number;
    /** Largest number of ids in one BatchGetBuilds call. */
    maxIdsPerBatch: number;
}

export interface FleetResult {
    builds: AppBuild[];
    failed: AppBuild[];
    /** First start to last observed finish. */
    makespanMs: number;
    /** Sum of the builds' durations: what building one after another would take. */
    sumBuildMs: number;
    /** The longest single build. */
    slowestBuildMs: number;
    calls: FleetCallCounts;
}

export interface BuildFleetOptions {
    client: CodeBuildApi;
    /** @default the system clock */
    clock?: Clock;
    /**
     * Builds running at once. CodeBuild limits concurrent builds per account and compute type
     * (documented default 60, often far lower on new accounts) and queues the rest.
     * @default 20
     */
    concurrency?: number;
    /** Seconds between BatchGetBuilds polls. @default 10 */
    pollSeconds?: number;
    /** Follow builds to the end; false only starts them. @default true */
    wait?: boolean;
    /** Backoff for throttled calls. @default up to 8 attempts, 500 ms doubling to 20 s, full jitter */
    backoff?: Omit<BackoffOptions, "clock" | "onRetry" | "retryable">;
    /** Consecutive failed polls of a build before it counts as lost. @default 5 */
    maxPollFailures?: number;
    /** Called whenever a build's status or phase changes. */
    onChange?: (build: AppBuild) => void;
}

/**
 * StartBuild errors worth waiting out: throttling, and CodeBuild's own concurrent-build or queue
 * limit (which frees up as other builds in the account finish).
 */
function retryableStart(e: unknown): boolean {
    return isRetryable(e) || errorName(e) === "AccountLimitExceededException";
}

/**
 * Builds a fleet of apps with CodeBuild: starts up to `concurrency` builds, starts queued ones
 * as slots free, follows them all with batched polls, and isolates failures (a failed start or
 * build fails that app only). Clock and client are injected, so a simulated CodeBuild on a fake
 * clock exercises the real scheduling.
 */
export class BuildFleet {
    private readonly clock: Clock;
    private readonly concurrency: number;
    private readonly pollMs: number;
    private readonly wait: boolean;
    private readonly maxPollFailures: number;
    private readonly calls: FleetCallCounts = { startBuild: 0, batchGetBuilds: 0, throttled: 0, maxIdsPerBatch: 0 };
    private readonly pollFailures = new Map<string, number>();
    private readonly running = new Set<AppBuild>();

    constructor(private readonly o: BuildFleetOptions) {
        this.clock = o.clock ?? systemClock;
        this.concurrency = o.concurrency ?? 20;
        this.pollMs = (o.pollSeconds ?? 10) * 1000;
        this.wait = o.wait ?? true;
        this.maxPollFailures = o.maxPollFailures ?? 5;
        if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new RangeError(`concurrency must be a whole number >= 1, got ${this.concurrency}`);
        if (!(this.pollMs > 0)) throw new RangeError(`pollSeconds must be > 0, got ${o.pollSeconds}`);
    }

    async run(apps: FleetApp[]): Promise<FleetResult> {
        const builds: AppBuild[] = apps.map((a) => ({ app: a.app, project: a.project, status: "QUEUED" }));
        const queue = [...builds];
        const t0 = this.clock.now();

        if (!this.wait) {
            // Without waiting there are no slots to free: start everything (CodeBuild queues
            // builds past the account's limit), with at most `concurrency` StartBuild calls in flight.
            await this.pool(queue.splice(0), (b) => this.start(b));
        } else {
            while (queue.length > 0 || this.running.size > 0) {
                const free = this.concurrency - this.running.size;
                if (free > 0 && queue.length > 0) await Promise.all(queue.splice(0, free).map((b) => this.start(b)));
                if (this.running.size === 0) continue;
                await this.clock.sleep(this.pollMs);
                await this.poll();
            }
        }

        const ended = builds.map((b) => b.endedAt ?? this.clock.now());
        const durations = builds.map((b) => b.buildMs).filter((d): d is number => d !== undefined);
        return {
            builds,
            failed: builds.filter((b) => isTerminal(b.status) && b.status !== "SUCCEEDED"),
            makespanMs: (builds.length ? Math.max(...ended) : t0) - t0,
            sumBuildMs: durations.reduce((a, b) => a + b, 0),
            slowestBuildMs: durations.length ? Math.max(...durations) : 0,
            calls: { ...this.calls },
        };
    }

    private backoff<T>(fn: () => Promise<T>, retryable = isRetryable): Promise<T> {
        return withBackoff(fn, {
            ...this.o.backoff,
            clock: this.clock,
            retryable,
            onRetry: (e) => {
                if (isRetryable(e)) this.calls.throttled++;
            },
        });
    }

    private async pool<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
        let next = 0;
        const worker = async () => {
            while (next < items.length) await fn(items[next++]);
        };
        await Promise.all(Array.from({ length: Math.min(this.concurrency, items.length) }, worker));
    }

    private update(b: AppBuild, patch: Partial<AppBuild>): void {
        const changed = (patch.status !== undefined && patch.status !== b.status) || (patch.phase !== undefined && patch.phase !== b.phase);
        Object.assign(b, patch);
        if (changed) this.o.onChange?.(b);
    }

    private async start(b: AppBuild): Promise<void> {
        this.update(b, { status: "STARTING" });
        try {
            const out = await this.backoff(() => {
                this.calls.startBuild++;
                return this.o.client.send(new (codebuild().StartBuildCommand)({ projectName: b.project }));
            }, retryableStart);
            const build = out.build;
            if (!build?.id) throw new Error("StartBuild returned no build id");
            b.buildId = build.id;
            b.startedAt = this.clock.now();
            this.running.add(b);
            this.observe(b, build);
        } catch (e) {
            this.update(b, { status: "START_FAILED", message: `${errorName(e) || "Error"}: ${errorMessage(e)}`, endedAt: this.clock.now() });
        }
    }

    private async poll(): Promise<void> {
        const byId = new Map([...this.running].map((b) => [b.buildId!, b]));
        const ids = [...byId.keys()];
        for (let i = 0; i < ids.length; i += BATCH_GET_BUILDS_MAX) {
            const chunk = ids.slice(i, i + BATCH_GET_BUILDS_MAX);
            try {
                const out = await this.backoff(() => {
                    this.calls.batchGetBuilds++;
                    this.calls.maxIdsPerBatch = Math.max(this.calls.maxIdsPerBatch, chunk.length);
                    return this.o.client.send(new (codebuild().BatchGetBuildsCommand)({ ids: chunk }));
                });
                for (const build of out.builds ?? []) {
                    const b = build.id ? byId.get(build.id) : undefined;
                    if (!b) continue;
                    this.pollFailures.delete(b.app);
                    this.observe(b, build);
                }
                for (const id of out.buildsNotFound ?? []) {
                    const b = byId.get(id);
                    if (b) this.finish(b, { status: "LOST", message: `CodeBuild no longer knows build ${id}` });
                }
            } catch (e) {
                // A poll that fails past its retries is tried again next interval; only a build
                // that cannot be followed for several intervals in a row is given up on.
                for (const id of chunk) {
                    const b = byId.get(id)!;
                    const n = (this.pollFailures.get(b.app) ?? 0) + 1;
                    this.pollFailures.set(b.app, n);
                    if (n >= this.maxPollFailures) this.finish(b, { status: "LOST", message: `could not follow build ${id}: ${errorName(e)}: ${errorMessage(e)}` });
                }
            }
        }
    }

    private observe(b: AppBuild, build: Build): void {
        const status = (build.buildStatus ?? "IN_PROGRESS") as AppBuildStatus;
        const patch: Partial<AppBuild> = { status, phase: build.currentPhase ?? b.phase, logLink: build.logs?.deepLink ?? b.logLink };
        if (isTerminal(status)) {
            if (build.startTime && build.endTime) patch.buildMs = build.endTime.getTime() - build.startTime.getTime();
            this.finish(b, patch);
        } else {
            this.update(b, patch);
        }
    }

    private finish(b: AppBuild, patch: Partial<AppBuild>): void {
        this.running.delete(b);
        const endedAt = this.clock.now();
        this.update(b, { endedAt, ...patch, buildMs: patch.buildMs ?? b.buildMs ?? (b.startedAt !== undefined ? endedAt - b.startedAt : undefined) });
    }
}

/** `1h02m`, `3m05s`, `42s`. */
export function formatDuration(ms: number): string {
    const s = Math.round(ms / 1000);
    if (s < 60) return `${s}s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
    return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

function table(rows: string[][]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd()).join("\n");
}

/** The end-of-run table: every app, its outcome and build time, then makespan against the sum. */
export function renderFleetSummary(result: Pick<FleetResult, "builds" | "failed" | "makespanMs" | "sumBuildMs">): string {
    const rows = [["APP", "STATUS", "PHASE", "BUILD TIME", "BUILD"]];
    for (const b of result.builds) {
        rows.push([b.app, b.status, b.phase ?? "-", b.buildMs !== undefined ? formatDuration(b.buildMs) : "-", b.buildId ?? b.message ?? "-"]);
    }
    const ok = result.builds.length - result.failed.length;
    const speedup = result.makespanMs > 0 ? ` (${(result.sumBuildMs / result.makespanMs).toFixed(1)}x)` : "";
    return (
        `${table(rows)}\n\n` +
        `${ok} of ${result.builds.length} builds succeeded. ` +
        `Makespan ${formatDuration(result.makespanMs)}, sum of build times ${formatDuration(result.sumBuildMs)}${speedup}.`
    );
}

/** Why the command failed: every failed app with its log link (or why it never started). */
export function renderFleetFailures(failed: AppBuild[]): string {
    return (
        `${failed.length} build${failed.length === 1 ? "" : "s"} failed:\n` +
        failed.map((b) => `  ${b.app}: ${b.status}${b.logLink ? ` ${b.logLink}` : ""}${b.message ? ` (${b.message})` : ""}`).join("\n")
    );
}

/** One progress line for plain (non-TTY, CI) output. */
export function renderProgressLine(b: AppBuild, now: number): string {
    const elapsed = b.startedAt !== undefined ? ` ${formatDuration((b.endedAt ?? now) - b.startedAt)}` : "";
    return `${b.app}: ${b.status}${b.phase && !isTerminal(b.status) ? ` ${b.phase}` : ""}${elapsed}${b.status !== "SUCCEEDED" && isTerminal(b.status) && b.logLink ? ` ${b.logLink}` : ""}`;
}
