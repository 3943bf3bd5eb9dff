import * as assert from "assert";
import { isConfigError } from "../support/args";
import { Network, NetworkArgs } from "../../components/network/network";
import { ProgramResult, runProgram } from "../../components/testing";

function plan(args: NetworkArgs): Promise<ProgramResult> {
    return runProgram({
        stack: "test",
        config: { "aws:region": "eu-west-1" },
        program: () => {
            const n = new Network("net", args);
            return { vpcId: n.vpcId, privateSubnetIds: n.privateSubnetIds, publicSubnetIds: n.publicSubnetIds };
        },
    });
}

const byName = (r: ProgramResult, type: string, name: string) => {
    const found = r.resources.filter((x) => x.type === type && x.name === name);
    assert.strictEqual(found.length, 1, `${type} ${name}`);
    return found[0];
};

describe("Network", () => {
    it("creates an awsx VPC with public and private subnets and the NAT strategy asked for, and pins its children", async () => {
        const r = await plan({ cidrBlock: "10.30.0.0/16", availabilityZones: 3, natGateways: "onePerAz", protect: true, tags: { "paved:environment": "prod" } });
        const vpc = byName(r, "awsx:ec2:Vpc", "net-vpc");
        assert.strictEqual(vpc.inputs.cidrBlock, "10.30.0.0/16");
        assert.strictEqual(vpc.inputs.numberOfAvailabilityZones, 3);
        assert.deepStrictEqual(vpc.inputs.natGateways, { strategy: "OnePerAz" });
        assert.deepStrictEqual(vpc.inputs.subnetSpecs.map((s: { type: string }) => s.type), ["Public", "Private"]);
        assert.strictEqual(vpc.inputs.enableDnsHostnames, true);
        assert.deepStrictEqual(vpc.inputs.tags, { "paved:environment": "prod" });
        assert.deepStrictEqual((r.outputs.privateSubnetIds as string[]).length, 3);
        assert.strictEqual(r.outputs.vpcId, vpc.outputs.vpcId);
        assert.deepStrictEqual(
            r.resources.map((x) => x.urn).sort(),
            [
                "urn:pulumi:test::paved::paved:network:Network$aws:cloudwatch/logGroup:LogGroup::net-flow-logs",
                "urn:pulumi:test::paved::paved:network:Network$aws:ec2/flowLog:FlowLog::net-flow-logs",
                "urn:pulumi:test::paved::paved:network:Network$aws:iam/role:Role::net-flow-logs",
                "urn:pulumi:test::paved::paved:network:Network$aws:iam/rolePolicy:RolePolicy::net-flow-logs",
                "urn:pulumi:test::paved::paved:network:Network$awsx:ec2:Vpc::net-vpc",
                "urn:pulumi:test::paved::paved:network:Network::net",
                "urn:pulumi:test::paved::pulumi:pulumi:Stack::paved-test",
            ],
        );
    });

    it("logs all VPC traffic to its own log group with retention, through a role that can write only there", async () => {
        const r = await plan({ flowLogRetentionDays: 90, protect: true });
        const group = byName(r, "aws:cloudwatch/logGroup:LogGroup", "net-flow-logs");
        assert.strictEqual(group.inputs.retentionInDays, 90);
        assert.strictEqual(group.protect, true);
        const flowLog = byName(r, "aws:ec2/flowLog:FlowLog", "net-flow-logs");
        assert.strictEqual(flowLog.inputs.trafficType, "ALL");
        assert.strictEqual(flowLog.inputs.logDestination, group.outputs.arn);
        assert.strictEqual(flowLog.inputs.vpcId, byName(r, "awsx:ec2:Vpc", "net-vpc").outputs.vpcId);
        const role = byName(r, "aws:iam/role:Role", "net-flow-logs");
        assert.deepStrictEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal, { Service: "vpc-flow-logs.amazonaws.com" });
        const policy = JSON.parse(byName(r, "aws:iam/rolePolicy:RolePolicy", "net-flow-logs").inputs.policy);
        assert.deepStrictEqual(policy.Statement[0].Resource, [group.outputs.arn, `${group.outputs.arn}:*`]);
        assert.match(group.outputs.arn, /^arn:aws:logs:eu-west-1:123456789012:log-group:net-flow-logs-[0-9a-f]{7}$/);
    });

    it("passes an existing VPC's ids through and creates nothing", async () => {
        const existing = { vpcId: "vpc-0abc12345def67890", privateSubnetIds: ["subnet-0aaa1111", "subnet-0bbb2222"], publicSubnetIds: ["subnet-0ccc3333", "subnet-0ddd4444"] };
        const r = await plan({ existing });
        assert.deepStrictEqual(r.outputs, existing);
        assert.deepStrictEqual(r.resources.map((x) => x.type), ["pulumi:pulumi:Stack", "paved:network:Network"]);
    });

    it("rejects contradictory or impossible args with the field, the value and the fix", async () => {
        const existing = { vpcId: "vpc-0abc12345def67890", privateSubnetIds: ["subnet-0abc1234", "subnet-0abc1235"], publicSubnetIds: ["subnet-0abc1236", "subnet-0abc1237"] };
        const cases: [NetworkArgs, string, RegExp][] = [
            [{ existing, cidrBlock: "10.0.0.0/16" }, "args.existing", /excludes cidrBlock, availabilityZones and natGateways/],
            [{ existing: { ...existing, vpcId: "vpc-1" } }, "args.existing.vpcId", /must be a VPC id/],
            [{ existing: { ...existing, privateSubnetIds: ["subnet-0abc1234"] } }, "args.existing.privateSubnetIds", /at least 2 subnets/],
            [{ availabilityZones: 1 }, "args.availabilityZones", /must be a whole number from 2 to 6/],
            [{ flowLogRetentionDays: 10 }, "args.flowLogRetentionDays", /must be one of CloudWatch Logs' retention periods/],
            [{ cidrBlock: "999.0.0.0/16" }, "args.cidrBlock", /octet 999 outside 0-255/],
            [{ cidrBlock: "10.0.0.0/8" }, "args.cidrBlock", /prefix \/8; a VPC takes \/16 to \/28/],
            [{ cidrBlock: "10.0.1.0/16" }, "args.cidrBlock", /host bits set; the network address of this block is "10\.0\.0\.0\/16"/],
        ];
        for (const [args, path, why] of cases) await assert.rejects(plan(args), (e: Error) => isConfigError(e, path, why) && e.message.includes('Network "net"'));
    });
});
