/**
 * DfE Explore Education Statistics "Pupil absence in schools in England": the full-year files at
 * national, regional, LA and school level (`Absence_3term..._nat_reg_la_sch.csv` and the
 * school-level underlying data). Shared EES columns in `ees.ts`; here the `school_type` filter
 * (`Total`, `State-funded primary`, ...) and the counts behind the two headline measures:
 * overall absence (`sess_overall` of `sess_possible` sessions) and persistent absence
 * (`enrolments_pa_10_exact` of `enrolments`: pupils missing 10% or more of their sessions).
 * Published percentages, when present, are checked against the counts (within 0.05 points); a row
 * counting more sessions missed than possible, or more persistent absentees than enrolments, is
 * rejected at load (`atMost`).
 * Grain of `staging.school_absence`: one row per period, term, area (or school) and school type.
 */
import type { Context } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { defineCsvFormat } from "../csv-format.ts";
import { registerFormats } from "../load-csv.ts";
import { EES_GEOGRAPHY_COLUMNS, eesCount, eesGeographySql, eesNumber as num, eesPercent } from "./ees.ts";

/** EES pupil absence layout (the columns we use). */
export const eesAbsenceFormat = defineCsvFormat({
  id: "dfe_ees_absence",
  title: "a DfE Explore Education Statistics pupil absence file",
  rawTable: "raw_ees_absence",
  grain: "one row per period, term, area (or school) and school type",
  columns: [
    ...EES_GEOGRAPHY_COLUMNS,
    { name: "school_type", header: "school_type", required: true },
    eesCount("enrolments"),
    eesCount("sess_possible"),
    eesCount("sess_overall"),
    { ...eesPercent("sess_overall_percent"), optional: true },
    eesCount("enrolments_pa_10_exact"),
    { ...eesPercent("enrolments_pa_10_exact_percent"), optional: true },
  ],
  atMost: [{ column: "sess_overall", limit: "sess_possible" }, { column: "enrolments_pa_10_exact", limit: "enrolments" }],
});
registerFormats(eesAbsenceFormat);

/** Stage `raw_ees_absence` into `staging.school_absence` (after `staging.schools`). */
export async function conformAbsence(ctx: Context): Promise<void> {
  const { db } = ctx;
  const counts = ["enrolments", "sess_possible", "sess_overall", "enrolments_pa_10_exact"];
  await db.run(`CREATE OR REPLACE TABLE staging.school_absence AS
    WITH r AS (
      SELECT ${eesGeographySql()}, trim(r.school_type) AS school_type,
             ${counts.map((c) => `${num(`r.${c}`)} AS ${c}`).join(", ")},
             ${num("r.sess_overall_percent")} AS sess_overall_percent, ${num("r.enrolments_pa_10_exact_percent")} AS pa_percent,
             nullif(concat_ws(' ', ${counts.map((c) => `CASE WHEN ${num(`r.${c}`)} IS NULL THEN nullif(trim(r.${c}), '') END`).join(", ")}), '') AS markers,
             r._file, r._line
      FROM raw_ees_absence r)
    SELECT * EXCLUDE (markers),
           CASE WHEN markers IS NOT NULL THEN 'coded: ' || markers
                WHEN (sess_possible > 0 AND abs(sess_overall_percent - 100 * sess_overall / sess_possible) > 0.05)
                  OR (enrolments > 0 AND abs(pa_percent - 100 * enrolments_pa_10_exact / enrolments) > 0.05) THEN 'percent_mismatch'
                ELSE 'ok' END AS status
    FROM r ORDER BY time_period, geographic_level, area_code, urn, school_type`);
  const bad = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM staging.school_absence WHERE status = 'percent_mismatch'`);
  if (bad!.n) await db.recordWarning("conform", "absence_percent_mismatch", null, messages.absencePercentMismatch(bad!.n));
}
