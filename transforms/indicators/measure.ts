/**
 * Stage 3, measure: every indicator, every period type, every area the data supports ->
 * `marts.indicator_values` with value, 95% and 99.8% limits, and suppression.
 * Counts are aggregated in DuckDB (`compile.ts`); statistics run in JS on the aggregated rows.
 */
import type { Context } from "../../pipelines/context.ts";
import { messages } from "../../pipelines/messages.ts";
import type { IndicatorValueRow } from "../marts.ts";
import { crudeRate, median, proportion, type Estimate } from "../stats/index.ts";
import { compileIndicator } from "./compile.ts";
import type { Indicator } from "./define.ts";
import { surveyValues } from "./survey-values.ts";

/** Count rows as compiled. */
export interface CountRow {
  area_code: string;
  area_type: string;
  period_label: string;
  period_start: string;
  period_end: string;
  breakdown: string;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
  /** Sorted values, for medians. */
  vals?: number[];
}

/** Columns of `marts.indicator_values`, in order. */
export const VALUE_COLUMNS: (keyof IndicatorValueRow)[] = [
  "indicator_id", "area_code", "area_type", "period_type", "period_label", "period_start", "period_end", "breakdown",
  "numerator", "denominator", "value", "lower95", "upper95", "lower998", "upper998", "method", "is_suppressed", "suppression_reason",
];

const EMPTY: Omit<Estimate, "method"> = { value: null, lower95: null, upper95: null, lower998: null, upper998: null };

/**
 * Turn one count row into a value row: statistics by the indicator's method, then primary
 * suppression (counts 1..minCount-1, and for proportions a complement that small; zero is shown).
 */
export function valueRow(ind: Indicator, periodType: string, r: CountRow): IndicatorValueRow {
  const base = {
    indicator_id: ind.id, area_code: r.area_code, area_type: r.area_type, period_type: periodType,
    period_label: r.period_label, period_start: r.period_start, period_end: r.period_end, breakdown: r.breakdown,
    numerator: r.numerator, denominator: r.denominator,
  };
  const withheld = (reason: string, method = methodLabel(ind)): IndicatorValueRow => ({
    ...base, numerator: null, ...EMPTY, method, is_suppressed: true, suppression_reason: reason,
  });
  const { numerator: x, denominator: n } = r;
  if (x === null || n === null) return { ...withheld(r.note ?? messages.noDenominator()), numerator: x };
  if (!(n > 0)) return { ...withheld(messages.noDenominator()), numerator: x };
  const min = ind.suppress.minCount;
  if (ind.method !== "weighted_mean") {
    if (x >= 1 && x < min) return withheld(messages.suppressedSmallCount(min));
    if (ind.method === "proportion" && n - x >= 1 && n - x < min && ind.domain !== "deprivation") return withheld(messages.suppressedSmallComplement(min));
  }
  let est: Estimate;
  switch (ind.method) {
    case "rate":
      est = crudeRate(x, n, { multiplier: ind.multiplier });
      break;
    case "proportion":
      est = proportion(x, n, { multiplier: ind.multiplier });
      break;
    case "median":
      est = median(r.vals ?? []);
      break;
    case "weighted_mean":
      return { ...base, value: (x / n) * ind.multiplier, lower95: null, upper95: null, lower998: null, upper998: null, method: "population-weighted mean", is_suppressed: false, suppression_reason: messages.noInterval() };
    default:
      throw new Error(`indicator ${ind.id}: method ${ind.method} is not computed from counts`);
  }
  return {
    ...base, value: est.value, lower95: est.lower95, upper95: est.upper95, lower998: est.lower998, upper998: est.upper998,
    method: est.method, is_suppressed: false, suppression_reason: r.note,
  };
}

function methodLabel(ind: Indicator): string {
  return { rate: "crude rate", proportion: "Wilson", survey_proportion: "survey logit", weighted_mean: "population-weighted mean", median: "median" }[ind.method];
}

/** Compute and store every indicator's values. Returns rows written per indicator. */
export async function measureIndicators(ctx: Context, indicators: readonly Indicator[]): Promise<Map<string, number>> {
  const { db } = ctx;
  await db.run(`DELETE FROM marts.indicator_values`);
  const written = new Map<string, number>();
  for (const [i, ind] of indicators.entries()) {
    ctx.log.progress("measuring indicators", i, indicators.length);
    if (!(await sourceAvailable(ctx, ind))) continue;
    // One period type at a time, written as it is done: a national build's monthly series of
    // every ward would not fit in memory all at once.
    let n = 0;
    for (const periodType of ind.periods) {
      let rows: IndicatorValueRow[];
      if (ind.numerator.kind === "survey" || ind.numerator.kind === "survey_choice") {
        rows = await surveyValues(ctx, ind, periodType);
      } else {
        const counts = await db.all<CountRow>(compileIndicator(ind, periodType, { parent: ctx.config.parent }));
        rows = counts.map((c) => {
          const vals = Array.isArray(c.vals) ? c.vals.map(Number) : undefined;
          return valueRow(ind, periodType, { ...c, numerator: num(c.numerator), denominator: num(c.denominator), vals });
        });
      }
      await db.insertRows("marts.indicator_values", VALUE_COLUMNS as string[], rows as unknown as Record<string, unknown>[]);
      n += rows.length;
    }
    written.set(ind.id, n);
  }
  ctx.log.progress("measuring indicators", indicators.length, indicators.length);
  return written;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Does the staged table an indicator reads exist in this build? */
async function sourceAvailable(ctx: Context, ind: Indicator): Promise<boolean> {
  const n = ind.numerator;
  const table = n.kind === "survey" || n.kind === "survey_choice" ? "staging.survey_answers" : /(staging\.[a-z0-9_]+)/.exec(n.from)?.[1];
  if (!table) return true;
  const [schema, name] = table.split(".");
  const found = await ctx.db.one(`SELECT 1 FROM information_schema.tables WHERE table_schema = $s AND table_name = $t`, { s: schema!, t: name! });
  if (!found) return false;
  if ("population" in ind.denominator || n.kind === "lsoa_measure") {
    return Boolean(await ctx.db.one(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'staging' AND table_name = 'population_lsoa'`));
  }
  return true;
}
