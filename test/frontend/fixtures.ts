import { BuildImage } from "../../components/frontend/build-image";
import { FrontendApp, FrontendAppArgs } from "../../components/frontend/frontend-app";
import { SiteHost, SiteHostArgs } from "../../components/frontend/site-host";
import { ProgramResult, RecordedResource, runProgram } from "../../components/testing";

export const REGION = "eu-west-1";

/**
 * App `i` of a generated fleet: "app0".."appN" (so "app1" is a prefix of "app10", which catches
 * prefix-scoping mistakes), every 7th with a container, every 5th under a two-segment path.
 */
export function fleetApp(i: number): Omit<FrontendAppArgs, "site" | "buildImage"> {
    return {
        name: `app${i}`,
        path: i === 0 ? "/" : i % 5 === 0 ? `/group${i % 3}/app${i}` : `/app${i}`,
        source: { repository: "https://github.com/acme/web.git", directory: `apps/app${i}` },
        container: i % 7 === 3 ? {} : undefined,
        webhook: i % 2 === 0,
    };
}

/** A program with one SiteHost, one BuildImage and `apps` FrontendApps. */
export function fleetProgram(apps: number, site: SiteHostArgs = {}) {
    return () => {
        const host = new SiteHost("site", site);
        const image = new BuildImage("build-image", { source: { repository: "https://github.com/acme/build-deps.git" } });
        for (let i = 0; i < apps; i++) new FrontendApp(`app${i}`, { ...fleetApp(i), site: host, buildImage: image });
    };
}

export function runFleet(apps: number, site: SiteHostArgs = {}): Promise<ProgramResult> {
    return runProgram({ stack: "dev", project: "paved", config: { "aws:region": REGION }, program: fleetProgram(apps, site) });
}

export function byUrn(resources: RecordedResource[]): Map<string, RecordedResource> {
    return new Map(resources.map((r) => [r.urn, r]));
}

/** The one recorded resource with this type and logical name. */
export function one(resources: RecordedResource[], type: string, name: string): RecordedResource {
    const found = resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
    return found[0];
}
