/** Edge cases of the Fingertips estimators: zero events, x = n, the exact/Byar switch, suppression, bad input. */
import { describe, expect, it } from "vitest";
import {
  crudeRate, crudeRateInterval, directlyStandardisedRate, ESP2013, indirectlyStandardisedRate, indirectlyStandardisedRatio,
  lifeExpectancy, mean, proportion, proportionInterval, slopeIndexOfInequality, StatsInputError, statsMessages,
} from "../../../transforms/stats/index.ts";
import { exactUpper } from "../../../transforms/stats/poisson-limits.ts";

describe("proportion (Wilson)", () => {
  it("0 of n: value 0, lower limit exactly 0, upper limit positive", () => {
    const e = proportion(0, 50, { multiplier: 100 });
    expect(e).toMatchObject({ value: 0, lower95: 0, lower998: 0, method: "Wilson" });
    expect(e.upper95).toBeCloseTo(7.13475991333587, 12);
    expect(e.upper998).toBeCloseTo(16.0362891042788, 12);
  });

  it("numerator = denominator: upper limit exactly 100%", () => {
    const e = proportion(50, 50, { multiplier: 100 });
    expect(e.value).toBe(100);
    expect(e.upper95).toBe(100);
    expect(e.upper998).toBe(100);
    expect(e.lower95).toBeCloseTo(92.8652400866641, 12);
  });

  it("defaults to a fraction (multiplier 1) and nests the 95% interval inside the 99.8%", () => {
    const e = proportion(65, 100);
    expect(e.value).toBe(0.65);
    expect(e.lower998!).toBeLessThan(e.lower95!);
    expect(e.upper998!).toBeGreaterThan(e.upper95!);
  });

  it("gives one other level on request", () => {
    const i = proportionInterval(65, 100, 0.99, { multiplier: 100 });
    expect(i.level).toBe(0.99);
    expect(i.lower!).toBeGreaterThan(proportion(65, 100, { multiplier: 100 }).lower998!);
  });

  it.each([
    [() => proportion(5, 3), "numerators must be less than or equal to denominator for a proportion statistic"],
    [() => proportion(-1, 3), "numerators must be greater than or equal to zero"],
    [() => proportion(1, 0), "denominators must be greater than zero"],
    [() => proportion(Number.NaN, 3), "numerators must be a finite number"],
    [() => proportion(1, 3, { multiplier: 0 }), "multiplier must be a positive number"],
    [() => proportionInterval(1, 3, 0.5), "confidence level must be between 90 and 100 or between 0.9 and 1"],
  ])("rejects bad input: %s", (f, message) => {
    expect(f).toThrow(StatsInputError);
    expect(f).toThrow(message);
  });
});

describe("crude rate", () => {
  it("switches from exact to Byar's at 10 events", () => {
    expect(crudeRate(9, 2000).method).toBe("Exact");
    expect(crudeRate(10, 2000).method).toBe("Byars");
    expect(crudeRate(9, 2000).lower95).toBeCloseTo(205.768654868917, 10);
    expect(crudeRate(10, 2000).lower95).toBeCloseTo(239.372495698378, 10);
  });

  it("0 events: value and lower limits 0, exact upper limit qchisq(0.975, 2) / 2 per population", () => {
    const e = crudeRate(0, 2000);
    expect(e).toMatchObject({ value: 0, lower95: 0, lower998: 0, method: "Exact" });
    expect(e.upper95).toBeCloseTo((exactUpper(0, 0.95) / 2000) * 100000, 10);
    expect(e.upper95).toBeCloseTo(184.443972705697, 10);
  });

  it("defaults to per 100,000 and takes a multiplier", () => {
    expect(crudeRate(5, 1000).value).toBe(500);
    expect(crudeRate(5, 1000, { multiplier: 1000 }).value).toBe(5);
    expect(crudeRateInterval(25, 10000, 0.99, { multiplier: 1000 }).lower).toBeCloseTo(1.39784337916563, 12);
  });

  it("rejects negative counts and non-positive denominators", () => {
    expect(() => crudeRate(-2, 100)).toThrow(statsMessages.negativeNumerator());
    expect(() => crudeRate(2, 0)).toThrow(statsMessages.nonPositiveDenominator());
  });
});

describe("directly standardised rate (Dobson)", () => {
  const n = [7500, 7800, 7400, 7000, 8000, 8500, 8000, 7500, 7000, 7000, 6500, 6000, 5500, 5000, 4500, 3500, 2500, 1500, 900];
  it("uses ESP2013 (19 bands summing to 100,000) by default", () => {
    expect(ESP2013).toHaveLength(19);
    expect(ESP2013.reduce((a, b) => a + b, 0)).toBe(100000);
    const x = n.map(() => 1);
    expect(directlyStandardisedRate(x, n).value).toBeCloseTo(directlyStandardisedRate(x, n, { stdpop: ESP2013 }).value!, 12);
  });

  it("is not published below 10 events: value and limits null, with a note", () => {
    const x = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2];
    const e = directlyStandardisedRate(x, n);
    expect(e).toMatchObject({ value: null, lower95: null, upper95: null, lower998: null, upper998: null, method: "Dobson" });
    expect(e.note).toContain("dsr NA for total count < 10");
    const ten = [...x];
    ten[0] = 1;
    expect(directlyStandardisedRate(ten, n).value).not.toBeNull();
  });

  it("rejects a band count that does not match the standard population", () => {
    expect(() => directlyStandardisedRate([1, 2, 3], [10, 10, 10])).toThrow(StatsInputError);
    expect(() => directlyStandardisedRate([1, 2, 3], [10, 10, 10])).toThrow("standard population has 19 bands but the data has 3");
    expect(() => directlyStandardisedRate([1, 2], [10, 10, 10], { stdpop: [1, 1, 1] })).toThrow("x (numerators) has 2 value(s) but n (denominators) has 3");
    expect(() => directlyStandardisedRate([1, 2, 3], [10, 0, 10], { stdpop: [1, 1, 1] })).toThrow("denominators must be greater than zero");
    expect(() => directlyStandardisedRate([1, -2, 3], [10, 10, 10], { stdpop: [1, 1, 1] })).toThrow("numerators must be greater than or equal to zero");
  });
});

