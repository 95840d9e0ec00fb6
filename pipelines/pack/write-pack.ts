/**
 * Stage 6, pack: render every chart (SVG, PNG, Vega-Lite spec, data CSV), the HTML page, the
 * PDF, the Excel workbook, data downloads and `manifest.json` into a temporary folder beside the
 * destination, then swap it into place, so a failed or killed run leaves the previous pack whole.
 *
 * Work overlaps: Chromium starts while the charts render, PNGs rasterise on the thread pool
 * while the main thread renders the next SVG, and the PDF prints while the workbook is written.
 * Charts that are identical in two packs of one build are rendered once.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import type { Context } from "../core/context.ts";
import { processAlive } from "../core/process-alive.ts";
import { messages } from "../core/messages.ts";
import { packFigures, parentNoun, type PackFigure, type PackModel } from "./pack-types.ts";
import { methodLine } from "./figures/index.ts";
import { renderPackHtml, type RenderedChart } from "./render-html.ts";
import { CHROMIUM_PATH, launchPdfBrowser, renderPdf, type RenderedPdf } from "./render-pdf.ts";
import { writeWorkbook } from "./write-xlsx.ts";
import { chartSlides, writePptx } from "./write-pptx.ts";
import { createPngPool, renderSvg, renderSvgAndBare, withoutTitle, type PngPool } from "../../notebooks/charts/index.ts";
import type { TopLevelSpec } from "vega-lite";
import { toCsv } from "./csv.ts";
import { chartCacheOf } from "./chart-cache.ts";
import { COMPARISON_COLUMNS, type WarehouseTables } from "./pack-data.ts";
import { VALUE_COLUMNS } from "../../transforms/indicators/measure.ts";
import { displayPath } from "../../sources/files.ts";

/** Give a chart's SVG ids a unique prefix so many charts can share one HTML page. */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id) => `href="#${prefix}-${id}"`);
}

/** Every file under a folder, as sorted relative paths. */
export function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, base));
    else out.push(path.relative(base, p).split(path.sep).join("/"));
  }
  return out;
}

const sha256 = (buf: Buffer | string) => createHash("sha256").update(buf).digest("hex");

/** How long a chart no build here has used stays in the shared cache (see `RenderCache.prune`). */
export const KEEP_OTHERS_MS = 7 * 24 * 60 * 60 * 1000;

/** `RenderCache.prune`: remove the files of `dir` not in `used`, not used by any build for `KEEP_OTHERS_MS`, or half written by a process gone. */
export function pruneChartCache(dir: string, used: ReadonlySet<string>, now = Date.now()): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    if (used.has(f)) continue;
    const file = path.join(dir, f);
    const writer = /\.tmp-(\d+)$/.exec(f);
    const stale = writer ? !processAlive(Number(writer[1])) : now - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? now) > KEEP_OTHERS_MS;
    if (stale) rmSync(file, { force: true });
  }
}

/**
 * SVGs and PNGs rendered once per build, keyed by content, and kept between builds in `dir`
 * (`outputs/.cache/charts`): an SVG is named by the SHA-256 of its spec and everything else that
 * shapes it (Vega's versions, the renderer, theme and font metrics sources), a PNG by that of its
 * SVG and the rasteriser's version, so an unchanged chart is never rendered twice. Files no
 * build has used for a week are removed at the end of a full build (`pruneChartCache`).
 */
