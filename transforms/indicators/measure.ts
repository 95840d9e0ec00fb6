/**
 * Stage 3, measure: every indicator, every period type, every area the data supports ->
 * `marts.indicator_values` with value, 95% and 99.8% limits, and suppression.
 * Counts are aggregated in DuckDB (`compile.ts`). Rates and proportions then get their
 * statistics in the same SQL (`valueSql`, the closed forms of the stats module with its exact
 * Poisson limits below 10 as a table), so a national build's millions of cells never cross into
 * JS; medians, weighted means, survey estimates and any count the SQL does not take (see
 * `sqlCannotTake`) run through `valueRow` in JS. `valueSql` and `valueRow` agree to the bit
 * (property-tested).
 */
import type { Context } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { ident, literal } from "../../pipelines/core/warehouse.ts";
import { valueRowOf, withheldStats, type IndicatorValueRow, type ValueKey } from "../marts.ts";
import { crudeRate, directlyStandardisedRate, DSR_MIN_COUNT, ESP2013_BANDS, median, proportion, type Estimate } from "../stats/index.ts";
import { EXACT_BELOW, exactLower, exactUpper, zFor } from "../stats/poisson-limits.ts";
import { LEVEL_95, LEVEL_998 } from "../stats/estimate.ts";
import { compileIndicator, eventsCoveredSql, eventsMonthlySql, lsoaPopulationSql, populationTable, WORKING_AGE_TABLE } from "./compile.ts";
import type { Indicator } from "./define.ts";
import { monthsInPeriod } from "./periods.ts";
import { surveyAreasOf, surveyValues, type SurveyAreas } from "./survey-values.ts";
import { measureFingerprint, recordMeasureState, type MeasurePlan } from "./measure-scope.ts";

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
  /** The publisher's value and limits (`published` indicators). */
  value?: number | null;
  lower95?: number | null;
  upper95?: number | null;
  lower998?: number | null;
  upper998?: number | null;
}

/** Columns of `marts.indicator_values`, in order. */
export const VALUE_COLUMNS: (keyof IndicatorValueRow)[] = [
  "indicator_id", "area_code", "area_type", "period_type", "period_label", "period_start", "period_end", "breakdown",
  "numerator", "denominator", "value", "lower95", "upper95", "lower998", "upper998", "method", "is_suppressed", "suppression_reason",
];

/**
 * Turn one count row into a value row: statistics by the indicator's method, then primary
 * suppression (counts 1..minCount-1, and for proportions a complement that small; zero is shown).
 */
export function valueRow(ind: Indicator, periodType: string, r: CountRow): IndicatorValueRow {
  const base: ValueKey = {
    indicator_id: ind.id, area_code: r.area_code, area_type: r.area_type, period_type: periodType,
    period_label: r.period_label, period_start: r.period_start, period_end: r.period_end, breakdown: r.breakdown,
    numerator: r.numerator, denominator: r.denominator,
  };
  const withheld = (reason: string, numerator: number | null = null): IndicatorValueRow => valueRowOf(base, withheldStats(methodLabel(ind), reason, numerator));
  const { numerator: x, denominator: n } = r;
  if (ind.method === "published") return publishedRow(ind, base, r, withheld);
  if (x === null || n === null) return withheld(r.note ?? messages.noDenominator(), x);
  if (!(n > 0)) return withheld(messages.noDenominator(), x);
  const min = ind.suppress.minCount;
  if (ind.method !== "weighted_mean" && ind.method !== "estimate") {
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
    case "estimate":
      return valueRowOf(base, {
        value: (x / n) * ind.multiplier, lower95: null, upper95: null, lower998: null, upper998: null, method: methodLabel(ind), is_suppressed: false,
        suppression_reason: ind.method === "estimate" ? messages.noIntervalEstimate() : messages.noInterval(),
      });
    default:
      throw new Error(`indicator ${ind.id}: method ${ind.method} is not computed from counts`);
  }
  return valueRowOf(base, {
    value: est.value, lower95: est.lower95, upper95: est.upper95, lower998: est.lower998, upper998: est.upper998,
    method: est.method, is_suppressed: false, suppression_reason: r.note,
  });
}

