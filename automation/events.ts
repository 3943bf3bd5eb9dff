import type { AffectedReport } from "../cli/affected";
import type { AppBuild } from "../cli/aws/build-fleet";

/** Progress of a `Paved` operation, as it happens. */
export type PavedEvent =
    /** A line saying what the operation is doing (a stack being created, a rollout's state, a job's log). */
    | { type: "log"; message: string }
    /** Pulumi engine output, as the engine writes it. */
    | { type: "engine"; text: string }
    /** A build changed status or phase. */
    | { type: "build"; env: string; build: AppBuild }
    /** `build` with `affected`: the apps the range affects, and why. */
    | { type: "affected"; env: string; report: AffectedReport };
