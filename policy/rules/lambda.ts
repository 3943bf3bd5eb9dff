/** Policy rules for Lambda (see `./index.ts` for the pack). */
import { Rule, T } from "./types";
import { str } from "./helpers";

/**
 * Lambda runtimes in standard support as of December 2026 (AWS Lambda's runtimes page: each is
 * past no deprecation date). Add a runtime when AWS adds one; remove it when AWS deprecates it.
 */
export const SUPPORTED_LAMBDA_RUNTIMES: readonly string[] = ["nodejs22.x", "nodejs24.x", "python3.12", "python3.13", "python3.14", "java21", "java25", "dotnet10", "ruby3.4", "provided.al2023"];

export const lambdaSupportedRuntime: Rule = {
    name: "lambda-supported-runtime",
    control: "Lambda.2",
    description: "Lambda functions deployed as .zip archives use a runtime in standard support.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.lambdaFunction],
    scope: "resource",
    validate(f) {
        if (f.props.packageType === "Image") return [];
        const runtime = f.props.runtime;
        return SUPPORTED_LAMBDA_RUNTIMES.includes(runtime)
            ? []
            : [`function ${f.name} uses runtime ${JSON.stringify(runtime)}, which is not in standard support; use one of ${SUPPORTED_LAMBDA_RUNTIMES.join(", ")}`];
    },
};

export const lambdaNotPublic: Rule = {
    name: "lambda-not-public",
    control: "Lambda.1",
    description: "No Lambda permission lets anyone invoke a function: a principal of \"*\" (or a service) needs a source account or ARN.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.lambdaPermission],
    scope: "resource",
    validate(p) {
        const principal = String(p.props.principal ?? "");
        const everyone = principal === "*";
        const service = principal.endsWith(".amazonaws.com");
        if (!everyone && !service) return [];
        if (str(p.props.sourceAccount) || str(p.props.sourceArn) || str(p.props.principalOrgId)) return [];
        return [`permission ${p.name} lets ${everyone ? "anyone" : `any ${principal} resource, in any account,`} invoke ${String(p.props.function ?? "the function")}; set sourceArn or sourceAccount`];
    },
};
