import * as http from "http";
import * as net from "net";
import * as vm from "vm";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ROUTER_IMPORT_LINE } from "../../components/frontend/router";
import { RecordedResource } from "../../components/testing";

/** What a planned site tells the emulator: the router's code, the error responses, the origin. */
export interface PlannedSite {
    routerCode: string;
    bucket: string;
    customErrorResponses: { errorCode: number; responseCode?: number; responsePagePath?: string; errorCachingMinTtl?: number }[];
    /** Whether the bucket policy lets CloudFront list the bucket (then S3 answers 404, else 403, for a missing key). */
    cloudFrontMayList: boolean;
}

function single<T extends RecordedResource>(resources: T[], type: string): T {
    const found = resources.filter((r) => r.type === type);
    if (found.length !== 1) throw new Error(`expected one ${type} in the plan, found ${found.length}`);
    return found[0];
}

/** The site a plan describes: its router function, distribution and bucket policy as planned. */
export function plannedSite(resources: RecordedResource[]): PlannedSite {
    const fn = single(resources, "aws:cloudfront/function:Function");
    const cdn = single(resources, "aws:cloudfront/distribution:Distribution");
    const bucket = single(resources, "aws:s3/bucket:Bucket");
    const policy = JSON.parse(resources.find((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.inputs.bucket === bucket.outputs.bucket)!.inputs.policy);
    const list = (v: unknown) => (Array.isArray(v) ? v : [v]);
    const cloudFrontMayList = policy.Statement.some(
        (s: any) => s.Effect === "Allow" && list(s.Principal?.Service ?? []).includes("cloudfront.amazonaws.com") && list(s.Action).some((a: string) => a === "s3:ListBucket" || a === "s3:*"),
    );
    return { routerCode: fn.inputs.code, bucket: bucket.outputs.bucket, customErrorResponses: cdn.inputs.customErrorResponses ?? [], cloudFrontMayList };
}

export interface SiteResponse {
    status: number;
    headers: Record<string, string>;
    body: Buffer;
    /** Who answered: the router function itself, the origin, or the origin's error page. */
    via: "function" | "origin" | "error-page";
    /** The URI the router sent to the origin, if it did. */
    originUri?: string;
}

/**
 * CloudFront in front of the asset bucket, as planned, on this machine: each request goes through
 * the router function (its planned code in a fresh V8 context, its KeyValueStore reads answered
 * from `store`), then to S3 (moto) as CloudFront reaches it through Origin Access Control — with
 * S3's answer for a missing key to a principal that may not list the bucket: 403 — and then through
 * the distribution's custom error responses, whose page CloudFront fetches from the origin without
 * running viewer-request functions. No caching.
 */
export class SiteEmulator {
    private readonly handler: (event: unknown) => Promise<any>;
    private server?: http.Server;
    /** Every request: "GET /catalog/ 200 function|origin|error-page". */
    readonly log: string[] = [];

    constructor(
        private readonly site: PlannedSite,
        private readonly s3: S3Client,
        store: { get(key: string): string | undefined },
    ) {
        const cf = {
            kvs: () => ({
                // Like the real runtime: a promise that rejects when the key does not exist.
                get: async (key: string) => {
                    const value = store.get(key);
                    if (value === undefined) throw new Error(`KeyNotFound: ${key}`);
                    return value;
                },
            }),
        };
        if (!site.routerCode.startsWith(`${ROUTER_IMPORT_LINE}\n`)) throw new Error("the router code must start with the cloudfront import");
        const context = vm.createContext({ cf });
        vm.runInContext(site.routerCode.slice(ROUTER_IMPORT_LINE.length), context, { filename: "router.js" });
        this.handler = context.handler;
    }

    /** The object at `key` as S3 answers CloudFront's signed GET. */
    private async origin(uri: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
        const key = decodeURIComponent(uri.replace(/^\//, ""));
        try {
            const out = await this.s3.send(new GetObjectCommand({ Bucket: this.site.bucket, Key: key }));
            const headers: Record<string, string> = {};
            if (out.ContentType) headers["content-type"] = out.ContentType;
            if (out.CacheControl) headers["cache-control"] = out.CacheControl;
            if (out.ETag) headers.etag = out.ETag;
            return { status: 200, headers, body: Buffer.from(await out.Body!.transformToByteArray()) };
        } catch (e) {
            if ((e as Error).name !== "NoSuchKey") throw e;
            const status = this.site.cloudFrontMayList ? 404 : 403;
            const code = status === 404 ? "NoSuchKey" : "AccessDenied";
            return { status, headers: { "content-type": "application/xml" }, body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`) };
        }
    }

    /** One GET, as a viewer sends it (`/catalog/users/1?x=2`). */
    async request(target: string): Promise<SiteResponse> {
        // The path as sent: no dot-segment normalization (a browser normalizes, a raw client need not).
        const q = target.indexOf("?");
        const uri = q === -1 ? target : target.slice(0, q);
        const querystring: Record<string, { value: string }> = {};
        new URLSearchParams(q === -1 ? "" : target.slice(q + 1)).forEach((value, key) => (querystring[key] = { value }));
        const event = {
            version: "1.0",
            context: { eventType: "viewer-request", distributionId: "EDFDVBD6EXAMPLE" },
            viewer: { ip: "192.0.2.1" },
            request: { method: "GET", uri, querystring, headers: { host: { value: "site.example" } }, cookies: {} },
        };
        const out = await this.handler(event);
        let response: SiteResponse;
        if (out.statusCode !== undefined) {
            const headers = Object.fromEntries(Object.entries<any>(out.headers ?? {}).map(([k, v]) => [k, v.value]));
            response = { status: out.statusCode, headers, body: Buffer.from(out.body?.data ?? ""), via: "function" };
        } else {
            const origin = await this.origin(out.uri);
            response = { ...origin, via: "origin", originUri: out.uri };
            const custom = this.site.customErrorResponses.find((c) => c.errorCode === origin.status);
            if (custom?.responsePagePath) {
                const page = await this.origin(custom.responsePagePath);
                if (page.status === 200) response = { status: Number(custom.responseCode ?? origin.status), headers: page.headers, body: page.body, via: "error-page", originUri: out.uri };
            }
        }
        this.log.push(`GET ${target} ${response.status} ${response.via}`);
        return response;
    }

    /** Serves the site on a loopback port (for a browser); returns its base URL. */
    async listen(): Promise<string> {
        this.server = http.createServer((req, res) => {
            this.request(req.url ?? "/").then(
                (r) => {
                    res.writeHead(r.status, r.headers);
                    res.end(r.body);
                },
                (e) => {
                    res.writeHead(502, { "content-type": "text/plain" });
                    res.end(String(e));
                },
            );
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
    }

    async close(): Promise<void> {
        if (!this.server) return;
        // A browser keeps connections alive; close them, or close() waits for them.
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }
}
