/**
 * The pack's charts: adapters from the warehouse rows in `PackData` to the pure chart builders
 * of `notebooks/charts`. Each function returns a `PackFigure` (the chart bundle plus its source
 * line and workbook sheet), or null when its data is not in this build, so a missing source costs
 * its charts and never the pack. A `View` is one pack's point of view: a focus ward or locality
 * (highlighted), or the borough overview (nothing highlighted).
 */
import type { IndicatorTrendRow, IndicatorValueRow, OutcomeRow, Polarity } from "../../transforms/marts.ts";
import {
  type CategoryBarRow,
  type ChartSpecBundle,
  type CrimeTypeRow,
  type PyramidRow,
  type SpineRow,
  type SurveyResultRow,
  categoryBarsChart,
  choroplethMap,
  compareAreasChart,
  crimeByMonthChart,
  crimeByTypeChart,
  funnelChart,
  needIndexChart,
  trajectoryChart,
  populationPyramidChart,
  spineChart,
  surveyResultsChart,
  trendPanelsChart,
} from "../../notebooks/charts/builders.ts";
import { formatNumber, listEnglish } from "../../notebooks/charts/bundle.ts";
import { comparisonsAt, valueAt, wardComparisons, type PackData } from "./pack-data.ts";
import type { AreaComparison } from "../../notebooks/charts/significance.ts";
import { CONTEXT_NOTE, isContextMeasure, type Indicator } from "../../transforms/indicators/define.ts";
import { withheldParts } from "../../transforms/disclosure.ts";
import { wardFunnel } from "../../notebooks/lib/funnel.ts";
import { weightingWords, type Weighting } from "../../transforms/survey-weighting.ts";
import { messages } from "../core/messages.ts";

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

/** Smallest count published (1 to 4 suppressed), as everywhere in the pack. */
export const MIN_COUNT = 5;

const idOf = (s: string) => s.replace(/[._]/g, "-");

/** Type-7 quantile of sorted values. */
export function quantile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

const shown = (r: IndicatorValueRow | undefined): r is IndicatorValueRow & { value: number } =>
  !!r && !r.is_suppressed && r.value !== null && Number.isFinite(r.value);

/** A value as a row of a dot-and-interval chart, saying when it is withheld only to protect another (secondary suppression). */
const resultRow = (r: IndicatorValueRow, group: string): SurveyResultRow => ({
  group, value: shown(r) ? r.value : null, lower95: r.lower95, upper95: r.upper95, is_suppressed: !shown(r), n: r.denominator ?? 0,
  protects: r.is_suppressed && r.suppression_reason === messages.secondarySuppression(),
});

/** The period type an indicator is headlined on for `code`: the first it declares that has a row for the area. */
export function headlinePeriodType(d: PackData, ind: Indicator, code: string): string | undefined {
  const rows = d.byIndicator.get(ind.id) ?? [];
  return ind.periods.find((t) => rows.some((r) => r.period_type === t && r.area_code === code));
}

/** Rows of one indicator and period type. */
export function rowsOf(d: PackData, ind: Indicator, periodType: string): IndicatorValueRow[] {
  return (d.byIndicator.get(ind.id) ?? []).filter((r) => r.period_type === periodType);
}

