/** Deprivation and economy indicators (English Indices of Deprivation, by LSOA). */
import { defineIndicator, POPULATION_SOURCE, type Indicator, type IndicatorSpec } from "../define.ts";

/**
 * The rule for the seven domains: one indicator each. The domain's score (population-weighted
 * average) where a scores file gives it; else its population-weighted average rank, from the ranks
 * of File 2 (`fallbackFor`: measured only when the score has no value). The IMD itself keeps its
 * score (where given), its average rank and the share of residents in its most deprived decile,
 * as the IoD's local authority summaries do.
 */
const DOMAIN_RULE = "Each deprivation domain has one indicator: its score where the IoD scores file (File 5 or 7) is given, else its population-weighted average rank from the ranks of File 2.";

/** The seven IoD domains: staging stem, score title, short name, score unit and multiplier. */
const DOMAINS: readonly { stem: string; title: string; short: string; unit: string; multiplier?: number; rankTitle: string; rankShort?: string }[] = [
  { stem: "income", title: "Income deprivation: share of residents income-deprived (IoD income score)", short: "Income deprivation", unit: "%", multiplier: 100, rankTitle: "Income deprivation" },
  { stem: "employment", title: "Employment deprivation: share of working-age residents employment-deprived", short: "Employment deprivation", unit: "%", multiplier: 100, rankTitle: "Employment deprivation" },
  { stem: "education", title: "Education, skills and training deprivation score", short: "Education and skills deprivation", unit: "score", rankTitle: "Education, skills and training deprivation" },
  { stem: "health", title: "Health deprivation and disability score", short: "Health deprivation", unit: "score", rankTitle: "Health deprivation and disability" },
  { stem: "crime", title: "Crime domain score", short: "Crime domain score", unit: "score", rankTitle: "Crime domain", rankShort: "Crime domain" },
  { stem: "barriers", title: "Barriers to housing and services score", short: "Barriers to housing and services", unit: "score", rankTitle: "Barriers to housing and services" },
  { stem: "living_environment", title: "Living environment deprivation score", short: "Living environment", unit: "score", rankTitle: "Living environment deprivation" },
];

const ENGLISH_INDEX = "English Indices of Deprivation";
const SOURCE = `${ENGLISH_INDEX}; ${POPULATION_SOURCE}`;
/** The nation the most deprived decile is of, as the catalogue says it (England's Indices). */
const DECILE_NATION = "in England";
/** The LSOAs England's editions rank, as the average-rank definitions say it. */
const ENGLISH_RANKED = "of the 32,844 LSOAs of England in IoD2015 and IoD2019, of 33,755 in IoD2025";

const weightedScore = (id: string, column: string, title: string, short: string, unit: string, multiplier = 1): IndicatorSpec =>
  defineIndicator({
    id: `deprivation.${id}`,
    domain: "deprivation",
    title,
    short,
    numerator: { kind: "lsoa_measure", from: "staging.deprivation_lsoa", value: column },
    method: "weighted_mean",
    unit,
    multiplier,
    polarity: "low_is_good",
    periods: ["snapshot"],
    source: SOURCE,
    definition: `Average of the area's LSOA ${short.toLowerCase()} weighted by resident population. A census-style index, so it has no sampling interval and is not tested for significance.`,
  });

/** A domain's population-weighted average rank (File 2), standing in for its score when no scores file is given. */
const averageRank = (d: (typeof DOMAINS)[number]): IndicatorSpec =>
  defineIndicator({
    id: `deprivation.${d.stem}_average_rank`,
    domain: "deprivation",
    title: `${d.rankTitle}: average rank of the area's neighbourhoods (population-weighted)`,
    short: `${d.rankShort ?? d.short} average rank`,
    numerator: { kind: "lsoa_measure", from: "staging.deprivation_lsoa", value: `${d.stem}_rank` },
    method: "weighted_mean",
    unit: "rank",
    polarity: "high_is_good",
    periods: ["snapshot"],
    source: `${ENGLISH_INDEX} (File 2 ranks); ${POPULATION_SOURCE}`,
    definition: `Average of the area's LSOA ranks on the ${d.rankTitle.toLowerCase()} domain (1 = most deprived ${ENGLISH_RANKED}) weighted by resident population. A lower rank means more deprived. ${DOMAIN_RULE} Shown only when the domain's score (deprivation.${d.stem}_score) has no value in the build.`,
    fallbackFor: `deprivation.${d.stem}_score`,
  });

/** Wales's own WIMD domains (England's Indices have none of them): staging stem, title and short name. */
const WELSH_DOMAINS: readonly { stem: string; title: string; short: string }[] = [
  { stem: "access", title: "Access to services deprivation", short: "Access to services" },
  { stem: "housing", title: "Housing deprivation", short: "Housing deprivation" },
  { stem: "community_safety", title: "Community safety deprivation", short: "Community safety" },
  { stem: "physical_environment", title: "Physical environment deprivation", short: "Physical environment" },
];

/** A Welsh domain's population-weighted average rank (WIMD ranks): a value only for areas in Wales. */
const welshAverageRank = (d: (typeof WELSH_DOMAINS)[number]): IndicatorSpec =>
  defineIndicator({
    id: `deprivation.${d.stem}_average_rank`,
    domain: "deprivation",
    title: `${d.title} (WIMD): average rank of the area's neighbourhoods (population-weighted)`,
    short: `${d.short} average rank`,
    numerator: { kind: "lsoa_measure", from: "staging.deprivation_lsoa", value: `${d.stem}_rank` },
    method: "weighted_mean",
    unit: "rank",
    polarity: "high_is_good",
    periods: ["snapshot"],
    source: `Welsh Index of Multiple Deprivation (WIMD) ranks; ${POPULATION_SOURCE}`,
    definition: `Average of the area's LSOA ranks on the WIMD ${d.title.toLowerCase()} domain (1 = most deprived of the 1,909 LSOAs of Wales in WIMD 2019, of 1,917 in WIMD 2025) weighted by resident population. A lower rank means more deprived. One of the four domains of Wales's index that England's Indices do not have: measured for areas in Wales only.`,
  });