/**
 * A published value kept as published (never recomputed: the publisher's method may be a DSR).
 * Withheld: a published count of 1 to minCount-1 (the same primary suppression as computed
 * values), and a blank value (the publisher's note says why).
 */
function publishedRow(ind: Indicator, base: ValueKey, r: CountRow, withheld: (reason: string, numerator?: number | null) => IndicatorValueRow): IndicatorValueRow {
  const min = ind.suppress.minCount;
  const x = r.numerator;
  if (x !== null && x >= 1 && x < min) return withheld(messages.suppressedSmallCount(min));
  const v = (k: "value" | "lower95" | "upper95" | "lower998" | "upper998") => num(r[k]);
  if (v("value") === null) return withheld(r.note ?? messages.publishedValueMissing(), x);
  return valueRowOf(base, {
    value: v("value"), lower95: v("lower95"), upper95: v("upper95"), lower998: v("lower998"), upper998: v("upper998"),
    method: methodLabel(ind), is_suppressed: false, suppression_reason: r.note,
  });
}

function methodLabel(ind: Indicator): string {
  if (ind.numerator.kind === "published") return ind.numerator.label;
  return {
    rate: "crude rate", proportion: "Wilson", survey_proportion: "survey logit", weighted_mean: "population-weighted mean", median: "median", published: "as published",
    estimate: "published or modelled estimate", dsr: DSR_METHOD,
  }[ind.method];
}

/** How a DSR is labelled in `marts.indicator_values.method`. */
export const DSR_METHOD = "directly standardised rate (ESP2013), Dobson limits";

/**
 * Directly standardised rates (method `dsr`) from count rows by ESP2013 age band (`breakdown`
 * = `0-4` ... `90+`), one value per area and period (breakdown `all`): the events and population
 * of every band, weighted by ESP2013, with Dobson limits (the PHE method, PHEindicatormethods
 * `calculate_dsr`). Withheld, with the reason: a band missing or with no population, a total
 * count of 1 to minCount-1 (primary suppression), and a total below 10 (PHE publishes no DSR
 * on fewer than 10 events). Rows of other breakdowns are not bands: an error naming them.
 */
