import { PavedError } from "../../components/errors";

/**
 * An AWS operation that ran and failed (a build, a rollout, a job): the CLI exits 1. Usage,
 * config and environment problems are `PavedError`s instead (exit 2).
 */
export class OperationFailed extends Error {
    constructor(message: string) {
        super(message);
        this.name = "OperationFailed";
    }
}

/** The error name of an AWS SDK v3 service exception (or any thrown value). */
export function errorName(e: unknown): string {
    return (e as { name?: string })?.name ?? "";
}

export function errorMessage(e: unknown): string {
    return (e as { message?: string })?.message ?? String(e);
}

export function httpStatus(e: unknown): number | undefined {
    return (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** The release writer refused the request (an id that is not uploaded, a field it does not take). */
export class ReleaseRefused extends PavedError {}
