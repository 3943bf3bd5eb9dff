import {
    BatchGetBuildsCommand,
    BatchGetBuildsCommandInput,
    BatchGetBuildsCommandOutput,
    Build,
    StartBuildCommand,
    StartBuildCommandInput,
    StartBuildCommandOutput,
} from "@aws-sdk/client-codebuild";
import { Clock } from "../../cli/aws/clock";

/**
 * An in-memory CodeBuild for the build fleet's tests and benchmark: builds take simulated time on
 * an injected clock, and it counts calls, ids per BatchGetBuilds and builds running at once.
 * (moto's CodeBuild cannot be used: SDK v3 refuses its timestamps.)
 */
export interface SimulatedCodeBuildOptions {
    clock: Clock;
    /** Build duration in ms per project. */
    duration: (project: string) => number;
    /** Projects whose builds end FAILED. */
    failing?: Set<string>;
    /** Projects whose StartBuild fails (not retryable). */
    unstartable?: Set<string>;
    /** The first N calls (of any kind) answer ThrottlingException. */
    throttleFirst?: number;
    region?: string;
}

const PHASES = ["SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING"];

interface SimBuild {
    id: string;
    project: string;
    start: number;
    end: number;
}

function awsError(name: string, message: string, status = 400): Error {
    return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: status } });
}

export class SimulatedCodeBuild {
    readonly builds = new Map<string, SimBuild>();
    startCalls = 0;
    batchCalls = 0;
    throttledCalls = 0;
    maxIdsPerBatch = 0;
    /** Most builds ever running at one simulated moment (sampled at each start). */
    maxRunning = 0;
    private seq = 0;

    constructor(private readonly o: SimulatedCodeBuildOptions) {}

    private throttle(): void {
        if (this.throttledCalls < (this.o.throttleFirst ?? 0)) {
            this.throttledCalls++;
            throw awsError("ThrottlingException", "Rate exceeded");
        }
    }

    logLink(id: string): string {
        const region = this.o.region ?? "eu-west-1";
        return `https://console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/build/log-events/${encodeURIComponent(id)}`;
    }

    async startBuild(input: StartBuildCommandInput): Promise<StartBuildCommandOutput> {
        this.startCalls++;
        this.throttle();
        const project = input.projectName!;
        if (this.o.unstartable?.has(project)) throw awsError("ResourceNotFoundException", `Project cannot be found: ${project}`);
        const now = this.o.clock.now();
        const id = `${project}:${String(++this.seq).padStart(8, "0")}`;
        this.builds.set(id, { id, project, start: now, end: now + this.o.duration(project) });
        const running = [...this.builds.values()].filter((b) => b.start <= now && b.end > now).length;
        this.maxRunning = Math.max(this.maxRunning, running);
        return { build: this.describe(this.builds.get(id)!), $metadata: {} };
    }

    async batchGetBuilds(input: BatchGetBuildsCommandInput): Promise<BatchGetBuildsCommandOutput> {
        this.batchCalls++;
        const ids = input.ids ?? [];
        this.maxIdsPerBatch = Math.max(this.maxIdsPerBatch, ids.length);
        // The real API rejects more than 100 ids; so does the simulation.
        if (ids.length < 1 || ids.length > 100) throw awsError("InvalidInputException", `ids must hold 1-100 items, got ${ids.length}`);
        this.throttle();
        const found = ids.filter((id) => this.builds.has(id));
        return {
            builds: found.map((id) => this.describe(this.builds.get(id)!)),
            buildsNotFound: ids.filter((id) => !this.builds.has(id)),
            $metadata: {},
        };
    }

    /** A `send` with the client's shape, for use without aws-sdk-client-mock (the benchmark). */
    send(command: StartBuildCommand): Promise<StartBuildCommandOutput>;
    send(command: BatchGetBuildsCommand): Promise<BatchGetBuildsCommandOutput>;
    send(command: StartBuildCommand | BatchGetBuildsCommand): Promise<StartBuildCommandOutput | BatchGetBuildsCommandOutput> {
        if (command instanceof StartBuildCommand) return this.startBuild(command.input);
        return this.batchGetBuilds(command.input);
    }

    private describe(b: SimBuild): Build {
        const now = this.o.clock.now();
        const done = now >= b.end;
        const progress = b.end > b.start ? Math.min(1, (now - b.start) / (b.end - b.start)) : 1;
        const failed = this.o.failing?.has(b.project);
        return {
            id: b.id,
            projectName: b.project,
            buildStatus: done ? (failed ? "FAILED" : "SUCCEEDED") : "IN_PROGRESS",
            currentPhase: done ? "COMPLETED" : PHASES[Math.min(PHASES.length - 1, Math.floor(progress * PHASES.length))],
            startTime: new Date(b.start),
            endTime: done ? new Date(b.end) : undefined,
            logs: { deepLink: this.logLink(b.id) },
        };
    }
}

/** A seeded pseudo-random source in [0, 1) (mulberry32), so simulated fleets are reproducible. */
export function seededRandom(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
