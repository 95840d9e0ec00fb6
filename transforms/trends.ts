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
import { recentTrend, type TrendKind } from "./stats/index.ts";

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
  const breaks = (await db.hasTable("marts.series_breaks"))
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
  // One indicator at a time: a national build's trended values (half a million rows) held in JS
  // at once made the compare stage the build's peak of memory.
  const ids = await db.all<{ id: string }>(`SELECT DISTINCT indicator_id AS id FROM marts.indicator_values WHERE ${types} ORDER BY 1`);
  for (const { id } of ids) {
    const ind = byId.get(id);
    if (!ind) continue;
    // Only the five most recent points of a series are tested: the others stay in the warehouse
    // (five years of quarters are twenty a series), with the series' first period for the breaks.
    const values = await db.all<TrendPoint>(
      `SELECT indicator_id, area_code, breakdown, period_type, period_label, period_start, numerator, denominator, value, lower95, upper95, is_suppressed,
              min(period_start) OVER series AS series_start
       FROM marts.indicator_values v WHERE indicator_id = $i AND ${types} ${same ? `AND ${key("v")} IN (SELECT k FROM _trend_groups)` : ""}
       WINDOW series AS (PARTITION BY area_code, breakdown, period_type)
       QUALIFY row_number() OVER (series ORDER BY period_start DESC) <= 5
       ORDER BY area_code, breakdown, period_type, period_start`, { i: id },
    );
    const rows = trendRows(ind, values, breaks);
    await db.insertRows("marts.indicator_trends", COLUMNS as string[], rows as unknown as Record<string, unknown>[]);
  }
  await db.run(`DROP TABLE IF EXISTS _trend_groups`);
  return Number((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM marts.indicator_trends`))!.n);
}

/** A value of the five most recent of its series, with the first period the series has. */
type TrendPoint = Pick<IndicatorValueRow, "indicator_id" | "area_code" | "breakdown" | "period_type" | "period_label" | "period_start" | "numerator" | "denominator" | "value" | "lower95" | "upper95" | "is_suppressed"> & { series_start: string };

/** The trend rows of one indicator's values (sorted by area, breakdown, period type and start): one per series. */
function trendRows(ind: Indicator, values: readonly TrendPoint[], breaks: readonly { id: string; at: string }[]): IndicatorTrendRow[] {
  const groups = new Map<string, TrendPoint[]>();
  for (const v of values) {
    const k = `${v.area_code}|${v.breakdown}|${v.period_type}`;
    const series = groups.get(k);
    if (series) series.push(v);
    else groups.set(k, [v]);
  }
  const kind = trendKind(ind);
  const rows: IndicatorTrendRow[] = [];
  for (const series of groups.values()) {
    // The latest break the series spans: its points before it are not comparable.
    const seriesStart = String(series[0]!.series_start).slice(0, 10);
    const since = breaks.filter((b) => b.id === ind.id).map((b) => b.at).filter((at) => seriesStart < at).sort().at(-1);
    const comparable = since ? series.filter((v) => String(v.period_start).slice(0, 10) >= since) : series;
    const recent = comparable.slice(-5);
    const points = recent.map((v) => ({
      period: trendPeriodNumber(v.period_type, v.period_start),
      numerator: v.is_suppressed ? null : v.numerator,
      denominator: v.denominator,
      value: v.value,
      lower95: v.lower95,
      upper95: v.upper95,
    }));
    const t = ind.method === "weighted_mean" || ind.method === "estimate"
      ? { direction: "cannot be calculated" as const, note: "no interval: a census-style index or a published estimate without one is not trended" }
      : recentTrend(points, kind);
    // Notes name periods by their labels, not by their position numbers.
    if (t.note) for (const [i, p] of points.entries()) t.note = t.note.replaceAll(String(p.period), recent[i]!.period_label);
    if (since && t.note) t.note += ` (points since the definition change from ${recent[0]?.period_label ?? since} only)`;
    rows.push({
      indicator_id: ind.id, area_code: series[0]!.area_code, breakdown: series[0]!.breakdown, period_type: series[0]!.period_type,
      first_period: recent[0]?.period_label ?? null, last_period: recent.at(-1)?.period_label ?? null, points: recent.length,
      direction: t.direction, chi_squared: "chiSquared" in t ? (t.chiSquared ?? null) : null, slope: "slope" in t ? (t.slope ?? null) : null,
      method: kind === "proportion" ? "chi-squared test for trend (logit slope)" : "interval-weighted regression",
      note: t.note ?? null,
    });
  }
  return rows;
}
