import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { CommandContext } from "../../cli/automation/context";
import { LocalStackOperations } from "../../cli/automation/pulumi-stacks";
import { createAwsClients } from "../../cli/aws/clients";
import { PROJECT_DIR } from "../../components/offline";
import { runMain } from "./fake-stacks";

/**
 * Every bad CLI input is refused before anything is read from or written to Pulumi state or AWS:
 * exit 2, a message naming the argument, the value and the fix. Each case runs the real CLI entry
 * (`main`) in a temp copy of the project with the production stack backend (a file backend in
 * `.pulumi-state/`, driven through a recording stand-in for the `pulumi` binary) and the
 * production AWS clients (every endpoint pointed at a local server that records any request).
 */

interface Case {
    argv: string[];
    /** What the message must say: the argument, the value, the fix. */
    says: RegExp[];
}

const q = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A positional argument commander refused through one of `cli/arguments.ts`'s parsers. */
const arg = (argv: string[], name: string, value: string, fix: RegExp): Case => ({ argv, says: [new RegExp(`value '${q(value)}' is invalid for argument '${name}'`), fix] });
/** An option value refused by its parser. */
const opt = (argv: string[], flag: string, value: string, fix: RegExp): Case => ({ argv, says: [new RegExp(`option '${q(flag)}[^']*' argument '${q(value)}' is invalid`), fix] });
/** A refusal the command itself makes (a `PavedError`), before touching state. */
const own = (argv: string[], ...says: RegExp[]): Case => ({ argv, says });

const ENV_FIX = /An environment is a stack name, which must be lowercase letters, digits and single hyphens, starting with a letter, at most 24 characters, e\.g\. "dev"/;
const ENV_LONG = /must be at most 24 characters \(has 25\)/;
const APP_FIX = /An app name must be lowercase letters, digits and single hyphens, starting with a letter, e\.g\. "[a-z-]+"/;
const RELEASE_FIX = /A release id must be 1-64 characters of letters, digits, "\.", "_" and "-", starting with a letter or digit, e\.g\. "20261126114808-abc1234"/;
const TAG_FIX = /An image tag must be 1-128 letters, digits, _, \. and -, not starting with \. or -, e\.g\. "3\.1\.0"/;
const SECONDS_FIX = /Pass a positive number of seconds, e\.g\. 10\./;
const RANGE_FIX = /must be a range of two commits, <base>\.\.<head>, e\.g\. "origin\/main\.\.HEAD"/;
const CONFIG_FIX = /No such file .*; pass the path of a stack config file, e\.g\. Pulumi\.dev\.yaml/;
const YAML_AT = (file: string, line: number, col: number) => new RegExp(`${q(file)}:${line}:${col}: the stack config is not valid YAML: .+; fix the syntax there`);

const LONG_ENV = "a".repeat(25);
const BAD_ENVS: [string, RegExp][] = [
    ["../x", ENV_FIX],
    ["Dev", ENV_FIX],
    ["dev_1", ENV_FIX],
    ["1dev", ENV_FIX],
    ["dev--x", ENV_FIX],
    ["dev/x", ENV_FIX],
    [LONG_ENV, ENV_LONG],
];

/** Every command that takes an environment, with valid arguments after it. */
const ENV_COMMANDS: ((env: string) => string[])[] = [
    (e) => ["plan", e],
    (e) => ["graph", e],
    (e) => ["diff", e],
    (e) => ["cost", e],
    (e) => ["up", e, "--yes"],
    (e) => ["preview", e],
    (e) => ["refresh", e, "--yes"],
    (e) => ["destroy", e, "--yes"],
    (e) => ["build", e, "--all"],
    (e) => ["releases", e, "catalog"],
    (e) => ["release", e, "catalog", "20261126114808-abc1234"],
    (e) => ["rollback", e, "catalog"],
    (e) => ["prune-releases", e, "catalog"],
    (e) => ["deploy-service", e, "checkout", "3.1.0"],
    (e) => ["job", "run", e, "nightly-report"],
    (e) => ["status", e],
];

