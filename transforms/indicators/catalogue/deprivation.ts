/** Deprivation and economy indicators (English Indices of Deprivation, by LSOA). */
import { defineIndicator, type IndicatorSpec } from "../define.ts";

/** Deprivation indicators. */
export const deprivationIndicators: IndicatorSpec[] = [
  defineIndicator({
    id: "deprivation.imd_score",
    domain: "deprivation",
    title: "Index of Multiple Deprivation score (population-weighted average)",
    short: "IMD score",
    numerator: { kind: "lsoa_measure", from: "staging.deprivation_lsoa", value: "imd_score" },
    method: "weighted_mean",
    unit: "score",
    polarity: "low_is_good",
    periods: ["snapshot"],
    source: "English Indices of Deprivation; ONS population estimates",
    definition: "Average of the area's LSOA IMD scores weighted by resident population. A census-style index, so it has no sampling interval and is not tested for significance.",
  }),
  defineIndicator({
    id: "deprivation.most_deprived_decile",
    domain: "deprivation",
    title: "Residents living in the 10% most deprived neighbourhoods in England",
    short: "In most deprived 10% nationally",
    numerator: { kind: "lsoa_measure", from: "staging.deprivation_lsoa", value: "imd_score", share_where: "imd_decile = 1" },
    method: "proportion",
    polarity: "low_is_good",
    periods: ["snapshot"],
    source: "English Indices of Deprivation; ONS population estimates",
    definition: "Share of residents living in LSOAs in the most deprived national IMD decile (Wilson interval on resident counts).",
  }),
];
