/**
 * Compare areas: one horizontal bar per ward for one indicator and period, sorted by value, with
 * 95% confidence intervals, the focus ward(s) highlighted (colour, bold name, and named in the
 * subtitle), and comparator values as labelled vertical lines (a different dash per kind).
 * Suppressed wards keep their row, labelled "suppressed" (or "no data", `missingLabel`) instead of a bar. With a `comparison`,
 * each bar takes the colour of its outcome against the stated comparator (the spine chart's
 * palette, with a key), the focus keeps its bold name and gets a heavy outline, and the outcome is
 * written in the table and alt text; without one (or for a context measure, `notJudged`) bars
 * stay neutral.
 */
import type { IndicatorValueRow, Polarity } from "../../transforms/marts.ts";
import {
  type ChartSpecBundle,
  type CommonChartOptions,
  barPlotWidth,
  chartBundle,
  estimateTextWidth,
  exprString,
  formatNumber,
  listEnglish,
  niceCeil,
  round,
  withUnit,
} from "./bundle.ts";
import { DEFAULT_DASH, LABEL_LIMIT, colours, comparatorDashes } from "./theme.ts";
import { ciVersus, missingLabel, ordinal, polarityNote, uniqueLabels } from "./labels.ts";
import { comparisonNote, comparisonSummary, outcomeColourEncoding, outcomeOf, type AreaComparison } from "./significance.ts";
import { outcomeLabels } from "./theme.ts";

/** A comparator line: e.g. the borough, or the rest of the borough. */
export interface ComparatorLine {
  code: string;
  name: string;
  value: number | null;
  /** A `ComparatorKind` (`parent`, `rest_of_parent`, ...): picks the line's dash. */
  kind: string;
}

/** Options of {@link compareAreasChart}. */
export interface CompareAreasOptions extends CommonChartOptions {
  focusCodes: string[];
  /** area code -> display name (a code without a name is shown as the code). */
  areaNames: Record<string, string>;
  comparators: ComparatorLine[];
  /** Unit shown after values: `"%"`, `"per 1,000"`, ... */
  unit: string;
  polarity: Polarity;
  /** Colour each bar by its comparison (area code -> outcome) with one comparator, with a key. */
  comparison?: AreaComparison;
  /** Why the bars are not coloured by comparison (e.g. a context measure), printed as a note. */
  notJudged?: string;
}

const BAR_STEP = 12;
/** A chart of a few areas (the borough beside its region and England) gets taller bars: 12 px bars read as a sliver. */
const FEW_AREAS = 6;
const FEW_STEP = 22;
/** Height of one row of comparator labels above the plot. */
const LABEL_ROW = 14;
/** The value column: its right edge, px right of the plot. */
const VALUE_COLUMN_PX = 64;

/**
 * Bars of every area's value for one indicator and period (grain of `rows`: one row per area),
 * sorted from highest to lowest, suppressed and missing values last.
 */
