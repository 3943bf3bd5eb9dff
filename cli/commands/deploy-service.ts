import { Command } from "commander";
import { appName, containerName, envName, imageTag, positiveSeconds } from "../arguments";
import { AwsCommandDeps, resolveDeps } from "../aws/command-deps";
import { OperationFailed } from "../aws/errors";

interface DeployOptions {
    container?: string;
    timeout: number;
    pollSeconds: number;
    wait: boolean;
}

/**
 * `paved deploy-service <env> <app> <image-tag>`: rolls an app's container service to a new
 * image tag and waits for steady state; exit 1 when the rollout fails or is rolled back. Every
 * name (cluster, service, task definition, repository, image parameter) comes from the stack's
 * outputs.
 */
export function registerDeployServiceCommand(program: Command, deps: AwsCommandDeps = {}): Command {
    return program
        .command("deploy-service")
        .description("deploy an image tag to an app's ECS service (a copy of Pulumi's task definition with only the image changed) and wait for the rollout")
        .argument("<env>", "environment (stack) name", envName)
        .argument("<app>", "app with a container service", appName)
        .argument("<image-tag>", "tag of the app's image in its ECR repository", imageTag)
        .option("--container <name>", "container to retag (default: the service's container from the stack outputs)", containerName)
        .option("--timeout <seconds>", "stop waiting after this long (the rollout goes on)", positiveSeconds, 1200)
        .option("--poll-seconds <s>", "seconds between status polls", positiveSeconds, 10)
        .option("--no-wait", "register and update, then exit without following the rollout")
        .action(async (env: string, app: string, tag: string, opts: DeployOptions) => {
            const d = resolveDeps(deps);
            const r = await d.paved.deployService(env, app, tag, {
                container: opts.container,
                timeoutSeconds: opts.timeout,
                pollSeconds: opts.pollSeconds,
                wait: opts.wait,
                onEvent: (e) => e.type === "log" && d.print(e.message),
            });
            const restored = r.imageRestored ? `; ${r.imageParameter} holds ${r.previousImage} again` : "";
            switch (r.outcome) {
                case "started":
                    d.print(`started: ${r.taskDefinition} (${r.image}); not waiting for the rollout`);
                    return;
                case "completed":
                    d.print(`${app} runs ${r.image} (${r.taskDefinition}); rollout completed`);
                    return;
                case "rolledBack":
                    throw new OperationFailed(`rollout of ${r.image} to ${r.service} failed and was rolled back to ${r.previousTaskDefinition}: ${r.reason ?? "no reason given"}${restored}`);
                case "failed":
                    throw new OperationFailed(`rollout of ${r.image} to ${r.service} failed: ${r.reason ?? "no reason given"}${restored}`);
                case "timedOut":
                    throw new OperationFailed(`rollout of ${r.image} to ${r.service} timed out: ${r.reason}`);
            }
        });
}
