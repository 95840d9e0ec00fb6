/** Council contacts and complaints indicators (CRM export). */
import { defineIndicator, POPULATION_SOURCE, type IndicatorSpec } from "../define.ts";

/** Days within which a case counts as resolved on time (20 working days ~ 28 calendar days). */
export const RESOLUTION_TARGET_DAYS = 28;

/** Complaints indicators. */
export const complaintsIndicators: IndicatorSpec[] = [
  defineIndicator({
    id: "complaints.rate",
    domain: "complaints",
    title: "Complaints and service requests per 1,000 residents",
    short: "Complaints per 1,000",
    numerator: { kind: "events", from: "staging.complaints", where: "status <> 'Withdrawn'", date: "received", area: "ward_code" },
    denominator: { population: "all_ages" },
    method: "rate",
    multiplier: 1000,
    polarity: "no_judgement",
    periods: ["financial_year"],
    source: `Council CRM export; ${POPULATION_SOURCE}`,
    definition: "Cases received (withdrawn cases excluded), placed by ward, per 1,000 residents. More contact is not necessarily worse, so no judgement is made.",
  }),
  defineIndicator({
    id: "complaints.median_days_to_resolve",
    domain: "complaints",
    title: "Median days from receiving a case to closing it",
    short: "Median days to resolve",
    numerator: { kind: "values", from: "staging.complaints", where: "closed IS NOT NULL AND days_to_resolve >= 0", date: "received", area: "ward_code", value: "days_to_resolve" },
    method: "median",
    unit: "days",
    polarity: "low_is_good",
    periods: ["financial_year"],
    source: "Council CRM export",
    definition: "Median calendar days from received to closed, for closed cases received in the period; distribution-free confidence interval for the median from binomial order statistics.",
  }),
  defineIndicator({
    id: "complaints.resolved_within_target",
    domain: "complaints",
    title: `Closed cases resolved within ${RESOLUTION_TARGET_DAYS} days`,
    short: "Resolved within target",
    numerator: {
      kind: "counts",
      from: `(SELECT ward_code, received, (days_to_resolve <= ${RESOLUTION_TARGET_DAYS})::INTEGER AS on_time, 1 AS closed_case FROM staging.complaints WHERE closed IS NOT NULL AND days_to_resolve >= 0)`,
      date: "received",
      area: "ward_code",
      numerator: "on_time",
      denominator: "closed_case",
    },
    method: "proportion",
    polarity: "high_is_good",
    periods: ["financial_year"],
    source: "Council CRM export",
    definition: `Share of closed cases received in the period that were closed within ${RESOLUTION_TARGET_DAYS} calendar days (about 20 working days).`,
  }),
  defineIndicator({
    id: "complaints.repeat_issues",
    domain: "complaints",
    title: "Cases that repeat an issue reported at the same place in the previous 28 days",
    short: "Repeat issues",
    numerator: {
      kind: "counts",
      from: `(SELECT ward_code, received, is_repeat::INTEGER AS repeat_case, 1 AS all_cases FROM staging.complaints WHERE status <> 'Withdrawn')`,
      date: "received",
      area: "ward_code",
      numerator: "repeat_case",
      denominator: "all_cases",
    },
    method: "proportion",
    polarity: "low_is_good",
    periods: ["financial_year"],
    source: "Council CRM export",
    definition: "Share of cases (withdrawn excluded) where the same place (UPRN, else postcode, else LSOA) had a case of the same category in the 28 days before: a sign the first response did not fix it.",
  }),
];
