/**
 * Bad stack configs, as a new user writes them: each one goes through the offline plan (`paved
 * plan <env> --config <file>`: the same config load and environment preflight the Pulumi program
 * runs), which must exit 2 before registering anything, naming the exact `paved:` key path, the
 * value as written and the fix. Nothing may be created: no file next to the config, no
 * `.pulumi-state/` in the project.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { main } from "../../cli/main";
import { PROJECT_DIR } from "../../cli/plan";
import { show } from "../../components/errors";
import { captureConsole } from "../support/console";

type Values = Record<string, any>;

/** The dev environment's config: every row breaks one thing in it. */
function base(): Values {
    const doc = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8"));
    return doc.config;
}

const APP = { name: "widget", path: "/widget", source: { repository: "https://github.com/acme/web.git", directory: "apps/widget" } };
const JOB = { name: "widget-sync", image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/widget:1.0.0" };
const SERVICE_APP = { ...APP, container: { service: {} } };

/** Sets `paved:apps` to one app: the valid `APP` with `over` merged in (one level deep for nested keys). */
const app = (over: Values) => (c: Values) => void (c["paved:apps"] = [merge(APP, over)]);
const job = (over: Values) => (c: Values) => void (c["paved:jobs"] = [merge(JOB, over)]);
const service = (over: Values) => (c: Values) => void (c["paved:apps"] = [merge(SERVICE_APP, { container: { service: over } })]);
const set = (key: string, value: unknown) => (c: Values) => void (c[key] = value);
const patch = (key: string, over: Values) => (c: Values) => void (c[key] = merge(c[key] ?? {}, over));

function merge(a: Values, b: Values): Values {
    const out: Values = { ...a };
    for (const [k, v] of Object.entries(b)) {
        out[k] = v !== null && typeof v === "object" && !Array.isArray(v) && typeof a[k] === "object" && !Array.isArray(a[k]) ? merge(a[k], v) : v;
    }
    for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
    return out;
}

const CERT_EU = "arn:aws:acm:eu-west-1:123456789012:certificate/3d8f1a6c-0b7e-4c2d-9f5a-6e1b2c3d4e5f";
const CERT_US = "arn:aws:acm:us-east-1:123456789012:certificate/3d8f1a6c-0b7e-4c2d-9f5a-6e1b2c3d4e5f";
const LONG = "x".repeat(257);
/** A value too long to write out: the row checks the key path and the fix only. */
const ANY = Symbol("any value");

/** [what, change to the dev config, key path, value as written, fix]. */
const ROWS: [string, (c: Values) => void, string, unknown, RegExp][] = [
    // paved:kind: an unknown kind must never fall back to "not prod".
    ["kind Prod", set("paved:kind", "Prod"), "paved:kind", "Prod", /must be one of "dev", "staging", "prod", "ephemeral"; did you mean "prod"\?/],
    ["kind production", set("paved:kind", "production"), "paved:kind", "production", /did you mean "prod"\?/],
    ["kind PROD", set("paved:kind", "PROD"), "paved:kind", "PROD", /did you mean "prod"\?/],
    ["kind stage", set("paved:kind", "stage"), "paved:kind", "stage", /did you mean "staging"\?/],
    ["kind development", set("paved:kind", "development"), "paved:kind", "development", /did you mean "dev"\?/],
    ["kind qa", set("paved:kind", "qa"), "paved:kind", "qa", /must be one of "dev", "staging", "prod", "ephemeral"$/],
    ["kind missing", set("paved:kind", undefined), "paved:kind", undefined, /must be one of/],
    ["kind a number", set("paved:kind", 1), "paved:kind", 1, /must be one of/],
    // The region and unknown keys.
    ["region without its number", set("aws:region", "eu-west"), "aws:region", "eu-west", /pulumi config set aws:region eu-west-1/],
    ["region in capitals", set("aws:region", "EU-WEST-1"), "aws:region", "EU-WEST-1", /pulumi config set aws:region/],
    ["region missing", set("aws:region", undefined), "aws:region", undefined, /set the AWS region/],
    ["unknown paved key", set("paved:colour", "blue"), "paved:colour", "blue", /unknown key; Paved reads paved:kind/],
    ["misspelt paved key", set("paved:job", []), "paved:job", [], /unknown key/],
    // paved:network
    ["CIDR octet 999", patch("paved:network", { cidrBlock: "999.0.0.0/16" }), "paved:network.cidrBlock", "999.0.0.0/16", /has an octet 999 outside 0-255; use an address such as "10\.20\.0\.0\/16"/],
    ["CIDR octet 256", patch("paved:network", { cidrBlock: "10.256.0.0/16" }), "paved:network.cidrBlock", "10.256.0.0/16", /octet 256 outside 0-255/],
    ["CIDR prefix /8", patch("paved:network", { cidrBlock: "10.0.0.0/8" }), "paved:network.cidrBlock", "10.0.0.0/8", /prefix \/8; a VPC takes \/16 to \/28/],
    ["CIDR prefix /30", patch("paved:network", { cidrBlock: "10.0.0.0/30" }), "paved:network.cidrBlock", "10.0.0.0/30", /prefix \/30/],
    ["CIDR with host bits", patch("paved:network", { cidrBlock: "10.0.1.0/16" }), "paved:network.cidrBlock", "10.0.1.0/16", /host bits set; the network address of this block is "10\.0\.0\.0\/16"/],
    ["CIDR without prefix", patch("paved:network", { cidrBlock: "10.0.0.0" }), "paved:network.cidrBlock", "10.0.0.0", /must be an IPv4 CIDR block/],
    ["CIDR as IPv6", patch("paved:network", { cidrBlock: "fd00::/48" }), "paved:network.cidrBlock", "fd00::/48", /must be an IPv4 CIDR block/],
    ["one availability zone", patch("paved:network", { availabilityZones: 1 }), "paved:network.availabilityZones", 1, /from 2 to 6/],
    ["seven availability zones", patch("paved:network", { availabilityZones: 7 }), "paved:network.availabilityZones", 7, /from 2 to 6/],
    ["half an availability zone", patch("paved:network", { availabilityZones: 2.5 }), "paved:network.availabilityZones", 2.5, /whole number/],
    ["NAT gateways two", patch("paved:network", { natGateways: "two" }), "paved:network.natGateways", "two", /must be one of "single", "onePerAz"/],
    ["NAT gateways OnePerAz", patch("paved:network", { natGateways: "OnePerAZ" }), "paved:network.natGateways", "OnePerAZ", /did you mean "onePerAz"\?/],
    ["existing VPC and a CIDR", patch("paved:network", { existing: { vpcId: "vpc-0abc12345def67890", privateSubnetIds: ["subnet-0abc1234", "subnet-0abc1235"], publicSubnetIds: ["subnet-0abc1236", "subnet-0abc1237"] } }), "paved:network.existing", { vpcId: "vpc-0abc12345def67890", privateSubnetIds: ["subnet-0abc1234", "subnet-0abc1235"], publicSubnetIds: ["subnet-0abc1236", "subnet-0abc1237"] }, /either use an existing VPC or size a new one/],
    ["existing VPC id", set("paved:network", { existing: { vpcId: "vpc-1", privateSubnetIds: ["subnet-0abc1234", "subnet-0abc1235"], publicSubnetIds: ["subnet-0abc1236", "subnet-0abc1237"] } }), "paved:network.existing.vpcId", "vpc-1", /must be a VPC id such as "vpc-0abc12345def67890"/],
    ["existing with one private subnet", set("paved:network", { existing: { vpcId: "vpc-0abc12345def67890", privateSubnetIds: ["subnet-0abc1234"], publicSubnetIds: ["subnet-0abc1236", "subnet-0abc1237"] } }), "paved:network.existing.privateSubnetIds", ["subnet-0abc1234"], /at least 2 subnets in different availability zones/],
    ["existing subnet id", set("paved:network", { existing: { vpcId: "vpc-0abc12345def67890", privateSubnetIds: ["subnet-0abc1234", "sn-2"], publicSubnetIds: ["subnet-0abc1236", "subnet-0abc1237"] } }), "paved:network.existing.privateSubnetIds[1]", "sn-2", /must be a subnet id/],
    ["network unknown key", patch("paved:network", { cidr: "10.0.0.0/16" }), "paved:network.cidr", "10.0.0.0/16", /unknown key/],
    // paved:site
    ["site domain in capitals", set("paved:site", { domain: "WWW.example.com", certificateArn: CERT_US }), "paved:site.domain", "WWW.example.com", /must be a lowercase DNS name such as "www\.example\.com"/],
    ["site domain with a scheme", set("paved:site", { domain: "https://www.example.com", certificateArn: CERT_US }), "paved:site.domain", "https://www.example.com", /must be a lowercase DNS name/],
    ["site domain without certificate", set("paved:site", { domain: "www.example.com" }), "paved:site.certificateArn", undefined, /a custom domain needs both domain and certificateArn/],
    ["site certificate in eu-west-1", set("paved:site", { domain: "www.example.com", certificateArn: CERT_EU }), "paved:site.certificateArn", CERT_EU, /is in eu-west-1; it must be an ACM certificate in us-east-1 \(CloudFront only uses certificates from us-east-1\)/],
    ["site certificate not an ARN", set("paved:site", { domain: "www.example.com", certificateArn: "my-cert" }), "paved:site.certificateArn", "my-cert", /must be an ACM certificate ARN such as/],
    ["site price class case", set("paved:site", { priceClass: "PriceClass_all" }), "paved:site.priceClass", "PriceClass_all", /did you mean "PriceClass_All"\?/],
    ["site price class 300", set("paved:site", { priceClass: "PriceClass_300" }), "paved:site.priceClass", "PriceClass_300", /must be one of "PriceClass_100", "PriceClass_200", "PriceClass_All"/],
    ["site access logs yes", set("paved:site", { accessLogs: "yes" }), "paved:site.accessLogs", "yes", /must be true or false, not a string/],
    ["site unknown key", set("paved:site", { waf: true }), "paved:site.waf", true, /unknown key/],
    // paved:catalog
    ["catalog not YAML", set("paved:catalog", "catalog.json"), "paved:catalog", "catalog.json", /must be a path to a YAML file/],
    ["catalog missing", set("paved:catalog", "missing.yaml"), "paved:catalog", "missing.yaml", /cannot read the catalog file/],
    // paved:apps: one app added to the catalog's.
    ["app name in capitals", app({ name: "Widget" }), "paved:apps[0].name", "Widget", /must be lowercase letters, digits and single hyphens, starting with a letter, e\.g\. "widget"/],
    ["app name with underscore", app({ name: "my_widget" }), "paved:apps[0].name", "my_widget", /e\.g\. "my-widget"/],
    ["app name starting with a digit", app({ name: "1widget" }), "paved:apps[0].name", "1widget", /starting with a letter/],
    ["app name of 41 characters", app({ name: "w".repeat(41) }), "paved:apps[0].name", "w".repeat(41), /at most 40 characters \(has 41\)/],
    ["app name taken", app({ name: "catalog" }), "paved:apps[0].name", "catalog", /duplicate app name \(also catalog\.yaml:apps\[1\]\); app names must be unique/],
    ["app name missing", app({ name: undefined }), "paved:apps[0].name", undefined, /is required: set it to a string/],
    ["app path in capitals", app({ path: "/Widget" }), "paved:apps[0].path", "/Widget", /lowercase URL-safe prefix.*e\.g\. "\/widget"/],
    ["app path with trailing slash", app({ path: "/widget/" }), "paved:apps[0].path", "/widget/", /no trailing slash, e\.g\. "\/widget"/],
    ["app path without slash", app({ path: "widget" }), "paved:apps[0].path", "widget", /must be "\/" or a lowercase URL-safe prefix/],
    ["app path of four segments", app({ path: "/a/b/c/d" }), "paved:apps[0].path", "/a/b/c/d", /at most 3 segments \(has 4\)/],
    ["app path index.html", app({ path: "/index.html" }), "paved:apps[0].path", "/index.html", /is reserved/],
    ["app path taken", app({ path: "/catalog" }), "paved:apps[0].path", "/catalog", /duplicates the path of app "catalog" \(\/catalog\); give each app its own path/],
    ["app path under another app", app({ path: "/catalog/widgets" }), "paved:apps[0].path", "/catalog/widgets", /overlaps the path of app "catalog"/],
    ["app repository over ssh", app({ source: { repository: "git@github.com:acme/web.git" } }), "paved:apps[0].source.repository", "git@github.com:acme/web.git", /must be an https clone URL, e\.g\. "https:\/\/github\.com\/acme\/web\.git"/],
    ["app repository on another host", app({ source: { repository: "https://git.example.com/acme/web.git" } }), "paved:apps[0].source.repository", "https://git.example.com/acme/web.git", /is not one CodeBuild clones from: use github\.com/],
    ["app directory with ..", app({ source: { directory: "../web" } }), "paved:apps[0].source.directory", "../web", /must be a relative path such as "apps\/catalog" \(no leading "\/", no "\.\."/],
    ["app directory absolute", app({ source: { directory: "/apps/widget" } }), "paved:apps[0].source.directory", "/apps/widget", /no leading "\/"/],
    ["app directory with a space", app({ source: { directory: "apps/my widget" } }), "paved:apps[0].source.directory", "apps/my widget", /no spaces/],
    ["app branch with a space", app({ source: { branch: "my branch" } }), "paved:apps[0].source.branch", "my branch", /must be a branch name such as "main"/],
    ["app watch ending in /", app({ source: { watch: ["packages/ui/"] } }), "paved:apps[0].source.watch[0]", "packages/ui/", /must not end with "\/": write "packages\/ui\/\*\*"/],
    ["app watch at the root", app({ source: { directory: ".", watch: ["packages/**"] } }), "paved:apps[0].source.watch", ["packages/**"], /has no effect for an app at the repository root/],
    ["app source unknown key", app({ source: { dir: "apps/widget" } }), "paved:apps[0].source.dir", "apps/widget", /unknown key/],
    ["app build command empty", app({ build: { command: " " } }), "paved:apps[0].build.command", " ", /must be a command such as "npm run build"/],
    ["app output directory .", app({ build: { outputDirectory: "." } }), "paved:apps[0].build.outputDirectory", ".", /must be a relative path such as "dist".*not "\."/],
    ["app output directory ..", app({ build: { outputDirectory: "../dist" } }), "paved:apps[0].build.outputDirectory", "../dist", /no "\.\."/],
    ["app Node.js 16", app({ build: { nodeVersion: "16" } }), "paved:apps[0].build.nodeVersion", "16", /must be one of "18", "20", "22"/],
    ["app Node.js as a number", app({ build: { nodeVersion: 20 } }), "paved:apps[0].build.nodeVersion", 20, /must be one of "18", "20", "22"/],
    ["app build NPM_TOKEN", app({ build: { environment: { NPM_TOKEN: "x" } } }), "paved:apps[0].build.environment.NPM_TOKEN", "x", /looks like a secret: build environment variables are plain text/],
    ["app build STRIPE_KEY", app({ build: { environment: { STRIPE_KEY: "x" } } }), "paved:apps[0].build.environment.STRIPE_KEY", "x", /looks like a secret/],
    ["app build DATABASE_URL", app({ build: { environment: { DATABASE_URL: "x" } } }), "paved:apps[0].build.environment.DATABASE_URL", "x", /looks like a secret/],
    ["app build DB_PASS", app({ build: { environment: { DB_PASS: "x" } } }), "paved:apps[0].build.environment.DB_PASS", "x", /looks like a secret/],
    ["app build variable name", app({ build: { environment: { "API-URL": "x" } } }), "paved:apps[0].build.environment.API-URL", "x", /must be an environment variable name: letters, digits and _, not starting with a digit, e\.g\. "API_URL"/],
    ["app build reserved variable", app({ build: { environment: { BUCKET: "x" } } }), "paved:apps[0].build.environment.BUCKET", "x", /is set by Paved or CodeBuild; choose another name/],
    ["app build variable a number", app({ build: { environment: { RETRIES: 3 } } }), "paved:apps[0].build.environment.RETRIES", 3, /must be a string \(quote numbers and booleans\)/],
    ["app compute size huge", app({ build: { computeSize: "huge" } }), "paved:apps[0].build.computeSize", "huge", /must be one of "small", "medium", "large", "xlarge", "2xlarge"/],
    ["app compute size Small", app({ build: { computeSize: "Small" } }), "paved:apps[0].build.computeSize", "Small", /did you mean "small"\?/],
    ["app build timeout 3", app({ build: { timeoutMinutes: 3 } }), "paved:apps[0].build.timeoutMinutes", 3, /from 5 to 2160/],
    ["app build timeout 3000", app({ build: { timeoutMinutes: 3000 } }), "paved:apps[0].build.timeoutMinutes", 3000, /from 5 to 2160/],
    ["app install command (component only)", app({ build: { installCommand: "yarn" } }), "paved:apps[0].build.installCommand", "yarn", /unknown key/],
    ["app Dockerfile absolute", app({ container: { dockerfile: "/Dockerfile" } }), "paved:apps[0].container.dockerfile", "/Dockerfile", /must be a relative path such as "Dockerfile"/],
    ["app Dockerfile outside the app", app({ container: { dockerfile: "../Dockerfile" } }), "paved:apps[0].container.dockerfile", "../Dockerfile", /no "\.\."/],
    ["app Dockerfile empty", app({ container: { dockerfile: "" } }), "paved:apps[0].container.dockerfile", "", /must be a relative path/],
    ["app port 0", app({ container: { port: 0 } }), "paved:apps[0].container.port", 0, /from 1 to 65535/],
    ["app port 70000", app({ container: { port: 70000 } }), "paved:apps[0].container.port", 70000, /from 1 to 65535/],
    ["app port as a string", app({ container: { port: "8080" } }), "paved:apps[0].container.port", "8080", /must be a number, not a string/],
    ["app file extension with a dot", app({ fileExtensions: ["js", ".css"] }), "paved:apps[0].fileExtensions[1]", ".css", /without the dot, e\.g\. "js"/],
    ["app file extension twice", app({ fileExtensions: ["js", "js"] }), "paved:apps[0].fileExtensions[1]", "js", /is listed twice/],
    ["app file extensions over the KVS value", app({ fileExtensions: Array.from({ length: 200 }, (_, i) => `ext${i}`) }), "paved:apps[0].fileExtensions", Array.from({ length: 200 }, (_, i) => `ext${i}`), /the KeyValueStore takes 1024: list fewer extensions/],
    ["app webhook on CodeCommit", app({ webhook: true, source: { repository: "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/web" } }), "paved:apps[0].webhook", true, /cannot be used with a CodeCommit repository/],
    ["app webhook yes", app({ webhook: "yes" }), "paved:apps[0].webhook", "yes", /must be true or false/],
    ["app team with a space", app({ team: "Web Team" }), "paved:apps[0].team", "Web Team", /e\.g\. "web-team"/],
    ["app cost center over 256", app({ costCenter: LONG }), "paved:apps[0].costCenter", LONG, /a tag value is at most 256 characters \(has 257\); shorten it/],
    ["app cost center with #", app({ costCenter: "cc#1" }), "paved:apps[0].costCenter", "cc#1", /letters, digits, spaces and _ \. : \/ = \+ - @ only/],
    ["app cost center empty", app({ costCenter: "" }), "paved:apps[0].costCenter", "", /must not be empty/],
    ["app unknown key", app({ colour: "blue" }), "paved:apps[0].colour", "blue", /unknown key; check the spelling/],
    ["app as a string", set("paved:apps", ["widget"]), "paved:apps[0]", "widget", /must be a mapping, not a string/],
    ["apps not a list", set("paved:apps", { widget: APP }), "paved:apps", { widget: APP }, /must be a list/],
    // An app's container service.
    ["service desiredCount 0", service({ desiredCount: 0 }), "paved:apps[0].container.service.desiredCount", 0, /from 1 to 1000/],
    ["service desiredCount 1001", service({ desiredCount: 1001 }), "paved:apps[0].container.service.desiredCount", 1001, /from 1 to 1000/],
    ["service desiredCount 1.5", service({ desiredCount: 1.5 }), "paved:apps[0].container.service.desiredCount", 1.5, /whole number/],
    ["service maxCount below desired", service({ desiredCount: 3, maxCount: 2 }), "paved:apps[0].container.service.maxCount", 2, /must be at least desiredCount \(3\)/],
    ["service maxCount 5000", service({ maxCount: 5000 }), "paved:apps[0].container.service.maxCount", 5000, /from 1 to 1000/],
    ["service cpu 300", service({ cpu: 300 }), "paved:apps[0].container.service.cpu", 300, /invalid on fargate: Fargate cpu must be one of 256, 512/],
    ["service memory 4096 on 256 cpu", service({ cpu: 256, memory: 4096 }), "paved:apps[0].container.service.memory", 4096, /Fargate cpu 256 takes memory 512, 1024, 2048 MiB \(got 4096\)/],
    ["service health check without slash", service({ healthCheckPath: "healthz" }), "paved:apps[0].container.service.healthCheckPath", "healthz", /must start with "\/" and have no spaces, e\.g\. "\/healthz"/],
    ["service image tag with a space", service({ initialImageTag: "first build" }), "paved:apps[0].container.service.initialImageTag", "first build", /must be a Docker image tag/],
    ["service path outside the app", service({ path: "/other" }), "paved:apps[0].container.service.path", "/other", /must be the app's path \/widget or a path under it, e\.g\. "\/widget\/api"/],
    ["service path malformed", service({ path: "/Widget/API" }), "paved:apps[0].container.service.path", "/Widget/API", /lowercase URL-safe prefix/],
    ["service capacity (environment's choice)", service({ capacity: "ec2" }), "paved:apps[0].container.service.capacity", "ec2", /unknown key/],
    ["service unknown key", service({ replicas: 2 }), "paved:apps[0].container.service.replicas", 2, /unknown key/],
    // paved:jobs: one job added to the catalog's.
    ["job name in capitals", job({ name: "Sync" }), "paved:jobs[0].name", "Sync", /must be lowercase/],
    ["job name taken", job({ name: "sitemap" }), "paved:jobs[0].name", "sitemap", /duplicate job name/],
    ["job image with a space", job({ image: "my image" }), "paved:jobs[0].image", "my image", /must be an image reference such as/],
    ["job image missing", job({ image: undefined }), "paved:jobs[0].image", undefined, /is required/],
    ["job cpu as a string", job({ cpu: "512" }), "paved:jobs[0].cpu", "512", /must be a number, not a string/],
    ["job capacity spot", job({ capacity: "spot" }), "paved:jobs[0].capacity", "spot", /must be one of "ec2", "fargate", "fargateSpot"/],
    ["job capacity Fargate", job({ capacity: "Fargate" }), "paved:jobs[0].capacity", "Fargate", /did you mean "fargate"\?/],
    ["job Fargate cpu 300", job({ capacity: "fargate", cpu: 300 }), "paved:jobs[0].cpu", 300, /invalid on fargate: Fargate cpu must be one of/],
    ["job Fargate memory 1000", job({ capacity: "fargate", cpu: 1024, memory: 1000 }), "paved:jobs[0].memory", 1000, /Fargate cpu 1024 takes memory 2048-8192 in steps of 1024 MiB \(got 1000\)/],
    ["job EC2 memory 64", job({ cpu: 256, memory: 64 }), "paved:jobs[0].memory", 64, /invalid on EC2: memory must be whole MiB from 128/],
    ["job EC2 memory beyond the instances", job({ cpu: 1024, memory: 16384 }), "paved:jobs[0].memory", 16384, /does not fit the cluster's largest instance \(7680 MiB available to tasks\)/],
    ["job EC2 cpu beyond the instances", job({ cpu: 4096, memory: 1024 }), "paved:jobs[0].cpu", 4096, /does not fit the cluster's largest instance \(2048 units\)/],
    ["job timeout 0", job({ timeoutMinutes: 0 }), "paved:jobs[0].timeoutMinutes", 0, /from 1 to 10080/],
    ["job timeout 20000", job({ timeoutMinutes: 20000 }), "paved:jobs[0].timeoutMinutes", 20000, /from 1 to 10080/],
    ["job cron of 5 fields", job({ schedule: { expression: "cron(0 3 * * *)" } }), "paved:jobs[0].schedule.expression", "cron(0 3 * * *)", /cron needs 6 fields .* got 5, e\.g\. "cron\(0 3 \* \* \? \*\)"/],
    ["job cron with both day fields", job({ schedule: { expression: "cron(0 3 * * MON *)" } }), "paved:jobs[0].schedule.expression", "cron(0 3 * * MON *)", /exactly one of day-of-month/],
    ["job cron hour 24", job({ schedule: { expression: "cron(0 24 * * ? *)" } }), "paved:jobs[0].schedule.expression", "cron(0 24 * * ? *)", /hours "24" must use values 0-23/],
    ["job rate singular", job({ schedule: { expression: "rate(5 minute)" } }), "paved:jobs[0].schedule.expression", "rate(5 minute)", /use the plural unit for 5: "rate\(5 minutes\)"/],
    ["job rate plural for 1", job({ schedule: { expression: "rate(1 hours)" } }), "paved:jobs[0].schedule.expression", "rate(1 hours)", /use the singular unit for 1: "rate\(1 hour\)"/],
    ["job schedule in words", job({ schedule: { expression: "every day" } }), "paved:jobs[0].schedule.expression", "every day", /must be "cron\(min hour day-of-month month day-of-week year\)" or "rate\(<n> <unit>\)"/],
    ["job time zone", job({ schedule: { expression: "rate(1 day)", timezone: "Mars/Olympus" } }), "paved:jobs[0].schedule.timezone", "Mars/Olympus", /must be an IANA time zone such as "UTC" or "Europe\/Berlin"/],
    ["job retries 11", job({ schedule: { expression: "rate(1 day)", retries: 11 } }), "paved:jobs[0].schedule.retries", 11, /from 0 to 10/],
    ["job schedule without expression", job({ schedule: { timezone: "UTC" } }), "paved:jobs[0].schedule.expression", undefined, /is required/],
    ["job schedule and queue", job({ schedule: { expression: "rate(1 day)" }, queue: {} }), "paved:jobs[0].queue", {}, /a job has one trigger: keep schedule or queue, not both/],
    ["job queue maxWorkers 0", job({ queue: { maxWorkers: 0 } }), "paved:jobs[0].queue.maxWorkers", 0, /from 1 to 1000/],
    ["job queue messagesPerWorker 0", job({ queue: { messagesPerWorker: 0 } }), "paved:jobs[0].queue.messagesPerWorker", 0, /from 1 to 100000/],
    ["job queue visibility 50000 s", job({ queue: { visibilityTimeoutSeconds: 50000 } }), "paved:jobs[0].queue.visibilityTimeoutSeconds", 50000, /whole number of seconds from 0 to 43200/],
    ["job queue maxReceiveCount 0", job({ queue: { maxReceiveCount: 0 } }), "paved:jobs[0].queue.maxReceiveCount", 0, /from 1 to 1000/],
    ["job queue scale-in 0 minutes", job({ queue: { scaleInAfterMinutes: 0 } }), "paved:jobs[0].queue.scaleInAfterMinutes", 0, /whole number of minutes from 1 to 1440/],
    ["job queue scale-in 2000 minutes", job({ queue: { scaleInAfterMinutes: 2000 } }), "paved:jobs[0].queue.scaleInAfterMinutes", 2000, /from 1 to 1440/],
    ["job queue unknown key", job({ queue: { workers: 3 } }), "paved:jobs[0].queue.workers", 3, /unknown key/],
    ["job STRIPE_KEY in plain text", job({ environment: { STRIPE_KEY: "sk_live_x" } }), "paved:jobs[0].environment.STRIPE_KEY", "sk_live_x", /looks like a secret: use secrets: \(an SSM parameter or Secrets Manager ARN\) instead of plain-text environment/],
    ["job DATABASE_URL in plain text", job({ environment: { DATABASE_URL: "postgres://u:p@db/app" } }), "paved:jobs[0].environment.DATABASE_URL", "postgres://u:p@db/app", /use secrets:/],
    ["job DB_PASS in plain text", job({ environment: { DB_PASS: "hunter2" } }), "paved:jobs[0].environment.DB_PASS", "hunter2", /use secrets:/],
    ["job REDIS_URI in plain text", job({ environment: { REDIS_URI: "redis://:p@cache" } }), "paved:jobs[0].environment.REDIS_URI", "redis://:p@cache", /use secrets:/],
    ["job SESSION_KEY in plain text", job({ environment: { SESSION_KEY: "x" } }), "paved:jobs[0].environment.SESSION_KEY", "x", /use secrets:/],
    ["job AWS secret key in plain text", job({ environment: { AWS_SECRET_ACCESS_KEY: "x" } }), "paved:jobs[0].environment.AWS_SECRET_ACCESS_KEY", "x", /use secrets:/],
    ["job GITHUB_TOKEN in plain text", job({ environment: { GITHUB_TOKEN: "x" } }), "paved:jobs[0].environment.GITHUB_TOKEN", "x", /use secrets:/],
    ["job connection string in plain text", job({ environment: { SQL_CONNECTION_STRING: "x" } }), "paved:jobs[0].environment.SQL_CONNECTION_STRING", "x", /use secrets:/],
    ["job variable name with a dash", job({ environment: { "LOG-LEVEL": "info" } }), "paved:jobs[0].environment.LOG-LEVEL", "info", /e\.g\. "LOG_LEVEL"/],
    ["job variable a number", job({ environment: { WORKERS: 4 } }), "paved:jobs[0].environment.WORKERS", 4, /must be a string \(quote numbers and booleans\)/],
    ["job PAVED_QUEUE_URL on a queue job", job({ queue: {}, environment: { PAVED_QUEUE_URL: "x" } }), "paved:jobs[0].environment.PAVED_QUEUE_URL", "x", /is set by Paved for queue jobs; use another name/],
    ["job secret wildcard", job({ secrets: { DB: "arn:aws:ssm:eu-west-1:123456789012:parameter/*" } }), "paved:jobs[0].secrets.DB", "arn:aws:ssm:eu-west-1:123456789012:parameter/*", /has a wildcard, which would let the task read every parameter/],
    ["job secret prefix wildcard", job({ secrets: { DB: "/prod/*" } }), "paved:jobs[0].secrets.DB", "/prod/*", /has a wildcard/],
    ["job secret in a vault URL", job({ secrets: { DB: "https://vault/db" } }), "paved:jobs[0].secrets.DB", "https://vault/db", /must be an SSM parameter name .* or the ARN of a parameter or Secrets Manager secret/],
    ["job secret of S3", job({ secrets: { DB: "arn:aws:s3:::bucket/key" } }), "paved:jobs[0].secrets.DB", "arn:aws:s3:::bucket/key", /must be the ARN of one SSM parameter or one Secrets Manager secret/],
    ["job secret name starting with a digit", job({ secrets: { "1DB": "/prod/db" } }), "paved:jobs[0].secrets.1DB", "/prod/db", /names the variable the secret is set as; it must be an environment variable name/],
    ["job variable and secret of one name", job({ environment: { DB: "x" }, secrets: { DB: "/prod/db" } }), "paved:jobs[0].secrets.DB", "/prod/db", /is also set in environment; set it in one place/],
    ["job command as a string", job({ command: "node run.js" }), "paved:jobs[0].command", "node run.js", /must be a list, not a string/],
    ["job team with capitals", job({ team: "Data" }), "paved:jobs[0].team", "Data", /must be lowercase/],
    ["job cost center over 256", job({ costCenter: LONG }), "paved:jobs[0].costCenter", LONG, /at most 256 characters/],
    ["job unknown key", job({ schedul: { expression: "rate(1 day)" } }), "paved:jobs[0].schedul", { expression: "rate(1 day)" }, /unknown key/],
    // paved:cluster
    ["cluster instance type unknown", patch("paved:cluster", { instanceTypes: ["x9.huge"] }), "paved:cluster.instanceTypes[0]", "x9.huge", /is not a supported instance type: use an m, c, r or t family type/],
    ["cluster no instance types", patch("paved:cluster", { instanceTypes: [] }), "paved:cluster.instanceTypes", [], /needs at least one instance type, e\.g\. \["m6i\.large"\]/],
    ["cluster instance type twice", patch("paved:cluster", { instanceTypes: ["m6i.large", "m6i.large"] }), "paved:cluster.instanceTypes", ["m6i.large", "m6i.large"], /lists an instance type twice/],
    ["cluster minSize above maxSize", patch("paved:cluster", { minSize: 8, maxSize: 6 }), "paved:cluster.minSize", 8, /must not exceed maxSize \(6\)/],
    ["cluster maxSize 0", patch("paved:cluster", { maxSize: 0 }), "paved:cluster.maxSize", 0, /from 1 to 1000/],
    ["cluster maxSize 2000", patch("paved:cluster", { maxSize: 2000 }), "paved:cluster.maxSize", 2000, /from 1 to 1000/],
    ["cluster spot 120%", patch("paved:cluster", { spotPercentage: 120 }), "paved:cluster.spotPercentage", 120, /from 0 to 100/],
    ["cluster target capacity 0", patch("paved:cluster", { targetCapacity: 0 }), "paved:cluster.targetCapacity", 0, /from 1 to 100/],
    ["cluster on-demand base above max", patch("paved:cluster", { onDemandBaseCapacity: 7 }), "paved:cluster.onDemandBaseCapacity", 7, /must not exceed maxSize \(6\)/],
    ["cluster root volume (component only)", patch("paved:cluster", { rootVolumeSizeGiB: 50 }), "paved:cluster.rootVolumeSizeGiB", 50, /unknown key/],
    // paved:buildImage
    ["build image repository over http", set("paved:buildImage", { repository: "http://github.com/acme/web.git" }), "paved:buildImage.repository", "http://github.com/acme/web.git", /must be an https clone URL/],
    ["build image lockfile directory ..", set("paved:buildImage", { repository: "https://github.com/acme/web.git", lockfileDirectory: "../x" }), "paved:buildImage.lockfileDirectory", "../x", /must be a relative path/],
    ["build image schedule weekly", set("paved:buildImage", { repository: "https://github.com/acme/web.git", schedule: "weekly" }), "paved:buildImage.schedule", "weekly", /must be "cron\(/],
    ["build image repository missing", set("paved:buildImage", { branch: "main" }), "paved:buildImage.repository", undefined, /is required/],
    // paved:tags
    ["team with a space", patch("paved:tags", { team: "Platform Team" }), "paved:tags.team", "Platform Team", /e\.g\. "platform-team"/],
    ["cost center over 256 characters", patch("paved:tags", { costCenter: LONG }), "paved:tags.costCenter", LONG, /a tag value is at most 256 characters \(has 257\)/],
    ["cost center with #", patch("paved:tags", { costCenter: "cc#1001" }), "paved:tags.costCenter", "cc#1001", /letters, digits, spaces and _ \. : \/ = \+ - @ only/],
    ["cost center with a newline", patch("paved:tags", { costCenter: "cc\n1001" }), "paved:tags.costCenter", "cc\n1001", /letters, digits, spaces/],
    ["tags unknown key", patch("paved:tags", { owner: "me" }), "paved:tags.owner", "me", /unknown key/],
    // paved:ephemeral
    ["ephemeral settings on dev", set("paved:ephemeral", { baseStack: "staging", release: "2026.11.3", expiresAt: "2026-12-01T00:00:00Z" }), "paved:ephemeral", { baseStack: "staging", release: "2026.11.3", expiresAt: "2026-12-01T00:00:00Z" }, /only ephemeral environments take this key \(paved:kind is "dev"\)/],
    ["ephemeral release id", (c) => Object.assign(c, { "paved:kind": "ephemeral", "paved:network": undefined, "paved:ephemeral": { baseStack: "staging", release: "../1", expiresAt: "2026-12-01T00:00:00Z" } }), "paved:ephemeral.release", "../1", /e\.g\. "2026\.11\.3"/],
    ["ephemeral expiry not ISO", (c) => Object.assign(c, { "paved:kind": "ephemeral", "paved:network": undefined, "paved:ephemeral": { baseStack: "staging", release: "1", expiresAt: "tomorrow" } }), "paved:ephemeral.expiresAt", "tomorrow", /must be an ISO 8601 UTC time/],
    ["ephemeral with a network", (c) => Object.assign(c, { "paved:kind": "ephemeral", "paved:ephemeral": { baseStack: "staging", release: "1", expiresAt: "2026-12-01T00:00:00Z" } }), "paved:network", { cidrBlock: "10.10.0.0/16" }, /remove it: ephemeral environments reuse the base stack's network/],
    // paved:services
    ["services certificate not an ARN", patch("paved:services", { certificateArn: "cert-1" }), "paved:services.certificateArn", "cert-1", /must be an ACM certificate ARN such as "arn:aws:acm:eu-west-1/],
    ["services certificate in us-east-1", patch("paved:services", { certificateArn: CERT_US }), "paved:services.certificateArn", CERT_US, /is in us-east-1; the load balancer is in eu-west-1 \(aws:region\)/],
    ["services without certificate", set("paved:services", { originDomain: "services.dev.shop.example.com" }), "paved:services.certificateArn", undefined, /set an ACM certificate in eu-west-1 covering paved:services\.originDomain \(or opt out with paved:services\.insecureHttpOrigin: true\)/],
    ["services without origin domain", set("paved:services", { certificateArn: CERT_EU }), "paved:services.originDomain", undefined, /set the name paved:services\.certificateArn covers/],
    ["services origin domain in capitals", patch("paved:services", { originDomain: "Services.Example.com" }), "paved:services.originDomain", "Services.Example.com", /must be a lowercase DNS name such as "services\.example\.com"/],
    ["services opt-out and certificate", patch("paved:services", { insecureHttpOrigin: true }), "paved:services.insecureHttpOrigin", true, /and paved:services\.certificateArn exclude each other/],
    ["services opt-out yes", patch("paved:services", { insecureHttpOrigin: "yes" }), "paved:services.insecureHttpOrigin", "yes", /must be true or false/],
    // paved:alerts
    ["alert email without domain", set("paved:alerts", { email: ["oncall"] }), "paved:alerts.email[0]", "oncall", /must be one email address/],
    ["alert email twice", set("paved:alerts", { email: ["a@example.com", "a@example.com"] }), "paved:alerts.email[1]", "a@example.com", /is listed twice; list each subscriber once/],
    ["alert endpoint over http", set("paved:alerts", { https: ["http://hooks.example.com/x"] }), "paved:alerts.https[0]", "http://hooks.example.com/x", /must use https/],
    ["alert endpoint with credentials", set("paved:alerts", { https: ["https://user:pw@hooks.example.com/x"] }), "paved:alerts.https[0]", "https://user:pw@hooks.example.com/x", /must not carry credentials/],
    ["alert Slack channel name", set("paved:alerts", { slack: { workspaceId: "T07EA123LEP", channelId: "#alerts" } }), "paved:alerts.slack.channelId", "#alerts", /must be a Slack channel id/],
    ["alert Slack workspace", set("paved:alerts", { slack: { workspaceId: "acme", channelId: "C07EZ1ABC23" } }), "paved:alerts.slack.workspaceId", "acme", /workspace/],
    ["alert threshold 0%", set("paved:alerts", { thresholds: { cloudFront5xxPercent: 0 } }), "paved:alerts.thresholds.cloudFront5xxPercent", 0, /must be a percentage/],
    ["alert shortfall 2000 minutes", set("paved:alerts", { thresholds: { serviceShortfallMinutes: 2000 } }), "paved:alerts.thresholds.serviceShortfallMinutes", 2000, /from 1 to 1440/],
    ["alert unknown threshold", set("paved:alerts", { thresholds: { errorRate: 5 } }), "paved:alerts.thresholds.errorRate", 5, /unknown key/],
    ["alert unknown channel", set("paved:alerts", { pagerduty: "x" }), "paved:alerts.pagerduty", "x", /unknown key/],
    // paved:overrides
    ["override of an unknown app", patch("paved:overrides", { apps: { ghost: { webhook: true } } }), "paved:overrides.apps.ghost", { webhook: true }, /names no app in the catalog/],
    ["override of an unknown job", patch("paved:overrides", { jobs: { ghost: { cpu: 1024 } } }), "paved:overrides.jobs.ghost", { cpu: 1024 }, /names no job in the catalog/],
    ["exclusion of an unknown entry", patch("paved:overrides", { exclude: ["ghost"] }), "paved:overrides.exclude", "ghost", /names no app or job in the catalog/],
    ["overrides unknown key", patch("paved:overrides", { services: {} }), "paved:overrides.services", {}, /unknown key/],
    // Only the whole environment knows: CloudFront's behavior quota over every service path.
    [
        "more service paths than CloudFront behaviors",
        (c) => void (c["paved:apps"] = Array.from({ length: 28 }, (_, i) => ({ ...SERVICE_APP, name: `svc-${i}`, path: `/svc-${i}` }))),
        "paved:apps",
        ANY,
        /needs \d+ cache behaviors with the asset patterns; CloudFront allows 75/,
    ],
];

describe("bad stack configs: exit 2 with the key path, the value and the fix, before anything is created", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paved-bad-config-"));
    const state = path.join(PROJECT_DIR, ".pulumi-state");
    const hadState = fs.existsSync(state);
    const logs = captureConsole();
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it(`holds at least 150 bad configs (${ROWS.length})`, () => {
        assert.ok(ROWS.length >= 150, `${ROWS.length} rows`);
        assert.strictEqual(new Set(ROWS.map((r) => r[0])).size, ROWS.length, "every row has its own name");
    });

    ROWS.forEach(([what, change, key, value, fix], i) => {
        it(`${what}: ${key}`, async () => {
            const config = base();
            change(config);
            for (const [k, v] of Object.entries(config)) if (v === undefined) delete config[k];
            const file = path.join(dir, `Pulumi.bad${i}.yaml`);
            fs.writeFileSync(file, YAML.stringify({ config }));
            assert.strictEqual(await main(["plan", "bad", "--config", file]), 2, logs().join("\n"));
            const lines = logs().join("\n").split("\n");
            const prefix = value === ANY ? `  - ${key} ` : `  - ${key} ${show(value)}: `;
            const line = lines.find((l) => l.startsWith(prefix));
            assert.ok(line, `no problem at ${prefix.trim()} in:\n${logs().join("\n")}`);
            assert.match(value === ANY ? line.slice(line.indexOf(": ") + 2) : line.slice(prefix.length), fix);
            assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => f !== `Pulumi.bad${i}.yaml` && !f.startsWith("Pulumi.bad")), [], "nothing written beside the config");
            assert.strictEqual(fs.existsSync(state), hadState, "no .pulumi-state/ created");
        });
    });
});
