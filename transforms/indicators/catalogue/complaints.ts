/** Council contacts and complaints indicators (CRM export). */
import { defineIndicator, type IndicatorSpec } from "../define.ts";

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
    source: "Council CRM export; ONS population estimates",
    definition: "Cases received (withdrawn cases excluded), placed by ward, per 1,000 residents. More contact is not necessarily worse, so no judgement is made.",
  }),
];
