/**
 * The batch calculator behind `pipelines/stats.ts`: takes cases shaped like
 * `../shared/reference/phe-methods.cases.json` and returns results shaped like
 * `phe-methods.expected.json`, so the two can be compared field by field.
 *
 * Code path: `runCases(json)` checks the envelope, then for each case `runCase` looks up the
 * case's `method` in `handlers`; a handler reads the case's fields (PHEindicatormethods argument
 * names: x, n, x_ref, refvalue, rate_type, ...), calls the public function of this package, and
 * maps the result to the reference's slots (`value`, `lower95`, `upper95`, `lower99_8`,
 * `upper99_8`) and `rows` (PHE's output columns; per-area methods keep input order). A
 * `StatsInputError` becomes `ok: false` with its message; any other error is a bug and is thrown.
 *
 * A case with a single `confidence` (e.g. 0.99) gets its limits in the `lower95` / `upper95`
 * slots and rows with `lowercl` / `uppercl`, as the reference does.
 */
import { crudeRateInterval } from "./crude-rate.ts";
import { directlyStandardisedRateInterval, dsrTotals } from "./directly-standardised-rate.ts";
import { ESP2013 } from "./esp2013.ts";
import type { Interval } from "./estimate.ts";
import { funnelLimits, type FunnelLimitRow } from "./funnel-limits.ts";
import { funnelSignificance } from "./funnel-significance.ts";
import {
  indirectlyStandardisedRateInterval, indirectlyStandardisedRatioInterval, observedExpected, referenceRate,
} from "./indirect-standardisation.ts";
import { lifeExpectancy } from "./life-expectancy.ts";
import { describe, meanInterval } from "./mean.ts";
import { StatsInputError, statsMessages as m } from "./messages.ts";
import { proportionInterval } from "./proportion.ts";
import { quantiles } from "./quantiles.ts";
import { slopeIndexOfInequality } from "./slope-index-of-inequality.ts";
import * as check from "./validate.ts";

/** One case: an id, a method and the method's inputs. */
export type Case = { id: string; method: string } & Record<string, unknown>;
/** One output row: PHE's column names. */
export type Row = Record<string, number | string | null>;

/** One result, shaped like an entry of `phe-methods.expected.json`'s `results`. */
export interface CaseResult {
  id: string;
  method: string;
  ok: boolean;
  value?: number | null;
  lower95?: number | null;
  upper95?: number | null;
  lower99_8?: number | null;
  upper99_8?: number | null;
  rows?: Row[] | null;
  error?: string;
  note?: string;
  warnings: string[];
}

type Output = Omit<CaseResult, "id" | "method" | "ok" | "warnings"> & { warnings?: string[] };
type Handler = (c: Case) => Output;

// ---------------------------------------------------------------------------------------------
// helpers

/** The levels a case asks for: both Fingertips levels unless `confidence` names one. */
function levelsOf(c: Case): number[] {
  const conf = c.confidence;
  if (conf === undefined) return [0.95, 0.998];
  if (Array.isArray(conf)) {
    const l = conf.map((v) => check.confidence(v));
    if (l.length === 2 && l[0] === 0.95 && l[1] === 0.998) return l;
    if (l.length === 1) return l;
    throw new StatsInputError(m.caseField("confidence", "one level, or [0.95, 0.998]"));
  }
  return [check.confidence(conf)];
}

const pct = (level: number) => `${Number((level * 100).toPrecision(12))}%`;
const confidenceLabel = (levels: number[]) => levels.map(pct).join(", ");
const slotName = (level: number) => `${Number((level * 100).toPrecision(12))}`.replace(".", "_");

/** Top-level slots and PHE's limit columns for one or two intervals of the same value. */
function slots(intervals: Interval[]): { top: Output; cols: Row } {
  const [a, b] = intervals;
  if (intervals.length === 1) {
    return {
      top: { value: a.value, lower95: a.lower, upper95: a.upper },
      cols: { value: a.value, lowercl: a.lower, uppercl: a.upper },
    };
  }
  return {
    top: { value: a.value, lower95: a.lower, upper95: a.upper, lower99_8: b.lower, upper99_8: b.upper },
    cols: {
      value: a.value,
      [`lower${slotName(a.level)}_0cl`]: a.lower,
      [`upper${slotName(a.level)}_0cl`]: a.upper,
      [`lower${slotName(b.level)}cl`]: b.lower,
      [`upper${slotName(b.level)}cl`]: b.upper,
    },
  };
}

