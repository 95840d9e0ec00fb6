/**
 * police.uk outcomes files (`YYYY-MM-<force>-outcomes.csv`): one row per outcome recorded in the
 * month, for crimes of that month or earlier ones (join to street crime on Crime ID across
 * months). No ASB (it has no Crime IDs). The no-location marker is `No location` (lowercase l)
 * and street names are upper case here. Grain of `staging.crime_outcomes`: one row per outcome
 * line; `placement` says how it was placed: `lsoa` (in a build LSOA), `no_location`, or
 * `outside_area` (an LSOA of another authority or nation). `crime_month` is the month of the
 * street-level crime with the same ID in the loaded street files, wherever it was (else NULL).
 */
import type { Context } from "../../pipelines/core/context.ts";
import { defineCsvFormat } from "../csv-format.ts";
import { registerFormats, type FileLoad } from "../load-csv.ts";
import { placeLsoaCodes } from "../geography/lsoa-vintage.ts";
import { loadKeptPerFile, POLICE_SHARED_COLUMNS, stageKeptPerFile, supersededSql } from "./police-files.ts";

/** police.uk outcomes CSV (10 columns). */
export const policeOutcomesFormat = defineCsvFormat({
  id: "police_uk_outcomes",
  title: "a police.uk outcomes file",
  rawTable: "raw_police_outcomes",
  grain: "one row per line of the police.uk outcomes files",
  columns: [
    { name: "crime_id", header: "Crime ID", required: true },
    ...POLICE_SHARED_COLUMNS,
    { name: "outcome_type", header: "Outcome type", required: true },
  ],
});
registerFormats(policeOutcomesFormat);

/** Per-file keys of the outcomes files (rows of each month and force in each), kept across runs for a refresh that only adds files. */
const OUTCOME_KEYS = "staging.crime_outcome_keys";
/** The tables a refresh that reads only added outcomes files builds on. */
export const OUTCOME_TABLES = [OUTCOME_KEYS, "staging.crime_outcomes"];

/**
 * Load outcomes files into `raw_police_outcomes`: all of them, or with `added` (a refresh whose
 * only change is files added) just those, the others' loads as recorded.
 */
export function loadOutcomes(ctx: Context, files: readonly string[], added: readonly string[] | null): Promise<FileLoad[]> {
  return loadKeptPerFile(ctx, "outcomes", policeOutcomesFormat, files, added);
}

/**
 * Stage outcomes into `staging.crime_outcomes` (see module doc); each crime's month from
 * `streetLines`, a table or query of Crime ID hashes (`crime_id`) with a month each (the street
 * lines, or each street file's first month of an ID). When only added files were read, the
 * earlier files' rows stand (see `stageKeptPerFile`), and every row's crime month is looked up
 * again (a street month added may be an earlier one).
 */
export async function conformOutcomes(ctx: Context, streetLines: string): Promise<void> {
  const { db } = ctx;
  // Each crime's month, found once (the rows added and, after a refresh, every row look it up).
  const crimes = "_crime_months";
  await db.run(`CREATE OR REPLACE TEMP TABLE ${crimes} AS SELECT crime_id AS crime_id_hash, min(month) AS crime_month FROM ${streetLines} WHERE crime_id IS NOT NULL GROUP BY 1`);
  const onlyAdded = await stageKeptPerFile(ctx, {
    kind: "outcomes", label: "outcomes", raw: "raw_police_outcomes", keys: OUTCOME_KEYS, target: "staging.crime_outcomes",
    keysSql: `SELECT _file, strftime(month, '%Y-%m') AS month, falls_within::VARCHAR AS force, count(*) AS rows FROM raw_police_outcomes GROUP BY ALL`,
    prepare: async () => void (await placeLsoaCodes(ctx, "police_outcomes", "raw_police_outcomes", "police.uk outcomes")),
    rowsSql: `
      SELECT trim_fast(r.crime_id) AS crime_id, r.month AS outcome_month, c.crime_month,
             r.falls_within::VARCHAR AS falls_within, m.lsoa_code, w.ward_code, w.lad_code, trim_fast(r.outcome_type) AS outcome_type,
             CASE WHEN nullif(trim_fast(r.lsoa_code), '') IS NULL THEN 'no_location' WHEN w.lsoa_code IS NULL THEN 'outside_area' ELSE 'lsoa' END AS placement,
             nullif(trim_fast(r.lsoa_code), '') AS source_lsoa_code, r._file::VARCHAR AS _file, r._line
      FROM raw_police_outcomes r
      LEFT JOIN _lsoa_map_police_outcomes m ON m._file = r._file AND m.source_code = trim_fast(r.lsoa_code)
      LEFT JOIN ref.lsoa_ward w ON w.lsoa_code = m.lsoa_code
      LEFT JOIN ${crimes} c ON c.crime_id_hash = hash(trim_fast(r.crime_id))
      WHERE NOT ${supersededSql("outcomes", "r", "strftime(r.month, '%Y-%m')", "r.falls_within")}
      ORDER BY r._file, r._line`,
    superseded: supersededSql("outcomes", "o", "strftime(o.outcome_month, '%Y-%m')", "o.falls_within"),
  });
  if (onlyAdded) {
    await db.run(`UPDATE staging.crime_outcomes o SET crime_month = c.crime_month FROM (
        SELECT o.rowid AS r, c.crime_month FROM staging.crime_outcomes o LEFT JOIN ${crimes} c ON c.crime_id_hash = hash(o.crime_id)
      ) c WHERE o.rowid = c.r AND o.crime_month IS DISTINCT FROM c.crime_month`);
  }
  await db.run(`DROP TABLE ${crimes}`);
}
