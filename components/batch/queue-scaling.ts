/**
 * How a queue job's workers follow the backlog, as pure data so tests check the numbers.
 *
 * Step scaling on two CloudWatch alarms, not target tracking: target tracking multiplies the
 * current task count by metric/target, so from zero tasks it never scales out, and it never
 * scales in to zero. Here one alarm fires while the backlog (visible + in-flight messages) is
 * above zero and sets the worker count to ceil(backlog / messagesPerWorker), capped at
 * maxWorkers; the other fires when the backlog has been zero for a while and sets it to 0.
 * In-flight messages count so that busy workers are not stopped while the visible count is low.
 */

export interface StepAdjustment {
    /** Relative to the alarm threshold (0): the backlog itself. Inclusive. */
    metricIntervalLowerBound?: string;
    /** Exclusive; undefined = unbounded. */
    metricIntervalUpperBound?: string;
    scalingAdjustment: number;
}

/** Step scaling policies hold at most this many steps (EC2 Auto Scaling's documented limit; Paved stays within it). */
export const MAX_STEPS = 20;

/**
 * Scale-out steps with `ExactCapacity` adjustments: backlog in [c(i-1) * perWorker, c(i) * perWorker)
 * gives c(i) workers. With more than `MAX_STEPS` workers, capacities are spread evenly (rounded up).
 */
export function backlogSteps(maxWorkers: number, messagesPerWorker: number): StepAdjustment[] {
    const n = Math.min(maxWorkers, MAX_STEPS);
    const caps = [...new Set(Array.from({ length: n }, (_, i) => Math.ceil(((i + 1) * maxWorkers) / n)))];
    let previous = 0;
    return caps.map((cap, i) => {
        const step: StepAdjustment = { metricIntervalLowerBound: String(previous * messagesPerWorker), scalingAdjustment: cap };
        if (i < caps.length - 1) step.metricIntervalUpperBound = String(cap * messagesPerWorker);
        previous = cap;
        return step;
    });
}

/** The backlog metric math of a queue: visible plus in-flight messages, per minute. */
export function backlogMetricQueries(queueName: string) {
    const metric = (id: string, metricName: string) => ({
        id,
        metric: { namespace: "AWS/SQS", metricName, dimensions: { QueueName: queueName }, period: 60, stat: "Maximum" },
        returnData: false,
    });
    return [
        metric("visible", "ApproximateNumberOfMessagesVisible"),
        metric("inflight", "ApproximateNumberOfMessagesNotVisible"),
        { id: "backlog", expression: "visible + inflight", label: "Backlog", returnData: true },
    ];
}
