import * as assert from "assert";
import * as fc from "fast-check";
import { NameKind, nameRules, nameViolation, physicalName, stableHash } from "../../components/naming";

const kinds = Object.keys(nameRules) as NameKind[];
const anyPart = fc.string({ unit: fc.constantFrom(..."abcXYZ019-_./@ +=:é".split("")), minLength: 0, maxLength: 90 });

describe("naming", () => {
    it("keeps names that already fit, unchanged", () => {
        assert.strictEqual(physicalName("codebuildProject", "paved-dev", "app", "catalog"), "paved-dev-app-catalog");
        assert.strictEqual(physicalName("ecrRepository", "paved-dev/apps/catalog"), "paved-dev/apps/catalog");
        assert.strictEqual(physicalName("logGroup", "/paved/paved-dev/jobs/x"), "/paved/paved-dev/jobs/x");
    });

    it("shortens long names with a stable hash of the full input", () => {
        const long = "a".repeat(40);
        const name = physicalName("loadBalancer", "paved-prod", long);
        assert.strictEqual(name.length, 32);
        assert.ok(name.endsWith(`-${stableHash(`paved-prod-${long}`)}`), name);
        assert.strictEqual(physicalName("loadBalancer", "paved-prod", long), name);
    });

    it("folds case and replaces characters a service rejects", () => {
        const name = physicalName("s3Bucket", "Paved_Dev", "Assets");
        assert.strictEqual(nameViolation("s3Bucket", name), undefined);
        assert.match(name, /^paved-dev-assets-[0-9a-f]{8}$/);
    });

    it("avoids reserved prefixes", () => {
        assert.strictEqual(nameViolation("ecsCapacityProvider", "fargate-x"), 'ECS capacity provider names may not start with "fargate"');
        const name = physicalName("ecsCapacityProvider", "fargate", "x");
        assert.strictEqual(nameViolation("ecsCapacityProvider", name), undefined);
    });

    it("property: every generated name is valid for its service", () => {
        fc.assert(
            fc.property(fc.constantFrom(...kinds), fc.array(anyPart, { minLength: 1, maxLength: 4 }), (kind, parts) => {
                const name = physicalName(kind, ...parts);
                assert.strictEqual(nameViolation(kind, name), undefined, `${kind}: ${JSON.stringify(parts)} -> ${name}`);
            }),
            { numRuns: 2000 },
        );
    });

    it("property: deterministic, and distinct inputs never share a name", () => {
        fc.assert(
            fc.property(fc.constantFrom(...kinds), anyPart, anyPart, (kind, a, b) => {
                fc.pre(a !== b && a.length > 0 && b.length > 0);
                assert.strictEqual(physicalName(kind, a), physicalName(kind, a));
                assert.notStrictEqual(physicalName(kind, a), physicalName(kind, b), `${kind}: ${a} / ${b}`);
            }),
            { numRuns: 2000 },
        );
    });
});
