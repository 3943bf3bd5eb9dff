import { DEFAULT_FILE_EXTENSIONS, releaseContract } from "../release-contract";
import { MAX_PATH_SEGMENTS, RESOURCE_NAME_PATTERN } from "../validation";

/** CloudFront Functions reject code above 10 KB. */
export const ROUTER_CODE_LIMIT_BYTES = 10 * 1024;

/** The first line of the router's code: the KeyValueStore module import CloudFront provides. */
export const ROUTER_IMPORT_LINE = "import cf from 'cloudfront';";

/**
 * The viewer-request CloudFront Function (runtime `cloudfront-js-2.0`) that routes every request
 * of the site through the KeyValueStore, following the release contract (`release-contract.ts`):
 *
 * 1. The longest app path wins: it tries the request path's first `MAX_PATH_SEGMENTS` segments
 *    (never past a segment starting with "_", which no app path has), then fewer, then "/" (the
 *    root app), reading `route:<path>` (the app's name, or JSON with its file extensions).
 * 2. A release-qualified URL, `<app path>/_r/<release>/<file>`, is served from that release of that
 *    app (`/<app>/<release>/<file>`) without reading the pointer: an open tab keeps its release.
 *    The id must be a valid release id, so nothing outside the app's own prefix is reachable.
 * 3. Anything else reads `release:<app>`: a URL whose last segment has one of the app's file
 *    extensions is that file of the current release; every other URL is a deep link and gets the
 *    current release's `index.html`.
 * 4. No route: 404. A route without a release yet: 503. Dot segments: 404. Every URI it sends on
 *    starts with `/<app>/`, so S3 never sees a request for the bucket root (a listing). A missing
 *    file is S3's own 404: CloudFront of this distribution may list the bucket, so S3 says
 *    NoSuchKey rather than 403. `/index.html` (the distribution's default root object, which "/"
 *    may arrive as) is the root app's index document like any file of the root app.
 *
 * The query string is left alone. Because the function runs before the cache lookup, the rewritten
 * URI (with its release) is the cache key: a new release is a new key, so no invalidations.
 * `kvs.get` rejects when a key is missing; the runtime advises sequential awaits (no Promise.all).
 */
export function routerFunctionCode(): string {
    const c = releaseContract;
    return `${ROUTER_IMPORT_LINE}
var kvs = cf.kvs();
var MAX_SEGMENTS = ${MAX_PATH_SEGMENTS};
var RELEASE_ID = ${c.releaseIdPattern.toString()};
var APP = ${RESOURCE_NAME_PATTERN.toString()};
var DOTS = /^(\\.|%2e){1,2}$/i;
var FILES = ${JSON.stringify(DEFAULT_FILE_EXTENSIONS)};

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

function notFound() {
    return reply(404, 'Not Found', 'Not found');
}

async function handler(event) {
    var request = event.request;
    var uri = request.uri || '/';
    var segments = [];
    var parts = uri.split('/');
    for (var i = 0; i < parts.length; i++) {
        if (DOTS.test(parts[i])) return notFound();
        if (parts[i] !== '') segments.push(parts[i]);
    }
    var limit = 0;
    while (limit < segments.length && limit < MAX_SEGMENTS && segments[limit].charAt(0) !== '_') limit++;
    var route = null;
    var used = 0;
    for (var n = limit; n >= 0 && route === null; n--) {
        route = await lookup('${c.routeKey("/")}' + segments.slice(0, n).join('/'));
        used = n;
    }
    if (route === null) return notFound();
    var app = route;
    var files = FILES;
    if (route.charAt(0) === '{') {
        try {
            var value = JSON.parse(route);
            app = value.app;
            files = value.ext;
        } catch (e) {
            return notFound();
        }
    }
    if (typeof app !== 'string' || !APP.test(app)) return notFound();
    var rest = segments.slice(used);
    if (rest[0] === '${c.releaseSegment}') {
        if (rest.length < 3 || !RELEASE_ID.test(rest[1])) return notFound();
        request.uri = '/' + app + '/' + rest[1] + '/' + rest.slice(2).join('/');
        return request;
    }
    var id = await lookup('${c.releaseKey("")}' + app);
    if (id === null || !RELEASE_ID.test(id)) return reply(503, 'Service Unavailable', 'This app has no release yet. Run its build, then try again.');
    var last = rest.length > 0 ? rest[rest.length - 1] : '';
    var dot = last.lastIndexOf('.');
    var file = uri.charAt(uri.length - 1) !== '/' && dot > 0 && files.indexOf(last.slice(dot + 1).toLowerCase()) !== -1;
    request.uri = '/' + app + '/' + id + '/' + (file ? rest.join('/') : '${c.indexDocument}');
    return request;
}
`;
}
