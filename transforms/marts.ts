/**
 * The warehouse contract: DDL and TypeScript row types of the core tables that analysts,
 * notebooks and the pack read. Changing a column here is a breaking change (README "Warehouse").
 */
import path from "node:path";
import type { Warehouse } from "../pipelines/core/warehouse.ts";
import { DOMAINS, METHODS, POLARITIES } from "./indicators/define.ts";

/** Comparison outcome, Fingertips style. */
export type Outcome = "better" | "similar" | "worse" | "higher" | "lower" | "not_compared";
/** Which way is good. */
export type Polarity = "high_is_good" | "low_is_good" | "no_judgement";
/** Kinds of comparator a focus area is compared with. */
export type ComparatorKind = "parent" | "rest_of_parent" | "county" | "region" | "country" | "similar_wards" | "deprivation_decile";

/** One row per area (LSOA, ward, locality, authority, region, country) and code vintage. */
export interface AreaRow {
  area_code: string;
  area_name: string;
  area_type: "lsoa" | "ward" | "locality" | "authority" | "county" | "region" | "country";
  parent_code: string | null;
  vintage: string;
}

/**
 * `marts.indicator_values`: one row per indicator, area, period and breakdown.
 * `value` and limits are null when suppressed or not computable (`suppression_reason` says why).
 */
export interface IndicatorValueRow {
  indicator_id: string;
  area_code: string;
  area_type: string;
  period_type: string;
  period_label: string;
  period_start: string; // YYYY-MM-DD
  period_end: string; // YYYY-MM-DD (inclusive)
  breakdown: string; // "all" when not broken down
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  lower95: number | null;
  upper95: number | null;
  lower998: number | null;
  upper998: number | null;
  method: string;
  is_suppressed: boolean;
  suppression_reason: string | null;
}

/** A value's key and counts. */
export type ValueKey = Pick<IndicatorValueRow, "indicator_id" | "area_code" | "area_type" | "period_type" | "period_label" | "period_start" | "period_end" | "breakdown" | "numerator" | "denominator">;

/** A value's statistics (an estimate's, or none when withheld), with the counts it publishes where they are not its key's. */
export type ValueStats = Omit<IndicatorValueRow, keyof ValueKey> & Partial<Pick<IndicatorValueRow, "numerator" | "denominator">>;

/** A value's statistics when it is withheld: no value or limits, `numerator` shown (null: hidden), the key's denominator or `denominator`, and why. */
export const withheldStats = (method: string, reason: string, numerator: number | null = null, denominator?: number | null): ValueStats => ({
  numerator, denominator, value: null, lower95: null, upper95: null, lower998: null, upper998: null, method, is_suppressed: true, suppression_reason: reason,
});

/**
 * A row of `marts.indicator_values` from its key and its statistics, written out property by
 * property. Not `{ ...key, ...stats }`: V8 in Node 20 copies an object spread into a literal of
 * more properties on a slow path, about 15 microseconds a row (1.7 s of a national build's survey
 * values, its 100,000 rows mostly withheld ward bases).
 */
export function valueRowOf(key: ValueKey, s: ValueStats): IndicatorValueRow {
  return {
    indicator_id: key.indicator_id, area_code: key.area_code, area_type: key.area_type, period_type: key.period_type, period_label: key.period_label,
    period_start: key.period_start, period_end: key.period_end, breakdown: key.breakdown,
    numerator: s.numerator === undefined ? key.numerator : s.numerator, denominator: s.denominator === undefined ? key.denominator : s.denominator,
    value: s.value, lower95: s.lower95, upper95: s.upper95, lower998: s.lower998, upper998: s.upper998,
    method: s.method, is_suppressed: s.is_suppressed, suppression_reason: s.suppression_reason,
  };
}

/** `marts.indicator_comparisons`: one row per focus/compared area, period, breakdown and comparator. */
export interface IndicatorComparisonRow {
  indicator_id: string;
  area_code: string;
  period_label: string;
  breakdown: string;
  comparator_code: string;
  comparator_kind: ComparatorKind;
  comparator_value: number | null;
  outcome: Outcome;
  level: "95" | "99.8";
  method: string;
}

