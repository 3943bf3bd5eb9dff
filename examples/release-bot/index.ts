// Imports Paved by its package name, as a team's own repository does (here it resolves to the sources).
import { AppBuildResult, Paved, PointerChange } from "paved/automation";
import { releaseContract } from "paved";

export type BotOutcome = { outcome: "build-failed"; build: AppBuildResult } | { outcome: "released" | "rolled-back" | "not-released"; build: AppBuildResult; release: string; change?: PointerChange };

/**
 * Builds `app` in `env`, checks the release the build uploaded (its release URL serves it before
 * any pointer moves), then serves it if `check` passes; otherwise, if the build already released
 * it (builds release forward), rolls the app back.
 */
export async function releaseBot(paved: Paved, env: string, app: string, check: (release: string, url: string) => Promise<boolean>): Promise<BotOutcome> {
    const { builds: [build] } = await paved.build(env, { apps: [app] });
    if (build.status !== "SUCCEEDED") return { outcome: "build-failed", build };
    const { releases: [release], current } = await paved.releases(env, app);
    const appUrl = new URL((await paved.outputs(env)).apps[app].url);
    const url = new URL(releaseContract.releaseBaseUrl(appUrl.pathname.replace(/(.)\/$/, "$1"), release), appUrl).href;
    if (await check(release, url)) return { outcome: "released", build, release, change: await paved.release(env, app, release) };
    if (current !== release) return { outcome: "not-released", build, release };
    return { outcome: "rolled-back", build, release, change: await paved.rollback(env, app) };
}

if (require.main === module) {
    const [env, app] = process.argv.slice(2);
    const paved = new Paved({ projectDir: process.cwd(), onEvent: (e) => e.type === "build" && console.log(`${e.build.app}: ${e.build.status}`) });
    releaseBot(paved, env, app, async (_release, url) => (await fetch(url)).ok).then(
        (r) => (console.log(JSON.stringify(r, null, 2)), (process.exitCode = r.outcome === "released" ? 0 : 1)),
        (e) => (console.error(e.message), (process.exitCode = 2)),
    );
}
