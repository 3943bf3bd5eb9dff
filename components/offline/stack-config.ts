import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PavedError } from "../errors";
import { findProjectDir } from "./program";

/**
 * The project the CLI works on (where Pulumi.yaml and the stack configs live): the nearest
 * directory with a Pulumi.yaml at or above the working directory, as the Pulumi CLI finds it.
 */
export const PROJECT_DIR = findProjectDir();

/** The project name when a directory has no `Pulumi.yaml` to say it. */
export const DEFAULT_PROJECT = "paved";

/**
 * A YAML file's document, or a `PavedError` naming `file:line:column` and the parser's reason
 * (never a stack trace): a typo in a config file is the user's to fix.
 */
export function readYamlFile(file: string, what = "YAML file"): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new PavedError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
    }
    return parseYaml(text, file, what);
}

/** `text` parsed as YAML; syntax errors become a `PavedError` with `file:line:column`. */
export function parseYaml(text: string, file: string, what = "YAML file"): unknown {
    const doc = YAML.parseDocument(text, { prettyErrors: true });
    const error = doc.errors[0];
    if (error) {
        const pos = error.linePos?.[0];
        const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
        const reason = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more)` : "";
        throw new PavedError(`${where}: ${what} is not valid YAML: ${reason}${more}; fix the syntax there (indentation, quotes, a ":" after each key)`);
    }
    return doc.toJS();
}

/** A stack config file's `config:` map, keys qualified with the project name where they are not. */
export function readStackConfigFile(file: string, project: string): Record<string, unknown> {
    const doc = readYamlFile(file, "the stack config") ?? {};
    if (typeof doc !== "object" || Array.isArray(doc)) throw new PavedError(`${file}: a stack config is a mapping with a config: key, e.g. "config:\\n  aws:region: eu-west-1"`);
    const config = (doc as { config?: unknown }).config ?? {};
    if (typeof config !== "object" || Array.isArray(config) || config === null) throw new PavedError(`${file}: config must be a mapping of keys to values, e.g. "config:\\n  paved:kind: dev"`);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
        out[key.includes(":") ? key : `${project}:${key}`] = value;
    }
    return out;
}

/** The project name from a `Pulumi.yaml` in `dir`, if there is one. */
export function projectName(dir: string): string | undefined {
    const file = path.join(dir, "Pulumi.yaml");
    if (!fs.existsSync(file)) return undefined;
    const doc = readYamlFile(file, "the project file") as { name?: unknown } | null;
    return typeof doc?.name === "string" ? doc.name : undefined;
}

/** The project name of `dir`, or `DEFAULT_PROJECT`. */
export function projectNameOr(dir: string): string {
    return projectName(dir) ?? DEFAULT_PROJECT;
}

/** Where environment `env`'s stack config lives: `<projectDir>/Pulumi.<env>.yaml`. */
export function stackConfigFile(projectDir: string, env: string): string {
    return path.join(projectDir, `Pulumi.${env}.yaml`);
}

/** The environments with a committed stack config in `projectDir`, sorted. */
export function knownEnvironments(projectDir: string): string[] {
    let files: string[];
    try {
        files = fs.readdirSync(projectDir);
    } catch {
        return [];
    }
    return files.filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => f.slice("Pulumi.".length, -".yaml".length)).sort();
}

/**
 * The stack config file of `env` (or `configFile`), or a `PavedError` naming what is missing and
 * the environments that do exist.
 */
export function requireStackConfigFile(projectDir: string, env: string, configFile?: string): string {
    if (configFile !== undefined) {
        if (!fs.existsSync(configFile) || !fs.statSync(configFile).isFile()) throw new PavedError(`--config ${JSON.stringify(configFile)}: no such file; pass the path of a stack config file such as Pulumi.${env}.yaml`);
        return configFile;
    }
    const file = stackConfigFile(projectDir, env);
    if (!fs.existsSync(file)) {
        const known = knownEnvironments(projectDir);
        throw new PavedError(`environment ${JSON.stringify(env)}: no ${path.basename(file)} in ${projectDir}; environments here: ${known.join(", ") || "none"} (or pass --config <file>)`);
    }
    return file;
}
