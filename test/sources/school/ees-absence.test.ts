/**
 * DfE pupil absence files as EES has published them: `school_type` to 2022/23, `education_phase`
 * with `breakdown_topic`/`breakdown` from the 2023/24 release, and the termly releases' part-year
 * rows (2019/20 was published only for the autumn and spring terms).
 */
import { describe, expect, it } from "vitest";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, sharedSkipReason } from "../../helpers/shared.ts";
import { MEDWAY, realConfig, runSources, tempDir, warningsOf } from "../helpers.ts";

const GEO = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name";
const medway = (period: string, term: string) => `${period},${term},Local authority,E92000001,England,E12000008,South East,887,${MEDWAY},Medway`;
const counts = (enrolments: number, possible: number, missed: number, pa: number) =>
  `${enrolments},${possible},${missed},${(100 * missed / possible).toFixed(4)},${pa},${(100 * pa / enrolments).toFixed(4)}`;
const COUNTS = "enrolments,sess_possible,sess_overall,sess_overall_percent,enrolments_pa_10_exact,enrolments_pa_10_exact_percent";

describe.skipIf(!hasShared)(`pupil absence layouts${sharedSkipReason}`, () => {
  it("reads education_phase (2023/24 on) as school_type; measures only the full year's Total breakdown; part-year rows are said", async () => {
    const t = tempDir();
    const current = t.write("absence_2023-24.csv", [
      `${GEO},education_phase,breakdown_topic,breakdown,${COUNTS}`,
      `${medway("202324", "Academic year")},Total,Total,Total,${counts(40000, 12000000, 840000, 8000)}`,
      `${medway("202324", "Academic year")},State-funded primary,Total,Total,${counts(22000, 6800000, 400000, 3000)}`,
      // A breakdown of the total by sex: the same pupils again, never added to them.
      `${medway("202324", "Academic year")},Total,Sex,Female,${counts(19600, 5900000, 410000, 3900)}`,
      `${medway("202324", "Academic year")},Total,Sex,Male,${counts(20400, 6100000, 430000, 4100)}`,
    ].join("\n") + "\n");
    const older = t.write("absence_2019-20.csv", [
      `${GEO},school_type,${COUNTS}`,
      `${medway("201819", "Academic year")},Total,${counts(39000, 11800000, 560000, 4300)}`,
      // 2019/20: only the autumn term and the autumn and spring terms (schools closed in March 2020).
      `${medway("201920", "Autumn term")},Total,${counts(39500, 4200000, 200000, 4600)}`,
      `${medway("201920", "Autumn and spring term")},Total,${counts(39500, 7600000, 370000, 4800)}`,
    ].join("\n") + "\n");
    const { db, ctx } = await runSources(realConfig({ sources: { school: { absence: [current, older] } } }));
    try {
      expect(await db.all(`SELECT academic_year, time_identifier, school_type, breakdown_topic, breakdown, measured FROM staging.school_absence ORDER BY ALL`)).toEqual([
        { academic_year: "2018/19", time_identifier: "Academic year", school_type: "Total", breakdown_topic: "Total", breakdown: "Total", measured: true },
        { academic_year: "2019/20", time_identifier: "Autumn and spring term", school_type: "Total", breakdown_topic: "Total", breakdown: "Total", measured: false },
        { academic_year: "2019/20", time_identifier: "Autumn term", school_type: "Total", breakdown_topic: "Total", breakdown: "Total", measured: false },
        { academic_year: "2023/24", time_identifier: "Academic year", school_type: "State-funded primary", breakdown_topic: "Total", breakdown: "Total", measured: true },
        { academic_year: "2023/24", time_identifier: "Academic year", school_type: "Total", breakdown_topic: "Sex", breakdown: "Female", measured: false },
        { academic_year: "2023/24", time_identifier: "Academic year", school_type: "Total", breakdown_topic: "Sex", breakdown: "Male", measured: false },
        { academic_year: "2023/24", time_identifier: "Academic year", school_type: "Total", breakdown_topic: "Total", breakdown: "Total", measured: true },
      ]);
      expect(await warningsOf(db, "absence_part_year")).toEqual([{ subject: null, message: messages.absencePartYear(["2019/20 (Autumn and spring term, Autumn term: 2 rows)"]) }]);
      const { loadIndicators } = await import("../../../transforms/indicators/define.ts");
      const { schoolIndicators } = await import("../../../transforms/indicators/catalogue/school.ts");
      const { measureIndicators } = await import("../../../transforms/indicators/measure.ts");
      await measureIndicators(ctx, loadIndicators(schoolIndicators).indicators.filter((i) => i.id === "school.overall_absence" || i.id === "school.persistent_absence"));
      expect(await db.all(`SELECT indicator_id, period_label, numerator, denominator FROM marts.indicator_values WHERE area_code = '${MEDWAY}' ORDER BY ALL`)).toEqual([
        { indicator_id: "school.overall_absence", period_label: "2018/19", numerator: 560000, denominator: 11800000 },
        { indicator_id: "school.overall_absence", period_label: "2023/24", numerator: 840000, denominator: 12000000 },
        { indicator_id: "school.persistent_absence", period_label: "2018/19", numerator: 4300, denominator: 39000 },
        { indicator_id: "school.persistent_absence", period_label: "2023/24", numerator: 8000, denominator: 40000 },
      ]);
    } finally {
      db.close();
    }
  });
});
