/**
 * Funnel plot control limits: 100 points along the x-axis with the 95% (2 sigma, 0.025 each
 * side) and 99.8% (3 sigma, 0.001 each side) limits around the overall average. Proportions use
 * Wilson-score based limits; ratios and rates use Poisson limits. PHEindicatormethods
 * `calculate_funnel_limits` (PHE Fingertips technical guidance), reproduced step by step,
 * including its axis points.
 */
import { StatsInputError, statsMessages as m } from "./messages.ts";
import {
  formatBigMark, poissonFunnel, roundHalfEven, sigmaAdjustment, signifCeiling, signifFloor,
} from "./funnel-methods.ts";
import * as check from "./validate.ts";

/** What the funnel is for. */
export type FunnelStatistic = "proportion" | "ratio" | "rate";
/** For ratios: a plain count ratio or an indirectly standardised ratio (x 100). */
export type RatioType = "count" | "isr";
/** For rates: a directly standardised or a crude rate. */
export type RateType = "dsr" | "crude";

/** Input: one entry per area. `denominator` is the population (proportion), expected count (ratio) or population (rate). */
export interface FunnelLimitsInput {
  statistic: FunnelStatistic;
  numerator: number[];
  denominator?: number[];
  /** Rates only: each area's rate (per `multiplier`); the denominator is derived from it. */
  rate?: number[];
  /** Required: 100 for percentages, 100,000 for rates per 100,000, ... */
  multiplier: number;
  ratioType?: RatioType;
  rateType?: RateType;
  /** Rates only: number of years the data covers (populations are shown per year). */
  yearsOfData?: number;
}

/** One of the 100 funnel points. */
export interface FunnelLimitRow {
  /** x-axis value: population (proportion), observed events (ratio) or events (rate). */
  point: number;
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
  /**
   * Ratios: the expected count at which `point` events sit on each limit; rates: the one-year
   * population at which they do. Absent for proportions.
   */
  lower95At?: number;
  upper95At?: number;
  lower998At?: number;
  upper998At?: number;
  /** The overall average (x multiplier); absent for ratios, whose baseline is 1 (or 100). */
  baseline?: number;
}

/** The funnel: its points and how they were made (enough for a chart to place areas against it). */
export interface FunnelLimits {
  statistic: FunnelStatistic;
  /** As given: 100 for percentages, 100,000 for rates per 100,000, ... */
  multiplier: number;
  /** Ratios only: as given. */
  ratioType?: RatioType;
  /** Rates only: as given. */
  rateType?: RateType;
  /** PHE's statistic text, e.g. "proportion", "ratio (isr)", "rate (dsr per 100,000)". */
  label: string;
  method: "Wilson" | "Poisson";
  rows: FunnelLimitRow[];
}

/** The number of points along the funnel. */
export const FUNNEL_POINTS = 100;

function validate(input: FunnelLimitsInput) {
  if (typeof input !== "object" || input === null) throw new StatsInputError(m.required("an input object", "funnel limits"));
  const statistic = check.oneOf(input.statistic, "statistic", ["proportion", "ratio", "rate"] as const);
  if (input.multiplier === undefined) throw new StatsInputError(m.required("multiplier", "funnel limits"));
  const multiplier = check.multiplier(input.multiplier, 1);
  const numerator = check.numbers(input.numerator, "numerators", (v, w) => check.count(v, w));
  let denominator: number[] | undefined;
  if (input.denominator !== undefined) {
    denominator = check.numbers(input.denominator, "denominators", (v, w) => check.positive(v, w));
    check.sameLength(numerator, "numerator", denominator, "denominator");
  }
  return { statistic, multiplier, numerator, denominator };
}

/**
 * Control limits for a funnel plot over the areas' data: 100 rows from the smallest to a little
 * beyond the largest denominator, each with 95% and 99.8% limits (see `FunnelLimitRow`).
 * Proportion limits are clipped to [0, multiplier]. Ratio limits follow PHE: x 100 for "isr",
 * minus 1 for "count".
 */
