import * as YAML from "yaml";
import { releaseContract } from "../release-contract";

/** Where the build image keeps its pre-warmed npm cache; app builds install from it. */
export const NPM_CACHE_DIR = "/opt/paved/npm-cache";

/** Where the build image installs each supported Node.js major version (`<dir>/<major>/bin`). */
export const NODE_ROOT_DIR = "/opt/paved/node";

/** Node.js majors the build image carries (the app config's `build.nodeVersion` values). */
export const NODE_VERSIONS = ["18", "20", "22"] as const;
export type NodeVersion = (typeof NODE_VERSIONS)[number];

/** The CodeBuild curated image the build image starts from (AWS CLI v2, Docker, git). */
export const BUILD_IMAGE_BASE = "public.ecr.aws/codebuild/amazonlinux-x86_64-standard:5.0";

/** Cache-Control of files that never change under their name (fingerprinted assets). */
export const IMMUTABLE_CACHE_CONTROL = "public,max-age=31536000,immutable";
/** Cache-Control of everything else (HTML, robots.txt, service workers): always revalidate. */
export const REVALIDATE_CACHE_CONTROL = "no-cache";

/**
 * Output paths treated as fingerprinted (content-hashed names), relative to the output directory:
 * the asset directories of Vite, Create React App and Next.js static export. Everything else is
 * uploaded as `no-cache`, because the browser sees it under a URL that does not change between
 * releases (`/catalog/sw.js`), so a year-long cache would pin an old copy.
 */
export const DEFAULT_IMMUTABLE_PATTERNS = ["assets/*", "static/*", "_next/static/*"];

/** Environment variables every app project sets; app `environment` may not reuse these names. */
export const APP_BUILD_VARIABLES = ["APP", "APP_PATH", "BUCKET", "ASSET_PREFIX", "RELEASE_WRITER", "NODE_VERSION", "REPOSITORY_URI"] as const;

/**
 * Variables the buildspec exports for the app's build (pre_build), so a bundler and a client-side
 * router know where the app lives: see the README's "Make your app Paved-ready". Names starting
 * with `PAVED_` are reserved too.
 */
export const APP_BASE_VARIABLES = {
    /** The release base URL, with a trailing slash: `/catalog/_r/<release>/` (root app: `/_r/<release>/`). */
    baseUrl: "PAVED_BASE_URL",
    /** The app's path, for a client-side router's basename: `/catalog` (root app: `/`). */
    appPath: "PAVED_APP_PATH",
    /** The release id (also `RELEASE_ID`). */
    releaseId: "PAVED_RELEASE_ID",
    /** Create React App's asset base (`%PUBLIC_URL%`, `process.env.PUBLIC_URL`). */
    publicUrl: "PUBLIC_URL",
    /** The app path again, under the prefixes bundlers expose to client code. */
    clientAppPath: ["VITE_PAVED_APP_PATH", "REACT_APP_PAVED_APP_PATH", "NEXT_PUBLIC_PAVED_APP_PATH"],
} as const;

/** Every variable name an app's `build.environment` may not set. */
export function reservedBuildVariable(name: string): boolean {
    const b = APP_BASE_VARIABLES;
    const names: string[] = [...APP_BUILD_VARIABLES, b.baseUrl, b.appPath, b.releaseId, b.publicUrl, ...b.clientAppPath, "RELEASE_ID", "IMAGE_TAG"];
    return names.includes(name) || name.startsWith("PAVED_") || name.startsWith("CODEBUILD_");
}

export interface AppBuildspecOptions {
    /** The app's URL path ("/" or e.g. "/catalog"): the base URLs the build is told. */
    appPath: string;
    /** Directory of the app in the repository ("." for the root). */
    directory: string;
    /** Install command; defaults to `npm ci` from the image's pre-warmed cache. */
    installCommand?: string;
    /** Build command, run in `directory`. */
    command: string;
    /** Build output directory, relative to `directory`. */
    outputDirectory: string;
    /** Glob patterns (aws s3 sync `--include` syntax) of fingerprinted files in the output. */
    immutablePatterns?: string[];
    /** Build and push an image with this Dockerfile (relative to `directory`). */
    dockerfile?: string;
}

