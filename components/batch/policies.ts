import type { AwsLocation } from "../aws-location";
import { serviceTrustPolicy } from "../trust-policy";
import { isSecretsManagerArn, isSsmParameterArn, secretReferenceArn } from "../validation";
import { ECS_TASKS_SERVICE, TASK_FAMILY_TAG } from "./common";

/**
 * IAM policy documents of the batch components, as pure functions of ARNs, so tests can simulate
 * exactly what a role may do (test/batch/iam.test.ts) without deploying anything.
 */

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}


export function policy(statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * A trust policy letting one AWS service assume the role for this account only (and, with
 * `sourceArn`, only for that resource): `serviceTrustPolicy`, typed for the batch policies.
 */
export function assumeRolePolicy(service: string, sourceAccount: string, sourceArn?: string): PolicyDocument {
    return serviceTrustPolicy(service, sourceAccount, sourceArn) as unknown as PolicyDocument;
}

/**
 * The `aws:SourceArn` ECS sets when it assumes a task's roles: any ECS resource of this account
 * and region (the task is not known before it starts).
 */
export function ecsSourceArn(loc: AwsLocation): string {
    return `arn:${loc.partition}:ecs:${loc.region}:${loc.accountId}:*`;
}

/**
 * What the ECS container agent on a cluster instance calls, scoped to the cluster where the
 * service authorization reference allows it. Narrower than `AmazonEC2ContainerServiceforEC2Role`:
 * no `ecs:CreateCluster` (the cluster exists), no ECR or CloudWatch Logs (every Paved task has an
 * execution role that pulls its image and writes its logs).
 */
export function instanceRolePolicy(loc: AwsLocation, clusterName: string): PolicyDocument {
    const ecs = `arn:${loc.partition}:ecs:${loc.region}:${loc.accountId}`;
    const cluster = `${ecs}:cluster/${clusterName}`;
    return policy([
        {
            Sid: "AgentOnCluster",
            Effect: "Allow",
            Action: [
                "ecs:RegisterContainerInstance",
                "ecs:DeregisterContainerInstance",
                "ecs:SubmitContainerStateChange",
                "ecs:SubmitTaskStateChange",
                "ecs:SubmitAttachmentStateChanges",
            ],
            Resource: cluster,
        },
        // UpdateContainerInstancesState: the agent drains its own instance on a Spot interruption notice.
        {
            Sid: "AgentOnInstances",
            Effect: "Allow",
            Action: ["ecs:Poll", "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState"],
            Resource: `${ecs}:container-instance/${clusterName}/*`,
        },
        // These actions support no resource-level permissions.
        { Sid: "AgentDiscovery", Effect: "Allow", Action: ["ecs:DiscoverPollEndpoint", "ec2:DescribeTags"], Resource: "*" },
    ]);
}

/** An image reference in ECR, parsed. */
export interface EcrImage {
    accountId: string;
    region: string;
    repository: string;
}

/** The ECR repository of an image URI such as `123456789012.dkr.ecr.eu-west-1.amazonaws.com/reports:1.4`, or undefined for other registries. */
export function ecrImage(image: string): EcrImage | undefined {
    const m = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9._\/-]+?)(?::[\w.-]+)?(?:@sha256:[0-9a-f]{64})?$/.exec(image);
    return m ? { accountId: m[1], region: m[2], repository: m[3] } : undefined;
}

/**
 * The resource ARN IAM matches for a Secrets Manager secret that ECS `valueFrom` names. `valueFrom`
 * may carry `:json-key:version-stage:version-id` after the ARN; a partial ARN (no random
 * `-XXXXXX` suffix) matches its full ARN through `-??????`, as AWS recommends.
 */
export function secretPolicyArn(valueFrom: string): string {
    const arn = valueFrom.split(":").slice(0, 7).join(":");
    return /-[A-Za-z0-9]{6}$/.test(arn) ? arn : `${arn}-??????`;
}

export interface ExecutionRoleInputs {
    loc: AwsLocation;
    logGroupName: string;
    image: string;
    /** `valueFrom` of every secret of the task: SSM parameter names or ARNs, Secrets Manager ARNs. */
    secretArns: string[];
    /** Customer-managed KMS keys those secrets are encrypted with (AWS-managed keys need none). */
    secretKmsKeyArns?: string[];
}