/** `marts.indicator_trends`: Fingertips recent trend, one row per indicator, area, breakdown and annual period type. */
export interface IndicatorTrendRow {
  indicator_id: string;
  area_code: string;
  breakdown: string;
  period_type: string;
  first_period: string | null;
  last_period: string | null;
  points: number;
  direction: "increasing" | "decreasing" | "no significant change" | "cannot be calculated";
  chi_squared: number | null;
  slope: number | null;
  method: string;
  note: string | null;
}

/** `marts.outcomes`: the outcomes framework, one row per indicator, area and breakdown (baseline vs latest). */
export interface OutcomeRow {
  indicator_id: string;
  area_code: string;
  breakdown: string;
  period_type: string;
  baseline_period: string;
  baseline_value: number | null;
  baseline_lower95: number | null;
  baseline_upper95: number | null;
  latest_period: string;
  latest_value: number | null;
  latest_lower95: number | null;
  latest_upper95: number | null;
  change: number | null;
  change_lower95: number | null;
  change_upper95: number | null;
  change_kind: "difference" | "ratio";
  significant: boolean;
  /** improved | worsened | no significant change | increased | decreased | not comparable */
  direction: string;
  target_description: string | null;
  target_value: number | null;
  target_period: string | null;
  /** Share of the targeted change achieved so far (100 = target reached); null without a target. */
  progress_pct: number | null;
  target_met: boolean | null;
  note: string | null;
}

/** `marts.need_index`: the composite need ranking of wards, one row per ward. */
export interface NeedIndexRow {
  area_code: string;
  area_name: string;
  score: number;
  rank: number;
  tier: string;
  indicators_used: number;
  /** Rank range across the alternative weighting schemes in `marts.need_index_sensitivity`. */
  rank_min: number;
  rank_max: number;
}

/** `marts.need_index_localities`: a locality of the config on the wards' need scale, one row per locality. */
export interface NeedLocalityRow {
  area_code: string;
  area_name: string;
  wards: number;
  score: number;
  /** 1 = highest need among the localities. */
  rank: number;
  tier: string;
  indicators_used: number;
  /** The rank its score would have among the wards. */
  ward_rank: number;
}

