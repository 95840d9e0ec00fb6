/**
 * Funnel plot: each area's value against its denominator (population), with the comparator
 * value as a horizontal line and 95% (dashed) and 99.8% (solid) control limits that narrow as
 * the denominator grows. Points are filled white, grey or black by which limits they fall
 * outside, so the reading survives grey-scale print; the focus area is highlighted and named.
 * The limits are computed by the caller (`transforms/stats`), not here.
 */
import type { TopLevelSpec } from "vega-lite";
import {
  type ChartSpecBundle,
  type CommonChartOptions,
  VL_SCHEMA,
  chartId,
  d3Format,
  formatNumber,
  listEnglish,
  round,
  titleBlock,
  withUnit,
} from "./bundle.ts";
import { A4_WIDTH, LABEL_LIMIT, chartConfig, colours } from "./theme.ts";

/** One point per area. */
export interface FunnelPoint {
  area_code: string;
  name: string;
  numerator: number;
  denominator: number;
  value: number;
  is_focus: boolean;
}

/** Control limits at one denominator (precomputed, e.g. Wilson or Byar limits around the comparator). */
export interface FunnelLimit {
  denominator: number;
  lower95: number | null;
  upper95: number | null;
  lower998: number | null;
  upper998: number | null;
}

/** Options of {@link funnelChart}. */
export interface FunnelOptions extends CommonChartOptions {
  statistic: "proportion" | "rate";
  /** 100 for a percentage, 1000 for a rate per 1,000, ... */
  multiplier: number;
  limits: FunnelLimit[];
  /** The value the limits are centred on (e.g. the borough's). */
  comparatorValue: number;
  /** Its name; default "Comparator". */
  comparatorName?: string;
  /** Unit; default `"%"` for a proportion per 100, else `"per <multiplier>"`. */
  unit?: string;
  /** x-axis title; default "Population (denominator)". */
  denominatorLabel?: string;
}

/** Where a point sits against the limits. */
export type FunnelBand = "above 99.8% limit" | "above 95% limit" | "within 95% limits" | "below 95% limit" | "below 99.8% limit";

const BAND_FILL = { within: "Within 95% limits", out95: "Outside 95% limits", out998: "Outside 99.8% limits" } as const;

/** Linear interpolation of a limit at `den` (limits sorted by denominator); null outside their range. */
export function limitAt(limits: FunnelLimit[], den: number, key: Exclude<keyof FunnelLimit, "denominator">): number | null {
  const ls = limits.filter((l) => l[key] !== null);
  if (!ls.length || den < ls[0].denominator || den > ls[ls.length - 1].denominator) return null;
  for (let i = 0; i < ls.length; i++) {
    const b = ls[i];
    if (b.denominator === den) return b[key];
    if (b.denominator > den) {
      const a = ls[i - 1];
      const t = (den - a.denominator) / (b.denominator - a.denominator);
      return (a[key] as number) + t * ((b[key] as number) - (a[key] as number));
    }
  }
  return null;
}

/**
 * Funnel limits as PHEindicatormethods' `calculate_funnel_limits` (and `funnelLimits` in
 * `localneeds/stats`) return them: one row per axis point. For proportions `point` is the
 * denominator; for rates each limit sits at its own population (`lower95At`, ...), so each limit
 * is a separate curve: they are resampled here onto one shared grid of `points` populations
 * (log-spaced, linear interpolation), null where a curve does not reach.
 */
