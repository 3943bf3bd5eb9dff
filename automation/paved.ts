import { PavedConfig } from "../components/config";
import { EnvironmentOutputs } from "../components/environment/outputs";
import { PavedError, show } from "../components/errors";
import { PROJECT_DIR, loadEnvironmentConfig, planEnvironment } from "../components/offline";
import { releaseIdViolation } from "../components/release-contract";
import { stackNameViolation } from "../components/stack-name";
import type { ProgramResult } from "../components/testing";
import { imageTagViolation, resourceNameViolation } from "../components/validation";
import { AffectedReport, findAffected } from "../cli/affected";
import { LocalStackOperations, OperationResult, StackOperations } from "../cli/automation/pulumi-stacks";
import type { AppBuild, FleetResult } from "../cli/aws/build-fleet";
import type { AwsClients } from "../cli/aws/clients";
import { Clock, systemClock } from "../cli/aws/clock";
import type { DeployResult } from "../cli/aws/deploy-service";
import { OutputsSource } from "../cli/aws/outputs-source";
import type { PointerChange, PruneResult, ReleaseListing, ReleaseStore } from "../cli/aws/releases";
import type { JobRunResult } from "../cli/aws/run-job";
import type { EnvironmentStatus } from "../cli/aws/status";
import { StackContext } from "./context";
import { DiffOptions, DiffResult, diffEnvironment } from "./diff";
import { PavedEvent } from "./events";
import { StackOperation, checkStackOperation, runStack } from "./stacks";
import { GcOptions, GcReport, StagingCreateOptions, StagingCreated, createStaging, destroyStaging, gcStaging } from "./staging";

/**
 * The AWS operation modules, and the AWS SDK clients they import (about half a second and 80 MiB),
 * load with the first call that talks to AWS: `plan`, `diff` and the stack commands never load them.
 */
const aws = {
    buildFleet: () => require("../cli/aws/build-fleet") as typeof import("../cli/aws/build-fleet"),
    clients: () => require("../cli/aws/clients") as typeof import("../cli/aws/clients"),
    deployService: () => require("../cli/aws/deploy-service") as typeof import("../cli/aws/deploy-service"),
    releases: () => require("../cli/aws/releases") as typeof import("../cli/aws/releases"),
    runJob: () => require("../cli/aws/run-job") as typeof import("../cli/aws/run-job"),
    status: () => require("../cli/aws/status") as typeof import("../cli/aws/status"),
};

export interface PavedOptions {
    /** The project: `Pulumi.yaml`, `index.ts` and the `Pulumi.<env>.yaml` stack configs. @default this package's project */
    projectDir?: string;
    /** The stack backend (or a factory, called on first use). @default the Automation API's LocalWorkspace on `projectDir` */
    stacks?: StackOperations | (() => StackOperations);
    /** Deployed environments' outputs. @default the stack backend's outputs */
    outputs?: OutputsSource;
    /** AWS clients for a region. @default SDK clients with the default credential chain */
    clients?: (region: string) => AwsClients;
    /** An environment's validated config. @default `Pulumi.<env>.yaml` read offline */
    loadConfig?: (env: string) => PavedConfig;
    /** Paces polling and measures durations. @default the system clock */
    clock?: Clock;
    /** Wall-clock time: ephemeral copies' expiry. @default () => new Date() */
    now?: () => Date;
    /** Progress of every operation. */
    onEvent?: (event: PavedEvent) => void;
}

/** Per call: progress of this operation only (in addition to the instance's `onEvent`). */
export interface CallOptions {
    onEvent?: (event: PavedEvent) => void;
}

export interface StackResult {
    env: string;
    operation: StackOperation;
    /** Resource changes by kind (`create`, `update`, `delete`, `same`), as the engine reports them. */
    changes: Record<string, number>;
}

export interface DestroyOptions extends CallOptions {
    /** Allow destroying a protected (prod) environment. */
    forceProtected?: boolean;
}

