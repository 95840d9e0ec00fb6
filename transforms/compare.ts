/**
 * Stage 4, compare: each ward, locality and the authority against its comparators, the
 * Fingertips way (the area's interval against the comparator's value; touching is similar;
 * polarity turns higher/lower into better/worse), at 95% and 99.8%.
 * Grain of `marts.indicator_comparisons`: one row per indicator, area, period, breakdown,
 * comparator and level.
 */
import type { Context } from "../pipelines/context.ts";
import { restOfParentCode } from "../sources/geography/ons-lookups.ts";
import type { ComparatorKind, IndicatorComparisonRow, IndicatorValueRow } from "./marts.ts";
import type { Indicator } from "./indicators/define.ts";
import { compareToValue } from "./stats/index.ts";
import { decileGroupCode, similarWardsCode } from "./reference/comparator-groups.ts";

/** Columns of `marts.indicator_comparisons`, in order. */
export const COMPARISON_COLUMNS: (keyof IndicatorComparisonRow)[] = [
  "indicator_id", "area_code", "period_label", "breakdown", "comparator_code", "comparator_kind", "comparator_value", "outcome", "level", "method",
];

/** The comparator codes of an area, by kind (only those that exist in `ref.areas`). */
export async function comparatorCodes(ctx: Context, area: { code: string; type: string }): Promise<Map<ComparatorKind, string>> {
  const parent = ctx.config.parent;
  const out = new Map<ComparatorKind, string>();
  const areaRow = async (code: string) => ctx.db.one<{ area_code: string; parent_code: string | null }>(`SELECT area_code, parent_code FROM ref.areas WHERE area_code = $c`, { c: code });
  const region = (await areaRow(parent))?.parent_code ?? null;
  const country = region ? ((await areaRow(region))?.parent_code ?? null) : null;
  for (const kind of ctx.config.comparators) {
    if (kind === "parent" && area.type !== "authority") out.set("parent", parent);
    if (kind === "rest_of_parent" && area.type !== "authority") {
      const rest = restOfParentCode(parent, area.code);
      if (await areaRow(rest)) out.set("rest_of_parent", rest);
    }
    if (kind === "similar_wards" && (await areaRow(similarWardsCode(area.code)))) out.set("similar_wards", similarWardsCode(area.code));
    if (kind === "deprivation_decile" && (await areaRow(decileGroupCode(area.code)))) out.set("deprivation_decile", decileGroupCode(area.code));
    if (kind === "region" && region) out.set("region", region);
    if (kind === "country" && country) out.set("country", country);
  }
  return out;
}

/** Compare every ward, locality and the authority with its comparators; returns rows written. */
export async function compareIndicators(ctx: Context, indicators: readonly Indicator[]): Promise<number> {
  const { db } = ctx;
  await db.run(`DELETE FROM marts.indicator_comparisons`);
  const byId = new Map(indicators.map((i) => [i.id, i]));
  const values = await db.all<IndicatorValueRow>(`SELECT * FROM marts.indicator_values`);
  const key = (r: { indicator_id: string; area_code: string; period_label: string; breakdown: string }) =>
    `${r.indicator_id}|${r.area_code}|${r.period_label}|${r.breakdown}`;
  const index = new Map(values.map((v) => [key(v), v]));
  const areas = await db.all<{ code: string; type: string }>(
    `SELECT area_code AS code, area_type AS type FROM ref.areas WHERE area_type IN ('ward', 'locality') OR area_code = $p`,
    { p: ctx.config.parent },
  );
  const areaTypes = new Map(areas.map((a) => [a.code, a.type]));
  const comparators = new Map<string, Map<ComparatorKind, string>>();
  for (const a of areas) comparators.set(a.code, await comparatorCodes(ctx, a));
  const rows: IndicatorComparisonRow[] = [];
  for (const v of values) {
    if (!areaTypes.has(v.area_code)) continue;
    const ind = byId.get(v.indicator_id);
    if (!ind) continue;
    for (const [kind, code] of comparators.get(v.area_code)!) {
      const c = index.get(key({ ...v, area_code: code }));
      if (!c) continue; // the comparator has no data for this indicator, period and breakdown
      const cValue = c && !c.is_suppressed ? c.value : null;
      for (const level of ["95", "99.8"] as const) {
        const [lower, upper] = level === "95" ? [v.lower95, v.upper95] : [v.lower998, v.upper998];
        const outcome = v.is_suppressed ? "not_compared" : compareToValue({ lower, upper }, cValue, ind.polarity);
        rows.push({
          indicator_id: v.indicator_id, area_code: v.area_code, period_label: v.period_label, breakdown: v.breakdown,
          comparator_code: code, comparator_kind: kind, comparator_value: cValue, outcome, level,
          method: lower === null || upper === null ? "not compared: no interval" : `area ${level}% interval vs comparator value (Fingertips)`,
        });
      }
    }
  }
  await db.insertRows("marts.indicator_comparisons", COMPARISON_COLUMNS as string[], rows as unknown as Record<string, unknown>[]);
  return rows.length;
}
