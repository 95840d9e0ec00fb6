/**
 * Stage 5, chart: read the marts once (`readPackData`) and assemble one `PackModel` per focus
 * area plus the borough overview: the executive summary and headlines written from the
 * comparisons, the Fingertips-style summary and spine chart, the domain sections with their
 * Vega-Lite charts, the outcomes framework, the need index and the data-quality notes. A
 * `PackModel` (its types in `pack-types.ts`) is plain data; `render-html.ts`, `render-pdf.ts`,
 * `write-xlsx.ts` and `write-pptx.ts` only render it, importing the types, never this assembly.
 */
import type { Context } from "../core/context.ts";
import { focusCodes } from "../core/config.ts";
import { LocalneedsError, messages } from "../core/messages.ts";
import type { FileLoad } from "../../sources/load-csv.ts";
import { isContextMeasure, type Indicator, type Domain } from "../../transforms/indicators/define.ts";
import type { IndicatorTrendRow, Outcome, Polarity } from "../../transforms/marts.ts";
import { formatNumber, listEnglish, namesUnit } from "../../notebooks/charts/bundle.ts";
import { missingLabel } from "../../notebooks/charts/labels.ts";
import type { SpineRow } from "../../notebooks/charts/builders.ts";
import { formatValue, headlineFor, wardHeadline, type Headline } from "./headlines.ts";
import { rankPriorities, type Priority } from "./priorities.ts";
import { comparisonsAt, readPackData, valueAt, wardComparisons, type PackData } from "./pack-data.ts";
import {
  DOMAIN_FIGURES,
  INDICATOR_FIGURES,
  funnelFigure,
  headlinePeriod,
  needIndexFigure,
  trajectoryFigure,
  needMapFigure,
  populationMapFigure,
  publishedAreasFigure,
  pyramidFigure,
  quantile,
  rowsOf,
  spineFigures,
  SLIDE_SPINE_ROWS,
  type PackFigure,
  type View,
} from "./figures/index.ts";

import {
  SECTIONS, comparatorLabel, packFigures, parentNoun,
  type PackBlock, type PackModel, type PackSection, type SummaryRow, type WardMatrix,
} from "./pack-types.ts";
import { capital, lowerFirst, plural } from "./narrative.ts";

/** Build the pack models of a build: every focus area and the borough overview, or just `area`. */
export async function buildPackModels(ctx: Context, indicators: readonly Indicator[], opts: { area?: string; loads: FileLoad[] }): Promise<PackModel[]> {
  const all = focusCodes(ctx.config);
  const parent = ctx.config.parent;
  const codes = all.filter((c) => !opts.area || c === opts.area);
  const overview = !opts.area || opts.area === parent;
  if (opts.area && codes.length === 0 && !overview) throw new LocalneedsError(messages.areaNotInBuild(opts.area, all, parent));
  const data = await readPackData(ctx, opts.loads);
  const out: PackModel[] = [];
  for (const code of codes) out.push(focusPack(ctx, data, indicators, code));
  if (overview) out.push(overviewPack(ctx, data, indicators));
  return out;
}

/** Members of a focus area: the ward itself, or a locality's wards. */
function membersOf(ctx: Context, code: string): string[] {
  return ctx.config.focusAreas.find((f) => f.code === code)?.wards ?? [code];
}

function summaryRows(d: PackData, indicators: readonly Indicator[], code: string): SummaryRow[] {
  const wards = new Set(d.wards);
  const out: SummaryRow[] = [];
  for (const ind of indicators) {
    // The one rule for the headline period (`headlinePeriod`): every part of the pack reads it from here.
    const at = headlinePeriod(d, ind, code, d.parent.code);
    if (!at) continue;
    const { periodType: pt, period, row: latest } = at;
    const rows = rowsOf(d, ind, pt);
    const wardValues = rows
      .filter((r) => r.period_label === period && wards.has(r.area_code) && !r.is_suppressed && r.value !== null)
      .map((r) => r.value as number)
      .sort((a, b) => a - b);
    out.push({
      indicator: ind,
      periodType: pt,
      period,
      focus: latest,
      comparators: comparisonsAt(d, ind.id, code, period).map((c) => ({ kind: c.comparator_kind, code: c.comparator_code, name: d.names[c.comparator_code] ?? c.comparator_code, value: c.comparator_value, outcome: c.outcome, outcome998: c.outcome998 })),
      wardRange: wardValues.length
        ? { min: wardValues[0], q25: quantile(wardValues, 0.25)!, q75: quantile(wardValues, 0.75)!, max: wardValues[wardValues.length - 1], wards: wardValues.length }
        : null,
      trend: trendFor(d, ind.id, code, pt),
    });
  }
  // In the sections' order, each domain's indicators together (a published indicator, listed
  // after the catalogue's, joins its own domain), in their own order within it.
  const at = (r: SummaryRow) => {
    const i = SECTIONS.findIndex((x) => x.domain === r.indicator.domain);
    return i < 0 ? SECTIONS.length : i;
  };
  return out.map((r, i) => ({ r, i })).sort((a, b) => at(a.r) - at(b.r) || a.i - b.i).map(({ r }) => r);
}

