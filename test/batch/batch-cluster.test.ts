import * as assert from "assert";
import { BatchCluster, ECS_AMI_PARAMETER, batchClusterArgs, instanceUserData } from "../../components/batch/batch-cluster";
import { assertRefused, isConfigError } from "../support/args";
import { ProgramResult, runProgram, taggableTypes } from "../../components/testing";
import { REGION, SUBNETS, VPC, byType, clusterArgs, one } from "./fixtures";

const P = "urn:pulumi:test::paved::paved:batch:BatchCluster";

describe("BatchCluster", () => {
    let result: ProgramResult;
    before(async () => {
        result = await runProgram({
            stack: "test",
            config: { "aws:region": REGION },
            program: () => {
                const c = new BatchCluster("batch", clusterArgs({ instanceTypes: ["m6i.large", "m6a.large", "m5.xlarge"], minSize: 1, maxSize: 20, onDemandBaseCapacity: 1, spotPercentage: 70, targetCapacity: 80, tags: { team: "data" } }));
                return { name: c.clusterName, arn: c.clusterArn, provider: c.ec2CapacityProviderName, tasksSg: c.taskSecurityGroupId, instancesSg: c.instanceSecurityGroupId, subnets: c.privateSubnetIds };
            },
        });
    });

    it("pins its children's URNs", () => {
        const urns = result.resources.filter((r) => r.urn.startsWith(`${P}$`)).map((r) => r.urn).sort();
        assert.deepStrictEqual(urns, [
            `${P}$aws:autoscaling/group:Group::batch-instances`,
            `${P}$aws:ec2/launchTemplate:LaunchTemplate::batch-instances`,
            `${P}$aws:ec2/securityGroup:SecurityGroup::batch-instances`,
            `${P}$aws:ec2/securityGroup:SecurityGroup::batch-tasks`,
            `${P}$aws:ecs/capacityProvider:CapacityProvider::batch-ec2`,
            `${P}$aws:ecs/cluster:Cluster::batch-cluster`,
            `${P}$aws:ecs/clusterCapacityProviders:ClusterCapacityProviders::batch-capacity`,
            `${P}$aws:iam/instanceProfile:InstanceProfile::batch-instance`,
            `${P}$aws:iam/role:Role::batch-instance`,
            `${P}$aws:iam/rolePolicy:RolePolicy::batch-instance`,
        ]);
        assert.strictEqual(one(result.resources, "paved:batch:BatchCluster", "batch").urn, P + "::batch");
    });

    it("names the cluster and capacity provider from the prefix, with Container Insights", () => {
        const cluster = one(result.resources, "aws:ecs/cluster:Cluster", "batch-cluster");
        assert.strictEqual(cluster.inputs.name, "paved-test");
        assert.deepStrictEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
        const cp = one(result.resources, "aws:ecs/capacityProvider:CapacityProvider", "batch-ec2");
        assert.strictEqual(cp.inputs.name, "paved-test-ec2");
        assert.deepStrictEqual(result.outputs, {
            name: "paved-test",
            arn: `arn:aws:ecs:${REGION}:123456789012:cluster/paved-test`,
            provider: "paved-test-ec2",
            tasksSg: byType(result.resources, "aws:ec2/securityGroup:SecurityGroup").find((r) => r.name === "batch-tasks")!.id,
            instancesSg: byType(result.resources, "aws:ec2/securityGroup:SecurityGroup").find((r) => r.name === "batch-instances")!.id,
            subnets: SUBNETS,
        });
    });

    it("launches the ECS AMI with IMDSv2, encrypted gp3, no public IP and user data that joins the cluster", () => {
        const lt = one(result.resources, "aws:ec2/launchTemplate:LaunchTemplate", "batch-instances");
        assert.match(lt.inputs.imageId, /^ami-[0-9a-f]{17}$/);
        assert.deepStrictEqual(lt.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
        assert.deepStrictEqual(lt.inputs.blockDeviceMappings, [{ deviceName: "/dev/xvda", ebs: { volumeType: "gp3", volumeSize: 30, encrypted: "true", deleteOnTermination: "true" } }]);
        const sg = one(result.resources, "aws:ec2/securityGroup:SecurityGroup", "batch-instances");
        assert.deepStrictEqual(lt.inputs.networkInterfaces, [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [sg.id], deleteOnTermination: "true" }]);
        const profile = one(result.resources, "aws:iam/instanceProfile:InstanceProfile", "batch-instance");
        assert.deepStrictEqual(lt.inputs.iamInstanceProfile, { arn: profile.outputs.arn });
        const userData = Buffer.from(lt.inputs.userData, "base64").toString();
        assert.strictEqual(userData, instanceUserData("paved-test"));
        assert.match(userData, /^ECS_CLUSTER=paved-test$/m);
        assert.match(userData, /^ECS_ENABLE_SPOT_INSTANCE_DRAINING=true$/m);
        assert.match(userData, /^ECS_AWSVPC_BLOCK_IMDS=true$/m);
        assert.strictEqual(ECS_AMI_PARAMETER, "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id");
    });

    it("security groups are egress-only", () => {
        for (const name of ["batch-instances", "batch-tasks"]) {
            const sg = one(result.resources, "aws:ec2/securityGroup:SecurityGroup", name);
            assert.strictEqual(sg.inputs.vpcId, VPC);
            assert.strictEqual(sg.inputs.ingress, undefined, `${name} has ingress rules`);
            assert.strictEqual(sg.inputs.egress.length, 1);
        }
    });

    it("runs a mixed on-demand/Spot group with capacity rebalancing and scale-in protection in private subnets", () => {
        const asg = one(result.resources, "aws:autoscaling/group:Group", "batch-instances");
        assert.deepStrictEqual(asg.inputs.vpcZoneIdentifiers, SUBNETS);
        assert.strictEqual(asg.inputs.minSize, 1);
        assert.strictEqual(asg.inputs.maxSize, 20);
        assert.strictEqual(asg.inputs.capacityRebalance, true);
        assert.strictEqual(asg.inputs.protectFromScaleIn, true);
        assert.strictEqual(asg.inputs.desiredCapacity, undefined);
        assert.deepStrictEqual(asg.ignoreChanges, ["desiredCapacity"]);
        const mip = asg.inputs.mixedInstancesPolicy;
        assert.deepStrictEqual(mip.instancesDistribution, { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 30, onDemandAllocationStrategy: "prioritized", spotAllocationStrategy: "price-capacity-optimized" });
        assert.deepStrictEqual(mip.launchTemplate.overrides, [{ instanceType: "m6i.large" }, { instanceType: "m6a.large" }, { instanceType: "m5.xlarge" }]);
        const lt = one(result.resources, "aws:ec2/launchTemplate:LaunchTemplate", "batch-instances");
        assert.deepStrictEqual(mip.launchTemplate.launchTemplateSpecification, { launchTemplateId: lt.id, version: "1" });
        assert.deepStrictEqual(asg.inputs.tags.find((t: any) => t.key === "AmazonECSManaged"), { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true });
    });

    it("manages the group through a capacity provider: managed scaling and termination protection, with scale-in protection on the group", () => {
        const cp = one(result.resources, "aws:ecs/capacityProvider:CapacityProvider", "batch-ec2");
        const asg = one(result.resources, "aws:autoscaling/group:Group", "batch-instances");
        const p = cp.inputs.autoScalingGroupProvider;
        assert.strictEqual(p.autoScalingGroupArn, asg.outputs.arn);
        assert.strictEqual(p.managedTerminationProtection, "ENABLED");
        assert.strictEqual(asg.inputs.protectFromScaleIn, true, "managed termination protection needs scale-in protection on the group");
        assert.strictEqual(p.managedScaling.status, "ENABLED");
        assert.strictEqual(p.managedScaling.targetCapacity, 80);
        assert.strictEqual(cp.inputs.cluster, undefined, "an ASG provider must not set cluster");
    });

    it("associates EC2, Fargate and Fargate Spot with EC2 as the default strategy", () => {
        const assoc = one(result.resources, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "batch-capacity");
        assert.strictEqual(assoc.inputs.clusterName, "paved-test");
        assert.deepStrictEqual(assoc.inputs.capacityProviders, ["paved-test-ec2", "FARGATE", "FARGATE_SPOT"]);
        assert.deepStrictEqual(assoc.inputs.defaultCapacityProviderStrategies, [{ capacityProvider: "paved-test-ec2", weight: 1, base: 0 }]);
    });

    it("tags every taggable child", () => {
        const taggable = taggableTypes();
        const children = result.resources.filter((r) => r.parent === P + "::batch" && taggable.has(r.type));
        assert.ok(children.length >= 7);
        for (const r of children) {
            // Auto Scaling groups take a list of tags (with propagateAtLaunch), not a map.
            const team = Array.isArray(r.inputs.tags) ? r.inputs.tags.find((t: any) => t.key === "team")?.value : r.inputs.tags?.team;
            assert.strictEqual(team, "data", `${r.urn} lacks tags`);
        }
    });

    it("protects the cluster only when asked", async () => {
        const r = await runProgram({ stack: "test", config: { "aws:region": REGION }, program: () => void new BatchCluster("b", clusterArgs({ protect: true, namePrefix: "acme-prod" })) });
        const cluster = one(r.resources, "aws:ecs/cluster:Cluster", "b-cluster");
        assert.strictEqual(cluster.protect, true);
        assert.strictEqual(cluster.inputs.name, "acme-prod");
        assert.strictEqual(one(result.resources, "aws:ecs/cluster:Cluster", "batch-cluster").protect, false);
    });

    it("keeps capacity provider names off AWS's reserved prefixes", async () => {
        const r = await runProgram({ stack: "test", config: { "aws:region": REGION }, program: () => void new BatchCluster("b", clusterArgs({ namePrefix: "ecs-dev" })) });
        const name: string = one(r.resources, "aws:ecs/capacityProvider:CapacityProvider", "b-ec2").inputs.name;
        assert.ok(!/^(aws|ecs|fargate)/i.test(name), name);
    });

    describe("validation", () => {
        const args = { vpcId: "vpc-1", privateSubnetIds: ["subnet-1"], namePrefix: "p" };
        const bad: [string, object, string, RegExp][] = [
            ["unknown instance type", { instanceTypes: ["x9.huge"] }, "args.instanceTypes[0]", /is not a supported instance type/],
            ["no instance types", { instanceTypes: [] }, "args.instanceTypes", /needs at least one instance type/],
            ["min above max", { minSize: 5, maxSize: 2 }, "args.minSize", /must not exceed maxSize \(2\)/],
            ["spot over 100", { spotPercentage: 120 }, "args.spotPercentage", /must be a whole number from 0 to 100/],
            ["target capacity 0", { targetCapacity: 0 }, "args.targetCapacity", /must be a whole number from 1 to 100/],
            ["duplicate instance types", { instanceTypes: ["m6i.large", "m6i.large"] }, "args.instanceTypes", /lists an instance type twice/],
            ["an aws: tag", { tags: { "aws:owner": "x" } }, "args.tags.aws:owner", /reserved for AWS/],
        ];
        for (const [what, over, path, message] of bad) {
            it(`rejects ${what} at ${path}`, () => assertRefused(batchClusterArgs, { ...args, ...over }, path, message));
        }
        it("throws a ConfigError naming the component through the constructor", async () => {
            await assert.rejects(
                runProgram({ stack: "test", config: { "aws:region": REGION }, program: () => void new BatchCluster("c", clusterArgs({ minSize: 5, maxSize: 2 })) }),
                (e: Error) => isConfigError(e, "args.minSize", /must not exceed maxSize/) && e.message.includes('BatchCluster "c"'),
            );
        });
        it("does not mutate its args", () => {
            const input = { ...args, instanceTypes: ["m6i.large"], tags: { a: "b" } };
            const copy = JSON.parse(JSON.stringify(input));
            batchClusterArgs.parse(input);
            assert.deepStrictEqual(input, copy);
        });
    });
});
