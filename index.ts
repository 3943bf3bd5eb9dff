import * as pulumi from "@pulumi/pulumi";
import { Network, loadConfig } from "./components";

/**
 * One stack, one environment: reads the stack's `paved:` config (validated before anything is
 * registered) and builds the environment from it.
 */
export = async () => {
    const config = loadConfig(__dirname);
    const network = new Network("network", config.network.existing ? { existing: config.network.existing } : { ...config.network.create });
    return {
        environment: config.name,
        kind: config.kind,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
    } satisfies Record<string, pulumi.Input<unknown>>;
};
