import * as pulumi from "@pulumi/pulumi";
import { BatchJob, EnvironmentOutputs, FrontendApp, defaultNamePrefix } from "paved";

/**
 * A team adds its own app and job to an existing Paved environment, in its own stack: the app is
 * served by the environment's site under its own path, the job runs on the environment's cluster.
 * Everything it needs comes from the environment stack's outputs.
 */
export = async () => {
    const config = new pulumi.Config();
    const env = new pulumi.StackReference("environment", { name: config.require("environmentStack") });
    const out = <K extends keyof EnvironmentOutputs>(key: K) => env.requireOutput(key) as pulumi.Output<EnvironmentOutputs[K]>;
    const site = out("site");
    const buildImage = out("buildImage");
    const namePrefix = defaultNamePrefix();
    const tags = { "paved:team": "insights", "paved:cost-center": "cc-4242" };

    const app = new FrontendApp("insights", {
        name: "insights",
        path: "/insights",
        site: {
            bucketName: site.bucket,
            bucketArn: pulumi.interpolate`arn:aws:s3:::${site.bucket}`,
            keyValueStoreArn: site.keyValueStoreArn,
            url: site.url,
        },
        source: { repository: "https://github.com/acme/insights.git", branch: "main", directory: "web" },
        build: { command: "npm run build", outputDirectory: "dist", nodeVersion: "20" },
        buildImage: { repositoryUrl: buildImage.repositoryUrl, repositoryArn: buildImage.repositoryArn },
        namePrefix,
        tags: { ...tags, "paved:app": "insights" },
    });

    const job = new BatchJob("insights-rollup", {
        name: "insights-rollup",
        cluster: {
            clusterName: out("clusterName"),
            clusterArn: out("clusterArn"),
            ec2CapacityProviderName: out("ec2CapacityProviderName"),
            taskSecurityGroupId: out("taskSecurityGroupId"),
            privateSubnetIds: out("privateSubnetIds"),
        },
        image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/insights-rollup:2.1.0",
        command: ["rollup", "--since", "24h"],
        cpu: 512,
        memory: 1024,
        capacity: "fargate",
        schedule: { expression: "cron(0 2 * * ? *)", timezone: "Europe/Berlin" },
        namePrefix,
        tags: { ...tags, "paved:job": "insights-rollup" },
    });

    return { appUrl: app.url, buildProject: app.projectName, jobStateMachine: job.stateMachineArn };
};
