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
 * 4. Periods within periods (`periodSuppression`): one area's values of an indicator over months,
 *    quarters, years, rolling 12 months and pooled years are sums over time, so a suppressed month
 *    could be the quarter less its other months, or the difference of two rolling windows. A
 *    series with a month suppressed to protect a count publishes no month; then, where a
 *    suppressed value can still be worked out from the published values of its series, one of
 *    those is suppressed too (rolling windows, then quarters, then years; not the latest of its
 *    kind while another will do; the smallest count), until none can be.
 * A focus area is the last member chosen by rule 1.
 * Ties go to the lowest area code or breakdown, so the same inputs always hide the same cells.
 * Repeats until nothing changes. Suppressed cells lose their numerator, value and limits; the
 * reason says it was secondary.
 */
import type { Context } from "../pipelines/core/context.ts";
import { focusCodes, restOfParentCode } from "../pipelines/core/config.ts";
import { messages, PROTECTING_REASONS } from "../pipelines/core/messages.ts";
import { literal } from "../pipelines/core/warehouse.ts";


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
  return suppressRows(ctx, rows.map((r) => r.rid), messages.suppressedSmallCount(MIN_PUBLISHED_COUNT));
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
  const focusLast = focusCodes(config).length ? `w.area_code IN (${focusCodes(config).map(literal).join(", ")})` : "false";
  // What rules 1-3 hid since rule 4 last ran (the series it must look at again); none yet: it looks at every series.
  let since: string[] | undefined;
  const hide = async (selectRids: string, params: Record<string, string> = {}) => {
    const rids = (await db.all<{ rid: string }>(selectRids, params)).map((r) => r.rid);
    since?.push(...rids);
    return suppressRows(ctx, rids, reason);
  };
  let total = 0;
  // Each pass that changes anything hides at least one more of finitely many cells, so this ends.
  for (;;) {
    let changed = 0;
    // 1. members within their parent: wards within the authority, LSOAs within their ward
    const members = `(SELECT v.rowid AS rid, v.area_code, m.parent_code, v.indicator_id, v.period_type, v.period_label, v.breakdown, v.is_suppressed, n.n
        FROM marts.indicator_values v JOIN _num n ON n.rid = v.rowid JOIN (
          SELECT area_code, parent_code FROM ref.areas WHERE area_type = 'ward' AND parent_code = $p
          UNION ALL
          SELECT l.area_code, l.parent_code FROM ref.areas l JOIN ref.areas w ON w.area_code = l.parent_code
          WHERE l.area_type = 'lsoa' AND w.area_type = 'ward' AND w.parent_code = $p
          ${wardGroups}) m ON m.area_code = v.area_code)`;
    // The focus areas are what the packs are about: another member goes before them.
    const smallestPublished = `WHERE NOT w.is_suppressed AND w.n IS NOT NULL
      QUALIFY row_number() OVER (PARTITION BY w.parent_code, w.indicator_id, w.period_type, w.period_label, w.breakdown ORDER BY ${focusLast}, w.n, w.area_code) = 1`;
    // 1a. exactly one member hidden while others are shown: hide the next smallest
    changed += await hide(`
      WITH w AS ${members},
      groups AS (
        SELECT parent_code, indicator_id, period_type, period_label, breakdown FROM w GROUP BY ALL
        HAVING count(*) FILTER (WHERE is_suppressed) = 1 AND count(*) FILTER (WHERE NOT is_suppressed) > 0
      )
      SELECT w.rid FROM w JOIN groups USING (parent_code, indicator_id, period_type, period_label, breakdown) ${smallestPublished}`, { p: config.parent });
    // 1b. the parent hidden while every member is shown (their sum would give it): hide the smallest member
    changed += await hide(`
      WITH w AS ${members},
      groups AS (
        SELECT w.parent_code, w.indicator_id, w.period_type, w.period_label, w.breakdown FROM w
        JOIN marts.indicator_values p ON p.area_code = w.parent_code AND p.indicator_id = w.indicator_id AND p.period_type = w.period_type
             AND p.period_label = w.period_label AND p.breakdown = w.breakdown AND p.is_suppressed
        GROUP BY ALL HAVING count(*) FILTER (WHERE w.is_suppressed) = 0
      )
      SELECT w.rid FROM w JOIN groups USING (parent_code, indicator_id, period_type, period_label, breakdown) ${smallestPublished}`, { p: config.parent });
    // 2. focus and rest of authority
    for (const code of focusCodes(config)) {
      changed += await hide(`
        SELECT r.rowid AS rid FROM marts.indicator_values f JOIN marts.indicator_values r
          USING (indicator_id, period_type, period_label, breakdown)
        WHERE ((f.area_code = $f AND r.area_code = $r) OR (f.area_code = $r AND r.area_code = $f))
          AND f.is_suppressed AND NOT r.is_suppressed`, { f: code, r: restOfParentCode(config.parent, code) });
    }
    // 3. partitions of `all`
    for (const part of PARTITIONS) {
      changed += await hide(`
        WITH b AS (
          SELECT v.rowid AS rid, v.indicator_id, v.area_code, v.period_type, v.period_label, v.breakdown, v.is_suppressed, n.n
          FROM marts.indicator_values v JOIN _num n ON n.rid = v.rowid WHERE ${part.match}
        ),
        groups AS (SELECT indicator_id, area_code, period_type, period_label FROM b GROUP BY ALL HAVING count(*) FILTER (WHERE is_suppressed) = 1 AND count(*) > 1)
        SELECT b.rid FROM b JOIN groups USING (indicator_id, area_code, period_type, period_label)
        WHERE NOT b.is_suppressed
        QUALIFY row_number() OVER (PARTITION BY b.indicator_id, b.area_code, b.period_type, b.period_label ORDER BY coalesce(b.n, 0), b.breakdown) = 1`);
    }
    // 4. periods within periods: each series to the end at once, so later passes look again only at what rules 1-3 touched
    if (!since || since.length > 0) {
      if (since) await db.run(`CREATE OR REPLACE TEMP TABLE _since AS SELECT unnest([${since.join(", ")}]::BIGINT[]) AS rid`);
      changed += await suppressRows(ctx, await periodSuppression(ctx, since && "_since"), reason);
      since = [];
    }
    total += changed;
    if (changed === 0) break;
  }
  return total;
}

