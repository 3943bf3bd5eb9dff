/**
 * `npm run plugin`: Paved as a Pulumi component package for Python, Go, C#, Java and YAML programs.
 *
 * Pulumi's component analyzer (in @pulumi/pulumi) reads a component's args from TypeScript and
 * accepts only plain serializable shapes: strings, numbers, booleans, arrays, string maps,
 * interfaces of those, `Input<T>`, `Output<T>`. Paved's args are richer (literal unions,
 * functions, Pulumi resources). This generator derives the multi-language surface from the real
 * components with the TypeScript checker, so each fact keeps one owner (the component's args
 * type and its TSDoc, whether an interface or a schema's inferred type):
 *
 * 1. plugin/index.ts: per component, a plain-data args interface and a component class
 *    (`paved:index:<Name>`) that constructs the real component as its child and re-exports its
 *    outputs. Literal unions become strings (the real component still validates them); fields the
 *    analyzer cannot express are left out and listed in plugin/README.md.
 * 2. schema.json: the package schema, written by Pulumi's own analyzer over plugin/index.ts,
 *    offline, exactly as `pulumi package add` would build it from this repository.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

export const ROOT = path.resolve(__dirname, "..");
export const PLUGIN_FILE = path.join(ROOT, "plugin", "index.ts");
export const PLUGIN_README = path.join(ROOT, "plugin", "README.md");
export const SCHEMA_FILE = path.join(ROOT, "schema.json");
export const PACKAGE_NAME = "paved";

/**
 * The components offered to other languages, as the `paved` entry point exports them. Environment
 * is not among them: its argument is the whole validated stack config (the platform team runs
 * Paved's own program for environments); a team adds apps, jobs and services to one.
 */
export const PLUGIN_COMPONENTS = ["FrontendApp", "BatchJob", "ContainerService", "BuildImage", "SiteHost", "BatchCluster", "Network", "ServiceLoadBalancer", "Operations"] as const;

/** A field of the real args the multi-language surface leaves out, and why. */
export interface Omission {
    component: string;
    /** Dotted path from the args (or the class, for outputs), e.g. `args.build.environment`. */
    path: string;
    reason: string;
}

interface Context {
    checker: ts.TypeChecker;
    /** Generated declarations in order. */
    decls: string[];
    /** Generated type names by the type they came from, so each nested type is written once per name. */
    names: Set<string>;
    omissions: Omission[];
    component: string;
}

const pascal = (s: string) => s.replace(/(^|[-_ ])(\w)/g, (_, __, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase());

/** A symbol's TSDoc as one plain paragraph set, `@default` folded in (the analyzer reads only the comment body). */
export function docOf(checker: ts.TypeChecker, symbol: ts.Symbol): string {
    const body = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    const tags = symbol.getJsDocTags(checker);
    const def = tags.find((t) => t.name === "default");
    const defText = def ? ts.displayPartsToString(def.text).trim() : "";
    const text = defText && !/default/i.test(body.split("\n").slice(-1)[0]) ? `${body}${body ? "\n" : ""}Default: ${defText}.` : body;
    return text.replace(/\{@link\s+([^}|\s]+)[^}]*\}/g, "$1");
}

/** The TSDoc of a field's named type (an interface or alias of Paved's), for a field without its own. */
function typeDocOf(checker: ts.TypeChecker, type: ts.Type): string {
    const bare = checker.getNonNullableType(type);
    const symbol = bare.aliasSymbol ?? bare.getSymbol();
    const decl = symbol?.declarations?.[0];
    if (!symbol || !decl || decl.getSourceFile().fileName.includes("/node_modules/") || symbol.flags & ts.SymbolFlags.TypeLiteral) return "";
    return docOf(checker, symbol);
}

