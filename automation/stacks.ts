import * as fs from "fs";
import * as path from "path";
import { ENVIRONMENT_KINDS, decodeConfigValue } from "../components/config";
import { ConfigError, PavedError } from "../components/errors";
import { loadEnvironmentConfig, projectNameOr, readStackConfigFile, stackConfigFile } from "../components/offline";
import { OperationResult } from "../cli/automation/pulumi-stacks";
import { StackContext } from "./context";

export type StackOperation = "up" | "preview" | "refresh" | "destroy";

export interface StackRunOptions {
    /** Allow destroying a protected (prod) environment. */
    forceProtected?: boolean;
}

/** Whether an environment is protected from `destroy`, and what said so. */
export interface Protection {
    protected: boolean;
    reason: string;
}

/**
 * Reads protection from the committed `Pulumi.<env>.yaml` (kind prod ⇒ protected), falling back to
 * the stack's own config when there is no such file. An environment of unknown kind counts as
 * protected: refusing is recoverable, a wrong destroy is not.
 */
export async function protectionOf(env: string, ctx: StackContext): Promise<Protection> {
    const file = stackConfigFile(ctx.projectDir, env);
    if (fs.existsSync(file)) {
        try {
            const config = loadEnvironmentConfig(env, ctx.projectDir);
            return { protected: config.protect, reason: `${path.basename(file)} has paved:kind ${config.kind}` };
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            // An invalid config must not block destroying a dev stack: read just its kind.
            const raw = readStackConfigFile(file, projectNameOr(ctx.projectDir))["paved:kind"];
            return kindProtection(typeof raw === "string" ? decodeConfigValue(raw) : raw, path.basename(file));
        }
    }
    const config = await ctx.stacks().stackConfig(env);
    return kindProtection(config["paved:kind"], `the config of stack ${env}`);
}

function kindProtection(kind: unknown, source: string): Protection {
    if (typeof kind !== "string") return { protected: true, reason: `${source} sets no paved:kind, so it may be production` };
    // "Prod", "production" or a typo may mean production: only a known non-prod kind unprotects.
    if (!(ENVIRONMENT_KINDS as readonly string[]).includes(kind)) return { protected: true, reason: `${source} has paved:kind ${JSON.stringify(kind)}, which is not a kind Paved knows, so it may be production` };
    return { protected: kind === "prod", reason: `${source} has paved:kind ${kind}` };
}

/**
 * The committed config of `env`, checked before Pulumi is asked anything: `up` and `preview` run
 * the program, which refuses an invalid config anyway, so they refuse it here first (every problem
 * with its key path); `refresh` and `destroy` need only readable YAML, so a config that no longer
 * validates can still be torn down. Without a committed file the stack's own config rules.
 */
export function checkLocalConfig(op: StackOperation, env: string, projectDir: string): void {
    const file = stackConfigFile(projectDir, env);
    if (!fs.existsSync(file)) return;
    if (op === "up" || op === "preview") loadEnvironmentConfig(env, projectDir);
    else readStackConfigFile(file, projectNameOr(projectDir));
}

/**
 * Refuses what must not reach the stack backend: an invalid or unreadable committed config, and a
 * `destroy` of a protected environment without `forceProtected`. Throws a `PavedError`.
 */
export async function checkStackOperation(op: StackOperation, env: string, options: StackRunOptions, ctx: StackContext): Promise<void> {
    checkLocalConfig(op, env, ctx.projectDir);
    if (op === "destroy" && !options.forceProtected) {
        const protection = await protectionOf(env, ctx);
        if (protection.protected) {
            throw new PavedError(`refusing to destroy ${env}: it is protected (${protection.reason}). If you really mean to delete it, pass --force-protected.`);
        }
    }
}

/** Runs one stack operation without asking (checked first with `checkStackOperation`). */
export async function runStack(op: StackOperation, env: string, options: StackRunOptions, ctx: StackContext): Promise<OperationResult> {
    await checkStackOperation(op, env, options, ctx);
    const stacks = ctx.stacks();
    return op === "preview" ? stacks.preview(env, { onOutput: ctx.write }) : stacks[op](env, { onOutput: ctx.write });
}
