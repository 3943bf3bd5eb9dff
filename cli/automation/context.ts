import * as readline from "readline";
import { Paved, PavedOptions } from "../../automation";
import { StackContext } from "../../automation/context";
import { PROJECT_DIR } from "../plan";
import { LocalStackOperations, StackOperations } from "./pulumi-stacks";

/** What the stack-facing commands run against; tests pass fakes for every part. */
export interface CommandContext extends StackContext {
    /** Asks a yes/no question; undefined when nobody can answer (no TTY), so `--yes` is required. */
    confirm?: (question: string) => Promise<boolean>;
}

/** The automation API over a command context: its backend and project, its progress rendered as the context's lines. */
export function pavedOf(ctx: StackContext, options: Omit<PavedOptions, "projectDir" | "stacks" | "now"> = {}): Paved {
    return new Paved({
        projectDir: ctx.projectDir,
        stacks: () => ctx.stacks(),
        now: ctx.now,
        onEvent: (e) => {
            if (e.type === "log") ctx.log(e.message);
            else if (e.type === "engine") ctx.write(e.text);
        },
        ...options,
    });
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
