import { Command } from "commander";
import { STAGING_NAMES_HELP, TTL_HOURS } from "../../automation/staging";
import { envName, isoTime, releaseId, releaseIdOrStack, wholeNumber } from "../arguments";
import { CommandContext, pavedOf } from "../automation/context";
import { OperationFailed } from "../aws/errors";

// The logic lives in the automation API; re-exported for code that imported it from here.
export * from "../../automation/staging";

/** `paved staging create|destroy|gc`. */
export function registerStagingCommands(program: Command, context: () => CommandContext): void {
    const staging = program.command("staging").description("ephemeral QA copies of staging, one per release, destroyed when they expire");
    staging
        .command("create")
        .description("create and deploy staging-<release>: the base stack's config, kind ephemeral, the base's network")
        .argument("<release-id>", 'release to stand up, e.g. "2026.11.3" or "20261126114808-abc1234"', releaseId)
        .addHelpText("after", STAGING_NAMES_HELP)
        .option("--ttl-hours <hours>", "hours until `paved staging gc` may destroy it", wholeNumber(TTL_HOURS.min, TTL_HOURS.max, "hours"), TTL_HOURS.default)
        .option("--base <stack>", "stack to copy the config from and borrow the network of", envName, "staging")
        .action(async (release: string, opts: { ttlHours: number; base: string }) => {
            await pavedOf(context()).staging.create(release, opts);
        });
    staging
        .command("destroy")
        .description("destroy and remove one ephemeral stack (refuses any other stack)")
        .argument("<id>", "the release id, or the stack name (see `paved staging create --help`)", releaseIdOrStack)
        .action(async (id: string) => {
            await pavedOf(context()).staging.destroy(id);
        });
    staging
        .command("gc")
        .description("destroy every ephemeral stack whose expiresAt has passed; never touches other stacks")
        .option("--now <iso>", "judge expiry at this time instead of now (ISO 8601)", isoTime)
        .option("--dry-run", "only list what would be destroyed")
        .action(async (opts: { now?: Date; dryRun?: boolean }) => {
            const report = await pavedOf(context()).staging.gc({ now: opts.now, dryRun: opts.dryRun });
            if (report.failed.length) throw new OperationFailed(`gc could not destroy ${report.failed.map((f) => f.stack).join(", ")}`);
        });
}
