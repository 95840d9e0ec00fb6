/**
 * Rendering a Vega-Lite spec without a browser: spec -> SVG (vega-lite compile, a headless
 * Vega view) -> PNG (resvg, DejaVu Sans cut to its Latin characters). About 10 ms + 25 ms per
 * chart (the PNG on a worker thread with `createPngPool`).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, homedir } from "node:os";
import path from "node:path";
import { Resvg } from "@resvg/resvg-js";
import type * as Vega from "vega";
import type * as VegaLite from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { createWorkerPool } from "../../pipelines/core/worker-pool.ts";
import { dejaVuWidth } from "./text-metrics.ts";
import { FONT, chartConfig } from "./theme.ts";

/** Vega and Vega-Lite. */
interface Engines {
  vega: typeof Vega;
  vl: typeof VegaLite;
}
let engines: Promise<Engines> | undefined;
/**
 * Vega and Vega-Lite, imported on the first render rather than with this module: a build whose
 * charts all come from the render cache never loads them (0.7 s of a build process's start-up).
 */
const loadEngines = () => (engines ??= Promise.all([import("vega"), import("vega-lite")]).then(([vega, vl]) => ({ vega, vl })));

/** Options of {@link renderSvg}. */
export interface RenderSvgOptions {
  /**
   * Prefix for the ids Vega puts in the SVG (clip paths, gradients), so several charts inlined
   * in one HTML page never share an id. Default: `vg-` and a hash of the spec (deterministic).
   */
  idPrefix?: string;
  /**
   * Receives Vega-Lite and Vega warnings (e.g. a dropped encoding). Default: they go to
   * Vega's own logger, which prints them to the console.
   */
  warn?: (message: string) => void;
}

/**
 * Render a spec to a standalone SVG string, measuring text with DejaVu Sans widths (see
 * `text-metrics.ts`). The root `<svg>` gets `role="img"`, an
 * `aria-label` from the spec's `description` and a `<title>` from its title, so it can be
 * inlined as one image; the caller puts the long text alternative and data table beside it.
 */
export async function renderSvg(spec: TopLevelSpec, opts: RenderSvgOptions = {}): Promise<string> {
  const e = await loadEngines();
  const logger = opts.warn ? collectingLogger(e.vega, opts.warn) : undefined;
  return svgOfVega(e.vega, compileSpec(e, spec, logger), spec, opts, logger);
}

/**
 * {@link renderSvg} of a spec (`svg`) and of the same spec without its title block (`bare`: the
 * printed and slide version, whose title is set as text beside it), from one Vega-Lite compile.
 * Vega-Lite puts a title in the compiled Vega spec's top-level `title` alone (Vega lays it out), so
 * the bare chart is the compiled spec without it: the same SVG as compiling the bare spec (tested).
 */
export async function renderSvgAndBare(spec: TopLevelSpec, opts: RenderSvgOptions = {}): Promise<{ svg: string; bare: string }> {
  const e = await loadEngines();
  const logger = opts.warn ? collectingLogger(e.vega, opts.warn) : undefined;
  const compiled = compileSpec(e, spec, logger);
  const { title: _title, ...bareVega } = compiled;
  return { svg: await svgOfVega(e.vega, compiled, spec, opts, logger), bare: await svgOfVega(e.vega, bareVega, withoutTitle(spec), opts, logger) };
}

/** A chart's spec without its title block (the title, subtitle and reading notes a pack sets as text beside the printed chart). */
export function withoutTitle(spec: TopLevelSpec): TopLevelSpec {
  const { title: _title, ...bare } = spec as TopLevelSpec & { title?: unknown };
  return bare as TopLevelSpec;
}

function compileSpec({ vega, vl }: Engines, spec: TopLevelSpec, logger: Vega.LoggerInterface | undefined): Vega.Spec {
  installDejaVuMetrics(vega);
  // Vega adopts inline data objects and mutates them (tuple ids, parsed dates): give it a copy so
  // the caller's spec, which is also written out as JSON, stays as built.
  // The shared theme is the base config, so a hand-written spec also gets DejaVu Sans; a spec's
  // own config wins over it.
  return vl.compile(structuredClone(spec), { config: chartConfig, ...(logger ? { logger } : {}) }).spec;
}

