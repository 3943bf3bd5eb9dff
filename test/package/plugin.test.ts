import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { runProgram } from "paved/testing";
import { generatePlugin, generateSchema, omissionsReadme, PLUGIN_COMPONENTS, PLUGIN_FILE, PLUGIN_README, ROOT, SCHEMA_FILE } from "../../scripts/plugin";

type Property = { description?: string; type?: string; $ref?: string; items?: Property; plain?: boolean };
type Schema = { name: string; version: string; resources: Record<string, { isComponent?: boolean; description?: string; inputProperties: Record<string, Property>; requiredInputs?: string[]; properties: Record<string, Property> }>; types: Record<string, { description?: string; properties?: Record<string, Property> }> };

/** The real component's args fields and public fields, read with the checker (what the schema must carry). */
function realSurface(): Map<string, { inputs: string[]; outputs: string[] }> {
    const entry = path.join(ROOT, "components", "index.ts");
    const options = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile).config, ts.sys, ROOT).options;
    const program = ts.createProgram([entry], { ...options, noEmit: true });
    const checker = program.getTypeChecker();
    const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!);
    const out = new Map<string, { inputs: string[]; outputs: string[] }>();
    for (const name of PLUGIN_COMPONENTS) {
        const alias = exported.find((s) => s.name === name)!;
        const symbol = alias.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(alias) : alias;
        const decl = symbol.declarations!.find(ts.isClassDeclaration)!;
        const args = decl.members.find(ts.isConstructorDeclaration)!.parameters.find((p) => p.name.getText() === "args")!;
        const inputs = checker.getPropertiesOfType(checker.getNonNullableType(checker.getTypeAtLocation(args))).map((p) => p.name);
        const outputs = decl.members
            .filter(ts.isPropertyDeclaration)
            .filter((m) => !(ts.getModifiers(m) ?? []).some((k) => k.kind === ts.SyntaxKind.PrivateKeyword || k.kind === ts.SyntaxKind.ProtectedKeyword || k.kind === ts.SyntaxKind.StaticKeyword))
            .map((m) => m.name.getText());
        out.set(name, { inputs, outputs });
    }
    return out;
}

