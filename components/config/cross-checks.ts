/**
 * Rules between `paved:` keys and between catalog entries: unique names, app paths that do not
 * overlap, service paths and the services' origin, jobs that fit the cluster. Rules of one entry
 * live in the components' schemas.
 */
import { taskSizeViolation } from "../batch/common";
import type { Problem } from "../errors";
import { pathsOverlap, servicePathViolation } from "../validation";
import type { Parsed } from "./catalog";
import { instanceSize } from "./instance-types";
import type { AppConfig, JobConfig, ServicesConfig } from "./schema";

/**
 * The instance types jobs must fit: the parsed cluster's, else the known ones of the raw
 * `paved:cluster` (so a job is still checked while the cluster has another problem).
 */
export function clusterInstanceTypes(parsed: string[] | undefined, raw: unknown): string[] | undefined {
    if (parsed) return parsed;
    const list = (raw as { instanceTypes?: unknown } | undefined)?.instanceTypes;
    if (!Array.isArray(list)) return undefined;
    const known = list.filter((t): t is string => typeof t === "string" && instanceSize(t) !== undefined);
    return known.length > 0 ? known : undefined;
}

// Cross-checks read the raw entries, so an entry with another error is still checked here.
export function checkUnique(entries: Parsed<unknown>[], what: string, problems: Problem[]): void {
    const seen = new Map<string, string>();
    for (const e of entries) {
        const name = e.raw.name;
        if (typeof name !== "string") continue;
        const first = seen.get(name);
        if (first) problems.push({ path: `${e.where}.name`, value: name, message: `duplicate ${what} name (also ${first}); ${what} names must be unique` });
        else seen.set(name, e.where);
    }
}

export function checkAppPaths(apps: Parsed<AppConfig>[], problems: Problem[]): void {
    const paths = apps.filter((a) => typeof a.raw.path === "string");
    for (let i = 0; i < paths.length; i++) {
        for (let j = 0; j < i; j++) {
            const a = paths[i].raw.path as string;
            const b = paths[j].raw.path as string;
            if (pathsOverlap(a, b)) {
                const how = a === b ? "duplicates" : "overlaps";
                problems.push({ path: `${paths[i].where}.path`, value: a, message: `${how} the path of app "${String(paths[j].raw.name)}" (${b}); give each app its own path, none under another` });
            }
        }
    }
}

/** A service's site path is its app's path or under it, and no other app's. */
export function checkServicePaths(apps: Parsed<AppConfig>[], problems: Problem[]): void {
    const paths = apps.map((a) => a.value?.path).filter((p): p is string => typeof p === "string");
    for (const { value, where } of apps) {
        const service = value?.container?.service;
        if (!service) continue;
        const path = service.path ?? value.path;
        const problem = servicePathViolation(path, value.path, paths.filter((p) => p !== value.path));
        if (problem) problems.push({ path: `${where}.container.service.path`, value: service.path, message: `app "${value.name}" (path ${value.path}): the service path ${path} ${problem}` });
    }
}

/**
 * Services are reached over HTTPS: a certificate in the stack's region and the name it covers,
 * unless the environment opts out with `insecureHttpOrigin`.
 */
export function checkServicesOrigin(services: ServicesConfig, apps: Parsed<AppConfig>[], region: string | undefined, problems: Problem[]): void {
    const withService = apps.filter((a) => a.value?.container?.service).map((a) => a.value!.name);
    if (services.insecureHttpOrigin) {
        if (services.certificateArn) problems.push({ path: "paved:services.insecureHttpOrigin", value: true, message: "and paved:services.certificateArn exclude each other; remove the opt-out to serve HTTPS" });
        return;
    }
    if (services.certificateArn && region) {
        const certRegion = services.certificateArn.split(":")[3];
        if (certRegion !== region) {
            problems.push({ path: "paved:services.certificateArn", value: services.certificateArn, message: `is in ${certRegion}; the load balancer is in ${region} (aws:region) and takes certificates from its own region only` });
        }
    }
    if (withService.length === 0) return;
    const who = `${withService.length === 1 ? "app" : "apps"} ${withService.join(", ")} run${withService.length === 1 ? "s a container service" : " container services"} the site reaches over HTTPS`;
    if (!services.certificateArn) {
        problems.push({ path: "paved:services.certificateArn", value: undefined, message: `${who}: set an ACM certificate in ${region ?? "the stack's region"} covering paved:services.originDomain (or opt out with paved:services.insecureHttpOrigin: true)` });
    }
    if (!services.originDomain) {
        problems.push({ path: "paved:services.originDomain", value: undefined, message: `${who}: set the name paved:services.certificateArn covers, e.g. "services.shop.example.com" (CloudFront connects as that name; no DNS record needed)` });
    }
}

/**
 * A job on EC2 fits the cluster's largest instance type (the job's own schema checks the
 * ranges EC2 and Fargate take; this needs `paved:cluster`).
 */
export function checkJobSizes(jobs: Parsed<JobConfig>[], instanceTypes: string[], problems: Problem[]): void {
    for (const { value, where } of jobs) {
        if (!value || value.capacity !== "ec2" || taskSizeViolation(value.capacity, value.cpu, value.memory)) continue;
        const problem = taskSizeViolation(value.capacity, value.cpu, value.memory, instanceTypes);
        if (problem) problems.push({ path: `${where}.${problem.field}`, value: problem.value, message: `job "${value.name}": ${problem.message} (paved:cluster.instanceTypes)` });
    }
}