/** Methods whose values are not sums over time (survey estimates, means, medians, published estimates): rule 4 leaves them. */
const NOT_ADDITIVE_OVER_TIME = /survey|logit|mean|order statistics|published/;

/**
 * Which values rule 4 hides first when several would do: months (noisy at ward level), then rolling
 * 12-month windows (each month's is nearly the last one's), then quarters (what a quarterly review
 * reads); every other period type after them, shortest first.
 */
const HIDE_FIRST = ["month", "rolling_12_months", "quarter"];
/** Months' place in `HIDE_FIRST`, as the query numbers it (from 1). */
const MONTH_KIND = 1;

/** `protectsACount` in SQL, over the reason column `reason`. */
const PROTECTS_A_COUNT = (reason: string) => `(${PROTECTING_REASONS.map((p) => `${reason} LIKE ${literal(p)}`).join(" OR ")})`;

/** A value of one series in rule 4: its period as the days [start, stop), whether it is hidden, and whether it must stay unknowable. */
interface PeriodCell { rid: number; start: number; stop: number; kind: number; months: number; hidden: boolean; guard: boolean; n: number | null; latest?: boolean }

/**
 * Rule 4 of the file comment. Within one series (indicator, area, breakdown), each value is a sum
 * over days: with S(d) the running total up to day d, a period [start, stop) is S(stop) - S(start).
 * The published values are then edges between days, and a suppressed value can be worked out from
 * them exactly when its two ends are joined by a chain of published edges (a sum of differences
 * telescopes; a value off every chain is free). The test is union-find over each series' days.
 * `only` limits it to the series of these rows (what changed since it last ran). Returns the
 * published rows to hide.
 */
export async function periodSuppression(ctx: Context, only?: string): Promise<string[]> {
  const c = await ctx.db.columns<{ rid: number[]; series: number[]; start: number[]; stop: number[]; kind: number[]; months: number[]; hidden: boolean[]; guard: boolean[]; n: (number | null)[] }>(`
    WITH v AS (
      SELECT v.rowid AS rid, v.indicator_id, v.area_code, v.breakdown, v.period_type, v.period_start, v.period_end, v.is_suppressed,
             v.is_suppressed AND coalesce(${PROTECTS_A_COUNT("v.suppression_reason")}, false) AS guard, n.n
      FROM marts.indicator_values v JOIN _num n ON n.rid = v.rowid WHERE NOT regexp_matches(v.method, $skip)
    ),
    s AS (
      SELECT indicator_id, area_code, breakdown FROM v
      ${only ? `WHERE (indicator_id, area_code, breakdown) IN (SELECT (indicator_id, area_code, breakdown) FROM marts.indicator_values WHERE rowid IN (SELECT rid FROM ${only}))` : ""}
      GROUP BY ALL HAVING count(*) FILTER (WHERE guard) > 0 AND count(*) FILTER (WHERE NOT is_suppressed) > 0
    )
    SELECT rid::INTEGER AS rid, dense_rank() OVER (ORDER BY indicator_id, area_code, breakdown)::INTEGER AS series,
           (period_start - DATE '1970-01-01')::INTEGER AS start, (period_end + 1 - DATE '1970-01-01')::INTEGER AS stop,
           coalesce(list_position([${HIDE_FIRST.map(literal).join(", ")}], period_type), ${HIDE_FIRST.length + 1})::INTEGER AS kind,
           date_diff('month', period_start, period_end + 1)::INTEGER AS months,
           is_suppressed AS hidden, guard, n::DOUBLE AS n
    FROM v JOIN s USING (indicator_id, area_code, breakdown) ORDER BY series, period_start, period_end, period_type`,
    { skip: NOT_ADDITIVE_OVER_TIME.source });
  // Ordered by what the values are, never by rowid: a refresh writes its rows in another order and
  // must hide the same cells as a full build.
  const out: string[] = [];
  for (let i = 0; i < c.rid.length; ) {
    const series: PeriodCell[] = [];
    for (const s = c.series[i]; i < c.rid.length && c.series[i] === s; i++) {
      series.push({ rid: c.rid[i]!, start: c.start[i]!, stop: c.stop[i]!, kind: c.kind[i]!, months: c.months[i]!, hidden: c.hidden[i]!, guard: c.guard[i]!, n: c.n[i] ?? null });
    }
    out.push(...exposedInSeries(series));
  }
  return out;
}

