/**
 * Design-based variance for a weighted mean (a proportion) in a stratified sample with weights,
 * optional clusters (PSUs) and finite-population correction, as the R `survey` package computes
 * it (`svydesign(ids, strata, weights, fpc)`, `svyrecvar`), with lonely PSUs handled as
 * `options(survey.lonely.psu = "adjust")`. A domain (e.g. a ward) is estimated within the whole
 * design: rows outside the domain contribute zero, every stratum and PSU still counts. The design
 * is checked and indexed once (`surveyDesign`); a domain's variance then costs time in proportion
 * to the domain's rows, not the survey's (the zero PSUs enter in closed form), so thousands of
 * ward domains of one national survey stay cheap.
 */
import { StatsInputError, statsMessages as m } from "./messages.ts";

/** One respondent. */
export interface SurveyRow {
  /** Stratum the respondent was sampled in. */
  stratum: string;
  /** Sampling (or calibrated) weight, > 0. */
  weight: number;
  /** Stratum population size (> 1), or sampling fraction (<= 1); the same on every row of a stratum. Omit for no FPC. */
  fpc?: number;
  /** The outcome: 1 yes, 0 no (omitted in a design prepared once for many domains and outcomes). */
  y?: 0 | 1;
  /** In the domain being estimated (default true). */
  inDomain?: boolean;
  /** Primary sampling unit within the stratum (default: each row is its own PSU). */
  psu?: string;
}

/** The design, checked and indexed once. */
export interface SurveyDesign {
  rows: SurveyRow[];
  /** Stratum index per row. */
  stratumOf: number[];
  /** PSU index per row (global). */
  psuOf: number[];
  /** Stratum of each PSU. */
  psuStratum: number[];
  /** Number of PSUs sampled per stratum (whole design). */
  nPsu: number[];
  /** Finite-population factor (1 - sampling fraction) per stratum; 1 without FPC. */
  fpcFactor: number[];
  strata: string[];
  /** Sum of the finite-population factors of the single-PSU strata that count (factor >= 1e-7). */
  lonelyFactorSum: number;
}

/** A stratum sampled completely (factor below this) contributes nothing to the variance. */
const COMPLETE = 1e-7;

/** Check rows and index strata and PSUs. */
export function surveyDesign(rows: SurveyRow[]): SurveyDesign {
  if (!Array.isArray(rows) || rows.length === 0) throw new StatsInputError(m.surveyNoRows());
  const strata: string[] = [];
  const stratumIndex = new Map<string, number>();
  const psuIndex = new Map<string, number>();
  const stratumOf: number[] = [];
  const psuOf: number[] = [];
  const psuStratum: number[] = [];
  const fpcs: (number | undefined)[] = [];
  rows.forEach((r, i) => {
    if (typeof r !== "object" || r === null || typeof r.stratum !== "string" || r.stratum === "") throw new StatsInputError(m.surveyBadStratum(i));
    if (typeof r.weight !== "number" || !Number.isFinite(r.weight) || r.weight <= 0) throw new StatsInputError(m.surveyBadWeight(i, r.weight));
    if (r.y !== undefined && r.y !== 0 && r.y !== 1) throw new StatsInputError(m.surveyBadOutcome(i, r.y));
    if (r.fpc !== undefined && (typeof r.fpc !== "number" || !Number.isFinite(r.fpc) || r.fpc <= 0)) throw new StatsInputError(m.surveyBadFpc(i, r.fpc));
    let h = stratumIndex.get(r.stratum);
    if (h === undefined) {
      h = strata.length;
      strata.push(r.stratum);
      stratumIndex.set(r.stratum, h);
      fpcs.push(r.fpc);
    } else if (fpcs[h] !== r.fpc) {
      throw new StatsInputError(m.surveyFpcNotConstant(r.stratum));
    }
    stratumOf.push(h);
    const key = r.psu === undefined ? `\u0000row${i}` : `${h}\u0000${r.psu}`;
    let j = psuIndex.get(key);
    if (j === undefined) {
      j = psuStratum.length;
      psuIndex.set(key, j);
      psuStratum.push(h);
    }
    psuOf.push(j);
  });
  const nPsu = strata.map(() => 0);
  for (const h of psuStratum) nPsu[h]++;
  const fpcFactor = strata.map((s, h) => {
    const f = fpcs[h];
    if (f === undefined) return 1;
    const popsize = f <= 1 ? nPsu[h] / f : f;
    if (popsize < nPsu[h]) throw new StatsInputError(m.surveyFpcTooSmall(s, f, nPsu[h]));
    return (popsize - nPsu[h]) / popsize;
  });
  let lonelyFactorSum = 0;
  strata.forEach((_, h) => {
    if (nPsu[h] === 1 && fpcFactor[h] >= COMPLETE) lonelyFactorSum += fpcFactor[h];
  });
  return { rows, stratumOf, psuOf, psuStratum, nPsu, fpcFactor, strata, lonelyFactorSum };
}