/**
 * The recent trend shown for an indicator: on its headline period type when that can be
 * calculated, else on quarters (series of months too short for five years), else whatever was tried.
 */
export function trendFor(d: PackData, id: string, code: string, periodType: string): IndicatorTrendRow | null {
  const of = (t: string) => d.trends.find((x) => x.indicator_id === id && x.area_code === code && x.period_type === t);
  const [own, quarters] = [of(periodType), of("quarter")];
  const ok = (t: IndicatorTrendRow | undefined) => t && t.direction !== "cannot be calculated";
  return (ok(own) ? own : ok(quarters) ? quarters : own ?? quarters) ?? null;
}

const OUTCOME_ORDER: Outcome[] = ["worse", "higher", "better", "lower", "similar", "not_compared"];

/** Headlines in reading order: worse first, biggest differences first within each outcome. */
/**
 * Headlines strongest first; one that repeats another indicator's counts (`Indicator.repeats`) is
 * left out when that indicator has a headline of its own: one issue, said once.
 */
function orderHeadlines(hs: Headline[], indicators: readonly Indicator[]): Headline[] {
  const said = new Set(hs.map((h) => h.indicatorId));
  const repeats = new Map(indicators.map((i) => [i.id, i.repeats]));
  const kept = hs.filter((h) => !said.has(repeats.get(h.indicatorId) ?? ""));
  return kept.sort((a, b) => OUTCOME_ORDER.indexOf(a.outcome) - OUTCOME_ORDER.indexOf(b.outcome) || b.size - a.size);
}


/** The similar-wards variables in words (the config's names). */
const SIMILAR_VARIABLE_WORDS: Record<string, string> = {
  imd_score: "IMD score", most_deprived_decile_share: "share in the most deprived 10%", population: "population",
  share_aged_0_15: "share aged 0-15", share_aged_65_plus: "share aged 65 and over",
};

function ordinal(n: number): string {
  const t = n % 100;
  if (t >= 11 && t <= 13) return `${n}th`;
  return `${n}${({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th"}`;
}

/** The spine rows of the summary, with their domain: focus against the borough and the range of wards. */
function spineRows(summary: SummaryRow[]): { domain: string; domainTitle: string; row: SpineRow }[] {
  return summary.map((r) => {
    const p = r.comparators.find((c) => c.kind === "parent");
    const unit = r.indicator.unit;
    const domain = r.indicator.domain;
    return { domain, domainTitle: SECTIONS.find((x) => x.domain === domain)?.title ?? domain, row: {
      indicator_id: r.indicator.id,
      title: unit === "%" || unit === "score" || namesUnit(r.indicator.short, unit) ? r.indicator.short : `${r.indicator.short} (${unit})`,
      focus_value: r.focus.is_suppressed ? null : r.focus.value,
      focus_missing: missingLabel(r.focus),
      england_or_parent_value: p?.value ?? null,
      min: r.wardRange?.min ?? null,
      q25: r.wardRange?.q25 ?? null,
      q75: r.wardRange?.q75 ?? null,
      max: r.wardRange?.max ?? null,
      outcome: p?.outcome ?? "not_compared",
      polarity: r.indicator.polarity as Polarity,
      unit,
    } };
  });
}

/**
 * An indicator a pack shows for context: published for the parent authority and not for the focus
 * area, or (a district) published only for the parent's county, the upper tier.
 */
interface ContextRow {
  indicator: Indicator;
  periodType: string;
  period: string;
  /** Where the value is published: the parent, or its county. */
  area: string;
}

/**
 * The domain's indicators with no value for the pack's own area but one for the parent (focus
 * packs) or, failing that, for the parent's county (focus packs and the overview).
 */
function contextRows(d: PackData, view: View, indicators: readonly Indicator[], domain: Domain, summary: SummaryRow[]): ContextRow[] {
  const inSummary = new Set(summary.map((r) => r.indicator.id));
  const places = (view.kind === "focus" ? [d.parent.code, d.county] : [d.county]).filter((c): c is string => !!c);
  return indicators
    .filter((i) => i.domain === domain && !inSummary.has(i.id))
    .flatMap((indicator) => {
      for (const area of places) {
        const at = headlinePeriod(d, indicator, area);
        if (at) return [{ indicator, periodType: at.periodType, period: at.period, area }];
      }
      return [];
    });
}

