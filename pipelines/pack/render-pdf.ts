/**
 * `pack.pdf`: the pack page printed by an installed Chromium, Chrome or Edge (`findBrowser`) through playwright-core, A4, with "Page X
 * of Y" (and the synthetic-data notice) in every page's footer, a tagged PDF with bookmarks, and
 * a contents page that gives each section's page. Two passes: print a draft (every chart an
 * empty box of the same size, so the pages break in the same places, about ten times faster;
 * no backgrounds, footer, tags or bookmarks),
 * read which page each section heading landed on from the PDF's named destinations (Chromium
 * writes one per link target, so the contents links give every section's page exactly), then
 * print the pack with the page numbers, and check they did not move. The contents sits on its
 * own page, so filling in the numbers cannot move anything.
 *
 * Reproducible: Chromium stamps /CreationDate and /ModDate with the wall clock; both are
 * rewritten to the build time, byte for byte the same length, so two builds with the same
 * SOURCE_DATE_EPOCH give identical files.
 */
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { esc } from "./html.ts";

/** Where to look for a browser: the platform, its environment, and a file-exists check (injectable for tests). */
export interface BrowserSearch {
  platform: NodeJS.Platform;
  /** `LOCALNEEDS_CHROME` (an explicit path: the only candidate when set), and on Windows `PROGRAMFILES`, `PROGRAMFILES(X86)`, `LOCALAPPDATA`. */
  env: Record<string, string | undefined>;
  exists: (file: string) => boolean;
}

/**
 * The paths where an installed Chromium, Chrome or Edge is looked for, in order: the
 * `LOCALNEEDS_CHROME` path alone when it is set; else the standard install paths of the platform
 * (Linux packages and snaps; macOS applications, system-wide then the user's; Windows per-machine
 * then per-user installs).
 */
export function browserCandidates(platform: NodeJS.Platform, env: Record<string, string | undefined>): string[] {
  // Windows spells these ProgramFiles, LOCALAPPDATA, ...: look names up in any case.
  const get = (name: string) => Object.entries(env).find(([k, v]) => k.toUpperCase() === name && v)?.[1];
  const explicit = get("LOCALNEEDS_CHROME")?.trim();
  if (explicit) return [explicit];
  if (platform === "win32") {
    const local = get("LOCALAPPDATA");
    const roots = [get("PROGRAMFILES") ?? "C:\\Program Files", get("PROGRAMFILES(X86)") ?? "C:\\Program Files (x86)", ...(local ? [local] : [])];
    const apps = ["Google\\Chrome\\Application\\chrome.exe", "Microsoft\\Edge\\Application\\msedge.exe", "Chromium\\Application\\chrome.exe"];
    return roots.flatMap((r) => apps.map((a) => `${r.replace(/[\\/]+$/, "")}\\${a}`));
  }
  if (platform === "darwin") {
    const apps = ["Google Chrome.app/Contents/MacOS/Google Chrome", "Chromium.app/Contents/MacOS/Chromium", "Microsoft Edge.app/Contents/MacOS/Microsoft Edge"];
    const home = get("HOME");
    return ["/Applications", ...(home ? [`${home}/Applications`] : [])].flatMap((r) => apps.map((a) => `${r}/${a}`));
  }
  return ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "microsoft-edge-stable"]
    .map((b) => `/usr/bin/${b}`)
    .concat(["/snap/bin/chromium", "/opt/google/chrome/chrome", "/opt/microsoft/msedge/msedge"]);
}

/** The first installed browser of `browserCandidates`, or null (with the paths tried). */
export function findBrowser(search: BrowserSearch): { path: string | null; tried: string[] } {
  const tried = browserCandidates(search.platform, search.env);
  return { path: tried.find((p) => search.exists(p)) ?? null, tried };
}

/** The browser found on this machine from the standard paths alone (the entry points add `LOCALNEEDS_CHROME`). */
export const CHROMIUM_PATH = findBrowser({ platform: process.platform, env: {}, exists: existsSync }).path ?? undefined;

/** Flags that keep Chromium off the network and quiet (playwright gives it a fresh temporary profile). */
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

/** Launch headless Chromium (at `executablePath`, default `CHROMIUM_PATH`); null when none is installed. */
export async function launchPdfBrowser(executablePath: string | null | undefined = CHROMIUM_PATH): Promise<Browser | null> {
  if (!executablePath) return null;
  // playwright-core is imported here, not at the top: a build without a PDF never loads it (0.9 s of start-up).
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
}

