import globToRegExp from "glob-to-regexp";

/**
 * Which changed files concern an app: its own `source.directory` and the `source.watch` globs
 * (shared packages, the root lockfile). One function turns them into the regular expression that
 * both the app's CodeBuild webhook (a `FILE_PATH` filter) and `paved build --affected` match
 * changed paths against, so the two never disagree.
 *
 * CodeBuild evaluates webhook patterns with Go's `regexp` (RE2 syntax): no lookarounds and no
 * backreferences. picomatch/minimatch emit lookaheads for every `*` (dotfile rules), so the
 * regexes come from glob-to-regexp in globstar mode, whose output has neither; the tests compile
 * every pattern with an RE2 engine and compare its matches with picomatch's.
 */

/** A watch glob: path segments of these characters, plus `*`, a whole-segment `**` and `{a,b}`. */
const GLOB_CHARS = /^[A-Za-z0-9._@+~#%&=, *{}-]+$/;

/** Why `watch` is refused for an app at the repository root (directory "."). */
export const WATCH_AT_ROOT = 'has no effect for an app at the repository root (directory "."): every change concerns it; remove watch or set source.directory';

/** Why `glob` is not a watch glob Paved accepts (phrased as what to do), or undefined. */
export function watchGlobViolation(glob: string): string | undefined {
    const example = 'e.g. "packages/ui/**" or "package-lock.json"';
    if (glob.length === 0) return `must not be empty; ${example}`;
    if (glob.startsWith("/") || glob.startsWith("./")) return `must be relative to the repository root without a leading "/" or "./", ${example}`;
    if (glob.endsWith("/")) return `must not end with "/": write "${glob}**" for everything under the folder`;
    if (/[\\[\]?!()|^$]/.test(glob)) return `may use only *, ** and {a,b} (no ?, [...], !, extglobs or backslashes), ${example}`;
    const segments = glob.split("/");
    for (const s of segments) {
        if (s === "" || s === "." || s === "..") return `must not contain empty, "." or ".." segments, ${example}`;
        if (!GLOB_CHARS.test(s)) return `has a character outside letters, digits, space and . _ - @ + ~ # % & = , * { }; ${example}`;
        if (s.includes("**") && s !== "**") return `uses ** inside a segment ("${s}"): ** must be a whole segment such as "packages/**/src", else use *`;
    }
    let depth = 0;
    for (const c of glob) {
        if (c === "{") depth++;
        if (c === "}") depth--;
        if (depth < 0 || depth > 1) return `has unbalanced or nested braces: use one level of {a,b}, ${example}`;
    }
    if (depth !== 0) return `has unbalanced braces: close every "{", ${example}`;
    return undefined;
}

/** The regex body (no anchors) of one valid watch glob. */
function globBody(glob: string): string {
    const source = globToRegExp(glob, { globstar: true, extended: true }).source;
    return source.slice(1, -1);
}

/** Escapes a literal path (an app directory) for a regex. */
function escapeLiteral(path: string): string {
    return path.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** The globs that describe an app's changes: its directory and what it watches. */
export function appChangeGlobs(directory: string, watch: readonly string[]): string[] {
    return directory === "." ? [] : [`${directory}/**`, ...watch];
}

/**
 * The anchored regex a changed path must match to concern an app, or undefined when every change
 * does (an app at the repository root, directory "."). Its own directory matches everything
 * under `directory/` (so `apps/catalog-admin/x` does not match `apps/catalog`).
 */
export function appChangePattern(directory: string, watch: readonly string[]): string | undefined {
    if (directory === ".") return undefined;
    const parts = [`${escapeLiteral(directory)}\\/.*`, ...watch.map(globBody)];
    return `^(?:${parts.join("|")})$`;
}

/** What in an app's filter a changed path matched: its own directory, or a watch glob. */
export type ChangeMatch = { kind: "directory" } | { kind: "watch"; glob: string };

/**
 * A matcher over changed paths for one app, built from `appChangePattern` (the webhook's
 * pattern); `explain` says which part matched, for `--affected`'s reasons.
 */
export function appChangeMatcher(directory: string, watch: readonly string[]): { matches(path: string): boolean; explain(path: string): ChangeMatch | undefined } {
    const pattern = appChangePattern(directory, watch);
    if (pattern === undefined) {
        return { matches: () => true, explain: () => ({ kind: "directory" }) };
    }
    const all = new RegExp(pattern);
    const own = new RegExp(appChangePattern(directory, [])!);
    const globs = watch.map((glob) => ({ glob, re: new RegExp(`^(?:${globBody(glob)})$`) }));
    return {
        matches: (path) => all.test(path),
        explain: (path) => {
            if (!all.test(path)) return undefined;
            if (own.test(path)) return { kind: "directory" };
            const hit = globs.find((g) => g.re.test(path));
            return hit ? { kind: "watch", glob: hit.glob } : undefined;
        },
    };
}
