import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

/**
 * An asset or archive as a recorded plan shows it: plain data that compares with `deepStrictEqual`
 * and serializes to JSON. File paths are relative to the project root when they lie under it.
 */
export type PlainAsset =
    | { asset: "file"; path: string }
    | { asset: "string"; text: string }
    | { asset: "remote"; uri: string }
    | { archive: "file"; path: string }
    | { archive: "remote"; uri: string }
    | { archive: "assets"; assets: Record<string, PlainAsset> };

/** Whether `v` is a Pulumi asset (file, string, remote); a plain boolean, so nothing narrows to `never`. */
const isAsset = (v: unknown): boolean => pulumi.asset.Asset.isInstance(v);
const isArchive = (v: unknown): boolean => pulumi.asset.Archive.isInstance(v);

/**
 * Replaces the assets and archives in recorded values with plain objects. Pulumi's asset classes
 * hold their path, text or URI as promises, so each replacement is an object filled in once those
 * settle: `replace` keeps the caller's order, `settled()` waits for the fillings. Containers are
 * copied only on the way to an asset; everything else is returned as it is.
 */
export class PlainAssetRecorder {
    private readonly pending: Promise<void>[] = [];
    private readonly plainOf = new WeakMap<object, Record<string, unknown>>();

    /** @param root the project root, which file paths are recorded relative to. */
    constructor(private readonly root: string) {}

    /** `value` with every asset and archive in it replaced by its (soon filled) plain object. */
    replace<T>(value: T): T {
        return this.walk(value) as T;
    }

    /** Resolves once every replacement is filled in. */
    async settled(): Promise<void> {
        while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
    }

    private walk(value: unknown): unknown {
        if (value === null || typeof value !== "object") return value;
        if (isAsset(value) || isArchive(value)) return this.plain(value);
        if (Array.isArray(value)) {
            let copy: unknown[] | undefined;
            value.forEach((item, i) => {
                const replaced = this.walk(item);
                if (replaced !== item) (copy ??= value.slice())[i] = replaced;
            });
            return copy ?? value;
        }
        // Only plain records: resource references and other class instances are left alone.
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) return value;
        let copy: Record<string, unknown> | undefined;
        for (const [key, item] of Object.entries(value)) {
            const replaced = this.walk(item);
            if (replaced !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = replaced;
        }
        return copy ?? value;
    }

    private plain(a: object): Record<string, unknown> {
        const known = this.plainOf.get(a);
        if (known) return known;
        const out: Record<string, unknown> = {};
        this.plainOf.set(a, out);
        this.pending.push(this.fill(a as Record<string, any>, out));
        return out;
    }

    private async fill(a: Record<string, any>, out: Record<string, unknown>): Promise<void> {
        if (isAsset(a)) {
            if (a.path !== undefined) Object.assign(out, { asset: "file", path: this.relative(await a.path) });
            else if (a.text !== undefined) Object.assign(out, { asset: "string", text: await a.text });
            else Object.assign(out, { asset: "remote", uri: await a.uri });
            return;
        }
        if (a.assets !== undefined) {
            const assets: Record<string, unknown> = {};
            for (const [name, member] of Object.entries<any>(await a.assets)) assets[name] = this.plain(member);
            Object.assign(out, { archive: "assets", assets });
        } else if (a.path !== undefined) Object.assign(out, { archive: "file", path: this.relative(await a.path) });
        else Object.assign(out, { archive: "remote", uri: await a.uri });
    }

    /** A path under the project root, relative to it with "/" separators; any other as given. */
    private relative(p: string): string {
        if (!path.isAbsolute(p)) return p;
        const rel = path.relative(this.root, p);
        if (rel === "" || rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return p;
        return rel.split(path.sep).join("/");
    }
}
