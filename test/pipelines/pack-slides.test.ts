/**
 * The commissioner's view of the shared demo build: the executive summary opens with ranked
 * priorities that link to their evidence, pack.pptx carries the slides (at least ten, a chart's
 * text alternative in the notes, the same bytes for the same build), and the PDF's bookmarks read
 * "1 Executive summary", not "1Executive summary".
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { sharedDemo, type SharedDemo } from "../helpers/demo-build.ts";
import { PRIORITY_RULE } from "../../pipelines/pack/priorities.ts";
import { SLIDE_SPINE_ROWS } from "../../pipelines/pack/figures/index.ts";

let shared: SharedDemo;
let focusDir: string;
beforeAll(async () => {
  shared = await sharedDemo();
  focusDir = shared.packDirs.find((d) => path.basename(d).startsWith("Z05000007-"))!;
}, 1_800_000);

describe("priorities", () => {
  it("open the executive summary: three to five, ranked, each linked to a section of the pack", () => {
    const html = readFileSync(path.join(focusDir, "index.html"), "utf8");
    const summary = html.slice(html.indexOf('id="summary"'), html.indexOf('id="glance"'));
    const block = summary.slice(summary.indexOf('class="priorities"'));
    expect(block.indexOf('class="priorities"')).toBe(0);
    const items = [...block.slice(0, block.indexOf("</ol>")).matchAll(/<li>(.*?)<\/li>/gs)].map((m) => m[1]!);
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(items.length).toBeLessThanOrEqual(5);
    for (const item of items) {
      const target = /href="#([a-z_]+)"/.exec(item)?.[1];
      expect(target, item).toBeTruthy();
      expect(html).toContain(`id="${target}"`);
      expect(item).toMatch(/significantly (higher|lower) than Northgate/);
    }
    expect(block).toContain(PRIORITY_RULE.slice(0, 40));
  });
});

describe("pack.pptx", () => {
  it("has a title, the priorities, each domain's key chart with its text alternative in the notes; at least ten slides", async () => {
    const zip = await JSZip.loadAsync(readFileSync(path.join(focusDir, "pack.pptx")));
    const slides = Object.keys(zip.files).filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n));
    expect(slides.length).toBeGreaterThanOrEqual(10);
    const text = async (n: string) => (await zip.file(n)!.async("string")).replace(/<[^>]+>/g, " ");
    expect(await text("ppt/slides/slide1.xml")).toContain("Northgate &amp; Eastfields");
    expect(await text("ppt/slides/slide2.xml")).toContain("Priorities for Northgate &amp; Eastfields");
    const notes = Object.keys(zip.files).filter((n) => /^ppt\/notesSlides\/notesSlide\d+\.xml$/.test(n));
    const allNotes = (await Promise.all(notes.map(text))).join(" ");
    const manifest = JSON.parse(readFileSync(path.join(focusDir, "manifest.json"), "utf8"));
    expect(manifest.files.map((f: { path: string }) => f.path)).toContain("pack.pptx");
    // The crime chart's alt text (its first words) is in the notes, and its PNG is in the slides.
    const media = Object.keys(zip.files).filter((n) => n.startsWith("ppt/media/"));
    expect(media.length).toBeGreaterThanOrEqual(7);
    // The crime slide shows its headline indicator's own ward chart (the title and chart agree).
    expect(allNotes).toMatch(/Bar chart of (All crime|Violence|Anti-social|Criminal damage|Drug|Public order|Burglary)/);
  });

  it("shows the spine chart in slide-sized parts: every indicator once, at most SLIDE_SPINE_ROWS a slide, its picture the slide's full width", async () => {
    const zip = await JSZip.loadAsync(readFileSync(path.join(focusDir, "pack.pptx")));
    const slideNo = (n: string) => Number(/(\d+)\.xml$/.exec(n)![1]);
    const slides = Object.keys(zip.files).filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n)).sort((a, b) => slideNo(a) - slideNo(b));
    const glance: { rows: number; widthIn: number }[] = [];
    for (const n of slides) {
      const xml = await zip.file(n)!.async("string");
      if (!/at a glance/.test(xml)) continue;
      const rels = await zip.file(n.replace("slides/", "slides/_rels/") + ".rels")!.async("string");
      const notesPath = /Target="\.\.\/notesSlides\/(notesSlide\d+\.xml)"/.exec(rels)![1]!;
      const notes = await zip.file(`ppt/notesSlides/${notesPath}`)!.async("string");
      const rows = Number(/Spine chart of (\d+) indicators/.exec(notes)![1]);
      const pic = /<p:pic>[\s\S]*?<a:ext cx="(\d+)" cy="(\d+)"/.exec(xml)!;
      glance.push({ rows, widthIn: Number(pic[1]) / 914400 });
    }
    expect(glance.length).toBeGreaterThanOrEqual(2);
    for (const g of glance) expect(g.rows).toBeLessThanOrEqual(SLIDE_SPINE_ROWS);
    const html = readFileSync(path.join(focusDir, "index.html"), "utf8");
    const glanceRows = (html.match(/<table class="summary-table">[\s\S]*?<\/table>/)![0].match(/<th scope="row">/g) ?? []).length;
    expect(glance.reduce((a, g) => a + g.rows, 0)).toBe(glanceRows);
    // A part of a page's 14 rows was shrunk to 7.4 of the slide's 12.3 inches; a slide's part takes the full width.
    for (const g of glance) expect(g.widthIn).toBeGreaterThan(11);
  });

  it("dates every part from the build time, not the clock (determinism.test.ts compares two builds' bytes)", async () => {
    const a = readFileSync(path.join(focusDir, "pack.pptx"));
    const zip = await JSZip.loadAsync(a);
    const core = await zip.file("docProps/core.xml")!.async("string");
    expect(core).toContain("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2025-06-30T12:00:00Z</dcterms:created>");
    for (const f of Object.values(zip.files)) expect(f.date.toISOString()).toBe("2025-06-30T12:00:00.000Z");
  });
});

describe("pack.pdf bookmarks", () => {
  it("read '1 Executive summary', with a space after the section number", () => {
    const pdf = readFileSync(path.join(focusDir, "pack.pdf")).toString("latin1");
    const titles = [...pdf.matchAll(/\/Title\s*\(((?:[^()\\]|\\.)*)\)/g)].map((m) => m[1]!);
    expect(titles).toContain("1 Executive summary");
    expect(titles.filter((t) => /^\d+[A-Za-z]/.test(t))).toEqual([]);
  });
});
