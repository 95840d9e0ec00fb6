/**
 * Confidence limits for a Poisson count: Byar's approximation (Breslow & Day 1987) and the exact
 * method from chi-squared quantiles (Armitage & Berry). PHEindicatormethods `byars_lower`,
 * `byars_upper` and the `qchisq` limits inside `phe_rate` / `calculate_ISRatio`. Fingertips
 * switches from exact to Byar's at 10 events.
 */
import { qchisq, qnorm } from "./distributions.ts";

/** Counts below this use exact limits; from this count on, Byar's method. */
export const EXACT_BELOW = 10;

/** Two-sided normal quantile for a confidence level, as PHE computes it: qnorm(c + (1 - c) / 2). */
export function zFor(level: number): number {
  return qnorm(level + (1 - level) / 2);
}

// The cubes are written t * t * t, not Math.pow(t, 3): the measure stage computes the same limits
// in DuckDB (`valueSql`), whose pow can differ from V8's in the last bit; products cannot.

/** Byar's lower limit for an observed count x >= 1 (null where the approximation goes negative). */
export function byarsLower(x: number, level: number): number | null {
  const z = zFor(level);
  const t = 1 - 1 / (9 * x) - z / (3 * Math.sqrt(x));
  const v = x * (t * t * t);
  return v < 0 || Number.isNaN(v) ? null : v;
}

/** Byar's upper limit for an observed count x >= 0. */
export function byarsUpper(x: number, level: number): number {
  const z = zFor(level);
  const t = 1 - 1 / (9 * (x + 1)) + z / (3 * Math.sqrt(x + 1));
  return (x + 1) * (t * t * t);
}

/** Exact lower limit: qchisq((1 - c) / 2, 2x) / 2 (0 when x = 0). */
export function exactLower(x: number, level: number): number {
  return qchisq((1 - level) / 2, 2 * x) / 2;
}

/** Exact upper limit: qchisq(c + (1 - c) / 2, 2x + 2) / 2. */
export function exactUpper(x: number, level: number): number {
  return qchisq(level + (1 - level) / 2, 2 * x + 2) / 2;
}

/** Limits for a count: exact below 10 events, Byar's from 10, with the method's name. */
export function countLimits(x: number, level: number): { lower: number | null; upper: number; method: "Exact" | "Byars" } {
  if (x < EXACT_BELOW) return { lower: exactLower(x, level), upper: exactUpper(x, level), method: "Exact" };
  return { lower: byarsLower(x, level), upper: byarsUpper(x, level), method: "Byars" };
}
