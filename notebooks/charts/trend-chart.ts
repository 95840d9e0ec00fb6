/**
 * Trend: one line per area over `period_start` (UTC), the focus area solid with its 95%
 * confidence interval as a shaded band, comparators as dashed/dotted dark-grey lines. A legend names every line; the latest focus value is labelled.
 */
import type { IndicatorValueRow } from "../../transforms/marts.ts";
import {
  type ChartSpecBundle,
  type CommonChartOptions,
  chartBundle,
  d3Format,
  exprString,
  formatNumber,
  listEnglish,
  round,
  withUnit,
} from "./bundle.ts";
import { ciVersus, missingLabel, uniqueLabels } from "./labels.ts";
import { LABEL_LIMIT, PRINT_WIDTH, colours } from "./theme.ts";

/** Options of {@link trendChart}. */
export interface TrendOptions extends CommonChartOptions {
  focusCode: string;
  /** Comparator areas drawn as dashed/dotted lines, in legend order (at most 4 are styled distinctly). */
  comparatorCodes: string[];
  areaNames: Record<string, string>;
  unit: string;
  /** Start the value axis at zero (default true: a truncated axis exaggerates change). */
  zero?: boolean;
  /**
   * Definition breaks: the series is not comparable across each (police.uk LSOA vintage, the 2016
   * KS2 change, a new Fingertips definition, a population base change). Drawn as a vertical rule
   * at the first period of the new definition, with its label.
   */
  breaks?: SeriesBreak[];
  /** A recent-trend marker, e.g. "increasing over the last 5 quarters", printed under the chart. */
  trend?: string;
}

/** A definition break in a series: the first period (`period_start`, `YYYY-MM-DD`) on the new definition, and a short label. */
export interface SeriesBreak {
  period_start: string;
  label: string;
}

const LINE_COLOURS = [colours.comparator, colours.comparator2, colours.comparator3, colours.comparator];
const LINE_DASHES = [[6, 3], [2, 2], [8, 3, 2, 3], [1, 3]];
/** More periods than this: points are dropped (lines only) and the axis uses automatic ticks. */
const MAX_MARKED_PERIODS = 24;

/**
 * Lines over time for the focus area and its comparators. Grain of `series`: one row per area
 * and period (rows of other areas are ignored); null values (suppressed) break the line.
 */
