/**
 * `npm run bench`: speed and memory of Paved's hot paths, as markdown tables for the README.
 * Environment variables: BENCH_SIZES (default "50,200,1000"), BENCH_RUNS (default 3).
 */
import * as os from "os";
import { fleetBench, fleetTable } from "./build-fleet";
import { planBench, planTable } from "./plan";

async function main(): Promise<void> {
    const sizes = (process.env.BENCH_SIZES ?? "50,200,1000").split(",").map(Number);
    const runs = Number(process.env.BENCH_RUNS ?? 3);
    console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
    console.log(`## Offline plan (median of ${runs} fresh processes)\n`);
    console.log(planTable(planBench(sizes, runs)));
    console.log(`\n## Build fleet orchestration (simulated CodeBuild on a fake clock)\n`);
    console.log(fleetTable(await fleetBench()));
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