/** DDL of the core tables (idempotent). */
export const CORE_DDL = `
CREATE TABLE IF NOT EXISTS ref.areas (
  area_code VARCHAR NOT NULL, area_name VARCHAR NOT NULL, area_type VARCHAR NOT NULL,
  parent_code VARCHAR, vintage VARCHAR NOT NULL,
  PRIMARY KEY (area_code, vintage));
CREATE TABLE IF NOT EXISTS marts.indicator_values (
  indicator_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL, area_type VARCHAR NOT NULL,
  period_type VARCHAR NOT NULL, period_label VARCHAR NOT NULL,
  period_start DATE NOT NULL, period_end DATE NOT NULL, breakdown VARCHAR NOT NULL,
  numerator DOUBLE, denominator DOUBLE, value DOUBLE,
  lower95 DOUBLE, upper95 DOUBLE, lower998 DOUBLE, upper998 DOUBLE,
  method VARCHAR NOT NULL, is_suppressed BOOLEAN NOT NULL, suppression_reason VARCHAR);
CREATE TABLE IF NOT EXISTS marts.indicator_comparisons (
  indicator_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL, period_label VARCHAR NOT NULL,
  breakdown VARCHAR NOT NULL, comparator_code VARCHAR NOT NULL, comparator_kind VARCHAR NOT NULL,
  comparator_value DOUBLE, outcome VARCHAR NOT NULL, level VARCHAR NOT NULL, method VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS marts.indicator_trends (
  indicator_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL, breakdown VARCHAR NOT NULL, period_type VARCHAR NOT NULL,
  first_period VARCHAR, last_period VARCHAR, points INTEGER NOT NULL, direction VARCHAR NOT NULL,
  chi_squared DOUBLE, slope DOUBLE, method VARCHAR NOT NULL, note VARCHAR);
CREATE TABLE IF NOT EXISTS marts.outcomes (
  indicator_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL, breakdown VARCHAR NOT NULL, period_type VARCHAR NOT NULL,
  baseline_period VARCHAR NOT NULL, baseline_value DOUBLE, baseline_lower95 DOUBLE, baseline_upper95 DOUBLE,
  latest_period VARCHAR NOT NULL, latest_value DOUBLE, latest_lower95 DOUBLE, latest_upper95 DOUBLE,
  change DOUBLE, change_lower95 DOUBLE, change_upper95 DOUBLE, change_kind VARCHAR NOT NULL, significant BOOLEAN NOT NULL,
  direction VARCHAR NOT NULL, target_description VARCHAR, target_value DOUBLE, target_period VARCHAR,
  progress_pct DOUBLE, target_met BOOLEAN, note VARCHAR);
CREATE TABLE IF NOT EXISTS marts.need_index (
  area_code VARCHAR NOT NULL, area_name VARCHAR NOT NULL, score DOUBLE NOT NULL, rank INTEGER NOT NULL, tier VARCHAR NOT NULL,
  indicators_used INTEGER NOT NULL, rank_min INTEGER NOT NULL, rank_max INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS marts.need_index_localities (
  area_code VARCHAR NOT NULL, area_name VARCHAR NOT NULL, wards INTEGER NOT NULL, score DOUBLE NOT NULL, rank INTEGER NOT NULL, tier VARCHAR NOT NULL,
  indicators_used INTEGER NOT NULL, ward_rank INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS marts.need_index_components (
  area_code VARCHAR NOT NULL, indicator_id VARCHAR NOT NULL, domain VARCHAR NOT NULL, period_label VARCHAR NOT NULL,
  value DOUBLE, z_signed DOUBLE, weight DOUBLE NOT NULL);
CREATE TABLE IF NOT EXISTS marts.need_index_sensitivity (
  scheme VARCHAR NOT NULL, area_code VARCHAR NOT NULL, score DOUBLE NOT NULL, rank INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS marts.baselines (
  indicator_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL, breakdown VARCHAR NOT NULL, period_type VARCHAR NOT NULL,
  period_label VARCHAR NOT NULL, numerator DOUBLE, denominator DOUBLE, value DOUBLE, lower95 DOUBLE, upper95 DOUBLE,
  lower998 DOUBLE, upper998 DOUBLE, is_suppressed BOOLEAN NOT NULL, inputs_sha256 VARCHAR NOT NULL, frozen_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS audit.baseline_revisions (
  indicator_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL, breakdown VARCHAR NOT NULL, period_label VARCHAR NOT NULL,
  frozen_value DOUBLE, revised_value DOUBLE, frozen_inputs_sha256 VARCHAR, revised_inputs_sha256 VARCHAR, action VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS audit.source_files (slot VARCHAR NOT NULL, path VARCHAR NOT NULL, sha256 VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS audit.runs (
  run_id VARCHAR NOT NULL, mode VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP,
  status VARCHAR NOT NULL, changes JSON);
CREATE TABLE IF NOT EXISTS audit.loads (
  source VARCHAR NOT NULL, path VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, bytes BIGINT NOT NULL,
  raw_table VARCHAR NOT NULL, rows_read BIGINT NOT NULL, rows_loaded BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL, loaded_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS audit.rejects (
  source VARCHAR NOT NULL, path VARCHAR NOT NULL, line BIGINT, "column" VARCHAR,
  reason VARCHAR NOT NULL, raw_line VARCHAR);
CREATE TABLE IF NOT EXISTS audit.warnings (
  stage VARCHAR NOT NULL, code VARCHAR NOT NULL, subject VARCHAR, message VARCHAR NOT NULL, slot VARCHAR);
ALTER TABLE audit.warnings ADD COLUMN IF NOT EXISTS slot VARCHAR;
CREATE TABLE IF NOT EXISTS audit.source_state (slot VARCHAR NOT NULL, setup VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS audit.file_hashes (path VARCHAR NOT NULL, bytes BIGINT NOT NULL, mtime_ms BIGINT NOT NULL, sha256 VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS audit.project (base_dir VARCHAR NOT NULL);
`;

/** Create the core tables if they do not exist. */
export async function createCoreTables(db: Warehouse): Promise<void> {
  await db.run(CORE_DDL);
}

