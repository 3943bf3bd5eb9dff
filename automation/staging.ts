import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PavedError, show } from "../components/errors";
import { releaseIdViolation } from "../components/release-contract";
import { STACK_NAME_MAX, STACK_NAME_PATTERN } from "../components/stack-name";
import { parseConfig } from "../components/config";
import { projectNameOr, readStackConfigFile, stackConfigFile } from "../components/offline";
import { StackConfigValues, StackOperations } from "../cli/automation/pulumi-stacks";
import { StackContext } from "./context";

const STACK_PREFIX = "staging-";

/** Hours an ephemeral copy lives before `staging gc` may destroy it: 72 by default, 90 days at most. */
export const TTL_HOURS = { default: 72, min: 1, max: 24 * 90 } as const;

/** The hash suffix of a release id that is not a stack name already: `-h` and 8 base-36 characters. */
const HASH_SUFFIX = /-h[0-9a-z]{8}$/;

/** What `paved staging create --help` says about stack names. */
export const STAGING_NAMES_HELP = `
Stack names:
  A release id that is already a short stack name (lowercase letters, digits and single hyphens,
  at most 16 characters) names the stack as it is: 2026-11-3 -> staging-2026-11-3. Any other id
  keeps a readable head and gets a hash of the exact id: 2026.11.3 -> staging-2026-1-h<hash>.
  Distinct release ids never share a stack.`;

/**
 * The ephemeral stack of a release, at most 24 characters. The readable `staging-<id>` only when
 * that is lossless (the id is already a short stack-name slug, and not one that looks hashed);
 * otherwise `staging-<head>-h<hash of the exact id>`, so `2026.11.3` and `2026-11-3` never share
 * a stack. The two forms cannot collide: hashed names end in `-h` + 8 base-36 characters, and
 * readable ones never do.
 */
export function stagingStackName(release: string): string {
    const violation = releaseIdViolation(release);
    if (violation) throw new PavedError(`release id ${show(release)} ${violation}, e.g. "20261126114808-abc1234" or "2026.11.3"`);
    const room = STACK_NAME_MAX - STACK_PREFIX.length;
    if (release.length <= room && STACK_NAME_PATTERN.test(`${STACK_PREFIX}${release}`) && !HASH_SUFFIX.test(release)) return `${STACK_PREFIX}${release}`;
    const slug = release.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    const hash = BigInt(`0x${crypto.createHash("sha256").update(release).digest("hex").slice(0, 10)}`).toString(36).padStart(8, "0");
    // The id starts with a letter or digit, so the head is never empty.
    const head = slug.slice(0, room - "-h".length - hash.length).replace(/-+$/, "");
    return `${STACK_PREFIX}${head}-h${hash}`;
}

/** Accepts either a stack name (`staging-r42`) or the release id it was created for. */
export function stagingStackFor(id: string): string {
    return id.startsWith(STACK_PREFIX) && STACK_NAME_PATTERN.test(id) && id.length <= STACK_NAME_MAX ? id : stagingStackName(id);
}

export interface EphemeralSettings {
    baseStack: string;
    release: string;
    expiresAt: string;
}

/**
 * The config of an ephemeral copy of the base stack: everything of the base's except its network
 * (borrowed through a StackReference), kind and custom domain; `secure:` values are kept as ciphertext.
 */
export function ephemeralConfig(base: StackConfigValues, settings: EphemeralSettings): StackConfigValues {
    const out: StackConfigValues = {};
    for (const [key, value] of Object.entries(base)) {
        if (key === "paved:network" || key === "paved:kind" || key === "paved:ephemeral") continue;
        out[key] = value;
    }
    // A custom domain belongs to the base's distribution (CloudFront allows an alias on one
    // distribution only); the copy is served on its own cloudfront.net name.
    const site = base["paved:site"];
    if (site && typeof site === "object" && !Array.isArray(site)) {
        const { domain: _domain, certificateArn: _certificate, ...rest } = site as Record<string, unknown>;
        if (Object.keys(rest).length) out["paved:site"] = rest;
        else delete out["paved:site"];
    }
    out["paved:kind"] = "ephemeral";
    out["paved:ephemeral"] = { baseStack: settings.baseStack, release: settings.release, expiresAt: settings.expiresAt };
    return out;
}

