/**
 * Pure validation rules shared by the config schema and the components' constructors, so a team
 * importing a component gets the same errors as a stack config. Each returns why a value is
 * invalid (phrased as what to do), or undefined when it is valid.
 */

/** Max segments in an app path: bounds the router's KeyValueStore lookups per request. */
export const MAX_PATH_SEGMENTS = 3;

/**
 * The site distribution's default root object: what CloudFront asks the origin for when a viewer
 * asks for "/" (before or after the router runs; AWS does not say which), so "/" never reaches S3
 * as a request for the bucket root, which is a listing. It does not exist at the bucket's root;
 * the router maps "/index.html" to the root app's index document.
 */
export const DEFAULT_ROOT_OBJECT = "index.html";

/** App path: "/" (the root app) or lowercase URL-safe segments, e.g. "/catalog" or "/admin/reports". */
export function appPathViolation(path: string): string | undefined {
    if (path === "/") return undefined;
    if (path === `/${DEFAULT_ROOT_OBJECT}`) {
        return `is reserved: CloudFront may turn a request for "/" into "/${DEFAULT_ROOT_OBJECT}" (the site's default root object), which must reach the root app; pick another path, e.g. "/index"`;
    }
    const suggestion = suggestAppPath(path);
    const hint = suggestion && suggestion !== path ? `, e.g. "${suggestion}"` : "";
    if (!/^(\/[a-z0-9]+(?:[-._~][a-z0-9]+)*)+$/.test(path)) {
        return `must be "/" or a lowercase URL-safe prefix: "/" then segments of a-z, 0-9 and single "-", "." "_" or "~" between them, no trailing slash${hint}`;
    }
    const segments = path.split("/").length - 1;
    if (segments > MAX_PATH_SEGMENTS) return `may have at most ${MAX_PATH_SEGMENTS} segments (has ${segments})`;
    return undefined;
}

function suggestAppPath(path: string): string | undefined {
    const segments = path
        .toLowerCase()
        .split("/")
        .map((s) => s.replace(/[^a-z0-9._~-]+/g, "-").replace(/^[-._~]+|[-._~]+$/g, ""))
        .filter((s) => s.length > 0);
    return segments.length > 0 ? `/${segments.join("/")}` : undefined;
}

