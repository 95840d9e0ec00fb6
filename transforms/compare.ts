/**
 * Stage 4, compare: each ward, locality and the authority against its comparators, the
 * Fingertips way (the area's interval against the comparator's value; touching is similar;
 * polarity turns higher/lower into better/worse), at 95% and 99.8%.
 * Grain of `marts.indicator_comparisons`: one row per indicator, area, period, breakdown,
 * comparator and level.
 */
import { fileURLToPath } from "node:url";
import type { Context } from "../pipelines/core/context.ts";
import { literal } from "../pipelines/core/warehouse.ts";
import { clearChangedGroups, sameStateAsBefore, stageFingerprint } from "./stage-state.ts";
import { restOfParentCode } from "../pipelines/core/config.ts";
import { messages } from "../pipelines/core/messages.ts";
import type { ComparatorKind, IndicatorComparisonRow } from "./marts.ts";
import type { Indicator } from "./indicators/define.ts";
import { compareToValueSql } from "./stats/index.ts";
import { decileGroupCode, similarWardsCode } from "./reference/comparator-groups.ts";

/** Columns of `marts.indicator_comparisons`, in order. */
export const COMPARISON_COLUMNS: (keyof IndicatorComparisonRow)[] = [
  "indicator_id", "area_code", "period_label", "breakdown", "comparator_code", "comparator_kind", "comparator_value", "outcome", "level", "method",
];

/** One area's comparator of one kind. */
export interface ComparatorLink {
  area_code: string;
  comparator_kind: ComparatorKind;
  comparator_code: string;
}

/** The parent's county, region and country comparators, and why one the config asks for is missing. */
export interface ParentComparators {
  /** The shire county of a district (null for a unitary authority, which has none). */
  county: string | null;
  region: string | null;
  country: string | null;
  missing: { kind: "region" | "country"; why: string }[];
}

/**
 * The county, region and country of the build's parent from `ref.areas` rows, walking up its
 * parents (a district's parent is its county, the county's its region): never the parent itself,
 * each only if its row is of that type (an authority whose parent is a country, as in Wales, has a
 * country comparator and no region).
 */
export function parentComparators(areas: readonly { area_code: string; area_type: string; parent_code: string | null }[], parent: string, hasHierarchy: boolean): ParentComparators {
  const byCode = new Map(areas.map((a) => [a.area_code, a]));
  const chain: { area_code: string; area_type: string }[] = [];
  for (let code = byCode.get(parent)?.parent_code ?? null; code && code !== parent && !chain.some((c) => c.area_code === code);) {
    const row = byCode.get(code);
    if (!row) break;
    chain.push(row);
    code = row.parent_code;
  }
  const first = (type: string) => chain.find((c) => c.area_type === type)?.area_code ?? null;
  const [county, region, country] = [first("county"), first("region"), first("country")];
  const up = byCode.get(parent)?.parent_code ?? null;
  const upType = up && up !== parent ? byCode.get(up)?.area_type : undefined;
  const why = !hasHierarchy ? "no hierarchy lookup is configured (geography.hierarchy)"
    : !up ? "it has no row in the hierarchy lookup"
    : up === parent ? "the hierarchy lookup gives it as its own parent"
    : !upType ? `its parent ${up} has no row in the geography lookups`
    : !region && country ? `it has no region: its parent ${up} is a country`
    : `its region ${region ?? up} has no country`;
  const missing: ParentComparators["missing"] = [];
  if (!region) missing.push({ kind: "region", why });
  if (!country) missing.push({ kind: "country", why });
  return { county, region, country, missing };
}

/**
 * The comparators of every ward, locality and the authority, by kind, in the config's order (only
 * those that exist in `ref.areas`; the region and country are the parent's, see `parentComparators`).
 */