export interface PreviewCallOptions extends CallOptions {
    /** Which operation to preview. @default "up" */
    of?: "up" | "refresh" | "destroy";
}

export interface PlanCallOptions extends CallOptions {
    /** Plan this stack config file instead of `Pulumi.<env>.yaml`. */
    configFile?: string;
}

export interface BuildOptions extends CallOptions {
    /** Apps to build, by name. */
    apps?: string[];
    /** Every deployed app. */
    all?: boolean;
    /** The apps a range of commits affects, read from a local checkout. */
    affected?: { range: string; repo?: string };
    /** Select only: start nothing. */
    dryRun?: boolean;
    /** Builds running at once. @default 20 */
    concurrency?: number;
    /** Seconds between status polls. @default 10 */
    pollSeconds?: number;
    /** Follow the builds to the end; false only starts them. @default true */
    wait?: boolean;
}

/** One app's build: its status, and how long it took. */
export interface AppBuildResult extends AppBuild {
    /** The build's duration: CodeBuild's own start to end when reported, else as the fleet observed it. */
    durationMs?: number;
}

export interface BuildResult {
    env: string;
    /** The apps chosen, in order. */
    apps: string[];
    /** With `affected`: which apps the range affects, and why. */
    affected?: AffectedReport;
    /** True when nothing was started (`dryRun`, or nothing affected). */
    dryRun: boolean;
    builds: AppBuildResult[];
    /** Builds that did not succeed (failed, faulted, timed out, stopped, never started, lost). */
    failed: AppBuildResult[];
    /** First start to last observed finish. */
    makespanMs: number;
    /** What building one after another would take. */
    sumBuildMs: number;
}

export interface PruneOptions extends CallOptions {
    /** @default DEFAULT_KEEP */
    keep?: number;
    /** @default DEFAULT_KEEP_DAYS */
    keepDays?: number;
    dryRun?: boolean;
}

export interface DeployServiceCallOptions extends CallOptions {
    /** @default the service's container from the stack outputs */
    container?: string;
    /** @default 1200 */
    timeoutSeconds?: number;
    /** @default 10 */
    pollSeconds?: number;
    /** @default true */
    wait?: boolean;
}

export interface DeployServiceResult extends DeployResult {
    env: string;
    app: string;
    cluster: string;
    service: string;
    imageParameter: string;
}

export interface RunJobCallOptions extends CallOptions {
    /** @default the job's timeoutMinutes */
    timeoutSeconds?: number;
    /** @default 6 */
    pollSeconds?: number;
}

export interface JobResult extends JobRunResult {
    env: string;
    job: string;
    timeoutSeconds: number;
}

/** Newest releases `pruneReleases` keeps as rollback targets. */
export const DEFAULT_KEEP = 10;
/** Days a superseded release is kept for pages still open on it. */
export const DEFAULT_KEEP_DAYS = 7;
/** Builds running at once. */
export const DEFAULT_CONCURRENCY = 20;
/** What `pruneReleases` accepts: at least one release is always kept; days from none to ten years. */
export const KEEP_RANGE = { min: 1, max: 100_000 } as const;
export const KEEP_DAYS_RANGE = { min: 0, max: 3650 } as const;
/** Builds running at once: the account's CodeBuild concurrent-build quota is the real limit. */
export const CONCURRENCY_RANGE = { min: 1, max: 1000 } as const;

/**
 * Paved for scripts: every operation of the CLI as an async method with a typed result. Nothing
 * exits the process; bad input and unusable environments throw `PavedError` (or its `ConfigError`)
 * before anything reaches Pulumi state or AWS; Pulumi and AWS failures propagate as they are. A
 * build that fails, a rollout rolled back or a job that exits non-zero are results, not errors.
 *
 * ```ts
 * const paved = new Paved({ projectDir: ".", onEvent: (e) => e.type === "log" && console.log(e.message) });
 * const { failed } = await paved.build("dev", { apps: ["catalog"] });
 * ```
 */
