/** The special functions against high-precision values (mpmath, 40 digits): R agrees with these to ~1e-15. */
import { describe, expect, it } from "vitest";
import { pnorm, pt, qbeta, qchisq, qnorm, qt } from "../../../transforms/stats/distributions.ts";

const rel = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe("distributions", () => {
  it.each([
    ["qnorm(0.975)", () => qnorm(0.975), 1.9599639845400542],
    ["qnorm(0.999)", () => qnorm(0.999), 3.0902323061678135],
    ["qnorm(1e-10)", () => qnorm(1e-10), -6.3613409024040562],
    ["qchisq(0.025, 18)", () => qchisq(0.025, 18), 8.2307461947566649],
    ["qchisq(0.975, 20)", () => qchisq(0.975, 20), 34.169606902838341],
    ["qchisq(0.001, 1)", () => qchisq(0.001, 1), 1.5707971492624899e-6],
    ["qt(0.975, 4)", () => qt(0.975, 4), 2.7764451051977944],
    ["qt(0.999, 98)", () => qt(0.999, 98), 3.1754862836069065],
    ["qt(0.975, 3.5)", () => qt(0.975, 3.5), 2.9400886379827298],
    ["qbeta(0.025, 30.2, 60.7)", () => qbeta(0.025, 30.2, 60.7), 0.23970475860440561],
    ["qbeta(0.999, 2, 3)", () => qbeta(0.999, 2, 3), 0.93596186089716663],
    ["pnorm(-3)", () => pnorm(-3), 0.0013498980316300945],
    ["pt(2.5, 7)", () => pt(2.5, 7), 0.97950389070712355],
  ])("%s", (_, f, want) => {
    expect(rel(f(), want)).toBeLessThan(1e-12);
  });

  it("handles the edges", () => {
    expect(qchisq(0.025, 0)).toBe(0);
    expect(qnorm(0)).toBe(-Infinity);
    expect(qt(0.5, 7)).toBe(0);
    expect(qt(0.025, 7)).toBeCloseTo(-qt(0.975, 7), 14);
  });

  /*
   * Far tails. References, two independent ways:
   * - closed forms evaluated without cancellation, in the test: df = 1 (Cauchy)
   *   P(T < -s) = atan(1/s) / pi and its inverse s = cot(pi p); df = 2 P(T < -s) =
   *   1 / ((sqrt(2 + s^2) + s) sqrt(2 + s^2)) (1/2 - s / (2 sqrt(2 + s^2)) with the difference
   *   multiplied out);
   * - for fractional df, mpmath 1.3.0 at 50 digits: pt(t, df) = betainc(df/2, 1/2, 0,
   *   df / (df + t^2), regularized=True) / 2 for t < 0, printed to 20 significant digits.
   */
  it.each([
    ["pt(-40, 17.5)", () => pt(-40, 17.5), 5.9498285822924415093e-19],
    ["pt(40, 17.5, upper)", () => pt(40, 17.5, false), 5.9498285822924415093e-19],
    ["pt(-1e5, 3)", () => pt(-1e5, 3), 1.1026577904466272944e-15],
    ["pt(-300, 2.5)", () => pt(-300, 2.5), 4.6144418309767449811e-7],
    ["pt(-8, 5.5)", () => pt(-8, 5.5), 0.00015655291719173552759],
    ["pt(-2.5, 7)", () => pt(-2.5, 7), 0.020496109292876448445],
  ])("far lower tail %s keeps its relative precision", (_, f, want) => {
    expect(rel(f(), want)).toBeLessThan(1e-12);
  });

  it.each([1e3, 1e6, 1e9, 1e12])("pt(-%d, df = 1 and 2) agrees with the closed forms", (s) => {
    expect(rel(pt(-s, 1), Math.atan(1 / s) / Math.PI)).toBeLessThan(1e-13);
    const r = Math.sqrt(2 + s * s);
    expect(rel(pt(-s, 2), 1 / ((r + s) * r))).toBeLessThan(1e-13);
  });

  it.each([1e-12, 1e-300, 1e-6, 0.3])("qt(%d, df = 1) is -cot(pi p) to full precision (where that formula is itself exact in doubles)", (p) => {
    const want = -1 / Math.tan(Math.PI * p);
    expect(rel(qt(p, 1), want)).toBeLessThan(1e-14);
    expect(rel(qt(p, 1, false), -want)).toBeLessThan(1e-14);
  });

  it("qt(0.49999, 1) near the centre: mpmath -cot(pi p) = -3.1415926546233357949e-5", () => {
    expect(rel(qt(0.49999, 1), -0.000031415926546233357949)).toBeLessThan(1e-10);
  });
});
