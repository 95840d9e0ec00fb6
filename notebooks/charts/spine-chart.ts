/**
 * Spine chart (Fingertips style): one row per indicator with the focus value, the comparator
 * value, the comparison outcome in words, and a "spine" showing where the focus area sits among
 * all wards. The spine is centred on the comparator value and scaled so the ward furthest from it
 * reaches the edge; better is always to the right (higher, for no-judgement indicators). Light
 * bar: full range of wards; dark bar: the middle half (25th to 75th percentile); circle: the focus
 * value, coloured by outcome with the outcome also written beside it.
 *
 * Drawn as one view with the columns laid out in pixels (no hconcat): rows and headers of the
 * text columns and the spine then line up exactly, whatever the header lengths.
 */
import type { Outcome, Polarity } from "../../transforms/marts.ts";
import {
  type ChartSpecBundle,
  type CommonChartOptions,
  chartBundle,
  formatNumber,
  listEnglish,
  round,
  wrapToWidth,
} from "./bundle.ts";
import { PRINT_WIDTH, chartConfig, colours, outcomeColours, outcomeLabels } from "./theme.ts";
import { CONTEXT_NOTE, isContextMeasure } from "../../transforms/indicators/define.ts";

/** One row per indicator: focus and comparator values and the distribution over all wards. */
export interface SpineRow {
  indicator_id: string;
  title: string;
  focus_value: number | null;
  /** What a null focus value is called (`missingLabel`): "suppressed" (the default) or "no data". */
  focus_missing?: "suppressed" | "no data";
  england_or_parent_value: number | null;
  /** Lowest, 25th percentile, 75th percentile and highest ward value. */
  min: number | null;
  q25: number | null;
  q75: number | null;
  max: number | null;
  outcome: Outcome;
  polarity: Polarity;
  /** Shown after values when `"%"`; otherwise the indicator title is expected to name the unit. */
  unit?: string;
}

/** Options of {@link spineChart}. */
export interface SpineOptions extends CommonChartOptions {
  focusName: string;
  /** The comparator the spine is centred on and outcomes refer to (e.g. "England", "Kestrel"). */
  comparatorName: string;
}

/** Column layout in px from the left edge (the spine fills SPINE.x0..x1). */
const COL = { title: 4, titleWidth: 214, focusRight: 282, compRight: 348, outcomeSymbol: 362, outcomeText: 372 } as const;
const SPINE = { x0: 460, x1: PRINT_WIDTH - 32 } as const;
const LINE = 13;

/** Where `v` sits on the spine (0 = left edge, 1 = right edge); better/higher to the right. */
export function spinePosition(v: number, centre: number, halfRange: number, polarity: Polarity): number {
  if (!(halfRange > 0)) return 0.5;
  const sign = polarity === "low_is_good" ? -1 : 1;
  return Math.min(1, Math.max(0, 0.5 + (sign * (v - centre)) / (2 * halfRange)));
}

