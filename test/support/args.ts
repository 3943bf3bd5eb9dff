import * as assert from "assert";
import { z } from "zod";
import { safeParseArgs } from "../../components/args";
import { ConfigError, Problem } from "../../components/errors";

/** The problems `schema` finds in `args` (paths under `args.`); empty when it accepts them. */
export function problemsOf(schema: z.ZodType, args: unknown): Problem[] {
    return safeParseArgs(schema, args, "args").problems ?? [];
}

/**
 * Asserts `schema` refuses `args` with a problem at exactly `path` whose message matches
 * `message` (and whose value is `value`, when given).
 */
export function assertRefused(schema: z.ZodType, args: unknown, path: string, message: RegExp, ...value: [unknown?]): void {
    const problems = problemsOf(schema, args);
    const hit = problems.find((p) => p.path === path);
    assert.ok(hit, `expected a problem at ${path}, got ${JSON.stringify(problems)}`);
    assert.match(hit.message, message);
    if (value.length > 0) assert.deepStrictEqual(hit.value, value[0]);
}

/** Whether `e` is a ConfigError with a problem at `path` whose message matches `message`. */
export function isConfigError(e: unknown, path: string, message: RegExp): boolean {
    return e instanceof ConfigError && e.problems.some((p) => p.path === path && message.test(p.message));
}
