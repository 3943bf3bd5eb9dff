import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planEnvironment, PROJECT_DIR } from "../../cli/plan";
import { taggableTypes, type ProgramResult } from "../../components/testing";
import { environmentTags, evaluatePolicies, formatViolations } from "../../policy/run";
import { T, TAGGABLE_TYPES } from "../../policy/rules";
import { sharedPlan } from "../support/plans";

/**
 * The policy pack over every committed environment's planned resources: each `Pulumi.<env>.yaml`
 * at the project root is planned under the mock harness and must have zero violations. New
 * environments (staging, prod, ephemeral copies) are picked up as their files appear.
 */

const environments = fs
    .readdirSync(PROJECT_DIR)
    .filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))
    .map((f) => f.slice("Pulumi.".length, -".yaml".length))
    .sort();

describe("policy pack over committed environments", () => {
    const plans = new Map<string, ProgramResult>();

    it("finds the committed environments", () => {
        assert.ok(environments.includes("dev"), `environments: ${environments.join(", ")}`);
    });

    for (const env of environments) {
        it(`${env}: zero violations`, async () => {
            const plan = await sharedPlan(env);
            plans.set(env, plan);
            const violations = evaluatePolicies(plan.resources, { defaultTags: environmentTags(env) });
            assert.strictEqual(violations.length, 0, `${violations.length} violations in ${env}:\n${formatViolations(violations)}`);
        });
    }

    it("would see a violation in a planned environment (the evaluation is live)", async () => {
        const plan = plans.get("dev") ?? (await sharedPlan("dev"));
        // The environment's own aws provider carries the default tags (passing `defaultTags: {}`
        // alone changes nothing), and the planned resources record them: strip both, and every
        // taggable resource lacks the required tags.
        const withoutTags = ({ tags: _tags, tagsAll: _tagsAll, ...rest }: Record<string, any>) => rest;
        const stripped = plan.resources.map((r) =>
            r.type === "pulumi:providers:aws"
                ? { ...r, inputs: { ...r.inputs, defaultTags: undefined } }
                : TAGGABLE_TYPES.includes(r.type)
                  ? { ...r, inputs: withoutTags(r.inputs), outputs: withoutTags(r.outputs) }
                  : r,
        );
        const taggable = plan.resources.filter((r) => r.custom && TAGGABLE_TYPES.includes(r.type)).map((r) => r.urn).sort();
        assert.ok(taggable.length > 0, "the dev plan has taggable resources");
        const violations = evaluatePolicies(stripped, { defaultTags: {} }).filter((v) => v.rule === "required-tags");
        assert.deepStrictEqual(violations.map((v) => v.urn).sort(), taggable);
        const withLogGroupForever = plan.resources.map((r) => (r.type === T.logGroup ? { ...r, inputs: { ...r.inputs, retentionInDays: undefined } } : r));
        const forever = evaluatePolicies(withLogGroupForever, { defaultTags: environmentTags("dev") }).filter((v) => v.rule === "log-group-retention");
        assert.strictEqual(forever.length, plan.resources.filter((r) => r.type === T.logGroup).length);
        assert.ok(forever.length > 0, "the dev plan has log groups");
        // CloudFront.1 is enforced: the site without its default root object fails it.
        const withoutRoot = plan.resources.map((r) => (r.type === T.distribution ? { ...r, inputs: { ...r.inputs, defaultRootObject: undefined } } : r));
        const rootless = evaluatePolicies(withoutRoot, { defaultTags: environmentTags("dev") });
        assert.deepStrictEqual(rootless.map((v) => [v.rule, v.control, v.enforcementLevel]), [["cloudfront-default-root-object", "CloudFront.1", "mandatory"]]);
    });

    it("the named opt-out from HTTPS services plans, and the pack reports it (ELB.1, CloudFront.9)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paved-insecure-"));
        try {
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            const config = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8").replace(/  paved:services:\n(    .*\n)+/, "  paved:services:\n    insecureHttpOrigin: true\n");
            assert.match(config, /insecureHttpOrigin: true\n  paved:tags:/);
            const file = path.join(dir, "Pulumi.dev.yaml");
            fs.writeFileSync(file, config);
            const plan = await planEnvironment("dev", { configFile: file });
            const origin = plan.resources.find((r) => r.type === T.vpcOrigin)!;
            assert.strictEqual(origin.inputs.vpcOriginEndpointConfig.originProtocolPolicy, "http-only");
            assert.deepStrictEqual(plan.resources.filter((r) => r.type === "aws:lb/listener:Listener").map((r) => r.inputs.protocol), ["HTTP"]);
            const violations = evaluatePolicies(plan.resources, { defaultTags: environmentTags("dev") });
            assert.deepStrictEqual([...new Set(violations.map((v) => v.rule))].sort(), ["alb-http-redirects-to-https", "cloudfront-origin-tls"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("knows every taggable type the environments use", async () => {
        const provider = taggableTypes();
        assert.deepStrictEqual(TAGGABLE_TYPES.filter((t) => !provider.has(t)), [], "listed as taggable but @pulumi/aws takes no tags");
        const used = new Set<string>();
        for (const env of environments) {
            const plan = plans.get(env) ?? (await sharedPlan(env));
            for (const r of plan.resources) if (r.custom && provider.has(r.type)) used.add(r.type);
        }
        assert.deepStrictEqual([...used].filter((t) => !TAGGABLE_TYPES.includes(t) && t !== T.autoscalingGroup), [], "add these to TAGGABLE_TYPES in policy/rules/tags.ts");
    });
});

describe("environmentTags", () => {
    it("derives the required tags from the environment's config", () => {
        assert.deepStrictEqual(environmentTags("dev", path.resolve(__dirname, "../..")), {
            "paved:environment": "dev",
            "paved:team": "platform",
            "paved:cost-center": "cc-1001",
        });
    });
});