export class Paved {
    readonly projectDir: string;
    readonly staging: {
        /** Creates (or extends and updates) the ephemeral copy of `release`, deploys it, returns its stack and URL. */
        create: (release: string, options?: StagingCreateOptions & CallOptions) => Promise<StagingCreated>;
        /** Destroys and removes one ephemeral stack; refuses any other. Returns the stack's name. */
        destroy: (id: string, options?: CallOptions) => Promise<string>;
        /** Destroys every ephemeral stack whose expiry has passed. */
        gc: (options?: GcOptions & CallOptions) => Promise<GcReport>;
    };
    private readonly clock: Clock;
    private stackOps?: StackOperations;

    constructor(private readonly options: PavedOptions = {}) {
        this.projectDir = options.projectDir ?? PROJECT_DIR;
        this.clock = options.clock ?? systemClock;
        this.staging = {
            create: async (id, o = {}) => {
                requireReleaseId(id);
                return createStaging(id, o, this.context(o));
            },
            destroy: async (id, o = {}) => {
                requireReleaseId(id);
                return destroyStaging(id, this.context(o));
            },
            gc: (o = {}) => gcStaging(o, this.context(o)),
        };
    }

    /** The stack backend, created on first use. */
    get stacks(): StackOperations {
        const s = this.options.stacks;
        return (this.stackOps ??= typeof s === "function" ? s() : s ?? new LocalStackOperations({ projectDir: this.projectDir }));
    }

    // --- Stacks -------------------------------------------------------------------------------

    /** Deploys `env` (no confirmation: a script has decided). */
    async up(env: string, options: CallOptions = {}): Promise<StackResult> {
        return this.stackOp("up", env, options);
    }

    /** What `up` (or `of`) would change, changing nothing. */
    async preview(env: string, options: PreviewCallOptions = {}): Promise<StackResult> {
        if (!options.of || options.of === "up") return this.stackOp("preview", env, options);
        requireEnv(env);
        const ctx = this.context(options);
        // Previewing a destroy or refresh checks what that operation would check, first.
        await checkStackOperation(options.of, env, { forceProtected: true }, ctx);
        const result = await ctx.stacks().preview(env, { onOutput: ctx.write, of: options.of });
        return { env, operation: "preview", changes: result.changes };
    }

    /** Reads the real state of `env`'s resources into its stack state. */
    async refresh(env: string, options: CallOptions = {}): Promise<StackResult> {
        return this.stackOp("refresh", env, options);
    }

    /** Deletes every resource of `env`; a protected (prod) environment needs `forceProtected`. */
    async destroy(env: string, options: DestroyOptions = {}): Promise<StackResult> {
        return this.stackOp("destroy", env, options, options.forceProtected);
    }

    // --- Offline ------------------------------------------------------------------------------

    /** `env` evaluated offline under the mock runtime: every resource with its resolved inputs. */
    async plan(env: string, options: PlanCallOptions = {}): Promise<ProgramResult> {
        requireEnv(env);
        return planEnvironment(env, { projectDir: this.projectDir, configFile: options.configFile });
    }

    /** The offline blast radius of a config change (see `diffEnvironment`). */
    async diff(env: string, options: DiffOptions = {}): Promise<DiffResult> {
        requireEnv(env);
        return diffEnvironment(env, { ...options, projectDir: this.projectDir });
    }

    /** The validated config of `env`. */
    config(env: string): PavedConfig {
        requireEnv(env);
        try {
            return (this.options.loadConfig ?? ((e: string) => loadEnvironmentConfig(e, this.projectDir)))(env);
        } catch (e) {
            // A missing or unreadable stack config is a usage problem, not a failed operation.
            if (e instanceof PavedError) throw e;
            throw new PavedError((e as Error).message);
        }
    }

    // --- Builds and releases -----------------------------------------------------------------

