import type {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { isRecord, parseJson } from "./documents";
import { appliesTo, ResourceView, Rule, StackView } from "./rules";

/**
 * Turns Paved's rules into `@pulumi/policy` policies: resource-scoped rules become
 * `validateResource`, cross-resource rules `validateStack`. Kept apart from `index.ts` because
 * constructing a `PolicyPack` starts the analyzer's gRPC server; this module only builds the
 * policy objects, so tests call their validate functions directly.
 */
export function toPolicies(list: readonly Rule[]): (ResourceValidationPolicy | StackValidationPolicy)[] {
    return list.map((rule) => {
        const base = { name: rule.name, description: `${rule.description} [${rule.control}]`, enforcementLevel: rule.enforcementLevel };
        if (rule.scope === "resource") {
            const policy: ResourceValidationPolicy = {
                ...base,
                validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
                    if (!appliesTo(rule, args.type)) return;
                    const view: ResourceView = { type: args.type, urn: args.urn, name: args.name, props: args.props };
                    const stack: StackView = { resources: [view], defaultTags: providerDefaultTags(args.provider?.props) };
                    for (const message of rule.validate(view, stack)) report(message);
                },
            };
            return policy;
        }
        const policy: StackValidationPolicy = {
            ...base,
            validateStack: (args: StackValidationArgs, report: ReportViolation) => {
                const stack: StackView = { resources: args.resources.map(toView), defaultTags: {} };
                args.resources.forEach((r, i) => {
                    if (!appliesTo(rule, r.type)) return;
                    const view = stack.resources[i];
                    stack.defaultTags = providerDefaultTags(r.provider?.props);
                    for (const message of rule.validate(view, stack)) report(message, r.urn);
                });
            },
        };
        return policy;
    });
}

function toView(r: PolicyResource): ResourceView {
    return { type: r.type, urn: r.urn, name: r.name, props: r.props, dependencies: r.dependencies.map((d) => d.urn) };
}

/**
 * The `defaultTags.tags` of an aws provider's properties. Provider config reaches the analyzer
 * either as objects or as JSON strings (the engine stringifies non-string provider inputs).
 */
export function providerDefaultTags(props: Record<string, any> | undefined): Record<string, string> {
    const defaultTags = parseJson(props?.defaultTags);
    const tags = isRecord(defaultTags) ? parseJson(defaultTags.tags) : undefined;
    if (!isRecord(tags)) return {};
    return Object.fromEntries(Object.entries(tags).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}