function num(c: Case, field: string, fallback?: number): number {
  const v = c[field];
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new StatsInputError(m.required(field, `method ${c.method}`));
  }
  return check.finite(v, field);
}

function arr(c: Case, field: string): number[] {
  const v = c[field];
  if (v === undefined) throw new StatsInputError(m.required(field, `method ${c.method}`));
  return check.numbers(v, field);
}

function optArr(c: Case, field: string): number[] | undefined {
  return c[field] === undefined ? undefined : arr(c, field);
}

function str<T extends string>(c: Case, field: string, options: readonly T[]): T | undefined {
  return c[field] === undefined ? undefined : check.oneOf(c[field], field, options);
}

/** `format(x, scientific = FALSE)` for the statistic labels. */
const plain = (x: number) => (Number.isInteger(x) ? x.toFixed(0) : String(x));

// ---------------------------------------------------------------------------------------------
// the methods

const handlers: Record<string, Handler> = {
  proportion(c) {
    const levels = levelsOf(c);
    const mult = num(c, "multiplier", 1);
    const iv = levels.map((l) => proportionInterval(c.x as number, c.n as number, l, { multiplier: mult }));
    const s = slots(iv);
    const statistic = mult === 100 ? "percentage" : `proportion of ${plain(mult)}`;
    return { ...s.top, rows: [{ x: c.x as number, n: c.n as number, ...s.cols, confidence: confidenceLabel(levels), statistic, method: "Wilson" }] };
  },

  rate(c) {
    const levels = levelsOf(c);
    const mult = num(c, "multiplier", 100000);
    const iv = levels.map((l) => crudeRateInterval(c.x as number, c.n as number, l, { multiplier: mult }));
    const s = slots(iv);
    return {
      ...s.top,
      rows: [{ x: c.x as number, n: c.n as number, ...s.cols, confidence: confidenceLabel(levels), statistic: `rate per ${plain(mult)}`, method: iv[0].method }],
    };
  },

  mean(c) {
    const levels = levelsOf(c);
    const values = arr(c, "values");
    const iv = levels.map((l) => meanInterval(values, l));
    const d = describe(values);
    const s = slots(iv);
    return {
      ...s.top,
      rows: [{ value_sum: d.sum, value_count: d.count, stdev: d.sd, ...s.cols, confidence: confidenceLabel(levels), statistic: "mean", method: "Student's t-distribution" }],
    };
  },

  dsr(c) {
    const levels = levelsOf(c);
    const mult = num(c, "multiplier", 100000);
    const sp = c.stdpop;
    let stdpop: readonly number[];
    if (sp === undefined || (typeof sp === "string" && sp.toLowerCase() === "esp2013")) stdpop = ESP2013;
    else if (Array.isArray(sp)) stdpop = arr(c, "stdpop");
    else throw new StatsInputError(m.caseField("stdpop", '"esp2013" or an array of numbers'));
    const x = arr(c, "x");
    const n = arr(c, "n");
    const iv = levels.map((l) => directlyStandardisedRateInterval(x, n, l, { stdpop, multiplier: mult }));
    const t = dsrTotals(x, n);
    const s = slots(iv);
    const statistic = iv[0].value === null ? "dsr NA for total count < 10" : `dsr per ${plain(mult)}`;
    const out: Output = {
      ...s.top,
      rows: [{ total_count: t.totalCount, total_pop: t.totalPop, ...s.cols, confidence: confidenceLabel(levels), statistic, method: "Dobson" }],
    };
    if (iv[0].note) out.note = iv[0].note;
    return out;
  },

  isratio(c) {
    const levels = levelsOf(c);
    const refvalue = num(c, "refvalue", 1);
    const x = c.x as number | number[];
    const [n, xr, nr] = [arr(c, "n"), arr(c, "x_ref"), arr(c, "n_ref")];
    const iv = levels.map((l) => indirectlyStandardisedRatioInterval(x, n, xr, nr, l, { refValue: refvalue }));
    const oe = observedExpected(x, n, xr, nr);
    const s = slots(iv);
    return {
      ...s.top,
      rows: [{
        observed: oe.observed, expected: oe.expected, ...s.cols, confidence: confidenceLabel(levels),
        statistic: `indirectly standardised ratio x ${plain(refvalue)}`, method: iv[0].method,
      }],
    };
  },

  israte(c) {
    const levels = levelsOf(c);
    const mult = num(c, "multiplier", 100000);
    const x = c.x as number | number[];
    const [n, xr, nr] = [arr(c, "n"), arr(c, "x_ref"), arr(c, "n_ref")];
    const iv = levels.map((l) => indirectlyStandardisedRateInterval(x, n, xr, nr, l, { multiplier: mult }));
    const oe = observedExpected(x, n, xr, nr);
    const s = slots(iv);
    return {
      ...s.top,
      rows: [{
        observed: oe.observed, expected: oe.expected, ref_rate: referenceRate(xr, nr, mult), ...s.cols,
        confidence: confidenceLabel(levels), statistic: `indirectly standardised rate per ${plain(mult)}`, method: iv[0].method,
      }],
    };
  },

  life_expectancy(c) {
    const levels = levelsOf(c);
    if (levels.length !== 2) throw new StatsInputError(m.caseField("confidence", "[0.95, 0.998] (or absent) for life expectancy"));
    const leAge = c.le_age === undefined ? undefined : arr(c, "le_age");
    const rows = lifeExpectancy(arr(c, "deaths"), arr(c, "population"), { leAge });
    return {
      rows: rows.map((r) => ({
        startage: r.startAge, value: r.value,
        lower95_0cl: r.lower95, lower99_8cl: r.lower998, upper95_0cl: r.upper95, upper99_8cl: r.upper998,
        pops_used: r.popsUsed, dths_used: r.deathsUsed, confidence: confidenceLabel(levels),
        statistic: `life expectancy at ${r.startAge}`, method: r.method,
      })),
    };
  },

  funnel_significance(c) {
    const statistic = str(c, "statistic", ["proportion", "ratio", "rate"] as const);
    if (statistic === undefined) throw new StatsInputError(m.required("statistic", "funnel significance"));
    const numerator = arr(c, "numerator");
    const denominator = optArr(c, "denominator");
    const rate = optArr(c, "rate");
    const sig = funnelSignificance({
      statistic, numerator, denominator, rate,
      rateType: str(c, "rate_type", ["dsr", "crude"] as const),
      multiplier: c.multiplier === undefined ? undefined : num(c, "multiplier"),
    });
    return {
      rows: sig.map((s, i) => {
        const row: Row = { num: numerator[i], den: denominator![i] };
        if (rate !== undefined) row.rate = rate[i];
        row.significance = s;
        return row;
      }),
    };
  },

  funnel_limits(c) {
    const statistic = str(c, "statistic", ["proportion", "ratio", "rate"] as const);
    if (statistic === undefined) throw new StatsInputError(m.required("statistic", "funnel limits"));
    const f = funnelLimits({
      statistic,
      numerator: arr(c, "numerator"),
      denominator: optArr(c, "denominator"),
      rate: optArr(c, "rate"),
      multiplier: num(c, "multiplier"),
      ratioType: str(c, "ratio_type", ["count", "isr"] as const),
      rateType: str(c, "rate_type", ["dsr", "crude"] as const),
      yearsOfData: c.years_of_data === undefined ? undefined : num(c, "years_of_data"),
    });
    const meta = { statistic: f.label, method: f.method };
    const row = (r: FunnelLimitRow): Row => {
      if (statistic === "proportion") {
        return { Population: r.point, lower_2s_limit: r.lower95, upper_2s_limit: r.upper95, lower_3s_limit: r.lower998, upper_3s_limit: r.upper998, baseline: r.baseline!, ...meta };
      }
      const [at, head] = statistic === "ratio" ? ["exp_events", "Observed_events"] : ["population_1_year", "Events"];
      const out: Row = {
        [head]: r.point,
        [`lower_2s_${at}`]: r.lower95At!, lower_2s_limit: r.lower95,
        [`upper_2s_${at}`]: r.upper95At!, upper_2s_limit: r.upper95,
        [`lower_3s_${at}`]: r.lower998At!, lower_3s_limit: r.lower998,
        [`upper_3s_${at}`]: r.upper998At!, upper_3s_limit: r.upper998,
      };
      if (r.baseline !== undefined) out.baseline = r.baseline;
      return { ...out, ...meta };
    };
    return { rows: f.rows.map(row) };
  },

  quantile(c) {
    const values = c.values;
    if (!Array.isArray(values)) throw new StatsInputError(m.notArray("values"));
    const invert = c.invert === undefined ? true : c.invert;
    if (typeof invert !== "boolean") throw new StatsInputError(m.caseField("invert", "true or false"));
    const q = quantiles(values as (number | null)[], { nquantiles: c.nquantiles === undefined ? 10 : num(c, "nquantiles"), invert });
    return {
      rows: q.quantiles.map((qi, i) => ({
        area: i + 1, v: values[i] as number | null, quantile: qi, nquantiles: q.nquantiles, groupvars: "", qinverted: q.qinverted,
      })),
      warnings: q.warning ? [q.warning] : [],
    };
  },

  sii(c) {
    const levels = levelsOf(c);
    if (levels.length !== 2) throw new StatsInputError(m.caseField("confidence", "[0.95, 0.998] (or absent) for the SII"));
    const valueType = num(c, "value_type", 0);
    if (valueType !== 0 && valueType !== 1 && valueType !== 2) throw new StatsInputError(m.unknownOption("value_type", valueType, ["0", "1", "2"]));
    const multiplier = num(c, "multiplier", 1);
    const r = slopeIndexOfInequality(
      {
        quantile: arr(c, "quantile"), population: arr(c, "population"), value: arr(c, "value"),
        se: optArr(c, "se"), lowerCl: optArr(c, "lower_cl"), upperCl: optArr(c, "upper_cl"),
      },
      { valueType, multiplier, repetitions: num(c, "repetitions", 100000), seed: num(c, "seed", 1) },
    );
    const row: Row = {
      sii: r.sii,
      sii_lower95_0cl: r.siiLower95, sii_upper95_0cl: r.siiUpper95,
      sii_lower99_8cl: r.siiLower998, sii_upper99_8cl: r.siiUpper998,
    };
    if (c.rii === true) {
      Object.assign(row, {
        rii: r.rii,
        rii_lower95_0cl: r.riiLower95, rii_upper95_0cl: r.riiUpper95,
        rii_lower99_8cl: r.riiLower998, rii_upper99_8cl: r.riiUpper998,
      });
    }
    Object.assign(row, {
      indicator_type: ["normal", "rate", "proportion"][valueType],
      multiplier,
      transform: ["none", "log", "logit"][valueType],
      CI_confidence: confidenceLabel(levels),
      CI_method: r.method,
    });
    return { rows: [row], note: "limits simulated with R's Mersenne-Twister generator and inversion normals: equal to R's for the same seed and repetitions" };
  },
};

