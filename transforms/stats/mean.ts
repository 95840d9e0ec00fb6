/**
 * The mean of a set of values with Student's t limits: mean -/+ |qt((1 - c) / 2, n - 1)| * sd / sqrt(n).
 * PHEindicatormethods `phe_mean`.
 */
import { qt } from "./distributions.ts";
import { type Estimate, type Interval, LEVEL_95, LEVEL_998, toEstimate } from "./estimate.ts";
import { statsMessages as m } from "./messages.ts";
import * as check from "./validate.ts";

/**
 * Sum, count, mean and sample standard deviation (n - 1 denominator) of the values; the
 * standard deviation is null for a single value (R's `sd` gives NA there).
 */
export function describe(values: number[]): { sum: number; count: number; mean: number; sd: number | null } {
  const v = check.numbers(values, "values");
  const sum = v.reduce((a, b) => a + b, 0);
  const mean = sum / v.length;
  if (v.length < 2) return { sum, count: v.length, mean, sd: null };
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  return { sum, count: v.length, mean, sd: Math.sqrt(ss / (v.length - 1)) };
}

/**
 * The mean with t limits at one confidence level. One value gives the value with null limits
 * and a note, as `phe_mean` gives the value with NA limits.
 */
export function meanInterval(values: number[], level: number): Interval {
  const d = describe(values);
  const c = check.confidence(level);
  if (d.sd === null) return { value: d.mean, lower: null, upper: null, level: c, method: "t", note: m.meanOneValue() };
  const half = (Math.abs(qt((1 - c) / 2, d.count - 1)) * d.sd) / Math.sqrt(d.count);
  return { value: d.mean, lower: d.mean - half, upper: d.mean + half, level: c, method: "t" };
}

/** Mean of `values` (one or more; limits need two) with Student's t 95% and 99.8% limits. */
export function mean(values: number[]): Estimate {
  return toEstimate(meanInterval(values, LEVEL_95), meanInterval(values, LEVEL_998));
}
