/**
 * How a job starts. Each trigger lives in its own file (its args schema and the resources it
 * creates); adding one touches that file, this list and the job's schema.
 */
import type { JobTrigger } from "./context";
import { onDemandTrigger } from "./on-demand";
import { QueueTrigger, queueTrigger } from "./queue";
import { ScheduleTrigger, scheduleTrigger } from "./schedule";

export * from "./context";
export { QUEUE_URL_ENV, queueTriggerArgs } from "./queue";
export type { BatchJobQueueArgs, QueueTrigger } from "./queue";
export { scheduleTriggerArgs } from "./schedule";
export type { BatchJobScheduleArgs, ScheduleTrigger } from "./schedule";

/** A job's trigger after parsing: which one, and its settings. */
export type JobTriggerConfig = { kind: "schedule"; schedule: ScheduleTrigger } | { kind: "queue"; queue: QueueTrigger } | { kind: "onDemand" };
export type JobTriggerKind = JobTriggerConfig["kind"];

/** The trigger a job's parsed args name: `schedule`, `queue`, or neither (on demand). */
export function jobTriggerOf(args: { schedule?: ScheduleTrigger; queue?: QueueTrigger }): JobTriggerConfig {
    if (args.schedule) return { kind: "schedule", schedule: args.schedule };
    if (args.queue) return { kind: "queue", queue: args.queue };
    return { kind: "onDemand" };
}

/** The resources of a trigger. */
export function createTrigger(t: JobTriggerConfig): JobTrigger {
    switch (t.kind) {
        case "schedule":
            return scheduleTrigger(t.schedule);
        case "queue":
            return queueTrigger(t.queue);
        case "onDemand":
            return onDemandTrigger();
    }
}
