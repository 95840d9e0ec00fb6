import { describe, expect, test } from "vitest";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { FOCUS } from "./fixtures.ts";

chartContract("trend-panels", fixtureCharts["trend-panels"], { focusText: FOCUS.name, focusValueText: "41.3 per 1,000" });

describe("trendPanelsChart", () => {
  const b = fixtureCharts["trend-panels"]();

  test("one panel per indicator, headed with its unit", async () => {
    const { texts } = await render(b);
    expect(texts).toEqual(expect.arrayContaining(["Violence and sexual offences (per 1,000)", "Anti-social behaviour (per 1,000)"]));
  });

  test("alt text gives each indicator's latest value, its change and the first comparator", () => {
    expect(b.alt).toContain("Violence and sexual offences: 41.3 per 1,000 in 2023/24, up from 33.1 in 2018/19 (Kestrel:");
    expect(b.alt).toContain("Anti-social behaviour:");
  });

  test("the table is long: indicator, period and area on every row", () => {
    expect(b.table.columns).toEqual(["Indicator", "Period", "Area code", "Area", "Value", "Lower 95% CI", "Upper 95% CI"]);
    expect(b.table.rows.every((r) => typeof r[0] === "string" && typeof r[1] === "string")).toBe(true);
  });
});
