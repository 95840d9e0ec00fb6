/**
 * DfE Explore Education Statistics (EES) free school meals: the "Schools, pupils and their
 * characteristics" time series (`fsm_time_series.csv`: National, Regional and Local authority
 * rows by phase) and the school-level underlying data (one row per school, `school_urn`). The
 * shared EES columns are in `ees.ts`. The 259 rows of the real file with `#DIV/0!` in `headcount`
 * (an Excel error with shifted columns) are rejected at load with that reason. Rows whose
 * percentage is not eligible / headcount (within 0.05 points) are flagged `percent_mismatch` and
 * reported; a row with more eligible pupils than pupils is rejected at load (as every count over a
 * base is: `atMost`).
 * Grain of `staging.fsm`: one row per period, term, area (or school) and phase.
 */
import type { Context } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { defineCsvFormat } from "../csv-format.ts";
import { registerFormats } from "../load-csv.ts";
import { EES_GEOGRAPHY_COLUMNS, eesCount, eesGeographySql, eesNumber as num, eesPercent } from "./ees.ts";


/** EES free school meals layout. */
export const eesFsmFormat = defineCsvFormat({
  id: "dfe_ees_fsm",
  title: "a DfE Explore Education Statistics free school meals file",
  rawTable: "raw_ees_fsm",
  grain: "one row per period, term, area (or school) and phase",
  columns: [
    ...EES_GEOGRAPHY_COLUMNS,
    // `phase_type_grouping` in the newer Schools, pupils and their characteristics files.
    { name: "phase", header: /^(phase|phase_type_grouping)$/i, required: true },
    eesCount("fsm_eligible"),
    eesCount("headcount"),
    eesPercent("fsm_eligible_percent"),
  ],
  atMost: [{ column: "fsm_eligible", limit: "headcount" }],
});
registerFormats(eesFsmFormat);

/** Stage `raw_ees_fsm` into `staging.fsm` (after `staging.schools`) and report inconsistent rows. */
export async function conformFsm(ctx: Context): Promise<void> {
  const { db } = ctx;
  await db.run(`CREATE OR REPLACE TABLE staging.fsm AS
    WITH r AS (
      SELECT ${eesGeographySql()}, trim(r.phase) AS phase,
             ${num("r.fsm_eligible")} AS fsm_eligible, ${num("r.headcount")} AS headcount, ${num("r.fsm_eligible_percent")} AS fsm_eligible_percent,
             nullif(concat_ws(' ', CASE WHEN ${num("r.fsm_eligible")} IS NULL THEN nullif(trim(r.fsm_eligible), '') END,
                                   CASE WHEN ${num("r.headcount")} IS NULL THEN nullif(trim(r.headcount), '') END), '') AS markers,
             r._file, r._line
      FROM raw_ees_fsm r)
    SELECT * EXCLUDE (markers),
           CASE WHEN markers IS NOT NULL THEN 'coded: ' || markers
                WHEN headcount > 0 AND abs(fsm_eligible_percent - 100 * fsm_eligible / headcount) > 0.05 THEN 'percent_mismatch'
                ELSE 'ok' END AS status
    FROM r ORDER BY time_period, geographic_level, area_code, urn, phase`);
  const bad = await db.one<{ n: number; example: string | null }>(`SELECT count(*)::INTEGER AS n,
    min(coalesce(urn, area_code) || ' ' || academic_year || ' ' || phase || ': ' || fsm_eligible_percent || '% vs ' || round(100 * fsm_eligible / headcount, 2) || '%') AS example
    FROM staging.fsm WHERE status = 'percent_mismatch'`);
  if (bad!.n) {
    await db.recordWarning("conform", "fsm_percent_mismatch", null, messages.fsmPercentMismatch(bad!.n, bad!.example ?? ""));
  }
}
