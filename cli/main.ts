#!/usr/bin/env node
import * as fs from "fs";
import { Command, CommanderError } from "commander";
import { PavedError } from "../components/errors";
import { envName, existingFile, outputFile } from "./arguments";
import { CommandContext, defaultContext, pavedOf } from "./automation/context";
import { loadEnvironmentConfig } from "../components/offline";
import { EnvironmentOutputs } from "../components/environment/outputs";
import { AwsCommandDeps } from "./aws/command-deps";
import { registerBuildCommand } from "./commands/build";
import { registerCostCommand } from "./commands/cost";
import { registerDeployServiceCommand } from "./commands/deploy-service";
import { registerDiffCommand } from "./commands/diff";
import { registerJobCommands } from "./commands/job";
import { registerReleaseCommands } from "./commands/release";
import { registerGraphCommand } from "./commands/graph";
import { registerStackCommands } from "./commands/stack";
import { registerStagingCommands } from "./commands/staging";
import { registerStatusCommand } from "./commands/status";
import { planJson, renderCounts, renderTree } from "./plan";

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  the operation failed (a deploy, a destroy, a build, a job)
  2  usage, config or environment problem: bad arguments, invalid stack config, Pulumi CLI
     not installed, no secrets passphrase, refused destroy of a protected environment`;

/**
 * `paved`: the platform's command line (exit codes: `EXIT_CODES_HELP`).
 * `context` supplies the stack backend and I/O of the stack commands (tests pass fakes).
 */
export function buildProgram(context: () => CommandContext = lazyDefaultContext(), aws?: AwsCommandDeps): Command {
    // exitOverride before any subcommand exists, so every subcommand inherits it: usage errors
    // throw a CommanderError that main() maps to exit code 2 instead of commander exiting.
    const program = new Command("paved").description("Paved: fleets of frontend apps and batch jobs on AWS").showHelpAfterError().exitOverride().addHelpText("after", EXIT_CODES_HELP);

    program
        .command("plan")
        .description("evaluate an environment offline (no credentials, no Pulumi CLI) and print its resources")
        .argument("<env>", "environment (stack) name, e.g. dev", envName)
        .option("--json <file>", "also write the plan with every resource's resolved inputs as JSON", outputFile)
        .option("--config <file>", "plan this stack config file instead of Pulumi.<env>.yaml", existingFile("a stack config file, e.g. Pulumi.dev.yaml"))
        .action(async (env: string, opts: { json?: string; config?: string }) => {
            const result = await pavedOf(context()).plan(env, { configFile: opts.config });
            console.log(renderTree(result));
            console.log(`\n${result.resources.length} resources in ${result.project}/${result.stack}\n`);
            console.log(renderCounts(result));
            if (opts.json) {
                fs.writeFileSync(opts.json, `${JSON.stringify(planJson(result), null, 2)}\n`);
                console.log(`\nwrote ${opts.json}`);
            }
        });

    registerStackCommands(program, context);
    registerStagingCommands(program, context);
    registerDiffCommand(program, () => context().projectDir);
    registerGraphCommand(program, () => context().projectDir);
    registerCostCommand(program, () => context().projectDir);

    // What only the deployed stack knows (subnets, bucket, store ARN) comes from its outputs,
    // read through the Automation API when a command needs them.
    const awsDeps: AwsCommandDeps = aws ?? {
        outputs: { outputs: async (env) => (await context().stacks().outputs(env)) as unknown as EnvironmentOutputs },
        loadConfig: (env) => loadEnvironmentConfig(env, context().projectDir),
    };
    registerBuildCommand(program, awsDeps);
    registerReleaseCommands(program, awsDeps);
    registerDeployServiceCommand(program, awsDeps);
    registerJobCommands(program, awsDeps);
    registerStatusCommand(program, awsDeps);

    return program;
}

function lazyDefaultContext(): () => CommandContext {
    let ctx: CommandContext | undefined;
    return () => (ctx ??= defaultContext());
}

export async function main(argv: string[], context?: () => CommandContext, aws?: AwsCommandDeps): Promise<number> {
    try {
        await buildProgram(context, aws).parseAsync(argv, { from: "user" });
        return 0;
    } catch (e) {
        // Commander has already printed the usage error (or the help/version it was asked for).
        if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
        // By name too: the program may load Paved from the built package (dist/), another copy of the class.
        if (e instanceof PavedError || (e instanceof Error && (e.name === "PavedError" || e.name === "ConfigError"))) {
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
