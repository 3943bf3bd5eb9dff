import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { PavedError } from "../../components/errors";
import { decodeConfigValue } from "../../components/config";

/** What the stack commands need from Pulumi; tests substitute a recording fake. */
export interface StackOperations {
    up(env: string, options?: OperationOptions): Promise<OperationResult>;
    preview(env: string, options?: PreviewOptions): Promise<OperationResult>;
    refresh(env: string, options?: OperationOptions): Promise<OperationResult>;
    destroy(env: string, options?: OperationOptions): Promise<OperationResult>;
    /** The stack's outputs, unwrapped (secrets included as plain values). */
    outputs(env: string): Promise<Record<string, unknown>>;
    listStacks(): Promise<StackInfo[]>;
    /** The stack's config by full key (`paved:kind`), structured values decoded. */
    stackConfig(env: string): Promise<StackConfigValues>;
    setConfig(env: string, values: StackConfigValues): Promise<void>;
    createStack(env: string, config: StackConfigValues, options?: CreateStackOptions): Promise<void>;
    /** Removes the (already destroyed) stack and its config file. */
    removeStack(env: string): Promise<void>;
}

export interface OperationOptions {
    /** Receives the engine's output as it is produced. */
    onOutput?: (text: string) => void;
}

export interface PreviewOptions extends OperationOptions {
    /** Which operation to preview. @default "up" */
    of?: "up" | "refresh" | "destroy";
}

export interface OperationResult {
    /** Resource changes by operation (`create`, `update`, `delete`, `same`), when the engine reports them. */
    changes: Record<string, number>;
}

export interface StackInfo {
    name: string;
    lastUpdate?: string;
    resourceCount?: number;
}

/** Config values by full key; objects and lists as structured values, secrets as `{ secure: ciphertext }`. */
export type StackConfigValues = Record<string, unknown>;

export interface CreateStackOptions {
    /**
     * Stack whose passphrase encryption salt the new stack adopts, so `secure:` values copied
     * from it stay decryptable with the same passphrase.
     */
    secretsFrom?: string;
}

/** The Pulumi CLI is not installed (or not on PATH). Exit code 2. */
export class PulumiCliMissing extends PavedError {
    constructor(detail?: string) {
        super(
            [
                `the Pulumi CLI (\`pulumi\`) is not on PATH${detail ? ` (${detail})` : ""}; paved runs it for up, preview, refresh, destroy and staging.`,
                "Install it, then open a new shell:",
                "  curl -fsSL https://get.pulumi.com | sh      # Linux/macOS; installs to ~/.pulumi/bin",
                "  brew install pulumi/tap/pulumi             # macOS with Homebrew",
                "  see https://www.pulumi.com/docs/install/ for Windows and other options",
                "Offline commands (plan, diff, graph) work without it.",
            ].join("\n"),
        );
        this.name = "PulumiCliMissing";
    }
}

