// Through the package name, as a platform team's own environment repository imports it.
import { Environment, loadConfig } from "paved";

/**
 * One stack, one environment: reads the stack's `paved:` config (validated before anything is
 * registered) and builds the environment from it. The stack outputs are `EnvironmentOutputs`.
 */
export = async () => {
    const config = loadConfig(__dirname);
    const env = new Environment(config.name, config);
    const o = env.outputs;
    return {
        environment: o.environment,
        kind: o.kind,
        region: o.region,
        namePrefix: o.namePrefix,
        site: o.site,
        apps: o.apps,
        clusterName: o.clusterName,
        clusterArn: o.clusterArn,
        ec2CapacityProviderName: o.ec2CapacityProviderName,
        taskSecurityGroupId: o.taskSecurityGroupId,
        buildImage: o.buildImage,
        jobs: o.jobs,
        services: o.services,
        operations: o.operations,
        vpcId: o.vpcId,
        privateSubnetIds: o.privateSubnetIds,
        publicSubnetIds: o.publicSubnetIds,
        // Ephemeral copies: what `paved staging gc` reads.
        ...(config.ephemeral ? { expiresAt: o.expiresAt, release: o.release, baseStack: o.baseStack } : {}),
    };
};
