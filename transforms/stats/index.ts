/**
 * `localneeds/stats`: statistics to the Fingertips / PHEindicatormethods standard (values with
 * 95% and 99.8% limits, comparisons, funnels, quantiles, trends) and design-based survey
 * proportions to the R `survey` standard. Every function validates its input and throws
 * `StatsInputError` with a clear message. See README.md in this folder for the methods and
 * their sources.
 */

// shapes and errors
export type { Estimate, Interval } from "./estimate.ts";
export { LEVEL_95, LEVEL_998 } from "./estimate.ts";
export { StatsInputError, statsMessages } from "./messages.ts";

// values with limits
export { proportion, proportionInterval, wilsonLimits, type ProportionOptions } from "./proportion.ts";
export { crudeRate, crudeRateInterval, type RateOptions } from "./crude-rate.ts";
export { byarsLower, byarsUpper, exactLower, exactUpper, countLimits, EXACT_BELOW } from "./poisson-limits.ts";
export {
  directlyStandardisedRate, directlyStandardisedRateInterval, DSR_MIN_COUNT, type DsrOptions,
} from "./directly-standardised-rate.ts";
export { ESP2013, ESP2013_BANDS } from "./esp2013.ts";
export {
  indirectlyStandardisedRatio, indirectlyStandardisedRatioInterval,
  indirectlyStandardisedRate, indirectlyStandardisedRateInterval,
  observedExpected, type RatioOptions, type IsRateOptions, type ObservedExpected,
} from "./indirect-standardisation.ts";
export { mean, meanInterval } from "./mean.ts";
export { median } from "./median.ts";
export { lifeExpectancy, LIFE_TABLE_AGES, LE_MIN_POPULATION, type LifeExpectancyRow } from "./life-expectancy.ts";
export { slopeIndexOfInequality, type SiiInput, type SiiOptions, type SiiResult } from "./slope-index-of-inequality.ts";

// comparing, funnels, quantiles, trends, change
export {
  compareToValue, compareToValueSql, compareTwoLevel, POLARITIES,
  type Polarity, type Outcome, type TwoLevelOutcome, type TwoLevelComparison,
} from "./compare.ts";
export {
  funnelLimits, FUNNEL_POINTS,
  type FunnelLimits, type FunnelLimitRow, type FunnelLimitsInput, type FunnelStatistic, type RatioType, type RateType,
} from "./funnel-limits.ts";
export {
  overdispersion, overdispersedBands, overdispersedLimit, WINSORISE_BY,
  type Overdispersion, type OverdispersedBand, type OverdispersionInput,
} from "./funnel-overdispersion.ts";
export { funnelSignificance, FUNNEL_SIGNIFICANCE, type FunnelSignificance, type FunnelSignificanceInput } from "./funnel-significance.ts";
export { quantiles, type QuantileOptions, type QuantileResult } from "./quantiles.ts";
export { recentTrend, TREND_POINTS, TREND_THRESHOLD, type TrendPoint, type TrendKind, type RecentTrend } from "./recent-trend.ts";
export { changeFromBaseline, type Change, type ChangeInput } from "./change-from-baseline.ts";

// surveys
export {
  surveyProportion, surveyEstimate, surveyDomainEstimate, SURVEY_CI_METHODS,
  type SurveyRow, type SurveyCiMethod, type SurveyProportion, type SurveyProportionOptions,
} from "./survey-proportion.ts";
export { surveyDesign, type SurveyDesign } from "./survey-design.ts";
export { rakeWeights, type RakeMargins, type RakeOptions, type RakeResult } from "./rake-weights.ts";

// distributions (R-compatible), the R random stream, the batch calculator
export { qnorm, pnorm, qchisq, pchisq, qgamma, qbeta, pbeta, qt, pt, lgamma } from "./distributions.ts";
export { RRandom } from "./r-random.ts";
export { runCases, runCase, BATCH_METHODS, type Case, type CaseResult } from "./batch.ts";
