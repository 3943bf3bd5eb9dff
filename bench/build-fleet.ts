/**
 * The build fleet's orchestration cost, on a simulated CodeBuild and a fake clock: how far the
 * makespan lands past the ideal schedule, how many API calls it makes by kind, and the real CPU
 * time the orchestration itself burns. `fleetBench()` is called by `npm run bench`; run alone
 * with `npx ts-node --transpile-only bench/build-fleet.ts`.
 */
import { BuildFleet, FleetApp } from "../cli/aws/build-fleet";
import { FakeClock } from "../cli/aws/clock";
import { SimulatedCodeBuild, seededRandom } from "../test/cli-aws/codebuild-sim";

export interface FleetBenchCase {
    apps: number;
    concurrency: number;
    pollSeconds: number;
    /** The first N API calls are throttled. */
    throttleFirst: number;
}

export interface FleetBenchRow extends FleetBenchCase {
    slowestBuildS: number;
    /**
     * The fleet's schedule with zero detection delay: builds started in order on `cap` slots the
     * moment one frees (never below the slowest build). Not a lower bound for every schedule:
     * another start order can finish sooner.
     */
    idealS: number;
    makespanS: number;
    overheadS: number;
    startBuild: number;
    batchGetBuilds: number;
    throttled: number;
    maxIdsPerBatch: number;
    cpuMs: number;
}

/** Makespan of starting builds in order on `cap` slots the moment one frees (no polling delay). */
function greedyMakespan(durations: number[], cap: number): number {
    const slots = new Array(Math.min(cap, durations.length)).fill(0);
    for (const d of durations) {
        slots.sort((a, b) => a - b);
        slots[0] += d;
    }
    return Math.max(0, ...slots);
}

export async function runFleetCase(c: FleetBenchCase, seed = 42): Promise<FleetBenchRow> {
    const random = seededRandom(seed);
    const apps: FleetApp[] = Array.from({ length: c.apps }, (_, i) => ({ app: `app${i}`, project: `paved-bench-app-app${i}` }));
    // Builds of 2 to 12 minutes, to the second.
    const durations = new Map(apps.map((a) => [a.project, Math.round(120 + random() * 600) * 1000]));
    const clock = new FakeClock();
    const sim = new SimulatedCodeBuild({ clock, duration: (p) => durations.get(p)!, throttleFirst: c.throttleFirst });
    const fleet = new BuildFleet({ client: sim, clock, concurrency: c.concurrency, pollSeconds: c.pollSeconds, backoff: { random: seededRandom(seed + 1) } });

    const cpu0 = process.cpuUsage();
    const result = await fleet.run(apps);
    const cpu = process.cpuUsage(cpu0);

    if (result.failed.length) throw new Error(`bench fleet had failures: ${result.failed.map((b) => b.app).join(", ")}`);
    const ordered = apps.map((a) => durations.get(a.project)!);
    const ideal = Math.max(Math.max(...ordered), greedyMakespan(ordered, c.concurrency));
    return {
        ...c,
        slowestBuildS: result.slowestBuildMs / 1000,
        idealS: ideal / 1000,
        makespanS: result.makespanMs / 1000,
        overheadS: (result.makespanMs - ideal) / 1000,
        startBuild: result.calls.startBuild,
        batchGetBuilds: result.calls.batchGetBuilds,
        throttled: result.calls.throttled,
        maxIdsPerBatch: result.calls.maxIdsPerBatch,
        cpuMs: (cpu.user + cpu.system) / 1000,
    };
}

export const FLEET_CASES: FleetBenchCase[] = [
    { apps: 50, concurrency: 20, pollSeconds: 10, throttleFirst: 0 },
    { apps: 50, concurrency: 60, pollSeconds: 10, throttleFirst: 0 },
    { apps: 50, concurrency: 20, pollSeconds: 10, throttleFirst: 25 },
    { apps: 500, concurrency: 20, pollSeconds: 10, throttleFirst: 0 },
    { apps: 500, concurrency: 500, pollSeconds: 10, throttleFirst: 0 },
    { apps: 500, concurrency: 60, pollSeconds: 10, throttleFirst: 100 },
];

export async function fleetBench(cases = FLEET_CASES): Promise<FleetBenchRow[]> {
    const rows: FleetBenchRow[] = [];
    for (const c of cases) rows.push(await runFleetCase(c));
    return rows;
}

export function fleetTable(rows: FleetBenchRow[]): string {
    const head = ["apps", "cap", "poll s", "throttled first", "slowest build s", "ideal s", "makespan s", "overhead s", "StartBuild", "BatchGetBuilds", "throttled", "max ids/batch", "CPU ms"];
    const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---:").join("|")}|`];
    for (const r of rows) {
        lines.push(
            `| ${[r.apps, r.concurrency, r.pollSeconds, r.throttleFirst, r.slowestBuildS, r.idealS, r.makespanS.toFixed(1), r.overheadS.toFixed(1), r.startBuild, r.batchGetBuilds, r.throttled, r.maxIdsPerBatch, r.cpuMs.toFixed(1)].join(" | ")} |`,
        );
    }
    return lines.join("\n");
}

if (require.main === module) {
    fleetBench()
        .then((rows) => {
            console.log("## Build fleet orchestration (simulated CodeBuild, fake clock, builds of 2-12 min)\n");
            console.log(fleetTable(rows));
            console.log("\nideal = max(slowest build, greedy schedule on `cap` slots with zero detection delay); overhead = makespan - ideal (simulated seconds).\nStartBuild and BatchGetBuilds count every call made, throttled ones included; CPU ms is the orchestration's real CPU time for the whole simulated run.");
        })
        .catch((e) => {
            console.error(e);
            process.exit(1);
        });
}
