/**
 * Economy and affordable warmth indicators: the claimant rate (Nomis claimant count, `NM_162_1`,
 * by LSOA or ward), the APS employment rate (authorities, as published), and the share of
 * households in fuel poverty (DESNZ sub-regional fuel poverty, by LSOA).
 */
import { defineIndicator, POPULATION_SOURCE, type IndicatorSpec } from "../define.ts";

/**
 * Claimant count rows that count: the total of both sexes, all ages (16+), the count itself (not
 * Nomis' own percentage). Rows by LSOA go to their ward through `ref.lsoa_ward`; rows by ward are
 * used as given, for months without LSOA rows (a file by ward and one by LSOA never double count).
 */
const CLAIMANTS = `(
  WITH c AS (
    SELECT n.area_code, n.period_start, n.value FROM staging.nomis_values n
    WHERE n.variable ILIKE 'claimant count%' AND coalesce(n.gender, 'Total') ILIKE 'total'
      AND (n.age IS NULL OR n.age ILIKE 'all%' OR n.age ILIKE '%16+%' OR n.age ILIKE '%16 and over%')
      AND coalesce(n.measures, 'Value') ILIKE 'value' AND n.value IS NOT NULL AND n.period_start IS NOT NULL
  ),
  by_lsoa AS (SELECT l.ward_code, c.period_start AS month, c.value AS claimants FROM c JOIN ref.lsoa_ward l ON l.lsoa_code = c.area_code),
  by_ward AS (
    SELECT c.area_code AS ward_code, c.period_start AS month, c.value AS claimants FROM c
    WHERE c.area_code IN (SELECT ward_code FROM ref.lsoa_ward) AND c.period_start NOT IN (SELECT month FROM by_lsoa)
  )
  SELECT * FROM by_lsoa UNION ALL SELECT * FROM by_ward
)`;

/** APS rows: the employment rate of residents aged 16-64, the published estimate (`Variable`). */
const APS = `(SELECT * FROM staging.nomis_values
  WHERE variable ILIKE 'employment rate - aged 16-64%' AND coalesce(measures, 'Variable') ILIKE 'variable' AND period_start IS NOT NULL)`;

/** Economy indicators. */
export const economyIndicators: IndicatorSpec[] = [
  defineIndicator({
    id: "economy.claimant_rate",
    domain: "economy",
    title: "Claimant rate: people claiming unemployment-related benefits, share of working-age residents",
    short: "Claimant rate",
    numerator: { kind: "events", from: CLAIMANTS, date: "month", area: "ward_code", sum: "claimants", stock: true },
    denominator: { population: "working_age" },
    method: "proportion",
    polarity: "low_is_good",
    periods: ["financial_year", "rolling_12_months", "month", "quarter"],
    source: `DWP claimant count (Nomis NM_162_1); ${POPULATION_SOURCE} (working-age residents)`,
    definition:
      "Claimants (Jobseeker's Allowance and Universal Credit claimants required to seek work; Nomis rounds each LSOA count to 5) over working-age residents: ONS ages 16-64 where single-year estimates are held, else IoD File 6's or 7's working-age column (18-59/64 in IoD2019, 18-66 in IoD2025). A month is that month's count; 12 months and financial years average the monthly counts (claimant-months over residents x months). Wilson interval on the counts.",
  }),
  defineIndicator({
    id: "economy.employment_rate",
    domain: "economy",
    title: "Employment rate: residents aged 16-64 in employment (Annual Population Survey)",
    short: "Employment rate (16-64)",
    numerator: {
      kind: "counts",
      from: APS,
      date: "period_end",
      area: "area_code",
      numerator: "value",
      denominator: "1",
      period: { label: "'12 months to ' || strftime(period_end, '%Y-%m')", start: "period_start", end: "period_end" },
    },
    method: "estimate",
    polarity: "high_is_good",
    periods: ["rolling_12_months"],
    source: "ONS Annual Population Survey (Nomis)",
    definition: "The APS estimate as published for each rolling year, for the authority (and region and England where the download has them). A survey estimate: Nomis publishes its confidence interval separately, so it is shown without one and not tested for significance. Not available by ward.",
  }),
  defineIndicator({
    id: "economy.fuel_poverty",
    domain: "economy",
    title: "Households in fuel poverty (Low Income Low Energy Efficiency)",
    short: "Fuel poverty",
    numerator: { kind: "counts", from: "staging.fuel_poverty_ward", date: "period_date", area: "area_code", numerator: "fuel_poor", denominator: "households" },
    method: "estimate",
    multiplier: 100,
    polarity: "low_is_good",
    periods: ["calendar_year"],
    source: "DESNZ sub-regional fuel poverty statistics (LSOA table)",
    definition:
      "Households in fuel poverty over all households, summed over the area's LSOAs (best fit to wards). DESNZ models these from the English Housing Survey and constrains them to regional totals: a modelled estimate with no sampling interval, so no Wilson interval is given and it is not tested for significance. DESNZ advises against reading year-to-year change at small-area level.",
  }),
];
