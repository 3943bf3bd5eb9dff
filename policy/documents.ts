import { secretLikeName } from "../components/validation";

/** Shared with the config schema, which refuses such names before a plan. */
export { secretLikeName };

/**
 * Readers for the JSON documents AWS resources carry as inputs (IAM policy documents, ECS
 * container definitions, Step Functions definitions). Inputs arrive either as JSON strings or
 * as already-parsed objects (outputs of `getPolicyDocument`, hand-written objects); both are
 * accepted. Pure functions: no engine, no AWS.
 */

/** A value parsed as JSON when it is a string, otherwise itself; undefined when unparsable. */
export function parseJson(value: unknown): unknown {
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        return undefined;
    }
}

export function asArray<T = unknown>(value: unknown): T[] {
    if (value === undefined || value === null) return [];
    return (Array.isArray(value) ? value : [value]) as T[];
}

export function isRecord(value: unknown): value is Record<string, any> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** One IAM policy statement with its list fields normalized to arrays. */
export interface Statement {
    sid?: string;
    effect: string;
    actions: string[];
    notActions: string[];
    resources: string[];
    principals: unknown;
    condition: Record<string, Record<string, unknown>>;
}

/** The statements of an IAM policy document (JSON string or object); empty when it is not one. */
export function policyStatements(document: unknown): Statement[] {
    const doc = parseJson(document);
    if (!isRecord(doc)) return [];
    return asArray(doc.Statement)
        .filter(isRecord)
        .map((s) => ({
            sid: typeof s.Sid === "string" ? s.Sid : undefined,
            effect: String(s.Effect ?? ""),
            actions: asArray(s.Action).map(String),
            notActions: asArray(s.NotAction).map(String),
            resources: asArray(s.Resource).map(String),
            principals: s.Principal,
            condition: isRecord(s.Condition) ? (s.Condition as Record<string, Record<string, unknown>>) : {},
        }));
}

/** Whether an IAM pattern (`*` and `?` wildcards, case-insensitive as IAM actions are) matches `value`. */
export function iamMatch(pattern: string, value: string, caseInsensitive = false): boolean {
    const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${escaped}$`, caseInsensitive ? "i" : "").test(value);
}

/** Whether the principal is everyone: `"*"` or `{ AWS: "*" }`. */
export function isPublicPrincipal(principal: unknown): boolean {
    if (principal === "*") return true;
    return isRecord(principal) && asArray(principal.AWS).some((p) => p === "*");
}

/** Service principals named in a statement, e.g. `cloudfront.amazonaws.com`. */
export function servicePrincipals(principal: unknown): string[] {
    return isRecord(principal) ? asArray(principal.Service).map(String) : [];
}

/** A condition value under any operator (`StringEquals`, `ArnLike`...) for a key, case-insensitively. */
export function conditionValues(condition: Record<string, Record<string, unknown>>, key: string, operators?: string[]): unknown[] {
    const out: unknown[] = [];
    for (const [op, entries] of Object.entries(condition)) {
        if (operators && !operators.includes(op)) continue;
        if (!isRecord(entries)) continue;
        for (const [k, v] of Object.entries(entries)) if (k.toLowerCase() === key.toLowerCase()) out.push(...asArray(v));
    }
    return out;
}

/** ECS container definitions (the task definition's JSON string or array). */
export function containerDefinitions(value: unknown): Record<string, any>[] {
    return asArray(parseJson(value)).filter(isRecord);
}

/** Every value stored under `key` anywhere inside a JSON-like value (for state machine definitions). */
export function valuesUnderKey(value: unknown, key: string): unknown[] {
    const out: unknown[] = [];
    const walk = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (isRecord(v)) {
            for (const [k, child] of Object.entries(v)) {
                if (k === key) out.push(child);
                walk(child);
            }
        }
    };
    walk(value);
    return out;
}

