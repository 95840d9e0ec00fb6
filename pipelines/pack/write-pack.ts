/**
 * Stage 6, pack: render every chart (SVG, PNG, Vega-Lite spec, data CSV), the HTML page, data
 * downloads and `manifest.json` into a temporary folder beside the destination, then swap it
 * into place, so a failed or killed run leaves the previous pack whole.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Context } from "../context.ts";
import type { PackModel } from "./pack-model.ts";
import { renderPackHtml, type RenderedChart } from "./render-html.ts";
import { renderPng, renderSvg } from "../../notebooks/charts/index.ts";
import { toCsv } from "./csv.ts";
import { VALUE_COLUMNS } from "../../transforms/indicators/measure.ts";

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

/** Versions of the tools that shaped the outputs. */
async function versions(ctx: Context): Promise<Record<string, string>> {
  const pkg = (name: string) => {
    const file = name === "localneeds" ? new URL("../../package.json", import.meta.url) : new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  };
  const duck = await ctx.db.one<{ v: string }>(`SELECT version() AS v`);
  return { localneeds: pkg("localneeds"), duckdb: duck!.v, "vega-lite": pkg("vega-lite"), vega: pkg("vega"), node: process.versions.node };
}

/** Write one pack into `dir` (which must not exist). */
async function writePackFiles(ctx: Context, m: PackModel, dir: string): Promise<void> {
  mkdirSync(path.join(dir, "charts"), { recursive: true });
  mkdirSync(path.join(dir, "data"), { recursive: true });
  const charts = new Map<string, RenderedChart>();
  const all = m.sections.flatMap((s) => s.charts);
  for (const [i, bundle] of all.entries()) {
    ctx.log.progress(`rendering charts for ${m.focus.name}`, i, all.length);
    const svg = await renderSvg(bundle.spec);
    const files = { svg: `charts/${bundle.id}.svg`, png: `charts/${bundle.id}.png`, spec: `charts/${bundle.id}.vl.json`, csv: `data/${bundle.id}.csv` };
    writeFileSync(path.join(dir, files.svg), svg);
    writeFileSync(path.join(dir, files.png), renderPng(svg));
    writeFileSync(path.join(dir, files.spec), JSON.stringify(bundle.spec, null, 2) + "\n");
    writeFileSync(path.join(dir, files.csv), toCsv(bundle.table.columns, bundle.table.rows));
    charts.set(bundle.id, { bundle, svg: prefixSvgIds(svg, `f${i + 1}`), files });
  }
  ctx.log.progress(`rendering charts for ${m.focus.name}`, all.length, all.length);
  writeFileSync(path.join(dir, "index.html"), renderPackHtml(m, charts));
  // The indicator values behind the pack: the borough's wards, the focus, its comparators.
  const values = await ctx.db.all<Record<string, unknown>>(
    `SELECT v.* FROM marts.indicator_values v JOIN ref.areas a USING (area_code)
     WHERE a.area_type <> 'lsoa' ORDER BY indicator_id, period_start, breakdown, area_code`,
  );
  writeFileSync(path.join(dir, "data", "indicator_values.csv"), toCsv(VALUE_COLUMNS, values.map((r) => VALUE_COLUMNS.map((c) => r[c]))));
  const comparisons = await ctx.db.all<Record<string, unknown>>(
    `SELECT * FROM marts.indicator_comparisons ORDER BY indicator_id, area_code, period_label, breakdown, comparator_kind, level`,
  );
  const cCols = ["indicator_id", "area_code", "period_label", "breakdown", "comparator_code", "comparator_kind", "comparator_value", "outcome", "level", "method"];
  writeFileSync(path.join(dir, "data", "indicator_comparisons.csv"), toCsv(cCols, comparisons.map((r) => cCols.map((c) => r[c]))));
  // Manifest last: every other file with its hash.
  const files = listFiles(dir).map((f) => {
    const buf = readFileSync(path.join(dir, f));
    return { path: f, sha256: sha256(buf), bytes: buf.length };
  });
  const rel = (p: string) => path.relative(m.configBaseDir, p).split(path.sep).join("/");
  const manifest = {
    pack: m.slug,
    title: m.title,
    focus: m.focus,
    parent: m.parent,
    synthetic: m.synthetic,
    built_at: m.builtAt.toISOString(),
    versions: await versions(ctx),
    inputs: m.inputs.map((i) => ({ path: rel(i.path), sha256: i.sha256, rows_read: i.rowsRead, rows_loaded: i.rowsLoaded, rows_rejected: i.rowsRejected })),
    indicators: m.indicators.map((i) => ({ id: i.id, title: i.title, domain: i.domain, method: i.method, unit: i.unit, multiplier: i.multiplier, polarity: i.polarity, periods: i.periods, suppress: i.suppress, source: i.source, definition: i.definition })),
    files,
  };
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
}

/** Write every pack; each is swapped into `<outputDir>/<slug>` only when complete. */
export async function writePacks(ctx: Context, models: PackModel[]): Promise<string[]> {
  const root = ctx.config.outputDir;
  mkdirSync(root, { recursive: true });
  const dirs: string[] = [];
  for (const m of models) {
    const final = path.join(root, m.slug);
    const tmp = path.join(root, `.building-${m.slug}-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    try {
      await writePackFiles(ctx, m, tmp);
      const old = path.join(root, `.old-${m.slug}-${process.pid}`);
      if (existsSync(final)) renameSync(final, old);
      renameSync(tmp, final);
      rmSync(old, { recursive: true, force: true });
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
    dirs.push(final);
  }
  return dirs;
}
