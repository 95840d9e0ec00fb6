/** Funnel plots and quantiles beyond the reference cases: their input checks and edge cases. */
import { describe, expect, it } from "vitest";
import { funnelLimits, funnelSignificance, quantiles, StatsInputError } from "../../../transforms/stats/index.ts";
import { rCharCount, roundHalfEven, signifCeiling } from "../../../transforms/stats/funnel-methods.ts";

describe("funnelSignificance", () => {
  it("needs a denominator for every statistic (as PHEindicatormethods)", () => {
    const f = () => funnelSignificance({ statistic: "rate", rateType: "dsr", multiplier: 1e5, numerator: [8, 150], rate: [95, 410] });
    expect(f).toThrow(StatsInputError);
    expect(f).toThrow("denominator is absent but must be supplied");
  });
  it("rejects proportions above 1 and negative numerators", () => {
    expect(() => funnelSignificance({ statistic: "proportion", numerator: [5], denominator: [3] })).toThrow(
      "numerators must be less than or equal to denominator for a proportion statistic",
    );
    expect(() => funnelSignificance({ statistic: "ratio", numerator: [-1], denominator: [3] })).toThrow("numerators must be greater than or equal to zero");
  });
  it("labels an area on the average as not significant", () => {
    expect(funnelSignificance({ statistic: "proportion", numerator: [100, 100], denominator: [1000, 1000] })).toEqual(["Not significant", "Not significant"]);
  });
});

describe("funnelLimits", () => {
  it("makes 100 increasing points with nested limits", () => {
    const f = funnelLimits({ statistic: "proportion", multiplier: 100, numerator: [10, 40], denominator: [100, 300] });
    expect(f.rows).toHaveLength(100);
    for (let i = 1; i < 100; i++) expect(f.rows[i].point).toBeGreaterThan(f.rows[i - 1].point);
    for (const r of f.rows) {
      expect(r.lower998).toBeLessThanOrEqual(r.lower95);
      expect(r.upper998).toBeGreaterThanOrEqual(r.upper95);
    }
  });
  it("asks for what each statistic needs", () => {
    expect(() => funnelLimits({ statistic: "rate", rateType: "dsr", multiplier: 1e5, numerator: [10], rate: [5] })).toThrow("years_of_data is required");
    expect(() => funnelLimits({ statistic: "ratio", multiplier: 100, numerator: [10], denominator: [5] })).toThrow('invalid ratio_type undefined');
    expect(() => funnelLimits({ statistic: "odds" as never, multiplier: 1, numerator: [1] })).toThrow('invalid statistic "odds"');
  });
  it("rounds like R (halves to even, 1e+05 is five characters)", () => {
    expect(roundHalfEven(2.5)).toBe(2);
    expect(roundHalfEven(3.5)).toBe(4);
    expect(rCharCount(100000)).toBe(5);
    expect(rCharCount(84808)).toBe(5);
    expect(rCharCount(10000)).toBe(5);
    expect(signifCeiling(3500)).toBe(3700);
  });
});

describe("quantiles", () => {
  it("ties share the lowest rank; invert puts the highest values in quantile 1", () => {
    const q = quantiles([1, 2, 2, 3, 4, 5, 6, 7, 8, 9], { nquantiles: 5, invert: false });
    expect(q.quantiles).toEqual([1, 1, 1, 2, 3, 3, 4, 4, 5, 5]);
    expect(q.qinverted).toBe("lowest quantile represents lowest values");
    expect(quantiles([1, 2, 3, 4, 5], { nquantiles: 5 }).quantiles).toEqual([5, 4, 3, 2, 1]);
  });
  it("leaves missing values unassigned and gives nothing when there are fewer values than quantiles", () => {
    expect(quantiles([3, null, 1, 2], { nquantiles: 3, invert: false }).quantiles).toEqual([3, null, 1, 2]);
    const few = quantiles([1, 2], { nquantiles: 5 });
    expect(few.quantiles).toEqual([null, null]);
    expect(few.warning).toContain("fewer than the 5 quantiles");
  });
  it("rejects bad options", () => {
    expect(() => quantiles([1, 2], { nquantiles: 1 })).toThrow("nquantiles must be a whole number of at least 2");
    expect(() => quantiles([1, Number.NaN])).toThrow("values must be a finite number");
  });
});
