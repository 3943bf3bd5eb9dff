/**
 * The architecture of an environment as a graph: components contain their children, and a
 * resource whose inputs use another resource (its id or ARN, or a dependency the engine saw)
 * points at it. Rendered as Mermaid and as a self-contained SVG (no layout library, no fetches).
 */

/** What the graph reads of a planned resource (a `RecordedResource` fits). */
export interface GraphResource {
    urn: string;
    type: string;
    name: string;
    parent?: string | null;
    custom: boolean;
    inputs: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    id?: string;
    dependencies?: string[];
}

export interface GraphOptions {
    /** Show every resource; otherwise siblings of one type beyond `collapseAbove` become one node. @default false */
    detail?: boolean;
    /** Siblings of one type shown one by one up to this many. @default 3 */
    collapseAbove?: number;
}

export interface GraphNode {
    id: string;
    /** Logical name, or `<n> × <type>` for a collapsed group. */
    label: string;
    type: string;
    kind: "component" | "resource" | "group";
    /** Visible children (components only). */
    children: GraphNode[];
    /** Resources this node stands for (itself, or a group's members and their descendants). */
    members: string[];
}

export interface GraphEdge {
    from: string;
    to: string;
}

export interface Graph {
    roots: GraphNode[];
    edges: GraphEdge[];
}

const HIDDEN_TYPE = /^pulumi:(pulumi:Stack|providers:)/;

/** Builds the visible graph: the stack and providers are left out; big sibling sets collapse. */
export function buildGraph(resources: GraphResource[], options: GraphOptions = {}): Graph {
    const limit = options.detail ? Infinity : (options.collapseAbove ?? 3);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const kids = new Map<string | undefined, GraphResource[]>();
    const visibleParent = (r: GraphResource): string | undefined => {
        for (let p = r.parent ?? undefined; p; p = byUrn.get(p)?.parent ?? undefined) {
            const parent = byUrn.get(p);
            if (parent && !HIDDEN_TYPE.test(parent.type)) return p;
        }
        return undefined;
    };
    for (const r of resources) {
        if (HIDDEN_TYPE.test(r.type)) continue;
        const p = visibleParent(r);
        kids.set(p, [...(kids.get(p) ?? []), r]);
    }
    const descendants = (urn: string): string[] => (kids.get(urn) ?? []).flatMap((k) => [k.urn, ...descendants(k.urn)]);

    let next = 0;
    const nodeOf = new Map<string, string>();
    const build = (parent: string | undefined): GraphNode[] => {
        const list = kids.get(parent) ?? [];
        const byType = new Map<string, GraphResource[]>();
        for (const r of list) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
        const out: GraphNode[] = [];
        for (const [type, same] of byType) {
            if (same.length > limit) {
                const id = `g${next++}`;
                const members = same.flatMap((r) => [r.urn, ...descendants(r.urn)]);
                for (const m of members) nodeOf.set(m, id);
                out.push({ id, label: `${same.length} × ${shortType(type)}`, type, kind: "group", children: [], members });
                continue;
            }
            for (const r of same) {
                const id = `${r.custom ? "r" : "c"}${next++}`;
                nodeOf.set(r.urn, id);
                out.push({ id, label: r.name, type, kind: r.custom ? "resource" : "component", children: r.custom ? [] : build(r.urn), members: [r.urn] });
            }
        }
        return out;
    };
    const roots = build(undefined);

    // References: engine-recorded dependencies, and inputs that carry another resource's id or ARN.
    const owner = new Map<string, string>();
    for (const r of resources) {
        if (!r.custom || HIDDEN_TYPE.test(r.type)) continue;
        for (const v of [r.id, r.outputs?.id, r.outputs?.arn]) if (typeof v === "string" && v.length >= 6) owner.set(v, r.urn);
    }
    const seen = new Set<string>();
    const edges: GraphEdge[] = [];
    for (const r of resources) {
        if (!r.custom || !nodeOf.has(r.urn)) continue;
        const targets = new Set<string>(r.dependencies ?? []);
        for (const s of strings(r.inputs)) {
            const t = owner.get(s);
            if (t) targets.add(t);
        }
        const ancestors = new Set<string>();
        for (let p = r.parent ?? undefined; p; p = byUrn.get(p)?.parent ?? undefined) ancestors.add(p);
        for (const t of targets) {
            if (t === r.urn || ancestors.has(t) || !nodeOf.has(t)) continue;
            const from = nodeOf.get(r.urn)!;
            const to = nodeOf.get(t)!;
            const key = `${from}>${to}`;
            if (from === to || seen.has(key)) continue;
            seen.add(key);
            edges.push({ from, to });
        }
    }
    return { roots, edges };
}

