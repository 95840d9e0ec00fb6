/**
 * Over-dispersion in funnel plots (Spiegelhalter 2005, "Funnel plots for comparing institutional
 * performance", Statistics in Medicine 24:1185-1202, sections 3.3 to 3.5), as FunnelPlotR
 * implements it for proportions:
 *
 * 1. Each area's z-score on a variance-stabilising scale around the pooled value: proportions on
 *    the arcsine square-root scale, Y = asin(sqrt(p)), target asin(sqrt(p0)); rates (events per
 *    person) on the square-root scale, Y = sqrt(r), target sqrt(r0); both with s = 1 / (2 sqrt(n)).
 *    z = (Y - target) / s.
 * 2. Winsorise the z-scores at the 10th and 90th percentiles (R's default type-7 quantiles): the
 *    lowest and highest 10% are pulled in to those percentiles, so extreme areas do not inflate
 *    the estimate.
 * 3. The dispersion ratio phi = mean of the squared winsorised z-scores. Under no over-dispersion
 *    I * phi follows a chi-squared distribution on I - 1 degrees of freedom; the data are called
 *    over-dispersed when I * phi exceeds its 95th percentile.
 * 4. The additive random-effects variance (DerSimonian-Laird):
 *    tau^2 = max(0, (I * phi - (I - 1)) / (sum(w) - sum(w^2) / sum(w))), w = 1 / s^2.
 * 5. Limits at population n: target +/- z_level * sqrt(s(n)^2 + tau^2), transformed back
 *    (sin^2 for proportions, the square for rates) and times the multiplier.
 */
import { qchisq, qnorm } from "./distributions.ts";
import { StatsInputError, statsMessages as m } from "./messages.ts";
import * as check from "./validate.ts";

/** Share winsorised at each end (Spiegelhalter 2005: 10%). */
export const WINSORISE_BY = 0.1;

/** Input: one entry per area. */
export interface OverdispersionInput {
  statistic: "proportion" | "rate";
  /** Events (rate) or positives (proportion). */
  numerator: number[];
  /** Population (rate) or base (proportion); above 0. */
  denominator: number[];
  /** 100 for percentages, 1,000 for rates per 1,000, ... */
  multiplier: number;
  /** Share winsorised at each end; default {@link WINSORISE_BY}. */
  winsoriseBy?: number;
}

/** The over-dispersion of a set of areas around their pooled value. */
export interface Overdispersion {
  statistic: "proportion" | "rate";
  multiplier: number;
  /** Pooled value: sum of numerators over sum of denominators, times the multiplier. */
  baseline: number;
  /** Each area's standard error on the transformed scale, 1 / (2 sqrt(n)), in input order. */
  s: number[];
  /** Each area's z-score on the transformed scale, in input order. */
  z: number[];
  /** The z-scores winsorised at `winsoriseBy` each end. */
  winsorisedZ: number[];
  /** Dispersion ratio: the mean squared winsorised z-score (1 when the areas differ by chance alone). */
  phi: number;
  /** Between-area variance on the transformed scale (0 when not over-dispersed). */
  tau2: number;
  /** The 95th percentile of chi-squared on I - 1 degrees of freedom that I * phi is tested against. */
  threshold: number;
  /** I * phi above `threshold`. */
  overdispersed: boolean;
}

const transform = (statistic: "proportion" | "rate", v: number) => (statistic === "proportion" ? Math.asin(Math.sqrt(v)) : Math.sqrt(v));

