import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { providerDefaultTags, toPolicies } from "../../policy/pack";
import { requiredTags, rules, T } from "../../policy/rules";

/**
 * The adapter from rules to @pulumi/policy policies, driven with hand-built analyzer arguments
 * (constructing the PolicyPack itself would start the analyzer's gRPC server).
 */

const POLICY_DIR = path.resolve(__dirname, "../../policy");
const TAGS = requiredTags({ environment: "dev", team: "platform", costCenter: "cc-1001" });

function resourceArgs(type: string, props: Record<string, any>, providerProps?: Record<string, any>): ResourceValidationArgs {
    return {
        type,
        props,
        urn: `urn:pulumi:dev::paved::${type}::x`,
        name: "x",
        opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
        provider: providerProps ? { type: "pulumi:providers:aws", props: providerProps, urn: "urn:provider", name: "default" } : undefined,
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: () => ({}) as any,
        notApplicable: () => {
            throw new Error("notApplicable");
        },
    } as ResourceValidationArgs;
}

function policyResource(type: string, name: string, props: Record<string, any>, dependencies: PolicyResource[] = []): PolicyResource {
    return {
        type,
        name,
        props,
        urn: `urn:pulumi:dev::paved::${type}::${name}`,
        opts: {} as any,
        dependencies,
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    } as PolicyResource;
}

function stackArgs(resources: PolicyResource[]): StackValidationArgs {
    return { resources, stackTags: new Map(), getConfig: () => ({}) as any, notApplicable: () => { throw new Error("notApplicable"); } } as StackValidationArgs;
}

const policies = toPolicies(rules);
const byName = (n: string) => policies.find((p) => p.name === n)!;

describe("policy pack adapter", () => {
    it("makes one policy per rule, resource rules validateResource and stack rules validateStack", () => {
        assert.deepStrictEqual(policies.map((p) => p.name), rules.map((r) => r.name));
        for (const r of rules) {
            const p = byName(r.name);
            assert.strictEqual(p.enforcementLevel, r.enforcementLevel);
            assert.ok(p.description.includes(r.control), r.name);
            assert.strictEqual(typeof (r.scope === "resource" ? (p as ResourceValidationPolicy).validateResource : (p as StackValidationPolicy).validateStack), "function", r.name);
        }
    });

    it("reports a resource rule's violations and ignores other types", async () => {
        const p = byName("log-group-retention") as ResourceValidationPolicy;
        const reported: string[] = [];
        const validate = p.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void;
        validate(resourceArgs(T.logGroup, {}), (m) => reported.push(m));
        validate(resourceArgs(T.logGroup, { retentionInDays: 14 }), (m) => reported.push(m));
        validate(resourceArgs(T.queue, {}), (m) => reported.push(m));
        assert.deepStrictEqual(reported, ["log group x keeps logs forever; set retentionInDays (e.g. 30)"]);
    });

    it("reads the provider's default tags, JSON-encoded or not", () => {
        const p = byName("required-tags") as ResourceValidationPolicy;
        const validate = p.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void;
        const reported: string[] = [];
        validate(resourceArgs(T.logGroup, {}, { region: "eu-west-1", defaultTags: JSON.stringify({ tags: TAGS }) }), (m) => reported.push(m));
        validate(resourceArgs(T.logGroup, {}, { defaultTags: { tags: TAGS } }), (m) => reported.push(m));
        assert.strictEqual(reported.length, 0, reported.join("\n"));
        const untagged: string[] = [];
        validate(resourceArgs(T.logGroup, {}, { region: "eu-west-1" }), (m) => untagged.push(m));
        assert.strictEqual(untagged.length, 1);
        assert.match(untagged[0], /lacks tags paved:environment/);
        assert.deepStrictEqual(providerDefaultTags(undefined), {});
        assert.deepStrictEqual(providerDefaultTags({ defaultTags: "not json" }), {});
    });

    it("reports a stack rule's violation against the offending resource's URN, matching by dependency", () => {
        const p = byName("s3-block-public-access") as StackValidationPolicy;
        const covered = policyResource(T.bucket[0], "covered", {});
        const bare = policyResource(T.bucket[0], "bare", {});
        // During a preview the bucket name is unknown: the block refers to its bucket by dependency only.
        const block = policyResource(T.publicAccessBlock, "covered-pab", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, [covered]);
        const reported: { message: string; urn?: string }[] = [];
        (p.validateStack as (a: StackValidationArgs, r: (m: string, urn?: string) => void) => void)(stackArgs([covered, bare, block]), (message, urn) => reported.push({ message, urn }));
        assert.deepStrictEqual(reported.map((r) => r.urn), [bare.urn]);
        assert.match(reported[0].message, /bucket bare has no BucketPublicAccessBlock/);
    });
});

describe("policy pack layout", () => {
    it("is a nodejs policy pack with a versioned package.json whose main exists", () => {
        const manifest = YAML.parse(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8"));
        assert.strictEqual(manifest.runtime, "nodejs");
        const pkg = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8"));
        assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
        assert.ok(fs.existsSync(path.join(POLICY_DIR, pkg.main)), pkg.main);
        assert.ok(pkg.dependencies["@pulumi/policy"]);
    });

    it("builds the PolicyPack named paved from every rule", () => {
        const source = fs.readFileSync(path.join(POLICY_DIR, "index.ts"), "utf8");
        assert.match(source, /new PolicyPack\("paved", \{ policies: toPolicies\(rules\) \}\)/);
    });
});
