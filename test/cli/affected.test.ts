import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BatchGetBuildsCommand, CodeBuildClient, StartBuildCommand } from "@aws-sdk/client-codebuild";
import { mockClient } from "aws-sdk-client-mock";
import { Command } from "commander";
import { AffectedReport, affectedApps, findAffected, parseRange, repositoryKey } from "../../cli/affected";
import { FakeClock } from "../../cli/aws/clock";
import { registerBuildCommand } from "../../cli/commands/build";
import { staticOutputs } from "../../cli/aws/outputs-source";
import type { EnvironmentOutputs } from "../../components/environment/outputs";
import { AppConfig, PavedConfig, parseConfig } from "../../components/config";
import { appSchema } from "../../components/config/schema";
import { PavedError } from "../../components/errors";
import { SimulatedCodeBuild } from "../cli-aws/codebuild-sim";

/** A throwaway repository built with real git commits. */
class Fixture {
    readonly dir: string;
    constructor(name: string) {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `paved-${name}-`));
        this.git("init", "-q", "-b", "main");
        this.git("config", "user.email", "test@example.com");
        this.git("config", "user.name", "Paved test");
        this.git("config", "commit.gpgsign", "false");
    }
    git(...args: string[]): string {
        return execFileSync("git", ["-C", this.dir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    }
    write(file: string, content: string | object): this {
        const full = path.join(this.dir, file);
        fs.mkdirSync(path.dirname(full), { recursive: true });
        fs.writeFileSync(full, typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`);
        return this;
    }
    commit(message: string): string {
        this.git("add", "-A");
        this.git("commit", "-q", "--allow-empty", "-m", message);
        return this.git("rev-parse", "HEAD").trim();
    }
    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

const WEB = "https://github.com/acme/web.git";
const app = (name: string, source: Record<string, unknown>): AppConfig => appSchema.parse({ name, path: `/${name}`, source: { repository: WEB, ...source } });

/** The apps the fixtures build: four in the monorepo, one elsewhere. */
const APPS: AppConfig[] = [
    app("catalog", { directory: "apps/catalog", watch: ["package-lock.json"] }),
    app("catalog-admin", { directory: "apps/catalog-admin" }),
    app("checkout", { directory: "apps/checkout" }),
    app("blog", { directory: "apps/blog" }),
    app("status", { repository: "https://github.com/acme/status-page.git" }),
];

/** An npm-workspaces monorepo: catalog → ui → tokens, catalog-admin → forms → ui, checkout → analytics (dev). */
function npmMonorepo(): Fixture {
    const f = new Fixture("npm");
    f.write("package.json", { name: "web", private: true, workspaces: ["apps/*", "packages/*"] })
        .write("package-lock.json", { lockfileVersion: 3 })
        .write("README.md", "# web\n")
        .write("packages/tokens/package.json", { name: "@acme/tokens", version: "1.0.0" })
        .write("packages/tokens/src/colors.json", "{}\n")
        .write("packages/ui/package.json", { name: "@acme/ui", version: "1.0.0", dependencies: { "@acme/tokens": "*" } })
        .write("packages/ui/src/button.tsx", "export {};\n")
        .write("packages/forms/package.json", { name: "@acme/forms", version: "1.0.0", dependencies: { "@acme/ui": "^1.0.0", react: "^18.0.0" } })
        .write("packages/analytics/package.json", { name: "@acme/analytics", version: "1.0.0" })
        .write("packages/analytics/src/a.ts", "export const a = 1;\n")
        .write("apps/catalog/package.json", { name: "catalog", dependencies: { "@acme/ui": "*" } })
        .write("apps/catalog/src/x.ts", "export {};\n")
        .write("apps/catalog-admin/package.json", { name: "catalog-admin", dependencies: { "@acme/forms": "*" } })
        .write("apps/checkout/package.json", { name: "checkout", devDependencies: { "@acme/analytics": "*" } })
        .write("apps/checkout/src/old.ts", "export {};\n")
        .write("apps/blog/package.json", { name: "blog" })
        .write("apps/blog/posts/first.md", "hello\n");
    f.commit("monorepo");
    f.git("remote", "add", "origin", "git@github.com:acme/web.git");
    return f;
}

const names = (r: { affected: { app: string }[] }) => r.affected.map((a) => a.app).sort();
const reasons = (r: AffectedReport, name: string) => r.affected.find((a) => a.app === name)?.reasons;

describe("paved build --affected", () => {
    describe("on an npm workspaces monorepo (real git)", () => {
        let f: Fixture;
        /** Commits `change` on a branch off main and returns the affected report of main..branch. */
        const onBranch = (branch: string, change: (f: Fixture) => void, range = `main..${branch}`) => {
            f.git("checkout", "-q", "-b", branch, "main");
            change(f);
            f.commit(branch);
            f.git("checkout", "-q", "main");
            return findAffected(f.dir, range, APPS);
        };
        before(() => (f = npmMonorepo()));
        after(() => f.remove());

        it("a change under apps/catalog/ affects catalog only, not catalog-admin", () => {
            const r = onBranch("catalog-change", (g) => g.write("apps/catalog/src/x.ts", "export const x = 2;\n"));
            assert.deepStrictEqual(names(r), ["catalog"]);
            assert.deepStrictEqual(reasons(r, "catalog"), ["changed apps/catalog/src/x.ts"]);
            assert.deepStrictEqual(r.changed, ["apps/catalog/src/x.ts"]);
            assert.deepStrictEqual(r.unaffected.sort(), ["blog", "catalog-admin", "checkout"]);
            assert.deepStrictEqual(r.otherRepository, [{ app: "status", repository: "https://github.com/acme/status-page.git" }]);
            assert.strictEqual(r.graph.source, "package.json workspaces");
            assert.strictEqual(r.graph.packages.length, 8);
        });

        it("a change to a shared package affects its dependents, transitively, with the path", () => {
            const r = onBranch("ui-change", (g) => g.write("packages/ui/src/button.tsx", "export const Button = 1;\n"));
            assert.deepStrictEqual(names(r), ["catalog", "catalog-admin"]);
            assert.deepStrictEqual(reasons(r, "catalog"), ["depends on packages/ui (changed packages/ui/src/button.tsx)"]);
            assert.deepStrictEqual(reasons(r, "catalog-admin"), ["depends on packages/ui through packages/forms (changed packages/ui/src/button.tsx)"]);
            const tokens = onBranch("tokens-change", (g) => g.write("packages/tokens/src/colors.json", '{"red":1}\n').write("packages/tokens/src/sizes.json", "{}\n"));
            assert.deepStrictEqual(names(tokens), ["catalog", "catalog-admin"]);
            assert.deepStrictEqual(reasons(tokens, "catalog"), ["depends on packages/tokens through packages/ui (changed packages/tokens/src/colors.json and 1 more)"]);
        });

        it("follows devDependencies and watch globs", () => {
            const dev = onBranch("analytics-change", (g) => g.write("packages/analytics/src/a.ts", "export const a = 2;\n"));
            assert.deepStrictEqual(names(dev), ["checkout"]);
            const lock = onBranch("lock-change", (g) => g.write("package-lock.json", { lockfileVersion: 3, packages: {} }));
            assert.deepStrictEqual(names(lock), ["catalog"]);
            assert.deepStrictEqual(reasons(lock, "catalog"), ["watches package-lock.json (changed package-lock.json)"]);
        });

        it("a change nothing owns affects nothing; an empty range changes nothing", () => {
            assert.deepStrictEqual(names(onBranch("readme", (g) => g.write("README.md", "# web, again\n"))), []);
            const head = f.git("rev-parse", "main").trim();
            const empty = findAffected(f.dir, `${head}..main`, APPS);
            assert.deepStrictEqual([empty.changed, names(empty)], [[], []]);
        });

        it("counts both sides of a rename, deletions, and paths with spaces", () => {
            const moved = onBranch("move", (g) => {
                g.git("mv", "apps/blog/posts/first.md", "apps/catalog/first.md");
            });
            assert.deepStrictEqual(names(moved), ["blog", "catalog"]);
            assert.deepStrictEqual(moved.changed.sort(), ["apps/blog/posts/first.md", "apps/catalog/first.md"]);
            const deleted = onBranch("delete", (g) => g.git("rm", "-q", "apps/checkout/src/old.ts"));
            assert.deepStrictEqual(names(deleted), ["checkout"]);
            const spaced = onBranch("spaces", (g) => g.write("apps/blog/posts/hello wörld \"draft\".md", "hi\n"));
            assert.deepStrictEqual(names(spaced), ["blog"]);
            assert.deepStrictEqual(reasons(spaced, "blog"), ['changed apps/blog/posts/hello wörld "draft".md']);
        });

        it("reads base...head: what the branch changed, not what main did since", () => {
            f.git("checkout", "-q", "-b", "long-lived", "main");
            f.write("apps/blog/posts/second.md", "2\n").commit("blog post");
            f.git("checkout", "-q", "main");
            f.write("apps/checkout/src/new.ts", "export {};\n").commit("checkout on main");
            const r = findAffected(f.dir, "main..long-lived", APPS);
            assert.deepStrictEqual(names(r), ["blog"]);
            assert.deepStrictEqual(names(findAffected(f.dir, "main...long-lived", APPS)), ["blog"]);
        });

        it("refuses bad ranges, unknown commits, unrelated histories and non-checkouts", () => {
            for (const bad of ["main", "main..", "..main", "a....b", "a..b..c", "main.. HEAD"]) {
                assert.throws(() => findAffected(f.dir, bad, APPS), (e: Error) => e instanceof PavedError && /must be a range of two commits, <base>..<head>/.test(e.message), bad);
            }
            assert.throws(() => findAffected(f.dir, "-p..main", APPS), /"-p" is not a commit/);
            assert.throws(() => findAffected(f.dir, "main..nope", APPS), (e: Error) => e instanceof PavedError && /"nope" is no commit in .*fetch it first/.test(e.message));
            f.git("checkout", "-q", "--orphan", "unrelated");
            f.git("rm", "-rqf", ".");
            f.write("other.txt", "x\n").commit("unrelated root");
            f.git("checkout", "-q", "main");
            assert.throws(() => findAffected(f.dir, "main..unrelated", APPS), /have no common ancestor/);
            const empty = fs.mkdtempSync(path.join(os.tmpdir(), "paved-nogit-"));
            try {
                assert.throws(() => findAffected(empty, "main..HEAD", APPS), /is not a git checkout; run from one or pass --repo/);
            } finally {
                fs.rmSync(empty, { recursive: true });
            }
        });

        it("affects no app of a checkout whose remote is another repository", () => {
            const other = new Fixture("other");
            try {
                other.write("apps/catalog/x.ts", "1\n").commit("one");
                other.git("remote", "add", "origin", "https://github.com/someone-else/web.git");
                other.write("apps/catalog/x.ts", "2\n").commit("two");
                const r = findAffected(other.dir, "HEAD~1..HEAD", APPS);
                assert.deepStrictEqual(names(r), []);
                assert.strictEqual(r.otherRepository.length, 5);
                other.git("remote", "remove", "origin");
                assert.throws(() => findAffected(other.dir, "HEAD~1..HEAD", APPS), /has no git remote/);
            } finally {
                other.remove();
            }
        });

        describe("through the CLI", () => {
            const config: PavedConfig = parseConfig({
                project: "paved",
                stack: "dev",
                projectDir: "/project",
                values: { "aws:region": "eu-west-1", "paved:kind": "dev", "paved:apps": APPS.map((a) => ({ name: a.name, path: a.path, source: a.source })) },
            });
            function cli() {
                const lines: string[] = [];
                const clock = new FakeClock();
                const client = new CodeBuildClient({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } });
                const mock = mockClient(client);
                const sim = new SimulatedCodeBuild({ clock, duration: () => 60_000 });
                mock.on(StartBuildCommand).callsFake((i) => sim.startBuild(i));
                mock.on(BatchGetBuildsCommand).callsFake((i) => sim.batchGetBuilds(i));
                const program = new Command("paved").exitOverride();
                // The deployed stack names the build projects; the config says what a range affects.
                const deployed = { region: "eu-west-1", apps: Object.fromEntries(APPS.map((a) => [a.name, { buildProject: `paved-dev-app-${a.name}` }])) } as unknown as EnvironmentOutputs;
                registerBuildCommand(program, { loadConfig: () => config, outputs: staticOutputs({ dev: deployed }), clients: () => ({ codebuild: client }) as any, clock, print: (l) => lines.push(...l.split("\n")), interactive: false });
                return { lines, mock, run: (...argv: string[]) => program.parseAsync(argv, { from: "user" }) };
            }

            it("--dry-run lists the affected apps with reasons and starts no build", async () => {
                const { lines, mock, run } = cli();
                await run("build", "dev", "--affected", "main..ui-change", "--repo", f.dir, "--dry-run");
                assert.strictEqual(mock.commandCalls(StartBuildCommand).length, 0);
                assert.match(lines[0], /^main\.\.ui-change \([0-9a-f]{12}\.\.\.[0-9a-f]{12}\) changes 1 file; workspaces: 8 packages from package\.json workspaces$/);
                assert.deepStrictEqual(lines.slice(1, 6), [
                    "2 of 4 apps of this repository in dev are affected:",
                    "  catalog",
                    "    - depends on packages/ui (changed packages/ui/src/button.tsx)",
                    "  catalog-admin",
                    "    - depends on packages/ui through packages/forms (changed packages/ui/src/button.tsx)",
                ]);
                assert.strictEqual(lines[6], "1 app build from other repositories (https://github.com/acme/status-page.git), which this checkout cannot affect: status");
            });

            it("builds exactly the affected apps through the build fleet", async () => {
                const { lines, mock, run } = cli();
                await run("build", "dev", "--affected", "main..ui-change", "--repo", f.dir);
                assert.deepStrictEqual(mock.commandCalls(StartBuildCommand).map((c) => c.args[0].input.projectName).sort(), ["paved-dev-app-catalog", "paved-dev-app-catalog-admin"]);
                assert.ok(lines.includes("building 2 apps in dev, at most 20 at once"), lines.join("\n"));
            });

            it("builds nothing when nothing is affected, and refuses mixed selections", async () => {
                const { lines, mock, run } = cli();
                await run("build", "dev", "--affected", "main..readme", "--repo", f.dir);
                assert.strictEqual(mock.commandCalls(StartBuildCommand).length, 0);
                assert.strictEqual(lines[lines.length - 1], "nothing to build");
                await assert.rejects(run("build", "dev", "catalog", "--affected", "main..readme"), /--affected chooses the apps itself/);
                await assert.rejects(run("build", "dev", "--all", "--repo", f.dir), /--repo is the checkout --affected reads/);
            });
        });
    });

    it("reads pnpm-workspace.yaml with exclusions and workspace: dependencies", () => {
        const f = new Fixture("pnpm");
        try {
            f.write("package.json", { name: "web", private: true })
                .write("pnpm-workspace.yaml", "packages:\n  - 'apps/*'\n  - 'packages/**'\n  - '!**/test/**'\n")
                .write("packages/ui/package.json", { name: "@acme/ui" })
                .write("packages/ui/test/fixture/package.json", { name: "ui-fixture", dependencies: { "@acme/ui": "workspace:*" } })
                .write("apps/catalog/package.json", { name: "catalog", dependencies: { "@acme/ui": "workspace:^" } })
                .write("apps/blog/package.json", { name: "blog" });
            f.commit("pnpm monorepo");
            f.git("remote", "add", "origin", "https://GitHub.com/acme/web");
            f.write("packages/ui/test/fixture/index.ts", "1\n").commit("ui test fixture");
            const r = findAffected(f.dir, "HEAD~1..HEAD", APPS);
            assert.strictEqual(r.graph.source, "pnpm-workspace.yaml");
            assert.deepStrictEqual(r.graph.packages.map((p) => p.dir).sort(), ["apps/blog", "apps/catalog", "packages/ui"]);
            assert.deepStrictEqual(names(r), ["catalog"]);
            assert.deepStrictEqual(reasons(r, "catalog"), ["depends on packages/ui (changed packages/ui/test/fixture/index.ts)"]);
        } finally {
            f.remove();
        }
    });

    it("reads yarn's { packages } workspaces form", () => {
        const f = new Fixture("yarn");
        try {
            f.write("package.json", { name: "web", private: true, workspaces: { packages: ["apps/*", "packages/*"], nohoist: [] } })
                .write("packages/ui/package.json", { name: "ui" })
                .write("apps/blog/package.json", { name: "blog", dependencies: { ui: "1.0.0" } });
            f.commit("yarn monorepo");
            f.git("remote", "add", "origin", "https://x-token:secret@github.com/acme/web.git");
            f.write("packages/ui/index.js", "1\n").commit("ui");
            assert.deepStrictEqual(names(findAffected(f.dir, "HEAD~1..HEAD", APPS)), ["blog"]);
        } finally {
            f.remove();
        }
    });

    it("an app at the repository root is affected by every change of its repository", () => {
        const root = app("site", {});
        const r = affectedApps({ apps: [root], changed: ["docs/a.md"], graph: { source: "none", packages: [] }, remotes: ["github.com/acme/web"] });
        assert.deepStrictEqual(r.affected, [{ app: "site", reasons: ["at the repository root: changed docs/a.md"] }]);
    });

    it("normalizes clone URLs to host/owner/name", () => {
        for (const url of ["https://github.com/acme/web.git", "https://github.com/Acme/Web", "git@github.com:acme/web.git", "ssh://git@github.com/acme/web.git", "https://user:token@github.com/acme/web.git/", "git+ssh://git@github.com:22/acme/web"]) {
            assert.strictEqual(repositoryKey(url), "github.com/acme/web", url);
        }
        assert.strictEqual(repositoryKey("https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/web"), "git-codecommit.eu-west-1.amazonaws.com/v1/repos/web");
        assert.strictEqual(repositoryKey("/srv/git/web"), undefined);
    });

    it("parses ranges", () => {
        assert.deepStrictEqual(parseRange("origin/main..HEAD"), { base: "origin/main", head: "HEAD" });
        assert.deepStrictEqual(parseRange("v1.2.3...release/1.x"), { base: "v1.2.3", head: "release/1.x" });
    });
});
