/**
 * Indicator definitions: declared as data (`IndicatorSpec`, loose), normalised once into a strict
 * `Indicator` with every default visible, then compiled to SQL by `compile.ts`.
 */
import { keyword } from "../options.ts";
import type { Polarity } from "../marts.ts";

/** Domains, in pack order. */
export const DOMAINS = ["crime", "health", "school", "survey", "complaints", "economy", "deprivation"] as const;
export type Domain = (typeof DOMAINS)[number];
/**
 * `published`: the publisher's value and limits kept as published, never recomputed (Fingertips); `estimate`: a published or modelled value with no interval (APS, fuel poverty).
 * `dsr`: a directly standardised rate (the PHE method): counts and populations by the 19 ESP2013
 * age bands (a `counts` numerator whose `breakdown` is the band, `0-4` ... `90+`), weighted by the
 * European Standard Population 2013, with Dobson limits; not published below 10 events.
 */
export const METHODS = ["rate", "proportion", "survey_proportion", "weighted_mean", "median", "published", "estimate", "dsr"] as const;
export type Method = (typeof METHODS)[number];
export const POLARITIES = ["high_is_good", "low_is_good", "no_judgement"] as const;
export const PERIOD_TYPES = [
  "month", "quarter", "financial_year", "academic_year", "calendar_year", "rolling_12_months", "pooled_3_financial_years", "snapshot",
  // A span of years as a publisher labels it (Fingertips `2015 - 17`), other than 3 financial years.
  "multi_year",
] as const;
export type PeriodType = (typeof PERIOD_TYPES)[number];

/**
 * Where counts come from.
 * - `events`: count (or sum) rows of a staged table that has an LSOA or ward column and a date.
 *   `stock: true` for monthly counts of a stock (claimants on a day each month): a period sums its
 *   months' counts (person-months) over the population times the months, so the value is the
 *   average monthly share, not a 12-month total.
 *   `missing` names a table of months known to be missing from `from` (a header-only police.uk
 *   file, a month a force published no file for): `(month DATE, <area> VARCHAR, reason VARCHAR)`,
 *   one row per month and unit (`<area>` NULL: every unit). Such a month is missing data, not
 *   zero: every period containing it is withheld, for every area with a unit missing it, with
 *   the reasons (see `compile.ts`). `since` (`YYYY-MM-DD`): the first day the source counts these
 *   events apart (a police.uk crime type introduced in September 2011); periods starting earlier
 *   are not measured, where a count would be zero for want of the category, not of crimes.
 * - `counts`: a staged table that already holds numerator and denominator per area and date
 *   (rows for wards are aggregated up; rows for the authority, a district's county, region or country are used as given).
 * - `survey`: a codebook question; positive answers over the base (excluded answers left out).
 * - `lsoa_measure`: an LSOA-level measure (e.g. IMD score) averaged with population weights, or the
 *   population share of LSOAs meeting a condition.
 * - `published`: values a publisher computed (OHID Fingertips), read with their limits, count and
 *   denominator from a staged table of the published-values contract (`PUBLISHED_COLUMNS`).
 */
export type NumeratorSpec =
  | { kind: "events"; from: string; where?: string; date: string; area: "lsoa_code" | "ward_code"; sum?: string; stock?: boolean; missing?: string; since?: string }
  | {
      kind: "counts"; from: string; where?: string; date: string; area: string; numerator: string; denominator: string; breakdown?: string;
      /** Periods as published (e.g. APS rolling years): SQL of the label, start and end per row, used instead of the period type's own. */
      period?: { label: string; start: string; end: string };
    }
  | { kind: "survey"; question: string }
  /** Multiple-choice set (e.g. top three priorities): one breakdown `choice:<code>` per answer code. */
  | { kind: "survey_choice"; questions: string[] }
  /** A list of values per area and period (e.g. days to resolve) for a median. */
  | { kind: "values"; from: string; where?: string; date: string; area: "lsoa_code" | "ward_code"; value: string }
  | { kind: "lsoa_measure"; from: string; value: string; share_where?: string }
  /**
   * Values as published. `label` names the publisher's method for the `method` column (e.g.
   * `directly standardised rate, as published by OHID`); with `academicYears`, `YYYY/YY` labels are
   * academic years (September to August), not financial years.
   */
  | { kind: "published"; from: string; where?: string; label: string; academicYears?: boolean };

