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
});
