import * as assert from "assert";
import * as vm from "vm";
import { ROUTER_CODE_LIMIT_BYTES, ROUTER_IMPORT_LINE, routerFunctionCode } from "../../components/frontend/router";
import { releaseContract } from "../../components/resource-names";

/** The router's code run in a fresh V8 context with a stand-in `cloudfront` module over `store`. */
function loadRouter(store: Map<string, string>) {
    const code = routerFunctionCode();
    assert.ok(code.startsWith(`${ROUTER_IMPORT_LINE}\n`), "the function must start with the cloudfront import");
    const gets: string[] = [];
    const cf = {
        kvs: () => ({
            // Like the real API: a promise that rejects when the key does not exist.
            get: async (key: string) => {
                gets.push(key);
                if (!store.has(key)) throw new Error(`KeyNotFound: ${key}`);
                return store.get(key)!;
            },
        }),
    };
    const context = vm.createContext({ cf });
    vm.runInContext(code.slice(ROUTER_IMPORT_LINE.length), context, { filename: "router.js" });
    const handler = context.handler as (event: unknown) => Promise<any>;
    return {
        gets,
        async route(uri: string, querystring: Record<string, { value: string }> = {}) {
            const event = { version: "1.0", context: { eventType: "viewer-request" }, viewer: { ip: "192.0.2.1" }, request: { method: "GET", uri, querystring, headers: {}, cookies: {} } };
            return handler(event);
        },
    };
}

/** 50 apps: a root app, one- two- and three-segment paths, nested paths sharing prefixes. */
function routeTable(): Map<string, string> {
    const store = new Map<string, string>();
    const add = (path: string, app: string, release?: string) => {
        store.set(releaseContract.routeKey(path), app);
        if (release) store.set(releaseContract.releaseKey(app), release);
    };
    add("/", "home", "20260101120000-aaaaaaa");
    add("/admin", "admin", "20260102120000-bbbbbbb");
    add("/admin/reports", "reports", "20260103120000-ccccccc");
    add("/admin/reports/live", "live", "20260104120000-ddddddd");
    for (let i = 0; i < 45; i++) add(`/app${i}`, `app${i}`, `20260105120000-${String(i).padStart(7, "0")}`);
    add("/pending", "pending"); // routed, never built
    return store;
}

describe("router function", () => {
    const store = routeTable();
    const apps = [...store.keys()].filter((k) => k.startsWith("route:")).length;

    it("has a 50-app route table under test", () => assert.strictEqual(apps, 50));

    it("stays under CloudFront's 10 KB limit", () => {
        const bytes = Buffer.byteLength(routerFunctionCode());
        assert.ok(bytes < ROUTER_CODE_LIMIT_BYTES, `${bytes} bytes`);
    });

    it("rewrites assets into the app's current release", async () => {
        const r = loadRouter(store);
        assert.strictEqual((await r.route("/app7/assets/app.3f2a.js")).uri, "/app7/20260105120000-0000007/assets/app.3f2a.js");
        assert.strictEqual((await r.route("/admin/favicon.ico")).uri, "/admin/20260102120000-bbbbbbb/favicon.ico");
    });

    it("serves index.html for deep links without an extension", async () => {
        const r = loadRouter(store);
        assert.strictEqual((await r.route("/app3/courses/123")).uri, "/app3/20260105120000-0000003/index.html");
        assert.strictEqual((await r.route("/app3")).uri, "/app3/20260105120000-0000003/index.html");
    });

    it("serves index.html for trailing slashes", async () => {
        const r = loadRouter(store);
        assert.strictEqual((await r.route("/app3/")).uri, "/app3/20260105120000-0000003/index.html");
        assert.strictEqual((await r.route("/app3/docs/v1.2/")).uri, "/app3/20260105120000-0000003/index.html");
    });

    it("picks the longest matching app path", async () => {
        const r = loadRouter(store);
        assert.strictEqual((await r.route("/admin/reports/live/chart.js")).uri, "/live/20260104120000-ddddddd/chart.js");
        assert.strictEqual((await r.route("/admin/reports/2026/q1")).uri, "/reports/20260103120000-ccccccc/index.html");
        assert.strictEqual((await r.route("/admin/users/7")).uri, "/admin/20260102120000-bbbbbbb/index.html");
        // A deeper request still tries at most MAX_PATH_SEGMENTS prefixes, then "/".
        assert.strictEqual((await r.route("/admin/reports/live/a/b/c/d.png")).uri, "/live/20260104120000-ddddddd/a/b/c/d.png");
    });

    it("sends unmatched paths to the root app", async () => {
        const r = loadRouter(store);
        assert.strictEqual((await r.route("/")).uri, "/home/20260101120000-aaaaaaa/index.html");
        assert.strictEqual((await r.route("/about/team")).uri, "/home/20260101120000-aaaaaaa/index.html");
        assert.strictEqual((await r.route("/robots.txt")).uri, "/home/20260101120000-aaaaaaa/robots.txt");
        // A path that merely starts like an app's is not that app.
        assert.strictEqual((await r.route("/app7x/page")).uri, "/home/20260101120000-aaaaaaa/index.html");
    });

    it("leaves the query string untouched", async () => {
        const r = loadRouter(store);
        const qs = { utm_source: { value: "mail" }, page: { value: "2" } };
        const out = await r.route("/app1/search", qs);
        assert.strictEqual(out.uri, "/app1/20260105120000-0000001/index.html");
        assert.deepStrictEqual(out.querystring, { utm_source: { value: "mail" }, page: { value: "2" } });
    });

    it("answers 404 for unknown paths when there is no root app, without reaching S3", async () => {
        const noRoot = new Map(store);
        noRoot.delete(releaseContract.routeKey("/"));
        const r = loadRouter(noRoot);
        for (const uri of ["/", "/unknown", "/unknown/deep/path.js", "/App1/x"]) {
            const out = await r.route(uri);
            assert.strictEqual(out.statusCode, 404, uri);
            assert.strictEqual(out.uri, undefined, `${uri} must not be forwarded`);
            assert.strictEqual(out.body.data, "Not found");
        }
    });

    it("rejects dot segments", async () => {
        const r = loadRouter(store);
        assert.strictEqual((await r.route("/app1/../admin/index.html")).statusCode, 404);
    });

    it("answers 503 with a clear body for an app without a release yet", async () => {
        const r = loadRouter(store);
        const out = await r.route("/pending/assets/x.js");
        assert.strictEqual(out.statusCode, 503);
        assert.match(out.body.data, /no release yet/);
        assert.strictEqual(out.headers["cache-control"].value, "no-store");
    });

    it("switches releases when the pointer moves, with no other change", async () => {
        const live = new Map(store);
        const r = loadRouter(live);
        assert.strictEqual((await r.route("/app9/main.js")).uri, "/app9/20260105120000-0000009/main.js");
        live.set(releaseContract.releaseKey("app9"), "20260201000000-fedcba9");
        assert.strictEqual((await r.route("/app9/main.js")).uri, "/app9/20260201000000-fedcba9/main.js");
        // Rollback is moving the pointer back.
        live.set(releaseContract.releaseKey("app9"), "20260105120000-0000009");
        assert.strictEqual((await r.route("/app9/main.js")).uri, "/app9/20260105120000-0000009/main.js");
    });

    it("reads the store sequentially, longest prefix first, and stops at the first hit", async () => {
        const r = loadRouter(store);
        await r.route("/admin/reports/2026/q1/x");
        assert.deepStrictEqual(r.gets, ["route:/admin/reports/2026", "route:/admin/reports", "release:reports"]);
    });
});
