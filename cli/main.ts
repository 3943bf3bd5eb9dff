#!/usr/bin/env node
import * as fs from "fs";
import { Command } from "commander";
import { PavedError } from "../components/errors";
import { planEnvironment, planJson, renderCounts, renderTree } from "./plan";

/**
 * `paved`: the platform's command line. Exit codes: 0 success; 1 the operation failed (a build,
 * a deploy, a job); 2 usage or environment problem (bad config, missing Pulumi CLI).
 */
export function buildProgram(): Command {
    const program = new Command("paved").description("Paved: fleets of frontend apps and batch jobs on AWS").showHelpAfterError();

    program
        .command("plan")
        .description("evaluate an environment offline (no credentials, no Pulumi CLI) and print its resources")
        .argument("<env>", "environment (stack) name, e.g. dev")
        .option("--json <file>", "also write the plan with every resource's resolved inputs as JSON")
        .option("--config <file>", "plan this stack config file instead of Pulumi.<env>.yaml")
        .action(async (env: string, opts: { json?: string; config?: string }) => {
            const result = await planEnvironment(env, { configFile: opts.config });
            console.log(renderTree(result));
            console.log(`\n${result.resources.length} resources in ${result.project}/${result.stack}\n`);
            console.log(renderCounts(result));
            if (opts.json) {
                fs.writeFileSync(opts.json, `${JSON.stringify(planJson(result), null, 2)}\n`);
                console.log(`\nwrote ${opts.json}`);
            }
        });

    return program;
}

export async function main(argv: string[]): Promise<number> {
    try {
        await buildProgram().parseAsync(argv, { from: "user" });
        return 0;
    } catch (e) {
        if (e instanceof PavedError) {
            console.error(e.message);
            return 2;
        }
        console.error(`paved: ${(e as Error).message ?? e}`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
