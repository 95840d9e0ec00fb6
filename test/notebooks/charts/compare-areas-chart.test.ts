import { describe, expect, test } from "vitest";
import { compareAreasChart } from "../../../notebooks/charts/index.ts";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { FOCUS, compareComparators, compareRows, ivRow, wardNames } from "./fixtures.ts";

chartContract("compare-areas", fixtureCharts["compare-areas"], { focusText: FOCUS.name, focusValueText: "41.3 per 1,000" });

describe("compareAreasChart", () => {
  const b = fixtureCharts["compare-areas"]();

  test("sorts by value, highest first, with the suppressed ward last", () => {
    const names = b.table.rows.map((r) => r[1]);
    expect(names[0]).toBe(FOCUS.name);
    expect(names[compareRows.length - 1]).toBe("Longfield");
  });

  test("shows a suppressed ward as the word 'suppressed', not a bar", async () => {
    const { texts } = await render(b);
    expect(texts).toContain("suppressed");
    const values = (b.spec as { data: { values: { name: string; value: number | null }[] } }).data.values;
    expect(values.find((v) => v.name === "Longfield")?.value).toBeNull();
  });

  test("labels each comparator line with its name and value", async () => {
    const { texts } = await render(b);
    for (const c of compareComparators) expect(texts).toContain(`${c.name}: ${c.value.toFixed(1)} per 1,000`);
  });

  test("alt text ranks the focus ward and places its interval against the borough", () => {
    expect(b.alt).toContain("1st highest of 13");
    expect(b.alt).toContain("Kestrel: 25.4 per 1,000; St Mary's & Riverside's confidence interval is wholly above this");
    expect(b.alt).toContain("Lower values are better.");
  });

  test("names with quotes and backslashes cannot break the spec's expressions", async () => {
    const odd = 'O\'Brien "North" \\ Quay';
    const bb = compareAreasChart(compareRows, {
      focusCodes: [FOCUS.code],
      areaNames: { ...wardNames, [FOCUS.code]: odd },
      comparators: [],
      title: "t",
      unit: "%",
      polarity: "no_judgement",
    });
    const { texts, warnings } = await render(bb);
    expect(texts).toContain(odd);
    expect(warnings).toEqual([]);
  });

  test("two areas with the same name keep separate bars (code appended)", () => {
    const rows = [ivRow({ area_code: "E05000001", value: 1 }), ivRow({ area_code: "E06000001", value: 2 })];
    const bb = compareAreasChart(rows, { focusCodes: [], areaNames: { E05000001: "Luton", E06000001: "Luton" }, comparators: [], title: "t", unit: "", polarity: "no_judgement" });
    expect(bb.table.rows.map((r) => r[1])).toEqual(["Luton (E06000001)", "Luton (E05000001)"]);
  });
});
