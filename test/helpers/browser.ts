/** Headless Debian Chromium through playwright-core (never a downloaded browser). */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** The system Chromium, if installed. */
export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

/** Launch flags that keep Chromium off the network and quiet. */
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** Launch headless Chromium (playwright gives it a fresh temporary profile each time). */
export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error("Debian chromium is not installed (.ci/run installs it: apt-get install chromium)");
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
