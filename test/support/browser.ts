import * as fs from "fs";
import type { Browser } from "playwright-core";

/** Debian's Chromium (`apt-get install -y chromium`); `.ci/run` installs it when missing. */
export const CHROMIUM_PATH = process.env.PAVED_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Flags for headless Chromium on a closed network: no sandbox (CI runs as root), no background
 * traffic (component updates, sync, first-run checks) that would hammer refused connections.
 */
export const CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

export interface LaunchedBrowser {
    browser: Browser;
    /** Closes the browser (Playwright removes the fresh profile it created). */
    close(): Promise<void>;
}

/**
 * Starts headless Chromium; Playwright gives every launch a fresh temporary profile. Fails with the
 * install command when Chromium is missing.
 */
export async function launchChromium(): Promise<LaunchedBrowser> {
    if (!fs.existsSync(CHROMIUM_PATH)) {
        throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (Debian) or set PAVED_CHROMIUM to a Chromium binary`);
    }
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
    return { browser, close: () => browser.close() };
}
