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
    writer: { arn: string; roleArn: string; policy: any; logGroupArn: string };
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
            writer: {
                arn: one(resources, "aws:lambda/function:Function", `app${i}-release-writer`).outputs.arn,
                roleArn: one(resources, "aws:iam/role:Role", `app${i}-release-writer`).outputs.arn,
                policy: JSON.parse(one(resources, "aws:iam/rolePolicy:RolePolicy", `app${i}-release-writer`).inputs.policy),
                logGroupArn: one(resources, "aws:cloudwatch/logGroup:LogGroup", `app${i}-release-writer`).outputs.arn,
            },
        }));
    });

    it("lets every app write its own prefix, push its own repository, log, invoke its own release writer and pull the build image", async () => {
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
            assert.strictEqual(await decide(a, "lambda:InvokeFunction", a.writer.arn), "Allowed", `app${i} release through its writer`);
        }
    });

    it("lets no build write, delete or even read any KeyValueStore key (route or release pointer)", async () => {
        for (let i = 0; i < APPS; i++) {
            for (const action of ["PutKey", "DeleteKey", "UpdateKeys", "GetKey", "DescribeKeyValueStore", "ListKeys"]) {
                assert.strictEqual(await decide(apps[i], `cloudfront-keyvaluestore:${action}`, kvsArn), "ImplicitlyDenied", `app${i} ${action}`);
            }
            assert.strictEqual(await decide(apps[i], "cloudfront:UpdateKeyValueStore", kvsArn), "ImplicitlyDenied");
        }
    });

    it("lets each release writer write only the one store, read only its own app's index.html objects and log to its own group", async () => {
        const otherStore = kvsArn.replace(/key-value-store\/.*/, "key-value-store/00000000-0000-4000-8000-000000000000");
        for (let i = 0; i < APPS; i++) {
            const w = { ...apps[i], policy: apps[i].writer.policy, roleArn: apps[i].writer.roleArn };
            const j = (i + 1) % APPS;
            assert.strictEqual(await decide(w, "cloudfront-keyvaluestore:PutKey", kvsArn), "Allowed", `writer ${i} put`);
            assert.strictEqual(await decide(w, "cloudfront-keyvaluestore:DescribeKeyValueStore", kvsArn), "Allowed");
            assert.strictEqual(await decide(w, "cloudfront-keyvaluestore:GetKey", kvsArn), "Allowed");
            assert.strictEqual(await decide(w, "cloudfront-keyvaluestore:PutKey", otherStore), "ImplicitlyDenied", `writer ${i} another store`);
            for (const action of ["DeleteKey", "UpdateKeys"]) assert.strictEqual(await decide(w, `cloudfront-keyvaluestore:${action}`, kvsArn), "ImplicitlyDenied", `writer ${i} ${action}`);
            assert.strictEqual(await decide(w, "s3:GetObject", `${bucketArn}/app${i}/20260101000000-abcdef1/index.html`), "Allowed", `writer ${i} reads its index.html`);
            assert.strictEqual(await decide(w, "s3:GetObject", `${bucketArn}/app${j}/20260101000000-abcdef1/index.html`), "ImplicitlyDenied", `writer ${i} reads app${j}`);
            assert.strictEqual(await decide(w, "s3:GetObject", `${bucketArn}/app${i}/20260101000000-abcdef1/assets/app.js`), "ImplicitlyDenied");
            assert.strictEqual(await decide(w, "s3:PutObject", `${bucketArn}/app${i}/20260101000000-abcdef1/index.html`), "ImplicitlyDenied");
            assert.strictEqual(await decide(w, "s3:ListBucket", bucketArn, { "s3:prefix": `app${i}/` }), "ImplicitlyDenied");
            assert.strictEqual(await decide(w, "logs:PutLogEvents", `${apps[i].writer.logGroupArn}:log-stream:x`), "Allowed");
            assert.strictEqual(await decide(w, "logs:PutLogEvents", `${apps[j].writer.logGroupArn}:log-stream:x`), "ImplicitlyDenied");
            assert.strictEqual(await decide(w, "lambda:InvokeFunction", apps[j].writer.arn), "ImplicitlyDenied");
        }
        // IAM cannot scope the store by key: which key the writer writes is its code's rule, tested by
        // running the handler with adversarial events (test/frontend/release-writer.test.ts).
        const trust = JSON.parse(one(resources, "aws:iam/role:Role", "app3-release-writer").inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement, [
            // Lambda sets no source keys when it assumes an execution role (SERVICES_WITHOUT_SOURCE_KEYS).
            { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
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
                assert.strictEqual(await decide(a, "lambda:InvokeFunction", b.writer.arn), "ImplicitlyDenied", `app${i} invokes app${j}'s writer`);
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
