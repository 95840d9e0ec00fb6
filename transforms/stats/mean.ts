/**
 * The mean of a set of values with Student's t limits: mean -/+ |qt((1 - c) / 2, n - 1)| * sd / sqrt(n).
 * PHEindicatormethods `phe_mean`.
 */
import { qt } from "./distributions.ts";
import { type Estimate, type Interval, LEVEL_95, LEVEL_998, toEstimate } from "./estimate.ts";
import { StatsInputError, statsMessages as m } from "./messages.ts";
import * as check from "./validate.ts";

/** Sum, count, mean and sample standard deviation (n - 1 denominator) of the values. */
export function describe(values: number[]): { sum: number; count: number; mean: number; sd: number } {
  const v = check.numbers(values, "values");
  if (v.length < 2) throw new StatsInputError(m.tooFewValues(2, v.length));
  const sum = v.reduce((a, b) => a + b, 0);
  const mean = sum / v.length;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  return { sum, count: v.length, mean, sd: Math.sqrt(ss / (v.length - 1)) };
}

/** The mean with t limits at one confidence level. */
export function meanInterval(values: number[], level: number): Interval {
  const d = describe(values);
  const c = check.confidence(level);
  const half = (Math.abs(qt((1 - c) / 2, d.count - 1)) * d.sd) / Math.sqrt(d.count);
  return { value: d.mean, lower: d.mean - half, upper: d.mean + half, level: c, method: "t" };
}

/** Mean of `values` (at least two) with Student's t 95% and 99.8% limits. */
export function mean(values: number[]): Estimate {
  return toEstimate(meanInterval(values, LEVEL_95), meanInterval(values, LEVEL_998));
}
