/**
 * Slope index of inequality (SII) and relative index of inequality (RII) across quantiles (e.g.
 * deprivation deciles): weighted linear regression of the quantile values on their relative
 * rank (the midpoint of each quantile's share of the cumulative population), with a square-root
 * population weighting (Low & Low 2004). Confidence limits by simulation, drawing each
 * quantile's value from a normal with its standard error and taking percentiles of the simulated
 * SIIs. PHEindicatormethods `phe_sii` / `SimulationFunc`; the draws use R's generator
 * (`RRandom`), so with the same seed the limits equal R's.
 */
import { zFor } from "./poisson-limits.ts";
import { StatsInputError, statsMessages as m } from "./messages.ts";
import { RRandom } from "./r-random.ts";
import * as check from "./validate.ts";

/** One row per quantile, ordered from most to least deprived by `quantile`. */
export interface SiiInput {
  quantile: number[];
  population: number[];
  /** Indicator value per quantile. */
  value: number[];
  /** Standard error per quantile; or give the 95% limits. */
  se?: number[];
  lowerCl?: number[];
  upperCl?: number[];
}

/** Options (PHE defaults): `valueType` 0 normal, 1 rate (log scale), 2 proportion (logit scale). */
export interface SiiOptions {
  valueType?: 0 | 1 | 2;
  multiplier?: number;
  /** Simulation size, at least 1000; default 100,000. */
  repetitions?: number;
  /** Seed for the simulation (R's `set.seed`); default 1. */
  seed?: number;
}

/** SII and RII with 95% and 99.8% simulated limits. */
export interface SiiResult {
  sii: number;
  rii: number;
  siiLower95: number;
  siiUpper95: number;
  siiLower998: number;
  siiUpper998: number;
  riiLower95: number;
  riiUpper95: number;
  riiLower998: number;
  riiUpper998: number;
  method: string;
}

/** Least squares coefficients of y on the columns (s, bs) without intercept. */
function fit2(s: number[], bs: number[], y: number[]): [number, number] {
  let a11 = 0, a12 = 0, a22 = 0, r1 = 0, r2 = 0;
  for (let i = 0; i < s.length; i++) {
    a11 += s[i] * s[i];
    a12 += s[i] * bs[i];
    a22 += bs[i] * bs[i];
    r1 += s[i] * y[i];
    r2 += bs[i] * y[i];
  }
  const det = a11 * a22 - a12 * a12;
  return [(a22 * r1 - a12 * r2) / det, (a11 * r2 - a12 * r1) / det];
}

/**
 * SII (the fitted difference between the least and most deprived ends, x `multiplier`) and RII
 * (their ratio), with simulated 95% and 99.8% limits. Quantile values are transformed by
 * `valueType` for the simulation and back again.
 */
export function slopeIndexOfInequality(input: SiiInput, opts?: SiiOptions): SiiResult {
  const valueType = opts?.valueType ?? 0;
  if (![0, 1, 2].includes(valueType)) throw new StatsInputError(m.unknownOption("value_type", valueType, ["0", "1", "2"]));
  const multiplier = check.finite(opts?.multiplier ?? 1, "multiplier");
  const reps = opts?.repetitions ?? 100000;
  if (!Number.isInteger(reps) || reps < 1000) throw new StatsInputError("number of repetitions must be 1000 or greater");
  const q = check.numbers(input.quantile, "quantile");
  const pop = check.numbers(input.population, "population", (v, w) => check.positive(v, w));
  const val = check.numbers(input.value, "value");
  check.sameLength(q, "quantile", pop, "population");
  check.sameLength(q, "quantile", val, "value");
  if (q.length < 5 || q.length > 100) throw new StatsInputError(`number of quantiles must be between 5 and 100 (got ${q.length})`);
  if (valueType === 2 && val.some((v) => v <= 0 || v >= 1)) throw new StatsInputError("value proportions must all be strictly between 0 and 1 (value_type 2 works on the logit scale)");
  if (valueType === 1 && val.some((v) => v <= 0)) throw new StatsInputError("rates must all be greater than zero (value_type 1 works on the log scale)");
  const order = q.map((_, i) => i).sort((a, b) => q[a] - q[b]);
  const tf = (v: number) => (valueType === 1 ? Math.log(v) : valueType === 2 ? Math.log(v / (1 - v)) : v);
  const untf = (v: number) => (valueType === 1 ? Math.exp(v) : valueType === 2 ? Math.exp(v) / (1 + Math.exp(v)) : v);
  let se: number[];
  if (input.se !== undefined) {
    se = check.numbers(input.se, "se", (v, w) => check.count(v, w));
    check.sameLength(q, "quantile", se, "se");
  } else if (input.lowerCl !== undefined && input.upperCl !== undefined) {
    const lo = check.numbers(input.lowerCl, "lower_cl");
    const hi = check.numbers(input.upperCl, "upper_cl");
    check.sameLength(q, "quantile", lo, "lower_cl");
    check.sameLength(q, "quantile", hi, "upper_cl");
    const z = zFor(0.95);
    se = lo.map((l, i) => (tf(hi[i]) - tf(l)) / z / 2);
  } else {
    throw new StatsInputError("phe_sii requires either lower_cl and upper_cl, or se");
  }
  const P = order.map((i) => pop[i]);
  const total = P.reduce((a, b) => a + b, 0);
  const prop = P.map((p) => p / total);
  let cum = 0;
  const b = prop.map((p) => {
    const mid = p / 2 + cum;
    cum += p;
    return mid;
  });
  const sqrtA = prop.map(Math.sqrt);
  const bSqrtA = b.map((bi, i) => bi * sqrtA[i]);
  const tval = order.map((i) => tf(val[i]));
  const tse = order.map((i) => se[i]);
  const yvals = tval.map((v, i) => sqrtA[i] * untf(v));
  const [c0, c1] = fit2(sqrtA, bSqrtA, yvals);
  const sii = multiplier * c1;
  let rii = (c0 + c1) / c0;
  if (multiplier < 0) rii = 1 / rii;

  // simulation: draws in R's order (quantile fastest), one regression per repetition
  const rng = new RRandom(opts?.seed ?? 1);
  const sims = new Float64Array(reps);
  const riis = new Float64Array(reps);
  const y = new Array<number>(q.length);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < q.length; i++) y[i] = untf(rng.normal(tval[i], tse[i])) * sqrtA[i];
    const [s0, s1] = fit2(sqrtA, bSqrtA, y);
    sims[r] = multiplier * s1;
    const ri = (s1 + s0) / s0;
    riis[r] = multiplier < 0 ? 1 / ri : ri;
  }
  sims.sort();
  riis.sort();
  const pick = (arr: Float64Array, level: number, upper: boolean) => {
    const cv = level + (1 - level) / 2;
    const pos = Math.round(reps * (upper ? cv : 1 - cv));
    return arr[pos - 1];
  };
  return {
    sii, rii,
    siiLower95: pick(sims, 0.95, false), siiUpper95: pick(sims, 0.95, true),
    siiLower998: pick(sims, 0.998, false), siiUpper998: pick(sims, 0.998, true),
    riiLower95: pick(riis, 0.95, false), riiUpper95: pick(riis, 0.95, true),
    riiLower998: pick(riis, 0.998, false), riiUpper998: pick(riis, 0.998, true),
    method: `simulation ${reps} reps`,
  };
}
