import * as http from "http";
import * as net from "net";
import * as vm from "vm";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { ROUTER_IMPORT_LINE } from "../../components/frontend/router";
import { MOCK_ACCOUNT_ID, RecordedResource } from "../../components/testing";

/** What a planned site tells the emulator: the router's code, the distribution, the bucket and its policy. */
export interface PlannedSite {
    routerCode: string;
    bucket: string;
    bucketArn: string;
    distributionArn: string;
    /** The distribution's default root object, if it has one. */
    defaultRootObject?: string;
    /** The asset bucket's policy document, as planned. */
    bucketPolicy: object;
}

function single<T extends RecordedResource>(resources: T[], type: string): T {
    const found = resources.filter((r) => r.type === type);
    if (found.length !== 1) throw new Error(`expected one ${type} in the plan, found ${found.length}`);
    return found[0];
}

/**
 * The site a plan describes: its router function, distribution and bucket policy as planned.
 * Refuses a plan the emulator would misrepresent: custom error responses (it models none), or an
 * S3 behavior that forwards a query string (it sends S3 only the path).
 */
export function plannedSite(resources: RecordedResource[]): PlannedSite {
    const fn = single(resources, "aws:cloudfront/function:Function");
    const cdn = single(resources, "aws:cloudfront/distribution:Distribution");
    const bucket = single(resources, "aws:s3/bucket:Bucket");
    if ((cdn.inputs.customErrorResponses ?? []).length > 0) {
        throw new Error(`the planned distribution has custom error responses (${JSON.stringify(cdn.inputs.customErrorResponses)}); the emulator models none`);
    }
    const s3Origins = (cdn.inputs.origins as any[]).filter((o) => o.domainName === bucket.outputs.bucketRegionalDomainName).map((o) => o.originId);
    const cachePolicies = new Map(resources.filter((r) => r.type === "aws:cloudfront/cachePolicy:CachePolicy").map((r) => [r.id, r.inputs]));
    for (const b of [cdn.inputs.defaultCacheBehavior, ...(cdn.inputs.orderedCacheBehaviors ?? [])].filter((b) => s3Origins.includes(b.targetOriginId))) {
        const forwarded = cachePolicies.get(b.cachePolicyId)?.parametersInCacheKeyAndForwardedToOrigin?.queryStringsConfig?.queryStringBehavior;
        if (forwarded !== "none" || b.originRequestPolicyId !== undefined) {
            throw new Error(`the S3 behavior ${b.pathPattern ?? "(default)"} may forward query strings; the emulator sends S3 only the path`);
        }
    }
    const policy = resources.find((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.inputs.bucket === bucket.outputs.bucket);
    if (!policy) throw new Error("the plan has no policy for the asset bucket");
    return {
        routerCode: fn.inputs.code,
        bucket: bucket.outputs.bucket,
        bucketArn: bucket.outputs.arn,
        distributionArn: cdn.outputs.arn,
        defaultRootObject: cdn.inputs.defaultRootObject || undefined,
        bucketPolicy: JSON.parse(policy.inputs.policy),
    };
}

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** A request S3 authorizes against the bucket policy alone (a service principal, or another account's). */
export interface BucketRequest {
    /** A service principal ("cloudfront.amazonaws.com") or an IAM ARN. */
    principal: string;
    action: string;
    /** The bucket's ARN, or an object's. */
    resource: string;
    /** Request context, e.g. `aws:SourceArn` (a distribution's, for CloudFront through OAC). */
    context?: Record<string, string>;
}

/** How an IAM simulator decides `request` under the bucket policy `policy` (over TLS unless the context says otherwise). */
export async function bucketPolicyDecision(policy: object, request: BucketRequest): Promise<Decision> {
    const response = await runSimulation(
        {
            identityPolicies: [],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: policy,
            request: {
                action: request.action,
                principal: request.principal,
                resource: { resource: request.resource, accountId: MOCK_ACCOUNT_ID },
                contextVariables: { "aws:SecureTransport": "true", ...request.context },
            },
        } as any,
        {},
    );
    if (response.resultType === "error") throw new Error(`simulation of ${request.action} on ${request.resource} failed: ${JSON.stringify(response.errors)}`);
    return response.overallResult as Decision;
}

/**
 * When CloudFront turns "/" into the default root object: before the viewer-request function runs
 * (it then sees "/index.html"), or after (on the URI the function sends on). AWS does not say.
 */
export type RootObjectOrder = "before-router" | "after-router";

export interface SiteEmulatorOptions {
    /** @default "before-router" */
    rootObjectOrder?: RootObjectOrder;
    /** Run the router function; false emulates the distribution with it detached. @default true */
    router?: boolean;
}

export interface SiteResponse {
    status: number;
    headers: Record<string, string>;
    body: Buffer;
    /** Who answered: the router function itself, or the origin. */
    via: "function" | "origin";
    /** The URI CloudFront sent to the origin, if it did. */
    originUri?: string;
}

function s3Error(status: number, code: string, extra = ""): { status: number; headers: Record<string, string>; body: Buffer } {
    return { status, headers: { "content-type": "application/xml" }, body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code>${extra}</Error>`) };
}

/**
 * CloudFront in front of the asset bucket, as planned, on this machine: the distribution's default
 * root object (in either order relative to the router), the router function (its planned code in a
 * fresh V8 context, its KeyValueStore reads answered from `store`), then S3 (moto) as CloudFront
 * reaches it through Origin Access Control: what CloudFront may do is decided by the planned bucket
 * policy in an IAM simulator (principal cloudfront.amazonaws.com, `aws:SourceArn` = the planned
 * distribution), as S3 decides it. A GET of the bucket root is a listing (allowed only with
 * s3:ListBucket); a missing key is 404 when CloudFront may list the bucket, else 403. No error
 * pages (the plan must have none), no caching, no query string to S3.
 */
export class SiteEmulator {
    private readonly handler?: (event: unknown) => Promise<any>;
    private readonly order: RootObjectOrder;
    private readonly decisions = new Map<string, Promise<Decision>>();
    private server?: http.Server;
    /** Every request: "GET /catalog/ 200 function|origin". */
    readonly log: string[] = [];

    constructor(
        private readonly site: PlannedSite,
        private readonly s3: S3Client,
        store: { get(key: string): string | undefined },
        options: SiteEmulatorOptions = {},
    ) {
        this.order = options.rootObjectOrder ?? "before-router";
        if (options.router === false) return;
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

    /** Whether the bucket policy lets CloudFront of the planned distribution do `action` on `resource`. */
    private mayCloudFront(action: string, resource: string): Promise<boolean> {
        const key = `${action} ${resource}`;
        let decision = this.decisions.get(key);
        if (!decision) {
            const account = this.site.distributionArn.split(":")[4];
            decision = bucketPolicyDecision(this.site.bucketPolicy, {
                principal: "cloudfront.amazonaws.com",
                action,
                resource,
                context: { "aws:SourceArn": this.site.distributionArn, "aws:SourceAccount": account },
            });
            this.decisions.set(key, decision);
        }
        return decision.then((d) => d === "Allowed");
    }

    /** S3's answer to CloudFront's signed GET of `uri` (virtual-hosted style: "/" is the bucket). */
    private async origin(uri: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
        const key = decodeURIComponent(uri.replace(/^\//, ""));
        if (key === "") {
            // A GET of the bucket root is ListObjects.
            if (!(await this.mayCloudFront("s3:ListBucket", this.site.bucketArn))) return s3Error(403, "AccessDenied");
            const out = await this.s3.send(new ListObjectsV2Command({ Bucket: this.site.bucket }));
            const keys = (out.Contents ?? []).map((o) => `<Contents><Key>${o.Key}</Key></Contents>`).join("");
            return { status: 200, headers: { "content-type": "application/xml" }, body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${this.site.bucket}</Name>${keys}</ListBucketResult>`) };
        }
        if (!(await this.mayCloudFront("s3:GetObject", `${this.site.bucketArn}/${key}`))) return s3Error(403, "AccessDenied");
        try {
            const out = await this.s3.send(new GetObjectCommand({ Bucket: this.site.bucket, Key: key }));
            const headers: Record<string, string> = {};
            if (out.ContentType) headers["content-type"] = out.ContentType;
            if (out.CacheControl) headers["cache-control"] = out.CacheControl;
            if (out.ETag) headers.etag = out.ETag;
            return { status: 200, headers, body: Buffer.from(await out.Body!.transformToByteArray()) };
        } catch (e) {
            if ((e as Error).name !== "NoSuchKey") throw e;
            // S3 tells a missing key from a forbidden one only to a principal that may list the bucket.
            if (await this.mayCloudFront("s3:ListBucket", this.site.bucketArn)) return s3Error(404, "NoSuchKey", `<Message>The specified key does not exist.</Message><Key>${key}</Key>`);
            return s3Error(403, "AccessDenied");
        }
    }

    /** The default root object, where CloudFront applies it: to "/" only. */
    private rootObject(uri: string): string {
        return uri === "/" && this.site.defaultRootObject ? `/${this.site.defaultRootObject}` : uri;
    }

    /** One GET, as a viewer sends it (`/catalog/users/1?x=2`). */
    async request(target: string): Promise<SiteResponse> {
        // The path as sent: no dot-segment normalization (a browser normalizes, a raw client need not).
        const q = target.indexOf("?");
        let uri = q === -1 ? target : target.slice(0, q);
        if (this.order === "before-router") uri = this.rootObject(uri);
        const querystring: Record<string, { value: string }> = {};
        new URLSearchParams(q === -1 ? "" : target.slice(q + 1)).forEach((value, key) => (querystring[key] = { value }));
        const event = {
            version: "1.0",
            context: { eventType: "viewer-request", distributionId: "EDFDVBD6EXAMPLE" },
            viewer: { ip: "192.0.2.1" },
            request: { method: "GET", uri, querystring, headers: { host: { value: "site.example" } }, cookies: {} },
        };
        const out = this.handler ? await this.handler(event) : event.request;
        let response: SiteResponse;
        if (out.statusCode !== undefined) {
            const headers = Object.fromEntries(Object.entries<any>(out.headers ?? {}).map(([k, v]) => [k, v.value]));
            response = { status: out.statusCode, headers, body: Buffer.from(out.body?.data ?? ""), via: "function" };
        } else {
            const originUri = this.order === "after-router" ? this.rootObject(out.uri) : out.uri;
            response = { ...(await this.origin(originUri)), via: "origin", originUri };
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
