import * as pulumi from "@pulumi/pulumi";
import { stableHash } from "../naming";
import { nameInputViolations } from "./name-checks";
import { PlainAssetRecorder } from "./plain-assets";

/** The account every mocked ARN lives in. */
export const MOCK_ACCOUNT_ID = "123456789012";

/** One resource the program registered, as the engine would have seen it. */
export interface RecordedResource {
    urn: string;
    type: string;
    /** Logical name. */
    name: string;
    /** Parent URN; undefined for the stack. */
    parent?: string;
    /** A custom (cloud) resource, as opposed to a component. */
    custom: boolean;
    /** Inputs, fully resolved; assets and archives as plain data (`PlainAsset`). */
    inputs: Record<string, any>;
    /** State the mock returned (inputs plus AWS-shaped ids, ARNs and computed outputs). */
    outputs: Record<string, any>;
    id?: string;
    /** Resource options that matter to Paved's guarantees. */
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    dependencies: string[];
    /** URNs the resource had before (its `aliases` option), as the engine resolves them. */
    aliases: string[];
    /** `urn::id` of the explicit provider, if any. */
    provider?: string;
}

export type InvokeHandler = (inputs: Record<string, any>) => Record<string, any>;

export interface AwsMocksOptions {
    region: string;
    /** Outputs of `pulumi.StackReference`s, by the referenced stack's name. */
    stackReferences?: Record<string, Record<string, unknown>>;
    /** Extra invoke answers by token; they win over the built-in ones. */
    invokes?: Record<string, InvokeHandler>;
    /**
     * SSM parameters that exist in the mocked account, by name, e.g. a service's deployed image
     * (`/paved/paved-dev/services/storefront/image`). None by default: nothing has been deployed.
     */
    ssmParameters?: Record<string, string>;
    /** Extra or replacement outputs by resource type (e.g. for awsx remote components). */
    outputs?: Record<string, (r: { name: string; inputs: Record<string, any> }) => Record<string, unknown>>;
    /**
     * The project root: file assets under it are recorded by their path relative to it.
     * @default process.cwd()
     */
    projectDir?: string;
}

/** CloudFront's managed policies Paved looks up by name, with their published ids. */
const MANAGED_CACHE_POLICIES: Record<string, string> = {
    "Managed-CachingOptimized": "658327ea-f89d-4fab-a63d-7e88639e58f6",
    "Managed-CachingDisabled": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
};
const MANAGED_ORIGIN_REQUEST_POLICIES: Record<string, string> = {
    "Managed-CORS-S3Origin": "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
    "Managed-AllViewerExceptHostHeader": "b689b0a8-53d0-40ab-baf2-68738e2966ac",
};

function hex(seed: string, n: number): string {
    let out = "";
    for (let i = 0; out.length < n; i++) out += stableHash(`${seed}#${i}`, 64);
    return out.slice(0, n);
}

