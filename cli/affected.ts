import { execFileSync } from "child_process";
import * as path from "path";
import picomatch from "picomatch";
import * as YAML from "yaml";
import { AppConfig } from "../components/config";
import { PavedError } from "../components/errors";
import { appChangeMatcher } from "../components/path-filter";

/**
 * `paved build <env> --affected <base>..<head>`: which apps a range of commits affects, read from a
 * local checkout. An app is affected when a changed file
 *   - lies under its `source.directory` (an app at the repository root: any file),
 *   - matches one of its `source.watch` globs (the same regex its webhook's FILE_PATH filter uses), or
 *   - lies in a workspace package its own package depends on, directly or through others
 *     (npm and yarn `workspaces` in package.json, pnpm-workspace.yaml), as the graph stands at head.
 * Apps built from another repository than the checkout's remotes are never affected by it.
 */

/** A range's two ends as the user wrote them. */
export interface GitRange {
    base: string;
    head: string;
}

/** Runs git with `args` in the checkout and returns its stdout; a failure is a `PavedError`. */
export type Git = (args: string[]) => string;

/** `base..head` (or `base...head`, which reads the same): both ends required, no options in disguise. */
export function parseRange(range: string): GitRange {
    const usage = `--affected ${JSON.stringify(range)} must be a range of two commits, <base>..<head>, e.g. "origin/main..HEAD" or "3f2a1bc..9d8e7f6"`;
    const m = /^(.+?)\.{2,3}(.+)$/.exec(range);
    if (!m) throw new PavedError(usage);
    for (const ref of [m[1], m[2]]) {
        // Git refs never contain "..", whitespace or a leading "." ; a leading "-" would read as an option.
        if (ref.includes("..") || /\s/.test(ref) || ref.startsWith(".")) throw new PavedError(usage);
        if (ref.startsWith("-")) throw new PavedError(`--affected ${JSON.stringify(range)}: "${ref}" is not a commit (it starts with "-")`);
    }
    return { base: m[1], head: m[2] };
}

