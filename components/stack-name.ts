/**
 * Stack names and the physical-name prefix they give an environment. Pure (no Pulumi, no fs):
 * the config loader, the components and the CLI's argument parsers all read them from here.
 */

/** A stack name is the environment's name: it becomes part of every physical name. */
export const STACK_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Longest stack name: `<project>-<stack>` must leave room in names such as ALB's 32 characters. */
export const STACK_NAME_MAX = 24;

/** The rule, phrased as what to do. */
export const STACK_NAME_RULE = `lowercase letters, digits and single hyphens, starting with a letter, at most ${STACK_NAME_MAX} characters, e.g. "dev" or "staging-r42"`;

/** Why `name` is not a stack name, or undefined when it is one. */
export function stackNameViolation(name: string): string | undefined {
    if (!STACK_NAME_PATTERN.test(name)) return `must be ${STACK_NAME_RULE}`;
    if (name.length > STACK_NAME_MAX) return `must be at most ${STACK_NAME_MAX} characters (has ${name.length}), e.g. "dev" or "staging-r42"`;
    return undefined;
}

/** The prefix of every physical name of one environment: `<project>-<stack>`, e.g. `paved-dev`. */
export function namePrefix(project: string, stack: string): string {
    return `${project}-${stack}`;
}
