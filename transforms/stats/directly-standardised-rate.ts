/**
 * Directly standardised rate (DSR) with Dobson et al. (1991) limits built on Byar's limits of
 * the total count; the European Standard Population 2013 by default; not published when the
 * total count is below 10. PHEindicatormethods `calculate_dsr` (formerly `phe_dsr`).
 */
import { ESP2013 } from "./esp2013.ts";
import { type Estimate, type Interval, LEVEL_95, LEVEL_998, toEstimate } from "./estimate.ts";
import { StatsInputError, statsMessages as m } from "./messages.ts";
import { byarsLower, byarsUpper } from "./poisson-limits.ts";
import * as check from "./validate.ts";

/** DSRs with a total count below this are not published (value and limits null). */
export const DSR_MIN_COUNT = 10;

/** Options: `stdpop` (default ESP2013, 19 bands) and `multiplier` (default 100,000). */
export interface DsrOptions {
  stdpop?: readonly number[];
  multiplier?: number;
}

interface DsrInput {
  x: number[];
  n: number[];
  stdpop: readonly number[];
  mult: number;
}

function validate(x: unknown, n: unknown, opts: DsrOptions | undefined): DsrInput {
  const xv = check.numbers(x, "numerators", (v, w) => check.count(v, w));
  const nv = check.numbers(n, "denominators", (v, w) => check.positive(v, w));
  check.sameLength(xv, "x (numerators)", nv, "n (denominators)");
  const stdpop = opts?.stdpop === undefined ? ESP2013 : check.numbers(opts.stdpop, "stdpop");
  if (stdpop.length !== xv.length) throw new StatsInputError(m.stdpopLength(stdpop.length, xv.length));
  if (stdpop.some((s) => s < 0) || !(stdpop.reduce((a, b) => a + b, 0) > 0)) throw new StatsInputError(m.negativeStdpop());
  return { x: xv, n: nv, stdpop, mult: check.multiplier(opts?.multiplier, 100000) };
}

/** Total count, total population, the DSR (per multiplier) and the variance term of Dobson's method. */
function dsrParts({ x, n, stdpop, mult }: DsrInput) {
  let totalCount = 0;
  let totalPop = 0;
  let wtRate = 0;
  let sqRate = 0;
  let stdTotal = 0;
  for (let i = 0; i < x.length; i++) {
    totalCount += x[i];
    totalPop += n[i];
    wtRate += (x[i] * stdpop[i]) / n[i];
    sqRate += x[i] * (stdpop[i] / n[i]) ** 2;
    stdTotal += stdpop[i];
  }
  const value = (wtRate / stdTotal) * mult;
  const vardsr = (1 / stdTotal ** 2) * sqRate;
  return { totalCount, totalPop, value, vardsr };
}

/** A DSR with its Dobson limits at one confidence level (e.g. 0.99). */
export function directlyStandardisedRateInterval(x: number[], n: number[], level: number, opts?: DsrOptions): Interval {
  const input = validate(x, n, opts);
  const c = check.confidence(level);
  const { totalCount, value, vardsr } = dsrParts(input);
  if (totalCount < DSR_MIN_COUNT) {
    return { value: null, lower: null, upper: null, level: c, method: "Dobson", note: m.dsrSuppressed(totalCount, DSR_MIN_COUNT) };
  }
  const k = Math.sqrt(vardsr / totalCount);
  const bl = byarsLower(totalCount, c);
  return {
    value,
    lower: bl === null ? null : value + k * (bl - totalCount) * input.mult,
    upper: value + k * (byarsUpper(totalCount, c) - totalCount) * input.mult,
    level: c,
    method: "Dobson",
  };
}

/**
 * Directly standardised rate of counts `x` in populations `n` (one value per age band, in the
 * order of `stdpop`, default ESP2013), per `multiplier` (default 100,000), with Dobson 95% and
 * 99.8% limits. Value and limits are null, with a note, when the total count is below 10.
 */
export function directlyStandardisedRate(x: number[], n: number[], opts?: DsrOptions): Estimate {
  return toEstimate(directlyStandardisedRateInterval(x, n, LEVEL_95, opts), directlyStandardisedRateInterval(x, n, LEVEL_998, opts));
}

/** Total count and total population of a DSR's inputs (for output rows). */
export function dsrTotals(x: number[], n: number[]): { totalCount: number; totalPop: number } {
  return { totalCount: x.reduce((a, b) => a + b, 0), totalPop: n.reduce((a, b) => a + b, 0) };
}
