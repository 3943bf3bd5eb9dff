/**
 * The stack outputs an environment exports: what a user needs (URLs, names) and what the `paved`
 * CLI reads (through the Automation API) to act on a deployed environment.
 */
export interface AppOutputs {
    /** The app's public URL. */
    url: string;
    /** Its CodeBuild project. */
    buildProject: string;
    /** Its ECR repository URL. */
    repositoryUrl: string;
    /** Its build log group. */
    logGroup: string;
    /** Its release writer function: the only way to move its release pointer (`paved release`). */
    releaseWriter: string;
}

export interface RunTaskOutputs {
    cluster: string;
    /** Task definition family: RunTask uses the latest ACTIVE revision. */
    taskDefinitionFamily: string;
    /** Container whose exit code is the job's result. */
    containerName: string;
    subnets: string[];
    securityGroups: string[];
    /** Capacity provider strategy the job runs with. */
    capacityProviderStrategy: { capacityProvider: string; weight: number; base?: number }[];
}

export interface JobOutputs {
    trigger: "schedule" | "onDemand" | "queue";
    /** How to run it now, e.g. `paved job run dev nightly-report`. */
    run: string;
    runTask: RunTaskOutputs;
    logGroup: string;
    /** Longest a run may take; `paved job run` stops the task after it. */
    timeoutMinutes: number;
    /** Scheduled jobs: the state machine. */
    stateMachineArn?: string;
    /** Scheduled jobs: the EventBridge Scheduler schedule (default group). */
    scheduleName?: string;
    /** Queue jobs: the ECS service of the workers. */
    workerService?: string;
    /** Queue jobs: the queue. */
    queueUrl?: string;
}

export interface ServiceOutputs {
    cluster: string;
    service: string;
    taskDefinitionFamily: string;
    /**
     * The task definition Pulumi registered (today's config with the deployed image):
     * `paved deploy-service` registers its revisions from it, never from what runs.
     */
    taskDefinitionArn: string;
    containerName: string;
    /** The SSM parameter holding the deployed image, which `paved deploy-service` writes. */
    imageParameter: string;
    /** The app's ECR repository: deployed tags are images of it. */
    repositoryUrl: string;
    logGroup: string;
    /** The site path routed to the service, e.g. "/checkout/api". */
    path: string;
    /** The service's public URL through the site. */
    url: string;
}

/** What on-call reads: where notifications go and the dashboard. */
export interface OperationsOutputs {
    /** The notifications topic every alert is published to. */
    alertsTopicArn: string;
    dashboardName: string;
    /** Console link to the dashboard. */
    dashboardUrl: string;
}

export interface SiteOutputs {
    url: string;
    distributionId: string;
    bucket: string;
    keyValueStoreArn: string;
}

export interface EnvironmentOutputs {
    environment: string;
    kind: "dev" | "staging" | "prod" | "ephemeral";
    region: string;
    /** `<project>-<stack>`: the prefix of every explicit physical name. */
    namePrefix: string;
    site: SiteOutputs;
    apps: Record<string, AppOutputs>;
    clusterName: string;
    clusterArn: string;
    ec2CapacityProviderName: string;
    taskSecurityGroupId: string;
    /** The build image an ephemeral copy reuses. */
    buildImage: { repositoryUrl: string; repositoryArn: string };
    jobs: Record<string, JobOutputs>;
    services: Record<string, ServiceOutputs>;
    operations: OperationsOutputs;
    /** Network ids, for ephemeral environments' StackReference. */
    vpcId: string;
    privateSubnetIds: string[];
    publicSubnetIds: string[];
    /** Ephemeral environments: when gc may destroy them, the release and the base stack. */
    expiresAt?: string;
    release?: string;
    baseStack?: string;
}
