/**
 * What every chart builder returns, and the small text helpers the builders share (number
 * formatting, units, ids, Vega expression literals, word-wrapping).
 */
import type { TopLevelSpec } from "vega-lite";
import { dejaVuWidth } from "./text-metrics.ts";
import { LABEL_LIMIT, PRINT_WIDTH, chartConfig } from "./theme.ts";

/** The data table behind a chart: for the accessible table beside it and the CSV download. */
export interface ChartTable {
  columns: string[];
  rows: (string | number | null)[][];
}

/**
 * One chart: a stable `id` (file names, anchors), the Vega-Lite spec with its data inline, a
 * plain-English text alternative written from the data (what it shows, the focus value and how
 * it compares), and the data table behind it.
 */
export interface ChartSpecBundle {
  id: string;
  spec: TopLevelSpec;
  alt: string;
  table: ChartTable;
}

/** Options every builder accepts. */
export interface CommonChartOptions {
  /** Chart title (the spec's title and the start of the alt text). */
  title: string;
  /** Optional subtitle line(s) shown under the title, before the builder's own reading notes. */
  subtitle?: string;
  /** Stable id; default `<kind>-<slug of title>`. */
  id?: string;
  /** Decimal places for values in labels, tables and alt text; default 1. */
  decimals?: number;
}

/** The `$schema` every spec declares. */
export const VL_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** What a builder supplies to {@link chartBundle}: its own reading notes, alt text, spec body and table. */
export interface BundleParts {
  /** Reading notes shown under the title, after the caller's subtitle (undefined ones are skipped). */
  notes: (string | undefined)[];
  /** The text alternative (also the spec's `description`). */
  alt: string;
  /** The spec without `$schema`, `title`, `description` and `config` (data, marks, size, ...). */
  spec: Record<string, unknown>;
  /** The data table behind the chart. */
  table: ChartTable;
  /** Attach the shared theme as the spec's `config`; default true. */
  theme?: boolean;
}

/**
 * The bundle of a builder of `kind`: id from the options (`chartId`), and the spec with the
 * shared head (`$schema`, the title block of `opts.title` with `opts.subtitle` then the
 * builder's notes, the alt text as `description`), the builder's body, then the shared theme.
 */
export function chartBundle(kind: string, opts: CommonChartOptions, parts: BundleParts): ChartSpecBundle {
  const spec = {
    $schema: VL_SCHEMA,
    title: titleBlock(opts.title, [opts.subtitle, ...parts.notes]),
    description: parts.alt,
    ...parts.spec,
    ...(parts.theme === false ? {} : { config: chartConfig }),
  } as TopLevelSpec;
  return { id: chartId(kind, opts), spec, alt: parts.alt, table: parts.table };
}

/** `"Violence per 1,000!"` -> `"violence-per-1-000"`. */
export function slug(s: string): string {
  return s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
}

/** The bundle id: the caller's, or `<kind>-<slug of title>`. */
export function chartId(kind: string, opts: { id?: string; title: string }): string {
  return opts.id ?? `${kind}-${slug(opts.title)}`;
}

const formatters = new Map<number, Intl.NumberFormat>();
/** `1234.567` -> `"1,234.6"`, `-0.2` -> `"−0.2"` (en-GB, fixed decimals, a true minus sign as on the axes); null -> `"no value"`. */
export function formatNumber(v: number | null | undefined, decimals = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "no value";
  let f = formatters.get(decimals);
  if (!f) {
    f = new Intl.NumberFormat("en-GB", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    formatters.set(decimals, f);
  }
  // A value that rounds to zero prints as 0.0, never "−0.0".
  const text = f.format(v);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text.replace(/^-/, "\u2212");
}

/** A value with its unit: `"%"` attaches (`12.3%`), any other unit follows a space (`12.3 per 1,000`). */
export function withUnit(v: number | null | undefined, unit: string, decimals = 1): string {
  const n = formatNumber(v, decimals);
  if (v === null || v === undefined || !Number.isFinite(v) || unit === "") return n;
  return unit === "%" ? `${n}%` : `${n} ${unit}`;
}

/** A d3-format string with thousands separators and fixed decimals, for axes and text marks. */
export function d3Format(decimals = 1): string {
  return `,.${decimals}f`;
}

/** Round to `decimals` places (avoids 12.300000000000001 in CSV downloads and specs); null stays null. */
export function round(v: number | null | undefined, decimals = 1): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  const k = 10 ** decimals;
  return Math.round(v * k) / k;
}

