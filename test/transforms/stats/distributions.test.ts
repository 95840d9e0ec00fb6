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
});
