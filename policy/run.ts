import { parseConfig } from "../components/config";
import { type RecordedResource } from "../components/testing";
import { projectNameOr, readStackConfigFile, stackConfigFile } from "../components/offline";
import { providerDefaultTags } from "./pack";
import { appliesTo, requiredTags, ResourceView, Rule, rules as allRules, StackView } from "./rules";

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
    const cloud = resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    const stack: StackView = { resources: cloud.map(toResourceView), defaultTags: options.defaultTags ?? {} };
    // Resources with an explicit aws provider get that provider's default tags instead.
    const providerTags = new Map<string, Record<string, string>>();
    for (const p of resources.filter((r) => r.type === "pulumi:providers:aws")) {
        providerTags.set(`${p.urn}::${p.id}`, providerDefaultTags(p.inputs));
    }
    const active = (options.rules ?? allRules).filter((r) => r.enforcementLevel === "mandatory" || (options.includeAdvisory && r.enforcementLevel === "advisory"));
    const out: Violation[] = [];
    for (const rule of active) {
        cloud.forEach((recorded, i) => {
            const resource = stack.resources[i];
            if (!appliesTo(rule, resource.type)) return;
            const tags = recorded.provider ? providerTags.get(recorded.provider) : undefined;
            for (const message of rule.validate(resource, tags ? { ...stack, defaultTags: tags } : stack)) {
                out.push({ rule: rule.name, control: rule.control, enforcementLevel: rule.enforcementLevel, urn: resource.urn, type: resource.type, message });
            }
        });
    }
    return out;
}

/**
 * The required tags of a committed environment (`Pulumi.<env>.yaml`): what its aws provider's
 * default tags carry. Throws the config's `ConfigError` when the config is invalid.
 */
export function environmentTags(env: string, projectDir = process.cwd()): Record<string, string> {
    const project = projectNameOr(projectDir);
    const values = readStackConfigFile(stackConfigFile(projectDir, env), project);
    const config = parseConfig({ project, stack: env, values, projectDir });
    return requiredTags({ environment: config.name, team: config.tags.team, costCenter: config.tags.costCenter });
}

/** Violations as lines for an assertion message or the CLI. */
export function formatViolations(violations: readonly Violation[]): string {
    return violations.map((v) => `  - [${v.rule} ${v.control}] ${v.message}\n    ${v.urn}`).join("\n");
}