/**
 * Columns a `published` numerator's table has: one row per indicator, area, period and
 * breakdown, with the period already read (`period_type` one of `PERIOD_TYPES`, or NULL when
 * the label could not be read), and the published figures.
 */
export const PUBLISHED_COLUMNS = [
  "area_code", "area_level", "parent_code", "period_type", "period_label", "period_start", "period_end", "breakdown",
  "count", "denominator", "value", "lower95", "upper95", "lower998", "upper998", "value_note",
] as const;

/**
 * Denominator: resident population (all ages, an age range, or working age: ONS 16-64 where SAPE
 * single years are held, else IoD File 6's or 7's working-age column, 18-59/64 or 18-66; `staging.population_working_age`),
 * or none (counts carry their own).
 */
export type DenominatorSpec = { population: "all_ages" | "working_age" | { ages: [number, number] } } | { fromNumerator: true };

/** What an analyst writes. */
export interface IndicatorSpec {
  id: string;
  domain: Domain;
  title: string;
  /** Short name for tables and chart axes. */
  short?: string;
  unit?: string;
  numerator: NumeratorSpec;
  denominator?: DenominatorSpec;
  method: Method;
  multiplier?: number;
  /**
   * Which direction is good. `no_judgement` declares a context measure: a description of the
   * population (a census-style count of residents, a share of pupils eligible for free school
   * meals), not an outcome to improve. It is never called better or worse anywhere (comparisons say
   * only higher, lower or similar; charts stay neutral), is never a priority, and is left out of the
   * need index (see {@link isContextMeasure}).
   */
  polarity: Polarity;
  periods?: PeriodType[];
  /** Counts 1..minCount-1 are suppressed (zero is shown). Survey: bases under minBase. */
  suppress?: { minCount?: number; minBase?: number };
  source: string;
  /** One sentence on how it is computed, for the methods page. */
  definition?: string;
  /** Whether the need index uses it (default true; false when it `repeats` another indicator). */
  needIndex?: boolean;
  /**
   * The id of an indicator carrying the same counts another way (OHID's published value of the
   * counts `health.asthma_admissions_u19` sums by ward): this one is shown in its section's charts
   * and tables, but is left out of the need index, the priorities and the headlines wherever that
   * indicator has one, so one issue is never said twice.
   */
  repeats?: string;
  /**
   * Known definition changes: values from `from` (`YYYY-MM-DD`, the first period on the new
   * definition) are not comparable with earlier ones. A series spanning one gets a warning and a
   * chart marker (`transforms/series-breaks.ts`).
   */
  breaks?: { from: string; label: string; reason: string }[];
  /**
   * The id of an indicator this one stands in for: it is measured only when that indicator has no
   * value in the build (e.g. a deprivation domain's average rank, from the ranks of IoD Files 1
   * and 2, stands in for the domain's score when no scores file is given), so the pack never
   * shows both. The measure stage measures such indicators after the others.
   */
  fallbackFor?: string;
}

/** A normalised indicator: every option present (`fallbackFor` null: it stands in for none). */
/**
 * The population named in a catalogue source line (rates per resident, population-weighted
 * means). A build puts the population it loaded in its place (`withPopulationSource`): IoD File 6
 * denominators in a build that has no ONS estimates are named as such.
 */
export const POPULATION_SOURCE = "ONS population estimates";

/** The indicators' source lines with the build's population sources (`populationSourceUsed`) named. */
export function withPopulationSource(indicators: Indicator[], population: string | undefined): void {
  if (!population) return;
  for (const ind of indicators) ind.source = ind.source.replaceAll(POPULATION_SOURCE, population);
}

export interface Indicator extends Required<Omit<IndicatorSpec, "suppress" | "denominator" | "fallbackFor" | "repeats">> {
  denominator: DenominatorSpec;
  suppress: { minCount: number; minBase: number };
  fallbackFor: string | null;
  repeats: string | null;
}

