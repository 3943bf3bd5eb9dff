import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command } from "commander";
import * as YAML from "yaml";
import { registerCostCommand } from "../../cli/commands/cost";
import { Estimate, estimate } from "../../cli/cost/estimate";
import { loadAssumptions, loadPrices } from "../../cli/cost/inputs";
import { Inventory, inventoryOf, runsPerMonth } from "../../cli/cost/inventory";
import { main } from "../../cli/main";
import { PROJECT_DIR, planEnvironment } from "../../cli/plan";
import { ConfigError, PavedError } from "../../components/errors";
import { sharedPlan } from "../support/plans";

/** A small environment: one NAT gateway, an ALB for one service, two apps, one EC2 and one Fargate job. */
const SMALL_CONFIG = `config:
  aws:region: eu-west-1
  paved:kind: dev
  paved:network: { cidrBlock: 10.40.0.0/16 }
  paved:services: { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", originDomain: services.shop.example.com }
  paved:cluster: { instanceTypes: [m6i.large], minSize: 0, maxSize: 4, spotPercentage: 50, targetCapacity: 100 }
  paved:apps:
    - { name: shop, path: /, source: { repository: "https://github.com/acme/web.git", directory: apps/shop }, build: { computeSize: medium }, container: { service: { desiredCount: 2, cpu: 256, memory: 512, path: /api } } }
    - { name: blog, path: /blog, source: { repository: "https://github.com/acme/web.git", directory: apps/blog } }
  paved:jobs:
    - { name: report, image: "acme/report:1", cpu: 1024, memory: 2048, timeoutMinutes: 60, schedule: { expression: "cron(0 3 * * ? *)" } }
    - { name: sync, image: "acme/sync:1", cpu: 512, memory: 1024, capacity: fargate, timeoutMinutes: 20, schedule: { expression: "rate(1 hour)" } }
`;

/** Round usage figures, so every line can be worked out by hand. */
const ASSUMPTIONS = {
    builds: { perAppPerDay: 10, averageMinutes: 5, apps: { shop: { averageMinutes: 8 } }, buildImageMinutes: 30 },
    traffic: { requestsPerMonth: 10_000_000, gbPerMonth: 100, cacheHitRatio: 0.8, kvsReadsPerRequest: 2 },
    storage: { releaseMb: 20, releasesKept: 5, filesPerRelease: 100, imageGb: 0.5 },
    network: { natGbPerMonth: 50, lcuPerLoadBalancer: 2 },
    cluster: { averageInstances: 1 },
    jobs: { runFractionOfTimeout: 0.5, onDemandRunsPerMonth: 0, queueWorkerHoursPerDay: 0, queueMessagesPerMonth: 0 },
    logs: { buildMb: 2, jobRunMb: 1, serviceGbPerMonth: 3, flowLogsGbPerMonth: 5 },
};

/** Round prices for eu-west-1, merged over the committed table. */
const PRICES = {
    regions: {
        "eu-west-1": {
            natGatewayHour: 0.05, natGatewayGb: 0.05, publicIpv4Hour: 0.005, albHour: 0.02, albLcuHour: 0.01,
            cloudfrontGbOut: 0.1, cloudfrontRequestsPerMillion: 1, cloudfrontFunctionsPerMillion: 0.1, kvsReadsPerMillion: 0.05,
            s3GbMonth: 0.02, s3PutPerThousand: 0.005, s3GetPerThousand: 0.0005,
            codebuildPerMinute: { BUILD_GENERAL1_SMALL: 0.005, BUILD_GENERAL1_MEDIUM: 0.01 },
            ec2Hour: { "m6i.large": 0.1, "c5.large": 0.1, "c5.xlarge": 0.2 }, ec2SpotFactor: 0.5, ebsGp3GbMonth: 0.1,
            fargateVcpuHour: 0.04, fargateGbHour: 0.005, fargateSpotFactor: 0.3,
            logsIngestGb: 0.5, logsStorageGbMonth: 0.03, alarmMonth: 0.1,
            schedulerPerMillion: 1, stepFunctionsPerThousandTransitions: 0.025, sqsPerMillion: 0.4, ecrGbMonth: 0.1,
        },
    },
};

