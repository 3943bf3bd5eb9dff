/**
 * Errors a user can act on. Every Paved validation failure is a `PavedError` whose message names
 * the field, the bad value and the rule or fix, e.g.
 * `paved:apps[3].path "/Catalog" must be a lowercase URL-safe prefix, e.g. "/catalog"`.
 */
export class PavedError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PavedError";
    }
}

/** One problem found in a config or in component args. */
export interface Problem {
    /** Key path, e.g. `paved:apps[3].path` or `args.cpu`. */
    path: string;
    /** The offending value, as the user wrote it (undefined when the key is missing). */
    value: unknown;
    /** The rule that was broken, phrased as what to do. */
    message: string;
}

/** Renders a value for an error message: short, quoted strings, JSON for the rest. */
export function show(value: unknown): string {
    if (value === undefined) return "(missing)";
    const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatProblem(p: Problem): string {
    return `${p.path} ${show(p.value)}: ${p.message}`;
}

/** Every problem in a config at once, so a user fixes them in one round. */
export class ConfigError extends PavedError {
    constructor(public readonly problems: Problem[], source = "config") {
        super(
            `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${source}:\n` +
                problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}
