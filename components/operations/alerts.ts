/**
 * Who hears about failures, and when an alarm fires: the defaults, the tags and the validation
 * rules of `paved:alerts` and `OperationsArgs.alerts`, shared by the config schema, the component
 * and the policy pack (pure: no Pulumi imports).
 */

/** Alarm thresholds. */
export interface AlertThresholds {
    /**
     * CloudFront 5xx error rate (percent of requests, 5-minute average) above which the site alarms.
     * @default 5
     */
    cloudFront5xxPercent: number;
    /**
     * 5xx responses from one service's tasks (through the load balancer) per 5 minutes above which it alarms.
     * @default 10
     */
    loadBalancerTarget5xxPerFiveMinutes: number;
    /**
     * Minutes a service may run fewer tasks than desired (a rollout, a scale-out) before it alarms.
     * @default 10
     */
    serviceShortfallMinutes: number;
}

/** The defaults of `AlertThresholds`, written once: the schema and the component read them. */
export const DEFAULT_ALERT_THRESHOLDS: Readonly<AlertThresholds> = Object.freeze({
    cloudFront5xxPercent: 5,
    loadBalancerTarget5xxPerFiveMinutes: 10,
    serviceShortfallMinutes: 10,
});

/** An AWS Chatbot (Amazon Q Developer in chat applications) Slack channel. */
export interface SlackChannel {
    /** The Slack workspace (team) id, e.g. "T07EA123LEP"; authorize the workspace once in the Chatbot console. */
    workspaceId: string;
    /** The channel id, e.g. "C07EZ1ABC23" (channel details → About, at the bottom). */
    channelId: string;
}

/** Who receives an environment's notifications. */
export interface AlertSubscriptions {
    /** Email addresses; each confirms its subscription from the mail SNS sends. */
    email: string[];
    /** HTTPS endpoints (webhooks, paging services); each confirms through SNS's SubscriptionConfirmation request. */
    https: string[];
    /** A Slack channel through AWS Chatbot. */
    slack?: SlackChannel;
}

/** Tags the notifications topic carries, for the policy pack (`policy/rules/sns.ts`). */
export const NOTIFICATIONS_TAGS = {
    /** Marks the environment's notifications topic: value `NOTIFICATIONS_PURPOSE`. */
    purpose: "paved:purpose",
    /** `"true"` where the topic must have at least one subscription (prod). */
    subscriptionsRequired: "paved:subscriptions-required",
    /** `"true"` on an environment's site: its stack must have a notifications topic. */
    siteNeedsTopic: "paved:notifications-required",
} as const;
export const NOTIFICATIONS_PURPOSE = "notifications";

/** The version and source AWS Chatbot requires of a custom notification. */
export const CUSTOM_NOTIFICATION = { version: "1.0", source: "custom" } as const;

export function emailViolation(value: string): string | undefined {
    // What SNS accepts in practice: one address, no display name, a dotted domain.
    if (!/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(value)) {
        return 'must be one email address such as "oncall@example.com"';
    }
    return undefined;
}

export function httpsEndpointViolation(value: string): string | undefined {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return 'must be an https URL such as "https://hooks.example.com/paved"';
    }
    if (url.protocol !== "https:") return `must use https (SNS would send alerts in clear text over ${url.protocol.replace(":", "")}); e.g. "https://hooks.example.com/paved"`;
    if (url.username || url.password) return "must not carry credentials (stack config is not a secret store); authenticate the endpoint with a token in its path or an allow-list of SNS's addresses";
    return undefined;
}

export function slackWorkspaceViolation(value: string): string | undefined {
    return /^T[A-Z0-9]{8,}$/.test(value) ? undefined : 'must be a Slack workspace id such as "T07EA123LEP" (shown in the AWS Chatbot console once the workspace is authorized)';
}

export function slackChannelViolation(value: string): string | undefined {
    return /^[CG][A-Z0-9]{8,}$/.test(value) ? undefined : 'must be a Slack channel id such as "C07EZ1ABC23" (channel details → About, at the bottom), not its name';
}

/** Why a threshold is out of range, or undefined. */
export function thresholdViolation(field: keyof AlertThresholds, value: number): string | undefined {
    switch (field) {
        case "cloudFront5xxPercent":
            return Number.isFinite(value) && value > 0 && value <= 100 ? undefined : "must be a percentage above 0 and at most 100";
        case "loadBalancerTarget5xxPerFiveMinutes":
            return Number.isInteger(value) && value >= 1 ? undefined : "must be a whole number of responses, at least 1";
        case "serviceShortfallMinutes":
            // An alarm evaluates at most 1440 one-minute periods (a day).
            return Number.isInteger(value) && value >= 1 && value <= 1440 ? undefined : "must be a whole number of minutes from 1 to 1440";
    }
}