export function trendChart(series: IndicatorValueRow[], opts: TrendOptions): ChartSpecBundle {
  const decimals = opts.decimals ?? 1;
  const codes = [opts.focusCode, ...opts.comparatorCodes.filter((c) => c !== opts.focusCode)];
  const labels = uniqueLabels(codes, opts.areaNames);
  const names = codes.map((c) => labels.get(c)!);
  const focusName = names[0];
  const rows = series
    .filter((r) => codes.includes(r.area_code))
    .sort((a, b) => codes.indexOf(a.area_code) - codes.indexOf(b.area_code) || a.period_start.localeCompare(b.period_start));
  const shown = (r: IndicatorValueRow) => !r.is_suppressed && r.value !== null && Number.isFinite(r.value);
  const values = rows.map((r) => ({
    area_code: r.area_code,
    name: labels.get(r.area_code)!,
    is_focus: r.area_code === opts.focusCode,
    period_start: r.period_start,
    period_label: r.period_label,
    value: shown(r) ? round(r.value, decimals + 2) : null,
    lower95: shown(r) ? round(r.lower95, decimals + 2) : null,
    upper95: shown(r) ? round(r.upper95, decimals + 2) : null,
  }));

  const periods = [...new Map(rows.map((r) => [r.period_start, r.period_label])).entries()].sort(([a], [b]) => a.localeCompare(b));
  const few = periods.length <= MAX_MARKED_PERIODS;
  const utcMs = (d: string) => Date.parse(`${d.slice(0, 10)}T00:00:00Z`);
  // Few periods: a tick per period, labelled with the period's own label ("2023/24", "Apr 2024").
  const labelMap = `{${periods.map(([d, l]) => `${exprString(String(utcMs(d)))}: ${exprString(l)}`).join(", ")}}`;
  const xAxis = few
    ? { values: periods.map(([d]) => utcMs(d)), labelExpr: `${labelMap}['' + (+datum.value)] || datum.label`, labelLimit: 90, labelAngle: periods.length > 8 ? -45 : 0, grid: false }
    : { format: "%b %Y", labelLimit: 90, labelAngle: -45, grid: false };
  const x = { field: "period_start", type: "temporal" as const, scale: { type: "utc" as const }, title: null, axis: xAxis };
  const yTitle = opts.unit ? `Value (${opts.unit})` : "Value";
  const y = {
    field: "value",
    type: "quantitative" as const,
    title: yTitle,
    scale: { zero: opts.zero ?? true },
    axis: { format: d3Format(Math.max(0, decimals - 1)), labelLimit: 80, tickCount: 6 },
  };
  const legendScale = {
    domain: names,
    range: [colours.focus, ...LINE_COLOURS.slice(0, names.length - 1)],
  };
  const legend = {
    orient: "top" as const,
    direction: "horizontal" as const,
    title: null,
    labelLimit: LABEL_LIMIT.legend,
    symbolType: "stroke",
    symbolStrokeWidth: 2.5,
    symbolSize: 500,
    columns: Math.min(names.length, 3),
  };
  const colour = { field: "name", type: "nominal" as const, scale: legendScale, legend, sort: names };
  const dash = {
    field: "name",
    type: "nominal" as const,
    scale: { domain: names, range: [[1, 0], ...LINE_DASHES.slice(0, names.length - 1)] },
    legend,
    sort: names,
  };

  const latest = [...values].reverse().find((v) => v.is_focus && v.value !== null);
  const layers: unknown[] = [
    {
      transform: [{ filter: "datum.is_focus" }],
      mark: { type: "area", color: colours.focusLight, opacity: 0.45 },
      encoding: { x, y: { field: "lower95", type: "quantitative" }, y2: { field: "upper95" } },
    },
    {
      mark: { type: "line", strokeWidth: 2 },
      encoding: {
        x,
        y,
        color: colour,
        strokeDash: dash,
        strokeWidth: { condition: { test: "datum.is_focus", value: 3 }, value: 1.75 },
      },
    },
  ];
  if (few) {
    layers.push({
      mark: { type: "point", filled: true, size: 45, opacity: 1 },
      encoding: { x, y, color: colour },
    });
  }
  // Gaps in the focus line are labelled where the line would have been.
  const focusRows = rows.filter((r) => r.area_code === opts.focusCode);
  const gaps = few
    ? focusRows.flatMap((r, i) => {
        if (shown(r)) return [];
        const before = focusRows.slice(0, i).reverse().find(shown);
        const after = focusRows.slice(i + 1).find(shown);
        const near = [before, after].filter((x): x is IndicatorValueRow => !!x).map((x) => x.value as number);
        if (!near.length) return [];
        return [{ period_start: r.period_start, value: round(near.reduce((a, b) => a + b, 0) / near.length, decimals + 2), text: missingLabel(r) }];
      })
    : [];
  if (gaps.length) {
    layers.push({
      data: { values: gaps },
      mark: { type: "text", fontSize: 10, fontStyle: "italic", color: colours.muted },
      encoding: { x, y: { field: "value", type: "quantitative" }, text: { field: "text" } },
    });
  }
  if (latest) {
    layers.push({
      data: { values: [{ ...latest, label: formatNumber(latest.value, decimals) }] },
      mark: { type: "text", align: "left", dx: 7, dy: -8, fontWeight: "bold", color: colours.focus },
      encoding: { x, y: { field: "value", type: "quantitative" }, text: { field: "label" } },
    });
  }

  const breaks = (opts.breaks ?? []).filter((b) => periods.some(([d]) => d.slice(0, 10) === b.period_start.slice(0, 10)));
  if (breaks.length) {
    const data = { values: breaks.map((b) => ({ period_start: b.period_start.slice(0, 10), label: b.label })) };
    layers.push(
      { data, mark: { type: "rule", color: colours.muted, strokeDash: [4, 2], strokeWidth: 1.5 }, encoding: { x } },
      { data, mark: { type: "text", align: "left", baseline: "top", dx: 3, y: 2, fontSize: 10, color: colours.muted }, encoding: { x, text: { field: "label" } } },
    );
  }
  const alt = trendAlt(rows, labels, opts, decimals, periods.map(([, l]) => l));
  const breakNote = breaks.length
    ? `Vertical rule: the definition changes (${breaks.map((b) => `${b.label}, from ${periods.find(([d]) => d.slice(0, 10) === b.period_start.slice(0, 10))?.[1]}`).join("; ")}); values either side are not comparable.`
    : undefined;
  const notes = [
    `${focusName}: solid line; shaded band: its 95% confidence interval.` +
      (names.length > 1 ? ` Comparators: ${listEnglish(names.slice(1))} (dashed or dotted).` : ""),
    values.some((v) => v.value === null) ? "Gaps: value suppressed or no data." : undefined,
    opts.trend ? `Recent trend for ${focusName}: ${opts.trend}.` : undefined,
    breakNote,
  ];
  return chartBundle("trend", opts, {
    notes: notes,
    alt,
    spec: {
      width: PRINT_WIDTH - 140,
      height: 280,
      data: { values },
      layer: layers,
    },
    table: {
      columns: ["Period", ...names.map((n) => `${n} (${opts.unit})`), `${focusName} lower 95% CI`, `${focusName} upper 95% CI`],
      rows: periods.map(([start, label]) => {
        const at = (code: string) => rows.find((r) => r.area_code === code && r.period_start === start);
        const f = at(opts.focusCode);
        return [
          label,
          ...codes.map((c) => {
            const r = at(c);
            return r && shown(r) ? round(r.value, decimals) : null;
          }),
          f && shown(f) ? round(f.lower95, decimals) : null,
          f && shown(f) ? round(f.upper95, decimals) : null,
        ];
      }),
    },
  });
}

