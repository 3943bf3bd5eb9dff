import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { ProgramResult } from "../../components/testing";
import { ACCOUNT, ECR_IMAGE, REGION, one, runJobs } from "./fixtures";

/**
 * The remaining least-privilege gaps of jobs and services, as an IAM simulator sees the planned
 * policies: secrets named exactly, task protection and task control limited to a workload's own
 * tasks (by the family tag its tasks inherit), and trust policies that only this account's own
 * resource of the service can use.
 */

type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

async function simulate(sim: { identity?: object[]; resourcePolicy?: object; principal: string; action: string; resource: string; context?: Record<string, string | string[]> }): Promise<Decision> {
    const response = await runSimulation(
        {
            identityPolicies: (sim.identity ?? []).map((policy, i) => ({ name: `p${i}`, policy })),
            ...(sim.resourcePolicy ? { resourcePolicy: sim.resourcePolicy } : {}),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            request: { action: sim.action, principal: sim.principal, resource: { accountId: ACCOUNT, resource: sim.resource }, contextVariables: sim.context ?? {} },
        } as any,
        {},
    );
    if (response.resultType === "error") throw new Error(`simulation of ${sim.action} on ${sim.resource} failed: ${JSON.stringify(response.errors)}`);
    return response.overallResult as Decision;
}

