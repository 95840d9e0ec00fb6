/**
 * The pack's files: pack.pdf (A4 pages, "Page X of Y" and the synthetic-data notice on every
 * page, headlines, a contents page whose numbers point at the sections), pack.xlsx (opens with
 * exceljs, a README and a sheet per domain, typed cells, neutralised formulas) and the manifest,
 * read from the run's shared demo build. That a build gives byte-identical files, PDF and workbook
 * included, is determinism.test.ts's; the date normalising it rests on is tested here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { sharedDemo } from "../helpers/demo-build.ts";
import { PRINT_WIDTH } from "../../notebooks/charts/theme.ts";
import { launchChromium } from "../helpers/browser.ts";
import { chartPrintProblems } from "../helpers/print-checks.ts";
import { normalisePdfDates, normalisePdfStructureIds, pdfDestinationPages } from "../../pipelines/pack/render-pdf.ts";
import JSZip from "jszip";
import { rewriteZip } from "../../sources/zip.ts";

const hasPoppler = existsSync("/usr/bin/pdftotext") && existsSync("/usr/bin/pdfinfo");
const hasChromium = existsSync("/usr/bin/chromium") || existsSync("/usr/bin/chromium-browser");

let focusDir: string;
let overviewDir: string;
beforeAll(async () => {
  const built = await sharedDemo();
  focusDir = built.packDirs.find((d) => path.basename(d).startsWith("Z05000007-"))!;
  overviewDir = built.packDirs.find((d) => path.basename(d).endsWith("-overview"))!;
}, 900_000);

const pdfText = (file: string, ...args: string[]) => execFileSync("pdftotext", [...args, file, "-"], { maxBuffer: 64 << 20 }).toString("utf8");
/** Text of each page, whitespace collapsed (pdftotext separates pages with form feeds). */
const pagesOf = (file: string) => pdfText(file).split("\f").slice(0, -1).map((p) => p.replace(/\s+/g, " ").trim());

