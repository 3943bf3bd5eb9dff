import { DEFAULT_ROOT_OBJECT, RELEASE_ID_PATTERN, releaseIdViolation } from "./validation";

/** Why a string is not a release id (the rule is `releaseContract.releaseIdPattern`). */
export { releaseIdViolation };

/** CloudFront KeyValueStore values are at most 1 KB (AWS-FACTS). */
export const KVS_VALUE_LIMIT_BYTES = 1024;

/**
 * Extensions that make an unversioned URL a file (`/catalog/robots.txt`) rather than a deep link
 * into the app (`/catalog/users/jane.doe`, `/docs/v1.2`), which gets the release's `index.html`.
 * An app can replace the list (`fileExtensions`); the router carries this default in its code.
 */
export const DEFAULT_FILE_EXTENSIONS: readonly string[] = [
    "html", "htm", "js", "mjs", "cjs", "css", "map", "json", "webmanifest", "txt", "xml",
    "ico", "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp",
    "woff", "woff2", "ttf", "otf", "eot", "wasm", "pdf", "csv", "zip",
    "mp3", "mp4", "webm", "ogg", "wav",
];

/** What a route entry says: the app, and its file extensions when they are not the default. */
export interface RouteValue {
    app: string;
    ext?: string[];
}

/**
 * The release contract between builds, the router function, the release writer and the CLI.
 * Pure (no Pulumi, no SDK): the release writer's Lambda bundle and the router's generated code read
 * it too. `resource-names.ts` re-exports it.
 *
 * - Assets of release R of app A live under `s3://<assetBucket>/<A>/<R>/`; `<A>/<R>/index.html`
 *   exists only once the whole release is uploaded (builds upload it last).
 * - The KeyValueStore holds, per app path, a route entry (written only by Pulumi) and, per app, a
 *   release pointer (written only by the app's release writer; Pulumi never writes or reverts it).
 * - A release's HTML references its files under `<app path>/_r/<R>/` (the release base URL), so a
 *   page keeps loading its own release's chunks after the next release goes live. Unversioned URLs
 *   (`<app path>/`, deep links, `<app path>/robots.txt`) follow the release pointer.
 * - Builds name releases `<UTC yyyymmddHHMMSS>-<first 7 of commit sha>`, so ids sort by time.
 */
export const releaseContract = {
    /** KeyValueStore key of the route for app path `path` ("/", "/catalog"). */
    routeKey: (path: string) => `route:${path}`,
    /** KeyValueStore key of app `app`'s current release id. */
    releaseKey: (app: string) => `release:${app}`,
    /** S3 key prefix of one release of an app, with a trailing slash. */
    releasePrefix: (app: string, release: string) => `${app}/${release}/`,
    /** S3 key prefix of all of an app's releases, with a trailing slash. */
    appPrefix: (app: string) => `${app}/`,
    /** The document served for the app's root and deep links; uploaded last, so it marks a complete release. */
    indexDocument: "index.html",
    /** S3 key of a release's index document. */
    releaseIndexKey: (app: string, release: string) => `${app}/${release}/index.html`,
    /**
     * The path segment that starts a release-qualified URL. App path segments start with a letter
     * or digit, so it can never be (part of) an app path.
     */
    releaseSegment: "_r",
    /** The app's base URL: "/catalog/", or "/" for the root app. */
    appBaseUrl: (path: string) => (path === "/" ? "/" : `${path}/`),
    /** Where release `release` of the app at `path` serves its files: "/catalog/_r/<release>/" (root: "/_r/<release>/"). */
    releaseBaseUrl: (path: string, release: string) => `${releaseContract.appBaseUrl(path)}${releaseContract.releaseSegment}/${release}/`,
    /** The release id rule (also compiled into the router). */
    releaseIdPattern: RELEASE_ID_PATTERN,
    /**
     * The distribution's default root object. Whether CloudFront applies it before or after the
     * router, "/" gets the root app's index document: the router maps "/index.html" to it (no app
     * may take that path), and it never sends "/" on.
     */
    rootObject: DEFAULT_ROOT_OBJECT,
    /**
     * The value of an app's route entry: the app's name, or JSON `{"app":…,"ext":[…]}` when its
     * file extensions differ from `DEFAULT_FILE_EXTENSIONS`.
     */
    routeValue(app: string, fileExtensions?: readonly string[]): string {
        const same = !fileExtensions || (fileExtensions.length === DEFAULT_FILE_EXTENSIONS.length && fileExtensions.every((e, i) => e === DEFAULT_FILE_EXTENSIONS[i]));
        return same ? app : JSON.stringify({ app, ext: [...fileExtensions] } satisfies RouteValue);
    },
    /** The inverse of `routeValue`. */
    parseRouteValue(value: string): RouteValue {
        return value.startsWith("{") ? (JSON.parse(value) as RouteValue) : { app: value };
    },
};