function comment(text: string, indent: string): string {
    if (!text) return "";
    const lines = text.replace(/\*\//g, "*\\/").split("\n");
    return lines.length === 1 ? `${indent}/** ${lines[0]} */\n` : `${indent}/**\n${lines.map((l) => `${indent} *${l ? ` ${l}` : ""}`).join("\n")}\n${indent} */\n`;
}

const symbolName = (t: ts.Type) => t.getSymbol()?.getName() ?? t.aliasSymbol?.getName();

/** `Input<T>` (T | Promise<T> | OutputInstance<T>) → T, or undefined when the type is not an input. */
function inputInner(checker: ts.TypeChecker, type: ts.Type): ts.Type | undefined {
    if (!type.isUnion()) return undefined;
    const output = type.types.find((t) => symbolName(t) === "OutputInstance");
    if (!output || !type.types.some((t) => symbolName(t) === "Promise")) return undefined;
    return (output as ts.TypeReference).typeArguments?.[0] ?? checker.getTypeArguments(output as ts.TypeReference)[0];
}

/** `Output<T>` (OutputInstance<T> & Lifted<T>) → T. */
function outputInner(checker: ts.TypeChecker, type: ts.Type): ts.Type | undefined {
    // Output<T | undefined> distributes over the union: any member carries OutputInstance<T | undefined>.
    const parts = type.isUnion() ? type.types.flatMap((t) => (t.isIntersection() ? t.types : [t])) : type.isIntersection() ? type.types : [type];
    const output = parts.find((t) => symbolName(t) === "OutputInstance" || symbolName(t) === "Output");
    return output ? checker.getTypeArguments(output as ts.TypeReference)[0] : undefined;
}

const isResource = (checker: ts.TypeChecker, type: ts.Type) => !!type.getProperty("urn") && !!type.getProperty("getProvider");

/**
 * The plain-data TypeScript for `type`, or the reason it has none. `name` names a generated
 * interface for an object type; `allowed` collects literal values a union allowed.
 */
function plain(ctx: Context, type: ts.Type, name: string, where: string, allowed: string[]): { text: string } | { omit: string } {
    const { checker } = ctx;
    const input = inputInner(checker, type);
    if (input) {
        const inner = plain(ctx, input, name, where, allowed);
        return "text" in inner ? { text: `pulumi.Input<${inner.text}>` } : inner;
    }
    if (type.isUnion()) {
        const parts = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)));
        if (parts.length === 0) return { omit: "has no value" };
        if (parts.every((t) => t.flags & ts.TypeFlags.BooleanLike)) return { text: "boolean" };
        if (parts.every((t) => t.flags & ts.TypeFlags.StringLike)) {
            for (const t of parts) if (t.isStringLiteral()) allowed.push(JSON.stringify(t.value));
            return { text: "string" };
        }
        if (parts.every((t) => t.flags & ts.TypeFlags.NumberLike)) {
            for (const t of parts) if (t.isNumberLiteral()) allowed.push(String(t.value));
            return { text: "number" };
        }
        if (parts.length === 1) return plain(ctx, parts[0], name, where, allowed);
        return { omit: `is a union (${checker.typeToString(type)})` };
    }
    if (type.flags & ts.TypeFlags.StringLike) {
        if (type.isStringLiteral()) allowed.push(JSON.stringify(type.value));
        return { text: "string" };
    }
    if (type.flags & ts.TypeFlags.NumberLike) {
        if (type.isNumberLiteral()) allowed.push(String(type.value));
        return { text: "number" };
    }
    if (type.flags & ts.TypeFlags.BooleanLike) return { text: "boolean" };
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { omit: "is untyped" };
    if (type.getCallSignatures().length) return { omit: "is a function" };
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
        const element = checker.getTypeArguments(type as ts.TypeReference)[0];
        const inner = plain(ctx, element, name, `${where}[]`, allowed);
        return "text" in inner ? { text: `${inner.text.includes("|") || inner.text.includes("<") ? `Array<${inner.text}>` : `${inner.text}[]`}` } : inner;
    }
    if (isResource(checker, type)) return { omit: `is a Pulumi resource (${checker.typeToString(type)})` };
    if (type.flags & ts.TypeFlags.Object) {
        const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
        const props = checker.getPropertiesOfType(type);
        if (index && props.length === 0) {
            const inner = plain(ctx, index.type, name, `${where}[key]`, []);
            return "text" in inner ? { text: `Record<string, ${inner.text}>` } : inner;
        }
        if (props.length === 0) return { omit: "is an object without fields" };
        if (type.getConstructSignatures().length) return { omit: "is a class" };
        const failure = objectInterface(ctx, type, name, where, undefined);
        return failure ? { omit: failure } : { text: name };
    }
    return { omit: `has a type the analyzer cannot read (${checker.typeToString(type)})` };
}

/**
 * Writes `export interface <name>` with the plain-data fields of `type`; returns why it cannot
 * when a required field has no plain form (the caller then leaves the whole field out).
 */
