import { StackOperations } from "../cli/automation/pulumi-stacks";

/** What stack-facing operations run against: the backend, the project, where progress goes, the time. */
export interface StackContext {
    /** Created on first use, so offline operations never need the Pulumi CLI. */
    stacks: () => StackOperations;
    /** Project directory: Pulumi.yaml and the `Pulumi.<env>.yaml` stack configs. */
    projectDir: string;
    /** One line of progress. */
    log: (line: string) => void;
    /** Engine output, streamed as it arrives. */
    write: (text: string) => void;
    now: () => Date;
}
