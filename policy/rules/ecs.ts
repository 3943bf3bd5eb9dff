/** Policy rules for ECS (see `./index.ts` for the pack). */
import { ResourceView, Rule, T } from "./types";
import { str, truthy } from "./helpers";
import { asArray, containerDefinitions, isRecord, parseJson, secretLikeName, valuesUnderKey } from "../documents";

export const ecsNoPublicIp: Rule = {
    name: "ecs-no-public-ip",
    control: "ECS.2, ECS.16",
    description:
        "ECS services (ECS.2) and task sets (ECS.16) do not assign public IPs, nor do tasks started by EventBridge Scheduler, EventBridge rules or Step Functions (Paved).",
    enforcementLevel: "mandatory",
    resourceTypes: [T.service, T.taskSet, T.schedule, T.eventTarget, T.stateMachine],
    scope: "resource",
    validate(r) {
        switch (r.type) {
            case T.service:
            case T.taskSet:
                return truthy(r.props.networkConfiguration?.assignPublicIp) ? [`${r.name} assigns public IPs to tasks; set networkConfiguration.assignPublicIp to false`] : [];
            case T.schedule:
                return truthy(r.props.target?.ecsParameters?.networkConfiguration?.assignPublicIp)
                    ? [`schedule ${r.name} runs tasks with public IPs; set target.ecsParameters.networkConfiguration.assignPublicIp to false`]
                    : [];
            case T.eventTarget:
                return truthy(r.props.ecsTarget?.networkConfiguration?.assignPublicIp)
                    ? [`event target ${r.name} runs tasks with public IPs; set ecsTarget.networkConfiguration.assignPublicIp to false`]
                    : [];
            default:
                return valuesUnderKey(parseJson(r.props.definition), "AssignPublicIp").some((v) => v === "ENABLED")
                    ? [`state machine ${r.name} runs tasks with AssignPublicIp "ENABLED"; use "DISABLED" and private subnets`]
                    : [];
        }
    },
};

export const ecsCircuitBreaker: Rule = {
    name: "ecs-deployment-circuit-breaker",
    control: "Paved rule",
    description: "ECS services using the ECS deployment controller stop and roll back failed deployments (circuit breaker with rollback).",
    enforcementLevel: "mandatory",
    resourceTypes: [T.service],
    scope: "resource",
    validate(s) {
        const controller = s.props.deploymentController?.type ?? "ECS";
        if (controller !== "ECS") return [];
        const cb = s.props.deploymentCircuitBreaker;
        return truthy(cb?.enable) && truthy(cb?.rollback) ? [] : [`service ${s.name} has no deployment circuit breaker with rollback; set deploymentCircuitBreaker { enable: true, rollback: true }`];
    },
};

function containerRule(
    name: string,
    control: string,
    description: string,
    check: (c: Record<string, any>, where: string, task: ResourceView) => string[],
): Rule {
    return {
        name,
        control,
        description,
        enforcementLevel: "mandatory",
        resourceTypes: [T.taskDefinition],
        scope: "resource",
        validate(task) {
            return containerDefinitions(task.props.containerDefinitions).flatMap((c, i) => check(c, `task definition ${task.name} container ${String(c.name ?? i)}`, task));
        },
    };
}

export const ecsNotPrivileged = containerRule("ecs-containers-not-privileged", "ECS.4", "ECS containers do not run privileged.", (c, where) =>
    truthy(c.privileged) ? [`${where} runs privileged; remove privileged: true`] : [],
);

export const ecsReadOnlyRoot = containerRule("ecs-read-only-root-filesystem", "ECS.5", "ECS containers have read-only root filesystems.", (c, where) =>
    truthy(c.readonlyRootFilesystem) ? [] : [`${where} has a writable root filesystem; set readonlyRootFilesystem: true (mount a volume for scratch space)`],
);

export const ecsNoSecretsInEnvironment = containerRule(
    "ecs-no-secrets-in-environment",
    "ECS.8",
    "ECS containers get secrets from Secrets Manager or SSM (`secrets`), never as plain environment variables with secret-like names.",
    (c, where) =>
        asArray(c.environment)
            .filter(isRecord)
            .filter((e) => str(e.name) && secretLikeName(e.name))
            .map((e) => `${where} passes ${e.name} as a plain environment variable; pass it through secrets (valueFrom) instead`),
);

export const ecsLogging = containerRule("ecs-task-logging", "ECS.9", "Every ECS container has a log configuration.", (c, where) =>
    str(c.logConfiguration?.logDriver) ? [] : [`${where} has no logConfiguration; send its logs to CloudWatch with the awslogs driver`],
);

export const ecsContainerInsights: Rule = {
    name: "ecs-container-insights",
    control: "ECS.12",
    description: "ECS clusters have Container Insights on.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.cluster],
    scope: "resource",
    validate(c) {
        const setting = asArray(c.props.settings).find((s) => isRecord(s) && s.name === "containerInsights");
        return isRecord(setting) && ["enabled", "enhanced"].includes(setting.value)
            ? []
            : [`cluster ${c.name} has Container Insights off; add settings [{ name: "containerInsights", value: "enabled" }]`];
    },
};