/** Sections by domain, shared by focus packs and the overview; adds the id of every indicator a section shows to `shown`. */
function domainSections(ctx: Context, d: PackData, view: View, indicators: readonly Indicator[], summary: SummaryRow[], shown: Set<string>): PackSection[] {
  const sections: PackSection[] = [];
  for (const s of SECTIONS) {
    const rows = summary.filter((r) => r.indicator.domain === s.domain);
    const context = contextRows(d, view, indicators, s.domain, summary);
    const blocks: PackBlock[] = [];
    const fig = (f: PackFigure | null) => {
      if (f) blocks.push({ kind: "figure", figure: f });
      for (const id of f?.shows ?? []) shown.add(id);
    };
    const intro = [typeof s.intro === "function" ? s.intro(indicators, new Set([...rows, ...context].map((r) => r.indicator.id))) : s.intro];
    // A domain with no values and nothing published for the borough gets no page: `absentDomains` lists it instead.
    if (!rows.length && !context.length) continue;
    for (const r of [...rows, ...context]) shown.add(r.indicator.id);
    if (rows.length) {
      intro.push(domainSentence(view, rows, d));
      // Domain-wide figures first, as the section declares them (SECTIONS[].figures).
      for (const name of s.figures) for (const f of DOMAIN_FIGURES[name]!.build({ d, view, indicators, domain: s.domain, title: s.title, rows })) fig(f);
    }
    const forParent = context.filter((c) => c.area === d.parent.code).length;
    const forCounty = context.length - forParent;
    const countyName = d.county ? (d.names[d.county] ?? d.county) : "";
    if (forParent) {
      intro.push(
        `${plural(forParent, "indicator")} ${forParent === 1 ? "is" : "are"} published for ${d.parent.name} only, not for ${view.name}: shown for context, beside the region and England, and not compared with ${view.name}.`,
      );
    }
    if (forCounty) {
      intro.push(
        `${plural(forCounty, "indicator")} ${forCounty === 1 ? "is" : "are"} published for ${countyName} only, the county ${d.parent.name} is part of, not for ${d.parent.name}${view.kind === "focus" ? ` or ${view.name}` : " or its wards"}: ${countyName}'s ${forCounty === 1 ? "figure is" : "figures are"} shown for context, beside the region and England, and not compared with ${view.name}.`,
      );
    }
    // Funnels for the indicators where the focus differs from the borough (at most two), or the first.
    const eligible = rows.filter((r) => r.indicator.method === "rate" || r.indicator.method === "proportion");
    const differs = eligible.filter((r) => {
      const o = r.comparators.find((c) => c.kind === "parent")?.outcome;
      return view.kind === "focus" && o !== undefined && o !== "similar" && o !== "not_compared";
    });
    const funnels = new Set((differs.length ? differs.slice(0, 2) : eligible.slice(0, 1)).map((r) => r.indicator.id));
    const notByWard = `Not published by ward: the source gives ${d.parent.name}'s figure (and the region's and England's where it has them)`;
    for (const r of rows) {
      const ind = r.indicator;
      blocks.push({ kind: "subhead", id: `${s.domain}-${ind.id.replace(/[._]/g, "-")}`, text: ind.title });
      const before = blocks.length;
      for (const f of INDICATOR_FIGURES) if (f.appliesTo(ind)) fig(f.build(d, view, ind, r.periodType, r.period));
      if (funnels.has(ind.id)) fig(funnelFigure(d, view, ind, r.periodType, r.period));
      if (blocks.length === before) {
        blocks.push({ kind: "note", text: `${notByWard}, shown below, in the trend chart above where there are two periods or more, and in the data downloads.` });
        fig(publishedAreasFigure(d, ind, r.periodType, r.period));
      }
    }
    for (const c of context) {
      const ind = c.indicator;
      blocks.push({ kind: "subhead", id: `${s.domain}-${ind.id.replace(/[._]/g, "-")}`, text: ind.title });
      const note = c.area === d.parent.code
        ? `${notByWard}, shown below and in the data downloads; ${view.name} has no figure of its own.`
        : `Not published by ward or for ${d.parent.name}: the source gives the figure of ${countyName}, the county ${d.parent.name} is part of (and the region's and England's where it has them), shown below and in the data downloads; ${view.name} has no figure of its own.`;
      blocks.push({ kind: "note", text: note });
      fig(publishedAreasFigure(d, ind, c.periodType, c.period));
    }
    sections.push({ id: s.domain, title: s.title, intro, blocks });
  }
  return sections;
}

/**
 * Indicators with values in the warehouse that no section of this pack shows, with the reason:
 * listed on the data-quality page, never dropped silently.
 */
function unshownIndicators(d: PackData, indicators: readonly Indicator[], shown: Set<string>): PackModel["unshown"] {
  return indicators
    .filter((i) => !shown.has(i.id) && (d.martValues.get(i.id) ?? 0) > 0)
    .map((i) => {
      const here = d.byIndicator.get(i.id) ?? [];
      const why = here.length
        ? `values for ${listEnglish([...new Set(here.map((r) => d.names[r.area_code] ?? r.area_code))].slice(0, 3))} only in this pack's areas, none for ${d.parent.name} or its wards`
        : `${(d.martValues.get(i.id) ?? 0).toLocaleString("en-GB")} values in marts.indicator_values, none for ${d.parent.name}, its wards, region or England as a whole (other areas or breakdowns only)`;
      return { id: i.id, title: i.title, reason: why };
    });
}

/**
 * One short paragraph naming the domains with no page in this pack: not configured (the config
 * slot to add), or configured but without values for the area. Null when every domain has a page.
 */
