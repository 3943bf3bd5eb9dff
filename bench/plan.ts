import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

interface Sample {
    mode: string;
    resources: number;
    coldSeconds: number;
    seconds: number;
    peakMiB: number;
}

/** Median of `runs` fresh-process measurements (plans are deterministic; time is not). */
function measure(args: string[], runs: number): Sample {
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
        const out = execFileSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(__dirname, "plan-child.ts"), ...args], {
            encoding: "utf8",
            maxBuffer: 1 << 26,
        });
        samples.push(JSON.parse(out.trim().split("\n").pop()!));
    }
    samples.sort((a, b) => a.seconds - b.seconds);
    return samples[Math.floor(samples.length / 2)];
}

export interface PlanBenchRow {
    apps: number;
    jobs: number;
    resources: number;
    coldSeconds: number;
    seconds: number;
    peakMiB: number;
    flatResources: number;
    flatSeconds: number;
    flatPeakMiB: number;
}

/**
 * Plan time and peak memory of whole environments (50, 200, 1000 apps) against a flat program
 * that declares the same custom resources without components.
 */
export function planBench(sizes = [50, 200, 1000], runs = 3): PlanBenchRow[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paved-bench-"));
    try {
        return sizes.map((apps) => {
            const jobs = Math.max(15, Math.round(apps / 4));
            const file = path.join(dir, `plan-${apps}.json`);
            const components = measure(["components", String(apps), String(jobs), file], runs);
            const flat = measure(["flat", file], runs);
            return {
                apps,
                jobs,
                resources: components.resources,
                coldSeconds: components.coldSeconds,
                seconds: components.seconds,
                peakMiB: components.peakMiB,
                flatResources: flat.resources,
                flatSeconds: flat.seconds,
                flatPeakMiB: flat.peakMiB,
            };
        });
    } finally {
        // The flat programs' inputs (one JSON plan per size) are only needed while measuring.
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export function planTable(rows: PlanBenchRow[]): string {
    const lines = [
        "| apps | jobs | resources | first plan (s) | warm plan (s) | peak RSS (MiB) | ms / resource | flat program, warm (s) | flat peak (MiB) | components / flat (time) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ];
    for (const r of rows) {
        lines.push(
            `| ${r.apps} | ${r.jobs} | ${r.resources} | ${r.coldSeconds.toFixed(2)} | ${r.seconds.toFixed(2)} | ${r.peakMiB.toFixed(0)} | ${((r.seconds * 1000) / r.resources).toFixed(2)} | ${r.flatSeconds.toFixed(2)} | ${r.flatPeakMiB.toFixed(0)} | ${(r.seconds / r.flatSeconds).toFixed(2)}x |`,
        );
    }
    return lines.join("\n");
}