    /**
     * Builds apps with their CodeBuild projects, at most `concurrency` at once. The result lists
     * every build with its status and duration; failed builds are in `failed` (never thrown).
     */
    async build(env: string, options: BuildOptions = {}): Promise<BuildResult> {
        requireEnv(env);
        const emit = this.emitter(options);
        const apps = options.apps ?? [];
        apps.forEach((a) => requireName("app", a));
        const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
        if (!Number.isInteger(concurrency) || concurrency < CONCURRENCY_RANGE.min || concurrency > CONCURRENCY_RANGE.max) {
            throw new PavedError(`concurrency ${show(concurrency)}: must be a whole number of builds from ${CONCURRENCY_RANGE.min} to ${CONCURRENCY_RANGE.max}`);
        }
        if (options.affected !== undefined && (options.all || apps.length > 0)) throw new PavedError("--affected chooses the apps itself: drop the app names and --all");
        if (options.all && apps.length > 0) throw new PavedError("name apps or pass --all, not both");
        if (!options.all && apps.length === 0 && options.affected === undefined) {
            const known = this.localConfig(env)?.apps.map((a) => a.name);
            throw new PavedError(`name the apps to build or pass --all (or --affected <base>..<head>)${known ? `; apps in ${env}: ${known.join(", ")}` : ""}`);
        }
        this.checkConfigured("app", apps, env);
        let selected = [...new Set(apps)];
        let affected: AffectedReport | undefined;
        const none = (why: string[]): BuildResult => ({ env, apps: why, affected, dryRun: true, builds: [], failed: [], makespanMs: 0, sumBuildMs: 0 });
        if (options.affected !== undefined) {
            // What a range affects is the config's business: directories, watch globs, repositories.
            affected = findAffected(options.affected.repo ?? process.cwd(), options.affected.range, this.config(env).apps);
            emit({ type: "affected", env, report: affected });
            selected = affected.affected.map((a) => a.app);
            if (selected.length === 0 || options.dryRun) return none(selected);
        }
        // Project names come from the deployed stack's outputs, never from naming rules.
        const outputs = await this.outputs(env);
        const deployed = Object.keys(outputs.apps ?? {});
        if (options.all) selected = deployed;
        // An app the local config lists but the stack lacks is not deployed yet: say so before listing unknown names.
        const configured = this.localConfig(env)?.apps.map((a) => a.name) ?? [];
        const undeployed = selected.find((app) => !deployed.includes(app) && configured.includes(app));
        if (undeployed) fromOutputs(undefined, `app ${undeployed}`, env);
        checkNames("app", selected, deployed, env);
        const fleetApps = selected.map((app) => ({ app, project: fromOutputs(outputs.apps[app].buildProject, `the build project of app ${app}`, env) }));
        if (options.dryRun) return none(selected);
        const client = this.clients(fromOutputs(outputs.region, "the region", env)).codebuild;
        emit({ type: "log", message: `building ${selected.length} app${selected.length === 1 ? "" : "s"} in ${env}, at most ${concurrency} at once` });
        const fleet = new (aws.buildFleet().BuildFleet)({
            client,
            clock: this.clock,
            concurrency,
            pollSeconds: options.pollSeconds,
            wait: options.wait,
            onChange: (build) => emit({ type: "build", env, build: { ...build } }),
        });
        const result: FleetResult = await fleet.run(fleetApps);
        const withDuration = (b: AppBuild): AppBuildResult => ({ ...b, durationMs: b.buildMs ?? (b.startedAt !== undefined && b.endedAt !== undefined ? b.endedAt - b.startedAt : undefined) });
        return { env, apps: selected, affected, dryRun: false, builds: result.builds.map(withDuration), failed: result.failed.map(withDuration), makespanMs: result.makespanMs, sumBuildMs: result.sumBuildMs };
    }

    /** An app's uploaded releases, newest first, and the one being served. */
    async releases(env: string, app: string): Promise<ReleaseListing> {
        return aws.releases().releaseListing(await this.releaseStore(env, app), app);
    }