describe("indirect standardisation", () => {
  const n = [10000, 8000, 6000, 3000];
  const xRef = [500, 1500, 4000, 10000];
  const nRef = [1000000, 800000, 600000, 250000];
  it("takes band counts or the observed total", () => {
    const a = indirectlyStandardisedRatio([5, 12, 30, 80], n, xRef, nRef, { refValue: 100 });
    const b = indirectlyStandardisedRatio(127, n, xRef, nRef, { refValue: 100 });
    expect(a).toEqual(b);
    expect(a.value).toBeCloseTo((127 / 180) * 100, 12);
  });

  it("uses exact limits below 10 observed events", () => {
    expect(indirectlyStandardisedRatio(9, n, xRef, nRef).method).toBe("Exact");
    expect(indirectlyStandardisedRatio(0, n, xRef, nRef)).toMatchObject({ value: 0, lower95: 0, method: "Exact" });
    expect(indirectlyStandardisedRate(10, n, xRef, nRef).method).toBe("Byars");
  });

  it("rejects mismatched bands and a zero expected count", () => {
    expect(() => indirectlyStandardisedRatio(3, n, xRef.slice(1), nRef)).toThrow("x_ref has 3 value(s) but n has 4");
    expect(() => indirectlyStandardisedRatio(3, n, [0, 0, 0, 0], nRef)).toThrow(statsMessages.zeroExpected());
  });
});

describe("mean (t interval)", () => {
  it("matches phe_mean", () => {
    const e = mean([1, 2, 3, 4, 10]);
    expect(e.value).toBe(4);
    expect(e.lower95).toBeCloseTo(-0.389945165425414, 12);
    expect(e.method).toBe("t");
  });
  it("gives one value back with null limits and a note, as phe_mean gives NA limits", () => {
    expect(mean([3])).toEqual({
      value: 3, lower95: null, upper95: null, lower998: null, upper998: null, method: "t", note: statsMessages.meanOneValue(),
    });
  });
  it("needs finite values", () => {
    expect(() => mean([])).toThrow("values must contain at least one value");
    expect(() => mean([1, Number.POSITIVE_INFINITY])).toThrow("values must be a finite number");
  });
});

describe("life expectancy and SII inputs", () => {
  const deaths = [6, 1, 1, 1, 3, 4, 5, 6, 9, 12, 18, 25, 35, 50, 70, 95, 120, 150, 180, 200];
  const pops = [1500, 6000, 7500, 7000, 7000, 8000, 8500, 8000, 7500, 7000, 7000, 6500, 6000, 5500, 5000, 4500, 3500, 2500, 1500, 800];
  it("life expectancy needs the 20 bands and is not calculated for 5,000 people or fewer", () => {
    expect(() => lifeExpectancy(deaths.slice(1), pops.slice(1))).toThrow("deaths has 19 value(s) but the life table's age bands has 20");
    const small = lifeExpectancy(deaths.map((d) => Math.min(d, 1)), pops.map((p) => Math.round(p / 30)), { leAge: [0] });
    expect(small[0]).toMatchObject({ startAge: 0, value: null });
    expect(small[0].note).toContain("5000 or less");
    expect(lifeExpectancy(deaths, pops, { leAge: [65] })[0].value).toBeCloseTo(19.3266197712686, 10);
  });
  it("the SII needs 5 to 100 quantiles and valid values for its scale", () => {
    const base = { quantile: [1, 2, 3, 4, 5], population: [1, 1, 1, 1, 1], value: [0.1, 0.2, 0.3, 0.4, 1.2], se: [0.01, 0.01, 0.01, 0.01, 0.01] };
    expect(() => slopeIndexOfInequality(base, { valueType: 2, repetitions: 1000 })).toThrow("strictly between 0 and 1");
    expect(() => slopeIndexOfInequality({ ...base, quantile: [1, 2, 3, 4], population: [1, 1, 1, 1], value: [1, 2, 3, 4], se: [1, 1, 1, 1] })).toThrow("between 5 and 100");
    const r = slopeIndexOfInequality({ ...base, value: [1, 2, 3, 4, 5] }, { repetitions: 1000, seed: 7 });
    expect(r.sii).toBeCloseTo(5, 12); // values rise by 1 per fifth of the population: 5 across the whole range
    expect(r.siiLower95).toBeLessThan(r.sii);
  });
});

describe("proportion limits at the edges", () => {
  it("x = n gives an upper limit of exactly the multiplier, x = 0 a lower limit of exactly 0", async () => {
    const { proportion } = await import("../../../transforms/stats/index.ts");
    for (const n of [1, 3, 8, 17, 50, 1234]) {
      const all = proportion(n, n, { multiplier: 100 });
      expect(all.upper95).toBe(100);
      expect(all.upper998).toBe(100);
      expect(all.value).toBe(100);
      const none = proportion(0, n, { multiplier: 100 });
      expect(none.lower95).toBe(0);
      expect(none.lower998).toBe(0);
    }
  });
});
