/** Health and wellbeing indicators (Fingertips exports and local counts). */
import { defineIndicator, type IndicatorSpec } from "../define.ts";

/** Health indicators. */
export const healthIndicators: IndicatorSpec[] = [
  defineIndicator({
    id: "health.asthma_admissions_u19",
    domain: "health",
    title: "Emergency hospital admissions for asthma, under 19s, per 100,000",
    short: "Asthma admissions (under 19s)",
    numerator: { kind: "counts", from: "staging.fingertips_values", where: "indicator_name ILIKE '%asthma%'", date: "period_date", area: "area_code", numerator: "count", denominator: "denominator" },
    method: "rate",
    multiplier: 100000,
    unit: "per 100,000",
    polarity: "low_is_good",
    periods: ["financial_year", "pooled_3_financial_years"],
    source: "OHID Fingertips export (hospital episode statistics)",
    definition: "Emergency admissions for asthma of people aged under 19, per 100,000 residents aged under 19. Ward counts summed for larger areas; the authority, region and England use their published counts.",
  }),
  defineIndicator({
    id: "health.breastfeeding_6_8_weeks",
    domain: "health",
    title: "Babies totally or partially breastfed at 6-8 weeks",
    short: "Breastfeeding at 6-8 weeks",
    numerator: { kind: "counts", from: "staging.local_counts", where: "measure = 'breastfeeding_6_8_weeks'", date: "period_date", area: "area_code", numerator: "numerator", denominator: "denominator", breakdown: "breakdown" },
    method: "proportion",
    polarity: "high_is_good",
    periods: ["financial_year"],
    source: "Local health visiting service counts",
    definition: "Infants totally or partially breastfed at the 6-8 week review, as a share of infants due a review.",
  }),
];
