import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { RecordedResource } from "../../components/testing";
import { one, runFleet } from "./fixtures";

const ACCOUNT = "123456789012";
const APPS = 50;

interface AppFacts {
    policy: any;
    roleArn: string;
    repositoryArn: string;
    logGroupArn: string;
}

async function decide(app: AppFacts, action: string, resource: string, context: Record<string, string> = {}): Promise<string> {
    const result = await runSimulation(
        {
            identityPolicies: [{ name: "build", policy: app.policy }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            request: { action, principal: app.roleArn, resource: { resource, accountId: ACCOUNT }, contextVariables: context },
        } as any,
        {},
    );
    if (result.resultType === "error") throw new Error(`simulation of ${action} on ${resource} failed: ${JSON.stringify(result.errors)}`);
    return result.overallResult;
}

describe("app build roles, evaluated by an IAM simulator", function () {
    this.timeout(120000);
    let resources: RecordedResource[];
    let apps: AppFacts[];
    let bucketArn: string;
    let kvsArn: string;
    let buildImageRepositoryArn: string;

    before(async () => {
        resources = (await runFleet(APPS)).resources;
        bucketArn = one(resources, "aws:s3/bucket:Bucket", "site-assets").outputs.arn;
        kvsArn = one(resources, "aws:cloudfront/keyValueStore:KeyValueStore", "site-routes").outputs.arn;
        buildImageRepositoryArn = one(resources, "aws:ecr/repository:Repository", "build-image-repository").outputs.arn;
        apps = Array.from({ length: APPS }, (_, i) => ({
            policy: JSON.parse(one(resources, "aws:iam/rolePolicy:RolePolicy", `app${i}-build`).inputs.policy),
            roleArn: one(resources, "aws:iam/role:Role", `app${i}-build`).outputs.arn,
            repositoryArn: one(resources, "aws:ecr/repository:Repository", `app${i}-repository`).outputs.arn,
            logGroupArn: one(resources, "aws:cloudwatch/logGroup:LogGroup", `app${i}-build-logs`).outputs.arn,
        }));
    });

    it("lets every app write its own prefix, push its own repository, log, release and pull the build image", async () => {
        for (let i = 0; i < APPS; i++) {
            const a = apps[i];
            const key = `${bucketArn}/app${i}/20260101000000-abcdef1/assets/app.3f2a.js`;
            assert.strictEqual(await decide(a, "s3:PutObject", key), "Allowed", `app${i} put`);
            assert.strictEqual(await decide(a, "s3:ListBucket", bucketArn, { "s3:prefix": `app${i}/20260101000000-abcdef1/` }), "Allowed", `app${i} list`);
            assert.strictEqual(await decide(a, "ecr:PutImage", a.repositoryArn), "Allowed", `app${i} push`);
            assert.strictEqual(await decide(a, "ecr:CompleteLayerUpload", a.repositoryArn), "Allowed", `app${i} upload`);
            assert.strictEqual(await decide(a, "ecr:GetAuthorizationToken", "*"), "Allowed", `app${i} login`);
            assert.strictEqual(await decide(a, "ecr:BatchGetImage", buildImageRepositoryArn), "Allowed", `app${i} pull build image`);
            assert.strictEqual(await decide(a, "logs:PutLogEvents", `${a.logGroupArn}:log-stream:build-1`), "Allowed", `app${i} logs`);
            assert.strictEqual(await decide(a, "cloudfront-keyvaluestore:PutKey", kvsArn), "Allowed", `app${i} release`);
            assert.strictEqual(await decide(a, "cloudfront-keyvaluestore:DescribeKeyValueStore", kvsArn), "Allowed", `app${i} etag`);
        }
    });

    it("denies every app everything of every other app", async () => {
        for (let i = 0; i < APPS; i++) {
            const a = apps[i];
            // Neighbours, plus the apps whose names start with this one's ("app1" vs "app10").
            const others = new Set([(i + 1) % APPS, (i + APPS - 1) % APPS, ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => i * 10 + d).filter((j) => j < APPS && j !== i)]);
            for (const j of others) {
                const b = apps[j];
                assert.strictEqual(await decide(a, "s3:PutObject", `${bucketArn}/app${j}/20260101000000-abcdef1/index.html`), "ImplicitlyDenied", `app${i} put app${j}`);
                assert.strictEqual(await decide(a, "s3:DeleteObject", `${bucketArn}/app${j}/20260101000000-abcdef1/index.html`), "ImplicitlyDenied", `app${i} delete app${j}`);
                assert.strictEqual(await decide(a, "s3:ListBucket", bucketArn, { "s3:prefix": `app${j}/` }), "ImplicitlyDenied", `app${i} list app${j}`);
                assert.strictEqual(await decide(a, "ecr:PutImage", b.repositoryArn), "ImplicitlyDenied", `app${i} push app${j}`);
                assert.strictEqual(await decide(a, "ecr:BatchGetImage", b.repositoryArn), "ImplicitlyDenied", `app${i} pull app${j}`);
                assert.strictEqual(await decide(a, "logs:PutLogEvents", `${b.logGroupArn}:log-stream:build-1`), "ImplicitlyDenied", `app${i} logs app${j}`);
            }
        }
    });

    it("denies the rest of the bucket, pushing the build image and anything outside the grants", async () => {
        const a = apps[1];
        assert.strictEqual(await decide(a, "s3:PutObject", `${bucketArn}/index.html`), "ImplicitlyDenied");
        assert.strictEqual(await decide(a, "s3:ListBucket", bucketArn, { "s3:prefix": "" }), "ImplicitlyDenied");
        assert.strictEqual(await decide(a, "s3:PutBucketPolicy", bucketArn), "ImplicitlyDenied");
        assert.strictEqual(await decide(a, "ecr:PutImage", buildImageRepositoryArn), "ImplicitlyDenied");
        assert.strictEqual(await decide(a, "ecr:DeleteRepository", a.repositoryArn), "ImplicitlyDenied");
        assert.strictEqual(await decide(a, "logs:DeleteLogGroup", a.logGroupArn), "ImplicitlyDenied");
        assert.strictEqual(await decide(a, "cloudfront-keyvaluestore:DeleteKey", kvsArn), "ImplicitlyDenied");
        assert.strictEqual(await decide(a, "cloudfront:UpdateDistribution", `arn:aws:cloudfront::${ACCOUNT}:distribution/E123`), "ImplicitlyDenied");
    });

    it("lets only CodeBuild in this account, for the app's own project, assume a build role", () => {
        const trust = JSON.parse(one(resources, "aws:iam/role:Role", "app3-build").inputs.assumeRolePolicy);
        const project = one(resources, "aws:codebuild/project:Project", "app3-build").outputs.arn;
        assert.deepStrictEqual(trust.Statement, [
            {
                Effect: "Allow",
                Principal: { Service: "codebuild.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnEquals: { "aws:SourceArn": project } },
            },
        ]);
    });
});