let dir: string;
const file = (name: string, content: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, content);
    return f;
};

describe("paved cost", () => {
    let small: Inventory;
    let e: Estimate;
    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "paved-cost-"));
        const plan = await planEnvironment("small", { configFile: file("Pulumi.small.yaml", SMALL_CONFIG) });
        small = inventoryOf(plan.resources);
        e = estimate("small", small, loadAssumptions(file("usage.yaml", YAML.stringify(ASSUMPTIONS))), loadPrices(file("prices.json", JSON.stringify(PRICES))));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads the small plan's inventory", () => {
        assert.deepStrictEqual(
            [small.region, small.natGateways, small.loadBalancers, small.distributions, small.viewerFunctions, small.buckets, small.logRetentionDays, small.alarms],
            // 3 alarms: the environment's CloudFront 5xx, service shortfall and target 5xx alarms.
            ["eu-west-1", 1, 1, 1, 1, 1, 14, 3],
        );
        assert.deepStrictEqual(small.apps, [
            { app: "blog", computeType: "BUILD_GENERAL1_SMALL", container: false, imagesKept: 30 },
            { app: "shop", computeType: "BUILD_GENERAL1_MEDIUM", container: true, imagesKept: 30 },
        ]);
        assert.deepStrictEqual(small.buildImage, { computeType: "BUILD_GENERAL1_MEDIUM", expression: "cron(0 3 ? * MON *)", runsPerMonth: 52 / 12 });
        assert.deepStrictEqual(small.cluster, { minSize: 0, maxSize: 4, instanceTypes: ["m6i.large"], onDemandBaseCapacity: 0, onDemandPercentageAboveBase: 50, volumeGiB: 30, targetCapacity: 100 });
        assert.deepStrictEqual(small.jobs, [
            { job: "report", trigger: "schedule", capacity: "ec2", vcpus: 1, memoryGiB: 2, timeoutMinutes: 60, expression: "cron(0 3 * * ? *)", runsPerMonth: 365 / 12 },
            { job: "sync", trigger: "schedule", capacity: "fargate", vcpus: 0.5, memoryGiB: 1, timeoutMinutes: 20, expression: "rate(1 hour)", runsPerMonth: 730 },
        ]);
        assert.deepStrictEqual(small.services, [{ app: "shop", capacity: "fargate", desiredCount: 2, vcpus: 0.25, memoryGiB: 0.5 }]);
    });

    it("prices every line as worked out by hand", () => {
        // A month is 730 h = 30.41666 days. Builds: blog 10/day x 5 min, shop 10/day x 8 min.
        const expected: Record<string, [number, number]> = {
            "NAT gateway hours": [730, 36.5], // 1 x 730 h x 0.05
            "NAT gateway public IPv4": [730, 3.65], // 730 x 0.005
            "NAT data processed": [50, 2.5], // 50 GB x 0.05
            "load balancer hours": [730, 14.6], // 730 x 0.02
            "load balancer capacity units": [1460, 14.6], // 2 LCU x 730 h x 0.01
            "CloudFront data transfer out": [100, 10], // 100 GB x 0.1
            "CloudFront HTTPS requests": [10, 10], // 10 M x 1
            "CloudFront Functions (router)": [10, 1], // 10 M x 0.1
            "KeyValueStore reads": [20, 1], // 10 M x 2 reads x 0.05
            "CodeBuild BUILD_GENERAL1_SMALL": [1520.8333, 7.6], // 10 x 5 x 30.41666 min x 0.005 = 7.604
            "CodeBuild BUILD_GENERAL1_MEDIUM": [2433.3333, 24.33], // 10 x 8 x 30.41666 min x 0.01 = 24.333
            "CodeBuild BUILD_GENERAL1_MEDIUM (build image)": [130, 1.3], // 52/12 runs x 30 min x 0.01
            "S3 releases": [0.1953, 0], // 2 apps x 5 x 20 MB / 1024 = 0.195 GB x 0.02 = 0.0039
            "S3 uploads (PUT)": [60.8333, 0.3], // 20 x 30.41666 builds x 100 files / 1000 x 0.005 = 0.304
            "S3 reads on cache misses (GET)": [2000, 1], // 10 M x 0.2 / 1000 x 0.0005
            "ECR images": [15, 1.5], // shop keeps min(30, 304) = 30 images x 0.5 GB x 0.1
            "EC2 on-demand m6i.large": [365, 36.5], // 1 instance, 50% on-demand: 0.5 x 730 h x 0.1
            "EC2 Spot m6i.large": [365, 18.25], // 0.5 x 730 h x 0.1 x 0.5
            "EBS gp3 root volumes": [30, 3], // 1 x 30 GiB x 0.1
            "service shop": [1460, 18.25], // 2 x 730 h x (0.25 x 0.04 + 0.5 x 0.005 = 0.0125)
            "job sync": [121.6667, 3.04], // 730 runs x (20 x 0.5) min / 60 = 121.67 h x (0.5 x 0.04 + 1 x 0.005 = 0.025)
            "EventBridge Scheduler invocations": [0.7648, 0], // (365/12 + 730 + 52/12) / 1000 x 0.001
            "Step Functions transitions": [1.5208, 0.04], // (365/12 + 730) runs x 2 / 1000 x 0.025 = 0.038
            "CloudWatch Logs ingestion": [9.9307, 4.97], // 608.33 builds x 2 MB + 760.42 runs x 1 MB (/1024) + 3 GB + 5 GB = 9.9307 x 0.5
            "CloudWatch Logs storage": [4.5708, 0.14], // 9.9307 x 14 / 30.41666 = 4.5708 x 0.03 = 0.137
            "CloudWatch alarms": [3, 0.3], // 3 x 0.1
        };
        assert.deepStrictEqual(e.lineItems.map((i) => i.item), Object.keys(expected));
        for (const i of e.lineItems) {
            const [quantity, monthly] = expected[i.item];
            assert.ok(Math.abs(i.quantity - quantity) < 0.0001, `${i.item}: quantity ${i.quantity}, by hand ${quantity}`);
            assert.strictEqual(i.monthly, monthly, i.item);
        }
        // 71.85 network + 22 cdn + 33.2375 builds + 2.8081 storage + 57.75 cluster + 21.2917 fargate + 0.0388 jobs + 5.4025 logs = 214.38
        assert.strictEqual(e.total, 214.38);
        assert.deepStrictEqual(e.clusterRange, { minInstances: 0, maxInstances: 4, atMin: 0, atMax: 231 }); // 4: 2 x 730 x 0.1 + 2 x 730 x 0.05 + 4 x 30 x 0.1
    });

    it("compares the builds with always-on servers sized for the same full rebuild", () => {
        const c = e.comparison;
        // CodeBuild: (10 x 5 x 0.005 + 10 x 8 x 0.01) x 30.41666 = 1.05 x 30.41666 = 31.94.
        assert.strictEqual(c.codebuildMonthly, 31.94);
        // Servers: blog (small) on a c5.large, shop (medium) on a c5.xlarge, 730 h each.
        assert.deepStrictEqual(c.servers, [
            { computeType: "BUILD_GENERAL1_SMALL", serverType: "c5.large", count: 1, hourly: 0.1, monthly: 73 },
            { computeType: "BUILD_GENERAL1_MEDIUM", serverType: "c5.xlarge", count: 1, hourly: 0.2, monthly: 146 },
        ]);
        assert.strictEqual(c.serversMonthly, 219);
        assert.deepStrictEqual([c.apps, c.buildsPerDay, c.fullRebuildMinutes, c.breakEvenBuildsPerDay], [2, 20, 8, 137]); // 20 x 219 / 31.9375
        assert.match(c.formula[1], /N = 2 apps building at once \(full rebuild 8 min\).*1 x c5\.large for BUILD_GENERAL1_SMALL, 1 x c5\.xlarge for BUILD_GENERAL1_MEDIUM\) = \$219\.00/);
    });

    it("sizes the cluster from the EC2 jobs' load and timing unless told", () => {
        const a = loadAssumptions(file("load.yaml", YAML.stringify({ ...ASSUMPTIONS, cluster: {} })));
        assert.strictEqual(a.cluster.scaleInMinutes, 15);
        const byLoad = estimate("small", small, a, loadPrices(file("p.json", JSON.stringify(PRICES))));
        // report: 365/12 runs x 30 min = 15.21 h x 1 vCPU packed on 2-vCPU instances: 0.0104 instances.
        // Timing: each run keeps an instance 30 + 15 min: 365/12 x 45 min = 22.8125 h of 730 = 1/32.
        // The larger, 0.03125 instances, half on-demand: 0.015625 x 730 = 11.40625 h.
        const od = byLoad.lineItems.find((i) => i.item === "EC2 on-demand m6i.large")!;
        assert.strictEqual(od.quantity, 11.4063);
        assert.strictEqual(od.monthly, 1.14); // x 0.1
        assert.match(od.detail!, /average 0\.03 instances \(EC2 jobs: 15\.2 vCPU-h and 30\.4 GiB-h packed at 100% = 0\.01; some job running or scaling in 3\.1% of the time\)/);
    });

    it("counts runs a month of rate and cron schedules", () => {
        assert.strictEqual(runsPerMonth("rate(15 minutes)"), 2920);
        assert.strictEqual(runsPerMonth("rate(1 day)"), 730 / 24);
        assert.strictEqual(runsPerMonth("cron(0 * * * ? *)"), 730);
        assert.strictEqual(runsPerMonth("cron(0 6 1 * ? *)"), 1);
        assert.strictEqual(runsPerMonth("cron(0 9 ? * MON-FRI *)"), 261 / 12);
        assert.strictEqual(runsPerMonth("cron(0 0 L * ? *)"), 1);
    });

    it("reads the committed environments' plans", async () => {
        const dev = inventoryOf((await sharedPlan("dev")).resources);
        const count = (t: string) => dev.jobs.filter((j) => j.trigger === t).length;
        assert.deepStrictEqual([dev.apps.length, dev.natGateways, count("schedule"), count("queue"), count("onDemand"), dev.services.length, dev.logGroups], [50, 1, 7, 4, 4, 3, 127]); // 77 + one per release writer
        assert.strictEqual(dev.jobs.find((j) => j.job === "invoice-run")!.expression, "cron(0 6 ? * MON *)"); // dev's override
        const prod = inventoryOf((await sharedPlan("prod")).resources);
        assert.deepStrictEqual([prod.natGateways, prod.cluster!.onDemandBaseCapacity, prod.cluster!.onDemandPercentageAboveBase, prod.logRetentionDays], [3, 2, 60, 365]);
        const estimateDev = estimate("dev", dev, loadAssumptions(), loadPrices());
        assert.ok(estimateDev.total > 0 && estimateDev.lineItems.every((i) => Number.isFinite(i.monthly) && i.monthly >= 0));
    });

    it("validates the assumptions and prices files, naming path, value and fix", () => {
        const bad = file("bad.yaml", "builds:\n  perAppPerDay: lots\n  averageMinuts: 5\ntraffic:\n  cacheHitRatio: 1.5\n");
        assert.throws(
            () => loadAssumptions(bad),
            (err: Error) => {
                assert.ok(err instanceof ConfigError);
                const got = err.problems.map((p) => [p.path, p.value]);
                assert.deepStrictEqual(got, [
                    ["assumptions.builds.perAppPerDay", "lots"],
                    ["assumptions.builds.averageMinuts", 5],
                    ["assumptions.traffic.cacheHitRatio", 1.5],
                ]);
                assert.match(err.message, /perAppPerDay "lots": must be a number of builds a day/);
                assert.match(err.message, /averageMinuts 5: unknown key/);
                assert.match(err.message, /cacheHitRatio 1\.5: must be from 0 to 1/);
                return true;
            },
        );
        const prices = file("bad-prices.yaml", "regions:\n  eu-west-1:\n    natGatewayHour: -1\n  mars-1: {}\n");
        assert.throws(() => loadPrices(prices), (err: Error) => err instanceof ConfigError && /prices\.regions\.eu-west-1\.natGatewayHour -1: must be 0 or more USD/.test(err.message) && /prices\.regions\.mars-1/.test(err.message));
        assert.throws(() => loadPrices(path.join(dir, "missing.json")), (err: Error) => err instanceof PavedError && /--prices .*missing\.json: cannot read it \(ENOENT\)/.test(err.message));
        assert.throws(() => loadAssumptions(file("broken.yaml", "builds: [")), (err: Error) => err instanceof PavedError && /not YAML or JSON/.test(err.message));
    });

    it("refuses a region without prices and an instance type without a price", () => {
        assert.throws(() => estimate("x", { ...small, region: "ap-south-1" }, loadAssumptions(), loadPrices()), /no prices for region "ap-south-1" .*--prices <file> with regions\.ap-south-1/);
        const cluster = { ...small.cluster!, instanceTypes: ["r7g.large"] };
        assert.throws(() => estimate("x", { ...small, cluster }, loadAssumptions(), loadPrices()), /prices\.regions\.eu-west-1\.ec2Hour\.r7g\.large is missing; add it with --prices/);
    });

    it("prints the assumptions, every line item and the comparison; --json too; exit 2 on a bad file", async () => {
        const out: string[] = [];
        const program = new Command("paved").exitOverride();
        registerCostCommand(program, () => PROJECT_DIR, (t) => out.push(t));
        const config = path.join(dir, "Pulumi.small.yaml");
        await program.parseAsync(["cost", "small", "--config", config, "--assumptions", path.join(dir, "usage.yaml"), "--prices", path.join(dir, "prices.json")], { from: "user" });
        const text = out.join("\n");
        assert.match(text, /^paved cost small: a monthly estimate in USD, eu-west-1 prices as of \d{4}-\d{2}-\d{2}\nPrices: A snapshot of AWS list prices/);
        assert.match(text, /\n  builds\.perAppPerDay = 10\n/);
        assert.match(text, /\nnetwork +NAT gateway hours +730 h +\$0\.05\/h +\$36\.50\n/);
        assert.match(text, /\n +total +\$214\.38\n/);
        assert.match(text, /CodeBuild \$31\.94 vs servers \$219\.00 a month/);
        out.length = 0;
        await program.parseAsync(["cost", "small", "--config", config, "--assumptions", path.join(dir, "usage.yaml"), "--prices", path.join(dir, "prices.json"), "--json"], { from: "user" });
        const json = JSON.parse(out.join("\n"));
        assert.strictEqual(json.total, 214.38);
        assert.strictEqual(json.lineItems.length, 26);
        assert.strictEqual(json.assumptions.builds.perAppPerDay, 10);
        const errors: string[] = [];
        const log = console.error;
        console.error = (m: string) => errors.push(m);
        try {
            assert.strictEqual(await main(["cost", "dev", "--assumptions", path.join(dir, "bad.yaml")]), 2);
        } finally {
            console.error = log;
        }
        assert.match(errors.join("\n"), /problems in --assumptions .*bad\.yaml/);
    });
});
