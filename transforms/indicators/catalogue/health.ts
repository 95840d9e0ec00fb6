/** Health and wellbeing indicators (Fingertips exports and local counts). */
import { defineIndicator, type IndicatorSpec } from "../define.ts";
import { FINGERTIPS_IDS } from "./fingertips.ts";

/** An indicator over a measure of the documented local counts format. */
const local = (measure: string, spec: Omit<IndicatorSpec, "id" | "domain" | "numerator" | "periods" | "source">): IndicatorSpec =>
  defineIndicator({
    id: `health.${measure}`,
    domain: "health",
    numerator: { kind: "counts", from: "staging.local_counts", where: `measure = '${measure}'`, date: "period_date", area: "area_code", numerator: "numerator", denominator: "denominator", breakdown: "breakdown" },
    periods: ["financial_year", "pooled_3_financial_years"],
    source: "Locally held counts (documented local counts format)",
    ...spec,
  });

/** Health indicators. */
export const healthIndicators: IndicatorSpec[] = [
  defineIndicator({
    id: "health.asthma_admissions_u19",
    domain: "health",
    title: "Emergency hospital admissions for asthma, under 19s, per 100,000",
    short: "Asthma admissions (under 19s)",
    // By Fingertips ID (never by name), headline rows only: OHID's ward counts summed for localities and pooled years.
    numerator: { kind: "counts", from: "staging.fingertips_values", where: `indicator_id = '${FINGERTIPS_IDS.asthmaAdmissionsU19}' AND breakdown = 'all'`, date: "period_date", area: "area_code", numerator: "count", denominator: "denominator" },
    method: "rate",
    multiplier: 100000,
    unit: "per 100,000",
    polarity: "low_is_good",
    periods: ["financial_year", "pooled_3_financial_years"],
    source: "OHID Fingertips export (hospital episode statistics)",
    definition: "Emergency admissions for asthma of people aged under 19, per 100,000 residents aged under 19, from the counts of OHID's Fingertips indicator 90810. Ward counts summed for localities and pooled over three years; the authority, region and England use their published counts. OHID's own values are shown as indicator fingertips.90810.",
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
  local("postnatal_depression_screen", {
    title: "New mothers screened for post-natal depression at the 6-8 week review",
    short: "Post-natal depression screens",
    method: "proportion",
    polarity: "high_is_good",
    definition: "Mothers screened for post-natal depression at the 6-8 week review, as a share of births in the year.",
  }),
  local("child_protection_plans", {
    title: "Children on a child protection plan, per 10,000 children",
    short: "Child protection plans",
    method: "rate",
    multiplier: 10000,
    unit: "per 10,000",
    polarity: "low_is_good",
    definition: "Children aged 0-17 on a child protection plan at 31 March, per 10,000 children aged 0-17.",
  }),
  local("under18_conceptions", {
    title: "Conceptions to girls aged under 18, per 1,000 girls aged 15-17",
    short: "Under-18 conceptions",
    method: "rate",
    multiplier: 1000,
    unit: "per 1,000",
    polarity: "low_is_good",
    definition: "Conceptions to girls aged under 18 in the year, per 1,000 girls aged 15-17; pooled over three years where ward numbers are small.",
  }),
  local("emergency_admissions", {
    title: "Emergency hospital admissions, all ages, age-standardised rate per 100,000",
    short: "Emergency admissions (age-standardised)",
    method: "dsr",
    polarity: "low_is_good",
    definition:
      "Emergency hospital admissions of residents in the year, by the 19 five-year age bands of the European Standard Population 2013 (0-4 to 90+), directly standardised to that population per 100,000 (PHE method, Dobson limits), so areas with older or younger populations compare fairly. Not published on fewer than 10 admissions.",
  }),
];
