/**
 * Funnel plot: each area's value against its denominator (population), with the comparator
 * value as a horizontal line and 95% (dashed) and 99.8% (solid) control limits that narrow as
 * the denominator grows. Points are filled white, grey or black by which limits they fall
 * outside, so the reading survives grey-scale print; the focus area is highlighted and named.
 *
 * The statistics are `transforms/stats`' alone: the chart takes `funnelLimits`' output as it is
 * (PHE's limits, their baseline as the horizontal line) and places each area with
 * `funnelSignificance`; it draws the limit curves at PHE's own points and computes no limit itself.
 */
import { funnelSignificance, type FunnelLimitRow, type FunnelLimits, type FunnelSignificance } from "../../transforms/stats/index.ts";
import {
  type ChartSpecBundle,
  type CommonChartOptions,
  chartBundle,
  d3Format,
  formatNumber,
  listEnglish,
  round,
  withUnit,
} from "./bundle.ts";
import { A4_WIDTH, LABEL_LIMIT, colours } from "./theme.ts";

/** One point per area. */
export interface FunnelPoint {
  area_code: string;
  name: string;
  numerator: number;
  denominator: number;
  value: number;
  is_focus: boolean;
}

/** Options of {@link funnelChart}. */
export interface FunnelOptions extends CommonChartOptions {
  /**
   * `funnelLimits` (transforms/stats) over the same areas: a proportion or a crude rate funnel.
   * Its baseline is the horizontal line; its multiplier sets the scale of the values.
   */
  limits: FunnelLimits;
  /** Name of the baseline; default "Comparator". */
  comparatorName?: string;
  /** Unit; default `"%"` for a proportion per 100, else `"per <multiplier>"`. */
  unit?: string;
  /** x-axis title; default "Population (denominator)". */
  denominatorLabel?: string;
}

/** Where a point sits against the limits. */
export type FunnelBand = "above 99.8% limit" | "above 95% limit" | "within 95% limits" | "below 95% limit" | "below 99.8% limit";

const BAND_FILL = { within: "Within 95% limits", out95: "Outside 95% limits", out998: "Outside 99.8% limits" } as const;

const BAND_OF: Record<FunnelSignificance, FunnelBand | null> = {
  "High (0.001)": "above 99.8% limit",
  "High (0.025)": "above 95% limit",
  "Not significant": "within 95% limits",
  "Low (0.025)": "below 95% limit",
  "Low (0.001)": "below 99.8% limit",
  "Not applicable for events less than 10 for dsrs": null,
};

/**
 * Where each point sits against the limits, in order: PHE's `assign_funnel_significance`
 * (`funnelSignificance` in transforms/stats) with the funnel's statistic and multiplier; null
 * where PHE does not assess (directly standardised rates on fewer than 10 events).
 */
export function funnelBands(limits: FunnelLimits, points: readonly Pick<FunnelPoint, "numerator" | "denominator" | "value">[]): (FunnelBand | null)[] {
  if (limits.statistic !== "proportion" && limits.statistic !== "rate") throw new Error(`funnelChart draws proportion and rate funnels, not ${limits.statistic} funnels`);
  if (!points.length) return [];
  const numerator = points.map((p) => p.numerator);
  const denominator = points.map((p) => p.denominator);
  const sig =
    limits.statistic === "proportion"
      ? funnelSignificance({ statistic: "proportion", numerator, denominator })
      : funnelSignificance({ statistic: "rate", rateType: limits.rateType, multiplier: limits.multiplier, numerator, denominator, rate: points.map((p) => p.value) });
  return sig.map((s) => BAND_OF[s]);
}

const LIMIT_KEYS = [
  ["upper998", "99.8% limits", "upper"],
  ["lower998", "99.8% limits", "lower"],
  ["upper95", "95% limits", "upper"],
  ["lower95", "95% limits", "lower"],
] as const;
type LimitKey = (typeof LIMIT_KEYS)[number][0];

/**
 * One limit as a curve of (denominator, value) points, as PHE tabulates it: for proportions at
 * each population `point`; for rates at the population where `point` events sit on that limit.
 */
function limitCurve(limits: FunnelLimits, key: LimitKey): { x: number; y: number }[] {
  const xOf = (r: FunnelLimitRow) => (limits.statistic === "proportion" ? r.point : r[`${key}At`]);
  return limits.rows
    .map((r) => ({ x: xOf(r), y: r[key] }))
    .filter((p): p is { x: number; y: number } => typeof p.x === "number" && Number.isFinite(p.x) && p.x > 0 && Number.isFinite(p.y))
    .sort((a, b) => a.x - b.x);
}

