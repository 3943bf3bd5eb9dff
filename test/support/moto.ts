import { ChildProcess, spawn } from "child_process";
import * as net from "net";

/** A moto_server this test process started, on a free loopback port. */
export interface MotoServer {
    endpoint: string;
    port: number;
    pid: number;
    /** Forget every resource (moto's `/moto-api/reset`). */
    reset(): Promise<void>;
    /** Stops the server by its PID. */
    stop(): Promise<void>;
}

/** Fake credentials moto accepts; set as env too so no SDK default chain looks further. */
export const MOTO_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

export function useFakeAwsEnv(): void {
    process.env.AWS_ACCESS_KEY_ID = "testing";
    process.env.AWS_SECRET_ACCESS_KEY = "testing";
    process.env.AWS_SESSION_TOKEN = "testing";
    process.env.AWS_REGION = process.env.AWS_REGION ?? "eu-west-1";
    process.env.AWS_EC2_METADATA_DISABLED = "true";
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.on("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as net.AddressInfo;
            srv.close(() => resolve(port));
        });
    });
}

async function answers(url: string): Promise<boolean> {
    try {
        const res = await fetch(url);
        return res.ok;
    } catch {
        return false;
    }
}

/** Spawns `cmd`, resolving with the child once it runs or with the error when it cannot start. */
function launch(cmd: string, args: string[]): Promise<ChildProcess | Error> {
    return new Promise((resolve) => {
        const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], env: process.env });
        child.once("spawn", () => resolve(child));
        // Kept attached: a later 'error' (a failed kill) must not crash the test process.
        child.on("error", (e) => resolve(e));
    });
}

/**
 * Starts `moto_server -H 127.0.0.1 -p <free port>` (falling back to `python3 -m moto.server`)
 * and waits until it answers. Call `stop()` in `after()`; should the test process exit without
 * it, the server is killed on the way out rather than left running.
 */
export async function startMoto(timeoutMs = 20_000): Promise<MotoServer> {
    useFakeAwsEnv();
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    let launched = await launch("moto_server", ["-H", "127.0.0.1", "-p", String(port)]);
    if (launched instanceof Error) launched = await launch("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)]);
    if (launched instanceof Error) throw new Error(`cannot start moto_server or python3 -m moto.server: ${launched.message}`);
    const child = launched;
    const killOnExit = () => child.kill();
    process.once("exit", killOnExit);
    let stderr = "";
    child.stderr?.on("data", (d) => (stderr = (stderr + d).slice(-4000)));

    const deadline = Date.now() + timeoutMs;
    while (!(await answers(`${endpoint}/moto-api/data.json`))) {
        if (child.exitCode !== null || Date.now() > deadline) {
            child.kill();
            process.off("exit", killOnExit);
            throw new Error(`moto_server did not start on ${endpoint}: ${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    const pid = child.pid!;
    return {
        endpoint,
        port,
        pid,
        async reset() {
            await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
        },
        stop() {
            process.off("exit", killOnExit);
            return new Promise<void>((resolve) => {
                if (child.exitCode !== null || child.signalCode !== null) return resolve();
                child.once("exit", () => resolve());
                process.kill(pid, "SIGTERM");
            });
        },
    };
}

/**
 * Calls moto's EC2 Query API directly (the project has no EC2 SDK client): tests need the ids of
 * moto's default VPC, subnets and security group for awsvpc tasks.
 */
export async function motoEc2(endpoint: string, params: Record<string, string>, region = "eu-west-1"): Promise<string> {
    const res = await fetch(endpoint, {
        method: "POST",
        headers: {
            "content-type": "application/x-www-form-urlencoded",
            authorization: `AWS4-HMAC-SHA256 Credential=testing/20250101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: new URLSearchParams({ Version: "2016-11-15", ...params }).toString(),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`moto EC2 ${params.Action}: ${res.status} ${text}`);
    return text;
}
