import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PavedError } from "../../errors";

/** Where `npm run build:writer` writes the release writer's bundle, relative to the package root. */
export const RELEASE_WRITER_BUNDLE = path.join("build", "release-writer", "index.js");

/** The Lambda runtime of the release writers: Node.js 24, in standard support until April 2028 (AWS Lambda runtimes page). */
export const RELEASE_WRITER_RUNTIME = "nodejs24.x";

/** The package root: the nearest directory up from this file whose package.json names Paved. */
export function packageRoot(from: string = __dirname): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "paved") return dir;
        if (path.dirname(dir) === dir) throw new PavedError(`cannot find Paved's package.json above ${from}`);
    }
}

let bundlePath: string | undefined;

/** The bundle's absolute path; found from the package root, so it works from source and from a compiled package. */
export function releaseWriterBundlePath(): string {
    bundlePath ??= path.join(packageRoot(), RELEASE_WRITER_BUNDLE);
    return bundlePath;
}

/** The release writer's code as a Lambda archive (`index.handler`); fails with the fix when the bundle is missing. */
export function releaseWriterCode(bundle: string = releaseWriterBundlePath()): pulumi.asset.AssetArchive {
    if (!fs.existsSync(bundle)) throw new PavedError(`the release writer's bundle ${bundle} is missing: run \`npm run build:writer\` (npm ci and npm install run it)`);
    return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(bundle) });
}
