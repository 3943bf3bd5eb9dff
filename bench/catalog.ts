import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/**
 * A generated environment of `apps` apps and `jobs` jobs, cycling through the committed catalog's
 * entries with numbered names and paths so the shapes stay realistic at any scale. Only the first
 * round keeps its container services: each one is two cache behaviors of the one distribution,
 * and CloudFront's default quota (75) does not hold 60 of them. Likewise only the first round keeps
 * its queue and on-demand jobs; later rounds are scheduled jobs (as every job of the CDK peer is),
 * because each queue adds alarms and the dashboard's one alarm widget shows at most 100.
 */
export function benchConfig(apps: number, jobs: number): Record<string, unknown> {
    const catalog = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "catalog.yaml"), "utf8"));
    const appList = Array.from({ length: apps }, (_, i) => {
        const base = catalog.apps[i % catalog.apps.length];
        const round = Math.floor(i / catalog.apps.length);
        if (round === 0) return base;
        const name = `${base.name}-${round}`.slice(0, 40);
        const container = base.container ? { ...base.container, service: undefined } : undefined;
        return { ...base, name, path: base.path === "/" ? `/home-${round}` : `/r${round}${base.path}`.split("/").slice(0, 4).join("/"), ...(container ? { container } : {}) };
    });
    const jobList = Array.from({ length: jobs }, (_, i) => {
        const base = catalog.jobs[i % catalog.jobs.length];
        const round = Math.floor(i / catalog.jobs.length);
        if (round === 0) return base;
        const { queue: _queue, ...rest } = base;
        return { ...rest, name: `${base.name}-${round}`, schedule: base.schedule ?? { expression: "rate(1 hour)" } };
    });
    return {
        "aws:region": "eu-west-1",
        "paved:kind": "staging",
        "paved:cluster": { instanceTypes: ["m6i.2xlarge", "m6a.2xlarge"], maxSize: 40 },
        "paved:apps": appList,
        "paved:jobs": jobList,
        "paved:services": { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/7a2e9c4b-1d3f-4e6a-8b0c-5f9d2e1a3c7b", originDomain: "services.bench.example.com" },
    };
}