function objectInterface(ctx: Context, type: ts.Type, name: string, where: string, doc: string | undefined): string | undefined {
    if (ctx.names.has(name)) return undefined;
    ctx.names.add(name);
    const slot = ctx.decls.length;
    ctx.decls.push("");
    const omitted = ctx.omissions.length;
    const fields: string[] = [];
    for (const prop of ctx.checker.getPropertiesOfType(type)) {
        const decl = prop.valueDeclaration ?? prop.declarations?.[0];
        const propType = ctx.checker.getTypeOfSymbolAtLocation(prop, decl ?? prop.declarations![0]);
        const optional = !!(prop.flags & ts.SymbolFlags.Optional) || (propType.isUnion() && propType.types.some((t) => t.flags & ts.TypeFlags.Undefined));
        const allowed: string[] = [];
        const result = plain(ctx, propType, `${name.replace(/Args$/, "")}${pascal(prop.name)}`, `${where}.${prop.name}`, allowed);
        if ("omit" in result) {
            if (!optional) {
                ctx.names.delete(name);
                ctx.omissions.length = omitted;
                return `has a required field ${prop.name} that ${result.omit}`;
            }
            ctx.omissions.push({ component: ctx.component, path: `${where}.${prop.name}`, reason: result.omit });
            continue;
        }
        const values = [...new Set(allowed)];
        const text = [docOf(ctx.checker, prop) || typeDocOf(ctx.checker, propType), values.length > 1 ? `One of: ${values.join(", ")}.` : ""].filter(Boolean).join("\n");
        fields.push(`${comment(text, "    ")}    ${prop.name}${optional ? "?" : ""}: ${result.text};`);
    }
    const typeDoc = doc ?? (type.aliasSymbol ? docOf(ctx.checker, type.aliasSymbol) : type.getSymbol() && !(type.getSymbol()!.flags & ts.SymbolFlags.TypeLiteral) ? docOf(ctx.checker, type.getSymbol()!) : "");
    ctx.decls[slot] = `${comment(typeDoc, "")}export interface ${name} {\n${fields.join("\n")}\n}`;
    return undefined;
}

export interface GeneratedPlugin {
    source: string;
    omissions: Omission[];
}

/** Generates plugin/index.ts from the components the `paved` entry point exports. */
export function generatePlugin(root = ROOT, components: readonly string[] = PLUGIN_COMPONENTS, entry = path.join(root, "components", "index.ts")): GeneratedPlugin {
    const config = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile).config, ts.sys, root);
    const program = ts.createProgram([entry], { ...config.options, noEmit: true });
    const checker = program.getTypeChecker();
    const file = program.getSourceFile(entry)!;
    const exported = new Map(checker.getExportsOfModule(checker.getSymbolAtLocation(file)!).map((s) => [s.name, s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s]));
    const ctx: Context = { checker, decls: [], names: new Set(), omissions: [], component: "" };
    const classes: string[] = [];
    for (const name of components) {
        const symbol = exported.get(name);
        const decl = symbol?.declarations?.find(ts.isClassDeclaration);
        if (!symbol || !decl) throw new Error(`${name} is not a class the paved entry point exports`);
        ctx.component = name;
        const ctor = decl.members.find(ts.isConstructorDeclaration);
        const argsParam = ctor?.parameters.find((p) => p.name.getText() === "args");
        if (!argsParam) throw new Error(`${name}'s constructor has no \`args\` parameter`);
        const argsType = checker.getTypeAtLocation(argsParam);
        const argsName = `${name}Args`;
        // The doc of the args type as written (`FrontendAppArgs`), not of what it resolves to (zod's `input`).
        const written = argsParam.type && ts.isTypeReferenceNode(argsParam.type) ? checker.getSymbolAtLocation(argsParam.type.typeName) : undefined;
        const argsSymbol = written && written.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(written) : written;
        const argsDoc = argsSymbol ? docOf(checker, argsSymbol) : "";
        const failure = objectInterface(ctx, checker.getNonNullableType(argsType), argsName, "args", argsDoc || `The arguments of ${name}.`);
        if (failure) throw new Error(`${name}: its args ${failure}: the component cannot be offered to other languages`);

        // Outputs: the class's public readonly properties, as Outputs.
        const members: string[] = [];
        const assigns: string[] = [];
        for (const prop of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
            const pdecl = prop.valueDeclaration;
            if (!pdecl || !ts.isPropertyDeclaration(pdecl) || pdecl.parent !== decl) continue;
            const modifiers = (ts.getModifiers(pdecl) ?? []).map((m) => m.kind);
            if (modifiers.includes(ts.SyntaxKind.PrivateKeyword) || modifiers.includes(ts.SyntaxKind.ProtectedKeyword) || modifiers.includes(ts.SyntaxKind.StaticKeyword)) continue;
            const declared = checker.getTypeOfSymbolAtLocation(prop, pdecl);
            const optional = declared.isUnion() && declared.types.some((t) => t.flags & ts.TypeFlags.Undefined);
            const bare = checker.getNonNullableType(declared);
            const inner = outputInner(checker, bare) ?? bare;
            const allowed: string[] = [];
            const result = plain(ctx, inner, `${name}${pascal(prop.name)}`, `${name}.${prop.name}`, allowed);
            if ("omit" in result) {
                ctx.omissions.push({ component: name, path: `${name}.${prop.name}`, reason: result.omit });
                continue;
            }
            const values = [...new Set(allowed)];
            const text = [docOf(checker, prop) || typeDocOf(checker, inner), values.length > 1 ? `One of: ${values.join(", ")}.` : ""].filter(Boolean).join("\n");
            const maybe = optional || (inner.isUnion() && inner.types.some((x) => x.flags & ts.TypeFlags.Undefined));
            const t = `${result.text}${maybe ? " | undefined" : ""}`;
            members.push(`${comment(text, "    ")}    public readonly ${prop.name}: pulumi.Output<${t}>;`);
            assigns.push(`        this.${prop.name} = pulumi.output<${t}>(component.${prop.name});`);
        }
        const classDoc = docOf(checker, symbol);
        classes.push(
            `${comment(classDoc, "")}export class ${name} extends pulumi.ComponentResource {\n${members.join("\n")}\n\n` +
                `    constructor(name: string, args: ${argsName}, opts?: pulumi.ComponentResourceOptions) {\n` +
                `        super("${PACKAGE_NAME}:index:${name}", name, {}, opts);\n` +
                `        // The fields this interface has are the real args' (or their plain form): the component validates them.\n` +
                `        const component = new paved.${name}(name, args as unknown as paved.${argsName}, { parent: this });\n` +
                `${assigns.join("\n")}\n` +
                `        this.registerOutputs({ ${assigns.map((a) => /this\.(\w+) =/.exec(a)![1]).map((k) => `${k}: this.${k}`).join(", ")} });\n    }\n}`,
        );
    }
    const header = `// Generated by \`npm run plugin\` (scripts/plugin.ts) from the components' args types and TSDoc; do not edit.
// Paved's components for Python, Go, C#, Java and YAML programs (PulumiPlugin.yaml): plain-data args,
// the real component as each one's child. What the plain args leave out: plugin/README.md.
import * as pulumi from "@pulumi/pulumi";
import * as paved from "paved";
`;
    return { source: `${header}\n${ctx.decls.filter(Boolean).join("\n\n")}\n\n${classes.join("\n\n")}\n`, omissions: ctx.omissions };
}