/** The ECS task execution role: pull this image, write this log group, read exactly these secrets. */
export function executionRolePolicy(inp: ExecutionRoleInputs): PolicyDocument {
    const { loc } = inp;
    const group = `arn:${loc.partition}:logs:${loc.region}:${loc.accountId}:log-group:${inp.logGroupName}`;
    const statements: PolicyStatement[] = [{ Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [group, `${group}:log-stream:*`] }];
    const ecr = ecrImage(inp.image);
    if (ecr) {
        statements.push(
            // GetAuthorizationToken supports no resource-level permissions.
            { Sid: "EcrAuth", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
            {
                Sid: "EcrPull",
                Effect: "Allow",
                Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                Resource: `arn:${loc.partition}:ecr:${ecr.region}:${ecr.accountId}:repository/${ecr.repository}`,
            },
        );
    }
    const refs = inp.secretArns.map((ref) => secretReferenceArn(ref, loc));
    const parameters = refs.filter(isSsmParameterArn);
    const secrets = refs.filter(isSecretsManagerArn).map(secretPolicyArn);
    if (parameters.length > 0) statements.push({ Sid: "Parameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: unique(parameters) });
    if (secrets.length > 0) statements.push({ Sid: "Secrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: unique(secrets) });
    if (inp.secretKmsKeyArns && inp.secretKmsKeyArns.length > 0) {
        statements.push({
            Sid: "SecretKeys",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: unique(inp.secretKmsKeyArns),
            // Only when SSM or Secrets Manager decrypts on the role's behalf.
            Condition: { StringEquals: { "kms:ViaService": [`ssm.${loc.region}.amazonaws.com`, `secretsmanager.${loc.region}.amazonaws.com`] } },
        });
    }
    return policy(statements);
}

/**
 * A queue worker's task role: consume its own queue, and protect its own tasks from scale-in while
 * it works on a message (the ECS agent's task-protection endpoint calls these APIs with the task
 * role), so shrinking the worker count never stops a busy worker. Protection is limited to tasks
 * of its own task family: they carry the family's `paved:task-family` tag, propagated from the
 * task definition.
 */
export function queueConsumerStatements(queueArn: string, loc: AwsLocation, clusterName: string, taskDefinitionFamily: string): PolicyStatement[] {
    return [
        {
            Sid: "ConsumeOwnQueue",
            Effect: "Allow",
            Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
            Resource: queueArn,
        },
        {
            Sid: "ScaleInProtection",
            Effect: "Allow",
            Action: ["ecs:GetTaskProtection", "ecs:UpdateTaskProtection"],
            Resource: `arn:${loc.partition}:ecs:${loc.region}:${loc.accountId}:task/${clusterName}/*`,
            Condition: { StringEquals: { [`aws:ResourceTag/${TASK_FAMILY_TAG}`]: taskDefinitionFamily } },
        },
    ];
}

export interface StateMachineRoleInputs {
    loc: AwsLocation;
    clusterName: string;
    taskDefinitionFamily: string;
    /** The job's execution and task roles, which RunTask passes to ECS. */
    passRoleArns: string[];
    topicArn: string;
}

/** The name of the EventBridge rule Step Functions manages for `ecs:runTask.sync`. */
export const SFN_ECS_SYNC_RULE = "StepFunctionsGetEventsForECSTaskRule";

/** A scheduled job's state machine: run and watch this job's task, notify its topic, deliver logs. */
export function stateMachineRolePolicy(inp: StateMachineRoleInputs): PolicyDocument {
    const { loc } = inp;
    const ecs = `arn:${loc.partition}:ecs:${loc.region}:${loc.accountId}`;
    const cluster = `${ecs}:cluster/${inp.clusterName}`;
    return policy([
        {
            Sid: "RunJobTask",
            Effect: "Allow",
            Action: "ecs:RunTask",
            Resource: `${ecs}:task-definition/${inp.taskDefinitionFamily}:*`,
            Condition: { ArnEquals: { "ecs:cluster": cluster } },
        },
        {
            // Only this job's tasks: they carry its family's tag (RunTask propagates the task definition's tags).
            Sid: "WatchJobTask",
            Effect: "Allow",
            Action: ["ecs:StopTask", "ecs:DescribeTasks"],
            Resource: `${ecs}:task/${inp.clusterName}/*`,
            Condition: { StringEquals: { [`aws:ResourceTag/${TASK_FAMILY_TAG}`]: inp.taskDefinitionFamily } },
        },
        {
            Sid: "PassJobRoles",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: unique(inp.passRoleArns),
            Condition: { StringEquals: { "iam:PassedToService": ECS_TASKS_SERVICE } },
        },
        {
            // `.sync` waits on ECS task events through this Step Functions-managed rule.
            Sid: "SyncRule",
            Effect: "Allow",
            Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
            Resource: `arn:${loc.partition}:events:${loc.region}:${loc.accountId}:rule/${SFN_ECS_SYNC_RULE}`,
        },
        { Sid: "NotifyFailure", Effect: "Allow", Action: "sns:Publish", Resource: inp.topicArn },
        {
            // CloudWatch Logs delivery for state machine logging supports no resource-level permissions.
            Sid: "LogDelivery",
            Effect: "Allow",
            Action: [
                "logs:CreateLogDelivery",
                "logs:GetLogDelivery",
                "logs:UpdateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:ListLogDeliveries",
                "logs:PutResourcePolicy",
                "logs:DescribeResourcePolicies",
                "logs:DescribeLogGroups",
            ],
            Resource: "*",
        },
    ]);
}

/** EventBridge Scheduler's role: start this one state machine. */
export function schedulerRolePolicy(stateMachineArn: string): PolicyDocument {
    return policy([{ Sid: "StartJob", Effect: "Allow", Action: "states:StartExecution", Resource: stateMachineArn }]);
}

function unique(values: string[]): string[] {
    return [...new Set(values)];
}