export function absentDomains(ctx: Context, view: View, sections: readonly PackSection[], warnings: PackData["quality"]["warnings"]): string | null {
  const sources = ctx.config.sources as Record<string, unknown>;
  const absent = SECTIONS.filter((s) => !sections.some((x) => x.id === s.domain));
  if (!absent.length) return null;
  const notConfigured = absent.filter((s) => sources[s.slot.split(".")[1]!] === undefined);
  // Staged, but its indicators need residents and the build has none (the measure stage's `no_population` warning).
  const needPopulation = absent.filter((s) => !notConfigured.includes(s) && warnings.some((w) => w.code === "no_population" && w.subject === s.domain));
  const empty = absent.filter((s) => !notConfigured.includes(s) && !needPopulation.includes(s));
  const parts: string[] = [];
  if (notConfigured.length) {
    parts.push(`Not in this build (no input in the config): ${listEnglish(notConfigured.map((s) => `${lowerFirst(s.title)} (${s.slot})`))}.`);
  }
  if (needPopulation.length) {
    parts.push(`Configured, but not measured: ${listEnglish(needPopulation.map((s) => lowerFirst(s.title)))} (${needPopulation.length === 1 ? "its indicators need" : "their indicators need"} the residents of each neighbourhood, which the population sources of this build do not give: see data quality for what to add to sources.population).`);
  }
  if (empty.length) {
    parts.push(`Configured, but with no values for ${view.name}: ${listEnglish(empty.map((s) => lowerFirst(s.title)))} (the data did not cover the area, or every value was suppressed; see data quality).`);
  }
  return parts.join(" ");
}

/** One data-driven sentence for a domain section. */
function domainSentence(view: View, rows: SummaryRow[], d: PackData): string {
  if (view.kind === "focus") {
    const by = (o: Outcome[]) => rows.filter((r) => o.includes(r.comparators.find((c) => c.kind === "parent")?.outcome ?? "not_compared"));
    const worse = by(["worse"]);
    const better = by(["better"]);
    const similar = by(["similar"]);
    const hl = by(["higher", "lower"]);
    const parts: string[] = [];
    if (worse.length) parts.push(`significantly worse on ${listEnglish(worse.map((r) => lowerFirst(r.indicator.short)))}`);
    if (better.length) parts.push(`significantly better on ${listEnglish(better.map((r) => lowerFirst(r.indicator.short)))}`);
    if (hl.length) parts.push(`significantly different (no better or worse) on ${listEnglish(hl.map((r) => lowerFirst(r.indicator.short)))}`);
    if (similar.length) parts.push(`similar on ${plural(similar.length, "other indicator")}`);
    const tested = worse.length + better.length + similar.length + hl.length;
    return tested
      ? `Compared with ${d.parent.name}, ${view.name} is ${listEnglish(parts)} (${plural(rows.length, "indicator")} in this section; 95% level).`
      : `${plural(rows.length, "indicator")} in this section; none can be tested for a significant difference from ${d.parent.name}.`;
  }
  const flagged = rows.map((r) => {
    const cmp = wardComparisons(d, r.indicator.id, r.period);
    const flag = isContextMeasure(r.indicator) ? "higher" : "worse";
    return { r, n: cmp.filter((c) => c.outcome === flag).length, compared: cmp.length };
  });
  if (!flagged.some((f) => f.compared)) return `${plural(rows.length, "indicator")}; none is published by ward, so wards are not compared with ${d.parent.name}.`;
  const most = [...flagged].sort((a, b) => b.n - a.n)[0];
  return most && most.n
    ? `${plural(rows.length, "indicator")} across ${plural(d.wards.length, "ward")}. The most wards stand out on ${lowerFirst(most.r.indicator.short)}: ${most.n} significantly ${isContextMeasure(most.r.indicator) ? "higher" : "worse"} than ${d.parent.name}.`
    : `${plural(rows.length, "indicator")} across ${plural(d.wards.length, "ward")}; no ward is significantly worse than ${d.parent.name} on any of them.`;
}

