/** Children, schools and education indicators (DfE KS2 performance tables). */
import { defineIndicator, type IndicatorSpec } from "../define.ts";

/** School indicators. */
export const schoolIndicators: IndicatorSpec[] = [
  defineIndicator({
    id: "school.ks2_rwm_expected",
    domain: "school",
    title: "Pupils meeting the expected standard in reading, writing and maths at KS2",
    short: "KS2 reading, writing and maths",
    numerator: {
      kind: "counts",
      from: "(SELECT coalesce(CASE WHEN rectype IN (1, 2) THEN ward_code WHEN rectype = 3 THEN '@authority' WHEN rectype = 4 THEN '@country' END, '?') AS area, * FROM staging.ks2_results WHERE rectype IN (1, 2, 3, 4))",
      date: "period_date",
      area: "area",
      numerator: "meeting",
      denominator: "eligible",
      breakdown: "breakdown",
    },
    method: "proportion",
    polarity: "high_is_good",
    periods: ["academic_year"],
    source: "DfE KS2 performance tables; Get Information About Schools (school ward)",
    definition: "Pupils at the end of KS2 meeting the expected standard in all of reading, writing and maths, for schools in the area (pupils = eligible x published percentage, rounded). Suppressed schools (SUPP) are left out; the authority and England use their published totals.",
  }),
];
