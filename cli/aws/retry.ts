import { Clock } from "./clock";
import { errorName, httpStatus } from "./errors";

const THROTTLING = new Set([
    "ThrottlingException",
    "TooManyRequestsException",
    "Throttling",
    "ThrottledException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
]);

/** Throttling and transient server/network errors: worth retrying after a pause. */
export function isRetryable(e: unknown): boolean {
    if (THROTTLING.has(errorName(e))) return true;
    const status = httpStatus(e);
    if (status === 429 || status === 500 || status === 502 || status === 503 || status === 504) return true;
    const code = (e as { code?: string })?.code;
    return code === "ECONNRESET" || code === "ETIMEDOUT" || code === "ECONNREFUSED" || code === "EPIPE";
}

export interface BackoffOptions {
    clock: Clock;
    /** Attempts in all, the first included. @default 8 */
    maxAttempts?: number;
    /** First backoff ceiling; doubles each attempt. @default 500 */
    baseMs?: number;
    /** Largest backoff ceiling. @default 20000 */
    maxMs?: number;
    /** Random source in [0, 1) for the jitter. @default Math.random */
    random?: () => number;
    /** Which errors to retry. @default isRetryable */
    retryable?: (e: unknown) => boolean;
    /** Called before each pause, e.g. to count throttles. */
    onRetry?: (e: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Calls `fn` until it succeeds, retrying throttling with exponential backoff and full jitter
 * (a random pause up to `min(maxMs, baseMs * 2^attempt)`), which spreads many callers out
 * instead of having them retry in lockstep. Non-retryable errors and the last failure propagate.
 */
export async function withBackoff<T>(fn: () => Promise<T>, o: BackoffOptions): Promise<T> {
    const maxAttempts = o.maxAttempts ?? 8;
    const base = o.baseMs ?? 500;
    const max = o.maxMs ?? 20_000;
    const random = o.random ?? Math.random;
    const retryable = o.retryable ?? isRetryable;
    for (let attempt = 1; ; attempt++) {
        try {
            return await fn();
        } catch (e) {
            if (attempt >= maxAttempts || !retryable(e)) throw e;
            const delay = Math.floor(random() * Math.min(max, base * 2 ** (attempt - 1))) + 1;
            o.onRetry?.(e, attempt, delay);
            await o.clock.sleep(delay);
        }
    }
}
