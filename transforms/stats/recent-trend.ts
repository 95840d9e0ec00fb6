/**
 * Fingertips "recent trend": is an indicator significantly increasing or decreasing over its five
 * most recent annual points? Proportions: chi-squared test for trend (Cochran-Armitage), the
 * direction from the logistic (logit) slope. Other statistics: inverse-variance weighted linear
 * regression of the value on time, the variances taken from the 95% limits. Significant when the
 * statistic exceeds 9.5495, the 99.8% point of chi-squared on 1 df. A trend is only reported when
 * leaving out any one of the five points keeps the slope's sign.
 */
import { qnorm } from "./distributions.ts";
import { StatsInputError, statsMessages as m } from "./messages.ts";
import { zFor } from "./poisson-limits.ts";
import * as check from "./validate.ts";

/** One annual point. Proportions need numerator and denominator; others need value and 95% limits. */
export interface TrendPoint {
  /** The period as a number, e.g. the year it starts (2019 for 2019/20). */
  period: number;
  numerator?: number | null;
  denominator?: number | null;
  value?: number | null;
  lower95?: number | null;
  upper95?: number | null;
}

/** Which test to use. */
export type TrendKind = "proportion" | "rate" | "ratio" | "mean" | "other";

/** The trend's verdict. */
export interface RecentTrend {
  direction: "increasing" | "decreasing" | "no significant change" | "cannot be calculated";
  /** The test statistic (chi-squared on 1 df). */
  chiSquared?: number;
  /** Slope per period: on the logit scale for proportions, on the value scale otherwise. */
  slope?: number;
  /** The periods used, oldest first. */
  periods?: number[];
  /** Why it could not be calculated, or why a significant statistic was not reported. */
  note?: string;
}

/** Number of most recent points a trend uses. */
export const TREND_POINTS = 5;
/** chi-squared(1) at 99.8% = qnorm(0.999)^2 = 9.5495. */
export const TREND_THRESHOLD = qnorm(0.999) ** 2;

const has = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Cochran-Armitage trend score and its variance for counts r out of n at times t. */
function armitage(t: number[], r: number[], n: number[]): { score: number; chi2: number } {
  const N = n.reduce((a, b) => a + b, 0);
  const R = r.reduce((a, b) => a + b, 0);
  const pbar = R / N;
  const tbar = t.reduce((a, ti, i) => a + n[i] * ti, 0) / N;
  let score = 0;
  let stt = 0;
  for (let i = 0; i < t.length; i++) {
    score += r[i] * (t[i] - tbar);
    stt += n[i] * (t[i] - tbar) ** 2;
  }
  const variance = pbar * (1 - pbar) * stt;
  return { score, chi2: variance > 0 ? (score * score) / variance : 0 };
}

/** Logistic regression slope of r/n on t by Newton-Raphson; null when it does not converge (separation). */
function logitSlope(t: number[], r: number[], n: number[]): number | null {
  const tbar = t.reduce((a, b) => a + b, 0) / t.length;
  const tc = t.map((ti) => ti - tbar);
  const pbar = r.reduce((a, b) => a + b, 0) / n.reduce((a, b) => a + b, 0);
  if (pbar <= 0 || pbar >= 1) return null;
  let a = Math.log(pbar / (1 - pbar));
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
    for (let i = 0; i < t.length; i++) {
      const p = 1 / (1 + Math.exp(-(a + b * tc[i])));
      const w = n[i] * p * (1 - p);
      g0 += r[i] - n[i] * p;
      g1 += (r[i] - n[i] * p) * tc[i];
      h00 += w;
      h01 += w * tc[i];
      h11 += w * tc[i] * tc[i];
    }
    const det = h00 * h11 - h01 * h01;
    if (!(det > 0)) return null;
    const da = (h11 * g0 - h01 * g1) / det;
    const db = (h00 * g1 - h01 * g0) / det;
    a += da;
    b += db;
    if (!Number.isFinite(b) || Math.abs(b) > 50) return null;
    if (Math.abs(da) < 1e-12 && Math.abs(db) < 1e-12) return b;
  }
  return null;
}

/** Weighted least squares slope of value on t with weights w, and chi-squared = slope^2 / var(slope). */
function weightedSlope(t: number[], y: number[], w: number[]): { slope: number; chi2: number } {
  const W = w.reduce((a, b) => a + b, 0);
  const tbar = t.reduce((a, ti, i) => a + w[i] * ti, 0) / W;
  const ybar = y.reduce((a, yi, i) => a + w[i] * yi, 0) / W;
  let sty = 0;
  let stt = 0;
  for (let i = 0; i < t.length; i++) {
    sty += w[i] * (t[i] - tbar) * (y[i] - ybar);
    stt += w[i] * (t[i] - tbar) ** 2;
  }
  const slope = sty / stt;
  return { slope, chi2: slope * slope * stt };
}

