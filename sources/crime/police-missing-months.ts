/**
 * Months of police.uk street-level crime known to be missing: missing data, never zero crimes.
 * A force's month is missing when its only file for the month has a header and no rows, or when
 * the force has no data for a month between the build's first and last street month (police.uk
 * publishes nothing for a force some months). A file named for a month (`2019-02-kent-street.csv`)
 * gives the force that month only (a few late rows of another month do not stand for that
 * month's file); a file named for no month (a council's combined export) gives every month of its
 * rows. A file's force is its rows' `Falls within`, or for a header-only file that of the other
 * files with the same force in the name (`kent`).
 *
 * Tables (rebuilt each run):
 * - `staging.crime_missing_months(month, force, falls_within, file, reason)`: one row per missing
 *   month and force (`file` NULL for a month with no file; `month` NULL when a header-only file's
 *   name gives none).
 * - `staging.crime_missing_lsoa_months(month, lsoa_code, reason)`: one row per missing month and
 *   LSOA of the authorities of the build the force covers (`FORCE_COVERS_SHARE`; an LSOA with no
 *   crime in the files loaded is covered too; `lsoa_code` NULL: the force is unknown, every LSOA);
 *   and per month and LSOA of an authority no territorial force's file places any crime in that
 *   month (`NON_TERRITORIAL_FORCES`: only British Transport Police's, or none): its force has no
 *   data then (police.uk has none for Greater Manchester Police from July 2019), and a real
 *   authority never records no crime in a month. The crime indicators read it (`missing` in their
 *   definition): every period containing the month is withheld for the areas of those LSOAs,
 *   with the reason.
 */
import path from "node:path";
import type { Context } from "../../pipelines/core/context.ts";
import { messages, monthSpans } from "../../pipelines/core/messages.ts";
import { displayPath } from "../files.ts";
import { STREET_KEYS } from "./police-files.ts";
import { literal, strptimeSql } from "../../pipelines/core/warehouse.ts";

/**
 * A force covers an authority of the build when it placed at least this share of the crimes
 * placed there. Police force areas are whole authorities, so that is the authority's own force;
 * a neighbour's cross-border crimes, or British Transport Police's, do not make it cover one (its
 * missing month is still warned, but does not withhold that authority's values).
 */
export const FORCE_COVERS_SHARE = 0.1;

/**
 * The forces whose `Falls within` is no police force area: British Transport Police police the
 * railways across every area, so their crimes in an authority never stand for its own force's.
 * They never cover an authority, and a month with only their crimes is missing data there.
 */
export const NON_TERRITORIAL_FORCES: readonly string[] = ["British Transport Police"];

/**
 * `_crime_lad_months(lad_code, month, falls_within, n)` (temporary): the crimes placed in each
 * authority of the build each month by each force, from one scan of `staging.crime_events`; the
 * conform's checks (coverage, missing months, volumes, plausible rates) read it. Dropped by the caller.
 */
export const CRIME_LAD_MONTHS = "_crime_lad_months";

/** Make `CRIME_LAD_MONTHS` (see there). */
export async function placedByAuthority(db: Context["db"]): Promise<void> {
  // Summed by LSOA first: the join to the lookup then takes one row per LSOA, month and force, not one per crime.
  await db.run(`CREATE OR REPLACE TEMP TABLE ${CRIME_LAD_MONTHS} AS
    SELECT w.lad_code, e.month, e.falls_within, sum(e.n)::INTEGER AS n
    FROM (SELECT lsoa_code, month, falls_within::VARCHAR AS falls_within, count(*) AS n FROM staging.crime_events GROUP BY ALL) e
    JOIN ref.lsoa_ward w USING (lsoa_code) GROUP BY ALL`);
}

/** SQL: the build's authorities with their names (`lad_code, lad_name`). */
export const AUTHORITIES_SQL = `(SELECT lad_code, coalesce(any_value(lad_name), lad_code) AS lad_name FROM ref.lsoa_ward GROUP BY 1)`;

/**
 * SQL: the authorities the build is about (`geography.authorities`, else the parent), with their
 * names: the checks of whole authorities (no territorial force, implausibly low crime) look at
 * these only, not at every authority of a national lookup, whose forces' files were not given.
 */
export const ownAuthoritiesSql = (config: Context["config"]) =>
  `(SELECT * FROM ${AUTHORITIES_SQL} WHERE lad_code IN (${(config.geography.authorities ?? [config.parent]).map(literal).join(", ")}))`;


/** The table the crime indicators read for missing months. */
export const CRIME_MISSING_LSOA_MONTHS = "staging.crime_missing_lsoa_months";

/**
 * Record the missing months of the street files (see module doc) and warn once per header-only
 * file, per force with months without a file and per authority with months no territorial force's
 * file places a crime in. Reads `CRIME_LAD_MONTHS` (`placedByAuthority`).
 */
