/** What a rule is and what it sees; the AWS type tokens the rules match. */

export type EnforcementLevel = "advisory" | "mandatory" | "disabled";

/** A resource as a rule sees it: its type token, URN, logical name and properties. */
export interface ResourceView {
    type: string;
    urn: string;
    name: string;
    /** Inputs (resource validation) or outputs (stack validation), fully resolved where known. */
    props: Record<string, any>;
    /** URNs of the resources this one depends on; used to match references whose value is unknown. */
    dependencies?: string[];
}

/** The stack a rule runs against. */
export interface StackView {
    resources: ResourceView[];
    /** Tags the AWS provider adds to every taggable resource (`aws:defaultTags`), which inputs do not show. */
    defaultTags: Record<string, string>;
}

export interface Rule {
    /** Unique, kebab-case: the policy's name in the pack. */
    name: string;
    /** Security Hub control id(s), e.g. "S3.5" or "EC2.170, AutoScaling.3", or "Paved rule". */
    control: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    /** Resource types the rule validates. */
    resourceTypes: string[];
    /** "resource": reads only the resource's own props; "stack": also looks at other resources. */
    scope: "resource" | "stack";
    /** Violations of this resource, each a sentence saying what to change. Empty when it complies. */
    validate(resource: ResourceView, stack: StackView): string[];
}

// Type tokens. @pulumi/aws 7 renamed BucketV2 to Bucket; both are checked.
export const T = {
    bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    bucketEncryption: [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ],
    distribution: "aws:cloudfront/distribution:Distribution",
    vpcOrigin: "aws:cloudfront/vpcOrigin:VpcOrigin",
    originAccessControl: "aws:cloudfront/originAccessControl:OriginAccessControl",
    repository: "aws:ecr/repository:Repository",
    lifecyclePolicy: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    launchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
    autoscalingGroup: "aws:autoscaling/group:Group",
    service: "aws:ecs/service:Service",
    taskSet: "aws:ecs/taskSet:TaskSet",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    cluster: "aws:ecs/cluster:Cluster",
    schedule: "aws:scheduler/schedule:Schedule",
    eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    stateMachine: "aws:sfn/stateMachine:StateMachine",
    queue: "aws:sqs/queue:Queue",
    topic: "aws:sns/topic:Topic",
    topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
    slackChannel: "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
    project: "aws:codebuild/project:Project",
    loadBalancer: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
    listener: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    listenerRule: ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"],
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policy: "aws:iam/policy:Policy",
    userPolicy: "aws:iam/userPolicy:UserPolicy",
    groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    lambdaFunction: "aws:lambda/function:Function",
    lambdaPermission: "aws:lambda/permission:Permission",
} as const;
