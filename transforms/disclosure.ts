/**
 * Disclosure control of `marts.indicator_values`, run once after the values are measured, so the
 * warehouse itself (and everything read from it: packs, notebooks, analysts' queries) carries it.
 *
 * First the floor: no value may rest on a count of 1 to 4 (`MIN_PUBLISHED_COUNT`), whatever an
 * indicator's own rule lets through (e.g. a survey breakdown with 3 positive answers on a base of
 * 40, which the minimum-base rule publishes). Means and order statistics do not rest on a count
 * and are left as they are.
 *
 * Then secondary suppression: after primary suppression (counts 1 to minCount-1, and the floor),
 * hide further cells wherever a suppressed count could be recovered by subtraction from published ones.
 *
 * 1. Members within their parent (wards within the authority, LSOAs within their ward, wards
 *    within a locality, the rest of the authority or the similar wards' group): when
 *    exactly one member of an indicator, period and breakdown is suppressed while others are
 *    published, the next smallest member is suppressed too; when the parent is suppressed while
 *    every member is published (their sum would give it away), the smallest member is suppressed.
 * 2. A focus area and the rest of its authority are complements: when either is suppressed, so is
 *    the other.
 * 3. Breakdowns that partition `all` (`boys`/`girls`, `language:*`): when exactly one part is
 *    suppressed, the next smallest part is suppressed too.
 * Ties go to the lowest area code or breakdown, so the same inputs always hide the same cells.
 * Repeats until nothing changes. Suppressed cells lose their numerator, value and limits; the
 * reason says it was secondary.
 */
import type { Context } from "../pipelines/core/context.ts";
import { focusCodes, restOfParentCode } from "../pipelines/core/config.ts";
import { messages } from "../pipelines/core/messages.ts";


/** Breakdown families whose members add up to `all`. */
export const PARTITIONS: { name: string; match: string }[] = [
  { name: "sex", match: "breakdown IN ('boys', 'girls')" },
  { name: "language", match: "breakdown LIKE 'language:%'" },
];

/** The smallest count a published value may rest on: counts of 1 to 4 are never published. */
export const MIN_PUBLISHED_COUNT = 5;

/** Methods whose value does not rest on a count (population-weighted means, medians): the floor leaves them. */
const NOT_COUNT_BASED = /mean|order statistics/;

const SUPPRESS = (reason: string) =>
  `SET is_suppressed = true, numerator = NULL, value = NULL, lower95 = NULL, upper95 = NULL, lower998 = NULL, upper998 = NULL, suppression_reason = '${reason.replaceAll("'", "''")}'`;

/**
 * Suppress every published value that rests on a count of 1 to 4 (see the file comment), with
 * the small-count reason; returns cells suppressed.
 */
export async function smallCountFloor(ctx: Context): Promise<number> {
  const rows = await ctx.db.all<{ rid: string }>(
    `SELECT rowid AS rid FROM marts.indicator_values
     WHERE NOT is_suppressed AND numerator >= 1 AND numerator < $min AND NOT regexp_matches(method, $skip)`,
    { min: MIN_PUBLISHED_COUNT, skip: NOT_COUNT_BASED.source },
  );
  return suppressRows(ctx, rows, messages.suppressedSmallCount(MIN_PUBLISHED_COUNT));
}

/**
 * Disclosure control of `marts.indicator_values`: the small-count floor (`smallCountFloor`), then
 * secondary suppression; returns the cells secondarily suppressed.
 */
