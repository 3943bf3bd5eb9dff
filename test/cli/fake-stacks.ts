import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommandContext } from "../../cli/automation/context";
import { main } from "../../cli/main";
import { CreateStackOptions, OperationResult, PreviewOptions, StackConfigValues, StackInfo, StackOperations } from "../../cli/automation/pulumi-stacks";

export interface Call {
    op: string;
    env?: string;
    args?: unknown[];
}

/** An in-memory backend that records every call, in order. */
export class FakeStacks implements StackOperations {
    readonly calls: Call[] = [];
    readonly stacks = new Map<string, { config: StackConfigValues; outputs: Record<string, unknown>; createOptions?: CreateStackOptions }>();
    /** Stacks whose destroy throws. */
    readonly failing = new Set<string>();

    add(name: string, config: StackConfigValues, outputs: Record<string, unknown> = {}): this {
        this.stacks.set(name, { config, outputs });
        return this;
    }

    private record(op: string, env?: string, ...args: unknown[]): void {
        this.calls.push({ op, env, args });
    }

    private get(env: string) {
        const s = this.stacks.get(env);
        if (!s) throw new Error(`no stack named '${env}' found`);
        return s;
    }

    async up(env: string): Promise<OperationResult> {
        this.record("up", env);
        const s = this.get(env);
        s.outputs = { ...s.outputs, site: { url: `https://d111111abcdef8.cloudfront.net/${env}` } };
        return { changes: { create: 3 } };
    }
    async preview(env: string, options: PreviewOptions = {}): Promise<OperationResult> {
        this.record("preview", env, options.of ?? "up");
        this.get(env);
        return { changes: { update: 1, same: 2 } };
    }
    async refresh(env: string): Promise<OperationResult> {
        this.record("refresh", env);
        this.get(env);
        return { changes: { same: 3 } };
    }
    async destroy(env: string): Promise<OperationResult> {
        this.record("destroy", env);
        this.get(env);
        if (this.failing.has(env)) throw new Error(`destroy of ${env} failed: resource in use`);
        return { changes: { delete: 3 } };
    }
    async outputs(env: string): Promise<Record<string, unknown>> {
        this.record("outputs", env);
        return this.get(env).outputs;
    }
    async listStacks(): Promise<StackInfo[]> {
        this.record("listStacks");
        return [...this.stacks.keys()].map((name) => ({ name }));
    }
    async stackConfig(env: string): Promise<StackConfigValues> {
        this.record("stackConfig", env);
        return structuredClone(this.get(env).config);
    }
    async setConfig(env: string, values: StackConfigValues): Promise<void> {
        this.record("setConfig", env, values);
        const s = this.get(env);
        s.config = { ...s.config, ...values };
    }
    async createStack(env: string, config: StackConfigValues, options?: CreateStackOptions): Promise<void> {
        this.record("createStack", env, config, options);
        if (this.stacks.has(env)) throw new Error(`stack '${env}' already exists`);
        this.stacks.set(env, { config: structuredClone(config), outputs: {}, createOptions: options });
    }
    async removeStack(env: string): Promise<void> {
        this.record("removeStack", env);
        this.get(env);
        this.stacks.delete(env);
    }

    /** The mutating calls, as `op env` strings. */
    mutations(): string[] {
        return this.calls.filter((c) => ["up", "refresh", "destroy", "createStack", "setConfig", "removeStack"].includes(c.op)).map((c) => `${c.op} ${c.env}`);
    }
}

export interface TestContext extends CommandContext {
    lines: string[];
    fake: FakeStacks;
}

export function fakeContext(fake: FakeStacks, options: { projectDir?: string; confirm?: boolean; now?: string } = {}): TestContext {
    const lines: string[] = [];
    return {
        fake,
        lines,
        stacks: () => fake,
        projectDir: options.projectDir ?? tempProject({}),
        log: (line) => lines.push(line),
        write: () => undefined,
        confirm: options.confirm === undefined ? undefined : async () => options.confirm!,
        now: () => new Date(options.now ?? "2026-11-26T12:00:00Z"),
    };
}

/** A project directory with Pulumi.yaml and the given `Pulumi.<env>.yaml` bodies. */
export function tempProject(stacks: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paved-cli-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: paved\nruntime: nodejs\n");
    for (const [env, body] of Object.entries(stacks)) fs.writeFileSync(path.join(dir, `Pulumi.${env}.yaml`), body);
    return dir;
}

/** Runs `main` with console output captured. */
export async function runMain(argv: string[], ctx: CommandContext): Promise<{ code: number; stderr: string; stdout: string }> {
    const err: string[] = [];
    const out: string[] = [];
    const origErr = console.error;
    const origLog = console.log;
    const origWrite = process.stderr.write;
    const origOut = process.stdout.write;
    console.error = (...a: unknown[]) => err.push(a.join(" "));
    console.log = (...a: unknown[]) => out.push(a.join(" "));
    (process.stderr as any).write = (s: string) => (err.push(String(s)), true);
    (process.stdout as any).write = (s: string) => (out.push(String(s)), true);
    try {
        const code = await main(argv, () => ctx);
        return { code, stderr: err.join("\n"), stdout: out.join("\n") };
    } finally {
        console.error = origErr;
        console.log = origLog;
        process.stderr.write = origWrite;
        process.stdout.write = origOut;
    }
}