/** A contract table's description and one for each of its columns (`COMMENT ON`, Parquet export). */
export interface ContractTable {
  table: string;
  columns: Record<string, string>;
}

const PERIOD = "period label as published, e.g. 2023/24, 2024-04 or Apr 2023 to Mar 2024";
const AREA = "ONS-style area code (ward, LSOA, authority, region, country, rest-of-authority <parent>_EXCL_<focus>, comparator group)";
const INDICATOR = "indicator id, <domain>.<name>, e.g. crime.asb_rate";
const BREAKDOWN = "all, or a breakdown: boys/girls, language:<code>, choice:<code>";

/**
 * The warehouse's stable contract (README "Warehouse"): what each table and column means, written
 * into the DuckDB file with `COMMENT ON` so it documents itself (`duckdb_tables()`,
 * `duckdb_columns()`), and the tables exported as Parquet beside it.
 */
export const CONTRACT: Record<string, ContractTable> = {
  "ref.areas": {
    table: "One row per area and code vintage: LSOAs, wards, localities, the authority, the rest of it, region and country.",
    columns: {
      area_code: AREA, area_name: "area name as the lookup gives it", area_type: "lsoa, ward, locality, authority, county (a district's shire county), rest_of_authority, region or country",
      parent_code: "code of the area it sits in (null at the top)", vintage: "code vintage, e.g. WD24",
    },
  },
  "ref.lsoa_ward": {
    table: "One row per LSOA of the parent authority: its best-fit ward and authority.",
    columns: {
      lsoa_code: "LSOA code", lsoa_name: "LSOA name", ward_code: "best-fit ward code", ward_name: "ward name",
      lad_code: "local authority district code", lad_name: "local authority district name",
    },
  },
  "ref.area_members": {
    table: "One row per aggregate area (ward, locality, authority, rest of authority, comparator group) and member LSOA.",
    columns: { area_code: "aggregate area code", area_type: "type of the aggregate area", lsoa_code: "member LSOA code" },
  },
  "ref.similar_wards": {
    table: "One row per focus area and one of its statistically nearest wards (the similar_wards comparator).",
    columns: {
      focus_code: "focus area code", ward_code: "a similar ward's code", rank: "1 = most similar",
      distance: "distance from the focus area over the standardised variables", variables: "variables the distance was computed over",
    },
  },
  "ref.indicators": {
    table: "One row per indicator the build knows: what its values mean (title, unit, method, polarity, definition, source).",
    columns: {
      indicator_id: INDICATOR, domain: `domain: ${DOMAINS.join(", ")}`, title: "full title",
      short_title: "short title, as charts and tables name it", unit: "unit of the value, e.g. per 1,000, %, score, days",
      multiplier: "a rate or proportion is multiplied by this (1,000 for a rate per 1,000; 100 for a percentage)",
      method: `how values are made: ${METHODS.join(", ")}`,
      polarity: `${POLARITIES.join(", ")} (no_judgement: a context measure, described, never judged better or worse)`,
      period_types: "the period types it is measured over, comma-separated (financial_year, quarter, month, ...)",
      definition: "how it is computed, in a sentence", source: "where its numbers come from",
      min_count: "counts from 1 to one less than this are withheld (disclosure control)", min_base: "a survey value needs at least this many unweighted responses",
      in_need_index: "whether the need index uses it", repeats: "the indicator carrying the same counts another way, which this one repeats (null for most)",
      stands_in_for: "the indicator it stands in for, measured only when that one has no value (null for most)",
      value_rows: "its rows in marts.indicator_values in this build (0: known, but no data for it here)",
    },
  },
  "marts.indicator_values": {
    table: "One row per indicator, area, period and breakdown: the value with 95% and 99.8% confidence limits, or why it is withheld.",
    columns: {
      indicator_id: INDICATOR, area_code: AREA, area_type: "type of area (see ref.areas, plus comparator_group)",
      period_type: "period type, e.g. financial_year, academic_year, month, rolling_12_months, pooled_3_financial_years, snapshot",
      period_label: PERIOD, period_start: "first day of the period", period_end: "last day of the period (inclusive)", breakdown: BREAKDOWN,
      numerator: "count of events or people (null when suppressed)", denominator: "population or total the count is taken from",
      value: "the indicator value in its unit (rate per 1,000, percentage, score); null when suppressed or not computable",
      lower95: "lower 95% confidence limit", upper95: "upper 95% confidence limit",
      lower998: "lower 99.8% confidence limit", upper998: "upper 99.8% confidence limit",
      method: "statistical method of the value and its limits, e.g. Wilson, Byars, Exact",
      is_suppressed: "true when withheld for disclosure control (a count of 1 to 4, or recoverable by subtraction)",
      suppression_reason: "why the value or its limits are missing; null when both are given",
    },
  },
  "marts.indicator_comparisons": {
    table: "One row per indicator, area, period, breakdown, comparator and confidence level: Fingertips-style significance.",
    columns: {
      indicator_id: INDICATOR, area_code: "the compared area", period_label: PERIOD, breakdown: BREAKDOWN,
      comparator_code: "code of the area compared with", comparator_kind: "parent, rest_of_parent, county, region, country, similar_wards or deprivation_decile",
      comparator_value: "the comparator's value", outcome: "better, similar, worse (by polarity), higher or lower (no judgement), or not_compared",
      level: "confidence level of the comparison: 95 or 99.8", method: "how the comparison was made, e.g. area 95% interval vs comparator value (Fingertips)",
    },
  },
  "marts.indicator_trends": {
    table: "Fingertips recent trend: one row per indicator, area, breakdown and annual period type.",
    columns: {
      indicator_id: INDICATOR, area_code: AREA, breakdown: BREAKDOWN, period_type: "the annual period type the trend runs over",
      first_period: "first period of the trend", last_period: "last period of the trend", points: "number of periods used",
      direction: "increasing, decreasing, no significant change, or cannot be calculated", chi_squared: "chi-squared test statistic for trend",
      slope: "fitted slope per period", method: "trend test used, e.g. chi-squared test for trend (logit slope)", note: "why no trend was calculated, when it was not",
    },
  },
  "marts.series_breaks": {
    table: "Definition breaks: one row per indicator and break; values before break_start are not comparable with those after (no trend spans one; charts mark it).",
    columns: {
      indicator_id: INDICATOR, break_start: "the first day of the first period on the new definition",
      label: "the break in a few words, as charts mark it", reason: "why the series breaks (a catalogue declaration, an LSOA vintage, a source's value note, a population base)",
    },
  },
  "marts.outcomes": {
    table: "The outcomes framework: one row per tracked indicator, area and breakdown, baseline against latest, with the target.",
    columns: {
      indicator_id: INDICATOR, area_code: AREA, breakdown: BREAKDOWN, period_type: "period type of the tracked values",
      baseline_period: "the frozen baseline period", baseline_value: "value in the baseline period",
      baseline_lower95: "lower 95% limit of the baseline value", baseline_upper95: "upper 95% limit of the baseline value",
      latest_period: "the latest period", latest_value: "value in the latest period",
      latest_lower95: "lower 95% limit of the latest value", latest_upper95: "upper 95% limit of the latest value",
      change: "latest against baseline (a difference or a ratio, see change_kind)", change_lower95: "lower 95% limit of the change",
      change_upper95: "upper 95% limit of the change", change_kind: "difference or ratio", significant: "true when the change is significant at 95%",
      direction: "improved, worsened, no significant change, increased, decreased or not comparable",
      target_description: "the configured target in words", target_value: "the value the target aims at", target_period: "the period the target is due",
      progress_pct: "share of the targeted change achieved so far (100 = reached); null without a target",
      target_met: "true when the target is met; null without a target", note: "caveats of this row",
    },
  },
  "marts.baselines": {
    table: "Baseline values frozen at the first build that had the baseline period; later revisions are reported, not applied.",
    columns: {
      indicator_id: INDICATOR, area_code: AREA, breakdown: BREAKDOWN, period_type: "period type", period_label: "the baseline period",
      numerator: "frozen numerator", denominator: "frozen denominator", value: "frozen value",
      lower95: "frozen lower 95% limit", upper95: "frozen upper 95% limit", lower998: "frozen lower 99.8% limit", upper998: "frozen upper 99.8% limit",
      is_suppressed: "frozen suppression flag", inputs_sha256: "hash of the input files the value was measured from", frozen_at: "build time it was frozen",
    },
  },
  "marts.need_index": {
    table: "The composite need ranking of wards: one row per ward.",
    columns: {
      area_code: "ward code", area_name: "ward name", score: "composite need score (mean of signed z-scores, higher = more need)",
      rank: "1 = highest need", tier: "need tier of the rank", indicators_used: "number of indicators in the score",
      rank_min: "best rank across the alternative weighting schemes", rank_max: "worst rank across the alternative weighting schemes",
    },
  },
  "marts.crime_by_lsoa_month": {
    table: "Figure mart: police.uk crimes placed in the build, one row per LSOA, month and crime type (transforms/figure-marts.ts).",
    columns: { lsoa_code: "LSOA code", ward_code: "ward code", lad_code: "authority code", month: "month as YYYY-MM", crime_type: "police.uk crime type", crimes: "crimes and ASB incidents" },
  },
  "marts.crime_by_month": {
    table: "Figure mart: police.uk crimes placed in the build, one row per ward, month and crime type (summed from marts.crime_by_lsoa_month).",
    columns: { ward_code: "ward code", lad_code: "authority code", month: "month as YYYY-MM", crime_type: "police.uk crime type", crimes: "crimes and ASB incidents" },
  },
  "marts.crime_unplaced": {
    table: "Figure mart: police.uk street rows not placed in a ward of the build, one row per reason.",
    columns: { reason: "no location, not in the lookup, or authority not in this build", crimes: "rows (each crime counted once)" },
  },
  "marts.lsoa_deprivation": {
    table: "Figure mart: every LSOA of the lookup with its ward and Index of Multiple Deprivation score and decile.",
    columns: { lsoa_code: "LSOA code", lsoa_name: "LSOA name (the code when the lookup has none)", ward_code: "ward code", lad_code: "authority code", imd_score: "IMD score", imd_decile: "IMD decile (1 = most deprived 10% of the nation's LSOAs: the IMD in England, the WIMD in Wales)" },
  },
  "marts.lsoa_population": {
    table: "Figure mart: residents of every LSOA of the lookup by mid-year, all ages (persons).",
    columns: { lsoa_code: "LSOA code", lsoa_name: "LSOA name (the code when the lookup has none)", ward_code: "ward code", lad_code: "authority code", year: "mid-year", population: "residents, all ages" },
  },
  "marts.complaints_by_month": {
    table: "Figure mart: council cases by ward, LSOA (when the export has one), month, category, service, channel and status, with the repeats and the days to resolve of the resolved cases. No case row and no personal field.",
    columns: {
      ward_code: "ward code (null when the case was not placed)", lsoa_code: "LSOA code when the export gave one", month: "month received as YYYY-MM",
      financial_year: "first calendar year of the financial year received (2024 = 2024/25)", category: "case category (Not recorded when blank)",
      service: "service", channel: "channel", status: "case status (e.g. Open, Closed, Withdrawn)", cases: "cases received",
      repeats: "cases marked repeats: the same address (UPRN, else postcode, else LSOA) had a case of the same category within the repeat window",
      days: "days to resolve of the resolved cases, sorted",
    },
  },
  "marts.complaints_by_category": {
    table: "Figure mart: council cases by ward, financial year and category (withdrawn cases left out), with the days to resolve of the resolved ones (summed from marts.complaints_by_month).",
    columns: {
      ward_code: "ward code", financial_year: "first calendar year of the financial year (2024 = 2024/25)", category: "case category (Not recorded when blank)",
      cases: "cases received", resolved: "cases with a days-to-resolve", days: "days to resolve of the resolved cases, sorted",
    },
  },
  "marts.population_by_band": {
    table: "Figure mart: residents by ward, year, sex and five-year age band (90 = 90 and over), summed from LSOAs.",
    columns: { ward_code: "ward code", lad_code: "authority code", year: "mid-year", sex: "F, M, or P (persons, when the source has no sex)", band: "first age of the band", population: "residents" },
  },
  "marts.survey_priorities": {
    table: "Figure mart: the codebook's priority questions (choose up to n), one row per survey wave and item: the weighted share of residents choosing it among those who chose any.",
    columns: {
      wave: "survey wave", period_label: "financial year the wave's fieldwork started in", item: "answer code", label: "answer label from the codebook",
      choosing: "respondents choosing the item", base: "respondents who chose at least one item", weighted_pct: "weighted share choosing the item (%)",
      unweighted_pct: "unweighted share (%)", lower95: "lower 95% limit (linearised, with replacement, strata ignored)", upper95: "upper 95% limit",
      rank: "1 = most chosen in the wave",
    },
  },
  "marts.survey_design": {
    table: "Figure mart: the cost of the survey weights, one row per wave and ward.",
    columns: {
      wave: "survey wave", ward_code: "ward code", interviews: "interviews", effective_n: "Kish's effective sample size (sum w)^2 / sum w^2",
      design_effect: "interviews over the effective sample size",
    },
  },
  "marts.need_index_localities": {
    table: "The localities of the config (groups of wards) on the need index: one row per locality, scored on the wards' scale and tiered by the managed wards' cut.",
    columns: {
      area_code: "locality code (from the config)", area_name: "locality name", wards: "number of wards in the locality",
      score: "composite need score on the wards' scale (each indicator standardised with the wards' mean and sd)", rank: "1 = highest need among the localities",
      tier: "managed when the score reaches the lowest managed ward's, else co-ordinated", indicators_used: "number of indicators in the score",
      ward_rank: "the rank the score would have among the wards",
    },
  },
  "marts.need_index_components": {
    table: "What each ward's need score is made of: one row per ward and indicator.",
    columns: {
      area_code: "ward code", indicator_id: INDICATOR, domain: "indicator domain", period_label: "period of the value used",
      value: "the ward's value", z_signed: "z-score signed so that higher means more need", weight: "weight in the score",
    },
  },
  "marts.need_index_sensitivity": {
    table: "The need score and rank of each ward under each alternative weighting scheme.",
    columns: { scheme: "weighting scheme", area_code: "ward code", score: "score under the scheme", rank: "rank under the scheme (1 = highest need)" },
  },
  "audit.loads": {
    table: "One row per input file loaded: always rows_read = rows_loaded + rows_rejected.",
    columns: {
      source: "source slot, e.g. crime", path: "input file as the build read it", sha256: "SHA-256 of the file", bytes: "file size in bytes",
      raw_table: "the temporary table the rows were read into (raw_*; the files themselves are the raw layer)", rows_read: "data rows read", rows_loaded: "rows loaded", rows_rejected: "rows rejected (see audit.rejects)",
      loaded_at: "build time of the load",
    },
  },
  "audit.rejects": {
    table: "One row per rejected input line, with what was wrong.",
    columns: {
      source: "source slot", path: "input file", line: "line number (the header is line 1)", column: "the column at fault, when one is",
      reason: "what was expected", raw_line: "the rejected line as read",
    },
  },
  "audit.warnings": {
    table: "One row per data-quality warning of the run.",
    columns: {
      stage: "build stage: load, conform, measure, compare, chart or pack", code: "warning code", subject: "what it is about (file, indicator, area)", message: "the warning in words",
      slot: "the source (config slot) whose load or conform raised it; empty for the later stages",
    },
  },
  "audit.source_files": {
    table: "One row per input file of this run, by config slot, with its content hash.",
    columns: { slot: "config slot", path: "input file", sha256: "SHA-256 of the file" },
  },
  "audit.source_state": {
    table: "One row per source of the run: what a refresh compares to decide which sources to read again.",
    columns: {
      slot: "config slot", setup: "hash of what the source's stages read but its own files (code, config, the sources it reads)",
      fingerprint: "hash of the setup and the SHA-256 of each of its files",
    },
  },
  "audit.project": {
    table: "One row: the folder of the config the warehouse was built from (a run from another folder rewrites the recorded paths under it: the project moved).",
    columns: { base_dir: "the config's folder" },
  },
  "audit.runs": {
    table: "One row per build or refresh run.",
    columns: {
      run_id: "run id from the build time, e.g. 20250630T120000Z", mode: "build or refresh", started_at: "build time it started",
      finished_at: "build time it finished", status: "running, published, or published with warnings", changes: "the run's change report (JSON)",
    },
  },
  "audit.measure_state": {
    table: "One row: the fingerprint the values were measured with (a refresh re-measures everything when it differs).",
    columns: { fingerprint: "hash of the measure code, indicator definitions, parent and focus" },
  },
  "audit.baseline_revisions": {
    table: "One row per baseline value whose inputs were revised after it was frozen.",
    columns: {
      indicator_id: INDICATOR, area_code: AREA, breakdown: BREAKDOWN, period_label: "the baseline period",
      frozen_value: "the value frozen", revised_value: "the value the revised inputs give", frozen_inputs_sha256: "inputs hash when frozen",
      revised_inputs_sha256: "inputs hash now", action: "what the build did: kept frozen or rebased",
    },
  },
};

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * Write the contract's descriptions into the warehouse (`COMMENT ON TABLE/COLUMN`). Tables a
 * build did not create (a source not configured) are skipped; a described column that does not
 * exist is an error, so the descriptions cannot drift from the tables.
 */
