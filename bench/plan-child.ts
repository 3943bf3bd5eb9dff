/**
 * One plan measurement in a fresh process (so peak RSS is this plan's alone). Prints one JSON line.
 *   components <apps> <jobs> [planOut.json]  plan index.ts for a generated environment
 *   flat <plan.json>                         register the same custom resources with no components
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../components/testing";
import { benchConfig } from "./catalog";

/** A resource of any type, declared directly: what a program without components would do. */
class RawResource extends pulumi.CustomResource {
    constructor(type: string, name: string, inputs: Record<string, unknown>) {
        super(type, name, inputs);
    }
}

async function once(mode: string, a: string, b: string, out?: string): Promise<number> {
    let resources: number;
    if (mode === "components") {
        const config = benchConfig(Number(a), Number(b));
        const result = await runProgram({ program: require("../index"), stack: "bench", project: "paved", config, configFile: undefined });
        resources = result.resources.length;
        if (out) {
            const custom = result.resources.filter((r) => r.custom).map((r) => ({ type: r.type, name: r.name, urn: r.urn, inputs: r.inputs }));
            fs.writeFileSync(out, JSON.stringify(custom));
        }
    } else {
        const custom: { type: string; name: string; urn: string; inputs: Record<string, unknown> }[] = JSON.parse(fs.readFileSync(a, "utf8"));
        const result = await runProgram({
            program: () => {
                // Logical names must be unique per type without parents: use the URN's tail.
                for (const r of custom) new RawResource(r.type, r.urn.split("::").slice(2).join("::").replace(/[$:]/g, "_"), r.inputs);
            },
            stack: "bench",
            project: "paved",
            config: { "aws:region": "eu-west-1" },
        });
        resources = result.resources.length;
    }
    return resources;
}

/** Cold: the first run, with module loading, as `npm run plan` pays it. Warm: a second run. */
async function main(): Promise<void> {
    const [mode, a, b, out] = process.argv.slice(2);
    const t0 = process.hrtime.bigint();
    await once(mode, a, b, out);
    const t1 = process.hrtime.bigint();
    const resources = await once(mode, a, b);
    const t2 = process.hrtime.bigint();
    const peakMiB = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(`${JSON.stringify({ mode, resources, coldSeconds: Number(t1 - t0) / 1e9, seconds: Number(t2 - t1) / 1e9, peakMiB })}\n`);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