/** One series of rule 4: the published cells to hide so that no guarded cell's ends are joined by published ones. */
function exposedInSeries(cells: PeriodCell[]): string[] {
  const hide: string[] = [];
  // The latest period of each kind and length is the headline (the latest month, quarter, year, rolling 12 months).
  const key = (c: PeriodCell) => c.kind * 10_000 + c.months;
  const last = new Map<number, number>();
  for (const c of cells) last.set(key(c), Math.max(last.get(key(c)) ?? c.start, c.start));
  for (const c of cells) c.latest = last.get(key(c)) === c.start;
  // A series with a protected month publishes no month: beside quarters and rolling windows, one
  // small month would take others with it (the same month a year on, another of its quarter), and
  // they in turn quarters; without months, the quarters and years a review reads mostly stay.
  if (cells.some((c) => c.guard && c.kind === MONTH_KIND)) {
    for (const c of cells.filter((c) => c.kind === MONTH_KIND && !c.hidden)) {
      c.hidden = c.guard = true;
      hide.push(String(c.rid));
    }
  }
  for (;;) {
    const published = cells.filter((c) => !c.hidden);
    const joined = components(published);
    const exposed = cells.find((c) => c.guard && joined(c.start) === joined(c.stop));
    if (!exposed) return hide;
    // The published values it is worked out from (one chain), least useful first (`HIDE_FIRST`, then
    // shortest), not the latest of its kind, smallest count, earliest.
    const chain = path(published, exposed.start, exposed.stop)
      .sort((a, b) => key(a) - key(b) || Number(a.latest) - Number(b.latest) || (a.n ?? 0) - (b.n ?? 0) || a.start - b.start);
    // Of the least useful kind, one whose loss alone makes it unknowable, else the first (the loop
    // finds the next): the quarters and years a review reads are kept while months and rolling windows can go instead.
    const pick = chain.filter((c) => key(c) === key(chain[0]!)).find((p) => {
      const without = components(published.filter((c) => c !== p));
      return without(exposed.start) !== without(exposed.stop);
    }) ?? chain[0]!;
    pick.hidden = true;
    pick.guard = true;
    hide.push(String(pick.rid));
  }
}

/** Union-find over the days that the cells join: returns each day's representative. */
function components(cells: PeriodCell[]): (day: number) => number {
  const parent = new Map<number, number>();
  const find = (d: number): number => {
    let r = d;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    // Path halving is not needed at these sizes (a series has tens of values).
    return r;
  };
  for (const c of cells) {
    const a = find(c.start), b = find(c.stop);
    if (a !== b) parent.set(a, b);
  }
  return find;
}

/** The cells of one chain joining day `from` to day `to` (breadth first, in the cells' order): the fewest values that give the difference. */
function path(cells: PeriodCell[], from: number, to: number): PeriodCell[] {
  const via = new Map<number, { day: number; cell: PeriodCell } | null>([[from, null]]);
  for (const queue = [from]; queue.length > 0 && !via.has(to); ) {
    const day = queue.shift()!;
    for (const c of cells) {
      const next = c.start === day ? c.stop : c.stop === day ? c.start : undefined;
      if (next === undefined || via.has(next)) continue;
      via.set(next, { day, cell: c });
      queue.push(next);
    }
  }
  const chain: PeriodCell[] = [];
  for (let step = via.get(to); step; step = via.get(step.day)) chain.push(step.cell);
  return chain;
}

async function suppressRows(ctx: Context, rids: string[], reason: string): Promise<number> {
  if (rids.length === 0) return 0;
  await ctx.db.run(`UPDATE marts.indicator_values ${SUPPRESS(reason)} WHERE rowid IN (${rids.map(Number).join(", ")})`);
  return rids.length;
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
 * in another figure) are the last chosen as the secondary. `withheldElsewhere` (one set per whole) adds parts to
 * withhold from the start: those whose count the published values withhold (an indicator's
 * suppressed month), which the figure must not give back. Repeats until nothing changes. Returns one set per whole.
 */
export function withheldParts(
  wholes: readonly ReadonlyMap<string, number>[],
  complements: readonly { inner: number; outer: number }[] = [],
  publishedElsewhere: ReadonlySet<string> = new Set(),
  withheldElsewhere: readonly (ReadonlySet<string> | undefined)[] = [],
): Set<string>[] {
  const small = (n: number) => n >= 1 && n < MIN_PUBLISHED_COUNT;
  const withheld = wholes.map((w, i) => new Set([...w].filter(([k, n]) => small(n) || withheldElsewhere[i]?.has(k)).map(([k]) => k)));
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

