/**
 * vCPUs and memory of the EC2 instance types a batch cluster may use, so a job whose hard limits
 * fit no instance fails validation instead of sitting in PROVISIONING forever.
 * Covers the current general-purpose (m), compute (c), memory (r) and burstable (t) families.
 */
export interface InstanceSize {
    vcpus: number;
    memoryGiB: number;
    /** Memory ECS can hand to tasks: the total less what the OS and ECS agent keep. */
    taskMemoryMiB: number;
}

/** GiB of memory per vCPU, by family letter. */
const RATIO: Record<string, number> = { m: 4, c: 2, r: 8, t: 4 };
const SIZES: Record<string, number> = {
    medium: 1, large: 2, xlarge: 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32, "12xlarge": 48, "16xlarge": 64, "24xlarge": 96, "48xlarge": 192,
};
const FAMILY = /^([mcrt])([5-8])([agi]?)([dn]*)$/;

/** Memory the OS and ECS agent keep on each instance (AWS recommends reserving some). */
const RESERVED_MIB = 512;

export function instanceSize(type: string): InstanceSize | undefined {
    const [family, size] = type.split(".");
    const m = FAMILY.exec(family ?? "");
    if (!m || !(size in SIZES)) return undefined;
    const burstable = m[1] === "t";
    if (burstable && !["medium", "large", "xlarge", "2xlarge"].includes(size)) return undefined;
    // t-family: 2 vCPUs up to large, then 4 (xlarge) and 8 (2xlarge); memory doubles from 4 GiB (medium).
    const vcpus = burstable ? (size === "2xlarge" ? 8 : size === "xlarge" ? 4 : 2) : SIZES[size];
    const memoryGiB = burstable ? { medium: 4, large: 8, xlarge: 16, "2xlarge": 32 }[size]! : SIZES[size] * RATIO[m[1]];
    if (!burstable && size === "medium") return undefined;
    return { vcpus, memoryGiB, taskMemoryMiB: memoryGiB * 1024 - RESERVED_MIB };
}

/** The largest hard limits one of `instanceTypes` can hold (CPU units, task memory), or undefined when none is known. */
export function largestTaskLimits(instanceTypes: string[]): { cpu: number; memoryMiB: number } | undefined {
    const sizes = instanceTypes.map((t) => instanceSize(t)).filter((s) => s !== undefined);
    if (sizes.length === 0) return undefined;
    return { cpu: Math.max(...sizes.map((s) => s.vcpus * 1024)), memoryMiB: Math.max(...sizes.map((s) => s.taskMemoryMiB)) };
}
