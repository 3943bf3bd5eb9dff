import * as pulumi from "@pulumi/pulumi";
import { PavedError } from "../errors";

/**
 * How a team tweaks a child resource a component creates (as SST's `transform`): either partial
 * args merged over Paved's (`{ description: "..." }`), or a function that edits the args and the
 * resource options in place (`(args, opts, name) => { args.description = "..."; }`).
 *
 * A transform may change what Paved leaves open; it may not silently drop a guardrail. Each
 * component lists the guarded args of each child (encryption, public access, TLS, least-privilege
 * roles, deletion protection); a transform that changes one is refused with a `PavedError` naming
 * the child and the argument, before the resource is registered.
 */
export type Transform<T> = Partial<T> | ((args: T, opts: pulumi.CustomResourceOptions, name: string) => void);

/** Per-child transforms of a component, keyed by the child's role. */
export type Transforms<Children> = { [K in keyof Children]?: Transform<Children[K]> };

const ids = new WeakMap<object, number>();
let next = 0;

/** A comparable rendering of an args value: outputs and resources compare by identity. */
function snapshot(value: unknown): string {
    return JSON.stringify(value, (_k, v) => {
        if (v !== null && typeof v === "object" && (pulumi.Output.isInstance(v) || pulumi.Resource.isInstance(v) || v instanceof Promise)) {
            if (!ids.has(v)) ids.set(v, ++next);
            return `<ref ${ids.get(v)}>`;
        }
        return v;
    });
}

/**
 * Applies `transform` (if any) to a child's `args` and `opts` and returns them for the child's
 * constructor. `guarded` lists the args the transform must leave as Paved set them; `where`
 * names the option in errors, e.g. `SiteHost "site": args.transform.bucket`.
 */
export function applyTransform<T extends object>(
    transform: Transform<T> | undefined,
    name: string,
    args: T,
    opts: pulumi.CustomResourceOptions,
    guarded: ReadonlyArray<keyof T & string>,
    where: string,
): [string, T, pulumi.CustomResourceOptions] {
    if (transform === undefined) return [name, args, opts];
    const before = guarded.map((k) => snapshot(args[k]));
    let out: T;
    let outOpts = opts;
    if (typeof transform === "function") {
        out = { ...args };
        outOpts = { ...opts };
        transform(out, outOpts, name);
    } else {
        out = { ...args, ...transform };
    }
    guarded.forEach((k, i) => {
        if (snapshot(out[k]) !== before[i]) {
            throw new PavedError(`${where} changes ${k}, a guardrail Paved sets on this resource; leave it to Paved (see "Guardrails" in the README)`);
        }
    });
    return [name, out, outOpts];
}
