/**
 * `npm run bench -- --peer`: `paved plan` against the AWS CDK peer's synth (../shared/peers/cdk-peer,
 * validation off) on the same generated environments, as whole processes, alternately (CDK, Paved,
 * CDK, Paved, ...), so both see the same machine load. Prints medians and the median of the
 * per-pair ratios for wall time and the child's peak RSS (GNU time's maximum resident set size).
 *
 * Environment variables: BENCH_PEER (the peer's directory; default: shared/peers/cdk-peer one or
 * two levels above the repository root), BENCH_PEER_SIZES (default "50:15,1000:250"
 * as apps:jobs), BENCH_RUNS (pairs per size, default 5). The peer is copied into a temp folder and
 * its dependencies installed there with `npm ci`, never into this project.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { benchConfig } from "./catalog";

const ROOT = path.resolve(__dirname, "..");
const TIME = "/usr/bin/time";

export interface PeerSize {
    apps: number;
    jobs: number;
}

interface Sample {
    seconds: number;
    peakMiB: number;
}

export interface PeerRow extends PeerSize {
    pavedResources: number;
    cdkResources: number;
    paved: Sample[];
    cdk: Sample[];
    /** How Paved ran: compiled JS (`dist/`) or TypeScript through ts-node. */
    pavedMode: string;
    /** The peer's stack layout: "sharded" (its deployable one), or "single" where CDK refuses that. */
    cdkLayout: string;
    /** Paved's error when it could not plan this environment (then no pairs were run). */
    failure?: string;
}

export function peerSizes(spec = process.env.BENCH_PEER_SIZES ?? "50:15,1000:250"): PeerSize[] {
    return spec.split(",").map((s) => {
        const [apps, jobs] = s.split(":").map(Number);
        if (!Number.isInteger(apps) || !Number.isInteger(jobs) || apps < 1 || jobs < 0) {
            throw new Error(`BENCH_PEER_SIZES entry "${s}" must be apps:jobs, e.g. 50:15`);
        }
        return { apps, jobs };
    });
}

function peerSource(): string {
    const candidates = [process.env.BENCH_PEER, path.resolve(ROOT, "..", "shared", "peers", "cdk-peer"), path.resolve(ROOT, "..", "..", "shared", "peers", "cdk-peer")];
    const found = candidates.find((c) => c && fs.existsSync(path.join(c, "app.js")));
    if (!found) throw new Error(`the CDK peer was not found (tried ${candidates.filter(Boolean).join(", ")}); set BENCH_PEER to its directory`);
    return found;
}

/** Copies the peer into `dir` and installs its pinned dependencies there. */
function installPeer(dir: string): string {
    const peer = path.join(dir, "cdk-peer");
    fs.cpSync(peerSource(), peer, { recursive: true, filter: (src) => !/[/\\](node_modules|cdk\.out|\.bench-out)$/.test(src) });
    for (const f of fs.readdirSync(peer)) fs.chmodSync(path.join(peer, f), 0o755);
    fs.chmodSync(peer, 0o755);
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--omit=dev"], { cwd: peer, stdio: ["ignore", "ignore", "inherit"] });
    return peer;
}

/** The `paved` command as a user runs it: the compiled CLI when built, else ts-node. */
export function pavedCommand(): { argv: string[]; mode: string } {
    const compiled = path.join(ROOT, "dist", "cli", "main.js");
    if (fs.existsSync(compiled)) return { argv: [compiled], mode: "dist/cli/main.js" };
    return { argv: [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(ROOT, "cli", "main.ts")], mode: "ts-node (cli/main.ts; run `npm run build` for dist/)" };
}

/** A stack config file for a generated environment of `apps` apps and `jobs` jobs. */
export function writeBenchStack(dir: string, apps: number, jobs: number): string {
    const file = path.join(dir, `Pulumi.bench-${apps}.yaml`);
    fs.writeFileSync(file, YAML.stringify({ config: benchConfig(apps, jobs) }));
    return file;
}

/** Runs `argv` under GNU time; wall seconds and the child's peak RSS. */
function timed(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv; stdout: string }): Sample {
    const timeFile = `${options.stdout}.time`;
    const out = fs.openSync(options.stdout, "w");
    try {
        const r = spawnSync(TIME, ["-v", "-o", timeFile, ...argv], { cwd: options.cwd, env: options.env, stdio: ["ignore", out, "pipe"], maxBuffer: 1 << 26 });
        if (r.status !== 0) throw new Error(`${argv.join(" ")} failed (exit ${r.status}):\n${r.stderr.toString().slice(-4000)}`);
    } finally {
        fs.closeSync(out);
    }
    const report = fs.readFileSync(timeFile, "utf8");
    const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)/.exec(report)?.[1];
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(report)?.[1];
    if (!wall || !rss) throw new Error(`unexpected ${TIME} report:\n${report}`);
    const seconds = wall.split(":").reduce((acc, part) => acc * 60 + Number(part), 0);
    return { seconds, peakMiB: Number(rss) / 1024 };
}

