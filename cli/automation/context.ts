import * as readline from "readline";
import { PROJECT_DIR } from "../plan";
import { LocalStackOperations, StackOperations } from "./pulumi-stacks";

/** What the stack-facing commands run against; tests pass fakes for every part. */
export interface CommandContext {
    /** Created on first use, so offline commands never need the Pulumi CLI. */
    stacks: () => StackOperations;
    /** Repository root: Pulumi.yaml and the `Pulumi.<env>.yaml` stack configs. */
    projectDir: string;
    /** One line of the command's own output. */
    log: (line: string) => void;
    /** Engine output, streamed as it arrives. */
    write: (text: string) => void;
    /** Asks a yes/no question; undefined when nobody can answer (no TTY), so `--yes` is required. */
    confirm?: (question: string) => Promise<boolean>;
    now: () => Date;
}

/** The context of a real run: Automation API stacks, stdout, and a prompt when stdin is a terminal. */
export function defaultContext(projectDir = PROJECT_DIR): CommandContext {
    let stacks: StackOperations | undefined;
    return {
        stacks: () => (stacks ??= new LocalStackOperations({ projectDir })),
        projectDir,
        log: (line) => console.log(line),
        write: (text) => process.stdout.write(text),
        confirm: process.stdin.isTTY ? ask : undefined,
        now: () => new Date(),
    };
}

function ask(question: string): Promise<boolean> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    return new Promise((resolve) =>
        rl.question(`${question} [y/N] `, (answer) => {
            rl.close();
            resolve(/^y(es)?$/i.test(answer.trim()));
        }),
    );
}