    /** Serves release `releaseId` of `app` (its release writer moves the pointer). Returns the release now served. */
    async release(env: string, app: string, releaseId: string): Promise<PointerChange> {
        requireReleaseId(releaseId);
        return aws.releases().release(await this.releaseStore(env, app), app, releaseId);
    }

    /** Serves the newest uploaded release older than the current one. Returns the release now served. */
    async rollback(env: string, app: string): Promise<PointerChange> {
        return aws.releases().rollback(await this.releaseStore(env, app), app);
    }

    /** Deletes an app's old releases (see the release contract's retention). */
    async pruneReleases(env: string, app: string, options: PruneOptions = {}): Promise<PruneResult> {
        const keep = options.keep ?? DEFAULT_KEEP;
        const keepDays = options.keepDays ?? DEFAULT_KEEP_DAYS;
        if (!Number.isInteger(keep) || keep < KEEP_RANGE.min || keep > KEEP_RANGE.max) throw new PavedError(`keep ${show(keep)}: must be a whole number of releases from ${KEEP_RANGE.min} to ${KEEP_RANGE.max}`);
        if (!Number.isInteger(keepDays) || keepDays < KEEP_DAYS_RANGE.min || keepDays > KEEP_DAYS_RANGE.max) {
            throw new PavedError(`keepDays ${show(keepDays)}: must be a whole number of days from ${KEEP_DAYS_RANGE.min} to ${KEEP_DAYS_RANGE.max}`);
        }
        return aws.releases().pruneReleases(await this.releaseStore(env, app), app, { keep, keepDays }, Boolean(options.dryRun));
    }

    // --- Services and jobs -------------------------------------------------------------------

    /**
     * Rolls an app's container service to `imageTag` (a copy of Pulumi's task definition with only
     * the image changed). The outcome (completed, rolledBack, failed, timedOut, started) is the result.
     */
    async deployService(env: string, app: string, imageTag: string, options: DeployServiceCallOptions = {}): Promise<DeployServiceResult> {
        requireEnv(env);
        requireName("app", app);
        const violation = imageTagViolation(imageTag);
        if (violation) throw new PavedError(`image tag ${show(imageTag)} ${violation}`);
        const emit = this.emitter(options);
        const local = this.localConfig(env);
        if (local) {
            const entry = local.apps.find((a) => a.name === app);
            if (!entry) this.checkConfigured("app", [app], env);
            else if (!entry.container?.service) throw new PavedError(`app ${app} has no container service in ${env}; apps with one: ${local.apps.filter((a) => a.container?.service).map((a) => a.name).join(", ") || "(none)"} (from Pulumi.${env}.yaml)`);
        }
        const outputs = await this.outputs(env);
        if (outputs.apps?.[app] && !outputs.services?.[app]) {
            throw new PavedError(`app ${app} has no container service in ${env}; apps with one: ${Object.keys(outputs.services ?? {}).join(", ") || "(none)"}`);
        }
        const configured = local?.apps.filter((a) => a.container?.service).map((a) => a.name);
        const svc = entryOf("service", app, outputs.services, env, configured);
        const what = (field: string) => `the ${field} of service ${app}`;
        const cluster = fromOutputs(svc.cluster, what("cluster"), env);
        const service = fromOutputs(svc.service, what("ECS service name"), env);
        const taskDefinitionArn = fromOutputs(svc.taskDefinitionArn, what("task definition"), env);
        const repositoryUrl = fromOutputs(svc.repositoryUrl, what("image repository"), env);
        const imageParameter = fromOutputs(svc.imageParameter, what("image parameter"), env);
        const clients = this.clients(fromOutputs(outputs.region, "the region", env));
        emit({ type: "log", message: `deploying ${imageTag} to ${service} in ${cluster}` });
        const r = await aws.deployService().deployService({
            ecs: clients.ecs,
            ecr: clients.ecr,
            ssm: clients.ssm,
            cluster,
            service,
            taskDefinitionArn,
            repositoryUrl,
            imageParameter,
            imageTag,
            containerName: options.container ?? svc.containerName,
            wait: options.wait,
            timeoutSeconds: options.timeoutSeconds ?? 1200,
            pollSeconds: options.pollSeconds ?? 10,
            clock: this.clock,
            onProgress: (message) => emit({ type: "log", message }),
        });
        return { ...r, env, app, cluster, service, imageParameter };
    }

