import { describe, expect, test } from "vitest";
import { categoryBarsChart } from "../../../notebooks/charts/index.ts";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { BOROUGH, FOCUS } from "./fixtures.ts";

chartContract("category-bars", fixtureCharts["category-bars"], { focusText: FOCUS.name, focusValueText: "24.1%" });

describe("categoryBarsChart", () => {
  const b = fixtureCharts["category-bars"]();

  test("sorts by the focus value, withheld values last, and says why in the table", () => {
    expect(b.table.rows.map((r) => r[0])).toEqual(["Missed bin", "Fly-tipping", "=Housing repairs", "Noise", "Street lighting", "Graffiti"]);
    expect(b.table.rows.at(-1)).toEqual(["Graffiti", null, 9.6, "fewer than 5 cases"]);
  });

  test("prints every value beside its bar and the reason instead of a withheld bar", async () => {
    const { texts } = await render(b);
    expect(texts).toEqual(expect.arrayContaining(["24.1", "21.3", "fewer than 5 cases"]));
  });

  test("alt text names the highest category and the withheld one", () => {
    expect(b.alt).toContain(`The highest in ${FOCUS.name} is Missed bin: 24.1%, against 21.3% in ${BOROUGH.name}`);
    expect(b.alt).toContain("Not shown for St Mary's & Riverside: Graffiti (fewer than 5 cases)");
  });

  test("without a comparator it draws one series and no legend", async () => {
    const one = categoryBarsChart([{ category: "A", focus: 3 }, { category: "B", focus: null }], { title: "Days", focusName: "Kestrel", unit: "days" });
    expect(one.table.columns).toEqual(["Category", "Kestrel (days)", "Note"]);
    const { warnings } = await render(one);
    expect(warnings).toEqual([]);
  });
});
