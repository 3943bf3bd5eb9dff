import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { releaseContract } from "../../components/resource-names";
import { BuildResult, withoutOnFailure } from "../support/codebuild";
import { Rehearsal, startRehearsal } from "../support/release-rehearsal";

const SHA1 = "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SHA2 = "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const SHA3 = "3333333ccccccccccccccccccccccccccccccccc";

/** Every same-site URL an HTML page references (src=, href=). */
function referencedUrls(html: string): string[] {
    return [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => u.startsWith("/"));
}

function failure(build: BuildResult): string {
    return `${JSON.stringify(build.phases)}\n${build.log.slice(-4000)}`;
}

/**
 * The release contract end to end, on this machine: the SPA fixture built by the buildspec Paved
 * generates for it (phases run locally, uploads to moto S3, the pointer moved by the app's real
 * release writer bundle against a KeyValueStore stand-in), then served through the planned
 * distribution (default root object, in either order relative to the router) and router from moto
 * S3, which answers CloudFront as the planned bucket policy lets it.
 */
describe("release rehearsal: a real SPA built by the generated buildspec and served through the router", function () {
    this.timeout(300000);
    let r: Rehearsal;
    let release1: string;
    let release2: string;
    let html1: string;

    before(async () => {
        r = await startRehearsal("catalog", "/catalog");
    });

    after(async () => {
        await r?.stop();
    });

    it("builds release 1, uploads it and moves the pointer through the release writer", async () => {
        const build = await r.build(SHA1);
        assert.ok(build.succeeded, failure(build));
        release1 = build.exported.RELEASE_ID;
        assert.match(release1, /^\d{14}-1111111$/);
        assert.match(build.log, new RegExp(`Vite build: --base /catalog/_r/${release1}/`), "Vite was told its base without edits to the app");
        assert.strictEqual(r.kvs.values.get(releaseContract.releaseKey("catalog")), release1);
        assert.deepStrictEqual(r.kvs.log.filter((l) => l.startsWith("PUT")), ["PUT release:catalog 200"]);
        const keys = await r.keys();
        assert.ok(keys.includes(`catalog/${release1}/index.html`));
        assert.ok(keys.includes(`catalog/${release1}/robots.txt`), "the public/ file is part of the release");
        assert.ok(keys.some((k) => new RegExp(`^catalog/${release1}/assets/Reports-[\\w-]+\\.js$`).test(k)), "the lazy route is its own chunk");
    });

    it("serves the page, and every URL in it loads from release 1's base URL", async () => {
        const page = await r.site.request("/catalog/");
        assert.strictEqual(page.status, 200);
        assert.match(page.headers["content-type"], /text\/html/);
        html1 = page.body.toString();
        const urls = referencedUrls(html1);
        assert.ok(urls.length >= 3, urls.join(" "));
        for (const url of urls) {
            assert.ok(url.startsWith(`/catalog/_r/${release1}/`), `${url} is release-qualified`);
            const res = await r.site.request(url);
            assert.strictEqual(res.status, 200, url);
            assert.strictEqual(res.originUri, `/catalog/${release1}/${url.slice(`/catalog/_r/${release1}/`.length)}`);
        }
        assert.strictEqual((await r.site.request("/catalog")).body.toString(), html1);
        const immutable = await r.site.request(urls.find((u) => u.endsWith(".js"))!);
        assert.strictEqual(immutable.headers["cache-control"], "public,max-age=31536000,immutable");
        // The client router's basename came from VITE_PAVED_APP_PATH at build time.
        assert.match(immutable.body.toString(), /basename:[`"']\/catalog[`"']/);
    });

    it("answers deep links, with and without a dot in the last segment, with the page (either root object order)", async () => {
        for (const [order, site] of Object.entries(r.sites)) {
            for (const link of ["/catalog/reports", "/catalog/users/jane.doe", "/catalog/docs/v1.2", "/catalog/a/b/c/d", "/catalog/reports/"]) {
                const res = await site.request(link);
                assert.strictEqual(res.status, 200, `${order} ${link}`);
                assert.strictEqual(res.body.toString(), html1, `${order} ${link}`);
            }
        }
    });

    it("serves public/ files at the app's unversioned URL and at the release URL", async () => {
        for (const url of ["/catalog/robots.txt", `/catalog/_r/${release1}/robots.txt`]) {
            const res = await r.site.request(url);
            assert.strictEqual(res.status, 200, url);
            assert.match(res.body.toString(), /User-agent/);
        }
    });

    it("answers S3's own 404 for a missing file, versioned or not, and never lists", async () => {
        for (const [order, site] of Object.entries(r.sites)) {
            for (const url of [`/catalog/_r/${release1}/assets/missing.js`, "/catalog/missing.png", "/catalog/_r/20990101000000-fffffff/index.html", `/catalog/_r/${release1}/assets/`, "/catalog/_paved/not-found.html"]) {
                const res = await site.request(url);
                assert.strictEqual(res.status, 404, `${order} ${url}`);
                assert.strictEqual(res.via, "origin", `${order} ${url}`);
                assert.match(res.body.toString(), /<Code>NoSuchKey<\/Code>/, `${order} ${url}`);
                assert.ok(res.originUri!.startsWith("/catalog/"), `${order} ${url}: ${res.originUri}`);
                assert.ok(!res.body.toString().includes("ListBucketResult"));
            }
        }
    });

    it("answers 404 for unknown paths and for release URLs that do not name a release of this app (either root object order)", async () => {
        for (const [order, site] of Object.entries(r.sites)) {
            for (const url of ["/", "/index.html", "/?list-type=2", "/nothing/here", "/catalogue/", "/Catalog/", "/_r/x/index.html", "/catalog/_r/", `/catalog/_r/${release1}`, "/catalog/_r/..%2F..%2Fsearch/index.html", "/catalog/_r/%2e%2e/x.js", "/catalog/../catalog/index.html"]) {
                const res = await site.request(url);
                assert.strictEqual(res.status, 404, `${order} ${url}`);
                assert.ok(!res.body.toString().includes("ListBucketResult"), `${order} ${url}`);
            }
        }
    });

    it("S3 decides 404 by the planned bucket policy, and '/' is never a listing, even without the router", async () => {
        const withoutRouter = r.emulate(r.planned, { router: false });
        const root = await withoutRouter.request("/");
        assert.deepStrictEqual([root.status, root.originUri], [404, `/${releaseContract.rootObject}`]);
        assert.match(root.body.toString(), /<Code>NoSuchKey<\/Code>/);
        assert.strictEqual((await withoutRouter.request(`/catalog/${release1}/index.html`)).status, 200, "the emulator reaches S3 without the router");

        // The controls: without the default root object, "/" would reach S3 as a listing; without
        // the ListBucket grant, a missing file would be 403 (which only an error page could hide).
        const listing = await r.emulate({ ...r.planned, defaultRootObject: undefined }, { router: false }).request("/");
        assert.strictEqual(listing.status, 200);
        assert.match(listing.body.toString(), new RegExp(`<ListBucketResult>.*<Key>catalog/${release1}/index.html</Key>`));
        const policy = r.planned.bucketPolicy as { Statement: { Action: string | string[] }[] };
        const withoutList = { ...policy, Statement: policy.Statement.filter((s) => ![s.Action].flat().includes("s3:ListBucket")) };
        assert.strictEqual(withoutList.Statement.length, policy.Statement.length - 1);
        const forbidden = await r.emulate({ ...r.planned, bucketPolicy: withoutList }, {}).request("/catalog/missing.png");
        assert.deepStrictEqual([forbidden.status, forbidden.via], [403, "origin"]);
        assert.match(forbidden.body.toString(), /<Code>AccessDenied<\/Code>/);
    });

    it("after release 2, the page is release 2's and release 1's files, lazy chunk included, still load", async () => {
        r.setNotes("two");
        const build = await r.build(SHA2);
        assert.ok(build.succeeded, failure(build));
        release2 = build.exported.RELEASE_ID;
        assert.notStrictEqual(release2, release1);
        assert.strictEqual(r.kvs.values.get(releaseContract.releaseKey("catalog")), release2);

        const html2 = (await r.site.request("/catalog/users/jane.doe")).body.toString();
        assert.ok(html2.includes(`/catalog/_r/${release2}/`) && !html2.includes(release1));
        for (const url of referencedUrls(html1)) assert.strictEqual((await r.site.request(url)).status, 200, `release 1's ${url} after release 2`);
        const keys = await r.keys();
        const lazy1 = keys.find((k) => k.startsWith(`catalog/${release1}/assets/Reports-`))!;
        const lazy2 = keys.find((k) => k.startsWith(`catalog/${release2}/assets/Reports-`))!;
        assert.notStrictEqual(path.basename(lazy1), path.basename(lazy2), "the lazy chunk changed between releases");
        const chunk1 = await r.site.request(`/catalog/_r/${release1}/assets/${path.basename(lazy1)}`);
        assert.strictEqual(chunk1.status, 200);
        assert.match(chunk1.body.toString(), /reports of release one/);
        // The chunk name of release 1, asked for without its release, is not in release 2.
        assert.strictEqual((await r.site.request(`/catalog/assets/${path.basename(lazy1)}`)).status, 404);
    });

    it("a failed build uploads nothing and moves nothing, with CodeBuild's on-failure and without", async () => {
        const before = await r.keys();
        const puts = r.kvs.log.filter((l) => l.startsWith("PUT")).length;
        const main = path.join(r.srcDir, "web/src/main.jsx");
        const source = fs.readFileSync(main, "utf8");
        fs.writeFileSync(main, `${source}\nexport const broken = ;\n`);
        try {
            for (const spec of [r.buildspec, withoutOnFailure(r.buildspec)]) {
                const build = await r.build(SHA3, spec);
                assert.strictEqual(build.succeeded, false);
                assert.deepStrictEqual(
                    build.phases.map((p) => [p.phase, p.status]),
                    spec === r.buildspec ? [["install", "SUCCEEDED"], ["pre_build", "SUCCEEDED"], ["build", "FAILED"]] : [["install", "SUCCEEDED"], ["pre_build", "SUCCEEDED"], ["build", "FAILED"], ["post_build", "FAILED"]],
                );
                if (spec !== r.buildspec) assert.match(build.log, /build failed: nothing uploaded, release unchanged/);
            }
        } finally {
            fs.writeFileSync(main, source);
        }
        assert.deepStrictEqual(await r.keys(), before);
        assert.strictEqual(r.kvs.log.filter((l) => l.startsWith("PUT")).length, puts);
        assert.strictEqual(r.kvs.values.get(releaseContract.releaseKey("catalog")), release2);
    });
});