/**
 * A JS/Vega-expression string literal for arbitrary text (names come from data: quotes,
 * backslashes and line separators are escaped, so a name can never break an expression).
 */
export function exprString(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Join names as English: `["A"]` -> `A`, `["A","B","C"]` -> `A, B and C`. */
export function listEnglish(xs: readonly string[], conjunction: "and" | "or" = "and"): string {
  if (xs.length <= 1) return xs[0] ?? "";
  return `${xs.slice(0, -1).join(", ")} ${conjunction} ${xs[xs.length - 1]}`;
}

/** Rendered width in px of `text` in DejaVu Sans at `fontSize` (the same widths `renderSvg` uses). */
export function estimateTextWidth(text: string, fontSize = 11, bold = false): number {
  return dejaVuWidth(text, fontSize, bold);
}

/**
 * The plot width of a horizontal bar chart whose category labels sit left of the plot (11 px,
 * 6 px from it, cut at `LABEL_LIMIT.axis`) and `right` px of columns right of it, so that the
 * whole chart, with the theme's padding, is {@link PRINT_WIDTH} wide: the printed text width.
 */
export function barPlotWidth(labels: readonly { text: string; bold?: boolean }[], right: number): number {
  const widest = Math.max(0, ...labels.map((l) => Math.ceil(estimateTextWidth(l.text, 11, l.bold ?? false))));
  const padding = 2 * Number(chartConfig.padding ?? 0);
  return Math.floor(PRINT_WIDTH - padding - 6 - Math.min(LABEL_LIMIT.axis, widest) - right - 2);
}

/** Does `name` already say its unit ("Complaints per 1,000" says "per 1,000")? Then a label adds no "(per 1,000)". */
export function namesUnit(name: string, unit: string): boolean {
  return unit !== "" && unit !== "%" && name.toLowerCase().includes(unit.toLowerCase());
}

/** Split text into lines at most `maxPx` wide in DejaVu Sans (a longer word keeps its own line). */
export function wrapToWidth(text: string, maxPx: number, fontSize = 11, bold = false): string[] {
  const lines: string[] = [];
  let line = "";
  for (const w of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${w}` : w;
    if (line && dejaVuWidth(next, fontSize, bold) > maxPx) {
      lines.push(line);
      line = w;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [""];
}

/**
 * Facet header for small multiples: each panel's title wrapped to the panel's width (two lines at
 * most, the second ending in an ellipsis when the title is longer), never cut to "Violence and…".
 */
export function wrappedHeader(titles: readonly string[], maxPx: number, fontSize = 11): Record<string, unknown> {
  const lines = Object.fromEntries(
    titles.map((t) => {
      const w = wrapToWidth(t, maxPx, fontSize, true);
      const two = w.length > 2 ? [w[0], `${w[1]}\u2026`] : w;
      return [t, two];
    }),
  );
  return {
    labelAnchor: "start", labelFontWeight: "bold", labelFontSize: fontSize, labelLimit: maxPx + 8, labelPadding: 4,
    labelLineHeight: Math.round(fontSize * 1.25), labelBaseline: "bottom",
    labelExpr: `${JSON.stringify(lines)}[datum.value] || datum.value`,
  };
}

/** Width in px available to title and subtitle lines. */
const TITLE_PX = 600;

/**
 * Title block: the title (wrapped, 15 px bold), then the builder's reading notes as subtitle
 * lines (each note wrapped to the page width).
 */
export function titleBlock(title: string, notes: (string | undefined)[]): { text: string | string[]; subtitle?: string[] } {
  const titleLines = wrapToWidth(title, TITLE_PX, 15, true);
  const text = titleLines.length === 1 ? titleLines[0] : titleLines;
  const lines = notes.filter((n): n is string => !!n).flatMap((n) => wrapToWidth(n, TITLE_PX, 11));
  return lines.length ? { text, subtitle: lines } : { text };
}

/** A "nice" upper bound at or above `x` (1, 2, 2.5, 5 times a power of ten). */
export function niceCeil(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= x - 1e-12) return m * p;
  return 10 * p;
}
