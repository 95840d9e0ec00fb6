/**
 * DfE Explore Education Statistics (EES) tidy CSVs, here the free school meals time series
 * (`fsm_time_series.csv`): `time_period` is a 6-digit academic year (`202021` = 2020/21),
 * `geographic_level` National / Regional / Local authority with blank codes above LA level, and
 * LA codes that change over time (Dorset 835/E10000009 then 838/E06000059): key on
 * `new_la_code` + `time_period`. EES markers (`x`, `c`, `z`, `:`, `low`, `u`) are coded missing
 * values. The 259 rows with `#DIV/0!` in `headcount` (an Excel error with shifted columns) are
 * rejected at load with that reason. Rows whose percentage is not eligible / headcount (within
 * 0.05 points) are flagged `percent_mismatch` and reported. Grain of `staging.fsm`: one row per
 * period, term, area and phase.
 */
import type { Context } from "../../pipelines/context.ts";
import { messages } from "../../pipelines/messages.ts";
import { defineCsvFormat } from "../csv-format.ts";
import { registerFormats } from "../load-csv.ts";

/** EES coded missing values (not `#DIV/0!`: that is an error, not a code). */
export const EES_MARKERS = ["x", "c", "z", ":", "low", "u", "SUPP", "NA"] as const;

/** EES free school meals layout. */
export const eesFsmFormat = defineCsvFormat({
  id: "dfe_ees_fsm",
  title: "a DfE Explore Education Statistics free school meals file",
  rawTable: "raw.ees_fsm",
  grain: "one row per period, term, area and phase",
  columns: [
    { name: "time_period", header: "time_period", kind: "integer", required: true },
    { name: "time_identifier", header: "time_identifier", required: true },
    { name: "geographic_level", header: "geographic_level", required: true, values: ["National", "Regional", "Local authority"] },
    { name: "country_code", header: "country_code" },
    { name: "country_name", header: "country_name" },
    { name: "region_code", header: "region_code" },
    { name: "region_name", header: "region_name" },
    { name: "old_la_code", header: "old_la_code" },
    { name: "la_name", header: "la_name" },
    { name: "new_la_code", header: "new_la_code" },
    { name: "phase", header: "phase", required: true },
    { name: "fsm_eligible", header: "fsm_eligible", kind: "integer", nonNegative: true, markers: EES_MARKERS },
    { name: "headcount", header: "headcount", kind: "integer", nonNegative: true, markers: EES_MARKERS },
    { name: "fsm_eligible_percent", header: "fsm_eligible_percent", kind: "number", markers: EES_MARKERS },
  ],
});
registerFormats(eesFsmFormat);

const num = (c: string) => `TRY_CAST(replace(trim(${c}), ',', '') AS DOUBLE)`;

/** Stage `raw.ees_fsm` into `staging.fsm` and report percentage mismatches. */
export async function conformFsm(ctx: Context): Promise<void> {
  const { db } = ctx;
  await db.run(`CREATE OR REPLACE TABLE staging.fsm AS
    WITH r AS (
      SELECT trim(time_period) AS time_period, trim(time_identifier) AS time_identifier, trim(geographic_level) AS geographic_level,
             CASE trim(geographic_level) WHEN 'National' THEN nullif(trim(country_code), '') WHEN 'Regional' THEN nullif(trim(region_code), '')
                  ELSE nullif(trim(new_la_code), '') END AS area_code,
             nullif(trim(old_la_code), '') AS old_la_code, coalesce(nullif(trim(la_name), ''), nullif(trim(region_name), ''), nullif(trim(country_name), '')) AS area_name,
             trim(phase) AS phase, ${num("fsm_eligible")} AS fsm_eligible, ${num("headcount")} AS headcount, ${num("fsm_eligible_percent")} AS fsm_eligible_percent,
             nullif(concat_ws(' ', CASE WHEN ${num("fsm_eligible")} IS NULL THEN nullif(trim(fsm_eligible), '') END,
                                   CASE WHEN ${num("headcount")} IS NULL THEN nullif(trim(headcount), '') END), '') AS markers,
             _file, _line
      FROM raw.ees_fsm)
    SELECT time_period, left(time_period, 4) || '/' || right(time_period, 2) AS academic_year, time_identifier, geographic_level, area_code, old_la_code, area_name,
           phase, fsm_eligible, headcount, fsm_eligible_percent,
           CASE WHEN markers IS NOT NULL THEN 'coded: ' || markers
                WHEN headcount > 0 AND abs(fsm_eligible_percent - 100 * fsm_eligible / headcount) > 0.05 THEN 'percent_mismatch'
                ELSE 'ok' END AS status,
           _file, _line
    FROM r ORDER BY time_period, geographic_level, area_code, phase`);
  const bad = await db.one<{ n: number; example: string | null }>(`SELECT count(*)::INTEGER AS n,
    min(area_code || ' ' || academic_year || ' ' || phase || ': ' || fsm_eligible_percent || '% vs ' || round(100 * fsm_eligible / headcount, 2) || '%') AS example
    FROM staging.fsm WHERE status = 'percent_mismatch'`);
  if (bad!.n) {
    await db.run(`INSERT INTO audit.warnings VALUES ('conform', 'fsm_percent_mismatch', NULL, $m)`, { m: messages.fsmPercentMismatch(bad!.n, bad!.example ?? "") });
  }
}
