/** Policy rules for CodeBuild (see `./index.ts` for the pack). */
import { Rule, T } from "./types";
import { str, truthy } from "./helpers";
import { asArray, isRecord, secretLikeName } from "../documents";

/** Marker that allows a privileged CodeBuild project: its inline buildspec runs `docker build`. */
export const DOCKER_BUILD_MARKER = /\bdocker\s+(buildx\s+)?build\b/;

export const codebuildSourceNoCredentials: Rule = {
    name: "codebuild-source-no-credentials",
    control: "CodeBuild.1",
    description: "CodeBuild source URLs carry no user names, passwords or tokens.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.project],
    scope: "resource",
    validate(p) {
        const sources = [p.props.source, ...asArray(p.props.secondarySources)].filter(isRecord);
        return sources
            .filter((s) => str(s.location) && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+@/i.test(s.location))
            .map((s) => `project ${p.name} source ${String(s.sourceIdentifier ?? "primary")} has credentials in its URL; use a CodeConnections connection or OAuth`);
    },
};

export const codebuildNoPlaintextCredentials: Rule = {
    name: "codebuild-no-plaintext-credentials",
    control: "CodeBuild.2",
    description: "CodeBuild environment variables with secret-like names come from Secrets Manager or Parameter Store, never PLAINTEXT.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.project],
    scope: "resource",
    validate(p) {
        return asArray(p.props.environment?.environmentVariables)
            .filter(isRecord)
            .filter((v) => (v.type ?? "PLAINTEXT") === "PLAINTEXT" && str(v.name) && secretLikeName(v.name))
            .map((v) => `project ${p.name} has ${v.name} as a PLAINTEXT environment variable; use type SECRETS_MANAGER or PARAMETER_STORE`);
    },
};

export const codebuildS3LogsEncrypted: Rule = {
    name: "codebuild-s3-logs-encrypted",
    control: "CodeBuild.3",
    description: "CodeBuild logs written to S3 are encrypted.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.project],
    scope: "resource",
    validate(p) {
        const s3 = p.props.logsConfig?.s3Logs;
        return isRecord(s3) && s3.status === "ENABLED" && truthy(s3.encryptionDisabled) ? [`project ${p.name} writes unencrypted S3 logs; remove encryptionDisabled`] : [];
    },
};

export const codebuildLogging: Rule = {
    name: "codebuild-logging",
    control: "CodeBuild.4",
    description: "CodeBuild projects log to a named CloudWatch log group (one with retention) or to S3.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.project],
    scope: "resource",
    validate(p) {
        const cw = p.props.logsConfig?.cloudwatchLogs;
        const s3 = p.props.logsConfig?.s3Logs;
        const cwOn = isRecord(cw) && cw.status !== "DISABLED" && str(cw.groupName);
        const s3On = isRecord(s3) && s3.status === "ENABLED";
        return cwOn || s3On
            ? []
            : [`project ${p.name} has no logging configuration; set logsConfig.cloudwatchLogs.groupName to a log group with retention (the implicit /aws/codebuild group keeps logs forever)`];
    },
};

export const codebuildPrivileged: Rule = {
    name: "codebuild-privileged-only-for-docker",
    control: "CodeBuild.5 (retired April 2024; kept as a Paved rule)",
    description: "CodeBuild projects run privileged only when their inline buildspec builds a Docker image (`docker build`).",
    enforcementLevel: "mandatory",
    resourceTypes: [T.project],
    scope: "resource",
    validate(p) {
        if (!truthy(p.props.environment?.privilegedMode)) return [];
        const buildspec = p.props.source?.buildspec;
        return str(buildspec) && DOCKER_BUILD_MARKER.test(buildspec)
            ? []
            : [`project ${p.name} runs privileged but its inline buildspec does not run "docker build"; turn privilegedMode off`];
    },
};