function aboutSection(d: PackData, view: View, summary: SummaryRow[]): PackSection {
  const blocks: PackBlock[] = [];
  const intro: string[] = [];
  const pop = d.population ? d.population.rows.filter((r) => view.members.includes(r.ward_code)).reduce((s, r) => s + r.population, 0) : 0;
  const lsoas = d.lsoaDeprivation?.filter((r) => view.members.includes(r.ward_code)).length ?? 0;
  if (view.kind === "focus") {
    const what = view.members.length > 1 ? `a locality of ${plural(view.members.length, "ward")}` : "a ward";
    intro.push(
      `${view.name} is ${what} of ${d.parent.name}${pop ? `, home to about ${Math.round(pop / 10) * 10 > 0 ? (Math.round(pop / 10) * 10).toLocaleString("en-GB") : pop} residents (mid-${d.population!.year})` : ""}${lsoas ? ` in ${plural(lsoas, "neighbourhood")} (LSOAs)` : ""}.`,
    );
    const sim = d.similarWards.filter((s) => s.focus_code === view.code).map((s) => d.names[s.ward_code] ?? s.ward_code);
    if (sim.length) intro.push(`The wards most like it on deprivation and age profile (its "similar wards" comparator) are ${listEnglish(sim)}.`);
  } else {
    intro.push(`${d.parent.name} has ${plural(d.wards.length, "ward")}${pop ? ` and about ${(Math.round(pop / 100) * 100).toLocaleString("en-GB")} residents (mid-${d.population!.year})` : ""}.`);
  }
  const dep = summary.find((r) => r.indicator.id === "deprivation.most_deprived_decile");
  if (dep && dep.focus.value !== null && !dep.focus.is_suppressed) {
    // The nation as the indicator's title gives it (England; Wales with the WIMD; "of their nation" with both).
    const nation = /most deprived neighbourhoods (.+)$/.exec(dep.indicator.title)?.[1] ?? "in England";
    intro.push(`${formatNumber(dep.focus.value, 0)}% of its residents live in neighbourhoods among the 10% most deprived ${nation}.`);
  }
  const map = populationMapFigure(d, view);
  if (map) blocks.push({ kind: "figure", figure: map });
  const pyr = pyramidFigure(d, view);
  if (pyr) blocks.push({ kind: "figure", figure: pyr });
  const missing = [
    !map ? (!d.population ? "No population estimates in this build, so no map of residents." : !d.wardBoundaries ? "No ward boundaries in this build (geography.wardBoundaries), so no map of residents." : null) : null,
    !pyr && d.population && !d.population.bySex ? `No age profile: the ${d.population.source} in this build have broad age bands and no split by sex; ONS small area population estimates would give one.` : null,
    !pyr && !d.population && map ? "No population estimates in this build, so no age profile." : null,
  ].filter((x): x is string => !!x);
  if (!map && !pyr && !d.population) missing.splice(0, missing.length, "No population estimates in this build: the map of residents and the age profile are not available.");
  for (const text of missing) blocks.push({ kind: "note", text });
  return { id: "area", title: view.kind === "focus" ? "The area and its people" : `The ${parentNoun(d.parent.code)} and its people`, intro, blocks };
}

/** Why each configured outcome has no row for an area: tracked for other areas only, or for none. */
function untracked(ctx: Context, d: PackData, byId: Map<string, Indicator>, code: string): string[] {
  return ctx.config.outcomes
    .filter((o) => !d.outcomes.some((r) => r.indicator_id === o.indicator && r.area_code === code))
    .map((o) => {
      const name = byId.get(o.indicator)?.short ?? o.indicator;
      const elsewhere = [...new Set(d.outcomes.filter((r) => r.indicator_id === o.indicator).map((r) => d.areas.get(r.area_code)?.area_name ?? r.area_code))];
      return elsewhere.length
        ? `${lowerFirst(name)} is tracked for ${elsewhere.length > 3 ? `${elsewhere.length} other areas` : elsewhere.join(", ")} only`
        : `${lowerFirst(name)} has no value in the baseline period for any area (see the data-quality warnings)`;
    });
}

function outcomesOf(ctx: Context, d: PackData, indicators: readonly Indicator[], code: string): PackModel["outcomes"] {
  const rows = d.outcomes.filter((o) => o.area_code === code);
  const order = ctx.config.outcomes.map((o) => o.indicator);
  const byId = new Map(indicators.map((i) => [i.id, i]));
  const lines = rows
    .map((row) => {
      const ind = byId.get(row.indicator_id);
      return { title: ind?.title ?? row.indicator_id, short: ind?.short ?? row.indicator_id, unit: ind?.unit ?? "", polarity: (ind?.polarity as Polarity | undefined) ?? null, row };
    })
    .sort((a, b) => {
      const ia = order.indexOf(a.row.indicator_id);
      const ib = order.indexOf(b.row.indicator_id);
      return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib) || a.row.indicator_id.localeCompare(b.row.indicator_id);
    });
  const note = lines.length
    ? null
    : ctx.config.outcomes.length
      ? `The outcomes framework is configured, but no tracked indicator has a value for ${d.areas.get(code)?.area_name ?? code} in the baseline period ${ctx.config.baseline.period}: ` +
        untracked(ctx, d, byId, code).join("; ") + "."
      : "No outcomes framework in the config: add `outcomes` (indicators and optional targets) to track change from the baseline.";
  return { lines, baseline: ctx.config.baseline.period, note, figure: lines.length ? trajectoryFigure(d, d.areas.get(code)?.area_name ?? code, lines) : null };
}

function needOf(d: PackData, view: View, indicators: readonly Indicator[]): PackModel["need"] {
  if (!d.needIndex.length) {
    return {
      rows: [], focusRow: null, localities: [], focusLocality: null, drivers: [], figures: [], note: "The need index is not available in this build (marts.need_index is empty).", domains: [], schemes: [],
    };
  }
  const focusRow = view.kind === "focus" ? (d.needIndex.find((r) => r.area_code === view.code) ?? null) : null;
  const titles = new Map(indicators.map((i) => [i.id, i.short]));
  const drivers = focusRow
    ? d.needComponents
        .filter((c) => c.area_code === view.code && c.z_signed !== null && c.z_signed > 0)
        .sort((a, b) => (b.z_signed as number) * b.weight - (a.z_signed as number) * a.weight)
        .slice(0, 5)
        .map((c) => ({ title: titles.get(c.indicator_id) ?? c.indicator_id, z: c.z_signed as number }))
    : [];
  const figures = [needIndexFigure(d, view), needMapFigure(d, view)].filter((f): f is PackFigure => f !== null);
  const domains = new Map<string, Set<string>>();
  for (const c of d.needComponents) domains.set(c.domain, (domains.get(c.domain) ?? new Set()).add(titles.get(c.indicator_id) ?? c.indicator_id));
  return {
    rows: d.needIndex,
    focusRow,
    localities: d.needLocalities,
    focusLocality: view.kind === "focus" ? (d.needLocalities.find((r) => r.area_code === view.code) ?? null) : null,
    drivers,
    figures,
    note: null,
    domains: [...domains].map(([domain, inds]) => ({ domain, indicators: [...inds] })),
    schemes: d.needSchemes,
  };
}