export function compareAreasChart(rows: IndicatorValueRow[], opts: CompareAreasOptions): ChartSpecBundle {
  const decimals = opts.decimals ?? 1;
  const focus = new Set(opts.focusCodes);
  const comparison = opts.comparison;
  const labels = uniqueLabels(rows.map((r) => r.area_code), opts.areaNames);
  const hasValue = (r: IndicatorValueRow) => !r.is_suppressed && r.value !== null && Number.isFinite(r.value);
  const sorted = [...rows].sort((a, b) => {
    const av = hasValue(a) ? (a.value as number) : -Infinity;
    const bv = hasValue(b) ? (b.value as number) : -Infinity;
    return bv - av || labels.get(a.area_code)!.localeCompare(labels.get(b.area_code)!);
  });
  const valued = sorted.filter(hasValue);
  const values = sorted.map((r) => {
    const shown = hasValue(r);
    return {
      area_code: r.area_code,
      name: labels.get(r.area_code)!,
      value: shown ? round(r.value, decimals + 2) : null,
      lower95: shown ? round(r.lower95, decimals + 2) : null,
      upper95: shown ? round(r.upper95, decimals + 2) : null,
      label: shown ? formatNumber(r.value, decimals) : missingLabel(r),
      is_focus: focus.has(r.area_code),
      has_value: shown,
      ...(comparison ? { outcome_label: outcomeLabels[outcomeOf(comparison, r.area_code)] } : {}),
    };
  });
  const order = values.map((v) => v.name);
  const present = comparison ? [...new Set(sorted.filter(hasValue).map((r) => outcomeOf(comparison, r.area_code)))] : [];
  const focusNames = values.filter((v) => v.is_focus).map((v) => v.name);
  const comparators = opts.comparators.filter((c) => c.value !== null && Number.isFinite(c.value));

  // x domain fixed here (not by Vega) so comparator labels can be laid out without overlap.
  // Scores can be negative (IoD domain scores): the domain then reaches below zero, as nicely.
  const maxData = Math.max(0, ...valued.map((r) => Math.max(r.value as number, r.upper95 ?? -Infinity)));
  const maxComp = Math.max(0, ...comparators.map((c) => c.value as number));
  const minData = Math.min(0, ...valued.map((r) => Math.min(r.value as number, r.lower95 ?? Infinity)));
  const minComp = Math.min(0, ...comparators.map((c) => c.value as number));
  const width = barPlotWidth(values.map((v) => ({ text: v.name, bold: v.is_focus })), VALUE_COLUMN_PX);
  // A share never passes 100%: its axis stops there (not at the next nice step, 120).
  const top = Math.max(maxComp, maxData);
  const xMax = top > 0 ? (opts.unit === "%" && top <= 100 ? Math.min(100, niceCeil(top * 1.02)) : niceCeil(top * 1.02)) : 0;
  const xMin = Math.min(minComp, minData) < 0 ? -niceCeil(-Math.min(minComp, minData) * 1.02) : 0;
  const domain: [number, number] = [xMin, xMax > xMin ? xMax : xMin + 1];
  const placed = layoutComparatorLabels(comparators, domain, width, opts.unit, decimals);

  const focusTest = `indexof([${focusNames.map(exprString).join(", ")}], datum.value) >= 0`;
  const y = {
    field: "name",
    type: "nominal" as const,
    sort: order,
    title: null,
    axis: {
      labelLimit: LABEL_LIMIT.axis,
      labelFontWeight: { condition: { test: focusTest, value: "bold" as const }, value: "normal" as const },
      labelPadding: 6,
      ticks: false,
      domain: false,
    },
  };
  const x = {
    field: "value",
    type: "quantitative" as const,
    title: opts.unit ? `Value (${opts.unit})` : "Value",
    scale: { domain, nice: false, zero: true },
    // Ticks can fall between whole numbers (0.5 steps): the values' decimals, trailing zeros trimmed.
    // The last label centred on its tick (flush, "40,000" ran into "35,000"), and none overlapping.
    axis: { format: `,.${decimals}~f`, labelLimit: 80, grid: true, tickCount: 6, orient: "bottom" as const, labelFlush: false, labelOverlap: true },
  };

  const layers: unknown[] = [
    {
      transform: [{ filter: "datum.has_value" }],
      mark: comparison
        ? { type: "bar", height: { band: 0.7 }, stroke: colours.comparator }
        : { type: "bar", height: { band: 0.7 } },
      encoding: {
        y,
        x,
        color: comparison
          ? outcomeColourEncoding(comparison, present, "bottom")
          : { condition: { test: "datum.is_focus", value: colours.focus }, value: colours.other },
        ...(comparison ? { strokeWidth: { condition: { test: "datum.is_focus", value: 2.5 }, value: 0.5 } } : {}),
      },
    },
    {
      transform: [{ filter: "datum.has_value && isValid(datum.lower95) && isValid(datum.upper95)" }],
      mark: { type: "rule", color: colours.comparator, strokeWidth: 1.2 },
      encoding: { y, x: { field: "lower95", type: "quantitative" }, x2: { field: "upper95" } },
    },
  ];
  // Comparators: all rules first, then white boxes and labels, so a label stays readable where
  // another comparator's line passes behind it.
  for (const p of placed) {
    layers.push({
      data: { values: [{ comparator: p.name, value: p.value }] },
      mark: { type: "rule", color: colours.comparator, strokeWidth: 1.5, strokeDash: p.dash },
      encoding: { x: { field: "value", type: "quantitative" }, y: { value: p.y }, y2: { value: "height" } },
    });
  }
  for (const p of placed) {
    layers.push(
      {
        data: { values: [{ comparator: p.name }] },
        mark: { type: "rect", color: "white" },
        encoding: { x: { value: p.x0 }, x2: { value: p.x1 }, y: { value: p.y - LABEL_ROW + 1 }, y2: { value: p.y } },
      },
      {
        data: { values: [{ comparator: p.name, value: p.value, label: p.label }] },
        mark: { type: "text", align: p.align, baseline: "bottom", fontSize: 10, color: colours.comparator },
        encoding: { x: { value: p.align === "left" ? p.x0 + 3 : p.x1 - 3 }, y: { value: p.y - 1 }, text: { field: "label" } },
      },
    );
  }
  // The value column, right of the plot.
  layers.push(
    {
      mark: {
        type: "text",
        align: "right",
        baseline: "middle",
        x: { expr: `width + ${VALUE_COLUMN_PX}` },
        fontSize: 11,
        fontWeight: { expr: "datum.is_focus ? 'bold' : 'normal'" },
        fontStyle: { expr: "datum.has_value ? 'normal' : 'italic'" },
      },
      encoding: {
        y,
        text: { field: "label" },
        color: { condition: { test: "datum.has_value", value: colours.text }, value: colours.muted },
      },
    },
    {
      data: { values: [{ header: "Value" }] },
      mark: { type: "text", align: "right", baseline: "bottom", x: { expr: `width + ${VALUE_COLUMN_PX}` }, y: -3, fontSize: 10, color: colours.muted },
      encoding: { text: { field: "header" } },
    },
  );

  const period = rows[0]?.period_label;
  const notes = [
    [period, rows.some((r) => r.lower95 !== null && r.upper95 !== null) ? `Bars: value; black lines: 95% confidence interval.` : `Bars: value (no sampling interval).`].filter(Boolean).join(". "),
    focusNames.length ? `Highlighted (${comparison ? "heavy outline" : "dark bar"}, bold name): ${listEnglish(focusNames)}.` : undefined,
    comparison ? comparisonNote(comparison, present) : opts.notJudged ? `Bars not coloured by comparison: ${opts.notJudged}.` : undefined,
    placed.length ? `Vertical lines: ${listEnglish(placed.map((p) => `${p.name} (${dashWord(p.dash)})`))}.` : undefined,
    polarityNote(opts.polarity),
  ];
  const alt = compareAlt(values, sorted, opts, decimals, period);
  return chartBundle("compare-areas", opts, {
    notes: notes,
    alt,
    spec: {
      width,
      height: { step: values.length <= FEW_AREAS ? FEW_STEP : BAR_STEP },
      data: { values },
      layer: layers,
    },
    table: {
      columns: ["Area code", "Area", `Value (${opts.unit})`, "Lower 95% CI", "Upper 95% CI", ...(comparison ? [`Compared with ${comparison.name} (${comparison.level})`] : []), "Note"],
      rows: [
        ...sorted.map((r) => [
          r.area_code,
          labels.get(r.area_code)!,
          hasValue(r) ? round(r.value, decimals) : null,
          hasValue(r) ? round(r.lower95, decimals) : null,
          hasValue(r) ? round(r.upper95, decimals) : null,
          ...(comparison ? [outcomeLabels[outcomeOf(comparison, r.area_code)]] : []),
          r.is_suppressed ? missingLabel(r) + (r.suppression_reason ? `: ${r.suppression_reason}` : "") : focus.has(r.area_code) ? "focus" : null,
        ]),
        ...opts.comparators.map((c) => [c.code, c.name, round(c.value, decimals), null, null, ...(comparison ? [null] : []), `comparator (${c.kind})`]),
      ],
    },
  });
}

