/**
 * Known OHID Fingertips indicators, by Fingertips Indicator ID: what an export does not say
 * (polarity, unit, the publisher's method, the pack domain). Every indicator of an export becomes
 * `fingertips.<ID>` whether listed here or not (`published.ts`); one not listed keeps its values
 * as published with polarity `no_judgement`. Identity is the ID, never the indicator's name.
 *
 * The pilots' outcomes, where Fingertips has them (IDs confirmed in public code that calls the
 * Fingertips API with them, e.g. `fingertips_data(IndicatorID = 92517, ...)`):
 * breastfeeding at 6-8 weeks 92517, under-18 conceptions 20401, asthma admissions under 19 90810,
 * school readiness 90631. Not confirmed, so not declared: a Fingertips ID for children on a
 * child protection plan and for post-natal depression (screening or prevalence); those stay
 * locally held counts (`health.child_protection_plans`, `health.postnatal_depression_screen`).
 */
import type { Domain } from "../define.ts";
import type { Polarity } from "../../marts.ts";

/** What the catalogue knows of one Fingertips indicator. */
export interface FingertipsEntry {
  /** Fingertips Indicator ID. */
  id: number;
  title: string;
  short: string;
  unit: string;
  polarity: Polarity;
  /** The publisher's method ("value type"), for the `method` column: e.g. `directly standardised rate`. */
  valueType: string;
  /** Pack section (default `health`). */
  domain?: Domain;
  /** `YYYY/YY` periods are academic years (September to August), not financial years. */
  academicYears?: boolean;
  /** The localneeds indicator carrying the same counts (see `IndicatorSpec.repeats`). */
  repeats?: string;
  definition?: string;
}

/** Fingertips IDs of the pilots' outcomes. */
export const FINGERTIPS_IDS = {
  asthmaAdmissionsU19: 90810,
  breastfeeding6to8Weeks: 92517,
  under18Conceptions: 20401,
  schoolReadiness: 90631,
  campylobacter: 93356,
} as const;

/** The localneeds id of a Fingertips Indicator ID: `fingertips.93356`. */
export const fingertipsIndicatorId = (id: string | number) => `fingertips.${String(id).trim().toLowerCase().replace(/[^a-z0-9]+/g, "_")}`;

/** The `method` column of an indicator's values: the publisher's method, named. */
export const publishedMethodLabel = (entry: FingertipsEntry | undefined) =>
  entry ? `${entry.valueType}, as published by OHID` : "as published by OHID (method not in the catalogue)";

/** The source line of a Fingertips indicator. */
export const publishedSource = (id: string | number) => `OHID Fingertips, indicator ${id}`;

/** The definition of a Fingertips indicator: the catalogue's (else the export's name) and how its values are kept. */
export const publishedDefinition = (entry: FingertipsEntry | undefined, name: string) =>
  `${(entry?.definition ?? name).replace(/\.$/, "")}. Value, 95% and 99.8% limits, count and denominator as OHID publishes them (${publishedMethodLabel(entry)}); region and England from the same export.`;

/** Known Fingertips indicators. */
export const FINGERTIPS_CATALOGUE: readonly FingertipsEntry[] = [
  {
    id: FINGERTIPS_IDS.asthmaAdmissionsU19,
    title: "Hospital admissions for asthma (under 19 years), per 100,000 (as published by OHID)",
    short: "Asthma admissions, under 19s (OHID)",
    unit: "per 100,000",
    polarity: "low_is_good",
    valueType: "crude rate",
    // health.asthma_admissions_u19 sums these counts for localities and pooled years: asthma is one issue, said once.
    repeats: "health.asthma_admissions_u19",
    definition: "Emergency hospital admissions for asthma in people aged under 19, per 100,000 residents aged under 19 (Hospital Episode Statistics), as OHID publishes it.",
  },
  {
    id: FINGERTIPS_IDS.breastfeeding6to8Weeks,
    title: "Breastfeeding prevalence at 6 to 8 weeks after birth (as published by OHID)",
    short: "Breastfeeding at 6-8 weeks (OHID)",
    unit: "%",
    polarity: "high_is_good",
    valueType: "proportion",
    definition: "Infants totally or partially breastfed at 6 to 8 weeks, as a share of infants due a 6 to 8 week review, as OHID publishes it.",
  },
  {
    id: FINGERTIPS_IDS.under18Conceptions,
    title: "Under 18s conception rate per 1,000 (as published by OHID)",
    short: "Under-18 conceptions (OHID)",
    unit: "per 1,000",
    polarity: "low_is_good",
    valueType: "crude rate",
    definition: "Conceptions in women aged under 18 per 1,000 females aged 15-17, as OHID publishes it.",
  },
  {
    id: FINGERTIPS_IDS.schoolReadiness,
    title: "School readiness: children achieving a good level of development at the end of Reception (as published by OHID)",
    short: "School readiness (OHID)",
    unit: "%",
    polarity: "high_is_good",
    valueType: "proportion",
    domain: "school",
    academicYears: true,
    definition: "Children achieving a good level of development at the end of Reception, as a share of all eligible children, as OHID publishes it.",
  },
  {
    // Polarity: the real export flags areas below England as "Better" (Medway 2015: 71.6 against 94.7).
    id: FINGERTIPS_IDS.campylobacter,
    title: "Campylobacter incidence rate per 100,000 (as published by OHID)",
    short: "Campylobacter incidence (OHID)",
    unit: "per 100,000",
    polarity: "low_is_good",
    valueType: "crude rate",
    definition: "Laboratory-confirmed Campylobacter cases per 100,000 residents, as OHID publishes it.",
  },
];