/** The SVG of a compiled chart; `spec` (the Vega-Lite it came from) gives the ids' prefix and the text alternative. */
async function svgOfVega(vega: typeof Vega, compiled: Vega.Spec, spec: TopLevelSpec, opts: RenderSvgOptions, logger: Vega.LoggerInterface | undefined): Promise<string> {
  const view = new vega.View(vega.parse(compiled), {
    renderer: "none",
    ...(logger ? { logger } : {}),
  });
  try {
    // Vega numbers defs (clip1, clip2, ...) with a process-wide counter: restart it for
    // deterministic output, then make the ids unique to this chart.
    (vega as unknown as { resetSVGDefIds: () => void }).resetSVGDefIds();
    const prefix = opts.idPrefix ?? `vg-${createHash("sha1").update(JSON.stringify(spec)).digest("hex").slice(0, 8)}`;
    const svg = prefixIds(await view.toSVG(), prefix);
    return accessibleRoot(svg, titleText(spec), typeof spec.description === "string" ? spec.description : "");
  } finally {
    view.finalize();
  }
}

/** Options of {@link renderPng}. */
export interface RenderPngOptions {
  /** Output width in px; default 1200 (crisp when printed across an A4 page). */
  width?: number;
}

/** Rasterise an SVG (from {@link renderSvg}) to PNG with DejaVu Sans as the default font. */
export function renderPng(svg: string, opts: RenderPngOptions = {}): Buffer {
  const resvg = new Resvg(svg, pngOptions(opts, svg));
  return resvg.render().asPng();
}

/** Draws PNGs on worker threads: see {@link createPngPool}. */
export interface PngPool {
  /** {@link renderPng} on a worker thread: the same bytes, and the calling thread stays free. */
  render(svg: string, opts?: RenderPngOptions): Promise<Buffer>;
  /** Stop the workers (after the renders asked for have finished). */
  close(): Promise<void>;
}

/**
 * Worker threads that draw PNGs, one chart at a time each, while the calling thread goes on
 * (drawing SVGs, driving Chromium). A chart's PNG is about 45 ms of resvg, so a pack of 150
 * charts is 7 s that no longer holds up everything after it. Default: a thread per core, at most
 * four (the calling thread mostly waits once its SVGs are drawn; on 2 cores, two workers drew a
 * national pack's charts in half the time one took). Renders are sent once the chart fonts are
 * cut (tens of milliseconds, once per machine and font version). See `createWorkerPool`.
 */
export function createPngPool(threads = Math.min(4, availableParallelism())): PngPool {
  const pool = createWorkerPool<{ svg: string; options: ReturnType<typeof pngOptions> }, Uint8Array>(new URL("./png-worker.mjs", import.meta.url), { threads, name: "PNG" });
  const fontsCut = prepareChartFonts();
  return {
    async render(svg, opts = {}) {
      // The options name the font files: the cut ones, once they are made.
      await fontsCut;
      const png = await pool.run({ svg, options: pngOptions(opts, svg) });
      return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
    },
    // Renders asked for before the fonts were cut reach the pool first (they await the same promise).
    close: () => fontsCut.then(() => pool.close()),
  };
}

