/**
 * A crude rate x / n * multiplier with exact Poisson limits below 10 events and Byar's method
 * from 10. PHEindicatormethods `phe_rate`.
 */
import { type Estimate, type Interval, LEVEL_95, LEVEL_998, toEstimate } from "./estimate.ts";
import { countLimits } from "./poisson-limits.ts";
import * as check from "./validate.ts";

/** Options for a crude rate: `multiplier` 100,000 by default (rate per 100,000). */
export interface RateOptions {
  multiplier?: number;
}

/** A crude rate with its limits at one confidence level (e.g. 0.99). */
export function crudeRateInterval(x: number, n: number, level: number, opts?: RateOptions): Interval {
  const xv = check.count(x, "numerators");
  const nv = check.positive(n, "denominators");
  const mult = check.multiplier(opts?.multiplier, 100000);
  const c = check.confidence(level);
  const lim = countLimits(xv, c);
  return {
    value: (xv / nv) * mult,
    lower: lim.lower === null ? null : (lim.lower / nv) * mult,
    upper: (lim.upper / nv) * mult,
    level: c,
    method: lim.method,
  };
}

/**
 * Crude rate of x events in population n, per `multiplier` (default 100,000), with 95% and
 * 99.8% limits: exact Poisson for x < 10 ("Exact"), Byar's for x >= 10 ("Byars").
 */
export function crudeRate(x: number, n: number, opts?: RateOptions): Estimate {
  return toEstimate(crudeRateInterval(x, n, LEVEL_95, opts), crudeRateInterval(x, n, LEVEL_998, opts));
}
