/**
 * police.uk files as snapshots: police.uk re-issues monthly files (outcomes get updated), so an
 * analyst can end up with two files for the same month and force. Each month and force is
 * counted from one file only: the newest (last modified), or when equally new the one listed
 * later in the config. The rows of the file it replaces are counted in `audit.loads` (they
 * were read) but are not staged, and the replacement is reported in `audit.warnings`.
 */
import type { Context } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { literal } from "../../pipelines/core/warehouse.ts";
import { displayPath, fileMtime } from "../files.ts";
import type { ColumnSpec, CsvFormat } from "../csv-format.ts";
import { loadCsvFiles, recordedLoads, type FileLoad } from "../load-csv.ts";

/** police.uk data start in December 2010: a month or date before 2000 is a slip (`1900-01`), rejected with its line. */
export const POLICE_EARLIEST = "2000-01-01";

/**
 * The eight columns the street-level and outcomes files share, in their order (after Crime ID).
 * The month is stored as a DATE and the force as an ENUM (`raw_police_*.month`, `.falls_within`).
 * A month after the build's clock is rejected: police.uk publishes past months only. Rows are
 * placed by LSOA code: the coordinates and location are kept only as one hash, to tell a repeated
 * line from a conflicting one (an unreadable coordinate does not lose the crime); `Reported by`
 * is not used, so not stored.
 */
export const POLICE_SHARED_COLUMNS: readonly ColumnSpec[] = [
  // Typed as read (a DATE; the force an ENUM of the forces' names): a national year's lines write
  // and stage in less time than as text (README, Performance).
  { name: "month", header: "Month", kind: "month", required: true, notFuture: true, notBefore: POLICE_EARLIEST, stored: "date" },
  { name: "reported_by", header: "Reported by", stored: false },
  { name: "falls_within", header: "Falls within", required: true, stored: "enum" },
  // Only ever compared together (a repeated line or a conflicting one): one hash of the three.
  { name: "longitude", header: "Longitude", stored: "hash", hashGroup: "place_hash" },
  { name: "latitude", header: "Latitude", stored: "hash", hashGroup: "place_hash" },
  { name: "location", header: "Location", stored: "hash", hashGroup: "place_hash" },
  { name: "lsoa_code", header: "LSOA code", kind: "code" },
  { name: "lsoa_name", header: "LSOA name" },
];

/**
 * `staging.crime_street_keys(_file, month, force, rows, located)`: how many rows (and rows with
 * an LSOA code) each street file has of each month and force, kept across runs, so a refresh that
 * only adds files decides re-issues and missing months over every file while reading the new ones.
 */
export const STREET_KEYS = "staging.crime_street_keys";

/** Record the files of one kind in `raw_police_files(_file, kind, mtime, list_order)`. */
export async function recordPoliceFiles(ctx: Pick<Context, "db">, kind: string, files: readonly string[]): Promise<void> {
  await ctx.db.run(`CREATE TEMP TABLE IF NOT EXISTS raw_police_files (_file VARCHAR, kind VARCHAR, mtime TIMESTAMP, list_order INTEGER)`);
  await ctx.db.run(`DELETE FROM raw_police_files WHERE kind = $k`, { k: kind });
  await ctx.db.insertRows("raw_police_files", ["_file", "kind", "mtime", "list_order"], files.map((f, i) => ({
    _file: f, kind, mtime: fileMtime(f).toISOString(), list_order: i,
  })));
}

/**
 * Decide which file counts for each month and force of one kind. `rowsSql` selects
 * `(_file, month, force, rows)`: how many rows each file has of each month and force. Creates the temp table
 * `_superseded_<kind>(_file, month, force, kept, rows)` of the pairs not to stage, and warns for each.
 * Only a file's own month takes part: the month in its name (`2019-02-kent-street.csv`), else the
 * month most of its rows have. A few rows of another month in a file (late rows of January in
 * the February file) never replace that month's own file: they are kept, and reported
 * (`police_rows_of_other_month`); a crime also in its own month's file counts once (by Crime ID).
 * `quiet`: decide only, without the warnings (a check before the conform).
 */
