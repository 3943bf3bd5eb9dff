import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_PROJECT, projectName, readStackConfigFile } from "../offline/stack-config";
import { AwsMocks, AwsMocksOptions, RecordedResource } from "./aws-mocks";

// Stack config reading lives with the offline plan; re-exported for code that imported it from here.
export { projectName, readStackConfigFile };

export interface RunProgramOptions {
    /** The Pulumi program: returns the stack outputs (or a promise of them). */
    program: () => unknown;
    /** Stack name: the environment's name. */
    stack: string;
    /** Defaults to the `name` in `Pulumi.yaml` beside `configFile`, else "paved". */
    project?: string;
    /** A stack config file (`Pulumi.<env>.yaml`) to load. */
    configFile?: string;
    /** Config values by full key (`paved:kind`, `aws:region`); they win over the file's. */
    config?: Record<string, unknown>;
    /** Extra mock answers: stack references, invokes, outputs. */
    mocks?: Partial<AwsMocksOptions>;
    /** Run as a preview (unknown outputs stay unknown). */
    preview?: boolean;
    /**
     * Keep full stack traces during the run. Off by default: the Pulumi SDK captures a stack trace
     * for every promise it creates, and under ts-node each one is source-mapped, which made up most
     * of a plan's time. Errors keep their messages either way.
     * @default false
     */
    stackTraces?: boolean;
}

export interface ProgramResult {
    project: string;
    stack: string;
    /** Every registered resource, the stack first, in registration order. */
    resources: RecordedResource[];
    /** The stack's outputs, resolved. */
    outputs: Record<string, unknown>;
}

/** The SDK module that labels its promises for the leak report (see `runOnce`). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable: { debuggablePromise: <T>(promise: Promise<T>, ctx: unknown) => Promise<T> } = require("@pulumi/pulumi/runtime/debuggable");

/** Runs must not overlap: the Pulumi runtime is one global per process. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs a Pulumi program under AWS-aware mocks for one stack and returns every resource it
 * registered, with resolved inputs. Throws the program's own error (e.g. a `ConfigError`), or an
 * error listing every physical name AWS would reject, naming each resource's URN.
 */
export function runProgram(options: RunProgramOptions): Promise<ProgramResult> {
    const run = queue.then(() => runOnce(options));
    queue = run.catch(() => undefined);
    return run;
}

async function runOnce(options: RunProgramOptions): Promise<ProgramResult> {
    const dir = options.configFile ? path.dirname(path.resolve(options.configFile)) : process.cwd();
    const project = options.project ?? projectName(dir) ?? DEFAULT_PROJECT;
    const values = {
        ...(options.configFile ? readStackConfigFile(options.configFile, project) : {}),
        ...(options.config ?? {}),
    };
    const region = typeof values["aws:region"] === "string" ? (values["aws:region"] as string) : "us-east-1";
    const mocks = new AwsMocks({ region, projectDir: dir, ...options.mocks });

    await pulumi.runtime.setMocks(mocks, project, options.stack, options.preview ?? false);
    // The mock API does not pass a resource's parent or options to `newResource`; hand it the
    // request (newResource runs synchronously inside registerResource, so this cannot interleave).
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: unknown, callback: unknown) => {
        mocks.currentRequest = req;
        return register(req, callback);
    };
    const engineConfig: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        if (value && typeof value === "object" && "secure" in (value as object)) {
            engineConfig[key] = "[secret]";
            secretKeys.push(key);
        } else {
            engineConfig[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    pulumi.runtime.setAllConfig(engineConfig, secretKeys);

    const rejections: unknown[] = [];
    active = rejections;
    const { stackTraceLimit, prepareStackTrace } = Error;
    const resourceClass = pulumi.Resource as unknown as { stackTrace: (skip: number) => unknown[] };
    const resourceStackTrace = resourceClass.stackTrace;
    const leakTracking = debuggable.debuggablePromise;
    if (!options.stackTraces) {
        Error.stackTraceLimit = 0;
        // Source-map support (ts-node) formats even empty stacks; V8's own formatting is enough.
        (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
        // Every resource also captures and parses a full stack (limit lifted to Infinity) for its
        // source position, which only an engine's diagnostics show: skip it.
        resourceClass.stackTrace = () => [];
        // The SDK wraps each of its promises (about 40 per resource output property) for a leak
        // report printed at exit under a real engine: two extra reactions and a label string per
        // promise, about a tenth of a plan's time and memory. A run's completion is checked here
        // (waitForRPCs, rejections), so the plan leaves them unwrapped.
        debuggable.debuggablePromise = (promise) => promise;
    }
    installRejectionHandler();
    const failure = () =>
        new Error(`${mocks.errors.length} problem${mocks.errors.length === 1 ? "" : "s"} under the AWS mocks:\n${mocks.errors.map((e) => `  - ${e}`).join("\n")}`);
    // A resource whose input failed never registers, so everything that waits on its outputs
    // (other resources, the stack outputs, the RPC queue) waits forever: the run's first
    // rejection ends the waiting (a real engine stops the program there too).
    const rejected = new Promise<"rejected">((resolve) => (onRejection = () => resolve("rejected")));
    try {
        let outputs;
        try {
            const ran = await Promise.race([pulumi.runtime.runInPulumiStack(async () => options.program()), rejected]);
            outputs = ran === "rejected" ? undefined : ran;
        } catch (e) {
            // A failed mock call surfaces as a bare error; the recorded message says what failed.
            throw mocks.errors.length > 0 ? failure() : e;
        }
        await Promise.race([(pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs(), rejected]);
        // Let rejected applies surface before deciding the run was clean.
        await new Promise((resolve) => setImmediate(resolve));
        if (mocks.errors.length > 0) throw failure();
        if (rejections.length > 0) throw rejections[0];
        await mocks.settled();
        return { project, stack: options.stack, resources: mocks.resources, outputs: (outputs ?? {}) as Record<string, unknown> };
    } catch (e) {
        // The runtime rejects a failed program's error again from other pending promises, a tick
        // or more later: remember every rejection of this run so those echoes are dropped.
        await new Promise((resolve) => setImmediate(resolve));
        for (const r of [e, ...rejections]) if (r !== null && typeof r === "object") finished.add(r);
        throw e;
    } finally {
        active = undefined;
        onRejection = undefined;
        Error.stackTraceLimit = stackTraceLimit;
        Error.prepareStackTrace = prepareStackTrace;
        resourceClass.stackTrace = resourceStackTrace;
        debuggable.debuggablePromise = leakTracking;
    }
}

/** Rejections of the run in progress; undefined between runs. */
let active: unknown[] | undefined;
/** Called when the run in progress gets its first rejection. */
let onRejection: (() => void) | undefined;
/** Errors of finished runs, whose late echoes are not news. */
const finished = new WeakSet<object>();

/**
 * One process-wide handler, never removed by the harness: a program's rejections belong to its
 * run, and late echoes of a finished run's errors are dropped instead of failing the next run or
 * the process.
 */
function rejectionHandler(reason: unknown): void {
    const known = reason !== null && typeof reason === "object" && finished.has(reason);
    if (known) return;
    if (active) {
        active.push(reason);
        onRejection?.();
    }
    else console.error("paved harness: unhandled rejection outside a program run:", reason);
}

/**
 * Attaches the handler unless it is attached. Checked at every run, not once per process: a test
 * runner may remove every `unhandledRejection` listener between files (mocha's parallel workers
 * do), and a run without it would wait forever for a failed program.
 */
function installRejectionHandler(): void {
    if (!process.listeners("unhandledRejection").includes(rejectionHandler)) process.on("unhandledRejection", rejectionHandler);
}
