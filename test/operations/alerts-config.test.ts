import * as assert from "assert";
import { ConfigError } from "../../components/errors";
import { parseConfig } from "../../components/config";
import { DEFAULT_ALERT_THRESHOLDS } from "../../components/operations/alerts";

/** `paved:alerts` in a stack config: defaults, and every bad value named by key path with its fix. */

const parse = (alerts: unknown, kind = "dev") =>
    parseConfig({ project: "paved", stack: kind === "prod" ? "prod" : "dev", values: { "aws:region": "eu-west-1", "paved:kind": kind, ...(alerts === undefined ? {} : { "paved:alerts": alerts }) }, projectDir: "/project" });

function problems(alerts: unknown): { path: string; value: unknown; message: string }[] {
    try {
        parse(alerts);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems;
    }
    return assert.fail("expected the config to be rejected");
}

describe("paved:alerts", () => {
    it("defaults to no subscribers and the documented thresholds", () => {
        assert.deepStrictEqual(parse(undefined).alerts, { email: [], https: [], thresholds: { ...DEFAULT_ALERT_THRESHOLDS } });
        const prod = parse({ email: ["oncall@example.com"], thresholds: { cloudFront5xxPercent: 2 } }, "prod").alerts;
        assert.deepStrictEqual(prod.thresholds, { ...DEFAULT_ALERT_THRESHOLDS, cloudFront5xxPercent: 2 });
    });

    it("names every bad value by key path, with the fix", () => {
        const found = problems({
            email: ["oncall@example.com", "not-an-address", "oncall@example.com"],
            https: ["http://hooks.example.com/x", "https://u:p@hooks.example.com/y"],
            slack: { workspaceId: "acme", channelId: "#alerts" },
            thresholds: { cloudFront5xxPercent: 150, serviceShortfallMinutes: 0.5, p99: 1 },
            pager: "x",
        });
        const byPath = Object.fromEntries(found.map((p) => [p.path, p]));
        assert.match(byPath["paved:alerts.email[1]"].message, /must be one email address such as "oncall@example.com"/);
        assert.strictEqual(byPath["paved:alerts.email[1]"].value, "not-an-address");
        assert.match(byPath["paved:alerts.email[2]"].message, /listed twice/);
        assert.match(byPath["paved:alerts.https[0]"].message, /must use https/);
        assert.match(byPath["paved:alerts.https[1]"].message, /must not carry credentials/);
        assert.match(byPath["paved:alerts.slack.workspaceId"].message, /Slack workspace id such as "T07EA123LEP"/);
        assert.match(byPath["paved:alerts.slack.channelId"].message, /channel id such as "C07EZ1ABC23".*not its name/);
        assert.match(byPath["paved:alerts.thresholds.cloudFront5xxPercent"].message, /percentage above 0 and at most 100/);
        assert.match(byPath["paved:alerts.thresholds.serviceShortfallMinutes"].message, /whole number of minutes/);
        assert.ok(found.some((p) => /p99/.test(p.path) || /p99/.test(p.message)), JSON.stringify(found));
        assert.ok(found.some((p) => /pager/.test(p.path) || /pager/.test(p.message)), JSON.stringify(found));
    });
});
