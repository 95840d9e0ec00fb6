/**
 * The HTML pack in headless Chromium: it opens from file:// with no console errors and no
 * request beyond file://, has no serious or critical axe-core violations (axe injected from
 * node_modules; the page's CSP forbids scripts, so the test context bypasses it), headings in
 * order, the page language set, and every chart with its text alternative and data table.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Browser } from "playwright-core";
import { sharedDemo, type SharedDemo } from "../helpers/demo-build.ts";
import { CHROMIUM, launchChromium } from "../helpers/browser.ts";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

let built: SharedDemo;
let browser: Browser | undefined;
beforeAll(async () => {
  built = await sharedDemo();
  if (CHROMIUM) browser = await launchChromium();
}, 900_000);
afterAll(async () => browser?.close());

const packs = () => [
  { name: "focus pack", dir: built.packDirs.find((d) => path.basename(d).startsWith("Z05000007-"))! },
  { name: "borough overview", dir: built.packDirs.find((d) => path.basename(d).endsWith("-overview"))! },
];

describe("both packs are written", () => {
  it("a focus pack and the borough overview, each with HTML, PDF, workbook and manifest", () => {
    expect(packs().every((p) => p.dir)).toBe(true);
    for (const p of packs()) for (const f of ["index.html", "pack.xlsx", "manifest.json"]) expect(existsSync(path.join(p.dir, f)), `${p.name}: ${f}`).toBe(true);
  });
});

describe("the overview's ward tables", () => {
  it("mark a value suppressed to protect a count with *, and one withheld for want of data (asthma's wards without counts) with –", () => {
    const html = readFileSync(path.join(packs().find((p) => p.name === "borough overview")!.dir, "index.html"), "utf8");
    // Dene Park's rows in every domain's table; its asthma admissions have a member row without counts ("no data").
    const cells = (ward: string) => [...html.matchAll(new RegExp(`<th scope="row">${ward}</th>(.*?)</tr>`, "gs"))]
      .flatMap((r) => [...r[1]!.matchAll(/<td class="num">([^<]*)/g)].map((m) => m[1]));
    expect(cells("Dene Park")).toContain("–");
    expect(cells("Dene Park")).toContain("*");
    expect(html).toContain("– no value: no data for the ward in that period.");
  });
});

describe.skipIf(!CHROMIUM)(`the HTML packs in headless Chromium${CHROMIUM ? "" : " (skipped: chromium not installed)"}`, () => {
  for (const which of ["focus pack", "borough overview"]) {
    it(`${which}: no console errors, no request beyond file://, no serious or critical axe violations`, async () => {
      const p = packs().find((x) => x.name === which)!;
      const context = await browser!.newContext({ bypassCSP: true, viewport: { width: 1100, height: 1400 } });
      try {
        const page = await context.newPage();
        const errors: string[] = [];
        const requests: string[] = [];
        page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
        page.on("pageerror", (e) => void errors.push(e.message));
        page.on("request", (r) => void requests.push(r.url()));
        await page.goto("file://" + path.join(p.dir, "index.html"), { waitUntil: "load" });
        expect(errors).toEqual([]);
        expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
        await page.addScriptTag({ content: AXE });
        const result = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
          return axe.run(document, { resultTypes: ["violations"] });
        });
        const serious = result.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
        expect(serious).toEqual([]);
      } finally {
        await context.close();
      }
    }, 180_000);

    it(`${which}: page language, headings in order, every chart with a text alternative and its data table`, async () => {
      const p = packs().find((x) => x.name === which)!;
      const page = await browser!.newPage();
      try {
        await page.goto("file://" + path.join(p.dir, "index.html"), { waitUntil: "load" });
        expect(await page.getAttribute("html", "lang")).toBe("en-GB");
        const levels = await page.$$eval("h1, h2, h3, h4", (hs) => hs.map((h) => Number(h.tagName.slice(1))));
        expect(levels[0]).toBe(1);
        expect(levels.filter((l) => l === 1)).toHaveLength(1);
        levels.forEach((l, i) => {
          if (i > 0) expect(l - levels[i - 1], `heading ${i}`).toBeLessThanOrEqual(1);
        });
        const figures = await page.$$eval("figure", (fs) =>
          fs.map((f) => ({
            svg: f.querySelector("svg")?.getAttribute("role") ?? null,
            label: f.querySelector("svg")?.getAttribute("aria-label")?.length ?? 0,
            caption: f.querySelector("figcaption")?.textContent?.length ?? 0,
            table: f.querySelectorAll("details table tbody tr").length,
          })),
        );
        expect(figures.length).toBeGreaterThan(30);
        for (const [i, f] of figures.entries()) {
          expect(f.svg, `figure ${i + 1}`).toBe("img");
          expect(f.label, `figure ${i + 1}`).toBeGreaterThan(40);
          expect(f.caption, `figure ${i + 1}`).toBeGreaterThan(40);
          expect(f.table, `figure ${i + 1}`).toBeGreaterThan(0);
        }
        const html = readFileSync(path.join(p.dir, "index.html"), "utf8");
        expect(html).not.toMatch(/(?:src|href)="https?:/);
        expect(html).toContain('http-equiv="Content-Security-Policy"');
      } finally {
        await page.close();
      }
    });
  }
});
