/** Policy rules for CloudWatch Logs (see `./index.ts` for the pack). */
import { Rule, T } from "./types";

export const logRetention: Rule = {
    name: "log-group-retention",
    control: "CloudWatch.16",
    description: "Every CloudWatch log group has a retention period (logs are never kept forever by accident).",
    enforcementLevel: "mandatory",
    resourceTypes: [T.logGroup],
    scope: "resource",
    validate(g) {
        const days = g.props.retentionInDays;
        return typeof days === "number" && days > 0 ? [] : [`log group ${g.name} keeps logs forever; set retentionInDays (e.g. 30)`];
    },
};