describe("package: the multi-language component package", function () {
    this.timeout(600_000);
    const committed = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")) as Schema;
    const generated = generatePlugin();

    it("plugin/index.ts and plugin/README.md are what the components' args generate (run `npm run plugin`)", () => {
        assert.ok(fs.readFileSync(PLUGIN_FILE, "utf8") === generated.source, "plugin/index.ts is stale: run `npm run plugin` and commit");
        assert.ok(fs.readFileSync(PLUGIN_README, "utf8") === omissionsReadme(generated.omissions), "plugin/README.md is stale: run `npm run plugin` and commit");
    });

    it("schema.json is what Pulumi's analyzer makes of plugin/index.ts (run `npm run plugin`)", () => {
        const fresh = generateSchema();
        assert.deepStrictEqual(committed, JSON.parse(JSON.stringify(fresh)), "schema.json is stale: run `npm run plugin` and commit");
        const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        assert.strictEqual(committed.name, "paved");
        assert.strictEqual(committed.version, manifest.version);
        // `pulumi package add` loads package.json's main; it must be the generated entry.
        assert.strictEqual(path.resolve(ROOT, manifest.main), PLUGIN_FILE);
        assert.match(fs.readFileSync(path.join(ROOT, "PulumiPlugin.yaml"), "utf8"), /^runtime: nodejs$/m);
    });

    it("every component, every input and output of the real components is in the schema with a description, or listed as left out", () => {
        const omitted = new Set(generated.omissions.map((o) => `${o.component} ${o.path}`));
        for (const [name, real] of realSurface()) {
            const resource = committed.resources[`paved:index:${name}`];
            assert.ok(resource, `paved:index:${name} is in the schema`);
            assert.strictEqual(resource.isComponent, true);
            assert.ok(resource.description && resource.description.length > 20, `${name} has a description`);
            for (const input of real.inputs) {
                if (omitted.has(`${name} args.${input}`)) continue;
                assert.ok(resource.inputProperties[input], `${name} input ${input} is in the schema`);
                assert.ok(resource.inputProperties[input].description, `${name} input ${input} has a description: add TSDoc to the args field`);
            }
            for (const output of real.outputs) {
                if (omitted.has(`${name} ${name}.${output}`)) continue;
                assert.ok(resource.properties[output], `${name} output ${output} is in the schema`);
                assert.ok(resource.properties[output].description, `${name} output ${output} has a description: add TSDoc to the class field`);
            }
            assert.deepStrictEqual(Object.keys(resource.inputProperties).sort(), real.inputs.filter((i) => !omitted.has(`${name} args.${i}`)).sort(), `${name}: no input the real args lack`);
        }
        // Left out only what the analyzer cannot express, never a required field.
        for (const o of generated.omissions) assert.match(o.reason, /function|Pulumi resource|union|untyped/, `${o.component} ${o.path}: ${o.reason}`);
    });

    it("FrontendApp's args are plain data a Python program can write: strings, numbers, booleans, lists, maps, Inputs", () => {
        const app = committed.resources["paved:index:FrontendApp"];
        assert.deepStrictEqual(app.requiredInputs?.sort(), ["buildImage", "name", "path", "site", "source"]);
        assert.strictEqual(app.inputProperties.name.type, "string");
        assert.strictEqual(app.inputProperties.site.$ref, "#/types/paved:index:FrontendAppSite");
        assert.strictEqual(committed.types["paved:index:FrontendAppSite"].properties!.keyValueStoreArn.type, "string");
        assert.match(committed.types["paved:index:FrontendAppBuild"].properties!.nodeVersion.description!, /One of: "18", "20", "22"\./);
        assert.strictEqual(app.properties.url.type, "string");
    });

    it("the generated FrontendApp builds the real one as its child, from plain args (what the provider's construct does)", async () => {
        const { FrontendApp } = require("../../plugin") as typeof import("../../plugin");
        const bucket = "paved-dev-site-0a1b2c3d";
        const kvs = "arn:aws:cloudfront::123456789012:key-value-store/3f7e0a2c-1b4d-4e5f-9a8b-7c6d5e4f3a2b";
        const result = await runProgram({
            stack: "dev",
            project: "python-team",
            config: { "aws:region": "eu-west-1" },
            program: () => {
                const app = new FrontendApp("insights", {
                    name: "insights",
                    path: "/insights",
                    site: { bucketName: bucket, bucketArn: `arn:aws:s3:::${bucket}`, keyValueStoreArn: kvs, url: "https://dev.example.com" },
                    source: { repository: "https://github.com/acme/insights.git", branch: "main", directory: "web" },
                    build: { nodeVersion: "22" },
                    buildImage: { repositoryUrl: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/paved-dev/build-image", repositoryArn: "arn:aws:ecr:eu-west-1:123456789012:repository/paved-dev/build-image" },
                    tags: { "paved:team": "insights" },
                });
                return { url: app.url, projectName: app.projectName, releaseKey: app.releaseKey };
            },
        });
        const wrapper = result.resources.find((r) => r.type === "paved:index:FrontendApp")!;
        const real = result.resources.find((r) => r.type === "paved:frontend:FrontendApp")!;
        assert.strictEqual(real.parent, wrapper.urn);
        assert.strictEqual(result.outputs.url, "https://dev.example.com/insights/");
        assert.strictEqual(result.outputs.releaseKey, "release:insights");
        const project = result.resources.find((r) => r.type === "aws:codebuild/project:Project")!;
        assert.strictEqual(project.inputs.name, result.outputs.projectName);
        assert.ok(JSON.stringify(project.inputs.environment.environmentVariables).includes('"22"'), "nodeVersion reached the build");
        // A value outside the union the plain string stands for is refused by the real component.
        await assert.rejects(
            runProgram({
                stack: "dev",
                project: "python-team",
                config: { "aws:region": "eu-west-1" },
                program: () => new FrontendApp("bad", { name: "bad", path: "/bad", site: { bucketName: bucket, bucketArn: `arn:aws:s3:::${bucket}`, keyValueStoreArn: kvs, url: "https://dev.example.com" }, source: { repository: "https://github.com/acme/bad.git" }, build: { nodeVersion: "16" }, buildImage: { repositoryUrl: "r", repositoryArn: "a" } } as any),
            }),
            /nodeVersion/,
        );
    });

    it("reads args written as a zod schema's inferred input, with the docs on the schema's properties", () => {
        const fixture = generatePlugin(ROOT, ["Widget"], path.join(ROOT, "test/fixtures/plugin-zod/index.ts"));
        assert.match(fixture.source, /\/\*\* The widget's arguments\. \*\/\nexport interface WidgetArgs \{\n    \/\*\* The widget's name\. \*\/\n    name: string;\n/);
        assert.match(fixture.source, /    \/\*\*\n     \* How many copies run\.\n     \* Default: 2\.\n     \*\/\n    count\?: number;\n/);
        assert.match(fixture.source, /     \* Where it runs\.\n     \* One of: "edge", "region"\.\n     \*\/\n    placement\?: string;\n/);
        assert.match(fixture.source, /export interface WidgetBuild \{\n    \/\*\* The build command\. \*\/\n    command\?: string;\n    \/\*\* Variables of the build\. \*\/\n    environment\?: Record<string, string>;\n\}/);
        assert.deepStrictEqual(fixture.omissions, [{ component: "Widget", path: "args.transform", reason: "is a function" }]);
    });
});
