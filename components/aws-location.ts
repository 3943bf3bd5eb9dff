import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Partition, region and account a component's resources go to. */
export interface AwsLocation {
    partition: string;
    region: string;
    accountId: string;
}

const locations = new WeakMap<object, pulumi.Output<AwsLocation>>();

/**
 * The partition, region and account of the AWS provider `parent`'s children use. Looked up once
 * per provider (per stack for the default provider), not once per component: with 50 apps and
 * 15 jobs that is three invokes instead of two hundred.
 */
export function awsLocation(parent: pulumi.Resource): pulumi.Output<AwsLocation> {
    const provider = (parent as unknown as { getProvider(member: string): pulumi.ProviderResource | undefined }).getProvider("aws::getRegion");
    const key: object | undefined = provider ?? pulumi.runtime.getStackResource();
    const known = key && locations.get(key);
    if (known) return known;
    const opts = { parent };
    const location = pulumi
        .all([aws.getPartitionOutput({}, opts), aws.getRegionOutput({}, opts), aws.getCallerIdentityOutput({}, opts)])
        .apply(([p, r, c]) => ({ partition: p.partition, region: r.region, accountId: c.accountId }));
    if (key) locations.set(key, location);
    return location;
}
