/**
 * Tag keys every taggable resource of an environment carries. Pure: the components set them and
 * the policy pack requires them, both from here.
 */
export const TAG_KEYS = {
    environment: "paved:environment",
    team: "paved:team",
    costCenter: "paved:cost-center",
    app: "paved:app",
    job: "paved:job",
    expiresAt: "paved:expires-at",
    release: "paved:release",
} as const;