function uuid(seed: string): string {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Pulumi mocks that answer like AWS: ids and ARNs shaped per resource type in one fixed account
 * and the configured region, the invokes Paved uses (and an error naming any other), outputs of
 * awsx's remote components, and a check of every physical name against AWS's rules.
 */
export class AwsMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    /** Problems found while registering (invalid physical names, unknown stack references). */
    readonly errors: string[] = [];
    /** The request being registered: set synchronously just before `newResource` runs. */
    currentRequest?: any;
    private readonly region: string;
    private readonly engineUrns = new Map<string, string>();
    /** Regions of explicit aws providers, by `urn::id`: their resources' ARNs name that region. */
    private readonly providerRegions = new Map<string, string>();
    private readonly assets: PlainAssetRecorder;

    constructor(private readonly options: AwsMocksOptions) {
        this.region = options.region;
        this.assets = new PlainAssetRecorder(options.projectDir ?? process.cwd());
    }

    /**
     * Resolves once every recorded asset and archive is plain data (their paths settle a tick
     * after registration). `runProgram` waits for it before returning the resources.
     */
    settled(): Promise<void> {
        return this.assets.settled();
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        try {
            return this.answer(args);
        } catch (e) {
            // The engine protocol loses the message; keep it for the run's error.
            this.errors.push((e as Error).message);
            throw e;
        }
    }

    private answer(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        const custom = this.options.invokes?.[args.token];
        if (custom) return custom(args.inputs);
        const r = this.region;
        const a = MOCK_ACCOUNT_ID;
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: a, arn: `arn:aws:iam::${a}:user/paved-test`, userId: "AIDAPAVEDTEST", id: a };
            case "aws:index/getRegion:getRegion":
                return { name: r, region: r, id: r, description: r, endpoint: `ec2.${r}.amazonaws.com` };
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return { names: ["a", "b", "c"].map((z) => `${r}${z}`), zoneIds: ["1", "2", "3"].map((z) => `use1-az${z}`), id: r, groupNames: [r] };
            case "aws:ssm/getParameter:getParameter": {
                const name: string = args.inputs.name;
                if (name.startsWith("/aws/service/ecs/optimized-ami/")) {
                    return { name, value: `ami-${hex(name, 17)}`, type: "String", insecureValue: `ami-${hex(name, 17)}`, arn: `arn:aws:ssm:${r}::parameter${name}`, id: name, version: 1, withDecryption: true };
                }
                const value = this.options.ssmParameters?.[name];
                if (value !== undefined) return { name, value, type: "String", insecureValue: value, arn: ssmParameterArn(r, a, name), id: name, version: 1, withDecryption: true };
                throw new Error(`AwsMocks: no mocked SSM parameter "${name}"; pass it in options.ssmParameters`);
            }
            case "aws:ssm/getParametersByPath:getParametersByPath": {
                // Like SSM: the parameters directly under the path (all levels when recursive); none is no error.
                const path = String(args.inputs.path).replace(/\/$/, "");
                const names = Object.keys(this.options.ssmParameters ?? {})
                    .filter((n) => n.startsWith(`${path}/`) && (args.inputs.recursive || !n.slice(path.length + 1).includes("/")))
                    .sort();
                const values = names.map((n) => this.options.ssmParameters![n]);
                return { id: path, path, names, values, arns: names.map((n) => ssmParameterArn(r, a, n)), types: names.map(() => "String"), recursive: args.inputs.recursive ?? false, region: r, withDecryption: true };
            }
            case "aws:ec2/getManagedPrefixList:getManagedPrefixList": {
                const name: string | undefined = args.inputs.name;
                if (name !== "com.amazonaws.global.cloudfront.origin-facing") throw new Error(`AwsMocks: no managed prefix list "${name}"`);
                const id = `pl-${hex(name, 8)}`;
                return { id, name, arn: `arn:aws:ec2:${r}:aws:prefix-list/${id}`, addressFamily: "IPv4", maxEntries: 55, ownerId: "AWS", entries: [], tags: {}, version: 1, region: r };
            }
            case "aws:iam/getPolicyDocument:getPolicyDocument":
                return { json: JSON.stringify(policyDocument(args.inputs)), id: "policy" };
            case "aws:cloudfront/getCachePolicy:getCachePolicy":
                return managedPolicy(MANAGED_CACHE_POLICIES, args.inputs.name, "cache policy");
            case "aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy":
                return managedPolicy(MANAGED_ORIGIN_REQUEST_POLICIES, args.inputs.name, "origin request policy");
            case "aws:ec2/getVpc:getVpc":
                return { id: args.inputs.id, arn: `arn:aws:ec2:${r}:${a}:vpc/${args.inputs.id}`, cidrBlock: "10.0.0.0/16" };
        }
        throw new Error(`AwsMocks: unexpected invoke "${args.token}"; Paved does not call it (or add an answer in options.invokes)`);
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        const req = this.currentRequest;
        this.currentRequest = undefined;
        // The mock monitor names resources its own way (MockMonitor.newUrn); record the URN the
        // engine would give, so pinned URNs hold against real stacks.
        const monitorParent: string | undefined = req?.getParent() || undefined;
        const parent = monitorParent ? this.engineUrns.get(monitorParent) : undefined;
        const urn = engineUrn(parent, args.type, args.name);
        this.engineUrns.set(monitorUrn(monitorParent, args.type, args.name), urn);
        const inputs = (args.inputs ?? {}) as Record<string, any>;

        for (const v of nameInputViolations(args.type, inputs)) this.errors.push(`${urn}: ${v}`);

        const region = (args.provider && this.providerRegions.get(args.provider)) || this.region;
        const { id, state } = this.shape(args.type, args.name, urn, inputs, region);
        if (args.type === "pulumi:providers:aws" && typeof inputs.region === "string") {
            // Resources name their provider by the monitor's URN; keep the engine's too.
            this.providerRegions.set(`${urn}::${id}`, inputs.region);
            this.providerRegions.set(`${monitorUrn(monitorParent, args.type, args.name)}::${id}`, inputs.region);
        }
        this.resources.push({
            urn,
            type: args.type,
            name: args.name,
            parent,
            custom: args.custom ?? true,
            // The engine gets the assets themselves (in `state`); the record, plain data.
            inputs: this.assets.replace(inputs),
            outputs: this.assets.replace(state),
            id,
            protect: req?.getProtect?.() ?? false,
            retainOnDelete: req?.getRetainondelete?.() ?? false,
            ignoreChanges: req?.getIgnorechangesList?.() ?? [],
            dependencies: req?.getDependenciesList?.() ?? [],
            aliases: this.aliasUrns(req, args.type, args.name, parent),
            provider: args.provider || undefined,
        });
        return { id, state };
    }

    /** The URNs a registration's alias specs name (same stack and project). */
    private aliasUrns(req: any, type: string, name: string, parent: string | undefined): string[] {
        const out: string[] = [];
        for (const a of req?.getAliasesList?.() ?? []) {
            if (typeof a === "string") out.push(a);
            else if (a.getUrn?.()) out.push(a.getUrn());
            else if (a.getSpec?.()) {
                const spec = a.getSpec();
                const aliasParent = spec.getNoparent() ? undefined : spec.getParenturn() ? (this.engineUrns.get(spec.getParenturn()) ?? spec.getParenturn()) : parent;
                out.push(engineUrn(aliasParent, spec.getType() || type, spec.getName() || name));
            }
        }
        return out;
    }

    /** AWS-shaped id and outputs for one resource. */
    private shape(type: string, logical: string, urn: string, inputs: Record<string, any>, r: string): { id: string | undefined; state: Record<string, any> } {
        const a = MOCK_ACCOUNT_ID;
        const extra = this.options.outputs?.[type];
        const phys: string = inputs.name ?? inputs.bucket ?? (inputs.namePrefix ? `${inputs.namePrefix}${hex(urn, 26)}` : `${logical}-${hex(urn, 7)}`);
        const base = { ...inputs };
        const done = (id: string | undefined, state: Record<string, any>) => ({ id, state: { ...base, ...state, ...(extra ? extra({ name: logical, inputs }) : {}) } });
        switch (type) {
            case "pulumi:pulumi:StackReference": {
                const outputs = this.options.stackReferences?.[inputs.name];
                if (!outputs) this.errors.push(`${urn}: no outputs for StackReference "${inputs.name}"; pass them in options.stackReferences`);
                return done(inputs.name, { name: inputs.name, outputs: outputs ?? {}, secretOutputNames: [] });
            }
            case "awsx:ec2:Vpc": {
                const vpcId = `vpc-${hex(urn, 17)}`;
                const azs = inputs.numberOfAvailabilityZones ?? 2;
                const subnets = (kind: string) => Array.from({ length: azs }, (_, i) => `subnet-${hex(`${urn}${kind}${i}`, 17)}`);
                const nats = inputs.natGateways?.strategy === "OnePerAz" ? azs : inputs.natGateways?.strategy === "None" ? 0 : 1;
                return done(undefined, {
                    vpcId,
                    vpc: { id: vpcId, arn: `arn:aws:ec2:${r}:${a}:vpc/${vpcId}`, cidrBlock: inputs.cidrBlock ?? "10.0.0.0/16" },
                    publicSubnetIds: subnets("public"),
                    privateSubnetIds: subnets("private"),
                    isolatedSubnetIds: [],
                    natGateways: Array.from({ length: nats }, (_, i) => ({ id: `nat-${hex(`${urn}nat${i}`, 17)}` })),
                });
            }
            case "aws:s3/bucket:Bucket":
            case "aws:s3/bucketV2:BucketV2": {
                const bucket = inputs.bucket ?? (inputs.bucketPrefix ? `${inputs.bucketPrefix}${hex(urn, 26)}` : `${logical}-${hex(urn, 7)}`).toLowerCase();
                return done(bucket, { bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`, bucketRegionalDomainName: `${bucket}.s3.${r}.amazonaws.com`, region: r, hostedZoneId: "Z3AQBSTGFYJSTF" });
            }
            case "aws:iam/role:Role":
                return done(phys, { name: phys, arn: `arn:aws:iam::${a}:role${inputs.path ?? "/"}${phys}`, uniqueId: `AROA${hex(urn, 17).toUpperCase()}` });
            case "aws:iam/policy:Policy":
                return done(`arn:aws:iam::${a}:policy/${phys}`, { name: phys, arn: `arn:aws:iam::${a}:policy/${phys}`, policyId: `ANPA${hex(urn, 17).toUpperCase()}` });
            case "aws:iam/instanceProfile:InstanceProfile":
                return done(phys, { name: phys, arn: `arn:aws:iam::${a}:instance-profile/${phys}`, uniqueId: `AIPA${hex(urn, 17).toUpperCase()}` });
            case "aws:ecr/repository:Repository":
                return done(phys, { name: phys, arn: `arn:aws:ecr:${r}:${a}:repository/${phys}`, registryId: a, repositoryUrl: `${a}.dkr.ecr.${r}.amazonaws.com/${phys}` });
            case "aws:codebuild/project:Project":
                return done(`arn:aws:codebuild:${r}:${a}:project/${phys}`, { name: phys, arn: `arn:aws:codebuild:${r}:${a}:project/${phys}`, badgeUrl: "" });
            case "aws:cloudwatch/logGroup:LogGroup":
                return done(phys, { name: phys, arn: `arn:aws:logs:${r}:${a}:log-group:${phys}` });
            case "aws:cloudfront/distribution:Distribution": {
                const id = `E${hex(urn, 13).toUpperCase()}`;
                return done(id, { arn: `arn:aws:cloudfront::${a}:distribution/${id}`, domainName: `d${hex(urn, 13)}.cloudfront.net`, hostedZoneId: "Z2FDTNDATAQYW2", etag: `E${hex(urn + "etag", 13).toUpperCase()}`, status: "Deployed" });
            }
            case "aws:cloudfront/keyValueStore:KeyValueStore": {
                const id = uuid(urn);
                return done(phys, { name: phys, arn: `arn:aws:cloudfront::${a}:key-value-store/${id}`, etag: `ETVP${hex(urn, 10).toUpperCase()}` });
            }
            case "aws:cloudfront/vpcOrigin:VpcOrigin": {
                const id = `vo_${hex(urn, 22)}`;
                return done(id, { arn: `arn:aws:cloudfront::${a}:vpcorigin/${id}`, etag: `E${hex(urn + "etag", 13).toUpperCase()}` });
            }
            case "aws:ssm/parameter:Parameter":
                return done(inputs.name, { arn: ssmParameterArn(r, a, inputs.name), version: 1, tier: inputs.tier ?? "Standard" });
            case "aws:cloudfront/function:Function":
                return done(phys, { name: phys, arn: `arn:aws:cloudfront::${a}:function/${phys}`, etag: `ETVP${hex(urn, 10).toUpperCase()}`, liveStageEtag: `ETVP${hex(urn, 10).toUpperCase()}`, status: "UNASSOCIATED" });
            case "aws:cloudfront/originAccessControl:OriginAccessControl":
            case "aws:cloudfront/cachePolicy:CachePolicy":
            case "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy":
            case "aws:cloudfront/originRequestPolicy:OriginRequestPolicy": {
                const id = type.includes("originAccessControl") ? `E${hex(urn, 13).toUpperCase()}` : uuid(urn);
                return done(id, { etag: `E${hex(urn + "etag", 13).toUpperCase()}` });
            }
            case "aws:lambda/function:Function": {
                const arn = `arn:aws:lambda:${r}:${a}:function:${phys}`;
                return done(phys, { name: phys, arn, qualifiedArn: `${arn}:$LATEST`, invokeArn: `arn:aws:apigateway:${r}:lambda:path/2015-03-31/functions/${arn}/invocations`, version: "$LATEST" });
            }
            case "aws:ecs/cluster:Cluster":
                return done(`arn:aws:ecs:${r}:${a}:cluster/${phys}`, { name: phys, arn: `arn:aws:ecs:${r}:${a}:cluster/${phys}` });
            case "aws:ecs/taskDefinition:TaskDefinition": {
                const family = inputs.family ?? phys;
                return done(`arn:aws:ecs:${r}:${a}:task-definition/${family}:1`, { arn: `arn:aws:ecs:${r}:${a}:task-definition/${family}:1`, arnWithoutRevision: `arn:aws:ecs:${r}:${a}:task-definition/${family}`, revision: 1 });
            }
            case "aws:ecs/service:Service": {
                const cluster = String(inputs.cluster ?? "default").split("/").pop();
                return done(`arn:aws:ecs:${r}:${a}:service/${cluster}/${phys}`, { name: phys });
            }
            case "aws:ecs/capacityProvider:CapacityProvider":
                return done(`arn:aws:ecs:${r}:${a}:capacity-provider/${phys}`, { name: phys, arn: `arn:aws:ecs:${r}:${a}:capacity-provider/${phys}` });
            case "aws:sqs/queue:Queue":
                return done(`https://sqs.${r}.amazonaws.com/${a}/${phys}`, { name: phys, arn: `arn:aws:sqs:${r}:${a}:${phys}`, url: `https://sqs.${r}.amazonaws.com/${a}/${phys}` });
            case "aws:sns/topic:Topic":
                return done(`arn:aws:sns:${r}:${a}:${phys}`, { name: phys, arn: `arn:aws:sns:${r}:${a}:${phys}` });
            case "aws:sfn/stateMachine:StateMachine":
                return done(`arn:aws:states:${r}:${a}:stateMachine:${phys}`, { name: phys, arn: `arn:aws:states:${r}:${a}:stateMachine:${phys}`, status: "ACTIVE" });
            case "aws:scheduler/schedule:Schedule": {
                const group = inputs.groupName ?? "default";
                return done(`${group}/${phys}`, { name: phys, arn: `arn:aws:scheduler:${r}:${a}:schedule/${group}/${phys}` });
            }
            case "aws:scheduler/scheduleGroup:ScheduleGroup":
                return done(phys, { name: phys, arn: `arn:aws:scheduler:${r}:${a}:schedule-group/${phys}` });
            case "aws:lb/loadBalancer:LoadBalancer":
            case "aws:alb/loadBalancer:LoadBalancer": {
                const arn = `arn:aws:elasticloadbalancing:${r}:${a}:loadbalancer/app/${phys}/${hex(urn, 16)}`;
                return done(arn, { name: phys, arn, arnSuffix: arn.split(":loadbalancer/")[1], dnsName: `${phys}-${hex(urn, 10)}.${r}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" });
            }
            case "aws:lb/targetGroup:TargetGroup":
            case "aws:alb/targetGroup:TargetGroup": {
                const arn = `arn:aws:elasticloadbalancing:${r}:${a}:targetgroup/${phys}/${hex(urn, 16)}`;
                return done(arn, { name: phys, arn, arnSuffix: `targetgroup/${phys}/${hex(urn, 16)}` });
            }
            case "aws:lb/listener:Listener":
            case "aws:lb/listenerRule:ListenerRule": {
                const arn = `arn:aws:elasticloadbalancing:${r}:${a}:listener/app/${hex(urn, 16)}`;
                return done(arn, { arn });
            }
            case "aws:autoscaling/group:Group":
                return done(phys, { name: phys, arn: `arn:aws:autoscaling:${r}:${a}:autoScalingGroup:${uuid(urn)}:autoScalingGroupName/${phys}` });
            case "aws:ec2/launchTemplate:LaunchTemplate": {
                const id = `lt-${hex(urn, 17)}`;
                return done(id, { name: phys, arn: `arn:aws:ec2:${r}:${a}:launch-template/${id}`, latestVersion: 1, defaultVersion: 1 });
            }
            case "aws:ec2/securityGroup:SecurityGroup": {
                const id = `sg-${hex(urn, 17)}`;
                return done(id, { name: phys, arn: `arn:aws:ec2:${r}:${a}:security-group/${id}` });
            }
            case "aws:kms/key:Key": {
                const id = uuid(urn);
                return done(id, { keyId: id, arn: `arn:aws:kms:${r}:${a}:key/${id}` });
            }
            case "aws:cloudwatch/metricAlarm:MetricAlarm":
                return done(phys, { name: phys, arn: `arn:aws:cloudwatch:${r}:${a}:alarm:${phys}` });
            case "aws:appautoscaling/policy:Policy":
                return done(phys, { name: phys, arn: `arn:aws:autoscaling:${r}:${a}:scalingPolicy:${uuid(urn)}:resource/${phys}`, alarmArns: [] });
            case "aws:cloudwatch/eventRule:EventRule":
                return done(phys, { name: phys, arn: `arn:aws:events:${r}:${a}:rule/${phys}` });
            case "aws:cloudwatch/eventTarget:EventTarget":
                return done(`${inputs.rule}-${logical}`, { targetId: logical });
            case "aws:cloudwatch/dashboard:Dashboard":
                return done(inputs.dashboardName, { dashboardArn: `arn:aws:cloudwatch::${a}:dashboard/${inputs.dashboardName}` });
            case "aws:sns/topicSubscription:TopicSubscription":
                return done(`${inputs.topic}:${uuid(urn)}`, { arn: `${inputs.topic}:${uuid(urn)}`, ownerId: a, pendingConfirmation: true });
            case "aws:sns/topicPolicy:TopicPolicy":
                return done(inputs.arn, { owner: a });
            case "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": {
                const arn = `arn:aws:chatbot::${a}:chat-configuration/slack-channel/${inputs.configurationName}`;
                return done(arn, { chatConfigurationArn: arn, slackTeamName: "Paved test workspace", slackChannelName: "paved-alerts" });
            }
            case "aws:appautoscaling/target:Target":
                return done(`${inputs.serviceNamespace}/${inputs.resourceId}`, { arn: `arn:aws:application-autoscaling:${r}:${a}:scalable-target/${hex(urn, 20)}` });
        }
        if (type.startsWith("aws:") && type !== "pulumi:providers:aws") {
            // Anything else: a name-based id and a generic ARN in the resource's service.
            const service = type.slice(4).split("/")[0];
            return done(phys, { arn: `arn:aws:${service}:${r}:${a}:${logical}/${phys}` });
        }
        return done(nonAwsId(type, logical, urn), {});
    }
}

/** Providers get an id (resources reference them as `urn::id`); components get none. */
function nonAwsId(type: string, logical: string, urn: string): string | undefined {
    return type.startsWith("pulumi:providers:") ? `${logical}-${hex(urn, 8)}` : undefined;
}

/** An SSM parameter's ARN: a hierarchical name keeps its slashes, a flat one gets one. */
function ssmParameterArn(region: string, account: string, name: string): string {
    return `arn:aws:ssm:${region}:${account}:parameter/${name.replace(/^\//, "")}`;
}

function managedPolicy(table: Record<string, string>, name: string, what: string) {
    const id = table[name];
    if (!id) throw new Error(`AwsMocks: unknown managed CloudFront ${what} "${name}"`);
    return { id, name };
}

/** The JSON document `aws.iam.getPolicyDocument` would return for its inputs. */
export function policyDocument(inputs: Record<string, any>): Record<string, unknown> {
    const list = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v);
    const statements = (inputs.statements ?? []).map((s: Record<string, any>) => {
        const out: Record<string, unknown> = {};
        if (s.sid) out.Sid = s.sid;
        out.Effect = s.effect ?? "Allow";
        if (s.actions) out.Action = list(s.actions);
        if (s.notActions) out.NotAction = list(s.notActions);
        if (s.resources) out.Resource = list(s.resources);
        if (s.notResources) out.NotResource = list(s.notResources);
        if (s.principals) {
            const p: Record<string, unknown> = {};
            for (const pr of s.principals) p[pr.type] = list(pr.identifiers);
            out.Principal = p;
        }
        if (s.conditions) {
            const c: Record<string, Record<string, unknown>> = {};
            for (const cond of s.conditions) (c[cond.test] ??= {})[cond.variable] = list(cond.values);
            out.Condition = c;
        }
        return out;
    });
    return { Version: inputs.version ?? "2012-10-17", Statement: statements };
}

/** The URN Pulumi's MockMonitor gives a resource (its own rule: only the parent's last type). */
function monitorUrn(parent: string | undefined, type: string, name: string): string {
    let qualified = type;
    if (parent) qualified = `${parent.split("::")[2].split("$").pop()}$${type}`;
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
}

/**
 * The URN the engine gives a resource: the parent's qualified type chain, then the type; children
 * of the stack carry no stack prefix.
 */
export function engineUrn(parent: string | undefined, type: string, name: string): string {
    const parentType = parent?.split("::")[2];
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
}
