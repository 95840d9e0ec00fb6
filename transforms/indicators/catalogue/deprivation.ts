/** Deprivation and economy indicators (English Indices of Deprivation, by LSOA). */
import { defineIndicator, type IndicatorSpec } from "../define.ts";

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
    source: "English Indices of Deprivation; ONS population estimates",
    definition: `Average of the area's LSOA ${short.toLowerCase()} weighted by resident population. A census-style index, so it has no sampling interval and is not tested for significance.`,
  });

/** Deprivation indicators: the IMD score, the share in the most deprived decile, and each domain. */
export const deprivationIndicators: IndicatorSpec[] = [
  weightedScore("imd_score", "imd_score", "Index of Multiple Deprivation score (population-weighted average)", "IMD score", "score"),
  defineIndicator({
    id: "deprivation.most_deprived_decile",
    domain: "deprivation",
    title: "Residents living in the 10% most deprived neighbourhoods in England",
    short: "In most deprived 10% nationally",
    numerator: { kind: "lsoa_measure", from: "staging.deprivation_lsoa", value: "imd_decile", share_where: "imd_decile = 1" },
    // A share of the whole resident population (the population-weighted mean of "in decile 1"), not a sample.
    method: "weighted_mean",
    multiplier: 100,
    unit: "%",
    // A context measure: it describes the area's population, so it is not judged better or worse.
    polarity: "no_judgement",
    periods: ["snapshot"],
    source: "English Indices of Deprivation; ONS population estimates",
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
    source: "English Indices of Deprivation (File 1 ranks); ONS population estimates",
    definition: "Average of the area's LSOA IMD ranks (1 = most deprived of 32,844 in England) weighted by resident population: the 'average rank' summary of the IoD local authority summaries. Works from the ranks alone, so it is available where only Files 1 and 2 are held. A lower rank means more deprived.",
  }),
  weightedScore("income_score", "income_score", "Income deprivation: share of residents income-deprived (IoD income score)", "Income deprivation", "%", 100),
  weightedScore("employment_score", "employment_score", "Employment deprivation: share of working-age residents employment-deprived", "Employment deprivation", "%", 100),
  weightedScore("education_score", "education_score", "Education, skills and training deprivation score", "Education and skills deprivation", "score"),
  weightedScore("health_score", "health_score", "Health deprivation and disability score", "Health deprivation", "score"),
  weightedScore("crime_score", "crime_score", "Crime domain score", "Crime domain score", "score"),
  weightedScore("barriers_score", "barriers_score", "Barriers to housing and services score", "Barriers to housing and services", "score"),
  weightedScore("living_environment_score", "living_environment_score", "Living environment deprivation score", "Living environment", "score"),
];
