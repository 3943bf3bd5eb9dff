import { releaseContract } from "../resource-names";
import { MAX_PATH_SEGMENTS } from "../validation";

/** CloudFront Functions reject code above 10 KB. */
export const ROUTER_CODE_LIMIT_BYTES = 10 * 1024;

/** The first line of the router's code: the KeyValueStore module import CloudFront provides. */
export const ROUTER_IMPORT_LINE = "import cf from 'cloudfront';";

/**
 * The viewer-request CloudFront Function (runtime `cloudfront-js-2.0`) that routes every request
 * of the site through the KeyValueStore:
 *
 * 1. The longest app path wins: it tries the request path's first `MAX_PATH_SEGMENTS` segments,
 *    then fewer, then "/" (the root app), reading `route:<path>` (value: the app's name).
 * 2. It reads `release:<app>` and rewrites the URI to `/<app>/<release>/<rest>`. A path without a
 *    file extension, or ending in "/", is a deep link: it gets that release's `/index.html`.
 * 3. No route: 404. A route without a release yet: 503. S3 is never asked, so it can never list.
 *
 * The query string is left alone. Because the function runs before the cache lookup, the rewritten
 * URI (with its release) is the cache key: a new release is a new key, so no invalidations.
 * `kvs.get` rejects when a key is missing; the runtime advises sequential awaits (no Promise.all).
 */
export function routerFunctionCode(): string {
    const route = releaseContract.routeKey("");
    const release = releaseContract.releaseKey("");
    return `${ROUTER_IMPORT_LINE}
var kvs = cf.kvs();
var MAX_SEGMENTS = ${MAX_PATH_SEGMENTS};

async function lookup(key) {
    try {
        return await kvs.get(key);
    } catch (e) {
        return null;
    }
}

function reply(code, description, text) {
    return {
        statusCode: code,
        statusDescription: description,
        headers: {
            'content-type': { value: 'text/plain; charset=utf-8' },
            'cache-control': { value: 'no-store' }
        },
        body: { encoding: 'text', data: text }
    };
}

async function handler(event) {
    var request = event.request;
    var uri = request.uri || '/';
    var segments = [];
    var parts = uri.split('/');
    for (var i = 0; i < parts.length; i++) {
        if (parts[i] === '.' || parts[i] === '..') return reply(404, 'Not Found', 'Not found');
        if (parts[i] !== '') segments.push(parts[i]);
    }
    var app = null;
    var used = 0;
    for (var n = Math.min(MAX_SEGMENTS, segments.length); n >= 0 && app === null; n--) {
        app = await lookup('${route}/' + segments.slice(0, n).join('/'));
        used = n;
    }
    if (app === null) return reply(404, 'Not Found', 'Not found');
    var id = await lookup('${release}' + app);
    if (id === null) return reply(503, 'Service Unavailable', 'This app has no release yet. Run its build, then try again.');
    var rest = segments.slice(used);
    var last = rest.length > 0 ? rest[rest.length - 1] : '';
    var deepLink = rest.length === 0 || uri.charAt(uri.length - 1) === '/' || last.indexOf('.') === -1;
    request.uri = '/' + app + '/' + id + '/' + (deepLink ? 'index.html' : rest.join('/'));
    return request;
}
`;
}
