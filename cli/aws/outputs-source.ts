import { EnvironmentOutputs } from "../../components/environment/outputs";

/**
 * Where the CLI reads what only a deployed environment knows (subnets, security groups, the
 * capacity provider strategy, the asset bucket, the KeyValueStore ARN). The CLI backs it with
 * the Automation API's stack outputs; tests pass literal objects.
 */
export interface OutputsSource {
    outputs(env: string): Promise<EnvironmentOutputs>;
}

/** An `OutputsSource` over fixed outputs per environment. */
export function staticOutputs(byEnv: Record<string, EnvironmentOutputs>): OutputsSource {
    return {
        async outputs(env: string) {
            const o = byEnv[env];
            if (!o) throw new Error(`no outputs for environment "${env}"`);
            return o;
        },
    };
}
