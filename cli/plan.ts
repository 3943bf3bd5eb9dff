import * as fs from "fs";
import * as path from "path";
import { AwsMocksOptions, ProgramResult, RecordedResource, readStackConfigFile, runProgram } from "../components/testing";
import { findProjectDir, loadProgram } from "./program";

/** The project the CLI works on (where Pulumi.yaml and the stack configs live): found from the working directory. */
export const PROJECT_DIR = findProjectDir();

export interface PlanOptions {
    projectDir?: string;
    /** Config file to plan instead of `Pulumi.<env>.yaml` (for diffs). */
    configFile?: string;
    /** Config values that win over the file's. */
    config?: Record<string, unknown>;
    mocks?: Partial<AwsMocksOptions>;
}

/** Outputs the staging stack exports, for planning ephemeral environments offline. */
export function baseStackOutputs(region: string): Record<string, unknown> {
    return {
        vpcId: "vpc-0a1b2c3d4e5f60718",
        privateSubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
        publicSubnetIds: ["subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"],
        clusterName: "paved-staging",
        clusterArn: `arn:aws:ecs:${region}:123456789012:cluster/paved-staging`,
        ec2CapacityProviderName: "paved-staging-ec2",
        taskSecurityGroupId: "sg-0a1b2c3d4e5f60719",
        buildImage: {
            repositoryUrl: `123456789012.dkr.ecr.${region}.amazonaws.com/paved-staging/build-image`,
            repositoryArn: `arn:aws:ecr:${region}:123456789012:repository/paved-staging/build-image`,
        },
    };
}

/**
 * Evaluates the program for environment `env` under the mock harness: no credentials, no Pulumi
 * CLI. Throws the config's `ConfigError` when the config is invalid.
 */
export async function planEnvironment(env: string, options: PlanOptions = {}): Promise<ProgramResult> {
    const projectDir = options.projectDir ?? PROJECT_DIR;
    const configFile = options.configFile ?? path.join(projectDir, `Pulumi.${env}.yaml`);
    if (!fs.existsSync(configFile)) {
        const known = fs.readdirSync(projectDir).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => f.slice(7, -5));
        throw new Error(`no stack config ${path.relative(process.cwd(), configFile)}; environments here: ${known.join(", ") || "none"}`);
    }
    return runProgram({
        program: loadProgram(projectDir),
        stack: env,
        configFile,
        config: options.config,
        // Asset paths are recorded relative to the program's directory, wherever the config file is.
        mocks: { projectDir, stackReferences: stackReferencesFor(configFile), ...options.mocks },
    });
}

/** Every StackReference an environment may make, answered with plausible base-stack outputs. */
function stackReferencesFor(configFile: string): Record<string, Record<string, unknown>> {
    const values = readStackConfigFile(configFile, "paved");
    const base = (values["paved:ephemeral"] as { baseStack?: unknown } | undefined)?.baseStack;
    const region = typeof values["aws:region"] === "string" ? values["aws:region"] : "us-east-1";
    return typeof base === "string" ? { [base]: baseStackOutputs(region) } : {};
}

/** The resource tree: each component, then its children, with type and logical name. */
export function renderTree(result: ProgramResult): string {
    const children = new Map<string | undefined, RecordedResource[]>();
    for (const r of result.resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const lines: string[] = [];
    const walk = (r: RecordedResource, prefix: string, last: boolean, root: boolean) => {
        lines.push(root ? `${r.type}  ${r.name}` : `${prefix}${last ? "└─ " : "├─ "}${r.type}  ${r.name}`);
        const kids = children.get(r.urn) ?? [];
        kids.forEach((k, i) => walk(k, root ? "" : `${prefix}${last ? "   " : "│  "}`, i === kids.length - 1, false));
    };
    for (const root of children.get(undefined) ?? []) walk(root, "", true, true);
    return lines.join("\n");
}

/** Resources per type, most first. */
export function countByType(result: ProgramResult): [string, number][] {
    const counts = new Map<string, number>();
    for (const r of result.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function renderCounts(result: ProgramResult): string {
    const rows = countByType(result);
    const width = Math.max(...rows.map(([t]) => t.length));
    return [...rows.map(([t, n]) => `${t.padEnd(width)}  ${n}`), `${"total".padEnd(width)}  ${result.resources.length}`].join("\n");
}

/** The plan as JSON: every resource with its URN, type, name, parent and resolved inputs. */
export function planJson(result: ProgramResult) {
    return {
        project: result.project,
        stack: result.stack,
        resources: result.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent ?? null, custom: r.custom, inputs: r.inputs })),
    };
}
