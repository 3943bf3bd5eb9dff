import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PavedError } from "../../components/errors";
import { LocalStackOperations, PulumiCliMissing, findOnPath, requirePulumiCli } from "../../cli/automation/pulumi-stacks";
import { protectionOf, runStackOperation } from "../../cli/commands/stack";
import { PROJECT_DIR } from "../../cli/plan";
import { FakeStacks, fakeContext, runMain, tempProject } from "./fake-stacks";

const DEV = "config:\n  aws:region: eu-west-1\n  paved:kind: dev\n";
const PROD = "config:\n  aws:region: eu-west-1\n  paved:kind: prod\n";

describe("cli: paved up|preview|refresh|destroy", () => {
    it("refuses to destroy a prod environment without --force-protected (exit 2, names the flag)", async () => {
        const fake = new FakeStacks().add("prod", { "paved:kind": "prod" });
        const ctx = fakeContext(fake, { projectDir: tempProject({ prod: PROD }) });
        const { code, stderr } = await runMain(["destroy", "prod", "--yes"], ctx);
        assert.strictEqual(code, 2);
        assert.match(stderr, /refusing to destroy prod: it is protected \(Pulumi\.prod\.yaml has paved:kind prod\).*--force-protected/);
        assert.deepStrictEqual(fake.mutations(), []);
    });

    it("refuses the repository's own prod config too", async () => {
        const fake = new FakeStacks().add("prod", {});
        const ctx = fakeContext(fake, { projectDir: PROJECT_DIR });
        await assert.rejects(runStackOperation("destroy", "prod", { yes: true }, ctx), (e: Error) => e instanceof PavedError && /--force-protected/.test(e.message));
        assert.deepStrictEqual(fake.mutations(), []);
    });

    it("destroys prod with --force-protected, and a dev environment without it", async () => {
        const fake = new FakeStacks().add("prod", {}).add("dev", {});
        const ctx = fakeContext(fake, { projectDir: tempProject({ prod: PROD, dev: DEV }) });
        assert.strictEqual((await runMain(["destroy", "prod", "--yes", "--force-protected"], ctx)).code, 0);
        assert.strictEqual((await runMain(["destroy", "dev", "--yes"], ctx)).code, 0);
        assert.deepStrictEqual(fake.mutations(), ["destroy prod", "destroy dev"]);
    });

    it("without a committed config, reads protection from the stack's config; an unknown kind counts as protected", async () => {
        const fake = new FakeStacks().add("legacy", { "paved:kind": "prod" }).add("mystery", {}).add("scratch", { "paved:kind": "dev" });
        const ctx = fakeContext(fake, { projectDir: tempProject({}) });
        assert.deepStrictEqual(await protectionOf("legacy", ctx), { protected: true, reason: "the config of stack legacy has paved:kind prod" });
        assert.strictEqual((await protectionOf("mystery", ctx)).protected, true);
        assert.strictEqual((await protectionOf("scratch", ctx)).protected, false);
        await assert.rejects(runStackOperation("destroy", "mystery", { yes: true }, ctx), /sets no paved:kind.*--force-protected/);
        assert.deepStrictEqual(fake.mutations(), []);
    });

    it("a dev config that fails validation can still be destroyed (its kind is read raw)", async () => {
        const fake = new FakeStacks().add("dev", {});
        const ctx = fakeContext(fake, { projectDir: tempProject({ dev: `${DEV}  paved:bogus: 1\n` }) });
        assert.deepStrictEqual(await protectionOf("dev", ctx), { protected: false, reason: "Pulumi.dev.yaml has paved:kind dev" });
    });

    it("mutating operations without --yes and without a terminal refuse (exit 2), changing nothing", async () => {
        const fake = new FakeStacks().add("dev", {});
        const ctx = fakeContext(fake, { projectDir: tempProject({ dev: DEV }) });
        for (const op of ["up", "refresh", "destroy"]) {
            const { code, stderr } = await runMain([op, "dev"], ctx);
            assert.strictEqual(code, 2, op);
            assert.match(stderr, /pass --yes/);
        }
        assert.deepStrictEqual(fake.calls, []);
    });

    it("interactive: previews the same operation, then runs it only when confirmed", async () => {
        const fake = new FakeStacks().add("dev", {});
        const yes = fakeContext(fake, { projectDir: tempProject({ dev: DEV }), confirm: true });
        await runStackOperation("destroy", "dev", {}, yes);
        assert.deepStrictEqual(
            fake.calls.map((c) => `${c.op} ${c.env}${c.op === "preview" ? ` of ${c.args![0]}` : ""}`),
            ["preview dev of destroy", "destroy dev"],
        );
        const fake2 = new FakeStacks().add("dev", {});
        const no = fakeContext(fake2, { projectDir: tempProject({ dev: DEV }), confirm: false });
        await runStackOperation("up", "dev", {}, no);
        assert.deepStrictEqual(fake2.mutations(), []);
        assert.ok(no.lines.includes("cancelled; nothing changed"));
    });

    it("preview needs no --yes and reports the changes", async () => {
        const fake = new FakeStacks().add("dev", {});
        const ctx = fakeContext(fake, { projectDir: tempProject({ dev: DEV }) });
        assert.strictEqual((await runMain(["preview", "dev"], ctx)).code, 0);
        assert.deepStrictEqual(fake.calls.map((c) => c.op), ["preview"]);
        assert.ok(ctx.lines.includes("\npreview dev: 1 update, 2 same"), ctx.lines.join("|"));
    });

    it("an operation that fails exits 1; usage errors exit 2; --help exits 0", async () => {
        const fake = new FakeStacks();
        const ctx = fakeContext(fake, { projectDir: tempProject({ dev: DEV }) });
        assert.strictEqual((await runMain(["up", "dev", "--yes"], ctx)).code, 1); // no such stack in the fake
        assert.strictEqual((await runMain(["up"], ctx)).code, 2);
        assert.strictEqual((await runMain(["up", "dev", "--bogus"], ctx)).code, 2);
        assert.strictEqual((await runMain(["frobnicate"], ctx)).code, 2);
        const help = await runMain(["--help"], ctx);
        assert.strictEqual(help.code, 0);
        assert.match(help.stdout, /Exit codes:\n  0  success\n  1  the operation failed/);
        assert.match(help.stdout, /2  usage, config or environment problem/);
    });
});