class RenderCache {
  private svgs = new Map<string, Promise<string>>();
  private pngs = new Map<string, Promise<Buffer>>();
  private used = new Set<string>();
  constructor(
    private readonly dir: string,
    private readonly pool: PngPool,
  ) {}
  svg(spec: TopLevelSpec): Promise<string> {
    return this.svgOf(spec, () => renderSvg(spec));
  }
  /** A chart's SVG and its bare (untitled) SVG, both rendered from one compile when neither is kept. */
  async svgAndBare(spec: TopLevelSpec): Promise<{ svg: string; bare: string }> {
    const bare = withoutTitle(spec);
    let both: Promise<{ svg: string; bare: string }> | undefined;
    const render = () => (both ??= renderSvgAndBare(spec));
    const [a, b] = await Promise.all([this.svgOf(spec, () => render().then((r) => r.svg)), this.svgOf(bare, () => render().then((r) => r.bare))]);
    return { svg: a, bare: b };
  }
  private svgOf(spec: TopLevelSpec, render: () => Promise<string>): Promise<string> {
    const key = sha256(`${SVG_RENDERER}\n${JSON.stringify(spec)}`);
    let p = this.svgs.get(key);
    if (!p) {
      const file = path.join(this.dir, `${key}.svg`);
      this.used.add(`${key}.svg`);
      p = this.kept(file, () => readFileSync(file, "utf8"), render);
      this.svgs.set(key, p);
    }
    return p;
  }
  /** A chart drawn before (its file's time set to now: another build's prune sees it in use), else drawn and kept. */
  private kept<T extends string | Buffer>(file: string, read: () => T, render: () => Promise<T>): Promise<T> {
    try {
      const now = new Date();
      utimesSync(file, now, now);
      return Promise.resolve(read());
    } catch {
      return render().then((data) => this.keep(file, data));
    }
  }
  private keep<T extends string | Buffer>(file: string, data: T): T {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(`${file}.tmp-${process.pid}`, data);
    renameSync(`${file}.tmp-${process.pid}`, file);
    return data;
  }
  png(svg: string): Promise<Buffer> {
    const key = sha256(`${PNG_RENDERER}\n${svg}`);
    let p = this.pngs.get(key);
    if (!p) {
      const file = path.join(this.dir, `${key}.png`);
      this.used.add(`${key}.png`);
      // Drawn on the pool's worker threads, one chart at a time each, while this thread draws the
      // next SVGs and drives Chromium (resvg's own thread pool took every chart at once, and a CI
      // run once lost a test worker to it).
      p = this.kept(file, () => readFileSync(file), () => this.pool.render(svg));
      this.pngs.set(key, p);
    }
    return p;
  }
  /**
   * Remove cached files this build did not use, and no other build has for `KEEP_OTHERS_MS`: the
   * cache is shared by the builds whose outputs sit side by side (two wards' configs), each
   * holding only its own outputs' lock, and each would otherwise delete the other's charts (and
   * a chart the other was writing). What a killed run left half written goes.
   */
  prune(): void {
    pruneChartCache(this.dir, this.used);
  }
}

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), "utf8");
/** What shapes an SVG besides its spec: Vega's versions and the renderer, theme and font metrics. */
const SVG_RENDERER = sha256(
  [
    JSON.parse(read("../../node_modules/vega/package.json")).version,
    JSON.parse(read("../../node_modules/vega-lite/package.json")).version,
    read("../../notebooks/charts/render.ts"),
    read("../../notebooks/charts/theme.ts"),
    read("../../notebooks/charts/text-metrics.ts"),
  ].join("\n"),
);
/** What shapes a PNG besides its SVG: the rasteriser's version and the output width. */
const PNG_RENDERER = `resvg-js ${JSON.parse(read("../../node_modules/@resvg/resvg-js/package.json")).version} 1200px`;

/** Versions of the tools that shaped the outputs. */
async function versions(ctx: Context, browser: Browser | null): Promise<Record<string, string>> {
  const pkg = (name: string) => {
    const file = name === "localneeds" ? new URL("../../package.json", import.meta.url) : new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  };
  const duck = await ctx.db.one<{ v: string }>(`SELECT version() AS v`);
  return {
    localneeds: pkg("localneeds"),
    duckdb: duck!.v,
    "vega-lite": pkg("vega-lite"),
    vega: pkg("vega"),
    "@resvg/resvg-js": pkg("@resvg/resvg-js"),
    exceljs: pkg("exceljs"),
    "playwright-core": pkg("playwright-core"),
    ...(browser ? { chromium: browser.version() } : {}),
    node: process.versions.node,
  };
}

