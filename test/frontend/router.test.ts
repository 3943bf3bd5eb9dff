import * as assert from "assert";
import * as vm from "vm";
import { ROUTER_CODE_LIMIT_BYTES, ROUTER_IMPORT_LINE, routerFunctionCode } from "../../components/frontend/router";
import { DEFAULT_FILE_EXTENSIONS, releaseContract } from "../../components/resource-names";

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
    store.set(releaseContract.routeKey("/docs"), releaseContract.routeValue("docs", ["js", "css", "svg"])); // its own file extensions
    store.set(releaseContract.releaseKey("docs"), "20260106120000-eeeeeee");
    return store;
}

describe("router function", () => {
    const store = routeTable();
    const apps = [...store.keys()].filter((k) => k.startsWith("route:")).length;

    it("has a 51-app route table under test", () => assert.strictEqual(apps, 51));

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

    it("treats a dot in the last segment as a file only for known extensions: other URLs are deep links", async () => {
        const r = loadRouter(store);
        const index = "/app3/20260105120000-0000003/index.html";
        for (const uri of ["/app3/users/jane.doe", "/app3/docs/v1.2", "/app3/.well", "/app3/a.b.c", "/app3/report.2026"]) assert.strictEqual((await r.route(uri)).uri, index, uri);
        for (const file of ["robots.txt", "sitemap.xml", "manifest.webmanifest", "img/logo.PNG", "fonts/x.woff2", "app.wasm", "assets/index-4f3a.js"]) {
            assert.strictEqual((await r.route(`/app3/${file}`)).uri, `/app3/20260105120000-0000003/${file}`, file);
        }
    });

    it("uses an app's own file extensions when its route entry carries them", async () => {
        const r = loadRouter(store);
        assert.strictEqual((await r.route("/docs/guide.md")).uri, "/docs/20260106120000-eeeeeee/index.html");
        assert.strictEqual((await r.route("/docs/robots.txt")).uri, "/docs/20260106120000-eeeeeee/index.html", "txt is not one of its extensions");
        assert.strictEqual((await r.route("/docs/app.js")).uri, "/docs/20260106120000-eeeeeee/app.js");
    });

    it("serves a release-qualified URL from that release of the app owning the path, without reading the pointer", async () => {
        const r = loadRouter(store);
        const id = "20251224000000-1234567";
        assert.strictEqual((await r.route(`/app3/_r/${id}/assets/Reports-a1b2.js`)).uri, `/app3/${id}/assets/Reports-a1b2.js`);
        assert.deepStrictEqual(r.gets, ["route:/app3"], "no release lookup, and no lookups past the _r segment");
        // Any file of the release, extension or not: the release's HTML names them.
        assert.strictEqual((await r.route(`/app3/_r/${id}/data/v1.2`)).uri, `/app3/${id}/data/v1.2`);
        assert.strictEqual((await r.route(`/admin/reports/_r/${id}/chunk.js`)).uri, `/reports/${id}/chunk.js`);
        assert.strictEqual((await r.route(`/_r/${id}/assets/index.js`)).uri, `/home/${id}/assets/index.js`, "the root app's release URLs");
        // An app without a current release still serves its release URLs (a page that came from one).
        assert.strictEqual((await r.route(`/pending/_r/${id}/a.js`)).uri, `/pending/${id}/a.js`);
    });

    it("answers 404 to release URLs that do not name a release, and to dot segments however written", async () => {
        const r = loadRouter(store);
        for (const uri of ["/app3/_r/", "/app3/_r/20251224000000-1234567", "/app3/_r/20251224000000-1234567/", "/app3/_r/../app4/x.js", "/app3/_r/%2e%2e/x.js", "/app3/_r/.%2E/x.js", "/app3/_r/-x/a.js", "/app3/_r/a%2Fb/c.js", `/app3/_r/${"a".repeat(65)}/c.js`, "/app3/%2e%2e/admin/x.js", "/_r/.."]) {
            const out = await r.route(uri);
            assert.strictEqual(out.statusCode, 404, uri);
            assert.strictEqual(out.uri, undefined, uri);
        }
    });

    it("does not look up segments that start with _ (no app path has one)", async () => {
        const r = loadRouter(store);
        assert.strictEqual((await r.route("/app3/_next/static/chunk.js")).uri, "/app3/20260105120000-0000003/_next/static/chunk.js");
        assert.deepStrictEqual(r.gets, ["route:/app3", "release:app3"]);
    });

    it("maps the default root object to the root app's index document, whichever order CloudFront applies it", async () => {
        const r = loadRouter(store);
        const index = "/home/20260101120000-aaaaaaa/index.html";
        // Before the function: "/" arrives as "/index.html". After: the function sees "/" and never sends it on.
        assert.strictEqual((await r.route(`/${releaseContract.rootObject}`)).uri, index);
        assert.strictEqual((await r.route("/")).uri, index);
        // A root app with its own extensions (no "html") still gets its index document.
        const own = new Map(store);
        own.set(releaseContract.routeKey("/"), releaseContract.routeValue("home", ["js"]));
        assert.strictEqual((await loadRouter(own).route(`/${releaseContract.rootObject}`)).uri, index);
        // Paved's retired not-found page is an ordinary missing file of the root app now.
        assert.strictEqual((await r.route("/_paved/not-found.html")).uri, "/home/20260101120000-aaaaaaa/_paved/not-found.html");
    });

    it("never sends the bucket root (a listing) or anything outside the routed app's prefix to S3", async () => {
        const noRoot = new Map(store);
        noRoot.delete(releaseContract.routeKey("/"));
        const uris = ["/", "//", "///", "/?", "/index.html", "/%2F", "/%2f/x", "/_r", "/_r/", "/_paved/", "/_r/20260101000000-abc1234/", "/app3/_r/20260101000000-abc1234/", "/app3/_r/20260101000000-abc1234/%2F", "/admin//", "/./", "/%2e/", "/app3/..", "/%00", "/app3/%2F..%2F"];
        for (const [label, table] of [["with a root app", store], ["without one", noRoot]] as const) {
            const r = loadRouter(table);
            for (const uri of uris) {
                const out = await r.route(uri);
                if (out.statusCode !== undefined) {
                    assert.ok([404, 503].includes(out.statusCode), `${label} ${uri}: ${out.statusCode}`);
                    continue;
                }
                const routed = (out.uri as string).split("/");
                assert.notStrictEqual(out.uri, "/", `${label} ${uri}`);
                assert.ok(routed.length >= 4 && routed[0] === "" && /^[a-z0-9]/.test(routed[1]) && releaseContract.releaseIdPattern.test(routed[2]), `${label} ${uri} -> ${out.uri}`);
            }
        }
    });

    it("answers 404 for a route entry that does not name an app, and 503 for a pointer that is not a release id", async () => {
        const bad = new Map(store);
        bad.set(releaseContract.routeKey("/broken"), "{not json");
        bad.set(releaseContract.routeKey("/escape"), "../admin");
        bad.set(releaseContract.routeKey("/odd"), "odd");
        bad.set(releaseContract.releaseKey("odd"), "../../admin");
        const r = loadRouter(bad);
        assert.strictEqual((await r.route("/broken/x")).statusCode, 404);
        assert.strictEqual((await r.route("/escape/x.js")).statusCode, 404);
        assert.strictEqual((await r.route("/odd/x.js")).statusCode, 503);
    });

    it("compiles the contract's extensions and release id rule into the code", () => {
        const code = routerFunctionCode();
        assert.ok(code.includes(JSON.stringify(DEFAULT_FILE_EXTENSIONS)));
        assert.ok(code.includes(releaseContract.releaseIdPattern.toString()));
        assert.ok(code.includes(`'${releaseContract.releaseSegment}'`));
    });
});