function comparatorNotes(ctx: Context, d: PackData, view: View): string[] {
  const out: string[] = [];
  const has = (k: string) => ctx.config.comparators.includes(k as never);
  if (has("parent")) out.push(`Borough: ${d.parent.name} as a whole (its published or summed values).`);
  if (has("rest_of_parent")) out.push(`${capital(comparatorLabel("rest_of_parent", d.parent.code))}: ${d.parent.name} without the focus area, so the area is not compared with itself.`);
  if (has("similar_wards")) {
    out.push(
      `Similar wards: the ${ctx.config.similarWards.k} wards of ${d.parent.name} nearest to the focus ward on ${listEnglish(ctx.config.similarWards.variables.map((v) => SIMILAR_VARIABLE_WORDS[v] ?? v.replaceAll("_", " ")))} (standardised), pooled.`,
    );
  }
  if (has("deprivation_decile")) out.push("Same deprivation decile: other wards whose population-weighted IMD score falls in the same national decile, pooled.");
  if (has("county") && d.county) {
    out.push(`County: ${d.names[d.county] ?? d.county}, the county ${d.parent.name} is part of (the upper tier): its published values where the source has them (OHID and DfE publish for counties, not districts).`);
  }
  if (has("region")) out.push("Region and England: published values where the source has them.");
  else if (has("country")) out.push("England: published values where the source has them.");
  if (view.kind === "overview") out.push(`In the overview every ward is compared with ${d.parent.name}.`);
  return out;
}

function base(ctx: Context, d: PackData, indicators: readonly Indicator[], loads: FileLoad[]) {
  return {
    title: ctx.config.name,
    synthetic: ctx.config.synthetic,
    builtAt: ctx.clock.now(),
    parent: d.parent,
    dataQuality: d.quality,
    surveyWeightings: d.surveyWeightings,
    warehouse: d.warehouse,
    // Defined here (Methods, sources, workbook, manifest): the indicators this build has values
    // of, not the whole catalogue (a build without a survey does not define or cite the survey's),
    // and so a fallback (e.g. a domain's average rank) only where it stood in for its indicator.
    indicators: indicators.filter((i) => (d.martValues.get(i.id) ?? 0) > 0),
    inputs: loads.map((l) => ({ path: l.path, sha256: l.sha256, rowsRead: l.rowsRead, rowsLoaded: l.rowsLoaded, rowsRejected: l.rowsRejected })),
    configBaseDir: ctx.config.baseDir,
  };
}

function focusPack(ctx: Context, d: PackData, indicators: readonly Indicator[], code: string): PackModel {
  const area = d.areas.get(code);
  if (!area) throw new LocalneedsError(messages.unknownArea(code));
  const view: View = { kind: "focus", code, name: area.area_name, highlight: [code], members: membersOf(ctx, code) };
  const summary = summaryRows(d, indicators, code);
  const headlines = orderHeadlines(summary.map((r) => headlineFor(r, view.name)).filter((h): h is Headline => h !== null), indicators);
  const outcomes = outcomesOf(ctx, d, indicators, code);
  const need = needOf(d, view, indicators);
  const keyFacts = focusKeyFacts(d, view, summary, outcomes, need);
  const about = aboutSection(d, view, summary);
  const shown = new Set<string>();
  const sections = domainSections(ctx, d, view, indicators, summary, shown);
  const absent = absentDomains(ctx, view, sections, d.quality.warnings);
  if (absent) about.intro.push(absent);
  const m: PackModel = {
    ...base(ctx, d, indicators, d.quality.loads),
    kind: "focus",
    slug: `${code}-${slugify(area.area_name)}`,
    focus: { code, name: area.area_name, type: area.area_type },
    highlight: view.highlight,
    priorities: prioritiesOf(ctx, d, view, summary, headlines),
    keyFacts,
    headlines,
    summary,
    spines: spineFigures(view, d.parent.name, spineRows(summary)),
    slideSpines: spineFigures(view, d.parent.name, spineRows(summary), { maxRows: SLIDE_SPINE_ROWS, idPrefix: "spine-slide" }),
    wardMatrices: [],
    about,
    sections,
    unshown: unshownIndicators(d, indicators, shown),
    outcomes,
    need,
    comparatorNotes: comparatorNotes(ctx, d, view),
    chartCount: 0,
  };
  m.chartCount = packFigures(m).length;
  return m;
}


