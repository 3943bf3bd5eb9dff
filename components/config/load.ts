import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { z } from "zod";
import { safeParseArgs } from "../args";
import { ConfigError, Problem } from "../errors";
import { ec2SizeViolation, fargateSizeViolation, pathsOverlap, servicePathViolation } from "../validation";
import {
    AlertsConfig,
    AppConfig,
    BuildImageConfig,
    CAPACITIES,
    ClusterConfig,
    EnvironmentKind,
    EphemeralConfig,
    ExistingNetworkConfig,
    JobConfig,
    ServicesConfig,
    SiteConfig,
    TagsConfig,
    appSchema,
    configKeys,
    jobSchema,
} from "./schema";
import { instanceSize, largestTaskLimits } from "./instance-types";

/** The VPC Paved creates when no existing one is given. */
export interface CreatedNetworkConfig {
    cidrBlock: string;
    availabilityZones: number;
    natGateways: "single" | "onePerAz";
}

/** Exactly one of `create` and `existing`; ephemeral environments have neither (they borrow the base stack's). */
export interface NetworkConfig {
    create?: CreatedNetworkConfig;
    existing?: ExistingNetworkConfig;
}

/** One environment's validated, defaulted config: everything `Environment` needs. */
export interface PavedConfig {
    project: string;
    /** The environment's name: the stack name. */
    name: string;
    kind: EnvironmentKind;
    region: string;
    network: NetworkConfig;
    site: SiteConfig;
    apps: AppConfig[];
    jobs: JobConfig[];
    cluster: ClusterConfig;
    buildImage: BuildImageConfig;
    tags: TagsConfig;
    ephemeral?: EphemeralConfig;
    /** How the site reaches the apps' container services. */
    services: ServicesConfig;
    /** Subscribers of the notifications topic and alarm thresholds. */
    alerts: AlertsConfig;
    /** Prod protects stateful resources (bucket, repositories, log groups) from deletion. */
    protect: boolean;
}

