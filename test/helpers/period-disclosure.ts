/**
 * An independent check of secondary suppression across periods (rule 4 of transforms/disclosure.ts),
 * for tests: within each series (indicator, area, breakdown) of a count-based indicator, is any
 * suppressed value a linear combination of the published ones? Worked out by Gaussian elimination
 * over the rationals (in floating point, on 0/1 vectors of elementary time spans), not by the
 * union-find the build uses, so the two can disagree.
 */
import type { Warehouse } from "../../pipelines/core/warehouse.ts";

export interface PeriodExposure {
  /** Suppressed values (a small count, or protecting one) that the published values of their series give back. */
  exposed: { indicator_id: string; area_code: string; breakdown: string; period_label: string }[];
  /** Suppressed values checked, in series that also publish an overlapping period: the check is not vacuous. */
  checked: number;
}

/** The check over `marts.indicator_values` (methods that are sums over time; values withheld for want of data, not to protect a count, need no protection). */
export async function periodExposures(db: Warehouse): Promise<PeriodExposure> {
  const rows = await db.all<{ indicator_id: string; area_code: string; breakdown: string; period_label: string; s: string; e: string; hidden: boolean; guard: boolean }>(`
    SELECT indicator_id, area_code, breakdown, period_label, strftime(period_start, '%Y-%m-%d') AS s, strftime(period_end + 1, '%Y-%m-%d') AS e,
           is_suppressed AS hidden, is_suppressed AND coalesce(regexp_matches(suppression_reason, 'disclosure control|subtraction|fewer than'), false) AS guard
    FROM marts.indicator_values WHERE NOT regexp_matches(method, 'survey|logit|mean|order statistics|published')
    ORDER BY indicator_id, area_code, breakdown, period_start, period_end`);
  const series = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = `${r.indicator_id}|${r.area_code}|${r.breakdown}`;
    series.set(k, [...(series.get(k) ?? []), r]);
  }
  const out: PeriodExposure = { exposed: [], checked: 0 };
  for (const cells of series.values()) {
    const guarded = cells.filter((c) => c.guard);
    const published = cells.filter((c) => !c.hidden);
    if (!guarded.length || !published.length) continue;
    const points = [...new Set(cells.flatMap((c) => [c.s, c.e]))].sort();
    const vector = (c: (typeof cells)[number]) => points.slice(0, -1).map((p) => (p >= c.s && p < c.e ? 1 : 0));
    const base = rank(published.map(vector));
    for (const g of guarded) {
      if (published.some((p) => p.s < g.e && g.s < p.e)) out.checked++;
      if (rank([...published.map(vector), vector(g)]) === base) out.exposed.push(g);
    }
  }
  return out;
}

/** Rank of a matrix by Gaussian elimination with partial pivoting. */
function rank(matrix: number[][]): number {
  const m = matrix.map((r) => [...r]);
  const cols = m[0]?.length ?? 0;
  let r = 0;
  for (let c = 0; c < cols && r < m.length; c++) {
    let pivot = r;
    for (let i = r + 1; i < m.length; i++) if (Math.abs(m[i]![c]!) > Math.abs(m[pivot]![c]!)) pivot = i;
    if (Math.abs(m[pivot]![c]!) < 1e-9) continue;
    [m[r], m[pivot]] = [m[pivot]!, m[r]!];
    for (let i = r + 1; i < m.length; i++) {
      const f = m[i]![c]! / m[r]![c]!;
      if (f !== 0) for (let j = c; j < cols; j++) m[i]![j]! -= f * m[r]![j]!;
    }
    r++;
  }
  return r;
}