/** Where a curve crosses `x` (straight between its points, for placing a label); null beyond its ends. */
function curveAt(curve: { x: number; y: number }[], x: number): number | null {
  if (!curve.length || x < curve[0].x || x > curve[curve.length - 1].x) return null;
  const i = curve.findIndex((p) => p.x >= x);
  if (curve[i].x === x || i === 0) return curve[i].y;
  const a = curve[i - 1];
  const b = curve[i];
  return a.y + ((x - a.x) / (b.x - a.x)) * (b.y - a.y);
}

/** Scatter of value against denominator with funnel limits. */
export function funnelChart(points: FunnelPoint[], opts: FunnelOptions): ChartSpecBundle {
  const decimals = opts.decimals ?? 1;
  const { limits } = opts;
  const unit = opts.unit ?? (limits.statistic === "proportion" && limits.multiplier === 100 ? "%" : `per ${formatNumber(limits.multiplier, 0)}`);
  const compName = opts.comparatorName ?? "Comparator";
  const baseline = limits.rows[0]?.baseline ?? null;
  const bands = funnelBands(limits, points);
  const pts = points.map((p, i) => {
    const band = bands[i];
    return {
      ...p,
      value: round(p.value, decimals + 2) as number,
      band,
      fill_band: band === null || band === "within 95% limits" ? BAND_FILL.within : band.includes("99.8") ? BAND_FILL.out998 : BAND_FILL.out95,
      label: `${p.name}: ${withUnit(p.value, unit, decimals)}`,
    };
  });
  const curves = LIMIT_KEYS.map(([key, level, side]) => ({ key, level, line: `${level} ${side}`, points: limitCurve(limits, key) }));

  // x spans the points (limits outside that range are clipped, not allowed to squash the points).
  const pointDens = pts.map((p) => p.denominator);
  const limitXs = curves.flatMap((c) => c.points.map((q) => q.x));
  const xMin = pointDens.length ? Math.min(...pointDens) * 0.8 : limitXs.length ? Math.min(...limitXs) : 0;
  const xMax = pointDens.length ? Math.max(...pointDens) * 1.08 : limitXs.length ? Math.max(...limitXs) : 1;
  const ys = [
    ...pts.map((p) => p.value),
    ...(baseline === null ? [] : [baseline]),
    ...curves.flatMap((c) => c.points.filter((q) => q.x >= xMin && q.x <= xMax).map((q) => q.y)),
  ];
  let yLo = ys.length ? Math.min(...ys) : 0;
  let yHi = ys.length ? Math.max(...ys) : 1;
  const pad = (yHi - yLo) * 0.05 || 1;
  yLo -= pad;
  yHi += pad;
  if (yLo < 0 && Math.min(...pts.map((p) => p.value)) >= 0) yLo = 0;
  if (limits.statistic === "proportion") yHi = Math.min(yHi, limits.multiplier);

  // Each curve only over the x range (and one point either side, so the lines reach the edges):
  // far outside it they run to huge values, which the PDF printer would still trace point by
  // point behind the clip. Values beyond the y range are clamped to just outside it for the same reason.
  const span = yHi - yLo;
  const clampY = (v: number) => Math.min(yHi + span, Math.max(yLo - span, v));
  const limitRows = curves.flatMap((c) => {
    const first = Math.max(0, c.points.findIndex((q) => q.x >= xMin) - 1);
    const lastIn = c.points.findLastIndex((q) => q.x <= xMax);
    const drawn = c.points.slice(first, Math.min(c.points.length, (lastIn < 0 ? c.points.length - 1 : lastIn) + 2));
    return drawn.map((q) => ({ denominator: round(q.x, 2), value: round(clampY(q.y), decimals + 3), level: c.level, line: c.line }));
  });
  const x = {
    field: "denominator",
    type: "quantitative" as const,
    title: opts.denominatorLabel ?? "Population (denominator)",
    scale: { domain: [Math.floor(xMin), Math.ceil(xMax)], nice: false, zero: false },
    axis: { format: ",d", labelLimit: 70, grid: false, tickCount: 6 },
  };
  const y = {
    field: "value",
    type: "quantitative" as const,
    title: `Value (${unit})`,
    scale: { domain: [yLo, yHi], nice: false, zero: false },
    axis: { format: d3Format(Math.max(0, decimals - 1)), labelLimit: 60, grid: true, tickCount: 6 },
  };
  // Right-margin labels where the upper limits and the comparator line leave the plot.
  const edgeDen = Math.min(xMax, limitXs.length ? Math.max(...limitXs) : xMax);
  const endLabels = [
    ...curves
      .filter((c) => c.key === "upper998" || c.key === "upper95")
      .map((c) => ({ value: curveAt(c.points, edgeDen), text: c.key === "upper998" ? "99.8%" : "95%" }))
      .filter((l): l is { value: number; text: string } => l.value !== null && l.value <= yHi),
    ...(baseline === null ? [] : [{ value: baseline, text: `${compName}: ${formatNumber(baseline, decimals)}` }]),
  ].map((l) => ({ ...l, denominator: edgeDen }));

  const layers: unknown[] = [
    {
      data: { values: limitRows },
      mark: { type: "line", color: colours.comparator2, strokeWidth: 1.25, clip: true },
      encoding: {
        x,
        y,
        detail: { field: "line", type: "nominal" },
        strokeDash: {
          field: "level",
          type: "nominal",
          scale: { domain: ["95% limits", "99.8% limits"], range: [[5, 3], [1, 0]] },
          legend: { orient: "top", direction: "horizontal", title: null, symbolType: "stroke", symbolSize: 400, labelLimit: LABEL_LIMIT.legend },
        },
      },
    },
    {
      data: { values: baseline === null ? [] : [{ comparator: compName, value: baseline }] },
      mark: { type: "rule", color: colours.comparator, strokeWidth: 1.5 },
      encoding: { y: { field: "value", type: "quantitative" } },
    },
    {
      data: { values: endLabels },
      mark: { type: "text", align: "left", baseline: "middle", dx: 4, fontSize: 10, color: colours.text, clip: false },
      encoding: { x, y, text: { field: "text" } },
    },
    {
      data: { values: pts },
      transform: [{ filter: "!datum.is_focus" }],
      mark: { type: "point", shape: "circle", size: 55, stroke: colours.comparator, strokeWidth: 1, opacity: 1, filled: false },
      encoding: {
        x,
        y,
        fill: {
          field: "fill_band",
          type: "nominal",
          scale: { domain: [BAND_FILL.within, BAND_FILL.out95, BAND_FILL.out998], range: ["#ffffff", "#a6a6a6", colours.comparator] },
          legend: { orient: "top", direction: "horizontal", title: null, symbolType: "circle", symbolStrokeColor: colours.comparator, symbolStrokeWidth: 1, labelLimit: LABEL_LIMIT.legend },
        },
      },
    },
    {
      data: { values: pts },
      transform: [{ filter: "datum.is_focus" }],
      mark: { type: "point", shape: "diamond", size: 170, filled: true, color: colours.focus, stroke: "#000000", strokeWidth: 1, opacity: 1 },
      encoding: { x, y },
    },
    {
      data: { values: pts },
      transform: [{ filter: "datum.is_focus" }],
      mark: { type: "text", align: { expr: "datum.denominator > (domain('x')[0] + domain('x')[1]) / 2 ? 'right' : 'left'" }, dx: { expr: "datum.denominator > (domain('x')[0] + domain('x')[1]) / 2 ? -10 : 10" }, baseline: "middle", fontSize: 11, fontWeight: "bold", color: colours.focus },
      encoding: { x, y, text: { field: "label" } },
    },
  ];

  const focus = pts.filter((p) => p.is_focus);
  const alt = funnelAlt(pts, opts, unit, decimals, compName, baseline);
  return chartBundle("funnel", opts, {
    notes: [
      `Each circle is an area; ${focus.length ? `the purple diamond is ${listEnglish(focus.map((p) => p.name))}; ` : ""}the horizontal line is ${compName}. Areas outside the funnel differ from ${compName} by more than chance alone would be expected to produce.`,
    ],
    alt,
    spec: {
      width: A4_WIDTH - 150,
      height: 360,
      layer: layers,
      resolve: { legend: { fill: "independent", strokeDash: "independent" } },
    },
    table: {
      columns: ["Area code", "Area", "Numerator", "Denominator", `Value (${unit})`, "Against the limits"],
      rows: pts.map((p) => [p.area_code, p.name, p.numerator, p.denominator, round(p.value, decimals), p.band ?? "limits not available"]),
    },
  });
}

function funnelAlt(
  pts: (FunnelPoint & { band: FunnelBand | null })[],
  opts: FunnelOptions,
  unit: string,
  decimals: number,
  compName: string,
  baseline: number | null,
): string {
  const parts = [
    `Funnel plot of ${opts.title}: ${pts.length} areas' values against their population, with 95% and 99.8% control limits around ${compName} (${withUnit(baseline, unit, decimals)}).`,
  ];
  for (const p of pts.filter((q) => q.is_focus)) {
    parts.push(
      `${p.name}: ${withUnit(p.value, unit, decimals)} (${formatNumber(p.numerator, 0)} of ${formatNumber(p.denominator, 0)}), ${p.band ? (p.band === "within 95% limits" ? "within the 95% limits" : p.band) : "outside the range of the limits"}.`,
    );
  }
  const out = pts.filter((p) => p.band?.includes("99.8"));
  if (out.length) parts.push(`Outside the 99.8% limits: ${listEnglish(out.map((p) => `${p.name} (${p.band!.startsWith("above") ? "above" : "below"})`))}.`);
  else parts.push("No area is outside the 99.8% limits.");
  return parts.join(" ");
}