export async function resolveReissues(ctx: Context, kind: string, rowsSql: string, label: string, opts: { quiet?: boolean } = {}): Promise<void> {
  const { db } = ctx;
  const table = `_superseded_${kind}`;
  await db.run(`CREATE OR REPLACE TEMP TABLE _police_keys AS
    WITH keys AS (SELECT _file, month, force, sum(rows)::INTEGER AS rows FROM (${rowsSql}) GROUP BY ALL),
         own AS (SELECT _file, coalesce(nullif(regexp_extract(_file, '([0-9]{4}-[0-9]{2})-[^/]*$', 1), ''), arg_max(month, rows)) AS own_month FROM keys GROUP BY _file)
    SELECT k.*, o.own_month FROM keys k JOIN own o USING (_file)`);
  await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
    WITH ranked AS (
           SELECT k._file, k.month, k.force, k.rows, row_number() OVER w AS rn, first_value(k._file) OVER w AS kept
           FROM _police_keys k JOIN raw_police_files f ON f._file = k._file AND f.kind = $k
           WHERE k.month = k.own_month
           WINDOW w AS (PARTITION BY k.month, k.force ORDER BY f.mtime DESC, f.list_order DESC))
    SELECT _file, month, force, kept, rows FROM ranked WHERE rn > 1`, { k: kind });
  if (opts.quiet) return;
  const dropped = await db.all<{ _file: string; month: string; force: string; kept: string; rows: number }>(`SELECT * FROM ${table} ORDER BY month, force, _file`);
  for (const d of dropped) {
    await db.recordWarning("conform", "police_file_replaced", `${d.month} ${d.force}`, messages.crimeFileReplaced(label, d.month, d.force, displayPath(ctx.config, d.kept), displayPath(ctx.config, d._file), d.rows));
  }
  const strays = await db.all<{ _file: string; own_month: string; months: string; rows: number }>(
    `SELECT _file, any_value(own_month) AS own_month, string_agg(DISTINCT month || ' (' || force || ')', ', ' ORDER BY month || ' (' || force || ')') AS months, sum(rows)::INTEGER AS rows
     FROM _police_keys WHERE month <> own_month GROUP BY _file ORDER BY _file`,
  );
  for (const x of strays) {
    const file = displayPath(ctx.config, x._file);
    await db.recordWarning("conform", "police_rows_of_other_month", file, messages.policeRowsOfOtherMonth(label, file, x.own_month, x.rows, x.months));
  }
}

/** SQL condition: row `alias` (with `_file`) of month/force expressions is in a superseded file. */
export const supersededSql = (kind: string, alias: string, month: string, force: string) =>
  `EXISTS (SELECT 1 FROM _superseded_${kind} x WHERE x._file = ${alias}._file AND x.month = ${month} AND x.force = ${force})`;

/**
 * police.uk files whose staged rows are kept per file across runs (outcomes, stop and search): a
 * refresh whose only change is files added reads just those (`added`), the others' loads as
 * recorded; else (`added` null) every file. Records the files of `kind` first.
 */
export async function loadKeptPerFile(ctx: Context, kind: string, format: CsvFormat, files: readonly string[], added: readonly string[] | null): Promise<FileLoad[]> {
  await recordPoliceFiles(ctx, kind, files);
  if (!added) return loadCsvFiles(ctx, format, files);
  const read = new Set(added.filter((f) => files.includes(f)));
  const byPath = new Map([
    ...(await loadCsvFiles(ctx, format, [...read])),
    ...(await recordedLoads(ctx.db, format, files.filter((f) => !read.has(f)))),
  ].map((l) => [l.path, l]));
  return files.map((f) => byPath.get(f)!);
}

/**
 * Stage the rows of one kind kept per file: `keys` (`_file, month, force, rows` of each file,
 * kept across runs) and `target` (the staged rows, with `_file`) made afresh, or, when some listed
 * files were not read (`raw` holds the ones read), replaced for the files read, dropped for those
 * no longer listed. Which file counts for each month and force is decided over every file's keys
 * (`resolveReissues`, before `prepare` runs: `rowsSql` may use `_superseded_<kind>` and what
 * `prepare` made); the staged rows of an earlier file that a new one replaces go (`superseded`:
 * the condition on a staged row aliased `o`). `keysSql` selects the keys of the rows read.
 * Returns whether only added files were read.
 */
export async function stageKeptPerFile(ctx: Context, o: {
  kind: string; label: string; raw: string; keys: string; keysSql: string; target: string; rowsSql: string; superseded: string; prepare?: () => Promise<void>;
}): Promise<boolean> {
  const { db } = ctx;
  const listed = `(SELECT _file FROM raw_police_files WHERE kind = ${literal(o.kind)})`;
  const read = `(SELECT DISTINCT _file::VARCHAR FROM ${o.raw})`;
  const onlyAdded = Boolean(await db.one(`SELECT 1 FROM raw_police_files WHERE kind = $k AND _file NOT IN ${read} LIMIT 1`, { k: o.kind }));
  if (onlyAdded) await db.run(`DELETE FROM ${o.keys} WHERE _file IN ${read} OR _file NOT IN ${listed}`);
  else await db.run(`CREATE OR REPLACE TABLE ${o.keys} (_file VARCHAR, month VARCHAR, force VARCHAR, rows INTEGER)`);
  await db.run(`INSERT INTO ${o.keys} SELECT _file::VARCHAR, month, force, sum(rows)::INTEGER FROM (${o.keysSql}) GROUP BY ALL`);
  await resolveReissues(ctx, o.kind, `SELECT * FROM ${o.keys}`, o.label);
  await o.prepare?.();
  if (!onlyAdded) {
    await db.run(`CREATE OR REPLACE TABLE ${o.target} AS ${o.rowsSql}`);
    return false;
  }
  await db.run(`DELETE FROM ${o.target} o WHERE _file IN ${read} OR _file NOT IN ${listed} OR ${o.superseded}`);
  await db.run(`INSERT INTO ${o.target} ${o.rowsSql}`);
  return true;
}
