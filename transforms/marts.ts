/**
 * The warehouse contract: DDL and TypeScript row types of the core tables that analysts,
 * notebooks and the pack read. Changing a column here is a breaking change (README "Warehouse").
 */
import type { Warehouse } from "../pipelines/core/warehouse.ts";

/** Comparison outcome, Fingertips style. */
export type Outcome = "better" | "similar" | "worse" | "higher" | "lower" | "not_compared";
/** Which way is good. */
export type Polarity = "high_is_good" | "low_is_good" | "no_judgement";
/** Kinds of comparator a focus area is compared with. */
export type ComparatorKind = "parent" | "rest_of_parent" | "region" | "country" | "similar_wards" | "deprivation_decile";

/** One row per area (LSOA, ward, locality, authority, region, country) and code vintage. */
export interface AreaRow {
  area_code: string;
  area_name: string;
  area_type: "lsoa" | "ward" | "locality" | "authority" | "region" | "country";
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
  stage VARCHAR NOT NULL, code VARCHAR NOT NULL, subject VARCHAR, message VARCHAR NOT NULL);
`;

/** Create the core tables if they do not exist. */
export async function createCoreTables(db: Warehouse): Promise<void> {
  await db.run(CORE_DDL);
}
