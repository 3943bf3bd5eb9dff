/** Policy rules for SQS (see `./index.ts` for the pack). */
import { Rule, T } from "./types";
import { str, truthy } from "./helpers";

export const sqsEncryption: Rule = {
    name: "sqs-encryption",
    control: "SQS.1",
    description: "SQS queues are encrypted at rest (SSE-SQS or SSE-KMS), declared explicitly.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.queue],
    scope: "resource",
    validate(q) {
        return truthy(q.props.sqsManagedSseEnabled) || str(q.props.kmsMasterKeyId) ? [] : [`queue ${q.name} does not declare encryption; set sqsManagedSseEnabled: true or kmsMasterKeyId`];
    },
};

