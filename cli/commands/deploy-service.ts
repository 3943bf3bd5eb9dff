import { Command } from "commander";
import { PavedError } from "../../components/errors";
import { appName, containerName, envName, imageTag, positiveSeconds } from "../arguments";
import { AwsCommandDeps, checkConfigured, entryOf, fromOutputs, resolveDeps } from "../aws/command-deps";
import { deployService } from "../aws/deploy-service";
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
            const { timeout: timeoutSeconds, pollSeconds } = opts;
            const local = d.localConfig(env);
            if (local) {
                const entry = local.apps.find((a) => a.name === app);
                if (!entry) checkConfigured(d, "app", [app], env);
                else if (!entry.container?.service) throw new PavedError(`app ${app} has no container service in ${env}; apps with one: ${local.apps.filter((a) => a.container?.service).map((a) => a.name).join(", ") || "(none)"} (from Pulumi.${env}.yaml)`);
            }
            const outputs = await d.outputs(env);
            if (outputs.apps?.[app] && !outputs.services?.[app]) {
                throw new PavedError(`app ${app} has no container service in ${env}; apps with one: ${Object.keys(outputs.services ?? {}).join(", ") || "(none)"}`);
            }
            const configured = d.localConfig(env)?.apps.filter((a) => a.container?.service).map((a) => a.name);
            const svc = entryOf("service", app, outputs.services, env, configured);
            const what = (field: string) => `the ${field} of service ${app}`;
            const cluster = fromOutputs(svc.cluster, what("cluster"), env);
            const service = fromOutputs(svc.service, what("ECS service name"), env);
            const clients = d.clients(fromOutputs(outputs.region, "the region", env));
            d.print(`deploying ${tag} to ${service} in ${cluster}`);
            const r = await deployService({
                ecs: clients.ecs,
                ecr: clients.ecr,
                ssm: clients.ssm,
                cluster,
                service,
                taskDefinitionArn: fromOutputs(svc.taskDefinitionArn, what("task definition"), env),
                repositoryUrl: fromOutputs(svc.repositoryUrl, what("image repository"), env),
                imageParameter: fromOutputs(svc.imageParameter, what("image parameter"), env),
                imageTag: tag,
                containerName: opts.container ?? svc.containerName,
                wait: opts.wait,
                timeoutSeconds,
                pollSeconds,
                clock: d.clock,
                onProgress: d.print,
            });
            const restored = r.imageRestored ? `; ${svc.imageParameter} holds ${r.previousImage} again` : "";
            switch (r.outcome) {
                case "started":
                    d.print(`started: ${r.taskDefinition} (${r.image}); not waiting for the rollout`);
                    return;
                case "completed":
                    d.print(`${app} runs ${r.image} (${r.taskDefinition}); rollout completed`);
                    return;
                case "rolledBack":
                    throw new OperationFailed(`rollout of ${r.image} to ${service} failed and was rolled back to ${r.previousTaskDefinition}: ${r.reason ?? "no reason given"}${restored}`);
                case "failed":
                    throw new OperationFailed(`rollout of ${r.image} to ${service} failed: ${r.reason ?? "no reason given"}${restored}`);
                case "timedOut":
                    throw new OperationFailed(`rollout of ${r.image} to ${service} timed out: ${r.reason}`);
            }
        });
}
