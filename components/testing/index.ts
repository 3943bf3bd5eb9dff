/** Test Paved stacks (and your own) without a Pulumi engine or an AWS account. */
export * from "./aws-mocks";
export * from "./name-checks";
export * from "./plain-assets";
export * from "./run-program";
export * from "./taggable";
