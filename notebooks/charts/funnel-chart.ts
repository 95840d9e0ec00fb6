/**
 * Funnel plot: each area's value against its denominator (population), with the comparator
 * value as a horizontal line and 95% (dashed) and 99.8% (solid) control limits that narrow as
 * the denominator grows. Points are filled white, grey or black by which limits they fall
 * outside, so the reading survives grey-scale print; the focus area is highlighted and named.
 *
 * The statistics are `transforms/stats`' alone: the chart takes `funnelLimits`' output as it is
 * (PHE's limits, their baseline as the horizontal line) and places each area with
 * `funnelSignificance`; it draws the limit curves at PHE's own points and computes no limit itself.
 * With a `dispersion` (`overdispersion` of transforms/stats) it says under the chart whether the
 * areas are over-dispersed, and when they are it draws the adjusted limits it is given instead
 * (placing areas with `overdispersedBands`), saying which limits are drawn. The limits run across
 * the whole x axis, which ends `FUNNEL_X_PAD` past the largest area; the focus label is placed
 * where it covers no point and no line.
 */
import {
  funnelSignificance, overdispersedBands, type FunnelLimitRow, type FunnelLimits, type FunnelSignificance, type Overdispersion,
} from "../../transforms/stats/index.ts";
import {
  type ChartSpecBundle,
  type CommonChartOptions,
  chartBundle,
  d3Format,
  estimateTextWidth,
  formatNumber,
  listEnglish,
  round,
  withUnit,
} from "./bundle.ts";
import { LABEL_LIMIT, PRINT_WIDTH, colours } from "./theme.ts";

/** One point per area. */
export interface FunnelPoint {
  area_code: string;
  name: string;
  numerator: number;
  denominator: number;
  value: number;
  is_focus: boolean;
}

/** How far past the largest area the x axis (and every limit line) runs. */
export const FUNNEL_X_PAD = 1.05;

/** Limits adjusted for over-dispersion at one population (x), on the value scale. */
export interface AdjustedLimitRow {
  point: number;
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
}

/** The over-dispersion test of a funnel's areas and, when over-dispersed, the adjusted limits to draw (empty when not). */
export interface FunnelDispersion {
  overdispersion: Overdispersion;
  adjusted: AdjustedLimitRow[];
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
  /** The over-dispersion test (notebooks/lib/funnel.ts `funnelDispersion`): said under the chart; its adjusted limits are drawn when over-dispersed. */
  dispersion?: FunnelDispersion | null;
}

/** Where a point sits against the limits. */
export type FunnelBand = "above 99.8% limit" | "above 95% limit" | "within 95% limits" | "below 95% limit" | "below 99.8% limit";

/** The plotting area, px. */
const PLOT = { width: PRINT_WIDTH - 225, height: 200 } as const;
const FOCUS_FONT = 11;

type Px = { px: number; py: number };

/** Does the segment a-b pass through the box (sampled every 2 px)? */
function crosses(a: Px, b: Px, box: { x0: number; x1: number; y0: number; y1: number }): boolean {
  const steps = Math.max(1, Math.ceil(Math.hypot(b.px - a.px, b.py - a.py) / 2));
  for (let i = 0; i <= steps; i++) {
    const x = a.px + ((b.px - a.px) * i) / steps;
    const y = a.py + ((b.py - a.py) * i) / steps;
    if (x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1) return true;
  }
  return false;
}

/**
 * Where to put a label of `width` px beside the mark at `at`: the first of a ring of places, nearest
 * first, whose box (2 px margin) lies inside the plot and touches no point (6 px radius) and no
 * line; null when none is free. Returns the label's left end and vertical middle.
 */
