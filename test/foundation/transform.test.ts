/**
 * `transform`: a team reaches a child's args (partial args merged in, or a function that edits
 * args and options), and the planned input changes; a transform that touches a guardrail is
 * refused before the child is registered, naming the component, the child and the argument.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { BatchCluster } from "../../components/batch/batch-cluster";
import { BatchJob } from "../../components/batch/batch-job";
import { ContainerService } from "../../components/batch/container-service";
import { ServiceLoadBalancer } from "../../components/batch/service-load-balancer";
import { PavedError } from "../../components/errors";
import { FrontendApp } from "../../components/frontend/frontend-app";
import { SiteHost } from "../../components/frontend/site-host";
import { RecordedResource, runProgram } from "../../components/testing";
import { applyTransform } from "../../components/args";
import { ECR_IMAGE, REGION, SUBNETS, VPC, clusterArgs, one } from "../batch/fixtures";

const plan = (program: () => void) => runProgram({ stack: "test", config: { "aws:region": REGION }, program });
const IMAGE = { repositoryUrl: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/build-image", repositoryArn: "arn:aws:ecr:eu-west-1:123456789012:repository/build-image" };
const guardrail = (where: RegExp) => (e: Error) => e instanceof PavedError && where.test(e.message) && /a guardrail Paved sets on this resource/.test(e.message);

describe("transform", () => {
    describe("applyTransform", () => {
        const args = { description: "a", tags: { team: "web" } };
        it("merges partial args over Paved's, and leaves the caller's args alone", () => {
            const [name, out, opts] = applyTransform<typeof args>({ description: "b" }, "x", args, { parent: undefined }, ["tags"], "C");
            assert.deepStrictEqual([name, out, opts], ["x", { description: "b", tags: { team: "web" } }, { parent: undefined }]);
            assert.strictEqual(args.description, "a");
        });
        it("runs a function on the args and the options", () => {
            const [, out, opts] = applyTransform<typeof args>((a, o, n) => {
                a.description = `${n}!`;
                o.protect = true;
            }, "x", args, {}, ["tags"], "C");
            assert.deepStrictEqual([out.description, opts.protect], ["x!", true]);
        });
        it("refuses a change to a guarded arg, also one made in place", () => {
            assert.throws(() => applyTransform<typeof args>({ tags: { team: "ops" } }, "x", args, {}, ["tags"], "C: args.transform.role"), guardrail(/^C: args\.transform\.role changes tags/));
            assert.throws(() => applyTransform<typeof args>((a) => void (a.tags.team = "ops"), "x", { ...args, tags: { ...args.tags } }, {}, ["tags"], "C"), guardrail(/changes tags/));
        });
    });

    it("SiteHost: bucket and distribution", async () => {
        const r = await plan(() => void new SiteHost("site", { transform: { distribution: { comment: "shop", webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/shop/1" }, bucket: (a) => void (a.objectLockEnabled = false) } }));
        const cdn = one(r.resources, "aws:cloudfront/distribution:Distribution", "site-cdn").inputs;
        assert.deepStrictEqual([cdn.comment, cdn.webAclId], ["shop", "arn:aws:wafv2:us-east-1:123456789012:global/webacl/shop/1"]);
        assert.strictEqual(one(r.resources, "aws:s3/bucket:Bucket", "site-assets").inputs.objectLockEnabled, false);
        await assert.rejects(plan(() => void new SiteHost("site", { transform: { distribution: { viewerCertificate: { cloudfrontDefaultCertificate: true, minimumProtocolVersion: "TLSv1" } } } })), guardrail(/SiteHost "site": args\.transform\.distribution changes viewerCertificate/));
    });

    it("FrontendApp: build project and role", async () => {
        const r = await plan(() => {
            const site = new SiteHost("site", {});
            new FrontendApp("app", {
                name: "catalog",
                path: "/catalog",
                site,
                buildImage: IMAGE,
                source: { repository: "https://github.com/acme/web.git", directory: "apps/catalog" },
                transform: { project: { queuedTimeout: 30, concurrentBuildLimit: 2 }, role: { permissionsBoundary: "arn:aws:iam::123456789012:policy/boundary" } },
            });
        });
        const project = one(r.resources, "aws:codebuild/project:Project", "app-build").inputs;
        assert.deepStrictEqual([project.queuedTimeout, project.concurrentBuildLimit], [30, 2]);
        assert.strictEqual(one(r.resources, "aws:iam/role:Role", "app-build").inputs.permissionsBoundary, "arn:aws:iam::123456789012:policy/boundary");
        await assert.rejects(
            plan(() => new FrontendApp("app", { name: "catalog", path: "/catalog", site: new SiteHost("site", {}), buildImage: IMAGE, source: { repository: "https://github.com/acme/web.git" }, transform: { role: { assumeRolePolicy: "{}" } } })),
            guardrail(/FrontendApp "app": args\.transform\.role changes assumeRolePolicy/),
        );
    });

    it("BatchCluster: launch template, group and instance role", async () => {
        const r = await plan(() => void new BatchCluster("batch", clusterArgs({ transform: { launchTemplate: { monitoring: { enabled: false } }, autoScalingGroup: { defaultCooldown: 120 }, instanceRole: (a) => void (a.maxSessionDuration = 7200) } })));
        assert.deepStrictEqual(one(r.resources, "aws:ec2/launchTemplate:LaunchTemplate", "batch-instances").inputs.monitoring, { enabled: false });
        assert.strictEqual(one(r.resources, "aws:autoscaling/group:Group", "batch-instances").inputs.defaultCooldown, 120);
        assert.strictEqual(one(r.resources, "aws:iam/role:Role", "batch-instance").inputs.maxSessionDuration, 7200);
        await assert.rejects(
            plan(() => void new BatchCluster("batch", clusterArgs({ transform: { launchTemplate: (a) => void (a.metadataOptions = { httpTokens: "optional" }) } }))),
            guardrail(/BatchCluster "batch": args\.transform\.launchTemplate changes metadataOptions/),
        );
    });

    it("BatchJob: task definition", async () => {
        const run = (transform: object) =>
            plan(() => {
                const cluster = new BatchCluster("batch", clusterArgs());
                new BatchJob("nightly", { cluster, image: ECR_IMAGE, capacity: "fargate", cpu: 1024, memory: 2048, transform });
            });
        const r = await run({ taskDefinition: { runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" }, ephemeralStorage: { sizeInGib: 50 } } });
        const task = one(r.resources, "aws:ecs/taskDefinition:TaskDefinition", "nightly-task").inputs;
        assert.deepStrictEqual([task.runtimePlatform, task.ephemeralStorage], [{ cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" }, { sizeInGib: 50 }]);
        await assert.rejects(run({ taskDefinition: { taskRoleArn: "arn:aws:iam::123456789012:role/admin" } }), guardrail(/BatchJob "nightly": args\.transform\.taskDefinition changes taskRoleArn/));
    });

    it("ContainerService: service, target group and task definition", async () => {
        const run = (transform: object) =>
            plan(() => {
                const cluster = new BatchCluster("batch", clusterArgs());
                const loadBalancer = new ServiceLoadBalancer("web", { vpcId: VPC, subnetIds: SUBNETS, insecureHttp: true });
                new ContainerService("catalog", { cluster, loadBalancer, image: ECR_IMAGE, routing: { pathPrefix: "/catalog", priority: 10 }, transform });
            });
        const r = await run({ service: { deploymentMinimumHealthyPercent: 50 }, targetGroup: (a: any) => void (a.deregistrationDelay = 5), taskDefinition: { runtimePlatform: { cpuArchitecture: "ARM64" } } });
        const of = (type: string, name: string): RecordedResource["inputs"] => one(r.resources, type, name).inputs;
        assert.strictEqual(of("aws:ecs/service:Service", "catalog-service").deploymentMinimumHealthyPercent, 50);
        assert.strictEqual(of("aws:lb/targetGroup:TargetGroup", "catalog-tg").deregistrationDelay, 5);
        assert.deepStrictEqual(of("aws:ecs/taskDefinition:TaskDefinition", "catalog-task").runtimePlatform, { cpuArchitecture: "ARM64" });
        await assert.rejects(
            run({ service: (a: any) => void (a.networkConfiguration = pulumi.output({ subnets: SUBNETS, assignPublicIp: true })) }),
            guardrail(/ContainerService "catalog": args\.transform\.service changes networkConfiguration/),
        );
    });
});
