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
 * 6. Localities (`localities` and focus localities in the config) are scored on the wards' scale:
 *    each indicator's locality value (measured over its wards' LSOAs, same period) standardised
 *    with the wards' mean and sd, then the same domain means and weights. A locality is
 *    "managed" when its score reaches the lowest score of a managed ward, so a locality and a
 *    ward of the same need get the same approach (`marts.need_index_localities`).
 */
import type { Context } from "../pipelines/core/context.ts";
import { literal } from "../pipelines/core/warehouse.ts";
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

/** The scale of an indicator across the wards: z = sign * (value - mean) / sd (null: fewer than 3 wards, or no spread). */
export function wardScale(ind: Indicator, values: readonly { value: number }[]): ((value: number) => number) | null {
  if (values.length < 3) return null;
  const mean = values.reduce((a, v) => a + v.value, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v.value - mean) ** 2, 0) / (values.length - 1));
  if (!(sd > 0)) return null;
  const sign = ind.polarity === "low_is_good" ? 1 : -1;
  return (value) => (sign * (value - mean)) / sd;
}

/** Signed z-scores of each indicator across the wards (indicators with no spread are dropped). */
export function signedZ(ind: Indicator, values: { area_code: string; value: number }[]): Map<string, number> {
  const scale = wardScale(ind, values);
  return new Map(scale ? values.map((v) => [v.area_code, scale(v.value)]) : []);
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
  for (const t of ["need_index", "need_index_components", "need_index_sensitivity", "need_index_localities"]) await db.run(`DELETE FROM marts.${t}`);
  const wards = await db.all<{ area_code: string; area_name: string }>(
    `SELECT area_code, area_name FROM ref.areas WHERE area_type = 'ward' AND parent_code = $p ORDER BY 1`,
    { p: config.parent },
  );
  const components: Component[] = [];
  // Each indicator's ward scale and the period it was taken on, for the localities.
  const scales: { ind: Indicator; type: string; start: string; scale: (v: number) => number }[] = [];
  // Every indicator's values read in two statements, not two each (a statement costs a few ms to plan).
  const used = indicators.filter((ind) => !isContextMeasure(ind) && ind.needIndex);
  const ids = used.map((ind) => literal(ind.id)).join(", ") || "NULL";
  // The headline period type: the first of the indicator's types whose latest period has values
  // for at least half the authority's wards (5 months of police.uk data have months, not yet a
  // financial year; a rare crime's months are mostly suppressed, its quarter is not), else the
  // first with any ward values.
  const types = await db.all<{ i: string; t: string; valued: number; wards: number }>(
    `WITH latest AS (SELECT indicator_id, period_type, max(period_start) AS s FROM marts.indicator_values WHERE indicator_id IN (${ids}) AND breakdown = 'all' GROUP BY ALL)
     SELECT v.indicator_id AS i, v.period_type AS t, count(*) FILTER (WHERE v.value IS NOT NULL AND v.period_start = l.s)::INTEGER AS valued,
            count(DISTINCT v.area_code) FILTER (WHERE v.period_start = l.s)::INTEGER AS wards
     FROM marts.indicator_values v JOIN latest l USING (indicator_id, period_type)
     WHERE v.breakdown = 'all' AND v.area_type = 'ward' AND v.area_code IN (SELECT area_code FROM ref.areas WHERE area_type = 'ward' AND parent_code = $p)
     GROUP BY ALL HAVING count(*) FILTER (WHERE v.value IS NOT NULL) > 0`, { p: config.parent });
  const headlines = used.flatMap((ind) => {
    const mine = ind.periods.flatMap((p) => types.filter((x) => x.i === ind.id && x.t === p));
    const headline = (mine.find((x) => x.valued * 2 >= x.wards) ?? mine.find((x) => x.valued > 0) ?? mine[0])?.t;
    return headline ? [{ ind, headline }] : [];
  });
  const pairs = headlines.map((h) => `(${literal(h.ind.id)}, ${literal(h.headline)})`).join(", ");
  // Each one's ward values on its latest period (the latest of any area's values of that type).
  const all = pairs ? await db.all<IndicatorValueRow>(
    `WITH h(indicator_id, period_type) AS (VALUES ${pairs}),
     latest AS (SELECT v.indicator_id, v.period_type, max(v.period_start) AS s FROM marts.indicator_values v JOIN h USING (indicator_id, period_type) WHERE v.breakdown = 'all' GROUP BY ALL)
     SELECT v.* FROM marts.indicator_values v JOIN latest l ON l.indicator_id = v.indicator_id AND l.period_type = v.period_type AND v.period_start = l.s
     WHERE v.breakdown = 'all' AND v.area_type = 'ward' AND v.area_code IN (SELECT area_code FROM ref.areas WHERE area_type = 'ward' AND parent_code = $p)
     ORDER BY v.indicator_id, v.area_code`,
    { p: config.parent },
  ) : [];
  const byIndicator = new Map<string, IndicatorValueRow[]>();
  for (const r of all) (byIndicator.get(r.indicator_id) ?? byIndicator.set(r.indicator_id, []).get(r.indicator_id)!).push(r);
  for (const { ind, headline } of headlines) {
    const rows = byIndicator.get(ind.id) ?? [];
    const usable = rows.filter((r) => !r.is_suppressed && r.value !== null).map((r) => ({ area_code: r.area_code, value: r.value!, period: r.period_label }));
    const scale = wardScale(ind, usable);
    if (scale && rows.length) scales.push({ ind, type: headline, start: String(rows[0]!.period_start), scale });
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
  const lowestManaged = Math.min(...rows.filter((r) => r.tier === TIERS.managed).map((r) => r.score));
  await tierLocalities(ctx, scales, lowestManaged, rows.map((r) => r.score));
  return rows.length;
}

/** `marts.need_index_localities`: each locality of the config scored on the wards' scale and tiered by the managed wards' cut (step 6). */
async function tierLocalities(
  ctx: Context, scales: readonly { ind: Indicator; type: string; start: string; scale: (v: number) => number }[], lowestManaged: number, wardScores: readonly number[],
): Promise<void> {
  const { db, config } = ctx;
  await db.run(`DELETE FROM marts.need_index_localities`);
  if (!config.localityAreas.length) return;
  const codes = config.localityAreas.map((l) => l.code);
  const components: Component[] = [];
  if (!scales.length) return;
  // Every scale's locality values in one statement.
  const keys = scales.map((x, k) => `(${k}, ${literal(x.ind.id)}, ${literal(x.type)}, ${literal(x.start)}::DATE)`).join(", ");
  const values = await db.all<{ k: number; area_code: string; value: number; period_label: string }>(
    `WITH s(k, indicator_id, period_type, period_start) AS (VALUES ${keys})
     SELECT s.k, v.area_code, v.value, v.period_label FROM marts.indicator_values v JOIN s USING (indicator_id, period_type, period_start)
     WHERE v.breakdown = 'all' AND v.area_type = 'locality' AND v.value IS NOT NULL AND NOT v.is_suppressed ORDER BY s.k, v.rowid`);
  for (const v of values) {
    const { ind, scale } = scales[Number(v.k)]!;
    if (codes.includes(v.area_code)) components.push({ area_code: v.area_code, indicator: ind, period_label: v.period_label, value: v.value, z: scale(v.value) });
  }
  const scores = scoreWards(components, { domainWeights: config.needIndex.weights });
  const ranks = rankScores(scores);
  await db.insertRows("marts.need_index_localities", ["area_code", "area_name", "wards", "score", "rank", "tier", "indicators_used", "ward_rank"],
    config.localityAreas.filter((l) => scores.has(l.code)).map((l) => {
      const s = scores.get(l.code)!;
      return {
        area_code: l.code, area_name: l.name!, wards: l.wards.length, score: s.score, rank: ranks.get(l.code)!,
        tier: s.score >= lowestManaged ? TIERS.managed : TIERS.coordinated, indicators_used: s.used, ward_rank: 1 + wardScores.filter((w) => w > s.score).length,
      };
    }).sort((a, b) => a.rank - b.rank));
}
