/**
 * Category bars: one value per category (e.g. complaints by category as a share of all cases,
 * or median days to resolve), for the focus area as solid bars and, optionally, a comparator as
 * outlined bars beside them, each with its value printed at the bar's end. A withheld focus value
 * (a small count suppressed for disclosure control) keeps its row and says why in words, so the
 * reader never mistakes it for zero. Fill versus outline keeps the pair distinct in grey-scale.
 */
import { barPlotWidth, chartBundle, d3Format, formatNumber, listEnglish, niceCeil, round, type ChartSpecBundle, type CommonChartOptions, withUnit } from "./bundle.ts";
import { LABEL_LIMIT, colours } from "./theme.ts";

/** One row per category. */
export interface CategoryBarRow {
  category: string;
  /** The focus area's value; null when withheld or not available. */
  focus: number | null;
  /** The comparator's value (omit or null when there is none). */
  comparator?: number | null;
  /** Why a null focus value is missing, e.g. "fewer than 5 cases"; default "suppressed". */
  focus_note?: string;
}

/** Options of {@link categoryBarsChart}. */
export interface CategoryBarsOptions extends CommonChartOptions {
  focusName: string;
  /** Name of the outlined series; without it only the focus series is drawn. */
  comparatorName?: string;
  /** Unit of the values: `"%"`, `"days"`, `"per 1,000"`, ... */
  unit: string;
  /** x-axis title; default `Value (<unit>)`, or "Per cent" for `%`. */
  valueTitle?: string;
  /** `"focus"` (default) sorts by the focus value, highest first; `"input"` keeps the rows' order. */
  sort?: "focus" | "input";
}