export async function comparatorLinks(ctx: Context): Promise<ComparatorLink[]> {
  const parent = ctx.config.parent;
  const all = await ctx.db.all<{ area_code: string; area_type: string; parent_code: string | null }>(
    `SELECT area_code, area_type, parent_code FROM ref.areas WHERE area_type IN ('ward', 'locality', 'authority', 'county', 'region', 'country', 'rest_of_authority', 'comparator_group')`,
  );
  const byCode = new Map(all.map((a) => [a.area_code, a]));
  const { county, region, country } = parentComparators(all, parent, Boolean(ctx.config.geography.hierarchy));
  const areas = all.filter((a) => a.area_type === "ward" || a.area_type === "locality" || a.area_code === parent);
  const out: ComparatorLink[] = [];
  for (const a of areas) {
    const add = (kind: ComparatorKind, code: string | null, mustExist = true) => {
      if (code && code !== a.area_code && (!mustExist || byCode.has(code))) out.push({ area_code: a.area_code, comparator_kind: kind, comparator_code: code });
    };
    for (const kind of ctx.config.comparators) {
      if (kind === "parent" && a.area_type !== "authority") add("parent", parent, false);
      if (kind === "rest_of_parent" && a.area_type !== "authority") add("rest_of_parent", restOfParentCode(parent, a.area_code));
      if (kind === "similar_wards") add("similar_wards", similarWardsCode(a.area_code));
      if (kind === "deprivation_decile") add("deprivation_decile", decileGroupCode(a.area_code));
      if (kind === "county") add("county", county);
      if (kind === "region") add("region", region);
      if (kind === "country") add("country", country);
    }
  }
  return out;
}

/**
 * Say which configured region or country comparator the parent has none of, and why
 * (`comparator_unavailable`), and name a district's county when `county` is not a comparator
 * (`county_not_compared`). A unitary authority has no county: nothing is missing.
 */
async function warnMissingComparators(ctx: Context): Promise<void> {
  const all = await ctx.db.all<{ area_code: string; area_name: string; area_type: string; parent_code: string | null }>(
    `SELECT area_code, area_name, area_type, parent_code FROM ref.areas WHERE area_type IN ('authority', 'county', 'region', 'country')`,
  );
  const { county, missing } = parentComparators(all, ctx.config.parent, Boolean(ctx.config.geography.hierarchy));
  for (const m of missing) {
    if (!ctx.config.comparators.includes(m.kind)) continue;
    await ctx.db.recordWarning("compare", "comparator_unavailable", m.kind, messages.comparatorUnavailable(m.kind, ctx.config.parent, m.why));
  }
  // A district's county left out of a comparators list written for a unitary authority: say how to add it.
  if (county && !ctx.config.comparators.includes("county")) {
    const name = all.find((a) => a.area_code === county)?.area_name ?? county;
    await ctx.db.recordWarning("compare", "county_not_compared", county, messages.countyNotCompared(ctx.config.parent, county, name));
  }
}

/** How many values one comparison statement takes at most (see `compareIndicators`); a setting, so tests can compare an indicator a statement. */
export const compareTuning = { batchValues: 250_000 };

/** Consecutive ids grouped so each group's counts sum to at most `cap` (an id over it alone). */
export function batchesOf(counts: readonly { id: string; n: number }[], cap: number): string[][] {
  const out: string[][] = [];
  let sum = Infinity;
  for (const { id, n } of counts) {
    if (sum + Number(n) > cap) {
      out.push([]);
      sum = 0;
    }
    out[out.length - 1]!.push(id);
    sum += Number(n);
  }
  return out;
}

/**
 * Compare every value with its comparators into `marts.indicator_comparisons`. With `prev` (a
 * refresh: the previous warehouse attached under that name, whose comparisons this warehouse
 * copied), when the code, the comparator links and the polarities are those the previous run
 * compared with (`audit.compare_state`), only the indicator, period and breakdown groups whose
 * values changed are compared again; the others keep their rows. Returns the rows in the table.
 */
