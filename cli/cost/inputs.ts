import * as fs from "fs";
import * as YAML from "yaml";
import { z } from "zod";
import { deepMerge, zodProblems } from "../../components/config/load";
import { ConfigError, PavedError } from "../../components/errors";
import COMMITTED_PRICES from "./prices.json";

/**
 * What `paved cost` assumes about usage, and the prices it multiplies by. Every default is written
 * once, here; `--assumptions <file>` and `--prices <file>` (YAML or JSON) are merged over them and
 * validated, each problem named by key path, value and fix.
 */

const count = (what: string) => z.number({ error: `must be a number of ${what}` }).min(0, `must be 0 or more ${what}`);
const positive = (what: string) => z.number({ error: `must be a number of ${what}` }).positive(`must be more than 0 ${what}`);
const ratio = z.number({ error: "must be a number from 0 to 1" }).min(0, "must be from 0 to 1").max(1, "must be from 0 to 1");
const price = z.number({ error: "must be a price in USD (a number)" }).min(0, "must be 0 or more USD");

export const COMPUTE_TYPE_KEYS = ["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"] as const;

const appBuilds = z.strictObject({
    perDay: count("builds a day").optional(),
    averageMinutes: positive("minutes").optional(),
});

export const assumptionsSchema = z.strictObject({
    builds: z
        .strictObject({
            /** 50 apps x 8 = 400 builds a day: the middle of the fleet's 300-500. */
            perAppPerDay: count("builds a day").default(8),
            averageMinutes: positive("minutes").default(6),
            /** Per-app exceptions, by app name. */
            apps: z.record(z.string(), appBuilds).default({}),
            /** Each scheduled rebuild of the build image. */
            buildImageMinutes: positive("minutes").default(20),
        })
        .prefault({}),
    traffic: z
        .strictObject({
            requestsPerMonth: count("requests").default(30_000_000),
            gbPerMonth: count("GB").default(300),
            /** Share of requests CloudFront answers from its cache (the rest read S3). */
            cacheHitRatio: ratio.default(0.9),
            /** KeyValueStore reads per request by the router: route lookups (longest path first) plus the release. */
            kvsReadsPerRequest: count("reads").default(3),
        })
        .prefault({}),
    storage: z
        .strictObject({
            releaseMb: count("MB").default(15),
            /** Releases kept per app (`paved prune-releases --keep`). */
            releasesKept: count("releases").default(10),
            /** Files uploaded per build (S3 PUTs). */
            filesPerRelease: count("files").default(150),
            /** Size of one container image, for apps that push one. */
            imageGb: count("GB").default(0.4),
        })
        .prefault({}),
    network: z
        .strictObject({
            natGbPerMonth: count("GB").default(100),
            /** Average load balancer capacity units each load balancer uses. */
            lcuPerLoadBalancer: count("LCUs").default(1),
        })
        .prefault({}),
    cluster: z
        .strictObject({
            /** Average running instances; default: from the EC2 jobs' load and timing, within minSize-maxSize. */
            averageInstances: count("instances").optional(),
            /** Minutes an instance stays up after its last task ends (ECS managed scaling scales in slowly). */
            scaleInMinutes: count("minutes").default(15),
        })
        .prefault({}),
    jobs: z
        .strictObject({
            /** A run lasts this share of the job's timeout unless runMinutes says otherwise. */
            runFractionOfTimeout: ratio.default(0.25),
            /** Average minutes per run, by job name. */
            runMinutes: z.record(z.string(), positive("minutes")).default({}),
            /** Runs of each on-demand job (neither schedule nor queue) a month, and their length. */
            onDemandRunsPerMonth: count("runs").default(4),
            onDemandRunMinutes: positive("minutes").default(30),
            /** Worker-hours a day of each queue job (workers scale to zero when the queue is empty). */
            queueWorkerHoursPerDay: count("hours").default(2),
            queueMessagesPerMonth: count("messages").default(100_000),
        })
        .prefault({}),
    logs: z
        .strictObject({
            buildMb: count("MB").default(1),
            jobRunMb: count("MB").default(0.5),
            serviceGbPerMonth: count("GB").default(1),
            flowLogsGbPerMonth: count("GB").default(10),
        })
        .prefault({}),
    comparison: z
        .strictObject({
            /** The always-on build server of comparable size to each CodeBuild compute type (vCPUs and memory). */
            serverTypes: z
                .strictObject(Object.fromEntries(COMPUTE_TYPE_KEYS.map((k) => [k, z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an EC2 instance type such as "c5.large"')])) as Record<(typeof COMPUTE_TYPE_KEYS)[number], z.ZodString>)
                .partial()
                .default({}),
        })
        .prefault({}),
});

/** CodeBuild compute type → a 24x7 instance with the same vCPUs and about the same memory. */
export const DEFAULT_SERVER_TYPES: Record<(typeof COMPUTE_TYPE_KEYS)[number], string> = {
    BUILD_GENERAL1_SMALL: "c5.large", // 2 vCPU, 3 GB   vs 2 vCPU, 4 GiB
    BUILD_GENERAL1_MEDIUM: "c5.xlarge", // 4 vCPU, 7 GB   vs 4 vCPU, 8 GiB
    BUILD_GENERAL1_LARGE: "c5.2xlarge", // 8 vCPU, 15 GB  vs 8 vCPU, 16 GiB
    BUILD_GENERAL1_XLARGE: "c5.9xlarge", // 36 vCPU, 70 GB vs 36 vCPU, 72 GiB
    BUILD_GENERAL1_2XLARGE: "c5.18xlarge", // 72 vCPU, 145 GB vs 72 vCPU, 144 GiB
};

export type Assumptions = z.output<typeof assumptionsSchema>;

export const regionPricesSchema = z.strictObject({
    natGatewayHour: price,
    natGatewayGb: price,
    publicIpv4Hour: price,
    albHour: price,
    albLcuHour: price,
    cloudfrontGbOut: price,
    cloudfrontRequestsPerMillion: price,
    cloudfrontFunctionsPerMillion: price,
    kvsReadsPerMillion: price,
    s3GbMonth: price,
    s3PutPerThousand: price,
    s3GetPerThousand: price,
    codebuildPerMinute: z.record(z.string(), price),
    ec2Hour: z.record(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'keys must be EC2 instance types such as "m6i.large"'), price),
    ec2SpotFactor: ratio,
    ebsGp3GbMonth: price,
    fargateVcpuHour: price,
    fargateGbHour: price,
    fargateSpotFactor: ratio,
    logsIngestGb: price,
    logsStorageGbMonth: price,
    alarmMonth: price,
    schedulerPerMillion: price,
    stepFunctionsPerThousandTransitions: price,
    sqsPerMillion: price,
    ecrGbMonth: price,
});

export const pricesSchema = z.strictObject({
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be the date the prices were read, e.g. "2026-12-02"'),
    currency: z.literal("USD", { error: 'must be "USD"' }),
    note: z.string(),
    source: z.array(z.string()).min(1, "name at least one pricing page"),
    regions: z.record(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'keys must be AWS regions such as "eu-west-1"'), regionPricesSchema),
});

export type Prices = z.output<typeof pricesSchema>;
export type RegionPrices = z.output<typeof regionPricesSchema>;

function readDocument(file: string, flag: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new PavedError(`${flag} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    try {
        return YAML.parse(text) ?? {};
    } catch (e) {
        throw new PavedError(`${flag} ${file}: not YAML or JSON: ${(e as Error).message.split("\n")[0]}`);
    }
}

function parse<S extends z.ZodType>(schema: S, input: unknown, prefix: string, source: string): z.output<S> {
    const result = schema.safeParse(input);
    if (!result.success) throw new ConfigError(zodProblems(prefix, input, result.error), source);
    return result.data;
}

/** The defaults, merged under an assumptions file when given. */
export function loadAssumptions(file?: string): Assumptions {
    const input = file === undefined ? {} : readDocument(file, "--assumptions");
    return parse(assumptionsSchema, input, "assumptions", file === undefined ? "the default assumptions" : `--assumptions ${file}`);
}

/** The committed price table, with a prices file merged over it (objects merge, values replace). */
export function loadPrices(file?: string): Prices {
    const committed = parse(pricesSchema, COMMITTED_PRICES, "prices", "cli/cost/prices.json");
    if (file === undefined) return committed;
    const patch = readDocument(file, "--prices");
    return parse(pricesSchema, deepMerge(committed, patch), "prices", `--prices ${file}`);
}