export function dsrRows(ind: Indicator, periodType: string, rows: readonly CountRow[]): IndicatorValueRow[] {
  const bandIndex = new Map(ESP2013_BANDS.map((b, i) => [b, i]));
  const groups = new Map<string, CountRow[]>();
  for (const r of rows) {
    if (!bandIndex.has(r.breakdown)) throw new Error(`indicator ${ind.id}: "${r.breakdown}" is not an ESP2013 age band (expected ${ESP2013_BANDS[0]}, ${ESP2013_BANDS[1]} ... ${ESP2013_BANDS.at(-1)})`);
    const key = `${r.area_code}\u0000${r.period_label}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const out: IndicatorValueRow[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const x = ESP2013_BANDS.map(() => 0);
    const n = ESP2013_BANDS.map(() => 0);
    const seen = new Set<number>();
    let unknown = false;
    for (const r of group) {
      const i = bandIndex.get(r.breakdown)!;
      seen.add(i);
      if (r.numerator === null || r.denominator === null) unknown = true;
      x[i]! += Number(r.numerator ?? 0);
      n[i]! += Number(r.denominator ?? 0);
    }
    const total = x.reduce((a, b) => a + b, 0);
    const base: ValueKey = {
      indicator_id: ind.id, area_code: first.area_code, area_type: first.area_type, period_type: periodType, period_label: first.period_label,
      period_start: first.period_start, period_end: first.period_end, breakdown: "all", numerator: total, denominator: n.reduce((a, b) => a + b, 0),
    };
    const withheld = (reason: string, numerator: number | null = null): IndicatorValueRow => valueRowOf(base, withheldStats(DSR_METHOD, reason, numerator));
    const missing = ESP2013_BANDS.filter((_, i) => !seen.has(i) || !(n[i]! > 0));
    const note = group.find((r) => r.note)?.note ?? null;
    if (unknown) out.push(withheld(note ?? messages.noDenominator()));
    else if (missing.length) out.push(withheld(messages.dsrBandsMissing(missing), total));
    else if (total >= 1 && total < ind.suppress.minCount) out.push(withheld(messages.suppressedSmallCount(ind.suppress.minCount)));
    else if (total < DSR_MIN_COUNT) out.push(withheld(messages.dsrTooFew(total, DSR_MIN_COUNT), total));
    else {
      const est = directlyStandardisedRate(x, n, { multiplier: ind.multiplier });
      out.push(valueRowOf(base, { value: est.value, lower95: est.lower95, upper95: est.upper95, lower998: est.lower998, upper998: est.upper998, method: DSR_METHOD, is_suppressed: false, suppression_reason: note }));
    }
  }
  return out;
}

/** A JS double as an exact DuckDB DOUBLE (a decimal literal would parse as DECIMAL and round differently). */
const dbl = (v: number) => `CAST('${String(v)}' AS DOUBLE)`;

/** Does `valueSql` compute this indicator (rates and proportions from compiled counts)? */
export const computedInSql = (ind: Indicator) =>
  (ind.method === "rate" || ind.method === "proportion") && ind.numerator.kind !== "survey" && ind.numerator.kind !== "survey_choice";

/**
 * SQL: true for a count row of `src` that `valueRow` would refuse (the stats module throws) or
 * that the SQL does not cover (a fractional count below 10 for an exact Poisson limit). Any such
 * row sends the indicator's period type through `valueRow`, so its error reaches the user as before.
 */
export function sqlCannotTake(ind: Indicator, src: string): string {
  const x = "numerator", n = "denominator";
  const live = `${x} IS NOT NULL AND ${n} IS NOT NULL AND ${n} > 0`;
  const fractional = ind.method === "rate" ? ` OR (${x} < ${EXACT_BELOW} AND ${x} <> floor(${x}))` : ` OR ${x} > ${n}`;
  return `SELECT 1 FROM ${src} WHERE (${live}) AND (${x} < 0 OR isinf(${x}) OR isnan(${x}) OR isinf(${n}) OR isnan(${n})${fractional}) LIMIT 1`;
}

/**
 * SQL computing `valueRow` for every count row of `src` (the columns of `CountRow`), for rates
 * and proportions: the same cases in the same order (no denominator; small count; small
 * complement; statistics) and the same arithmetic, so each value is the same double.
 */
export function valueSql(ind: Indicator, periodType: string, src: string): string {
  const x = "c.numerator", n = "c.denominator";
  const min = ind.suppress.minCount;
  const mult = dbl(ind.multiplier);
  const cases: [string, string][] = [
    [`${x} IS NULL OR ${n} IS NULL`, `coalesce(c.note, ${literal(messages.noDenominator())})`],
    [`NOT (${n} > 0)`, literal(messages.noDenominator())],
    [`${x} >= 1 AND ${x} < ${min}`, literal(messages.suppressedSmallCount(min))],
  ];
  if (ind.method === "proportion" && ind.domain !== "deprivation") {
    cases.push([`${n} - ${x} >= 1 AND ${n} - ${x} < ${min}`, literal(messages.suppressedSmallComplement(min))]);
  }
  // Which case a row falls in (0-based), or NULL when it gets statistics.
  const which = `CASE ${cases.map(([when], i) => `WHEN ${when} THEN ${i}`).join(" ")} END`;
  const reasonOf = `CASE w ${cases.map(([, reason], i) => `WHEN ${i} THEN ${reason}`).join(" ")} ELSE c.note END`;
  // The statistics, over rows that get them.
  let bases: [string, string][] = [];
  let stats: { value: string; l95: string; u95: string; l998: string; u998: string; method: string };
  if (ind.method === "rate") {
    const exact = Array.from({ length: EXACT_BELOW }, (_, k) =>
      `(${k}, ${[exactLower(k, LEVEL_95), exactUpper(k, LEVEL_95), exactLower(k, LEVEL_998), exactUpper(k, LEVEL_998)].map(dbl).join(", ")})`);
    // Byar's cube bases per row (inner layer), cubed as t * t * t as `byarsLower` / `byarsUpper` do.
    const base = (z: number, lower: boolean) => lower
      ? `1 - 1 / (9 * ${x}) - ${dbl(z)} / (3 * sqrt(${x}))`
      : `1 - 1 / (9 * (${x} + 1)) + ${dbl(z)} / (3 * sqrt(${x} + 1))`;
    bases = [["tl95", base(zFor(LEVEL_95), true)], ["tu95", base(zFor(LEVEL_95), false)], ["tl998", base(zFor(LEVEL_998), true)], ["tu998", base(zFor(LEVEL_998), false)]];
    const byarsLower = (t: string) => `(${x} * (c.${t} * c.${t} * c.${t}))`;
    const low = (t: string, e: string) =>
      `CASE WHEN ${x} < ${EXACT_BELOW} THEN (c.${e} / ${n}) * ${mult} ELSE (CASE WHEN ${byarsLower(t)} < 0 OR isnan(${byarsLower(t)}) THEN NULL ELSE ${byarsLower(t)} END / ${n}) * ${mult} END`;
    const up = (t: string, e: string) => `CASE WHEN ${x} < ${EXACT_BELOW} THEN (c.${e} / ${n}) * ${mult} ELSE (((${x} + 1) * (c.${t} * c.${t} * c.${t})) / ${n}) * ${mult} END`;
    stats = {
      value: `(${x} / ${n}) * ${mult}`, l95: low("tl95", "l95"), u95: up("tu95", "u95"), l998: low("tl998", "l998"), u998: up("tu998", "u998"),
      method: `CASE WHEN ${x} < ${EXACT_BELOW} THEN 'Exact' ELSE 'Byars' END`,
    };
    src = `${src} c LEFT JOIN (VALUES ${exact.join(", ")}) e(k, l95, u95, l998, u998) ON ${x} < ${EXACT_BELOW} AND e.k = ${x}`;
  } else {
    const wilson = (level: number) => {
      const z = zFor(level);
      const root = `(${dbl(z)} * sqrt(${dbl(z * z)} + 4 * ${x} * (1 - ${x} / ${n})))`;
      return {
        lower: `(CASE WHEN ${x} = 0 THEN 0 ELSE greatest(0, (2 * ${x} + ${dbl(z * z)} - ${root}) / 2 / (${n} + ${dbl(z * z)})) END * ${mult})`,
        upper: `(CASE WHEN ${x} = ${n} THEN 1 ELSE least(1, (2 * ${x} + ${dbl(z * z)} + ${root}) / 2 / (${n} + ${dbl(z * z)})) END * ${mult})`,
      };
    };
    const [w95, w998] = [wilson(LEVEL_95), wilson(LEVEL_998)];
    stats = { value: `(${x} / ${n}) * ${mult}`, l95: w95.lower, u95: w95.upper, l998: w998.lower, u998: w998.upper, method: `'Wilson'` };
    src = `${src} c`;
  }
  const ifStats = (e: string) => `CASE WHEN w IS NULL THEN ${e} END`;
  return `SELECT ${literal(ind.id)} AS indicator_id, area_code, area_type, ${literal(periodType)} AS period_type, period_label,
      period_start, period_end, breakdown,
      CASE WHEN w IN (0, 1) OR w IS NULL THEN numerator END AS numerator, denominator,
      value, lower95, upper95, lower998, upper998,
      coalesce(method, ${literal(methodLabel(ind))}) AS method, w IS NOT NULL AS is_suppressed, reason AS suppression_reason
    FROM (
      SELECT c.*, w, ${ifStats(stats.value)} AS value, ${ifStats(stats.l95)} AS lower95, ${ifStats(stats.u95)} AS upper95,
             ${ifStats(stats.l998)} AS lower998, ${ifStats(stats.u998)} AS upper998, ${ifStats(stats.method)} AS method, ${reasonOf} AS reason
      FROM (SELECT c.*, ${which} AS w${ind.method === "rate" ? ", e.*" : ""}${bases.map(([name, sql]) => `, ${sql} AS ${name}`).join("")} FROM ${src}) c
    )`;
}

/** The first day of the month `months` after (or before) the month of an ISO date. */
function shiftMonths(iso: string, months: number): string {
  const d = new Date(`${iso.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/**
 * Compute and store every indicator's values; returns the values each indicator has. With a
 * `plan` (a refresh, see `measure-scope.ts`), kept indicators keep their values, and an
 * indicator planned for some periods has only the periods overlapping them deleted and computed
 * again. Records the fingerprint the values were measured with either way.
 */
export async function measureIndicators(ctx: Context, indicators: readonly Indicator[], plan?: Map<string, MeasurePlan> | null): Promise<Map<string, number>> {
  const { db } = ctx;
  if (!plan) await db.run(`DELETE FROM marts.indicator_values`);
  const measured = new Set<string>();
  // Population by LSOA and year, made once per age range and shared by the indicators using it.
  const populations = new Map<string, string>();
  const lsoaPopulation = async (ind: Indicator): Promise<string | undefined> => {
    if (!("population" in ind.denominator) || ind.numerator.kind !== "events") return undefined;
    const sql = lsoaPopulationSql(ind);
    if (!populations.has(sql)) {
      const table = `_measure_population_${populations.size}`;
      await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${sql}`);
      populations.set(sql, table);
    }
    return populations.get(sql);
  };
  // Events indicators: the months each source covers, made once per source; each indicator's
  // counts by unit and month made once and read by all its period types (a national year is six
  // million crimes: each period type counted them again). A refresh counts only the months its
  // periods can reach (the longest period type's span either side of the months it touches).
  const covered = new Map<string, string>();
  const eventsTables = async (ind: Indicator, touching: { from: string; to: string } | undefined) => {
    const n = ind.numerator;
    if (n.kind !== "events") return undefined;
    const sql = eventsCoveredSql(n);
    if (!covered.has(sql)) {
      const table = `_measure_covered_${covered.size}`;
      await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${sql}`);
      covered.set(sql, table);
    }
    const spans = ind.periods.map(monthsInPeriod);
    const span = spans.some((m) => m === null) ? null : Math.max(...(spans as number[]));
    const range = touching && span !== null ? { since: shiftMonths(touching.from, -span), until: shiftMonths(touching.to, span + 1) } : undefined;
    await db.run(`CREATE OR REPLACE TEMP TABLE _measure_monthly AS ${eventsMonthlySql(n, range)}`);
    return { monthly: "_measure_monthly", covered: covered.get(sql)! };
  };
  // Fallbacks after the others: one is measured only when the indicator it stands in for has no value.
  const ordered = [...indicators.filter((ind) => ind.fallbackFor === null), ...indicators.filter((ind) => ind.fallbackFor !== null)];
  // Indicators whose source is staged but whose population is not: said once per domain, never dropped silently.
  const noPopulation = new Map<string, Indicator[]>();
  // The areas and wards the survey estimates are made over, read at the first survey indicator.
  let surveyAreas: Promise<SurveyAreas> | undefined;
  for (const [i, ind] of ordered.entries()) {
    ctx.log.progress("measuring indicators", i, indicators.length);
    const available = await sourceAvailable(ctx, ind);
    if (available === "no population") noPopulation.set(ind.domain, [...(noPopulation.get(ind.domain) ?? []), ind]);
    if (ind.fallbackFor !== null && (await hasValues(ctx, ind.fallbackFor))) {
      await db.run(`DELETE FROM marts.indicator_values WHERE indicator_id = $i`, { i: ind.id });
      continue;
    }
    const p: MeasurePlan = plan?.get(ind.id) ?? { kind: "all", why: "no plan" };
    if (p.kind === "keep") continue;
    const touching = p.kind === "periods" ? { from: p.from, to: p.to } : undefined;
    if (plan) {
      await db.run(`DELETE FROM marts.indicator_values WHERE indicator_id = $i
        ${touching ? `AND period_end >= DATE ${literal(touching.from)} AND period_start <= DATE ${literal(touching.to)}` : ""}`, { i: ind.id });
    }
    if (available !== "yes") continue;
    measured.add(ind.id);
    const n = ind.numerator;
    const noMissingTable = n.kind === "events" && n.missing ? !(await db.hasTable(n.missing)) : undefined;
    const options = { parent: ctx.config.parent, touching, lsoaPopulation: await lsoaPopulation(ind), noMissingTable, events: await eventsTables(ind, touching) };
    // One period type at a time, written as it is done: a national build's monthly series of
    // every ward would not fit in memory all at once.
    for (const periodType of ind.periods) {
      const compiled = () => compileIndicator(ind, periodType, options);
      let rows: IndicatorValueRow[];
      if (ind.numerator.kind === "survey" || ind.numerator.kind === "survey_choice") {
        rows = await surveyValues(ctx, ind, periodType, (surveyAreas ??= surveyAreasOf(ctx)));
      } else if (ind.method === "dsr") {
        rows = dsrRows(ind, periodType, await db.all<CountRow>(compiled()));
      } else if (computedInSql(ind)) {
        // Counts into a temporary table; statistics in SQL unless a row needs the JS path.
        await db.run(`CREATE OR REPLACE TEMP TABLE _measure_counts AS ${compiled()}`);
        if (!(await db.one(sqlCannotTake(ind, "_measure_counts")))) {
          await db.run(`INSERT INTO marts.indicator_values (${VALUE_COLUMNS.map(ident).join(", ")}) ${valueSql(ind, periodType, "_measure_counts")}`);
          continue;
        }
        rows = await jsValues(ctx, ind, periodType, `SELECT * FROM _measure_counts`);
      } else {
        rows = await jsValues(ctx, ind, periodType, compiled());
      }
      await db.insertRows("marts.indicator_values", VALUE_COLUMNS as string[], rows as unknown as Record<string, unknown>[]);
    }
  }
  for (const [domain, all] of noPopulation) {
    // A fallback stands in for an indicator also listed: one indicator to the reader.
    const inds = all.filter((x) => x.fallbackFor === null || !all.some((y) => y.id === x.fallbackFor));
    // Working-age residents only, missing beside a population of all ages (IoD File 6 bands without its working-age column).
    const workingAge = inds.every((x) => populationTable(x) === WORKING_AGE_TABLE) && (await db.hasTable("staging.population_lsoa"));
    await db.recordWarning("measure", "no_population", domain, messages.indicatorsNeedPopulation(domain, inds.map((x) => x.short), workingAge));
  }
  await db.run(`DROP TABLE IF EXISTS _measure_counts; DROP TABLE IF EXISTS _measure_monthly`);
  for (const table of covered.values()) await db.run(`DROP TABLE IF EXISTS ${table}`);
  await withholdNonFinite(ctx);
  for (const table of populations.values()) await db.run(`DROP TABLE IF EXISTS ${table}`);
  await recordMeasureState(ctx, measureFingerprint(ctx, indicators));
  ctx.log.progress("measuring indicators", indicators.length, indicators.length);
  const counts = await db.all<{ id: string; n: number }>(`SELECT indicator_id AS id, count(*)::INTEGER AS n FROM marts.indicator_values GROUP BY 1`);
  const byId = new Map(counts.map((c) => [c.id, Number(c.n)]));
  await recordIndicators(db, indicators, byId);
  // Kept indicators count when they have values (they were measured before).
  const keptWithValues = (id: string) => plan?.get(id)?.kind === "keep" && byId.has(id);
  return new Map(indicators.filter((ind) => measured.has(ind.id) || keptWithValues(ind.id)).map((ind) => [ind.id, byId.get(ind.id) ?? 0]));
}

/** The numeric columns of `marts.indicator_values`, none of which may hold NaN or infinity. */
const NUMERIC_VALUE_COLUMNS = ["numerator", "denominator", "value", "lower95", "upper95", "lower998", "upper998"] as const;

/**
 * Withhold every value whose figures are not finite (NaN or infinite, e.g. from extreme survey
 * weights) with a reason and one warning per indicator: NaN never reaches the marts, the CSV or
 * the workbook.
 */
export async function withholdNonFinite(ctx: Context): Promise<number> {
  const { db } = ctx;
  const bad = NUMERIC_VALUE_COLUMNS.map((c) => `NOT coalesce(isfinite(${ident(c)}::DOUBLE), true)`).join(" OR ");
  const found = await db.all<{ id: string; n: number }>(
    `SELECT indicator_id AS id, count(*)::INTEGER AS n FROM marts.indicator_values WHERE ${bad} GROUP BY 1 ORDER BY 1`,
  );
  if (!found.length) return 0;
  // counts keep their finite values; the value and its limits go
  const set = NUMERIC_VALUE_COLUMNS.map((c) =>
    c === "numerator" || c === "denominator" ? `${c} = CASE WHEN coalesce(isfinite(${c}::DOUBLE), true) THEN ${c} END` : `${c} = NULL`);
  await db.run(`UPDATE marts.indicator_values SET ${set.join(", ")}, is_suppressed = true, suppression_reason = $r WHERE ${bad}`, { r: messages.nonFiniteValue() });
  for (const f of found) await db.recordWarning("measure", "non_finite_value", f.id, messages.nonFiniteValues(f.id, f.n));
  return found.reduce((s, f) => s + f.n, 0);
}

/** Count rows of a query through `valueRow`. */
async function jsValues(ctx: Context, ind: Indicator, periodType: string, sql: string): Promise<IndicatorValueRow[]> {
  const counts = await ctx.db.all<CountRow>(sql);
  // The rows are this function's own: their counts are made numbers in place (a spread copy of each is slow: see `valueRowOf`).
  return counts.map((c) => {
    c.numerator = num(c.numerator);
    c.denominator = num(c.denominator);
    if (c.vals !== undefined) c.vals = Array.isArray(c.vals) ? c.vals.map(Number) : undefined;
    return valueRow(ind, periodType, c);
  });
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Has an indicator at least one value (not withheld) in `marts.indicator_values`? */
async function hasValues(ctx: Context, id: string): Promise<boolean> {
  return Boolean(await ctx.db.one(`SELECT 1 AS x FROM marts.indicator_values WHERE indicator_id = $i AND value IS NOT NULL LIMIT 1`, { i: id }));
}

/**
 * Can an indicator be measured in this build: "yes"; "no source" when the staged table it reads
 * is not in the build (its source is not configured); "no population" when that table is staged
 * but the residents it needs (a rate's denominator, the weights of an LSOA average) are not.
 */
async function sourceAvailable(ctx: Context, ind: Indicator): Promise<"yes" | "no source" | "no population"> {
  const n = ind.numerator;
  const table = n.kind === "survey" || n.kind === "survey_choice" ? "staging.survey_answers" : /(staging\.[a-z0-9_]+)/.exec(n.from)?.[1];
  if (!table) return "yes";
  if (!(await ctx.db.hasTable(table))) return "no source";
  if (!("population" in ind.denominator || n.kind === "lsoa_measure")) return "yes";
  return (await ctx.db.hasTable(populationTable(ind))) ? "yes" : "no population";
}

/**
 * `ref.indicators`: one row per indicator of the build, with what its values mean, so a notebook,
 * R or Power BI reading the warehouse or its Parquet copy can name and explain any `indicator_id`
 * (the catalogue's, Fingertips' and the local measures' alike) without this code.
 */
export async function recordIndicators(db: Context["db"], indicators: readonly Indicator[], valueRows: ReadonlyMap<string, number>): Promise<void> {
  const columns = { indicator_id: "VARCHAR", domain: "VARCHAR", title: "VARCHAR", short_title: "VARCHAR", unit: "VARCHAR", multiplier: "DOUBLE",
    method: "VARCHAR", polarity: "VARCHAR", period_types: "VARCHAR", definition: "VARCHAR", source: "VARCHAR", min_count: "INTEGER", min_base: "INTEGER",
    in_need_index: "BOOLEAN", repeats: "VARCHAR", stands_in_for: "VARCHAR", value_rows: "INTEGER" };
  await db.run(`CREATE OR REPLACE TABLE ref.indicators (${Object.entries(columns).map(([c, t]) => `${c} ${t}`).join(", ")})`);
  await db.insertRows("ref.indicators", Object.keys(columns), [...indicators].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((i) => ({
    indicator_id: i.id, domain: i.domain, title: i.title, short_title: i.short, unit: i.unit, multiplier: i.multiplier, method: i.method,
    polarity: i.polarity, period_types: i.periods.join(", "), definition: i.definition || null, source: i.source, min_count: i.suppress.minCount,
    min_base: i.suppress.minBase, in_need_index: i.needIndex, repeats: i.repeats, stands_in_for: i.fallbackFor, value_rows: valueRows.get(i.id) ?? 0,
  })));
}
