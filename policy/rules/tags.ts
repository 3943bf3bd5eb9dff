/** The required-tags rule and the tag keys it requires (see `./index.ts` for the pack). */
import { TAG_KEYS } from "../../components/tag-keys";
import { Rule, T } from "./types";
import { str, truthy } from "./helpers";
import { asArray, isRecord } from "../documents";

/** The tag keys every taggable resource carries: which environment, which team, which budget. */
export const REQUIRED_TAG_KEYS = [TAG_KEYS.environment, TAG_KEYS.team, TAG_KEYS.costCenter] as const;

/** The required tags for an environment, as the AWS provider's default tags should set them. */
export function requiredTags(args: { environment: string; team: string; costCenter: string }): Record<string, string> {
    return { [TAG_KEYS.environment]: args.environment, [TAG_KEYS.team]: args.team, [TAG_KEYS.costCenter]: args.costCenter };
}

/**
 * Resource types whose args take a `tags` map, among those Paved creates or may create. A test
 * checks each against @pulumi/aws's typings and fails when a planned environment uses a taggable
 * type missing here, so the list grows with the environment.
 */
export const TAGGABLE_TYPES: readonly string[] = [
    ...T.bucket,
    T.distribution,
    T.vpcOrigin,
    "aws:cloudfront/keyValueStore:KeyValueStore",
    "aws:cloudfront/function:Function",
    T.repository,
    T.project,
    T.logGroup,
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/eventRule:EventRule",
    T.cluster,
    T.taskDefinition,
    T.service,
    T.taskSet,
    "aws:ecs/capacityProvider:CapacityProvider",
    T.queue,
    T.topic,
    T.stateMachine,
    "aws:scheduler/scheduleGroup:ScheduleGroup",
    ...T.loadBalancer,
    "aws:lb/targetGroup:TargetGroup",
    "aws:alb/targetGroup:TargetGroup",
    "aws:lb/listener:Listener",
    "aws:alb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:alb/listenerRule:ListenerRule",
    T.launchTemplate,
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/flowLog:FlowLog",
    "aws:kms/key:Key",
    T.role,
    T.policy,
    "aws:iam/instanceProfile:InstanceProfile",
    "aws:appautoscaling/target:Target",
    "aws:ssm/parameter:Parameter",
    "aws:secretsmanager/secret:Secret",
    "aws:acm/certificate:Certificate",
    "aws:lambda/function:Function",
    "aws:s3/bucketObjectv2:BucketObjectv2",
    "aws:codestarconnections/connection:Connection",
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
];

export const requiredTagsRule: Rule = {
    name: "required-tags",
    control: "Paved rule",
    description: `Every taggable resource carries ${REQUIRED_TAG_KEYS.join(", ")} (from the provider's default tags or its own); Auto Scaling groups propagate them to instances.`,
    enforcementLevel: "mandatory",
    resourceTypes: [...TAGGABLE_TYPES, T.autoscalingGroup],
    scope: "resource",
    validate(r, stack) {
        if (r.type === T.autoscalingGroup) {
            // The provider's default tags do not reach Auto Scaling groups or their instances.
            const tags = asArray(r.props.tags).filter(isRecord);
            const missing = REQUIRED_TAG_KEYS.filter((k) => !tags.some((t) => t.key === k && str(t.value) && truthy(t.propagateAtLaunch)));
            return missing.length ? [`auto scaling group ${r.name} does not propagate ${missing.join(", ")} to its instances; add them to tags with propagateAtLaunch: true`] : [];
        }
        const tags = { ...stack.defaultTags, ...(isRecord(r.props.tags) ? r.props.tags : {}) };
        const missing = REQUIRED_TAG_KEYS.filter((k) => !str(tags[k]));
        return missing.length ? [`${r.name} (${r.type}) lacks tags ${missing.join(", ")}; set them in the aws provider's defaultTags or on the resource`] : [];
    },
};