export async function commentContractTables(db: Warehouse): Promise<number> {
  // Only the comments that differ are written: a table kept from the last run (a refresh's copy)
  // has them already, and each COMMENT is a catalog change of its own (250 of them: 0.26 s a build).
  const where = `database_name = current_database()`;
  const tables = new Map((await db.all<{ t: string; c: string | null }>(`SELECT schema_name || '.' || table_name AS t, comment AS c FROM duckdb_tables() WHERE ${where}`))
    .map((r) => [r.t, r.c]));
  const columns = new Map((await db.all<{ k: string; c: string | null }>(
    `SELECT schema_name || '.' || table_name || '.' || column_name AS k, comment AS c FROM duckdb_columns() WHERE ${where}`)).map((r) => [r.k, r.c]));
  const sql: string[] = [];
  let n = 0;
  for (const [name, t] of Object.entries(CONTRACT)) {
    if (!tables.has(name)) continue;
    if (tables.get(name) !== t.table) sql.push(`COMMENT ON TABLE ${name} IS ${quote(t.table)}`);
    for (const [col, text] of Object.entries(t.columns)) if (columns.get(`${name}.${col}`) !== text) sql.push(`COMMENT ON COLUMN ${name}."${col}" IS ${quote(text)}`);
    n++;
  }
  if (sql.length) await db.run(sql.join(";\n"));
  return n;
}