/**
 * Design variance of a total of per-row scores `z` (zero outside the domain): within each stratum
 * (1 - f) n / (n - 1) times the sum of squared deviations of PSU totals from their stratum mean;
 * a stratum with a single PSU is centred on the mean PSU total of the whole design instead
 * (lonely PSU "adjust"); a stratum sampled completely (f = 0) contributes nothing.
 */
export function designVariance(design: SurveyDesign, z: number[]): number {
  return domainVariance(design, z.map((_, i) => i), z);
}

/**
 * `designVariance` for scores given only on the domain's rows (`rows[k]` has score `z[k]`; every
 * other row scores zero). PSUs without a domain row have total zero: within a stratum of n PSUs,
 * k of them touched, they add (n - k) c^2 around the stratum centre c; untouched single-PSU
 * strata add f x (grand mean)^2 each.
 */
export function domainVariance(design: SurveyDesign, rows: ArrayLike<number>, z: ArrayLike<number>): number {
  const totals = new Map<number, number>();
  for (let k = 0; k < rows.length; k++) {
    const j = design.psuOf[rows[k]!]!;
    totals.set(j, (totals.get(j) ?? 0) + z[k]!);
  }
  let grand = 0;
  const sums = new Map<number, number>();
  const touched = new Map<number, number>();
  for (const [j, t] of totals) {
    grand += t;
    const h = design.psuStratum[j]!;
    sums.set(h, (sums.get(h) ?? 0) + t);
    touched.set(h, (touched.get(h) ?? 0) + 1);
  }
  const grandMean = grand / design.psuStratum.length;
  const ss = new Map<number, number>();
  for (const [j, t] of totals) {
    const h = design.psuStratum[j]!;
    const n = design.nPsu[h]!;
    const centre = n > 1 ? sums.get(h)! / n : grandMean;
    ss.set(h, (ss.get(h) ?? 0) + (t - centre) ** 2);
  }
  let variance = 0;
  let lonelyTouched = 0;
  for (const [h, k] of touched) {
    const f = design.fpcFactor[h]!;
    if (f < COMPLETE) continue;
    const n = design.nPsu[h]!;
    if (n > 1) {
      const centre = sums.get(h)! / n;
      variance += ((f * n) / (n - 1)) * (ss.get(h)! + (n - k) * centre * centre);
    } else {
      variance += f * ss.get(h)!;
      lonelyTouched += f;
    }
  }
  // Untouched single-PSU strata: total zero, centred on the grand mean.
  variance += (design.lonelyFactorSum - lonelyTouched) * grandMean * grandMean;
  return variance;
}

/** Design degrees of freedom of a domain: PSUs with a respondent in it minus strata with a respondent in it. */
export function domainDf(design: SurveyDesign, rows: ArrayLike<number>): number {
  const psus = new Set<number>();
  const strata = new Set<number>();
  for (let k = 0; k < rows.length; k++) {
    psus.add(design.psuOf[rows[k]!]!);
    strata.add(design.stratumOf[rows[k]!]!);
  }
  return psus.size - strata.size;
}
