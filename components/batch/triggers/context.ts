import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsLocation } from "../../aws-location";
import type { ClusterRef } from "../common";
import type { PolicyStatement } from "../policies";
import type { CapacityProviderStrategyItem } from "../state-machine";
import type { TaskIdentity } from "../task-identity";

/** What a trigger of a job builds on: the job's names, its cluster and its task. */
export interface TriggerContext {
    /** The job component: the parent of the trigger's resources. */
    parent: pulumi.Resource;
    /** The component's name: the prefix of the trigger's logical names. */
    name: string;
    /** The job's name. */
    job: string;
    namePrefix: string;
    protect: boolean;
    tags: Record<string, string>;
    location: pulumi.Output<AwsLocation>;
    cluster: ClusterRef;
    /** The job's task definition family. */
    family: string;
    timeoutMinutes: number;
    logRetentionDays: number;
    strategy: pulumi.Output<CapacityProviderStrategyItem[]>;
    subnets: pulumi.Output<string[]>;
    securityGroups: pulumi.Output<string[]>;
}

/** The job's own task settings a trigger adds to. */
export interface TaskBasics {
    environment: Record<string, string>;
    taskStatements: PolicyStatement[];
}

/** The task's settings with what the trigger adds (absent where it adds nothing). */
export interface TaskAdditions {
    /** The job's environment variables and the trigger's. */
    environment?: pulumi.Output<Record<string, string>>;
    /** The statements the task role needs for the trigger, then the job's own. */
    taskStatements?: pulumi.Output<PolicyStatement[]>;
}

/** The outputs a trigger contributes to the job (see `BatchJob`). */
export interface TriggerOutputs {
    stateMachineArn?: pulumi.Output<string>;
    scheduleName?: pulumi.Output<string>;
    topicArn?: pulumi.Output<string>;
    queueUrl?: pulumi.Output<string>;
    queueArn?: pulumi.Output<string>;
    deadLetterQueueUrl?: pulumi.Output<string>;
    workerServiceName?: pulumi.Output<string>;
}

/**
 * One way a job is started. `prepare` runs before the task definition (resources the task needs
 * to know, e.g. its queue); `attach` after it (what starts the task).
 */
export interface JobTrigger {
    prepare(ctx: TriggerContext, task: TaskBasics): TaskAdditions;
    attach(ctx: TriggerContext, task: { definition: aws.ecs.TaskDefinition; identity: TaskIdentity }): TriggerOutputs;
}
