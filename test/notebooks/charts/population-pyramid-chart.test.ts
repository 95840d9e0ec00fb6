import { describe, expect, test } from "vitest";
import { ageBandLower } from "../../../notebooks/charts/index.ts";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { FOCUS, pyramidRows } from "./fixtures.ts";

const under20 = pyramidRows.filter((r) => (ageBandLower(r.age_band) ?? 99) < 20).reduce((s, r) => s + r.focus_pct, 0);

chartContract("population-pyramid", fixtureCharts["population-pyramid"], { focusText: FOCUS.name, focusValueText: `${under20.toFixed(1)}% in ${FOCUS.name}` });

describe("populationPyramidChart", () => {
  const b = fixtureCharts["population-pyramid"]();
  test("males extend left (negative), females right; axis labels are unsigned percentages", async () => {
    const values = (b.spec as { data: { values: { sex: string; pct: number }[] } }).data.values;
    expect(values.filter((v) => v.sex === "Males").every((v) => v.pct <= 0)).toBe(true);
    expect(values.filter((v) => v.sex === "Females").every((v) => v.pct >= 0)).toBe(true);
    const { texts } = await render(b);
    expect(texts).toEqual(expect.arrayContaining(["Males", "Females", "4%"]));
    expect(texts).not.toContain("-4%");
  });
  test("oldest band at the top", () => {
    const y = (b.spec as { layer: { encoding?: { y?: { sort?: string[] } } }[] }).layer[0].encoding?.y?.sort;
    expect(y?.[0]).toBe("85+");
  });
  test("ageBandLower", () => {
    expect(ageBandLower("65-69")).toBe(65);
    expect(ageBandLower("90+")).toBe(90);
    expect(ageBandLower("Aged 5 to 9")).toBe(5);
    expect(ageBandLower("All ages")).toBeNull();
  });
});
