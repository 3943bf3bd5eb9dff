/** Helpers the rules share. */
import { ResourceView, StackView, T } from "./types";
import { asArray, iamMatch, isRecord, policyStatements, Statement } from "../documents";

export const str = (v: unknown): v is string => typeof v === "string" && v.length > 0;
export const truthy = (v: unknown) => v === true || v === "true";

/** The values other resources use to refer to `r`: its id, name, bucket name and ARN. */
export function identifiers(r: ResourceView): string[] {
    return [r.props.id, r.props.name, r.props.bucket, r.props.arn].filter(str);
}

/**
 * Whether `from`'s reference `ref` points at `target`: by value when the value is known, else by
 * dependency (during a preview, ids of resources not yet created are unknown).
 */
export function refersTo(ref: unknown, target: ResourceView, from: ResourceView): boolean {
    if (str(ref)) return identifiers(target).includes(ref);
    return (from.dependencies ?? []).includes(target.urn);
}

export function ofType(stack: StackView, types: string | readonly string[]): ResourceView[] {
    const set = typeof types === "string" ? [types] : types;
    return stack.resources.filter((r) => set.includes(r.type));
}

/** The bucket's ARN, when it can be known. */
export function bucketArn(bucket: ResourceView): string | undefined {
    if (str(bucket.props.arn)) return bucket.props.arn;
    const name = bucket.props.bucket ?? bucket.props.id;
    return str(name) ? `arn:aws:s3:::${name}` : undefined;
}

/** Whether a statement's resources cover `arn` (exactly or by wildcard). */
export function covers(statement: Statement, arn: string): boolean {
    return statement.resources.some((r) => iamMatch(r, arn));
}

/** Policy documents a resource carries, with where they are, for the IAM rules. */
export function policyDocuments(r: ResourceView): { where: string; document: unknown }[] {
    const out: { where: string; document: unknown }[] = [];
    if (r.props.policy !== undefined) out.push({ where: "policy", document: r.props.policy });
    asArray(r.props.inlinePolicies).forEach((p, i) => {
        if (isRecord(p) && p.policy !== undefined) out.push({ where: `inlinePolicies[${i}] (${String(p.name ?? "unnamed")})`, document: p.policy });
    });
    return out;
}

/**
 * The Allow statements of every policy document a resource carries, each with the label the IAM
 * rules' messages start with: `<resource> <where> statement <sid or index>`.
 */
export function allowStatements(r: ResourceView): { label: string; statement: Statement }[] {
    return policyDocuments(r).flatMap(({ where, document }) =>
        policyStatements(document)
            .map((statement, i) => ({ label: `${r.name} ${where} statement ${statement.sid ?? i}`, statement }))
            .filter(({ statement }) => statement.effect === "Allow"),
    );
}

export const IDENTITY_POLICY_TYPES = [T.role, T.rolePolicy, T.policy, T.userPolicy, T.groupPolicy];
