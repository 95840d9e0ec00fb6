/**
 * Indirect standardisation: observed events against the events expected if the area had the
 * reference population's band-specific rates. The ratio (SMR-style, x `refValue`) and the rate
 * (ratio x the reference crude rate) with exact Poisson limits below 10 observed events and
 * Byar's from 10. PHEindicatormethods `calculate_ISRatio` and `calculate_ISRate`.
 */
import { type Estimate, type Interval, LEVEL_95, LEVEL_998, toEstimate } from "./estimate.ts";
import { StatsInputError, statsMessages as m } from "./messages.ts";
import { countLimits } from "./poisson-limits.ts";
import * as check from "./validate.ts";

/** Observed and expected counts of an indirectly standardised statistic. */
export interface ObservedExpected {
  observed: number;
  expected: number;
}

/**
 * Observed total and expected count sum(n * xRef / nRef). `x` is either the observed count per
 * band or, when band counts are not available, the observed total as one number.
 */
export function observedExpected(x: number | number[], n: number[], xRef: number[], nRef: number[]): ObservedExpected {
  const nv = check.numbers(n, "denominators", (v, w) => {
    const d = check.finite(v, w);
    if (d < 0) throw new StatsInputError(`${m.negativeDenominator(w)} (got ${d})`);
    return d;
  });
  const xr = check.numbers(xRef, "x_ref", (v, w) => check.count(v, w));
  const nr = check.numbers(nRef, "n_ref", (v, w) => check.positive(v, w));
  check.sameLength(xr, "x_ref", nv, "n");
  check.sameLength(nr, "n_ref", nv, "n");
  let observed: number;
  if (Array.isArray(x)) {
    const xv = check.numbers(x, "numerators", (v, w) => check.count(v, w));
    check.sameLength(xv, "x (numerators)", nv, "n (denominators)");
    observed = xv.reduce((a, b) => a + b, 0);
  } else {
    observed = check.count(x, "numerators");
  }
  let expected = 0;
  for (let i = 0; i < nv.length; i++) expected += (xr[i] / nr[i]) * nv[i];
  if (!(expected > 0)) throw new StatsInputError(m.zeroExpected());
  return { observed, expected };
}

function ratioInterval(oe: ObservedExpected, level: number, scale: number): Interval {
  const lim = countLimits(oe.observed, level);
  return {
    value: (oe.observed / oe.expected) * scale,
    lower: lim.lower === null ? null : (lim.lower / oe.expected) * scale,
    upper: (lim.upper / oe.expected) * scale,
    level,
    method: lim.method,
  };
}

/** Options for the ratio: `refValue` 1 by default (100 gives the familiar SMR x 100). */
export interface RatioOptions {
  refValue?: number;
}

/** An indirectly standardised ratio with its limits at one confidence level. */
export function indirectlyStandardisedRatioInterval(
  x: number | number[], n: number[], xRef: number[], nRef: number[], level: number, opts?: RatioOptions,
): Interval {
  const oe = observedExpected(x, n, xRef, nRef);
  return ratioInterval(oe, check.confidence(level), check.multiplier(opts?.refValue, 1));
}

/**
 * Indirectly standardised ratio observed / expected x `refValue` (default 1) with 95% and 99.8%
 * limits. `x` is the observed count per band or the observed total; `n` the area's population per
 * band; `xRef`, `nRef` the reference events and population per band (same band order).
 */
export function indirectlyStandardisedRatio(
  x: number | number[], n: number[], xRef: number[], nRef: number[], opts?: RatioOptions,
): Estimate {
  return toEstimate(
    indirectlyStandardisedRatioInterval(x, n, xRef, nRef, LEVEL_95, opts),
    indirectlyStandardisedRatioInterval(x, n, xRef, nRef, LEVEL_998, opts),
  );
}

/** Options for the rate: `multiplier` 100,000 by default. */
export interface IsRateOptions {
  multiplier?: number;
}

/** The reference crude rate sum(xRef) / sum(nRef) x multiplier that the ISR rate scales by. */
export function referenceRate(xRef: number[], nRef: number[], mult: number): number {
  return (xRef.reduce((a, b) => a + b, 0) / nRef.reduce((a, b) => a + b, 0)) * mult;
}

/** An indirectly standardised rate with its limits at one confidence level. */
export function indirectlyStandardisedRateInterval(
  x: number | number[], n: number[], xRef: number[], nRef: number[], level: number, opts?: IsRateOptions,
): Interval {
  const oe = observedExpected(x, n, xRef, nRef);
  const mult = check.multiplier(opts?.multiplier, 100000);
  return ratioInterval(oe, check.confidence(level), referenceRate(xRef, nRef, mult));
}

/**
 * Indirectly standardised rate: the ratio observed / expected times the reference crude rate
 * (per `multiplier`, default 100,000), with 95% and 99.8% limits (exact below 10 events, Byar's
 * from 10).
 */
export function indirectlyStandardisedRate(
  x: number | number[], n: number[], xRef: number[], nRef: number[], opts?: IsRateOptions,
): Estimate {
  return toEstimate(
    indirectlyStandardisedRateInterval(x, n, xRef, nRef, LEVEL_95, opts),
    indirectlyStandardisedRateInterval(x, n, xRef, nRef, LEVEL_998, opts),
  );
}