/** The candidates of `rankPriorities` from the summary: the focus against the borough (the overview: the borough against England). */
function prioritiesOf(ctx: Context, d: PackData, view: View, summary: SummaryRow[], headlines: Headline[]): Priority[] {
  const kind = view.kind === "focus" ? "parent" : "country";
  const tracked = new Set((ctx.config.outcomes ?? []).map((o) => o.indicator));
  const need = new Map<string, number>();
  for (const c of d.needComponents) if (c.area_code === view.code && c.z_signed !== null) need.set(c.domain, (need.get(c.domain) ?? 0) + c.z_signed * c.weight);
  return rankPriorities(
    summary.flatMap((r) => {
      const c = r.comparators.find((x) => x.kind === kind);
      // The overview's own headlines speak of wards; its priorities compare the borough with England.
      const headline = view.kind === "focus" ? headlines.find((h) => h.indicatorId === r.indicator.id) : c && headlineFor({ ...r, comparators: [{ ...c, kind: "parent" }] }, view.name);
      if (!c || !headline || r.focus.is_suppressed) return [];
      const england = r.comparators.find((x) => x.kind === "country");
      return [{
        indicator: r.indicator,
        headline,
        value: r.focus.value,
        period: r.period,
        comparator: { name: c.name, value: c.value, outcome: c.outcome, level: c.outcome998 === c.outcome ? 99.8 : 95 },
        worseThanEngland: england && kind !== "country" ? england.outcome === "worse" : null,
        tracked: tracked.has(r.indicator.id),
        domainNeed: need.get(r.indicator.domain) ?? 0,
      }];
    }),
  );
}

function focusKeyFacts(d: PackData, view: View, summary: SummaryRow[], outcomes: PackModel["outcomes"], need: PackModel["need"]): string[] {
  const facts: string[] = [];
  const count = (o: Outcome[]) => summary.filter((r) => o.includes(r.comparators.find((c) => c.kind === "parent")?.outcome ?? "not_compared")).length;
  const worse = count(["worse"]);
  const better = count(["better"]);
  const similar = count(["similar"]);
  const other = count(["higher", "lower"]);
  const untested = summary.length - worse - better - similar - other;
  const num = (n: number) => (n === 0 ? "none" : String(n));
  facts.push(
    `Compared with ${d.parent.name} as a whole, on the latest data ${view.name} is significantly worse on ${worse} of its ${plural(summary.length, "indicator")} and significantly better on ${num(better)}; ` +
      `it is similar on ${similar}` +
      (other ? `, and significantly different on ${other} where neither higher nor lower is better` : "") +
      "." +
      (untested ? ` ${untested} ${untested === 1 ? "indicator has" : "indicators have"} no interval and ${untested === 1 ? "is" : "are"} shown for context only.` : ""),
  );
  if (need.focusRow) {
    const r = need.focusRow;
    const range = r.rank_min !== r.rank_max ? ` (between ${ordinal(r.rank_min)} and ${ordinal(r.rank_max)} under other weightings)` : "";
    facts.push(`On the need index it ranks ${ordinal(r.rank)} of ${plural(need.rows.length, "ward")}${range}, in the tier "${r.tier}".`);
  }
  const o = outcomes.lines;
  if (o.length) {
    const dir = (w: string[]) => o.filter((l) => w.includes(l.row.direction)).length;
    const improved = dir(["improved"]);
    const worsened = dir(["worsened"]);
    const flat = dir(["no significant change"]);
    const moved = dir(["increased", "decreased"]);
    facts.push(
      `Of ${plural(o.length, "outcome")} tracked from ${outcomes.baseline}, ${improved ? `${improved} ${improved === 1 ? "has" : "have"} improved significantly` : "none has improved significantly"}, ` +
        `${worsened ? `${worsened} ${worsened === 1 ? "has" : "have"} worsened` : "none has worsened"} and ${flat} ${flat === 1 ? "shows" : "show"} no significant change` +
        (moved ? `; ${moved} changed where neither direction is better` : "") +
        ".",
    );
  }
  return facts;
}

