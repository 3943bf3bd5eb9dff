import * as path from "path";
import { AwsMocksOptions, ProgramResult, runProgram } from "../testing";
import { loadProgram } from "./program";
import { PROJECT_DIR, projectNameOr, readStackConfigFile, requireStackConfigFile } from "./stack-config";

export interface PlanOptions {
    /** @default PROJECT_DIR */
    projectDir?: string;
    /** Config file to plan instead of `Pulumi.<env>.yaml` (for diffs). */
    configFile?: string;
    /** Config values that win over the file's. */
    config?: Record<string, unknown>;
    mocks?: Partial<AwsMocksOptions>;
}

/** Outputs the staging stack exports, for planning ephemeral environments offline. */
export function baseStackOutputs(region: string): Record<string, unknown> {
    return {
        vpcId: "vpc-0a1b2c3d4e5f60718",
        privateSubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
        publicSubnetIds: ["subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"],
        clusterName: "paved-staging",
        clusterArn: `arn:aws:ecs:${region}:123456789012:cluster/paved-staging`,
        ec2CapacityProviderName: "paved-staging-ec2",
        taskSecurityGroupId: "sg-0a1b2c3d4e5f60719",
        buildImage: {
            repositoryUrl: `123456789012.dkr.ecr.${region}.amazonaws.com/paved-staging/build-image`,
            repositoryArn: `arn:aws:ecr:${region}:123456789012:repository/paved-staging/build-image`,
        },
    };
}

/**
 * Evaluates the project's program (`index.ts`) for environment `env` under the mock runtime: no
 * credentials, no Pulumi CLI. Throws a `PavedError` for a missing config file or bad YAML and the
 * config's `ConfigError` when the config is invalid.
 */
export async function planEnvironment(env: string, options: PlanOptions = {}): Promise<ProgramResult> {
    const projectDir = options.projectDir ?? PROJECT_DIR;
    const configFile = requireStackConfigFile(projectDir, env, options.configFile);
    // Read (and syntax-check) the config once, before loading the program.
    const project = projectNameOr(path.dirname(path.resolve(configFile)));
    const values = readStackConfigFile(configFile, project);
    return runProgram({
        program: loadProgram(projectDir),
        stack: env,
        project,
        config: { ...values, ...options.config },
        // Asset paths are recorded relative to the program's directory, wherever the config file is.
        mocks: { projectDir, stackReferences: stackReferencesFor(values), ...options.mocks },
    });
}

/** Every StackReference an environment may make, answered with plausible base-stack outputs. */
function stackReferencesFor(values: Record<string, unknown>): Record<string, Record<string, unknown>> {
    const base = (values["paved:ephemeral"] as { baseStack?: unknown } | undefined)?.baseStack;
    const region = typeof values["aws:region"] === "string" ? values["aws:region"] : "us-east-1";
    return typeof base === "string" ? { [base]: baseStackOutputs(region) } : {};
}
