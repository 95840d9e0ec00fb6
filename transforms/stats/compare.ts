/**
 * Fingertips benchmarking: an area's confidence interval against a comparator's value (England,
 * the region, the borough). The interval entirely above or below the value is a significant
 * difference; an interval that touches or contains the value is "similar". Polarity turns
 * higher/lower into better/worse.
 */
import type { Estimate } from "./estimate.ts";
import { StatsInputError, statsMessages as m } from "./messages.ts";
import * as check from "./validate.ts";

/** Which direction is good for an indicator. */
export type Polarity = "high_is_good" | "low_is_good" | "no_judgement";
/** All polarities, for validation and documentation. */
export const POLARITIES: readonly Polarity[] = ["high_is_good", "low_is_good", "no_judgement"];
/** A comparison outcome (the `outcome` column of `marts.indicator_comparisons`). */
export type Outcome = "better" | "similar" | "worse" | "higher" | "lower" | "not_compared";

function optionalFinite(v: unknown, what: string): number | null {
  if (v === null || v === undefined) return null;
  return check.finite(v, what);
}

/**
 * Compare an area's interval with a comparator value: above -> "higher", below -> "lower",
 * touching or containing -> "similar". With polarity high_is_good higher is "better" and lower
 * "worse" (low_is_good the reverse); no_judgement keeps "higher" / "lower". A null limit or a
 * null comparator gives "not_compared".
 */
export function compareToValue(
  area: { lower: number | null; upper: number | null },
  comparatorValue: number | null,
  polarity: Polarity,
): Outcome {
  const pol = check.oneOf(polarity, "polarity", POLARITIES);
  const lower = optionalFinite(area?.lower, "lower limit");
  const upper = optionalFinite(area?.upper, "upper limit");
  const value = optionalFinite(comparatorValue, "comparator value");
  if (lower === null || upper === null || value === null) return "not_compared";
  if (lower > upper) throw new StatsInputError(m.badInterval(lower, upper));
  const direction = lower > value ? "higher" : upper < value ? "lower" : "similar";
  if (direction === "similar" || pol === "no_judgement") return direction;
  if (pol === "high_is_good") return direction === "higher" ? "better" : "worse";
  return direction === "higher" ? "worse" : "better";
}

/**
 * `compareToValue` as a SQL expression over columns (for comparing whole tables in the warehouse):
 * the same rule, the same outcomes. Inputs are trusted (the warehouse holds no NaN and lower <= upper);
 * `test/transforms/stats/compare.test.ts` checks it against `compareToValue` on random inputs.
 */
export function compareToValueSql(lower: string, upper: string, value: string, polarity: string): string {
  const direction = `CASE WHEN ${lower} > ${value} THEN 'higher' WHEN ${upper} < ${value} THEN 'lower' ELSE 'similar' END`;
  return `CASE WHEN ${lower} IS NULL OR ${upper} IS NULL OR ${value} IS NULL THEN 'not_compared'
    WHEN ${direction} = 'similar' OR ${polarity} = 'no_judgement' THEN ${direction}
    WHEN ${polarity} = 'high_is_good' THEN CASE WHEN ${direction} = 'higher' THEN 'better' ELSE 'worse' END
    ELSE CASE WHEN ${direction} = 'higher' THEN 'worse' ELSE 'better' END END`;
}

/** Outcome at both Fingertips levels, e.g. "worse_99.8" when even the 99.8% interval excludes the value. */
export type TwoLevelOutcome =
  | "better_99.8" | "better_95" | "similar" | "worse_95" | "worse_99.8"
  | "higher_99.8" | "higher_95" | "lower_95" | "lower_99.8" | "not_compared";

/** The result of a two-level comparison. */
export interface TwoLevelComparison {
  /** Outcome of the 95% interval. */
  outcome95: Outcome;
  /** Outcome of the 99.8% interval. */
  outcome998: Outcome;
  /** The headline outcome: the 95% outcome (Fingertips' default colouring). */
  outcome: Outcome;
  /** The strictest level at which the area differs: 0.998, 0.95, or null when similar / not compared. */
  level: 0.998 | 0.95 | null;
  /** Both levels in one label: "<outcome>_99.8" when significant at 99.8%, "<outcome>_95" when only at 95%. */
  twoLevel: TwoLevelOutcome;
}

/**
 * Compare at 95% and 99.8%: e.g. outside the 99.8% interval and worse gives
 * `{ outcome: "worse", level: 0.998, twoLevel: "worse_99.8" }`; outside only the 95% interval
 * gives level 0.95 and "worse_95"; touching = similar; null limits or comparator = not_compared.
 */
export function compareTwoLevel(
  area: Pick<Estimate, "lower95" | "upper95" | "lower998" | "upper998">,
  comparatorValue: number | null,
  polarity: Polarity,
): TwoLevelComparison {
  const outcome95 = compareToValue({ lower: area?.lower95 ?? null, upper: area?.upper95 ?? null }, comparatorValue, polarity);
  const outcome998 = compareToValue({ lower: area?.lower998 ?? null, upper: area?.upper998 ?? null }, comparatorValue, polarity);
  if (outcome95 === "not_compared" || outcome95 === "similar") {
    return { outcome95, outcome998, outcome: outcome95, level: null, twoLevel: outcome95 };
  }
  if (outcome998 === outcome95) {
    return { outcome95, outcome998, outcome: outcome95, level: 0.998, twoLevel: `${outcome95}_99.8` as TwoLevelOutcome };
  }
  return { outcome95, outcome998, outcome: outcome95, level: 0.95, twoLevel: `${outcome95}_95` as TwoLevelOutcome };
}
