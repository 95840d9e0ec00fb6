/**
 * police.uk stop and search (`YYYY-MM-<force>-stop-and-search.csv`). There is no LSOA column,
 * and the columns run Latitude, Longitude (the reverse of the street files): each search is
 * placed by point in polygon, in JS, against the configured LSOA boundaries (then LSOA -> ward
 * through the lookup) or, without them, the ward boundaries. Searches with no coordinates, or
 * outside every polygon (a Kent search can sit in Northern Ireland), are counted, not placed.
 * Dates are ISO 8601 with an offset (`+01:00` in summer) and are stored in UTC; a search's month is
 * that of its local (Europe/London) date as written, before the offset, so `2019-07-01T00:00:00+01:00`
 * is a July search (its UTC instant is in June), as police.uk files it.
 * Grain of `staging.stop_search`: one row per search line; `placement` is `lsoa_boundary`,
 * `ward_boundary`, `no_location`, `outside_boundaries` or `no_boundaries`.
 */
import path from "node:path";
import type { Context } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { defineCsvFormat } from "../csv-format.ts";
import { registerFormats, type FileLoad } from "../load-csv.ts";
import { BoundaryIndex, readBoundaries } from "../geography/boundaries.ts";
import { displayPath } from "../files.ts";
import { loadKeptPerFile, POLICE_EARLIEST, stageKeptPerFile, supersededSql } from "./police-files.ts";
import { checkedMonthSql } from "../../pipelines/core/warehouse.ts";

const bool = (name: string, header: string) => ({ name, header, values: ["True", "False", "true", "false", "TRUE", "FALSE"] });

/** police.uk stop-and-search CSV (15 columns). */
export const policeStopSearchFormat = defineCsvFormat({
  id: "police_uk_stop_search",
  title: "a police.uk stop and search file",
  rawTable: "raw_police_stop_search",
  grain: "one row per line of the police.uk stop-and-search files",
  columns: [
    { name: "type", header: "Type", required: true },
    { name: "date", header: "Date", kind: "datetime_iso", required: true, notFuture: true, notBefore: POLICE_EARLIEST },
    bool("part_of_operation", "Part of a policing operation"),
    { name: "policing_operation", header: "Policing operation" },
    { name: "latitude", header: "Latitude", kind: "number" },
    { name: "longitude", header: "Longitude", kind: "number" },
    { name: "gender", header: "Gender" },
    { name: "age_range", header: "Age range" },
    { name: "self_defined_ethnicity", header: "Self-defined ethnicity" },
    { name: "officer_defined_ethnicity", header: "Officer-defined ethnicity" },
    { name: "legislation", header: "Legislation" },
    { name: "object_of_search", header: "Object of search" },
    { name: "outcome", header: "Outcome" },
    bool("outcome_linked", "Outcome linked to object of search"),
    bool("removal_of_clothing", "Removal of more than just outer clothing"),
  ],
});
registerFormats(policeStopSearchFormat);

/** The force of a stop-and-search file from its name (`2019-01-kent-stop-and-search.csv` -> `kent`), or null. */
export function stopSearchForce(file: string): string | null {
  return /^\d{4}-\d{2}-(.+?)-stop-and-search/.exec(path.basename(file))?.[1] ?? null;
}

/** Per-file keys of the stop-and-search files (rows of each month and force in each), kept across runs for a refresh that only adds files. */
const STOP_SEARCH_KEYS = "staging.stop_search_keys";
/** The tables a refresh that reads only added stop-and-search files builds on. */
export const STOP_SEARCH_TABLES = [STOP_SEARCH_KEYS, "staging.stop_search"];

/**
 * Load stop-and-search files into `raw_police_stop_search`: all of them, or with `added` (a
 * refresh whose only change is files added) just those, the others' loads as recorded.
 */
export async function loadStopSearch(ctx: Context, files: readonly string[], added: readonly string[] | null): Promise<FileLoad[]> {
  const loads = await loadKeptPerFile(ctx, "stop_search", policeStopSearchFormat, files, added);
  await ctx.db.run(`CREATE OR REPLACE TEMP TABLE raw_police_stop_search_force (_file VARCHAR, force VARCHAR)`);
  await ctx.db.insertRows("raw_police_stop_search_force", ["_file", "force"], files.map((f) => ({ _file: f, force: stopSearchForce(f) ?? f })));
  return loads;
}

const boolSql = (c: string) => `CASE lower(trim_fast(${c})) WHEN 'true' THEN true WHEN 'false' THEN false END`;

