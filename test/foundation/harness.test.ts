import * as assert from "assert";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MOCK_ACCOUNT_ID, runProgram } from "../../components/testing";

const region = { "aws:region": "eu-west-1" };

class Box extends pulumi.ComponentResource {
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("test:index:Box", name, {}, opts);
        const role = new aws.iam.Role(`${name}-role`, { name: `${name}-role`, assumeRolePolicy: "{}" }, { parent: this, protect: true });
        new aws.iam.RolePolicy(`${name}-policy`, { role: role.name, policy: role.arn.apply((arn) => JSON.stringify({ arn })) }, { parent: this });
        this.registerOutputs({});
    }
}

describe("mock harness", () => {
    it("records type, name, parent, resolved inputs, AWS-shaped outputs and options", async () => {
        const { resources, outputs } = await runProgram({
            stack: "test",
            config: region,
            program: () => {
                const box = new Box("box");
                const repo = new aws.ecr.Repository("repo", { name: "team/app" });
                return { repositoryUrl: repo.repositoryUrl, box: box.urn };
            },
        });
        const byName = Object.fromEntries(resources.map((r) => [r.name, r]));
        assert.strictEqual(byName["box"].parent, "urn:pulumi:test::paved::pulumi:pulumi:Stack::paved-test");
        assert.strictEqual(byName["box-role"].urn, "urn:pulumi:test::paved::test:index:Box$aws:iam/role:Role::box-role");
        assert.strictEqual(byName["box-role"].parent, byName["box"].urn);
        assert.strictEqual(byName["box-role"].protect, true);
        assert.strictEqual(byName["box-policy"].protect, false);
        assert.deepStrictEqual(JSON.parse(byName["box-policy"].inputs.policy), { arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/box-role` });
        assert.strictEqual(byName["box"].custom, false);
        assert.strictEqual(outputs.repositoryUrl, `${MOCK_ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/team/app`);
    });

    it("answers Paved's invokes and converts policy documents", async () => {
        const { outputs } = await runProgram({
            stack: "test",
            config: region,
            program: () => ({
                account: aws.getCallerIdentityOutput().accountId,
                region: aws.getRegionOutput().region,
                ami: aws.ssm.getParameterOutput({ name: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id" }).value,
                doc: aws.iam.getPolicyDocumentOutput({
                    statements: [{ effect: "Deny", actions: ["s3:*"], resources: ["*"], conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] }],
                }).json,
            }),
        });
        assert.strictEqual(outputs.account, MOCK_ACCOUNT_ID);
        assert.strictEqual(outputs.region, "eu-west-1");
        assert.match(String(outputs.ami), /^ami-[0-9a-f]{17}$/);
        assert.deepStrictEqual(JSON.parse(String(outputs.doc)), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }],
        });
    });

    it("fails on an invoke Paved does not make, naming its token", async () => {
        await assert.rejects(
            runProgram({ stack: "test", config: region, program: () => ({ x: aws.ec2.getAmiOutput({ owners: ["amazon"], mostRecent: true }).id }) }),
            /unexpected invoke "aws:ec2\/getAmi:getAmi"/,
        );
    });

    it("fails on a physical name AWS would reject, naming the resource's URN", async () => {
        await assert.rejects(
            runProgram({
                stack: "test",
                config: region,
                program: () => {
                    new aws.lb.TargetGroup("tg", { name: "this-target-group-name-is-far-too-long", port: 80, protocol: "HTTP" });
                    new aws.s3.Bucket("b", { bucket: "Not_A_Bucket" });
                },
            }),
            (e: Error) => {
                assert.match(e.message, /2 problems under the AWS mocks/);
                assert.match(e.message, /aws:lb\/targetGroup:TargetGroup::tg: name "this-target-group-name-is-far-too-long" would be rejected by AWS: load balancer \/ target group names must be 1-32 characters \(this one has 38\)/);
                assert.match(e.message, /aws:s3\/bucket:Bucket::b: bucket "Not_A_Bucket"/);
                return true;
            },
        );
    });

    it("supplies awsx VPC outputs and stack references", async () => {
        const awsx = await import("@pulumi/awsx");
        const { outputs } = await runProgram({
            stack: "test",
            config: region,
            mocks: { stackReferences: { "acme/paved/staging": { clusterName: "paved-staging" } } },
            program: () => {
                const vpc = new awsx.ec2.Vpc("vpc", { numberOfAvailabilityZones: 3 });
                const ref = new pulumi.StackReference("acme/paved/staging");
                return { vpcId: vpc.vpcId, subnets: vpc.privateSubnetIds, cluster: ref.getOutput("clusterName") };
            },
        });
        assert.match(String(outputs.vpcId), /^vpc-[0-9a-f]{17}$/);
        assert.strictEqual((outputs.subnets as string[]).length, 3);
        assert.strictEqual(outputs.cluster, "paved-staging");
    });

    it("records assets and archives as plain data, paths relative to the project root", async () => {
        const program = (bundle: string) => () => {
            new aws.iam.Role("before", { name: "before", assumeRolePolicy: "{}" });
            const fn = new aws.lambda.Function("fn", {
                role: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/before`,
                runtime: "nodejs24.x",
                handler: "index.handler",
                code: new pulumi.asset.AssetArchive({
                    "index.js": new pulumi.asset.FileAsset(bundle),
                    "config.json": new pulumi.asset.StringAsset('{"a":1}'),
                    "vendor": new pulumi.asset.FileArchive("vendor"),
                    "elsewhere.js": new pulumi.asset.FileAsset("/opt/shared/elsewhere.js"),
                    "remote.txt": new pulumi.asset.RemoteAsset("https://example.com/remote.txt"),
                }),
            });
            new aws.iam.Role("after", { name: "after", assumeRolePolicy: "{}" });
            return { name: fn.name };
        };
        const bundle = path.join(process.cwd(), "build", "fn", "index.js");
        const first = await runProgram({ stack: "test", config: region, program: program(bundle) });
        assert.deepStrictEqual(first.resources.map((r) => r.name).sort(), ["after", "before", "fn", "paved-test"]);
        const fn = first.resources.find((r) => r.name === "fn")!;
        const expected = {
            archive: "assets",
            assets: {
                "index.js": { asset: "file", path: "build/fn/index.js" },
                "config.json": { asset: "string", text: '{"a":1}' },
                vendor: { archive: "file", path: "vendor" },
                "elsewhere.js": { asset: "file", path: "/opt/shared/elsewhere.js" },
                "remote.txt": { asset: "remote", uri: "https://example.com/remote.txt" },
            },
        };
        assert.deepStrictEqual(fn.inputs.code, expected);
        assert.deepStrictEqual(fn.outputs.code, expected);
        assert.deepStrictEqual(JSON.parse(JSON.stringify(fn.inputs)), fn.inputs, "inputs survive JSON");
        // Two plans compare by value: the same program is equal, another bundle path is not.
        const again = await runProgram({ stack: "test", config: region, program: program(bundle) });
        assert.deepStrictEqual(again.resources.find((r) => r.name === "fn")!.inputs, fn.inputs);
        const other = await runProgram({ stack: "test", config: region, program: program(path.join(process.cwd(), "build", "other.js")) });
        assert.notDeepStrictEqual(other.resources.find((r) => r.name === "fn")!.inputs.code, fn.inputs.code);
    });

    it("leaves the SDK's promises unwrapped during a run and restores its leak tracking after", async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (p: Promise<unknown>, ctx: string) => Promise<unknown> };
        const before = debuggable.debuggablePromise;
        let duringRun: boolean | undefined;
        const { resources } = await runProgram({
            stack: "test",
            config: region,
            program: () => {
                const p = Promise.resolve(1);
                duringRun = debuggable.debuggablePromise(p, "probe") === p;
                new Box("box");
            },
        });
        assert.strictEqual(duringRun, true);
        assert.strictEqual(debuggable.debuggablePromise, before);
        // The run still records every resource with its resolved inputs.
        const policy = resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
        assert.deepStrictEqual(JSON.parse(policy?.inputs.policy as string), { arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/box-role` });
    });

    it("rejects a stack reference it has no outputs for", async () => {
        await assert.rejects(
            runProgram({ stack: "test", config: region, program: () => ({ x: new pulumi.StackReference("acme/paved/nope").getOutput("x") }) }),
            /no outputs for StackReference "acme\/paved\/nope"/,
        );
    });
});