function strings(value: unknown, out: string[] = []): string[] {
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
    else if (value && typeof value === "object") Object.values(value).forEach((v) => strings(v, out));
    return out;
}

/** `aws:s3/bucketV2:BucketV2` → `BucketV2`; `paved:network:Network` → `Network`. */
export function shortType(type: string): string {
    return type.split(":").pop() ?? type;
}

function walk(nodes: GraphNode[], visit: (n: GraphNode, depth: number) => void, depth = 0): void {
    for (const n of nodes) {
        visit(n, depth);
        walk(n.children, visit, depth + 1);
    }
}

/** Every node of the graph, depth-first. */
export function allNodes(graph: Graph): GraphNode[] {
    const out: GraphNode[] = [];
    walk(graph.roots, (n) => out.push(n));
    return out;
}

function mermaidText(text: string): string {
    return text.replace(/&/g, "#amp;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

/** A Mermaid flowchart: components are subgraphs, resources and collapsed groups are nodes. */
export function renderMermaid(graph: Graph, title?: string): string {
    const lines = title ? ["---", `title: ${title.replace(/[\r\n]/g, " ")}`, "---"] : [];
    lines.push("flowchart LR");
    const emit = (nodes: GraphNode[], indent: string) => {
        for (const n of nodes) {
            const label = mermaidText(`${n.label}`) + `<br/><small>${mermaidText(n.type)}</small>`;
            if (n.kind === "component" && n.children.length) {
                lines.push(`${indent}subgraph ${n.id}["${label}"]`);
                emit(n.children, `${indent}  `);
                lines.push(`${indent}end`);
            } else if (n.kind === "resource") {
                lines.push(`${indent}${n.id}["${label}"]`);
            } else {
                lines.push(`${indent}${n.id}[["${label}"]]`);
            }
        }
    };
    emit(graph.roots, "  ");
    for (const e of graph.edges) lines.push(`  ${e.from} --> ${e.to}`);
    lines.push("  classDef group fill:#eef,stroke:#88a;");
    const groups = allNodes(graph).filter((n) => n.kind === "group").map((n) => n.id);
    if (groups.length) lines.push(`  class ${groups.join(",")} group;`);
    return `${lines.join("\n")}\n`;
}

export function xmlEscape(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

interface Box {
    node: GraphNode;
    x: number;
    y: number;
    w: number;
    h: number;
    kids: Box[];
}

const CHAR = 6.6;
const LEAF_H = 42;
const PAD = 12;
const HEADER = 34;
const GAP = 16;
const ROW_MAX = 1100;

function measure(node: GraphNode): Box {
    const textW = Math.max(node.label.length * CHAR * 1.1, node.type.length * CHAR * 0.9) + 2 * PAD;
    if (!node.children.length) return { node, x: 0, y: 0, w: Math.max(120, Math.ceil(textW)), h: LEAF_H, kids: [] };
    // Leaves first, then containers; each row wraps at ROW_MAX.
    const kids = [...node.children].sort((a, b) => Number(a.children.length > 0) - Number(b.children.length > 0)).map(measure);
    let x = PAD;
    let y = HEADER;
    let rowH = 0;
    let w = Math.ceil(textW);
    for (const k of kids) {
        if (x > PAD && x + k.w > ROW_MAX) {
            x = PAD;
            y += rowH + GAP;
            rowH = 0;
        }
        k.x = x;
        k.y = y;
        x += k.w + GAP;
        rowH = Math.max(rowH, k.h);
        w = Math.max(w, x - GAP + PAD);
    }
    return { node, x: 0, y: 0, w, h: y + rowH + PAD, kids };
}

/**
 * A standalone SVG: components as nested boxes (layers of containment, leaves before
 * sub-components), resources as rounded boxes, references as arrows between box edges.
 */
export function renderSvg(graph: Graph, title = "Paved environment"): string {
    const top: Box = measure({ id: "root", label: title, type: "environment", kind: "component", children: graph.roots, members: [] });
    const abs = new Map<string, { x: number; y: number; w: number; h: number }>();
    const parts: string[] = [];
    const draw = (b: Box, ox: number, oy: number, depth: number) => {
        const x = ox + b.x;
        const y = oy + b.y;
        abs.set(b.node.id, { x, y, w: b.w, h: b.h });
        const n = b.node;
        const cls = n.id === "root" ? "env" : n.kind;
        parts.push(`<g class="${cls}" id="${xmlEscape(n.id)}"><title>${xmlEscape(`${n.type} ${n.label}`)}</title>`);
        parts.push(`<rect x="${x}" y="${y}" width="${b.w}" height="${b.h}" rx="${n.kind === "resource" ? 8 : 4}" fill="${fill(n, depth)}" stroke="${n.kind === "component" ? "#6b7a99" : "#4a6fa5"}"${n.kind === "group" ? ' stroke-dasharray="4 3"' : ""}/>`);
        const textY = b.kids.length ? y + 15 : y + 17;
        parts.push(`<text x="${x + PAD}" y="${textY}" class="label">${xmlEscape(n.label)}</text>`);
        parts.push(`<text x="${x + PAD}" y="${textY + 14}" class="type">${xmlEscape(n.type)}</text></g>`);
        for (const k of b.kids) draw(k, x, y, depth + 1);
    };
    const margin = 10;
    draw(top, margin, margin, 0);
    const arrows = graph.edges
        .map((e) => {
            const a = abs.get(e.from);
            const b = abs.get(e.to);
            if (!a || !b) return "";
            const [x1, y1] = anchor(a, b);
            const [x2, y2] = anchor(b, a);
            return `<path d="M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}" class="edge" marker-end="url(#arrow)"><title>${xmlEscape(`${e.from} uses ${e.to}`)}</title></path>`;
        })
        .filter(Boolean);
    const width = top.w + 2 * margin;
    const height = top.h + 2 * margin;
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
        `<title>${xmlEscape(title)}</title>`,
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#c0504d\"/></marker>",
        "<style>.label{font-size:12px;font-weight:bold;fill:#1d2433}.type{font-size:10px;fill:#55607a}.edge{fill:none;stroke:#c0504d;stroke-width:1.3;opacity:.75}</style></defs>",
        ...parts,
        ...arrows,
        "</svg>",
    ].join("\n");
}

function fill(n: GraphNode, depth: number): string {
    if (n.kind === "resource") return "#ffffff";
    if (n.kind === "group") return "#eef0ff";
    return ["#f4f6fa", "#e8edf5", "#dde4f0", "#d2dbeb"][depth % 4];
}

/** The point on box `a`'s border facing box `b`: side for side-by-side boxes, top/bottom otherwise. */
function anchor(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }): [number, number] {
    const acx = a.x + a.w / 2;
    const bcx = b.x + b.w / 2;
    const acy = a.y + a.h / 2;
    const bcy = b.y + b.h / 2;
    if (Math.abs(bcx - acx) > Math.abs(bcy - acy)) return [bcx > acx ? a.x + a.w : a.x, acy];
    return [acx, bcy > acy ? a.y + a.h : a.y];
}

/** A self-contained HTML page: the SVG inline and the Mermaid source, nothing fetched. */
export function renderHtml(graph: Graph, title: string): string {
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"/>',
        `<title>${xmlEscape(title)}</title>`,
        "<style>body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#1d2433}pre{background:#f4f6fa;padding:12px;overflow:auto}.svg{overflow:auto;border:1px solid #dde4f0}</style>",
        "</head><body>",
        `<h1>${xmlEscape(title)}</h1>`,
        `<p>${allNodes(graph).length} nodes, ${graph.edges.length} references. Boxes contain their children; arrows point from a resource to what it uses.</p>`,
        `<div class="svg">${renderSvg(graph, title)}</div>`,
        "<h2>Mermaid source</h2>",
        `<pre>${xmlEscape(renderMermaid(graph, title))}</pre>`,
        "</body></html>",
        "",
    ].join("\n");
}
