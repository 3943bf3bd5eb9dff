import * as assert from "assert";
import * as path from "path";
import { runProgram } from "../../components/testing";
import { sharedPlan } from "../support/plans";

/** The examples/ program, run under the harness against what the staging environment exports. */
describe("examples/team-app", function () {
    this.timeout(60000);

    it("adds an app to the environment's site and a job to its cluster, through the exported API", async () => {
        const staging = await sharedPlan("staging");
        const env = staging.outputs as Record<string, any>;
        const result = await runProgram({
            program: require("../../examples/team-app"),
            stack: "staging",
            configFile: path.join(__dirname, "../../examples/team-app/Pulumi.staging.yaml"),
            mocks: { stackReferences: { "organization/paved/staging": env } },
        });
        assert.strictEqual(result.project, "team-app");
        const byType = (t: string) => result.resources.filter((r) => r.type === t);

        const route = byType("aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey");
        assert.deepStrictEqual(
            route.map((r) => [r.inputs.keyValueStoreArn, r.inputs.key, r.inputs.value]),
            [[env.site.keyValueStoreArn, "route:/insights", "insights"]],
        );
        // Named by its path at the stack's root, so renaming the app or moving the path keeps it in place.
        assert.strictEqual(route[0].urn, "urn:pulumi:staging::team-app::aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey::site-route/insights");
        assert.deepStrictEqual(route[0].aliases, ["urn:pulumi:staging::team-app::paved:frontend:FrontendApp$aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey::insights-route"], "moved from the app, not re-created");
        assert.strictEqual(byType("aws:lambda/function:Function")[0].inputs.name, "team-app-staging-release-insights");
        const project = byType("aws:codebuild/project:Project")[0];
        assert.strictEqual(project.inputs.name, "team-app-staging-app-insights");
        assert.strictEqual(project.inputs.environment.image, `${env.buildImage.repositoryUrl}:latest`);
        const policy = JSON.stringify(byType("aws:iam/rolePolicy:RolePolicy").map((r) => JSON.parse(r.inputs.policy)));
        assert.ok(policy.includes(`arn:aws:s3:::${env.site.bucket}/insights/*`), "writes its own prefix of the shared bucket");

        const taskDef = byType("aws:ecs/taskDefinition:TaskDefinition")[0];
        assert.strictEqual(taskDef.inputs.family, "team-app-staging-job-insights-rollup");
        const machine = JSON.parse(byType("aws:sfn/stateMachine:StateMachine")[0].inputs.definition);
        assert.ok(JSON.stringify(machine).includes(env.clusterArn), "runs on the environment's cluster");
        assert.match(String(result.outputs.appUrl), /\/insights\/$/);
        assert.strictEqual(byType("aws:cloudfront/distribution:Distribution").length, 0, "no second distribution");
    });
});