/** Where `command` is on `pathVar` (honouring PATHEXT on Windows), or undefined. */
export function findOnPath(command: string, pathVar = process.env.PATH ?? "", platform = process.platform): string | undefined {
    const exts = platform === "win32" ? (process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
    for (const dir of pathVar.split(path.delimiter)) {
        if (!dir) continue;
        for (const ext of exts) {
            const candidate = path.join(dir, command + ext);
            try {
                fs.accessSync(candidate, fs.constants.X_OK);
                if (fs.statSync(candidate).isFile()) return candidate;
            } catch {
                // not here; keep looking
            }
        }
    }
    return undefined;
}

/** Throws `PulumiCliMissing` unless `pulumi` is on PATH; says so when the installer's dir is just missing from PATH. */
export function requirePulumiCli(env: NodeJS.ProcessEnv = process.env): string {
    const found = findOnPath("pulumi", env.PATH ?? "");
    if (found) return found;
    const home = env.HOME ?? os.homedir();
    const installed = path.join(home, ".pulumi", "bin", "pulumi");
    throw new PulumiCliMissing(fs.existsSync(installed) ? `it is installed at ${installed}: add ${path.dirname(installed)} to PATH` : undefined);
}

/** DIY backends (file, S3, GCS, Azure) encrypt secrets with a passphrase unless a stack names another provider. */
export function isDiyBackend(url: string): boolean {
    return /^(file|s3|gs|azblob|postgres):\/\//.test(url);
}

export interface LocalStackOperationsOptions {
    /** Repository root: holds Pulumi.yaml and the stack configs. */
    projectDir: string;
    /** Environment to read PATH, PULUMI_BACKEND_URL and the passphrase from. @default process.env */
    env?: NodeJS.ProcessEnv;
}

/**
 * `StackOperations` on the Automation API's `LocalWorkspace`, for the project in `projectDir`.
 * Backend: `PULUMI_BACKEND_URL`, else a file backend in `<projectDir>/.pulumi-state` (gitignored).
 */
export class LocalStackOperations implements StackOperations {
    readonly backendUrl: string;
    private readonly env: NodeJS.ProcessEnv;
    private workspace?: Promise<LocalWorkspace>;

    constructor(private readonly options: LocalStackOperationsOptions) {
        this.env = options.env ?? process.env;
        this.backendUrl = this.env.PULUMI_BACKEND_URL || `file://${path.join(options.projectDir, ".pulumi-state")}`;
    }

    async up(env: string, options: OperationOptions = {}): Promise<OperationResult> {
        const stack = await this.stack(env);
        const result = await run(() => stack.up(streams(options)));
        return { changes: { ...(result.summary.resourceChanges ?? {}) } };
    }

    async preview(env: string, options: PreviewOptions = {}): Promise<OperationResult> {
        const stack = await this.stack(env);
        const of = options.of ?? "up";
        const result = await run(() =>
            of === "destroy" ? stack.previewDestroy(streams(options)) : of === "refresh" ? stack.previewRefresh(streams(options)) : stack.preview(streams(options)),
        );
        return { changes: { ...(result.changeSummary ?? {}) } };
    }

    async refresh(env: string, options: OperationOptions = {}): Promise<OperationResult> {
        const stack = await this.stack(env);
        const result = await run(() => stack.refresh(streams(options)));
        return { changes: { ...(result.summary.resourceChanges ?? {}) } };
    }

    async destroy(env: string, options: OperationOptions = {}): Promise<OperationResult> {
        const stack = await this.stack(env);
        const result = await run(() => stack.destroy(streams(options)));
        return { changes: { ...(result.summary.resourceChanges ?? {}) } };
    }

    async outputs(env: string): Promise<Record<string, unknown>> {
        const stack = await this.stack(env);
        const outputs = await run(() => stack.outputs());
        return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
    }

    async listStacks(): Promise<StackInfo[]> {
        const ws = await this.ws();
        const stacks = await run(() => ws.listStacks());
        return stacks.map((s) => ({ name: s.name, lastUpdate: s.lastUpdate, resourceCount: s.resourceCount }));
    }

    async stackConfig(env: string): Promise<StackConfigValues> {
        const ws = await this.ws();
        // Read the settings file rather than `pulumi config`: no passphrase is needed to see plain
        // values, and secrets stay as `{ secure }` ciphertext.
        const settings = await run(() => ws.stackSettings(env)).catch((e) => {
            if (/failed to find stack settings file/.test(String((e as Error).message))) return { config: {} };
            throw e;
        });
        const out: StackConfigValues = {};
        for (const [key, value] of Object.entries(settings.config ?? {})) {
            out[key.includes(":") ? key : `${await this.projectName()}:${key}`] = typeof value === "string" ? decodeConfigValue(value) : value;
        }
        return out;
    }

    async setConfig(env: string, values: StackConfigValues): Promise<void> {
        const ws = await this.ws();
        const settings = await run(() => ws.stackSettings(env));
        await run(() => ws.saveStackSettings(env, { ...settings, config: { ...(settings.config ?? {}), ...values } }));
    }

    async createStack(env: string, config: StackConfigValues, options: CreateStackOptions = {}): Promise<void> {
        const ws = await this.ws();
        this.requirePassphrase();
        await run(() => ws.createStack(env));
        const settings = await run(() => ws.stackSettings(env));
        if (options.secretsFrom) {
            const base = await run(() => ws.stackSettings(options.secretsFrom!));
            if (base.encryptionSalt && (!base.secretsProvider || base.secretsProvider === "passphrase")) settings.encryptionSalt = base.encryptionSalt;
        }
        // Written as structured YAML (not `pulumi config set` strings) so the file reads like the base's.
        await run(() => ws.saveStackSettings(env, { ...settings, config }));
    }

    async removeStack(env: string): Promise<void> {
        const ws = await this.ws();
        await run(() => ws.removeStack(env));
    }

    private ws(): Promise<LocalWorkspace> {
        requirePulumiCli(this.env);
        if (this.backendUrl.startsWith("file://")) fs.mkdirSync(this.backendUrl.slice("file://".length), { recursive: true });
        this.workspace ??= (async () => {
            const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
            const envVars: Record<string, string> = { PULUMI_BACKEND_URL: this.backendUrl };
            for (const key of ["PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"]) if (this.env[key] !== undefined) envVars[key] = this.env[key]!;
            return run(() => LocalWorkspace.create({ workDir: this.options.projectDir, envVars }));
        })();
        return this.workspace;
    }

    private async stack(env: string): Promise<Stack> {
        const ws = await this.ws();
        const settings = await run(() => ws.stackSettings(env)).catch(() => ({}) as { secretsProvider?: string });
        if (!settings.secretsProvider || settings.secretsProvider === "passphrase") this.requirePassphrase();
        const { Stack } = await import("@pulumi/pulumi/automation");
        return run(() => Stack.select(env, ws));
    }

    private requirePassphrase(): void {
        if (!isDiyBackend(this.backendUrl)) return;
        if (this.env.PULUMI_CONFIG_PASSPHRASE !== undefined || this.env.PULUMI_CONFIG_PASSPHRASE_FILE) return;
        throw new PavedError(
            [
                `stacks in ${this.backendUrl} encrypt secrets with a passphrase, and none is set.`,
                "Set the team's passphrase before running paved (an empty one is allowed for throwaway local stacks):",
                "  export PULUMI_CONFIG_PASSPHRASE='<passphrase>'",
                "  # or keep it in a file: export PULUMI_CONFIG_PASSPHRASE_FILE=~/.config/paved/passphrase",
            ].join("\n"),
        );
    }

    private async projectName(): Promise<string> {
        const ws = await this.ws();
        return (await ws.projectSettings()).name;
    }
}

function streams(options: OperationOptions) {
    return options.onOutput ? { onOutput: options.onOutput, onError: options.onOutput } : {};
}

/** Runs an Automation API call, turning a missing `pulumi` binary into `PulumiCliMissing`. */
async function run<T>(call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (e) {
        const text = String((e as Error)?.message ?? e);
        const err = e as NodeJS.ErrnoException;
        if ((err?.code === "ENOENT" && /^spawn/.test(err.syscall ?? "")) || /spawn \S*pulumi ENOENT/.test(text)) throw new PulumiCliMissing("spawn pulumi ENOENT");
        if (/passphrase must be set|incorrect passphrase/i.test(text)) {
            throw new PavedError(`${text.trim()}\nSet it with: export PULUMI_CONFIG_PASSPHRASE='<passphrase>' (or PULUMI_CONFIG_PASSPHRASE_FILE=<file>)`);
        }
        throw e;
    }
}
