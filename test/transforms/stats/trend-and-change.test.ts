/** Recent trends (five annual points, 99.8%) and change from baseline (MOVER). */
import { describe, expect, it } from "vitest";
import {
  changeFromBaseline, crudeRate, proportion, recentTrend, StatsInputError, TREND_THRESHOLD, type TrendPoint,
} from "../../../transforms/stats/index.ts";

const props = (counts: number[], n = 1000, start = 2018): TrendPoint[] =>
  counts.map((r, i) => ({ period: start + i, numerator: r, denominator: n }));

describe("recentTrend", () => {
  it("threshold is chi-squared(1) at 99.8%", () => {
    expect(TREND_THRESHOLD).toBeCloseTo(9.5495, 4);
  });

  it("proportions: increasing and decreasing", () => {
    const up = recentTrend(props([100, 120, 140, 160, 180]), "proportion");
    expect(up.direction).toBe("increasing");
    expect(up.chiSquared!).toBeGreaterThan(TREND_THRESHOLD);
    expect(up.slope!).toBeGreaterThan(0);
    expect(recentTrend(props([180, 160, 140, 120, 100]), "proportion").direction).toBe("decreasing");
  });

  it("uses the five most recent points, in period order", () => {
    const pts = props([500, 100, 120, 140, 160, 180], 1000, 2015).reverse();
    const t = recentTrend(pts, "proportion");
    expect(t.periods).toEqual([2016, 2017, 2018, 2019, 2020]);
    expect(t.direction).toBe("increasing");
  });

  it("small changes are no significant change", () => {
    const t = recentTrend(props([100, 102, 101, 103, 102]), "proportion");
    expect(t.direction).toBe("no significant change");
    expect(t.chiSquared!).toBeLessThan(TREND_THRESHOLD);
  });

  it("a significant trend whose sign flips when one point is left out is no significant change", () => {
    const t = recentTrend(props([130, 100, 100, 100, 300]), "proportion");
    expect(t.chiSquared!).toBeGreaterThan(TREND_THRESHOLD);
    expect(t.direction).toBe("no significant change");
    expect(t.note).toContain("leaving out 2022");
  });

  it("rates: inverse-variance weighted regression on the 95% limits", () => {
    const pts = [400, 380, 350, 330, 300].map((x, i) => {
      const e = crudeRate(x, 100000);
      return { period: 2019 + i, value: e.value, lower95: e.lower95, upper95: e.upper95 };
    });
    const t = recentTrend(pts, "rate");
    expect(t.direction).toBe("decreasing");
    expect(t.slope!).toBeLessThan(0);
    const flat = [400, 405, 398, 402, 401].map((x, i) => ({ period: 2019 + i, ...crudeRate(x, 100000) }));
    expect(recentTrend(flat, "rate").direction).toBe("no significant change");
  });

  it("missing points: cannot be calculated", () => {
    expect(recentTrend(props([100, 120, 140, 160]), "proportion")).toMatchObject({ direction: "cannot be calculated" });
    const gap = props([100, 120, 140, 160, 180]);
    gap[4].period = 2023;
    expect(recentTrend(gap, "proportion")).toMatchObject({ direction: "cannot be calculated", note: expect.stringContaining("gap between 2021 and 2023") });
    const hole = props([100, 120, 140, 160, 180]);
    hole[2].numerator = null;
    expect(recentTrend(hole, "proportion")).toMatchObject({ direction: "cannot be calculated", note: "period 2020 has no numerator" });
    expect(recentTrend([{ period: 2020, value: 1 }, { period: 2021, value: null }, { period: 2022 }, { period: 2023 }, { period: 2024 }], "rate").direction).toBe("cannot be calculated");
  });

  it("rejects malformed points", () => {
    expect(() => recentTrend([{ period: 2020 }, { period: 2020 }], "rate")).toThrow("trend points have period 2020 more than once");
    expect(() => recentTrend(props([100, 120, 1400, 160, 180]), "proportion")).toThrow(StatsInputError);
    expect(() => recentTrend([], "slope" as never)).toThrow('invalid trend kind "slope"');
  });
});

describe("changeFromBaseline", () => {
  it("difference of Wilson proportions is Newcombe's hybrid score interval (56/70 vs 48/80: 0.0524 to 0.3339)", () => {
    const c = changeFromBaseline(proportion(48, 80), proportion(56, 70), "difference");
    expect(c.change).toBeCloseTo(0.2, 12);
    expect(c.lower95).toBeCloseTo(0.0524, 4);
    expect(c.upper95).toBeCloseTo(0.3339, 4);
    expect(c.significant).toBe(true);
    expect(c.method).toBe("MOVER");
  });

  it("ratio of rates (MOVER-R): no change is not significant, a doubling is", () => {
    const same = changeFromBaseline(crudeRate(200, 100000), crudeRate(200, 100000), "ratio");
    expect(same.change).toBe(1);
    expect(same.lower95!).toBeLessThan(1);
    expect(same.upper95!).toBeGreaterThan(1);
    expect(same.significant).toBe(false);
    const doubled = changeFromBaseline(crudeRate(100, 100000), crudeRate(200, 100000), "ratio");
    expect(doubled.change).toBeCloseTo(2, 12);
    expect(doubled.lower95!).toBeGreaterThan(1);
    expect(doubled.significant).toBe(true);
  });

  it("null inputs give a null change with a note", () => {
    const c = changeFromBaseline({ value: null, lower95: null, upper95: null }, proportion(1, 2), "difference");
    expect(c).toMatchObject({ change: null, lower95: null, upper95: null, significant: false });
    expect(c.note).toBeDefined();
    expect(changeFromBaseline(crudeRate(0, 1000), crudeRate(5, 1000), "ratio").change).toBeNull();
  });
});
