import * as assert from "assert";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Paved as a team installs it: `npm pack`, a project outside the repository that depends on the
 * tarball and on its own @pulumi/pulumi and @pulumi/aws (the peers), installed from the npm cache
 * where it can. In it: examples/team-app type-checks against the published declarations and plans
 * under `paved/testing`, a platform project (the repository's own index.ts) plans with the `paved`
 * bin, and a bad config exits 2.
 */
const ROOT = path.resolve(__dirname, "../..");
const installed = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version as string;

// The Pulumi TypeScript template's compiler options (`pulumi new aws-typescript`): moduleResolution
// node, which ignores `exports`, so the subpaths' types must resolve through `typesVersions`; plus
// esModuleInterop, which zod's declarations need (the README says so), and no skipLibCheck.
const TEMPLATE_TSCONFIG = {
    compilerOptions: { strict: true, esModuleInterop: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true, experimentalDecorators: true, pretty: true, noFallthroughCasesInSwitch: true, noImplicitReturns: true, forceConsistentCasingInFileNames: true },
    files: ["index.ts"],
};

// A small environment of the platform team's own: one app, one job.
const PLATFORM_DEV = `config:
  aws:region: eu-west-1
  paved:kind: dev
  paved:network:
    cidrBlock: 10.30.0.0/16
  paved:apps:
    - name: home
      path: /
      team: web
      source: { repository: "https://github.com/acme/home.git", branch: main }
  paved:jobs:
    - name: cleanup
      team: web
      image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/cleanup:1.0.0
      command: ["node", "cleanup.js"]
      cpu: 256
      memory: 512
      capacity: fargate
      schedule: { expression: "rate(1 day)" }
  paved:tags:
    team: platform
    costCenter: cc-1001
`;

// Runs in the consumer project: plans the platform environment and the team's app against its
// outputs with the published harness, and prints what the test asserts on.
const CHECK = `require("ts-node").register({ transpileOnly: true, project: require("path").join(__dirname, "team-app", "tsconfig.json") });
const path = require("path");
const { runProgram } = require("paved/testing");
(async () => {
    const platform = await runProgram({ program: require("./platform"), stack: "dev", configFile: path.join(__dirname, "platform", "Pulumi.dev.yaml") });
    const team = await runProgram({
        program: require("./team-app"),
        stack: "staging",
        configFile: path.join(__dirname, "team-app", "Pulumi.staging.yaml"),
        config: { "team-app:environmentStack": "acme/paved/dev" },
        mocks: { stackReferences: { "acme/paved/dev": platform.outputs } },
    });
    const pick = (t) => team.resources.filter((r) => r.type === t);
    console.log(JSON.stringify({
        automation: typeof require("paved/automation").Paved,
        platform: { resources: platform.resources.length, outputs: platform.outputs },
        team: {
            project: team.project,
            routes: pick("aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey").map((r) => r.inputs),
            buildImage: pick("aws:codebuild/project:Project").map((r) => r.inputs.environment.image),
            stateMachines: pick("aws:sfn/stateMachine:StateMachine").map((r) => r.inputs.definition),
            distributions: pick("aws:cloudfront/distribution:Distribution").length,
            outputs: team.outputs,
        },
    }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
    return spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" }, maxBuffer: 64 * 1024 * 1024 });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
    assert.strictEqual(r.status, 0, `${what} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
}

/** The newest source file the build compiles, to tell a stale dist/ from a fresh one. */
function newestSource(dir: string): number {
    let newest = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
        else if (entry.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(file).mtimeMs);
    }
    return newest;
}

