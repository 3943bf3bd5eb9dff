import * as assert from "assert";
import { BatchGetBuildsCommand, CodeBuildClient, StartBuildCommand } from "@aws-sdk/client-codebuild";
import { mockClient } from "aws-sdk-client-mock";
import { BuildFleet, FleetApp, renderFleetFailures, renderFleetSummary } from "../../cli/aws/build-fleet";
import { FakeClock } from "../../cli/aws/clock";
import { withBackoff } from "../../cli/aws/retry";
import { SimulatedCodeBuild, SimulatedCodeBuildOptions, seededRandom } from "./codebuild-sim";

const MIN = 60_000;

function apps(n: number): FleetApp[] {
    return Array.from({ length: n }, (_, i) => ({ app: `app${String(i).padStart(3, "0")}`, project: `paved-test-app-app${String(i).padStart(3, "0")}` }));
}

/** A CodeBuildClient mocked with aws-sdk-client-mock, answering from a simulated CodeBuild. */
function simulated(o: Omit<SimulatedCodeBuildOptions, "clock">, clock = new FakeClock()) {
    const sim = new SimulatedCodeBuild({ ...o, clock });
    const client = new CodeBuildClient({ region: "eu-west-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    const mock = mockClient(client);
    mock.on(StartBuildCommand).callsFake((input) => sim.startBuild(input));
    mock.on(BatchGetBuildsCommand).callsFake((input) => sim.batchGetBuilds(input));
    return { sim, client, mock, clock };
}

describe("cli/aws BuildFleet (simulated CodeBuild on a fake clock)", () => {
    it("FakeClock overlaps concurrent sleepers instead of adding them up", async () => {
        const clock = new FakeClock();
        const woke: [string, number][] = [];
        await Promise.all([
            clock.sleep(5000).then(() => woke.push(["a", clock.now()])),
            clock.sleep(3000).then(() => woke.push(["b", clock.now()])),
            clock.sleep(5000).then(() => woke.push(["c", clock.now()])),
        ]);
        assert.deepStrictEqual(woke, [["b", 3000], ["a", 5000], ["c", 5000]]);
        assert.strictEqual(clock.now(), 5000);
    });

    it("makespan is the slowest build plus at most one poll interval when all fit under the cap", async () => {
        const random = seededRandom(7);
        const durations = new Map(apps(12).map((a) => [a.project, Math.round((1 + random() * 9) * MIN)]));
        const { client, sim, clock } = simulated({ duration: (p) => durations.get(p)! });
        const fleet = new BuildFleet({ client, clock, concurrency: 20, pollSeconds: 10 });
        const result = await fleet.run(apps(12));

        const slowest = Math.max(...durations.values());
        assert.strictEqual(result.failed.length, 0);
        assert.ok(result.builds.every((b) => b.status === "SUCCEEDED"));
        assert.strictEqual(result.slowestBuildMs, slowest);
        assert.strictEqual(result.sumBuildMs, [...durations.values()].reduce((a, b) => a + b, 0));
        assert.ok(result.makespanMs >= slowest, `makespan ${result.makespanMs} < slowest ${slowest}`);
        assert.ok(result.makespanMs <= slowest + 10_000, `makespan ${result.makespanMs} > slowest ${slowest} + one poll`);
        assert.strictEqual(sim.startCalls, 12);
        assert.strictEqual(result.calls.startBuild, 12);
        assert.strictEqual(result.calls.batchGetBuilds, sim.batchCalls);
    });

    it("50 apps with a cap of 20: never more than 20 running, every app built, slots refilled as builds end", async () => {
        const { client, sim, clock } = simulated({ duration: () => 5 * MIN });
        const result = await new BuildFleet({ client, clock, concurrency: 20, pollSeconds: 15 }).run(apps(50));

        assert.strictEqual(sim.maxRunning, 20);
        assert.strictEqual(sim.startCalls, 50);
        assert.strictEqual(result.builds.filter((b) => b.status === "SUCCEEDED").length, 50);
        // Three waves (20, 20, 10) of 5-minute builds, each noticed within one poll interval.
        assert.ok(result.makespanMs >= 15 * MIN && result.makespanMs <= 3 * (5 * MIN + 15_000), `makespan ${result.makespanMs}`);
        const startTimes = [...sim.builds.values()].map((b) => b.start).sort((a, b) => a - b);
        assert.deepStrictEqual([...new Set(startTimes)].length, 3);
    });

    it("BatchGetBuilds never gets more than 100 ids (150 builds at once)", async () => {
        const { client, sim, clock, mock } = simulated({ duration: (p) => (p.endsWith("7") ? 9 : 4) * MIN });
        const result = await new BuildFleet({ client, clock, concurrency: 150, pollSeconds: 30 }).run(apps(150));
        assert.strictEqual(result.failed.length, 0);
        assert.strictEqual(sim.maxIdsPerBatch, 100);
        const batches = mock.commandCalls(BatchGetBuildsCommand).map((call) => call.args[0].input.ids!.length);
        assert.ok(batches.length > 0 && batches.every((n) => n <= 100), JSON.stringify(batches));
        assert.strictEqual(result.calls.maxIdsPerBatch, 100);
    });

    it("recovers from a throttled API (the first 7 calls throw ThrottlingException) with backoff", async () => {
        const { client, sim, clock } = simulated({ duration: () => 2 * MIN, throttleFirst: 7 });
        const result = await new BuildFleet({ client, clock, concurrency: 5, pollSeconds: 10, backoff: { random: seededRandom(1) } }).run(apps(8));
        assert.strictEqual(sim.throttledCalls, 7);
        assert.strictEqual(result.calls.throttled, 7);
        assert.strictEqual(result.failed.length, 0);
        assert.strictEqual(sim.builds.size, 8, "each app started exactly once despite retries");
    });

    it("a failed build fails only its app, named with its log link; a failed start fails only its app", async () => {
        const { client, sim, clock } = simulated({
            duration: () => 3 * MIN,
            failing: new Set(["paved-test-app-app002"]),
            unstartable: new Set(["paved-test-app-app004"]),
        });
        const result = await new BuildFleet({ client, clock, concurrency: 2, pollSeconds: 10 }).run(apps(6));

        assert.deepStrictEqual(result.failed.map((b) => [b.app, b.status]), [["app002", "FAILED"], ["app004", "START_FAILED"]]);
        assert.deepStrictEqual(result.builds.filter((b) => b.status === "SUCCEEDED").map((b) => b.app), ["app000", "app001", "app003", "app005"]);
        const failedBuild = result.failed[0];
        assert.strictEqual(failedBuild.logLink, sim.logLink(failedBuild.buildId!));
        const text = renderFleetFailures(result.failed);
        assert.match(text, /^2 builds failed:/);
        assert.ok(text.includes(`app002: FAILED ${sim.logLink(failedBuild.buildId!)}`));
        assert.match(text, /app004: START_FAILED \(ResourceNotFoundException: Project cannot be found: paved-test-app-app004\)/);
        const summary = renderFleetSummary(result);
        assert.match(summary, /4 of 6 builds succeeded\. Makespan \d+m\d\ds, sum of build times 15m00s/);
    });

    it("--no-wait starts every build (at most `concurrency` starts in flight) and never polls", async () => {
        const { client, sim, clock, mock } = simulated({ duration: () => MIN });
        const result = await new BuildFleet({ client, clock, concurrency: 20, wait: false }).run(apps(30));
        assert.strictEqual(sim.startCalls, 30);
        assert.strictEqual(mock.commandCalls(BatchGetBuildsCommand).length, 0);
        assert.ok(result.builds.every((b) => b.status === "IN_PROGRESS" && b.buildId));
    });

    it("reports progress on every status and phase change", async () => {
        const { client, clock } = simulated({ duration: () => 10 * MIN });
        const seen: string[] = [];
        await new BuildFleet({ client, clock, pollSeconds: 60, onChange: (b) => seen.push(`${b.status}/${b.phase ?? "-"}`) }).run(apps(1));
        assert.strictEqual(seen[0], "STARTING/-");
        assert.strictEqual(seen[1], "IN_PROGRESS/SUBMITTED");
        assert.ok(seen.includes("IN_PROGRESS/BUILD"));
        assert.strictEqual(seen[seen.length - 1], "SUCCEEDED/COMPLETED");
    });
});

describe("cli/aws withBackoff", () => {
    const throttle = () => Object.assign(new Error("slow down"), { name: "TooManyRequestsException" });

    it("retries throttling with jittered, growing, capped pauses", async () => {
        const clock = new FakeClock();
        const pauses: number[] = [];
        let calls = 0;
        const value = await withBackoff(
            async () => {
                if (++calls < 6) throw throttle();
                return "ok";
            },
            { clock, baseMs: 100, maxMs: 1000, random: () => 0.999, onRetry: (_e, _a, d) => pauses.push(d) },
        );
        assert.strictEqual(value, "ok");
        assert.deepStrictEqual(pauses, [100, 200, 400, 800, 1000]);
        assert.strictEqual(clock.now(), 2500);
    });

    it("does not retry other errors and gives up after maxAttempts", async () => {
        const clock = new FakeClock();
        let calls = 0;
        await assert.rejects(withBackoff(async () => { calls++; throw Object.assign(new Error("no"), { name: "InvalidInputException" }); }, { clock }), /no/);
        assert.strictEqual(calls, 1);
        calls = 0;
        await assert.rejects(withBackoff(async () => { calls++; throw throttle(); }, { clock, maxAttempts: 3 }), /slow down/);
        assert.strictEqual(calls, 3);
    });
});
