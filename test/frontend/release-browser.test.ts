import * as assert from "assert";
import type { BrowserContext, Page } from "playwright-core";
import { releaseContract } from "../../components/resource-names";
import { LaunchedBrowser, launchChromium } from "../support/browser";
import { Rehearsal, startRehearsal } from "../support/release-rehearsal";

const SHA1 = "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SHA2 = "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

interface Tab {
    page: Page;
    /** Console errors and uncaught exceptions. */
    errors: string[];
    /** Paths the page requested. */
    requests: string[];
}

async function openTab(context: BrowserContext): Promise<Tab> {
    const page = await context.newPage();
    const tab: Tab = { page, errors: [], requests: [] };
    page.on("console", (m) => {
        if (m.type() === "error") tab.errors.push(m.text());
    });
    page.on("pageerror", (e) => tab.errors.push(String(e)));
    page.on("request", (req) => tab.requests.push(new URL(req.url()).pathname));
    return tab;
}

/**
 * The SPA fixture as the root app (`/`), built and released by the generated buildspec and served
 * through the planned router from moto, in headless Chromium: it renders, navigates client-side to
 * its lazily loaded route, and a tab opened on release 1 keeps working after release 2 goes live.
 */
describe("release rehearsal in a real browser: the root app across a release switch", function () {
    this.timeout(300000);
    let r: Rehearsal;
    let browser: LaunchedBrowser;
    let context: BrowserContext;
    let base: string;
    let release1: string;
    let tab1: Tab;

    before(async () => {
        r = await startRehearsal("home", "/");
        const build = await r.build(SHA1);
        assert.ok(build.succeeded, build.log.slice(-3000));
        release1 = build.exported.RELEASE_ID;
        base = await r.site.listen();
        browser = await launchChromium();
        context = await browser.browser.newContext();
    });

    after(async () => {
        await context?.close();
        await browser?.close();
        await r?.stop();
    });

    it("renders release 1 with its files under /_r/<release>/ (never //) and no console errors", async () => {
        tab1 = await openTab(context);
        await tab1.page.goto(`${base}/`);
        await tab1.page.getByTestId("title").waitFor();
        assert.strictEqual(await tab1.page.getByTestId("note").textContent(), "release one");
        const assets = tab1.requests.filter((p) => p.includes("/assets/"));
        assert.ok(assets.length >= 2, tab1.requests.join(" "));
        for (const p of assets) assert.ok(p.startsWith(`/_r/${release1}/assets/`), p);
        assert.ok(!tab1.requests.some((p) => p.startsWith("//")));
        assert.deepStrictEqual(tab1.errors, []);
    });

    it("gets the root app's page for / and /index.html whichever order CloudFront applies the default root object", async () => {
        const page = (await r.site.request(`/_r/${release1}/index.html`)).body.toString();
        assert.match(page, /<div id="root">/);
        for (const [order, site] of Object.entries(r.sites)) {
            for (const url of ["/", "/index.html", "/?list-type=2"]) {
                const res = await site.request(url);
                assert.deepStrictEqual([res.status, res.originUri], [200, `/home/${release1}/index.html`], `${order} ${url}`);
                assert.strictEqual(res.body.toString(), page, `${order} ${url}`);
            }
        }
        const after = await r.sites["after-router"].listen();
        const tab = await openTab(context);
        await tab.page.goto(`${after}/`);
        await tab.page.getByTestId("title").waitFor();
        assert.deepStrictEqual(tab.errors, []);
        await tab.page.close();
    });

    it("a tab opened on release 1 loads release 1's lazy route after release 2 went live", async () => {
        r.setNotes("two");
        const build = await r.build(SHA2);
        assert.ok(build.succeeded, build.log.slice(-3000));
        const release2 = build.exported.RELEASE_ID;
        assert.strictEqual(r.kvs.values.get(releaseContract.releaseKey("home")), release2);

        await tab1.page.getByTestId("to-reports").click();
        await tab1.page.getByTestId("reports-note").waitFor();
        assert.strictEqual(await tab1.page.getByTestId("reports-note").textContent(), "reports of release one");
        assert.strictEqual(new URL(tab1.page.url()).pathname, "/reports", "client-side routing under the app's basename");
        const lazy = tab1.requests.filter((p) => /\/assets\/Reports-[\w-]+\.js$/.test(p));
        assert.strictEqual(lazy.length, 1);
        assert.ok(lazy[0].startsWith(`/_r/${release1}/`), lazy[0]);
        assert.deepStrictEqual(tab1.errors, []);

        // A new tab on a deep link gets release 2.
        const tab2 = await openTab(context);
        await tab2.page.goto(`${base}/reports`);
        await tab2.page.getByTestId("reports-note").waitFor();
        assert.strictEqual(await tab2.page.getByTestId("reports-note").textContent(), "reports of release two");
        assert.ok(tab2.requests.filter((p) => p.includes("/assets/")).every((p) => p.startsWith(`/_r/${release2}/`)));
        await tab2.page.goto(`${base}/users/jane.doe`);
        assert.strictEqual(await tab2.page.getByTestId("user").textContent(), "User jane.doe");
        assert.deepStrictEqual(tab2.errors, []);
        await tab2.page.close();
    });
});
