import * as fs from "fs";
import * as path from "path";

let cache: Set<string> | undefined;

/**
 * The AWS provider's resource types that take `tags`, read from the installed @pulumi/aws
 * (each resource's `XArgs` interface declares `tags?:`), so tag invariants follow the provider
 * version instead of a hand-kept list.
 */
export function taggableTypes(): Set<string> {
    if (cache) return cache;
    const root = path.dirname(require.resolve("@pulumi/aws/package.json"));
    const out = new Set<string>();
    for (const dir of fs.readdirSync(root, { withFileTypes: true })) {
        if (!dir.isDirectory() || dir.name === "types" || dir.name === "node_modules") continue;
        for (const file of fs.readdirSync(path.join(root, dir.name))) {
            if (!file.endsWith(".d.ts")) continue;
            const dts = fs.readFileSync(path.join(root, dir.name, file), "utf8");
            const args = /export interface (\w+)Args \{([\s\S]*?)\n\}/.exec(dts);
            if (!args || !/\n {4}tags\?:/.test(args[2])) continue;
            const js = path.join(root, dir.name, file.replace(/\.d\.ts$/, ".js"));
            const token = fs.existsSync(js) ? /static __pulumiType = '([^']+)'/.exec(fs.readFileSync(js, "utf8"))?.[1] : undefined;
            if (token) out.add(token);
        }
    }
    cache = out;
    return out;
}