/** Git in `dir`, with paths never quoted (callers pass -z where paths are listed). */
export function gitIn(dir: string): Git {
    return (args) => {
        try {
            return execFileSync("git", ["-C", dir, "-c", "core.quotePath=false", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
        } catch (e) {
            const err = e as { code?: string; stderr?: string; message: string };
            if (err.code === "ENOENT") throw new PavedError("--affected needs git on PATH (https://git-scm.com/downloads)");
            throw new PavedError(`git ${args.join(" ")} failed in ${dir}: ${(err.stderr ?? err.message).trim().split("\n")[0]}`);
        }
    };
}

/** `host/owner/name` of a clone URL (https, ssh or scp-like), lowercase and without ".git", or undefined. */
export function repositoryKey(url: string): string | undefined {
    const trimmed = url.trim();
    const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(trimmed);
    const full = /^[a-z+]+:\/\/(?:[^@/\s]+@)?([^/:\s]+)(?::\d+)?\/(.+)$/i.exec(trimmed);
    const m = full ?? (trimmed.includes("://") ? null : scp);
    if (!m) return undefined;
    const repo = m[2].replace(/\/+$/, "").replace(/\.git$/i, "");
    return `${m[1]}/${repo}`.toLowerCase();
}

/** One workspace package at head. */
export interface WorkspacePackage {
    name: string;
    /** Its directory, relative to the repository root. */
    dir: string;
    /** Names of the workspace packages it depends on (any dependency field). */
    dependsOn: string[];
}

export interface WorkspaceGraph {
    /** Where the workspace globs came from, or "none" when the repository has no workspaces. */
    source: "pnpm-workspace.yaml" | "package.json workspaces" | "none";
    packages: WorkspacePackage[];
}

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"];

function readJson(git: Git, rev: string, file: string): Record<string, unknown> | undefined {
    let text: string;
    try {
        text = git(["show", `${rev}:${file}`]);
    } catch {
        return undefined;
    }
    try {
        const value = JSON.parse(text);
        return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
    } catch (e) {
        throw new PavedError(`${file} at ${rev} is not valid JSON: ${(e as Error).message}`);
    }
}

function stringList(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The workspace globs of the repository at `rev`: pnpm-workspace.yaml, else package.json `workspaces`. */
function workspaceGlobs(git: Git, rev: string, files: Set<string>): { source: WorkspaceGraph["source"]; globs: string[] } {
    if (files.has("pnpm-workspace.yaml")) {
        let doc: unknown;
        try {
            doc = YAML.parse(git(["show", `${rev}:pnpm-workspace.yaml`]));
        } catch (e) {
            throw new PavedError(`pnpm-workspace.yaml at ${rev} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
        }
        const packages = doc !== null && typeof doc === "object" ? (doc as Record<string, unknown>).packages : undefined;
        return { source: "pnpm-workspace.yaml", globs: stringList(packages) };
    }
    const root = files.has("package.json") ? readJson(git, rev, "package.json") : undefined;
    const ws = root?.workspaces;
    // npm takes a list; yarn also takes { packages: [...] }.
    const globs = Array.isArray(ws) ? stringList(ws) : ws !== null && typeof ws === "object" ? stringList((ws as Record<string, unknown>).packages) : [];
    return { source: globs.length > 0 ? "package.json workspaces" : "none", globs };
}

/** The workspace packages at `rev` and which of them each depends on. */
export function readWorkspaceGraph(git: Git, rev: string): WorkspaceGraph {
    const files = new Set(git(["ls-tree", "-r", "-z", "--name-only", rev]).split("\0").filter(Boolean));
    const { source, globs } = workspaceGlobs(git, rev, files);
    if (globs.length === 0) return { source: "none", packages: [] };
    const clean = (g: string) => g.replace(/^\.\//, "").replace(/\/+$/, "");
    const include = picomatch(globs.filter((g) => !g.startsWith("!")).map(clean));
    const exclude = globs.some((g) => g.startsWith("!")) ? picomatch(globs.filter((g) => g.startsWith("!")).map((g) => clean(g.slice(1)))) : () => false;
    const dirs = [...files]
        .filter((f) => f.endsWith("/package.json") && !f.split("/").includes("node_modules"))
        .map((f) => f.slice(0, -"/package.json".length))
        .filter((d) => include(d) && !exclude(d));
    const manifests = dirs.map((dir) => ({ dir, json: readJson(git, rev, `${dir}/package.json`) ?? {} }));
    const names = new Set(manifests.map((m) => m.json.name).filter((n): n is string => typeof n === "string"));
    const packages = manifests
        .filter((m) => typeof m.json.name === "string")
        .map(({ dir, json }) => {
            const deps = new Set<string>();
            for (const field of DEPENDENCY_FIELDS) {
                const list = json[field];
                if (list !== null && typeof list === "object") for (const name of Object.keys(list)) if (names.has(name) && name !== json.name) deps.add(name);
            }
            return { name: json.name as string, dir, dependsOn: [...deps].sort() };
        });
    return { source, packages };
}

/** An affected app and why. */
export interface AffectedApp {
    app: string;
    reasons: string[];
}

export interface AffectedInput {
    apps: AppConfig[];
    /** Changed paths, relative to the repository root. */
    changed: string[];
    graph: WorkspaceGraph;
    /** `repositoryKey`s of the checkout's remotes. */
    remotes: string[];
}

export interface AffectedResult {
    affected: AffectedApp[];
    /** Apps of this repository that no change touches. */
    unaffected: string[];
    /** Apps built from another repository, which this checkout says nothing about. */
    otherRepository: { app: string; repository: string }[];
}

const isUnder = (file: string, dir: string) => dir === "." || file.startsWith(`${dir}/`);

/** The deepest package whose directory holds `p` (a file or a directory). */
function owner(packages: WorkspacePackage[], p: string): WorkspacePackage | undefined {
    return packages.filter((pkg) => p === pkg.dir || isUnder(p, pkg.dir)).sort((a, b) => b.dir.length - a.dir.length)[0];
}

/** "x" or "x and 3 more". */
function some(files: string[]): string {
    return files.length === 1 ? files[0] : `${files[0]} and ${files.length - 1} more`;
}

/** Exactly the apps `changed` affects, each with its reasons (pure: no git). */
export function affectedApps(input: AffectedInput): AffectedResult {
    const { graph } = input;
    const byName = new Map(graph.packages.map((p) => [p.name, p]));
    const changedIn = new Map<string, string[]>();
    for (const file of input.changed) {
        const pkg = owner(graph.packages, file);
        if (pkg) changedIn.set(pkg.name, [...(changedIn.get(pkg.name) ?? []), file]);
    }
    const result: AffectedResult = { affected: [], unaffected: [], otherRepository: [] };
    for (const app of input.apps) {
        const key = repositoryKey(app.source.repository);
        if (!key || !input.remotes.includes(key)) {
            result.otherRepository.push({ app: app.name, repository: app.source.repository });
            continue;
        }
        const reasons: string[] = [];
        const matcher = appChangeMatcher(app.source.directory, app.source.watch);
        const own: string[] = [];
        const watched = new Map<string, string[]>();
        for (const file of input.changed) {
            const hit = matcher.explain(file);
            if (hit?.kind === "directory") own.push(file);
            else if (hit?.kind === "watch") watched.set(hit.glob, [...(watched.get(hit.glob) ?? []), file]);
        }
        if (own.length > 0) reasons.push(app.source.directory === "." ? `at the repository root: changed ${some(own)}` : `changed ${some(own)}`);
        for (const [glob, files] of watched) reasons.push(`watches ${glob} (changed ${some(files)})`);

        // Its package's local dependencies, breadth first, remembering the first package that leads to each.
        const start = app.source.directory === "." ? undefined : owner(graph.packages, app.source.directory);
        if (start) {
            const via = new Map<string, string | undefined>([[start.name, undefined]]);
            const queue = [start.name];
            while (queue.length > 0) {
                const current = byName.get(queue.shift()!)!;
                for (const dep of current.dependsOn) {
                    if (via.has(dep)) continue;
                    via.set(dep, current.name === start.name ? undefined : (via.get(current.name) ?? current.name));
                    queue.push(dep);
                }
            }
            for (const [name, through] of via) {
                const files = changedIn.get(name);
                if (name === start.name || !files) continue;
                const dir = byName.get(name)!.dir;
                const route = through ? ` through ${byName.get(through)!.dir}` : "";
                reasons.push(`depends on ${dir}${route} (changed ${some(files)})`);
            }
        }
        if (reasons.length > 0) result.affected.push({ app: app.name, reasons });
        else result.unaffected.push(app.name);
    }
    return result;
}

/** Everything `--affected` found in a checkout, for printing. */
export interface AffectedReport extends AffectedResult {
    range: GitRange;
    baseSha: string;
    headSha: string;
    repoRoot: string;
    changed: string[];
    graph: WorkspaceGraph;
}

/**
 * Reads the range's changes and the workspace graph from the checkout at `dir` and returns the
 * affected apps. The diff is `git diff --no-renames base...head`: what head changed since it and base
 * diverged (for a push, base is an ancestor of head and this is simply base..head; after a force
 * push it is not what the rewritten-away commits did), with a rename listed as its old and new path
 * so both sides count.
 */
export function findAffected(dir: string, rangeText: string, apps: AppConfig[], git: Git = gitIn(dir)): AffectedReport {
    const range = parseRange(rangeText);
    let repoRoot: string;
    try {
        repoRoot = git(["rev-parse", "--show-toplevel"]).trim();
    } catch {
        throw new PavedError(`${path.resolve(dir)} is not a git checkout; run from one or pass --repo <dir>`);
    }
    const sha = (ref: string) => {
        try {
            return git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]).trim();
        } catch {
            throw new PavedError(`--affected: "${ref}" is no commit in ${repoRoot}; fetch it first (a shallow CI clone needs \`git fetch --deepen=50\` or \`--unshallow\`)`);
        }
    };
    const baseSha = sha(range.base);
    const headSha = sha(range.head);
    try {
        git(["merge-base", baseSha, headSha]);
    } catch {
        throw new PavedError(`--affected: ${range.base} and ${range.head} have no common ancestor in ${repoRoot}; fetch more history or pick a base on head's branch`);
    }
    const changed = git(["diff", "--name-only", "--no-renames", "-z", `${baseSha}...${headSha}`]).split("\0").filter(Boolean);
    const remotes = [
        ...new Set(
            git(["remote", "-v"])
                .split("\n")
                .map((l) => l.split(/\s+/)[1])
                .filter((u): u is string => Boolean(u))
                .map(repositoryKey)
                .filter((k): k is string => k !== undefined),
        ),
    ];
    if (remotes.length === 0) throw new PavedError(`${repoRoot} has no git remote, so no app's repository can be matched to it; add one (git remote add origin <the apps' clone URL>)`);
    const graph = readWorkspaceGraph(git, headSha);
    return { range, baseSha, headSha, repoRoot, changed, graph, ...affectedApps({ apps, changed, graph, remotes }) };
}

/** The report `--affected` prints before building (and instead of building with --dry-run). */
export function renderAffected(r: AffectedReport, env: string): string {
    const short = (s: string) => s.slice(0, 12);
    const lines = [
        `${r.range.base}..${r.range.head} (${short(r.baseSha)}...${short(r.headSha)}) changes ${r.changed.length} file${r.changed.length === 1 ? "" : "s"}; ` +
            `workspaces: ${r.graph.source === "none" ? "none" : `${r.graph.packages.length} packages from ${r.graph.source}`}`,
        `${r.affected.length} of ${r.affected.length + r.unaffected.length} apps of this repository in ${env} are affected${r.affected.length ? ":" : "."}`,
        ...r.affected.flatMap((a) => [`  ${a.app}`, ...a.reasons.map((why) => `    - ${why}`)]),
    ];
    if (r.otherRepository.length > 0) {
        const repos = [...new Set(r.otherRepository.map((o) => o.repository))];
        lines.push(`${r.otherRepository.length} app${r.otherRepository.length === 1 ? "" : "s"} build from other repositories (${repos.join(", ")}), which this checkout cannot affect: ${r.otherRepository.map((o) => o.app).join(", ")}`);
    }
    return lines.join("\n");
}
