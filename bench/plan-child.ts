/**
 * One plan measurement in a fresh process (so peak RSS is this plan's alone). Prints one JSON line.
 *   components <apps> <jobs> [planOut.json]  plan index.ts for a generated environment
 *   flat <plan.json>                         the same custom resources declared without components
 *
 * The flat program is what a hand-written program without components would be: every custom
 * resource declared at the top level with its provider's own class (`new aws.iam.Role(...)`) and
 * the same inputs, wired to the resources whose ids or ARNs its inputs use (through `apply`, as
 * `role.arn` would be), so both programs resolve the same dependency graph.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { ProgramResult, runProgram } from "../components/testing";
import { benchConfig } from "./catalog";

/** A resource of a type no SDK class is found for, declared directly. */
class RawResource extends pulumi.CustomResource {
    constructor(type: string, name: string, inputs: Record<string, unknown>) {
        super(type, name, inputs);
    }
}

type Declare = (name: string, inputs: Record<string, unknown>) => pulumi.CustomResource;

/** The SDK class for a type token, e.g. "aws:iam/role:Role" → aws.iam.Role. */
function declarer(type: string): Declare {
    const [pkg, mod, cls] = type.split(":");
    const sdk: Record<string, any> | undefined = pkg === "aws" ? require("@pulumi/aws") : pkg === "awsx" ? require("@pulumi/awsx") : undefined;
    const ns = sdk && (mod === "index" ? sdk : sdk[mod.split("/")[0]]);
    const Class = type === "pulumi:providers:aws" ? require("@pulumi/aws").Provider : ns?.[cls];
    return Class ? (name, inputs) => new Class(name, inputs) : (name, inputs) => new RawResource(type, name, inputs);
}

interface FlatResource {
    type: string;
    urn: string;
    inputs: Record<string, unknown>;
    /** Per input key, the indices of earlier resources whose id or ARN the value uses. */
    refs: Record<string, number[]>;
}

const REFERENCE = /arn:aws:[A-Za-z0-9:/_.*-]+|\b(?:vpc|subnet|sg|lt)-[0-9a-f]{8,17}\b/g;

/** The custom resources of a plan, with the references between them (computed outside timing). */
function flatten(result: ProgramResult): FlatResource[] {
    const custom = result.resources.filter((r) => r.custom);
    const owner = new Map<string, number>();
    const out: FlatResource[] = [];
    custom.forEach((r, i) => {
        const refs: Record<string, number[]> = {};
        for (const [key, value] of Object.entries(r.inputs)) {
            const found = new Set<number>();
            for (let token of JSON.stringify(value ?? null).match(REFERENCE) ?? []) {
                // "arn:...:bucket/app/*" uses the bucket: strip path parts until a known value.
                while (!owner.has(token)) {
                    const shorter = token.replace(/[/:][^/:]*$/, "");
                    if (shorter === token) break;
                    token = shorter;
                }
                const j = owner.get(token);
                if (j !== undefined && j !== i) found.add(j);
            }
            if (found.size > 0) refs[key] = [...found];
        }
        out.push({ type: r.type, urn: r.urn, inputs: r.inputs, refs });
        for (const v of [r.id, r.outputs.arn]) if (typeof v === "string" && v.length >= 8 && !owner.has(v)) owner.set(v, i);
    });
    return out;
}

async function once(mode: string, a: string, b: string): Promise<ProgramResult> {
    if (mode === "components") {
        const config = benchConfig(Number(a), Number(b));
        return runProgram({ program: require("../index"), stack: "bench", project: "paved", config, configFile: undefined });
    }
    const flat: FlatResource[] = JSON.parse(fs.readFileSync(a, "utf8"));
    const declarers = new Map<string, Declare>();
    for (const r of flat) if (!declarers.has(r.type)) declarers.set(r.type, declarer(r.type));
    return runProgram({
        program: () => {
            const declared: pulumi.CustomResource[] = [];
            for (const r of flat) {
                const inputs: Record<string, unknown> = { ...r.inputs };
                for (const [key, deps] of Object.entries(r.refs)) {
                    inputs[key] = pulumi.all(deps.map((d) => declared[d].id)).apply(() => r.inputs[key]);
                }
                // Logical names must be unique per type without parents: use the URN's tail.
                declared.push(declarers.get(r.type)!(r.urn.split("::").slice(2).join("::").replace(/[$:]/g, "_"), inputs));
            }
        },
        stack: "bench",
        project: "paved",
        config: { "aws:region": "eu-west-1" },
    });
}

/** Cold: the first run, with module loading, as `npm run plan` pays it. Warm: a second run. */
async function main(): Promise<void> {
    const [mode, a, b, out] = process.argv.slice(2);
    const t0 = process.hrtime.bigint();
    await once(mode, a, b);
    const t1 = process.hrtime.bigint();
    const result = await once(mode, a, b);
    const t2 = process.hrtime.bigint();
    const peakMiB = process.resourceUsage().maxRSS / 1024;
    const resources = result.resources.length;
    if (mode === "components" && out) fs.writeFileSync(out, JSON.stringify(flatten(result)));
    process.stdout.write(`${JSON.stringify({ mode, resources, coldSeconds: Number(t1 - t0) / 1e9, seconds: Number(t2 - t1) / 1e9, peakMiB })}\n`);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