/**
 * Export every contract table the build made as `<dir>/<schema>.<table>.parquet` (read by R,
 * pandas, Power BI, Arrow), each in the column order of the warehouse. Returns the file names.
 */
export async function exportContractParquet(db: Warehouse, dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const name of Object.keys(CONTRACT)) if (await db.hasTable(name)) names.push(name);
  const fileOf = (name: string) => `${name}.parquet`;
  // Each file on one DuckDB thread, as many files side by side as DuckDB has threads: a file
  // written in its table's row order from several threads held their row groups back until the
  // earlier ones were written, 350 MB at the end of a national build (its peak: 1.85 against
  // 1.6 GB). Without the order (preserve_insertion_order off) the files would differ from build to build.
  const threads = Number((await db.one<{ t: number }>(`SELECT current_setting('threads')::INTEGER AS t`))?.t ?? 1);
  // Largest first (by rows), so the connections finish together: in the contract's order the
  // crime-by-LSOA mart (half a second) started after the values and comparisons (a national
  // export 1.20-1.35 -> 1.15-1.17 s, four runs each).
  const rows = new Map((await db.all<{ t: string; n: number }>(
    `SELECT schema_name || '.' || table_name AS t, estimated_size::BIGINT AS n FROM duckdb_tables() WHERE database_name = current_database()`)).map((r) => [r.t, Number(r.n)]));
  const largestFirst = [...names].sort((a, b) => (rows.get(b) ?? 0) - (rows.get(a) ?? 0));
  await db.run(`SET threads = 1`);
  try {
    await db.runSideBySide(largestFirst.map((name) => `COPY ${name} TO ${quote(path.join(dir, fileOf(name)))} (FORMAT parquet, COMPRESSION zstd)`), threads);
  } finally {
    await db.run(`SET threads = ${threads}`);
  }
  return names.map(fileOf);
}