export function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The paired benchmark: for each size, `runs` pairs (CDK then Paved), after one untimed warm-up of each. */
export function peerBench(sizes = peerSizes(), runs = Number(process.env.BENCH_RUNS ?? 5), log: (line: string) => void = (l) => console.error(l)): PeerRow[] {
    if (!fs.existsSync(TIME)) throw new Error(`${TIME} (GNU time) is needed to measure a child's peak RSS: apt-get install time`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paved-peer-"));
    try {
        log(`installing the CDK peer into ${dir}`);
        const peer = installPeer(dir);
        const paved = pavedCommand();
        const rows: PeerRow[] = [];
        for (const { apps, jobs } of sizes) {
            const stack = writeBenchStack(dir, apps, jobs);
            const cdkOut = path.join(dir, "cdk.out");
            const cdkEnv = { ...process.env, APPS: String(apps), JOBS: String(jobs), LAYOUT: "sharded", OUTDIR: cdkOut, CDK_VALIDATION: "false", CDK_DISABLE_CLI_TELEMETRY: "1", AWS_EC2_METADATA_DISABLED: "true" };
            const cdk = () => {
                fs.rmSync(cdkOut, { recursive: true, force: true });
                return timed([process.execPath, "app.js"], { cwd: peer, env: cdkEnv, stdout: path.join(dir, "cdk.stdout") });
            };
            const planOut = path.join(dir, "paved.stdout");
            const plan = () => {
                const sample = timed([process.execPath, ...paved.argv, "plan", `bench-${apps}`, "--config", stack], { cwd: ROOT, env: process.env, stdout: planOut });
                // A run only counts when the plan finished (its summary line is printed last).
                if (!/^\d+ resources in /m.test(fs.readFileSync(planOut, "utf8"))) throw new Error(`paved plan bench-${apps} exited 0 without printing its plan`);
                return sample;
            };
            // Warm-up (file cache), untimed; it also yields the resource counts. The peer's deployable
            // sharded layout keeps every job in one Batch stack, which CDK refuses past CloudFormation's
            // 500 resources per stack even with validation off: then its single-stack layout, as
            // Paved's environment is one stack.
            try {
                cdk();
            } catch (e) {
                if (!/TooManyResourcesInStack/.test((e as Error).message)) throw e;
                cdkEnv.LAYOUT = "single";
                cdk();
            }
            const layout = cdkEnv.LAYOUT;
            const cdkResources = Number(execFileSync(process.execPath, ["count-resources.js", cdkOut], { cwd: peer, encoding: "utf8" }).trim().split(/\s+/)[0]);
            const row: PeerRow = { apps, jobs, pavedResources: 0, cdkResources, cdkLayout: layout, paved: [], cdk: [], pavedMode: paved.mode };
            try {
                plan();
            } catch (e) {
                // A plan Paved refuses is a result too: report it and go on with the other sizes.
                row.failure = ((e as Error).message.match(/^(?!\s*at ).*\S.*$/gm) ?? []).slice(-1)[0] ?? String(e);
                log(`${apps}/${jobs}: paved plan failed: ${row.failure}`);
                rows.push(row);
                continue;
            }
            row.pavedResources = Number(/^(\d+) resources in /m.exec(fs.readFileSync(planOut, "utf8"))?.[1]);
            for (let i = 0; i < runs; i++) {
                row.cdk.push(cdk());
                row.paved.push(plan());
                const c = row.cdk[i];
                const p = row.paved[i];
                log(`${apps}/${jobs} pair ${i + 1}/${runs}: CDK ${c.seconds.toFixed(2)} s ${c.peakMiB.toFixed(0)} MiB, Paved ${p.seconds.toFixed(2)} s ${p.peakMiB.toFixed(0)} MiB`);
            }
            rows.push(row);
        }
        return rows;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function mib(x: number): string {
    return x >= 1024 ? `${(x / 1024).toFixed(2)} GiB` : `${x.toFixed(0)} MiB`;
}

export function peerTable(rows: PeerRow[]): string {
    const lines = [
        "| apps / jobs | Paved resources | CDK resources (layout) | Paved plan | CDK synth | Paved / CDK time | Paved peak RSS | CDK peak RSS | Paved / CDK RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ];
    for (const r of rows) {
        if (r.failure) {
            lines.push(`| ${r.apps} / ${r.jobs} | fails: ${r.failure.replace(/\|/g, "\\|")} | ${r.cdkResources} (${r.cdkLayout}) | - | - | - | - | - | - |`);
            continue;
        }
        const timeRatio = median(r.paved.map((p, i) => p.seconds / r.cdk[i].seconds));
        const rssRatio = median(r.paved.map((p, i) => p.peakMiB / r.cdk[i].peakMiB));
        lines.push(
            `| ${r.apps} / ${r.jobs} | ${r.pavedResources} | ${r.cdkResources} (${r.cdkLayout}) | ${median(r.paved.map((s) => s.seconds)).toFixed(2)} s | ${median(r.cdk.map((s) => s.seconds)).toFixed(2)} s | ${timeRatio.toFixed(2)}x | ${mib(median(r.paved.map((s) => s.peakMiB)))} | ${mib(median(r.cdk.map((s) => s.peakMiB)))} | ${rssRatio.toFixed(2)}x |`,
        );
    }
    return lines.join("\n");
}
