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
import { loadCsvFiles, recordedLoads, registerFormats, type FileLoad } from "../load-csv.ts";
import { placeLsoaCodes } from "../geography/lsoa-vintage.ts";
import { POLICE_SHARED_COLUMNS, recordPoliceFiles, resolveReissues, supersededSql } from "./police-files.ts";

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
export async function loadOutcomes(ctx: Context, files: readonly string[], added: readonly string[] | null): Promise<FileLoad[]> {
  await recordPoliceFiles(ctx, "outcomes", files);
  if (!added) return loadCsvFiles(ctx, policeOutcomesFormat, files);
  const read = new Set(added.filter((f) => files.includes(f)));
  const byPath = new Map([
    ...(await loadCsvFiles(ctx, policeOutcomesFormat, [...read])),
    ...(await recordedLoads(ctx.db, policeOutcomesFormat, files.filter((f) => !read.has(f)))),
  ].map((l) => [l.path, l]));
  return files.map((f) => byPath.get(f)!);
}

/**
 * Stage outcomes into `staging.crime_outcomes` (see module doc); each crime's month from
 * `streetLines`, a table or query of Crime ID hashes (`crime_id`) with a month each (the street
 * lines, or each street file's first month of an ID). With `onlyAdded` (some outcomes files were
 * not read again) the earlier files' rows stand, but for those a file read now re-issues; which
 * file counts for a month and force is decided over every file's kept keys, and every row's crime
 * month is looked up again (a street month added may be an earlier one).
 */
export async function conformOutcomes(ctx: Context, streetLines: string, onlyAdded: boolean): Promise<void> {
  const { db } = ctx;
  const listed = `(SELECT _file FROM raw_police_files WHERE kind = 'outcomes')`;
  const read = `(SELECT DISTINCT _file::VARCHAR FROM raw_police_outcomes)`;
  if (onlyAdded) await db.run(`DELETE FROM ${OUTCOME_KEYS} WHERE _file IN ${read} OR _file NOT IN ${listed}`);
  else await db.run(`CREATE OR REPLACE TABLE ${OUTCOME_KEYS} (_file VARCHAR, month VARCHAR, force VARCHAR, rows INTEGER)`);
  await db.run(`INSERT INTO ${OUTCOME_KEYS} SELECT _file::VARCHAR, strftime(month, '%Y-%m'), falls_within::VARCHAR, count(*)::INTEGER FROM raw_police_outcomes GROUP BY ALL`);
  await resolveReissues(ctx, "outcomes", `SELECT * FROM ${OUTCOME_KEYS}`, "outcomes");
  await placeLsoaCodes(ctx, "police_outcomes", "raw_police_outcomes", "police.uk outcomes");
  const crimes = `(SELECT crime_id AS crime_id_hash, min(month) AS crime_month FROM ${streetLines} WHERE crime_id IS NOT NULL GROUP BY 1)`;
  const rows = `
    SELECT trim_fast(r.crime_id) AS crime_id, r.month AS outcome_month, c.crime_month,
           r.falls_within::VARCHAR AS falls_within, m.lsoa_code, w.ward_code, w.lad_code, trim_fast(r.outcome_type) AS outcome_type,
           CASE WHEN nullif(trim_fast(r.lsoa_code), '') IS NULL THEN 'no_location' WHEN w.lsoa_code IS NULL THEN 'outside_area' ELSE 'lsoa' END AS placement,
           nullif(trim_fast(r.lsoa_code), '') AS source_lsoa_code, r._file::VARCHAR AS _file, r._line
    FROM raw_police_outcomes r
    LEFT JOIN _lsoa_map_police_outcomes m ON m._file = r._file AND m.source_code = trim_fast(r.lsoa_code)
    LEFT JOIN ref.lsoa_ward w ON w.lsoa_code = m.lsoa_code
    LEFT JOIN ${crimes} c ON c.crime_id_hash = hash(trim_fast(r.crime_id))
    WHERE NOT ${supersededSql("outcomes", "r", "strftime(r.month, '%Y-%m')", "r.falls_within")}
    ORDER BY r._file, r._line`;
  if (!onlyAdded) {
    await db.run(`CREATE OR REPLACE TABLE staging.crime_outcomes AS ${rows}`);
    return;
  }
  await db.run(`DELETE FROM staging.crime_outcomes o WHERE _file IN ${read} OR _file NOT IN ${listed}
    OR ${supersededSql("outcomes", "o", "strftime(o.outcome_month, '%Y-%m')", "o.falls_within")}`);
  await db.run(`INSERT INTO staging.crime_outcomes ${rows}`);
  await db.run(`UPDATE staging.crime_outcomes o SET crime_month = c.crime_month FROM (
      SELECT o.rowid AS r, c.crime_month FROM staging.crime_outcomes o LEFT JOIN ${crimes} c ON c.crime_id_hash = hash(o.crime_id)
    ) c WHERE o.rowid = c.r AND o.crime_month IS DISTINCT FROM c.crime_month`);
}
