/**
 * The notebooks end to end: take the warehouse of the run's shared demo build (read-only), build
 * every notebook against it, serve the pages from localhost and load each in headless Chromium. Each
 * page must load with no console error, no page error and no request to any other host (such
 * requests are aborted and reported), and draw its charts. Screenshots go to
 * `<tmp>/localneeds-notebooks/` for a human to look at.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildNotebooks, listNotebooks, type BuildNotebooksResult } from "../../notebooks/build/build-notebooks.ts";
import { CHROMIUM, launchChromium } from "../helpers/browser.ts";
import { sharedDemo } from "../helpers/demo-build.ts";

/** What each notebook must draw at least: shared-builder charts (Vega-Lite) and Plot charts. */
const EXPECTED: Record<string, { charts: number; plots: number; tables: number }> = {
  "index.html": { charts: 0, plots: 0, tables: 2 },
  "indicator-explorer.html": { charts: 3, plots: 1, tables: 1 },
  "crime.html": { charts: 2, plots: 3, tables: 4 },
  "residents-survey.html": { charts: 2, plots: 3, tables: 4 },
  "complaints.html": { charts: 1, plots: 5, tables: 4 },
  "starter.html": { charts: 1, plots: 1, tables: 3 },
};

const SCREENSHOTS = path.join(tmpdir(), "localneeds-notebooks");

describe.skipIf(!CHROMIUM)("notebooks (built offline, loaded in Chromium)", () => {
  let outRoot: string;
  let built: BuildNotebooksResult;
  let server: http.Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    const { warehouse } = await sharedDemo();
    outRoot = mkdtempSync(path.join(tmpdir(), "localneeds-notebooks-out-"));
    built = await buildNotebooks({ warehouse, outDir: path.join(outRoot, "notebooks") });
    server = staticServer(built.outDir);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    rmSync(SCREENSHOTS, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (outRoot) rmSync(outRoot, { recursive: true, force: true });
  });

  it("builds every notebook, running its SQL cells at build time", () => {
    expect(built.pages).toEqual(listNotebooks().map((f) => path.basename(f)));
    expect(Object.keys(EXPECTED).sort()).toEqual([...built.pages].sort());
    expect(built.queries).toBeGreaterThanOrEqual(20);
    // Nothing in the output points at a CDN: every library was bundled from node_modules.
    for (const page of built.pages) expect(readFileSync(path.join(built.outDir, page), "utf-8")).not.toMatch(/cdn\.jsdelivr|esm\.sh|unpkg|api\.observablehq/);
  });

  for (const page of Object.keys(EXPECTED)) {
    it(`${page} loads offline without errors and draws its charts`, async () => {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      const external: string[] = [];
      await context.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith(origin + "/") || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
        external.push(url);
        return route.abort("blockedbyclient");
      });
      const tab = await context.newPage();
      tab.on("console", (m) => {
        if (m.type() === "error") problems.push(`console: ${m.text()}`);
      });
      tab.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      try {
        await tab.goto(`${origin}/${page}`, { waitUntil: "networkidle" });
        const want = EXPECTED[page];
        await tab.waitForFunction(
          (w) =>
            document.querySelectorAll("figure.ln-chart .ln-chart-view svg").length >= w.charts &&
            document.querySelectorAll("svg[class^='plot-']:not([class$='-ramp'])").length >= w.plots &&
            document.querySelectorAll("main table").length >= w.tables,
          want,
          { timeout: 20_000 },
        );
        const seen = await tab.evaluate(() => ({
          charts: [...document.querySelectorAll("figure.ln-chart .ln-chart-view svg")].map((svg) => svg.querySelectorAll("path, rect, line, text").length),
          plots: [...document.querySelectorAll("svg[class^='plot-']:not([class$='-ramp'])")].map((svg) => svg.querySelectorAll("path, rect, line, circle, text").length),
          cellErrors: [...document.querySelectorAll(".observablehq--error")].map((e) => e.textContent ?? ""),
        }));
        // Every chart has marks in it, not just a frame.
        for (const n of [...seen.charts, ...seen.plots]) expect(n).toBeGreaterThan(10);
        expect(seen.cellErrors).toEqual([]);
        if (page === "indicator-explorer.html") {
          // Every indicator renders (rates, proportions, survey estimates, medians, scores).
          const select = tab.locator("form", { hasText: "Indicator" }).locator("select");
          const options = await select.locator("option").allTextContents();
          expect(options.length).toBeGreaterThan(10);
          for (let i = options.length - 1; i >= 0; i--) {
            await select.selectOption(String(i));
            await tab.waitForFunction(
              (title) => [...document.querySelectorAll("figure.ln-chart")].some((f) => f.textContent?.includes(title)),
              options[i].replace(/ \(.*\)$/, ""),
              { timeout: 10_000 },
            );
          }
          expect(await tab.evaluate(() => document.querySelectorAll(".observablehq--error").length)).toBe(0);
        }
        // A full-page screenshot: grow the viewport to the page (no scroll-and-stitch resizing).
        const height = await tab.evaluate(() => document.documentElement.scrollHeight);
        await tab.setViewportSize({ width: 1100, height: Math.min(height, 16_000) });
        await tab.waitForTimeout(200);
        await tab.screenshot({ path: path.join(SCREENSHOTS, page.replace(".html", ".png")) });
        expect(external).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);
  }
});

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** A static file server for `dir` (GET only, no directory listings). */
function staticServer(dir: string): http.Server {
  return http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    const file = path.join(dir, rel.endsWith("/") ? `${rel}index.html` : rel);
    if (!file.startsWith(dir + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" && (err as NodeJS.ErrnoException).code !== "EISDIR") throw err;
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" }).end(body);
  });
}
