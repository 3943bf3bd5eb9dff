import * as assert from "assert";
import { BatchCluster } from "../../components/batch/batch-cluster";
import { ContainerService, ContainerServiceArgs, containerServiceArgs, containerServiceRouting, defaultMaxCount, routingConditions } from "../../components/batch/container-service";
import { assertRefused, isConfigError } from "../support/args";
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST, DEFAULT_SSL_POLICY, ServiceLoadBalancer, ServiceLoadBalancerArgs } from "../../components/batch/service-load-balancer";
import { PavedError } from "../../components/errors";
import { ProgramResult, RecordedResource, runProgram, taggableTypes } from "../../components/testing";
import { ACCOUNT, ECR_IMAGE, REGION, SUBNETS, VPC, clusterArgs, one } from "./fixtures";

const S = "urn:pulumi:test::paved::paved:batch:ContainerService";
const L = "urn:pulumi:test::paved::paved:batch:ServiceLoadBalancer";
const CERT = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/0f0e0d0c-0b0a-0908-0706-050403020100`;

async function run(service: Partial<ContainerServiceArgs>, lb: Partial<ServiceLoadBalancerArgs> = { insecureHttp: true }, ssmParameters?: Record<string, string>): Promise<ProgramResult> {
    return runProgram({
        stack: "test",
        config: { "aws:region": REGION },
        mocks: { ssmParameters },
        program: () => {
            const cluster = new BatchCluster("batch", clusterArgs());
            const alb = new ServiceLoadBalancer("web", { vpcId: VPC, subnetIds: SUBNETS, ...lb });
            const svc = new ContainerService("catalog", { cluster, loadBalancer: alb, image: ECR_IMAGE, routing: { pathPrefix: "/catalog", priority: 10 }, ...service });
            return { service: svc.serviceName, family: svc.taskDefinitionFamily, listener: alb.listenerArn, imageParameter: svc.imageParameterName };
        },
    });
}

const childUrns = (resources: RecordedResource[], parent: string) => resources.filter((r) => r.parent === parent).map((r) => r.urn).sort();

describe("ContainerService", () => {
    let result: ProgramResult;
    before(async () => {
        result = await run({ port: 3000, cpu: 512, memory: 1024, desiredCount: 2, maxCount: 6, healthCheckPath: "/healthz", environment: { NODE_ENV: "production" }, tags: { team: "web" } });
    });

    it("pins its children's URNs", () => {
        assert.deepStrictEqual(childUrns(result.resources, `${S}::catalog`), [
            `${S}$aws:appautoscaling/policy:Policy::catalog-cpu`,
            `${S}$aws:appautoscaling/target:Target::catalog-scaling`,
            `${S}$aws:cloudwatch/logGroup:LogGroup::catalog-logs`,
            `${S}$aws:ec2/securityGroup:SecurityGroup::catalog-sg`,
            `${S}$aws:ecs/service:Service::catalog-service`,
            `${S}$aws:ecs/taskDefinition:TaskDefinition::catalog-task`,
            `${S}$aws:iam/role:Role::catalog-execution`,
            `${S}$aws:iam/role:Role::catalog-task`,
            `${S}$aws:iam/rolePolicy:RolePolicy::catalog-execution`,
            `${S}$aws:lb/listenerRule:ListenerRule::catalog-rule`,
            `${S}$aws:lb/targetGroup:TargetGroup::catalog-tg`,
        ]);
    });

    it("runs a Fargate task definition from resourceNames with the image as an input", () => {
        const td = one(result.resources, "aws:ecs/taskDefinition:TaskDefinition", "catalog-task");
        assert.strictEqual(td.inputs.family, "paved-test-svc-catalog");
        assert.deepStrictEqual(td.inputs.requiresCompatibilities, ["FARGATE"]);
        assert.strictEqual(td.inputs.cpu, "512");
        assert.strictEqual(td.inputs.memory, "1024");
        const [c] = JSON.parse(td.inputs.containerDefinitions);
        assert.strictEqual(c.image, ECR_IMAGE, "a new image changes the task definition: a new revision");
        assert.deepStrictEqual(c.portMappings, [{ containerPort: 3000, protocol: "tcp" }]);
        assert.strictEqual(c.logConfiguration.options["awslogs-group"], "/paved/paved-test/services/catalog");
        assert.strictEqual(one(result.resources, "aws:cloudwatch/logGroup:LogGroup", "catalog-logs").inputs.retentionInDays, 30);
    });

    it("registers ip targets with a health check and routes its path from the listener", () => {
        const tg = one(result.resources, "aws:lb/targetGroup:TargetGroup", "catalog-tg");
        assert.strictEqual(tg.inputs.targetType, "ip");
        assert.strictEqual(tg.inputs.port, 3000);
        assert.strictEqual(tg.inputs.vpcId, VPC);
        assert.strictEqual(tg.inputs.healthCheck.path, "/healthz");
        assert.strictEqual(tg.inputs.healthCheck.matcher, "200-399");
        const rule = one(result.resources, "aws:lb/listenerRule:ListenerRule", "catalog-rule");
        assert.strictEqual(rule.inputs.listenerArn, one(result.resources, "aws:lb/listener:Listener", "web-http").outputs.arn);
        assert.strictEqual(rule.inputs.priority, 10);
        assert.deepStrictEqual(rule.inputs.conditions, [{ pathPattern: { values: ["/catalog", "/catalog/*"] } }]);
        assert.deepStrictEqual(rule.inputs.actions, [{ type: "forward", targetGroupArn: tg.outputs.arn }]);
    });

    it("accepts traffic only from the load balancer's security group, on its port", () => {
        const sg = one(result.resources, "aws:ec2/securityGroup:SecurityGroup", "catalog-sg");
        const lbSg = one(result.resources, "aws:ec2/securityGroup:SecurityGroup", "web-sg");
        assert.deepStrictEqual(sg.inputs.ingress, [{ protocol: "tcp", fromPort: 3000, toPort: 3000, securityGroups: [lbSg.id], description: "load balancer" }]);
    });

    it("runs the service without public IPs, with a circuit breaker that rolls back", () => {
        const svc = one(result.resources, "aws:ecs/service:Service", "catalog-service");
        assert.strictEqual(svc.inputs.name, "paved-test-svc-catalog");
        assert.strictEqual(svc.inputs.cluster, `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/paved-test`);
        assert.strictEqual(svc.inputs.taskDefinition, one(result.resources, "aws:ecs/taskDefinition:TaskDefinition", "catalog-task").outputs.arn);
        assert.deepStrictEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
        assert.strictEqual(svc.inputs.networkConfiguration.assignPublicIp, false);
        assert.deepStrictEqual(svc.inputs.networkConfiguration.subnets, SUBNETS);
        assert.deepStrictEqual(svc.inputs.capacityProviderStrategies, [{ capacityProvider: "FARGATE", weight: 1 }]);
        assert.deepStrictEqual(svc.inputs.loadBalancers, [{ targetGroupArn: one(result.resources, "aws:lb/targetGroup:TargetGroup", "catalog-tg").outputs.arn, containerName: "catalog", containerPort: 3000 }]);
        assert.strictEqual(svc.inputs.enableExecuteCommand, false);
        assert.strictEqual(svc.inputs.propagateTags, "SERVICE");
        assert.deepStrictEqual(svc.ignoreChanges, ["desiredCount"]);
        assert.ok(svc.dependencies.includes(one(result.resources, "aws:lb/listenerRule:ListenerRule", "catalog-rule").urn), "waits for the rule");
    });

    it("tracks CPU on its own service's resource id", () => {
        const target = one(result.resources, "aws:appautoscaling/target:Target", "catalog-scaling");
        assert.strictEqual(target.inputs.resourceId, "service/paved-test/paved-test-svc-catalog");
        assert.strictEqual(target.inputs.minCapacity, 2);
        assert.strictEqual(target.inputs.maxCapacity, 6);
        const p = one(result.resources, "aws:appautoscaling/policy:Policy", "catalog-cpu");
        assert.strictEqual(p.inputs.resourceId, "service/paved-test/paved-test-svc-catalog");
        assert.strictEqual(p.inputs.policyType, "TargetTrackingScaling");
        assert.deepStrictEqual(p.inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification, { predefinedMetricType: "ECSServiceAverageCPUUtilization" });
        assert.strictEqual(p.inputs.targetTrackingScalingPolicyConfiguration.targetValue, 60);
    });

    it("tags every taggable child", () => {
        const taggable = taggableTypes();
        const tagged = result.resources.filter((r) => r.parent === `${S}::catalog` && taggable.has(r.type));
        assert.ok(tagged.length >= 9);
        for (const r of tagged) assert.strictEqual(r.inputs.tags?.team, "web", `${r.urn} lacks tags`);
    });

    it("routes by host header, and the root path to /*", async () => {
        assert.deepStrictEqual(routingConditions(containerServiceRouting.parse({ hostHeader: "api.example.com", priority: 5 })), [{ hostHeader: { values: ["api.example.com"] } }]);
        assert.deepStrictEqual(routingConditions(containerServiceRouting.parse({ pathPrefix: "/", priority: 50000 })), [{ pathPattern: { values: ["/*"] } }]);
    });

    it("sets container hard limits on EC2 capacity", async () => {
        const r = await run({ capacity: "ec2", cpu: 1024, memory: 2048 });
        const [c] = JSON.parse(one(r.resources, "aws:ecs/taskDefinition:TaskDefinition", "catalog-task").inputs.containerDefinitions);
        assert.deepStrictEqual([c.cpu, c.memory], [1024, 2048]);
        assert.deepStrictEqual(one(r.resources, "aws:ecs/service:Service", "catalog-service").inputs.capacityProviderStrategies, [{ capacityProvider: "paved-test-ec2", weight: 1 }]);
    });

    describe("validation", () => {
        const base = { namePrefix: "p", name: "catalog", cluster: {}, loadBalancer: {}, image: "x", routing: { pathPrefix: "/catalog", priority: 1 } };
        const bad: [string, object, string, RegExp][] = [
            ["an invalid Fargate pair", { cpu: 256, memory: 4096 }, "args.memory", /^invalid on fargate/],
            ["an unknown capacity", { capacity: "FARGATE" }, "args.capacity", /^must be one of .*did you mean "fargate"/],
            ["max below desired", { desiredCount: 3, maxCount: 2 }, "args.maxCount", /must be at least desiredCount \(3\)/],
            ["a desired count over the cap", { desiredCount: 1001 }, "args.desiredCount", /from 1 to 1000/],
            ["both routing kinds", { routing: { pathPrefix: "/a", hostHeader: "a.example.com", priority: 1 } }, "args.routing", /needs exactly one of pathPrefix and hostHeader/],
            ["a bad path", { routing: { pathPrefix: "/Catalog/", priority: 1 } }, "args.routing.pathPrefix", /lowercase URL-safe prefix/],
            ["priority 0", { routing: { pathPrefix: "/a", priority: 0 } }, "args.routing.priority", /must be a whole number from 1 to 50000/],
            ["a bad health check path", { healthCheckPath: "healthz" }, "args.healthCheckPath", /must start with "\/"/],
            ["a missing load balancer", { loadBalancer: undefined }, "args.loadBalancer", /is required/],
        ];
        for (const [what, args, path, message] of bad) {
            it(`rejects ${what} at ${path}`, () => assertRefused(containerServiceArgs, { ...base, ...args }, path, message));
        }
        it("defaults maxCount to the larger of 4 and desiredCount", () => {
            assert.deepStrictEqual([1, 4, 9].map(defaultMaxCount), [4, 4, 9]);
        });
    });
});

describe("ServiceLoadBalancer", () => {
    let result: ProgramResult;
    before(async () => {
        result = await run({});
    });

    it("with the insecureHttp opt-out: internal, drops invalid headers, answers 404 over plain HTTP", () => {
        assert.deepStrictEqual(childUrns(result.resources, `${L}::web`), [
            `${L}$aws:ec2/securityGroup:SecurityGroup::web-sg`,
            `${L}$aws:lb/listener:Listener::web-http`,
            `${L}$aws:lb/loadBalancer:LoadBalancer::web-alb`,
        ]);
        const lb = one(result.resources, "aws:lb/loadBalancer:LoadBalancer", "web-alb");
        assert.strictEqual(lb.inputs.internal, true);
        assert.strictEqual(lb.inputs.loadBalancerType, "application");
        assert.strictEqual(lb.inputs.dropInvalidHeaderFields, true);
        assert.strictEqual(lb.inputs.enableDeletionProtection, false);
        assert.strictEqual(lb.protect, false);
        const http = one(result.resources, "aws:lb/listener:Listener", "web-http");
        assert.strictEqual(http.inputs.protocol, "HTTP");
        assert.strictEqual(http.inputs.defaultActions[0].fixedResponse.statusCode, "404");
        const sg = one(result.resources, "aws:ec2/securityGroup:SecurityGroup", "web-sg");
        assert.deepStrictEqual(sg.inputs.ingress.map((i: any) => [i.fromPort, i.cidrBlocks]), [[80, ["10.0.0.0/16"]]], "internal: only the VPC");
    });

    it("serves HTTPS with a TLS 1.2+ policy and redirects HTTP when given a certificate; protects when asked", async () => {
        const r = await run({}, { certificateArn: CERT, internetFacing: true, protect: true, accessLogs: { bucket: "acme-alb-logs", prefix: "web" } });
        const https = one(r.resources, "aws:lb/listener:Listener", "web-https");
        assert.strictEqual(https.inputs.port, 443);
        assert.strictEqual(https.inputs.sslPolicy, DEFAULT_SSL_POLICY);
        assert.match(DEFAULT_SSL_POLICY, /TLS13-1-2/);
        assert.strictEqual(https.inputs.certificateArn, CERT);
        const http = one(r.resources, "aws:lb/listener:Listener", "web-http");
        assert.deepStrictEqual(http.inputs.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
        assert.strictEqual(one(r.resources, "aws:lb/listenerRule:ListenerRule", "catalog-rule").inputs.listenerArn, https.outputs.arn);
        const lb = one(r.resources, "aws:lb/loadBalancer:LoadBalancer", "web-alb");
        assert.strictEqual(lb.inputs.internal, false);
        assert.strictEqual(lb.inputs.enableDeletionProtection, true);
        assert.strictEqual(lb.protect, true);
        assert.deepStrictEqual(lb.inputs.accessLogs, { bucket: "acme-alb-logs", prefix: "web", enabled: true });
        const sg = one(r.resources, "aws:ec2/securityGroup:SecurityGroup", "web-sg");
        assert.deepStrictEqual(sg.inputs.ingress.map((i: any) => [i.fromPort, i.cidrBlocks]), [[80, ["0.0.0.0/0"]], [443, ["0.0.0.0/0"]]]);
    });
});

describe("ContainerService image ownership (Pulumi owns the shape, rollouts the image)", () => {
    const PARAMETER = "/paved/paved-test/services/catalog/image";
    const REPOSITORY = ECR_IMAGE.split(":").slice(0, -1).join(":");
    const managed = (over: Partial<ContainerServiceArgs> = {}) => ({ imageManagedExternally: true, cpu: 256, memory: 512, environment: { FEATURE: "a" }, ...over });
    const container = (r: ProgramResult) => JSON.parse(one(r.resources, "aws:ecs/taskDefinition:TaskDefinition", "catalog-task").inputs.containerDefinitions)[0];

    it("keeps the image in an SSM parameter Pulumi creates with the initial image and never writes again", async () => {
        const r = await run(managed());
        const p = one(r.resources, "aws:ssm/parameter:Parameter", "catalog-image");
        assert.deepStrictEqual([p.inputs.name, p.inputs.type, p.inputs.insecureValue, p.inputs.value], [PARAMETER, "String", ECR_IMAGE, undefined]);
        assert.deepStrictEqual(p.ignoreChanges, ["insecureValue", "value"], "the rollout owns the value");
        assert.strictEqual(container(r).image, ECR_IMAGE, "nothing deployed yet: the initial image");
        const svc = one(r.resources, "aws:ecs/service:Service", "catalog-service");
        assert.deepStrictEqual(svc.ignoreChanges, ["desiredCount"], "the task definition is never ignored");
        assert.strictEqual((r.outputs as any).imageParameter, PARAMETER);
    });

    it("after a deploy, plans today's cpu, memory, environment and roles with the deployed image", async () => {
        const deployed = `${REPOSITORY}:2.0.0`;
        const before = await run(managed(), undefined, { [PARAMETER]: deployed });
        const after = await run(managed({ cpu: 512, memory: 1024, environment: { FEATURE: "b" }, taskPolicyStatements: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::catalog-data/*" }] }), undefined, { [PARAMETER]: deployed });
        assert.strictEqual(container(before).image, deployed);
        const td = one(after.resources, "aws:ecs/taskDefinition:TaskDefinition", "catalog-task");
        assert.deepStrictEqual([td.inputs.cpu, td.inputs.memory], ["512", "1024"]);
        assert.strictEqual(container(after).image, deployed, "the deployed image, not the initial one");
        assert.deepStrictEqual(container(after).environment, [{ name: "FEATURE", value: "b" }]);
        assert.strictEqual(td.inputs.taskRoleArn, one(after.resources, "aws:iam/role:Role", "catalog-task").outputs.arn);
        assert.strictEqual(td.inputs.executionRoleArn, one(after.resources, "aws:iam/role:Role", "catalog-execution").outputs.arn);
        assert.ok(JSON.parse(one(after.resources, "aws:iam/rolePolicy:RolePolicy", "catalog-task").inputs.policy).Statement.some((x: any) => x.Action === "s3:GetObject"), "the new permission is on the role the definition names");
        assert.strictEqual(one(after.resources, "aws:ecs/service:Service", "catalog-service").inputs.taskDefinition, td.outputs.arn, "the service runs Pulumi's definition");
        const pull = JSON.parse(one(after.resources, "aws:iam/rolePolicy:RolePolicy", "catalog-execution").inputs.policy).Statement.find((x: any) => x.Sid === "EcrPull");
        assert.strictEqual(pull.Resource, `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/reports`);
        assert.strictEqual(one(after.resources, "aws:ssm/parameter:Parameter", "catalog-image").inputs.insecureValue, ECR_IMAGE, "Pulumi's own value stays the initial one (ignored after creation)");
    });

    it("refuses a deployed image from another repository, naming the parameter", async () => {
        await assert.rejects(
            run(managed(), undefined, { [PARAMETER]: "docker.io/library/nginx:latest" }),
            (e: Error) => e instanceof PavedError && e.message.includes(`SSM parameter ${PARAMETER} holds "docker.io/library/nginx:latest", not an image of ${REPOSITORY}; deploy one with \`paved deploy-service\``),
        );
    });

    it("without imageManagedExternally, Pulumi owns the image too (no parameter)", async () => {
        const r = await run({});
        assert.strictEqual(r.resources.filter((x) => x.type === "aws:ssm/parameter:Parameter").length, 0);
        assert.strictEqual(container(r).image, ECR_IMAGE);
    });
});

