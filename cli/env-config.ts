import * as fs from "fs";
import * as path from "path";
import { PavedConfig, decodeConfigValue, parseConfig } from "../components/config";
import { projectName, readStackConfigFile } from "../components/testing/run-program";
import { PROJECT_DIR } from "./plan";

/**
 * An environment's validated config, read from `Pulumi.<env>.yaml` without the Pulumi CLI, so
 * commands know the apps, jobs and name prefix of an environment offline.
 */
export function loadEnvironmentConfig(env: string, projectDir = PROJECT_DIR, configFile?: string): PavedConfig {
    const file = configFile ?? path.join(projectDir, `Pulumi.${env}.yaml`);
    if (!fs.existsSync(file)) throw new Error(`no stack config ${file} for environment "${env}"`);
    const project = projectName(projectDir) ?? "paved";
    const raw = readStackConfigFile(file, project);
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) values[k] = typeof v === "string" ? decodeConfigValue(v) : v;
    return parseConfig({ project, stack: env, values, projectDir });
}
