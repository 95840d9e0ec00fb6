/**
 * The notebooks on a warehouse other than the demo's: the real Medway 2019 samples
 * (`pipelines/configs/medway-2019.json`: crime, population, deprivation, Fingertips, school; no
 * survey, no complaints), its warehouse the run's shared Medway build (`sharedMedway()`). Every notebook
 * builds; a cell whose tables are absent shows a short note; every page loads offline with no
 * error, draws what it can and passes axe.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { NOTEBOOKS_DIR, buildNotebooks, listNotebooks, type BuildNotebooksResult } from "../../notebooks/build/build-notebooks.ts";
import { CHROMIUM, launchChromium } from "../helpers/browser.ts";
import { hasShared, sharedSkipReason } from "../helpers/shared.ts";
import { sharedMedway } from "../helpers/medway.ts";
import { axeViolations, cdnReferences, offlineTab, serveDir } from "./notebook-pages.ts";

const SURVEY_TABLES = ["marts.survey_design", "marts.survey_priorities", "ref.survey_languages"];

/** What each page must show at least on this warehouse: charts, Plot charts, tables, notes on absent tables. */
const EXPECTED: Record<string, { charts: number; plots: number; tables: number; notes: number }> = {
  "index.html": { charts: 0, plots: 0, tables: 2, notes: 0 },
  "indicator-explorer.html": { charts: 1, plots: 0, tables: 1, notes: 0 },
  "crime.html": { charts: 2, plots: 3, tables: 3, notes: 0 },
  "residents-survey.html": { charts: 0, plots: 0, tables: 0, notes: 1 },
  "complaints.html": { charts: 0, plots: 0, tables: 0, notes: 1 },
  "starter.html": { charts: 1, plots: 1, tables: 1, notes: 0 },
};

describe.skipIf(!hasShared || !CHROMIUM)(`notebooks on the real Medway warehouse (no survey, no complaints)${sharedSkipReason}`, () => {
  let root: string;
  let built: BuildNotebooksResult;
  let log: ReturnType<typeof memoryLogger>;
  let server: Awaited<ReturnType<typeof serveDir>>;
  let browser: Browser;

  beforeAll(async () => {
    const medway = await sharedMedway();
    root = mkdtempSync(path.join(tmpdir(), "localneeds-medway-notebooks-"));
    log = memoryLogger();
    built = await buildNotebooks({ warehouse: medway.warehouse, outDir: path.join(root, "notebooks"), log });
    server = await serveDir(built.outDir);
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("builds every notebook, naming in the log the cells it could not fill", () => {
    expect(built.pages).toEqual(listNotebooks().map((f) => path.basename(f)));
    const rel = (page: string) => path.relative(process.cwd(), path.join(NOTEBOOKS_DIR, page));
    const warnings = log.warnings.filter((w) => w.includes("not shown"));
    expect(warnings).toHaveLength(2);
    const survey = warnings.find((w) => w.startsWith(rel("residents-survey.html")))!;
    const complaints = warnings.find((w) => w.startsWith(rel("complaints.html")))!;
    const cells = (w: string) => Number(/: (\d+) cell/.exec(w)?.[1]);
    expect(survey).toBe(messages.notebookCellsOmitted(rel("residents-survey.html"), cells(survey), SURVEY_TABLES));
    expect(complaints).toBe(messages.notebookCellsOmitted(rel("complaints.html"), cells(complaints), ["marts.complaints_by_month"]));
    expect(cdnReferences(built.outDir)).toEqual([]);
  });

  for (const page of Object.keys(EXPECTED)) {
    it(`${page} loads offline without errors, shows what this warehouse has and passes axe`, async () => {
      const { context, tab, problems, external } = await offlineTab(browser, server.origin);
      try {
        await tab.goto(`${server.origin}/${page}`, { waitUntil: "networkidle" });
        await tab.waitForFunction(
          (w) =>
            !document.querySelector(".observablehq--running") &&
            document.querySelectorAll("figure.ln-chart .ln-chart-view svg").length >= w.charts &&
            document.querySelectorAll("svg[class^='plot-']:not([class$='-ramp'])").length >= w.plots &&
            document.querySelectorAll("main table").length >= w.tables &&
            document.querySelectorAll(".ln-absent").length >= w.notes,
          EXPECTED[page],
          { timeout: 60_000 },
        );
        const notes = await tab.locator(".ln-absent").allTextContents();
        const absent = page === "residents-survey.html" ? SURVEY_TABLES : page === "complaints.html" ? ["marts.complaints_by_month"] : null;
        if (absent) {
          // Each note names the absent tables its cell needed; together, every absent table.
          expect(notes.length).toBeGreaterThan(0);
          const named = notes.map((note) => absent.filter((t) => note.includes(t)));
          expect(notes).toEqual(named.map((tables) => messages.notebookTablesAbsent(tables)));
          expect([...new Set(named.flat())].sort()).toEqual(absent);
        } else expect(notes).toEqual([]);
        if (page === "indicator-explorer.html") {
          // The indicator as this build measured it (ref.indicators): Medway's rates over IoD File 6's
          // denominators, not the catalogue's default "ONS population estimates".
          await expect.poll(() => tab.locator("main").innerText(), { timeout: 30_000 }).toContain("Source: police.uk street-level crime; IoD File 6 population denominators (excluding prisoners)");
        }
        expect(await tab.evaluate(() => [...document.querySelectorAll(".observablehq--error")].map((e) => e.textContent))).toEqual([]);
        expect(await axeViolations(tab)).toEqual([]);
        expect(external).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 180_000);
  }
});
