/** Policy rules for ECR (see `./index.ts` for the pack). */
import { Rule, T } from "./types";
import { truthy, refersTo, ofType } from "./helpers";
import { asArray, isRecord, parseJson } from "../documents";

export const ecrScanOnPush: Rule = {
    name: "ecr-scan-on-push",
    control: "ECR.1",
    description: "ECR repositories scan images on push.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.repository],
    scope: "resource",
    validate(r) {
        return truthy(r.props.imageScanningConfiguration?.scanOnPush) ? [] : [`repository ${r.name} does not scan on push; set imageScanningConfiguration.scanOnPush to true`];
    },
};

export const ecrImmutableTags: Rule = {
    name: "ecr-immutable-tags",
    control: "ECR.2",
    description: 'ECR repositories have immutable image tags ("IMMUTABLE", or "IMMUTABLE_WITH_EXCLUSION" with named exclusions, not "*").',
    enforcementLevel: "mandatory",
    resourceTypes: [T.repository],
    scope: "resource",
    validate(r) {
        const mutability = r.props.imageTagMutability ?? "MUTABLE";
        if (mutability === "IMMUTABLE") return [];
        if (mutability === "IMMUTABLE_WITH_EXCLUSION") {
            const all = asArray(r.props.imageTagMutabilityExclusionFilters).filter((f) => isRecord(f) && /^\*+$/.test(String(f.filter)));
            return all.length ? [`repository ${r.name} excludes every tag ("*") from immutability; name the few mutable tags instead`] : [];
        }
        return [`repository ${r.name} has mutable tags (${JSON.stringify(mutability)}); set imageTagMutability to "IMMUTABLE"`];
    },
};

export const ecrLifecycle: Rule = {
    name: "ecr-lifecycle-policy",
    control: "ECR.3",
    description: "Every ECR repository has a lifecycle policy with at least one rule.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.repository],
    scope: "stack",
    validate(repo, stack) {
        const policies = ofType(stack, T.lifecyclePolicy).filter((p) => refersTo(p.props.repository, repo, p));
        const ok = policies.some((p) => {
            const doc = parseJson(p.props.policy);
            return isRecord(doc) && asArray(doc.rules).length > 0;
        });
        return ok ? [] : [`repository ${repo.name} has no lifecycle policy with rules; add an ecr.LifecyclePolicy that expires old images`];
    },
};