export async function compareIndicators(ctx: Context, indicators: readonly Indicator[], prev?: string): Promise<number> {
  const { db } = ctx;
  await warnMissingComparators(ctx);
  const links = (await comparatorLinks(ctx)).map((l, ord) => ({ ...l, ord }));
  const polarity = indicators.map((i) => ({ indicator_id: i.id, polarity: i.polarity }));
  const state = stageFingerprint(fileURLToPath(import.meta.url), { links, polarity });
  const same = await sameStateAsBefore(db, "audit.compare_state", state, prev, ["marts.indicator_values"]);
  // The groups to compare: every one, or those whose values (the area's or a comparator's) changed.
  const key = (t: string) => `concat_ws(chr(31), ${t}.indicator_id, ${t}.period_label, ${t}.breakdown)`;
  if (same) {
    await clearChangedGroups(db, { temp: "_cmp_groups", current: "marts.indicator_values", previous: `${prev}.marts.indicator_values`, key, target: "marts.indicator_comparisons" });
  } else {
    await db.run(`DELETE FROM marts.indicator_comparisons`);
  }
  await db.run(`CREATE OR REPLACE TEMP TABLE _cmp_links (area_code VARCHAR, comparator_kind VARCHAR, comparator_code VARCHAR, ord INTEGER)`);
  await db.insertRows("_cmp_links", ["area_code", "comparator_kind", "comparator_code", "ord"], links as unknown as Record<string, unknown>[]);
  await db.run(`CREATE OR REPLACE TEMP TABLE _cmp_polarity (indicator_id VARCHAR, polarity VARCHAR)`);
  await db.insertRows("_cmp_polarity", ["indicator_id", "polarity"], polarity);
  const lower = "CASE l.level WHEN '95' THEN v.lower95 ELSE v.lower998 END";
  const upper = "CASE l.level WHEN '95' THEN v.upper95 ELSE v.upper998 END";
  const cValue = "CASE WHEN NOT c.is_suppressed THEN c.value END";
  // A few indicators at a time, at most `compareTuning.batchValues` values of them (in indicator order, as
  // one statement ordered by indicator would write them): the join and sort of a national build's
  // values at once were the build's peak of memory; one statement per indicator cost a small build
  // 42 statements where one does (planning, not joining, was their time).
  // A refresh goes through only the indicators with a changed group (a new month: the crime ones;
  // a batch of unchanged indicators compared none of its values, yet read and keyed them all: about
  // a second of a national refresh). A group's key starts with its indicator's id.
  const changed = same ? `WHERE indicator_id IN (SELECT DISTINCT split_part(k, chr(31), 1) FROM _cmp_groups)` : "";
  const counts = await db.all<{ id: string; n: number }>(`SELECT indicator_id AS id, count(*)::BIGINT AS n FROM marts.indicator_values ${changed} GROUP BY 1 ORDER BY 1`);
  for (const ids of batchesOf(counts, compareTuning.batchValues)) {
    const list = ids.map((i) => literal(i)).join(", ");
    await db.run(`INSERT INTO marts.indicator_comparisons (${COMPARISON_COLUMNS.join(", ")})
      SELECT v.indicator_id, v.area_code, v.period_label, v.breakdown, k.comparator_code, k.comparator_kind, ${cValue},
             CASE WHEN v.is_suppressed THEN 'not_compared' ELSE ${compareToValueSql(lower, upper, cValue, "p.polarity")} END,
             l.level,
             CASE WHEN ${lower} IS NULL OR ${upper} IS NULL THEN 'not compared: no interval'
                  ELSE 'area ' || l.level || '% interval vs comparator value (Fingertips)' END
      FROM marts.indicator_values v
      JOIN _cmp_polarity p USING (indicator_id)
      JOIN _cmp_links k ON k.area_code = v.area_code
      JOIN marts.indicator_values c ON c.indicator_id = v.indicator_id AND c.area_code = k.comparator_code
           AND c.period_type = v.period_type AND c.period_label = v.period_label AND c.breakdown = v.breakdown
      CROSS JOIN (VALUES ('95', 1), ('99.8', 2)) l(level, lord)
      WHERE v.indicator_id IN (${list}) AND c.indicator_id IN (${list}) ${same ? `AND ${key("v")} IN (SELECT k FROM _cmp_groups)` : ""}
      ORDER BY v.indicator_id, v.period_start, v.period_type, v.area_code, v.breakdown, k.ord, l.lord`);
  }
  const n = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM marts.indicator_comparisons`);
  await db.run(`DROP TABLE IF EXISTS _cmp_links; DROP TABLE IF EXISTS _cmp_polarity; DROP TABLE IF EXISTS _cmp_groups`);
  return n!.n;
}
