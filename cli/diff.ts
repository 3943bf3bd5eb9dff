/**
 * Offline blast radius: what changes between two plans of one environment (two `planJson()`
 * results), resource by resource, without a Pulumi engine or state.
 */

/** One resource of a `planJson()` result. */
export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    custom: boolean;
    inputs: Record<string, unknown>;
}

export interface PlanDocument {
    project: string;
    stack: string;
    resources: PlannedResource[];
}

export interface ResourceRef {
    urn: string;
    type: string;
    name: string;
}

export interface ChangedResource extends ResourceRef {
    /** Input paths whose values differ, e.g. `tags.team`, `ingress[0].cidrBlocks`. */
    keys: string[];
}

export interface RenamedResource {
    type: string;
    from: ResourceRef;
    to: ResourceRef;
    /** Share of (non-name) inputs that are equal, 0-1. */
    similarity: number;
    /** Inputs that differ beyond the name, if any. */
    keys: string[];
}

export interface PlanDiff {
    created: ResourceRef[];
    deleted: ResourceRef[];
    changed: ChangedResource[];
    /** A delete and a create of the same type with (nearly) the same inputs: a rename, which AWS replaces. */
    renamed: RenamedResource[];
    unchanged: number;
}

/** Input keys that carry a resource's own name; a rename is expected to change them. */
export const NAME_KEYS = new Set(["name", "namePrefix", "bucket", "bucketPrefix", "family", "functionName", "roleName", "repositoryName", "clusterName", "serviceName", "queueName", "logGroupName", "description", "comment"]);

/** Inputs at least this similar (ignoring names) make a delete+create a rename. */
export const RENAME_SIMILARITY = 0.8;

const MAX_DEPTH = 4;

/** Paths where `a` and `b` differ, deep-compared; arrays of different length differ as a whole. */
export function diffPaths(a: unknown, b: unknown, prefix = "", depth = 0): string[] {
    if (deepEqual(a, b)) return [];
    if (depth >= MAX_DEPTH) return [prefix || "(value)"];
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
        return a.flatMap((v, i) => diffPaths(v, b[i], `${prefix}[${i}]`, depth + 1));
    }
    if (isRecord(a) && isRecord(b)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
        return keys.flatMap((k) => diffPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k, depth + 1));
    }
    return [prefix || "(value)"];
}

export function deepEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a) || Array.isArray(b)) {
        return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
    }
    if (isRecord(a) && isRecord(b)) {
        // An absent key and an undefined value are the same input.
        const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
        for (const k of keys) if (!deepEqual(a[k], b[k])) return false;
        return true;
    }
    return false;
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Leaf paths and values of an input tree; `{}` and `[]` count as leaves. */
function leaves(value: unknown, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
    if (isRecord(value) && Object.keys(value).length) {
        for (const [k, v] of Object.entries(value)) if (v !== undefined) leaves(v, prefix ? `${prefix}.${k}` : k, out);
    } else if (Array.isArray(value) && value.length) {
        value.forEach((v, i) => leaves(v, `${prefix}[${i}]`, out));
    } else {
        out.set(prefix, value);
    }
    return out;
}

