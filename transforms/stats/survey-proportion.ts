/**
 * Design-based proportions from a weighted survey, per domain (e.g. a ward), to the R `survey`
 * package standard (`svymean` with `deff = TRUE`, `degf`, `svyciprop`): estimate, standard error,
 * design effect, design degrees of freedom and a confidence interval by one of
 *
 * - "logit" (default): Wald interval for logit(p) from the quasi-binomial fit, t quantile with the
 *   design df, back-transformed (`svyciprop(method = "logit")`);
 * - "beta": Clopper-Pearson with the effective sample size p(1 - p) / var, scaled by
 *   (t(n - 1) / t(df))^2 (Korn & Graubard 1998; `method = "beta"`);
 * - "mean": p -/+ t(df) x se (`method = "mean"`);
 * - "wald": p -/+ z x se (`confint(svymean(...))`);
 * - "likelihood": Rao-Scott scaled profile likelihood (`method = "likelihood"`).
 *
 * The domain is estimated within the whole design: strata and PSUs come from all rows, rows
 * outside the domain count as zero. The design df is that of the domain, as `svyby` / `subset`
 * give it: PSUs with a respondent in the domain minus strata with a respondent in it.
 *
 * All-yes / all-no rule: when every respondent in the domain answered the same (estimate 0 or 1)
 * the design variance is zero and the design-based intervals collapse or are undefined (R gives
 * a zero-width, NaN or error result). Then every method returns the Clopper-Pearson exact interval
 * for 0 (or n) successes out of the unweighted count n: [0, 1 - (alpha/2)^(1/n)] for all-no and
 * [(alpha/2)^(1/n), 1] for all-yes, the design effect is null and a note says so. Results are
 * never NaN. A domain with no degrees of freedom gets null limits (except "wald") and a note.
 */
import { qbeta, qnorm, qt } from "./distributions.ts";
import { type Estimate, LEVEL_95, LEVEL_998 } from "./estimate.ts";
import { StatsInputError, statsMessages as m } from "./messages.ts";
import { domainDf, domainVariance, surveyDesign, type SurveyDesign, type SurveyRow } from "./survey-design.ts";
import { likelihoodLimits, expit } from "./survey-likelihood.ts";
import { fitInterceptLogit } from "./survey-logistic.ts";
import * as check from "./validate.ts";

export type { SurveyRow } from "./survey-design.ts";

/** Interval methods, as `svyciprop`'s `method` (plus "wald", the plain normal interval). */
export type SurveyCiMethod = "logit" | "beta" | "mean" | "wald" | "likelihood";
/** All interval methods. */
export const SURVEY_CI_METHODS: readonly SurveyCiMethod[] = ["logit", "beta", "mean", "wald", "likelihood"];

/** Options: interval `method` (default "logit") and `level` (default 0.95). */
export interface SurveyProportionOptions {
  method?: SurveyCiMethod;
  level?: number;
}

/** A domain's weighted proportion with its design-based statistics and one interval. */
export interface SurveyProportion {
  estimate: number;
  se: number;
  /** Design effect (variance / SRS-without-replacement variance); null for 0 or 1 estimates. */
  deff: number | null;
  designDf: number;
  /** Respondents in the domain. */
  nUnweighted: number;
  /** Sum of their weights. */
  sumWeights: number;
  level: number;
  method: SurveyCiMethod;
  lower: number | null;
  upper: number | null;
  note?: string;
}

interface DomainStats {
  /** The domain's rows (indices into the design) and their outcomes and weights. */
  idx: number[];
  y: number[];
  w: number[];
  p: number;
  n: number;
  N: number;
  variance: number;
  df: number;
  deff: number | null;
  design: SurveyDesign;
}