/** What one PDF rendering gives. */
export interface RenderedPdf {
  pdf: Buffer;
  pages: number;
  /** Section id -> page number (1-based), from the first pass. */
  sectionPages: Map<string, number>;
  /** Why the contents has no page numbers, when it has none. */
  problem: string | null;
}

/** Options of {@link renderPdf}. */
export interface PdfOptions {
  /** Footer text left of the page number (e.g. the synthetic-data notice and the pack title). */
  footer: string;
  /** Build time written as the PDF's creation and modification date. */
  builtAt: Date;
}

const MARGIN = { top: "14mm", bottom: "18mm", left: "12mm", right: "12mm" };

/**
 * Print `htmlFor(pages)` to PDF: once without page numbers, then with the section pages read
 * from the first pass (a third pass only if the numbers moved the layout, which they should not).
 */
export async function renderPdf(
  browser: Browser,
  htmlFor: (pages?: Map<string, number>, draft?: boolean) => string,
  opts: PdfOptions,
): Promise<RenderedPdf> {
  const context = await browser.newContext({ offline: true, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const print = async (pages?: Map<string, number>, draft = false) => {
      await page.setContent(htmlFor(pages, draft), { waitUntil: "load" });
      return Buffer.from(
        await page.pdf({
          format: "A4",
          margin: MARGIN,
          // The draft is read for its pages alone: no bookmarks or tags (a third of a print's time),
          // and no backgrounds or footers, which are painted in place and in the margin and move
          // nothing (the first print of a page: 1.1 -> 0.55 s).
          printBackground: !draft,
          displayHeaderFooter: !draft,
          headerTemplate: "<span></span>",
          footerTemplate: footerTemplate(opts.footer),
          outline: !draft,
          tagged: !draft,
        }),
      );
    };
    // Two builds of the same pack give the same bytes: the build time as the dates, the structure ids by order.
    const reproducible = (pdf: Buffer) => normalisePdfStructureIds(normalisePdfDates(pdf, opts.builtAt));
    // The first pass only finds the pages, so it may be a draft (charts as empty boxes of the same size).
    let pdf = await print(undefined, true);
    const first = pdfDestinationPages(pdf);
    if (typeof first === "string" || first.size === 0) {
      const problem = typeof first === "string" ? first : "the PDF has no named destinations";
      pdf = await print();
      return { pdf: reproducible(pdf), pages: pdfPageCount(pdf), sectionPages: new Map(), problem };
    }
    let found = first;
    for (let pass = 0; pass < 2; pass++) {
      pdf = await print(found);
      const again = pdfDestinationPages(pdf);
      if (typeof again === "string" || sameMap(again, found)) break;
      found = again;
    }
    return { pdf: reproducible(pdf), pages: pdfPageCount(pdf), sectionPages: found, problem: null };
  } finally {
    await context.close();
  }
}

function sameMap(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

function footerTemplate(text: string): string {
  return `<div style="font-family:'DejaVu Sans',sans-serif;font-size:7.5pt;color:#3a3a3a;width:100%;margin:0 12mm;display:flex;justify-content:space-between;gap:6mm;-webkit-print-color-adjust:exact;">
<span>${esc(text)}</span><span style="white-space:nowrap">Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
}

/** PDF objects by number (dictionary text only; stream bytes are skipped), read as latin1. */
function pdfObjects(pdf: Buffer): Map<number, string> {
  const text = pdf.toString("latin1");
  const out = new Map<number, string>();
  const re = /(?:^|[\r\n])(\d+) 0 obj\b/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf("endobj", start);
    if (end < 0) break;
    let body = text.slice(start, end);
    const stream = body.indexOf("stream");
    if (stream >= 0) body = body.slice(0, stream);
    out.set(Number(m[1]), body);
    re.lastIndex = end;
  }
  return out;
}

const ref = (s: string, key: string): number | null => {
  const m = new RegExp(`/${key}\\s+(\\d+)\\s+0\\s+R`).exec(s);
  return m ? Number(m[1]) : null;
};

/** Page object numbers in page order (walking the page tree from the catalog). */
function pageOrder(objs: Map<number, string>): number[] | string {
  const catalog = [...objs.values()].find((o) => /\/Type\s*\/Catalog\b/.test(o));
  if (!catalog) return "no catalog";
  const root = ref(catalog, "Pages");
  if (root === null) return "no page tree";
  const pages: number[] = [];
  const walk = (n: number, depth: number): void => {
    const o = objs.get(n);
    if (!o || depth > 50) return;
    if (/\/Type\s*\/Pages\b/.test(o)) {
      const kids = /\/Kids\s*\[([^\]]*)\]/.exec(o)?.[1] ?? "";
      for (const k of kids.matchAll(/(\d+)\s+0\s+R/g)) walk(Number(k[1]), depth + 1);
    } else if (/\/Type\s*\/Page\b/.test(o)) pages.push(n);
  };
  walk(root, 0);
  return pages;
}

/**
 * Page (1-based) of every named destination in a Chromium PDF: the targets of in-document links.
 * Returns a reason instead when the PDF does not have the expected structure.
 */
export function pdfDestinationPages(pdf: Buffer): Map<string, number> | string {
  const objs = pdfObjects(pdf);
  const order = pageOrder(objs);
  if (typeof order === "string") return order;
  const catalog = [...objs.values()].find((o) => /\/Type\s*\/Catalog\b/.test(o))!;
  let dests = /\/Dests\s*<<([\s\S]*?)>>/.exec(catalog)?.[1];
  if (dests === undefined) {
    const n = ref(catalog, "Dests");
    if (n === null) return "the PDF has no named destinations";
    dests = objs.get(n) ?? "";
  }
  const index = new Map(order.map((n, i) => [n, i + 1]));
  const out = new Map<string, number>();
  for (const m of dests.matchAll(/\/([^\s/[\]<>()]+)\s*\[\s*(\d+)\s+0\s+R/g)) {
    const name = m[1].replace(/#([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
    const page = index.get(Number(m[2]));
    if (page !== undefined) out.set(name, page);
  }
  return out;
}

/** Number of pages of a PDF (its page tree's leaves). */
export function pdfPageCount(pdf: Buffer): number {
  const order = pageOrder(pdfObjects(pdf));
  return typeof order === "string" ? 0 : order.length;
}

/** `D:YYYYMMDDHHmmSS` of a date, in UTC. */
function pdfDate(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `D:${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/**
 * Rewrite the PDF's creation and modification dates to `at` (UTC), keeping every byte offset:
 * only the 14 date digits change, and a 7-character zone suffix becomes `+00'00'`.
 */
export function normalisePdfDates(pdf: Buffer, at: Date): Buffer {
  const out = Buffer.from(pdf);
  const text = out.toString("latin1");
  const stamp = pdfDate(at);
  for (const m of text.matchAll(/\/(CreationDate|ModDate)\s*\((D:\d{14})([^)]*)\)/g)) {
    const at0 = m.index! + m[0].indexOf("(") + 1;
    out.write(stamp, at0, "latin1");
    if (m[3].length === 7) out.write("+00'00'", at0 + stamp.length, "latin1");
  }
  // XMP metadata (if a later Chromium adds it) carries the same dates in ISO form.
  for (const m of text.matchAll(/<xmp:(CreateDate|ModifyDate|MetadataDate)>(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})/g)) {
    const at0 = m.index! + m[0].length - m[2].length;
    out.write(at.toISOString().slice(0, 19), at0, "latin1");
  }
  return out;
}

/**
 * Renumber a tagged PDF's structure element ids (`/ID (node00003128)`, Chromium's DOM node ids)
 * by their order, keeping every byte offset: the numbers depend on how many nodes the page had
 * made before (one more or less between two builds of the same pack), their order does not. In
 * order, so the id tree's sorted names stay sorted.
 */
export function normalisePdfStructureIds(pdf: Buffer): Buffer {
  const out = Buffer.from(pdf);
  const text = out.toString("latin1");
  const found = [...text.matchAll(/\(node(\d{8})\)/g)];
  const rank = new Map([...new Set(found.map((m) => Number(m[1])))].sort((a, b) => a - b).map((n, i) => [n, String(i + 1).padStart(8, "0")]));
  for (const m of found) out.write(rank.get(Number(m[1]))!, m.index! + 5, "latin1");
  return out;
}
