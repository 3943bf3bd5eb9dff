/**
 * EventBridge's event pattern matching and input transformation, written from AWS's documentation
 * for tests: "Creating Amazon EventBridge event patterns" and "Content filtering in Amazon
 * EventBridge event patterns" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html)
 * and "Amazon EventBridge input transformation"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html).
 *
 * Why not a library: moto 5.2.1 does not implement TestEventPattern (NotImplementedError), and its
 * rule matcher (used by PutEvents) does not look into arrays of objects, which ECS task events
 * are made of (`detail.containers[].exitCode`); no maintained matcher is published on npm. The
 * tests run every sample through moto's PutEvents too, wherever moto's matcher is faithful.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The leaf values at `key` of `node`: arrays flattened, absent as []. */
function leaves(value: unknown): unknown[] {
    if (value === undefined) return [];
    if (Array.isArray(value)) return value.flatMap((v) => (Array.isArray(v) ? leaves(v) : [v]));
    return [value];
}

function wildcard(pattern: string, value: string): boolean {
    const re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    return re.test(value);
}

function ipv4(s: string): number | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
    if (!m) return undefined;
    const parts = m.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** Whether one leaf value satisfies a string-matching operator (prefix, suffix, equals-ignore-case, wildcard). */
function stringOp(op: string, arg: unknown, v: unknown): boolean {
    if (typeof v !== "string") return false;
    if (isObject(arg) && "equals-ignore-case" in arg) {
        const a = String(arg["equals-ignore-case"]).toLowerCase();
        const s = v.toLowerCase();
        return op === "prefix" ? s.startsWith(a) : op === "suffix" ? s.endsWith(a) : false;
    }
    const args = Array.isArray(arg) ? arg : [arg];
    return args.some((a) => {
        if (typeof a !== "string") throw new Error(`event pattern: ${op} takes strings, got ${JSON.stringify(a)}`);
        switch (op) {
            case "prefix":
                return v.startsWith(a);
            case "suffix":
                return v.endsWith(a);
            case "equals-ignore-case":
                return v.toLowerCase() === a.toLowerCase();
            case "wildcard":
                return wildcard(a, v);
        }
        throw new Error(`event pattern: unknown string operator ${op}`);
    });
}

function numeric(conds: unknown, v: unknown): boolean {
    if (!Array.isArray(conds) || conds.length === 0 || conds.length % 2 !== 0) throw new Error(`event pattern: numeric takes [op, n, ...], got ${JSON.stringify(conds)}`);
    if (typeof v !== "number") return false;
    for (let i = 0; i < conds.length; i += 2) {
        const [op, n] = [conds[i], conds[i + 1]];
        if (typeof n !== "number") throw new Error(`event pattern: numeric bound ${JSON.stringify(n)} is not a number`);
        const ok = op === "<" ? v < n : op === "<=" ? v <= n : op === "=" ? v === n : op === ">=" ? v >= n : op === ">" ? v > n : undefined;
        if (ok === undefined) throw new Error(`event pattern: unknown numeric operator ${JSON.stringify(op)}`);
        if (!ok) return false;
    }
    return true;
}

/** Whether the values at one pattern leaf match one of its filters. */
function filterMatches(filter: unknown, values: unknown[]): boolean {
    if (!isObject(filter)) return values.some((v) => v === filter || (typeof v === "number" && typeof filter === "number" && v === filter));
    const ops = Object.keys(filter);
    if (ops.length !== 1) throw new Error(`event pattern: a filter object has one operator, got ${JSON.stringify(filter)}`);
    const op = ops[0];
    const arg = filter[op];
    switch (op) {
        case "exists":
            if (typeof arg !== "boolean") throw new Error("event pattern: exists takes true or false");
            return arg ? values.length > 0 : values.length === 0;
        case "prefix":
        case "suffix":
        case "equals-ignore-case":
        case "wildcard":
            return values.some((v) => stringOp(op, arg, v));
        case "numeric":
            return values.some((v) => numeric(arg, v));
        case "cidr":
            return values.some((v) => {
                const [net, bits] = String(arg).split("/");
                const ip = typeof v === "string" ? ipv4(v) : undefined;
                const base = ipv4(net);
                if (ip === undefined || base === undefined) return false;
                const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
                return (ip & mask) === (base & mask);
            });
        case "anything-but": {
            // The field must exist; a value matches when it is none of the excluded ones.
            const excluded = (v: unknown): boolean => {
                if (isObject(arg)) {
                    const [inner] = Object.keys(arg);
                    return stringOp(inner, arg[inner], v);
                }
                return (Array.isArray(arg) ? arg : [arg]).some((x) => x === v);
            };
            return values.some((v) => !excluded(v));
        }
    }
    throw new Error(`event pattern: unknown operator ${op}`);
}

