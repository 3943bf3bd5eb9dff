import * as assert from "assert";
import { DEFAULT_ALERT_THRESHOLDS } from "../../components/operations/alerts";
import { Operations, OperationsArgs, operationsArgs } from "../../components/operations/operations";
import { assertRefused } from "../support/args";
import { ProgramResult, RecordedResource, runProgram } from "../../components/testing";
import { environmentTags, evaluatePolicies } from "../../policy/run";
import { sharedPlan } from "../support/plans";

/** The Operations component on its own and inside every committed environment. */

const T = {
    key: "aws:kms/key:Key",
    topic: "aws:sns/topic:Topic",
    policy: "aws:sns/topicPolicy:TopicPolicy",
    sub: "aws:sns/topicSubscription:TopicSubscription",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    slack: "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
    provider: "pulumi:providers:aws",
};
const ofType = (r: ProgramResult, type: string) => r.resources.filter((x) => x.type === type);
const one = (r: ProgramResult, type: string): RecordedResource => {
    const found = ofType(r, type);
    assert.strictEqual(found.length, 1, type);
    return found[0];
};

async function standalone(args: Partial<OperationsArgs>, region = "eu-west-1"): Promise<ProgramResult> {
    return runProgram({
        stack: "ops",
        project: "team",
        config: { "aws:region": region },
        program: () => {
            new Operations("ops", { environment: "ops", region, ...args });
        },
    });
}

