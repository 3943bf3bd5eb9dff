/**
 * The Amazon States Language definition of a scheduled job, as a pure function so every shape it
 * can take is validated by an ASL validator in tests.
 */

export interface CapacityProviderStrategyItem {
    capacityProvider: string;
    weight: number;
    base?: number;
}

export interface JobStateMachineInputs {
    job: string;
    clusterArn: string;
    /** Task definition ARN with revision: an execution runs the revision deployed with it. */
    taskDefinitionArn: string;
    capacityProviderStrategy: CapacityProviderStrategyItem[];
    subnets: string[];
    securityGroups: string[];
    timeoutSeconds: number;
    /** Attempts after the first failure. 0 = no retry. */
    retries: number;
    topicArn: string;
    /** First retry delay; each next one is `backoffRate` times longer. */
    retryIntervalSeconds?: number;
    backoffRate?: number;
}

/** Errors worth another attempt: the task exited non-zero, or ECS could not place it (capacity, throttling). */
export const RETRYABLE_ERRORS = ["States.TaskFailed", "ECS.AmazonECSException"];

export function jobStateMachineDefinition(inp: JobStateMachineInputs): Record<string, unknown> {
    const runTask: Record<string, unknown> = {
        Type: "Task",
        Comment: `Run job ${inp.job} and wait for its container to exit`,
        Resource: "arn:aws:states:::ecs:runTask.sync",
        Parameters: {
            Cluster: inp.clusterArn,
            TaskDefinition: inp.taskDefinitionArn,
            CapacityProviderStrategy: inp.capacityProviderStrategy.map((s) => ({
                CapacityProvider: s.capacityProvider,
                Weight: s.weight,
                ...(s.base !== undefined ? { Base: s.base } : {}),
            })),
            NetworkConfiguration: {
                AwsvpcConfiguration: { Subnets: inp.subnets, SecurityGroups: inp.securityGroups, AssignPublicIp: "DISABLED" },
            },
            PropagateTags: "TASK_DEFINITION",
        },
        // A timed-out run is stopped by Step Functions and not retried: a retry would time out too.
        TimeoutSeconds: inp.timeoutSeconds,
        ResultPath: null,
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "NotifyFailure" }],
        End: true,
    };
    if (inp.retries > 0) {
        runTask.Retry = [
            {
                ErrorEquals: RETRYABLE_ERRORS,
                IntervalSeconds: inp.retryIntervalSeconds ?? 60,
                BackoffRate: inp.backoffRate ?? 2,
                MaxAttempts: inp.retries,
            },
        ];
    }
    return {
        Comment: `Paved job ${inp.job}`,
        StartAt: "RunTask",
        States: {
            RunTask: runTask,
            NotifyFailure: {
                Type: "Task",
                Resource: "arn:aws:states:::sns:publish",
                Parameters: {
                    TopicArn: inp.topicArn,
                    Subject: `Paved job ${inp.job} failed`.slice(0, 100),
                    Message: {
                        job: inp.job,
                        "execution.$": "$$.Execution.Id",
                        "error.$": "$.error.Error",
                        "cause.$": "$.error.Cause",
                    },
                },
                ResultPath: null,
                Next: "Failed",
            },
            Failed: { Type: "Fail", Error: "JobFailed", Cause: `Job ${inp.job} failed; see the execution history and the job's log group` },
        },
    };
}
