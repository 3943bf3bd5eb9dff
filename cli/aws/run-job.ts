import {
    CapacityProviderStrategyItem,
    Container,
    DescribeTaskDefinitionCommand,
    DescribeTasksCommand,
    ECSClient,
    RunTaskCommand,
    StopTaskCommand,
    Task,
} from "@aws-sdk/client-ecs";
import { RunTaskOutputs } from "../../components/environment/outputs";
import { Clock, systemClock } from "./clock";
import { OperationFailed } from "./errors";
import { withBackoff } from "./retry";

export interface RunJobOptions {
    ecs: Pick<ECSClient, "send">;
    cluster: string;
    /** Task definition family: RunTask uses its latest ACTIVE revision. */
    family: string;
    /** The container whose exit code is the job's result. @default the task's only (or first essential) container */
    containerName?: string;
    capacityProviderStrategy: CapacityProviderStrategyItem[];
    subnets: string[];
    securityGroups: string[];
    /** The job's log group (from the stack outputs). @default the task definition's awslogs-group */
    logGroup?: string;
    /** Stop the task if it runs longer (the job's `timeoutMinutes`). @default no limit */
    timeoutSeconds?: number;
    /** @default 6 */
    pollSeconds?: number;
    clock?: Clock;
    onProgress?: (line: string) => void;
}

export interface JobRunResult {
    taskArn: string;
    /** The container's exit code; undefined when it never ran (e.g. the image could not be pulled). */
    exitCode?: number;
    stopCode?: string;
    stoppedReason?: string;
    /** The container's own reason (e.g. `OutOfMemoryError: Container killed due to memory usage`). */
    containerReason?: string;
    logGroup?: string;
    logStream?: string;
    /** The CLI stopped the task at `timeoutSeconds`. */
    timedOut: boolean;
}

/** The RunTask input for a job: its capacity provider strategy, private awsvpc networking. */
export function runTaskInput(o: RunJobOptions) {
    return {
        cluster: o.cluster,
        taskDefinition: o.family,
        count: 1,
        capacityProviderStrategy: o.capacityProviderStrategy,
        networkConfiguration: { awsvpcConfiguration: { subnets: o.subnets, securityGroups: o.securityGroups, assignPublicIp: "DISABLED" as const } },
        startedBy: "paved-cli",
        propagateTags: "TASK_DEFINITION" as const,
    };
}

/** RunTask's inputs from a job's stack outputs (cluster and family come from the caller). */
export function runTaskNetworking(o: RunTaskOutputs): Pick<RunJobOptions, "capacityProviderStrategy" | "subnets" | "securityGroups" | "containerName"> {
    return { capacityProviderStrategy: o.capacityProviderStrategy, subnets: o.subnets, securityGroups: o.securityGroups, containerName: o.containerName };
}

function resultContainer(task: Task, name?: string): Container | undefined {
    const containers = task.containers ?? [];
    return name ? containers.find((c) => c.name === name) : containers[0];
}

/**
 * Runs a job once: RunTask with the job's capacity provider strategy and private networking,
 * then DescribeTasks until the task is STOPPED. Returns the container's exit code, the stop
 * reason and where its logs are.
 */
export async function runJob(o: RunJobOptions): Promise<JobRunResult> {
    const clock = o.clock ?? systemClock;
    const say = o.onProgress ?? (() => undefined);
    const run = await o.ecs.send(new RunTaskCommand(runTaskInput(o)));
    const started = run.tasks?.[0];
    if (!started?.taskArn) {
        const why = (run.failures ?? []).map((f) => `${f.reason}${f.detail ? ` (${f.detail})` : ""}`).join("; ") || "no task and no failure reason";
        throw new OperationFailed(`RunTask did not start ${o.family} on ${o.cluster}: ${why}`);
    }
    const taskArn = started.taskArn;
    say(`started ${taskArn}`);

    // The log stream is `<awslogs-stream-prefix>/<container>/<task id>`, from the revision that ran.
    const { taskDefinition: td } = await o.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: started.taskDefinitionArn ?? o.family }));
    const containerName = o.containerName ?? td?.containerDefinitions?.find((c) => c.essential !== false)?.name;
    const logOptions = td?.containerDefinitions?.find((c) => c.name === containerName)?.logConfiguration?.options ?? {};
    const taskId = taskArn.split("/").pop()!;
    const logGroup = o.logGroup ?? logOptions["awslogs-group"];
    const logStream = logOptions["awslogs-stream-prefix"] ? `${logOptions["awslogs-stream-prefix"]}/${containerName}/${taskId}` : undefined;

    const t0 = clock.now();
    const pollMs = (o.pollSeconds ?? 6) * 1000;
    let timedOut = false;
    let last = started.lastStatus ?? "";
    say(`status: ${last}`);
    for (;;) {
        await clock.sleep(pollMs);
        const out = await withBackoff(() => o.ecs.send(new DescribeTasksCommand({ cluster: o.cluster, tasks: [taskArn] })), { clock });
        const task = out.tasks?.[0];
        if (!task) throw new OperationFailed(`task ${taskArn} disappeared: ${(out.failures ?? []).map((f) => f.reason).join("; ")}`);
        if (task.lastStatus && task.lastStatus !== last) {
            last = task.lastStatus;
            say(`status: ${last}`);
        }
        if (task.lastStatus === "STOPPED") {
            const c = resultContainer(task, containerName);
            return {
                taskArn,
                exitCode: c?.exitCode,
                stopCode: task.stopCode,
                stoppedReason: task.stoppedReason,
                containerReason: c?.reason,
                logGroup,
                logStream,
                timedOut,
            };
        }
        if (!timedOut && o.timeoutSeconds !== undefined && clock.now() - t0 >= o.timeoutSeconds * 1000) {
            timedOut = true;
            say(`timeout after ${o.timeoutSeconds} s: stopping the task`);
            await o.ecs.send(new StopTaskCommand({ cluster: o.cluster, task: taskArn, reason: `paved-cli: exceeded the job's timeout of ${o.timeoutSeconds} s` }));
        }
    }
}

/** The lines `paved job run` prints when the task has stopped. */
export function renderJobResult(r: JobRunResult): string {
    const lines = [`task ${r.taskArn} stopped${r.stopCode ? ` (${r.stopCode})` : ""}: ${r.stoppedReason || "no reason given"}`];
    if (r.containerReason) lines.push(`container: ${r.containerReason}`);
    lines.push(r.exitCode === undefined ? "exit code: none (the container did not run to completion)" : `exit code: ${r.exitCode}`);
    if (r.logGroup) lines.push(`logs: ${r.logGroup}${r.logStream ? ` ${r.logStream}` : ""}`);
    return lines.join("\n");
}