function pngOptions(opts: RenderPngOptions, svg: string) {
  const files = LATIN_TEXT.test(svg) ? (chartFonts ?? dejaVuSansFiles()) : null;
  return {
    fitTo: { mode: "width" as const, value: opts.width ?? 1200 },
    background: "white",
    font: files
      ? { loadSystemFonts: false, fontFiles: files, defaultFontFamily: FONT, sansSerifFamily: FONT }
      : { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
  };
}

/**
 * An SVG whose characters DejaVu Sans has (Latin with its accents, as in Welsh and Irish names,
 * punctuation, currency, arrows, operators and shapes): it is drawn with DejaVu Sans alone.
 * Anything else keeps every system font, so a character DejaVu lacks still finds one that has it.
 */
const LATIN_RANGES: [number, number][] = [[0x0000, 0x024f], [0x1e00, 0x1eff], [0x2000, 0x22ff], [0x25a0, 0x25ff]];
const LATIN_TEXT = new RegExp(`^[${LATIN_RANGES.map(([a, b]) => `\\u${a.toString(16).padStart(4, "0")}-\\u${b.toString(16).padStart(4, "0")}`).join("")}]*$`);

/** Where resvg looks for system fonts on Linux, macOS and Windows. */
const FONT_DIRS = [
  "/usr/share/fonts", "/usr/local/share/fonts", path.join(homedir(), ".local/share/fonts"), path.join(homedir(), ".fonts"),
  "/Library/Fonts", "/System/Library/Fonts", path.join(homedir(), "Library/Fonts"),
  path.join(process.env.SYSTEMROOT ?? "C:\\Windows", "Fonts"), path.join(process.env.LOCALAPPDATA ?? homedir(), "Microsoft/Windows/Fonts"),
];

let dejaVu: string[] | null | undefined;
/**
 * DejaVu Sans's regular, bold and oblique faces among the system fonts, found once per process
 * (null when it is not installed: every system font is loaded, as before). resvg otherwise reads
 * every installed font for every chart: 12 of 28 ms a chart with the 39 fonts of a build machine,
 * more on a desktop with hundreds; the PNG is byte for byte the same.
 */
function dejaVuSansFiles(): string[] | null {
  if (dejaVu !== undefined) return dejaVu;
  const found = new Map<string, string>();
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // not on this system, or unreadable
    }
    for (const e of entries) {
      if (e.isDirectory() && depth < 4) walk(path.join(dir, e.name), depth + 1);
      else if (/^DejaVuSans(-Bold|-Oblique|-BoldOblique)?\.ttf$/i.test(e.name) && !found.has(e.name.toLowerCase())) found.set(e.name.toLowerCase(), path.join(dir, e.name));
    }
  };
  for (const dir of FONT_DIRS) walk(dir, 0);
  dejaVu = found.has("dejavusans.ttf") ? [...found.values()].sort() : null;
  return dejaVu;
}

let chartFonts: string[] | null | undefined;
let chartFontsMade: Promise<string[] | null> | undefined;
/**
 * DejaVu Sans's faces cut to the characters of {@link LATIN_TEXT} (about 125 KB a face instead of
 * 640-760 KB), for the PNGs. resvg-js 2.6 reads a font file whole again for each glyph it lays out
 * (thx/resvg-js#367, open): some 800 reads a chart, 680 MB, over half of a PNG's time with the
 * full faces. The cut keeps every glyph of those characters with its outline, kerning and the
 * glyphs its ligatures reach, so a PNG is byte for byte the same (tested); hinting, which resvg
 * does not use, is dropped. Made once per font version and kept in the user's cache folder
 * (`$XDG_CACHE_HOME` or `~/.cache`, `localneeds/fonts/<hash>`); resolves to null, and the full
 * faces are used, when DejaVu Sans is not installed or the folder cannot be written.
 * {@link createPngPool} waits for it; {@link renderPng} uses the cut faces once they are made.
 */
export function prepareChartFonts(): Promise<string[] | null> {
  chartFontsMade ??= cutChartFonts(path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache"), "localneeds", "fonts")).then(
    (files) => (chartFonts = files),
    () => (chartFonts = null),
  );
  return chartFontsMade;
}