/** plugin/README.md: what each component's multi-language args leave out. */
export function omissionsReadme(omissions: readonly Omission[]): string {
    const rows = omissions.map((o) => `| ${o.component} | \`${o.path}\` | ${o.reason.replace(/\|/g, "\\|")} |`);
    return `# Paved's components in other languages: what differs from TypeScript

Generated by \`npm run plugin\`; do not edit. The multi-language components (\`paved:index:<Name>\`)
take the TypeScript args as plain data: string literal unions are strings (the description lists
the values; the component rejects others before anything is created), and the fields below are
left out because Pulumi's component analyzer cannot express them (functions, transform hooks,
Pulumi resources, unions of different shapes). Their defaults apply. Outputs that are Pulumi
resources are left out likewise; their ids and ARNs are outputs of their own.

| component | field | why it is left out |
|---|---|---|
${rows.join("\n") || "| (none) | | |"}
`;
}

/** The package schema, from Pulumi's analyzer over plugin/index.ts, as `pulumi package add` builds it. */
export function generateSchema(root = ROOT): Record<string, unknown> {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    // The analyzer ships inside @pulumi/pulumi (provider/experimental), not in its public exports.
    const experimental = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [root] })), "provider", "experimental");
    const { Analyzer } = require(path.join(experimental, "analyzer"));
    const { generateSchema: toSchema } = require(path.join(experimental, "schema"));
    const analyzed = new Analyzer(root, PACKAGE_NAME, manifest, new Set(PLUGIN_COMPONENTS)).analyze();
    return toSchema(PACKAGE_NAME, manifest.version, manifest.description, analyzed.components, analyzed.typeDefinitions, analyzed.dependencies, undefined);
}

if (require.main === module) {
    const generated = generatePlugin();
    fs.mkdirSync(path.dirname(PLUGIN_FILE), { recursive: true });
    fs.writeFileSync(PLUGIN_FILE, generated.source);
    fs.writeFileSync(PLUGIN_README, omissionsReadme(generated.omissions));
    console.log(`wrote ${path.relative(process.cwd(), PLUGIN_FILE)}, ${path.relative(process.cwd(), PLUGIN_README)}`);
    if (!process.argv.includes("--no-schema")) {
        fs.writeFileSync(SCHEMA_FILE, `${JSON.stringify(generateSchema(), null, 2)}\n`);
        console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
    }
}
