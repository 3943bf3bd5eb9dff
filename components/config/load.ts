import * as pulumi from "@pulumi/pulumi";
import { stackNameViolation } from "../stack-name";
import { z } from "zod";
import { ConfigError, Problem } from "../errors";
import { NETWORK_DEFAULTS, PROD_NETWORK_DEFAULTS } from "../network/network";
import { preflightProblems } from "../environment/preflight";
import { Entry, applyOverrides, collect, nameOf, parseKey, readCatalogFile } from "./catalog";
import { checkAppPaths, checkJobSizes, clusterInstanceTypes, checkServicePaths, checkServicesOrigin, checkUnique } from "./cross-checks";
import {
    AlertsConfig,
    AppConfig,
    BuildImageConfig,
    ClusterConfig,
    EnvironmentKind,
    EphemeralConfig,
    ExistingNetworkConfig,
    JobConfig,
    ServicesConfig,
    SiteConfig,
    TagsConfig,
    appSchema,
    buildImageSchema,
    configKeys,
    jobSchema,
} from "./schema";

export { deepMerge } from "./catalog";

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
    /**
     * Where each app and job was written (`paved:apps[2]`, `catalog.yaml:jobs[0]`), by name, so
     * a problem found later still names the key the user wrote. `paved:apps[i]` when absent.
     */
    sources?: { apps: Record<string, string>; jobs: Record<string, string> };
}

/**
 * Configs `parseConfig` returned, as they were checked: an `Environment` built from one that is
 * unchanged need not check its children's args again.
 */
const checkedConfigs = new WeakMap<PavedConfig, string>();

/** Whether `config` is one `parseConfig` returned, unchanged since. */
export function alreadyChecked(config: PavedConfig): boolean {
    const checked = checkedConfigs.get(config);
    return checked !== undefined && checked === JSON.stringify(config);
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

export { keyPath, zodProblems } from "../args";

/**
 * Parses and validates a stack's `paved:` config into one typed object, or throws a
 * `ConfigError` listing every problem, each with its key path, value and fix.
 */
export function parseConfig(input: RawStackConfig): PavedConfig {
    const problems: Problem[] = [];
    const { values } = input;

    const stackProblem = stackNameViolation(input.stack);
    if (stackProblem) problems.push({ path: "stack", value: input.stack, message: `the stack name is the environment name: it ${stackProblem}` });
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
    if (typeof catalogFile === "string") readCatalogFile(catalogFile, input.projectDir, input.readFile, apps, jobs, problems);
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
    checkServicePaths(parsedApps, problems);
    if (services) checkServicesOrigin(services, parsedApps, typeof region === "string" ? region : undefined, problems);
    const instanceTypes = clusterInstanceTypes(cluster?.instanceTypes, values["paved:cluster"]);
    if (instanceTypes) checkJobSizes(parsedJobs, instanceTypes, problems);

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
    if (site && Boolean(site.domain) !== Boolean(site.certificateArn)) {
        problems.push({ path: site.domain ? "paved:site.certificateArn" : "paved:site.domain", value: undefined, message: "a custom domain needs both domain and certificateArn" });
    }

    if (problems.length > 0 || !kind || !network || !site || !cluster || !tags || !services || !alerts || typeof region !== "string") {
        throw new ConfigError(problems, `the config of stack "${input.stack}"`);
    }
    const prod = kind === "prod";
    const appConfigs = parsedApps.map((a) => a.value!);
    const config: PavedConfig = {
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
                            cidrBlock: network.cidrBlock ?? NETWORK_DEFAULTS.cidrBlock,
                            availabilityZones: network.availabilityZones ?? (prod ? PROD_NETWORK_DEFAULTS : NETWORK_DEFAULTS).availabilityZones,
                            natGateways: network.natGateways ?? (prod ? PROD_NETWORK_DEFAULTS : NETWORK_DEFAULTS).natGateways,
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
        sources: {
            apps: Object.fromEntries(parsedApps.map((a) => [a.value!.name, a.where])),
            jobs: Object.fromEntries(parsedJobs.map((j) => [j.value!.name, j.where])),
        },
    };
    // One parse pass of every child component's schema, problems at their `paved:` keys.
    const later = preflightProblems(config);
    if (later.length > 0) throw new ConfigError(later, `the config of stack "${input.stack}"`);
    checkedConfigs.set(config, JSON.stringify(config));
    return config;
}

/** The build image pre-warms from the repository most apps build from (the monorepo, usually). */
function defaultBuildImage(apps: AppConfig[]): BuildImageConfig {
    const counts = new Map<string, number>();
    for (const a of apps) counts.set(a.source.repository, (counts.get(a.source.repository) ?? 0) + 1);
    const repository = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? "https://github.com/aws-samples/aws-codebuild-samples.git";
    // The rest of the defaults are the build image's own.
    return buildImageSchema.parse({ repository });
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