export function funnelLimitsFromRows(
  statistic: "proportion" | "rate",
  rows: readonly {
    point: number;
    lower95: number;
    upper95: number;
    lower998: number;
    upper998: number;
    lower95At?: number;
    upper95At?: number;
    lower998At?: number;
    upper998At?: number;
  }[],
  points = 80,
  /** Populations to cover (default: the whole range of the limits). */
  range?: [number, number],
): FunnelLimit[] {
  if (statistic === "proportion") {
    return rows.map((r) => ({ denominator: r.point, lower95: r.lower95, upper95: r.upper95, lower998: r.lower998, upper998: r.upper998 }));
  }
  const keys = ["lower95", "upper95", "lower998", "upper998"] as const;
  const curves = keys.map((k) =>
    rows
      .map((r) => ({ x: r[`${k}At`], y: r[k] }))
      .filter((p): p is { x: number; y: number } => typeof p.x === "number" && Number.isFinite(p.x) && p.x > 0 && Number.isFinite(p.y))
      .sort((a, b) => a.x - b.x),
  );
  const xs = curves.flat().map((p) => p.x);
  if (!xs.length) return [];
  const lo = Math.max(Math.min(...xs), range?.[0] ?? 0);
  const hi = Math.min(Math.max(...xs), range?.[1] ?? Infinity);
  if (!(hi > lo)) return [];
  const at = (curve: { x: number; y: number }[], x: number): number | null => {
    if (!curve.length || x < curve[0].x || x > curve[curve.length - 1].x) return null;
    let i = curve.findIndex((p) => p.x >= x);
    if (curve[i].x === x || i === 0) return curve[i].y;
    const a = curve[i - 1];
    const b = curve[i];
    return a.y + ((x - a.x) / (b.x - a.x)) * (b.y - a.y);
  };
  const grid = Array.from({ length: points }, (_, i) => (points === 1 ? lo : lo * Math.pow(hi / lo, i / (points - 1))));
  return grid.map((x) => {
    const [lower95, upper95, lower998, upper998] = curves.map((c) => at(c, x));
    return { denominator: x, lower95, upper95, lower998, upper998 };
  });
}

/** Which limits a point is outside of. */
export function funnelBand(limits: FunnelLimit[], p: { denominator: number; value: number }): FunnelBand | null {
  const u998 = limitAt(limits, p.denominator, "upper998");
  const l998 = limitAt(limits, p.denominator, "lower998");
  const u95 = limitAt(limits, p.denominator, "upper95");
  const l95 = limitAt(limits, p.denominator, "lower95");
  if (u95 === null || l95 === null) return null;
  if (u998 !== null && p.value > u998) return "above 99.8% limit";
  if (l998 !== null && p.value < l998) return "below 99.8% limit";
  if (p.value > u95) return "above 95% limit";
  if (p.value < l95) return "below 95% limit";
  return "within 95% limits";
}