/** Write one pack into `dir` (which must not exist). */
async function writePackFiles(
  ctx: Context,
  m: PackModel,
  dir: string,
  cache: RenderCache,
  getBrowser: () => Promise<Browser | null>,
  downloads: (t: WarehouseTables) => Record<string, string>,
  /** The PDF was not asked for (`--no-pdf`): none is written, and no warning says so. */
  pdfLeftOut = false,
): Promise<void> {
  mkdirSync(path.join(dir, "charts"), { recursive: true });
  mkdirSync(path.join(dir, "data"), { recursive: true });
  const figures = packFigures(m);
  const seen = new Set<string>();
  for (const f of figures) {
    if (seen.has(f.chart.id)) throw new Error(`pack ${m.slug}: two charts have the id ${f.chart.id}`);
    seen.add(f.chart.id);
  }
  const charts = new Map<string, RenderedChart>();
  const figureNumbers = new Map<string, number>();
  // Each PNG settles on its own (an error is kept, not left unhandled while the next chart
  // renders) and is awaited before this function returns or throws.
  const pngs: Promise<PromiseSettledResult<void>>[] = [];
  const settle = <T>(p: Promise<T>) => p.then((value): PromiseSettledResult<T> => ({ status: "fulfilled", value }), (reason: unknown): PromiseSettledResult<T> => ({ status: "rejected", reason }));
  let browser: Browser | null = null;
  let pdf: Promise<RenderedPdf> | null = null;
  let pdfSettled: Promise<PromiseSettledResult<RenderedPdf>> | null = null;
  // Never leave Chromium or the thread pool writing into a folder that is being removed.
  const inFlight = () => Promise.all<PromiseSettledResult<unknown>>([...(pdfSettled ? [pdfSettled] : []), ...pngs]);
  // A slide's chart is drawn without its title (the cache has the pack's; the spine's slide-sized parts are rendered here).
  const slidePng = async (f: PackFigure) => cache.png(await cache.svg(withoutTitle(f.chart.spec)));
  try {
    for (const [i, f] of figures.entries()) {
      ctx.log.progress(`rendering charts for ${m.focus.name}`, i, figures.length);
      const bundle = f.chart;
      const { svg, bare: printSvg } = await cache.svgAndBare(bundle.spec);
      const files = { svg: `charts/${bundle.id}.svg`, png: `charts/${bundle.id}.png`, spec: `charts/${bundle.id}.vl.json`, csv: `data/${bundle.id}.csv` };
      writeFileSync(path.join(dir, files.svg), svg);
      writeFileSync(path.join(dir, files.spec), JSON.stringify(bundle.spec, null, 2) + "\n");
      writeFileSync(path.join(dir, files.csv), toCsv(bundle.table.columns, bundle.table.rows));
      pngs.push(settle(cache.png(svg).then((png) => writeFileSync(path.join(dir, files.png), png))));
      charts.set(bundle.id, { bundle, svg: prefixSvgIds(svg, `f${i + 1}`), printSvg: prefixSvgIds(printSvg, `p${i + 1}`), files });
      figureNumbers.set(bundle.id, i + 1);
    }
    ctx.log.progress(`rendering charts for ${m.focus.name}`, figures.length, figures.length);
    // The slides' images drawn now, beside the PDF, not one by one after it.
    for (const c of chartSlides(m)) pngs.push(settle(slidePng(c.figure).then(() => {})));
    browser = await getBrowser();
    writeFileSync(path.join(dir, "index.html"), renderPackHtml(m, charts, { downloads: { pdf: browser ? "pack.pdf" : undefined, xlsx: "pack.xlsx", pptx: "pack.pptx" } }));
    if (m.changes) writeFileSync(path.join(dir, "changes.json"), JSON.stringify(m.changes, null, 2) + "\n");
    // Draft charts for the PDF's first pass: the same <svg> box (width, height, viewBox), no content.
    const drafts = new Map([...charts].map(([id, c]) => [id, { ...c, printSvg: `${c.printSvg.slice(0, c.printSvg.indexOf(">") + 1)}</svg>` }]));
    const notice = m.synthetic ? "Synthetic demo data: every figure is made up. " : "";
    pdf = browser
      ? renderPdf(browser, (pages, draft) => renderPackHtml(m, draft ? drafts : charts, { forPdf: true, pages }), {
          footer: `${notice}${m.focus.name}: ${m.kind === "overview" ? `${parentNoun(m.parent.code)} overview` : "needs assessment"}`,
          builtAt: m.builtAt,
        })
      : null;
    pdfSettled = pdf ? settle(pdf) : null;
    // The workbook and the data downloads while Chromium prints and the PNGs rasterise.
    writeFileSync(path.join(dir, "pack.xlsx"), await writeWorkbook(m, figureNumbers));
    for (const [name, csv] of Object.entries(downloads(m.warehouse))) writeFileSync(path.join(dir, "data", name), csv);
  } catch (err) {
    await inFlight();
    throw err;
  }
  const failed = (await inFlight()).find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  let pdfInfo: { pages: number; contents: Record<string, number> } | null = null;
  if (pdf) {
    const r = await pdf;
    if (r.problem) ctx.log.warn(messages.packPdfNoPageNumbers(r.problem));
    writeFileSync(path.join(dir, "pack.pdf"), r.pdf);
    pdfInfo = { pages: r.pages, contents: Object.fromEntries(r.sectionPages) };
  } else if (!pdfLeftOut) ctx.log.warn(messages.packPdfNoChromium());
  // The slides place the chart PNGs, all drawn by now.
  writeFileSync(path.join(dir, "pack.pptx"), await writePptx(m, slidePng));

  // Manifest last: every other file with its hash.
  const files = listFiles(dir).map((f) => {
    const buf = readFileSync(path.join(dir, f));
    return { path: f, sha256: sha256(buf), bytes: buf.length };
  });
  const rel = (p: string) => displayPath({ baseDir: m.configBaseDir }, p);
  const manifest = {
    pack: m.slug,
    kind: m.kind,
    title: m.title,
    focus: m.focus,
    parent: m.parent,
    synthetic: m.synthetic,
    built_at: m.builtAt.toISOString(),
    versions: await versions(ctx, browser),
    data_versions: {
      latest_periods: Object.fromEntries(m.summary.map((r) => [r.indicator.id, r.period])),
      baseline: m.outcomes.baseline,
      code_vintages: m.dataQuality.vintages,
    },
    pdf: pdfInfo,
    inputs: m.inputs.map((i) => ({ path: rel(i.path), sha256: i.sha256, rows_read: i.rowsRead, rows_loaded: i.rowsLoaded, rows_rejected: i.rowsRejected })),
    indicators: m.indicators.map((i) => ({
      id: i.id,
      title: i.title,
      domain: i.domain,
      method: i.method,
      method_description: methodLine(i, m.surveyWeightings),
      unit: i.unit,
      multiplier: i.multiplier,
      polarity: i.polarity,
      periods: i.periods,
      suppress: i.suppress,
      source: i.source,
      definition: i.definition,
    })),
    charts: figures.map((f, i) => ({ figure: i + 1, id: f.chart.id, sheet: f.sheet, source: f.source })),
    files,
  };
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
}