/** Type-7 quantile (R's default) of values sorted ascending. */
function quantile7(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The dispersion of the areas around their pooled value (steps 1 to 4 above): z-scores, their
 * winsorised values, phi, the test against chi-squared on I - 1 degrees of freedom, and tau^2.
 * Needs at least two areas and a pooled value strictly inside (0, 1) for proportions, above 0 for rates.
 */
export function overdispersion(input: OverdispersionInput): Overdispersion {
  if (typeof input !== "object" || input === null) throw new StatsInputError(m.required("an input object", "over-dispersion"));
  const statistic = check.oneOf(input.statistic, "statistic", ["proportion", "rate"] as const);
  const multiplier = check.multiplier(input.multiplier, 1);
  const numerator = check.numbers(input.numerator, "numerators", (v, w) => check.count(v, w));
  const denominator = check.numbers(input.denominator, "denominators", (v, w) => check.positive(v, w));
  check.sameLength(numerator, "numerator", denominator, "denominator");
  const by = input.winsoriseBy ?? WINSORISE_BY;
  if (!(by >= 0 && by < 0.5)) throw new StatsInputError(`invalid winsoriseBy ${by} (expected a share from 0 to below 0.5)`);
  if (statistic === "proportion") {
    numerator.forEach((x, i) => {
      if (x > denominator[i]!) throw new StatsInputError(m.numeratorAboveDenominator(x, denominator[i]!));
    });
  }
  const n = numerator.length;
  if (n < 2) throw new StatsInputError("over-dispersion needs at least two areas");
  const pooled = numerator.reduce((a, b) => a + b, 0) / denominator.reduce((a, b) => a + b, 0);
  if (!(pooled > 0) || (statistic === "proportion" && !(pooled < 1))) {
    throw new StatsInputError(`over-dispersion needs a pooled ${statistic} ${statistic === "proportion" ? "strictly between 0 and 1" : "above 0"}, got ${pooled}`);
  }
  const target = transform(statistic, pooled);
  const s = denominator.map((d) => 1 / (2 * Math.sqrt(d)));
  const z = numerator.map((x, i) => (transform(statistic, x / denominator[i]!) - target) / s[i]!);
  const sorted = [...z].sort((a, b) => a - b);
  const lo = quantile7(sorted, by);
  const hi = quantile7(sorted, 1 - by);
  const winsorisedZ = z.map((v) => Math.min(hi, Math.max(lo, v)));
  const phi = winsorisedZ.reduce((a, v) => a + v * v, 0) / n;
  const w = s.map((x) => 1 / (x * x));
  const sw = w.reduce((a, b) => a + b, 0);
  const sw2 = w.reduce((a, b) => a + b * b, 0);
  const tau2 = n * phi < n - 1 ? 0 : Math.max(0, (n * phi - (n - 1)) / (sw - sw2 / sw));
  const threshold = qchisq(0.95, n - 1, true);
  return { statistic, multiplier, baseline: pooled * multiplier, s, z, winsorisedZ, phi, tau2, threshold, overdispersed: n * phi > threshold };
}

/**
 * The over-dispersion-adjusted limit at population `n` (step 5): two-sided `level` 0.95 or 0.998,
 * `side` lower or upper, on the value scale (times the multiplier).
 */
export function overdispersedLimit(od: Overdispersion, n: number, level: 0.95 | 0.998, side: "lower" | "upper"): number {
  check.positive(n, "population");
  const z = qnorm(0.5 + level / 2);
  const target = transform(od.statistic, od.baseline / od.multiplier);
  const y = target + (side === "upper" ? 1 : -1) * z * Math.sqrt(1 / (4 * n) + od.tau2);
  const value = od.statistic === "proportion" ? Math.sin(Math.min(Math.PI / 2, Math.max(0, y))) ** 2 : Math.max(0, y) ** 2;
  return value * od.multiplier;
}

/** Where an area sits against the adjusted limits. */
export type OverdispersedBand = "above 99.8% limit" | "above 95% limit" | "within 95% limits" | "below 95% limit" | "below 99.8% limit";

/**
 * Where each area (input order) sits against the adjusted limits: its deviation from the target
 * on the transformed scale over sqrt(s^2 + tau^2), against the 95% and 99.8% normal points.
 */
export function overdispersedBands(od: Overdispersion): OverdispersedBand[] {
  const z998 = qnorm(0.999);
  const z95 = qnorm(0.975);
  return od.z.map((z, i) => {
    const s = od.s[i]!;
    const adjusted = (z * s) / Math.sqrt(s * s + od.tau2);
    return adjusted > z998 ? "above 99.8% limit" : adjusted > z95 ? "above 95% limit" : adjusted < -z998 ? "below 99.8% limit" : adjusted < -z95 ? "below 95% limit" : "within 95% limits";
  });
}