/** The indicators of Wales's own domains, and of England's domains Wales's index does not have (crime, barriers to housing and services, living environment). */
const WALES_ONLY = WELSH_DOMAINS.map((d) => `deprivation.${d.stem}_average_rank`);
const ENGLAND_ONLY = ["crime", "barriers", "living_environment"].flatMap((stem) => [`deprivation.${stem}_score`, `deprivation.${stem}_average_rank`]);

/** Deprivation indicators: the IMD score, the share in the most deprived decile, the IMD average rank, each domain (score, or average rank without scores), and Wales's own domains. */
export const deprivationIndicators: IndicatorSpec[] = [
  weightedScore("imd_score", "imd_score", "Index of Multiple Deprivation score (population-weighted average)", "IMD score", "score"),
  defineIndicator({
    id: "deprivation.most_deprived_decile",
    domain: "deprivation",
    title: `Residents living in the 10% most deprived neighbourhoods ${DECILE_NATION}`,
    short: "In most deprived 10% nationally",
    numerator: { kind: "lsoa_measure", from: "staging.deprivation_lsoa", value: "imd_decile", share_where: "imd_decile = 1" },
    // A share of the whole resident population (the population-weighted mean of "in decile 1"), not a sample.
    method: "weighted_mean",
    multiplier: 100,
    unit: "%",
    // A context measure: it describes the area's population, so it is not judged better or worse.
    polarity: "no_judgement",
    periods: ["snapshot"],
    source: SOURCE,
    definition: "Share of residents living in LSOAs in the most deprived national IMD decile. A count of the whole resident population, not a sample, so it has no sampling interval; a context measure, so it is not judged better or worse.",
  }),
  defineIndicator({
    id: "deprivation.imd_average_rank",
    domain: "deprivation",
    title: "Index of Multiple Deprivation: average rank of the area's neighbourhoods (population-weighted)",
    short: "IMD average rank",
    numerator: { kind: "lsoa_measure", from: "staging.deprivation_lsoa", value: "imd_rank" },
    method: "weighted_mean",
    unit: "rank",
    polarity: "high_is_good",
    periods: ["snapshot"],
    source: `${ENGLISH_INDEX} (File 1 ranks); ${POPULATION_SOURCE}`,
    definition: `Average of the area's LSOA IMD ranks (1 = most deprived ${ENGLISH_RANKED}) weighted by resident population: the 'average rank' summary of the IoD local authority summaries. Works from the ranks alone, so it is available where only Files 1 and 2 are held. A lower rank means more deprived.`,
  }),
  ...DOMAINS.map((d) => weightedScore(`${d.stem}_score`, `${d.stem}_score`, d.title, d.short, d.unit, d.multiplier)),
  ...DOMAINS.map(averageRank),
  ...WELSH_DOMAINS.map(welshAverageRank),
];

/**
 * The deprivation indicators' text for the indices a build loaded (`editions` of
 * `staging.deprivation_lsoa`): the catalogue says England's; with Wales's index (WIMD) the source
 * lines, the most deprived decile's nation and the ranks' range name Wales too, or Wales alone. A
 * Welsh LSOA's decile and rank are of Wales's 1,909 (WIMD 2019) or 1,917 (WIMD 2025) LSOAs. A
 * domain of one nation's index only (Wales's access to services, housing, community safety and
 * physical environment; England's crime, barriers and living environment) is taken out of
 * `indicators` when that nation's index is not loaded.
 */
export function withDeprivationIndex(indicators: Indicator[], editions: readonly string[]): void {
  const welsh = editions.some((e) => e.startsWith("WIMD"));
  const english = !welsh || editions.some((e) => !e.startsWith("WIMD"));
  // A domain only one nation's index has is in the build's catalogue (Methods, Sources) only when that index is loaded.
  const dropped = new Set([...(welsh ? [] : WALES_ONLY), ...(english ? [] : ENGLAND_ONLY)]);
  for (let i = indicators.length - 1; i >= 0; i--) if (dropped.has(indicators[i]!.id)) indicators.splice(i, 1);
  if (!welsh) return;
  const WELSH_INDEX = "Welsh Index of Multiple Deprivation (WIMD)";
  const WELSH_RANKED = "of the 1,909 LSOAs of Wales in WIMD 2019, of 1,917 in WIMD 2025";
  for (const ind of indicators) {
    if (ind.domain !== "deprivation") continue;
    ind.source = ind.source.replace(/English Indices of Deprivation( \(File \d ranks\))?/, (_m, files: string | undefined) => (english ? `${ENGLISH_INDEX}${files ?? ""} and ${WELSH_INDEX}` : WELSH_INDEX));
    ind.title = ind.title.replace(DECILE_NATION, english ? "of their nation (England or Wales)" : "in Wales");
    if (!english) ind.short = ind.short.replace(/^IMD\b/, "WIMD");
    ind.definition = ind.definition
      .replace(ENGLISH_RANKED, english ? `${ENGLISH_RANKED}; in Wales, ${WELSH_RANKED}` : WELSH_RANKED)
      .replace("the most deprived national IMD decile", english ? "the most deprived decile of their nation's index (IMD in England, WIMD in Wales)" : "the most deprived decile of the WIMD");
  }
}
