import { Command } from "commander";
import { BuildResult, CONCURRENCY_RANGE, DEFAULT_CONCURRENCY, PavedError, PavedEvent } from "../../automation";
import { renderAffected } from "../affected";
import {
    AppBuild,
    formatDuration,
    isTerminal,
    renderFleetFailures,
    renderFleetSummary,
    renderProgressLine,
} from "../aws/build-fleet";
import { appNames, commitRange, envName, existingDirectory, positiveSeconds, wholeNumber } from "../arguments";
import { AwsCommandDeps, resolveDeps } from "../aws/command-deps";
import { OperationFailed } from "../aws/errors";

interface BuildOptions {
    all?: boolean;
    affected?: string;
    repo?: string;
    dryRun?: boolean;
    concurrency: number;
    pollSeconds: number;
    wait: boolean;
}

/** Rows of running builds the live display shows at most. */
const LIVE_ROWS = 15;

/** The live block: counts, the longest-running builds, and every failure so far. */
export function renderLiveBlock(builds: AppBuild[], now: number): string {
    const count = (p: (b: AppBuild) => boolean) => builds.filter(p).length;
    const running = builds.filter((b) => b.status === "IN_PROGRESS" || b.status === "STARTING").sort((a, b) => (a.startedAt ?? now) - (b.startedAt ?? now));
    const failed = builds.filter((b) => isTerminal(b.status) && b.status !== "SUCCEEDED");
    const lines = [
        `${count((b) => b.status === "QUEUED")} queued, ${running.length} running, ${count((b) => b.status === "SUCCEEDED")} succeeded, ${failed.length} failed`,
        ...running.slice(0, LIVE_ROWS).map((b) => `  ${b.app.padEnd(24)} ${(b.phase ?? b.status).padEnd(16)} ${b.startedAt !== undefined ? formatDuration(now - b.startedAt) : ""}`),
        ...(running.length > LIVE_ROWS ? [`  ... and ${running.length - LIVE_ROWS} more`] : []),
        ...failed.slice(0, LIVE_ROWS).map((b) => `  ✖ ${renderProgressLine(b, now)}`),
        ...(failed.length > LIVE_ROWS ? [`  ✖ ... and ${failed.length - LIVE_ROWS} more`] : []),
    ];
    return lines.join("\n");
}

/**
 * `paved build <env> [apps...|--all|--affected <base>..<head>]`: builds apps with their CodeBuild
 * projects, at most `--concurrency` at once, and fails (exit 1) naming every failed app and its
 * log link. `--affected` picks the apps from a local checkout (see `affected.ts`); `--dry-run`
 * prints the selection and stops.
 */
export function registerBuildCommand(program: Command, deps: AwsCommandDeps = {}): Command {
    return program
        .command("build")
        .description("build apps with their CodeBuild projects, concurrently, and report each one")
        .argument("<env>", "environment (stack) name, e.g. dev", envName)
        .argument("[apps...]", "apps to build (names from the catalog)", appNames)
        .option("--all", "build every app of the environment")
        .option("--affected <range>", "build the apps a range of commits affects, <base>..<head>, read from a local checkout (directories, watch globs, workspace dependencies)", commitRange)
        .option("--repo <dir>", "the checkout --affected reads (default: the current directory)", existingDirectory("the directory of a git checkout"))
        .option("--dry-run", "print the apps that would be built (with --affected: and why) and build nothing")
        .option("--concurrency <n>", "builds running at once (the account's CodeBuild concurrent-build quota)", wholeNumber(CONCURRENCY_RANGE.min, CONCURRENCY_RANGE.max, "builds"), DEFAULT_CONCURRENCY)
        .option("--poll-seconds <s>", "seconds between status polls", positiveSeconds, 10)
        .option("--no-wait", "start the builds, print their ids and exit")
        .action(async (env: string, apps: string[] | undefined, opts: BuildOptions) => {
            const d = resolveDeps(deps);
            if (opts.repo !== undefined && opts.affected === undefined) throw new PavedError("--repo is the checkout --affected reads: pass --affected <base>..<head> too");
            const t0 = d.clock.now();
            const builds = new Map<string, AppBuild>();
            let display: LiveDisplay | undefined;
            const onEvent = (e: PavedEvent) => {
                if (e.type === "affected") d.print(renderAffected(e.report, env));
                else if (e.type === "log" && opts.wait) d.print(e.message);
                else if (e.type === "build" && opts.wait) {
                    if (d.interactive) {
                        builds.set(e.build.app, e.build);
                        if (!display) (display = new LiveDisplay(process.stdout, () => renderLiveBlock([...builds.values()], d.clock.now()))).start();
                    } else if (e.build.status !== "STARTING") {
                        d.print(`[${formatDuration(d.clock.now() - t0).padStart(6)}] ${renderProgressLine(e.build, d.clock.now())}`);
                    }
                }
            };
            let result: BuildResult;
            try {
                result = await d.paved.build(env, {
                    apps,
                    all: opts.all,
                    affected: opts.affected === undefined ? undefined : { range: opts.affected, repo: opts.repo },
                    dryRun: opts.dryRun,
                    concurrency: opts.concurrency,
                    pollSeconds: opts.pollSeconds,
                    wait: opts.wait,
                    onEvent,
                });
            } finally {
                display?.stop();
            }
            if (result.dryRun) {
                if (result.apps.length === 0) d.print("nothing to build");
                else if (opts.affected === undefined) d.print(`would build ${result.apps.length} app${result.apps.length === 1 ? "" : "s"} in ${env}: ${result.apps.join(", ")}`);
                return;
            }
            if (!opts.wait) {
                for (const b of result.builds) d.print(`${b.app}\t${b.buildId ?? `${b.status} ${b.message ?? ""}`}`);
            } else {
                d.print("");
                d.print(renderFleetSummary(result));
            }
            if (result.failed.length > 0) throw new OperationFailed(renderFleetFailures(result.failed));
        });
}

/**
 * A log-update-style live block: redrawn in place a few times a second (cursor up, clear to the
 * end of the screen, write), each line cut to the terminal width so wrapping never breaks the
 * line count. Redrawing on a timer, not on every change, keeps 500 apps as cheap as 5.
 */
export class LiveDisplay {
    private drawn = 0;
    private timer?: NodeJS.Timeout;

    constructor(
        private readonly out: NodeJS.WriteStream,
        private readonly render: () => string,
        private readonly intervalMs = 250,
    ) {}

    start(): void {
        this.out.write("\x1b[?25l");
        this.draw();
        this.timer = setInterval(() => this.draw(), this.intervalMs);
    }

    stop(): void {
        if (this.timer) clearInterval(this.timer);
        this.draw();
        this.out.write("\x1b[?25h");
    }

    private draw(): void {
        const width = Math.max(20, (this.out.columns || 100) - 1);
        const lines = this.render().split("\n").map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
        this.out.write(`${this.drawn ? `\x1b[${this.drawn}A\x1b[0J` : ""}${lines.join("\n")}\n`);
        this.drawn = lines.length;
    }
}