/** Whether `event` (or a part of it) matches `pattern` (or the part at the same place). */
function matchesObject(pattern: Record<string, unknown>, node: unknown): boolean {
    for (const [key, sub] of Object.entries(pattern)) {
        if (key === "$or") {
            if (!Array.isArray(sub) || sub.length < 2) throw new Error("event pattern: $or takes at least two patterns");
            if (!sub.some((p) => matchesObject(p as Record<string, unknown>, node))) return false;
            continue;
        }
        const value = isObject(node) ? node[key] : undefined;
        if (isObject(sub)) {
            // Arrays of objects: the sub-pattern matches when one element matches it.
            const candidates = Array.isArray(value) ? value.filter(isObject) : [isObject(value) ? value : {}];
            if (candidates.length === 0) candidates.push({});
            if (!candidates.some((c) => matchesObject(sub, c))) return false;
            continue;
        }
        if (!Array.isArray(sub) || sub.length === 0) throw new Error(`event pattern: "${key}" must be an object or a non-empty array`);
        const values = leaves(value).filter((v) => !isObject(v));
        if (!sub.some((f) => filterMatches(f, values))) return false;
    }
    return true;
}

/** Whether `event` matches the EventBridge `pattern`. Throws on a pattern EventBridge would refuse. */
export function matchesEventPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
    return matchesObject(pattern, event);
}

/** The pattern's paths that cross an array of objects in `event` (where moto 5.2.1's matcher is wrong). */
export function pathsThroughObjectArrays(pattern: Record<string, unknown>, event: unknown, prefix = ""): string[] {
    const out: string[] = [];
    for (const [key, sub] of Object.entries(pattern)) {
        if (key === "$or" && Array.isArray(sub)) {
            for (const p of sub) out.push(...pathsThroughObjectArrays(p as Record<string, unknown>, event, prefix));
            continue;
        }
        const value = isObject(event) ? event[key] : undefined;
        if (isObject(sub)) {
            if (Array.isArray(value) && value.some(isObject)) out.push(`${prefix}${key}`);
            else out.push(...pathsThroughObjectArrays(sub, value, `${prefix}${key}.`));
        }
    }
    return out;
}

/** The value at an EventBridge JSON path (dot notation, `[n]` indices); undefined when absent. */
export function jsonPath(event: unknown, path: string): unknown {
    if (path === "$") return event;
    if (!path.startsWith("$.")) throw new Error(`input path ${path} must start with "$."`);
    let node: unknown = event;
    for (const part of path.slice(2).split(".")) {
        const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
        if (!m) throw new Error(`input path ${path}: unsupported segment ${part}`);
        node = isObject(node) ? node[m[1]] : undefined;
        for (const idx of m[2].match(/\d+/g) ?? []) node = Array.isArray(node) ? node[Number(idx)] : undefined;
        if (node === undefined) return undefined;
    }
    return node;
}

/**
 * The text EventBridge sends the target for `event`: each `<var>` of the template replaced by its
 * value. Outside a JSON string a value is inserted as JSON; inside one, as its text without
 * escaping (as documented). A variable whose path is absent is not created; it is replaced by
 * nothing. Predefined `aws.events.*` variables are not supported (Paved's templates do not use them).
 */
export function applyInputTransformer(transformer: { inputPathsMap: Record<string, string>; inputTemplate: string }, event: Record<string, unknown>): string {
    const values = new Map<string, unknown>();
    for (const [name, path] of Object.entries(transformer.inputPathsMap)) {
        const v = jsonPath(event, path);
        if (v !== undefined) values.set(name, v);
    }
    const template = transformer.inputTemplate;
    let out = "";
    let inString = false;
    for (let i = 0; i < template.length; i++) {
        const c = template[i];
        if (c === "\\" && inString) {
            out += c + template[i + 1];
            i++;
            continue;
        }
        if (c === '"') inString = !inString;
        if (c === "<") {
            const end = template.indexOf(">", i);
            const name = template.slice(i + 1, end);
            if (end < 0 || !(name in transformer.inputPathsMap)) throw new Error(`input template: placeholder <${name}> has no input path (PutTargets would refuse it)`);
            const v = values.get(name);
            if (v !== undefined) out += inString ? (typeof v === "string" ? v : JSON.stringify(v)) : JSON.stringify(v as Json);
            i = end;
            continue;
        }
        out += c;
    }
    return out;
}
