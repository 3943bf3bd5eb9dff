import { Command } from "commander";
import { PavedError } from "../../components/errors";
import { resourceNames } from "../../components/resource-names";
import { namePrefixOf } from "../env-config";
import { AwsCommandDeps, checkNames, resolveDeps, secondsOption } from "../aws/command-deps";
import { deployService } from "../aws/deploy-service";
import { OperationFailed } from "../aws/errors";

interface DeployOptions {
    container?: string;
    timeout?: string;
    pollSeconds?: string;
    wait: boolean;
}

/**
 * `paved deploy-service <env> <app> <image-tag>`: rolls an app's container service to a new
 * image tag and waits for steady state; exit 1 when the rollout fails or is rolled back.
 */
export function registerDeployServiceCommand(program: Command, deps: AwsCommandDeps = {}): Command {
    return program
        .command("deploy-service")
        .description("deploy an image tag to an app's ECS service and wait for the rollout")
        .argument("<env>", "environment (stack) name")
        .argument("<app>", "app with a container service")
        .argument("<image-tag>", "tag of the app's image in its ECR repository")
        .option("--container <name>", "container to retag (default: the task's only container)")
        .option("--timeout <seconds>", "stop waiting after this long (the rollout goes on)")
        .option("--poll-seconds <s>", "seconds between status polls")
        .option("--no-wait", "register and update, then exit without following the rollout")
        .action(async (env: string, app: string, tag: string, opts: DeployOptions) => {
            const d = resolveDeps(deps);
            const timeoutSeconds = secondsOption("timeout", opts.timeout, 1200);
            const pollSeconds = secondsOption("poll-seconds", opts.pollSeconds, 10);
            const config = d.loadConfig(env);
            checkNames("app", [app], config.apps.map((a) => a.name), env);
            if (!config.apps.find((a) => a.name === app)?.container?.service) {
                const withService = config.apps.filter((a) => a.container?.service).map((a) => a.name);
                throw new PavedError(`app ${app} has no container service in ${env}; apps with one: ${withService.join(", ") || "(none)"}`);
            }
            const prefix = namePrefixOf(config);
            const clients = d.clients(config.region);
            const cluster = resourceNames.cluster(prefix);
            const service = resourceNames.appService(prefix, app);
            d.print(`deploying ${tag} to ${service} in ${cluster}`);
            const r = await deployService({
                ecs: clients.ecs,
                ecr: clients.ecr,
                cluster,
                service,
                imageTag: tag,
                containerName: opts.container,
                wait: opts.wait,
                timeoutSeconds,
                pollSeconds,
                clock: d.clock,
                onProgress: d.print,
            });
            switch (r.outcome) {
                case "started":
                    d.print(`started: ${r.taskDefinition} (${r.image}); not waiting for the rollout`);
                    return;
                case "completed":
                    d.print(`${app} runs ${r.image} (${r.taskDefinition}); rollout completed`);
                    return;
                case "rolledBack":
                    throw new OperationFailed(`rollout of ${r.image} to ${service} failed and was rolled back to ${r.previousTaskDefinition}: ${r.reason ?? "no reason given"}`);
                case "failed":
                    throw new OperationFailed(`rollout of ${r.image} to ${service} failed: ${r.reason ?? "no reason given"}`);
                case "timedOut":
                    throw new OperationFailed(`rollout of ${r.image} to ${service} timed out: ${r.reason}`);
            }
        });
}
