/**
 * The args documentation cannot drift from the schemas: every `@default` in a field's TSDoc must
 * be what the field's schema actually defaults to, and every field with a plain default must say
 * it. The component sources are read with the TypeScript compiler API; the schemas are the ones
 * the components export.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { z } from "zod";

const ROOT = path.resolve(__dirname, "../../components");

interface DocumentedField {
    file: string;
    /** The exported schema, then the property names down to the field. */
    schema: string;
    path: string[];
    /** The `@default` tag's text, when there is one. */
    documented?: string;
    /** Whether the initializer gives a default, and whether it is a computed one (`.default(() => ...)`). */
    defaulted: boolean;
    computed: boolean;
}

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "testing" ? [] : sourceFiles(full);
        return e.name.endsWith(".ts") ? [full] : [];
    });
}

/** The object literal a schema expression is built on: `z.object({...})`, `z.strictObject({...})` or `x.extend({...})`. */
function objectLiteralOf(expr: ts.Expression): ts.ObjectLiteralExpression | undefined {
    let e: ts.Expression = expr;
    while (ts.isCallExpression(e)) {
        const callee = e.expression;
        if (ts.isPropertyAccessExpression(callee) && ["object", "strictObject", "extend"].includes(callee.name.text) && e.arguments[0] && ts.isObjectLiteralExpression(e.arguments[0])) {
            return e.arguments[0];
        }
        if (!ts.isPropertyAccessExpression(callee)) return undefined;
        e = callee.expression;
    }
    return undefined;
}

function collect(file: string): DocumentedField[] {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const out: DocumentedField[] = [];
    const walk = (literal: ts.ObjectLiteralExpression, schema: string, at: string[]) => {
        for (const prop of literal.properties) {
            if (!ts.isPropertyAssignment(prop) || !ts.isIdentifier(prop.name)) continue;
            const name = prop.name.text;
            const tag = ts.getJSDocTags(prop).find((t) => t.tagName.text === "default");
            const text = prop.initializer.getText(source);
            const defaulted = /\.default\(/.test(text.replace(/z\.(strictObject|object)\(\{[\s\S]*\}\)/, ""));
            out.push({
                file: path.relative(ROOT, file),
                schema,
                path: [...at, name],
                documented: tag ? ts.getTextOfJSDocComment(tag.comment)?.trim() : undefined,
                defaulted,
                computed: /\.default\(\s*\(\)\s*=>/.test(text),
            });
            const inner = objectLiteralOf(prop.initializer);
            if (inner) walk(inner, schema, [...at, name]);
        }
    };
    for (const statement of source.statements) {
        if (!ts.isVariableStatement(statement) || !statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
        for (const decl of statement.declarationList.declarations) {
            if (!ts.isIdentifier(decl.name) || !decl.initializer) continue;
            const literal = objectLiteralOf(decl.initializer);
            if (literal) walk(literal, decl.name.text, []);
        }
    }
    return out;
}

/** The schema inside optional/default/nullable wrappers. */
function unwrap(s: z.ZodType): z.ZodType {
    let cur = s as any;
    while (["optional", "default", "nullable", "prefault"].includes(cur._zod.def.type)) cur = cur._zod.def.innerType;
    return cur;
}

function fieldSchema(root: z.ZodType, at: string[]): z.ZodType {
    let cur = root;
    for (const name of at) {
        const shape = (unwrap(cur) as any).shape;
        assert.ok(shape && name in shape, `no field ${at.join(".")}`);
        cur = shape[name];
    }
    return cur;
}

const fields = sourceFiles(ROOT).flatMap(collect);

describe("args documentation", () => {
    it("finds the documented fields of every component's schemas", () => {
        const schemas = new Set(fields.map((f) => f.schema));
        for (const s of ["siteHostArgs", "frontendAppFields", "buildImageArgs", "networkArgs", "batchClusterFields", "batchJobFields", "containerServiceFields", "serviceLoadBalancerFields", "operationsArgs", "taskFields", "scheduleTriggerArgs", "queueTriggerArgs"]) {
            assert.ok(schemas.has(s), `${s} was not found`);
        }
        assert.ok(fields.filter((f) => f.documented !== undefined).length >= 60, `${fields.filter((f) => f.documented !== undefined).length} @default tags`);
    });

    for (const f of fields.filter((x) => x.documented !== undefined || (x.defaulted && !x.computed))) {
        const name = `${f.file} ${f.schema}.${f.path.join(".")}`;
        it(`${name}: @default ${f.documented ?? "(missing)"}`, () => {
            assert.ok(f.documented !== undefined, `${name} has a default but its TSDoc has no @default`);
            const schema = require(path.join(ROOT, f.file))[f.schema] as z.ZodType;
            assert.ok(schema, `${f.schema} is exported by ${f.file}`);
            const field = fieldSchema(schema, f.path);
            assert.strictEqual((field as any)._zod.def.type, "default", `${name} is documented with @default but its schema has no default`);
            const actual = (field as any)._zod.def.defaultValue;
            let documented: unknown;
            try {
                documented = JSON.parse(f.documented!);
            } catch {
                assert.fail(`${name}: @default ${f.documented} is not a JSON value; write the value the schema applies`);
            }
            assert.deepStrictEqual(actual, documented, `${name}: documented ${f.documented}, the schema defaults to ${JSON.stringify(actual)}`);
        });
    }
});