/** Scatter of value against denominator with funnel limits. */
export function funnelChart(points: FunnelPoint[], opts: FunnelOptions): ChartSpecBundle {
  const decimals = opts.decimals ?? 1;
  const unit = opts.unit ?? (opts.statistic === "proportion" && opts.multiplier === 100 ? "%" : `per ${formatNumber(opts.multiplier, 0)}`);
  const compName = opts.comparatorName ?? "Comparator";
  const limits = [...opts.limits].sort((a, b) => a.denominator - b.denominator);
  const pts = points.map((p) => {
    const band = funnelBand(limits, p);
    return {
      ...p,
      value: round(p.value, decimals + 2) as number,
      band,
      fill_band: band === null || band === "within 95% limits" ? BAND_FILL.within : band.includes("99.8") ? BAND_FILL.out998 : BAND_FILL.out95,
      label: `${p.name}: ${withUnit(p.value, unit, decimals)}`,
    };
  });

  // x spans the points (limits outside that range are clipped, not allowed to squash the points).
  const pointDens = pts.map((p) => p.denominator);
  const xMin = pointDens.length ? Math.min(...pointDens) * 0.8 : limits[0]?.denominator ?? 0;
  const xMax = pointDens.length ? Math.max(...pointDens) * 1.08 : limits[limits.length - 1]?.denominator ?? 1;
  const inRange = limits.filter((l) => l.denominator >= xMin && l.denominator <= xMax);
  const ys = [
    ...pts.map((p) => p.value),
    opts.comparatorValue,
    ...inRange.flatMap((l) => [l.lower998, l.upper998, l.lower95, l.upper95]).filter((v): v is number => v !== null),
  ];
  let yLo = Math.min(...ys);
  let yHi = Math.max(...ys);
  const pad = (yHi - yLo) * 0.05 || 1;
  yLo -= pad;
  yHi += pad;
  if (yLo < 0 && Math.min(...pts.map((p) => p.value)) >= 0) yLo = 0;
  if (opts.statistic === "proportion") yHi = Math.min(yHi, opts.multiplier);

  // Only the limits over the x range (and one point either side, so the lines reach the edges):
  // far outside it they run to huge values, which the PDF printer would still trace point by
  // point behind the clip. Values beyond the y range are clamped to just outside it for the same reason.
  const first = Math.max(0, limits.findIndex((l) => l.denominator >= xMin) - 1);
  const lastIn = limits.findLastIndex((l) => l.denominator <= xMax);
  const drawn = limits.slice(first, Math.min(limits.length, (lastIn < 0 ? limits.length - 1 : lastIn) + 2));
  const span = yHi - yLo;
  const clampY = (v: number | null) => (v === null ? null : Math.min(yHi + span, Math.max(yLo - span, v)));
  const limitRows = drawn.flatMap((l) =>
    (
      [
        ["upper998", "99.8% limits", "upper"],
        ["lower998", "99.8% limits", "lower"],
        ["upper95", "95% limits", "upper"],
        ["lower95", "95% limits", "lower"],
      ] as const
    )
      .filter(([k]) => l[k] !== null)
      .map(([k, level, side]) => ({ denominator: l.denominator, value: round(clampY(l[k]), decimals + 3), level, line: `${level} ${side}` })),
  );
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
  const edgeDen = Math.min(xMax, limits[limits.length - 1]?.denominator ?? xMax);
  const endLabels = [
    ...(["upper998", "upper95"] as const)
      .map((k) => ({ value: limitAt(limits, edgeDen, k), text: k === "upper998" ? "99.8%" : "95%" }))
      .filter((l): l is { value: number; text: string } => l.value !== null && l.value <= yHi),
    { value: opts.comparatorValue, text: `${compName}: ${formatNumber(opts.comparatorValue, decimals)}` },
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
      data: { values: [{ comparator: compName, value: opts.comparatorValue }] },
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
  const alt = funnelAlt(pts, opts, unit, decimals, compName);
  const spec = {
    $schema: VL_SCHEMA,
    title: titleBlock(opts.title, [
      opts.subtitle,
      `Each circle is an area; ${focus.length ? `the purple diamond is ${listEnglish(focus.map((p) => p.name))}; ` : ""}the horizontal line is ${compName}. Areas outside the funnel differ from ${compName} by more than chance alone would be expected to produce.`,
    ]),
    description: alt,
    width: A4_WIDTH - 150,
    height: 360,
    layer: layers,
    resolve: { legend: { fill: "independent", strokeDash: "independent" } },
    config: chartConfig,
  } as TopLevelSpec;

  return {
    id: chartId("funnel", opts),
    spec,
    alt,
    table: {
      columns: ["Area code", "Area", "Numerator", "Denominator", `Value (${unit})`, "Against the limits"],
      rows: pts.map((p) => [p.area_code, p.name, p.numerator, p.denominator, round(p.value, decimals), p.band ?? "limits not available"]),
    },
  };
}

function funnelAlt(
  pts: (FunnelPoint & { band: FunnelBand | null })[],
  opts: FunnelOptions,
  unit: string,
  decimals: number,
  compName: string,
): string {
  const parts = [
    `Funnel plot of ${opts.title}: ${pts.length} areas' values against their population, with 95% and 99.8% control limits around ${compName} (${withUnit(opts.comparatorValue, unit, decimals)}).`,
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
