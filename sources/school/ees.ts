/**
 * Shared parts of DfE Explore Education Statistics (EES) tidy CSVs: every EES data file starts with
 * the same time and geography columns (`time_period`, `time_identifier`, `geographic_level`,
 * `country_code` ... `new_la_code`, and at school level `school_urn`/`school_name`), then its own
 * filters and indicators. `time_period` is a 6-digit academic year (`202021` = 2020/21); codes
 * above the file's level are blank; LA codes change over time within one file (key on
 * `new_la_code`). EES markers (`x`, `c`, `z`, `:`, `low`, `u`) are coded missing values.
 */
import type { ColumnSpec } from "../csv-format.ts";

/** EES coded missing values (not `#DIV/0!`: that is an error, not a code). */
export const EES_MARKERS = ["x", "c", "z", ":", "low", "u", "SUPP", "NA"] as const;

/** Geographic levels read from EES files (others, e.g. Parliamentary constituency, are rejected by name). */
export const EES_LEVELS = ["National", "Regional", "Local authority", "School"] as const;

/** The time and geography columns every EES file carries (school columns only in school-level files). */
export const EES_GEOGRAPHY_COLUMNS: readonly ColumnSpec[] = [
  { name: "time_period", header: "time_period", kind: "integer", required: true },
  { name: "time_identifier", header: "time_identifier", required: true },
  { name: "geographic_level", header: "geographic_level", required: true, values: EES_LEVELS },
  { name: "country_code", header: "country_code" },
  { name: "country_name", header: "country_name" },
  { name: "region_code", header: "region_code" },
  { name: "region_name", header: "region_name" },
  { name: "old_la_code", header: "old_la_code" },
  { name: "la_name", header: "la_name" },
  { name: "new_la_code", header: "new_la_code" },
  { name: "school_urn", header: /^(school_urn|urn)$/i, optional: true },
  { name: "school_name", header: "school_name", optional: true },
];

/** A count column with EES markers. */
export const eesCount = (name: string): ColumnSpec => ({ name, header: name, kind: "integer", nonNegative: true, markers: EES_MARKERS });
/** A percentage column with EES markers. */
export const eesPercent = (name: string): ColumnSpec => ({ name, header: name, kind: "number", markers: EES_MARKERS });

/** A numeric cell as DOUBLE (thousands separators dropped; markers become NULL). */
export const eesNumber = (c: string) => `TRY_CAST(replace(trim(${c}), ',', '') AS DOUBLE)`;

/**
 * The standard EES columns as staged: academic year and its start date, level, the area code of the
 * row's level (country, region, `new_la_code`, or for a school row its LA), the school's URN and
 * its ward (through `staging.schools`, which must exist). `r` aliases the raw table (optional
 * columns absent from a file are NULL there).
 */
export function eesGeographySql(): string {
  const urn = "nullif(trim(r.school_urn), '')";
  return `trim(r.time_period) AS time_period, left(trim(r.time_period), 4) || '/' || right(trim(r.time_period), 2) AS academic_year,
    make_date(left(trim(r.time_period), 4)::INTEGER, 9, 1) AS period_date,
    trim(r.time_identifier) AS time_identifier, trim(r.geographic_level) AS geographic_level,
    CASE trim(r.geographic_level) WHEN 'National' THEN nullif(trim(r.country_code), '') WHEN 'Regional' THEN nullif(trim(r.region_code), '')
         ELSE nullif(trim(r.new_la_code), '') END AS area_code,
    nullif(trim(r.old_la_code), '') AS old_la_code,
    coalesce(nullif(trim(r.la_name), ''), nullif(trim(r.region_name), ''), nullif(trim(r.country_name), '')) AS area_name,
    CASE WHEN trim(r.geographic_level) = 'School' THEN ${urn} END AS urn,
    CASE WHEN trim(r.geographic_level) = 'School' THEN (SELECT s.ward_code FROM staging.schools s WHERE s.urn = ${urn} LIMIT 1) END AS ward_code`;
}

