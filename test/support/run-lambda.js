// `aws lambda invoke` (AWS CLI v2 semantics) for local buildspec runs: runs the named function's
// handler in this process with the function's environment, writes its response to the outfile and
// prints the invoke result. Functions come from the JSON file in PAVED_TEST_LAMBDAS:
// { "<function name>": { "bundle": "<file exporting handler>", "environment": { ... } } }.
// Like CLI v2, --payload is base64 unless --cli-binary-format raw-in-base64-out is given.
"use strict";
const dns = require("dns");
const fs = require("fs");

function fail(message, code = 252) {
    process.stderr.write(`\naws: error: ${message}\n`);
    process.exit(code);
}

const args = process.argv.slice(2);
const opts = {};
const positional = [];
for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith("--")) opts[args[i].slice(2)] = args[++i];
    else positional.push(args[i]);
}
const known = ["function-name", "payload", "cli-binary-format", "query", "output", "invocation-type"];
for (const k of Object.keys(opts)) if (!known.includes(k)) fail(`Unknown options: --${k}`);
if (!opts["function-name"]) fail("the following arguments are required: --function-name");
if (positional.length !== 1) fail("the following arguments are required: outfile");

const functions = JSON.parse(fs.readFileSync(process.env.PAVED_TEST_LAMBDAS, "utf8"));
const fn = functions[opts["function-name"]];
if (!fn) {
    process.stderr.write(`\nAn error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: ${opts["function-name"]}\n`);
    process.exit(254);
}
let payload = opts.payload ?? "{}";
if (opts["cli-binary-format"] !== "raw-in-base64-out") {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload)) fail("Invalid base64: " + JSON.stringify(payload), 255);
    payload = Buffer.from(payload, "base64").toString("utf8");
}
let event;
try {
    event = JSON.parse(payload);
} catch (e) {
    process.stderr.write(`\nAn error occurred (InvalidRequestContentException) when calling the Invoke operation: Could not parse request body into json\n`);
    process.exit(254);
}

// The KeyValueStore SDK addresses <account>.<endpoint host>: resolve *.localhost to the loopback.
const lookup = dns.lookup;
dns.lookup = (host, o, cb) => {
    const callback = typeof o === "function" ? o : cb;
    if (typeof host === "string" && host.endsWith(".localhost")) {
        return process.nextTick(() => (o && o.all ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4)));
    }
    return lookup.call(dns, host, o, cb);
};

Object.assign(process.env, fn.environment);
// Lambda's own console output goes to its log group, not to the invoker.
const log = [];
for (const level of ["log", "info", "warn", "error"]) console[level] = (...a) => log.push(a.join(" "));
process.removeAllListeners("warning");

(async () => {
    let response;
    let functionError;
    try {
        const { handler } = require(fn.bundle);
        response = await handler(event, { functionName: opts["function-name"], awsRequestId: "local" });
    } catch (e) {
        functionError = "Unhandled";
        response = { errorType: (e && e.name) || "Error", errorMessage: (e && e.message) || String(e), trace: String((e && e.stack) || "").split("\n") };
    }
    fs.writeFileSync(positional[0], JSON.stringify(response ?? null));
    if (process.env.PAVED_TEST_LAMBDA_LOG) fs.appendFileSync(process.env.PAVED_TEST_LAMBDA_LOG, log.map((l) => `${l}\n`).join(""));
    const result = { StatusCode: 200, ...(functionError ? { FunctionError: functionError } : {}), ExecutedVersion: "$LATEST" };
    if (opts.query) {
        const value = result[opts.query];
        process.stdout.write(`${opts.output === "text" ? (value === undefined ? "None" : String(value)) : JSON.stringify(value ?? null)}\n`);
    } else {
        process.stdout.write(`${JSON.stringify(result, null, 4)}\n`);
    }
})();
