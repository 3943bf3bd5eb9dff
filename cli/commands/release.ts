import { Command } from "commander";
import { KEEP_DAYS_RANGE, KEEP_RANGE, appName, envName, releaseId, wholeNumber } from "../arguments";
import { AwsCommandDeps, checkConfigured, checkNames, fromOutputs, resolveDeps } from "../aws/command-deps";
import { PointerChange, ReleaseStore, pruneReleases, release, releaseListing, renderReleases, rollback } from "../aws/releases";

function describeChange(c: PointerChange): string {
    if (c.unchanged) return `${c.app} already serves ${c.current}; nothing changed`;
    return `${c.app}: ${c.previous ?? "(none)"} → ${c.current}${c.attempts > 1 ? ` (after ${c.attempts - 1} concurrent write${c.attempts > 2 ? "s" : ""})` : ""}. CloudFront serves it within seconds.`;
}

/** Days a superseded release is kept for pages still open on it, unless `--keep-days` says otherwise. */
export const DEFAULT_KEEP_DAYS = 7;
/** Newest releases kept as rollback targets, unless `--keep` says otherwise. */
export const DEFAULT_KEEP = 10;

/**
 * `paved releases <env> <app>`, `paved release <env> <app> <release-id>` and
 * `paved rollback <env> <app>`: list an app's releases and move its release pointer through the
 * app's release writer (a Lambda function from the stack outputs; nothing else may write the
 * pointer); `paved prune-releases <env> <app>`: delete old ones.
 */
export function registerReleaseCommands(program: Command, deps: AwsCommandDeps = {}): Command {
    const storeFor = async (env: string, app: string) => {
        const d = resolveDeps(deps);
        checkConfigured(d, "app", [app], env);
        const outputs = await d.outputs(env);
        checkNames("app", [app], Object.keys(outputs.apps ?? {}), env);
        const writer = fromOutputs(outputs.apps[app].releaseWriter, `the release writer of app ${app} (apps.${app}.releaseWriter)`, env);
        const clients = d.clients(fromOutputs(outputs.region, "the region", env));
        const store: ReleaseStore = { s3: clients.s3, lambda: clients.lambda, bucket: fromOutputs(outputs.site?.bucket, "the asset bucket (site.bucket)", env), releaseWriter: writer };
        return { d, store };
    };

    program
        .command("releases")
        .description("list an app's releases, newest first, marking the one being served")
        .argument("<env>", "environment (stack) name", envName)
        .argument("<app>", "app name", appName)
        .action(async (env: string, app: string) => {
            const { d, store } = await storeFor(env, app);
            d.print(renderReleases(app, await releaseListing(store, app)));
        });

    program
        .command("release")
        .description("serve an uploaded release of an app (its release writer moves the pointer; no rebuild, no invalidation)")
        .argument("<env>", "environment (stack) name", envName)
        .argument("<app>", "app name", appName)
        .argument("<release-id>", "release id, e.g. 20250101120000-abc1234 (see `paved releases`)", releaseId)
        .action(async (env: string, app: string, id: string) => {
            const { d, store } = await storeFor(env, app);
            d.print(describeChange(await release(store, app, id)));
        });

    program
        .command("rollback")
        .description("serve the newest uploaded release older than the current one")
        .argument("<env>", "environment (stack) name", envName)
        .argument("<app>", "app name", appName)
        .action(async (env: string, app: string) => {
            const { d, store } = await storeFor(env, app);
            d.print(describeChange(await rollback(store, app)));
        });

    program
        .command("prune-releases")
        .description(
            "delete an app's old releases from the bucket: keeps the current one, newer ones, the --keep newest, " +
                "and releases superseded less than --keep-days ago (pages opened on them still load their files)",
        )
        .argument("<env>", "environment (stack) name", envName)
        .argument("<app>", "app name", appName)
        .option("--keep <n>", "newest releases to keep as rollback targets", wholeNumber(KEEP_RANGE.min, KEEP_RANGE.max, "releases"), DEFAULT_KEEP)
        .option("--keep-days <days>", "keep releases superseded less than this many days ago", wholeNumber(KEEP_DAYS_RANGE.min, KEEP_DAYS_RANGE.max, "days"), DEFAULT_KEEP_DAYS)
        .option("--dry-run", "only say what would be deleted")
        .action(async (env: string, app: string, opts: { keep: number; keepDays: number; dryRun?: boolean }) => {
            const { keep, keepDays } = opts;
            const { d, store } = await storeFor(env, app);
            const r = await pruneReleases(store, app, { keep, keepDays }, Boolean(opts.dryRun));
            const verb = opts.dryRun ? "would delete" : "deleted";
            d.print(`${app}: serving ${r.current}; keeping ${r.kept.length} release${r.kept.length === 1 ? "" : "s"}; ${verb} ${r.pruned.length}${r.pruned.length ? `: ${r.pruned.join(", ")}` : ""}${opts.dryRun ? "" : ` (${r.objects} objects)`}`);
        });

    return program;
}
