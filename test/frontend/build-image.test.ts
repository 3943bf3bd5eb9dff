import * as assert from "assert";
import { spawnSync } from "child_process";
import * as YAML from "yaml";
import { isConfigError } from "../support/args";
import { BuildImage, BuildImageArgs } from "../../components/frontend/build-image";
import { buildImageBuildspec, NODE_ROOT_DIR, NPM_CACHE_DIR } from "../../components/frontend/buildspec";
import { runProgram } from "../../components/testing";
import { one, REGION } from "./fixtures";

const SOURCE = { repository: "https://github.com/acme/build-deps.git" };

async function image(args: Partial<BuildImageArgs> = {}) {
    const result = await runProgram({
        stack: "dev",
        project: "paved",
        config: { "aws:region": REGION },
        program: () => {
            const b = new BuildImage("build-image", { source: SOURCE, ...args });
            return { repositoryUrl: b.repositoryUrl, imageUri: b.imageUri, projectName: b.projectName };
        },
    });
    return { resources: result.resources, outputs: result.outputs as Record<string, string> };
}

describe("BuildImage", () => {
    it("pins its children's URNs", async () => {
        const { resources } = await image();
        const p = "urn:pulumi:dev::paved::paved:frontend:BuildImage";
        assert.deepStrictEqual(
            resources.filter((r) => r.parent === `${p}::build-image`).map((r) => r.urn).sort(),
            [
                `${p}$aws:codebuild/project:Project::build-image-build`,
                `${p}$aws:ecr/repository:Repository::build-image-repository`,
                `${p}$aws:ecr/lifecyclePolicy:LifecyclePolicy::build-image-repository`,
                `${p}$aws:cloudwatch/logGroup:LogGroup::build-image-build-logs`,
                `${p}$aws:iam/role:Role::build-image-build`,
                `${p}$aws:iam/rolePolicy:RolePolicy::build-image-build`,
                `${p}$aws:iam/role:Role::build-image-schedule`,
                `${p}$aws:iam/rolePolicy:RolePolicy::build-image-schedule`,
                `${p}$aws:scheduler/schedule:Schedule::build-image-schedule`,
            ].sort(),
        );
    });

    it("keeps dated tags immutable and only `latest` movable", async () => {
        const { resources, outputs } = await image();
        const repo = one(resources, "aws:ecr/repository:Repository", "build-image-repository").inputs;
        assert.strictEqual(repo.name, "paved-dev/build-image");
        assert.strictEqual(repo.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
        assert.deepStrictEqual(repo.imageTagMutabilityExclusionFilters, [{ filter: "latest", filterType: "WILDCARD" }]);
        assert.deepStrictEqual(repo.imageScanningConfiguration, { scanOnPush: true });
        assert.deepStrictEqual(repo.encryptionConfigurations, [{ encryptionType: "AES256" }]);
        assert.strictEqual(outputs.imageUri, `${outputs.repositoryUrl}:latest`);
        assert.strictEqual(outputs.repositoryUrl, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/paved-dev/build-image");
    });

    it("builds privileged on the curated image and pushes to its repository", async () => {
        const { resources, outputs } = await image();
        const i = one(resources, "aws:codebuild/project:Project", "build-image-build").inputs;
        assert.strictEqual(i.name, "paved-dev-build-image");
        assert.strictEqual(outputs.projectName, "paved-dev-build-image");
        assert.strictEqual(i.environment.image, "aws/codebuild/standard:7.0");
        assert.strictEqual(i.environment.privilegedMode, true);
        assert.deepStrictEqual(i.environment.environmentVariables, [{ name: "REPOSITORY_URI", value: outputs.repositoryUrl, type: "PLAINTEXT" }]);
        const policy = JSON.parse(one(resources, "aws:iam/rolePolicy:RolePolicy", "build-image-build").inputs.policy);
        assert.strictEqual(policy.Statement[0].Resource, "arn:aws:ecr:eu-west-1:123456789012:repository/paved-dev/build-image");
    });

    it("rebuilds weekly through EventBridge Scheduler with a role that can only start this project", async () => {
        const { resources } = await image();
        const s = one(resources, "aws:scheduler/schedule:Schedule", "build-image-schedule").inputs;
        assert.strictEqual(s.scheduleExpression, "cron(0 3 ? * MON *)");
        assert.strictEqual(s.scheduleExpressionTimezone, "UTC");
        assert.strictEqual(s.target.arn, "arn:aws:scheduler:::aws-sdk:codebuild:startBuild");
        assert.deepStrictEqual(JSON.parse(s.target.input), { ProjectName: "paved-dev-build-image" });
        assert.strictEqual(s.target.roleArn, "arn:aws:iam::123456789012:role/paved-dev-build-image-schedule");
        const policy = JSON.parse(one(resources, "aws:iam/rolePolicy:RolePolicy", "build-image-schedule").inputs.policy);
        assert.deepStrictEqual(policy.Statement, [{ Effect: "Allow", Action: "codebuild:StartBuild", Resource: "arn:aws:codebuild:eu-west-1:123456789012:project/paved-dev-build-image" }]);
        const trust = JSON.parse(one(resources, "aws:iam/role:Role", "build-image-schedule").inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement[0].Principal, { Service: "scheduler.amazonaws.com" });
    });

    it("takes another schedule", async () => {
        const { resources } = await image({ schedule: "rate(1 day)", scheduleTimezone: "Europe/Berlin" });
        const s = one(resources, "aws:scheduler/schedule:Schedule", "build-image-schedule").inputs;
        assert.deepStrictEqual([s.scheduleExpression, s.scheduleExpressionTimezone], ["rate(1 day)", "Europe/Berlin"]);
    });

    it("rejects bad args naming the field", async () => {
        await assert.rejects(image({ schedule: "weekly" }), (e: Error) => isConfigError(e, "args.schedule", /^must be "cron/) && e.message.includes('args.schedule "weekly"'));
        await assert.rejects(image({ scheduleTimezone: "Mars/Base" }), (e: Error) => isConfigError(e, "args.scheduleTimezone", /IANA time zone/));
        await assert.rejects(image({ source: { repository: "https://example.com/x.git" } }), (e: Error) => isConfigError(e, "args.source.repository", /not one CodeBuild clones from/));
        await assert.rejects(image({ nodeVersions: [] }), (e: Error) => isConfigError(e, "args.nodeVersions", /Node\.js major versions/));
        await assert.rejects(image({ protect: true, forceDelete: true }), (e: Error) => isConfigError(e, "args.forceDelete", /exclude each other/));
    });
});

describe("build image buildspec", () => {
    const text = buildImageBuildspec({ lockfileDirectory: "tools/deps", nodeVersions: ["18", "20", "22"], defaultNodeVersion: "20" });
    const spec = YAML.parse(text);
    const all = Object.values<any>(spec.phases).flatMap((p) => p.commands as string[]);

    it("writes a Dockerfile with each Node.js major and a cache warmed from the lockfile", () => {
        const embedded = all.find((c) => c.endsWith("| base64 -d > Dockerfile.paved"))!;
        const dockerfile = Buffer.from(embedded.split(" ")[1], "base64").toString("utf8");
        for (const v of ["18", "20", "22"]) {
            assert.ok(dockerfile.includes(`https://nodejs.org/dist/latest-v${v}.x`), v);
            assert.ok(dockerfile.includes(`${NODE_ROOT_DIR}/${v}`), v);
        }
        assert.match(dockerfile, /sha256sum -c -/);
        assert.match(dockerfile, /COPY package\.json package-lock\.json/);
        assert.ok(dockerfile.includes(`npm ci --ignore-scripts --no-audit --no-fund --cache ${NPM_CACHE_DIR}`));
    });

    it("builds, then pushes the dated tag and latest", () => {
        assert.ok(spec.phases.build.commands.some((c: string) => c.startsWith("docker build") && c.includes(`"$REPOSITORY_URI:$IMAGE_DATE"`)));
        assert.deepStrictEqual(spec.phases.post_build.commands.slice(1), [
            `docker push "$REPOSITORY_URI:$IMAGE_DATE"`,
            `docker tag "$REPOSITORY_URI:$IMAGE_DATE" "$REPOSITORY_URI:latest"`,
            `docker push "$REPOSITORY_URI:latest"`,
        ]);
        assert.ok(spec.phases.pre_build.commands.includes(`cd "$CODEBUILD_SRC_DIR"/'tools/deps'`));
    });

    it("has commands bash can parse", () => {
        for (const c of all) assert.strictEqual(spawnSync("bash", ["-n", "-c", c]).status, 0, c);
    });
});
