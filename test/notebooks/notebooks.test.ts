/**
 * The notebooks end to end: take the warehouse of the run's shared demo build (read-only), build
 * every notebook against it, serve the pages from localhost and load each in headless Chromium. Each
 * page must load with no console error, no page error and no request to any other host (such
 * requests are aborted and reported), draw its charts and pass axe. No built file names a CDN;
 * a page opened from file:// says how to serve it. (A notebook of one's own reading FileAttachments
 * offline: `notebook-files.test.ts`.) Screenshots go to `<tmp>/localneeds-notebooks/` for a human
 * to look at.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messages } from "../../pipelines/core/messages.ts";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { buildNotebooks, listNotebooks, type BuildNotebooksResult } from "../../notebooks/build/build-notebooks.ts";
import { CHROMIUM, launchChromium } from "../helpers/browser.ts";
import { sharedDemo, type SharedDemo } from "../helpers/demo-build.ts";
import { axeViolations, cdnReferences, offlineTab, serveDir } from "./notebook-pages.ts";

/** What each notebook must draw at least: shared-builder charts (Vega-Lite) and Plot charts. */
const EXPECTED: Record<string, { charts: number; plots: number; tables: number }> = {
  "index.html": { charts: 0, plots: 0, tables: 2 },
  "indicator-explorer.html": { charts: 3, plots: 1, tables: 1 },
  "crime.html": { charts: 2, plots: 3, tables: 4 },
  "residents-survey.html": { charts: 2, plots: 3, tables: 4 },
  "complaints.html": { charts: 1, plots: 5, tables: 4 },
  "starter.html": { charts: 1, plots: 1, tables: 3 },
};

/** Where full-page screenshots of the pages go, for looking at them: only when LOCALNEEDS_SCREENSHOTS names a folder. */
const SCREENSHOTS = process.env.LOCALNEEDS_SCREENSHOTS || null;

