/**
 * DfE Explore Education Statistics "Pupil absence in schools in England": the full-year files at
 * national, regional, LA and school level (`Absence_3term..._nat_reg_la_sch.csv` and the
 * school-level underlying data). Shared EES columns in `ees.ts`; here the school type filter
 * (`school_type` to 2022/23, `education_phase` from the 2023/24 release: `Total`, `State-funded
 * primary`, ...), the `breakdown_topic`/`breakdown` filters of the newer files (only `Total` rows
 * are measured), and the counts behind the two headline measures:
 * overall absence (`sess_overall` of `sess_possible` sessions) and persistent absence
 * (`enrolments_pa_10_exact` of `enrolments`: pupils missing 10% or more of their sessions).
 * Published percentages, when present, are checked against the counts (within 0.05 points); a row
 * counting more sessions missed than possible, or more persistent absentees than enrolments, is
 * rejected at load (`atMost`). The measures are of the full year: rows of a term or two (the
 * termly releases' `Autumn term`, `Autumn and spring term`; 2019/20 was published only so) are
 * staged and left out of them (`measured` false), with a warning naming the periods.
 * Grain of `staging.school_absence`: one row per period, term, area (or school), school type and breakdown.
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
  grain: "one row per period, term, area (or school), school type and breakdown",
  columns: [
    ...EES_GEOGRAPHY_COLUMNS,
    { name: "school_type", header: /^(school_type|education_phase)$/i, required: true },
    { name: "breakdown_topic", header: "breakdown_topic", optional: true },
    { name: "breakdown", header: "breakdown", optional: true },
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

/** Time identifiers of part of a school year (the termly releases), never counted as the full year. */
export const ABSENCE_PART_YEAR = ["Autumn term", "Autumn and spring term", "Spring term", "Summer term", "Spring and summer term"] as const;

/** Stage `raw_ees_absence` into `staging.school_absence` (after `staging.schools`). */
export async function conformAbsence(ctx: Context): Promise<void> {
  const { db } = ctx;
  const counts = ["enrolments", "sess_possible", "sess_overall", "enrolments_pa_10_exact"];
  await db.run(`CREATE OR REPLACE TABLE staging.school_absence AS
    WITH r AS (
      SELECT ${eesGeographySql()}, trim(r.school_type) AS school_type,
             coalesce(nullif(trim(r.breakdown_topic), ''), 'Total') AS breakdown_topic, coalesce(nullif(trim(r.breakdown), ''), 'Total') AS breakdown,
             ${counts.map((c) => `${num(`r.${c}`)} AS ${c}`).join(", ")},
             ${num("r.sess_overall_percent")} AS sess_overall_percent, ${num("r.enrolments_pa_10_exact_percent")} AS pa_percent,
             nullif(concat_ws(' ', ${counts.map((c) => `CASE WHEN ${num(`r.${c}`)} IS NULL THEN nullif(trim(r.${c}), '') END`).join(", ")}), '') AS markers,
             r._file, r._line
      FROM raw_ees_absence r)
    SELECT * EXCLUDE (markers),
           lower(time_identifier) NOT IN (${ABSENCE_PART_YEAR.map((t) => `'${t.toLowerCase()}'`).join(", ")}) AND breakdown_topic = 'Total' AND breakdown = 'Total' AS measured,
           CASE WHEN markers IS NOT NULL THEN 'coded: ' || markers
                WHEN (sess_possible > 0 AND abs(sess_overall_percent - 100 * sess_overall / sess_possible) > 0.05)
                  OR (enrolments > 0 AND abs(pa_percent - 100 * enrolments_pa_10_exact / enrolments) > 0.05) THEN 'percent_mismatch'
                ELSE 'ok' END AS status
    FROM r ORDER BY time_period, geographic_level, area_code, urn, school_type, breakdown_topic, breakdown`);
  const terms = await db.all<{ academic_year: string; terms: string; n: number }>(`SELECT academic_year, string_agg(DISTINCT time_identifier, ', ' ORDER BY time_identifier) AS terms, count(*)::INTEGER AS n
    FROM staging.school_absence WHERE lower(time_identifier) IN (${ABSENCE_PART_YEAR.map((t) => `'${t.toLowerCase()}'`).join(", ")}) GROUP BY 1 ORDER BY 1`);
  if (terms.length) await db.recordWarning("conform", "absence_part_year", null, messages.absencePartYear(terms.map((t) => `${t.academic_year} (${t.terms}: ${t.n} rows)`)));
  const bad = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM staging.school_absence WHERE status = 'percent_mismatch'`);
  if (bad!.n) await db.recordWarning("conform", "absence_percent_mismatch", null, messages.absencePercentMismatch(bad!.n));
}
