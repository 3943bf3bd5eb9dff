import dns = require("dns");

/**
 * Resolves `*.localhost` to 127.0.0.1 in this process (RFC 6761 reserves the name; this
 * machine's resolver answers only `localhost` itself). The KeyValueStore SDK puts the account id
 * in front of its endpoint's host, so a local stand-in at `http://localhost:<port>` is reached as
 * `<account>.localhost`. Returns the function that restores the original lookup.
 */
export function resolveLocalhostSubdomains(): () => void {
    const original = dns.lookup;
    const patched = function (hostname: string, options: unknown, callback?: unknown) {
        const cb = (typeof options === "function" ? options : callback) as (...args: unknown[]) => void;
        const opts = typeof options === "object" && options !== null ? (options as dns.LookupOptions) : {};
        if (typeof hostname === "string" && hostname.endsWith(".localhost")) {
            if (opts.all) return process.nextTick(() => cb(null, [{ address: "127.0.0.1", family: 4 }]));
            return process.nextTick(() => cb(null, "127.0.0.1", 4));
        }
        return (original as any).call(dns, hostname, options, callback);
    };
    (dns as any).lookup = patched;
    return () => {
        (dns as any).lookup = original;
    };
}