export function funnelLimits(input: FunnelLimitsInput): FunnelLimits {
  const { statistic, multiplier, numerator, denominator } = validate(input);
  let derived: (number | null)[];
  let ratioType: RatioType | undefined;
  let rateType: RateType | undefined;
  let years = 1;
  if (statistic === "rate") {
    rateType = check.oneOf(input.rateType, "rate_type", ["dsr", "crude"] as const);
    if (input.yearsOfData === undefined) throw new StatsInputError(m.required("years_of_data", "rate funnels"));
    years = input.yearsOfData;
    if (typeof years !== "number" || !(years > 0)) throw new StatsInputError(m.nonPositiveYears(years));
    if (input.rate === undefined) throw new StatsInputError(m.required("rate", "rate funnels"));
    const rate = check.numbers(input.rate, "rate");
    check.sameLength(numerator, "numerator", rate, "rate");
    if (numerator.some((x) => x === 0) && denominator === undefined) throw new StatsInputError(m.zeroEventsNeedDenominator());
    derived = numerator.map((x, i) => {
      if (x === 0) return rateType === "dsr" ? null : denominator![i];
      if (!(rate[i] > 0)) throw new StatsInputError(m.nonPositiveRate(i));
      return (multiplier * x) / rate[i];
    });
  } else {
    if (denominator === undefined) throw new StatsInputError(m.required("denominator", `${statistic} funnels`));
    if (statistic === "ratio") ratioType = check.oneOf(input.ratioType, "ratio_type", ["count", "isr"] as const);
    if (statistic === "proportion") {
      numerator.forEach((x, i) => {
        if (x > denominator[i]) throw new StatsInputError(m.numeratorAboveDenominator(x, denominator[i]));
      });
    }
    derived = denominator;
  }

  // baseline average and the range of denominators
  const used = derived.filter((d): d is number => d !== null);
  if (used.length === 0) throw new StatsInputError(m.noFunnelDenominators());
  const av = numerator.reduce((a, b) => a + b, 0) / used.reduce((a, b) => a + b, 0);
  const minDen = Math.min(...used);
  const maxDen = Math.max(...used);

  let axisMin: number;
  if (maxDen > 2 * minDen) axisMin = 0;
  else axisMin = statistic === "rate" ? signifFloor(minDen / years) * years : signifFloor(minDen);
  let axisMax = statistic === "rate" ? signifCeiling(maxDen / years) * years : signifCeiling(maxDen);
  if (statistic === "rate") {
    axisMin = Math.floor(axisMin * av);
    axisMax = Math.ceil(axisMax * av);
  }

  // 100 x-axis points, closer together at the small end
  const points = [Math.max(1, axisMin)];
  for (let j = 2; j <= FUNNEL_POINTS; j++) {
    const offset = statistic === "ratio" ? j - 1 : j;
    const prev = points[j - 2];
    points.push(Math.max(roundHalfEven(Math.pow(axisMax / prev, 1 / (101 - offset)) * prev), prev + 1));
  }

  let rows: FunnelLimitRow[];
  let label: string = statistic;
  if (statistic === "proportion") {
    rows = points.map((pop) => ({
      point: pop,
      lower95: Math.max(0, sigmaAdjustment(0.975, pop, av, "low", multiplier)),
      upper95: Math.min(multiplier, sigmaAdjustment(0.975, pop, av, "high", multiplier)),
      lower998: Math.max(0, sigmaAdjustment(0.999, pop, av, "low", multiplier)),
      upper998: Math.min(multiplier, sigmaAdjustment(0.999, pop, av, "high", multiplier)),
      baseline: av * multiplier,
    }));
  } else if (statistic === "ratio") {
    const scale = ratioType === "isr" ? (v: number) => v * 100 : (v: number) => v - 1;
    label = `ratio (${ratioType})`;
    rows = points.map((obs) => {
      const l95 = poissonFunnel(obs, 0.025, "high");
      const u95 = poissonFunnel(obs, 0.025, "low");
      const l998 = poissonFunnel(obs, 0.001, "high");
      const u998 = poissonFunnel(obs, 0.001, "low");
      return {
        point: obs,
        lower95At: l95, lower95: scale(obs / l95),
        upper95At: u95, upper95: scale(obs / u95),
        lower998At: l998, lower998: scale(obs / l998),
        upper998At: u998, upper998: scale(obs / u998),
      };
    });
  } else {
    label = `rate (${rateType} per ${formatBigMark(multiplier)})`;
    rows = points.map((events) => {
      const l95 = poissonFunnel(events, 0.025, "high") / av;
      const u95 = poissonFunnel(events, 0.025, "low") / av;
      const l998 = poissonFunnel(events, 0.001, "high") / av;
      const u998 = poissonFunnel(events, 0.001, "low") / av;
      return {
        point: events,
        lower95At: l95 / years, lower95: (events / l95) * multiplier,
        upper95At: u95 / years, upper95: (events / u95) * multiplier,
        lower998At: l998 / years, lower998: (events / l998) * multiplier,
        upper998At: u998 / years, upper998: (events / u998) * multiplier,
        baseline: av * multiplier,
      };
    });
  }
  return {
    statistic, multiplier, ...(ratioType ? { ratioType } : {}), ...(rateType ? { rateType } : {}),
    label, method: statistic === "proportion" ? "Wilson" : "Poisson", rows,
  };
}
