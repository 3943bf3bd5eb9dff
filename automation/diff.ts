import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PavedError } from "../components/errors";
import { PROJECT_DIR, planEnvironment, requireStackConfigFile } from "../components/offline";
import { PlanDiff, diffPlans } from "../cli/diff";
import { planJson } from "../cli/plan";

export interface DiffOptions {
    /** Config to compare against; without it, the working copy of `Pulumi.<env>.yaml` against its committed (HEAD) version. */
    config?: string;
    /** @default PROJECT_DIR */
    projectDir?: string;
}

export interface DiffResult {
    before: string;
    after: string;
    diff: PlanDiff;
}

/**
 * Plans `env` twice, offline, and diffs the plans: `Pulumi.<env>.yaml` against `options.config`,
 * or, without it, the committed `Pulumi.<env>.yaml` (git HEAD) against the working copy.
 * The catalog and the program are read from the working tree on both sides.
 */
export async function diffEnvironment(env: string, options: DiffOptions = {}): Promise<DiffResult> {
    const projectDir = options.projectDir ?? PROJECT_DIR;
    // Diff compares an existing environment's config with another.
    const current = requireStackConfigFile(projectDir, env);
    let before = current;
    let after = current;
    let cleanup: string | undefined;
    if (options.config) {
        after = path.resolve(options.config);
        if (!fs.existsSync(after)) throw new PavedError(`--config ${options.config}: no such file`);
    } else {
        cleanup = fs.mkdtempSync(path.join(os.tmpdir(), "paved-diff-"));
        before = path.join(cleanup, `Pulumi.${env}.yaml`);
        fs.writeFileSync(before, committedVersion(projectDir, path.basename(current)));
        // The project name comes from the Pulumi.yaml beside the config.
        fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(cleanup, "Pulumi.yaml"));
    }
    try {
        const a = planJson(await planEnvironment(env, { projectDir, configFile: before }));
        const b = planJson(await planEnvironment(env, { projectDir, configFile: after }));
        return { before: options.config ? path.relative(process.cwd(), current) : `HEAD:${path.basename(current)}`, after: path.relative(process.cwd(), after), diff: diffPlans(a, b) };
    } finally {
        if (cleanup) fs.rmSync(cleanup, { recursive: true, force: true });
    }
}

function committedVersion(projectDir: string, file: string): string {
    try {
        return execFileSync("git", ["show", `HEAD:./${file}`], { cwd: projectDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
        throw new PavedError(`cannot read the committed ${file} (${String((e as Error).message).split("\n")[0]}); pass --config <file> to compare ${file} with another config`);
    }
}