/** The warehouse tables every pack carries as CSV downloads (the same in every pack of a build, read once by `readPackData`). */
function warehouseDownloads(t: WarehouseTables): Record<string, string> {
  return {
    "indicator_values.csv": toCsv(VALUE_COLUMNS, t.values.map((r) => VALUE_COLUMNS.map((c) => r[c]))),
    "indicator_comparisons.csv": toCsv(COMPARISON_COLUMNS, t.comparisons.map((r) => COMPARISON_COLUMNS.map((c) => r[c]))),
  };
}

/**
 * Write every pack, side by side (one pack's PDF prints while the next one's charts render), into
 * temporary folders; only when all are complete is each swapped into `<outputDir>/<slug>`.
 */
export async function writePacks(
  ctx: Context,
  models: PackModel[],
  root: string = ctx.config.outputDir,
  /** The browser that prints the PDFs (default: the one found in the standard install paths; null: none found, warned; false: no PDF asked for). */
  browserPath: string | null | false | undefined = CHROMIUM_PATH,
): Promise<string[]> {
  mkdirSync(root, { recursive: true });
  // Chromium starts while the first charts render; a launch failure is reported when awaited.
  const launching = models.length && browserPath !== false ? launchPdfBrowser(browserPath).then((b) => ({ b }), (err: unknown) => ({ err })) : Promise.resolve({ b: null });
  const pool = createPngPool();
  const cache = new RenderCache(chartCacheOf(ctx.config), pool);
  const getBrowser = async () => {
    const l = await launching;
    if ("err" in l) throw l.err;
    return l.b;
  };
  // Every pack of a build shares one WarehouseTables: its CSVs are written out once.
  const csvs = new Map<WarehouseTables, Record<string, string>>();
  const downloads = (t: WarehouseTables) => csvs.get(t) ?? csvs.set(t, warehouseDownloads(t)).get(t)!;
  const jobs = models.map((m) => ({ m, final: path.join(root, m.slug), tmp: path.join(root, `.building-${m.slug}-${process.pid}`) }));
  try {
    for (const j of jobs) rmSync(j.tmp, { recursive: true, force: true });
    const results = await Promise.allSettled(jobs.map((j) => writePackFiles(ctx, j.m, j.tmp, cache, getBrowser, downloads, browserPath === false)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    for (const j of jobs) {
      const old = path.join(root, `.old-${j.m.slug}-${process.pid}`);
      if (existsSync(j.final)) renameSync(j.final, old);
      renameSync(j.tmp, j.final);
      rmSync(old, { recursive: true, force: true });
    }
  } catch (err) {
    for (const j of jobs) rmSync(j.tmp, { recursive: true, force: true });
    throw err;
  } finally {
    await pool.close();
    const l = await launching;
    if ("b" in l && l.b) await l.b.close();
  }
  // Only a complete build knows every chart it needs (a build of one --area keeps the others').
  if (models.length > 1) cache.prune();
  return jobs.map((j) => j.final);
}
