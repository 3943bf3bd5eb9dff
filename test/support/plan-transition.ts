import { RecordedResource } from "../../components/testing";
import { explicitPhysicalNames } from "../../components/testing/name-checks";

/**
 * What a resource IS in AWS, beyond its URN: two URNs with the same identity manage the same
 * physical thing. A KeyValueStore key is its store and key; an S3 object its bucket and key; a
 * per-bucket setting (policy, versioning, ...) its bucket; a policy attachment its role and policy;
 * a listener rule its listener and priority; a scalable target its resource and dimension; any
 * other resource its explicit physical names (`name`, `bucket`, ... where Paved names it).
 * Undefined when Pulumi auto-names it (then a new URN is a new thing).
 */
export function physicalIdentities(r: RecordedResource): string[] {
    const i = r.inputs;
    switch (r.type) {
        case "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey":
            return [`kvs-key ${i.keyValueStoreArn} ${i.key}`];
        case "aws:s3/bucketObject:BucketObject":
        case "aws:s3/bucketObjectv2:BucketObjectv2":
            return [`s3-object ${i.bucket}/${i.key}`];
        case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            return [`attachment ${i.role} ${i.policyArn}`];
        case "aws:iam/rolePolicy:RolePolicy":
            return i.name ? [`role-policy ${i.role} ${i.name}`] : [];
        case "aws:lb/listenerRule:ListenerRule":
        case "aws:alb/listenerRule:ListenerRule":
            return i.priority !== undefined ? [`listener-rule ${i.listenerArn} ${i.priority}`] : [];
        case "aws:appautoscaling/target:Target":
            return [`scalable-target ${i.serviceNamespace} ${i.resourceId} ${i.scalableDimension}`];
        // A new revision of a family is a new thing: deleting an old revision deregisters only it.
        case "aws:ecs/taskDefinition:TaskDefinition":
            return [];
    }
    if (/^aws:s3\/bucket[A-Z]/.test(r.type) && typeof i.bucket === "string") return [`${r.type} ${i.bucket}`];
    return explicitPhysicalNames(r.type, i).map((n) => `${r.type} ${n}`);
}

export interface TransitionProblem {
    /** The URN the transition deletes. */
    deleted: string;
    /** The URN of the new plan that has the same physical identity. */
    kept: string;
    identity: string;
}

/**
 * The rule any config change must keep: a URN the transition deletes (in `before`, not in
 * `after`) must not share a physical identity with a URN of `after`. Pulumi creates and updates
 * first and deletes last, so such a delete removes what the new plan just created or kept, and the
 * next `up` does not notice (a route that 404s after a successful rename, for one).
 */
export function transitionProblems(before: RecordedResource[], after: RecordedResource[]): TransitionProblem[] {
    // A URN the new plan names as an alias is moved, not deleted.
    const afterUrns = new Set(after.flatMap((r) => [r.urn, ...(r.aliases ?? [])]));
    const owners = new Map<string, string>();
    for (const r of after) for (const id of physicalIdentities(r)) owners.set(id, r.urn);
    const problems: TransitionProblem[] = [];
    for (const r of before) {
        if (afterUrns.has(r.urn)) continue;
        for (const identity of physicalIdentities(r)) {
            const kept = owners.get(identity);
            if (kept) problems.push({ deleted: r.urn, kept, identity });
        }
    }
    return problems;
}

/** URNs deleted and created by the transition (an aliased URN is moved, neither). */
export function transitionUrns(before: RecordedResource[], after: RecordedResource[]): { deleted: string[]; created: string[] } {
    const a = new Set(after.flatMap((r) => [r.urn, ...(r.aliases ?? [])]));
    const b = new Set(before.map((r) => r.urn));
    return { deleted: [...b].filter((u) => !a.has(u)), created: after.map((r) => r.urn).filter((u) => !b.has(u)) };
}