describe("release contract", () => {
    it("gives every app a base URL and a release base URL with single slashes, the root app too", () => {
        assert.strictEqual(releaseContract.appBaseUrl("/"), "/");
        assert.strictEqual(releaseContract.appBaseUrl("/admin/reports"), "/admin/reports/");
        assert.strictEqual(releaseContract.releaseBaseUrl("/", "20260101000000-abc1234"), "/_r/20260101000000-abc1234/");
        assert.strictEqual(releaseContract.releaseBaseUrl("/catalog", "20260101000000-abc1234"), "/catalog/_r/20260101000000-abc1234/");
        assert.strictEqual(releaseContract.releaseBaseUrl("/catalog", "$RELEASE_ID"), "/catalog/_r/$RELEASE_ID/");
    });

    it("writes a route value as the app's name, or JSON when its extensions differ from the default", () => {
        assert.strictEqual(releaseContract.routeValue("catalog"), "catalog");
        assert.strictEqual(releaseContract.routeValue("catalog", [...DEFAULT_FILE_EXTENSIONS]), "catalog");
        assert.strictEqual(releaseContract.routeValue("docs", ["js"]), '{"app":"docs","ext":["js"]}');
        assert.deepStrictEqual(releaseContract.parseRouteValue('{"app":"docs","ext":["js"]}'), { app: "docs", ext: ["js"] });
        assert.deepStrictEqual(releaseContract.parseRouteValue("catalog"), { app: "catalog" });
        assert.ok(Buffer.byteLength(releaseContract.routeValue("a".repeat(40), [...DEFAULT_FILE_EXTENSIONS, "glb"])) < 1024);
    });
});
