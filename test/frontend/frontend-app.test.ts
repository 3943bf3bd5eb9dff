import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PavedError } from "../../components/errors";
import { appBuildspec, buildCommand, DEFAULT_INSTALL_COMMAND, IMMUTABLE_CACHE_CONTROL, NPM_CACHE_DIR, REVALIDATE_CACHE_CONTROL } from "../../components/frontend/buildspec";
import { packageRoot, releaseWriterBundlePath, releaseWriterCode } from "../../components/frontend/release-writer/bundle";
import { codeBuildSourceType, FrontendApp, FrontendAppArgs, frontendAppArgs } from "../../components/frontend/frontend-app";
import { assertRefused, isConfigError } from "../support/args";
import { SiteHost } from "../../components/frontend/site-host";
import { runProgram } from "../../components/testing";
import { one, REGION } from "./fixtures";

const IMAGE = { repositoryUrl: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/paved-dev/build-image", repositoryArn: "arn:aws:ecr:eu-west-1:123456789012:repository/paved-dev/build-image" };
/** A site passed as plain outputs, as a team would from a StackReference. */
const SITE = {
    bucketName: "paved-dev-assets-123456789012-eu-west-1",
    bucketArn: "arn:aws:s3:::paved-dev-assets-123456789012-eu-west-1",
    keyValueStoreArn: "arn:aws:cloudfront::123456789012:key-value-store/045b5c06-4e31-4d65-b588-15d71c773fac",
    url: "https://www.example.com",
};
const BASE: FrontendAppArgs = { name: "catalog", path: "/catalog", site: SITE, buildImage: IMAGE, source: { repository: "https://github.com/acme/web.git", directory: "apps/catalog" } };

async function app(overrides: Partial<FrontendAppArgs> = {}) {
    const result = await runProgram({
        stack: "dev",
        project: "paved",
        config: { "aws:region": REGION },
        program: () => {
            const a = new FrontendApp("catalog", { ...BASE, ...overrides });
            return { url: a.url, projectName: a.projectName, repositoryUrl: a.repositoryUrl, logGroupName: a.logGroupName, releaseWriterName: a.releaseWriterName };
        },
    });
    return { resources: result.resources, outputs: result.outputs as Record<string, string> };
}

const T = {
    project: "aws:codebuild/project:Project",
    webhook: "aws:codebuild/webhook:Webhook",
    repo: "aws:ecr/repository:Repository",
    lifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    logs: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    key: "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey",
    fn: "aws:lambda/function:Function",
};

function commands(spec: any, phase: string): string[] {
    return spec.phases[phase].commands;
}

describe("FrontendApp", () => {
    it("pins its children's URNs (webhook only when asked)", async () => {
        const p = "urn:pulumi:dev::paved::paved:frontend:FrontendApp";
        const expected = [
            `${p}$${T.project}::catalog-build`,
            `${p}$${T.repo}::catalog-repository`,
            `${p}$${T.lifecycle}::catalog-repository`,
            `${p}$${T.logs}::catalog-build-logs`,
            `${p}$${T.role}::catalog-build`,
            `${p}$${T.rolePolicy}::catalog-build`,
            `${p}$${T.logs}::catalog-release-writer`,
            `${p}$${T.role}::catalog-release-writer`,
            `${p}$${T.rolePolicy}::catalog-release-writer`,
            `${p}$${T.fn}::catalog-release-writer`,
        ];
        const children = (rs: any[]) => rs.filter((r) => r.parent === `${p}::catalog`).map((r) => r.urn).sort();
        assert.deepStrictEqual(children((await app()).resources), [...expected].sort());
        assert.deepStrictEqual(children((await app({ webhook: true })).resources), [...expected, `${p}$${T.webhook}::catalog-push`].sort());
    });

    it("builds in the shared image with the project's role, named by resourceNames", async () => {
        const { resources, outputs } = await app();
        const project = one(resources, T.project, "catalog-build");
        const i = project.inputs;
        assert.strictEqual(i.name, "paved-dev-app-catalog");
        assert.strictEqual(outputs.projectName, "paved-dev-app-catalog");
        assert.deepStrictEqual(i.source.type, "GITHUB");
        assert.strictEqual(i.source.location, "https://github.com/acme/web.git");
        assert.strictEqual(i.sourceVersion, "main");
        assert.strictEqual(i.environment.image, `${IMAGE.repositoryUrl}:latest`);
        assert.strictEqual(i.environment.imagePullCredentialsType, "SERVICE_ROLE");
        assert.strictEqual(i.environment.privilegedMode, false);
        assert.strictEqual(i.environment.computeType, "BUILD_GENERAL1_SMALL");
        assert.strictEqual(i.buildTimeout, 20);
        assert.strictEqual(i.serviceRole, "arn:aws:iam::123456789012:role/paved-dev-app-build-catalog");
        assert.deepStrictEqual(i.logsConfig.cloudwatchLogs, { status: "ENABLED", groupName: "/paved/paved-dev/apps/catalog/build" });
        const env = Object.fromEntries(i.environment.environmentVariables.map((v: any) => [v.name, v.value]));
        assert.deepStrictEqual(env, {
            APP: "catalog",
            APP_PATH: "/catalog",
            BUCKET: SITE.bucketName,
            ASSET_PREFIX: "catalog/",
            RELEASE_WRITER: "paved-dev-release-catalog",
            NODE_VERSION: "20",
        });
        assert.strictEqual(outputs.url, "https://www.example.com/catalog/");
    });

    it("passes build settings and environment variables through", async () => {
        const { resources } = await app({ build: { command: "npm run build:prod", nodeVersion: "22", computeSize: "large", timeoutMinutes: 45, environment: { VITE_API: "https://api.example.com" } } });
        const i = one(resources, T.project, "catalog-build").inputs;
        assert.strictEqual(i.environment.computeType, "BUILD_GENERAL1_LARGE");
        assert.strictEqual(i.buildTimeout, 45);
        const env = Object.fromEntries(i.environment.environmentVariables.map((v: any) => [v.name, v.value]));
        assert.strictEqual(env.VITE_API, "https://api.example.com");
        assert.strictEqual(env.NODE_VERSION, "22");
        assert.ok(commands(YAML.parse(i.source.buildspec), "build").includes(buildCommand("npm run build:prod")));
    });

    it("builds a container in privileged mode and tells the buildspec where to push", async () => {
        const { resources } = await app({ container: { dockerfile: "docker/Dockerfile" } });
        const i = one(resources, T.project, "catalog-build").inputs;
        assert.strictEqual(i.environment.privilegedMode, true);
        const env = Object.fromEntries(i.environment.environmentVariables.map((v: any) => [v.name, v.value]));
        assert.strictEqual(env.REPOSITORY_URI, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/paved-dev/apps/catalog");
        assert.ok(commands(YAML.parse(i.source.buildspec), "build").some((c) => c.includes(`'docker/Dockerfile'`) && c.startsWith("docker build")));
    });

    it("creates a hardened repository with a lifecycle policy", async () => {
        const { resources } = await app({ forceDelete: true });
        const repo = one(resources, T.repo, "catalog-repository").inputs;
        assert.strictEqual(repo.name, "paved-dev/apps/catalog");
        assert.deepStrictEqual(repo.imageScanningConfiguration, { scanOnPush: true });
        assert.strictEqual(repo.imageTagMutability, "IMMUTABLE");
        assert.deepStrictEqual(repo.encryptionConfigurations, [{ encryptionType: "AES256" }]);
        assert.strictEqual(repo.forceDelete, true);
        const rules = JSON.parse(one(resources, T.lifecycle, "catalog-repository").inputs.policy).rules;
        assert.deepStrictEqual(rules[0].selection, { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 });
        assert.deepStrictEqual(rules[1].selection, { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 30 });
        assert.ok(rules.every((r: any) => r.action.type === "expire"));
    });

    it("keeps build logs for the retention given", async () => {
        const { resources } = await app({ logRetentionDays: 90 });
        const logs = one(resources, T.logs, "catalog-build-logs").inputs;
        assert.deepStrictEqual([logs.name, logs.retentionInDays], ["/paved/paved-dev/apps/catalog/build", 90]);
    });

    it("writes the route entry, named by its path in the stack (a site from outputs), and never the release pointer", async () => {
        const { resources } = await app();
        const keys = resources.filter((r) => r.type === T.key);
        assert.strictEqual(keys.length, 1);
        assert.strictEqual(keys[0].urn, `urn:pulumi:dev::paved::${T.key}::site-route/catalog`);
        assert.deepStrictEqual(keys[0].inputs, { keyValueStoreArn: SITE.keyValueStoreArn, key: "route:/catalog", value: "catalog" });
        const custom = await app({ fileExtensions: ["js", "css"] });
        assert.strictEqual(custom.resources.find((r) => r.type === T.key)!.inputs.value, '{"app":"catalog","ext":["js","css"]}');
    });

    it("has a release writer: bundled handler, its own role, policy and log group, its app fixed in its environment", async () => {
        const { resources, outputs } = await app({ logRetentionDays: 90 });
        const fn = one(resources, T.fn, "catalog-release-writer").inputs;
        assert.strictEqual(fn.name, "paved-dev-release-catalog");
        assert.strictEqual(outputs.releaseWriterName, "paved-dev-release-catalog");
        assert.strictEqual(fn.runtime, "nodejs24.x");
        assert.strictEqual(fn.handler, "index.handler");
        assert.ok(fn.memorySize <= 256 && fn.timeout <= 30, `${fn.memorySize} MB, ${fn.timeout} s`);
        assert.deepStrictEqual(fn.environment.variables, { PAVED_APP: "catalog", PAVED_BUCKET: SITE.bucketName, PAVED_KVS_ARN: SITE.keyValueStoreArn });
        assert.strictEqual(fn.role, "arn:aws:iam::123456789012:role/paved-dev-release-writer-catalog");
        assert.deepStrictEqual(fn.loggingConfig, { logFormat: "Text", logGroup: "/aws/lambda/paved-dev-release-catalog" });
        const logs = one(resources, T.logs, "catalog-release-writer").inputs;
        assert.deepStrictEqual([logs.name, logs.retentionInDays], ["/aws/lambda/paved-dev-release-catalog", 90]);
        const trust = JSON.parse(one(resources, T.role, "catalog-release-writer").inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement, [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);
        const writer = one(resources, T.fn, "catalog-release-writer");
        assert.ok(writer.dependencies.includes(one(resources, T.rolePolicy, "catalog-release-writer").urn), "the policy is in place before the function");
        // The code is the bundle built by `npm run build:writer` (npm ci runs it).
        const archive = releaseWriterCode();
        assert.deepStrictEqual(Object.keys((await archive.assets) as object), ["index.js"]);
        assert.strictEqual(await ((await archive.assets) as any)["index.js"].path, releaseWriterBundlePath());
    });

    it("finds the writer's bundle from the package root, and says how to build it when it is missing", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "paved-root-"));
        try {
            fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ name: "paved" }));
            fs.mkdirSync(path.join(root, "dist/components/frontend/release-writer"), { recursive: true });
            fs.writeFileSync(path.join(root, "dist/package.json"), JSON.stringify({ name: "not-paved" }));
            assert.strictEqual(packageRoot(path.join(root, "dist/components/frontend/release-writer")), root, "a compiled copy under dist/ finds the same root");
            assert.strictEqual(releaseWriterBundlePath(), path.join(packageRoot(), "build/release-writer/index.js"));
            assert.throws(() => releaseWriterCode(path.join(root, "build/release-writer/index.js")), (e: Error) => e instanceof PavedError && /release writer's bundle .* is missing: run `npm run build:writer`/.test(e.message));
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("lets the writer use the bucket's KMS key only when the bucket has one", async () => {
        const statements = async (site: FrontendAppArgs["site"]) => JSON.parse(one((await app({ site })).resources, T.rolePolicy, "catalog-release-writer").inputs.policy).Statement;
        const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert.ok(!JSON.stringify(await statements(SITE)).includes("kms:"));
        assert.deepStrictEqual((await statements({ ...SITE, kmsKeyArn: key })).find((s: any) => s.Sid === "BucketKey"), { Sid: "BucketKey", Effect: "Allow", Action: "kms:Decrypt", Resource: key });
    });

    it("gives the build role no KeyValueStore permission, only its own writer to invoke", async () => {
        const { resources } = await app();
        const policy = one(resources, T.rolePolicy, "catalog-build").inputs.policy;
        assert.ok(!policy.includes("cloudfront-keyvaluestore"), policy);
        assert.ok(JSON.parse(policy).Statement.some((s: any) => s.Action === "lambda:InvokeFunction" && s.Resource === "arn:aws:lambda:eu-west-1:123456789012:function:paved-dev-release-catalog"));
    });

    it("filters the webhook on pushes to its branch that change its directory", async () => {
        const { resources } = await app({ webhook: true, source: { ...BASE.source, branch: "release/1.x" } });
        const hook = one(resources, T.webhook, "catalog-push").inputs;
        assert.strictEqual(hook.projectName, "paved-dev-app-catalog");
        assert.deepStrictEqual(hook.filterGroups, [
            {
                filters: [
                    { type: "EVENT", pattern: "PUSH" },
                    { type: "HEAD_REF", pattern: "^refs/heads/release/1\\.x$" },
                    { type: "FILE_PATH", pattern: "^(?:apps\\/catalog\\/.*)$" },
                ],
            },
        ]);
    });

    it("adds the paths it watches to the webhook's FILE_PATH filter", async () => {
        const { resources } = await app({ webhook: true, source: { ...BASE.source, watch: ["packages/ui/**", "package-lock.json"] } });
        const filters = one(resources, T.webhook, "catalog-push").inputs.filterGroups[0].filters;
        assert.deepStrictEqual(filters[2], { type: "FILE_PATH", pattern: "^(?:apps\\/catalog\\/.*|packages\\/ui\\/((?:[^/]*(?:\\/|$))*)|package-lock\\.json)$" });
        const re = new RegExp(filters[2].pattern);
        assert.deepStrictEqual(["apps/catalog/a.ts", "packages/ui/b.tsx", "package-lock.json", "apps/catalog-admin/a.ts", "packages/uikit/x"].map((p) => re.test(p)), [true, true, true, false, false]);
    });

    it("builds an app at the repository root on every push to its branch (no FILE_PATH)", async () => {
        const { resources } = await app({ webhook: true, source: { repository: "https://bitbucket.org/acme/status.git" } });
        const filters = one(resources, T.webhook, "catalog-push").inputs.filterGroups[0].filters;
        assert.deepStrictEqual(filters.map((f: any) => f.type), ["EVENT", "HEAD_REF"]);
    });

    it("protects the repository and log group in prod", async () => {
        const { resources } = await app({ protect: true });
        assert.strictEqual(one(resources, T.repo, "catalog-repository").protect, true);
        assert.strictEqual(one(resources, T.logs, "catalog-build-logs").protect, true);
    });

    it("takes a SiteHost directly", async () => {
        const result = await runProgram({
            stack: "dev",
            project: "paved",
            config: { "aws:region": REGION },
            program: () => {
                const site = new SiteHost("site", {});
                new FrontendApp("catalog", { ...BASE, site });
            },
        });
        const env = one(result.resources, T.project, "catalog-build").inputs.environment.environmentVariables;
        assert.strictEqual(env.find((v: any) => v.name === "BUCKET").value, "paved-dev-assets-123456789012-eu-west-1");
        const key = one(result.resources, T.key, "site-route/catalog");
        assert.strictEqual(key.parent, "urn:pulumi:dev::paved::paved:frontend:SiteHost::site", "a SiteHost owns the route entries, named by path");
        assert.strictEqual(key.inputs.keyValueStoreArn, one(result.resources, "aws:cloudfront/keyValueStore:KeyValueStore", "site-routes").outputs.arn);
    });
});

describe("FrontendApp args", () => {
    const cases: [Partial<FrontendAppArgs>, string, RegExp][] = [
        [{ name: "Catalog" }, "args.name", /^must be lowercase/],
        [{ path: "/Catalog" }, "args.path", /^must be "\/" or a lowercase URL-safe prefix.*e\.g\. "\/catalog"/],
        [{ path: "/a/b/c/d" }, "args.path", /may have at most 3 segments/],
        [{ path: "/index.html" }, "args.path", /is reserved/],
        [{ source: { repository: "https://git.example.com/acme/web.git" } }, "args.source.repository", /host "git\.example\.com" is not one CodeBuild clones from/],
        [{ source: { repository: "git@github.com:acme/web.git" } }, "args.source.repository", /must be an https clone URL/],
        [{ source: { repository: "https://github.com/acme/web.git", directory: "../x" } }, "args.source.directory", /must be a relative path/],
        [{ build: { timeoutMinutes: 3 } }, "args.build.timeoutMinutes", /must be a whole number of minutes from 5 to 2160/],
        [{ build: { nodeVersion: "16" as any } }, "args.build.nodeVersion", /must be one of "18", "20", "22"/],
        [{ build: { environment: { BUCKET: "x" } } }, "args.build.environment.BUCKET", /is set by Paved or CodeBuild/],
        [{ build: { environment: { PUBLIC_URL: "/x" } } }, "args.build.environment.PUBLIC_URL", /is set by Paved or CodeBuild/],
        [{ build: { environment: { PAVED_ANYTHING: "x" } } }, "args.build.environment.PAVED_ANYTHING", /is set by Paved or CodeBuild/],
        [{ build: { outputDirectory: "." } }, "args.build.outputDirectory", /not "\."/],
        [{ fileExtensions: ["js", ".css"] }, "args.fileExtensions[1]", /must be a file extension of 1-16 lowercase letters and digits, without the dot/],
        [{ fileExtensions: ["js", "js"] }, "args.fileExtensions[1]", /is listed twice/],
        [{ logRetentionDays: 10 }, "args.logRetentionDays", /must be one of CloudWatch Logs' retention periods: 1, 3, 5, 7, 14, 30/],
        [{ build: { environment: { NPM_TOKEN: "x" } } }, "args.build.environment.NPM_TOKEN", /looks like a secret/],
        [{ protect: true, forceDelete: true }, "args.forceDelete", /and protect exclude each other/],
        [{ container: { dockerfile: "/abs/Dockerfile" } }, "args.container.dockerfile", /must be a relative path/],
        [{ container: { port: 70000 } }, "args.container.port", /from 1 to 65535/],
        [{ source: { repository: "https://github.com/acme/web.git", directory: "apps/x", watch: ["packages/ui/"] } }, "args.source.watch[0]", /must not end with "\/": write "packages\/ui\/\*\*"/],
        [{ source: { repository: "https://github.com/acme/web.git", directory: "apps/x", watch: ["ok/**", "!neg/**"] } }, "args.source.watch[1]", /may use only/],
        [{ source: { repository: "https://github.com/acme/web.git", watch: ["packages/ui/**"] } }, "args.source.watch", /has no effect for an app at the repository root/],
        [{ webhook: true, source: { repository: "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/web" } }, "args.webhook", /cannot be used with a CodeCommit repository: .*--affected/],
    ];
    for (const [overrides, path, message] of cases) {
        it(`rejects ${JSON.stringify(overrides)} at ${path}`, () => assertRefused(frontendAppArgs, { ...BASE, ...overrides, namePrefix: "paved-dev" }, path, message));
    }

    it("throws a ConfigError naming the app through the constructor", async () => {
        await assert.rejects(app({ path: "/Catalog" }), (e: Error) => isConfigError(e, "args.path", /lowercase/) && e.message.includes('FrontendApp "catalog"'));
    });

    it("rejects file extensions that would not fit a KeyValueStore value", () => {
        const many = Array.from({ length: 200 }, (_, i) => `ext${i}`);
        assertRefused(frontendAppArgs, { ...BASE, fileExtensions: many }, "args.fileExtensions", /make a route entry of \d+ bytes; the KeyValueStore takes 1024: list fewer extensions/);
    });

    it("maps clone URLs to CodeBuild source types", () => {
        assert.strictEqual(codeBuildSourceType("https://github.com/acme/web.git"), "GITHUB");
        assert.strictEqual(codeBuildSourceType("https://bitbucket.org/acme/web.git"), "BITBUCKET");
        assert.strictEqual(codeBuildSourceType("https://gitlab.com/acme/web.git"), "GITLAB");
        assert.strictEqual(codeBuildSourceType("https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/web"), "CODECOMMIT");
    });

    it("keeps the defaults for fields passed as undefined", () => {
        const n = frontendAppArgs.parse({ ...BASE, source: { ...BASE.source, branch: undefined }, build: { command: undefined, timeoutMinutes: undefined } });
        assert.strictEqual(n.source.branch, "main");
        assert.strictEqual(n.build.command, "npm run build");
        assert.strictEqual(n.build.timeoutMinutes, 20);
    });

    it("does not mutate the caller's args", () => {
        const args: FrontendAppArgs = JSON.parse(JSON.stringify({ ...BASE, build: { command: "make" }, container: {}, namePrefix: "paved-dev" }));
        const copy = JSON.parse(JSON.stringify(args));
        frontendAppArgs.parse(args);
        assert.deepStrictEqual(args, copy);
    });
});

describe("app buildspec", () => {
    const spec = YAML.parse(appBuildspec({ appPath: "/catalog", directory: "apps/catalog", command: "npm run build", outputDirectory: "dist" }));
    const withContainer = YAML.parse(appBuildspec({ appPath: "/catalog", directory: "apps/catalog", command: "npm run build", outputDirectory: "dist", dockerfile: "Dockerfile" }));

    it("is a version 0.2 buildspec with the four phases", () => {
        assert.strictEqual(spec.version, 0.2);
        assert.deepStrictEqual(Object.keys(spec.phases), ["install", "pre_build", "build", "post_build"]);
        for (const phase of ["install", "pre_build", "build"]) assert.strictEqual(spec.phases[phase]["on-failure"], "ABORT");
        assert.deepStrictEqual(spec.env["exported-variables"], ["RELEASE_ID"]);
    });

    it("installs from the build image's npm cache with the chosen Node.js", () => {
        const install = commands(spec, "install");
        assert.strictEqual(install[0], `export PATH="/opt/paved/node/$NODE_VERSION/bin:$PATH"`);
        assert.ok(install.includes(`cd "$CODEBUILD_SRC_DIR"/'apps/catalog'`));
        assert.ok(install.includes(DEFAULT_INSTALL_COMMAND));
        assert.ok(DEFAULT_INSTALL_COMMAND.includes(`--prefer-offline`) && DEFAULT_INSTALL_COMMAND.includes(`--cache ${NPM_CACHE_DIR}`));
    });

    it("names the release <UTC yyyymmddHHMMSS>-<sha7> and tells the build its base URLs", () => {
        const pre = commands(spec, "pre_build");
        assert.strictEqual(pre[0], `export RELEASE_ID="$(date -u +%Y%m%d%H%M%S)-$(echo "$CODEBUILD_RESOLVED_SOURCE_VERSION" | cut -c1-7)"`);
        assert.strictEqual(pre[1], `export PAVED_RELEASE_ID="$RELEASE_ID" PAVED_APP_PATH='/catalog' PAVED_BASE_URL="/catalog/_r/$RELEASE_ID/"`);
        assert.strictEqual(pre[2], `export PUBLIC_URL="$PAVED_BASE_URL" VITE_PAVED_APP_PATH="$PAVED_APP_PATH" REACT_APP_PAVED_APP_PATH="$PAVED_APP_PATH" NEXT_PUBLIC_PAVED_APP_PATH="$PAVED_APP_PATH"`);
        const root = commands(YAML.parse(appBuildspec({ appPath: "/", directory: ".", command: "npm run build", outputDirectory: "dist" })), "pre_build");
        assert.strictEqual(root[1], `export PAVED_RELEASE_ID="$RELEASE_ID" PAVED_APP_PATH='/' PAVED_BASE_URL="/_r/$RELEASE_ID/"`);
    });

    it("runs the build command in the app's directory, passing --base to a Vite npm script", () => {
        assert.deepStrictEqual(commands(spec, "build").slice(0, 2), [`cd "$CODEBUILD_SRC_DIR"/'apps/catalog'`, buildCommand("npm run build")]);
        assert.strictEqual(buildCommand("make dist"), "make dist");
        assert.strictEqual(buildCommand("npx vite build"), "npx vite build");
        assert.match(buildCommand("npm run build:prod"), /^if node -e .* 'build:prod' 2> \/dev\/null; then .*; npm run build:prod -- --base "\$PAVED_BASE_URL"; else npm run build:prod; fi$/);
    });

    it("passes --base only to npm scripts that end in vite build and set no base", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paved-vite-check-"));
        const scripts: Record<string, string> = {
            a: "vite build",
            b: "tsc -b && vite build",
            c: "vite build --mode staging",
            d: "npx vite build",
            e: "vite build && node post.js",
            f: "vite build --base /x/",
            g: "react-scripts build",
            h: "next build",
        };
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ scripts }));
        try {
            const passed = Object.keys(scripts).filter((name) => {
                const r = spawnSync("bash", ["-c", `${buildCommand(`npm run ${name}`).replace(/npm run/g, "echo npm run")}`], { cwd: dir, encoding: "utf8", env: { ...process.env, PAVED_BASE_URL: "/app/_r/1/" } });
                return r.stdout.includes("--base /app/_r/1/");
            });
            assert.deepStrictEqual(passed, ["a", "b", "c", "d"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("uploads fingerprinted assets immutable, the rest no-cache, the HTML last, then asks the release writer", () => {
        const post = commands(spec, "post_build");
        assert.match(post[0], /CODEBUILD_BUILD_SUCCEEDING/);
        const syncs = post.filter((c) => c.startsWith("aws s3 sync"));
        assert.strictEqual(syncs.length, 3);
        for (const s of syncs) assert.ok(s.includes(`"$CODEBUILD_SRC_DIR"/'apps/catalog'/'dist' "s3://$BUCKET/$ASSET_PREFIX$RELEASE_ID/"`), s);
        assert.ok(syncs[0].includes(`--exclude '*' --include 'assets/*'`) && syncs[0].includes(`--exclude '*.html'`) && syncs[0].includes(`--cache-control '${IMMUTABLE_CACHE_CONTROL}'`));
        assert.ok(syncs[1].includes(`--exclude 'assets/*'`) && syncs[1].includes(`--exclude '*.html'`) && syncs[1].includes(`--cache-control '${REVALIDATE_CACHE_CONTROL}'`));
        assert.ok(syncs[2].includes(`--exclude '*' --include '*.html'`) && syncs[2].includes(`--cache-control '${REVALIDATE_CACHE_CONTROL}'`));
        const pointer = post.findIndex((c) => c.includes("aws lambda invoke"));
        assert.ok(pointer > post.indexOf(syncs[2]), "the pointer moves after the upload");
        assert.ok(post[pointer].includes(`aws lambda invoke --function-name "$RELEASE_WRITER" --cli-binary-format raw-in-base64-out --payload "{\\"action\\":\\"release\\",\\"release\\":\\"$RELEASE_ID\\",\\"ifNewer\\":true}" --query FunctionError`), post[pointer]);
        assert.match(post[pointer], /\[ "\$FUNCTION_ERROR" = "None" \] \|\| \{ echo "the release writer did not release/);
        assert.ok(!JSON.stringify(spec).includes("cloudfront-keyvaluestore"), "builds never call the KeyValueStore");
        assert.ok(!JSON.stringify(spec).includes("docker"), "no Docker without a container");
    });

    it("with a container: starts Docker, logs in to ECR, builds, pushes the commit SHA tag before the release", () => {
        assert.ok(commands(withContainer, "install").some((c) => c.includes("dockerd")));
        const pre = commands(withContainer, "pre_build");
        assert.ok(pre.includes(`export IMAGE_TAG="$CODEBUILD_RESOLVED_SOURCE_VERSION"`));
        assert.ok(pre.some((c) => c.startsWith("aws ecr get-login-password | docker login")));
        assert.ok(commands(withContainer, "build").some((c) => c.startsWith("docker build") && c.includes(`-t "$REPOSITORY_URI:$IMAGE_TAG"`)));
        const post = commands(withContainer, "post_build");
        const push = post.findIndex((c) => c.includes(`docker push "$REPOSITORY_URI:$IMAGE_TAG"`));
        assert.ok(push > 0 && push < post.findIndex((c) => c.startsWith("aws s3 sync")));
        assert.deepStrictEqual(withContainer.env["exported-variables"], ["RELEASE_ID", "IMAGE_TAG"]);
    });

    it("has commands bash can parse", () => {
        for (const doc of [spec, withContainer]) {
            for (const phase of Object.values<any>(doc.phases)) {
                for (const c of phase.commands) {
                    const r = spawnSync("bash", ["-n", "-c", c], { encoding: "utf8" });
                    assert.strictEqual(r.status, 0, `${c}\n${r.stderr}`);
                }
            }
        }
    });

    it("quotes paths so a directory cannot inject shell", () => {
        const s = appBuildspec({ appPath: "/x", directory: "apps/x", command: "npm run build", outputDirectory: "out dir" });
        assert.ok(s.includes(`'out dir'`));
    });
});