/** The methods `runCases` understands. */
export const BATCH_METHODS: readonly string[] = Object.keys(handlers);

/** Run one case; a rejected input gives `ok: false` with the reason. */
export function runCase(c: Case): CaseResult {
  const head = { id: c.id, method: c.method };
  const handler = Object.hasOwn(handlers, c.method) ? handlers[c.method] : undefined;
  try {
    if (!handler) throw new StatsInputError(m.unknownMethod(c.method, BATCH_METHODS));
    const { warnings, ...out } = handler(c);
    return { ...head, ok: true, ...out, warnings: warnings ?? [] };
  } catch (e) {
    if (e instanceof StatsInputError) return { ...head, ok: false, error: e.message, rows: null, warnings: [] };
    throw e;
  }
}

/**
 * Run every case of `{ cases: [...] }` (parsed JSON) and return `{ results }` in the same order,
 * shaped like `phe-methods.expected.json`. Throws `StatsInputError` when the envelope is wrong.
 */
export function runCases(json: unknown): { results: CaseResult[] } {
  if (typeof json !== "object" || json === null || !Array.isArray((json as { cases?: unknown }).cases)) {
    throw new StatsInputError(m.casesNotObject());
  }
  const cases = (json as { cases: unknown[] }).cases;
  return {
    results: cases.map((c, i) => {
      if (typeof c !== "object" || c === null || typeof (c as Case).method !== "string") throw new StatsInputError(m.caseNotObject(i));
      const id = (c as Case).id;
      return runCase({ ...(c as Case), id: typeof id === "string" ? id : String(id ?? i + 1) });
    }),
  };
}