interface PlacedLabel {
  name: string;
  value: number;
  label: string;
  dash: number[];
  align: "left" | "right";
  /** Label box, px from the plot's left edge. */
  x0: number;
  x1: number;
  /** Bottom of the label row, px (negative: above the plot). */
  y: number;
}

/**
 * Lay comparator labels out above the plot: each label starts at its line (or ends there, near
 * the right edge) and takes the lowest row where it overlaps no other label.
 */
function layoutComparatorLabels(
  comps: ComparatorLine[],
  [xMin, xMax]: [number, number],
  width: number,
  unit: string,
  decimals: number,
): PlacedLabel[] {
  const rows: [number, number][][] = [];
  const out: PlacedLabel[] = [];
  for (const c of [...comps].sort((a, b) => (a.value as number) - (b.value as number))) {
    const value = c.value as number;
    const label = `${c.name}: ${withUnit(value, unit, decimals)}`;
    const px = ((value - xMin) / (xMax - xMin)) * width;
    const w = estimateTextWidth(label, 10) + 6;
    const align: "left" | "right" = px + w > width ? "right" : "left";
    const [x0, x1] = align === "left" ? [px, px + w] : [px - w, px];
    let r = rows.findIndex((row) => row.every(([a, b]) => x1 < a - 2 || x0 > b + 2));
    if (r < 0) r = rows.push([]) - 1;
    rows[r].push([x0, x1]);
    out.push({ name: c.name, value, label, dash: comparatorDashes[c.kind] ?? DEFAULT_DASH, align, x0, x1, y: -4 - r * LABEL_ROW });
  }
  return out;
}

