import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { apiReport, entryPoints, REPORT_FILE } from "../../scripts/api-report";

describe("package: the API surface report", function () {
    this.timeout(300_000);

    it("api/paved.api.md is the API the sources export (run `npm run api` after an API change)", () => {
        const committed = fs.readFileSync(REPORT_FILE, "utf8");
        const current = apiReport();
        if (committed !== current) {
            const a = committed.split("\n");
            const b = current.split("\n");
            const first = b.findIndex((line, i) => line !== a[i]);
            assert.fail(`${path.relative(process.cwd(), REPORT_FILE)} is stale: the public API changed. Run \`npm run api\`, review the change and commit it.\nfirst difference at line ${first + 1}:\n  committed: ${a[first]}\n  current:   ${b[first]}`);
        }
    });

    it("covers every entry point of package.json exports, with their components and harness", () => {
        const report = fs.readFileSync(REPORT_FILE, "utf8");
        assert.deepStrictEqual(entryPoints().map((e) => e.name), ["paved", "paved/testing", "paved/policy", "paved/automation"]);
        for (const e of entryPoints()) assert.ok(report.includes(`\n## ${e.name}\n`), e.name);
        assert.match(report, /\nclass FrontendApp extends pulumi\.ComponentResource \{\n    constructor\(name: string, args: FrontendAppArgs, opts\?: ComponentResourceOptions\);\n/);
        assert.match(report, /\nfunction runProgram\(options: RunProgramOptions\): Promise<ProgramResult>;\n/);
        assert.match(report, /\nfunction toPolicies\(/);
    });

    it("shows a changed signature: a report over a changed export differs", () => {
        // A copy of an entry point with one parameter renamed, reported alone.
        const dir = fs.mkdtempSync(path.join(__dirname, ".api-"));
        try {
            const source = path.join(dir, "entry.ts");
            fs.writeFileSync(source, "export function plan(env: string, json?: boolean): number { return env.length + Number(json); }\nexport interface Options { stack: string; preview?: boolean }\n");
            const before = apiReport([{ name: "x", source }]);
            assert.match(before, /\ninterface Options \{\n    stack: string;\n    preview\?: boolean \| undefined;\n\}\nfunction plan\(env: string, json\?: boolean\): number;\n/);
            fs.writeFileSync(source, "export function plan(env: string, json: boolean): number { return env.length + Number(json); }\nexport interface Options { stack: string }\n");
            const after = apiReport([{ name: "x", source }]);
            assert.notStrictEqual(after, before);
            assert.match(after, /\ninterface Options \{\n    stack: string;\n\}\nfunction plan\(env: string, json: boolean\): number;\n/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
