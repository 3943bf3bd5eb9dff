import { Command } from "commander";
import { PavedError } from "../../components/errors";
import { resourceNames } from "../../components/resource-names";
import { namePrefixOf } from "../env-config";
import { AwsCommandDeps, checkNames, resolveDeps, secondsOption } from "../aws/command-deps";
import { OperationFailed } from "../aws/errors";
import { renderJobResult, runJob, runTaskNetworking } from "../aws/run-job";

interface RunOptions {
    timeout?: string;
    pollSeconds?: string;
}

/**
 * `paved job run <env> <job>`: runs a job once as an ECS task and exits with its result
 * (exit 1, showing the code, when the container exits non-zero or never runs).
 */
export function registerJobCommands(program: Command, deps: AwsCommandDeps = {}): Command {
    const job = program.commands.find((c) => c.name() === "job") ?? program.command("job").description("batch jobs");
    job.command("run")
        .description("run a job now and follow it until it stops")
        .argument("<env>", "environment (stack) name")
        .argument("<job>", "job name")
        .option("--timeout <seconds>", "stop the task after this long (default: the job's timeoutMinutes)")
        .option("--poll-seconds <s>", "seconds between status polls")
        .action(async (env: string, name: string, opts: RunOptions) => {
            const d = resolveDeps(deps);
            const config = d.loadConfig(env);
            checkNames("job", [name], config.jobs.map((j) => j.name), env);
            const jobConfig = config.jobs.find((j) => j.name === name)!;
            const timeoutSeconds = secondsOption("timeout", opts.timeout, jobConfig.timeoutMinutes * 60);
            const pollSeconds = secondsOption("poll-seconds", opts.pollSeconds, 6);
            const outputs = await d.outputs(env);
            const jobOutputs = outputs.jobs[name];
            if (!jobOutputs) throw new PavedError(`job ${name} is not in the deployed ${env} stack's outputs; deploy it first (pulumi up)`);
            const prefix = namePrefixOf(config);
            const result = await runJob({
                ecs: d.clients(config.region).ecs,
                cluster: resourceNames.cluster(prefix),
                family: resourceNames.jobTaskFamily(prefix, name),
                ...runTaskNetworking(jobOutputs.runTask),
                timeoutSeconds,
                pollSeconds,
                clock: d.clock,
                onProgress: d.print,
            });
            d.print(renderJobResult(result));
            if (result.timedOut) throw new OperationFailed(`job ${name} exceeded its timeout of ${timeoutSeconds} s and was stopped`);
            if (result.exitCode === undefined) throw new OperationFailed(`job ${name} did not run to completion: ${result.containerReason ?? result.stoppedReason ?? "no reason given"}`);
            if (result.exitCode !== 0) throw new OperationFailed(`job ${name} failed with exit code ${result.exitCode}`);
        });
    return program;
}