function cases(dir: string): Case[] {
    const out: Case[] = [];
    // Every env-taking command refuses every bad env name (the stack-name rule).
    ENV_COMMANDS.forEach((cmd, i) => {
        // Each command gets two of the bad names in turn, and ../x, so every name is covered by several commands.
        const picks = [BAD_ENVS[0], BAD_ENVS[1 + (i % (BAD_ENVS.length - 1))], BAD_ENVS[1 + ((i + 3) % (BAD_ENVS.length - 1))]];
        for (const [env, fix] of picks) out.push(arg(cmd(env), "env", env, fix));
    });
    out.push(opt(["staging", "create", "2026.11.3", "--base", "../x"], "--base", "../x", ENV_FIX));
    out.push(opt(["staging", "create", "2026.11.3", "--base", "Staging"], "--base", "Staging", ENV_FIX));

    // App and job names.
    for (const app of ["Catalog", "../catalog", "catalog_admin", "a".repeat(41), "9lives"]) {
        const fix = app.length > 40 ? /An app name must be at most 40 characters \(has 41\)/ : APP_FIX;
        out.push(arg(["releases", "dev", app], "app", app, fix));
    }
    out.push(arg(["release", "dev", "Catalog", "20261126114808-abc1234"], "app", "Catalog", APP_FIX));
    out.push(arg(["rollback", "dev", "cat alog"], "app", "cat alog", APP_FIX));
    out.push(arg(["prune-releases", "dev", "../catalog"], "app", "../catalog", APP_FIX));
    out.push(arg(["deploy-service", "dev", "Checkout", "3.1.0"], "app", "Checkout", APP_FIX));
    out.push(arg(["build", "dev", "catalog", "Search"], "apps", "Search", APP_FIX));
    out.push(arg(["build", "dev", "../x"], "apps", "../x", APP_FIX));
    out.push(arg(["job", "run", "dev", "Nightly-Report"], "job", "Nightly-Report", /A job name must be lowercase letters/));
    out.push(arg(["job", "run", "dev", "../nightly"], "job", "../nightly", /A job name must be lowercase letters/));
    // Well-formed names the environment's config does not have: refused from Pulumi.dev.yaml, not the stack.
    out.push(own(["releases", "dev", "nosuch"], /unknown app "nosuch" in dev; apps in dev: .*\bcatalog\b.* \(from Pulumi\.dev\.yaml and its catalog\)/));
    out.push(own(["release", "dev", "nosuch", "20261126114808-abc1234"], /unknown app "nosuch" in dev/));
    out.push(own(["build", "dev", "catalog", "nosuch", "other"], /unknown apps "nosuch", "other" in dev/));
    out.push(own(["job", "run", "dev", "nosuch"], /unknown job "nosuch" in dev; jobs in dev: .*\bnightly-report\b/));
    out.push(own(["deploy-service", "dev", "nosuch", "3.1.0"], /unknown app "nosuch" in dev/));
    out.push(own(["deploy-service", "dev", "catalog", "3.1.0"], /app catalog has no container service in dev; apps with one: .*\bcheckout\b.* \(from Pulumi\.dev\.yaml\)/));

    // Release ids (the release contract's pattern).
    for (const id of ["../etc", ".hidden", "has space", "x/y", "a".repeat(65), "2026;rm"]) {
        out.push(arg(["release", "dev", "catalog", id], "release-id", id, RELEASE_FIX));
    }
    out.push(arg(["staging", "create", "../x"], "release-id", "../x", RELEASE_FIX));
    out.push(arg(["staging", "create", "2026 11 3"], "release-id", "2026 11 3", RELEASE_FIX));
    out.push(arg(["staging", "create", "_r42"], "release-id", "_r42", RELEASE_FIX));
    out.push(arg(["staging", "destroy", "../staging"], "id", "../staging", /Pass the release id or its stack name, e\.g\. "2026\.11\.3" or "staging-2026-11-3"/));
    out.push(arg(["staging", "destroy", "a".repeat(70)], "id", "a".repeat(70), /Pass the release id or its stack name/));

    // prune-releases --keep / --keep-days.
    for (const keep of ["0", "-1", "1.5", "ten", "", "100001"]) out.push(opt(["prune-releases", "dev", "catalog", "--keep", keep], "--keep", keep, /Pass a whole number of releases from 1 to 100000 \(at least 1\)/));
    for (const days of ["-1", "0.5", "week", "3651"]) out.push(opt(["prune-releases", "dev", "catalog", "--keep-days", days], "--keep-days", days, /Pass a whole number of days from 0 to 3650/));

    // Image tags: checked before any AWS call.
    for (const tag of [".bad", "has space", "a".repeat(129), "tag:colon", "ünïcode", "v1/2"]) out.push(arg(["deploy-service", "dev", "checkout", tag], "image-tag", tag, TAG_FIX));
    out.push(opt(["deploy-service", "dev", "checkout", "3.1.0", "--container", "bad name!"], "--container", "bad name!", /A container name is 1-255 letters, digits, hyphens and underscores/));
    for (const t of ["0", "-5", "soon"]) out.push(opt(["deploy-service", "dev", "checkout", "3.1.0", "--timeout", t], "--timeout", t, SECONDS_FIX));
    out.push(opt(["deploy-service", "dev", "checkout", "3.1.0", "--poll-seconds", "0"], "--poll-seconds", "0", SECONDS_FIX));
    out.push(opt(["job", "run", "dev", "nightly-report", "--timeout", "0"], "--timeout", "0", SECONDS_FIX));
    out.push(opt(["job", "run", "dev", "nightly-report", "--poll-seconds", "x"], "--poll-seconds", "x", SECONDS_FIX));

    // build: ranges, concurrency, polling, selections.
    for (const range of ["main", "main..", "..HEAD", "a..b..c", "-x..HEAD", "main..-y", ".x..HEAD", "main ..HEAD"]) {
        const fix = range.includes("-x") || range.includes("-y") ? /is not a commit \(it starts with "-"\)/ : RANGE_FIX;
        out.push(opt(["build", "dev", "--affected", range], "--affected", range, fix));
    }
    for (const c of ["0", "1001", "many", "2.5"]) out.push(opt(["build", "dev", "--all", "--concurrency", c], "--concurrency", c, /Pass a whole number of builds from 1 to 1000/));
    for (const s of ["0", "-1", "fast"]) out.push(opt(["build", "dev", "--all", "--poll-seconds", s], "--poll-seconds", s, SECONDS_FIX));
    out.push(opt(["build", "dev", "--affected", "main..HEAD", "--repo", path.join(dir, "no-such-dir")], "--repo", path.join(dir, "no-such-dir"), /No such directory .*; pass the directory of a git checkout/));
    out.push(opt(["build", "dev", "--affected", "main..HEAD", "--repo", path.join(dir, "Pulumi.yaml")], "--repo", path.join(dir, "Pulumi.yaml"), /It is not a directory; pass the directory of a git checkout/));
    out.push(own(["build", "dev", "--all", "catalog"], /name apps or pass --all, not both/));
    out.push(own(["build", "dev"], /name the apps to build or pass --all \(or --affected <base>\.\.<head>\); apps in dev: .*\bcatalog\b/));
    out.push(own(["build", "dev", "--repo", dir], /--repo is the checkout --affected reads: pass --affected <base>\.\.<head> too/));
    out.push(own(["build", "dev", "catalog", "--affected", "main..HEAD"], /--affected chooses the apps itself: drop the app names and --all/));

    // Files: --config, --assumptions, --prices must exist; output files need an existing directory.
    for (const cmd of ["plan", "diff", "cost"]) {
        out.push(opt([cmd, "dev", "--config", "nope.yaml"], "--config", "nope.yaml", CONFIG_FIX));
        out.push(opt([cmd, "dev", "--config", dir], "--config", dir, /It is a directory, not a file; pass the path of a stack config file/));
    }
    out.push(opt(["cost", "dev", "--assumptions", "missing.yaml"], "--assumptions", "missing.yaml", /No such file .*; pass the path of a YAML or JSON assumptions file/));
    out.push(opt(["cost", "dev", "--prices", "missing.json"], "--prices", "missing.json", /No such file .*; pass the path of a YAML or JSON prices file/));
    out.push(opt(["plan", "dev", "--json", path.join(dir, "no-dir", "plan.json")], "--json", path.join(dir, "no-dir", "plan.json"), /Its directory .*no-dir does not exist; create it or write somewhere else/));
    out.push(opt(["plan", "dev", "--json", dir], "--json", dir, /It is a directory; pass a file name/));
    out.push(opt(["graph", "dev", "--out", path.join(dir, "no-dir", "g.svg")], "--out", path.join(dir, "no-dir", "g.svg"), /Its directory .* does not exist/));
    out.push(opt(["graph", "dev", "--format", "pdf"], "--format", "pdf", /Allowed choices are mermaid, html, svg/));
    out.push(opt(["status", "dev", "--html", path.join(dir, "no-dir", "s.html")], "--html", path.join(dir, "no-dir", "s.html"), /Its directory .* does not exist/));

    // Environments without a config file: named, with the ones that exist.
    for (const cmd of [["plan"], ["graph"], ["cost"], ["diff"]]) {
        out.push(own([...cmd, "qa"], /environment "qa": no Pulumi\.qa\.yaml in .*; environments here: .*\bdev\b.*\bprod\b.*\(or pass --config <file>\)/));
    }
    out.push(own(["staging", "create", "2026.11.3", "--base", "qa"], /--base qa: no Pulumi\.qa\.yaml in .* to copy the config from/));

    // YAML syntax errors: file:line:column and the parser's reason, never a stack trace.
    for (const cmd of [["plan", "broken"], ["graph", "broken"], ["cost", "broken"], ["up", "broken", "--yes"], ["preview", "broken"], ["refresh", "broken", "--yes"], ["destroy", "broken", "--yes"]]) {
        out.push(own(cmd, YAML_AT("Pulumi.broken.yaml", 4, 1)));
    }
    out.push(own(["plan", "dev", "--config", "Pulumi.broken.yaml"], YAML_AT("Pulumi.broken.yaml", 4, 1)));
    out.push(own(["staging", "create", "2026.11.3", "--base", "broken"], YAML_AT("Pulumi.broken.yaml", 4, 1)));
    out.push(own(["plan", "badcat"], /paved:catalog "badcatalog\.yaml": cannot read the catalog file: .*badcatalog\.yaml:3:14: the catalog file is not valid YAML: Nested mappings are not allowed in compact mappings; fix the syntax there/));
    out.push(own(["up", "badcat", "--yes"], /badcatalog\.yaml:3:14: the catalog file is not valid YAML/));
    // An invalid config stops up/preview before Pulumi runs, with every problem's key path.
    out.push(own(["up", "invalid", "--yes"], /2 problems in the config of stack "invalid"/, /paved:kind "Prod": must be one of "dev", "staging", "prod", "ephemeral"; did you mean "prod"\?/, /paved:colour "blue": unknown key/));
    out.push(own(["preview", "invalid"], /paved:kind "Prod": must be one of "dev", "staging", "prod", "ephemeral"; did you mean "prod"\?/));

    // staging: ttl and now.
    for (const ttl of ["0", "2161", "forever", "1.5"]) out.push(opt(["staging", "create", "2026.11.3", "--ttl-hours", ttl], "--ttl-hours", ttl, /Pass a whole number of hours from 1 to 2160/));
    for (const now of ["yesterday", "2026-13-01T00:00:00Z", "2026-12-01"]) out.push(opt(["staging", "gc", "--now", now], "--now", now, /Pass an ISO 8601 time with its zone, e\.g\. 2026-12-01T00:00:00Z/));

    // Usage: unknown commands and options, missing arguments.
    out.push(own(["deploy", "dev"], /unknown command 'deploy'/));
    out.push(own(["up", "dev", "--bogus"], /unknown option '--bogus'/));
    out.push(own(["release", "dev", "catalog"], /missing required argument 'release-id'/));
    out.push(own(["job", "run", "dev"], /missing required argument 'job'/));
    out.push(own(["plan"], /missing required argument 'env'/));
    out.push(own(["staging", "create"], /missing required argument 'release-id'/));
    return out;
}

