import { Command } from "commander";
import { diffEnvironment } from "../../automation/diff";
import { renderDiff } from "../diff";
import { envName, existingFile } from "../arguments";

// The logic lives in the automation API; re-exported for code that imported it from here.
export { diffEnvironment } from "../../automation/diff";
export type { DiffOptions as DiffCommandOptions, DiffResult } from "../../automation/diff";

/** `paved diff <env> [--config <file>] [--json]`. */
export function registerDiffCommand(program: Command, projectDir?: () => string): void {
    program
        .command("diff")
        .description("offline blast radius of a config change: resources created, changed, deleted and renamed (replaced)")
        .argument("<env>", "environment (stack) name, e.g. dev", envName)
        .option("--config <file>", "config to compare Pulumi.<env>.yaml with (default: Pulumi.<env>.yaml as committed at HEAD vs the working copy)", existingFile("a stack config file, e.g. Pulumi.dev.yaml"))
        .option("--json", "print the diff as JSON")
        .action(async (env: string, opts: { config?: string; json?: boolean }) => {
            const result = await diffEnvironment(env, { config: opts.config, projectDir: projectDir?.() });
            console.log(opts.json ? JSON.stringify(result, null, 2) : `${result.before} -> ${result.after}\n${renderDiff(result.diff, env)}`);
        });
}