/** Place searches in areas and stage them into `staging.stop_search` (see module doc). */
export async function conformStopSearch(ctx: Context): Promise<void> {
  const { db, config } = ctx;
  const g = config.geography;
  // The month of the local date as written (a valid date starts YYYY-MM-DD: see the `datetime_iso` kind).
  const monthSql = `left(trim_fast(r.date), 7)`;
  // Point in polygon, in JS, for the searches read.
  const boundaryFile = g.lsoaBoundaries ?? g.wardBoundaries;
  const index = boundaryFile ? new BoundaryIndex(readBoundaries(boundaryFile, g.lsoaBoundaries ? "LSOA" : "WD").areas) : undefined;
  const points = await db.all<{ _file: string; _line: string; lat: number | null; lon: number | null }>(
    `SELECT _file, _line, TRY_CAST(trim_fast(latitude) AS DOUBLE) AS lat, TRY_CAST(trim_fast(longitude) AS DOUBLE) AS lon FROM raw_police_stop_search`,
  );
  const placed = points.map((p) => {
    if (p.lat === null || p.lon === null) return { _file: p._file, _line: Number(p._line), code: null, placement: "no_location" };
    if (!index) return { _file: p._file, _line: Number(p._line), code: null, placement: "no_boundaries" };
    const hit = index.locate(p.lon, p.lat);
    return { _file: p._file, _line: Number(p._line), code: hit?.code ?? null, placement: hit ? (g.lsoaBoundaries ? "lsoa_boundary" : "ward_boundary") : "outside_boundaries" };
  });
  await db.run(`CREATE OR REPLACE TEMP TABLE _ss_place (_file VARCHAR, _line BIGINT, code VARCHAR, placement VARCHAR)`);
  await db.insertRows("_ss_place", ["_file", "_line", "code", "placement"], placed);
  const byLsoa = Boolean(g.lsoaBoundaries);
  // The earlier files' searches stand when only added files were read (`stageKeptPerFile`).
  await stageKeptPerFile(ctx, {
    kind: "stop_search", label: "stop and search", raw: "raw_police_stop_search", keys: STOP_SEARCH_KEYS, target: "staging.stop_search",
    keysSql: `SELECT r._file, ${monthSql} AS month, f.force, count(*) AS rows FROM raw_police_stop_search r JOIN raw_police_stop_search_force f USING (_file) GROUP BY ALL`,
    superseded: supersededSql("stop_search", "o", "strftime(o.month, '%Y-%m')", "o.force"),
    rowsSql: `
    SELECT trim_fast(r.type) AS type, (TRY_CAST(trim_fast(r.date) AS TIMESTAMPTZ) AT TIME ZONE 'UTC') AS searched_at_utc,
           ${checkedMonthSql(monthSql)} AS month, f.force,
           coalesce(${boolSql("r.part_of_operation")}, false) AS part_of_operation, nullif(trim_fast(r.policing_operation), '') AS policing_operation,
           TRY_CAST(trim_fast(r.latitude) AS DOUBLE) AS latitude, TRY_CAST(trim_fast(r.longitude) AS DOUBLE) AS longitude,
           nullif(trim_fast(r.gender), '') AS gender, nullif(trim_fast(r.age_range), '') AS age_range,
           nullif(trim_fast(r.self_defined_ethnicity), '') AS self_defined_ethnicity, nullif(trim_fast(r.officer_defined_ethnicity), '') AS officer_defined_ethnicity,
           nullif(trim_fast(r.legislation), '') AS legislation, nullif(trim_fast(r.object_of_search), '') AS object_of_search, nullif(trim_fast(r.outcome), '') AS outcome,
           ${boolSql("r.outcome_linked")} AS outcome_linked, ${boolSql("r.removal_of_clothing")} AS removal_of_clothing,
           ${byLsoa ? "p.code" : "NULL::VARCHAR"} AS lsoa_code,
           ${byLsoa ? "w.ward_code" : "p.code"} AS ward_code,
           ${byLsoa ? "w.lad_code" : "(SELECT any_value(lad_code) FROM ref.lsoa_ward x WHERE x.ward_code = p.code)"} AS lad_code,
           p.placement, r._file::VARCHAR AS _file, r._line
    FROM raw_police_stop_search r
    JOIN raw_police_stop_search_force f USING (_file)
    JOIN _ss_place p ON p._file = r._file AND p._line = r._line
    ${byLsoa ? "LEFT JOIN ref.lsoa_ward w ON w.lsoa_code = p.code" : ""}
    WHERE NOT ${supersededSql("stop_search", "r", monthSql, "f.force")}
    ORDER BY r._file, r._line`,
  });
  if (!index) {
    await db.recordWarning("conform", "stop_search_not_placed", null, messages.stopSearchNoBoundaries());
    return;
  }
  const perFile = await db.all<{ _file: string; outside: number; none: number; total: number }>(
    `SELECT _file, count(*) FILTER (WHERE placement = 'outside_boundaries')::INTEGER AS outside, count(*) FILTER (WHERE placement = 'no_location')::INTEGER AS none,
            count(*)::INTEGER AS total FROM staging.stop_search GROUP BY 1 ORDER BY 1`,
  );
  for (const f of perFile) {
    if (f.outside + f.none === 0) continue;
    await db.recordWarning("conform", "stop_search_unplaced", displayPath(config, f._file), messages.stopSearchUnplaced(displayPath(config, f._file), f.outside, f.none, f.total, displayPath(config, boundaryFile!)));
  }
}
