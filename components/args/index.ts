/**
 * How Paved components read their args: one zod schema per component (defaults, limits and
 * cross-field rules written once), parsed by `parseArgs`, which throws a `ConfigError` whose
 * problems carry property paths (`args.jobs[1].memory`), the value and the fix. The config
 * schema is composed from the same schemas, so a stack config and a component's args share
 * every rule.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, Problem } from "../errors";

export * from "./fields";
export * from "./transform";

/** Renders a zod path in the user's terms: `paved:apps[3].path`, `args.domain.names[0]`. */
export function keyPath(prefix: string, parts: ReadonlyArray<PropertyKey>): string {
    let out = prefix;
    for (const p of parts) out += typeof p === "number" ? `[${p}]` : `.${String(p)}`;
    return out;
}

/** The value at `parts` inside `root`, or undefined when the path does not exist. */
export function valueAt(root: unknown, parts: ReadonlyArray<PropertyKey>): unknown {
    let v: unknown = root;
    for (const p of parts) {
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<PropertyKey, unknown>)[p];
    }
    return v;
}

function kindOf(v: unknown): string {
    if (v === undefined) return "nothing";
    if (v === null) return "null";
    if (Array.isArray(v)) return "a list";
    if (typeof v === "object") return "a mapping";
    return `a ${typeof v}`;
}

const EXPECTED: Record<string, string> = {
    string: "a string",
    number: "a number",
    int: "a whole number",
    boolean: "true or false",
    array: "a list",
    object: "a mapping",
    record: "a mapping",
};

/**
 * Zod's built-in messages, phrased as what to do. Custom messages (the shared rules) pass
 * through untouched.
 */
export const argsErrorMap: z.core.$ZodErrorMap = (issue) => {
    switch (issue.code) {
        case "invalid_type":
            if (issue.input === undefined) return `is required: set it to ${EXPECTED[issue.expected] ?? issue.expected}`;
            return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${kindOf(issue.input)}`;
        case "invalid_value":
            return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${didYouMean(issue.input, issue.values)}`;
        case "too_small":
            if (issue.origin === "array") return `needs at least ${issue.minimum} entr${Number(issue.minimum) === 1 ? "y" : "ies"}`;
            if (issue.origin === "string") return Number(issue.minimum) === 1 ? "must not be empty" : `must be at least ${issue.minimum} characters`;
            return `must be at least ${issue.minimum}`;
        case "too_big":
            if (issue.origin === "array") return `takes at most ${issue.maximum} entries`;
            if (issue.origin === "string") return `must be at most ${issue.maximum} characters`;
            return `must be at most ${issue.maximum}`;
        case "invalid_union":
            return "matches none of the accepted shapes; see the reference in the README";
        default:
            return undefined;
    }
};

/** `Did you mean "prod"?` for a near miss of one of `options` (case, prefix or a small typo). */
export function didYouMean(input: unknown, options: ReadonlyArray<unknown>): string {
    if (typeof input !== "string") return "";
    const lower = input.toLowerCase();
    const strings = options.filter((o): o is string => typeof o === "string");
    const hit =
        strings.find((o) => o.toLowerCase() === lower) ??
        strings.find((o) => lower.startsWith(o.toLowerCase()) || o.toLowerCase().startsWith(lower)) ??
        strings.find((o) => editDistance(o.toLowerCase(), lower) <= 2) ??
        strings.find((o) => commonPrefix(o.toLowerCase(), lower) >= 4);
    return hit ? `; did you mean "${hit}"?` : "";
}

function commonPrefix(a: string, b: string): number {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i;
}

function editDistance(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    return d[a.length][b.length];
}

/** zod issues as Problems with key paths (under `prefix`) and the offending values. */
export function zodProblems(prefix: string, input: unknown, error: z.ZodError): Problem[] {
    return error.issues.flatMap((issue): Problem[] => {
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((k) => ({
                path: keyPath(prefix, [...issue.path, k]),
                value: valueAt(input, [...issue.path, k]),
                message: `unknown key; check the spelling (see the ${keyPath(prefix, issue.path)} reference in the README)`,
            }));
        }
        return [{ path: keyPath(prefix, issue.path), value: valueAt(input, issue.path), message: issue.message }];
    });
}

/** Parses `input` with `schema`; on failure, the problems (paths under `prefix`), never a throw. */
export function safeParseArgs<S extends z.ZodType>(schema: S, input: unknown, prefix = "args"): { data: z.output<S>; problems?: undefined } | { data?: undefined; problems: Problem[] } {
    const result = schema.safeParse(input, { error: argsErrorMap });
    return result.success ? { data: result.data } : { problems: zodProblems(prefix, input, result.error) };
}

/**
 * Parses a component's args with its schema: defaults applied, every rule checked. Throws one
 * `ConfigError` listing every problem with its property path (`args.jobs[1].memory`), the value
 * and the fix. `source` names the component in the message, e.g. `BatchJob "nightly"`.
 */
export function parseArgs<S extends z.ZodType>(schema: S, input: unknown, pathPrefix = "args", source?: string): z.output<S> {
    const result = safeParseArgs(schema, input, pathPrefix);
    if (result.problems) throw new ConfigError(result.problems, source ?? "args");
    return result.data;
}

/** Whether `v` is an output or a promise: a value only the engine knows. */
export function isUnknownInput(v: unknown): boolean {
    return pulumi.Output.isInstance(v) || v instanceof Promise;
}

/**
 * A field that takes a Pulumi input (another resource's output, or a plain value): outputs pass
 * through, typed; a plain value is checked with `plain` when given.
 */
export function input<T>(plain?: z.ZodType<T>) {
    return z.custom<pulumi.Input<T>>().superRefine((v, ctx) => {
        if (v === undefined) {
            ctx.addIssue({ code: "custom", message: "is required" });
            return;
        }
        if (!plain || isUnknownInput(v)) return;
        const result = plain.safeParse(v, { error: argsErrorMap });
        if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
    });
}