/** The default install command: offline-first from the build image's cache. */
export const DEFAULT_INSTALL_COMMAND = `npm ci --prefer-offline --no-audit --no-fund --cache ${NPM_CACHE_DIR}`;

function quote(s: string): string {
    return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `npm run <script>` (optionally `npm run-script`): a build command Paved can pass `--base` through. */
const NPM_RUN = /^npm run(?:-script)? ([A-Za-z0-9:._-]+)$/;

/**
 * Node.js that exits 0 when the npm script named by its argument ends in `vite build` (so npm's
 * `-- <args>` reach Vite) and does not set `--base` itself.
 */
const VITE_SCRIPT_CHECK = `node -e 'const s=((require("./package.json").scripts)||{})[process.argv[1]]||"";process.exit(/(^|&&|;)\\s*(npx\\s+)?vite\\s+build(\\s[^&;|]*)?$/.test(s)&&!/--base\\b/.test(s)?0:1)'`;

/**
 * The build command with Vite told its base URL: Vite reads no environment variable for it, so
 * when the command is `npm run <script>` and that script ends in `vite build`, Paved appends
 * `-- --base "$PAVED_BASE_URL"`. Any other command runs as given (the app sets `base` itself).
 */
export function buildCommand(command: string): string {
    const m = NPM_RUN.exec(command.trim());
    if (!m) return command;
    const base = `${command.trim()} -- --base "$${APP_BASE_VARIABLES.baseUrl}"`;
    return `if ${VITE_SCRIPT_CHECK} ${quote(m[1])} 2> /dev/null; then echo "Vite build: --base $${APP_BASE_VARIABLES.baseUrl}"; ${base}; else ${command.trim()}; fi`;
}

/** A step that fails the command it is in with `message` unless `test` passes. */
function require_(test: string, message: string): string {
    return `${test} || { echo ${quote(message)} >&2; exit 1; }`;
}

/**
 * The buildspec (YAML) of an app's CodeBuild project. Values that are only known at deploy time
 * (bucket, release writer, repository) come from the project's environment variables
 * (`APP_BUILD_VARIABLES`), so this stays a pure function of the app's build settings.
 *
 * The release contract (`release-contract.ts`): pre_build names the release and exports its base
 * URL (`APP_BASE_VARIABLES`), which the build bakes into the HTML; post_build uploads the
 * fingerprinted files, then the other files, then the HTML last (a release with an `index.html` is
 * complete), and only then asks the app's release writer (a Lambda function; the build role may
 * invoke only it and holds no KeyValueStore permission) to move the pointer. `post_build` runs
 * even after a failed build in CodeBuild, hence `on-failure: ABORT` and the
 * `CODEBUILD_BUILD_SUCCEEDING` guard: a failed build uploads nothing and moves nothing.
 */
export function appBuildspec(options: AppBuildspecOptions): string {
    const dir = `"$CODEBUILD_SRC_DIR"/${quote(options.directory)}`;
    const out = `${dir}/${quote(options.outputDirectory)}`;
    const immutable = options.immutablePatterns ?? DEFAULT_IMMUTABLE_PATTERNS;
    const includes = immutable.map((p) => `--include ${quote(p)}`).join(" ");
    const excludes = immutable.map((p) => `--exclude ${quote(p)}`).join(" ");
    const dest = `"s3://$BUCKET/$ASSET_PREFIX$RELEASE_ID/"`;
    const container = options.dockerfile !== undefined;
    const v = APP_BASE_VARIABLES;
    const index = releaseContract.indexDocument;

    const install = [
        `export PATH="${NODE_ROOT_DIR}/$NODE_VERSION/bin:$PATH"`,
        "node --version && npm --version",
        `cd ${dir}`,
        options.installCommand ?? DEFAULT_INSTALL_COMMAND,
    ];
    const preBuild = [
        `export RELEASE_ID="$(date -u +%Y%m%d%H%M%S)-$(echo "$CODEBUILD_RESOLVED_SOURCE_VERSION" | cut -c1-7)"`,
        `export ${v.releaseId}="$RELEASE_ID" ${v.appPath}=${quote(options.appPath)} ${v.baseUrl}="${releaseContract.releaseBaseUrl(options.appPath, "$RELEASE_ID")}"`,
        `export ${v.publicUrl}="$${v.baseUrl}" ${v.clientAppPath.map((n) => `${n}="$${v.appPath}"`).join(" ")}`,
        `echo "release $RELEASE_ID of $APP at $${v.appPath}, files under $${v.baseUrl}"`,
    ];
    const build = [
        `cd ${dir}`,
        buildCommand(options.command),
        require_(`test -d ${out}`, `build output directory ${options.outputDirectory} is missing`),
        require_(`test -f ${out}/${index}`, `${options.outputDirectory}/${index} is missing: Paved serves it for the app's URL and deep links`),
        // Not fatal: an app may inline everything. But then its pages cannot survive a release.
        `grep -q "$${v.baseUrl}" ${out}/${index} || echo "warning: ${index} does not reference $${v.baseUrl}; open tabs will not keep their release (see Make your app Paved-ready in the Paved README)" >&2`,
    ];
    const postBuild = [`[ "$CODEBUILD_BUILD_SUCCEEDING" = "1" ] || { echo "build failed: nothing uploaded, release unchanged" >&2; exit 1; }`];

    if (container) {
        // A custom image does not start Docker by itself, even in privileged mode.
        install.push(
            "nohup /usr/local/bin/dockerd --host=unix:///var/run/docker.sock --storage-driver=overlay2 > /tmp/dockerd.log 2>&1 &",
            `timeout 30 sh -c "until docker info > /dev/null 2>&1; do sleep 1; done"`,
        );
        preBuild.push(
            `export IMAGE_TAG="$CODEBUILD_RESOLVED_SOURCE_VERSION"`,
            `aws ecr get-login-password | docker login --username AWS --password-stdin "\${REPOSITORY_URI%%/*}"`,
        );
        build.push(`docker build -f ${dir}/${quote(options.dockerfile!)} -t "$REPOSITORY_URI:$IMAGE_TAG" ${dir}`);
        // Tags are immutable: a rebuild of the same commit keeps the image already pushed.
        postBuild.push(
            `if aws ecr describe-images --repository-name "\${REPOSITORY_URI#*/}" --image-ids imageTag="$IMAGE_TAG" > /dev/null 2>&1; then echo "image $IMAGE_TAG already pushed"; else docker push "$REPOSITORY_URI:$IMAGE_TAG"; fi`,
        );
    }

    const response = `/tmp/paved-release-$RELEASE_ID.json`;
    postBuild.push(
        `aws s3 sync ${out} ${dest} --exclude '*' ${includes} --exclude '*.html' --cache-control ${quote(IMMUTABLE_CACHE_CONTROL)} --no-progress`,
        `aws s3 sync ${out} ${dest} ${excludes} --exclude '*.html' --cache-control ${quote(REVALIDATE_CACHE_CONTROL)} --no-progress`,
        `aws s3 sync ${out} ${dest} --exclude '*' --include '*.html' --cache-control ${quote(REVALIDATE_CACHE_CONTROL)} --no-progress`,
        // Only now is the release complete: the app's release writer moves the pointer (ETag-guarded,
        // only forward: a build that finishes after a newer one does not take the app back).
        [
            `FUNCTION_ERROR="$(aws lambda invoke --function-name "$RELEASE_WRITER" --cli-binary-format raw-in-base64-out`,
            `--payload "{\\"action\\":\\"release\\",\\"release\\":\\"$RELEASE_ID\\",\\"ifNewer\\":true}" --query FunctionError --output text "${response}")"`,
            `&& [ "$FUNCTION_ERROR" = "None" ]`,
            `|| { echo "the release writer did not release $RELEASE_ID: $FUNCTION_ERROR $(cat "${response}" 2> /dev/null)" >&2; exit 1; }`,
        ].join(" "),
        `echo "released $APP $RELEASE_ID: $(cat "${response}")"`,
    );

    const spec = {
        version: 0.2,
        env: { shell: "bash", "exported-variables": container ? ["RELEASE_ID", "IMAGE_TAG"] : ["RELEASE_ID"] },
        phases: {
            install: { "on-failure": "ABORT", commands: install },
            pre_build: { "on-failure": "ABORT", commands: preBuild },
            build: { "on-failure": "ABORT", commands: build },
            post_build: { commands: postBuild },
        },
    };
    return YAML.stringify(spec, { lineWidth: 0 });
}

export interface BuildImageBuildspecOptions {
    /** Directory in the source repository holding `package.json` and `package-lock.json`. */
    lockfileDirectory: string;
    /** Node.js majors to install. */
    nodeVersions: readonly string[];
    /** The Node.js major `npm ci` warms the cache with. */
    defaultNodeVersion: string;
}

/** The Dockerfile of the build image: Node.js majors side by side, and the npm cache warmed from a lockfile. */
export function buildImageDockerfile(options: BuildImageBuildspecOptions): string {
    const nodes = options.nodeVersions
        .map(
            (v) =>
                `RUN set -eu; base=https://nodejs.org/dist/latest-v${v}.x; ` +
                `file=$(curl -fsSL $base/SHASUMS256.txt | awk '/linux-x64.tar.xz$/ {print $2}'); ` +
                `curl -fsSLO $base/$file && curl -fsSL $base/SHASUMS256.txt | grep " $file\\$" | sha256sum -c - && ` +
                `mkdir -p ${NODE_ROOT_DIR}/${v} && tar -xJf $file -C ${NODE_ROOT_DIR}/${v} --strip-components=1 && rm $file`,
        )
        .join("\n");
    return [
        `FROM ${BUILD_IMAGE_BASE}`,
        nodes,
        `COPY package.json package-lock.json /tmp/warm/`,
        `RUN cd /tmp/warm && PATH=${NODE_ROOT_DIR}/${options.defaultNodeVersion}/bin:$PATH npm ci --ignore-scripts --no-audit --no-fund --cache ${NPM_CACHE_DIR} && rm -rf /tmp/warm`,
        `ENV PATH=${NODE_ROOT_DIR}/${options.defaultNodeVersion}/bin:$PATH`,
        "",
    ].join("\n");
}

/**
 * The buildspec of the build image's project: writes the Dockerfile (embedded, base64, so the
 * source repository only needs its lockfile), builds, and pushes `:latest` and `:<UTC date>`.
 * Runs on the curated CodeBuild image in privileged mode, which starts Docker itself.
 * Expects `REPOSITORY_URI` in the project's environment.
 */
export function buildImageBuildspec(options: BuildImageBuildspecOptions): string {
    const dockerfile = Buffer.from(buildImageDockerfile(options)).toString("base64");
    const dir = `"$CODEBUILD_SRC_DIR"/${quote(options.lockfileDirectory)}`;
    const spec = {
        version: 0.2,
        env: { shell: "bash", "exported-variables": ["IMAGE_DATE"] },
        phases: {
            pre_build: {
                "on-failure": "ABORT",
                commands: [
                    `export IMAGE_DATE="$(date -u +%Y%m%d%H%M%S)"`,
                    `aws ecr get-login-password | docker login --username AWS --password-stdin "\${REPOSITORY_URI%%/*}"`,
                    `cd ${dir}`,
                    `test -f package-lock.json || { echo "package-lock.json not found in ${options.lockfileDirectory}" >&2; exit 1; }`,
                    `echo ${dockerfile} | base64 -d > Dockerfile.paved`,
                ],
            },
            build: {
                "on-failure": "ABORT",
                commands: [`cd ${dir}`, `docker build --pull -f Dockerfile.paved -t "$REPOSITORY_URI:$IMAGE_DATE" .`],
            },
            post_build: {
                commands: [
                    `[ "$CODEBUILD_BUILD_SUCCEEDING" = "1" ] || exit 1`,
                    `docker push "$REPOSITORY_URI:$IMAGE_DATE"`,
                    `docker tag "$REPOSITORY_URI:$IMAGE_DATE" "$REPOSITORY_URI:latest"`,
                    `docker push "$REPOSITORY_URI:latest"`,
                ],
            },
        },
    };
    return YAML.stringify(spec, { lineWidth: 0 });
}
