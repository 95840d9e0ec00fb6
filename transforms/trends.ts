/**
 * Recent trends, the Fingertips way, over the five most recent annual points of each indicator
 * for every area (financial, academic and calendar years only). Grain of `marts.indicator_trends`:
 * one row per indicator, area, breakdown and annual period type.
 */
import type { Context } from "../pipelines/core/context.ts";
import type { Indicator } from "./indicators/define.ts";
import type { IndicatorTrendRow, IndicatorValueRow } from "./marts.ts";
import { recentTrend, type TrendKind } from "./stats/index.ts";

const ANNUAL = ["financial_year", "academic_year", "calendar_year"];
const COLUMNS: (keyof IndicatorTrendRow)[] = [
  "indicator_id", "area_code", "breakdown", "period_type", "first_period", "last_period", "points", "direction", "chi_squared", "slope", "method", "note",
];

/** The trend test for an indicator's method. */
export function trendKind(ind: Indicator): TrendKind {
  return ind.method === "proportion" ? "proportion" : ind.method === "rate" ? "rate" : "other";
}

/** Compute `marts.indicator_trends`. Returns rows written. */
export async function computeTrends(ctx: Context, indicators: readonly Indicator[]): Promise<number> {
  const { db } = ctx;
  await db.run(`DELETE FROM marts.indicator_trends`);
  const values = await db.all<IndicatorValueRow>(
    `SELECT * FROM marts.indicator_values WHERE period_type IN (${ANNUAL.map((t) => `'${t}'`).join(", ")}) ORDER BY indicator_id, area_code, breakdown, period_type, period_start`,
  );
  const groups = new Map<string, IndicatorValueRow[]>();
  for (const v of values) {
    const k = `${v.indicator_id}|${v.area_code}|${v.breakdown}|${v.period_type}`;
    groups.set(k, [...(groups.get(k) ?? []), v]);
  }
  const byId = new Map(indicators.map((i) => [i.id, i]));
  const rows: IndicatorTrendRow[] = [];
  for (const series of groups.values()) {
    const ind = byId.get(series[0]!.indicator_id);
    if (!ind) continue;
    const kind = trendKind(ind);
    const recent = series.slice(-5);
    const points = recent.map((v) => ({
      period: Number(v.period_start.slice(0, 4)),
      numerator: v.is_suppressed ? null : v.numerator,
      denominator: v.denominator,
      value: v.value,
      lower95: v.lower95,
      upper95: v.upper95,
    }));
    const t = ind.method === "weighted_mean"
      ? { direction: "cannot be calculated" as const, note: "no interval: a census-style index is not trended" }
      : recentTrend(points, kind);
    rows.push({
      indicator_id: ind.id, area_code: series[0]!.area_code, breakdown: series[0]!.breakdown, period_type: series[0]!.period_type,
      first_period: recent[0]?.period_label ?? null, last_period: recent.at(-1)?.period_label ?? null, points: recent.length,
      direction: t.direction, chi_squared: "chiSquared" in t ? (t.chiSquared ?? null) : null, slope: "slope" in t ? (t.slope ?? null) : null,
      method: kind === "proportion" ? "chi-squared test for trend (logit slope)" : "interval-weighted regression",
      note: t.note ?? null,
    });
  }
  await db.insertRows("marts.indicator_trends", COLUMNS as string[], rows as unknown as Record<string, unknown>[]);
  return rows.length;
}