/** Spine chart of many indicators for one focus area; rows in the order given. */
export function spineChart(rows: SpineRow[], opts: SpineOptions): ChartSpecBundle {
  const decimals = opts.decimals ?? 1;
  const fmt = (v: number | null, unit?: string) => (v === null ? "–" : `${formatNumber(v, decimals)}${unit === "%" ? "%" : ""}`);
  const px = (p: number) => SPINE.x0 + p * (SPINE.x1 - SPINE.x0);
  const titleLines = rows.map((r) => wrapToWidth(r.title, COL.titleWidth, 11).slice(0, 3));
  const maxLines = Math.max(1, ...titleLines.map((l) => l.length));
  const step = maxLines * LINE + 10;
  const values = rows.map((r, i) => {
    const c = r.england_or_parent_value;
    const extent = [r.min, r.max, r.focus_value].filter((v): v is number => v !== null && Number.isFinite(v));
    const half = c === null ? 0 : Math.max(0, ...extent.map((v) => Math.abs(v - c)));
    const pos = (v: number | null) => (v === null || c === null ? null : round(px(spinePosition(v, c, half, r.polarity)), 2));
    const a = pos(r.min);
    const b = pos(r.max);
    const q1 = pos(r.q25);
    const q3 = pos(r.q75);
    return {
      indicator_id: r.indicator_id,
      row: `${i}`,
      title: titleLines[i],
      stripe: i % 2 === 0,
      focus_label: r.focus_value === null ? (r.focus_missing ?? "suppressed") : fmt(r.focus_value, r.unit),
      comparator_label: fmt(r.england_or_parent_value, r.unit),
      outcome: r.outcome,
      outcome_label: outcomeLabels[r.outcome],
      has_focus: r.focus_value !== null,
      focus_x: pos(r.focus_value),
      range_x0: a === null || b === null ? null : Math.min(a, b),
      range_x1: a === null || b === null ? null : Math.max(a, b),
      iqr_x0: q1 === null || q3 === null ? null : Math.min(q1, q3),
      iqr_x1: q1 === null || q3 === null ? null : Math.max(q1, q3),
    };
  });

  const y = { field: "row", type: "nominal" as const, sort: values.map((v) => v.row), axis: null, scale: { paddingInner: 0, paddingOuter: 0 } };
  const pxField = (field: string) => ({ field, type: "quantitative" as const, scale: null });
  // Column headers above the rows. Vega sets the FIRST line of multi-line text at y, so the
  // block is raised to end just above the rows.
  const header = (x: number, lines: string[], align: "left" | "right" | "center", bottom = -6) => ({
    data: { values: [{ header: lines }] },
    mark: { type: "text", align, baseline: "bottom", x, y: bottom - (lines.length - 1) * 12, fontSize: 10, fontWeight: "bold", lineHeight: 12, color: colours.text },
    encoding: { text: { field: "header" } },
  });
  const outcomeDomain = Object.keys(outcomeColours) as Outcome[];
  const layers: unknown[] = [
    {
      transform: [{ filter: "datum.stripe" }],
      mark: { type: "rect", color: "#f2f2f2" },
      encoding: { y, x: { value: 0 }, x2: { value: "width" } },
    },
    {
      transform: [{ filter: "isValid(datum.range_x0)" }],
      mark: { type: "rect", color: "#d4d4d4", height: 12 },
      encoding: { y: { ...y, bandPosition: 0.5 }, x: pxField("range_x0"), x2: { field: "range_x1" } },
    },
    {
      transform: [{ filter: "isValid(datum.iqr_x0)" }],
      mark: { type: "rect", color: "#8a8a8a", height: 12 },
      encoding: { y: { ...y, bandPosition: 0.5 }, x: pxField("iqr_x0"), x2: { field: "iqr_x1" } },
    },
    {
      data: { values: [{ centre: opts.comparatorName }] },
      mark: { type: "rule", color: colours.comparator, strokeWidth: 1.5 },
      encoding: { x: { value: px(0.5) }, y: { value: 0 }, y2: { value: "height" } },
    },
    {
      transform: [{ filter: "datum.has_focus && isValid(datum.focus_x)" }],
      mark: { type: "point", shape: "circle", filled: true, size: 130, stroke: colours.comparator, strokeWidth: 1, opacity: 1 },
      encoding: {
        y,
        x: pxField("focus_x"),
        fill: { field: "outcome", type: "nominal", scale: { domain: outcomeDomain, range: outcomeDomain.map((o) => outcomeColours[o]) }, legend: null },
      },
    },
    {
      // Vega puts the first line of multi-line text on the baseline: shift the block to centre it.
      mark: { type: "text", align: "left", baseline: "middle", x: COL.title, lineHeight: LINE, fontSize: 11, dy: { expr: `-(length(datum.title) - 1) * ${LINE / 2}` } },
      encoding: { y, text: { field: "title" } },
    },
    {
      mark: { type: "text", align: "right", baseline: "middle", x: COL.focusRight, fontSize: 11, fontWeight: "bold", fontStyle: { expr: "datum.has_focus ? 'normal' : 'italic'" } },
      encoding: { y, text: { field: "focus_label" } },
    },
    {
      mark: { type: "text", align: "right", baseline: "middle", x: COL.compRight, fontSize: 11 },
      encoding: { y, text: { field: "comparator_label" } },
    },
    {
      mark: { type: "point", shape: "square", filled: true, size: 80, x: COL.outcomeSymbol, stroke: colours.comparator, strokeWidth: 1, opacity: 1 },
      encoding: {
        y,
        fill: { field: "outcome", type: "nominal", scale: { domain: outcomeDomain, range: outcomeDomain.map((o) => outcomeColours[o]) }, legend: null },
      },
    },
    {
      mark: { type: "text", align: "left", baseline: "middle", x: COL.outcomeText, fontSize: 11 },
      encoding: { y, text: { field: "outcome_label" } },
    },
    header(COL.title, ["Indicator"], "left"),
    header(COL.focusRight, wrapToWidth(opts.focusName, 70, 10, true), "right"),
    header(COL.compRight, wrapToWidth(opts.comparatorName, 60, 10, true), "right"),
    header(COL.outcomeSymbol - 5, ["Compared", `with ${opts.comparatorName}`].flatMap((l) => wrapToWidth(l, 90, 10, true)), "left"),
    header((SPINE.x0 + SPINE.x1) / 2, ["Range of wards"], "center", -18),
    header(px(0.5) - 5, ["\u25C0 worse"], "right"),
    header(px(0.5) + 5, ["better \u25B6"], "left"),
  ];

  const alt = spineAlt(rows, opts, decimals);
  const judged = rows.some((r) => !isContextMeasure(r));
  const context = rows.filter((r) => isContextMeasure(r)).map((r) => r.title);
  return chartBundle("spine", opts, {
    notes: [
      `${opts.focusName} compared with ${opts.comparatorName}. In each spine the centre line is ${opts.comparatorName}; the light bar spans all wards, the dark bar the middle half of wards; the circle is ${opts.focusName}, coloured by the comparison written beside it.`,
      judged ? "Better is to the right (for indicators with no better or worse, higher is to the right)." : "Higher is to the right.",
      context.length ? `Higher or lower, never better or worse (${CONTEXT_NOTE}): ${listEnglish(context)}.` : undefined,
    ],
    alt,
    spec: {
      width: PRINT_WIDTH - 28,
      height: Math.max(1, rows.length) * step,
      data: { values },
      layer: layers,
      config: { ...chartConfig, view: { stroke: null } },
    },
    theme: false,
    table: {
      columns: ["Indicator", opts.focusName, opts.comparatorName, "Compared with " + opts.comparatorName, "Lowest ward", "25th percentile", "75th percentile", "Highest ward"],
      rows: rows.map((r) => [r.title, round(r.focus_value, decimals), round(r.england_or_parent_value, decimals), outcomeLabels[r.outcome] + (isContextMeasure(r) ? ` (${CONTEXT_NOTE})` : ""), round(r.min, decimals), round(r.q25, decimals), round(r.q75, decimals), round(r.max, decimals)]),
    },
  });
}

function spineAlt(rows: SpineRow[], opts: SpineOptions, decimals: number): string {
  const parts = [`Spine chart of ${rows.length} indicators for ${opts.focusName} compared with ${opts.comparatorName}.`];
  const by = (o: Outcome) => rows.filter((r) => r.outcome === o).map((r) => r.title);
  const counts = (["better", "similar", "worse", "higher", "lower", "not_compared"] as const)
    .map((o) => [o, by(o).length] as const)
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${n} ${outcomeLabels[o].toLowerCase()}`);
  if (counts.length) parts.push(`Outcomes: ${listEnglish(counts)}.`);
  for (const r of rows) {
    const v = r.focus_value === null ? (r.focus_missing ?? "suppressed") : `${formatNumber(r.focus_value, decimals)}${r.unit === "%" ? "%" : ""}`;
    const c = r.england_or_parent_value === null ? "no value" : `${formatNumber(r.england_or_parent_value, decimals)}${r.unit === "%" ? "%" : ""}`;
    parts.push(`${r.title}: ${v} against ${c} (${outcomeLabels[r.outcome].toLowerCase()}${isContextMeasure(r) ? `; ${CONTEXT_NOTE}` : ""}).`);
  }
  return parts.join(" ");
}
