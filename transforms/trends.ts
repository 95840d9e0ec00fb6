/**
 * Recent trends, the Fingertips way, over the five most recent points of each indicator for every
 * area: annual points (financial, academic and calendar years), and calendar quarters for series
 * of months, so that 15 to 24 months of data (five complete quarters or more) get a marker where
 * five years would be needed otherwise. Quarters, not rolling 12-month periods: overlapping
 * windows share eleven of their twelve months, and the test assumes independent points.
 * Grain of `marts.indicator_trends`: one row per indicator, area, breakdown and period type
 * (`quarter` or an annual type).
 */
import { fileURLToPath } from "node:url";
import type { Context } from "../pipelines/core/context.ts";
import { clearChangedGroups, sameStateAsBefore, stageFingerprint } from "./stage-state.ts";
import type { Indicator } from "./indicators/define.ts";
import type { IndicatorTrendRow, IndicatorValueRow } from "./marts.ts";
import { literal } from "../pipelines/core/warehouse.ts";
import { recentTrend, statsMessages, TREND_POINTS, type TrendKind } from "./stats/index.ts";

const ANNUAL = ["financial_year", "academic_year", "calendar_year"];
/** Period types trended: the annual ones and quarters. */
export const TREND_PERIOD_TYPES = [...ANNUAL, "quarter"];

/** A period's position on a scale of consecutive integers: the year it starts, or year x 4 + quarter for quarters. */
export function trendPeriodNumber(periodType: string, periodStart: string): number {
  const year = Number(periodStart.slice(0, 4));
  return periodType === "quarter" ? year * 4 + Math.floor((Number(periodStart.slice(5, 7)) - 1) / 3) : year;
}
const COLUMNS: (keyof IndicatorTrendRow)[] = [
  "indicator_id", "area_code", "breakdown", "period_type", "first_period", "last_period", "points", "direction", "chi_squared", "slope", "method", "note",
];

/** The trend test for an indicator's method. */
export function trendKind(ind: Indicator): TrendKind {
  return ind.method === "proportion" ? "proportion" : ind.method === "rate" ? "rate" : "other";
}

/**
 * Compute `marts.indicator_trends`. Returns the rows in the table. With `prev` (a refresh: the
 * previous warehouse attached under that name, whose trends this warehouse copied), when the trend
 * code, the indicators' methods and the series breaks are those of the last run
 * (`audit.trend_state`), only the series of the indicator, breakdown and period type groups whose
 * values changed are computed again (a new month: its quarter and year); the others keep their rows.
 */
