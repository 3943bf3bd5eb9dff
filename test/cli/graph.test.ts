import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GraphResource, allNodes, buildGraph, renderHtml, renderMermaid, renderSvg } from "../../cli/graph";
import { graphEnvironment } from "../../cli/commands/graph";
import { PROJECT_DIR } from "../../cli/plan";
import { FakeStacks, fakeContext, runMain } from "./fake-stacks";
import { checkXml } from "./xml-check";
import { sharedPlan } from "../support/plans";

const STACK = "urn:pulumi:dev::paved::pulumi:pulumi:Stack::paved-dev";

/** A hand-made environment: a site, 50 apps of 2 resources each, a network; apps use the bucket and the role. */
function fleet(apps = 50): GraphResource[] {
    const u = (type: string, name: string) => `urn:pulumi:dev::paved::${type}::${name}`;
    const out: GraphResource[] = [
        { urn: STACK, type: "pulumi:pulumi:Stack", name: "paved-dev", custom: false, inputs: {} },
        { urn: u("pulumi:providers:aws", "default"), type: "pulumi:providers:aws", name: "default", parent: STACK, custom: true, inputs: {} },
        { urn: u("paved:network:Network", "network"), type: "paved:network:Network", name: "network", parent: STACK, custom: false, inputs: {} },
        { urn: u("aws:ec2/vpc:Vpc", "network-vpc"), type: "aws:ec2/vpc:Vpc", name: "network-vpc", parent: u("paved:network:Network", "network"), custom: true, inputs: { cidrBlock: "10.0.0.0/16" }, id: "vpc-0a1b2c3d4e5f60718" },
        { urn: u("paved:frontend:SiteHost", "site"), type: "paved:frontend:SiteHost", name: "site & <co>", parent: STACK, custom: false, inputs: {} },
        {
            urn: u("aws:s3/bucketV2:BucketV2", "site-assets"),
            type: "aws:s3/bucketV2:BucketV2",
            name: "site-assets",
            parent: u("paved:frontend:SiteHost", "site"),
            custom: true,
            inputs: {},
            outputs: { arn: "arn:aws:s3:::paved-dev-assets" },
            id: "paved-dev-assets",
        },
        { urn: u("aws:iam/role:Role", "builds"), type: "aws:iam/role:Role", name: "builds", parent: STACK, custom: true, inputs: {}, outputs: { arn: "arn:aws:iam::123456789012:role/builds" } },
        { urn: u("paved:frontend:Apps", "apps"), type: "paved:frontend:Apps", name: "apps", parent: STACK, custom: false, inputs: {} },
    ];
    for (let i = 0; i < apps; i++) {
        const app = u("paved:frontend:FrontendApp", `app${i}`);
        out.push({ urn: app, type: "paved:frontend:FrontendApp", name: `app${i}`, parent: u("paved:frontend:Apps", "apps"), custom: false, inputs: {} });
        out.push({
            urn: u("aws:codebuild/project:Project", `app${i}-build`),
            type: "aws:codebuild/project:Project",
            name: `app${i}-build`,
            parent: app,
            custom: true,
            // References by value: the role's ARN and the bucket's ARN inside a policy-ish input.
            inputs: { serviceRole: "arn:aws:iam::123456789012:role/builds", artifacts: { location: "arn:aws:s3:::paved-dev-assets" } },
        });
        out.push({
            urn: u("aws:cloudwatch/logGroup:LogGroup", `app${i}-logs`),
            type: "aws:cloudwatch/logGroup:LogGroup",
            name: `app${i}-logs`,
            parent: app,
            custom: true,
            inputs: { retentionInDays: 30 },
            dependencies: [u("aws:iam/role:Role", "builds")],
        });
    }
    return out;
}

