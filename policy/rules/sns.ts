/** Policy rules for SNS (see `./index.ts` for the pack). */
import { ResourceView, Rule, T } from "./types";
import { str, refersTo, ofType } from "./helpers";
import { asArray, isRecord } from "../documents";
import { NOTIFICATIONS_PURPOSE, NOTIFICATIONS_TAGS } from "../../components/operations/alerts";

export const snsEncryption: Rule = {
    name: "sns-encryption",
    control: "SNS.1",
    description: "SNS topics are encrypted at rest with KMS.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.topic],
    scope: "resource",
    validate(t) {
        return str(t.props.kmsMasterKeyId) ? [] : [`topic ${t.name} is not encrypted; set kmsMasterKeyId (e.g. "alias/aws/sns")`];
    },
};

/** Whether a topic is an environment's notifications topic (tagged so by the Operations component). */
function isNotificationsTopic(t: ResourceView): boolean {
    return isRecord(t.props.tags) && t.props.tags[NOTIFICATIONS_TAGS.purpose] === NOTIFICATIONS_PURPOSE;
}

export const notificationsTopic: Rule = {
    name: "notifications-topic",
    control: "Paved rule",
    description:
        "Every environment (a stack whose CloudFront distribution is tagged as an environment's site) has a notifications topic for its failure alerts; a topic that requires subscribers (prod) has at least one (an SNS subscription or an AWS Chatbot channel).",
    enforcementLevel: "mandatory",
    resourceTypes: [T.distribution, T.topic],
    scope: "stack",
    validate(r, stack) {
        if (r.type === T.distribution) {
            if (!isRecord(r.props.tags) || r.props.tags[NOTIFICATIONS_TAGS.siteNeedsTopic] !== "true") return [];
            return ofType(stack, T.topic).some(isNotificationsTopic)
                ? []
                : [`the stack of distribution ${r.name} has no notifications topic (an SNS topic tagged ${NOTIFICATIONS_TAGS.purpose}=${NOTIFICATIONS_PURPOSE}): failures would reach nobody; compose an Operations component (Environment does)`];
        }
        if (!isNotificationsTopic(r) || r.props.tags[NOTIFICATIONS_TAGS.subscriptionsRequired] !== "true") return [];
        const subscriptions = ofType(stack, T.topicSubscription).filter((s) => refersTo(s.props.topic, r, s));
        const channels = ofType(stack, T.slackChannel).filter((c) => {
            const arns = asArray(c.props.snsTopicArns);
            return arns.some((a) => refersTo(a, r, c)) || (arns.length === 0 && (c.dependencies ?? []).includes(r.urn));
        });
        return subscriptions.length + channels.length > 0
            ? []
            : [`notifications topic ${r.name} has no subscriber, and this environment requires one (prod); set paved:alerts email, https or slack`];
    },
};
