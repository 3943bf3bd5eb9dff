/** Policy rules for Step Functions (see `./index.ts` for the pack). */
import { Rule, T } from "./types";
import { str } from "./helpers";
import { isRecord } from "../documents";

export const sfnLogging: Rule = {
    name: "sfn-logging",
    control: "StepFunctions.1",
    description: "Step Functions state machines log executions to CloudWatch Logs.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.stateMachine],
    scope: "resource",
    validate(m) {
        const lc = m.props.loggingConfiguration;
        const on = isRecord(lc) && ["ALL", "ERROR", "FATAL"].includes(lc.level) && str(lc.logDestination);
        return on ? [] : [`state machine ${m.name} does not log; set loggingConfiguration { level: "ERROR" or "ALL", logDestination: "<log group arn>:*" }`];
    },
};