function trendAlt(
  rows: IndicatorValueRow[],
  labels: Map<string, string>,
  opts: TrendOptions,
  decimals: number,
  periodLabels: string[],
): string {
  const focusName = labels.get(opts.focusCode)!;
  const valued = (code: string) => rows.filter((r) => r.area_code === code && !r.is_suppressed && r.value !== null);
  const parts = [
    `Line chart of ${opts.title}` +
      (periodLabels.length ? ` from ${periodLabels[0]} to ${periodLabels[periodLabels.length - 1]} (${periodLabels.length} periods)` : "") +
      ` for ${focusName}${opts.comparatorCodes.length ? ` compared with ${listEnglish(opts.comparatorCodes.map((c) => labels.get(c)!))}` : ""}.`,
  ];
  const f = valued(opts.focusCode);
  if (!f.length) {
    parts.push(`${focusName} has no published value in these periods.`);
    return parts.join(" ");
  }
  const first = f[0];
  const last = f[f.length - 1];
  const ci = last.lower95 !== null && last.upper95 !== null ? ` (95% confidence interval ${formatNumber(last.lower95, decimals)} to ${formatNumber(last.upper95, decimals)})` : "";
  parts.push(`${focusName} in ${last.period_label}: ${withUnit(last.value, opts.unit, decimals)}${ci}.`);
  if (first !== last) {
    const d = (last.value as number) - (first.value as number);
    const dir = Math.abs(d) < 0.5 * 10 ** -decimals ? "unchanged from" : d > 0 ? "up from" : "down from";
    parts.push(`That is ${dir} ${withUnit(first.value, opts.unit, decimals)} in ${first.period_label}.`);
  }
  for (const code of opts.comparatorCodes) {
    const c = valued(code).find((r) => r.period_start === last.period_start);
    if (c) parts.push(`${labels.get(code)} in ${c.period_label}: ${withUnit(c.value, opts.unit, decimals)}${ciVersus(last, c.value as number, focusName)}.`);
  }
  const gaps = rows.filter((r) => r.area_code === opts.focusCode && (r.is_suppressed || r.value === null)).map((r) => r.period_label);
  if (gaps.length) parts.push(`${focusName} has no published value for ${listEnglish(gaps)}.`);
  return parts.join(" ");
}