describe.skipIf(!hasPoppler || !hasChromium)(`pack.pdf${hasPoppler && hasChromium ? "" : " (skipped: needs chromium and poppler-utils)"}`, () => {
  it("is A4, and every page says 'Page X of Y' and that the data are synthetic", () => {
    for (const dir of [focusDir, overviewDir]) {
      const file = path.join(dir, "pack.pdf");
      const info = execFileSync("pdfinfo", [file]).toString();
      const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
      expect(info).toMatch(/Page size:\s+595\.\d+ x 842\.\d+ pts \(A4\)/);
      expect(pages).toBeGreaterThan(20);
      const text = pagesOf(file);
      expect(text).toHaveLength(pages);
      text.forEach((t, i) => {
        expect(t, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages}`);
        expect(t, `page ${i + 1}`).toContain("Synthetic demo data");
      });
      const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
      expect(manifest.pdf.pages).toBe(pages);
    }
  });

  it("prints every chart 1:1: within the text width and a page, no text under 7.5 pt, and the width used where a chart can use it", () => {
    for (const dir of [focusDir, overviewDir]) expect(chartPrintProblems(dir), path.basename(dir)).toEqual([]);
  });

  it("lays the printed page out within the text width, so Chromium never shrinks the pages to fit", async () => {
    // A summary table 898 px wide once made Chromium print every page at 78%: 10 px text at 5.9 pt.
    const browser = await launchChromium();
    try {
      for (const dir of [focusDir, overviewDir]) {
        const tab = await browser.newPage({ viewport: { width: PRINT_WIDTH, height: 1000 } });
        await tab.emulateMedia({ media: "print" });
        await tab.goto(`file://${path.join(dir, "index.html")}`);
        const wide = await tab.evaluate((w) => [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > w + 1).map((e) => `${e.tagName}.${e.className}`).slice(0, 5), PRINT_WIDTH);
        expect(wide, path.basename(dir)).toEqual([]);
        expect(await tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PRINT_WIDTH);
        await tab.close();
      }
    } finally {
      await browser.close();
    }
  }, 120_000);

  it("leaves no page less than 45% full but where a section ends", () => {
    for (const dir of [focusDir, overviewDir]) {
      const file = path.join(dir, "pack.pdf");
      const text = pdfText(file, "-layout").split("\f").slice(0, -1).map((p) => p.trim());
      const tmp = mkdtempSync(path.join(tmpdir(), "localneeds-fill-"));
      try {
        execFileSync("pdftoppm", ["-r", "20", "-gray", file, path.join(tmp, "p")]);
        const pages = readdirSync(tmp).sort();
        expect(pages).toHaveLength(text.length);
        const thin: string[] = [];
        pages.forEach((name, i) => {
          // The lowest row above the footer with ink on it, as a share of the page's height (PGM: grey bytes).
          const pgm = readFileSync(path.join(tmp, name));
          const head = /^P5\s+(\d+)\s+(\d+)\s+\d+\s/.exec(pgm.subarray(0, 40).toString("latin1"))!;
          const [w, h] = [Number(head[1]), Number(head[2])];
          const px = pgm.subarray(head[0].length);
          let last = 0;
          for (let y = 0; y < Math.floor(h * 0.92); y++) if (px.subarray(y * w, (y + 1) * w).some((v) => v < 200)) last = y;
          const sectionEnds = i === 0 || i === pages.length - 1 || /^\d+ [A-Z]/.test(text[i + 1] ?? "");
          if (!sectionEnds && last / h < 0.45) thin.push(`page ${i + 1}: ${Math.round((100 * last) / h)}% (${text[i]!.split("\n")[0]!.trim().slice(0, 40)})`);
        });
        expect(thin, path.basename(dir)).toEqual([]);
        // A chart and its funnel share a page: the focus pack is not one figure per page.
        expect(pages.length, path.basename(dir)).toBeLessThan(90);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
  });

  it("carries the executive summary and the headlines written from the statistics", () => {
    const all = pagesOf(path.join(focusDir, "pack.pdf")).join(" ");
    expect(all).toContain("Executive summary");
    expect(all).toMatch(/Violence and sexual offences: [\d.]+ per 1,000 residents in Northgate & Eastfields \(\d{4}\/\d{2}\), significantly higher than Northgate \([\d.]+\)\./);
    expect(all).toMatch(/Compared with Northgate as a whole, on the latest data Northgate & Eastfields is significantly worse on \d+ of its \d+ indicators/);
    const overview = pagesOf(path.join(overviewDir, "pack.pdf")).join(" ");
    expect(overview).toMatch(/\d+ of 20 wards significantly (higher|lower) than Northgate/);
  });

  it("has a contents page whose page numbers point at each section's heading", () => {
    const file = path.join(focusDir, "pack.pdf");
    const pages = pagesOf(file);
    const contents = pdfText(file, "-layout", "-f", "2", "-l", "2");
    const entries = [...contents.matchAll(/^\s*(\d{1,2})\s+(\S.*?\S)\s{2,}(\d+)\s*$/gm)].map((m) => ({ n: Number(m[1]), title: m[2], page: Number(m[3]) }));
    expect(entries.map((e) => e.title)).toEqual(expect.arrayContaining(["Executive summary", "Crime and community safety", "Outcomes framework", "Data quality", "Sources and licences"]));
    expect(entries.length).toBeGreaterThanOrEqual(14);
    let last = 2;
    for (const e of entries) {
      expect(e.page, e.title).toBeGreaterThan(last);
      expect(pages[e.page - 1], `${e.title} on page ${e.page}`).toContain(e.title);
      last = e.page;
    }
    // The named destinations Chromium wrote agree with the printed numbers.
    const dests = pdfDestinationPages(readFileSync(file));
    expect(typeof dests).not.toBe("string");
    expect((dests as Map<string, number>).get("summary")).toBe(entries[0].page);
  });

  it("is a tagged PDF with bookmarks (the first pass, read only for its pages, is neither)", () => {
    for (const dir of [focusDir, overviewDir]) {
      const file = path.join(dir, "pack.pdf");
      expect(execFileSync("pdfinfo", [file]).toString(), path.basename(dir)).toMatch(/^Tagged:\s+yes$/m);
      const pdf = readFileSync(file).toString("latin1");
      expect(pdf).toMatch(/\/StructTreeRoot \d+ 0 R/);
      expect(pdf).toMatch(/\/Outlines \d+ 0 R/);
      // A bookmark per heading: the outline counts them, each item a title and a destination.
      expect(Number(/\/Type \/Outlines[^>]*\/Count (\d+)/.exec(pdf)?.[1] ?? 0), path.basename(dir)).toBeGreaterThanOrEqual(8);
      expect(pdf).toMatch(/<<\/Title \(Contents\)\s*\/Dest \[/);
    }
  });

  it("stamps the build time, not the wall clock, as the PDF's dates", () => {
    const info = execFileSync("pdfinfo", ["-isodates", path.join(focusDir, "pack.pdf")]).toString();
    expect(info).toMatch(/CreationDate:\s+2025-06-30T12:00:00(Z|\+00)/);
    expect(info).toMatch(/ModDate:\s+2025-06-30T12:00:00(Z|\+00)/);
  });
});

describe("pack.xlsx", () => {
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(focusDir, "pack.xlsx"));
  });

  it("has a README, the summary and a sheet per domain", () => {
    const names = wb.worksheets.map((w) => w.name);
    expect(names.slice(0, 2)).toEqual(["README", "Summary"]);
    expect(names).toEqual(expect.arrayContaining(["Crime", "Health", "Schools", "Community voice", "Complaints", "Deprivation", "Data quality", "Methods"]));
    const readme = wb.getWorksheet("README")!;
    const text: string[] = [];
    readme.eachRow((r) => r.eachCell((c) => void text.push(String(c.value))));
    expect(text.join("\n")).toContain("Synthetic demo data");
    expect(text.join("\n")).toContain("Open Government Licence v3.0");
  });

  it("types cells explicitly and neutralises text that a spreadsheet would run as a formula", () => {
    let numbers = 0;
    for (const ws of wb.worksheets) {
      ws.eachRow((r) =>
        r.eachCell((c) => {
          expect(typeof c.value === "string" || typeof c.value === "number", `${ws.name}!${c.address}`).toBe(true);
          if (typeof c.value === "number") numbers++;
          if (typeof c.value === "string") expect(c.value, `${ws.name}!${c.address}`).not.toMatch(/^[=+\-@]/);
        }),
      );
    }
    expect(numbers).toBeGreaterThan(500);
    const crime = wb.getWorksheet("Crime")!;
    const titles: string[] = [];
    crime.eachRow((r) => {
      const v = r.getCell(1).value;
      if (typeof v === "string" && v.startsWith("Figure ")) titles.push(v);
    });
    expect(titles.length).toBeGreaterThan(5);
  });

  it("dates the workbook with the build time", () => {
    expect(wb.created.toISOString()).toBe("2025-06-30T12:00:00.000Z");
    expect(wb.modified.toISOString()).toBe("2025-06-30T12:00:00.000Z");
  });
});

describe("reproducible pack files", () => {
  it("normalises a PDF's dates without moving a byte", () => {
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj\n<</CreationDate (D:20261126054753+00'00')\n/ModDate (D:20261126054753+00'00')>>\nendobj\n");
    const out = normalisePdfDates(pdf, new Date("2025-06-30T12:00:00Z"));
    expect(out.length).toBe(pdf.length);
    expect(out.toString("latin1")).toContain("/CreationDate (D:20250630120000+00'00')");
    expect(out.toString("latin1")).toContain("/ModDate (D:20250630120000+00'00')");
  });

  it("renumbers the tagged structure's ids by their order, without moving a byte", () => {
    const pdf = (first: number) => Buffer.from(`1 0 obj\n<</S /P /ID (node${String(first + 4).padStart(8, "0")})>>\nendobj\n2 0 obj\n<</S /TH /ID (node${String(first).padStart(8, "0")})>>\nendobj\n3 0 obj\n<</Names [(node${String(first).padStart(8, "0")}) 2 0 R (node${String(first + 4).padStart(8, "0")}) 1 0 R]>>\nendobj\n`);
    const a = normalisePdfStructureIds(pdf(3128));
    expect(a.length).toBe(pdf(3128).length);
    expect(a.toString("latin1")).toContain("<</S /P /ID (node00000002)>>");
    expect(a.toString("latin1")).toContain("[(node00000001) 2 0 R (node00000002) 1 0 R]");
    // The same structure numbered from elsewhere (one node more made before) gives the same bytes.
    expect(normalisePdfStructureIds(pdf(3129)).equals(a)).toBe(true);
  });

  it("writes a workbook again deflated by zlib: its files unchanged, every entry at the build time, the same bytes each time", async () => {
    const at = new Date("2025-06-30T12:34:56Z");
    const wb = new ExcelJS.Workbook();
    wb.created = wb.modified = at;
    wb.addWorksheet("A").addRows(Array.from({ length: 200 }, (_, i) => ["x", i]));
    const stored = Buffer.from(await wb.xlsx.writeBuffer({ zip: { compression: "STORE" } }));
    const a = await rewriteZip(stored, at);
    await new Promise((r) => setTimeout(r, 2100));
    const b = await rewriteZip(Buffer.from(await wb.xlsx.writeBuffer({ zip: { compression: "STORE" } })), at);
    expect(a.equals(b)).toBe(true);
    expect(a.length).toBeLessThan(stored.length / 2);
    // Read back by another zip library: the same files in the same order, each dated at the build (DOS time: to two seconds).
    const [before, after] = [await JSZip.loadAsync(stored), await JSZip.loadAsync(a)];
    const files = (z: JSZip) => Object.values(z.files).filter((f) => !f.dir);
    expect(files(after).map((f) => f.name)).toEqual(files(before).map((f) => f.name));
    for (const f of files(after)) {
      expect(await f.async("string")).toBe(await before.file(f.name)!.async("string"));
      const d = f.date; // JSZip reads the DOS fields as local time
      expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()]).toEqual([2025, 5, 30, 12, 34, 56]);
    }
    // An edit applies to the named file only.
    const edited = await JSZip.loadAsync(await rewriteZip(stored, at, (name, data) => (name === "xl/workbook.xml" ? Buffer.from("<edited/>") : data)));
    expect(await edited.file("xl/workbook.xml")!.async("string")).toBe("<edited/>");
    expect(await edited.file("[Content_Types].xml")!.async("string")).toBe(await before.file("[Content_Types].xml")!.async("string"));
  });
});
