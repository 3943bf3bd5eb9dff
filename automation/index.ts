/**
 * `paved/automation`: Paved for scripts and pipelines. Every CLI operation as an async method of
 * `Paved` with a typed result, progress as events, and errors as classes (never `process.exit`):
 *
 * - `PavedError`: bad input or an unusable environment (the CLI's exit 2), refused before anything
 *   reaches Pulumi state or AWS; `ConfigError` (a `PavedError`) lists every config problem with its key path.
 * - `PulumiCliMissing` (a `PavedError`): the Pulumi CLI is not installed.
 * - `ReleaseRefused` (a `PavedError`): a release writer refused to move a pointer.
 * - Anything else is a Pulumi or AWS failure, as thrown.
 *
 * Failed builds, rolled-back rollouts and jobs that exit non-zero are results, not errors.
 */
export { Paved, DEFAULT_CONCURRENCY, DEFAULT_KEEP, DEFAULT_KEEP_DAYS, KEEP_RANGE, KEEP_DAYS_RANGE, CONCURRENCY_RANGE } from "./paved";
export type {
    PavedOptions,
    CallOptions,
    StackResult,
    DestroyOptions,
    PreviewCallOptions,
    PlanCallOptions,
    BuildOptions,
    BuildResult,
    AppBuildResult,
    PruneOptions,
    DeployServiceCallOptions,
    DeployServiceResult,
    RunJobCallOptions,
    JobResult,
} from "./paved";
export type { PavedEvent } from "./events";
export type { DiffOptions, DiffResult } from "./diff";
export type { StackOperation, Protection } from "./stacks";
export { TTL_HOURS, stagingStackName, type StagingCreateOptions, type StagingCreated, type GcOptions, type GcReport } from "./staging";
export { ConfigError, PavedError, type Problem } from "../components/errors";
export { PulumiCliMissing, type StackOperations, type OperationResult, type StackConfigValues, type StackInfo, type CreateStackOptions, type OperationOptions, type PreviewOptions } from "../cli/automation/pulumi-stacks";
export { ReleaseRefused } from "../cli/aws/errors";
export type { PointerChange, ReleaseListing, PruneResult } from "../cli/aws/releases";
export type { AppBuild, AppBuildStatus } from "../cli/aws/build-fleet";
export type { DeployResult, DeployOutcome } from "../cli/aws/deploy-service";
export type { JobRunResult } from "../cli/aws/run-job";
export type { EnvironmentStatus, AppStatus, JobStatus, ServiceStatus } from "../cli/aws/status";
export type { AwsClients } from "../cli/aws/clients";
export { FakeClock, systemClock, type Clock } from "../cli/aws/clock";
export type { OutputsSource } from "../cli/aws/outputs-source";
export { staticOutputs } from "../cli/aws/outputs-source";
export type { AffectedReport } from "../cli/affected";
export type { ProgramResult } from "../components/testing";
