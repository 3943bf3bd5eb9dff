import * as assert from "assert";
import fc from "fast-check";
import picomatch from "picomatch";
import { RE2JS } from "re2js";
import { appChangeMatcher, appChangePattern, watchGlobViolation } from "../../components/path-filter";
import { loadEnvironmentConfig } from "../../cli/env-config";

/** Compiles with an RE2 engine (the syntax CodeBuild's Go `regexp` accepts); throws on lookarounds and backreferences. */
function re2(pattern: string): RE2JS {
    return RE2JS.compile(pattern);
}

/** What a pattern must never contain for CodeBuild. */
const UNSUPPORTED = ["(?=", "(?!", "(?<=", "(?<!", "\\1", "\\2"];

const WEB = "https://github.com/acme/web.git";

describe("path filters (FILE_PATH)", () => {
    const catalog = loadEnvironmentConfig("dev").apps;
    const web = catalog.filter((a) => a.source.repository === WEB);
    const patterns = new Map(web.map((a) => [a.name, appChangePattern(a.source.directory, a.source.watch)!]));
    /** The apps of the monorepo whose pattern, compiled by RE2, matches any of `changed`. */
    const affected = (changed: string[]) =>
        web
            .filter((a) => {
                const re = re2(patterns.get(a.name)!);
                return changed.some((p) => re.test(p));
            })
            .map((a) => a.name)
            .sort();

    it("gives every committed monorepo app a pattern RE2 compiles, without lookarounds or backreferences", () => {
        assert.strictEqual(web.length, 46);
        for (const a of catalog) {
            const pattern = appChangePattern(a.source.directory, a.source.watch);
            if (a.source.directory === ".") {
                assert.strictEqual(pattern, undefined, a.name);
                continue;
            }
            assert.ok(pattern, a.name);
            for (const bad of UNSUPPORTED) assert.ok(!pattern.includes(bad), `${a.name}: ${pattern}`);
            assert.doesNotThrow(() => re2(pattern), a.name);
        }
        assert.strictEqual(patterns.get("catalog"), "^(?:apps\\/catalog\\/.*|packages\\/ui\\/((?:[^/]*(?:\\/|$))*)|packages\\/config\\/((?:[^/]*(?:\\/|$))*)|package-lock\\.json)$");
    });

    it("matches a change under apps/catalog/ for catalog only", () => {
        assert.deepStrictEqual(affected(["apps/catalog/src/x.ts"]), ["catalog"]);
        assert.deepStrictEqual(affected(["apps/catalog/package.json", "apps/catalog/public/.well-known/security.txt"]), ["catalog"]);
    });

    it("does not match a sibling directory that shares a prefix", () => {
        assert.deepStrictEqual(affected(["apps/catalog-admin/src/x.ts"]), []);
        assert.deepStrictEqual(affected(["apps/catalogue/index.html", "apps/catalog.md", "apps/catalog"]), []);
        assert.deepStrictEqual(affected(["apps/admin-catalog/src/x.ts"]), ["admin-catalog"]);
    });

    it("matches a shared package for every app that watches it", () => {
        assert.deepStrictEqual(affected(["packages/ui/src/button.tsx"]), web.map((a) => a.name).sort());
        const admins = web.filter((a) => a.name.startsWith("admin-")).map((a) => a.name).sort();
        assert.strictEqual(admins.length, 7);
        assert.deepStrictEqual(affected(["packages/admin-kit/src/table.tsx"]), admins);
        assert.deepStrictEqual(affected(["packages/analytics/src/index.ts"]), []);
    });

    it("matches the root lockfile, not a nested one or a lookalike", () => {
        assert.strictEqual(affected(["package-lock.json"]).length, 46);
        assert.deepStrictEqual(affected(["apps/cart/package-lock.json"]), ["cart"]);
        assert.deepStrictEqual(affected(["package-lockXjson", "xpackage-lock.json", "docs/package-lock.json"]), []);
    });

    it("matches nothing for changes elsewhere in the repository", () => {
        assert.deepStrictEqual(affected(["README.md", ".github/workflows/ci.yml", "tools/release.sh"]), []);
    });

    it("agrees with picomatch (dot: true) on random globs and paths, compiled by RE2", () => {
        const segment = fc.constantFrom("apps", "packages", "ui", "src", "a", "b.ts", "c.json", ".env", "x-y", "my app");
        const globSegment = fc.oneof(segment, fc.constantFrom("*", "**", "*.ts", "b*", "{a,ui}", "{src,lib}", "*.{ts,json}"));
        const glob = fc.array(globSegment, { minLength: 1, maxLength: 4 }).map((s) => s.join("/"));
        const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join("/"));
        fc.assert(
            fc.property(glob, path, (g, p) => {
                fc.pre(watchGlobViolation(g) === undefined);
                const body = appChangePattern("zz", [g])!;
                const ours = re2(body).test(p) && !p.startsWith("zz/");
                const theirs = picomatch.isMatch(p, g, { dot: true });
                // picomatch lets "a/**" match "a" itself; a changed file "a" is not under folder "a/".
                const parentOfGlobstar = g.endsWith("/**") && picomatch.isMatch(p, g.slice(0, -3), { dot: true });
                return ours === theirs || (parentOfGlobstar && !ours);
            }),
            { numRuns: 3000 },
        );
    });

    it("explains which part of the filter a path matched", () => {
        const m = appChangeMatcher("apps/catalog", ["packages/ui/**", "package-lock.json"]);
        assert.deepStrictEqual(m.explain("apps/catalog/src/x.ts"), { kind: "directory" });
        assert.deepStrictEqual(m.explain("packages/ui/button.tsx"), { kind: "watch", glob: "packages/ui/**" });
        assert.deepStrictEqual(m.explain("package-lock.json"), { kind: "watch", glob: "package-lock.json" });
        assert.strictEqual(m.explain("apps/catalog-admin/x"), undefined);
        const root = appChangeMatcher(".", []);
        assert.ok(root.matches("anything/at/all.md"));
    });

    describe("watch globs", () => {
        const ok = ["packages/ui/**", "package-lock.json", "*.json", "packages/*/src/**", "{apps,packages}/shared/**", "**/tsconfig.json", "packages/my ui/**", "@acme/x", "**"];
        for (const g of ok) it(`accepts ${JSON.stringify(g)}`, () => assert.strictEqual(watchGlobViolation(g), undefined));
        const bad: [string, RegExp][] = [
            ["", /must not be empty/],
            ["/packages/ui/**", /without a leading "\/"/],
            ["./packages/ui/**", /without a leading/],
            ["packages/ui/", /write "packages\/ui\/\*\*"/],
            ["packages/../secrets/**", /"\.\." segments/],
            ["packages//ui", /empty/],
            ["packages/ui/?.ts", /only \*, \*\* and \{a,b\}/],
            ["packages/[ab]/**", /only \*, \*\* and \{a,b\}/],
            ["!packages/ui/**", /only \*, \*\* and \{a,b\}/],
            ["packages/@(a|b)/**", /only \*, \*\* and \{a,b\}/],
            ["packages\\ui", /backslashes/],
            ["packages/ui**/x", /\*\* must be a whole segment/],
            ["{a,{b,c}}/x", /nested braces/],
            ["{a,b/x", /unbalanced braces/],
            ["packages/ü/**", /character outside/],
        ];
        for (const [g, message] of bad) it(`rejects ${JSON.stringify(g)}`, () => assert.match(watchGlobViolation(g) ?? "(accepted)", message));
    });
});