describe("Operations", function () {
    this.timeout(120000);

    it("encrypts its one topic with a rotating customer key that only EventBridge and CloudWatch of this account may use", async () => {
        const r = await standalone({});
        const key = one(r, T.key);
        assert.strictEqual(key.inputs.enableKeyRotation, true);
        const policy = JSON.parse(key.inputs.policy);
        const publishers = policy.Statement.find((s: any) => s.Sid === "PublishersEncrypt");
        assert.deepStrictEqual(publishers.Principal.Service, ["events.amazonaws.com", "cloudwatch.amazonaws.com"]);
        assert.deepStrictEqual(publishers.Condition, { StringEquals: { "aws:SourceAccount": "123456789012" } });
        assert.deepStrictEqual(publishers.Action, ["kms:Decrypt", "kms:GenerateDataKey*"]);
        const topic = one(r, T.topic);
        assert.strictEqual(topic.inputs.kmsMasterKeyId, key.outputs.arn, "not alias/aws/sns: EventBridge and CloudWatch cannot use the AWS-managed key");
        assert.strictEqual(topic.inputs.tags["paved:purpose"], "notifications");
        assert.strictEqual(ofType(r, T.sub).length, 0);
    });

    it("subscribes email addresses, HTTPS endpoints and a Slack channel through a Chatbot role that can only read CloudWatch", async () => {
        const r = await standalone({
            alerts: { email: ["oncall@example.com", "platform@example.com"], https: ["https://events.pagerduty.com/integration/abc123/enqueue"], slack: { workspaceId: "T07EA123LEP", channelId: "C07EZ1ABC23" } },
        });
        const topicArn = one(r, T.topic).outputs.arn;
        const subs = ofType(r, T.sub).map((s) => [s.inputs.protocol, s.inputs.endpoint, s.inputs.topic]);
        assert.deepStrictEqual(subs.sort(), [
            ["email", "oncall@example.com", topicArn],
            ["email", "platform@example.com", topicArn],
            ["https", "https://events.pagerduty.com/integration/abc123/enqueue", topicArn],
        ]);
        const slack = one(r, T.slack);
        assert.deepStrictEqual(slack.inputs.snsTopicArns, [topicArn]);
        assert.strictEqual(slack.inputs.slackTeamId, "T07EA123LEP");
        assert.deepStrictEqual(slack.inputs.guardrailPolicyArns, ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]);
        const role = r.resources.find((x) => x.type === "aws:iam/role:Role" && x.outputs.arn === slack.inputs.iamRoleArn)!;
        assert.strictEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal.Service, "chatbot.amazonaws.com");
    });

    it("refuses bad subscribers and thresholds, naming the field, the value and the fix", () => {
        const bad: [Partial<OperationsArgs>, string, RegExp][] = [
            [{ alerts: { email: ["oncall"] } }, "args.alerts.email[0]", /must be one email address/],
            [{ alerts: { https: ["http://hooks.example.com/x"] } }, "args.alerts.https[0]", /must use https/],
            [{ alerts: { https: ["https://user:pw@hooks.example.com/x"] } }, "args.alerts.https[0]", /must not carry credentials/],
            [{ alerts: { email: ["a@example.com", "a@example.com"] } }, "args.alerts.email[1]", /is listed twice/],
            [{ alerts: { slack: { workspaceId: "T07EA123LEP", channelId: "#alerts" } } }, "args.alerts.slack.channelId", /must be a Slack channel id/],
            [{ alerts: { thresholds: { cloudFront5xxPercent: 0 } } }, "args.alerts.thresholds.cloudFront5xxPercent", /must be a percentage/],
            [{ alerts: { thresholds: { serviceShortfallMinutes: 2000 } } }, "args.alerts.thresholds.serviceShortfallMinutes", /from 1 to 1440/],
            [{ alerts: { thresholds: { errorRate: 5 } as any } }, "args.alerts.thresholds.errorRate", /unknown key/],
            [{ keyDeletionWindowDays: 3 }, "args.keyDeletionWindowDays", /from 7 to 30/],
            [{ environment: "Prod" }, "args.environment", /must be the environment name/],
        ];
        for (const [args, path, message] of bad) assertRefused(operationsArgs, { environment: "ops", region: "eu-west-1", ...args }, path, message);
        assert.deepStrictEqual(operationsArgs.parse({ environment: "ops", region: "eu-west-1" }).alerts.thresholds, DEFAULT_ALERT_THRESHOLDS);
    });

    it("in us-east-1 the site alarm notifies the topic itself, with no forwarding rule", async () => {
        const r = await standalone({ distributionId: "E2QWRUHEXAMPLE" }, "us-east-1");
        const alarm = one(r, T.alarm);
        assert.deepStrictEqual(alarm.inputs.alarmActions, [one(r, T.topic).outputs.arn]);
        assert.strictEqual(ofType(r, T.rule).length, 0);
        assert.strictEqual(ofType(r, T.provider).length, 1, "a us-east-1 provider, parented to the component");
    });

    describe("in the committed environments", () => {
        for (const env of ["dev", "prod"]) {
            it(`${env}: every alarm decides what missing data means and notifies the topic`, async () => {
                const plan = await sharedPlan(env);
                const topic = ofType(plan, T.topic).find((t) => t.inputs.tags?.["paved:purpose"] === "notifications")!;
                const alarms = ofType(plan, T.alarm).filter((a) => a.parent?.endsWith("::operations"));
                // 4 dead-letter queues, 7 services short of tasks (3 apps, 4 queue workers), 3 services' 5xx, the site.
                assert.strictEqual(alarms.length, 15);
                for (const a of alarms) {
                    assert.ok(["ignore", "notBreaching", "breaching", "missing"].includes(a.inputs.treatMissingData), a.name);
                    if (a.name !== "operations-cloudfront-5xx") assert.deepStrictEqual(a.inputs.alarmActions, [topic.outputs.arn], a.name);
                }
                assert.strictEqual(alarms.find((a) => a.name === "operations-dlq-thumbnails")!.inputs.treatMissingData, "ignore");
                const cf = alarms.find((a) => a.name === "operations-cloudfront-5xx")!;
                assert.match(cf.outputs.arn, /^arn:aws:cloudwatch:us-east-1:/, "CloudFront's alarm lives in us-east-1");
                const provider = plan.resources.find((p) => p.type === T.provider && p.name === "operations-us-east-1")!;
                assert.strictEqual(provider.inputs.region, "us-east-1");
                assert.ok(provider.parent?.endsWith("::operations"), "the provider is a child of the component");
                assert.strictEqual(cf.inputs.threshold, env === "prod" ? 2 : DEFAULT_ALERT_THRESHOLDS.cloudFront5xxPercent);
                const shortfall = alarms.find((a) => a.name === "operations-tasks-storefront")!;
                assert.deepStrictEqual(shortfall.inputs.metricQueries.map((q: any) => q.expression ?? q.metric.metricName), ["DesiredTaskCount", "RunningTaskCount", "desired - running"]);
            });

            it(`${env}: the topic accepts exactly the environment's rules and alarms`, async () => {
                const plan = await sharedPlan(env);
                const policy = JSON.parse(one(plan, T.policy).inputs.policy);
                const rules = ofType(plan, T.rule).filter((x) => x.parent?.endsWith("::operations") && x.name !== "operations-forward-alarms");
                const targets = ofType(plan, T.target).filter((x) => x.inputs.arn === one(plan, T.policy).inputs.arn);
                assert.strictEqual(targets.length, rules.length, "every local rule targets the topic");
                const allowed = policy.Statement.find((s: any) => s.Sid === "EnvironmentRulesPublish").Condition.ArnEquals["aws:SourceArn"];
                assert.deepStrictEqual(allowed, rules.map((x) => x.outputs.arn).sort());
                const alarmArns = ofType(plan, T.alarm).filter((a) => a.parent?.endsWith("::operations") && a.name !== "operations-cloudfront-5xx").map((a) => a.outputs.arn).sort();
                assert.deepStrictEqual(policy.Statement.find((s: any) => s.Sid === "EnvironmentAlarmsPublish").Condition.ArnEquals["aws:SourceArn"], alarmArns);
                assert.deepStrictEqual(policy.Statement.find((s: any) => s.Sid === "TlsOnly").Condition, { Bool: { "aws:SecureTransport": "false" } });
                for (const t of targets) {
                    // Every placeholder has an input path (PutTargets refuses one that does not).
                    const placeholders = [...t.inputs.inputTransformer.inputTemplate.matchAll(/<([^<>]+)>/g)].map((m) => m[1]);
                    assert.deepStrictEqual([...new Set(placeholders)].sort(), Object.keys(t.inputs.inputTransformer.inputPaths).sort(), t.name);
                }
            });
        }

        it("prod notifies its on-call and its Slack channel", async () => {
            const plan = await sharedPlan("prod");
            assert.ok(ofType(plan, T.sub).length >= 1);
            assert.strictEqual(ofType(plan, T.slack).length, 1);
            assert.strictEqual(ofType(plan, T.topic).find((t) => t.inputs.tags?.["paved:purpose"])!.inputs.tags["paved:subscriptions-required"], "true");
            // Without them the policy pack blocks the deployment.
            const silent = plan.resources.filter((x) => x.type !== T.sub && x.type !== T.slack);
            const violations = evaluatePolicies(silent, { defaultTags: environmentTags("prod") }).filter((v) => v.rule === "notifications-topic");
            assert.strictEqual(violations.length, 1);
            assert.match(violations[0].message, /has no subscriber, and this environment requires one \(prod\)/);
            const noTopic = plan.resources.filter((x) => !(x.type === T.topic && x.inputs.tags?.["paved:purpose"]));
            assert.ok(evaluatePolicies(noTopic, { defaultTags: environmentTags("prod") }).some((v) => v.rule === "notifications-topic" && /has no notifications topic/.test(v.message)));
        });
    });
});
