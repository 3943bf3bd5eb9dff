import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

/** The phases CodeBuild runs from a buildspec, in order. */
export const PHASES = ["install", "pre_build", "build", "post_build"] as const;
export type PhaseName = (typeof PHASES)[number];

export interface PhaseResult {
    phase: PhaseName;
    status: "SUCCEEDED" | "FAILED";
    /** The failing command and its exit code. */
    failedCommand?: string;
    exitCode?: number;
}

export interface BuildResult {
    /** Phases that ran, in order. */
    phases: PhaseResult[];
    succeeded: boolean;
    /** Everything the commands printed (stdout and stderr, interleaved). */
    log: string;
    /** The buildspec's `env.exported-variables` at the end of the build. */
    exported: Record<string, string>;
}

export interface BuildOptions {
    /** The source checkout: `CODEBUILD_SRC_DIR`. */
    srcDir: string;
    /** The commit being built: `CODEBUILD_RESOLVED_SOURCE_VERSION`. */
    sourceVersion: string;
    /** The project's environment variables (and anything the machine would have, e.g. credentials). */
    environment: Record<string, string>;
    /** Directories put first on PATH (e.g. a stand-in `aws`). */
    pathPrefix?: string[];
    /** @default "eu-west-1" */
    region?: string;
    /** @default "local-project" */
    projectName?: string;
}

/**
 * Runs a buildspec (version 0.2) on this machine as CodeBuild runs it: the phases in order, each
 * phase's commands one after another in `bash` (the buildspec's `env.shell`), with the working
 * directory and exported variables carried from command to command and phase to phase, and the
 * `CODEBUILD_*` variables set. A failing command fails its phase and skips the rest of it, and
 * sets `CODEBUILD_BUILD_SUCCEEDING` to 0. Then, per CodeBuild's phase transitions: a phase with
 * `on-failure: ABORT` ends the build; `CONTINUE` goes on; without `on-failure`, a failed install
 * or pre_build ends the build and a failed build still runs post_build.
 */
export async function runBuildspec(buildspec: string, o: BuildOptions): Promise<BuildResult> {
    const spec = YAML.parse(buildspec);
    if (String(spec.version) !== "0.2") throw new Error(`buildspec version ${spec.version}: only 0.2 is supported`);
    if ((spec.env?.shell ?? "bash") !== "bash") throw new Error(`buildspec env.shell ${spec.env.shell}: only bash is supported`);
    const region = o.region ?? "eu-west-1";
    const project = o.projectName ?? "local-project";
    const buildId = `${project}:${Math.random().toString(16).slice(2, 10)}-0000-4000-8000-000000000000`;
    let env: Record<string, string> = {
        PATH: [...(o.pathPrefix ?? []), process.env.PATH ?? "/usr/bin:/bin"].join(":"),
        HOME: process.env.HOME ?? os.homedir(),
        LANG: "C.UTF-8",
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        CODEBUILD_SRC_DIR: o.srcDir,
        CODEBUILD_SOURCE_VERSION: o.sourceVersion,
        CODEBUILD_RESOLVED_SOURCE_VERSION: o.sourceVersion,
        CODEBUILD_BUILD_ID: buildId,
        CODEBUILD_BUILD_ARN: `arn:aws:codebuild:${region}:123456789012:build/${buildId}`,
        CODEBUILD_BUILD_NUMBER: "1",
        CODEBUILD_INITIATOR: "local",
        CODEBUILD_BUILD_SUCCEEDING: "1",
        ...(spec.env?.variables ?? {}),
        ...o.environment,
    };
    let cwd = o.srcDir;
    let log = "";
    const phases: PhaseResult[] = [];
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "paved-codebuild-"));
    try {
        for (const name of PHASES) {
            const phase = spec.phases?.[name];
            if (!phase) continue;
            let result: PhaseResult = { phase: name, status: "SUCCEEDED" };
            for (const command of phase.commands ?? []) {
                const run = await runCommand(String(command), env, cwd, state);
                log += run.output;
                env = run.env ?? env;
                cwd = run.cwd ?? cwd;
                if (run.exitCode !== 0) {
                    result = { phase: name, status: "FAILED", failedCommand: String(command), exitCode: run.exitCode };
                    env.CODEBUILD_BUILD_SUCCEEDING = "0";
                    break;
                }
            }
            phases.push(result);
            if (result.status === "FAILED") {
                const onFailure = phase["on-failure"];
                if (onFailure === "ABORT") break;
                if (onFailure !== "CONTINUE" && (name === "install" || name === "pre_build")) break;
            }
        }
    } finally {
        fs.rmSync(state, { recursive: true, force: true });
    }
    const exported = Object.fromEntries((spec.env?.["exported-variables"] ?? []).map((v: string) => [v, env[v] ?? ""]));
    return { phases, succeeded: phases.every((p) => p.status === "SUCCEEDED"), log, exported };
}

/** One command in bash, in `cwd` with `env`; returns the exported variables and directory it left. */
function runCommand(command: string, env: Record<string, string>, cwd: string, state: string): Promise<{ exitCode: number; output: string; env?: Record<string, string>; cwd?: string }> {
    const envFile = path.join(state, "env");
    const cwdFile = path.join(state, "cwd");
    fs.rmSync(envFile, { force: true });
    fs.rmSync(cwdFile, { force: true });
    // `exit` in a command ends the shell; the trap still records what it leaves behind.
    const script = `trap 'env -0 > ${JSON.stringify(envFile)}; pwd > ${JSON.stringify(cwdFile)}' EXIT\n${command}\n`;
    return new Promise((resolve, reject) => {
        const child = spawn("bash", ["--noprofile", "--norc", "-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        let output = `$ ${command}\n`;
        child.stdout.on("data", (d) => (output += d));
        child.stderr.on("data", (d) => (output += d));
        child.on("error", reject);
        child.on("close", (code, signal) => {
            const exitCode = code ?? (signal ? 128 : 1);
            const next = fs.existsSync(envFile)
                ? Object.fromEntries(
                      fs
                          .readFileSync(envFile, "utf8")
                          .split("\0")
                          .filter((l) => l.includes("="))
                          .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
                  )
                : undefined;
            // Bash's own bookkeeping variables are not part of the build's environment.
            if (next) for (const k of ["_", "SHLVL", "PWD", "OLDPWD"]) delete next[k];
            const dir = fs.existsSync(cwdFile) ? fs.readFileSync(cwdFile, "utf8").trim() : undefined;
            resolve({ exitCode, output, env: next, cwd: dir || undefined });
        });
    });
}

/** The buildspec with every `on-failure` removed: CodeBuild's default transitions. */
export function withoutOnFailure(buildspec: string): string {
    const spec = YAML.parse(buildspec);
    for (const phase of Object.values<any>(spec.phases ?? {})) delete phase["on-failure"];
    return YAML.stringify(spec, { lineWidth: 0 });
}