    /** Runs a job once as an ECS task and follows it; its exit code is in the result. */
    async runJob(env: string, job: string, options: RunJobCallOptions = {}): Promise<JobResult> {
        requireEnv(env);
        requireName("job", job);
        const emit = this.emitter(options);
        this.checkConfigured("job", [job], env);
        const outputs = await this.outputs(env);
        const jobOutputs = entryOf("job", job, outputs.jobs, env, this.localConfig(env)?.jobs.map((j) => j.name));
        const runTask = fromOutputs(jobOutputs.runTask, `the RunTask settings of job ${job}`, env);
        const timeoutSeconds = options.timeoutSeconds ?? fromOutputs(jobOutputs.timeoutMinutes, `the timeout of job ${job}`, env) * 60;
        const result = await aws.runJob().runJob({
            ecs: this.clients(fromOutputs(outputs.region, "the region", env)).ecs,
            cluster: fromOutputs(runTask.cluster, `the cluster of job ${job}`, env),
            family: fromOutputs(runTask.taskDefinitionFamily, `the task family of job ${job}`, env),
            ...aws.runJob().runTaskNetworking(runTask),
            logGroup: jobOutputs.logGroup,
            timeoutSeconds,
            pollSeconds: options.pollSeconds ?? 6,
            clock: this.clock,
            onProgress: (message) => emit({ type: "log", message }),
        });
        return { ...result, env, job, timeoutSeconds };
    }

    /** What runs in `env`: each app's release and last build, each job's last and next run, each service's tasks. */
    async status(env: string): Promise<EnvironmentStatus> {
        const outputs = await this.outputs(env);
        return aws.status().collectStatus(outputs, this.clients(fromOutputs(outputs.region, "the region", env)), this.clock, this.options.now?.());
    }

    /** The outputs of the deployed `env`; a `PavedError` saying to deploy when there are none. */
    async outputs(env: string): Promise<EnvironmentOutputs> {
        requireEnv(env);
        const source = this.options.outputs ?? { outputs: async (e: string) => (await this.stacks.outputs(e)) as unknown as EnvironmentOutputs };
        try {
            return await source.outputs(env);
        } catch (e) {
            if (e instanceof PavedError) throw e;
            throw new PavedError(`cannot read the outputs of stack "${env}": ${(e as Error).message}; is it deployed (pulumi up)?`);
        }
    }

    /** AWS clients for `region`. */
    clients(region: string): AwsClients {
        return (this.options.clients ?? ((r: string) => aws.clients().createAwsClients({ region: r })))(region);
    }

    /** The environment's local config, or undefined when this checkout has none (an ephemeral copy made elsewhere). */
    localConfig(env: string): PavedConfig | undefined {
        try {
            return this.config(env);
        } catch {
            return undefined;
        }
    }

    /**
     * Names the local config does not list, as one usage error, before the stack's outputs are read.
     * Without a local config (an ephemeral copy made elsewhere) the outputs decide.
     */
    checkConfigured(kind: "app" | "job", names: string[], env: string): void {
        if (names.length === 0) return;
        const config = this.localConfig(env);
        if (!config) return;
        const known = (kind === "app" ? config.apps : config.jobs).map((e) => e.name);
        const unknown = names.filter((n) => !known.includes(n));
        if (unknown.length === 0) return;
        throw new PavedError(
            `unknown ${kind}${unknown.length === 1 ? "" : "s"} ${unknown.map((n) => JSON.stringify(n)).join(", ")} in ${env}; ` +
                `${kind}s in ${env}: ${known.length ? known.join(", ") : "(none)"} (from Pulumi.${env}.yaml and its catalog)`,
        );
    }

