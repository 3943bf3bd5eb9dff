import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PavedError } from "../errors";

/**
 * The Pulumi project the CLI works on: the nearest directory at or above `from` (the working
 * directory) with a `Pulumi.yaml`, as the Pulumi CLI finds it; `from` itself when there is none.
 */
export function findProjectDir(from: string = process.cwd()): string {
    for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
        if (path.dirname(dir) === dir) return path.resolve(from);
    }
}

/**
 * The program's entry file, found as Pulumi's Node.js host finds it: `main` in `Pulumi.yaml`
 * (a file or a directory), else `index.ts`, else `index.js`.
 */
export function programEntry(projectDir: string): string {
    const manifest = path.join(projectDir, "Pulumi.yaml");
    const main = fs.existsSync(manifest) ? (YAML.parse(fs.readFileSync(manifest, "utf8"))?.main as unknown) : undefined;
    const base = typeof main === "string" ? path.resolve(projectDir, main) : projectDir;
    if (fs.existsSync(base) && fs.statSync(base).isFile()) return base;
    for (const file of ["index.ts", "index.js"]) {
        if (fs.existsSync(path.join(base, file))) return path.join(base, file);
    }
    throw new PavedError(`no Pulumi program in ${base}: expected index.ts or index.js${typeof main === "string" ? ` (Pulumi.yaml main: ${main})` : ""}`);
}

/**
 * Loads the program's function. A TypeScript program is compiled on the fly by the project's own
 * ts-node (transpile-only, as the Pulumi CLI does), unless a `.ts` loader is already registered.
 */
export function loadProgram(projectDir: string): () => unknown {
    const entry = programEntry(projectDir);
    if (entry.endsWith(".ts") && !require.extensions[".ts"]) {
        let tsNode: string;
        try {
            tsNode = require.resolve("ts-node", { paths: [projectDir] });
        } catch {
            throw new PavedError(`${path.relative(process.cwd(), entry) || entry} is TypeScript and ts-node is not installed in ${projectDir}: run \`npm install --save-dev ts-node typescript\` (or compile the program and point Pulumi.yaml's main at the JavaScript)`);
        }
        const tsconfig = path.join(projectDir, "tsconfig.json");
        require(tsNode).register({ transpileOnly: true, ...(fs.existsSync(tsconfig) ? { project: tsconfig } : { compilerOptions: { module: "commonjs", esModuleInterop: true } }) });
    }
    const program = require(entry);
    const fn = typeof program === "function" ? program : program?.default;
    if (typeof fn !== "function") throw new PavedError(`${entry} must export the program as a function (\`export = async () => {...}\`) for paved to plan it`);
    return fn;
}
