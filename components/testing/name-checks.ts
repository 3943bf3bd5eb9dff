import { NameKind, nameRules, nameViolation } from "../naming";

/**
 * Which inputs of which resource types are physical names, and the AWS rule each must meet.
 * `namePrefix` inputs get a unique suffix appended by the provider (26 characters), so they must
 * leave that much room.
 */
const NAME_INPUTS: Record<string, Record<string, NameKind>> = {
    "aws:s3/bucket:Bucket": { bucket: "s3Bucket", bucketPrefix: "s3Bucket" },
    "aws:s3/bucketV2:BucketV2": { bucket: "s3Bucket", bucketPrefix: "s3Bucket" },
    "aws:iam/role:Role": { name: "iamRole", namePrefix: "iamRole" },
    "aws:iam/instanceProfile:InstanceProfile": { name: "iamRole", namePrefix: "iamRole" },
    "aws:iam/policy:Policy": { name: "iamPolicy", namePrefix: "iamPolicy" },
    "aws:ecr/repository:Repository": { name: "ecrRepository" },
    "aws:codebuild/project:Project": { name: "codebuildProject" },
    "aws:ecs/cluster:Cluster": { name: "ecsName" },
    "aws:ecs/service:Service": { name: "ecsName" },
    "aws:ecs/taskDefinition:TaskDefinition": { family: "ecsName" },
    "aws:ecs/capacityProvider:CapacityProvider": { name: "ecsCapacityProvider" },
    "aws:lb/loadBalancer:LoadBalancer": { name: "loadBalancer", namePrefix: "loadBalancer" },
    "aws:lb/targetGroup:TargetGroup": { name: "loadBalancer", namePrefix: "loadBalancer" },
    "aws:cloudwatch/logGroup:LogGroup": { name: "logGroup", namePrefix: "logGroup" },
    "aws:sqs/queue:Queue": { name: "sqsQueue", namePrefix: "sqsQueue" },
    "aws:sns/topic:Topic": { name: "snsTopic", namePrefix: "snsTopic" },
    "aws:sfn/stateMachine:StateMachine": { name: "stateMachine", namePrefix: "stateMachine" },
    "aws:scheduler/schedule:Schedule": { name: "schedule", namePrefix: "schedule", groupName: "schedule" },
    "aws:scheduler/scheduleGroup:ScheduleGroup": { name: "schedule", namePrefix: "schedule" },
    "aws:cloudwatch/eventRule:EventRule": { name: "eventRule", namePrefix: "eventRule" },
    "aws:ec2/launchTemplate:LaunchTemplate": { name: "launchTemplate", namePrefix: "launchTemplate" },
    "aws:cloudfront/function:Function": { name: "cloudfront" },
    "aws:lambda/function:Function": { name: "lambdaFunction" },
    "aws:cloudfront/keyValueStore:KeyValueStore": { name: "cloudfront" },
    "aws:cloudfront/cachePolicy:CachePolicy": { name: "cloudfront" },
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": { name: "cloudfront" },
    "aws:cloudfront/originAccessControl:OriginAccessControl": { name: "cloudfront" },
    "aws:cloudwatch/dashboard:Dashboard": { dashboardName: "dashboard" },
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": { configurationName: "chatbotConfiguration" },
};

/**
 * A resource's explicit physical name (not a prefix) from its inputs, as `field=value` pairs joined
 * (a schedule is its name and its group); empty when Pulumi auto-names it.
 */
export function explicitPhysicalNames(type: string, inputs: Record<string, unknown>): string[] {
    const fields = Object.keys(NAME_INPUTS[type] ?? {}).filter((field) => !field.endsWith("Prefix") && typeof inputs[field] === "string");
    return fields.length ? [fields.map((field) => `${field}=${inputs[field]}`).join(" ")] : [];
}

/** Characters the AWS provider appends to a `namePrefix`. */
export const NAME_PREFIX_SUFFIX = 26;

/** Names the given inputs would give AWS that AWS would reject, as messages. */
export function nameInputViolations(type: string, inputs: Record<string, unknown>): string[] {
    const fields = NAME_INPUTS[type];
    if (!fields) return [];
    const out: string[] = [];
    for (const [field, kind] of Object.entries(fields)) {
        const value = inputs[field];
        if (typeof value !== "string") continue;
        if (field.endsWith("Prefix")) {
            const rule = nameRules[kind];
            const room = rule.max - NAME_PREFIX_SUFFIX;
            const bad = Array.from(value).find((c) => !rule.char.test(c));
            if (value.length > room) out.push(`${field} "${value}" is ${value.length} characters; ${rule.label} name prefixes may have at most ${room}`);
            else if (bad !== undefined) out.push(`${field} "${value}" has "${bad}", which ${rule.label} names do not allow`);
            continue;
        }
        const problem = nameViolation(kind, value);
        if (problem) out.push(`${field} "${value}" would be rejected by AWS: ${problem}`);
    }
    return out;
}
