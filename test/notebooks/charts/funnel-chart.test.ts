import { describe, expect, test } from "vitest";
import { funnelBands, funnelChart } from "../../../notebooks/charts/index.ts";
import { funnelLimits } from "../../../transforms/stats/index.ts";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { FOCUS, funnelLimits as fixtureLimits } from "./fixtures.ts";

const funnelLimitsBaseline = () => fixtureLimits.rows[0].baseline;

chartContract("funnel", fixtureCharts.funnel, { focusText: `${FOCUS.name}: 41.3 per 1,000`, focusValueText: "41.3 per 1,000" });

describe("funnel bands", () => {
  // 40 areas, populations 100 to 880, counts spread either side of 30%.
  const areas = Array.from({ length: 40 }, (_, i) => {
    const denominator = 100 + i * 20;
    return { denominator, numerator: Math.round(denominator * (0.3 + ((i % 9) - 4) * 0.035)) };
  });
  const limits = funnelLimits({ statistic: "proportion", multiplier: 100, numerator: areas.map((a) => a.numerator), denominator: areas.map((a) => a.denominator) });
  const points = areas.map((a) => ({ ...a, value: (100 * a.numerator) / a.denominator }));
  const bands = funnelBands(limits, points);

  test("agree with the limits drawn (read between PHE's populations), for every area clear of a line", () => {
    const at = (den: number, k: "lower95" | "upper95" | "lower998" | "upper998") => {
      const i = limits.rows.findIndex((r) => r.point >= den);
      const [a, b] = [limits.rows[i - 1], limits.rows[i]];
      return a[k] + ((den - a.point) / (b.point - a.point)) * (b[k] - a[k]);
    };
    const clear = points.flatMap((p, i) => {
      const l = { u998: at(p.denominator, "upper998"), u95: at(p.denominator, "upper95"), l95: at(p.denominator, "lower95"), l998: at(p.denominator, "lower998") };
      if (Object.values(l).some((v) => Math.abs(p.value - v) < 0.25)) return [];
      const expected = p.value > l.u998 ? "above 99.8% limit" : p.value > l.u95 ? "above 95% limit" : p.value < l.l998 ? "below 99.8% limit" : p.value < l.l95 ? "below 95% limit" : "within 95% limits";
      expect(bands[i], `${p.numerator} of ${p.denominator}`).toBe(expected);
      return [expected];
    });
    expect(clear.length).toBeGreaterThan(30);
  });
  test("cover every band on this spread, and give one band per area", () => {
    expect(bands).toHaveLength(points.length);
    expect(new Set(bands)).toEqual(new Set(["above 99.8% limit", "above 95% limit", "within 95% limits", "below 95% limit", "below 99.8% limit"]));
  });
  test("refuse a ratio funnel (its x-axis is not a population)", () => {
    const ratio = funnelLimits({ statistic: "ratio", ratioType: "isr", multiplier: 100, numerator: [10, 20], denominator: [12, 18] });
    expect(() => funnelChart([], { title: "t", limits: ratio })).toThrow("funnelChart draws proportion and rate funnels, not ratio funnels");
  });
});

describe("funnelChart", () => {
  const b = fixtureCharts.funnel();
  test("draws the limits around the baseline of funnelLimits", () => {
    const rule = (b.spec as { layer: { mark: { type: string }; data: { values: { value: number }[] } }[] }).layer.find((l) => l.mark.type === "rule");
    expect(rule?.data.values).toEqual([{ comparator: "Kestrel", value: funnelLimitsBaseline() }]);
  });
  test("classifies each ward against the limits in the table", () => {
    expect(b.table.rows.find((r) => r[1] === FOCUS.name)?.[5]).toBe("above 99.8% limit");
    expect(b.table.rows.find((r) => r[1] === "Millbrook")?.[5]).toBe("within 95% limits");
  });
  test("labels the limits and the comparator line in text", async () => {
    const { texts } = await render(b);
    expect(texts).toEqual(expect.arrayContaining(["95%", "99.8%", "Kestrel: 24.6", "Outside 99.8% limits", "Within 95% limits"]));
  });
  test("alt text lists the wards outside the 99.8% limits", () => {
    expect(b.alt).toContain("Outside the 99.8% limits:");
    expect(b.alt).toContain("Abbey Fields (below)");
  });
});
