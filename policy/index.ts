import { PolicyPack } from "@pulumi/policy";
import { toPolicies } from "./pack";
import { rules } from "./rules";

/**
 * Paved's policy pack: `pulumi preview --policy-pack policy` (or `up`) from the project root.
 * Constructing the pack starts the analyzer server the Pulumi CLI talks to, so nothing else
 * imports this file; tests exercise `rules/` and `pack.ts` directly.
 */
new PolicyPack("paved", { policies: toPolicies(rules) });
