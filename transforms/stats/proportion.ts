/**
 * A proportion with Wilson score limits (Wilson 1927; Newcombe & Altman 2000), the Fingertips
 * method. PHEindicatormethods `phe_proportion` / `wilson_lower` / `wilson_upper`.
 */
import { type Estimate, type Interval, LEVEL_95, LEVEL_998, toEstimate } from "./estimate.ts";
import { StatsInputError, statsMessages as m } from "./messages.ts";
import { zFor } from "./poisson-limits.ts";
import * as check from "./validate.ts";

/** Options for a proportion: `multiplier` 1 (a fraction) by default; 100 gives a percentage. */
export interface ProportionOptions {
  multiplier?: number;
}

function validate(x: unknown, n: unknown, opts: ProportionOptions | undefined): { x: number; n: number; mult: number } {
  const xv = check.count(x, "numerators");
  const nv = check.positive(n, "denominators");
  if (xv > nv) throw new StatsInputError(m.numeratorAboveDenominator(xv, nv));
  return { x: xv, n: nv, mult: check.multiplier(opts?.multiplier, 1) };
}

/**
 * Wilson score limits of x out of n at one level (inner function: trusts its input). Clipped to
 * [0, 1], so x = n gives an upper limit of exactly 1 rather than 1 + rounding error.
 */
export function wilsonLimits(x: number, n: number, level: number): { lower: number; upper: number } {
  const z = zFor(level);
  const z2 = z * z;
  const root = z * Math.sqrt(z2 + 4 * x * (1 - x / n));
  // At x = 0 and x = n the limits are exactly 0 and 1 mathematically; floating point can land a
  // hair inside (0.9999999999999999), which would put the upper limit below the value.
  return {
    lower: x === 0 ? 0 : Math.max(0, (2 * x + z2 - root) / 2 / (n + z2)),
    upper: x === n ? 1 : Math.min(1, (2 * x + z2 + root) / 2 / (n + z2)),
  };
}

/** x out of n with Wilson score limits at one confidence level (e.g. 0.99). */
export function proportionInterval(x: number, n: number, level: number, opts?: ProportionOptions): Interval {
  const v = validate(x, n, opts);
  const c = check.confidence(level);
  const w = wilsonLimits(v.x, v.n, c);
  return { value: (v.x / v.n) * v.mult, lower: w.lower * v.mult, upper: w.upper * v.mult, level: c, method: "Wilson" };
}

/**
 * x out of n as a proportion with Wilson score 95% and 99.8% limits; `multiplier` 1 by default
 * (100 for a percentage). Rejects x < 0, n <= 0 and x > n.
 */
export function proportion(x: number, n: number, opts?: ProportionOptions): Estimate {
  return toEstimate(proportionInterval(x, n, LEVEL_95, opts), proportionInterval(x, n, LEVEL_998, opts));
}