export async function secondarySuppression(ctx: Context): Promise<number> {
  const { db, config } = ctx;
  await smallCountFloor(ctx);
  const reason = messages.secondarySuppression();
  // Candidate numerators must stay readable after a cell is hidden: keep them aside.
  await db.run(`CREATE OR REPLACE TEMP TABLE _num AS SELECT rowid AS rid, numerator AS n FROM marts.indicator_values`);
  // Wards within the build's other sums of wards: localities, the rest of the authority, the similar wards' group.
  const wardGroups = (await db.hasTable("ref.area_members"))
    ? `UNION ALL
          SELECT DISTINCT w.area_code, g.area_code FROM ref.area_members g JOIN ref.area_members w ON w.lsoa_code = g.lsoa_code
          WHERE g.area_type IN ('locality', 'rest_of_authority', 'comparator_group') AND w.area_type = 'ward'`
    : "";
  let total = 0;
  for (let pass = 0; pass < 10; pass++) {
    let changed = 0;
    // 1. members within their parent: wards within the authority, LSOAs within their ward
    const members = `(SELECT v.rowid AS rid, v.area_code, m.parent_code, v.indicator_id, v.period_type, v.period_label, v.breakdown, v.is_suppressed, n.n
        FROM marts.indicator_values v JOIN _num n ON n.rid = v.rowid JOIN (
          SELECT area_code, parent_code FROM ref.areas WHERE area_type = 'ward' AND parent_code = $p
          UNION ALL
          SELECT l.area_code, l.parent_code FROM ref.areas l JOIN ref.areas w ON w.area_code = l.parent_code
          WHERE l.area_type = 'lsoa' AND w.area_type = 'ward' AND w.parent_code = $p
          ${wardGroups}) m ON m.area_code = v.area_code)`;
    const smallestPublished = `WHERE NOT w.is_suppressed AND w.n IS NOT NULL
      QUALIFY row_number() OVER (PARTITION BY w.parent_code, w.indicator_id, w.period_type, w.period_label, w.breakdown ORDER BY w.n, w.area_code) = 1`;
    // 1a. exactly one member hidden while others are shown: hide the next smallest
    changed += await hide(ctx, `
      WITH w AS ${members},
      groups AS (
        SELECT parent_code, indicator_id, period_type, period_label, breakdown FROM w GROUP BY ALL
        HAVING count(*) FILTER (WHERE is_suppressed) = 1 AND count(*) FILTER (WHERE NOT is_suppressed) > 0
      )
      SELECT w.rid FROM w JOIN groups USING (parent_code, indicator_id, period_type, period_label, breakdown) ${smallestPublished}`, { p: config.parent }, reason);
    // 1b. the parent hidden while every member is shown (their sum would give it): hide the smallest member
    changed += await hide(ctx, `
      WITH w AS ${members},
      groups AS (
        SELECT w.parent_code, w.indicator_id, w.period_type, w.period_label, w.breakdown FROM w
        JOIN marts.indicator_values p ON p.area_code = w.parent_code AND p.indicator_id = w.indicator_id AND p.period_type = w.period_type
             AND p.period_label = w.period_label AND p.breakdown = w.breakdown AND p.is_suppressed
        GROUP BY ALL HAVING count(*) FILTER (WHERE w.is_suppressed) = 0
      )
      SELECT w.rid FROM w JOIN groups USING (parent_code, indicator_id, period_type, period_label, breakdown) ${smallestPublished}`, { p: config.parent }, reason);
    // 2. focus and rest of authority
    for (const code of focusCodes(config)) {
      changed += await hide(ctx, `
        SELECT r.rowid AS rid FROM marts.indicator_values f JOIN marts.indicator_values r
          USING (indicator_id, period_type, period_label, breakdown)
        WHERE ((f.area_code = $f AND r.area_code = $r) OR (f.area_code = $r AND r.area_code = $f))
          AND f.is_suppressed AND NOT r.is_suppressed`, { f: code, r: restOfParentCode(config.parent, code) }, reason);
    }
    // 3. partitions of `all`
    for (const part of PARTITIONS) {
      changed += await hide(ctx, `
        WITH b AS (
          SELECT v.rowid AS rid, v.indicator_id, v.area_code, v.period_type, v.period_label, v.breakdown, v.is_suppressed, n.n
          FROM marts.indicator_values v JOIN _num n ON n.rid = v.rowid WHERE ${part.match}
        ),
        groups AS (SELECT indicator_id, area_code, period_type, period_label FROM b GROUP BY ALL HAVING count(*) FILTER (WHERE is_suppressed) = 1 AND count(*) > 1)
        SELECT b.rid FROM b JOIN groups USING (indicator_id, area_code, period_type, period_label)
        WHERE NOT b.is_suppressed
        QUALIFY row_number() OVER (PARTITION BY b.indicator_id, b.area_code, b.period_type, b.period_label ORDER BY coalesce(b.n, 0), b.breakdown) = 1`, {}, reason);
    }
    total += changed;
    if (changed === 0) break;
  }
  return total;
}

async function hide(ctx: Context, selectRids: string, params: Record<string, string>, reason: string): Promise<number> {
  return suppressRows(ctx, await ctx.db.all<{ rid: string }>(selectRids, params), reason);
}

async function suppressRows(ctx: Context, rows: { rid: string }[], reason: string): Promise<number> {
  if (rows.length === 0) return 0;
  await ctx.db.run(`UPDATE marts.indicator_values ${SUPPRESS(reason)} WHERE rowid IN (${rows.map((r) => Number(r.rid)).join(", ")})`);
  return rows.length;
}

/**
 * Disclosure control of figures published outside `marts.indicator_values` (a chart's shares of
 * a total, as counts by category): which parts of each whole to withhold so that no count of 1
 * to 4 can be read off or worked out, from shares times the published totals included. Each
 * whole is a count per part (e.g. the focus area's cases by category, then the borough's).
 * Primary: a part with 1 to 4. Secondary, within each whole: when exactly one part is withheld,
 * the next smallest (ties to the lowest key) is withheld too, as the total minus the others
 * would give it. `complements` pairs a whole with one that contains it (the focus area within
 * the borough): where the difference of a part (the rest of the borough) is 1 to 4 and both
 * are shown, the inner part is withheld. Parts in `publishedElsewhere` (their counts are published
 * in another figure) are the last chosen as the secondary. Repeats until nothing changes. Returns one set per whole.
 */
export function withheldParts(
  wholes: readonly ReadonlyMap<string, number>[],
  complements: readonly { inner: number; outer: number }[] = [],
  publishedElsewhere: ReadonlySet<string> = new Set(),
): Set<string>[] {
  const small = (n: number) => n >= 1 && n < MIN_PUBLISHED_COUNT;
  const withheld = wholes.map((w) => new Set([...w].filter(([, n]) => small(n)).map(([k]) => k)));
  for (let changed = true; changed; ) {
    changed = false;
    const hide = (i: number, k: string) => {
      if (withheld[i]!.has(k)) return;
      withheld[i]!.add(k);
      changed = true;
    };
    for (const { inner, outer } of complements) {
      for (const [k, n] of wholes[outer]!) {
        if (!withheld[inner]!.has(k) && !withheld[outer]!.has(k) && small(n - (wholes[inner]!.get(k) ?? 0))) hide(inner, k);
      }
    }
    wholes.forEach((w, i) => {
      if (withheld[i]!.size !== 1) return;
      // A part whose count is published elsewhere (an indicator's numerator) would give the withheld one back: another first.
      const next = [...w].filter(([k, n]) => n > 0 && !withheld[i]!.has(k))
        .sort((a, b) => Number(publishedElsewhere.has(a[0])) - Number(publishedElsewhere.has(b[0])) || a[1] - b[1] || a[0].localeCompare(b[0]))[0];
      if (next) hide(i, next[0]);
    });
  }
  return withheld;
}

