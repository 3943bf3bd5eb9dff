import * as assert from "assert";
import { ConfigError } from "../../components/errors";
import { PavedConfig, RawStackConfig, parseConfig } from "../../components/config";
import { scheduleExpressionViolation, fargateSizeViolation, appPathViolation, pathsOverlap } from "../../components/validation";

const app = (name: string, path: string, extra: Record<string, unknown> = {}) => ({ name, path, source: { repository: "https://github.com/acme/web.git" }, ...extra });
const job = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: "acme/job:1", ...extra });
const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";
const SERVICES = { certificateArn: CERT, originDomain: "services.example.com" };

function raw(values: Record<string, unknown>, stack = "dev", files: Record<string, string> = {}): RawStackConfig {
    return {
        project: "paved",
        stack,
        values: { "aws:region": "eu-west-1", "paved:kind": "dev", ...values },
        projectDir: "/project",
        readFile: (f) => {
            if (f in files) return files[f];
            throw new Error(`ENOENT: no such file ${f}`);
        },
    };
}

function problems(input: RawStackConfig): { path: string; value: unknown; message: string }[] {
    try {
        parseConfig(input);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
        return (e as ConfigError).problems;
    }
    assert.fail("expected the config to be rejected");
}

describe("config", () => {
    it("parses a minimal config with defaults by kind", () => {
        const dev: PavedConfig = parseConfig(raw({ "paved:apps": [app("catalog", "/catalog")] }));
        assert.strictEqual(dev.name, "dev");
        assert.deepStrictEqual(dev.network, { create: { cidrBlock: "10.0.0.0/16", availabilityZones: 2, natGateways: "single" } });
        assert.strictEqual(dev.apps[0].build.command, "npm run build");
        assert.strictEqual(dev.apps[0].source.branch, "main");
        assert.strictEqual(dev.protect, false);
        const prod = parseConfig(raw({ "paved:kind": "prod" }, "prod"));
        assert.deepStrictEqual(prod.network.create, { cidrBlock: "10.0.0.0/16", availabilityZones: 3, natGateways: "onePerAz" });
        assert.strictEqual(prod.protect, true);
    });

    it("lists every problem at once, each with key path, value and fix", () => {
        const found = problems(
            raw({
                "paved:colour": "blue",
                "paved:apps": [app("catalog", "/Catalog"), app("catalog", "/shop"), app("admin", "/shop/admin")],
                "paved:jobs": [job("nightly", { schedule: { expression: "cron(0 3 * * * *)" } }), job("big", { capacity: "fargate", cpu: 256, memory: 4096 }), job("gpu", { capacity: "lambda" })],
            }),
        );
        const byPath = Object.fromEntries(found.map((p) => [p.path, p]));
        assert.deepStrictEqual(Object.keys(byPath).sort(), [
            "paved:apps[0].path",
            "paved:apps[1].name",
            "paved:apps[2].path",
            "paved:colour",
            "paved:jobs[0].schedule.expression",
            "paved:jobs[1].memory",
            "paved:jobs[2].capacity",
        ]);
        assert.strictEqual(byPath["paved:apps[0].path"].value, "/Catalog");
        assert.match(byPath["paved:apps[0].path"].message, /lowercase.*e\.g\. "\/catalog"/);
        assert.match(byPath["paved:apps[1].name"].message, /duplicate app name \(also paved:apps\[0\]\)/);
        assert.match(byPath["paved:apps[2].path"].message, /overlaps the path of app "catalog" \(\/shop\)/);
        assert.match(byPath["paved:jobs[1].memory"].message, /invalid on fargate: Fargate cpu 256 takes memory 512, 1024, 2048 MiB \(got 4096\)/);
    });

    it("refuses plain-text environment variables that look like secrets", () => {
        const found = problems(raw({ "paved:apps": [app("a", "/a", { build: { environment: { API_BASE: "/api", STRIPE_SECRET_KEY: "sk" } } })], "paved:jobs": [job("j", { environment: { DB_PASSWORD: "x", REGION: "eu" } })] }));
        assert.deepStrictEqual(found.map((p) => [p.path, p.value]), [
            ["paved:apps[0].build.environment.STRIPE_SECRET_KEY", "sk"],
            ["paved:jobs[0].environment.DB_PASSWORD", "x"],
        ]);
        assert.match(found[1].message, /use secrets:/);
    });

    it("takes an app's file extensions, refusing ones with a dot", () => {
        const ok = parseConfig(raw({ "paved:apps": [app("docs", "/docs", { fileExtensions: ["js", "css", "md"] }), app("a", "/a")] }));
        assert.deepStrictEqual(ok.apps[0].fileExtensions, ["js", "css", "md"]);
        assert.strictEqual(ok.apps[1].fileExtensions, undefined, "the default list, owned by the release contract");
        const found = problems(raw({ "paved:apps": [app("docs", "/docs", { fileExtensions: ["js", ".md"] })] }));
        assert.deepStrictEqual(found.map((p) => [p.path, p.value]), [["paved:apps[0].fileExtensions[1]", ".md"]]);
        assert.match(found[0].message, /without the dot, e\.g\. "js"/);
    });

    it("refuses repositories CodeBuild cannot clone and service sizes Fargate does not run", () => {
        const found = problems(
            raw({
                "paved:apps": [
                    app("a", "/a", { source: { repository: "https://git.example.com/acme/a.git" } }),
                    app("b", "/b", { container: { service: { cpu: 256, memory: 4096 } } }),
                ],
                "paved:services": SERVICES,
            }),
        );
        assert.deepStrictEqual(found.map((p) => p.path), ["paved:apps[0].source.repository", "paved:apps[1].container.service.memory"]);
        assert.match(found[0].message, /host "git.example.com" is not one CodeBuild clones from: use github.com/);
        assert.match(found[1].message, /invalid on fargate: Fargate cpu 256 takes memory 512, 1024, 2048 MiB \(got 4096\)/);
    });

    it("rejects unknown keys at every depth", () => {
        const found = problems(raw({ "paved:apps": [app("a", "/a", { build: { comand: "x" } })], "paved:cluster": { maxsize: 3 } }));
        assert.deepStrictEqual(found.map((p) => p.path).sort(), ["paved:apps[0].build.comand", "paved:cluster.maxsize"]);
        assert.ok(found.every((p) => /unknown key/.test(p.message)));
    });

    it("reads source.watch globs and refuses bad ones, watch at the root, and webhooks on CodeCommit", () => {
        const ok = parseConfig(raw({ "paved:apps": [app("catalog", "/catalog", { source: { repository: "https://github.com/acme/web.git", directory: "apps/catalog", watch: ["packages/ui/**"] } }), app("cart", "/cart")] }));
        assert.deepStrictEqual(ok.apps.map((a) => a.source.watch), [["packages/ui/**"], []]);
        const found = problems(
            raw({
                "paved:apps": [
                    app("a", "/a", { source: { repository: "https://github.com/acme/web.git", directory: "apps/a", watch: ["packages/ui/", "ok/**"] } }),
                    app("b", "/b", { source: { repository: "https://github.com/acme/web.git", watch: ["packages/ui/**"] } }),
                    app("c", "/c", { source: { repository: "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/web" }, webhook: true }),
                ],
            }),
        );
        assert.deepStrictEqual(
            found.map((p) => [p.path, p.value]),
            [
                ["paved:apps[0].source.watch[0]", "packages/ui/"],
                ["paved:apps[1].source.watch", ["packages/ui/**"]],
                ["paved:apps[2].webhook", true],
            ],
        );
        assert.match(found[0].message, /write "packages\/ui\/\*\*"/);
        assert.match(found[1].message, /repository root/);
        assert.match(found[2].message, /CodeCommit.*--affected/);
    });

    it("merges a shared catalog file with per-environment overrides and exclusions", () => {
        const catalog = ["apps:", "  - { name: a, path: /a, source: { repository: 'https://github.com/acme/a.git' } }", "  - { name: b, path: /b, source: { repository: 'https://github.com/acme/b.git' } }", "jobs:", "  - { name: j, image: 'acme/j:1' }"].join("\n");
        const config = parseConfig(
            raw({ "paved:catalog": "catalog.yaml", "paved:overrides": { apps: { a: { build: { computeSize: "large" } } }, exclude: ["b"] }, "paved:apps": [app("c", "/c")] }, "dev", {
                "/project/catalog.yaml": catalog,
            }),
        );
        assert.deepStrictEqual(config.apps.map((a) => a.name), ["a", "c"]);
        assert.strictEqual(config.apps[0].build.computeSize, "large");
        assert.strictEqual(config.apps[0].build.command, "npm run build");
        assert.deepStrictEqual(config.jobs.map((j) => j.name), ["j"]);
    });

    it("names the catalog file in errors from it, and overrides of unknown entries", () => {
        const found = problems(raw({ "paved:catalog": "catalog.yaml", "paved:overrides": { apps: { ghost: { webhook: true } } } }, "dev", { "/project/catalog.yaml": "apps:\n  - { name: a, path: /A, source: { repository: 'https://github.com/x/y.git' } }\n" }));
        assert.deepStrictEqual(found.map((p) => p.path).sort(), ["catalog.yaml:apps[0].path", "paved:overrides.apps.ghost"]);
    });

    it("rejects a missing catalog file and a missing region", () => {
        const found = problems({ ...raw({ "paved:catalog": "nope.yaml" }), values: { "paved:kind": "dev", "paved:catalog": "nope.yaml" } });
        assert.deepStrictEqual(found.map((p) => p.path).sort(), ["aws:region", "paved:catalog"]);
    });

    it("checks cluster sizing and whether jobs fit on its instances", () => {
        const found = problems(raw({ "paved:cluster": { instanceTypes: ["m6i.large", "z9.huge"], minSize: 5, maxSize: 2 }, "paved:jobs": [job("huge", { cpu: 4096, memory: 65536 })] }));
        const byPath = Object.fromEntries(found.map((p) => [p.path, p.message]));
        assert.match(byPath["paved:cluster.minSize"], /must not exceed maxSize \(2\)/);
        assert.match(byPath["paved:cluster.instanceTypes[1]"], /is not a supported instance type/);
        assert.match(byPath["paved:jobs[0].cpu"], /does not fit the cluster's largest instance \(2048 units\)/);
    });

    it("requires ephemeral settings exactly for ephemeral environments", () => {
        const eph = { baseStack: "staging", release: "2026.11.3", expiresAt: "2026-12-01T00:00:00Z" };
        const ok = parseConfig(raw({ "paved:kind": "ephemeral", "paved:ephemeral": eph }, "staging-r42"));
        assert.deepStrictEqual(ok.network, {});
        assert.deepStrictEqual(ok.ephemeral, eph);
        assert.deepStrictEqual(problems(raw({ "paved:kind": "ephemeral" }, "qa")).map((p) => p.path).sort(), ["paved:ephemeral", "stack"]);
        assert.deepStrictEqual(problems(raw({ "paved:ephemeral": eph })).map((p) => p.path), ["paved:ephemeral"]);
    });

    it("needs domain and certificate together, the certificate in us-east-1", () => {
        const found = problems(raw({ "paved:site": { domain: "www.example.com", certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" } }));
        assert.deepStrictEqual(found.map((p) => p.path), ["paved:site.certificateArn"]);
        assert.match(found[0].message, /us-east-1/);
    });
});

describe("validation rules", () => {
    it("schedule expressions", () => {
        for (const ok of ["cron(0 3 * * ? *)", "cron(0/15 8-18 ? * MON-FRI *)", "cron(0 12 L * ? 2027)", "cron(0 9 ? * 2#1 *)", "rate(1 hour)", "rate(15 minutes)"]) {
            assert.strictEqual(scheduleExpressionViolation(ok), undefined, ok);
        }
        const bad: [string, RegExp][] = [
            ["cron(0 3 * * *)", /6 fields/],
            ["cron(61 3 * * ? *)", /minutes "61"/],
            ["cron(0 3 * * * *)", /exactly one of day-of-month/],
            ["cron(0 3 ? * FUNDAY *)", /day-of-week/],
            ["rate(1 hours)", /singular/],
            ["rate(5 minute)", /plural/],
            ["rate(0 minutes)", /positive/],
            ["every day", /must be "cron/],
        ];
        for (const [expr, why] of bad) assert.match(scheduleExpressionViolation(expr) ?? "", why, expr);
    });

    it("Fargate sizes", () => {
        assert.strictEqual(fargateSizeViolation(256, 512), undefined);
        assert.strictEqual(fargateSizeViolation(4096, 30720), undefined);
        assert.strictEqual(fargateSizeViolation(16384, 122880), undefined);
        assert.match(fargateSizeViolation(512, 512) ?? "", /1024-4096 in steps of 1024/);
        assert.match(fargateSizeViolation(8192, 20000) ?? "", /16384-61440 in steps of 4096/);
        assert.match(fargateSizeViolation(3000, 8192) ?? "", /cpu must be one of/);
    });

    it("app paths", () => {
        for (const ok of ["/", "/catalog", "/admin/reports", "/a-b/c.d"]) assert.strictEqual(appPathViolation(ok), undefined, ok);
        for (const bad of ["catalog", "/Catalog", "/catalog/", "/a//b", "/a b", "/a/b/c/d", "/-a"]) assert.ok(appPathViolation(bad), bad);
        // "/" may reach the router as the distribution's default root object: no app or service may take it.
        assert.match(appPathViolation("/index.html") ?? "", /is reserved: CloudFront may turn a request for "\/" into "\/index\.html".*e\.g\. "\/index"/);
        assert.strictEqual(appPathViolation("/index.html/x"), undefined);
        assert.ok(pathsOverlap("/a", "/a/b"));
        assert.ok(!pathsOverlap("/a", "/ab"));
        assert.ok(!pathsOverlap("/", "/a"));
    });

    describe("services reached through the site", () => {
        const withService = (path: string, service: Record<string, unknown> = {}) => app(path === "/" ? "home" : path.slice(1).replace(/\//g, "-"), path, { container: { service } });

        it("routes a service under its app's path by default, or a sub-path of it", () => {
            const c = parseConfig(raw({ "paved:apps": [withService("/checkout"), withService("/help", { path: "/help/api" }), withService("/", { path: "/api" })], "paved:services": SERVICES }));
            assert.deepStrictEqual(
                c.apps.map((a) => a.container?.service?.path),
                [undefined, "/help/api", "/api"],
            );
            assert.deepStrictEqual(c.services, { ...SERVICES, insecureHttpOrigin: false });
        });

        it("needs a regional certificate and the name it covers, or the named opt-out", () => {
            const missing = problems(raw({ "paved:apps": [withService("/checkout")] }));
            assert.deepStrictEqual(missing.map((p) => p.path), ["paved:services.certificateArn", "paved:services.originDomain"]);
            assert.match(missing[0].message, /^app checkout runs a container service the site reaches over HTTPS: set an ACM certificate in eu-west-1 covering paved:services\.originDomain \(or opt out with paved:services\.insecureHttpOrigin: true\)$/);
            const usEast = problems(raw({ "paved:apps": [withService("/checkout")], "paved:services": { ...SERVICES, certificateArn: CERT.replace("eu-west-1", "us-east-1") } }));
            assert.deepStrictEqual(usEast.map((p) => [p.path, p.value]), [["paved:services.certificateArn", CERT.replace("eu-west-1", "us-east-1")]]);
            assert.match(usEast[0].message, /is in us-east-1; the load balancer is in eu-west-1 \(aws:region\) and takes certificates from its own region only/);
            const both = problems(raw({ "paved:services": { certificateArn: CERT, insecureHttpOrigin: true } }));
            assert.deepStrictEqual(both.map((p) => p.path), ["paved:services.insecureHttpOrigin"]);
            const optOut = parseConfig(raw({ "paved:apps": [withService("/checkout")], "paved:services": { insecureHttpOrigin: true } }));
            assert.strictEqual(optOut.services.insecureHttpOrigin, true);
            assert.doesNotThrow(() => parseConfig(raw({ "paved:apps": [app("a", "/a")] })), "no services, nothing to configure");
        });

        const badPaths: [string, string, Record<string, unknown>, RegExp][] = [
            ["the root app's service on every path", "/", {}, /the service path \/ would send every path of the site to the service, the other apps' too; give the root app's service a sub-path no other app uses, e\.g\. "\/api"/],
            ["a path outside the app", "/checkout", { path: "/payments" }, /the service path \/payments must be the app's path \/checkout or a path under it, e\.g\. "\/checkout\/api"/],
            ["a root sub-path another app owns", "/", { path: "/catalog/api" }, /overlaps the path of another app \(\/catalog\)/],
            ["a malformed path", "/checkout", { path: "/checkout/API/" }, /must be "\/" or a lowercase URL-safe prefix/],
        ];
        for (const [what, appPath, service, message] of badPaths) {
            it(`refuses ${what}, naming the key`, () => {
                const found = problems(raw({ "paved:apps": [withService(appPath, service), app("catalog", "/catalog")], "paved:services": SERVICES }));
                assert.deepStrictEqual(found.map((p) => p.path), ["paved:apps[0].container.service.path"]);
                assert.match(found[0].message, message);
            });
        }
    });

    describe("job secrets", () => {
        it("takes parameter names and ARNs, and Secrets Manager ARNs", () => {
            const secrets = {
                DB_URL: "/prod/db/url",
                FLAT: "api-key",
                PARAM: "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/token",
                SECRET: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf:password::",
            };
            assert.deepStrictEqual(parseConfig(raw({ "paved:jobs": [job("nightly", { secrets })] })).jobs[0].secrets, secrets);
        });

        const wild: [string, string][] = [
            ["every parameter", "arn:aws:ssm:eu-west-1:123456789012:parameter/*"],
            ["a parameter prefix", "/prod/*"],
            ["every secret", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:*"],
            ["everything", "*"],
            ["a ? wildcard", "/prod/db/ur?"],
        ];
        for (const [what, value] of wild) {
            it(`refuses ${what} (${value}) with the path, the value and the fix`, () => {
                const found = problems(raw({ "paved:jobs": [job("nightly", { secrets: { DB: value } })] }));
                assert.deepStrictEqual(found.map((p) => [p.path, p.value]), [["paved:jobs[0].secrets.DB", value]]);
                assert.match(found[0].message, /has a wildcard, which would let the task read every parameter or secret it matches; name one parameter or secret, e\.g\. "\/prod\/db\/url"/);
            });
        }

        it("refuses references that name no parameter or secret", () => {
            for (const value of ["arn:aws:s3:::bucket/key", "https://vault.example.com/db", "arn:aws:secretsmanager:eu-west-1:123456789012:secret"]) {
                const found = problems(raw({ "paved:jobs": [job("nightly", { secrets: { DB: value } })] }));
                assert.deepStrictEqual(found.map((p) => p.path), ["paved:jobs[0].secrets.DB"], value);
            }
        });
    });
});
