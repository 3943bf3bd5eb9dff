import { Command } from "commander";
import { envName, jobName, positiveSeconds } from "../arguments";
import { AwsCommandDeps, resolveDeps } from "../aws/command-deps";
import { OperationFailed } from "../aws/errors";

interface RunOptions {
    timeout?: number;
    pollSeconds: number;
}

/**
 * `paved job run <env> <job>`: runs a job once as an ECS task and exits with its result
 * (exit 1, showing the code, when the container exits non-zero or never runs). Cluster, family,
 * networking and log group come from the stack's outputs: an ephemeral copy's jobs run on its
 * base stack's cluster.
 */
export function registerJobCommands(program: Command, deps: AwsCommandDeps = {}): Command {
    const job = program.commands.find((c) => c.name() === "job") ?? program.command("job").description("batch jobs");
    job.command("run")
        .description("run a job now and follow it until it stops")
        .argument("<env>", "environment (stack) name", envName)
        .argument("<job>", "job name", jobName)
        .option("--timeout <seconds>", "stop the task after this long (default: the job's timeoutMinutes)", positiveSeconds)
        .option("--poll-seconds <s>", "seconds between status polls", positiveSeconds, 6)
        .action(async (env: string, name: string, opts: RunOptions) => {
            const d = resolveDeps(deps);
            const result = await d.paved.runJob(env, name, { timeoutSeconds: opts.timeout, pollSeconds: opts.pollSeconds, onEvent: (e) => e.type === "log" && d.print(e.message) });
            // Loaded here, not at start-up: the module imports the AWS SDK (see automation/paved.ts).
            const { renderJobResult } = await import("../aws/run-job");
            d.print(renderJobResult(result));
            if (result.timedOut) throw new OperationFailed(`job ${name} exceeded its timeout of ${result.timeoutSeconds} s and was stopped`);
            if (result.exitCode === undefined) throw new OperationFailed(`job ${name} did not run to completion: ${result.containerReason ?? result.stoppedReason ?? "no reason given"}`);
            if (result.exitCode !== 0) throw new OperationFailed(`job ${name} failed with exit code ${result.exitCode}`);
        });
    return program;
}