/** ISO 8601 UTC without milliseconds: `2026-12-01T00:00:00Z`. */
export function isoSeconds(date: Date): string {
    return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export interface StagingCreateOptions {
    /** Hours until `gc` may destroy it. @default 72 */
    ttlHours?: number;
    /** Stack whose config (and network) the copy starts from. @default "staging" */
    base?: string;
}

export interface StagingCreated {
    stack: string;
    config: StackConfigValues;
    url?: string;
}

/** Creates (or, for a release that already has one, extends and updates) the ephemeral stack of `release`, then deploys it. */
export async function createStaging(release: string, options: StagingCreateOptions, ctx: StackContext): Promise<StagingCreated> {
    const ttlHours = options.ttlHours ?? TTL_HOURS.default;
    if (!Number.isInteger(ttlHours) || ttlHours < TTL_HOURS.min || ttlHours > TTL_HOURS.max) {
        throw new PavedError(`--ttl-hours ${options.ttlHours}: must be a whole number of hours from ${TTL_HOURS.min} to ${TTL_HOURS.max} (90 days)`);
    }
    const base = options.base ?? "staging";
    const stack = stagingStackName(release);
    const baseFile = stackConfigFile(ctx.projectDir, base);
    if (!fs.existsSync(baseFile)) throw new PavedError(`--base ${base}: no ${path.basename(baseFile)} in ${ctx.projectDir} to copy the config from`);
    const project = projectNameOr(ctx.projectDir);
    const baseValues = readStackConfigFile(baseFile, project);
    const expiresAt = isoSeconds(new Date(ctx.now().getTime() + ttlHours * 3600_000));
    const config = ephemeralConfig(baseValues, { baseStack: base, release, expiresAt });
    // Validate before creating anything, with the same rules the program applies.
    parseConfig({ project, stack, values: config, projectDir: ctx.projectDir });

    const stacks = ctx.stacks();
    const existing = (await stacks.listStacks()).some((s) => s.name === stack);
    if (existing) {
        const current = await stacks.stackConfig(stack);
        if (current["paved:kind"] !== "ephemeral") throw new PavedError(`stack ${stack} exists and is not ephemeral (paved:kind ${String(current["paved:kind"])}); pick another release id`);
        ctx.log(`${stack} exists: moving its expiry to ${expiresAt} and updating it`);
        await stacks.setConfig(stack, { "paved:ephemeral": config["paved:ephemeral"] });
    } else {
        ctx.log(`creating ${stack} from ${base} (release ${release}, expires ${expiresAt})`);
        await stacks.createStack(stack, config, { secretsFrom: base });
    }
    await stacks.up(stack, { onOutput: ctx.write });
    const outputs = await stacks.outputs(stack);
    const url = siteUrl(outputs);
    ctx.log(url ? `\n${stack} is up: ${url}` : `\n${stack} is up (its outputs have no site.url)`);
    return { stack, config, url };
}

function siteUrl(outputs: Record<string, unknown>): string | undefined {
    const site = outputs.site as { url?: unknown } | undefined;
    return typeof site?.url === "string" ? site.url : undefined;
}

/** Ephemeral settings of a stack from its config, or why it is not an ephemeral stack. */
export function ephemeralOf(config: StackConfigValues): { settings?: EphemeralSettings; why?: string } {
    const kind = config["paved:kind"];
    if (kind !== "ephemeral") return { why: kind === undefined ? "its config sets no paved:kind" : `paved:kind is ${String(kind)}` };
    const e = config["paved:ephemeral"] as Partial<EphemeralSettings> | undefined;
    if (!e || typeof e.expiresAt !== "string" || Number.isNaN(Date.parse(e.expiresAt))) {
        return { why: "it is ephemeral but paved:ephemeral.expiresAt is missing or not a time" };
    }
    return { settings: { baseStack: String(e.baseStack), release: String(e.release), expiresAt: e.expiresAt } };
}

/**
 * A stack's ephemeral evidence: its config, or, when this checkout has no config file for it (a
 * stack created on another machine, gc on a fresh CI clone), the `kind` and `expiresAt` outputs
 * the program exports from that same config.
 */
async function ephemeralEvidence(stacks: StackOperations, name: string): Promise<{ settings?: EphemeralSettings; why?: string }> {
    const config = await stacks.stackConfig(name);
    if (Object.keys(config).length) return ephemeralOf(config);
    const outputs = await stacks.outputs(name).catch(() => undefined);
    if (!outputs || outputs.kind === undefined) return { why: "no local config and no kind output to tell" };
    const found = ephemeralOf({ "paved:kind": outputs.kind, "paved:ephemeral": { expiresAt: outputs.expiresAt, release: outputs.release, baseStack: outputs.baseStack } });
    return found.why ? { why: `${found.why} (from its outputs)` } : found;
}

/** Destroys and removes one ephemeral stack; refuses any stack whose config is not ephemeral. */
export async function destroyStaging(id: string, ctx: StackContext): Promise<string> {
    const stack = stagingStackFor(id);
    const stacks = ctx.stacks();
    const { why } = await ephemeralEvidence(stacks, stack);
    if (why) throw new PavedError(`refusing: ${stack} is not an ephemeral stack (${why}); use \`paved destroy ${stack}\` for other stacks`);
    await stacks.destroy(stack, { onOutput: ctx.write });
    await stacks.removeStack(stack);
    ctx.log(`destroyed and removed ${stack}`);
    return stack;
}

export interface GcOptions {
    /** The time expiry is judged against. @default now */
    now?: Date;
    /** Only report what would be destroyed. */
    dryRun?: boolean;
}

export interface GcReport {
    destroyed: string[];
    /** Stacks left alone, with the reason. */
    skipped: { stack: string; reason: string }[];
    /** Expired stacks whose destroy failed, with the error. */
    failed: { stack: string; error: string }[];
}

/**
 * Destroys and removes every stack whose own config (or, lacking a local config file, its outputs)
 * says it is ephemeral AND whose expiry has passed. A stack's name is never evidence: a
 * `staging-x` of kind staging is left alone.
 */
export async function gcStaging(options: GcOptions, ctx: StackContext): Promise<GcReport> {
    const now = options.now ?? ctx.now();
    const stacks = ctx.stacks();
    const report: GcReport = { destroyed: [], skipped: [], failed: [] };
    for (const { name } of await stacks.listStacks()) {
        const { settings, why } = await ephemeralEvidence(stacks, name);
        if (!settings) {
            report.skipped.push({ stack: name, reason: `not ephemeral: ${why}` });
            continue;
        }
        if (Date.parse(settings.expiresAt) > now.getTime()) {
            report.skipped.push({ stack: name, reason: `expires ${settings.expiresAt}` });
            continue;
        }
        if (options.dryRun) {
            report.skipped.push({ stack: name, reason: `expired ${settings.expiresAt}; would destroy (dry run)` });
            continue;
        }
        ctx.log(`${name}: expired ${settings.expiresAt}; destroying`);
        try {
            await stacks.destroy(name, { onOutput: ctx.write });
            await stacks.removeStack(name);
            report.destroyed.push(name);
        } catch (e) {
            // One stuck stack must not keep gc from collecting the others.
            report.failed.push({ stack: name, error: (e as Error).message });
        }
    }
    for (const s of report.skipped) ctx.log(`skipped ${s.stack}: ${s.reason}`);
    for (const s of report.destroyed) ctx.log(`destroyed ${s}`);
    for (const f of report.failed) ctx.log(`FAILED ${f.stack}: ${f.error}`);
    ctx.log(`gc: ${report.destroyed.length} destroyed, ${report.skipped.length} skipped, ${report.failed.length} failed`);
    return report;
}
