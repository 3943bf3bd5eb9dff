import * as http from "http";
import * as net from "net";

/**
 * A local stand-in for the CloudFront KeyValueStore data-plane API (REST-JSON, what
 * `@aws-sdk/client-cloudfront-keyvaluestore` speaks): DescribeKeyValueStore, GetKey, PutKey,
 * DeleteKey and ListKeys on one store, with the real API's optimistic concurrency: every write
 * needs `If-Match` with the store's current ETag, and gets 409 ConflictException otherwise.
 * Signatures are not checked (the SDK still signs with SigV4A). The SDK addresses the store at
 * `<account>.<endpoint host>`, so point `AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE` at
 * `http://localhost:<port>` and resolve `*.localhost` to the loopback (`localhost-dns.ts`).
 */
export class KeyValueStoreServer {
    readonly values = new Map<string, string>();
    private etag = 1;
    private server?: http.Server;
    /** Requests served, e.g. "PUT release:catalog 200". */
    readonly log: string[] = [];
    /** Runs just before the next PutKey is judged: a concurrent writer. */
    beforeNextPut?: () => void;

    constructor(readonly arn: string) {}

    get currentEtag(): string {
        return `ETVPDKIKX0D${this.etag}`;
    }

    /** A write that does not come through the API (Pulumi writing a route, another writer). */
    write(key: string, value: string): void {
        this.values.set(key, value);
        this.etag++;
    }

    /** The endpoint for `AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE` (or a client's `endpoint`). */
    endpoint = "";

    async start(): Promise<string> {
        this.server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (d) => (body += d));
            req.on("end", () => this.answer(req, body, res));
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        this.endpoint = `http://localhost:${(this.server.address() as net.AddressInfo).port}`;
        return this.endpoint;
    }

    async stop(): Promise<void> {
        if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }

    private size(): number {
        let n = 0;
        for (const [k, v] of this.values) n += Buffer.byteLength(k) + Buffer.byteLength(v);
        return n;
    }

    private answer(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
        const url = new URL(req.url ?? "/", "http://localhost");
        const m = /^\/key-value-stores\/([^/]+)(?:\/keys(?:\/(.+))?)?$/.exec(url.pathname);
        const send = (status: number, payload: object, etag = true) => {
            this.log.push(`${req.method} ${m?.[2] !== undefined ? decodeURIComponent(m[2]) : "(store)"} ${status}`);
            res.statusCode = status;
            res.setHeader("content-type", "application/json");
            if (etag && status < 300) res.setHeader("ETag", this.currentEtag);
            res.end(JSON.stringify(payload));
        };
        const error = (status: number, type: string, message: string) => {
            res.setHeader("x-amzn-errortype", type);
            send(status, { Message: message }, false);
        };
        if (!m) return error(404, "ResourceNotFoundException", `no such route ${url.pathname}`);
        if (decodeURIComponent(m[1]) !== this.arn) return error(404, "ResourceNotFoundException", `no key value store ${decodeURIComponent(m[1])}`);
        const key = m[2] !== undefined ? decodeURIComponent(m[2]) : undefined;
        const counts = () => ({ ItemCount: this.values.size, TotalSizeInBytes: this.size() });

        if (req.method === "GET" && key === undefined && !url.pathname.endsWith("/keys")) {
            return send(200, { KvsARN: this.arn, ...counts(), Created: 1700000000, LastModified: 1700000000, Status: "READY" });
        }
        if (req.method === "GET" && key === undefined) {
            return send(200, { Items: [...this.values].map(([Key, Value]) => ({ Key, Value })) }, false);
        }
        if (req.method === "GET") {
            const value = this.values.get(key!);
            if (value === undefined) return error(404, "ResourceNotFoundException", `key ${key} not found`);
            return send(200, { Key: key, Value: value, ...counts() }, false);
        }
        if (req.method === "PUT" || req.method === "DELETE") {
            const concurrent = this.beforeNextPut;
            this.beforeNextPut = undefined;
            concurrent?.();
            const ifMatch = req.headers["if-match"];
            if (!ifMatch) return error(400, "ValidationException", "If-Match is required");
            if (ifMatch !== this.currentEtag) return error(409, "ConflictException", `Pre-condition failed: ETag ${ifMatch} is not ${this.currentEtag}`);
            if (req.method === "PUT") {
                const value = JSON.parse(body || "{}").Value;
                if (typeof value !== "string") return error(400, "ValidationException", "Value is required");
                if (Buffer.byteLength(key!) > 512 || Buffer.byteLength(value) > 1024) return error(400, "ValidationException", "key or value too large");
                this.write(key!, value);
            } else {
                if (!this.values.delete(key!)) return error(404, "ResourceNotFoundException", `key ${key} not found`);
                this.etag++;
            }
            return send(200, counts());
        }
        return error(400, "ValidationException", `unsupported ${req.method} ${url.pathname}`);
    }
}