function isNameKey(p: string): boolean {
    const top = p.split(/[.[]/)[0];
    return NAME_KEYS.has(top) || p === "tags.Name" || p === "tagsAll.Name";
}

/**
 * How alike two resources' inputs are, ignoring name keys and the old logical name appearing in
 * values (a child's physical names and ARNs usually embed it). 1 when both have no other inputs.
 */
export function similarity(from: PlannedResource, to: PlannedResource): number {
    const swaps = nameSwaps(from.name, to.name);
    const rename = (v: unknown) => (typeof v === "string" ? swaps.reduce((s, [o, n]) => s.split(o).join(n), v) : v);
    const a = leaves(from.inputs);
    const b = leaves(to.inputs);
    const keys = [...new Set([...a.keys(), ...b.keys()])].filter((k) => !isNameKey(k));
    if (keys.length === 0) return 1;
    const equal = keys.filter((k) => deepEqual(rename(a.get(k)), b.get(k))).length;
    return equal / keys.length;
}

/**
 * Old → new substrings a rename changes: the whole logical name, and its stem without the suffix
 * both share (`web-bucket` → `site-bucket` also swaps `web` → `site` inside physical names).
 */
function nameSwaps(from: string, to: string): [string, string][] {
    const swaps: [string, string][] = [];
    if (from.length >= 3) swaps.push([from, to]);
    let i = 0;
    while (i < Math.min(from.length, to.length) && from[from.length - 1 - i] === to[to.length - 1 - i]) i++;
    const stem = from.slice(0, from.length - i);
    if (i > 0 && stem.length >= 3) swaps.push([stem, to.slice(0, to.length - i)]);
    return swaps;
}

const ref = (r: PlannedResource): ResourceRef => ({ urn: r.urn, type: r.type, name: r.name });

/** What goes from plan `before` to plan `after`: created, deleted, changed, and renames among the deletes and creates. */
export function diffPlans(before: PlanDocument, after: PlanDocument): PlanDiff {
    const old = new Map(before.resources.map((r) => [r.urn, r]));
    const next = new Map(after.resources.map((r) => [r.urn, r]));
    const changed: ChangedResource[] = [];
    let unchanged = 0;
    for (const [urn, b] of old) {
        const a = next.get(urn);
        if (!a) continue;
        const keys = diffPaths(b.inputs, a.inputs);
        if (keys.length) changed.push({ ...ref(a), keys });
        else unchanged++;
    }
    let deleted = before.resources.filter((r) => !next.has(r.urn));
    let created = after.resources.filter((r) => !old.has(r.urn));
    const renamed = findRenames(deleted, created, before, after);
    const renamedFrom = new Set(renamed.map((r) => r.from.urn));
    const renamedTo = new Set(renamed.map((r) => r.to.urn));
    deleted = deleted.filter((r) => !renamedFrom.has(r.urn));
    created = created.filter((r) => !renamedTo.has(r.urn));
    return { created: created.map(ref), deleted: deleted.map(ref), changed, renamed, unchanged };
}

/**
 * Pairs deletes with creates of the same type. Custom resources pair by input similarity, most
 * alike first. Components pair when most of the deleted one's children were renamed into the
 * created one (their own inputs are usually empty, so similarity alone would pair any two).
 */
function findRenames(deleted: PlannedResource[], created: PlannedResource[], before: PlanDocument, after: PlanDocument): RenamedResource[] {
    const out: RenamedResource[] = [];
    const usedFrom = new Set<string>();
    const usedTo = new Set<string>();
    const candidates: { from: PlannedResource; to: PlannedResource; score: number }[] = [];
    for (const from of deleted.filter((r) => r.custom)) {
        for (const to of created) {
            if (to.type !== from.type || !to.custom) continue;
            const score = similarity(from, to);
            if (score >= RENAME_SIMILARITY) candidates.push({ from, to, score });
        }
    }
    candidates.sort((x, y) => y.score - x.score || x.from.urn.localeCompare(y.from.urn) || x.to.urn.localeCompare(y.to.urn));
    const take = (from: PlannedResource, to: PlannedResource, score: number) => {
        usedFrom.add(from.urn);
        usedTo.add(to.urn);
        out.push({ type: from.type, from: ref(from), to: ref(to), similarity: Math.round(score * 100) / 100, keys: diffPaths(from.inputs, to.inputs).filter((k) => !isNameKey(k)) });
    };
    for (const c of candidates) if (!usedFrom.has(c.from.urn) && !usedTo.has(c.to.urn)) take(c.from, c.to, c.score);

    // Components, deepest first, so a renamed component counts toward its own parent's rename.
    const depth = (r: PlannedResource, doc: PlanDocument) => {
        const byUrn = new Map(doc.resources.map((x) => [x.urn, x]));
        let d = 0;
        for (let p = r.parent; p; p = byUrn.get(p)?.parent ?? null) d++;
        return d;
    };
    const components = deleted.filter((r) => !r.custom).sort((a, b) => depth(b, before) - depth(a, before));
    for (const from of components) {
        const kids = before.resources.filter((r) => r.parent === from.urn);
        let best: { to: PlannedResource; score: number } | undefined;
        for (const to of created) {
            if (to.custom || to.type !== from.type || usedTo.has(to.urn)) continue;
            const toKids = new Set(after.resources.filter((r) => r.parent === to.urn).map((r) => r.urn));
            const moved = kids.filter((k) => out.some((p) => p.from.urn === k.urn && toKids.has(p.to.urn))).length;
            const score = kids.length ? (moved / kids.length) * similarity(from, to) : 0;
            if (score >= 0.5 && (!best || score > best.score)) best = { to, score };
        }
        if (best) take(from, best.to, best.score);
    }
    return out;
}

/** A human-readable report of a diff. */
export function renderDiff(diff: PlanDiff, env: string): string {
    const lines: string[] = [];
    const total = diff.created.length + diff.deleted.length + diff.changed.length + diff.renamed.length;
    if (total === 0) return `${env}: no changes (${diff.unchanged} resources unchanged)`;
    lines.push(`${env}: ${diff.created.length} to create, ${diff.changed.length} to change, ${diff.deleted.length} to delete, ${diff.renamed.length} renamed (replaced), ${diff.unchanged} unchanged`);
    if (diff.renamed.length) {
        lines.push("", "renamed: AWS will delete and re-create these (data in a bucket, log group or repository goes with it):");
        for (const r of diff.renamed) {
            lines.push(`  ~ ${r.type}  ${r.from.name} -> ${r.to.name}${r.keys.length ? `  (also: ${r.keys.join(", ")})` : ""}`);
        }
        lines.push("  to keep them, pass the old identity to the renamed resource: { aliases: [{ name: \"<old name>\" }] }");
    }
    if (diff.deleted.length) {
        lines.push("", "delete:");
        for (const r of diff.deleted) lines.push(`  - ${r.type}  ${r.name}`);
    }
    if (diff.created.length) {
        lines.push("", "create:");
        for (const r of diff.created) lines.push(`  + ${r.type}  ${r.name}`);
    }
    if (diff.changed.length) {
        lines.push("", "change:");
        for (const r of diff.changed) lines.push(`  * ${r.type}  ${r.name}: ${r.keys.join(", ")}`);
    }
    return lines.join("\n");
}