const ROLE = `arn:aws:iam::${ACCOUNT}:role/simulated`;
const decide = (policies: object[], action: string, resource: string, context: Record<string, string> = {}) => simulate({ identity: policies, principal: ROLE, action, resource, context });
const param = (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${name}`;
const task = (id: string, cluster = "paved-test") => `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${cluster}/${id}`;
const familyTag = (family: string) => ({ "aws:ResourceTag/paved:task-family": family });

describe("least privilege of jobs (IAM simulation)", function () {
    let result: ProgramResult;
    const doc = (type: string, name: string, field = "policy") => JSON.parse(one(result.resources, type, name).inputs[field]);
    const policyOf = (name: string) => doc("aws:iam/rolePolicy:RolePolicy", name);
    const trustOf = (name: string) => doc("aws:iam/role:Role", name, "assumeRolePolicy");

    before(async () => {
        result = await runJobs({
            nightly: { image: ECR_IMAGE, secrets: { DB_URL: "/prod/db/url", API_KEY: "api-key" }, schedule: { expression: "cron(0 3 * * ? *)" } },
            ingest: { image: ECR_IMAGE, queue: {} },
        });
    });

    describe("secrets by name", () => {
        it("a parameter name becomes its ARN in the container definition", () => {
            const [c] = JSON.parse(one(result.resources, "aws:ecs/taskDefinition:TaskDefinition", "nightly-task").inputs.containerDefinitions);
            assert.deepStrictEqual(c.secrets, [
                { name: "API_KEY", valueFrom: param("api-key") },
                { name: "DB_URL", valueFrom: param("prod/db/url") },
            ]);
        });

        it("the execution role reads exactly the named parameters, nothing under or beside them", async () => {
            const exec = [policyOf("nightly-execution")];
            assert.strictEqual(await decide(exec, "ssm:GetParameters", param("prod/db/url")), "Allowed");
            assert.strictEqual(await decide(exec, "ssm:GetParameters", param("api-key")), "Allowed");
            for (const other of ["prod/db/url2", "prod/db", "prod/db/url/x", "prod/db/password"]) {
                assert.strictEqual(await decide(exec, "ssm:GetParameters", param(other)), "ImplicitlyDenied", other);
            }
            assert.strictEqual(await decide(exec, "ssm:GetParametersByPath", param("prod/db")), "ImplicitlyDenied");
        });
    });

    describe("queue workers protect only their own tasks", () => {
        it("UpdateTaskProtection and GetTaskProtection on tasks of the job's own family only", async () => {
            const worker = [policyOf("ingest-task")];
            for (const action of ["ecs:UpdateTaskProtection", "ecs:GetTaskProtection"]) {
                assert.strictEqual(await decide(worker, action, task("0a1b"), familyTag("paved-test-job-ingest")), "Allowed", action);
                assert.strictEqual(await decide(worker, action, task("0a1b"), familyTag("paved-test-job-nightly")), "ImplicitlyDenied", `${action}: another job's task`);
                assert.strictEqual(await decide(worker, action, task("0a1b"), familyTag("paved-other-job-ingest")), "ImplicitlyDenied", `${action}: same job, another environment on a shared cluster`);
                assert.strictEqual(await decide(worker, action, task("0a1b")), "ImplicitlyDenied", `${action}: an untagged task`);
                assert.strictEqual(await decide(worker, action, task("0a1b", "other"), familyTag("paved-test-job-ingest")), "ImplicitlyDenied", `${action}: another cluster`);
            }
            assert.strictEqual(await decide(worker, "ecs:StopTask", task("0a1b"), familyTag("paved-test-job-ingest")), "ImplicitlyDenied");
        });
    });

    describe("a state machine controls only its own job's tasks", () => {
        it("StopTask and DescribeTasks on tasks of its family only; RunTask of its family only", async () => {
            const sfn = [policyOf("nightly-sfn")];
            for (const action of ["ecs:StopTask", "ecs:DescribeTasks"]) {
                assert.strictEqual(await decide(sfn, action, task("9f8e"), familyTag("paved-test-job-nightly")), "Allowed", action);
                assert.strictEqual(await decide(sfn, action, task("9f8e"), familyTag("paved-test-job-ingest")), "ImplicitlyDenied", `${action}: another job's task`);
                assert.strictEqual(await decide(sfn, action, task("9f8e"), familyTag("paved-test-svc-catalog")), "ImplicitlyDenied", `${action}: a service's task`);
                assert.strictEqual(await decide(sfn, action, task("9f8e")), "ImplicitlyDenied", `${action}: an untagged task`);
            }
            assert.strictEqual(
                await decide(sfn, "ecs:RunTask", `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/paved-test-job-ingest:1`, { "ecs:cluster": `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/paved-test` }),
                "ImplicitlyDenied",
            );
        });

        it("the family tag is on the task definition, and RunTask propagates it to the task", () => {
            assert.strictEqual(one(result.resources, "aws:ecs/taskDefinition:TaskDefinition", "nightly-task").inputs.tags["paved:task-family"], "paved-test-job-nightly");
            const def = JSON.parse(one(result.resources, "aws:sfn/stateMachine:StateMachine", "nightly-sfn").inputs.definition);
            assert.strictEqual(def.States.RunTask.Parameters.PropagateTags, "TASK_DEFINITION");
        });
    });

    describe("trust policies: only this account's own resource of the service", () => {
        const assume = (trust: object, service: string, context: Record<string, string>) =>
            simulate({ resourcePolicy: trust, principal: service, action: "sts:AssumeRole", resource: ROLE, context });
        const OTHER = "210987654321";

        it("ECS task and execution roles: this account only; the task role for ECS in this region only", async () => {
            for (const role of ["nightly-task", "nightly-execution", "ingest-task", "ingest-execution"]) {
                const trust = trustOf(role);
                const ecsArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/paved-test/0a1b`;
                assert.strictEqual(await assume(trust, "ecs-tasks.amazonaws.com", { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": ecsArn }), "Allowed", role);
                assert.strictEqual(await assume(trust, "ecs-tasks.amazonaws.com", { "aws:SourceAccount": OTHER, "aws:SourceArn": ecsArn.replace(ACCOUNT, OTHER) }), "ImplicitlyDenied", `${role}: another account`);
                assert.strictEqual(await assume(trust, "states.amazonaws.com", { "aws:SourceAccount": ACCOUNT }), "ImplicitlyDenied", `${role}: another service`);
            }
            const taskTrust = trustOf("nightly-task");
            assert.strictEqual(
                await assume(taskTrust, "ecs-tasks.amazonaws.com", { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": `arn:aws:ecs:us-east-1:${ACCOUNT}:task/x/0a1b` }),
                "ImplicitlyDenied",
                "ECS in another region",
            );
        });

        it("the state machine role: this state machine only", async () => {
            const trust = trustOf("nightly-sfn");
            const machine = one(result.resources, "aws:sfn/stateMachine:StateMachine", "nightly-sfn").outputs.arn;
            assert.strictEqual(await assume(trust, "states.amazonaws.com", { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": machine }), "Allowed");
            assert.strictEqual(await assume(trust, "states.amazonaws.com", { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": `${machine}-other` }), "ImplicitlyDenied");
            assert.strictEqual(await assume(trust, "states.amazonaws.com", { "aws:SourceAccount": ACCOUNT }), "ImplicitlyDenied", "without a source ARN");
        });

        it("the scheduler role: this account's default schedule group only", async () => {
            const trust = trustOf("nightly-scheduler");
            const group = `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/default`;
            assert.strictEqual(await assume(trust, "scheduler.amazonaws.com", { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": group }), "Allowed");
            assert.strictEqual(await assume(trust, "scheduler.amazonaws.com", { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": `${group}-other` }), "ImplicitlyDenied");
            assert.strictEqual(await assume(trust, "scheduler.amazonaws.com", { "aws:SourceAccount": OTHER, "aws:SourceArn": group.replace(ACCOUNT, OTHER) }), "ImplicitlyDenied");
        });

        it("the cluster's instance role: EC2, which sets no source keys", async () => {
            const trust = trustOf("batch-instance");
            assert.strictEqual(await assume(trust, "ec2.amazonaws.com", {}), "Allowed");
            assert.strictEqual(await assume(trust, "ecs-tasks.amazonaws.com", { "aws:SourceAccount": ACCOUNT }), "ImplicitlyDenied");
        });
    });
});