export async function recordMissingMonths(ctx: Context): Promise<void> {
  const { db } = ctx;
  // One row per street file: its month, force (NULL when unknown) and rows.
  await db.run(`CREATE OR REPLACE TEMP TABLE _street_keys AS
    SELECT _file, ${strptimeSql("month", "%Y-%m")}::DATE AS month, force, sum(rows)::INTEGER AS n FROM ${STREET_KEYS} GROUP BY ALL`);
  await db.run(`CREATE OR REPLACE TEMP TABLE _street_files AS
    WITH files AS (
      SELECT _file, ${strptimeSql("nullif(regexp_extract(_file, '([0-9]{4}-[0-9]{2})-[^/\\\\]*$', 1), '')", "%Y-%m")}::DATE AS name_month,
             nullif(regexp_extract(_file, '[0-9]{4}-[0-9]{2}-(.+?)-street[^/\\\\]*$', 1), '') AS slug
      FROM raw_police_files WHERE kind = 'street'
    ),
    per_file AS (SELECT _file, first(month ORDER BY n DESC, month) AS month, first(force ORDER BY n DESC, force) AS force, sum(n)::INTEGER AS n FROM _street_keys GROUP BY 1),
    known AS (
      SELECT f._file, f.slug, f.name_month, coalesce(f.name_month, p.month) AS month, p.force, coalesce(p.n, 0) AS n,
             f._file IN (SELECT path FROM audit.loads WHERE source = 'police_uk_street' AND rows_read = 0) AS header_only
      FROM files f LEFT JOIN per_file p USING (_file)
    ),
    slug_force AS (SELECT slug, first(force ORDER BY force) AS force FROM known WHERE slug IS NOT NULL AND force IS NOT NULL GROUP BY 1)
    SELECT k._file, k.slug, k.name_month, k.month, coalesce(k.force, s.force) AS force, k.n, k.header_only
    FROM known k LEFT JOIN slug_force s USING (slug)`);
  // The months each force has data for: a file named for a month gives that month only (a few
  // late rows of another month do not make it present); a file named for none, every month of its rows.
  await db.run(`CREATE OR REPLACE TEMP TABLE _street_present AS
    SELECT DISTINCT k.month, k.force FROM _street_keys k JOIN _street_files f USING (_file)
    WHERE k.month IS NOT NULL AND (f.name_month IS NULL OR k.month = f.name_month)`);
  const headerOnly = await db.all<{ _file: string; slug: string | null; month: string | null; force: string | null }>(
    `SELECT _file, slug, strftime(month, '%Y-%m') AS month, force FROM _street_files s WHERE header_only
       AND NOT EXISTS (SELECT 1 FROM _street_present x WHERE x.month = s.month AND x.force = s.force) ORDER BY _file`,
  );
  // The build's street months: from its first to its last month of a file (header-only ones too).
  await db.run(`CREATE OR REPLACE TEMP TABLE _street_months AS
    WITH present AS (SELECT month, force FROM _street_present UNION SELECT month, force FROM _street_files WHERE header_only AND month IS NOT NULL),
    span AS (SELECT min(month) AS first, max(month) AS last FROM present)
    SELECT unnest(generate_series(first, last, INTERVAL 1 MONTH))::DATE AS month FROM span WHERE first IS NOT NULL`);
  // Months with no file of a force between the build's first and last street month.
  const noFile = await db.all<{ month: string; force: string; slug: string | null; first: string; last: string }>(
    `WITH present AS (SELECT month, force FROM _street_present UNION SELECT month, force FROM _street_files WHERE header_only AND month IS NOT NULL),
     span AS (SELECT min(month) AS first, max(month) AS last FROM present),
     months AS (SELECT month FROM _street_months),
     forces AS (SELECT DISTINCT p.force, (SELECT first(slug ORDER BY slug) FROM _street_files f WHERE f.force = p.force) AS slug FROM present p WHERE p.force IS NOT NULL)
     SELECT strftime(m.month, '%Y-%m') AS month, f.force, f.slug, strftime(s.first, '%Y-%m') AS first, strftime(s.last, '%Y-%m') AS last
     FROM months m CROSS JOIN forces f CROSS JOIN span s
     WHERE NOT EXISTS (SELECT 1 FROM present x WHERE x.force = f.force AND x.month = m.month) ORDER BY f.force, m.month`,
  );
  const rows = [
    ...headerOnly.map((h) => ({
      month: h.month && `${h.month}-01`, force: h.slug, falls_within: h.force, file: displayPath(ctx.config, h._file),
      reason: h.month && messages.crimeMonthHeaderOnly(h.month, path.basename(h._file)),
    })),
    ...noFile.map((g) => ({ month: `${g.month}-01`, force: g.slug, falls_within: g.force, file: null, reason: messages.crimeMonthNoFile(g.month, g.force) })),
  ];
  await db.run(`CREATE OR REPLACE TABLE staging.crime_missing_months (month DATE, force VARCHAR, falls_within VARCHAR, file VARCHAR, reason VARCHAR)`);
  await db.insertRows("staging.crime_missing_months", ["month", "force", "falls_within", "file", "reason"], rows);
  const territorial = `falls_within NOT IN (${NON_TERRITORIAL_FORCES.map(literal).join(", ")})`;
  // The LSOA months the forces' missing months withhold: those of the authorities each force covers.
  await db.run(`CREATE OR REPLACE TEMP TABLE _force_missing AS
    WITH placed AS (SELECT falls_within, lad_code, sum(n) AS n FROM ${CRIME_LAD_MONTHS} WHERE ${territorial} GROUP BY ALL),
    covers AS (SELECT falls_within, lad_code FROM placed QUALIFY n >= ${FORCE_COVERS_SHARE} * sum(n) OVER (PARTITION BY lad_code))
    SELECT DISTINCT m.month, l.lsoa_code, m.reason FROM staging.crime_missing_months m
    JOIN covers c ON c.falls_within = m.falls_within
    JOIN ref.lsoa_ward l ON l.lad_code = c.lad_code WHERE m.month IS NOT NULL
    UNION ALL
    SELECT month, NULL, reason FROM staging.crime_missing_months WHERE month IS NOT NULL AND falls_within IS NULL`);
  // The authority months of the build no territorial force's file places a crime in, not withheld already.
  const uncovered = await db.all<{ lad_code: string; lad_name: string; month: string }>(
    `WITH placed AS (SELECT DISTINCT lad_code, month FROM ${CRIME_LAD_MONTHS} WHERE ${territorial}),
     withheld AS (SELECT DISTINCT w.lad_code, f.month FROM _force_missing f JOIN ref.lsoa_ward w USING (lsoa_code)
                  UNION SELECT a.lad_code, f.month FROM _force_missing f CROSS JOIN ${AUTHORITIES_SQL} a WHERE f.lsoa_code IS NULL)
     SELECT a.lad_code, a.lad_name, strftime(m.month, '%Y-%m') AS month FROM ${ownAuthoritiesSql(ctx.config)} a CROSS JOIN _street_months m
     WHERE NOT EXISTS (SELECT 1 FROM placed p WHERE p.lad_code = a.lad_code AND p.month = m.month)
       AND NOT EXISTS (SELECT 1 FROM withheld x WHERE x.lad_code = a.lad_code AND x.month = m.month)
     ORDER BY a.lad_code, m.month`,
  );
  await db.run(`CREATE OR REPLACE TEMP TABLE _uncovered (lad_code VARCHAR, month DATE, reason VARCHAR)`);
  await db.insertRows("_uncovered", ["lad_code", "month", "reason"], uncovered.map((u) => ({
    lad_code: u.lad_code, month: `${u.month}-01`, reason: messages.crimeMonthNoTerritorialForce(u.month, u.lad_name),
  })));
  await db.run(`CREATE OR REPLACE TABLE ${CRIME_MISSING_LSOA_MONTHS} AS
    SELECT month, lsoa_code, reason FROM _force_missing
    UNION ALL
    SELECT u.month, l.lsoa_code, u.reason FROM _uncovered u JOIN ref.lsoa_ward l USING (lad_code)
    ORDER BY ALL`);
  await db.run(`DROP TABLE _street_keys; DROP TABLE _street_files; DROP TABLE _street_present; DROP TABLE _street_months; DROP TABLE _force_missing; DROP TABLE _uncovered`);
  for (const h of headerOnly) {
    const file = displayPath(ctx.config, h._file);
    await db.recordWarning("conform", "crime_empty_month", file, messages.crimeEmptyMonth("street-level crime", file, h.month ?? "its month"));
  }
  const byForce = new Map<string, typeof noFile>();
  for (const g of noFile) byForce.set(g.force, [...(byForce.get(g.force) ?? []), g]);
  for (const [force, months] of byForce) {
    await db.recordWarning("conform", "crime_month_without_file", force, messages.crimeMonthsWithoutFile(force, months.map((g) => g.month), months[0]!.first, months[0]!.last));
  }
  const byAuthority = new Map<string, typeof uncovered>();
  for (const u of uncovered) byAuthority.set(u.lad_code, [...(byAuthority.get(u.lad_code) ?? []), u]);
  for (const months of byAuthority.values()) {
    const name = months[0]!.lad_name;
    await db.recordWarning("conform", "crime_no_territorial_force", name, messages.crimeNoTerritorialForce(name, monthSpans(months.map((u) => u.month)), months.length));
  }
}
