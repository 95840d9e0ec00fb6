/**
 * What every figure of the pack shares: the `PackFigure` it returns, the `View` it is drawn for,
 * the declarations a figure file exports (`DomainFigure`, `IndicatorFigure`, `AreaFigure`), and
 * the helpers that read `PackData` the same way for every figure (values shown or suppressed,
 * ward rows, comparator lines, significance, method and source lines).
 */
import type { IndicatorTrendRow, IndicatorValueRow } from "../../../transforms/marts.ts";
import { CONTEXT_NOTE, type Indicator, isContextMeasure } from "../../../transforms/indicators/define.ts";
import { type Weighting, weightingWords } from "../../../transforms/survey-weighting.ts";
import type { ChartSpecBundle, SurveyResultRow } from "../../../notebooks/charts/builders.ts";
import type { AreaComparison } from "../../../notebooks/charts/significance.ts";
import { messages } from "../../core/messages.ts";
import { comparisonsAt, type PackData, valueAt, wardComparisons } from "../pack-data.ts";

/** A chart in the pack, with where its numbers come from and the workbook sheet it goes to. */
export interface PackFigure {
  chart: ChartSpecBundle;
  /** Source (and method) line printed under the chart. */
  source: string;
  /** Workbook sheet: a domain id (`crime`, ...), `summary`, `area` or `need`. */
  sheet: string;
  /** Indicators the figure shows that no summary row stands for (their values are charted here). */
  shows?: string[];
}

/** One pack's point of view. */
export interface View {
  kind: "focus" | "overview";
  /** The focus area, or the parent authority for the overview. */
  code: string;
  name: string;
  /** Codes highlighted in ward charts ([] for the overview). */
  highlight: string[];
  /** The wards the area is made of (the focus ward; a locality's wards; every ward for the overview). */
  members: string[];
}

/** The marts (and reference or audit tables) a figure reads, through `PackData`: declared, so a test can check none is a staging table. */
export type Reads = string[];

/** What a domain-wide figure is drawn from: the pack's data, its view, and the section's indicator rows (latest period each). */
export interface DomainFigureInput {
  d: PackData;
  view: View;
  indicators: readonly Indicator[];
  domain: string;
  title: string;
  rows: readonly { indicator: Indicator; periodType: string; period: string; trend: IndicatorTrendRow | null }[];
}

/** A figure drawn once per section that lists its `name` (`SECTIONS[].figures`). */
export interface DomainFigure {
  kind: "domain";
  name: string;
  reads: Reads;
  build: (x: DomainFigureInput) => (PackFigure | null)[];
}

/** A figure drawn for each indicator it applies to, under the indicator's heading, in the registry's order. */
export interface IndicatorFigure {
  kind: "indicator";
  id: string;
  reads: Reads;
  appliesTo: (ind: Indicator) => boolean;
  build: (d: PackData, view: View, ind: Indicator, periodType: string, period: string) => PackFigure | null;
}

/**
 * A figure the assembly places itself (`placed`: the part of the pack it belongs to), with a
 * builder of its own signature: the area profile's pyramid and map, the need index, the outcomes'
 * trajectories, the spine chart, the funnel and published-areas charts of an indicator.
 */
export interface AreaFigure<F extends (...args: never[]) => unknown = (...args: never[]) => unknown> {
  kind: "area";
  id: string;
  reads: Reads;
  placed: string;
  build: F;
}

/** Smallest count published (1 to 4 suppressed), as everywhere in the pack. */
export const MIN_COUNT = 5;

export const idOf = (s: string) => s.replace(/[._]/g, "-");

/** Type-7 quantile of sorted values. */
export function quantile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

/** Median of sorted numbers. */
export function median(sorted: number[]): number | null {
  return quantile(sorted, 0.5);
}

export const shown = (r: IndicatorValueRow | undefined): r is IndicatorValueRow & { value: number } =>
  !!r && !r.is_suppressed && r.value !== null && Number.isFinite(r.value);

/** A value as a row of a dot-and-interval chart, saying when it is withheld only to protect another (secondary suppression). */
export const resultRow = (r: IndicatorValueRow, group: string): SurveyResultRow => ({
  group, value: shown(r) ? r.value : null, lower95: r.lower95, upper95: r.upper95, is_suppressed: !shown(r), n: r.denominator ?? 0,
  protects: r.is_suppressed && r.suppression_reason === messages.secondarySuppression(),
});

/** The period an indicator is headlined on for an area, and the area's row in it (which may say why it has no value). */
export interface HeadlinePeriod {
  periodType: string;
  period: string;
  /** The area's row in that period: its value, or its `suppression_reason`. */
  row: IndicatorValueRow;
}

/**
 * The one rule for an indicator's headline ("latest") period for the area `code`, which every
 * part of the pack reads (summary, at-a-glance, spines, section charts, slides, workbook,
 * manifest), so they agree. Among the periods `code` has a row in, of the period types the
 * indicator declares (in its order):
 * 1. the latest period in which `code` has a published value (the first type that has one);
 * 2. else the latest in which `fallback` (the parent authority; none for the overview) has one;
 * 3. else (no value for either in any period) the latest, its row giving the reason.
 * So a month withheld for the whole authority (police.uk's files do not cover it) is never the
 * headline while an earlier month has values. Undefined when `code` has no row at all.
 */
