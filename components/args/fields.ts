/**
 * Field schemas shared by the components' args and the stack config: each pattern, limit and
 * default of a kind of value is written here once, on top of the pure rules in `validation.ts`.
 */
import { z } from "zod";
import {
    LOG_RETENTION_DAYS,
    acmCertificateArnViolation,
    appPathViolation,
    cidrBlockViolation,
    dnsNameViolation,
    envVarNameViolation,
    fileExtensionViolation,
    plainEnvironmentViolation,
    relativeDirectoryViolation,
    repositoryViolation,
    resourceNameViolation,
    scheduleExpressionViolation,
    secretReferenceViolation,
    tagKeyViolation,
    tagValueViolation,
    timeZoneViolation,
} from "../validation";

/** A zod refinement from one of the shared rules: the rule returns what to do, or undefined. */
export function rule<T>(check: (value: T) => string | undefined) {
    return (value: T, ctx: z.RefinementCtx) => {
        const message = check(value);
        if (message) ctx.addIssue({ code: "custom", message });
    };
}

/** A whole number from `min` to `max` (`unit` names it in the message, e.g. "minutes"). */
export function wholeNumber(min: number, max: number, unit?: string) {
    const message = `must be a whole number${unit ? ` of ${unit}` : ""} from ${min} to ${max}`;
    return z.number().int(message).min(min, message).max(max, message);
}

/** Names of apps, jobs and services: S3 prefixes, ECR path parts, parts of physical names. */
export const resourceName = z.string().superRefine(rule(resourceNameViolation));

/** An app's URL path: "/" or lowercase URL-safe segments. */
export const appPath = z.string().superRefine(rule(appPathViolation));

/** A file extension an app's router treats as a file. */
export const fileExtension = z.string().superRefine(rule(fileExtensionViolation));

/** An environment variable name. */
export const envVarName = z.string().superRefine(rule(envVarNameViolation));

/** Plain-text environment variables, refusing names that look like secrets (ECS.8, CodeBuild.2). */
export function plainEnvironment(where: "job" | "build") {
    return z.record(z.string(), z.string("must be a string (quote numbers and booleans)")).superRefine((env, ctx) => {
        for (const name of Object.keys(env)) {
            const message = envVarNameViolation(name) ?? plainEnvironmentViolation(name, where);
            if (message) ctx.addIssue({ code: "custom", path: [name], message });
        }
    });
}

/** One SSM parameter (name or ARN) or one Secrets Manager secret (ARN); never a wildcard. */
export const secretReference = z.string().superRefine(rule(secretReferenceViolation));

/** Container secrets: environment variable name to secret reference. */
export const secretsMap = z.record(z.string(), secretReference).superRefine((secrets, ctx) => {
    for (const name of Object.keys(secrets)) {
        const message = envVarNameViolation(name);
        if (message) ctx.addIssue({ code: "custom", path: [name], message: `names the variable the secret is set as; it ${message}` });
    }
});

/** A directory relative to a repository's root ("." allowed). */
export const repositoryDirectory = (example: string) => z.string().superRefine(rule((d: string) => relativeDirectoryViolation(d, true, example)));

/** A path under an app's directory (not "." itself). */
export const subPath = (example: string) => z.string().superRefine(rule((d: string) => relativeDirectoryViolation(d, false, example)));

/** A lowercase DNS name. */
export const dnsName = (example?: string) => z.string().superRefine(rule((n: string) => dnsNameViolation(n, example)));

/** An ACM certificate ARN, in `region` when given. */
export const acmCertificateArn = (region?: string) => z.string().superRefine(rule((a: string) => acmCertificateArnViolation(a, region)));

/** An IPv4 VPC CIDR block (octets 0-255, /16-/28). */
export const cidrBlock = z.string().superRefine(rule(cidrBlockViolation));

/** A tag value (team, cost center): AWS's length and character rules. */
export const tagValue = z.string().min(1).superRefine(rule(tagValueViolation));

/** Tags: AWS's key and value rules, no `aws:` keys. */
export const tags = z.record(z.string(), z.string()).superRefine((t, ctx) => {
    for (const [k, v] of Object.entries(t)) {
        const message = tagKeyViolation(k) ?? tagValueViolation(v);
        if (message) ctx.addIssue({ code: "custom", path: [k], message });
    }
});

/** An EventBridge Scheduler expression: `cron(...)` or `rate(...)`. */
export const scheduleExpression = z.string().superRefine(rule(scheduleExpressionViolation));

/** An IANA time zone. */
export const timeZone = z.string().superRefine(rule(timeZoneViolation));

/** A CloudWatch Logs retention period in days. */
export const logRetentionDays = z.number().refine((d) => LOG_RETENTION_DAYS.includes(d), `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(", ")}`);

/** A prefix of physical names; defaults to `<project>-<stack>`. */
export const namePrefixArg = z.string().min(1, 'must not be empty; omit it for "<project>-<stack>"');

/** A Docker image tag. */
export const imageTag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, 'must be a Docker image tag: up to 128 letters, digits, "_", "." and "-", e.g. "bootstrap"');

/** An HTTPS clone URL on a host CodeBuild clones from. */
export const codeBuildRepository = z.string().superRefine(rule(repositoryViolation));

/** A git branch name. */
export const gitBranch = z.string().regex(/^[^\s~^:?*[\\]+$/, 'must be a branch name such as "main"');
