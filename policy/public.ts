/**
 * `paved/policy`: Paved's guardrails as data and functions, for a team's own policy pack or tests.
 * A pack is `new PolicyPack("paved", { policies: toPolicies(rules) })` in the pack's index.ts
 * (this module does not construct one: constructing a pack starts the analyzer server).
 */
export * from "./rules";
export * from "./pack";
export * from "./run";
