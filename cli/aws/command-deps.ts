import { PavedConfig } from "../../components/config";
import { EnvironmentOutputs } from "../../components/environment/outputs";
import { PavedError } from "../../components/errors";
import { loadEnvironmentConfig } from "../env-config";
import { AwsClients, createAwsClients } from "./clients";
import { Clock, systemClock } from "./clock";
import { OutputsSource } from "./outputs-source";

/** What the AWS-facing commands need from outside; every field has a production default. */
export interface AwsCommandDeps {
    /** The deployed environment's stack outputs (the lead backs it with the Automation API). */
    outputs?: OutputsSource;
    /** @default loadEnvironmentConfig (Pulumi.<env>.yaml, offline) */
    loadConfig?: (env: string) => PavedConfig;
    /** @default SDK clients for the region with the default credential chain */
    clients?: (region: string) => AwsClients;
    /** @default the system clock */
    clock?: Clock;
    /** Where output lines go. @default console.log */
    print?: (line: string) => void;
    /** Live redrawing progress; plain lines otherwise. @default stdout is a TTY and CI is unset */
    interactive?: boolean;
}

export interface ResolvedDeps {
    loadConfig: (env: string) => PavedConfig;
    /** The environment's local config, or undefined when this checkout has none (an ephemeral copy made elsewhere). */
    localConfig: (env: string) => PavedConfig | undefined;
    clients: (region: string) => AwsClients;
    clock: Clock;
    print: (line: string) => void;
    interactive: boolean;
    outputs: (env: string) => Promise<EnvironmentOutputs>;
}

export function resolveDeps(d: AwsCommandDeps = {}): ResolvedDeps {
    return {
        loadConfig: (env) => {
            try {
                return (d.loadConfig ?? ((e: string) => loadEnvironmentConfig(e)))(env);
            } catch (e) {
                // A missing or unreadable stack config is a usage problem (exit 2), not a failed operation.
                if (e instanceof PavedError) throw e;
                throw new PavedError((e as Error).message);
            }
        },
        localConfig: (env) => {
            try {
                return (d.loadConfig ?? ((e: string) => loadEnvironmentConfig(e)))(env);
            } catch {
                return undefined;
            }
        },
        clients: d.clients ?? ((region) => createAwsClients({ region })),
        clock: d.clock ?? systemClock,
        print: d.print ?? ((line) => console.log(line)),
        interactive: d.interactive ?? (Boolean(process.stdout.isTTY) && !process.env.CI),
        outputs: async (env) => {
            if (!d.outputs) throw new PavedError(`this command needs the outputs of the deployed "${env}" stack, and no outputs source is configured`);
            try {
                return await d.outputs.outputs(env);
            } catch (e) {
                if (e instanceof PavedError) throw e;
                throw new PavedError(`cannot read the outputs of stack "${env}": ${(e as Error).message}; is it deployed (pulumi up)?`);
            }
        },
    };
}

/**
 * A name the CLI acts on, read from the stack's outputs: never derived from naming rules, so an
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

/**
 * Names the local config (`Pulumi.<env>.yaml`) does not list, as one usage error, before the
 * stack's outputs are read. Without a local config (an ephemeral copy made elsewhere) the outputs decide.
 */
export function checkConfigured(d: ResolvedDeps, kind: "app" | "job", names: string[], env: string): void {
    if (names.length === 0) return;
    const config = d.localConfig(env);
    if (!config) return;
    const known = (kind === "app" ? config.apps : config.jobs).map((e) => e.name);
    const unknown = names.filter((n) => !known.includes(n));
    if (unknown.length === 0) return;
    throw new PavedError(
        `unknown ${kind}${unknown.length === 1 ? "" : "s"} ${unknown.map((n) => JSON.stringify(n)).join(", ")} in ${env}; ` +
            `${kind}s in ${env}: ${known.length ? known.join(", ") : "(none)"} (from Pulumi.${env}.yaml and its catalog)`,
    );
}
