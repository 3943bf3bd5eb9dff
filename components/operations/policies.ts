import type { AwsLocation } from "../aws-location";

/** The IAM and resource policy documents of the notifications topic and its helpers (pure). */

type Document = { Version: "2012-10-17"; Statement: Record<string, unknown>[] };

/** The services that publish to the topic: EventBridge rules and CloudWatch alarms. */
export const TOPIC_PUBLISHERS = ["events.amazonaws.com", "cloudwatch.amazonaws.com"] as const;

/**
 * The topic's customer-managed key. EventBridge and CloudWatch cannot publish to a topic encrypted
 * with the AWS-managed `alias/aws/sns` key (its policy cannot name them); this key lets exactly
 * those two services use it, for this account's resources only. The account keeps administering
 * the key through IAM.
 */
export function topicKeyPolicy(loc: AwsLocation): Document {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: `arn:${loc.partition}:iam::${loc.accountId}:root` }, Action: "kms:*", Resource: "*" },
            {
                Sid: "PublishersEncrypt",
                Effect: "Allow",
                Principal: { Service: [...TOPIC_PUBLISHERS] },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: "*",
                Condition: { StringEquals: { "aws:SourceAccount": loc.accountId } },
            },
        ],
    };
}

/**
 * The topic's policy: EventBridge may publish only from the environment's rules, CloudWatch only
 * from its alarms, and nothing reaches the topic without TLS. Account principals still need an
 * IAM permission of their own to publish or manage it.
 */
export function topicPolicy(topicArn: string, loc: AwsLocation, ruleArns: string[], alarmArns: string[]): Document {
    const account = { "aws:SourceAccount": loc.accountId };
    const statements: Record<string, unknown>[] = [];
    if (ruleArns.length) {
        statements.push({
            Sid: "EnvironmentRulesPublish",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: { StringEquals: account, ArnEquals: { "aws:SourceArn": [...ruleArns].sort() } },
        });
    }
    if (alarmArns.length) {
        statements.push({
            Sid: "EnvironmentAlarmsPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: { StringEquals: account, ArnEquals: { "aws:SourceArn": [...alarmArns].sort() } },
        });
    }
    statements.push({ Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: topicArn, Condition: { Bool: { "aws:SecureTransport": "false" } } });
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * What AWS Chatbot's role may do: read CloudWatch, to render alarm notifications with their
 * graphs (the "Notification permissions" template). Nothing else: the channel only listens.
 */
export function chatbotRolePolicy(): Document {
    return {
        Version: "2012-10-17",
        Statement: [{ Sid: "RenderAlarms", Effect: "Allow", Action: ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"], Resource: "*" }],
    };
}

/** The role a us-east-1 rule uses to forward alarm events to the environment region's default bus. */
export function forwardEventsPolicy(loc: AwsLocation): Document {
    return {
        Version: "2012-10-17",
        Statement: [{ Sid: "ForwardToEnvironmentBus", Effect: "Allow", Action: "events:PutEvents", Resource: `arn:${loc.partition}:events:${loc.region}:${loc.accountId}:event-bus/default` }],
    };
}
