import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR, planEnvironment } from "../../cli/plan";
import type { ProgramResult } from "../../components/testing";

/**
 * Offline plans of an environment's config file, shared by the test files of one process.
 *
 * Many files plan the committed environments (dev, staging, prod) with no other option; each plan
 * takes seconds and is the same every time: the same program, the same config file, the same
 * mocks. This memo plans each (environment, config file, file content) once per process and hands
 * every caller its own copy of the result, so a test that sorts or edits what it got cannot change
 * what the next one sees. Only calls without options other than the config file come here; a plan
 * with config values or mock answers of its own still calls `planEnvironment`.
 */
const plans = new Map<string, Promise<ProgramResult>>();

/** The plan of `env` from its committed `Pulumi.<env>.yaml`, or from `configFile`. */
export async function sharedPlan(env: string, configFile?: string): Promise<ProgramResult> {
    const file = path.resolve(configFile ?? path.join(PROJECT_DIR, `Pulumi.${env}.yaml`));
    // The file's content is part of the key: a file edited between two calls is planned again.
    const key = JSON.stringify([env, file, fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null]);
    let plan = plans.get(key);
    if (!plan) {
        plan = planEnvironment(env, configFile ? { configFile } : {});
        plans.set(key, plan);
        // A failed plan is not remembered: the next caller gets the error of a run of its own.
        plan.catch(() => plans.delete(key));
    }
    return copy(await plan);
}

/**
 * A deep copy of plain data (objects of Object's or a null prototype, arrays); other objects are
 * shared as they are. Shared references stay shared within the copy.
 */
function copy<T>(value: T, seen = new Map<object, unknown>()): T {
    if (value === null || typeof value !== "object") return value;
    if (seen.has(value)) return seen.get(value) as T;
    if (Array.isArray(value)) {
        const out: unknown[] = [];
        seen.set(value, out);
        for (const item of value) out.push(copy(item, seen));
        return out as T;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    const out = Object.create(proto) as Record<string, unknown>;
    seen.set(value, out);
    for (const [k, v] of Object.entries(value)) out[k] = copy(v, seen);
    return out as T;
}
