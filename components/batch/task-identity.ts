import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsLocation } from "../aws-location";
import { ECS_TASKS_SERVICE } from "./common";
import { assumeRolePolicy, executionRolePolicy } from "./policies";

export interface TaskIdentityArgs {
    /** What the roles serve, for their descriptions: `job nightly` or `service catalog`. */
    what: string;
    logGroupName: string;
    logRetentionDays: number;
    image: pulumi.Input<string>;
    secretArns: string[];
    secretKmsKeyArns?: string[];
    location: pulumi.Output<AwsLocation>;
    protect: boolean;
    tags: Record<string, string>;
}

export interface TaskIdentity {
    logGroup: aws.cloudwatch.LogGroup;
    executionRole: aws.iam.Role;
    taskRole: aws.iam.Role;
}

/**
 * What every ECS task of Paved's gets for itself, as children of `parent`: a log group with
 * retention, an execution role that pulls its image, writes that log group and reads exactly its
 * own secrets, and an empty task role for the component to grant to.
 */
export function taskIdentity(parent: pulumi.Resource, name: string, args: TaskIdentityArgs): TaskIdentity {
    const tags = args.tags;
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: args.logGroupName, retentionInDays: args.logRetentionDays, tags }, { parent, protect: args.protect });
    const executionRole = new aws.iam.Role(
        `${name}-execution`,
        { assumeRolePolicy: JSON.stringify(assumeRolePolicy(ECS_TASKS_SERVICE)), description: `ECS execution role of ${args.what}`, tags },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-execution`,
        {
            role: executionRole.id,
            policy: pulumi.all([args.location, logGroup.name, args.image]).apply(([loc, group, image]) =>
                JSON.stringify(executionRolePolicy({ loc, logGroupName: group, image, secretArns: args.secretArns, secretKmsKeyArns: args.secretKmsKeyArns })),
            ),
        },
        { parent },
    );
    const taskRole = new aws.iam.Role(
        `${name}-task`,
        { assumeRolePolicy: JSON.stringify(assumeRolePolicy(ECS_TASKS_SERVICE)), description: `Task role of ${args.what}`, tags },
        { parent },
    );
    return { logGroup, executionRole, taskRole };
}