    private async releaseStore(env: string, app: string): Promise<ReleaseStore> {
        requireEnv(env);
        requireName("app", app);
        this.checkConfigured("app", [app], env);
        const outputs = await this.outputs(env);
        checkNames("app", [app], Object.keys(outputs.apps ?? {}), env);
        const writer = fromOutputs(outputs.apps[app].releaseWriter, `the release writer of app ${app} (apps.${app}.releaseWriter)`, env);
        const clients = this.clients(fromOutputs(outputs.region, "the region", env));
        return { s3: clients.s3, lambda: clients.lambda, bucket: fromOutputs(outputs.site?.bucket, "the asset bucket (site.bucket)", env), releaseWriter: writer };
    }

    private async stackOp(op: StackOperation, env: string, options: CallOptions, forceProtected?: boolean): Promise<StackResult> {
        requireEnv(env);
        const result: OperationResult = await runStack(op, env, { forceProtected }, this.context(options));
        return { env, operation: op, changes: result.changes };
    }

    private emitter(options: CallOptions): (event: PavedEvent) => void {
        return (event) => {
            options.onEvent?.(event);
            this.options.onEvent?.(event);
        };
    }

    /** The context the stack and staging operations run in, reporting through events. */
    private context(options: CallOptions): StackContext {
        const emit = this.emitter(options);
        return {
            stacks: () => this.stacks,
            projectDir: this.projectDir,
            log: (message) => emit({ type: "log", message }),
            write: (text) => emit({ type: "engine", text }),
            now: this.options.now ?? (() => new Date()),
        };
    }
}

function requireEnv(env: string): void {
    const violation = stackNameViolation(env);
    if (violation) throw new PavedError(`environment ${show(env)}: an environment is a stack name, which ${violation}`);
}

function requireName(kind: "app" | "job", name: string): void {
    const violation = resourceNameViolation(name);
    if (violation) throw new PavedError(`${kind} ${show(name)}: ${kind === "app" ? "an app" : "a job"} name ${violation}`);
}

function requireReleaseId(id: string): void {
    const violation = releaseIdViolation(id);
    if (violation) throw new PavedError(`release id ${show(id)} ${violation}`);
}

/**
 * A name the API acts on, read from the stack's outputs: never derived from naming rules, so an
 * ephemeral copy's job runs on its base stack's cluster. Missing is a usage error saying what to do.
 */
export function fromOutputs<T>(value: T | undefined | null, what: string, env: string): T {
    if (value === undefined || value === null || value === "") throw new PavedError(`${what} is not in the outputs of stack ${env}: deploy it first (paved up ${env})`);
    return value;
}

/**
 * The outputs of app, job or service `name` of a deployed environment. A name the local config
 * lists but the outputs lack is not deployed yet; any other unknown name is a usage error listing
 * the deployed ones.
 */
export function entryOf<T>(kind: "app" | "job" | "service", name: string, entries: Record<string, T> | undefined, env: string, configured?: string[]): T {
    const found = entries?.[name];
    if (found !== undefined) return found;
    if (configured?.includes(name)) return fromOutputs<T>(undefined, `${kind} ${name}`, env);
    const valid = Object.keys(entries ?? {});
    throw new PavedError(`unknown ${kind} ${JSON.stringify(name)} in ${env}; ${kind}s in ${env}: ${valid.length ? valid.join(", ") : "(none)"}`);
}

/** Names that are not in `valid`, as one error listing the valid ones. */
export function checkNames(kind: "app" | "job", names: string[], valid: string[], env: string): void {
    const unknown = names.filter((n) => !valid.includes(n));
    if (unknown.length === 0) return;
    throw new PavedError(
        `unknown ${kind}${unknown.length === 1 ? "" : "s"} ${unknown.map((n) => JSON.stringify(n)).join(", ")} in ${env}; ` +
            `${kind}s in ${env}: ${valid.length ? valid.join(", ") : "(none)"}`,
    );
}
