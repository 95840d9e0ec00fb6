import { describe, expect, test } from "vitest";
import { funnelBand, limitAt } from "../../../notebooks/charts/index.ts";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { FOCUS } from "./fixtures.ts";

chartContract("funnel", fixtureCharts.funnel, { focusText: `${FOCUS.name}: 41.3 per 1,000`, focusValueText: "41.3 per 1,000" });

const limits = [
  { denominator: 100, lower95: 5, upper95: 15, lower998: 2, upper998: 18 },
  { denominator: 200, lower95: 7, upper95: 13, lower998: 5, upper998: 15 },
];

describe("funnel limits", () => {
  test("limitAt interpolates linearly and is null outside the limits' range", () => {
    expect(limitAt(limits, 150, "upper95")).toBe(14);
    expect(limitAt(limits, 200, "lower998")).toBe(5);
    expect(limitAt(limits, 50, "upper95")).toBeNull();
    expect(limitAt(limits, 250, "upper95")).toBeNull();
  });
  test("funnelBand", () => {
    expect(funnelBand(limits, { denominator: 150, value: 10 })).toBe("within 95% limits");
    expect(funnelBand(limits, { denominator: 150, value: 14.5 })).toBe("above 95% limit");
    expect(funnelBand(limits, { denominator: 150, value: 17 })).toBe("above 99.8% limit");
    expect(funnelBand(limits, { denominator: 150, value: 3 })).toBe("below 99.8% limit");
    expect(funnelBand(limits, { denominator: 999, value: 3 })).toBeNull();
  });
});

describe("funnelChart", () => {
  const b = fixtureCharts.funnel();
  test("classifies each ward against the limits in the table", () => {
    expect(b.table.rows.find((r) => r[1] === FOCUS.name)?.[5]).toBe("above 99.8% limit");
    expect(b.table.rows.find((r) => r[1] === "Millbrook")?.[5]).toBe("within 95% limits");
  });
  test("labels the limits and the comparator line in text", async () => {
    const { texts } = await render(b);
    expect(texts).toEqual(expect.arrayContaining(["95%", "99.8%", "Kestrel: 25.4", "Outside 99.8% limits", "Within 95% limits"]));
  });
  test("alt text lists the wards outside the 99.8% limits", () => {
    expect(b.alt).toContain("Outside the 99.8% limits:");
    expect(b.alt).toContain("Abbey Fields (below)");
  });
});
