import { describe, expect, test } from "vitest";
import { needIndexChart } from "../../../notebooks/charts/index.ts";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { FOCUS } from "./fixtures.ts";

chartContract("need-index", fixtureCharts["need-index"], { focusText: FOCUS.name, focusValueText: "score 2.4, ranked 1st of 14, tier Highest need" });

describe("needIndexChart", () => {
  const b = fixtureCharts["need-index"]();
  test("ranks from greatest need and writes the tier beside each bar", async () => {
    expect(b.table.rows[0]).toEqual([1, FOCUS.code, FOCUS.name, 2.4, "Highest need"]);
    const { texts } = await render(b);
    for (const t of ["Highest need", "High need", "Moderate need", "Lower need"]) expect(texts).toContain(t);
    expect(texts).toContain("\u22121.1");
  });
  test("tiers default to the order of their best rank; unknown tiers are appended", () => {
    const bb = needIndexChart(
      [
        { area_code: "a", name: "A", score: 2, rank: 1, tier: "Top" },
        { area_code: "b", name: "B", score: 1, rank: 2, tier: "Rest" },
      ],
      { title: "t", tiers: ["Top"] },
    );
    const fill = (bb.spec as { layer: { encoding?: { fill?: { scale: { domain: string[] } } } }[] }).layer[0].encoding?.fill;
    expect(fill?.scale.domain).toEqual(["Top", "Rest"]);
  });
});
