/**
 * Time as the CLI's orchestration code sees it. Injected so tests and the benchmark simulate
 * minutes of builds and deployments without waiting for them.
 */
export interface Clock {
    /** Milliseconds since an arbitrary origin. */
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface Timer {
    at: number;
    seq: number;
    resolve: () => void;
}

/**
 * A discrete-event clock: `sleep` parks the caller, and once every pending promise has settled
 * (checked with `setImmediate`, which runs after the microtask queue drains) time jumps to the
 * earliest wake-up. Concurrent sleepers therefore overlap in simulated time exactly as they would
 * in real time, as long as the code under test only awaits this clock and in-memory promises.
 */
export class FakeClock implements Clock {
    private time: number;
    private seq = 0;
    private timers: Timer[] = [];
    private pumping = false;

    constructor(start = 0) {
        this.time = start;
    }

    now(): number {
        return this.time;
    }

    sleep(ms: number): Promise<void> {
        return new Promise((resolve) => {
            this.timers.push({ at: this.time + Math.max(0, ms), seq: this.seq++, resolve });
            this.pump();
        });
    }

    private pump(): void {
        if (this.pumping) return;
        this.pumping = true;
        setImmediate(() => {
            this.pumping = false;
            if (this.timers.length === 0) return;
            this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
            const at = this.timers[0].at;
            this.time = Math.max(this.time, at);
            const due = this.timers.filter((t) => t.at <= at);
            this.timers = this.timers.filter((t) => t.at > at);
            for (const t of due) t.resolve();
            if (this.timers.length > 0) this.pump();
        });
    }
}
