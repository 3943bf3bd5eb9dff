import * as fs from "fs";
import * as path from "path";
import { InvalidArgumentError } from "commander";
import { releaseIdViolation } from "../components/release-contract";
import { stackNameViolation } from "../components/stack-name";
import { resourceNameViolation } from "../components/validation";
import { parseRange } from "./affected";
import { imageTagViolation } from "../components/validation";

/**
 * The parsers of every argument and option value the CLI takes. Commander runs them before a
 * command's action, so a bad value is refused (exit 2) before anything reads or writes Pulumi
 * state, the local config or AWS. Commander's message names the argument and the value
 * (`command-argument value '../x' is invalid for argument 'env'.`); each parser's message says
 * the rule and what to pass instead.
 */

/** An environment name is the stack name: the same rule as `components/stack-name.ts`. */
export function envName(value: string): string {
    const violation = stackNameViolation(value);
    if (violation) throw new InvalidArgumentError(`An environment is a stack name, which ${violation}.`);
    return value;
}

/** An app's name, as the catalog spells it. */
export function appName(value: string): string {
    const violation = resourceNameViolation(value);
    if (violation) throw new InvalidArgumentError(`An app name ${violation} (see \`paved status <env>\` for the apps).`);
    return value;
}

/** Several app names (a variadic argument). */
export function appNames(value: string, previous: string[] | undefined): string[] {
    return [...(previous ?? []), appName(value)];
}

/** A job's name, as the catalog spells it. */
export function jobName(value: string): string {
    const violation = resourceNameViolation(value);
    if (violation) throw new InvalidArgumentError(`A job name ${violation} (see \`paved status <env>\` for the jobs).`);
    return value;
}

/** A release id: the release contract's pattern (`components/release-contract.ts`). */
export function releaseId(value: string): string {
    const violation = releaseIdViolation(value);
    if (violation) throw new InvalidArgumentError(`A release id ${violation}, e.g. "20261126114808-abc1234" (see \`paved releases <env> <app>\`).`);
    return value;
}

/** A release id or the ephemeral stack made for it (`staging-r42`): every stack name is also a release id. */
export function releaseIdOrStack(value: string): string {
    const violation = releaseIdViolation(value);
    if (violation) throw new InvalidArgumentError(`Pass the release id or its stack name, e.g. "2026.11.3" or "staging-2026-11-3"; a release id ${violation}.`);
    return value;
}

/** An image tag in the app's ECR repository. */
export function imageTag(value: string): string {
    const violation = imageTagViolation(value);
    if (violation) throw new InvalidArgumentError(`An image tag ${violation}, e.g. "3.1.0" or "sha-3f2a1bc".`);
    return value;
}

/** A `<base>..<head>` range of commits. */
export function commitRange(value: string): string {
    try {
        parseRange(value);
    } catch (e) {
        // parseRange names the option and value itself; commander already says both.
        const reason = (e as Error).message.replace(/^--affected "[^"]*":? /, "");
        throw new InvalidArgumentError(`${reason.startsWith("must") ? `It ${reason}` : reason}.`);
    }
    return value;
}

/** A whole number from `min` to `max`. */
export function wholeNumber(min: number, max: number, unit: string): (value: string) => number {
    return (value) => {
        const n = Number(value);
        if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
            throw new InvalidArgumentError(`Pass a whole number of ${unit} from ${min} to ${max}${min > 0 ? ` (at least ${min})` : ""}, e.g. ${Math.min(Math.max(min, 10), max)}.`);
        }
        return n;
    };
}

/** A positive number of seconds. */
export function positiveSeconds(value: string): number {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("Pass a positive number of seconds, e.g. 10.");
    return n;
}

/** An ISO 8601 time with a zone. */
export function isoTime(value: string): Date {
    const date = new Date(value);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(date.getTime())) {
        throw new InvalidArgumentError("Pass an ISO 8601 time with its zone, e.g. 2026-12-01T00:00:00Z.");
    }
    return date;
}

/** An existing file to read. */
export function existingFile(what: string): (value: string) => string {
    return (value) => {
        let stat: fs.Stats | undefined;
        try {
            stat = fs.statSync(value);
        } catch {
            throw new InvalidArgumentError(`No such file (from ${process.cwd()}); pass the path of ${what}.`);
        }
        if (!stat.isFile()) throw new InvalidArgumentError(`It is a directory, not a file; pass the path of ${what}.`);
        return value;
    };
}

/** An existing directory. */
export function existingDirectory(what: string): (value: string) => string {
    return (value) => {
        let stat: fs.Stats | undefined;
        try {
            stat = fs.statSync(value);
        } catch {
            throw new InvalidArgumentError(`No such directory (from ${process.cwd()}); pass ${what}.`);
        }
        if (!stat.isDirectory()) throw new InvalidArgumentError(`It is not a directory; pass ${what}.`);
        return value;
    };
}

/** A file to write: its directory must exist, and it must not be a directory itself. */
export function outputFile(value: string): string {
    const dir = path.dirname(path.resolve(value));
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new InvalidArgumentError(`Its directory ${dir} does not exist; create it or write somewhere else.`);
    if (fs.existsSync(value) && fs.statSync(value).isDirectory()) throw new InvalidArgumentError("It is a directory; pass a file name, e.g. out.json.");
    return value;
}

/** A container name in a task definition. */
export function containerName(value: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(value)) throw new InvalidArgumentError("A container name is 1-255 letters, digits, hyphens and underscores, starting with a letter or digit.");
    return value;
}