/** True when one app path is the other or lies under it ("/a" and "/a/b"). The root overlaps nothing. */
export function pathsOverlap(a: string, b: string): boolean {
    if (a === "/" || b === "/") return a === b;
    return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** Names of apps and jobs (also compiled into the router, which checks the app a route names). */
export const RESOURCE_NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Names of apps and jobs: they become S3 prefixes, ECR path parts and parts of other names. */
export function resourceNameViolation(name: string): string | undefined {
    if (!RESOURCE_NAME_PATTERN.test(name)) {
        return `must be lowercase letters, digits and single hyphens, starting with a letter, e.g. "${name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^[^a-z]+|-+$/g, "") || "my-app"}"`;
    }
    if (name.length > 40) return `must be at most 40 characters (has ${name.length})`;
    return undefined;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface CronField {
    name: string;
    min: number;
    max: number;
    names?: string[];
    extra: RegExp;
}

const CRON_FIELDS: CronField[] = [
    { name: "minutes", min: 0, max: 59, extra: /^$/ },
    { name: "hours", min: 0, max: 23, extra: /^$/ },
    { name: "day-of-month", min: 1, max: 31, extra: /^(\?|L|L-\d{1,2}|\d{1,2}W|LW)$/ },
    { name: "month", min: 1, max: 12, names: MONTHS, extra: /^$/ },
    { name: "day-of-week", min: 1, max: 7, names: DAYS, extra: /^(\?|[1-7]L|[1-7]#[1-5]|L|(SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5]))$/ },
    { name: "year", min: 1970, max: 2199, extra: /^$/ },
];

function cronValue(field: CronField, text: string): number | undefined {
    if (/^\d+$/.test(text)) {
        const n = Number(text);
        return n >= field.min && n <= field.max ? n : undefined;
    }
    const i = field.names?.indexOf(text.toUpperCase()) ?? -1;
    return i >= 0 ? i + field.min : undefined;
}

function cronFieldViolation(field: CronField, text: string): string | undefined {
    if (field.extra.test(text.toUpperCase())) return undefined;
    for (const item of text.split(",")) {
        const [range, step, ...more] = item.split("/");
        if (more.length > 0 || (step !== undefined && !/^[1-9]\d*$/.test(step))) {
            return `${field.name} "${text}": a step is "/" and a positive number`;
        }
        if (range === "*") continue;
        const bounds = range.split("-");
        if (bounds.length > 2 || bounds.some((b) => cronValue(field, b) === undefined)) {
            const names = field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : "";
            return `${field.name} "${text}" must use values ${field.min}-${field.max}${names} with "," "-" "*" "/"`;
        }
    }
    return undefined;
}

/**
 * EventBridge Scheduler expressions: `cron(min hour day-of-month month day-of-week year)` (one of
 * the two day fields must be "?") or `rate(<n> minute|minutes|hour|hours|day|days)`.
 */
export function scheduleExpressionViolation(expression: string): string | undefined {
    const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
    if (rate) {
        const n = Number(rate[1]);
        if (n < 1) return `rate value must be a positive whole number`;
        const singular = !rate[2].endsWith("s");
        if (n === 1 && !singular) return `use the singular unit for 1: "rate(1 ${rate[2].slice(0, -1)})"`;
        if (n > 1 && singular) return `use the plural unit for ${n}: "rate(${n} ${rate[2]}s)"`;
        return undefined;
    }
    const cron = /^cron\((.*)\)$/.exec(expression);
    if (!cron) return `must be "cron(min hour day-of-month month day-of-week year)" or "rate(<n> <unit>)", e.g. "cron(0 3 * * ? *)" or "rate(15 minutes)"`;
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6) return `cron needs 6 fields (min hour day-of-month month day-of-week year), got ${fields.length}, e.g. "cron(0 3 * * ? *)"`;
    for (let i = 0; i < 6; i++) {
        const problem = cronFieldViolation(CRON_FIELDS[i], fields[i]);
        if (problem) return problem;
    }
    const [, , dom, , dow] = fields;
    if ((dom === "?") === (dow === "?")) return `exactly one of day-of-month ("${dom}") and day-of-week ("${dow}") must be "?"`;
    return undefined;
}

let zones: Set<string> | undefined;
/** IANA time zone names, as EventBridge Scheduler accepts them. */
export function timeZoneViolation(zone: string): string | undefined {
    zones ??= new Set([...Intl.supportedValuesOf("timeZone"), "UTC", "Etc/UTC"]);
    return zones.has(zone) ? undefined : `must be an IANA time zone such as "UTC" or "Europe/Berlin"`;
}

/** Fargate's CPU (units) to memory (MiB) combinations. */
export const FARGATE_SIZES: ReadonlyArray<{ cpu: number; memory: number[] }> = [
    { cpu: 256, memory: [512, 1024, 2048] },
    { cpu: 512, memory: range(1024, 4096, 1024) },
    { cpu: 1024, memory: range(2048, 8192, 1024) },
    { cpu: 2048, memory: range(4096, 16384, 1024) },
    { cpu: 4096, memory: range(8192, 30720, 1024) },
    { cpu: 8192, memory: range(16384, 61440, 4096) },
    { cpu: 16384, memory: range(32768, 122880, 8192) },
];

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
}

export function fargateSizeViolation(cpu: number, memory: number): string | undefined {
    const row = FARGATE_SIZES.find((r) => r.cpu === cpu);
    if (!row) return `Fargate cpu must be one of ${FARGATE_SIZES.map((r) => r.cpu).join(", ")} (got ${cpu})`;
    if (!row.memory.includes(memory)) {
        const lo = row.memory[0];
        const hi = row.memory[row.memory.length - 1];
        const step = row.memory.length > 1 ? row.memory[1] - row.memory[0] : 0;
        return `Fargate cpu ${cpu} takes memory ${row.memory.length <= 3 ? row.memory.join(", ") : `${lo}-${hi} in steps of ${step}`} MiB (got ${memory})`;
    }
    return undefined;
}

/** Bounds for tasks on EC2 capacity: the container's hard limits must fit on one instance. */
export const EC2_TASK_LIMITS = { minCpu: 128, maxCpu: 196608, minMemory: 128, maxMemory: 786432 };

export function ec2SizeViolation(cpu: number, memory: number, instanceMemoryMiB?: number, instanceCpu?: number): string | undefined {
    const l = EC2_TASK_LIMITS;
    if (!Number.isInteger(cpu) || cpu < l.minCpu || cpu > l.maxCpu) return `cpu must be a whole number of units from ${l.minCpu} to ${l.maxCpu} (1024 = 1 vCPU), got ${cpu}`;
    if (!Number.isInteger(memory) || memory < l.minMemory || memory > l.maxMemory) return `memory must be whole MiB from ${l.minMemory} to ${l.maxMemory}, got ${memory}`;
    if (instanceCpu !== undefined && cpu > instanceCpu) return `cpu ${cpu} does not fit the cluster's largest instance (${instanceCpu} units): lower it or add a larger instance type`;
    if (instanceMemoryMiB !== undefined && memory > instanceMemoryMiB) return `memory ${memory} MiB does not fit the cluster's largest instance (${instanceMemoryMiB} MiB available to tasks): lower it or add a larger instance type`;
    return undefined;
}

/** A file extension an app's router treats as a file: lowercase letters and digits, no dot. */
export function fileExtensionViolation(ext: string): string | undefined {
    return /^[a-z0-9]{1,16}$/.test(ext) ? undefined : `must be a file extension of 1-16 lowercase letters and digits, without the dot, e.g. "js"`;
}

/** Release ids: a path segment in S3 and in release-qualified URLs, and a KeyValueStore value. */
export const RELEASE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function releaseIdViolation(id: string): string | undefined {
    return RELEASE_ID_PATTERN.test(id) ? undefined : `must be 1-64 characters of letters, digits, ".", "_" and "-", starting with a letter or digit`;
}

/** Qualifiers that make `<X>_KEY` a lookup key rather than a credential (`RELEASE_KEY`, `CACHE_KEY`). */
const NON_SECRET_KEY_QUALIFIERS = ["RELEASE", "CACHE", "PARTITION", "SORT", "HASH", "PRIMARY", "FOREIGN", "OBJECT", "S3", "BUCKET", "ROUTE", "LOOKUP", "MAP", "I18N", "TRANSLATION", "IDEMPOTENCY", "KVS", "STORE", "QUEUE", "SHORTCUT", "HOT", "UNIQUE", "SITE", "SEARCH", "INDEX", "GROUP", "TABLE", "SEQUENCE"];

/** Services whose `<service>_URL`/`_URI`/`_DSN` carries the password in its user-info part. */
const CREDENTIAL_URL_SERVICES = ["DATABASE", "DB", "MONGO", "MONGODB", "POSTGRES", "POSTGRESQL", "PG", "MYSQL", "MARIADB", "REDIS", "AMQP", "RABBITMQ", "BROKER", "SMTP", "ELASTICSEARCH", "OPENSEARCH"];

/**
 * Whether an environment variable name looks like it holds a secret: AWS's own ECS.8/CodeBuild.2
 * names (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ECS_ENGINE_AUTH_DATA); names with a
 * PASSWORD, PASSWD, PWD, PASS, PASSPHRASE, SECRET, TOKEN or CREDENTIAL(S) part; a PRIVATE_, API_,
 * ACCESS_, SECRET_, SIGNING_ or ENCRYPTION_KEY part; a name ending in `<vendor>_KEY`
 * (`STRIPE_KEY`, `SESSION_KEY`) unless the qualifier makes it a lookup key (`RELEASE_KEY`,
 * `CACHE_KEY`) or the name is marked public (`NEXT_PUBLIC_…`, `…_PUBLISHABLE_KEY`); and
 * connection strings that carry a password (`DATABASE_URL`, `REDIS_URI`, `PG_DSN`,
 * `…CONNECTION_STRING`). A bare `KEY` is not enough: `CACHE_KEY_PREFIX` is not a secret.
 */
export function secretLikeName(name: string): boolean {
    const upper = name.toUpperCase();
    if (["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "ECS_ENGINE_AUTH_DATA"].includes(upper)) return true;
    const parts = upper.split(/[^A-Z0-9]+/).filter(Boolean);
    if (parts.some((p) => ["PASSWORD", "PASSWD", "PWD", "PASS", "PASSPHRASE", "SECRET", "SECRETS", "TOKEN", "CREDENTIAL", "CREDENTIALS", "APIKEY"].includes(p))) return true;
    if (/(^|_)(PRIVATE|API|ACCESS|SECRET|SIGNING|ENCRYPTION)_KEY(_|$)/.test(upper)) return true;
    if (/(^|_)CONN(ECTION)?_?STR(ING)?$/.test(upper)) return true;
    const last = parts[parts.length - 1];
    const before = parts[parts.length - 2];
    if ((last === "URL" || last === "URI" || last === "DSN") && before !== undefined && CREDENTIAL_URL_SERVICES.includes(before)) return true;
    const markedPublic = parts.includes("PUBLIC") || parts.includes("PUBLISHABLE");
    return last === "KEY" && before !== undefined && !markedPublic && !NON_SECRET_KEY_QUALIFIERS.includes(before);
}

/** An environment variable that looks like a secret belongs in `secrets`, not in plain text. */
export function plainEnvironmentViolation(name: string, where: "job" | "build"): string | undefined {
    if (!secretLikeName(name)) return undefined;
    return where === "job"
        ? "looks like a secret: use secrets: (an SSM parameter or Secrets Manager ARN) instead of plain-text environment, or rename it if it holds no secret"
        : "looks like a secret: build environment variables are plain text in the CodeBuild project and end up in the bundle; keep secrets out of frontend builds (rename it if it holds no secret, e.g. a public key as NEXT_PUBLIC_…)";
}

/** Retention periods CloudWatch Logs accepts (0 = never expire, which Paved does not allow). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export function logRetentionViolation(days: unknown): string | undefined {
    return typeof days === "number" && LOG_RETENTION_DAYS.includes(days) ? undefined : `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(", ")}`;
}

/** Where CodeBuild clones an app's source from. */
export type CodeBuildSourceType = "GITHUB" | "BITBUCKET" | "GITLAB" | "CODECOMMIT";

/** The CodeBuild source type of an HTTPS clone URL, or why there is none. */
export function codeBuildSourceType(url: string): CodeBuildSourceType | string {
    const m = /^https:\/\/([^/\s]+)\/\S+$/.exec(url);
    if (!m) return `must be an https clone URL, e.g. "https://github.com/acme/web.git"`;
    const host = m[1].toLowerCase();
    if (host === "github.com") return "GITHUB";
    if (host === "bitbucket.org") return "BITBUCKET";
    if (host === "gitlab.com") return "GITLAB";
    if (/^git-codecommit\.[a-z0-9-]+\.amazonaws\.com$/.test(host)) return "CODECOMMIT";
    return `host "${host}" is not one CodeBuild clones from: use github.com, bitbucket.org, gitlab.com or git-codecommit.<region>.amazonaws.com`;
}

/** Whether `type` (from `codeBuildSourceType`) is a source type rather than the reason there is none. */
export function isCodeBuildSourceType(type: string): type is CodeBuildSourceType {
    return ["GITHUB", "BITBUCKET", "GITLAB", "CODECOMMIT"].includes(type);
}

/** Source types CodeBuild creates webhooks for (CodeCommit has none). */
export const WEBHOOK_SOURCE_TYPES: readonly CodeBuildSourceType[] = ["GITHUB", "BITBUCKET", "GITLAB"];

/** Why `webhook` is refused for a repository without CodeBuild webhooks. */
export const NO_WEBHOOKS = "cannot be used with a CodeCommit repository: CodeBuild creates webhooks for GitHub, GitHub Enterprise, Bitbucket and GitLab only; run `paved build <env> --affected <base>..<head>` from your pipeline instead";

/** Why `url` is not a repository CodeBuild can clone, or undefined. */
export function repositoryViolation(url: string): string | undefined {
    const type = codeBuildSourceType(url);
    return isCodeBuildSourceType(type) ? undefined : type;
}

const SSM_PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_.\-/]+$/;
const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:*?]*:[^:*?]*:[^:*?]*)?$/;
/** An SSM parameter name: `/prod/db/url` (a hierarchy) or `db-url`; at most 1011 characters. */
const SSM_PARAMETER_NAME = /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

export function isSsmParameterArn(ref: string): boolean {
    return SSM_PARAMETER_ARN.test(ref);
}

export function isSecretsManagerArn(ref: string): boolean {
    return /^arn:aws[a-z-]*:secretsmanager:/.test(ref);
}

export function isSsmParameterName(ref: string): boolean {
    return ref.length <= 1011 && SSM_PARAMETER_NAME.test(ref);
}

/**
 * Why `ref` cannot name a container secret, or undefined. A secret is exactly one SSM parameter
 * (its name, e.g. "/prod/db/url", or its ARN) or one Secrets Manager secret (its ARN, optionally
 * with `:json-key:version-stage:version-id`). Wildcards are refused: the task's execution role is
 * granted exactly what its secrets name, so `parameter/*` or `secret:*` would let it read them all.
 */
export function secretReferenceViolation(ref: string): string | undefined {
    const example = 'name one parameter or secret, e.g. "/prod/db/url" or "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"';
    if (/[*?]/.test(ref)) return `has a wildcard, which would let the task read every parameter or secret it matches; ${example}`;
    if (ref.startsWith("arn:")) {
        if (isSsmParameterArn(ref) || SECRETS_MANAGER_ARN.test(ref)) return undefined;
        return `must be the ARN of one SSM parameter or one Secrets Manager secret; ${example}`;
    }
    if (isSsmParameterName(ref)) return undefined;
    return `must be an SSM parameter name (letters, digits, _ . - and / between levels) or the ARN of a parameter or Secrets Manager secret; ${example}`;
}

/**
 * The ARN of the SSM parameter `ref` names, in the task's partition, region and account; ARNs are
 * returned as they are. ECS resolves either form, and IAM grants only by ARN.
 */
export function secretReferenceArn(ref: string, loc: { partition: string; region: string; accountId: string }): string {
    if (ref.startsWith("arn:")) return ref;
    return `arn:${loc.partition}:ssm:${loc.region}:${loc.accountId}:parameter/${ref.replace(/^\//, "")}`;
}

/**
 * Why `servicePath` cannot be where the site routes app `appPath`'s container service, or
 * undefined. The path is the app's own or lies under it, and never takes a path of another app
 * (`otherAppPaths`): the root app's service gets a sub-path that no other app uses.
 */
export function servicePathViolation(servicePath: string, appPath: string, otherAppPaths: string[]): string | undefined {
    const shape = appPathViolation(servicePath);
    if (shape) return shape;
    if (servicePath === "/") return `would send every path of the site to the service, the other apps' too; give the root app's service a sub-path no other app uses, e.g. "/api"`;
    if (appPath !== "/" && servicePath !== appPath && !servicePath.startsWith(`${appPath}/`)) {
        return `must be the app's path ${appPath} or a path under it, e.g. "${appPath}/api"`;
    }
    const taken = otherAppPaths.find((p) => p !== "/" && pathsOverlap(servicePath, p));
    if (taken) return `overlaps the path of another app (${taken}); pick a path no other app uses`;
    return undefined;
}

/** Environment variable names (and the names of secrets, which ECS sets as variables). */
export const ENV_VAR_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function envVarNameViolation(name: string): string | undefined {
    return ENV_VAR_NAME_PATTERN.test(name) ? undefined : `must be an environment variable name: letters, digits and _, not starting with a digit, e.g. "${name.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^(\d)/, "_$1") || "MY_VAR"}"`;
}

const RELATIVE_DIR = /^(\.|[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*)$/;

/**
 * A path relative to a repository or an app's directory: "." (only where `root` allows it) or
 * "a/b", no leading "/" and no "..".
 */
export function relativeDirectoryViolation(path: string, root: boolean, example: string): string | undefined {
    if (RELATIVE_DIR.test(path) && !path.split("/").includes("..") && (root || path !== ".")) return undefined;
    return `must be a relative path such as "${example}" (no leading "/", no "..", no spaces${root ? "" : ', not "."'})`;
}

/** A lowercase DNS name: labels of a-z, 0-9 and inner hyphens, at most 253 characters. */
export const DNS_NAME_PATTERN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function dnsNameViolation(name: string, example = "www.example.com"): string | undefined {
    if (DNS_NAME_PATTERN.test(name)) return undefined;
    const lower = name.toLowerCase();
    return `must be a lowercase DNS name such as "${DNS_NAME_PATTERN.test(lower) ? lower : example}"`;
}

/** An ACM certificate ARN; its region is the fourth field. */
export const ACM_CERTIFICATE_ARN_PATTERN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;

/**
 * Why `arn` is not an ACM certificate ARN (in `region`, when given), or undefined. CloudFront takes
 * certificates from us-east-1 only; a load balancer from its own region only.
 */
export function acmCertificateArnViolation(arn: string, region?: string): string | undefined {
    const m = ACM_CERTIFICATE_ARN_PATTERN.exec(arn);
    const example = `"arn:aws:acm:${region ?? "eu-west-1"}:123456789012:certificate/<uuid>"`;
    if (!m) return `must be an ACM certificate ARN such as ${example}`;
    if (region && m[1] !== region) return `is in ${m[1]}; it must be an ACM certificate in ${region}${region === "us-east-1" ? " (CloudFront only uses certificates from us-east-1)" : ""}`;
    return undefined;
}

/** The prefix lengths Paved's VPCs take: a VPC CIDR block is /16 to /28 (AWS's own range). */
export const VPC_CIDR_PREFIX = { min: 16, max: 28 } as const;

/** An IPv4 VPC CIDR block: four octets 0-255, a prefix /16-/28, no host bits set. */
export function cidrBlockViolation(cidr: string): string | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    const example = '"10.20.0.0/16"';
    if (!m) return `must be an IPv4 CIDR block such as ${example}`;
    const octets = m.slice(1, 5).map(Number);
    const bad = octets.find((o) => o > 255);
    if (bad !== undefined) return `has an octet ${bad} outside 0-255; use an address such as ${example}`;
    const prefix = Number(m[5]);
    if (prefix < VPC_CIDR_PREFIX.min || prefix > VPC_CIDR_PREFIX.max) return `has prefix /${prefix}; a VPC takes /${VPC_CIDR_PREFIX.min} to /${VPC_CIDR_PREFIX.max}, e.g. ${example}`;
    const address = octets.reduce((a, o) => a * 256 + o, 0);
    const size = 2 ** (32 - prefix);
    if (address % size !== 0) {
        const base = address - (address % size);
        const network = [24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join(".");
        return `has host bits set; the network address of this block is "${network}/${prefix}"`;
    }
    return undefined;
}

/** AWS tag limits (every service Paved tags): keys 1-128 characters, values 0-256. */
export const TAG_LIMITS = { keyLength: 128, valueLength: 256 } as const;
/** Characters AWS allows in tag keys and values: letters, digits, spaces and `_ . : / = + - @`. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function tagKeyViolation(key: string): string | undefined {
    if (key.length < 1 || key.length > TAG_LIMITS.keyLength) return `a tag key is 1-${TAG_LIMITS.keyLength} characters (has ${key.length})`;
    if (!TAG_CHARACTERS.test(key)) return "a tag key takes letters, digits, spaces and _ . : / = + - @ only";
    if (key.toLowerCase().startsWith("aws:")) return 'tag keys starting with "aws:" are reserved for AWS; drop the prefix';
    return undefined;
}

export function tagValueViolation(value: string): string | undefined {
    if (value.length > TAG_LIMITS.valueLength) return `a tag value is at most ${TAG_LIMITS.valueLength} characters (has ${value.length}); shorten it`;
    if (!TAG_CHARACTERS.test(value)) return "a tag value takes letters, digits, spaces and _ . : / = + - @ only";
    return undefined;
}

/** Docker's image tag rule. */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function imageTagViolation(tag: string): string | undefined {
    return IMAGE_TAG.test(tag) ? undefined : "must be 1-128 letters, digits, _, . and -, not starting with . or -";
}