describe("cli: bad input is refused before Pulumi state or AWS (exit 2, argument, value, fix)", function () {
    // Made when the suite is defined: the table's file arguments are paths in it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paved-bad-input-"));
    let pulumiLog: string;
    let ctx: CommandContext;
    let server: http.Server;
    const requests: string[] = [];
    const saved: Record<string, string | undefined> = {};
    let cwd: string;

    before(async () => {
        for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml", "catalog.yaml"]) fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
        // The project's program, reading its config and catalog from this copy.
        fs.writeFileSync(path.join(dir, "index.ts"), fs.readFileSync(path.join(PROJECT_DIR, "index.ts"), "utf8").replace('from "paved"', `from ${JSON.stringify(path.join(PROJECT_DIR, "components"))}`));
        fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), "config:\n  aws:region: eu-west-1\n  paved:kind: dev\n paved:tags: { team: web }\n");
        fs.writeFileSync(path.join(dir, "Pulumi.badcat.yaml"), "config:\n  aws:region: eu-west-1\n  paved:kind: dev\n  paved:catalog: badcatalog.yaml\n");
        fs.writeFileSync(path.join(dir, "badcatalog.yaml"), "apps:\n  - name: a\n    path /a: x: y\n");
        fs.writeFileSync(path.join(dir, "Pulumi.invalid.yaml"), "config:\n  aws:region: eu-west-1\n  paved:kind: Prod\n  paved:colour: blue\n");

        // A stand-in `pulumi` that records every call: any stack operation that got this far would show here.
        const bin = path.join(dir, ".bin");
        fs.mkdirSync(bin);
        pulumiLog = path.join(dir, "pulumi-calls.log");
        fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$@" >> ${JSON.stringify(pulumiLog)}\necho "pulumi stand-in" >&2\nexit 1\n`, { mode: 0o755 });
        const stackEnv: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`, PULUMI_CONFIG_PASSPHRASE: "bad-input-test" };
        delete stackEnv.PULUMI_BACKEND_URL;
        let stacks: LocalStackOperations | undefined;
        ctx = {
            stacks: () => (stacks ??= new LocalStackOperations({ projectDir: dir, env: stackEnv })),
            projectDir: dir,
            log: (line) => console.log(line),
            write: (text) => process.stdout.write(text),
            confirm: undefined,
            now: () => new Date("2026-12-01T12:00:00Z"),
        };

        // Every AWS SDK client the CLI makes resolves its endpoint to this server, which records any request.
        server = http.createServer((req, res) => {
            requests.push(`${req.method} ${req.headers.host}${req.url}`);
            res.writeHead(500).end();
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        // The Automation API spawns `pulumi` from the process's PATH: the stand-in comes first there too.
        const env = { PATH: stackEnv.PATH!, AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: "eu-west-1", AWS_MAX_ATTEMPTS: "1" };
        for (const [k, v] of Object.entries(env)) {
            saved[k] = process.env[k];
            process.env[k] = v;
        }
        cwd = process.cwd();
        process.chdir(dir);
    });

    after(async () => {
        process.chdir(cwd);
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        await new Promise((resolve) => server.close(resolve));
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const run = (argv: string[]) => runMain(argv, ctx);

    const untouched = () => {
        assert.strictEqual(fs.existsSync(path.join(dir, ".pulumi-state")), false, ".pulumi-state/ was created");
        assert.strictEqual(fs.existsSync(pulumiLog) ? fs.readFileSync(pulumiLog, "utf8") : "", "", "pulumi was run");
        assert.deepStrictEqual(requests, [], "AWS was called");
    };

    const table = cases(dir);
    it(`holds at least 100 bad invocations (${table.length})`, () => assert.ok(table.length >= 100, `${table.length}`));

    for (const c of table) {
        const label = c.argv.map((a) => (a.startsWith(dir) ? a.replace(dir, "<project>") : a.length > 30 ? `${a.slice(0, 27)}...` : a)).join(" ");
        it(`paved ${label}`, async () => {
            const { code, stderr, stdout } = await run(c.argv);
            assert.strictEqual(code, 2, `exit code; stderr:\n${stderr}\nstdout:\n${stdout}`);
            for (const re of c.says) assert.match(stderr, re);
            assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+\)?/, "a stack trace was printed");
            untouched();
        });
    }

    describe("the harness sees what it guards against", () => {
        it("a valid `up` reaches the stack backend: it creates .pulumi-state/ and runs pulumi", async () => {
            const { code } = await run(["up", "dev", "--yes"]);
            assert.notStrictEqual(code, 0);
            assert.ok(fs.existsSync(path.join(dir, ".pulumi-state")));
            assert.match(fs.readFileSync(pulumiLog, "utf8"), /\S/);
            fs.rmSync(path.join(dir, ".pulumi-state"), { recursive: true });
            fs.rmSync(pulumiLog);
        });

        it("the CLI's AWS clients send their requests to the recording server", async () => {
            await createAwsClients({ region: "eu-west-1" }).s3.send(new ListBucketsCommand({})).catch(() => undefined);
            assert.ok(requests.length > 0);
            requests.length = 0;
        });
    });
});