describe.skipIf(!CHROMIUM)("notebooks (built offline, loaded in Chromium)", () => {
  let outRoot: string;
  let demo: SharedDemo;
  let warehouse: string;
  let built: BuildNotebooksResult;
  let server: Awaited<ReturnType<typeof serveDir>>;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    demo = await sharedDemo();
    warehouse = demo.warehouse;
    outRoot = mkdtempSync(path.join(tmpdir(), "localneeds-notebooks-out-"));
    built = await buildNotebooks({ warehouse, outDir: path.join(outRoot, "notebooks") });
    server = await serveDir(built.outDir);
    origin = server.origin;
    browser = await launchChromium();
    if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outRoot) rmSync(outRoot, { recursive: true, force: true });
  });

  it("builds every notebook, running its SQL cells at build time", () => {
    expect(built.pages).toEqual(listNotebooks().map((f) => path.basename(f)));
    expect(Object.keys(EXPECTED).sort()).toEqual([...built.pages].sort());
    expect(built.queries).toBeGreaterThanOrEqual(20);
    // Nothing in the output, pages or assets, points at a CDN: every library was bundled from
    // node_modules, Notebook Kit's lazy loaders included.
    expect(cdnReferences(built.outDir)).toEqual([]);
  });

  it("a build in another process writes the same pages and assets, byte for byte (query results are named by their query, not the session)", () => {
    const again = path.join(outRoot, "again");
    execFileSync(process.execPath, ["--import", "tsx", "pipelines/notebooks.ts", "build", "--warehouse", warehouse, "--out", again], { stdio: "pipe" });
    const tree = (dir: string) => Object.fromEntries(readdirSync(dir, { recursive: true }).map(String).sort()
      .filter((f) => statSync(path.join(dir, f)).isFile())
      .map((f) => [f, createHash("sha256").update(readFileSync(path.join(dir, f))).digest("hex")]));
    const first = tree(built.outDir);
    expect(Object.keys(first).filter((f) => /^assets\/warehouse-[0-9a-z]+-[\w-]+\.json$/.test(f)).length).toBeGreaterThanOrEqual(10);
    expect(tree(again)).toEqual(first);
  }, 300_000);

  it("says, on a page opened from file://, how to serve it, and hides the half-drawn page", async () => {
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      await tab.goto(pathToFileURL(path.join(built.outDir, "crime.html")).href, { waitUntil: "load" });
      const notice = tab.locator(".ln-file-protocol");
      expect(await notice.isVisible()).toBe(true);
      expect(await notice.textContent()).toBe(messages.notebookFileProtocol("crime.html"));
      expect(await tab.locator("main").isVisible()).toBe(false);
      expect(await tab.locator("nav a").count()).toBe(built.pages.length);
    } finally {
      await context.close();
    }
  });

  for (const page of Object.keys(EXPECTED)) {
    it(`${page} loads offline without errors and draws its charts`, async () => {
      const { context, tab, problems, external } = await offlineTab(browser, origin);
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
        expect(await tab.locator(".ln-file-protocol").isVisible()).toBe(false);
        expect(await axeViolations(tab)).toEqual([]);
        if (page === "indicator-explorer.html") {
          // Every kind of indicator renders: one of each method, numerator, unit, polarity and set
          // of period types (rates, proportions, survey estimates, medians, scores, published
          // values), the first and the last listed too: 23 of the demo's 41. (Each one drawn is
          // half a second of Chromium: all of them took 23 s of the suite.)
          const select = tab.locator("form", { hasText: "Indicator" }).locator("select");
          const options = await select.locator("option").allTextContents();
          expect(options.length).toBeGreaterThan(10);
          // The catalogue's indicators by their definition; those of the Fingertips exports by
          // their method and period types in the warehouse.
          const byId = new Map(demo.indicators.map((ind) => [ind.id, [ind.method, ind.numerator.kind, ind.unit, ind.polarity, ind.periods.join(" ")].join("|")]));
          const db = await Warehouse.open(warehouse, { readOnly: true });
          try {
            const rows = await db.all<{ id: string; kind: string }>(`SELECT indicator_id AS id, 'published|' || string_agg(DISTINCT method, ' ' ORDER BY method) || '|' ||
              string_agg(DISTINCT period_type, ' ' ORDER BY period_type) AS kind FROM marts.indicator_values GROUP BY 1`);
            for (const r of rows) if (!byId.has(r.id)) byId.set(r.id, r.kind);
          } finally {
            db.close();
          }
          // An option reads "<short title> (<id>)": each named by its title, Fingertips indicators
          // too (they were listed by their id alone).
          const idOf = (text: string) => /\(([^()]+)\)$/.exec(text)?.[1] ?? "";
          expect(options.filter((text) => text.startsWith(`${idOf(text)} (`))).toEqual([]);
          const kinds = new Map<string, number>();
          for (const [i, text] of options.entries()) {
            const kind = byId.get(idOf(text));
            expect(kind, `option "${text}" names an indicator of the build`).toBeDefined();
            if (!kinds.has(kind!)) kinds.set(kind!, i);
          }
          const drawn = [...new Set([0, ...kinds.values(), options.length - 1])].sort((a, b) => b - a);
          expect(drawn.length).toBeGreaterThan(6);
          for (const i of drawn) {
            await select.selectOption(String(i));
            await tab.waitForFunction(
              (title) => [...document.querySelectorAll("figure.ln-chart")].some((f) => f.textContent?.includes(title)),
              options[i].replace(/ \(.*\)$/, ""),
              { timeout: 10_000 },
            );
          }
          expect(await tab.evaluate(() => document.querySelectorAll(".observablehq--error").length)).toBe(0);
        }
        if (SCREENSHOTS) {
          // A full-page screenshot: grow the viewport to the page (no scroll-and-stitch resizing).
          const height = await tab.evaluate(() => document.documentElement.scrollHeight);
          await tab.setViewportSize({ width: 1100, height: Math.min(height, 16_000) });
          await tab.waitForTimeout(200);
          await tab.screenshot({ path: path.join(SCREENSHOTS, page.replace(".html", ".png")) });
        }
        expect(external).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 300_000);
  }
});