/** Horizontal bars by category, the focus solid and the comparator outlined. */
export function categoryBarsChart(rows: CategoryBarRow[], opts: CategoryBarsOptions): ChartSpecBundle {
  const decimals = opts.decimals ?? 1;
  const focusName = opts.focusName;
  const hasComp = opts.comparatorName !== undefined && rows.some((r) => r.comparator !== undefined && r.comparator !== null);
  const compName = hasComp ? (opts.comparatorName === focusName ? `${opts.comparatorName} (comparator)` : opts.comparatorName!) : undefined;
  const shown = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);
  const sorted =
    opts.sort === "input"
      ? [...rows]
      : [...rows].sort((a, b) => (shown(b.focus) ? b.focus : -Infinity) - (shown(a.focus) ? a.focus : -Infinity) || a.category.localeCompare(b.category));
  const series = compName ? [focusName, compName] : [focusName];
  const values = sorted.flatMap((r) => [
    {
      category: r.category,
      series: focusName,
      value: shown(r.focus) ? round(r.focus, decimals + 2) : null,
      label: shown(r.focus) ? formatNumber(r.focus, decimals) : (r.focus_note ?? "suppressed"),
      pos: shown(r.focus) ? round(r.focus, decimals + 2) : 0,
      has_value: shown(r.focus),
      is_focus: true,
    },
    ...(compName
      ? [
          {
            category: r.category,
            series: compName,
            value: shown(r.comparator) ? round(r.comparator, decimals + 2) : null,
            label: shown(r.comparator) ? formatNumber(r.comparator, decimals) : "no value",
            pos: shown(r.comparator) ? round(r.comparator, decimals + 2) : 0,
            has_value: shown(r.comparator),
            is_focus: false,
          },
        ]
      : []),
  ]);
  const width = barPlotWidth(values.map((v) => ({ text: v.category })), 60);
  const max = Math.max(0, ...values.filter((v) => v.has_value).map((v) => v.value as number));
  const xMax = opts.unit === "%" && max > 60 ? 100 : niceCeil(max * 1.15);
  const y = {
    field: "category",
    type: "nominal" as const,
    sort: sorted.map((r) => r.category),
    title: null,
    axis: { labelLimit: LABEL_LIMIT.axis, labelPadding: 6, ticks: false, domain: false },
  };
  const x = {
    field: "value",
    type: "quantitative" as const,
    title: opts.valueTitle ?? (opts.unit === "%" ? "Per cent" : `Value (${opts.unit})`),
    scale: { domain: [0, xMax], nice: false },
    axis: { format: d3Format(0), labelLimit: 60, grid: true, tickCount: 6 },
  };
  const yOffset = { field: "series", type: "nominal" as const, sort: series, scale: { domain: series, paddingInner: 0.1 } };
  const legend = compName
    ? { orient: "top" as const, direction: "horizontal" as const, title: null, labelLimit: LABEL_LIMIT.legend, symbolType: "square", symbolSize: 150 }
    : null;
  const alt = categoryAlt(sorted, opts, compName);
  return chartBundle("category-bars", opts, {
    notes: [
      compName ? `Solid bars: ${focusName}. Outlined bars: ${compName}.` : `Bars: ${focusName}.`,
    ],
    alt,
    spec: {
      width,
      height: { step: compName ? 24 : 18 },
      data: { values },
      encoding: { y, ...(compName ? { yOffset } : {}) },
      layer: [
        {
          transform: [{ filter: "datum.has_value" }],
          mark: { type: "bar", strokeWidth: 1.2, height: { band: compName ? 0.95 : 0.75 } },
          encoding: {
            x,
            fill: { field: "series", type: "nominal", sort: series, scale: { domain: series, range: [colours.focus, "#ffffff"] }, legend },
            stroke: { field: "series", type: "nominal", sort: series, scale: { domain: series, range: [colours.focus, colours.comparator] }, legend },
          },
        },
        {
          mark: {
            type: "text",
            align: "left",
            baseline: "middle",
            dx: 3,
            fontSize: 10,
            fontWeight: { expr: "datum.is_focus && datum.has_value ? 'bold' : 'normal'" },
            fontStyle: { expr: "datum.has_value ? 'normal' : 'italic'" },
          },
          encoding: {
            x: { ...x, field: "pos" },
            text: { field: "label" },
            color: { condition: { test: "datum.has_value", value: colours.text }, value: colours.muted },
          },
        },
      ],
    },
    table: {
      columns: ["Category", `${focusName} (${opts.unit})`, ...(compName ? [`${compName} (${opts.unit})`] : []), "Note"],
      rows: sorted.map((r) => [
        r.category,
        shown(r.focus) ? round(r.focus, decimals) : null,
        ...(compName ? [shown(r.comparator) ? round(r.comparator, decimals) : null] : []),
        shown(r.focus) ? null : (r.focus_note ?? "suppressed"),
      ]),
    },
  });
}

function categoryAlt(rows: CategoryBarRow[], opts: CategoryBarsOptions, compName: string | undefined): string {
  const decimals = opts.decimals ?? 1;
  const valued = rows.filter((r) => r.focus !== null && Number.isFinite(r.focus));
  const parts = [`Bar chart of ${opts.title}: ${opts.focusName}${compName ? ` compared with ${compName}` : ""}, ${rows.length} categories.`];
  if (valued.length) {
    const top = valued.reduce((a, b) => ((b.focus as number) > (a.focus as number) ? b : a));
    const c = compName && top.comparator !== null && top.comparator !== undefined ? `, against ${withUnit(top.comparator, opts.unit, decimals)} in ${compName}` : "";
    parts.push(`The highest in ${opts.focusName} is ${top.category}: ${withUnit(top.focus, opts.unit, decimals)}${c}.`);
    if (compName) {
      const higher = valued.filter((r) => r.comparator !== null && r.comparator !== undefined && (r.focus as number) > r.comparator);
      parts.push(`${opts.focusName} is higher than ${compName} in ${higher.length} of ${valued.length} categories.`);
    }
  }
  const withheld = rows.filter((r) => r.focus === null || !Number.isFinite(r.focus));
  if (withheld.length) parts.push(`Not shown for ${opts.focusName}: ${listEnglish(withheld.map((r) => `${r.category} (${r.focus_note ?? "suppressed"})`))}.`);
  return parts.join(" ");
}
