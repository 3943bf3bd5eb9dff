import { Command } from "commander";
import { DEFAULT_KEEP, DEFAULT_KEEP_DAYS, KEEP_DAYS_RANGE, KEEP_RANGE } from "../../automation";
import { appName, envName, releaseId, wholeNumber } from "../arguments";
import { AwsCommandDeps, resolveDeps } from "../aws/command-deps";
import type { PointerChange } from "../aws/releases";

export { DEFAULT_KEEP, DEFAULT_KEEP_DAYS };

function describeChange(c: PointerChange): string {
    if (c.unchanged) return `${c.app} already serves ${c.current}; nothing changed`;
    return `${c.app}: ${c.previous ?? "(none)"} → ${c.current}${c.attempts > 1 ? ` (after ${c.attempts - 1} concurrent write${c.attempts > 2 ? "s" : ""})` : ""}. CloudFront serves it within seconds.`;
}

/**
 * `paved releases <env> <app>`, `paved release <env> <app> <release-id>` and
 * `paved rollback <env> <app>`: list an app's releases and move its release pointer through the
 * app's release writer (a Lambda function from the stack outputs; nothing else may write the
 * pointer); `paved prune-releases <env> <app>`: delete old ones.
 */
export function registerReleaseCommands(program: Command, deps: AwsCommandDeps = {}): Command {
    program
        .command("releases")
        .description("list an app's releases, newest first, marking the one being served")
        .argument("<env>", "environment (stack) name", envName)
        .argument("<app>", "app name", appName)
        .action(async (env: string, app: string) => {
            const d = resolveDeps(deps);
            const { renderReleases } = await import("../aws/releases");
            d.print(renderReleases(app, await d.paved.releases(env, app)));
        });

    program
        .command("release")
        .description("serve an uploaded release of an app (its release writer moves the pointer; no rebuild, no invalidation)")
        .argument("<env>", "environment (stack) name", envName)
        .argument("<app>", "app name", appName)
        .argument("<release-id>", "release id, e.g. 20250101120000-abc1234 (see `paved releases`)", releaseId)
        .action(async (env: string, app: string, id: string) => {
            const d = resolveDeps(deps);
            d.print(describeChange(await d.paved.release(env, app, id)));
        });

    program
        .command("rollback")
        .description("serve the newest uploaded release older than the current one")
        .argument("<env>", "environment (stack) name", envName)
        .argument("<app>", "app name", appName)
        .action(async (env: string, app: string) => {
            const d = resolveDeps(deps);
            d.print(describeChange(await d.paved.rollback(env, app)));
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
            const d = resolveDeps(deps);
            const r = await d.paved.pruneReleases(env, app, opts);
            const verb = opts.dryRun ? "would delete" : "deleted";
            d.print(`${app}: serving ${r.current}; keeping ${r.kept.length} release${r.kept.length === 1 ? "" : "s"}; ${verb} ${r.pruned.length}${r.pruned.length ? `: ${r.pruned.join(", ")}` : ""}${opts.dryRun ? "" : ` (${r.objects} objects)`}`);
        });

    return program;
}
