/**
 * The rules of Paved's policy pack, as plain objects testable without the Pulumi engine.
 * `policy/index.ts` turns them into a `@pulumi/policy` PolicyPack; `policy/run.ts` evaluates
 * them over the resources the mock harness recorded.
 *
 * Each rule names the AWS Security Hub control it implements (`control`). Ids are the
 * consolidated Security Hub control ids; most belong to the AWS Foundational Security Best
 * Practices (FSBP) standard, and the README says which do not (retired, or only in the NIST
 * standard). "Paved rule" means no Security Hub control checks it.
 */

import { Rule } from "./types";
import { s3BlockPublicAccess, s3TlsOnly, s3EncryptionAtRest, s3PolicyNotPublic } from "./s3";
import { cloudfrontOriginAccessControl, cloudfrontViewerHttps, cloudfrontOriginTls, cloudfrontLogging, cloudfrontDefaultRootObject } from "./cloudfront";
import { ecrScanOnPush, ecrImmutableTags, ecrLifecycle } from "./ecr";
import { logRetention } from "./logs";
import { imdsv2, instancesNoPublicIp } from "./ec2";
import { ecsNoPublicIp, ecsCircuitBreaker, ecsNotPrivileged, ecsReadOnlyRoot, ecsNoSecretsInEnvironment, ecsLogging, ecsContainerInsights } from "./ecs";
import { sfnLogging } from "./sfn";
import { sqsEncryption } from "./sqs";
import { snsEncryption, notificationsTopic } from "./sns";
import { lambdaSupportedRuntime, lambdaNotPublic } from "./lambda";
import { codebuildSourceNoCredentials, codebuildNoPlaintextCredentials, codebuildS3LogsEncrypted, codebuildLogging, codebuildPrivileged } from "./codebuild";
import { albDropInvalidHeaders, albHttpRedirectsToHttps } from "./elb";
import { iamNoAdmin, iamNoServiceWildcard, iamTrustSourceAccount, iamExactSecrets } from "./iam";
import { requiredTagsRule } from "./tags";

export * from "./types";
export { SUPPORTED_LAMBDA_RUNTIMES } from "./lambda";
export { DOCKER_BUILD_MARKER } from "./codebuild";
export { REQUIRED_TAG_KEYS, requiredTags, TAGGABLE_TYPES } from "./tags";

/** Every rule of the pack. */
export const rules: readonly Rule[] = [
    s3BlockPublicAccess,
    s3TlsOnly,
    s3EncryptionAtRest,
    s3PolicyNotPublic,
    cloudfrontOriginAccessControl,
    cloudfrontViewerHttps,
    cloudfrontOriginTls,
    cloudfrontLogging,
    cloudfrontDefaultRootObject,
    ecrScanOnPush,
    ecrImmutableTags,
    ecrLifecycle,
    logRetention,
    imdsv2,
    instancesNoPublicIp,
    ecsNoPublicIp,
    ecsCircuitBreaker,
    ecsNotPrivileged,
    ecsReadOnlyRoot,
    ecsNoSecretsInEnvironment,
    ecsLogging,
    ecsContainerInsights,
    sfnLogging,
    sqsEncryption,
    snsEncryption,
    lambdaSupportedRuntime,
    lambdaNotPublic,
    notificationsTopic,
    codebuildSourceNoCredentials,
    codebuildNoPlaintextCredentials,
    codebuildS3LogsEncrypted,
    codebuildLogging,
    codebuildPrivileged,
    albDropInvalidHeaders,
    albHttpRedirectsToHttps,
    iamNoAdmin,
    iamNoServiceWildcard,
    iamTrustSourceAccount,
    iamExactSecrets,
    requiredTagsRule,
];

/** Whether `rule` applies to resources of `type`. An empty `resourceTypes` means every type. */
export function appliesTo(rule: Rule, type: string): boolean {
    return rule.resourceTypes.length === 0 || rule.resourceTypes.includes(type);
}
