import { Command } from "commander";
import { envName, jobName, positiveSeconds } from "../arguments";
import { AwsCommandDeps, checkConfigured, entryOf, fromOutputs, resolveDeps } from "../aws/command-deps";
import { OperationFailed } from "../aws/errors";
import { renderJobResult, runJob, runTaskNetworking } from "../aws/run-job";

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
            const { pollSeconds } = opts;
            checkConfigured(d, "job", [name], env);
            const outputs = await d.outputs(env);
            const jobOutputs = entryOf("job", name, outputs.jobs, env, d.localConfig(env)?.jobs.map((j) => j.name));
            const runTask = fromOutputs(jobOutputs.runTask, `the RunTask settings of job ${name}`, env);
            const timeoutSeconds = opts.timeout ?? fromOutputs(jobOutputs.timeoutMinutes, `the timeout of job ${name}`, env) * 60;
            const result = await runJob({
                ecs: d.clients(fromOutputs(outputs.region, "the region", env)).ecs,
                cluster: fromOutputs(runTask.cluster, `the cluster of job ${name}`, env),
                family: fromOutputs(runTask.taskDefinitionFamily, `the task family of job ${name}`, env),
                ...runTaskNetworking(runTask),
                logGroup: jobOutputs.logGroup,
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
