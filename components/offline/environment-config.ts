import { PavedConfig, decodeConfigValue, parseConfig } from "../config";
import { PROJECT_DIR, projectNameOr, readStackConfigFile, requireStackConfigFile } from "./stack-config";

/**
 * An environment's validated config, read from `Pulumi.<env>.yaml` (or `configFile`) without the
 * Pulumi CLI, so commands know the apps, jobs and name prefix of an environment offline. Throws a
 * `PavedError` for a missing file or bad YAML and a `ConfigError` for an invalid config.
 */
export function loadEnvironmentConfig(env: string, projectDir = PROJECT_DIR, configFile?: string): PavedConfig {
    const file = requireStackConfigFile(projectDir, env, configFile);
    const project = projectNameOr(projectDir);
    const raw = readStackConfigFile(file, project);
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) values[k] = typeof v === "string" ? decodeConfigValue(v) : v;
    return parseConfig({ project, stack: env, values, projectDir });
}