/** What `parseConfig` reads: the stack's config, already split into keys. */
export interface RawStackConfig {
    project: string;
    stack: string;
    /** Config values by full key (`paved:apps`, `aws:region`); objects already parsed. */
    values: Record<string, unknown>;
    /** Directory catalog files are resolved against. */
    projectDir: string;
    readFile?: (file: string) => string;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const STACK_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const STACK_NAME_MAX = 24;

export { keyPath, zodProblems } from "../args";

function parseKey<S extends z.ZodType>(schema: S, prefix: string, input: unknown, problems: Problem[]): z.output<S> | undefined {
    const result = safeParseArgs(schema, input, prefix);
    if (result.problems) problems.push(...result.problems);
    return result.data;
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Deep merge for overrides: objects merge, everything else (arrays included) replaces. */
export function deepMerge(base: unknown, patch: unknown): unknown {
    if (!isRecord(base) || !isRecord(patch)) return patch;
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(base[k], v);
    return out;
}

/** A catalog entry after overrides: its parsed value when valid, the raw one for cross-checks. */
interface Parsed<T> {
    value?: T;
    raw: Record<string, unknown>;
    where: string;
}

interface Entry {
    raw: unknown;
    where: string;
}

/**
 * Parses and validates a stack's `paved:` config into one typed object, or throws a
 * `ConfigError` listing every problem, each with its key path, value and fix.
 */
export function parseConfig(input: RawStackConfig): PavedConfig {
    const problems: Problem[] = [];
    const { values } = input;

    if (!STACK_NAME.test(input.stack) || input.stack.length > STACK_NAME_MAX) {
        problems.push({
            path: "stack",
            value: input.stack,
            message: `the stack name is the environment name: lowercase letters, digits and single hyphens, at most ${STACK_NAME_MAX} characters, e.g. "dev" or "staging-r42"`,
        });
    }
    const region = values["aws:region"];
    if (typeof region !== "string" || !REGION.test(region)) {
        problems.push({ path: "aws:region", value: region, message: 'set the AWS region, e.g. `pulumi config set aws:region eu-west-1`' });
    }

    const known = new Set(Object.keys(configKeys));
    for (const key of Object.keys(values)) {
        if (key.startsWith("paved:") && !known.has(key.slice("paved:".length))) {
            problems.push({ path: key, value: values[key], message: `unknown key; Paved reads ${[...known].map((k) => `paved:${k}`).join(", ")}` });
        }
    }

    const read = <S extends z.ZodType>(key: keyof typeof configKeys, schema: S) => parseKey(schema, `paved:${key}`, values[`paved:${key}`], problems);
    const kind = read("kind", configKeys.kind);
    const network = read("network", configKeys.network);
    const site = read("site", configKeys.site);
    const catalogFile = read("catalog", configKeys.catalog);
    const overrides = read("overrides", configKeys.overrides);
    const cluster = read("cluster", configKeys.cluster);
    const tags = read("tags", configKeys.tags);
    const ephemeral = read("ephemeral", configKeys.ephemeral);
    const buildImage = read("buildImage", configKeys.buildImage);
    const services = read("services", configKeys.services);
    const alerts = read("alerts", configKeys.alerts);

    // Apps and jobs come from the shared catalog file, then this stack's own lists; overrides
    // and exclusions apply by name. Each entry keeps where it came from for error messages.
    const apps: Entry[] = [];
    const jobs: Entry[] = [];
    if (typeof catalogFile === "string") {
        const file = path.resolve(input.projectDir, catalogFile);
        let doc: unknown;
        try {
            doc = YAML.parse((input.readFile ?? ((f) => fs.readFileSync(f, "utf8")))(file));
        } catch (e) {
            problems.push({ path: "paved:catalog", value: catalogFile, message: `cannot read the catalog file: ${(e as Error).message.split("\n")[0]}` });
        }
        if (doc !== undefined && !isRecord(doc)) {
            problems.push({ path: "paved:catalog", value: catalogFile, message: "the catalog file must be a mapping with apps and jobs lists" });
        } else if (isRecord(doc)) {
            for (const key of Object.keys(doc)) {
                if (key !== "apps" && key !== "jobs") problems.push({ path: `${catalogFile}:${key}`, value: doc[key], message: "unknown key; a catalog file has apps and jobs" });
            }
            collect(doc.apps, `${catalogFile}:apps`, apps, problems);
            collect(doc.jobs, `${catalogFile}:jobs`, jobs, problems);
        }
    }
    collect(values["paved:apps"], "paved:apps", apps, problems);
    collect(values["paved:jobs"], "paved:jobs", jobs, problems);

    const parsedApps = applyOverrides(apps, overrides?.apps ?? {}, overrides?.exclude ?? [], "apps", appSchema, problems);
    const parsedJobs = applyOverrides(jobs, overrides?.jobs ?? {}, overrides?.exclude ?? [], "jobs", jobSchema, problems);
    for (const name of overrides?.exclude ?? []) {
        if (!apps.some((a) => nameOf(a.raw) === name) && !jobs.some((j) => nameOf(j.raw) === name)) {
            problems.push({ path: "paved:overrides.exclude", value: name, message: "names no app or job in the catalog" });
        }
    }

    checkUnique(parsedApps, "app", problems);
    checkUnique(parsedJobs, "job", problems);
    checkAppPaths(parsedApps, problems);
    checkServiceSizes(parsedApps, problems);
    checkServicePaths(parsedApps, problems);
    if (services) checkServicesOrigin(services, parsedApps, typeof region === "string" ? region : undefined, problems);
    if (cluster) checkJobSizes(parsedJobs, cluster, problems);
    if (cluster) checkCluster(cluster, problems);

    if (kind === "ephemeral") {
        if (!ephemeral) problems.push({ path: "paved:ephemeral", value: undefined, message: "ephemeral environments need baseStack, release and expiresAt" });
        if (values["paved:network"] !== undefined) {
            problems.push({ path: "paved:network", value: values["paved:network"], message: "remove it: ephemeral environments reuse the base stack's network" });
        }
        if (!/^staging-[a-z0-9-]+$/.test(input.stack)) {
            problems.push({ path: "stack", value: input.stack, message: 'ephemeral stacks are named "staging-<id>", e.g. "staging-r42"' });
        }
    } else if (kind !== undefined && ephemeral) {
        problems.push({ path: "paved:ephemeral", value: values["paved:ephemeral"], message: `only ephemeral environments take this key (paved:kind is "${kind}")` });
    }
    if (network?.existing && (network.cidrBlock || network.availabilityZones || network.natGateways)) {
        problems.push({ path: "paved:network.existing", value: network.existing, message: "either use an existing VPC or size a new one (cidrBlock, availabilityZones, natGateways), not both" });
    }
    if (site && Boolean(site.domain) !== Boolean(site.certificateArn)) {
        problems.push({ path: site.domain ? "paved:site.certificateArn" : "paved:site.domain", value: undefined, message: "a custom domain needs both domain and certificateArn" });
    }

    if (problems.length > 0 || !kind || !network || !site || !cluster || !tags || !services || !alerts || typeof region !== "string") {
        throw new ConfigError(problems, `the config of stack "${input.stack}"`);
    }
    const prod = kind === "prod";
    const appConfigs = parsedApps.map((a) => a.value!);
    return {
        project: input.project,
        name: input.stack,
        kind,
        region,
        network:
            kind === "ephemeral"
                ? {}
                : network.existing
                  ? { existing: network.existing }
                  : {
                        create: {
                            cidrBlock: network.cidrBlock ?? "10.0.0.0/16",
                            availabilityZones: network.availabilityZones ?? (prod ? 3 : 2),
                            natGateways: network.natGateways ?? (prod ? "onePerAz" : "single"),
                        },
                    },
        site,
        apps: appConfigs,
        jobs: parsedJobs.map((j) => j.value!),
        cluster,
        buildImage: buildImage ?? defaultBuildImage(appConfigs),
        tags,
        ephemeral,
        services,
        alerts,
        protect: prod,
    };
}

/** The build image pre-warms from the repository most apps build from (the monorepo, usually). */
function defaultBuildImage(apps: AppConfig[]): BuildImageConfig {
    const counts = new Map<string, number>();
    for (const a of apps) counts.set(a.source.repository, (counts.get(a.source.repository) ?? 0) + 1);
    const repository = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? "https://github.com/aws-samples/aws-codebuild-samples.git";
    return { repository, branch: "main", lockfileDirectory: ".", schedule: "cron(0 3 ? * MON *)" };
}

function collect(list: unknown, where: string, into: Entry[], problems: Problem[]): void {
    if (list === undefined) return;
    if (!Array.isArray(list)) {
        problems.push({ path: where, value: list, message: "must be a list" });
        return;
    }
    list.forEach((raw, i) => into.push({ raw, where: `${where}[${i}]` }));
}

function nameOf(raw: unknown): string | undefined {
    return isRecord(raw) && typeof raw.name === "string" ? raw.name : undefined;
}

function applyOverrides<S extends z.ZodType>(
    entries: Entry[],
    overrides: Record<string, Record<string, unknown>>,
    exclude: string[],
    kind: "apps" | "jobs",
    schema: S,
    problems: Problem[],
): Parsed<z.output<S>>[] {
    for (const name of Object.keys(overrides)) {
        if (!entries.some((e) => nameOf(e.raw) === name)) {
            problems.push({ path: `paved:overrides.${kind}.${name}`, value: overrides[name], message: `names no ${kind === "apps" ? "app" : "job"} in the catalog` });
        }
    }
    const out: Parsed<z.output<S>>[] = [];
    for (const e of entries) {
        const name = nameOf(e.raw);
        if (name !== undefined && exclude.includes(name)) continue;
        const patch = name !== undefined ? overrides[name] : undefined;
        const merged = patch ? deepMerge(e.raw, patch) : e.raw;
        // An error in a merged entry is reported at the entry; the override is named too.
        const where = patch ? `${e.where} (with paved:overrides.${kind}.${name})` : e.where;
        out.push({ value: parseKey(schema, where, merged, problems), raw: isRecord(merged) ? merged : {}, where: e.where });
    }
    return out;
}

// Cross-checks read the raw entries, so an entry with another error is still checked here.
function checkUnique(entries: Parsed<unknown>[], what: string, problems: Problem[]): void {
    const seen = new Map<string, string>();
    for (const e of entries) {
        const name = e.raw.name;
        if (typeof name !== "string") continue;
        const first = seen.get(name);
        if (first) problems.push({ path: `${e.where}.name`, value: name, message: `duplicate ${what} name (also ${first}); ${what} names must be unique` });
        else seen.set(name, e.where);
    }
}

function checkAppPaths(apps: Parsed<AppConfig>[], problems: Problem[]): void {
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

/** Container services run on Fargate: their cpu/memory must be one of its combinations. */
function checkServiceSizes(apps: Parsed<AppConfig>[], problems: Problem[]): void {
    for (const { value, where } of apps) {
        const service = value?.container?.service;
        if (!service) continue;
        const problem = fargateSizeViolation(service.cpu, service.memory);
        if (problem) {
            const field = /^Fargate cpu must/.test(problem) ? "cpu" : "memory";
            problems.push({ path: `${where}.container.service.${field}`, value: { cpu: service.cpu, memory: service.memory }, message: `app "${value.name}": ${problem}` });
        }
    }
}

/** A service's site path is its app's path or under it, and no other app's. */
function checkServicePaths(apps: Parsed<AppConfig>[], problems: Problem[]): void {
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
function checkServicesOrigin(services: ServicesConfig, apps: Parsed<AppConfig>[], region: string | undefined, problems: Problem[]): void {
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

function checkJobSizes(jobs: Parsed<JobConfig>[], cluster: ClusterConfig, problems: Problem[]): void {
    const largest = largestTaskLimits(cluster.instanceTypes);
    for (const { raw, where } of jobs) {
        // Sizes are checked whenever they are readable, with the schema's defaults.
        const job = { name: String(raw.name), cpu: raw.cpu ?? 512, memory: raw.memory ?? 1024, capacity: raw.capacity ?? "ec2", schedule: raw.schedule, queue: raw.queue };
        if (typeof job.cpu !== "number" || typeof job.memory !== "number" || !(CAPACITIES as readonly unknown[]).includes(job.capacity)) continue;
        if (job.schedule && job.queue) {
            problems.push({ path: `${where}.queue`, value: job.queue, message: "a job has one trigger: keep schedule or queue, not both (neither means on demand)" });
        }
        const problem = job.capacity === "ec2" ? ec2SizeViolation(job.cpu, job.memory, largest?.memoryMiB, largest?.cpu) : fargateSizeViolation(job.cpu, job.memory);
        if (problem) {
            const field = /^(Fargate )?cpu (must|\d+ does not fit)/.test(problem) ? "cpu" : "memory";
            problems.push({ path: `${where}.${field}`, value: { cpu: job.cpu, memory: job.memory, capacity: job.capacity }, message: `job "${job.name}": ${problem}` });
        }
    }
}

function checkCluster(cluster: ClusterConfig, problems: Problem[]): void {
    if (cluster.minSize > cluster.maxSize) {
        problems.push({ path: "paved:cluster.minSize", value: cluster.minSize, message: `must not exceed maxSize (${cluster.maxSize})` });
    }
    if (cluster.onDemandBaseCapacity > cluster.maxSize) {
        problems.push({ path: "paved:cluster.onDemandBaseCapacity", value: cluster.onDemandBaseCapacity, message: `must not exceed maxSize (${cluster.maxSize})` });
    }
    cluster.instanceTypes.forEach((t, i) => {
        if (!instanceSize(t)) problems.push({ path: `paved:cluster.instanceTypes[${i}]`, value: t, message: "unknown instance type; use a current general-purpose, compute or memory type such as m6i.large, c7g.xlarge or r6a.2xlarge" });
    });
}

/** Parses a config value the way the engine hands it over: JSON when it parses, else the string. */
export function decodeConfigValue(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** Reads the running stack's config (inside a Pulumi program) and validates it. */
export function loadConfig(projectDir = process.cwd()): PavedConfig {
    const values: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(pulumi.runtime.allConfig())) values[key] = decodeConfigValue(text);
    return parseConfig({ project: pulumi.getProject(), stack: pulumi.getStack(), values, projectDir });
}

