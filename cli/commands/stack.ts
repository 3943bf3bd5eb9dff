import { Command } from "commander";
import { PavedError } from "../../components/errors";
import { StackOperation, StackRunOptions, checkStackOperation } from "../../automation/stacks";
import { envName } from "../arguments";
import { CommandContext, pavedOf } from "../automation/context";
import { OperationResult } from "../automation/pulumi-stacks";

// The checks live in the automation API; re-exported for code that imported them from here.
export { checkLocalConfig, protectionOf } from "../../automation/stacks";
export type { Protection, StackOperation } from "../../automation/stacks";

export interface StackCommandOptions extends StackRunOptions {
    /** Skip the preview-and-confirm step (required without a terminal). */
    yes?: boolean;
}

/**
 * Runs one stack operation. Mutating operations preview first and ask, unless `yes`; without a
 * terminal they require `yes`. `destroy` of a protected environment requires `forceProtected`.
 */
export async function runStackOperation(op: StackOperation, env: string, options: StackCommandOptions, ctx: CommandContext): Promise<OperationResult> {
    const paved = pavedOf(ctx);
    if (op === "preview") return report(op, env, await paved.preview(env), ctx);
    if (!options.yes) {
        // Refuse what the operation would refuse before asking anything.
        await checkStackOperation(op, env, options, ctx);
        if (!ctx.confirm) throw new PavedError(`paved ${op} ${env} needs confirmation and there is no terminal to ask: pass --yes to run non-interactively.`);
        const previewed = await paved.preview(env, { of: op });
        ctx.log(`\npreview: ${renderChanges(previewed.changes)}`);
        if (!(await ctx.confirm(`${op} ${env}?`))) {
            ctx.log("cancelled; nothing changed");
            return { changes: {} };
        }
    }
    return report(op, env, op === "destroy" ? await paved.destroy(env, { forceProtected: options.forceProtected }) : await paved[op](env), ctx);
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
        const cmd = program.command(op).description(describe[op]).argument("<env>", "environment (stack) name, e.g. dev", envName);
        if (op !== "preview") cmd.option("-y, --yes", "skip the preview and confirmation (needed without a terminal)");
        if (op === "destroy") cmd.option("--force-protected", "allow destroying a protected (prod) environment");
        cmd.action(async (env: string, opts: StackCommandOptions) => {
            await runStackOperation(op, env, opts, context());
        });
    }
}