export function placeLabel(at: Px, width: number, obstacles: { points: Px[]; lines: Px[][] }): Px | null {
  const h = 14;
  const candidates: Px[] = [];
  for (const r of [12, 24, 40, 60, 90, 130, 180]) {
    for (const [dx, dy] of [[1, 0], [-1, 0], [1, -1], [1, 1], [-1, -1], [-1, 1], [0, -1], [0, 1]] as const) {
      const left = dx > 0 ? at.px + r : dx < 0 ? at.px - r - width : at.px - width / 2;
      candidates.push({ px: left, py: at.py + dy * (r * 0.8 + (dx === 0 ? h / 2 : 0)) });
    }
  }
  for (const c of candidates) {
    const box = { x0: c.px - 2, x1: c.px + width + 2, y0: c.py - h / 2 - 2, y1: c.py + h / 2 + 2 };
    if (box.x0 < 0 || box.x1 > PLOT.width || box.y0 < 0 || box.y1 > PLOT.height) continue;
    if (obstacles.points.some((p) => p.px + 6 >= box.x0 && p.px - 6 <= box.x1 && p.py + 6 >= box.y0 && p.py - 6 <= box.y1)) continue;
    if (obstacles.lines.some((line) => line.some((p, i) => i > 0 && crosses(line[i - 1]!, p, box)))) continue;
    return c;
  }
  return null;
}

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
  const plainBands = funnelBands(limits, points);
  const od = opts.dispersion?.overdispersion ?? null;
  const adjusted = od?.overdispersed && opts.dispersion!.adjusted.length ? opts.dispersion!.adjusted : null;
  const bands: (FunnelBand | null)[] = adjusted ? overdispersedBands(od!) : plainBands;
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
  const curves = LIMIT_KEYS.map(([key, level, side]) => ({
    key,
    level: adjusted ? `${level} (adjusted)` : level,
    line: `${level} ${side}`,
    points: adjusted ? adjusted.map((r) => ({ x: r.point, y: r[key] })).filter((q) => Number.isFinite(q.y)) : limitCurve(limits, key),
  }));

  // x spans the points, to FUNNEL_X_PAD past the largest (limits outside that range are clipped,
  // not allowed to squash the points); it starts where every limit line has begun, so each runs
  // across the whole axis.
  const pointDens = pts.map((p) => p.denominator);
  const limitXs = curves.flatMap((c) => c.points.map((q) => q.x));
  const curveStart = Math.max(0, ...curves.filter((c) => c.points.length).map((c) => c.points[0]!.x));
  const xMin = pointDens.length ? Math.min(Math.max(Math.min(...pointDens) * 0.8, curveStart), Math.min(...pointDens) * 0.98) : limitXs.length ? Math.min(...limitXs) : 0;
  const xMax = pointDens.length ? Math.max(...pointDens) * FUNNEL_X_PAD : limitXs.length ? Math.max(...limitXs) : 1;
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

  // The focus label: the nearest place beside its diamond that covers no point, no limit line,
  // no comparator line and stays inside the plot (none free: the notes name the focus instead).
  const toPx = (dx: number, dy: number) => ({
    px: ((dx - xMin) / (xMax - xMin)) * PLOT.width,
    py: PLOT.height - ((dy - yLo) / (yHi - yLo)) * PLOT.height,
  });
  const obstacles = {
    points: pts.map((p) => toPx(p.denominator, p.value)),
    lines: [
      ...curves.map((c) => c.points.map((q) => toPx(q.x, clampY(q.y)))),
      ...(baseline === null ? [] : [[toPx(xMin, baseline), toPx(xMax, baseline)]]),
    ],
  };
  const focusLabels = pts.filter((p) => p.is_focus).flatMap((p) => {
    const mark = toPx(p.denominator, p.value);
    const w = estimateTextWidth(p.label, FOCUS_FONT, true);
    const at = placeLabel(mark, w, obstacles);
    if (!at) return [];
    // A label set away from its diamond gets a thin leader line to the nearer end of the label.
    const end = { px: Math.min(Math.max(mark.px, at.px), at.px + w), py: at.py };
    const far = Math.hypot(end.px - mark.px, end.py - mark.py) > 18;
    return [{ ...at, label: p.label, lx: mark.px, ly: mark.py, lx2: end.px, ly2: end.py, leader: far }];
  });

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
          scale: { domain: adjusted ? ["95% limits (adjusted)", "99.8% limits (adjusted)"] : ["95% limits", "99.8% limits"], range: [[5, 3], [1, 0]] },
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
          legend: { orient: "bottom", direction: "horizontal", title: null, symbolType: "circle", symbolStrokeColor: colours.comparator, symbolStrokeWidth: 1, labelLimit: LABEL_LIMIT.legend },
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
      data: { values: focusLabels },
      transform: [{ filter: "datum.leader" }],
      mark: { type: "rule", color: colours.focus, strokeWidth: 0.75 },
      encoding: {
        x: { field: "lx", type: "quantitative", scale: null }, y: { field: "ly", type: "quantitative", scale: null },
        x2: { field: "lx2" }, y2: { field: "ly2" },
      },
    },
    {
      data: { values: focusLabels },
      mark: { type: "text", align: "left", baseline: "middle", fontSize: FOCUS_FONT, fontWeight: "bold", color: colours.focus },
      encoding: { x: { field: "px", type: "quantitative", scale: null }, y: { field: "py", type: "quantitative", scale: null }, text: { field: "label" } },
    },
  ];

  const focus = pts.filter((p) => p.is_focus);
  const limitsText = limitsNote(od, adjusted !== null, plainBands, pts.length);
  const alt = `${funnelAlt(pts, opts, unit, decimals, compName, baseline, adjusted !== null)} ${limitsText}`;
  return chartBundle("funnel", opts, {
    notes: [
      `Each circle is an area; ${focus.length ? `the purple diamond is ${listEnglish(focus.map((p) => p.name))}; ` : ""}the horizontal line is ${compName}. Areas outside the funnel differ from ${compName} by more than ${adjusted ? "the usual spread between areas" : "chance alone"} would be expected to produce.`,
      limitsText,
    ],
    alt,
    spec: {
      width: PLOT.width,
      height: PLOT.height,
      layer: layers,
      resolve: { legend: { fill: "independent", strokeDash: "independent" } },
    },
    table: {
      columns: ["Area code", "Area", "Numerator", "Denominator", `Value (${unit})`, adjusted ? "Against the adjusted limits" : "Against the limits", ...(adjusted ? ["Against the plain limits"] : [])],
      rows: pts.map((p, i) => [p.area_code, p.name, p.numerator, p.denominator, round(p.value, decimals), p.band ?? "limits not available", ...(adjusted ? [plainBands[i] ?? "limits not available"] : [])]),
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
  adjusted: boolean,
): string {
  const parts = [
    `Funnel plot of ${opts.title}: ${pts.length} areas' values against their population, with 95% and 99.8% control limits${adjusted ? " adjusted for over-dispersion" : ""} around ${compName} (${withUnit(baseline, unit, decimals)}).`,
  ];
  for (const p of pts.filter((q) => q.is_focus)) {
    parts.push(
      `${p.name}: ${withUnit(p.value, unit, decimals)} (${formatNumber(p.numerator, 0)} of ${formatNumber(p.denominator, 0)}), ${p.band ? (p.band === "within 95% limits" ? "within the 95% limits" : p.band) : "outside the range of the limits"}.`,
    );
  }
  const out = pts.filter((p) => p.band?.includes("99.8"));
  if (out.length) parts.push(`Outside the ${adjusted ? "adjusted " : ""}99.8% limits: ${listEnglish(out.map((p) => `${p.name} (${p.band!.startsWith("above") ? "above" : "below"})`))}.`);
  else parts.push(`No area is outside the ${adjusted ? "adjusted " : ""}99.8% limits.`);
  return parts.join(" ");
}

/**
 * Which limits are drawn, and why: the over-dispersion test's verdict with the share of areas
 * outside the plain 99.8% limits, and for adjusted limits how they were made.
 */
export function limitsNote(od: Overdispersion | null, adjusted: boolean, plainBands: readonly (FunnelBand | null)[], areas: number): string {
  const outside = plainBands.filter((b) => b?.includes("99.8")).length;
  if (!od) return "Limits drawn: 95% and 99.8% control limits (PHE method); over-dispersion could not be estimated.";
  const phi = formatNumber(od.phi, 1);
  if (!adjusted) return `Limits drawn: 95% and 99.8% control limits (PHE method). The areas are not over-dispersed (dispersion ratio ${phi}; ${outside} of ${areas} outside the 99.8% limits).`;
  const scale = od.statistic === "proportion" ? "arcsine square-root" : "square-root";
  return `Over-dispersed: ${outside} of ${areas} areas lie outside the plain 99.8% limits (dispersion ratio ${phi}, far more spread than chance alone), so those limits say little. ` +
    `Limits drawn: 95% and 99.8% adjusted for over-dispersion (Spiegelhalter 2005: additive random effects on the ${scale} scale, z-scores winsorised at 10%).`;
}