/** The reason printed beside a context measure wherever a judgement would otherwise be. */
export const CONTEXT_NOTE = "context: describes the area, not judged";

/** A context measure (declared with polarity `no_judgement`): described, never judged better or worse. */
export function isContextMeasure(ind: { polarity: Polarity | string }): boolean {
  return ind.polarity === "no_judgement";
}

/** Declare an indicator (identity: keeps the literal typed). */
export const defineIndicator = (spec: IndicatorSpec): IndicatorSpec => spec;

const defaultMultiplier: Record<Method, number> = { rate: 1000, proportion: 100, survey_proportion: 100, weighted_mean: 1, median: 1, published: 1, estimate: 1, dsr: 100000 };
const defaultUnit: Record<Method, string> = {
  rate: "per 1,000", proportion: "%", survey_proportion: "%", weighted_mean: "score", median: "days", published: "as published", estimate: "%", dsr: "per 1,000",
};

/** Normalise a spec (throws with a precise message on a bad option). */
export function normaliseIndicator(spec: IndicatorSpec): Indicator {
  const owner = `indicator ${spec.id ?? "(no id)"}`;
  if (!spec.id || !/^[a-z]+\.[a-z0-9_]+$/.test(spec.id)) throw new Error(`invalid id "${spec.id}" in ${owner} (expected domain.snake_case)`);
  const method = keyword(spec.method, METHODS, "method", owner);
  const multiplier = spec.multiplier ?? defaultMultiplier[method];
  if (!(multiplier > 0)) throw new Error(`invalid multiplier "${spec.multiplier}" in ${owner} (expected a positive number)`);
  const periods = (spec.periods ?? ["financial_year"]).map((p) => keyword(p, PERIOD_TYPES, "period", owner));
  if (method === "dsr" && (spec.numerator.kind !== "counts" || !spec.numerator.breakdown)) {
    throw new Error(`invalid numerator in ${owner} (a dsr counts by ESP2013 age band: expected kind "counts" with a breakdown holding the band)`);
  }
  return {
    id: spec.id,
    domain: keyword(spec.domain, DOMAINS, "domain", owner),
    title: spec.title,
    short: spec.short ?? spec.title,
    unit: spec.unit ?? defaultUnit[method].replace("1,000", multiplier.toLocaleString("en-GB")),
    numerator: spec.numerator,
    denominator: spec.denominator ?? { fromNumerator: true },
    method,
    multiplier,
    polarity: keyword(spec.polarity, POLARITIES, "polarity", owner),
    periods,
    suppress: { minCount: spec.suppress?.minCount ?? 5, minBase: spec.suppress?.minBase ?? 30 },
    source: spec.source,
    definition: spec.definition ?? "",
    needIndex: spec.needIndex ?? !spec.repeats,
    breaks: spec.breaks ?? [],
    fallbackFor: spec.fallbackFor ?? null,
    repeats: spec.repeats ?? null,
  };
}

/** Normalise many; one bad definition never hides the others. */
export function loadIndicators(specs: readonly IndicatorSpec[]): { indicators: Indicator[]; errors: string[] } {
  const indicators: Indicator[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const s of specs) {
    try {
      const ind = normaliseIndicator(s);
      if (seen.has(ind.id)) throw new Error(`duplicate indicator id ${ind.id}`);
      seen.add(ind.id);
      indicators.push(ind);
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  // A fallback stands in for a known indicator that is not itself a fallback (no chains).
  const byId = new Map(indicators.map((i) => [i.id, i]));
  const kept = indicators.filter((ind) => {
    if (ind.fallbackFor === null) return true;
    const primary = byId.get(ind.fallbackFor);
    if (primary && primary.fallbackFor === null && primary.id !== ind.id) return true;
    errors.push(`invalid fallbackFor "${ind.fallbackFor}" in indicator ${ind.id} (expected the id of another indicator that is not itself a fallback)`);
    return false;
  });
  return { indicators: kept, errors };
}
