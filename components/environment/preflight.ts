/**
 * An environment's preflight: ONE parse pass of every child component's own schema over the args
 * the environment derives for it, before anything is registered. Each problem is reported at the
 * `paved:` key the user wrote (`paved:jobs[1].memory`, `catalog.yaml:apps[0].container.dockerfile`),
 * so a rule that exists only in a component still names the config key that broke it.
 */
import { z } from "zod";
import { safeParseArgs } from "../args";
import { batchClusterFields, checkBatchCluster } from "../batch/batch-cluster";
import { batchJobFields, checkBatchJob } from "../batch/batch-job";
import { checkContainerService, containerServiceFields } from "../batch/container-service";
import { checkServiceLoadBalancer, serviceLoadBalancerFields } from "../batch/service-load-balancer";
import type { PavedConfig } from "../config";
import type { Problem } from "../errors";
import { buildImageArgs } from "../frontend/build-image";
import { checkFrontendApp, frontendAppFields } from "../frontend/frontend-app";
import { checkRepositoryOwner } from "../frontend/repository";
import { siteHostArgs, siteServicesArgs } from "../frontend/site-host";
import { networkArgs } from "../network/network";
import { operationsArgs } from "../operations/operations";
import { TAG_KEYS, environmentChildArgs } from "./child-args";

// The children's schemas less the references only the environment's resources supply.
const appChild = frontendAppFields.omit({ site: true, buildImage: true }).strict().superRefine((a, ctx) => {
    checkFrontendApp(a, ctx);
    checkRepositoryOwner(a, ctx);
});
const jobChild = (instanceTypes: string[]) => batchJobFields.omit({ cluster: true, image: true }).superRefine((j, ctx) => checkBatchJob(j, ctx, instanceTypes));
const serviceChild = (instanceTypes: string[]) =>
    containerServiceFields.omit({ cluster: true, image: true, loadBalancer: true }).superRefine((s, ctx) => checkContainerService(s, ctx, instanceTypes));
const clusterChild = batchClusterFields.omit({ vpcId: true, privateSubnetIds: true }).superRefine(checkBatchCluster);
const loadBalancerChild = serviceLoadBalancerFields.omit({ vpcId: true, subnetIds: true }).superRefine(checkServiceLoadBalancer);

