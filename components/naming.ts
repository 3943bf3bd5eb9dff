import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { namePrefix } from "./stack-name";

/**
 * Physical names of the AWS resources Paved names explicitly (the CLI finds them by name, or a
 * stable name is part of the contract). Everything else is auto-named by Pulumi.
 *
 * Names are deterministic, fit each service's length and character rules (shared/AWS-FACTS.md),
 * and distinct inputs never share a name: whenever a name had to be altered to fit (characters
 * replaced, case folded, length cut), a stable hash of the full input is appended.
 */
export interface NameRule {
    /** Human label for errors, e.g. "S3 bucket". */
    label: string;
    min: number;
    max: number;
    /** A character that is allowed anywhere. Anything else is replaced by `separator`. */
    char: RegExp;
    /** The full pattern AWS enforces. */
    pattern: RegExp;
    separator: string;
    lowercase?: boolean;
    /** Prefixes AWS reserves. */
    reservedPrefixes?: string[];
}

export const nameRules = {
    s3Bucket: { label: "S3 bucket", min: 3, max: 63, char: /[a-z0-9-]/, pattern: /^[a-z0-9][a-z0-9-]*[a-z0-9]$/, separator: "-", lowercase: true, reservedPrefixes: ["xn--", "sthree-", "amzn-s3-demo-"] },
    iamRole: { label: "IAM role", min: 1, max: 64, char: /[\w+=,.@-]/, pattern: /^[\w+=,.@-]+$/, separator: "-" },
    iamPolicy: { label: "IAM policy", min: 1, max: 128, char: /[\w+=,.@-]/, pattern: /^[\w+=,.@-]+$/, separator: "-" },
    ecrRepository: { label: "ECR repository", min: 2, max: 256, char: /[a-z0-9._/-]/, pattern: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/, separator: "-", lowercase: true },
    codebuildProject: { label: "CodeBuild project", min: 2, max: 255, char: /[A-Za-z0-9_-]/, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$/, separator: "-" },
    ecsName: { label: "ECS cluster/service/task family", min: 1, max: 255, char: /[A-Za-z0-9_-]/, pattern: /^[A-Za-z0-9_-]+$/, separator: "-" },
    ecsCapacityProvider: { label: "ECS capacity provider", min: 1, max: 255, char: /[A-Za-z0-9_-]/, pattern: /^[A-Za-z0-9_-]+$/, separator: "-", reservedPrefixes: ["aws", "ecs", "fargate"] },
    loadBalancer: { label: "load balancer / target group", min: 1, max: 32, char: /[A-Za-z0-9-]/, pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, separator: "-", reservedPrefixes: ["internal-"] },
    logGroup: { label: "CloudWatch log group", min: 1, max: 512, char: /[.\-_/#A-Za-z0-9]/, pattern: /^[.\-_/#A-Za-z0-9]+$/, separator: "-" },
    sqsQueue: { label: "SQS queue", min: 1, max: 80, char: /[A-Za-z0-9_-]/, pattern: /^[A-Za-z0-9_-]+(\.fifo)?$/, separator: "-" },
    snsTopic: { label: "SNS topic", min: 1, max: 256, char: /[A-Za-z0-9_-]/, pattern: /^[A-Za-z0-9_-]+$/, separator: "-" },
    stateMachine: { label: "Step Functions state machine", min: 1, max: 80, char: /[0-9A-Za-z_-]/, pattern: /^[0-9A-Za-z_-]+$/, separator: "-" },
    schedule: { label: "EventBridge Scheduler schedule/group", min: 1, max: 64, char: /[0-9a-zA-Z_.-]/, pattern: /^[0-9a-zA-Z_.-]+$/, separator: "-" },
    eventRule: { label: "EventBridge rule", min: 1, max: 64, char: /[.\-_A-Za-z0-9]/, pattern: /^[.\-_A-Za-z0-9]+$/, separator: "-" },
    launchTemplate: { label: "EC2 launch template", min: 3, max: 128, char: /[a-zA-Z0-9().\/_-]/, pattern: /^[a-zA-Z0-9().\/_-]+$/, separator: "-" },
    lambdaFunction: { label: "Lambda function", min: 1, max: 64, char: /[a-zA-Z0-9_-]/, pattern: /^[a-zA-Z0-9_-]+$/, separator: "-" },
    cloudfront: { label: "CloudFront function/KeyValueStore/policy", min: 1, max: 64, char: /[a-zA-Z0-9_-]/, pattern: /^[a-zA-Z0-9_-]+$/, separator: "-" },
    dashboard: { label: "CloudWatch dashboard", min: 1, max: 255, char: /[A-Za-z0-9_-]/, pattern: /^[A-Za-z0-9_-]+$/, separator: "-" },
    chatbotConfiguration: { label: "AWS Chatbot configuration", min: 1, max: 128, char: /[A-Za-z0-9_-]/, pattern: /^[A-Za-z0-9_-]+$/, separator: "-" },
} satisfies Record<string, NameRule>;

export type NameKind = keyof typeof nameRules;

/** Length of the hash suffix appended to altered names. */
const HASH_LENGTH = 8;

export function stableHash(input: string, length = HASH_LENGTH): string {
    return createHash("sha256").update(input).digest("hex").slice(0, length);
}

/**
 * Why `value` is not a valid `kind` name, or undefined when it is valid.
 */
export function nameViolation(kind: NameKind, value: string): string | undefined {
    const rule: NameRule = nameRules[kind];
    if (value.length < rule.min || value.length > rule.max) {
        return `${rule.label} names must be ${rule.min}-${rule.max} characters (this one has ${value.length})`;
    }
    if (!rule.pattern.test(value)) {
        return `${rule.label} names must match ${rule.pattern}`;
    }
    const reserved = rule.reservedPrefixes?.find((p) => value.toLowerCase().startsWith(p));
    if (reserved) return `${rule.label} names may not start with "${reserved}"`;
    return undefined;
}

/**
 * The physical name for `parts` joined by the service's separator. Deterministic; fits the rule
 * for `kind`; when the joined input had to be altered to fit, ends in a hash of the input.
 */
export function physicalName(kind: NameKind, ...parts: string[]): string {
    const rule: NameRule = nameRules[kind];
    const raw = parts.filter((p) => p.length > 0).join(rule.separator);
    if (nameViolation(kind, raw) === undefined) return raw;

    let body = rule.lowercase ? raw.toLowerCase() : raw;
    body = Array.from(body, (c) => (rule.char.test(c) ? c : rule.separator)).join("");
    // Collapse separator runs and trim non-alphanumeric ends: most services reject them.
    body = body.replace(/[-_./]{2,}/g, (run) => run[0]).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
    for (const prefix of rule.reservedPrefixes ?? []) {
        if (body.toLowerCase().startsWith(prefix)) body = `p${rule.separator}${body}`;
    }
    const hash = stableHash(raw);
    const room = rule.max - HASH_LENGTH - 1;
    body = body.slice(0, room).replace(/[^A-Za-z0-9]+$/g, "");
    // Alphanumeric at both ends (body is trimmed, the hash is hex) and at least 8 characters,
    // which is above every service's minimum.
    return body.length > 0 ? `${body}${rule.separator}${hash}` : hash;
}

/**
 * The prefix of every physical name in one environment: `<project>-<stack>`, e.g. `paved-dev`.
 * Teams importing Paved pass their own prefix through component args instead.
 */
export function defaultNamePrefix(): string {
    return namePrefix(pulumi.getProject(), pulumi.getStack());
}
