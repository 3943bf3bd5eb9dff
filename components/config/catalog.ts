/**
 * Where apps and jobs come from: the shared catalog file, then the stack's own lists, with the
 * stack's overrides and exclusions applied by name. Each entry keeps where it came from, so an
 * error names the file or key the user wrote it in.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { safeParseArgs } from "../args";
import type { Problem } from "../errors";
import { parseYaml } from "../offline/stack-config";

/** A raw catalog entry and where it was written (`paved:apps[2]`, `catalog.yaml:jobs[0]`). */
export interface Entry {
    raw: unknown;
    where: string;
}

/** A catalog entry after overrides: its parsed value when valid, the raw one for cross-checks. */
export interface Parsed<T> {
    value?: T;
    raw: Record<string, unknown>;
    where: string;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Deep merge for overrides: objects merge, everything else (arrays included) replaces. */
export function deepMerge(base: unknown, patch: unknown): unknown {
    if (!isRecord(base) || !isRecord(patch)) return patch;
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(base[k], v);
    return out;
}

/** Parses one value with `schema`, adding its problems (under `prefix`) to `problems`. */
export function parseKey<S extends z.ZodType>(schema: S, prefix: string, input: unknown, problems: Problem[]): z.output<S> | undefined {
    const result = safeParseArgs(schema, input, prefix);
    if (result.problems) problems.push(...result.problems);
    return result.data;
}

/** Reads the catalog file's apps and jobs into `apps` and `jobs`. */
export function readCatalogFile(catalogFile: string, projectDir: string, readFile: ((file: string) => string) | undefined, apps: Entry[], jobs: Entry[], problems: Problem[]): void {
    const file = path.resolve(projectDir, catalogFile);
    let doc: unknown;
    try {
        doc = parseYaml((readFile ?? ((f) => fs.readFileSync(f, "utf8")))(file), file, "the catalog file");
    } catch (e) {
        problems.push({ path: "paved:catalog", value: catalogFile, message: `cannot read the catalog file: ${(e as Error).message.split("\n")[0]}` });
    }
    if (doc !== undefined && !isRecord(doc)) {
        problems.push({ path: "paved:catalog", value: catalogFile, message: "the catalog file must be a mapping with apps and jobs lists" });
    } else if (isRecord(doc)) {
        for (const key of Object.keys(doc)) {
            if (key !== "apps" && key !== "jobs") problems.push({ path: `${catalogFile}:${key}`, value: doc[key], message: "unknown key; a catalog file has apps and jobs" });
        }
        collect(doc.apps, `${catalogFile}:apps`, apps, problems);
        collect(doc.jobs, `${catalogFile}:jobs`, jobs, problems);
    }
}

/** Adds the entries of a list (a config key or a catalog file's) to `into`. */
export function collect(list: unknown, where: string, into: Entry[], problems: Problem[]): void {
    if (list === undefined) return;
    if (!Array.isArray(list)) {
        problems.push({ path: where, value: list, message: "must be a list" });
        return;
    }
    list.forEach((raw, i) => into.push({ raw, where: `${where}[${i}]` }));
}

export function nameOf(raw: unknown): string | undefined {
    return isRecord(raw) && typeof raw.name === "string" ? raw.name : undefined;
}

/** Applies the environment's overrides and exclusions to the entries and parses each with `schema`. */
export function applyOverrides<S extends z.ZodType>(
    entries: Entry[],
    overrides: Record<string, Record<string, unknown>>,
    exclude: string[],
    kind: "apps" | "jobs",
    schema: S,
    problems: Problem[],
): Parsed<z.output<S>>[] {
    for (const name of Object.keys(overrides)) {
        if (!entries.some((e) => nameOf(e.raw) === name)) {
            problems.push({ path: `paved:overrides.${kind}.${name}`, value: overrides[name], message: `names no ${kind === "apps" ? "app" : "job"} in the catalog` });
        }
    }
    const out: Parsed<z.output<S>>[] = [];
    for (const e of entries) {
        const name = nameOf(e.raw);
        if (name !== undefined && exclude.includes(name)) continue;
        const patch = name !== undefined ? overrides[name] : undefined;
        const merged = patch ? deepMerge(e.raw, patch) : e.raw;
        // An error in a merged entry is reported at the entry; the override is named too.
        const where = patch ? `${e.where} (with paved:overrides.${kind}.${name})` : e.where;
        out.push({ value: parseKey(schema, where, merged, problems), raw: isRecord(merged) ? merged : {}, where: e.where });
    }
    return out;
}