/** A domain's statistics from the design and its rows' outcomes (time in proportion to the domain). */
function domainStatsOf(design: SurveyDesign, idx: number[], y: number[]): DomainStats {
  const n = idx.length;
  if (n === 0) throw new StatsInputError(m.surveyEmptyDomain());
  const w = idx.map((i) => design.rows[i]!.weight);
  let N = 0;
  let yes = 0;
  for (let k = 0; k < n; k++) {
    if (y[k] !== 0 && y[k] !== 1) throw new StatsInputError(m.surveyBadOutcome(idx[k]!, y[k]));
    N += w[k]!;
    yes += w[k]! * y[k]!;
  }
  const p = yes / N;
  const variance = domainVariance(design, idx, idx.map((_, k) => (w[k]! * (y[k]! - p)) / N));
  const df = domainDf(design, idx);
  // design effect against simple random sampling without replacement (svymean deff = TRUE)
  let deff: number | null = null;
  if (n > 1 && N >= n) {
    let ss = 0;
    for (let k = 0; k < n; k++) ss += w[k]! * (y[k]! - p) ** 2;
    const svyvar = (ss / N) * (n / (n - 1));
    const vsrs = (svyvar * (N - n)) / (N * n);
    if (vsrs > 0) deff = variance / vsrs;
  }
  return { idx, y, w, p, n, N, variance, df, deff, design };
}

function domainStats(rows: SurveyRow[]): DomainStats {
  const design = surveyDesign(rows);
  const idx: number[] = [];
  const y: number[] = [];
  rows.forEach((r, i) => {
    if (r.inDomain === false) return;
    idx.push(i);
    y.push(r.y as number);
  });
  return domainStatsOf(design, idx, y);
}

/** Clopper-Pearson limits for 0 or n successes out of n. */
function allSameLimits(p: number, n: number, level: number): { lower: number; upper: number } {
  const edge = Math.pow((1 - level) / 2, 1 / n);
  return p === 0 ? { lower: 0, upper: 1 - edge } : { lower: edge, upper: 1 };
}

function limits(s: DomainStats, method: SurveyCiMethod, level: number): { lower: number | null; upper: number | null; note?: string } {
  const { p, n, variance, df } = s;
  const se = Math.sqrt(variance);
  if (p === 0 || p === 1) return { ...allSameLimits(p, n, level), note: m.surveyAllSame(p, n) };
  const alpha = 1 - level;
  if (method === "wald") {
    const z = qnorm(1 - alpha / 2);
    return { lower: p - z * se, upper: p + z * se };
  }
  if (!(df > 0)) return { lower: null, upper: null, note: m.surveyNoDf() };
  if (!(variance > 0)) return { lower: p, upper: p, note: m.surveyZeroVariance() };
  const t = qt(1 - alpha / 2, df);
  if (method === "mean") return { lower: p - t * se, upper: p + t * se };
  if (method === "beta") {
    let nEff = (p * (1 - p)) / variance;
    nEff = nEff * (qt(alpha / 2, n - 1) / qt(alpha / 2, df)) ** 2;
    return {
      lower: qbeta(alpha / 2, nEff * p, nEff * (1 - p) + 1),
      upper: qbeta(1 - alpha / 2, nEff * p + 1, nEff * (1 - p)),
    };
  }
  // logit and likelihood: the quasi-binomial fit, its design-based variance
  const wMean = s.w.reduce((a, b) => a + b, 0) / n;
  const wPrior = s.w.map((x) => x / wMean);
  const fit = fitInterceptLogit(s.y, wPrior);
  if (fit === null) return { ...allSameLimits(p, n, level), note: m.surveyAllSame(p, n) };
  const mu = fit.mu;
  const z = s.idx.map((_, k) => (s.w[k]! * (s.y[k]! - mu)) / s.N / (mu * (1 - mu)));
  const seLogit = Math.sqrt(domainVariance(s.design, s.idx, z));
  if (method === "logit") {
    return { lower: expit(fit.coef - t * seLogit), upper: expit(fit.coef + t * seLogit) };
  }
  // likelihood: dispersion = svyvar of Pearson residuals
  const r = s.y.map((yi) => (yi - mu) / Math.sqrt(mu * (1 - mu)));
  let rbar = 0;
  for (let i = 0; i < n; i++) rbar += s.w[i] * r[i];
  rbar /= s.N;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += s.w[i] * (r[i] - rbar) ** 2;
  const dispersion = (ss / s.N) * (n / (n - 1));
  const lim = likelihoodLimits({ y: s.y, w: wPrior, fit, se: seLogit, dispersion, df, level });
  if (lim.lower === null || lim.upper === null) {
    return { lower: lim.lower, upper: lim.upper, note: m.surveyLikelihoodFailed(lim.note ?? "the profile does not reach the cut-off") };
  }
  return lim;
}