export function headlinePeriod(d: PackData, ind: Indicator, code: string, fallback?: string): HeadlinePeriod | undefined {
  const rows = d.byIndicator.get(ind.id) ?? [];
  // Rows come in period order (`readPackData`), so the last match is the latest period.
  const own = ind.periods.map((t) => ({ t, rows: rows.filter((r) => r.period_type === t && r.area_code === code) })).filter((x) => x.rows.length);
  const other = (t: string, period: string) => (fallback && fallback !== code ? valueAt(d, ind.id, t, fallback, period) : undefined);
  const tiers: ((r: IndicatorValueRow) => boolean)[] = [(r) => shown(r), (r) => shown(other(r.period_type, r.period_label)), () => true];
  for (const tier of tiers) {
    for (const x of own) {
      const row = x.rows.findLast(tier);
      if (row) return { periodType: x.t, period: row.period_label, row };
    }
  }
  return undefined;
}

/** Rows of one indicator and period type. */
export function rowsOf(d: PackData, ind: Indicator, periodType: string): IndicatorValueRow[] {
  return (d.byIndicator.get(ind.id) ?? []).filter((r) => r.period_type === periodType);
}

/** The comparator lines drawn on ward charts: the borough, similar wards and England (those with a value). */
export function comparatorLines(d: PackData, view: View, ind: Indicator, period: string, periodType: string) {
  if (view.kind === "focus") {
    const cmp = comparisonsAt(d, ind.id, view.code, period);
    return ["parent", "similar_wards", "country"]
      .map((k) => cmp.find((c) => c.comparator_kind === k))
      .filter((c): c is NonNullable<typeof c> => !!c && c.comparator_value !== null)
      .map((c) => ({ code: c.comparator_code, name: d.names[c.comparator_code] ?? c.comparator_code, value: c.comparator_value, kind: c.comparator_kind }));
  }
  return [
    { code: d.parent.code, kind: "parent" },
    ...(d.country ? [{ code: d.country, kind: "country" }] : []),
  ]
    .map((c) => ({ ...c, row: valueAt(d, ind.id, periodType, c.code, period) }))
    .filter((c) => shown(c.row))
    .map((c) => ({ code: c.code, name: d.names[c.code] ?? c.code, value: c.row!.value, kind: c.kind }));
}

/** The ward rows (and a locality focus) of one indicator and period. */
export function wardRows(d: PackData, view: View, ind: Indicator, periodType: string, period: string): IndicatorValueRow[] {
  const wards = new Set(d.wards);
  return rowsOf(d, ind, periodType).filter(
    (r) => r.period_label === period && (wards.has(r.area_code) || (view.kind === "focus" && r.area_code === view.code)),
  );
}

/**
 * How the wards (and a locality focus) compare with the borough, from the comparison lookup (95%
 * level), keyed by `key(area code)`, for colouring a ward chart: none for a context measure, or
 * when no ward could be compared (no sampling interval), with the reason.
 */
export function wardSignificance(d: PackData, view: View, ind: Indicator, period: string, key: (code: string) => string): { comparison?: AreaComparison; notJudged?: string } {
  if (isContextMeasure(ind)) return { notJudged: CONTEXT_NOTE };
  const rows = [...wardComparisons(d, ind.id, period), ...(view.kind === "focus" && !d.wards.includes(view.code) ? comparisonsAt(d, ind.id, view.code, period).filter((c) => c.comparator_kind === "parent") : [])];
  if (!rows.some((c) => c.outcome !== "not_compared")) return { notJudged: "no sampling interval, so not tested for significance" };
  return { comparison: { name: d.parent.name, level: "95%", outcomes: Object.fromEntries(rows.map((c) => [key(c.area_code), c.outcome])) } };
}

/** One line on how an indicator is computed, for captions; `weightings`: what the survey's weights did in this build (`PackData.surveyWeightings`). */
export function methodLine(ind: Indicator, weightings: readonly Weighting[] = []): string {
  switch (ind.method) {
    case "rate":
      return `Crude rate ${ind.unit}; 95% interval: exact Poisson below 10 events, Byar's method from 10.`;
    case "proportion":
      return "Proportion with Wilson score 95% interval.";
    case "survey_proportion":
      return `Proportion weighted with ${weightingWords(weightings) ?? "the survey's weights"}, with a logit 95% interval; bases under 30 not published.`;
    case "weighted_mean":
      return "Population-weighted average of LSOA values (no sampling interval).";
    case "published":
      return `Value and 95% interval as published (${ind.numerator.kind === "published" ? ind.numerator.label : "as published"}), not recomputed.`;
    case "estimate":
      return "Published or modelled estimate, summed over the area's neighbourhoods where it is by LSOA (no sampling interval is published, so it is not tested for significance).";
    case "dsr":
      return `Directly standardised rate ${ind.unit} (European Standard Population 2013, 19 age bands), with Dobson 95% interval; not published on fewer than 10 events.`;
    default:
      return `${ind.method}.`;
  }
}

export function boundaryLine(b: { file: string; vintage: string | null }): string {
  return `${b.file.split(/[\\/]/).pop()}${b.vintage ? ` (${b.vintage})` : ""}`;
}

/** How many periods a trend was computed over: `5 quarters`, `5 years`. */
export function trendPeriods(t: IndicatorTrendRow): string {
  return `${t.points} ${t.period_type === "quarter" ? "quarters" : "years"}`;
}

/** What a trend was computed over, for labels: `last 5 quarters`, `last 5 years`. */
export function trendSpan(t: IndicatorTrendRow): string {
  return `last ${trendPeriods(t)}`;
}