/**
 * Recent trend of the five most recent annual points (by `period`). "cannot be calculated" when
 * fewer than five points, a gap between the periods, or a point without the inputs `kind` needs;
 * "no significant change" when the statistic is at most 9.5495, or when leaving out any one point
 * flips the slope's sign; else "increasing" / "decreasing".
 */
export function recentTrend(points: TrendPoint[], kind: TrendKind): RecentTrend {
  const k = check.oneOf(kind, "trend kind", ["proportion", "rate", "ratio", "mean", "other"] as const);
  if (!Array.isArray(points)) throw new StatsInputError(m.notArray("trend points"));
  const seen = new Set<number>();
  for (const p of points) {
    if (typeof p !== "object" || p === null || !has(p.period)) throw new StatsInputError(m.trendPeriodsNotNumbers());
    if (seen.has(p.period)) throw new StatsInputError(m.trendDuplicatePeriod(p.period));
    seen.add(p.period);
  }
  const recent = [...points].sort((a, b) => a.period - b.period).slice(-TREND_POINTS);
  const periods = recent.map((p) => p.period);
  if (recent.length < TREND_POINTS) {
    return { direction: "cannot be calculated", note: m.trendTooFewPoints(recent.length, TREND_POINTS) };
  }
  for (let i = 1; i < recent.length; i++) {
    if (periods[i] - periods[i - 1] !== 1) {
      return { direction: "cannot be calculated", periods, note: m.trendGap(periods[i - 1], periods[i]) };
    }
  }
  const t = periods.map((p) => p - periods[0]);

  if (k === "proportion") {
    for (const p of recent) {
      if (!has(p.numerator)) return { direction: "cannot be calculated", periods, note: m.trendMissingInput(p.period, "numerator") };
      if (!has(p.denominator)) return { direction: "cannot be calculated", periods, note: m.trendMissingInput(p.period, "denominator") };
      check.count(p.numerator, "numerators");
      check.positive(p.denominator, "denominators");
      if (p.numerator > p.denominator) throw new StatsInputError(m.numeratorAboveDenominator(p.numerator, p.denominator));
    }
    const r = recent.map((p) => p.numerator as number);
    const n = recent.map((p) => p.denominator as number);
    const full = armitage(t, r, n);
    const slope = logitSlope(t, r, n);
    const out: RecentTrend = { direction: "no significant change", chiSquared: full.chi2, periods };
    if (slope !== null) out.slope = slope;
    if (!(full.chi2 > TREND_THRESHOLD)) return out;
    const sign = Math.sign(full.score);
    for (let i = 0; i < t.length; i++) {
      const keep = (_: unknown, j: number) => j !== i;
      if (Math.sign(armitage(t.filter(keep), r.filter(keep), n.filter(keep)).score) !== sign) {
        return { ...out, note: `leaving out ${periods[i]} flips the direction of the trend` };
      }
    }
    return { ...out, direction: sign > 0 ? "increasing" : "decreasing" };
  }

  const z = zFor(0.95);
  const y: number[] = [];
  const w: number[] = [];
  for (const p of recent) {
    if (!has(p.value)) return { direction: "cannot be calculated", periods, note: m.trendMissingInput(p.period, "value") };
    if (!has(p.lower95) || !has(p.upper95)) {
      return { direction: "cannot be calculated", periods, note: m.trendMissingInput(p.period, "95% limits") };
    }
    if (p.lower95 > p.upper95) throw new StatsInputError(m.badInterval(p.lower95, p.upper95));
    const se = (p.upper95 - p.lower95) / (2 * z);
    if (!(se > 0)) return { direction: "cannot be calculated", periods, note: m.trendMissingInput(p.period, "a non-zero interval width") };
    y.push(p.value);
    w.push(1 / (se * se));
  }
  const full = weightedSlope(t, y, w);
  const out: RecentTrend = { direction: "no significant change", chiSquared: full.chi2, slope: full.slope, periods };
  if (!(full.chi2 > TREND_THRESHOLD)) return out;
  const sign = Math.sign(full.slope);
  for (let i = 0; i < t.length; i++) {
    const keep = (_: unknown, j: number) => j !== i;
    if (Math.sign(weightedSlope(t.filter(keep), y.filter(keep), w.filter(keep)).slope) !== sign) {
      return { ...out, note: `leaving out ${periods[i]} flips the direction of the trend` };
    }
  }
  return { ...out, direction: sign > 0 ? "increasing" : "decreasing" };
}
