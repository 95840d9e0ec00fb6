/** Property-based checks of the estimators: finite limits that contain the value and move the right way. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { crudeRate, proportion, median, compareToValue } from "../../../transforms/stats/index.ts";

const finiteEstimate = (e: { value: number | null; lower95: number | null; upper95: number | null; lower998: number | null; upper998: number | null }) => {
  for (const v of [e.value, e.lower95, e.upper95, e.lower998, e.upper998]) expect(Number.isFinite(v)).toBe(true);
  expect(e.lower998!).toBeLessThanOrEqual(e.lower95!);
  expect(e.lower95!).toBeLessThanOrEqual(e.value!);
  expect(e.value!).toBeLessThanOrEqual(e.upper95!);
  expect(e.upper95!).toBeLessThanOrEqual(e.upper998!);
};

describe("proportion (Wilson) properties", () => {
  const xn = fc.integer({ min: 1, max: 1_000_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
  it("is finite, nested, within [0, 100], and contains the value", () => {
    fc.assert(fc.property(xn, ([x, n]) => {
      const e = proportion(x, n, { multiplier: 100 });
      finiteEstimate(e);
      expect(e.lower998!).toBeGreaterThanOrEqual(0);
      expect(e.upper998!).toBeLessThanOrEqual(100);
    }), { numRuns: 500 });
  });
  it("limits rise with the count, and the interval narrows as the sample grows at the same share", () => {
    fc.assert(fc.property(xn, ([x, n]) => {
      fc.pre(x < n);
      const a = proportion(x, n);
      const b = proportion(x + 1, n);
      expect(b.lower95!).toBeGreaterThanOrEqual(a.lower95!);
      expect(b.upper95!).toBeGreaterThanOrEqual(a.upper95!);
      const big = proportion(x * 4, n * 4);
      expect(big.upper95! - big.lower95!).toBeLessThanOrEqual(a.upper95! - a.lower95! + 1e-12);
    }), { numRuns: 300 });
  });
});

describe("crude rate (exact Poisson / Byar) properties", () => {
  const xn = fc.tuple(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 1, max: 10_000_000 }));
  it("is finite, nested and contains the value", () => {
    fc.assert(fc.property(xn, ([x, n]) => finiteEstimate(crudeRate(x, n, { multiplier: 1000 }))), { numRuns: 500 });
  });
  it("limits rise with the count, across the switch from exact to Byar at 10", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1000, max: 1_000_000 }), (x, n) => {
      const a = crudeRate(x, n);
      const b = crudeRate(x + 1, n);
      expect(b.lower95!).toBeGreaterThan(a.lower95! - 1e-9);
      expect(b.upper95!).toBeGreaterThan(a.upper95!);
    }), { numRuns: 500 });
  });
});

describe("median and comparison properties", () => {
  it("the median's limits contain it and are values of the sample", () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 500 }), (xs) => {
      const m = median(xs);
      finiteEstimate(m);
      expect(xs).toContain(m.lower95);
      expect(xs).toContain(m.upper95);
    }), { numRuns: 300 });
  });
  it("an interval containing the comparator is similar; flipping polarity swaps better and worse", () => {
    fc.assert(fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e3, noNaN: true }), fc.double({ min: -2e6, max: 2e6, noNaN: true }), (lo, w, c) => {
      const area = { lower: lo, upper: lo + w };
      const hi = compareToValue(area, c, "high_is_good");
      const low = compareToValue(area, c, "low_is_good");
      if (c >= area.lower && c <= area.upper) expect(hi).toBe("similar");
      const swap: Record<string, string> = { better: "worse", worse: "better", similar: "similar" };
      expect(low).toBe(swap[hi]);
      expect(compareToValue({ lower: null, upper: null }, c, "high_is_good")).toBe("not_compared");
    }), { numRuns: 500 });
  });
});