function overviewPack(ctx: Context, d: PackData, indicators: readonly Indicator[]): PackModel {
  const view: View = { kind: "overview", code: d.parent.code, name: d.parent.name, highlight: [], members: d.wards };
  const summary = summaryRows(d, indicators, d.parent.code);
  const wardSet = new Set(d.wards);
  const headlines = orderHeadlines(
    summary
      .map((r) =>
        wardHeadline({
          indicator: r.indicator,
          period: r.period,
          parentName: d.parent.name,
          parentValue: r.focus.is_suppressed ? null : r.focus.value,
          wards: wardComparisons(d, r.indicator.id, r.period).map((c) => {
              const v = valueAt(d, r.indicator.id, r.periodType, c.area_code, r.period);
              return { name: d.names[c.area_code] ?? c.area_code, value: v && !v.is_suppressed ? v.value : null, outcome: c.outcome };
            }),
        }),
      )
      .filter((h): h is Headline => h !== null),
    indicators,
  );
  const outcomes = outcomesOf(ctx, d, indicators, d.parent.code);
  const need = needOf(d, view, indicators);
  const about = aboutSection(d, view, summary);
  const keyFacts: string[] = [];
  const flaggedWards = new Map<string, number>();
  for (const c of d.comparisons) {
    if (c.comparator_kind !== "parent" || !wardSet.has(c.area_code)) continue;
    const r = summary.find((s) => s.indicator.id === c.indicator_id);
    if (!r || r.period !== c.period_label) continue;
    // Context measures are never called worse, so they never count here.
    if (!isContextMeasure(r.indicator) && c.outcome === "worse") flaggedWards.set(c.area_code, (flaggedWards.get(c.area_code) ?? 0) + 1);
  }
  const top = [...flaggedWards].sort((a, b) => b[1] - a[1] || (d.names[a[0]] ?? a[0]).localeCompare(d.names[b[0]] ?? b[0])).slice(0, 3);
  keyFacts.push(`This overview compares each of the ${plural(d.wards.length, "ward")} of ${d.parent.name} with the ${parentNoun(d.parent.code)} as a whole on ${plural(summary.length, "indicator")}.`);
  if (top.length) {
    keyFacts.push(`The wards significantly worse than ${d.parent.name} on the most indicators: ${listEnglish(top.map(([c, n]) => `${d.names[c] ?? c} (${n})`))}.`);
  }
  if (need.rows.length) {
    const first = need.rows.filter((r) => r.rank <= 3).sort((a, b) => a.rank - b.rank);
    keyFacts.push(`Greatest need on the need index: ${listEnglish(first.map((r) => `${d.names[r.area_code] ?? r.area_name} (${r.tier})`))}.`);
  }
  const shown = new Set<string>();
  const sections = domainSections(ctx, d, view, indicators, summary, shown);
  const absentOverview = absentDomains(ctx, view, sections, d.quality.warnings);
  const m: PackModel = {
    ...base(ctx, d, indicators, d.quality.loads),
    // The config's name is often the focus area's assessment ("Luton and Wayfield needs assessment"): the overview is part of it, not it.
    title: `Every ward of ${d.parent.name} compared; part of ${ctx.config.name}`,
    kind: "overview",
    slug: `${d.parent.code}-${slugify(d.parent.name)}-overview`,
    focus: { code: d.parent.code, name: d.parent.name, type: d.areas.get(d.parent.code)?.area_type ?? "authority" },
    highlight: [],
    priorities: prioritiesOf(ctx, d, view, summary, headlines),
    keyFacts,
    headlines,
    summary,
    spines: [],
    slideSpines: [],
    wardMatrices: wardMatrices(d, indicators, summary),
    about: { ...about, intro: [...about.intro, ...(absentOverview ? [absentOverview] : [])] },
    sections,
    unshown: unshownIndicators(d, indicators, shown),
    outcomes,
    need,
    comparatorNotes: comparatorNotes(ctx, d, view),
    chartCount: 0,
  };
  m.chartCount = packFigures(m).length;
  return m;
}

function wardMatrices(d: PackData, indicators: readonly Indicator[], summary: SummaryRow[]): WardMatrix[] {
  const country = d.country;
  const out: WardMatrix[] = [];
  for (const s of SECTIONS) {
    const rows = summary.filter((r) => r.indicator.domain === s.domain);
    if (!rows.length) continue;
    const cell = (r: SummaryRow, code: string, withOutcome: boolean) => {
      const v = valueAt(d, r.indicator.id, r.periodType, code, r.period);
      const cmp = withOutcome ? comparisonsAt(d, r.indicator.id, code, r.period).find((c) => c.comparator_kind === "parent") : undefined;
      // "*" only where a small count was protected; a value withheld for want of data is "–", as in the glance table.
      return { value: v && !v.is_suppressed ? v.value : null, suppressed: !!v && missingLabel(v) === "suppressed", outcome: cmp?.outcome ?? null };
    };
    // An indicator published for the authority alone (a Fingertips county figure) has no ward to
    // show: it goes in a table of the authority's (and England's) values, not a column of dashes.
    const hasWard = (r: SummaryRow) => d.wards.some((w) => { const c = cell(r, w, false); return c.value !== null || c.suppressed; });
    for (const [byWard, group] of [[true, rows.filter(hasWard)], [false, rows.filter((r) => !hasWard(r))]] as const) {
      if (!group.length) continue;
      const lines: WardMatrix["rows"] = byWard ? d.wards.map((w) => ({ code: w, name: d.names[w] ?? w, kind: "ward" as const, cells: group.map((r) => cell(r, w, true)) })) : [];
      lines.push({ code: d.parent.code, name: d.parent.name, kind: "parent", cells: group.map((r) => cell(r, d.parent.code, false)) });
      if (country && group.some((r) => cell(r, country, false).value !== null)) {
        lines.push({ code: country, name: d.names[country] ?? country, kind: "country", cells: group.map((r) => cell(r, country, false)) });
      }
      out.push({
        domain: s.domain,
        title: s.title,
        byWard,
        indicators: group.map((r) => ({ id: r.indicator.id, short: r.indicator.short, unit: r.indicator.unit, period: r.period })),
        rows: lines,
      });
    }
  }
  return out;
}

/** `Northgate & Eastfields` -> `northgate-eastfields`. */
export function slugify(s: string): string {
  return s.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
}

export { formatValue };
