import { ProgramResult, RecordedResource } from "../components/testing";

// The offline plan is shared with tests and tools: components/offline owns it.
export { PROJECT_DIR, baseStackOutputs, planEnvironment } from "../components/offline";
export type { PlanOptions } from "../components/offline";

/** The resource tree: each component, then its children, with type and logical name. */
export function renderTree(result: ProgramResult): string {
    const children = new Map<string | undefined, RecordedResource[]>();
    for (const r of result.resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const lines: string[] = [];
    const walk = (r: RecordedResource, prefix: string, last: boolean, root: boolean) => {
        lines.push(root ? `${r.type}  ${r.name}` : `${prefix}${last ? "└─ " : "├─ "}${r.type}  ${r.name}`);
        const kids = children.get(r.urn) ?? [];
        kids.forEach((k, i) => walk(k, root ? "" : `${prefix}${last ? "   " : "│  "}`, i === kids.length - 1, false));
    };
    for (const root of children.get(undefined) ?? []) walk(root, "", true, true);
    return lines.join("\n");
}

/** Resources per type, most first. */
export function countByType(result: ProgramResult): [string, number][] {
    const counts = new Map<string, number>();
    for (const r of result.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function renderCounts(result: ProgramResult): string {
    const rows = countByType(result);
    const width = Math.max(...rows.map(([t]) => t.length));
    return [...rows.map(([t, n]) => `${t.padEnd(width)}  ${n}`), `${"total".padEnd(width)}  ${result.resources.length}`].join("\n");
}

/** The plan as JSON: every resource with its URN, type, name, parent and resolved inputs. */
export function planJson(result: ProgramResult) {
    return {
        project: result.project,
        stack: result.stack,
        // The stack first, then by URN: registration order follows promise timing, and plan files
        // are compared byte for byte across changes.
        resources: [...result.resources]
            .sort((x, y) => rootFirst(x) - rootFirst(y) || (x.urn < y.urn ? -1 : x.urn > y.urn ? 1 : 0))
            .map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent ?? null, custom: r.custom, inputs: r.inputs })),
    };
}

function rootFirst(r: { parent?: string }): number {
    return r.parent ? 1 : 0;
}
