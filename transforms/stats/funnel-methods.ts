/**
 * The numerical building blocks of Fingertips funnel plots, kept identical in their arithmetic
 * to PHEindicatormethods (`sigma_adjustment`, `poisson_cis`, `poisson_funnel`,
 * `funnel_ratio_significance`, themselves ports of PHE's Excel funnel macros) so that results
 * agree to the last digits: the Poisson funnel is a bisection to 1e-7 on a transformed scale,
 * not an exact quantile, and the package's own output is the reference.
 */
import { qchisq, qnorm } from "./distributions.ts";

/**
 * The proportion (x multiplier) on the 'low' or 'high' control limit for a denominator
 * `population` around the average proportion, at one-sided probability `p` (0.975 or 0.999).
 */
export function sigmaAdjustment(p: number, population: number, average: number, side: "low" | "high", multiplier: number): number {
  const z = qnorm(p);
  const z2 = z * z;
  const firstPart = average * (population / z2 + 1);
  const adj = Math.sqrt(
    (-8 * average * (population / z2 + 1)) ** 2 -
      64 * (1 / z2 + 1 / population) * average * (population * (average * (population / z2 + 2) - 1) + z2 * (average - 1)),
  );
  const lastPart = 1 / z2 + 1 / population;
  const v = side === "low" ? (firstPart - adj / 8) / lastPart : (firstPart + adj / 8) / lastPart;
  return (v / population) * multiplier;
}

/** Probability that a Poisson(z) count lies in [xa, xb], by summing terms (PHE `poisson_cis`). */
export function poissonCis(z: number, xa: number, xb: number): number {
  let q = 1;
  let tot = 0;
  let s = 0;
  let k = 0;
  while (k <= z || q > tot * 1e-10) {
    tot = tot + q;
    if (k >= xa && k <= xb) s = s + q;
    if (tot > 1e30) {
      s = s / 1e30;
      tot = tot / 1e30;
      q = q / 1e30;
    }
    k = k + 1;
    q = (q * z) / k;
  }
  return s / tot;
}

/**
 * The expected count at which `obs` observed events sit on a funnel limit with one-sided
 * probability `p`: side "low" gives the smaller expected count (upper limit of the ratio), "high"
 * the larger (lower limit). Bisection on v = e / (e + obs + 1) to 1e-7 (PHE `poisson_funnel`).
 */
export function poissonFunnel(obs: number, p: number, side: "low" | "high"): number {
  let v = 0.5;
  let dv = 0.5;
  if (side === "low") {
    while (dv > 1e-7) {
      dv = dv / 2;
      if (poissonCis(((1 + obs) * v) / (1 - v), obs, 10000000000) > p) v = v - dv;
      else v = v + dv;
    }
  } else {
    while (dv > 1e-7) {
      dv = dv / 2;
      if (poissonCis(((1 + obs) * v) / (1 - v), 0, obs) < p) v = v - dv;
      else v = v + dv;
    }
  }
  return ((1 + obs) * v) / (1 - v);
}

/**
 * Lower ("low") or upper ("high") limit of obs / expected at two-sided level `p` (0.95 or 0.998):
 * exact chi-squared limits below 10 events, Byar's from 10 (PHE `funnel_ratio_significance`).
 */
export function funnelRatioLimit(obs: number, expected: number, p: number, side: "low" | "high"): number {
  let stat: number;
  if (obs === 0 && side === "low") stat = 0;
  else if (obs < 10) {
    stat = side === "low" ? qchisq(0.5 + p / 2, 2 * obs, false) / 2 : qchisq(0.5 + p / 2, 2 * obs + 2, true) / 2;
  } else if (side === "low") {
    stat = obs * Math.pow(1 - 1 / (9 * obs) - qnorm(0.5 + p / 2) / 3 / Math.sqrt(obs), 3);
  } else {
    const o = obs + 1;
    stat = o * Math.pow(1 - 1 / (9 * o) + qnorm(0.5 + p / 2) / 3 / Math.sqrt(o), 3);
  }
  return stat / expected;
}

/** R's `round(x)`: to the nearest integer, halves to even (IEC 60559). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Number of characters R prints for a whole number (`nchar(as.character(x))`): fixed notation
 * unless scientific is strictly shorter, so 100000 prints as "1e+05" (5 characters).
 */
export function rCharCount(x: number): number {
  if (x === 0) return 1;
  const neg = x < 0 ? 1 : 0;
  const a = Math.abs(x);
  const fixed = Math.round(a).toString().length + neg;
  const digits = Number(a.toPrecision(15)).toExponential().split("e")[0].replace(".", "").length;
  const exp = Math.floor(Math.log10(a));
  const expDigits = Math.abs(exp) >= 100 ? 3 : 2;
  const sci = neg + digits + (digits > 1 ? 1 : 0) + 2 + expDigits;
  return fixed <= sci ? fixed : sci;
}

/** Round down to a neat axis value (PHE `signif.floor`, 95% of x). */
export function signifFloor(x: number, percentageDown = 0.95): number {
  if (x === 0) return 0;
  const n = rCharCount(Math.floor(x * percentageDown)) - 1;
  return Math.floor((x * percentageDown) / 10 ** n) * 10 ** n;
}

/** Round up to a neat axis value (PHE `signif.ceiling`, 105% of x). */
export function signifCeiling(x: number, percentageUp = 1.05): number {
  if (x === 0) return 0;
  const n = rCharCount(Math.ceil(x * percentageUp)) - 2;
  return Math.ceil((x * percentageUp) / 10 ** n) * 10 ** n;
}

/** `format(x, big.mark = ",", scientific = FALSE)` for a whole number. */
export function formatBigMark(x: number): string {
  return String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
