/**
 * The warehouse contract: DDL and TypeScript row types of the core tables that analysts,
 * notebooks and the pack read. Changing a column here is a breaking change (README "Warehouse").
 */
import type { Warehouse } from "../pipelines/warehouse.ts";

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