describe("cli: the Pulumi CLI check", () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "paved-home-"));

    it("a real run with an empty PATH exits 2 with the install hint", function () {
        this.timeout(60_000);
        const run = spawnSync(process.execPath, [path.join(PROJECT_DIR, "dist", "cli", "main.js"), "up", "dev", "--yes"], {
            cwd: PROJECT_DIR,
            env: { PATH: "", HOME: home },
            encoding: "utf8",
        });
        assert.strictEqual(run.status, 2, run.stderr);
        assert.match(run.stderr, /Pulumi CLI \(`pulumi`\) is not on PATH/);
        assert.match(run.stderr, /https:\/\/www\.pulumi\.com\/docs\/install\//);
        assert.match(run.stderr, /curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
        assert.match(run.stderr, /brew install pulumi/);
    });

    it("every operation of the real implementation checks first, before touching the backend", async () => {
        const projectDir = tempProject({ dev: DEV });
        const ops = new LocalStackOperations({ projectDir, env: { PATH: "", HOME: home } });
        for (const call of [() => ops.up("dev"), () => ops.listStacks(), () => ops.stackConfig("dev"), () => ops.createStack("staging-x", {})]) {
            await assert.rejects(call(), (e: Error) => e instanceof PulumiCliMissing && e instanceof PavedError);
        }
    });

    it("finds an executable on PATH, and points at ~/.pulumi/bin when the installer put it there", () => {
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "paved-bin-"));
        const exe = path.join(bin, "pulumi");
        fs.writeFileSync(exe, "#!/bin/sh\n", { mode: 0o755 });
        assert.strictEqual(findOnPath("pulumi", `/nonexistent${path.delimiter}${bin}`, "linux"), exe);
        assert.strictEqual(findOnPath("pulumi", "/nonexistent", "linux"), undefined);
        assert.strictEqual(requirePulumiCli({ PATH: bin }), exe);

        const installedHome = fs.mkdtempSync(path.join(os.tmpdir(), "paved-home-"));
        fs.mkdirSync(path.join(installedHome, ".pulumi", "bin"), { recursive: true });
        fs.writeFileSync(path.join(installedHome, ".pulumi", "bin", "pulumi"), "#!/bin/sh\n", { mode: 0o755 });
        assert.throws(() => requirePulumiCli({ PATH: "", HOME: installedHome }), /add .*\.pulumi\/bin to PATH/);
    });

    it("with a pulumi CLI present, a file backend and no passphrase, says how to set one (exit 2)", async function () {
        this.timeout(60_000);
        // A stand-in CLI that answers `pulumi version` only: enough for LocalWorkspace.create.
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "paved-bin-"));
        fs.writeFileSync(path.join(bin, "pulumi"), '#!/bin/sh\nif [ "$1" = version ]; then echo v3.248.0; exit 0; fi\necho "unexpected: $*" >&2; exit 3\n', { mode: 0o755 });
        const projectDir = tempProject({ dev: DEV });
        const ops = new LocalStackOperations({ projectDir, env: { PATH: `${bin}${path.delimiter}${process.env.PATH}`, HOME: home } });
        assert.strictEqual(ops.backendUrl, `file://${path.join(projectDir, ".pulumi-state")}`);
        const prevPath = process.env.PATH;
        // LocalWorkspace resolves `pulumi` through this process's PATH.
        process.env.PATH = `${bin}${path.delimiter}${prevPath}`;
        const prevPass = process.env.PULUMI_CONFIG_PASSPHRASE;
        delete process.env.PULUMI_CONFIG_PASSPHRASE;
        try {
            await assert.rejects(ops.up("dev"), (e: Error) => e instanceof PavedError && /export PULUMI_CONFIG_PASSPHRASE=/.test(e.message) && /PULUMI_CONFIG_PASSPHRASE_FILE/.test(e.message));
            assert.ok(fs.statSync(path.join(projectDir, ".pulumi-state")).isDirectory(), "the file backend directory is created");
        } finally {
            process.env.PATH = prevPath;
            if (prevPass !== undefined) process.env.PULUMI_CONFIG_PASSPHRASE = prevPass;
        }
    });

    it("uses PULUMI_BACKEND_URL when set", () => {
        const ops = new LocalStackOperations({ projectDir: "/tmp/x", env: { PULUMI_BACKEND_URL: "s3://acme-pulumi-state" } });
        assert.strictEqual(ops.backendUrl, "s3://acme-pulumi-state");
    });
});
