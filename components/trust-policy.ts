/**
 * Trust policies of the roles AWS services assume on Paved's behalf, with the confused-deputy
 * guards: `aws:SourceAccount` always, and `aws:SourceArn` where the service sets it to the
 * resource acting (a state machine, a schedule group, a CodeBuild project, a flow log, ECS).
 * Without them another account's resource of the same service could be pointed at the role.
 */

/**
 * Services that set neither `aws:SourceAccount` nor `aws:SourceArn` when they assume a role
 * (EC2 instance profiles, Lambda execution roles): a condition on them would lock the service
 * out. The policy pack exempts exactly these.
 */
export const SERVICES_WITHOUT_SOURCE_KEYS: readonly string[] = ["ec2.amazonaws.com", "lambda.amazonaws.com", "edgelambda.amazonaws.com"];

export interface TrustPolicyDocument {
    Version: "2012-10-17";
    Statement: Record<string, unknown>[];
}

/**
 * A trust policy letting `service` assume the role for this account only; with `sourceArn`, only
 * for that resource (a trailing `*` matches a family of them, e.g. `arn:aws:ecs:eu-west-1:123456789012:*`).
 */
export function serviceTrustPolicy(service: string, accountId: string, sourceArn?: string): TrustPolicyDocument {
    const condition: Record<string, Record<string, string>> = {};
    if (!SERVICES_WITHOUT_SOURCE_KEYS.includes(service)) {
        condition.StringEquals = { "aws:SourceAccount": accountId };
        if (sourceArn) condition[sourceArn.includes("*") ? "ArnLike" : "ArnEquals"] = { "aws:SourceArn": sourceArn };
    }
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...(Object.keys(condition).length ? { Condition: condition } : {}) }],
    };
}
