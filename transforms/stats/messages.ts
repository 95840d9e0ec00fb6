/**
 * Every error and note text of `localneeds/stats`, in one catalogue (vega-lite
 * `src/log/message.ts`): tests assert on these functions' output rather than on copies of the
 * strings. Where PHEindicatormethods rejects the same input, the text keeps its wording so that a
 * reader of both sees the same reason.
 */

/** A bad input to a statistics function: the message says what was wrong and what was expected. */
export class StatsInputError extends Error {
  override name = "StatsInputError";
}

const fmt = (v: unknown): string => (typeof v === "number" ? String(v) : JSON.stringify(v));

/** The statistics message catalogue. */
export const statsMessages = {
  notFinite: (what: string, value: unknown) => `${what} must be a finite number (got ${fmt(value)})`,
  notArray: (what: string) => `${what} must be an array of numbers`,
  emptyArray: (what: string) => `${what} must contain at least one value`,
  negativeNumerator: (what = "numerators") => `${what} must be greater than or equal to zero`,
  nonPositiveDenominator: (what = "denominators") => `${what} must be greater than zero`,
  negativeDenominator: (what = "denominators") => `${what} must be greater than or equal to zero`,
  numeratorAboveDenominator: (x: number, n: number) =>
    `numerators must be less than or equal to denominator for a proportion statistic (numerator ${x} > denominator ${n})`,
  nonPositiveMultiplier: (value: unknown) => `multiplier must be a positive number (got ${fmt(value)})`,
  badConfidence: (value: unknown) =>
    `confidence level must be between 90 and 100 or between 0.9 and 1 (got ${fmt(value)})`,
  lengthMismatch: (a: string, la: number, b: string, lb: number) =>
    `${a} has ${la} value(s) but ${b} has ${lb}: they must have one value per band, in the same order`,
  stdpopLength: (bands: number, rows: number) =>
    `the standard population has ${bands} bands but the data has ${rows}: stdpop length must equal the number of age bands (x and n)`,
  negativeStdpop: () => "standard population values must be greater than or equal to zero, with a positive total",
  dsrSuppressed: (total: number, min: number) => `dsr NA for total count < ${min} (total count ${total}): not published`,
  zeroExpected: () => "expected count is zero (sum of n * x_ref / n_ref): the ratio is undefined",
  tooFewValues: (min: number, got: number) => `a t interval needs at least ${min} values (got ${got})`,
  meanOneValue: () => "one value: the mean is that value; a t interval needs at least 2 values, so no limits",
  unknownOption: (what: string, value: unknown, expected: readonly string[]) =>
    `invalid ${what} ${fmt(value)} (expected ${expected.join(" | ")})`,
  required: (what: string, forWhat: string) => `${what} is required for ${forWhat}`,
  absentDenominator: () =>
    "denominator is absent but must be supplied (funnel significance needs one denominator per area, also for rates)",
  zeroEventsNeedDenominator: () =>
    "for rates, where there are 0 events for a record, the denominator field needs to be provided using the denominator argument",
  nonPositiveRate: (i: number) => `rate must be greater than zero where there are events (row ${i + 1})`,
  noFunnelDenominators: () => "no area has a usable denominator (for DSRs, areas with 0 events are left out): no funnel",
  nonPositiveYears: (value: unknown) => `years_of_data must be a positive number (got ${fmt(value)})`,
  badQuantileCount: (value: unknown) => `nquantiles must be a whole number of at least 2 (got ${fmt(value)})`,
  tooFewAreasForQuantiles: (areas: number, nquantiles: number) =>
    `only ${areas} area(s) have values, fewer than the ${nquantiles} quantiles requested: no quantiles assigned`,
  // comparisons, trends, change
  badInterval: (lower: number, upper: number) => `interval lower limit ${lower} is above its upper limit ${upper}`,
  trendPeriodsNotNumbers: () => "trend points need a numeric period (e.g. the year the period starts)",
  trendDuplicatePeriod: (period: number) => `trend points have period ${period} more than once`,
  trendTooFewPoints: (got: number, need: number) => `only ${got} point(s); a recent trend needs the ${need} most recent annual points`,
  trendGap: (from: number, to: number) => `the most recent points are not consecutive annual periods (gap between ${from} and ${to})`,
  trendMissingInput: (period: number, what: string) => `period ${period} has no ${what}`,
  trendNeedsCounts: () => "a proportion trend needs numerator and denominator for each point",
  changeNeedsLimits: () => "both estimates need a value and 95% limits",
  ratioNonPositive: () => "a ratio of estimates needs a positive baseline and non-negative limits",
  // survey
  surveyNoRows: () => "the survey design has no rows",
  surveyBadOutcome: (i: number, y: unknown) => `row ${i + 1}: y must be 0 or 1 (got ${fmt(y)})`,
  surveyBadWeight: (i: number, w: unknown) => `row ${i + 1}: weight must be a positive number (got ${fmt(w)})`,
  surveyBadStratum: (i: number) => `row ${i + 1}: stratum must be a non-empty string`,
  surveyFpcNotConstant: (stratum: string) => `stratum ${stratum}: fpc differs between rows (it is one population size or sampling fraction per stratum)`,
  surveyFpcTooSmall: (stratum: string, fpc: number, n: number) =>
    `stratum ${stratum}: fpc ${fpc} is smaller than the ${n} PSUs sampled`,
  surveyBadFpc: (i: number, fpc: unknown) => `row ${i + 1}: fpc must be a positive number (population size, or a sampling fraction up to 1) (got ${fmt(fpc)})`,
  surveyEmptyDomain: () => "the domain has no respondents",
  surveyDomainLengths: (rows: number, outcomes: number) => `the domain has ${rows} rows but ${outcomes} outcomes (expected one outcome per row)`,
  surveyNoDf: () => "the design has no degrees of freedom left (one PSU per stratum in the domain): no interval",
  surveyAllSame: (estimate: number, n: number) =>
    `every respondent answered ${estimate === 0 ? "no" : "yes"}: Clopper-Pearson limits with the unweighted count (n = ${n}) as the sample size`,
  surveyZeroVariance: () => "the estimate has no sampling variance in this design: the interval is the estimate itself",
  surveyLikelihoodFailed: (why: string) => `profile likelihood interval not available: ${why}`,
  // raking
  rakeNoRows: () => "raking needs at least one row",
  rakeNoMargins: () => "raking needs at least one margin",
  rakeEmptyCategory: (variable: string, category: string) =>
    `margin ${variable}: category "${category}" has no respondents, so its total cannot be reached`,
  rakeUnknownCategory: (variable: string, category: string, row: number) =>
    `row ${row + 1}: ${variable} = "${category}" is not a category of that margin`,
  rakeBadTotal: (variable: string, category: string, total: unknown) =>
    `margin ${variable}: total for "${category}" must be a positive number (got ${fmt(total)})`,
  rakeTotalsDisagree: (a: string, ta: number, b: string, tb: number) =>
    `margins disagree: ${a} sums to ${ta} but ${b} sums to ${tb}; raking needs margins with the same grand total`,
  rakeNotConverged: (iterations: number, gap: number) =>
    `raking did not converge in ${iterations} iterations (largest margin gap ${gap})`,
  // batch
  casesNotObject: () => 'cases JSON must be an object with a "cases" array',
  caseNotObject: (i: number) => `case ${i + 1} must be an object with "id" and "method"`,
  unknownMethod: (method: unknown, known: readonly string[]) =>
    `unknown method ${fmt(method)} (expected one of ${known.join(", ")})`,
  caseField: (field: string, expected: string) => `${field} must be ${expected}`,
  casesUnreadable: (file: string, why: string) => `cannot read cases file ${file}: ${why}`,
  casesNotJson: (file: string, why: string) => `cases file ${file} is not valid JSON: ${why}`,
  missingCasesFlag: () => "missing --cases FILE (see --help)",
} as const;