describe("ServiceLoadBalancer over HTTPS, behind CloudFront", () => {
    const reach = { certificateArn: CERT, cloudFront: { originDomainName: "services.example.com" } };

    it("needs a certificate unless the insecure opt-out is named", async () => {
        await assert.rejects(run({}, {}), (e: Error) => isConfigError(e, "args.certificateArn", /^is required: services are served over HTTPS .* set args\.insecureHttp: true to opt out/) && e.message.includes('ServiceLoadBalancer "web"'));
        await assert.rejects(run({}, { certificateArn: CERT, insecureHttp: true }), (e: Error) => isConfigError(e, "args.insecureHttp", /and certificateArn exclude each other/));
        await assert.rejects(run({}, { certificateArn: CERT.replace(REGION, "us-east-1") }), (e: Error) => e instanceof PavedError && /args\.certificateArn "arn:aws:acm:us-east-1:.* must be an ACM certificate in the load balancer's region eu-west-1 \(it is in us-east-1\)/.test(e.message));
        await assert.rejects(run({}, { certificateArn: CERT, cloudFront: {} }), (e: Error) => isConfigError(e, "args.cloudFront.originDomainName", /is required with a certificate/));
    });

    it("admits CloudFront's origin-facing addresses on 443 through a group of its own, and gives CloudFront an HTTPS VPC origin", async () => {
        const r = await run({}, reach);
        const lb = one(r.resources, "aws:lb/loadBalancer:LoadBalancer", "web-alb");
        const cf = one(r.resources, "aws:ec2/securityGroup:SecurityGroup", "web-cloudfront");
        const own = one(r.resources, "aws:ec2/securityGroup:SecurityGroup", "web-sg");
        assert.strictEqual(lb.inputs.internal, true, "never internet-facing");
        assert.deepStrictEqual(lb.inputs.securityGroups, [own.id, cf.id]);
        assert.deepStrictEqual(cf.inputs.ingress, [{ protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: [cf.inputs.ingress[0].prefixListIds[0]], description: "CloudFront origin-facing" }]);
        assert.match(cf.inputs.ingress[0].prefixListIds[0], /^pl-[0-9a-f]{8}$/);
        assert.strictEqual(CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST, "com.amazonaws.global.cloudfront.origin-facing");
        const origin = one(r.resources, "aws:cloudfront/vpcOrigin:VpcOrigin", "web-cdn-origin");
        assert.deepStrictEqual(origin.inputs.vpcOriginEndpointConfig, {
            name: "paved-test-services",
            arn: lb.outputs.arn,
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: "https-only",
            originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
        });
        assert.ok(origin.dependencies.includes(one(r.resources, "aws:lb/listener:Listener", "web-https").urn), "created once the HTTPS listener answers");
        const http = one(r.resources, "aws:lb/listener:Listener", "web-http");
        assert.deepStrictEqual(http.inputs.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }], "HTTP only redirects");
        assert.strictEqual(one(r.resources, "aws:lb/listenerRule:ListenerRule", "catalog-rule").inputs.listenerArn, one(r.resources, "aws:lb/listener:Listener", "web-https").outputs.arn);
    });
});