/**
 * Weighted proportion of `y = 1` among rows with `inDomain` (default all), with standard error,
 * design effect, design df and an interval by `method` (default "logit") at `level` (default
 * 0.95). See the module comment for the all-yes / all-no rule.
 */
export function surveyProportion(rows: SurveyRow[], opts?: SurveyProportionOptions): SurveyProportion {
  const method = opts?.method === undefined ? "logit" : check.oneOf(opts.method, "survey interval method", SURVEY_CI_METHODS);
  const level = opts?.level === undefined ? 0.95 : check.confidence(opts.level);
  const s = domainStats(rows);
  const lim = limits(s, method, level);
  const out: SurveyProportion = {
    estimate: s.p,
    se: Math.sqrt(s.variance),
    deff: s.p === 0 || s.p === 1 ? null : s.deff,
    designDf: s.df,
    nUnweighted: s.n,
    sumWeights: s.N,
    level,
    method,
    lower: lim.lower,
    upper: lim.upper,
  };
  if (lim.note !== undefined) out.note = lim.note;
  return out;
}

/** An `Estimate` (95% and 99.8% limits, times `multiplier`) from a domain's statistics. */
function estimateOf(s: DomainStats, method: SurveyCiMethod, mult: number): Estimate {
  const a = limits(s, method, LEVEL_95);
  const b = limits(s, method, LEVEL_998);
  const scale = (v: number | null) => (v === null ? null : v * mult);
  const e: Estimate = {
    value: s.p * mult,
    lower95: scale(a.lower),
    upper95: scale(a.upper),
    lower998: scale(b.lower),
    upper998: scale(b.upper),
    method,
  };
  const note = a.note ?? b.note;
  if (note !== undefined) e.note = note;
  return e;
}

/**
 * A domain's weighted proportion as an `Estimate` with 95% and 99.8% limits by `method`
 * (default "logit"); `multiplier` 1 by default (100 for a percentage).
 */
export function surveyEstimate(rows: SurveyRow[], opts?: { method?: SurveyCiMethod; multiplier?: number }): Estimate {
  const mult = check.multiplier(opts?.multiplier, 1);
  const method = opts?.method === undefined ? "logit" : check.oneOf(opts.method, "survey interval method", SURVEY_CI_METHODS);
  return estimateOf(domainStats(rows), method, mult);
}

/**
 * `surveyEstimate` for many domains of one survey: the design is prepared once (`surveyDesign`
 * over every respondent, outcomes omitted) and each domain is given by its rows (indices into the
 * design) and their outcomes. Same statistics, in time proportional to the domain.
 */
export function surveyDomainEstimate(
  design: SurveyDesign, rows: number[], y: number[], opts?: { method?: SurveyCiMethod; multiplier?: number },
): Estimate {
  const mult = check.multiplier(opts?.multiplier, 1);
  const method = opts?.method === undefined ? "logit" : check.oneOf(opts.method, "survey interval method", SURVEY_CI_METHODS);
  if (rows.length !== y.length) throw new StatsInputError(m.surveyDomainLengths(rows.length, y.length));
  return estimateOf(domainStatsOf(design, rows, y), method, mult);
}