/** The comparator lines drawn on ward charts: the borough, similar wards and England (those with a value). */
function comparatorLines(d: PackData, view: View, ind: Indicator, period: string, periodType: string) {
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
function wardRows(d: PackData, view: View, ind: Indicator, periodType: string, period: string): IndicatorValueRow[] {
  const wards = new Set(d.wards);
  return rowsOf(d, ind, periodType).filter(
    (r) => r.period_label === period && (wards.has(r.area_code) || (view.kind === "focus" && r.area_code === view.code)),
  );
}

/**
 * An indicator published above ward level (e.g. by OHID for the authority): the parent's value
 * with its interval beside its county's (a district's), region's and England's, from the same
 * source and period. A district with no value of its own (OHID and DfE publish for the county, the
 * upper tier) gets its county's, labelled "(county)". Null when neither has a value.
 */
export function publishedAreasFigure(d: PackData, ind: Indicator, periodType: string, period: string): PackFigure | null {
  const rows = [d.parent.code, d.county, d.region, d.country]
    .filter((c): c is string => !!c)
    .map((c) => valueAt(d, ind.id, periodType, c, period))
    .filter((r): r is IndicatorValueRow => !!r);
  // The borough's value, or else its county's (a district's upper tier publishes for the county).
  const own = [d.parent.code, d.county].find((c) => c && rows.some((r) => r.area_code === c));
  if (!own) return null;
  const names = rows.map((r) => (r.area_code === d.county ? `${d.names[r.area_code] ?? r.area_code} (county)` : d.names[r.area_code] ?? r.area_code));
  return {
    chart: compareAreasChart(rows, {
      id: `${idOf(ind.id)}-published`,
      title: `${ind.short}, ${period}: ${listEnglish(names)}`,
      focusCodes: [own],
      areaNames: d.names,
      comparators: [],
      unit: ind.unit,
      polarity: ind.polarity as Polarity,
    }),
    source: `${ind.source}. ${methodLine(ind, d.surveyWeightings)}`,
    sheet: ind.domain,
  };
}

/**
 * How the wards (and a locality focus) compare with the borough, from the comparison lookup (95%
 * level), keyed by `key(area code)`, for colouring a ward chart: none for a context measure, or
 * when no ward could be compared (no sampling interval), with the reason.
 */
function wardSignificance(d: PackData, view: View, ind: Indicator, period: string, key: (code: string) => string): { comparison?: AreaComparison; notJudged?: string } {
  if (isContextMeasure(ind)) return { notJudged: CONTEXT_NOTE };
  const rows = [...wardComparisons(d, ind.id, period), ...(view.kind === "focus" && !d.wards.includes(view.code) ? comparisonsAt(d, ind.id, view.code, period).filter((c) => c.comparator_kind === "parent") : [])];
  if (!rows.some((c) => c.outcome !== "not_compared")) return { notJudged: "no sampling interval, so not tested for significance" };
  return { comparison: { name: d.parent.name, level: "95%", outcomes: Object.fromEntries(rows.map((c) => [key(c.area_code), c.outcome])) } };
}

/** Every ward's value with its interval and the comparator lines. */
export function compareFigure(d: PackData, view: View, ind: Indicator, periodType: string, period: string): PackFigure | null {
  const rows = wardRows(d, view, ind, periodType, period);
  if (!rows.length) return null;
  return {
    chart: compareAreasChart(rows, {
      id: `${idOf(ind.id)}-wards`,
      title: `${ind.short}, ${period}: every ward`,
      focusCodes: view.highlight,
      areaNames: d.names,
      comparators: comparatorLines(d, view, ind, period, periodType),
      unit: ind.unit,
      polarity: ind.polarity as Polarity,
      ...wardSignificance(d, view, ind, period, (c) => c),
    }),
    source: `${ind.source}. ${methodLine(ind, d.surveyWeightings)}`,
    sheet: ind.domain,
  };
}

/** Survey results by ward: estimate, interval and number of responses. */
export function surveyWardFigure(d: PackData, view: View, ind: Indicator, periodType: string, period: string): PackFigure | null {
  const rows = wardRows(d, view, ind, periodType, period);
  if (!rows.length) return null;
  const parent = valueAt(d, ind.id, periodType, d.parent.code, period);
  const data = rows.map((r) => resultRow(r, d.names[r.area_code] ?? r.area_code));
  return {
    chart: surveyResultsChart(data, {
      id: `${idOf(ind.id)}-wards`,
      title: `${ind.short}, ${period}: every ward`,
      comparatorValue: shown(parent) ? parent.value : null,
      comparatorName: d.parent.name,
      focusGroups: view.highlight.map((c) => d.names[c] ?? c),
      order: "value",
      decimals: 1,
      ...wardSignificance(d, view, ind, period, (c) => d.names[c] ?? c),
    }),
    source: `${ind.source}. ${methodLine(ind, d.surveyWeightings)}`,
    sheet: ind.domain,
  };
}

/** Survey results by interview language: the borough, and the focus area where its bases allow. */
export function surveyLanguageFigure(d: PackData, view: View, ind: Indicator, period: string): PackFigure | null {
  const rows = d.languageValues.filter((r) => r.indicator_id === ind.id && r.period_label === period);
  const borough = rows.filter((r) => r.area_code === d.parent.code);
  if (!borough.length) return null;
  const lang = (b: string) => {
    const code = b.replace(/^language:/, "");
    return d.languageNames[code] ?? code;
  };
  const focus = view.kind === "focus" ? rows.filter((r) => r.area_code === view.code) : [];
  const showFocus = focus.some((r) => shown(r));
  const ordered = [...borough].sort((a, b) => lang(a.breakdown).localeCompare(lang(b.breakdown)));
  const tag = view.members.length > 1 ? "locality" : "ward";
  const data = ordered.flatMap((b) => {
    const f = focus.find((r) => r.breakdown === b.breakdown);
    return [resultRow(b, lang(b.breakdown)), ...(showFocus && f ? [resultRow(f, `${lang(f.breakdown)} (${tag})`)] : [])];
  });
  const all = (d.byIndicator.get(ind.id) ?? []).find((r) => r.area_code === d.parent.code && r.period_label === period);
  return {
    chart: surveyResultsChart(data, {
      id: `${idOf(ind.id)}-language`,
      title: `${ind.short}, ${period}: by interview language`,
      subtitle: showFocus ? `Rows marked (${tag}): respondents in ${view.name}; other rows: all of ${d.parent.name}.` : `All respondents in ${d.parent.name}.`,
      comparatorValue: shown(all) ? all.value : null,
      comparatorName: `${d.parent.name}, all languages`,
      focusGroups: showFocus ? data.filter((r) => r.group.endsWith(` (${tag})`)).map((r) => r.group) : [],
      focusDescription: `the rows marked (${tag})`,
      decimals: 1,
    }),
    source: `${ind.source}. Interview language as recorded by the survey; ${methodLine(ind, d.surveyWeightings)}`,
    sheet: ind.domain,
  };
}

/** `Crime and anti-social behaviour` -> `crime and anti-social behaviour` (acronyms keep their capitals). */
const lowerFirstWord = (t: string) => (/^[A-Z][a-z]/.test(t) ? t.charAt(0).toLowerCase() + t.slice(1) : t);

/** Labels of the sex breakdowns the sources publish (KS2 `boys`/`girls`), in chart order. */
const SEX_BREAKDOWNS: Record<string, string> = { all: "All pupils", boys: "Boys", girls: "Girls" };

/**
 * An indicator by sex beside all pupils (KS2 boys and girls): for the focus area (when shown),
 * the borough and England, each with its interval and base; null when the indicator has no sex
 * breakdown in the period.
 */
export function sexBreakdownFigure(d: PackData, view: View, ind: Indicator, period: string): PackFigure | null {
  const split = d.breakdownValues.filter((r) => r.indicator_id === ind.id && r.period_label === period && r.breakdown in SEX_BREAKDOWNS);
  if (!split.length) return null;
  const all = (d.byIndicator.get(ind.id) ?? []).filter((r) => r.period_label === period);
  const areas = [...(view.kind === "focus" ? [view.code] : []), d.parent.code, ...(d.country ? [d.country] : [])];
  const data: SurveyResultRow[] = areas.flatMap((code) =>
    Object.entries(SEX_BREAKDOWNS).flatMap(([b, label]) => {
      const r = (b === "all" ? all : split).find((x) => x.area_code === code && x.breakdown === b);
      const where = code === d.parent.code ? d.parent.name : code === d.country ? "England" : view.members.length > 1 ? "locality" : "ward";
      return r ? [resultRow(r, `${label} (${where})`)] : [];
    }),
  );
  if (!data.some((r) => !r.is_suppressed && !r.group.startsWith("All pupils"))) return null;
  return {
    chart: surveyResultsChart(data, {
      id: `${idOf(ind.id)}-by-sex`,
      title: `${ind.short}, ${period}: boys and girls beside all pupils`,
      subtitle: `${view.kind === "focus" ? `${view.name} (${view.members.length > 1 ? "locality" : "ward"}), ` : ""}${d.parent.name}${d.country ? ` and England` : ""}.`,
      focusGroups: view.kind === "focus" ? data.filter((r) => /\((ward|locality)\)$/.test(r.group)).map((r) => r.group) : [],
      counted: { people: "pupils", estimate: "proportion" },
      unit: ind.unit,
      decimals: 1,
    }),
    source: `${ind.source}. ${methodLine(ind, d.surveyWeightings)} Boys and girls as published per school (pupils = eligible x percentage); small cohorts are suppressed by DfE.`,
    sheet: ind.domain,
  };
}

/**
 * Residents' top priorities: the share naming each issue among their choices (a survey choice
 * indicator's `choice:<code>` breakdowns), highest first, for the borough and the focus area
 * where its bases allow; null when the build has no such values.
 */
export function prioritiesFigure(d: PackData, view: View, indicators: readonly Indicator[]): PackFigure | null {
  const ind = indicators.find((i) => i.numerator.kind === "survey_choice");
  if (!ind) return null;
  const rows = d.breakdownValues.filter((r) => r.indicator_id === ind.id && r.breakdown.startsWith("choice:"));
  const borough = rows.filter((r) => r.area_code === d.parent.code);
  const period = borough.map((r) => r.period_label).sort().at(-1);
  if (!period) return null;
  const name = (b: string) => d.choiceNames[b.slice("choice:".length)] ?? b.slice("choice:".length);
  const focus = view.kind === "focus" ? rows.filter((r) => r.area_code === view.code && r.period_label === period) : [];
  const showFocus = focus.some((r) => shown(r));
  const source = showFocus ? focus : borough.filter((r) => r.period_label === period);
  const ordered = [...source].sort((a, b) => (shown(b) ? (b.value as number) : -1) - (shown(a) ? (a.value as number) : -1) || name(a.breakdown).localeCompare(name(b.breakdown)));
  const where = showFocus ? view.name : d.parent.name;
  const data = ordered.map((r) => resultRow(r, name(r.breakdown)));
  // The borough's own top three, for comparison with the focus area's order.
  const boroughTop = [...borough.filter((r) => r.period_label === period && shown(r))].sort((a, b) => (b.value as number) - (a.value as number)).slice(0, 3);
  return {
    shows: [ind.id],
    chart: surveyResultsChart(data, {
      id: `${idOf(ind.id)}-choices`,
      title: `Residents' top priorities for the area, ${period}`,
      subtitle: `Share of respondents in ${where} naming each issue among their top three.` +
        (showFocus && boroughTop.length ? ` Across ${d.parent.name}: ${listEnglish(boroughTop.map((r) => `${lowerFirstWord(name(r.breakdown))} ${formatNumber(r.value, 0)}%`))}.` : ""),
      decimals: 0,
    }),
    source: `${ind.source}. ${methodLine(ind, d.surveyWeightings)}`,
    sheet: ind.domain,
  };
}

/**
 * The definition breaks of an indicator's series of one period type, each placed at the first
 * period of that type starting on or after the break (where the chart draws its rule).
 */
export function breaksOf(d: PackData, id: string, periodType: string): { period_start: string; label: string }[] {
  const starts = [...new Set((d.byIndicator.get(id) ?? []).filter((r) => r.period_type === periodType).map((r) => String(r.period_start).slice(0, 10)))].sort();
  const at = new Map<string, string[]>();
  for (const b of d.seriesBreaks.filter((x) => x.indicator_id === id)) {
    const first = starts.find((s) => s >= b.break_start.slice(0, 10));
    if (first && first !== starts[0]) at.set(first, [...(at.get(first) ?? []), b.label]);
  }
  return [...at].map(([period_start, labels]) => ({ period_start, label: labels.join("; ") }));
}

/** Trends of a domain's indicators as small multiples: the area against the borough and England. */
export function trendPanelsFigure(
  d: PackData, view: View, domain: string, title: string, items: { ind: Indicator; periodType: string; trend?: IndicatorTrendRow | null }[],
): PackFigure | null {
  const country = d.country;
  const panels = items
    .map(({ ind, periodType, trend }) => ({ ind, rows: rowsOf(d, ind, periodType), trend: trend && trend.direction !== "cannot be calculated" ? trend : undefined, breaks: breaksOf(d, ind.id, periodType) }))
    .filter((p) => new Set(p.rows.filter((r) => r.area_code === view.code).map((r) => r.period_label)).size >= 2);
  if (!panels.length) return null;
  const comparatorCodes = (view.kind === "focus" ? [d.parent.code, country] : [country]).filter(
    (c): c is string => !!c && panels.some((p) => p.rows.some((r) => r.area_code === c && shown(r))),
  );
  return {
    chart: trendPanelsChart(
      panels.map((p) => ({
        title: p.ind.short, unit: p.ind.unit, rows: p.rows, breaks: p.breaks,
        trend: p.trend ? { direction: p.trend.direction, over: `last ${p.trend.points} ${p.trend.period_type === "quarter" ? "quarters" : "years"}` } : undefined,
      })),
      {
        id: `${domain}-trends`,
        title: `${title}: trends in ${view.name}`,
        // The chart's own notes name each recent trend and what it was computed over.
        focusCode: view.code,
        comparatorCodes,
        areaNames: d.names,
        columns: 2,
      },
    ),
    source: `${[...new Set(panels.map((p) => p.ind.source))].join("; ")}. Each indicator's headline period type; 95% intervals as in Methods.`,
    sheet: domain,
  };
}

/**
 * Funnel plot of the wards' values against their populations (rates and proportions with counts
 * only), by the one funnel rule the notebooks use too (`wardFunnel`: PHE limits, or limits adjusted
 * for over-dispersion when the wards are over-dispersed).
 */
export function funnelFigure(d: PackData, view: View, ind: Indicator, periodType: string, period: string): PackFigure | null {
  if (ind.method !== "rate" && ind.method !== "proportion") return null;
  const wards = new Set(d.wards);
  const rows = rowsOf(d, ind, periodType).filter((r) => r.period_label === period && wards.has(r.area_code));
  const statistic = ind.method;
  const f = wardFunnel(rows, {
    statistic, multiplier: ind.multiplier, areaNames: d.names,
    focusCodes: view.members.length === 1 ? view.highlight : [],
  });
  if (!f || !Number.isFinite(f.limits.rows[0]?.baseline)) return null;
  const left = d.wards.length - f.points.length;
  const adjusted = !!f.dispersion?.overdispersion.overdispersed;
  return {
    chart: funnelChart(f.points, {
      id: `${idOf(ind.id)}-funnel`,
      title: `${ind.short}, ${period}: wards against the ${d.parent.name} average`,
      subtitle: left ? `${left} ${left === 1 ? "ward" : "wards"} with a suppressed count ${left === 1 ? "is" : "are"} left out.` : undefined,
      unit: ind.unit,
      limits: f.limits,
      dispersion: f.dispersion,
      comparatorName: `${d.parent.name} (all wards)`,
      denominatorLabel: statistic === "rate" ? "Population" : "Denominator",
    }),
    source: `${ind.source}. Control limits: ${adjusted
      ? "95% and 99.8%, adjusted for over-dispersion (Spiegelhalter 2005, additive random effects)"
      : `${f.limits.method} (${f.limits.label}), 95% and 99.8% (PHE funnel plot method)`}, around the pooled ward average.`,
    sheet: ind.domain,
  };
}

/** Ward map of one indicator's latest values (needs ward boundaries). */
export function wardMapFigure(d: PackData, view: View, ind: Indicator, periodType: string, period: string): PackFigure | null {
  const b = d.wardBoundaries;
  if (!b) return null;
  const rows = rowsOf(d, ind, periodType).filter((r) => r.period_label === period && d.wards.includes(r.area_code));
  if (!rows.length) return null;
  const values = Object.fromEntries(rows.map((r) => [r.area_code, shown(r) ? r.value : null]));
  return {
    chart: choroplethMap(b.geojson, values, {
      id: `${idOf(ind.id)}-map`,
      title: `${ind.short}, ${period}: map of wards`,
      codeProperty: b.codeProperty,
      nameProperty: b.nameProperty,
      focusCodes: view.members.length === 1 ? view.highlight : view.kind === "focus" ? view.members : [],
      legendTitle: ind.unit === "%" ? "Per cent" : ind.unit === "score" ? "Score" : ind.unit.replace(/^per/, "Per"),
      unit: ind.unit === "score" ? "" : ind.unit,
    }),
    source: `${ind.source}. Boundaries: ${boundaryLine(b)}.`,
    sheet: ind.domain,
  };
}

/** Where the area is: resident population by ward on the ward map. */
export function populationMapFigure(d: PackData, view: View): PackFigure | null {
  const b = d.wardBoundaries;
  if (!b || !d.population) return null;
  const byWard = new Map<string, number>();
  for (const r of d.population.rows) byWard.set(r.ward_code, (byWard.get(r.ward_code) ?? 0) + r.population);
  return {
    chart: choroplethMap(b.geojson, Object.fromEntries(d.wards.map((w) => [w, byWard.get(w) ?? null])), {
      id: "area-map",
      title: `Residents by ward, mid-${d.population.year}${view.kind === "focus" ? `: where ${view.name} is` : ""}`,
      codeProperty: b.codeProperty,
      nameProperty: b.nameProperty,
      focusCodes: view.kind === "focus" ? (view.members.length === 1 ? view.highlight : view.members) : [],
      legendTitle: "Residents",
      decimals: 0,
    }),
    source: `${d.population.source}, mid-${d.population.year}. Boundaries: ${boundaryLine(b)}.`,
    sheet: "area",
  };
}

/** IMD score of every LSOA on the LSOA map (needs LSOA boundaries and the deprivation source). */
export function lsoaImdMapFigure(d: PackData, view: View): PackFigure | null {
  const b = d.lsoaBoundaries;
  if (!b || !d.lsoaDeprivation?.some((r) => r.imd_score !== null)) return null;
  const members = new Set(view.members);
  return {
    chart: choroplethMap(b.geojson, Object.fromEntries(d.lsoaDeprivation.map((r) => [r.lsoa_code, r.imd_score])), {
      id: "deprivation-lsoa-map",
      title: `Index of Multiple Deprivation score by neighbourhood (LSOA)`,
      subtitle: view.kind === "focus" ? `The neighbourhoods of ${view.name} are outlined.` : undefined,
      codeProperty: b.codeProperty,
      nameProperty: b.nameProperty,
      focusCodes: view.kind === "focus" ? d.lsoaDeprivation.filter((r) => members.has(r.ward_code)).map((r) => r.lsoa_code) : [],
      legendTitle: "IMD score",
    }),
    source: `English Indices of Deprivation (higher score: more deprived). Boundaries: ${boundaryLine(b)}.`,
    sheet: "deprivation",
  };
}

/** Crime rates by type: the area against the borough (or the borough against England). */
export function crimeTypeFigure(d: PackData, view: View, indicators: Indicator[]): PackFigure | null {
  const comparator = view.kind === "focus" ? d.parent.code : d.country;
  if (!comparator) return null;
  let period = "";
  const rows: CrimeTypeRow[] = [];
  for (const ind of indicators.filter((i) => i.domain === "crime" && i.id !== "crime.all_crime_rate" && i.method === "rate")) {
    const pt = headlinePeriodType(d, ind, view.code);
    if (!pt) continue;
    const own = rowsOf(d, ind, pt).filter((r) => r.area_code === view.code).at(-1);
    const comp = own && comparator ? valueAt(d, ind.id, pt, comparator, own.period_label) : undefined;
    if (!shown(own) || !shown(comp)) continue;
    period = own.period_label;
    rows.push({ crime_type: ind.short, focus_rate: own.value, comparator_rate: comp.value });
  }
  if (rows.length < 2) return null;
  return {
    chart: crimeByTypeChart(rows, {
      id: "crime-by-type",
      title: `Crime rates by type, ${period}`,
      focusName: view.name,
      comparatorName: d.names[comparator] ?? comparator,
    }),
    source: "police.uk street-level crime; ONS population estimates. Rates per 1,000 residents.",
    sheet: "crime",
  };
}

/** Recorded crime by month and type in the area, with the loader's anomalous months flagged. */
export function crimeMonthFigure(d: PackData, view: View): PackFigure | null {
  if (!d.crimeByMonth) return null;
  const members = new Set(view.members);
  const byKey = new Map<string, { month: string; crime_type: string; count: number }>();
  for (const r of d.crimeByMonth) {
    if (!members.has(r.ward_code)) continue;
    const k = `${r.month}\u0000${r.crime_type}`;
    const x = byKey.get(k);
    if (x) x.count += r.count;
    else byKey.set(k, { month: r.month, crime_type: r.crime_type, count: r.count });
  }
  const rows = [...byKey.values()];
  if (!rows.length) return null;
  return {
    chart: crimeByMonthChart(rows, {
      id: "crime-by-month",
      title: "Recorded crime by month",
      subtitle: `In ${view.name}.`,
      anomalousMonths: d.anomalousMonths,
      areaName: view.name,
    }),
    source: "police.uk street-level crime (crimes placed by police.uk's LSOA). Counts of recorded crimes and ASB incidents.",
    sheet: "crime",
  };
}

/** Median of sorted numbers. */
function median(sorted: number[]): number | null {
  return quantile(sorted, 0.5);
}

/**
 * Council cases by category (share of the area's cases) and median days to resolve, area
 * against the borough. Counts of 1 to 4 are withheld; when exactly one category is withheld the
 * next smallest is withheld too, so it cannot be recovered from the total.
 */
export function complaintsFigures(d: PackData, view: View): PackFigure[] {
  const c = d.complaints;
  if (!c || !c.rows.length) return [];
  const members = new Set(view.members);
  const agg = (pick: (ward: string) => boolean) => {
    const m = new Map<string, { cases: number; days: number[] }>();
    for (const r of c.rows) {
      if (!pick(r.ward_code)) continue;
      const x = m.get(r.category) ?? { cases: 0, days: [] };
      x.cases += r.cases;
      x.days.push(...r.days);
      m.set(r.category, x);
    }
    for (const x of m.values()) x.days.sort((a, b) => a - b);
    return m;
  };
  const borough = agg(() => true);
  const area = view.kind === "focus" ? agg((w) => members.has(w)) : borough;
  const categories = [...borough.keys()].sort();
  const total = (m: typeof borough) => [...m.values()].reduce((s, x) => s + x.cases, 0);
  const areaTotal = total(area);
  const boroughTotal = total(borough);
  if (!areaTotal) return [];
  const focus = view.kind === "focus";
  // Disclosure control sees the comparator's shares too: each share times its published total
  // is a count, so the borough's small categories are withheld as well as the area's.
  const counts = (m: typeof borough) => new Map([...m].map(([k, x]) => [k, x.cases]));
  const [withheld, boroughWithheld] = focus
    ? withheldParts([counts(area), counts(borough)], [{ inner: 0, outer: 1 }])
    : withheldParts([counts(area)]).concat([new Set<string>()]);
  const shareRows: CategoryBarRow[] = categories.map((k) => ({
    category: k,
    focus: withheld!.has(k) ? null : (100 * (area.get(k)?.cases ?? 0)) / areaTotal,
    comparator: focus ? (boroughWithheld!.has(k) ? null : (100 * (borough.get(k)?.cases ?? 0)) / boroughTotal) : undefined,
    focus_note: !withheld!.has(k) ? undefined : (area.get(k)?.cases ?? 0) < MIN_COUNT ? `fewer than ${MIN_COUNT} cases` : "withheld so that a small count cannot be worked out",
  }));
  const dayRows: CategoryBarRow[] = categories.map((k) => {
    const a = area.get(k)?.days ?? [];
    const b = borough.get(k)?.days ?? [];
    return {
      category: k,
      focus: a.length >= MIN_COUNT ? median(a) : null,
      comparator: focus ? (b.length >= MIN_COUNT ? median(b) : null) : undefined,
      focus_note: a.length >= MIN_COUNT ? undefined : `fewer than ${MIN_COUNT} resolved cases`,
    };
  });
  const src = `Council CRM export (withdrawn cases left out), ${c.period}; cases placed by ward. Counts of 1 to 4 are not shown.`;
  return [
    {
      chart: categoryBarsChart(shareRows, {
        id: "complaints-by-category",
        title: `Council cases by category, ${c.period}: share of all cases`,
        subtitle: `${areaTotal.toLocaleString("en-GB")} cases in ${view.name}${focus ? `; ${boroughTotal.toLocaleString("en-GB")} in ${d.parent.name}` : ""}.`,
        focusName: view.name,
        comparatorName: focus ? d.parent.name : undefined,
        unit: "%",
      }),
      source: src,
      sheet: "complaints",
    },
    {
      chart: categoryBarsChart(dayRows, {
        id: "complaints-days-to-resolve",
        title: `Median days to resolve a case, by category, ${c.period}`,
        focusName: view.name,
        comparatorName: focus ? d.parent.name : undefined,
        unit: "days",
        valueTitle: "Median days from received to closed",
        decimals: 1,
      }),
      source: src,
      sheet: "complaints",
    },
  ];
}

const BAND_LABEL = (b: number) => (b >= 90 ? "90+" : `${b}\u2013${b + 4}`);

/** Population pyramid of the area against the borough (the borough alone in the overview). */
export function pyramidFigure(d: PackData, view: View): PackFigure | null {
  const p = d.population;
  if (!p?.bySex) return null;
  const members = new Set(view.members);
  const sum = (pick: (w: string) => boolean) => {
    const m = new Map<string, number>();
    let total = 0;
    for (const r of p.rows) {
      if (!pick(r.ward_code)) continue;
      const k = `${r.band}|${r.sex}`;
      m.set(k, (m.get(k) ?? 0) + r.population);
      total += r.population;
    }
    return { m, total };
  };
  const all = sum(() => true);
  const area = view.kind === "focus" ? sum((w) => members.has(w)) : all;
  if (!area.total) return null;
  const bands = [...new Set(p.rows.map((r) => r.band))].sort((a, b) => a - b);
  const rows: PyramidRow[] = bands.flatMap((b) =>
    (["M", "F"] as const).map((sex) => ({
      age_band: BAND_LABEL(b),
      sex,
      focus_pct: (100 * (area.m.get(`${b}|${sex}`) ?? 0)) / area.total,
      comparator_pct: view.kind === "focus" ? (100 * (all.m.get(`${b}|${sex}`) ?? 0)) / all.total : null,
    })),
  );
  return {
    chart: populationPyramidChart(rows, {
      id: "population-pyramid",
      title: `Residents by age and sex, mid-${p.year}`,
      subtitle: `${Math.round(area.total).toLocaleString("en-GB")} residents in ${view.name}.`,
      focusName: view.name,
      comparatorName: view.kind === "focus" ? d.parent.name : undefined,
    }),
    source: `ONS small area population estimates, mid-${p.year}, summed over the area's LSOAs.`,
    sheet: "area",
  };
}

/**
 * The outcomes framework as a chart: each tracked outcome's values for the area from the
 * baseline period to the latest (its own period type and breakdown), and its target path.
 */
export function trajectoryFigure(d: PackData, name: string, lines: readonly { short: string; unit: string; row: OutcomeRow }[]): PackFigure | null {
  const panels = lines
    .map(({ short, unit, row }) => ({
      title: short, unit, direction: row.direction,
      rows: d.values.filter((v) => v.indicator_id === row.indicator_id && v.area_code === row.area_code && v.breakdown === row.breakdown && v.period_type === row.period_type),
      baseline: { period: row.baseline_period, value: row.baseline_value },
      target: row.target_value !== null && row.target_period ? { period: row.target_period, value: row.target_value } : null,
    }))
    .filter((p) => p.rows.some((r) => r.value !== null && !r.is_suppressed));
  if (!panels.length) return null;
  return {
    chart: trajectoryChart(panels, { id: "outcome-trajectories", title: `Outcomes for ${name}: from the baseline toward the targets`, areaName: name }),
    source: "Outcomes framework (marts.outcomes) and each indicator's values; targets as configured. 95% intervals as in Methods.",
    sheet: "outcomes",
  };
}

/** The need index ranking of wards, tiers by colour and in words. */
export function needIndexFigure(d: PackData, view: View): PackFigure | null {
  if (!d.needIndex.length) return null;
  const tiers = [...new Map([...d.needIndex].sort((a, b) => a.rank - b.rank).map((r) => [r.tier, r.rank])).keys()];
  return {
    chart: needIndexChart(
      d.needIndex.map((r) => ({ area_code: r.area_code, name: d.names[r.area_code] ?? r.area_name, score: r.score, rank: r.rank, tier: r.tier })),
      { id: "need-index", title: `Need index: wards of ${d.parent.name} ranked`, focusCodes: view.highlight, tiers },
    ),
    source: "Need index: the weighted mean of domain scores, each the mean of its indicators' signed z-scores across the wards (see Methods).",
    sheet: "need",
  };
}

/** Need index score on the ward map. */
export function needMapFigure(d: PackData, view: View): PackFigure | null {
  const b = d.wardBoundaries;
  if (!b || !d.needIndex.length) return null;
  return {
    chart: choroplethMap(b.geojson, Object.fromEntries(d.needIndex.map((r) => [r.area_code, r.score])), {
      id: "need-index-map",
      title: "Need index score: map of wards",
      codeProperty: b.codeProperty,
      nameProperty: b.nameProperty,
      focusCodes: view.members.length === 1 ? view.highlight : view.kind === "focus" ? view.members : [],
      legendTitle: "Need score",
    }),
    source: `Need index (see Methods). Boundaries: ${boundaryLine(b)}.`,
    sheet: "need",
  };
}

/** The most indicators one part of the spine chart shows: a part fits a printed page, and a slide. */
export const SPINE_ROWS = 14;

/**
 * Spine charts of every summary indicator against the borough and the range of wards, in parts of
 * whole domains of at most {@link SPINE_ROWS} rows (a longer domain is cut into even parts), so
 * every part prints on one page at full size. One part keeps the id `spine`.
 */
export function spineFigures(view: View, parentName: string, rows: readonly { domain: string; domainTitle: string; row: SpineRow }[]): PackFigure[] {
  if (!rows.length) return [];
  const domains: { titles: string[]; rows: SpineRow[] }[] = [];
  for (const r of rows) {
    const last = domains.at(-1);
    if (last && last.titles.at(-1) === r.domainTitle) last.rows.push(r.row);
    else domains.push({ titles: [r.domainTitle], rows: [r.row] });
  }
  const parts: { titles: string[]; rows: SpineRow[] }[] = [];
  for (const d of domains) {
    const cuts = Math.ceil(d.rows.length / SPINE_ROWS);
    const size = Math.ceil(d.rows.length / cuts);
    for (let i = 0; i < d.rows.length; i += size) {
      const piece = { titles: d.titles, rows: d.rows.slice(i, i + size) };
      const last = parts.at(-1);
      if (last && cuts === 1 && last.rows.length + piece.rows.length <= SPINE_ROWS) {
        last.titles.push(...piece.titles);
        last.rows.push(...piece.rows);
      } else parts.push({ titles: [...piece.titles], rows: [...piece.rows] });
    }
  }
  return parts.map((part, i) => ({
    chart: spineChart(part.rows, {
      id: parts.length === 1 ? "spine" : `spine-${i + 1}`,
      title: `${view.name} at a glance${parts.length > 1 ? ` (${i + 1} of ${parts.length}: ${lowerList(part.titles)})` : ""}: every indicator against ${parentName} and the range of wards`,
      focusName: view.name,
      comparatorName: parentName,
    }),
    source: "Every indicator's latest value; outcomes at the 95% level (see Methods).",
    sheet: "summary",
  }));
}

function lowerList(titles: string[]): string {
  // Domain titles carry "and" themselves ("Crime and community safety"): a list of them reads with semicolons.
  return [...new Set(titles)].join("; ");
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

function boundaryLine(b: { file: string; vintage: string | null }): string {
  return `${b.file.split(/[\\/]/).pop()}${b.vintage ? ` (${b.vintage})` : ""}`;
}