/** `args.a.b[0]` → ["a", "b", 0]: the property path under `args`. */
function argPath(path: string): { key: string; rest: string } {
    const m = /^args\.?([^.[]*)(.*)$/.exec(path);
    return m ? { key: m[1], rest: m[2] } : { key: "", rest: path };
}

/**
 * Every problem of the children's args, at its `paved:` key path; empty when the environment's
 * children all accept their args.
 */
export function preflightProblems(config: PavedConfig): Problem[] {
    const a = environmentChildArgs(config);
    const problems: Problem[] = [];
    const appWhere = (name: string) => config.sources?.apps[name] ?? `paved:apps[${config.apps.findIndex((x) => x.name === name)}]`;
    const jobWhere = (name: string) => config.sources?.jobs[name] ?? `paved:jobs[${config.jobs.findIndex((x) => x.name === name)}]`;

    // Keys every child takes from the environment rather than from its own entry.
    const common = (key: string, rest: string, owner?: { where: string; team?: string; costCenter?: string }): string | undefined => {
        if (key === "namePrefix") return "stack";
        if (key === "logRetentionDays" || key === "accessLogRetentionDays" || key === "flowLogRetentionDays" || key === "protect" || key === "forceDestroy" || key === "forceDelete") return "paved:kind";
        if (key === "tags") {
            const tag = /^\.(.*)$/.exec(rest)?.[1] ?? "";
            if (tag === TAG_KEYS.team) return owner?.team !== undefined ? `${owner.where}.team` : "paved:tags.team";
            if (tag === TAG_KEYS.costCenter) return owner?.costCenter !== undefined ? `${owner.where}.costCenter` : "paved:tags.costCenter";
            if (tag === TAG_KEYS.environment) return "stack";
            if (tag === TAG_KEYS.expiresAt) return "paved:ephemeral.expiresAt";
            if (tag === TAG_KEYS.release) return "paved:ephemeral.release";
            if (tag === TAG_KEYS.app || tag === TAG_KEYS.job) return owner ? `${owner.where}.name` : "stack";
            return "paved:tags";
        }
        return undefined;
    };
    const run = (schema: z.ZodType, args: unknown, map: (key: string, rest: string) => string) => {
        const result = safeParseArgs(schema, args, "args");
        for (const p of result.problems ?? []) {
            const { key, rest } = argPath(p.path);
            problems.push({ ...p, path: map(key, rest) });
        }
    };

    run(siteHostArgs, a.site, (key, rest) => {
        if (key === "domain") return rest.startsWith(".certificateArn") ? "paved:site.certificateArn" : "paved:site.domain";
        return common(key, rest) ?? `paved:site.${key}${rest}`;
    });
    // The site's service paths are the apps' service paths, in the order of the apps that have one.
    const withService = config.apps.filter((app) => app.container?.service);
    run(siteServicesArgs.shape.paths, a.servicePaths, (_key, rest) => {
        const i = /^\[(\d+)\]/.exec(rest)?.[1];
        return i !== undefined ? `${appWhere(withService[Number(i)].name)}.container.service.path` : "paved:apps";
    });
    run(operationsArgs, a.operations, (key, rest) => {
        if (key === "alerts") return `paved:alerts${rest}`;
        if (key === "region") return "aws:region";
        if (key === "environment") return "stack";
        return common(key, rest) ?? "paved:alerts";
    });
    if (config.kind !== "ephemeral") {
        run(networkArgs, a.network, (key, rest) => common(key, rest) ?? `paved:network.${key}${rest}`);
        run(buildImageArgs, a.buildImage, (key, rest) => common(key, rest) ?? (key === "source" ? `paved:buildImage${rest}` : `paved:buildImage.${key}${rest}`));
        run(clusterChild, a.cluster, (key, rest) => common(key, rest) ?? `paved:cluster.${key}${rest}`);
    }
    for (const app of config.apps) {
        const where = appWhere(app.name);
        const owner = { where, team: app.team, costCenter: app.costCenter };
        run(appChild, a.apps[app.name], (key, rest) => common(key, rest, owner) ?? `${where}.${key}${rest}`);
    }
    const instanceTypes = config.cluster.instanceTypes;
    for (const job of config.jobs) {
        const where = jobWhere(job.name);
        const owner = { where, team: job.team, costCenter: job.costCenter };
        run(jobChild(instanceTypes), a.jobs[job.name], (key, rest) => common(key, rest, owner) ?? `${where}.${key}${rest}`);
    }
    const priorities = new Map<number, string>();
    for (const [name, args] of Object.entries(a.services)) {
        const app = config.apps.find((x) => x.name === name)!;
        const where = appWhere(name);
        const owner = { where, team: app.team, costCenter: app.costCenter };
        run(serviceChild(instanceTypes), args, (key, rest) => {
            if (key === "port") return `${where}.container.port`;
            if (key === "routing") return `${where}.container.service.path`;
            if (key === "name") return `${where}.name`;
            return common(key, rest, owner) ?? `${where}.container.service.${key}${rest}`;
        });
        const clash = priorities.get(args.routing.priority);
        if (clash) problems.push({ path: `${where}.name`, value: name, message: `shares load balancer rule priority ${args.routing.priority} with app "${clash}"; rename one of them` });
        priorities.set(args.routing.priority, name);
    }
    if (a.loadBalancer) {
        run(loadBalancerChild, a.loadBalancer, (key, rest) => {
            if (key === "certificateArn") return "paved:services.certificateArn";
            if (key === "insecureHttp") return "paved:services.insecureHttpOrigin";
            if (key === "cloudFront") return "paved:services.originDomain";
            return common(key, rest) ?? `paved:services`;
        });
    }
    return problems;
}
