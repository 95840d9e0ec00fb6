/**
 * Over-dispersion of funnel plots (Spiegelhalter 2005) against values worked by hand (each step
 * written out below; the arithmetic checked in a separate calculator to the digits given).
 */
import { describe, expect, it } from "vitest";
import { overdispersedBands, overdispersedLimit, overdispersion, StatsInputError } from "../../../transforms/stats/index.ts";

describe("overdispersion (proportions, arcsine square-root scale)", () => {
  // Five areas of 100: 10%, 20%, 30%, 40%, 50%. Pooled 150 / 500 = 0.3; target asin(sqrt(0.3)) = 0.5796397;
  // s = 1 / (2 sqrt(100)) = 0.05 for every area; z = (asin(sqrt(p)) - target) / 0.05.
  const od = overdispersion({ statistic: "proportion", numerator: [10, 20, 30, 40, 50], denominator: [100, 100, 100, 100, 100], multiplier: 100 });

  it("z-scores on the transformed scale, the pooled area at zero", () => {
    expect(od.baseline).toBeCloseTo(30, 12);
    const z = [-5.157783719341241, -2.319842627257963, 0, 2.101589252771574, 4.115168460674883];
    od.z.forEach((v, i) => expect(v).toBeCloseTo(z[i]!, 9));
  });

  it("winsorises at the 10th and 90th percentiles (type 7: z1 + 0.4 (z2 - z1), z4 + 0.6 (z5 - z4))", () => {
    // 10th: -5.157784 + 0.4 x 2.837941 = -4.022607; 90th: 2.101589 + 0.6 x 2.013579 = 3.309737.
    expect(od.winsorisedZ[0]).toBeCloseTo(-4.02260728250793, 9);
    expect(od.winsorisedZ[4]).toBeCloseTo(3.3097367775135593, 9);
    expect(od.winsorisedZ.slice(1, 4)).toEqual(od.z.slice(1, 4));
  });

  it("phi is the mean squared winsorised z; 5 phi = 36.9 is above chi-squared(4)'s 95th percentile 9.49", () => {
    // (16.181 + 5.382 + 0 + 4.417 + 10.954) / 5 = 7.3868
    expect(od.phi).toBeCloseTo(7.386814817663956, 9);
    expect(od.threshold).toBeCloseTo(9.487729036781154, 9);
    expect(od.overdispersed).toBe(true);
  });

  it("tau^2 = (I phi - (I - 1)) / (sum w - sum w^2 / sum w), w = 1 / s^2 = 400 each: (36.934 - 4) / (2000 - 400)", () => {
    expect(od.tau2).toBeCloseTo(0.020583796305199867, 12);
  });

  it("limits are target +/- z sqrt(s^2 + tau^2), transformed back: wide, and narrowing little with size", () => {
    // n = 100: asin(sqrt(0.3)) +/- 3.090232 x sqrt(0.0025 + 0.0205838), then sin^2, x 100.
    expect(overdispersedLimit(od, 100, 0.998, "upper")).toBeCloseTo(75.16886407715484, 8);
    expect(overdispersedLimit(od, 100, 0.998, "lower")).toBeCloseTo(1.2079628929036201, 8);
    expect(overdispersedLimit(od, 400, 0.998, "upper")).toBeCloseTo(73.46770041184189, 8);
    expect(overdispersedLimit(od, 400, 0.998, "lower")).toBeCloseTo(1.6702791901689094, 8);
  });

  it("places every area against the adjusted limits (here all within: the spread is the between-area variance)", () => {
    // Adjusted z = z s / sqrt(s^2 + tau^2): -1.697, -0.763, 0, 0.692, 1.354, all inside +/- 1.96.
    expect(overdispersedBands(od)).toEqual(Array(5).fill("within 95% limits"));
  });
});

describe("overdispersion (rates, square-root scale)", () => {
  // Events 5, 12, 30, 8 in populations 1,000 to 4,000: pooled 55 / 10,000 = 0.0055 per person.
  const od = overdispersion({ statistic: "rate", numerator: [5, 12, 30, 8], denominator: [1000, 2000, 3000, 4000], multiplier: 1000 });

  it("z = (sqrt(r) - sqrt(r0)) / (1 / (2 sqrt(n))), phi and tau^2", () => {
    const z = [-0.21827980482385004, 0.29495364956470976, 2.830412745467363, -3.723977270154479];
    od.z.forEach((v, i) => expect(v).toBeCloseTo(z[i]!, 9));
    expect(od.baseline).toBeCloseTo(5.5, 12);
    expect(od.phi).toBeCloseTo(2.8899071938636514, 9);
    expect(od.tau2).toBeCloseTo(0.00030570102769480735, 12);
    // 4 phi = 11.56 is above chi-squared(3)'s 95th percentile, 7.81.
    expect(od.overdispersed).toBe(true);
  });

  it("the upper 95% limit at 2,500 residents: (sqrt(0.0055) + 1.959964 sqrt(1 / 10,000 + tau^2))^2 x 1,000", () => {
    expect(overdispersedLimit(od, 2500, 0.95, "upper")).toBeCloseTo(12.913963567720412, 8);
  });
});

describe("no over-dispersion", () => {
  it("areas at the pooled value give phi 0, tau^2 0, and the plain transformed-scale limits", () => {
    const od = overdispersion({ statistic: "proportion", numerator: [20, 40, 60], denominator: [100, 200, 300], multiplier: 100 });
    expect(od.phi).toBe(0);
    expect(od.tau2).toBe(0);
    expect(od.overdispersed).toBe(false);
    // sin^2(asin(sqrt(0.2)) + 1.959964 / (2 x 10)) x 100
    expect(overdispersedLimit(od, 100, 0.95, "upper")).toBeCloseTo(100 * Math.sin(Math.asin(Math.sqrt(0.2)) + 1.959963984540054 / 20) ** 2, 10);
  });

  it("refuses what it cannot estimate, with a reason", () => {
    expect(() => overdispersion({ statistic: "proportion", numerator: [0, 0], denominator: [10, 10], multiplier: 100 })).toThrow(StatsInputError);
    expect(() => overdispersion({ statistic: "rate", numerator: [1], denominator: [10], multiplier: 1000 })).toThrow("at least two areas");
    expect(() => overdispersion({ statistic: "proportion", numerator: [11, 1], denominator: [10, 10], multiplier: 100 })).toThrow(StatsInputError);
  });
});
