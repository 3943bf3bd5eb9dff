import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { instanceRolePolicy, secretPolicyArn } from "../../components/batch/policies";
import { ProgramResult } from "../../components/testing";
import { ACCOUNT, ECR_IMAGE, REGION, one, runJobs } from "./fixtures";

/**
 * IAM simulation of the roles as deployed: the policy documents are the RolePolicy inputs the
 * components registered, evaluated by @cloud-copilot/iam-simulate.
 */

type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

async function decide(policies: object[], action: string, resource: string, context: Record<string, string | string[]> = {}): Promise<Decision> {
    const response = await runSimulation(
        {
            identityPolicies: policies.map((policy, i) => ({ name: `p${i}`, policy })),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            request: { action, principal: `arn:aws:iam::${ACCOUNT}:role/simulated`, resource: { accountId: ACCOUNT, resource }, contextVariables: context },
        } as any,
        {},
    );
    if (response.resultType === "error") throw new Error(`simulation of ${action} on ${resource} failed: ${JSON.stringify(response.errors)}`);
    return response.overallResult as Decision;
}

const arn = {
    secret: (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`,
    param: (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${name}`,
    queue: (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
    repo: (name: string) => `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`,
    stream: (group: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${group}:log-stream:job/x/0123`,
    cluster: (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`,
    taskDef: (family: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:7`,
};

const A_SECRET = arn.secret("nightly/db-AbCdEf");
const A_PARAM = arn.param("nightly/api-key");
const B_SECRET = arn.secret("ingest/token-ZyXwVu");
const B_PARAM = arn.param("ingest/api-key");

describe("IAM simulation", function () {
    let result: ProgramResult;
    const doc = (name: string) => JSON.parse(one(result.resources, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy);

    before(async () => {
        result = await runJobs({
            nightly: { image: ECR_IMAGE, secrets: { DB: A_SECRET, API_KEY: A_PARAM }, schedule: { expression: "cron(0 3 * * ? *)" } },
            ingest: {
                image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/ingest@sha256:${"a".repeat(64)}`,
                secrets: { TOKEN: `${B_SECRET}:token::`, API_KEY: B_PARAM },
                queue: {},
                taskPolicyStatements: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::ingest-out/*" }],
            },
        });
    });

    describe("job A's roles and job B's secrets and queue", () => {
        it("A's execution role reads A's secret and parameter, not B's", async () => {
            const exec = [doc("nightly-execution")];
            assert.strictEqual(await decide(exec, "secretsmanager:GetSecretValue", A_SECRET), "Allowed");
            assert.strictEqual(await decide(exec, "ssm:GetParameters", A_PARAM), "Allowed");
            assert.strictEqual(await decide(exec, "secretsmanager:GetSecretValue", B_SECRET), "ImplicitlyDenied");
            assert.strictEqual(await decide(exec, "ssm:GetParameters", B_PARAM), "ImplicitlyDenied");
            assert.strictEqual(await decide(exec, "ssm:GetParameters", arn.param("nightly/api-key-other")), "ImplicitlyDenied");
        });

        it("B's execution role reads B's secret through a valueFrom with a JSON key", async () => {
            const exec = [doc("ingest-execution")];
            assert.strictEqual(await decide(exec, "secretsmanager:GetSecretValue", B_SECRET), "Allowed");
            assert.strictEqual(await decide(exec, "secretsmanager:GetSecretValue", A_SECRET), "ImplicitlyDenied");
        });

        it("A's task role reads no secrets and no queue; its own code gets nothing by default", async () => {
            const nightlyTask = result.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "nightly-task");
            assert.strictEqual(nightlyTask.length, 0, "a job without a queue or extra statements has a task role with no policy");
            assert.deepStrictEqual(result.resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) => r.name), [], "no managed policies anywhere");
            const queueB = arn.queue("paved-test-ingest");
            // With no policy at all, every request is implicitly denied; check the queue job's own role too.
            const b = [doc("ingest-task")];
            assert.strictEqual(await decide(b, "sqs:ReceiveMessage", queueB), "Allowed");
            assert.strictEqual(await decide(b, "sqs:DeleteMessage", queueB), "Allowed");
            assert.strictEqual(await decide(b, "sqs:ChangeMessageVisibility", queueB), "Allowed");
            assert.strictEqual(await decide(b, "sqs:SendMessage", queueB), "ImplicitlyDenied");
            assert.strictEqual(await decide(b, "sqs:ReceiveMessage", arn.queue("paved-test-ingest-dlq")), "ImplicitlyDenied");
            assert.strictEqual(await decide(b, "sqs:ReceiveMessage", arn.queue("paved-test-other")), "ImplicitlyDenied");
            assert.strictEqual(await decide(b, "secretsmanager:GetSecretValue", B_SECRET), "ImplicitlyDenied");
            assert.strictEqual(await decide(b, "s3:PutObject", "arn:aws:s3:::ingest-out/x.json"), "Allowed", "taskPolicyStatements are added");
        });

        it("A's execution role cannot consume B's queue", async () => {
            const exec = [doc("nightly-execution")];
            assert.strictEqual(await decide(exec, "sqs:ReceiveMessage", arn.queue("paved-test-ingest")), "ImplicitlyDenied");
        });

        it("execution roles pull only their own ECR repository and write only their own log group", async () => {
            const a = [doc("nightly-execution")];
            assert.strictEqual(await decide(a, "ecr:GetAuthorizationToken", "*"), "Allowed");
            assert.strictEqual(await decide(a, "ecr:BatchGetImage", arn.repo("reports")), "Allowed");
            assert.strictEqual(await decide(a, "ecr:GetDownloadUrlForLayer", arn.repo("reports")), "Allowed");
            assert.strictEqual(await decide(a, "ecr:BatchGetImage", arn.repo("ingest")), "ImplicitlyDenied");
            assert.strictEqual(await decide(a, "ecr:PutImage", arn.repo("reports")), "ImplicitlyDenied");
            assert.strictEqual(await decide(a, "logs:PutLogEvents", arn.stream("/paved/paved-test/jobs/nightly")), "Allowed");
            assert.strictEqual(await decide(a, "logs:PutLogEvents", arn.stream("/paved/paved-test/jobs/ingest")), "ImplicitlyDenied");
            assert.strictEqual(await decide([doc("ingest-execution")], "ecr:BatchGetImage", arn.repo("ingest")), "Allowed");
        });
    });

    describe("scheduled job's state machine and scheduler", () => {
        it("runs only its own task family on its cluster and passes only its own roles to ECS", async () => {
            const sfn = [doc("nightly-sfn")];
            const cluster = { "ecs:cluster": arn.cluster("paved-test") };
            assert.strictEqual(await decide(sfn, "ecs:RunTask", arn.taskDef("paved-test-job-nightly"), cluster), "Allowed");
            assert.strictEqual(await decide(sfn, "ecs:RunTask", arn.taskDef("paved-test-job-ingest"), cluster), "ImplicitlyDenied");
            assert.strictEqual(await decide(sfn, "ecs:RunTask", arn.taskDef("paved-test-job-nightly"), { "ecs:cluster": arn.cluster("other") }), "ImplicitlyDenied");
            const role = (name: string) => one(result.resources, "aws:iam/role:Role", name).outputs.arn;
            const toEcs = { "iam:PassedToService": "ecs-tasks.amazonaws.com" };
            assert.strictEqual(await decide(sfn, "iam:PassRole", role("nightly-execution"), toEcs), "Allowed");
            assert.strictEqual(await decide(sfn, "iam:PassRole", role("nightly-task"), toEcs), "Allowed");
            assert.strictEqual(await decide(sfn, "iam:PassRole", role("ingest-task"), toEcs), "ImplicitlyDenied");
            assert.strictEqual(await decide(sfn, "iam:PassRole", role("nightly-task"), { "iam:PassedToService": "ec2.amazonaws.com" }), "ImplicitlyDenied");
            const topic = one(result.resources, "aws:sns/topic:Topic", "nightly-failures").outputs.arn;
            assert.strictEqual(await decide(sfn, "sns:Publish", topic), "Allowed");
            assert.strictEqual(await decide(sfn, "sns:Publish", `arn:aws:sns:${REGION}:${ACCOUNT}:other`), "ImplicitlyDenied");
            assert.strictEqual(await decide(sfn, "events:PutRule", `arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForECSTaskRule`), "Allowed");
            assert.strictEqual(await decide(sfn, "events:PutRule", `arn:aws:events:${REGION}:${ACCOUNT}:rule/anything`), "ImplicitlyDenied");
            assert.strictEqual(await decide(sfn, "secretsmanager:GetSecretValue", A_SECRET), "ImplicitlyDenied");
        });

        it("the scheduler may only start its own state machine", async () => {
            const s = [doc("nightly-scheduler")];
            const machine = one(result.resources, "aws:sfn/stateMachine:StateMachine", "nightly-sfn").outputs.arn;
            assert.strictEqual(await decide(s, "states:StartExecution", machine), "Allowed");
            assert.strictEqual(await decide(s, "states:StartExecution", `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:other`), "ImplicitlyDenied");
            assert.strictEqual(await decide(s, "ecs:RunTask", arn.taskDef("paved-test-job-nightly")), "ImplicitlyDenied");
        });
    });

    describe("cluster instance role", () => {
        let instance: object[];
        const containerInstance = `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/paved-test/0123456789abcdef0123456789abcdef`;
        before(() => {
            instance = [doc("batch-instance")];
        });

        it("is exactly the pure policy for the cluster", () => {
            assert.deepStrictEqual(instance[0], instanceRolePolicy({ partition: "aws", region: REGION, accountId: ACCOUNT }, "paved-test"));
        });

        const allowed: [string, string][] = [
            ["ecs:RegisterContainerInstance", arn.cluster("paved-test")],
            ["ecs:DeregisterContainerInstance", arn.cluster("paved-test")],
            ["ecs:SubmitTaskStateChange", arn.cluster("paved-test")],
            ["ecs:SubmitContainerStateChange", arn.cluster("paved-test")],
            ["ecs:SubmitAttachmentStateChanges", arn.cluster("paved-test")],
            ["ecs:UpdateContainerInstancesState", containerInstance],
            ["ecs:Poll", containerInstance],
            ["ecs:StartTelemetrySession", containerInstance],
            ["ecs:DiscoverPollEndpoint", "*"],
        ];
        for (const [action, resource] of allowed) {
            it(`allows the agent's ${action}`, async () => {
                assert.strictEqual(await decide(instance, action, resource), "Allowed");
            });
        }

        const denied: [string, string][] = [
            ["ecs:RegisterContainerInstance", arn.cluster("another-cluster")],
            ["ecs:Poll", `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/another-cluster/0123456789abcdef0123456789abcdef`],
            ["ecs:RunTask", arn.taskDef("paved-test-job-nightly")],
            ["ecs:CreateCluster", "*"],
            ["iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/anything`],
            ["iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/anything`],
            ["s3:GetObject", "arn:aws:s3:::any-bucket/key"],
            ["s3:ListBucket", "arn:aws:s3:::any-bucket"],
            ["secretsmanager:GetSecretValue", A_SECRET],
            ["ssm:GetParameters", A_PARAM],
            ["sqs:ReceiveMessage", arn.queue("paved-test-ingest")],
            ["ecr:BatchGetImage", arn.repo("reports")],
            ["logs:PutLogEvents", arn.stream("/paved/paved-test/jobs/nightly")],
        ];
        for (const [action, resource] of denied) {
            it(`denies ${action} on ${resource.split(":").slice(-1)[0]}`, async () => {
                assert.strictEqual(await decide(instance, action, resource), "ImplicitlyDenied");
            });
        }
    });

    describe("secret ARNs in policies", () => {
        it("matches partial secret ARNs with the random suffix and strips JSON keys", () => {
            assert.strictEqual(secretPolicyArn(arn.secret("db")), `${arn.secret("db")}-??????`);
            assert.strictEqual(secretPolicyArn(`${arn.secret("db-AbCdEf")}:password::`), arn.secret("db-AbCdEf"));
        });

        it("a partial ARN policy allows that secret and no other", async () => {
            const p = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretPolicyArn(arn.secret("db")) }] };
            assert.strictEqual(await decide([p], "secretsmanager:GetSecretValue", arn.secret("db-AbCdEf")), "Allowed");
            assert.strictEqual(await decide([p], "secretsmanager:GetSecretValue", arn.secret("db-admin-AbCdEf")), "ImplicitlyDenied");
        });
    });
});
