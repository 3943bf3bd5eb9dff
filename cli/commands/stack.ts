import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { ConfigError, PavedError } from "../../components/errors";
import { projectName, readStackConfigFile } from "../../components/testing/run-program";
import { ENVIRONMENT_KINDS, decodeConfigValue } from "../../components/config";
import { loadEnvironmentConfig } from "../env-config";
import { CommandContext } from "../automation/context";
import { OperationResult } from "../automation/pulumi-stacks";

export type StackOperation = "up" | "preview" | "refresh" | "destroy";

export interface StackCommandOptions {
    /** Skip the preview-and-confirm step (required without a terminal). */
    yes?: boolean;
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
export async function protectionOf(env: string, ctx: CommandContext): Promise<Protection> {
    const file = path.join(ctx.projectDir, `Pulumi.${env}.yaml`);
    if (fs.existsSync(file)) {
        try {
            const config = loadEnvironmentConfig(env, ctx.projectDir);
            return { protected: config.protect, reason: `${path.basename(file)} has paved:kind ${config.kind}` };
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            // An invalid config must not block destroying a dev stack: read just its kind.
            const raw = readStackConfigFile(file, projectName(ctx.projectDir) ?? "paved")["paved:kind"];
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
 * Runs one stack operation. Mutating operations preview first and ask, unless `yes`; without a
 * terminal they require `yes`. `destroy` of a protected environment requires `forceProtected`.
 */
export async function runStackOperation(op: StackOperation, env: string, options: StackCommandOptions, ctx: CommandContext): Promise<OperationResult> {
    if (op === "destroy" && !options.forceProtected) {
        const protection = await protectionOf(env, ctx);
        if (protection.protected) {
            throw new PavedError(`refusing to destroy ${env}: it is protected (${protection.reason}). If you really mean to delete it, pass --force-protected.`);
        }
    }
    const stacks = ctx.stacks();
    const onOutput = ctx.write;
    if (op === "preview") return report(op, env, await stacks.preview(env, { onOutput }), ctx);
    if (!options.yes) {
        if (!ctx.confirm) throw new PavedError(`paved ${op} ${env} needs confirmation and there is no terminal to ask: pass --yes to run non-interactively.`);
        const previewed = await stacks.preview(env, { onOutput, of: op });
        ctx.log(`\npreview: ${renderChanges(previewed.changes)}`);
        if (!(await ctx.confirm(`${op} ${env}?`))) {
            ctx.log("cancelled; nothing changed");
            return { changes: {} };
        }
    }
    return report(op, env, await stacks[op](env, { onOutput }), ctx);
}

function report(op: StackOperation, env: string, result: OperationResult, ctx: CommandContext): OperationResult {
    ctx.log(`\n${op} ${env}: ${renderChanges(result.changes)}`);
    return result;
}

/** `2 create, 1 update, 40 same`, in a fixed order. */
export function renderChanges(changes: Record<string, number>): string {
    const order = ["create", "update", "replace", "delete", "same"];
    const keys = Object.keys(changes).sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
    return keys.length ? keys.map((k) => `${changes[k]} ${k}`).join(", ") : "no changes reported";
}

/** `paved up|preview|refresh|destroy <env>`. */
export function registerStackCommands(program: Command, context: () => CommandContext): void {
    const describe: Record<StackOperation, string> = {
        up: "deploy an environment (preview, confirm, update)",
        preview: "show what `up` would change, without changing anything",
        refresh: "read the real state of an environment's resources into the stack state",
        destroy: "delete every resource of an environment (prod needs --force-protected)",
    };
    for (const op of ["up", "preview", "refresh", "destroy"] as StackOperation[]) {
        const cmd = program.command(op).description(describe[op]).argument("<env>", "environment (stack) name, e.g. dev");
        if (op !== "preview") cmd.option("-y, --yes", "skip the preview and confirmation (needed without a terminal)");
        if (op === "destroy") cmd.option("--force-protected", "allow destroying a protected (prod) environment");
        cmd.action(async (env: string, opts: StackCommandOptions) => {
            await runStackOperation(op, env, opts, context());
        });
    }
}
