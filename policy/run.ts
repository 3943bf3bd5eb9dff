import type { RecordedResource } from "../components/testing";
import { appliesTo, ResourceView, Rule, rules as allRules, StackView } from "./rules";

/** One broken rule on one resource. */
export interface Violation {
    rule: string;
    control: string;
    enforcementLevel: Rule["enforcementLevel"];
    urn: string;
    type: string;
    message: string;
}

export interface EvaluateOptions {
    /**
     * The aws provider's default tags. Planned environments record no default provider, so the
     * caller passes the tags the environment's provider sets (see `requiredTags`).
     */
    defaultTags?: Record<string, string>;
    /** Rules to run; defaults to every rule of the pack. */
    rules?: readonly Rule[];
    /** Include advisory findings. Default false: only mandatory rules count as violations. */
    includeAdvisory?: boolean;
}

/** A recorded resource as the rules see it: inputs over outputs (as `pulumi preview` shows them), with its id. */
export function toResourceView(r: RecordedResource): ResourceView {
    return { type: r.type, urn: r.urn, name: r.name, props: { ...r.outputs, ...r.inputs, ...(r.id ? { id: r.id } : {}) }, dependencies: r.dependencies };
}

/**
 * Runs the policy pack's rules over resources recorded by the mock harness (`runProgram`,
 * `planEnvironment`), without the Pulumi engine. Disabled rules never run; advisory ones only
 * when asked.
 */
export function evaluatePolicies(resources: readonly RecordedResource[], options: EvaluateOptions = {}): Violation[] {
    const stack: StackView = { resources: resources.filter((r) => r.custom).map(toResourceView), defaultTags: options.defaultTags ?? {} };
    const active = (options.rules ?? allRules).filter((r) => r.enforcementLevel === "mandatory" || (options.includeAdvisory && r.enforcementLevel === "advisory"));
    const out: Violation[] = [];
    for (const rule of active) {
        for (const resource of stack.resources) {
            if (!appliesTo(rule, resource.type)) continue;
            for (const message of rule.validate(resource, stack)) {
                out.push({ rule: rule.name, control: rule.control, enforcementLevel: rule.enforcementLevel, urn: resource.urn, type: resource.type, message });
            }
        }
    }
    return out;
}

/** Violations as lines for an assertion message or the CLI. */
export function formatViolations(violations: readonly Violation[]): string {
    return violations.map((v) => `  - [${v.rule} ${v.control}] ${v.message}\n    ${v.urn}`).join("\n");
}
