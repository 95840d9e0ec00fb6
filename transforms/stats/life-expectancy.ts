/**
 * Life expectancy from an abridged life table (Chiang's method, 20 age bands 0, 1-4, 5-9, ...,
 * 85-89, 90+) with Silcocks et al.'s adjustment to the variance for the final band. Values are
 * not published when the total population is 5,000 or less, and a value whose 95% interval is
 * wider than 20 years is suppressed (its limits are kept). PHEindicatormethods
 * `phe_life_expectancy` (the PHE life expectancy calculator).
 */
import { StatsInputError, statsMessages as m } from "./messages.ts";
import { zFor } from "./poisson-limits.ts";
import * as check from "./validate.ts";

/** Start ages of the 20 bands. */
export const LIFE_TABLE_AGES: readonly number[] = Object.freeze([0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90]);
/** Total populations at or below this are not used for life expectancy. */
export const LE_MIN_POPULATION = 5000;

/** Life expectancy at one start age. */
export interface LifeExpectancyRow {
  startAge: number;
  value: number | null;
  lower95: number | null;
  upper95: number | null;
  lower998: number | null;
  upper998: number | null;
  /** Population and deaths at or above the start age. */
  popsUsed: number;
  deathsUsed: number;
  method: string;
  note?: string;
}

/** Options: `leAge`, the start ages to return (default all 20). */
export interface LifeExpectancyOptions {
  leAge?: number[];
}

/**
 * Life expectancy at each requested start age (`leAge`, default all) from `deaths` and
 * `population` for the 20 bands of `LIFE_TABLE_AGES`, with 95% and 99.8% limits.
 */
export function lifeExpectancy(deaths: number[], population: number[], opts?: LifeExpectancyOptions): LifeExpectancyRow[] {
  const d = check.numbers(deaths, "deaths", (v, w) => check.count(v, w));
  const pop = check.numbers(population, "population", (v, w) => check.positive(v, w));
  const bands = LIFE_TABLE_AGES.length;
  if (d.length !== bands) throw new StatsInputError(m.lengthMismatch("deaths", d.length, "the life table's age bands", bands));
  check.sameLength(d, "deaths", pop, "population");
  d.forEach((x, i) => {
    if (x > pop[i]) throw new StatsInputError(`deaths must not exceed population (band ${LIFE_TABLE_AGES[i]}: ${x} > ${pop[i]})`);
  });
  const ages = opts?.leAge ?? [...LIFE_TABLE_AGES];
  ages.forEach((a) => {
    if (!LIFE_TABLE_AGES.includes(a)) throw new StatsInputError(m.unknownOption("le_age", a, LIFE_TABLE_AGES.map(String)));
  });
  const method = "Chiang, using Silcocks et al for confidence limits";
  const popsUsed = (i: number) => pop.slice(i).reduce((a, b) => a + b, 0);
  const deathsUsed = (i: number) => d.slice(i).reduce((a, b) => a + b, 0);
  const totalPop = popsUsed(0);
  const blank = (note: string) =>
    ages.map((a) => {
      const i = LIFE_TABLE_AGES.indexOf(a);
      return { startAge: a, value: null, lower95: null, upper95: null, lower998: null, upper998: null, popsUsed: popsUsed(i), deathsUsed: deathsUsed(i), method, note };
    });
  if (totalPop <= LE_MIN_POPULATION) return blank(`total population ${totalPop} is ${LE_MIN_POPULATION} or less: life expectancy not calculated`);
  if (d[bands - 1] === 0) return blank("no deaths in the 90+ band: life expectancy cannot be calculated");

  // the life table
  const M = d.map((x, i) => x / pop[i]);
  const n = LIFE_TABLE_AGES.map((a, i) => (i < bands - 1 ? LIFE_TABLE_AGES[i + 1] - a : 2 / M[i]));
  const ai = LIFE_TABLE_AGES.map((a) => (a === 0 ? 0.1 : 0.5));
  const q = d.map((x, i) => (x <= pop[i] / n[i] / ai[i] ? (M[i] * n[i]) / (1 + M[i] * n[i] * (1 - ai[i])) : 1));
  const p = q.map((qi) => 1 - qi);
  const l: number[] = [1e5];
  for (let i = 1; i < bands; i++) l.push(l[i - 1] * p[i - 1]);
  const di = l.map((li, i) => li - (i < bands - 1 ? l[i + 1] : 0));
  const L = l.map((li, i) => (i < bands - 1 ? n[i] * (l[i + 1] + ai[i] * di[i]) : li / M[i]));
  const T: number[] = new Array(bands);
  let acc = 0;
  for (let i = bands - 1; i >= 0; i--) T[i] = acc += L[i];
  const e = l.map((li, i) => (li === 0 ? 0 : T[i] / li));
  const spi = q.map((qi, i) => {
    if (i === bands - 1) return 4 / (d[i] * M[i] ** 2);
    return di[i] === 0 ? 0 : (qi ** 2 * (1 - qi)) / d[i];
  });
  const W = spi.map((s, i) => (i < bands - 1 ? s * l[i] ** 2 * ((1 - ai[i]) * n[i] + e[i + 1]) ** 2 : (l[i] / 2) ** 2 * s));
  const ST: number[] = new Array(bands);
  acc = 0;
  for (let i = bands - 1; i >= 0; i--) ST[i] = acc += W[i];
  const se = ST.map((s, i) => Math.sqrt(s / l[i] ** 2));
  const z95 = zFor(0.95);
  const z998 = zFor(0.998);
  const z975 = zFor(0.95);

  return ages.map((a) => {
    const i = LIFE_TABLE_AGES.indexOf(a);
    const row: LifeExpectancyRow = {
      startAge: a,
      value: Number.isFinite(e[i]) ? e[i] : null,
      lower95: e[i] - z95 * se[i],
      upper95: e[i] + z95 * se[i],
      lower998: e[i] - z998 * se[i],
      upper998: e[i] + z998 * se[i],
      popsUsed: popsUsed(i),
      deathsUsed: deathsUsed(i),
      method,
    };
    if (z975 * se[i] > 10) {
      row.value = null;
      row.note = "95% confidence interval wider than 20 years: value suppressed";
    }
    return row;
  });
}
