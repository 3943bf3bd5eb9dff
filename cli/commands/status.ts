import * as fs from "fs";
import { Command } from "commander";
import { envName, outputFile } from "../arguments";
import { AwsCommandDeps, resolveDeps } from "../aws/command-deps";

interface StatusOptions {
    json?: boolean;
    html?: string;
}

/**
 * `paved status <env> [--json] [--html <file>]`: every app (release, last build, URL), job (last
 * and next run) and service (tasks, deployment, image) of a deployed environment, from its stack
 * outputs and AWS reads.
 */
export function registerStatusCommand(program: Command, deps: AwsCommandDeps = {}): Command {
    return program
        .command("status")
        .description("what runs in an environment: apps (release, last build), jobs (last and next run), services (tasks, deployment, image)")
        .argument("<env>", "environment (stack) name, e.g. dev", envName)
        .option("--json", "print the status as JSON (for scripts)")
        .option("--html <file>", "also write a self-contained status page (no external fetches)", outputFile)
        .action(async (env: string, opts: StatusOptions) => {
            const d = resolveDeps(deps);
            const status = await d.paved.status(env);
            const { renderStatus, renderStatusHtml } = await import("../aws/status");
            d.print(opts.json ? JSON.stringify(status, null, 2) : renderStatus(status));
            if (opts.html) {
                fs.writeFileSync(opts.html, renderStatusHtml(status));
                if (!opts.json) d.print(`\nwrote ${opts.html}`);
            }
        });
}
