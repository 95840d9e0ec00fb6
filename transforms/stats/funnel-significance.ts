/**
 * Funnel plot significance: whether each area lies outside the 95% or 99.8% funnel limits
 * around the overall average, one-sided 0.025 and 0.001. PHEindicatormethods
 * `assign_funnel_significance`, with its labels.
 */
import { StatsInputError, statsMessages as m } from "./messages.ts";
import { funnelRatioLimit, sigmaAdjustment } from "./funnel-methods.ts";
import type { FunnelStatistic, RateType } from "./funnel-limits.ts";
import * as check from "./validate.ts";

/** PHE's significance labels, in PHE's factor order. */
export const FUNNEL_SIGNIFICANCE = [
  "High (0.001)",
  "High (0.025)",
  "Low (0.001)",
  "Low (0.025)",
  "Not significant",
  "Not applicable for events less than 10 for dsrs",
] as const;
/** One area's funnel significance. */
export type FunnelSignificance = (typeof FUNNEL_SIGNIFICANCE)[number];

/** Input: one entry per area; `denominator` is required for every statistic (as in PHE). */
export interface FunnelSignificanceInput {
  statistic: FunnelStatistic;
  numerator: number[];
  denominator?: number[];
  /** Rates only: each area's rate per `multiplier`. */
  rate?: number[];
  rateType?: RateType;
  /** Rates only: what the rate is per (e.g. 100,000). */
  multiplier?: number;
}

/**
 * Each area's funnel significance, in input order: "High (0.001)" above the 99.8% limit,
 * "High (0.025)" above the 95% limit, "Low (...)" likewise below, else "Not significant"; DSRs
 * with fewer than 10 events are "Not applicable for events less than 10 for dsrs".
 */
export function funnelSignificance(input: FunnelSignificanceInput): FunnelSignificance[] {
  if (typeof input !== "object" || input === null) throw new StatsInputError(m.required("an input object", "funnel significance"));
  const statistic = check.oneOf(input.statistic, "statistic", ["proportion", "ratio", "rate"] as const);
  const numerator = check.numbers(input.numerator, "numerators", (v, w) => check.count(v, w));
  if (input.denominator === undefined) throw new StatsInputError(m.absentDenominator());
  const denominator = check.numbers(input.denominator, "denominators", (v, w) => check.positive(v, w));
  check.sameLength(numerator, "numerator", denominator, "denominator");

  if (statistic === "proportion") {
    numerator.forEach((x, i) => {
      if (x > denominator[i]) throw new StatsInputError(m.numeratorAboveDenominator(x, denominator[i]));
    });
    const average = numerator.reduce((a, b) => a + b, 0) / denominator.reduce((a, b) => a + b, 0);
    return numerator.map((x, i) => {
      const p = x / denominator[i];
      const n = denominator[i];
      if (p < sigmaAdjustment(0.999, n, average, "low", 1)) return "Low (0.001)";
      if (p < sigmaAdjustment(0.975, n, average, "low", 1)) return "Low (0.025)";
      if (p > sigmaAdjustment(0.999, n, average, "high", 1)) return "High (0.001)";
      if (p > sigmaAdjustment(0.975, n, average, "high", 1)) return "High (0.025)";
      return "Not significant";
    });
  }

  if (statistic === "ratio") {
    return numerator.map((obs, i) => classify(obs, denominator[i], 1));
  }

  // rates: the denominator is derived from the rate, the average weighted by it
  const rateType = check.oneOf(input.rateType, "rate_type", ["dsr", "crude"] as const);
  if (input.multiplier === undefined) throw new StatsInputError(m.required("multiplier", "rate funnel significance"));
  const multiplier = check.multiplier(input.multiplier, 1);
  if (input.rate === undefined) throw new StatsInputError(m.required("rate", "rate funnel significance"));
  const rate = check.numbers(input.rate, "rate");
  check.sameLength(numerator, "numerator", rate, "rate");
  const derived = numerator.map((x, i) => {
    if (x === 0) return rateType === "dsr" ? null : denominator[i];
    if (!(rate[i] > 0)) throw new StatsInputError(m.nonPositiveRate(i));
    return (x / rate[i]) * multiplier;
  });
  const weightedAverage =
    numerator.reduce((a, b) => a + b, 0) / derived.reduce<number>((a, b) => a + (b === null ? 0 : b), 0);
  return numerator.map((x, i) => {
    if (rateType === "dsr" && x < 10) return "Not applicable for events less than 10 for dsrs";
    const d = derived[i];
    return d === null ? "Not significant" : classify(x, d, weightedAverage);
  });
}

function classify(obs: number, expected: number, reference: number): FunnelSignificance {
  if (reference < funnelRatioLimit(obs, expected, 0.998, "low")) return "High (0.001)";
  if (reference < funnelRatioLimit(obs, expected, 0.95, "low")) return "High (0.025)";
  if (reference > funnelRatioLimit(obs, expected, 0.998, "high")) return "Low (0.001)";
  if (reference > funnelRatioLimit(obs, expected, 0.95, "high")) return "Low (0.025)";
  return "Not significant";
}