/** The cut faces in `root` (made there unless already made): what {@link prepareChartFonts} makes once per process. */
export async function cutChartFonts(root: string): Promise<string[] | null> {
  const full = dejaVuSansFiles();
  if (!full) return null;
  const fonts = full.map((f) => readFileSync(f));
  const hash = createHash("sha256").update(JSON.stringify(LATIN_RANGES));
  for (const b of [...subsetter(), ...fonts]) hash.update(b);
  const dir = path.join(root, hash.digest("hex").slice(0, 24));
  const files = full.map((f) => path.join(dir, path.basename(f)));
  if (files.every((f) => existsSync(f))) return files;
  let text = "";
  for (const [a, b] of LATIN_RANGES) for (let c = Math.max(a, 0x20); c <= b; c++) text += String.fromCodePoint(c);
  const { default: subsetFont } = await import("subset-font");
  const cut = await Promise.all(fonts.map((f) => subsetFont(f, text, { targetFormat: "truetype", noHinting: true })));
  // Written whole into a folder of its own, then renamed into place: another build cutting the
  // same fonts at the same moment never sees half a file.
  mkdirSync(root, { recursive: true });
  const tmp = mkdtempSync(path.join(root, ".cutting-"));
  try {
    cut.forEach((c, i) => writeFileSync(path.join(tmp, path.basename(full[i]!)), c));
    try {
      renameSync(tmp, dir);
    } catch (err) {
      if (!files.every((f) => existsSync(f))) throw err; // not another build's copy: give up, full faces
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return files;
}

/** What cuts the fonts (subset-font's version, harfbuzz's code): a new one may cut differently, so its fonts go in a folder of their own. */
function subsetter(): Buffer[] {
  const require = createRequire(import.meta.url);
  return [Buffer.from(JSON.parse(readFileSync(require.resolve("subset-font/package.json"), "utf8")).version), readFileSync(require.resolve("harfbuzzjs/dist/harfbuzz-subset.wasm"))];
}

/** Escape text for an XML attribute or element. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/**
 * Rename every `id="x"` to `id="<prefix>-<n>"`, with its `url(#x)` and `href="#x"` references, n
 * counting the ids in the order they are defined. Vega's own numbers (clip5, gradient2) come from a
 * process-wide counter that concurrent renders share: renumbering makes the SVG depend on its spec only.
 */
function prefixIds(svg: string, prefix: string): string {
  const ids = [...new Set([...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!))];
  if (!ids.length) return svg;
  const renamed = new Map(ids.map((id, i) => [id, `${prefix}-${id.replace(/\d+$/, "")}${i + 1}`]));
  return svg
    .replace(/\bid="([^"]+)"/g, (m, id: string) => (renamed.has(id) ? `id="${renamed.get(id)}"` : m))
    .replace(/url\(#([^)]+)\)/g, (m, id: string) => (renamed.has(id) ? `url(#${renamed.get(id)})` : m))
    .replace(/href="#([^"]+)"/g, (m, id: string) => (renamed.has(id) ? `href="#${renamed.get(id)}"` : m));
}

function titleText(spec: TopLevelSpec): string {
  const t = (spec as { title?: unknown }).title;
  if (typeof t === "string") return t;
  if (t && typeof t === "object" && "text" in t) {
    const text = (t as { text: unknown }).text;
    return Array.isArray(text) ? text.join(" ") : String(text);
  }
  return "";
}

/**
 * The chart is one image to assistive technology: the root gets `role="img"` and the text
 * alternative; the ARIA roles Vega still puts on some inner groups (e.g. geoshape layers) are
 * removed, as an image's parts are not read out.
 */
function accessibleRoot(svg: string, title: string, description: string): string {
  const open = svg.indexOf(">", svg.indexOf("<svg")) + 1;
  if (open <= 0) throw new Error("Vega returned no <svg> element");
  const inner = svg.slice(open).replace(/ (?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"/g, "");
  svg = svg.slice(0, open) + inner;
  const head = svg.slice(0, open - 1).replace(/^<svg/, `<svg role="img"${description ? ` aria-label="${escapeXml(description)}"` : ""}`);
  const titleEl = title ? `<title>${escapeXml(title)}</title>` : "";
  return `${head}>${titleEl}${svg.slice(open)}`;
}

/** A Vega logger that hands warnings to `warn` and throws on errors. */
function collectingLogger(vega: typeof Vega, warn: (message: string) => void) {
  let level = vega.Warn;
  const join = (args: unknown[]) => args.map(String).join(" ");
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: unknown[]): never {
      throw new Error(join(args));
    },
    warn(...args: unknown[]) {
      if (level >= vega.Warn) warn(join(args));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger as unknown as Vega.LoggerInterface;
}

interface TextItem {
  fontSize?: number | string;
  fontWeight?: string | number;
  limit?: number;
}

function isBoldWeight(w: string | number | undefined): boolean {
  if (w === undefined) return false;
  if (typeof w === "number") return w >= 600;
  return w === "bold" || w === "bolder" || Number(w) >= 600;
}

/**
 * Width Vega should use for a text item. Capped at the item's `limit`, so bounds of a truncated
 * label are its truncated width, and Vega's own truncation search (which calls this for
 * fragments) still sees anything wider than the limit as too wide.
 */
function itemWidth(item: TextItem, text: unknown): number {
  const size = item.fontSize != null ? +item.fontSize || 0 : 11;
  const s = text == null ? "" : String(text).trim();
  const w = dejaVuWidth(s, size, isBoldWeight(item.fontWeight));
  return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
}

/** Make Vega measure text with DejaVu Sans widths (idempotent; affects this process's Vega). */
function installDejaVuMetrics(vega: typeof Vega): void {
  // Exported by vega at run time but missing from its type declarations.
  const { textMetrics } = vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } };
  textMetrics.width = itemWidth;
}
