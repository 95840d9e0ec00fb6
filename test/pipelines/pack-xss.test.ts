/**
 * Output safety: data-derived text is escaped everywhere. A ward is renamed to an HTML payload
 * in the geography inputs; the pack must show it as text, run no script, make no request, and
 * carry a Content-Security-Policy.
 */
import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { copySharedDemo, lighterDemo } from "../helpers/demo-build.ts";
import { launchChromium } from "../helpers/browser.ts";
import { runBuild } from "../../pipelines/run-build.ts";
import { fixedClock, silentLogger } from "../../pipelines/core/context.ts";

const PAYLOAD = "<img src=x onerror=alert(1)>";

describe("a ward named like an HTML payload", () => {
  it("renders as text in Chromium: no script runs, no element is injected", async () => {
    // The lighter demo (crime, population, deprivation): its ward charts and tables name every
    // ward, and renaming one re-renders only its charts.
    const config = lighterDemo((await copySharedDemo()).config);
    const geo = path.join(config.demoData!.dir, "geography");
    for (const f of ["LSOA21_WD24_LAD24_lookup.csv", "WD24_LAD24_RGN24_CTRY24_lookup.csv", "wards_WD24.geojson"]) {
      const file = path.join(geo, f);
      const text = readFileSync(file, "utf8");
      expect(text).toContain("Fernhill");
      writeFileSync(file, text.replaceAll("Fernhill", f.endsWith(".geojson") ? PAYLOAD.replaceAll('"', '\\"') : PAYLOAD));
    }
    // The focus pack only (its ward charts name every ward of the borough).
    const result = await runBuild({ config, log: silentLogger, clock: fixedClock("2025-06-30T12:00:00Z"), area: "Z05000007", browserPath: false });
    const file = path.join(result.packDirs.find((d) => path.basename(d).startsWith("Z05000007-"))!, "index.html");
    const html = readFileSync(file, "utf8");
    expect(html).not.toContain(PAYLOAD);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain('http-equiv="Content-Security-Policy"');
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      const requests: string[] = [];
      page.on("dialog", (d) => { dialogs.push(d.message()); void d.dismiss(); });
      page.on("request", (r) => requests.push(r.url()));
      await page.goto("file://" + file, { waitUntil: "load" });
      expect(dialogs).toEqual([]);
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect(await page.locator("body").innerText()).toContain(PAYLOAD);
      expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 1_800_000);
});
