import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";
import { planEnvironment, renderCounts, renderTree } from "../../cli/plan";
import { captureConsole } from "../support/console";

describe("offline plan", () => {
    const logs = captureConsole();

    it("plans the dev environment into a tree and counts", async () => {
        const result = await planEnvironment("dev");
        assert.strictEqual(result.stack, "dev");
        const tree = renderTree(result);
        assert.match(tree.split("\n")[0], /^pulumi:pulumi:Stack {2}paved-dev$/);
        assert.match(tree, /\n└─ paved:environment:Environment {2}dev\n/);
        assert.match(tree, /\n   ├─ paved:network:Network {2}network\n/);
        const counts = renderCounts(result);
        assert.match(counts, new RegExp(`total +${result.resources.length}$`));
    });

    it("loads no AWS SDK client: the clients load with the first command that talks to AWS", () => {
        // A fresh process, as a user runs `paved plan dev`; the modules it loaded are listed at the end.
        const script = `require(${JSON.stringify(path.resolve(__dirname, "../../cli/main.ts"))}).main(["plan", "dev"]).then((code) => {
            const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\/]@aws-sdk[\\/]client-/.test(f));
            process.stdout.write("\\n" + JSON.stringify({ code, loaded }) + "\\n");
        });`;
        const out = execFileSync(process.execPath, ["--conditions=paved-source", "-r", path.resolve(__dirname, "../support/esbuild-register.js"), "-e", script], { cwd: path.resolve(__dirname, "../.."), encoding: "utf8", maxBuffer: 1 << 26 });
        const last = JSON.parse(out.trim().split("\n").pop() as string);
        assert.strictEqual(last.code, 0);
        assert.match(out, /\n932 resources in paved\/dev\n/);
        assert.deepStrictEqual(last.loaded, []);
    });

    it("writes the JSON plan with resolved inputs and exits 0", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "paved-")), "plan.json");
        assert.strictEqual(await main(["plan", "dev", "--json", file]), 0);
        const plan = JSON.parse(fs.readFileSync(file, "utf8"));
        assert.strictEqual(plan.project, "paved");
        assert.strictEqual(plan.stack, "dev");
        const stack = plan.resources[0];
        assert.deepStrictEqual(Object.keys(stack).sort(), ["custom", "inputs", "name", "parent", "type", "urn"]);
        assert.strictEqual(stack.urn, "urn:pulumi:dev::paved::pulumi:pulumi:Stack::paved-dev");
        // The stack, then every other resource by URN: the file does not depend on registration order.
        const urns = plan.resources.slice(1).map((r: { urn: string }) => r.urn);
        assert.deepStrictEqual(urns, [...urns].sort());
        assert.strictEqual(new Set(urns).size, plan.resources.length - 1);
        const vpc = plan.resources.find((r: { type: string }) => r.type === "awsx:ec2:Vpc");
        assert.strictEqual(vpc.inputs.cidrBlock, "10.10.0.0/16");
        assert.strictEqual(vpc.parent, "urn:pulumi:dev::paved::paved:environment:Environment$paved:network:Network::network");
        // Assets as data: each release writer's code is its bundle, by path from the project root.
        const writers = plan.resources.filter((r: { type: string }) => r.type === "aws:lambda/function:Function");
        assert.ok(writers.length >= 50, `${writers.length} release writers`);
        for (const w of writers) assert.deepStrictEqual(w.inputs.code, { archive: "assets", assets: { "index.js": { asset: "file", path: "build/release-writer/index.js" } } });
    });

    it("exits 2 with every config error on a bad config", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "paved-")), "Pulumi.bad.yaml");
        fs.writeFileSync(file, "config:\n  aws:region: eu-west-1\n  paved:kind: qa\n  paved:colour: blue\n");
        await assert.rejects(planEnvironment("bad", { configFile: file }), (e: Error) => {
            assert.match(e.message, /2 problems in the config of stack "bad"/);
            assert.match(e.message, /paved:kind "qa": must be one of "dev", "staging", "prod", "ephemeral"/);
            assert.match(e.message, /paved:colour "blue": unknown key/);
            return true;
        });
        assert.strictEqual(await main(["plan", "bad", "--config", file]), 2);
        assert.match(logs().join("\n"), /paved:colour "blue": unknown key/);
        // A missing environment is bad input: exit 2, naming the file and the environments there are.
        assert.strictEqual(await main(["plan", "nope"]), 2);
        assert.match(logs().join("\n"), /environment "nope": no Pulumi.nope.yaml in .*; environments here: .*\bdev\b/);
    });
});
