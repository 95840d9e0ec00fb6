/**
 * The need index: a documented composite ranking of the parent authority's wards.
 *
 * 1. Indicators: every indicator with a polarity (not a context measure, `no_judgement`) and not left out
 *    (`needIndex: false`), breakdown `all`, on its headline period type's latest period;
 *    suppressed values are left out.
 * 2. Standardise across the wards: z = (value - mean) / sd, signed so that higher = more need
 *    (`low_is_good`: +z; `high_is_good`: -z).
 * 3. Domain score = mean of its indicators' signed z; ward score = weighted mean of its domain
 *    scores (weights from `config.needIndex.weights`, default 1 each).
 * 4. Rank 1 = most need. Tiers: the top `managedShare` of wards (rounded up) get the intensive
 *    "managed" approach, the rest the "co-ordinated" one.
 * 5. Sensitivity: the ranking is recomputed with every indicator weighted equally and with each
 *    domain left out in turn (`marts.need_index_sensitivity`); `rank_min`/`rank_max` show the spread.
 */
import type { Context } from "../pipelines/core/context.ts";
import { isContextMeasure, type Indicator } from "./indicators/define.ts";
import type { IndicatorValueRow, NeedIndexRow } from "./marts.ts";

/** Tier names. */
export const TIERS = { managed: "managed", coordinated: "co-ordinated" } as const;

interface Component {
  area_code: string;
  indicator: Indicator;
  period_label: string;
  value: number;
  z: number;
}

/** Signed z-scores of each indicator across the wards (indicators with no spread are dropped). */
export function signedZ(ind: Indicator, values: { area_code: string; value: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  if (values.length < 3) return out;
  const mean = values.reduce((a, v) => a + v.value, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v.value - mean) ** 2, 0) / (values.length - 1));
  if (!(sd > 0)) return out;
  const sign = ind.polarity === "low_is_good" ? 1 : -1;
  for (const v of values) out.set(v.area_code, (sign * (v.value - mean)) / sd);
  return out;
}

/** Scores from components under a weighting: `domainWeight` per domain, or equal per indicator. */
export function scoreWards(components: Component[], scheme: { domainWeights?: Record<string, number>; perIndicator?: boolean }): Map<string, { score: number; used: number }> {
  const byWard = new Map<string, Component[]>();
  for (const c of components) byWard.set(c.area_code, [...(byWard.get(c.area_code) ?? []), c]);
  const out = new Map<string, { score: number; used: number }>();
  for (const [ward, cs] of byWard) {
    if (scheme.perIndicator) {
      out.set(ward, { score: cs.reduce((a, c) => a + c.z, 0) / cs.length, used: cs.length });
      continue;
    }
    const domains = new Map<string, number[]>();
    for (const c of cs) domains.set(c.indicator.domain, [...(domains.get(c.indicator.domain) ?? []), c.z]);
    let num = 0;
    let den = 0;
    for (const [d, zs] of domains) {
      const w = scheme.domainWeights?.[d] ?? 1;
      num += (w * zs.reduce((a, b) => a + b, 0)) / zs.length;
      den += w;
    }
    if (den > 0) out.set(ward, { score: num / den, used: cs.length });
  }
  return out;
}

/** Rank scores, highest need first (ties broken by area code). */
export function rankScores(scores: Map<string, { score: number }>): Map<string, number> {
  const sorted = [...scores].sort((a, b) => b[1].score - a[1].score || a[0].localeCompare(b[0]));
  return new Map(sorted.map(([code], i) => [code, i + 1]));
}

