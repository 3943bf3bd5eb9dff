import { RecordedResource, runProgram } from "../../components/testing";
import { BatchCluster, BatchClusterArgs } from "../../components/batch/batch-cluster";
import { BatchJob, BatchJobArgs } from "../../components/batch/batch-job";

export const REGION = "eu-west-1";
export const ACCOUNT = "123456789012";
export const SUBNETS = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"];
export const VPC = "vpc-0abc12345def67890";

export const clusterArgs = (over: Partial<BatchClusterArgs> = {}): BatchClusterArgs => ({ vpcId: VPC, privateSubnetIds: SUBNETS, ...over });

/** Runs a program with one cluster (logical name "batch") and the given jobs. Stack "test", project "paved": prefix "paved-test". */
export async function runJobs(jobs: Record<string, Omit<BatchJobArgs, "cluster">>, cluster: Partial<BatchClusterArgs> = {}) {
    return runProgram({
        stack: "test",
        config: { "aws:region": REGION },
        program: () => {
            const c = new BatchCluster("batch", clusterArgs(cluster));
            const out: Record<string, BatchJob> = {};
            for (const [name, args] of Object.entries(jobs)) out[name] = new BatchJob(name, { cluster: c, ...args });
            return { cluster: c.clusterName, ...Object.fromEntries(Object.entries(out).map(([n, j]) => [n, { runTask: j.runTask, queueUrl: j.queueUrl, stateMachineArn: j.stateMachineArn, topicArn: j.topicArn }])) };
        },
    });
}

export function byType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

export function one(resources: RecordedResource[], type: string, name: string): RecordedResource {
    const found = resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}: ${resources.filter((r) => r.type === type).map((r) => r.name).join(", ")}`);
    return found[0];
}

export const ECR_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/reports:1.4.2`;