function dashWord(dash: number[]): string {
  if (dash[0] <= 2) return "dotted";
  if (dash.length > 2) return "dash-dot";
  return "dashed";
}

function compareAlt(
  values: { name: string; value: number | null; is_focus: boolean; has_value: boolean }[],
  rows: IndicatorValueRow[],
  opts: CompareAreasOptions,
  decimals: number,
  period: string | undefined,
): string {
  const shown = values.filter((v) => v.has_value);
  const parts = [
    `Bar chart of ${opts.title}${period ? `, ${period}` : ""}, for ${values.length} areas sorted from highest to lowest.`,
  ];
  if (shown.length) {
    parts.push(
      `Values range from ${withUnit(shown[shown.length - 1].value, opts.unit, decimals)} (${shown[shown.length - 1].name}) to ${withUnit(shown[0].value, opts.unit, decimals)} (${shown[0].name}).`,
    );
  }
  const suppressed = values.length - shown.length;
  if (suppressed) parts.push(`${suppressed} ${suppressed === 1 ? "area has" : "areas have"} no published value (suppressed or not available).`);
  for (const code of opts.focusCodes) {
    // `values` is built from `rows` (sorted) index for index.
    const i = rows.findIndex((x) => x.area_code === code);
    if (i < 0) continue;
    const r = rows[i];
    const name = values[i].name;
    if (r.is_suppressed || r.value === null) {
      parts.push(`${name}: ${missingLabel(r) === "suppressed" ? "value suppressed" : "no data"}${r.suppression_reason ? ` (${r.suppression_reason})` : ""}.`);
      continue;
    }
    const rank = shown.findIndex((v) => v.name === name) + 1;
    const ci = r.lower95 !== null && r.upper95 !== null ? ` (95% confidence interval ${formatNumber(r.lower95, decimals)} to ${formatNumber(r.upper95, decimals)})` : "";
    parts.push(`${name}: ${withUnit(r.value, opts.unit, decimals)}${ci}, ${ordinal(rank)} highest of ${shown.length}.`);
    for (const c of opts.comparators) {
      if (c.value === null) continue;
      parts.push(`${c.name}: ${withUnit(c.value, opts.unit, decimals)}${ciVersus(r, c.value, name)}.`);
    }
  }
  if (opts.comparison) parts.push(comparisonSummary(opts.comparison, rows.filter((r) => !r.is_suppressed && r.value !== null).map((r) => outcomeOf(opts.comparison!, r.area_code))));
  else if (opts.notJudged) parts.push(`Not compared: ${opts.notJudged}.`);
  const pol = polarityNote(opts.polarity);
  if (pol) parts.push(pol);
  return parts.join(" ");
}