/** Compute `marts.need_index`, its components and its sensitivity. Returns wards ranked. */
export async function computeNeedIndex(ctx: Context, indicators: readonly Indicator[]): Promise<number> {
  const { db, config } = ctx;
  for (const t of ["need_index", "need_index_components", "need_index_sensitivity"]) await db.run(`DELETE FROM marts.${t}`);
  const wards = await db.all<{ area_code: string; area_name: string }>(
    `SELECT area_code, area_name FROM ref.areas WHERE area_type = 'ward' AND parent_code = $p ORDER BY 1`,
    { p: config.parent },
  );
  const components: Component[] = [];
  for (const ind of indicators) {
    if (isContextMeasure(ind) || !ind.needIndex) continue;
    // The headline period type, as the pack's: the first of the indicator's types with ward values
    // (5 months of police.uk data have months, not yet a financial year).
    const types = await db.all<{ t: string }>(
      `SELECT DISTINCT period_type AS t FROM marts.indicator_values WHERE indicator_id = $i AND breakdown = 'all' AND area_type = 'ward' AND value IS NOT NULL`, { i: ind.id });
    const headline = ind.periods.find((p) => types.some((x) => x.t === p));
    if (!headline) continue;
    const rows = await db.all<IndicatorValueRow>(
      `SELECT * FROM marts.indicator_values WHERE indicator_id = $i AND breakdown = 'all' AND period_type = $t AND area_type = 'ward'
       AND period_start = (SELECT max(period_start) FROM marts.indicator_values WHERE indicator_id = $i AND period_type = $t AND breakdown = 'all')
       AND area_code IN (SELECT area_code FROM ref.areas WHERE area_type = 'ward' AND parent_code = $p)
       ORDER BY area_code`,
      { i: ind.id, t: headline, p: config.parent },
    );
    const usable = rows.filter((r) => !r.is_suppressed && r.value !== null).map((r) => ({ area_code: r.area_code, value: r.value!, period: r.period_label }));
    const z = signedZ(ind, usable);
    for (const u of usable) if (z.has(u.area_code)) components.push({ area_code: u.area_code, indicator: ind, period_label: u.period, value: u.value, z: z.get(u.area_code)! });
  }
  if (components.length === 0) return 0;
  const main = scoreWards(components, { domainWeights: config.needIndex.weights });
  const mainRank = rankScores(main);
  const schemes: [string, Map<string, { score: number; used: number }>][] = [["domains equally weighted (configured)", main], ["every indicator equally weighted", scoreWards(components, { perIndicator: true })]];
  for (const d of [...new Set(components.map((c) => c.indicator.domain))]) {
    schemes.push([`without ${d}`, scoreWards(components, { domainWeights: { ...config.needIndex.weights, [d]: 0 } })]);
  }
  const sensitivity = schemes.flatMap(([scheme, scores]) => {
    const ranks = rankScores(scores);
    return [...scores].map(([area_code, s]) => ({ scheme, area_code, score: s.score, rank: ranks.get(area_code)! }));
  });
  const managed = Math.ceil(mainRank.size * config.needIndex.managedShare);
  const names = new Map(wards.map((w) => [w.area_code, w.area_name]));
  const rows: NeedIndexRow[] = [...main].map(([code, s]) => {
    const ranks = sensitivity.filter((x) => x.area_code === code).map((x) => x.rank);
    const rank = mainRank.get(code)!;
    return {
      area_code: code, area_name: names.get(code)!, score: s.score, rank, tier: rank <= managed ? TIERS.managed : TIERS.coordinated,
      indicators_used: s.used, rank_min: Math.min(...ranks), rank_max: Math.max(...ranks),
    };
  }).sort((a, b) => a.rank - b.rank);
  await db.insertRows("marts.need_index", ["area_code", "area_name", "score", "rank", "tier", "indicators_used", "rank_min", "rank_max"], rows as unknown as Record<string, unknown>[]);
  await db.insertRows("marts.need_index_components", ["area_code", "indicator_id", "domain", "period_label", "value", "z_signed", "weight"],
    components.map((c) => ({ area_code: c.area_code, indicator_id: c.indicator.id, domain: c.indicator.domain, period_label: c.period_label, value: c.value, z_signed: c.z, weight: config.needIndex.weights[c.indicator.domain] ?? 1 })));
  await db.insertRows("marts.need_index_sensitivity", ["scheme", "area_code", "score", "rank"], sensitivity);
  return rows.length;
}
