/**
 * `npm run bench`: speed and memory of Paved's hot paths, as markdown tables for the README.
 * Environment variables: BENCH_SIZES (default "50,200,1000"), BENCH_RUNS (default 3).
 * `npm run bench -- --peer`: only the paired benchmark against the CDK peer (see peer.ts).
 */
import * as os from "os";
import { fleetBench, fleetTable } from "./build-fleet";
import { peerBench, peerTable } from "./peer";
import { planBench, planTable } from "./plan";

async function main(): Promise<void> {
    const sizes = (process.env.BENCH_SIZES ?? "50,200,1000").split(",").map(Number);
    const runs = Number(process.env.BENCH_RUNS ?? 3);
    console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)}\n`);
    if (process.argv.includes("--peer")) {
        const rows = peerBench(undefined, Number(process.env.BENCH_RUNS ?? 5));
        console.log(`## paved plan vs. CDK synth (validation off), whole processes, alternating; median of ${rows[0]?.paved.length} pairs; Paved ran ${rows[0]?.pavedMode}\n`);
        console.log(peerTable(rows));
        return;
    }
    console.log(`## Offline plan (median of ${runs} fresh processes)\n`);
    console.log(planTable(planBench(sizes, runs)));
    console.log(`\n## Build fleet orchestration (simulated CodeBuild on a fake clock)\n`);
    console.log(fleetTable(await fleetBench()));
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
