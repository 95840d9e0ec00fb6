/**
 * The pack's "Recorded crime by month" figure (its chart, data table and the workbook sheet made
 * from them) never shows a count of 1 to 4, nor one that would give such a count away from the
 * month's total: a reviewer found 4 vehicle crimes printed for a ward's December.
 */
import { describe, expect, it } from "vitest";
import { crimeMonthFigure } from "../../../pipelines/pack/figures/crime-by-month.ts";
import type { PackData } from "../../../pipelines/pack/pack-data.ts";
import type { View } from "../../../pipelines/pack/figures/common.ts";

const WARD = "E05002255";
const view: View = { kind: "focus", code: WARD, name: "Luton and Wayfield", highlight: [WARD], members: [WARD] };
const month = (m: string, counts: Record<string, number>) => Object.entries(counts).map(([crime_type, count]) => ({ ward_code: WARD, month: m, crime_type, count }));

describe("crime by month: disclosure control", () => {
  it("withholds a type of 1 to 4 in a month and, when it is the only one, the next smallest type no indicator publishes", () => {
    const d = {
      crimeByMonth: [
        // December: vehicle crime 4 (withheld); the next smallest is burglary (6), but burglary is an indicator's numerator, so shoplifting (9) goes.
        ...month("2018-12", { "Vehicle crime": 4, Shoplifting: 9, Burglary: 6, "Violence and sexual offences": 20 }),
        // January: nothing small, nothing withheld.
        ...month("2019-01", { "Vehicle crime": 7, Shoplifting: 8, Burglary: 6, "Violence and sexual offences": 22 }),
      ],
      anomalousMonths: [],
      values: [],
    } as unknown as PackData;
    const fig = crimeMonthFigure(d, view)!;
    const spec = fig.chart.spec as { data: { values: { month: string; crime_type: string; count: number | null }[] } };
    const cell = (m: string, t: string) => spec.data.values.find((v) => v.month === `${m}-01` && v.crime_type === t)!.count;
    expect(cell("2018-12", "Vehicle crime")).toBeNull();
    expect(cell("2018-12", "Shoplifting")).toBeNull();
    expect(cell("2018-12", "Burglary")).toBe(6);
    expect(cell("2019-01", "Vehicle crime")).toBe(7);
    // No figure anywhere in the chart or its table is a count of 1 to 4.
    const numbers = [...spec.data.values.map((v) => v.count), ...fig.chart.table!.rows.flat()].filter((x): x is number => typeof x === "number");
    expect(numbers.filter((n) => n >= 1 && n <= 4)).toEqual([]);
    expect(fig.chart.table!.rows[0]).toContain("not shown");
    expect(fig.source).toMatch(/counts of 1 to 4 are not shown/);
  });

  it("withholds a count the ward's indicator withholds for that month (the quarter less the other months would give a small one back), and a whole month whose total is withheld", () => {
    const suppressed = (indicator_id: string, period_label: string) => ({ indicator_id, area_code: WARD, period_type: "month", period_label, breakdown: "all", is_suppressed: true });
    const d = {
      crimeByMonth: [
        ...month("2018-11", { Burglary: 9, Shoplifting: 12, "Violence and sexual offences": 20 }),
        ...month("2018-12", { Burglary: 11, Shoplifting: 15, "Violence and sexual offences": 30 }),
      ],
      anomalousMonths: [],
      values: [
        // Burglary's November is hidden in the mart (secondary: October's 3 is the quarter less November and December).
        suppressed("crime.burglary_rate", "2018-11"),
        // December's all-crime total is hidden: no type of December may be shown, or they would add up to it.
        suppressed("crime.all_crime_rate", "2018-12"),
        // Another area's hidden value does not touch this ward's chart.
        { ...suppressed("crime.violence_rate", "2018-11"), area_code: "E05002256" },
      ],
    } as unknown as PackData;
    const spec = crimeMonthFigure(d, view)!.chart.spec as { data: { values: { month: string; crime_type: string; count: number | null }[] } };
    const shown = (m: string) => spec.data.values.filter((v) => v.month === `${m}-01` && v.count !== null).map((v) => v.crime_type).sort();
    // November: burglary withheld, then the next smallest type no indicator publishes (shoplifting), so the total less the rest gives nothing.
    expect(shown("2018-11")).toEqual(["Violence and sexual offences"]);
    expect(shown("2018-12")).toEqual([]);
  });
});