describe("package: a team's project installs the packed tarball", function () {
    this.timeout(900_000);
    const consumer = fs.mkdtempSync(path.join(os.tmpdir(), "paved-consumer-"));

    before(function () {
        const built = path.join(ROOT, "dist", "cli", "main.js"); // the build empties dist/ and writes every file
        const sources = Math.max(...["components", "cli", "policy", "automation"].filter((d) => fs.existsSync(path.join(ROOT, d))).map((d) => newestSource(path.join(ROOT, d))));
        assert.ok(fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources, "dist/ is older than the sources: run `npm run build` (npm test does)");
        // The build already ran (npm test, or prepare on npm ci): pack what it produced.
        const packed = JSON.parse(ok(run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", consumer], ROOT), "npm pack"))[0];
        console.log(`      packed ${packed.filename}: ${(packed.size / 1024).toFixed(0)} KiB, ${packed.entryCount} files`);
        const paths: string[] = packed.files.map((f: { path: string }) => f.path);
        assert.ok(paths.includes("dist/cli/main.js") && paths.includes("build/release-writer/index.js") && paths.includes("CHANGELOG.md"), "bin, release writer bundle and changelog are packed");
        // No TypeScript sources (the maps carry them), but for package.json's main, which npm always
        // packs: plugin/index.ts, the component package's entry for Pulumi.
        assert.deepStrictEqual(paths.filter((p) => p.endsWith(".ts") && !p.endsWith(".d.ts")), ["plugin/index.ts"]);
        assert.deepStrictEqual(paths.filter((p) => p.startsWith("test/") || p.includes(".tsbuildinfo")), []);

        fs.writeFileSync(
            path.join(consumer, "package.json"),
            JSON.stringify({
                name: "acme-platform-consumer",
                private: true,
                dependencies: { paved: `file:./${packed.filename}`, "@pulumi/pulumi": installed("@pulumi/pulumi"), "@pulumi/aws": installed("@pulumi/aws") },
                devDependencies: { typescript: installed("typescript"), "ts-node": installed("ts-node"), "@types/node": installed("@types/node") },
            }, null, 2),
        );
        const start = Date.now();
        ok(run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], consumer), "npm install");
        console.log(`      consumer install: ${((Date.now() - start) / 1000).toFixed(1)} s`);

        for (const [dir, files] of [
            ["team-app", { "index.ts": fs.readFileSync(path.join(ROOT, "examples/team-app/index.ts"), "utf8"), "Pulumi.yaml": fs.readFileSync(path.join(ROOT, "examples/team-app/Pulumi.yaml"), "utf8"), "Pulumi.staging.yaml": fs.readFileSync(path.join(ROOT, "examples/team-app/Pulumi.staging.yaml"), "utf8") }],
            ["platform", { "index.ts": fs.readFileSync(path.join(ROOT, "index.ts"), "utf8"), "Pulumi.yaml": fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"), "Pulumi.dev.yaml": PLATFORM_DEV, "Pulumi.bad.yaml": PLATFORM_DEV.replace("paved:kind: dev", "paved:kind: develop") }],
        ] as const) {
            fs.mkdirSync(path.join(consumer, dir));
            for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(consumer, dir, name), text);
            fs.writeFileSync(path.join(consumer, dir, "tsconfig.json"), JSON.stringify(TEMPLATE_TSCONFIG, null, 2));
        }
        fs.writeFileSync(path.join(consumer, "check.js"), CHECK);
    });

    after(() => {
        if (process.env.PAVED_KEEP_CONSUMER) console.log(`      kept ${consumer}`);
        else fs.rmSync(consumer, { recursive: true, force: true });
    });

    it("installs one @pulumi/pulumi, the project's, shared with Paved", () => {
        assert.ok(fs.existsSync(path.join(consumer, "node_modules/paved/dist/components/index.js")));
        assert.ok(!fs.existsSync(path.join(consumer, "node_modules/paved/node_modules/@pulumi/pulumi")), "a second Pulumi runtime would not see Paved's resources");
        assert.strictEqual(JSON.parse(fs.readFileSync(path.join(consumer, "node_modules/@pulumi/pulumi/package.json"), "utf8")).version, installed("@pulumi/pulumi"));
    });

    it("type-checks examples/team-app and the platform program, which import from paved only", () => {
        for (const dir of ["team-app", "platform"]) {
            const source = fs.readFileSync(path.join(consumer, dir, "index.ts"), "utf8");
            const modules = [...source.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
            assert.deepStrictEqual(modules.filter((m) => m !== "@pulumi/pulumi" && m !== "paved"), [], `${dir} imports only paved and @pulumi/pulumi`);
            assert.ok(modules.includes("paved"));
        }
        // Both programs in one run (each has its own tsconfig.json too, for Pulumi and ts-node).
        fs.writeFileSync(path.join(consumer, "tsconfig.json"), JSON.stringify({ ...TEMPLATE_TSCONFIG, files: ["team-app/index.ts", "platform/index.ts"] }));
        ok(run(process.execPath, [path.join(consumer, "node_modules/typescript/bin/tsc"), "-p", consumer, "--noEmit"], consumer), "tsc team-app/index.ts platform/index.ts");
        // The subpaths' declarations resolve under the template's moduleResolution too. skipLibCheck:
        // @pulumi/policy 1.21's own index.d.ts re-exports names its proxy.d.ts lacks.
        fs.writeFileSync(path.join(consumer, "subpaths.ts"), `import { runProgram, AwsMocks } from "paved/testing";\nimport { rules, toPolicies, evaluatePolicies } from "paved/policy";\nimport { FrontendApp } from "paved";\nimport { Paved } from "paved/automation";\nexport const used: unknown[] = [runProgram, AwsMocks, rules, toPolicies, evaluatePolicies, FrontendApp, Paved];\n`);
        fs.writeFileSync(path.join(consumer, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...TEMPLATE_TSCONFIG.compilerOptions, skipLibCheck: true }, files: ["subpaths.ts"] }));
        ok(run(process.execPath, [path.join(consumer, "node_modules/typescript/bin/tsc"), "-p", consumer, "--noEmit"], consumer), "tsc subpaths.ts");
    });

    it("plans the team's app with paved/testing against the platform environment's outputs", () => {
        const result = JSON.parse(ok(run(process.execPath, ["check.js"], consumer), "node check.js"));
        assert.strictEqual(result.automation, "function", "paved/automation exports Paved");
        const env = result.platform.outputs;
        assert.ok(result.platform.resources > 50, `the platform environment registers its resources (${result.platform.resources})`);
        assert.strictEqual(result.team.project, "team-app");
        assert.deepStrictEqual(
            result.team.routes.map((r: any) => [r.keyValueStoreArn, r.key, r.value]),
            [[env.site.keyValueStoreArn, "route:/insights", "insights"]],
        );
        assert.deepStrictEqual(result.team.buildImage, [`${env.buildImage.repositoryUrl}:latest`]);
        assert.strictEqual(result.team.stateMachines.length, 1);
        assert.ok(result.team.stateMachines[0].includes(env.clusterArn), "the job runs on the platform's cluster");
        assert.strictEqual(result.team.distributions, 0, "no second distribution");
        assert.strictEqual(result.team.outputs.appUrl, `${env.site.url.replace(/\/$/, "")}/insights/`);
    });

    it("runs the paved bin: --help, plan, and exit 2 on a bad config", () => {
        const help = ok(run("npx", ["--no-install", "paved", "--help"], path.join(consumer, "team-app")), "npx paved --help");
        assert.match(help, /^Usage: paved /);
        assert.match(help, /\n  plan \[options\] <env> /);
        assert.match(help, /Exit codes:\n  0  success/);

        const plan = ok(run("npx", ["--no-install", "paved", "plan", "dev"], path.join(consumer, "platform")), "npx paved plan dev");
        assert.match(plan, /^pulumi:pulumi:Stack  paved-dev$/m);
        assert.match(plan, /^└─ paved:environment:Environment  dev$/m);
        assert.match(plan, /─ paved:frontend:FrontendApp  app-home$/m);
        assert.match(plan, /─ paved:batch:BatchJob  job-cleanup$/m);
        const count = Number(/^(\d+) resources in paved\/dev$/m.exec(plan)?.[1]);
        assert.ok(count > 50, plan.slice(-2000));
        assert.match(plan, new RegExp(`^total +${count}$`, "m"));

        const bad = run("npx", ["--no-install", "paved", "plan", "bad"], path.join(consumer, "platform"));
        assert.strictEqual(bad.status, 2, bad.stderr);
        assert.match(bad.stderr, /paved:kind "develop"/);
    });
});