describe("cli: paved graph", () => {
    it("collapses 50 sibling apps into one node, keeps every component type, hides the stack and providers", () => {
        const graph = buildGraph(fleet());
        const nodes = allNodes(graph);
        const group = nodes.find((n) => n.kind === "group")!;
        assert.strictEqual(group.label, "50 × FrontendApp");
        assert.strictEqual(group.members.length, 150, "the apps and their children");
        assert.deepStrictEqual(nodes.filter((n) => n.kind === "component").map((n) => n.label).sort(), ["apps", "network", "site & <co>"]);
        assert.ok(!nodes.some((n) => /pulumi:(pulumi|providers)/.test(n.type)));
        // Every app's references land on the group: one edge per target, not 100.
        const byId = new Map(nodes.map((n) => [n.id, n]));
        const edges = graph.edges.map((e) => `${byId.get(e.from)!.label} -> ${byId.get(e.to)!.label}`).sort();
        assert.deepStrictEqual(edges, ["50 × FrontendApp -> builds", "50 × FrontendApp -> site-assets"]);
    });

    it("--detail shows every app and every reference (by ARN, by id, by engine dependency)", () => {
        const graph = buildGraph(fleet(), { detail: true });
        const nodes = allNodes(graph);
        assert.strictEqual(nodes.filter((n) => n.type === "paved:frontend:FrontendApp").length, 50);
        assert.strictEqual(nodes.filter((n) => n.kind === "group").length, 0);
        const byId = new Map(nodes.map((n) => [n.id, n]));
        const edges = new Set(graph.edges.map((e) => `${byId.get(e.from)!.label}>${byId.get(e.to)!.label}`));
        assert.ok(edges.has("app7-build>builds"));
        assert.ok(edges.has("app7-build>site-assets"));
        assert.ok(edges.has("app7-logs>builds"));
        assert.strictEqual(graph.edges.length, 150);
    });

    it("renders Mermaid: components as subgraphs, groups and resources as nodes, edges by id, labels escaped", () => {
        const text = renderMermaid(buildGraph(fleet()), "paved/dev");
        assert.match(text, /^---\ntitle: paved\/dev\n---\nflowchart LR\n/);
        assert.match(text, /subgraph c\d+\["network<br\/><small>paved:network:Network<\/small>"\]/);
        assert.match(text, /subgraph c\d+\["site #amp; #lt;co#gt;<br\/>/);
        assert.match(text, /g\d+\[\["50 × FrontendApp<br\/><small>paved:frontend:FrontendApp<\/small>"\]\]/);
        assert.match(text, /r\d+\["network-vpc<br\/>/);
        assert.strictEqual((text.match(/^\s*subgraph /gm) ?? []).length, (text.match(/^\s*end$/gm) ?? []).length);
        assert.strictEqual((text.match(/ --> /g) ?? []).length, 2);
    });

    it("renders a well-formed SVG with every component, and an HTML page that fetches nothing", () => {
        for (const detail of [false, true]) {
            const graph = buildGraph(fleet(), { detail });
            const svg = renderSvg(graph, "paved/dev");
            const check = checkXml(svg);
            assert.strictEqual(check.error, undefined, check.error);
            assert.strictEqual(check.elements[0], "svg");
            for (const label of ["network", "site &amp; &lt;co&gt;", "apps", "builds"]) assert.ok(svg.includes(`>${label}</text>`), label);
            assert.strictEqual((svg.match(/class="edge"/g) ?? []).length, graph.edges.length);
            if (detail) for (let i = 0; i < 50; i++) assert.ok(svg.includes(`>app${i}</text>`), `app${i}`);
            else assert.ok(svg.includes(">50 × FrontendApp</text>"));
        }
        const html = renderHtml(buildGraph(fleet()), "paved/dev");
        assert.match(html, /^<!DOCTYPE html>/);
        assert.ok(html.includes("<svg "));
        assert.match(html, /<pre>---\ntitle: paved\/dev\n---\nflowchart LR/);
        assert.doesNotMatch(html, /<script|<link|<img|src=|@import|url\(http/i);
        assert.strictEqual(checkXml(html.slice(html.indexOf("<svg "), html.indexOf("</svg>") + 6)).error, undefined);
    });

    it("lays out the SVG: every box inside its component's box, siblings never overlapping", () => {
        const graph = buildGraph(fleet(), { detail: true });
        const svg = renderSvg(graph, "paved/dev");
        const rects = new Map<string, { x: number; y: number; w: number; h: number }>();
        for (const m of svg.matchAll(/<g class="[a-z]+" id="([^"]+)">[^\n]*\n<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)) {
            rects.set(m[1], { x: +m[2], y: +m[3], w: +m[4], h: +m[5] });
        }
        const nodes = allNodes(graph);
        assert.strictEqual(rects.size, nodes.length + 1, "one box per node, plus the environment");
        const inside = (a: { x: number; y: number; w: number; h: number }, b: typeof a) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
        const overlap = (a: { x: number; y: number; w: number; h: number }, b: typeof a) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        const check = (parent: string, children: typeof nodes) => {
            children.forEach((c, i) => {
                assert.ok(inside(rects.get(c.id)!, rects.get(parent)!), `${c.label} inside ${parent}`);
                for (const d of children.slice(i + 1)) assert.ok(!overlap(rects.get(c.id)!, rects.get(d.id)!), `${c.label} / ${d.label}`);
                check(c.id, c.children);
            });
        };
        check("root", graph.roots);
    });

    it("the XML check rejects what it should", () => {
        assert.match(checkXml("<svg><g></svg>").error!, /closes/);
        assert.match(checkXml('<svg a="1" a="2"/>').error!, /duplicate/);
        assert.match(checkXml("<svg>a & b</svg>").error!, /entity/);
        assert.match(checkXml("<svg><text>a < b</text></svg>").error!, /tag/);
        assert.match(checkXml("<svg/><svg/>").error!, /root/);
        assert.match(checkXml("<svg x=1/>").error!, /attribute/);
        assert.strictEqual(checkXml('<svg a="&amp;&#38;"><t>&lt;</t><!-- c --></svg>').error, undefined);
    });

    describe("end to end (the dev environment, planned offline)", () => {
        it("every component of the plan is in the Mermaid and the SVG, and the SVG is well-formed", async function () {
            this.timeout(120_000);
            const plan = await sharedPlan("dev");
            const components = plan.resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack");
            assert.ok(components.length >= 1);
            const mermaid = await graphEnvironment("dev", { format: "mermaid", detail: true });
            const svg = await graphEnvironment("dev", { format: "svg", detail: true });
            assert.strictEqual(checkXml(svg).error, undefined, checkXml(svg).error);
            for (const c of components) {
                assert.ok(mermaid.includes(`"${c.name}<br/><small>${c.type}</small>"`), `${c.type} ${c.name} in mermaid`);
                assert.ok(svg.includes(`<title>${c.type} ${c.name}</title>`), `${c.type} ${c.name} in svg`);
            }
            // Collapsed by default, every component type is still drawn.
            const collapsed = await graphEnvironment("dev", { format: "svg" });
            for (const type of new Set(components.map((c) => c.type))) assert.ok(collapsed.includes(type), type);
        });

        it("writes --out files and rejects an unknown --format (exit 2)", async function () {
            this.timeout(120_000);
            const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "paved-graph-")), "dev.html");
            const ctx = fakeContext(new FakeStacks(), { projectDir: PROJECT_DIR });
            assert.strictEqual((await runMain(["graph", "dev", "--format", "html", "--out", out], ctx)).code, 0);
            assert.match(fs.readFileSync(out, "utf8"), /^<!DOCTYPE html>[\s\S]*<svg [\s\S]*<\/html>\n$/);
            const bad = await runMain(["graph", "dev", "--format", "png"], ctx);
            assert.strictEqual(bad.code, 2);
            assert.match(bad.stderr, /option '--format <format>' argument 'png' is invalid\. Allowed choices are mermaid, html, svg/);
        });
    });
});
