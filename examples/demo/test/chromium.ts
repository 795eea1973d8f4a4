import { execFileSync } from "node:child_process";
import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";

/** Debian's chromium package, which .ci/run installs. */
function chromiumPath(): string | undefined {
  try {
    return execFileSync("which", ["chromium"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const CHROMIUM = chromiumPath();

/** Why the browser tests cannot run here, or undefined. */
export const chromiumSkip = CHROMIUM === undefined ? missingChromium() : undefined;

/** In CI (.ci/run installs it) a missing browser is a failure, elsewhere a skip. */
function missingChromium(): string {
  const reason = "chromium is not installed (apt-get install chromium; .ci/run does)";
  if (process.env.CI) throw new Error(`${reason}, and CI is set`);
  return reason;
}

/** Headless, and quiet: nothing of this browser reaches the network but the demo. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