export async function computeTrends(ctx: Context, indicators: readonly Indicator[], prev?: string): Promise<number> {
  const { db } = ctx;
  // A trend never spans a definition break: only the points since the latest break count.
  const hasBreaks = await db.hasTable("marts.series_breaks");
  const breaks = hasBreaks
    ? await db.all<{ id: string; at: string }>(`SELECT indicator_id AS id, break_start::VARCHAR AS at FROM marts.series_breaks ORDER BY ALL`)
    : [];
  const state = stageFingerprint(fileURLToPath(import.meta.url), { methods: indicators.map((i) => [i.id, i.method]), breaks });
  const same = await sameStateAsBefore(db, "audit.trend_state", state, prev, ["marts.indicator_values", "marts.indicator_trends"]);
  const types = `period_type IN (${TREND_PERIOD_TYPES.map((t) => `'${t}'`).join(", ")})`;
  const key = (t: string) => `concat_ws(chr(31), ${t}.indicator_id, ${t}.breakdown, ${t}.period_type)`;
  if (same) {
    const trended = (x: string) => `(SELECT * FROM ${x} WHERE ${types})`;
    await clearChangedGroups(db, { temp: "_trend_groups", current: trended("marts.indicator_values"), previous: trended(`${prev}.marts.indicator_values`), key, target: "marts.indicator_trends" });
  } else {
    await db.run(`DELETE FROM marts.indicator_trends`);
  }
  const byId = new Map(indicators.map((i) => [i.id, i]));
  // The test's own words for a series of fewer than five points.
  const tooFew = `CASE p.points ${Array.from({ length: TREND_POINTS }, (_, n) => `WHEN ${n} THEN ${literal(statsMessages.trendTooFewPoints(n, TREND_POINTS))}`).join(" ")} END`;
  // One indicator at a time: a national build's trended values (half a million rows) held in JS
  // at once made the compare stage the build's peak of memory.
  // A refresh goes through only the indicators with a changed group (a new month: the crime ones).
  const ids = await db.all<{ id: string }>(`SELECT DISTINCT indicator_id AS id FROM marts.indicator_values v WHERE ${types}
    ${same ? `AND ${key("v")} IN (SELECT k FROM _trend_groups)` : ""} ORDER BY 1`);
  for (const { id } of ids) {
    const ind = byId.get(id);
    if (!ind) continue;
    // Each series' points since the latest definition break it spans, the five most recent of them
    // (the others stay in the warehouse: five years of quarters are twenty a series).
    await db.run(`CREATE OR REPLACE TEMP TABLE _trend_points AS
      WITH v AS (
        SELECT area_code, breakdown, period_type, period_label, period_start, numerator, denominator, value, lower95, upper95, is_suppressed,
               min(period_start) OVER (PARTITION BY area_code, breakdown, period_type) AS series_start
        FROM marts.indicator_values v WHERE indicator_id = $i AND ${types} ${same ? `AND ${key("v")} IN (SELECT k FROM _trend_groups)` : ""}),
      s AS (
        SELECT *, ${hasBreaks ? "(SELECT max(b.break_start) FROM marts.series_breaks b WHERE b.indicator_id = $i AND v.series_start < b.break_start)" : "NULL::DATE"} AS since
        FROM v),
      c AS (SELECT *, period_start >= coalesce(since, period_start) AS comparable FROM s)
      SELECT *, count(*) FILTER (WHERE comparable) OVER (PARTITION BY area_code, breakdown, period_type) AS points
      FROM c
      QUALIFY NOT comparable OR row_number() OVER (PARTITION BY area_code, breakdown, period_type, comparable ORDER BY period_start DESC) <= ${TREND_POINTS}`, { i: id });
    const untested = ind.method === "weighted_mean" || ind.method === "estimate";
    // What cannot be tested (too few points; a method without intervals) is written in SQL: a
    // national year of data is all such series, half a million values that need not go through JS.
    const note = untested ? literal(UNTESTED_NOTE) : tooFew;
    await db.run(`INSERT INTO marts.indicator_trends (${COLUMNS.join(", ")})
      SELECT $i, area_code, breakdown, period_type, first_period, last_period, points, 'cannot be calculated', NULL, NULL, $method,
             ${note} || CASE WHEN since IS NOT NULL THEN ' (points since the definition change from ' || coalesce(first_period, since::VARCHAR) || ' only)' ELSE '' END
      FROM (SELECT area_code, breakdown, period_type, any_value(since) AS since, least(min(points), ${TREND_POINTS})::INTEGER AS points,
                   arg_min(period_label, period_start) FILTER (WHERE comparable) AS first_period, arg_max(period_label, period_start) FILTER (WHERE comparable) AS last_period
            FROM _trend_points GROUP BY ALL) p
      WHERE ${untested ? "true" : `p.points < ${TREND_POINTS}`}
      ORDER BY area_code, breakdown, period_type`, { i: id, method: trendMethod(ind) });
    if (untested) continue;
    const values = await db.all<TrendPoint>(
      `SELECT area_code, breakdown, period_type, period_label, period_start, numerator, denominator, value, lower95, upper95, is_suppressed, since::VARCHAR AS since
       FROM _trend_points WHERE comparable AND points >= ${TREND_POINTS} ORDER BY area_code, breakdown, period_type, period_start`,
    );
    const rows = trendRows(ind, values);
    await db.insertRows("marts.indicator_trends", COLUMNS as string[], rows as unknown as Record<string, unknown>[]);
  }
  await db.run(`DROP TABLE IF EXISTS _trend_points`);
  await db.run(`DROP TABLE IF EXISTS _trend_groups`);
  return Number((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM marts.indicator_trends`))!.n);
}

/** A value among the five most recent comparable points of its series, with the definition break they follow (if any). */
type TrendPoint = Pick<IndicatorValueRow, "area_code" | "breakdown" | "period_type" | "period_label" | "period_start" | "numerator" | "denominator" | "value" | "lower95" | "upper95" | "is_suppressed"> & { since: string | null };

/** Why an index or a published estimate gets no trend. */
const UNTESTED_NOTE = "no interval: a census-style index or a published estimate without one is not trended";

const trendMethod = (ind: Indicator) => (trendKind(ind) === "proportion" ? "chi-squared test for trend (logit slope)" : "interval-weighted regression");

/** The trend rows of one indicator's series of five points (sorted by area, breakdown, period type and start): one per series. */
function trendRows(ind: Indicator, values: readonly TrendPoint[]): IndicatorTrendRow[] {
  const groups = new Map<string, TrendPoint[]>();
  for (const v of values) {
    const k = `${v.area_code}|${v.breakdown}|${v.period_type}`;
    const series = groups.get(k);
    if (series) series.push(v);
    else groups.set(k, [v]);
  }
  const kind = trendKind(ind);
  const rows: IndicatorTrendRow[] = [];
  for (const recent of groups.values()) {
    const since = recent[0]!.since;
    const points = recent.map((v) => ({
      period: trendPeriodNumber(v.period_type, v.period_start),
      numerator: v.is_suppressed ? null : v.numerator,
      denominator: v.denominator,
      value: v.value,
      lower95: v.lower95,
      upper95: v.upper95,
    }));
    const t = recentTrend(points, kind);
    // Notes name periods by their labels, not by their position numbers.
    if (t.note) for (const [i, p] of points.entries()) t.note = t.note.replaceAll(String(p.period), recent[i]!.period_label);
    if (since && t.note) t.note += ` (points since the definition change from ${recent[0]!.period_label} only)`;
    rows.push({
      indicator_id: ind.id, area_code: recent[0]!.area_code, breakdown: recent[0]!.breakdown, period_type: recent[0]!.period_type,
      first_period: recent[0]!.period_label, last_period: recent.at(-1)!.period_label, points: recent.length,
      direction: t.direction, chi_squared: "chiSquared" in t ? (t.chiSquared ?? null) : null, slope: "slope" in t ? (t.slope ?? null) : null,
      method: trendMethod(ind),
      note: t.note ?? null,
    });
  }
  return rows;
}
