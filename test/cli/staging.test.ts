import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PavedError } from "../../components/errors";
import { Command } from "commander";
import fc from "fast-check";
import { parseConfig } from "../../components/config";
import { STAGING_NAMES_HELP, createStaging, ephemeralConfig, gcStaging, registerStagingCommands, stagingStackFor, stagingStackName } from "../../cli/commands/staging";
import { PROJECT_DIR, planEnvironment } from "../../cli/plan";
import { FakeStacks, fakeContext, runMain } from "./fake-stacks";

const NOW = "2026-11-26T12:00:00Z";

function ephemeral(expiresAt: string, release = "r1") {
    return { "aws:region": "eu-west-1", "paved:kind": "ephemeral", "paved:ephemeral": { baseStack: "staging", release, expiresAt } };
}

describe("cli: paved staging", () => {
    describe("stack names", () => {
        it("is staging-<id> when the id already is a short stack name", () => {
            assert.strictEqual(stagingStackName("r42"), "staging-r42");
            assert.strictEqual(stagingStackName("2026-11-3"), "staging-2026-11-3");
            assert.strictEqual(stagingStackName("abcdefghijklmnop"), "staging-abcdefghijklmnop");
        });

        it("keeps a readable head and hashes the exact id when the slug would lose something", () => {
            const dotted = stagingStackName("2026.11.3");
            assert.match(dotted, /^staging-2026-1-h[0-9a-z]{8}$/);
            assert.notStrictEqual(dotted, stagingStackName("2026-11-3"), "2026.11.3 and 2026-11-3 are different releases");
            assert.match(stagingStackName("Hotfix_7"), /^staging-hotfix-h[0-9a-z]{8}$/);
            assert.notStrictEqual(stagingStackName("Hotfix_7"), stagingStackName("hotfix-7"));
            const a = stagingStackName("20261126114808-abc1234");
            assert.match(a, /^staging-202611-h[0-9a-z]{8}$/);
            assert.notStrictEqual(a, stagingStackName("20261126114808-abc1235"));
            assert.strictEqual(stagingStackName("20261126114808-abc1234"), a, "deterministic");
            // An id that looks like a hashed name is hashed too, so the two forms never meet.
            assert.match(stagingStackName("ab-h1234abcd"), /^staging-ab-h12-h[0-9a-z]{8}$/);
        });

        it("maps distinct release ids to distinct, valid stack names (property)", () => {
            const char = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABC0123456789._-");
            const id = fc.tuple(fc.constantFrom(..."aZ09"), fc.array(char, { maxLength: 40 })).map(([first, rest]) => first + rest.join(""));
            // Near-collisions on purpose: ids that differ only in case, separators or one character.
            const variant = id.chain((x) => fc.constantFrom(x, x.toLowerCase(), x.replace(/[._]/g, "-"), x.replace(/-/g, "."), `${x}1`, x.slice(0, -1) || "a"));
            fc.assert(
                fc.property(fc.uniqueArray(variant, { minLength: 2, maxLength: 40 }), (ids) => {
                    const names = ids.map(stagingStackName);
                    assert.strictEqual(new Set(names).size, ids.length, `${ids.join(" ")} -> ${names.join(" ")}`);
                    for (const n of names) {
                        assert.ok(n.length <= 24 && /^staging-[a-z0-9]+(-[a-z0-9]+)*$/.test(n), n);
                        assert.doesNotThrow(() => parseConfig({ project: "paved", stack: n, values: { ...ephemeral("2026-12-01T00:00:00Z"), "paved:ephemeral": { baseStack: "staging", release: ids[0], expiresAt: "2026-12-01T00:00:00Z" } }, projectDir: PROJECT_DIR }), n);
                    }
                }),
                { numRuns: 300, seed: 1126 },
            );
        });

        it("rejects release ids that are not ids", () => {
            assert.throws(() => stagingStackName("../etc"), PavedError);
            assert.throws(() => stagingStackName(""), PavedError);
        });

        it("accepts a stack name or a release id for destroy", () => {
            assert.strictEqual(stagingStackFor("staging-r42"), "staging-r42");
            assert.strictEqual(stagingStackFor("r42"), "staging-r42");
            assert.strictEqual(stagingStackFor("2026.11.3"), stagingStackName("2026.11.3"));
        });

        it("says so in --help", async () => {
            const lines: string[] = [];
            const program = new Command("paved").exitOverride().configureOutput({ writeOut: (t) => lines.push(t), writeErr: (t) => lines.push(t) });
            registerStagingCommands(program, () => fakeContext(new FakeStacks(), { projectDir: PROJECT_DIR, now: NOW }));
            await assert.rejects(program.parseAsync(["staging", "create", "--help"], { from: "user" }), (e: { code?: string }) => e.code === "commander.helpDisplayed");
            const help = lines.join("");
            assert.ok(help.includes(STAGING_NAMES_HELP.trim()), help);
            assert.match(help, /2026-11-3 -> staging-2026-11-3/);
            assert.match(help, /Distinct release ids never share a stack/);
        });
    });

    describe("create", () => {
        it("copies the staging config as an ephemeral one: no network, no custom domain, expiry after the TTL", async () => {
            const fake = new FakeStacks();
            const ctx = fakeContext(fake, { projectDir: PROJECT_DIR, now: NOW });
            const created = await createStaging("r42", { ttlHours: 48 }, ctx);

            assert.strictEqual(created.stack, "staging-r42");
            const base = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.staging.yaml"), "utf8")).config;
            const { "paved:network": _network, "paved:kind": _kind, "paved:site": baseSite, ...kept } = base;
            const { domain: _domain, certificateArn: _cert, ...site } = baseSite ?? {};
            const expected = {
                ...kept,
                ...(Object.keys(site).length ? { "paved:site": site } : {}),
                "paved:kind": "ephemeral",
                "paved:ephemeral": { baseStack: "staging", release: "r42", expiresAt: "2026-11-28T12:00:00Z" },
            };
            const call = fake.calls.find((c) => c.op === "createStack")!;
            assert.deepStrictEqual(call.args![0], expected);
            assert.deepStrictEqual(call.args![1], { secretsFrom: "staging" });
            assert.ok(!("paved:network" in (call.args![0] as object)));
            assert.deepStrictEqual(fake.mutations(), ["createStack staging-r42", "up staging-r42"]);
            assert.strictEqual(created.url, "https://d111111abcdef8.cloudfront.net/staging-r42");
            assert.ok(ctx.lines.some((l) => l.includes("staging-r42 is up: https://d111111abcdef8.cloudfront.net/staging-r42")));
        });

        it("writes a config the program accepts: it plans offline as an ephemeral environment", async () => {
            const fake = new FakeStacks();
            await createStaging("r42", {}, fakeContext(fake, { projectDir: PROJECT_DIR, now: NOW }));
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paved-eph-"));
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            const file = path.join(dir, "Pulumi.staging-r42.yaml");
            fs.writeFileSync(file, YAML.stringify({ config: fake.stacks.get("staging-r42")!.config }));
            const plan = await planEnvironment("staging-r42", { configFile: file });
            assert.strictEqual(plan.stack, "staging-r42");
            assert.strictEqual(plan.outputs.kind, "ephemeral");
        });

        it("defaults to 72 hours from base staging, through the command line", async () => {
            const fake = new FakeStacks();
            const ctx = fakeContext(fake, { projectDir: PROJECT_DIR, now: NOW });
            const { code } = await runMain(["staging", "create", "2026.11.3"], ctx);
            assert.strictEqual(code, 0);
            const config = fake.stacks.get(stagingStackName("2026.11.3"))!.config;
            assert.match(stagingStackName("2026.11.3"), /^staging-2026-1-h/);
            assert.deepStrictEqual(config["paved:ephemeral"], { baseStack: "staging", release: "2026.11.3", expiresAt: "2026-11-29T12:00:00Z" });
        });

        it("validates before creating anything: an unknown base, a bad TTL, a bad release id (exit 2)", async () => {
            const fake = new FakeStacks();
            const ctx = fakeContext(fake, { projectDir: PROJECT_DIR, now: NOW });
            for (const argv of [
                ["staging", "create", "r1", "--base", "qa"],
                ["staging", "create", "r1", "--ttl-hours", "0"],
                ["staging", "create", "r1", "--ttl-hours", "many"],
                ["staging", "create", "r1", "--ttl-hours", "0.5"],
                ["staging", "create", "r1", "--ttl-hours", "2161"],
                ["staging", "create", "bad/id"],
            ]) {
                const { code, stderr } = await runMain(argv, ctx);
                assert.strictEqual(code, 2, `${argv.join(" ")}: ${stderr}`);
            }
            assert.deepStrictEqual(fake.calls, []);
        });

        it("for a release that already has a stack, extends its expiry and updates it; refuses a non-ephemeral one", async () => {
            const fake = new FakeStacks().add("staging-r42", ephemeral("2026-11-27T00:00:00Z", "r42"));
            const ctx = fakeContext(fake, { projectDir: PROJECT_DIR, now: NOW });
            await createStaging("r42", {}, ctx);
            assert.deepStrictEqual(fake.mutations(), ["setConfig staging-r42", "up staging-r42"]);
            assert.strictEqual((fake.stacks.get("staging-r42")!.config["paved:ephemeral"] as any).expiresAt, "2026-11-29T12:00:00Z");

            const fake2 = new FakeStacks().add("staging-r42", { "paved:kind": "staging" });
            await assert.rejects(createStaging("r42", {}, fakeContext(fake2, { projectDir: PROJECT_DIR, now: NOW })), /exists and is not ephemeral/);
            assert.deepStrictEqual(fake2.mutations(), []);
        });

        it("ephemeralConfig never mutates the base config", () => {
            const base = { "paved:kind": "staging", "paved:network": { cidrBlock: "10.20.0.0/16" }, "paved:site": { domain: "a.example.com", certificateArn: "arn", priceClass: "PriceClass_100" } };
            const copy = structuredClone(base);
            const out = ephemeralConfig(base, { baseStack: "staging", release: "r1", expiresAt: NOW });
            assert.deepStrictEqual(base, copy);
            assert.deepStrictEqual(out["paved:site"], { priceClass: "PriceClass_100" });
        });
    });

    describe("destroy", () => {
        it("destroys and removes an ephemeral stack", async () => {
            const fake = new FakeStacks().add("staging-r42", ephemeral("2026-12-01T00:00:00Z"));
            const { code } = await runMain(["staging", "destroy", "r42"], fakeContext(fake));
            assert.strictEqual(code, 0);
            assert.deepStrictEqual(fake.mutations(), ["destroy staging-r42", "removeStack staging-r42"]);
            assert.ok(!fake.stacks.has("staging-r42"));
        });

        it("refuses a stack that is not ephemeral, even one named staging-* (exit 2)", async () => {
            const fake = new FakeStacks().add("staging-x", { "paved:kind": "staging" });
            const { code, stderr } = await runMain(["staging", "destroy", "staging-x"], fakeContext(fake));
            assert.strictEqual(code, 2);
            assert.match(stderr, /staging-x is not an ephemeral stack \(paved:kind is staging\)/);
            assert.deepStrictEqual(fake.mutations(), []);
        });
    });

    describe("gc", () => {
        function fleet() {
            return new FakeStacks()
                .add("dev", { "paved:kind": "dev" })
                .add("staging", { "paved:kind": "staging" })
                .add("prod", { "paved:kind": "prod" })
                .add("staging-x", { "paved:kind": "staging" })
                .add("staging-nokind", { "aws:region": "eu-west-1" })
                .add("staging-old", ephemeral("2026-11-20T00:00:00Z"))
                .add("staging-older", ephemeral("2026-11-01T00:00:00Z"))
                .add("staging-new", ephemeral("2026-11-30T00:00:00Z"))
                .add("staging-broken", { "paved:kind": "ephemeral" });
        }

        it("destroys and removes only ephemeral stacks whose expiry has passed", async () => {
            const fake = fleet();
            const ctx = fakeContext(fake, { now: NOW });
            const report = await gcStaging({}, ctx);
            assert.deepStrictEqual(fake.mutations(), ["destroy staging-old", "removeStack staging-old", "destroy staging-older", "removeStack staging-older"]);
            assert.deepStrictEqual(report.destroyed, ["staging-old", "staging-older"]);
            assert.deepStrictEqual(report.skipped, [
                { stack: "dev", reason: "not ephemeral: paved:kind is dev" },
                { stack: "staging", reason: "not ephemeral: paved:kind is staging" },
                { stack: "prod", reason: "not ephemeral: paved:kind is prod" },
                { stack: "staging-x", reason: "not ephemeral: paved:kind is staging" },
                { stack: "staging-nokind", reason: "not ephemeral: its config sets no paved:kind" },
                { stack: "staging-new", reason: "expires 2026-11-30T00:00:00Z" },
                { stack: "staging-broken", reason: "not ephemeral: it is ephemeral but paved:ephemeral.expiresAt is missing or not a time" },
            ]);
            assert.ok(ctx.lines.includes("skipped staging-x: not ephemeral: paved:kind is staging"));
            assert.ok(ctx.lines.includes("gc: 2 destroyed, 7 skipped, 0 failed"));
        });

        it("--now moves the clock: later, the unexpired one goes too, never the non-ephemeral ones", async () => {
            const fake = fleet();
            const { code } = await runMain(["staging", "gc", "--now", "2027-01-01T00:00:00Z"], fakeContext(fake, { now: NOW }));
            assert.strictEqual(code, 0);
            const destroyed = fake.mutations().filter((m) => m.startsWith("destroy ")).map((m) => m.slice(8));
            assert.deepStrictEqual(destroyed, ["staging-old", "staging-older", "staging-new"]);
            for (const kept of ["dev", "staging", "prod", "staging-x", "staging-nokind", "staging-broken"]) assert.ok(fake.stacks.has(kept), kept);
        });

        it("without a local config file, reads kind and expiresAt from the stack's outputs", async () => {
            const fake = new FakeStacks()
                .add("staging-ci-old", {}, { kind: "ephemeral", expiresAt: "2026-11-01T00:00:00Z" })
                .add("staging-ci-new", {}, { kind: "ephemeral", expiresAt: "2026-12-01T00:00:00Z" })
                .add("staging-ci-x", {}, { kind: "staging" })
                .add("staging-ci-blank", {}, {});
            const report = await gcStaging({}, fakeContext(fake, { now: NOW }));
            assert.deepStrictEqual(fake.mutations(), ["destroy staging-ci-old", "removeStack staging-ci-old"]);
            assert.deepStrictEqual(report.skipped, [
                { stack: "staging-ci-new", reason: "expires 2026-12-01T00:00:00Z" },
                { stack: "staging-ci-x", reason: "not ephemeral: paved:kind is staging (from its outputs)" },
                { stack: "staging-ci-blank", reason: "not ephemeral: no local config and no kind output to tell" },
            ]);
        });

        it("--dry-run changes nothing", async () => {
            const fake = fleet();
            const report = await gcStaging({ dryRun: true }, fakeContext(fake, { now: NOW }));
            assert.deepStrictEqual(fake.mutations(), []);
            assert.ok(report.skipped.some((s) => s.stack === "staging-old" && /would destroy/.test(s.reason)));
        });

        it("a failed destroy does not stop the others, keeps the stack, and exits 1", async () => {
            const fake = fleet();
            fake.failing.add("staging-old");
            const { code, stderr } = await runMain(["staging", "gc"], fakeContext(fake, { now: NOW }));
            assert.strictEqual(code, 1);
            assert.match(stderr, /gc could not destroy staging-old/);
            assert.deepStrictEqual(fake.mutations(), ["destroy staging-old", "destroy staging-older", "removeStack staging-older"]);
            assert.ok(fake.stacks.has("staging-old"));
        });
    });
});
