/**
 * Comparator groups built as areas, so every indicator is computed for them by the same
 * compiler: a focus area's "similar wards" (its k nearest neighbours among the build's other
 * wards on standardised deprivation and population variables) and its "deprivation decile"
 * group (the other wards whose population-weighted average national IMD decile rounds to the
 * focus area's). Writes `ref.areas`, `ref.area_members`, and `ref.similar_wards` (one row per
 * focus area and neighbour, with its distance and rank).
 */
import type { Context } from "../../pipelines/core/context.ts";
import { literal } from "../../pipelines/core/warehouse.ts";

/** Code of a focus area's similar-wards group. */
export const similarWardsCode = (focus: string) => `SIM_${focus}`;
/** Code of a focus area's deprivation-decile group. */
export const decileGroupCode = (focus: string) => `DEC_${focus}`;

interface WardProfile {
  ward_code: string;
  population: number;
  imd_score: number | null;
  most_deprived_decile_share: number | null;
  share_aged_0_15: number | null;
  share_aged_65_plus: number | null;
  mean_decile: number | null;
}

/** Ward profiles on the latest population year (deprivation columns null without IoD data). */
export async function wardProfiles(ctx: Context): Promise<WardProfile[]> {
  const dep = await ctx.db.hasTable("staging.deprivation_lsoa");
  return ctx.db.all<WardProfile>(`
    WITH pop AS (
      SELECT lsoa_code, sum(population) AS population,
             sum(population) FILTER (WHERE age_to <= 15) AS young, sum(population) FILTER (WHERE age >= 65) AS old
      FROM staging.population_lsoa WHERE year = (SELECT max(year) FROM staging.population_lsoa) GROUP BY 1
    )
    SELECT l.ward_code, sum(p.population)::DOUBLE AS population,
           ${dep ? "sum(d.imd_score * p.population) / nullif(sum(p.population) FILTER (WHERE d.imd_score IS NOT NULL), 0)" : "NULL"}::DOUBLE AS imd_score,
           ${dep ? "sum(p.population) FILTER (WHERE d.imd_decile = 1) / sum(p.population)" : "NULL"}::DOUBLE AS most_deprived_decile_share,
           (sum(p.young) / sum(p.population))::DOUBLE AS share_aged_0_15,
           (sum(p.old) / sum(p.population))::DOUBLE AS share_aged_65_plus,
           ${dep ? "sum(d.imd_decile * p.population) / nullif(sum(p.population) FILTER (WHERE d.imd_decile IS NOT NULL), 0)" : "NULL"}::DOUBLE AS mean_decile
    FROM ref.lsoa_ward l JOIN pop p USING (lsoa_code) ${dep ? "LEFT JOIN staging.deprivation_lsoa d USING (lsoa_code)" : ""}
    GROUP BY 1 ORDER BY 1`);
}

/**
 * The k nearest wards to `focus` by Euclidean distance on z-scored variables (variables with no
 * spread or no data are dropped). Ties broken by ward code, so the result is deterministic.
 */
export function nearestWards(profiles: WardProfile[], focusWards: string[], variables: (keyof WardProfile)[], k: number): { ward_code: string; distance: number }[] {
  const usable = variables.filter((v) => profiles.every((p) => typeof p[v] === "number" && Number.isFinite(p[v] as number)));
  const stats = usable.map((v) => {
    const xs = profiles.map((p) => p[v] as number);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
    return { v, mean, sd };
  }).filter((s) => s.sd > 0);
  const z = (p: WardProfile) => stats.map((s) => ((p[s.v] as number) - s.mean) / s.sd);
  // A locality's profile: the population-weighted mean of its wards' z-scores.
  const members = profiles.filter((p) => focusWards.includes(p.ward_code));
  const total = members.reduce((a, p) => a + p.population, 0);
  const centre = stats.map((_, i) => members.reduce((a, p) => a + z(p)[i]! * p.population, 0) / total);
  return profiles
    .filter((p) => !focusWards.includes(p.ward_code))
    .map((p) => ({ ward_code: p.ward_code, distance: Math.sqrt(z(p).reduce((a, x, i) => a + (x - centre[i]!) ** 2, 0)) }))
    .sort((a, b) => a.distance - b.distance || a.ward_code.localeCompare(b.ward_code))
    .slice(0, k);
}

/** Build the comparator groups the config asks for. */
export async function buildComparatorGroups(ctx: Context): Promise<void> {
  const { db, config } = ctx;
  // Derived afresh each run: a refresh that left geography as it was still has the last run's groups.
  await db.run(`DELETE FROM ref.area_members WHERE area_type = 'comparator_group'; DELETE FROM ref.areas WHERE area_type = 'comparator_group'`);
  const wanted = new Set(config.comparators);
  if (!wanted.has("similar_wards") && !wanted.has("deprivation_decile")) return;
  if (!(await ctx.db.hasTable("staging.population_lsoa"))) return;
  const profiles = await wardProfiles(ctx);
  await db.run(`CREATE OR REPLACE TABLE ref.similar_wards (focus_code VARCHAR, ward_code VARCHAR, rank INTEGER, distance DOUBLE, variables VARCHAR)`);
  for (const { code, wards } of config.focusAreas) {
    const name = (await db.one<{ area_name: string }>(`SELECT area_name FROM ref.areas WHERE area_code = $c`, { c: code }))!.area_name;
    // Wards of the focus area's nation only (E05 England, W05 Wales): each nation's deprivation
    // index ranks its own LSOAs, so an English rank and a Welsh one do not compare (nor does a ward
    // without its nation's index, whose missing values would drop deprivation from the distance).
    const nation = wards[0]![0];
    const pool = profiles.filter((p) => p.ward_code[0] === nation);
    const addGroup = async (groupCode: string, groupName: string, members: string[]) => {
      await db.run(`INSERT INTO ref.areas VALUES ($c, $n, 'comparator_group', $p, 'derived')`, { c: groupCode, n: groupName, p: config.parent });
      if (members.length === 0) return;
      await db.run(
        `INSERT INTO ref.area_members SELECT $c, 'comparator_group', lsoa_code FROM ref.lsoa_ward WHERE ward_code IN (${members.map(literal).join(", ")})`,
        { c: groupCode },
      );
    };
    if (wanted.has("similar_wards")) {
      const vars = config.similarWards.variables as (keyof WardProfile)[];
      const near = nearestWards(pool, wards, vars, config.similarWards.k);
      await db.insertRows(
        "ref.similar_wards",
        ["focus_code", "ward_code", "rank", "distance", "variables"],
        near.map((n, i) => ({ focus_code: code, ward_code: n.ward_code, rank: i + 1, distance: n.distance, variables: vars.join(", ") })),
      );
      await addGroup(similarWardsCode(code), `${near.length} wards most like ${name}`, near.map((n) => n.ward_code));
    }
    if (wanted.has("deprivation_decile")) {
      const members = pool.filter((p) => wards.includes(p.ward_code));
      const pop = members.reduce((a, p) => a + p.population, 0);
      const decile = members.every((p) => p.mean_decile !== null)
        ? Math.round(members.reduce((a, p) => a + (p.mean_decile as number) * p.population, 0) / pop)
        : null;
      if (decile === null) continue;
      const same = pool.filter((p) => !wards.includes(p.ward_code) && p.mean_decile !== null && Math.round(p.mean_decile) === decile).map((p) => p.ward_code);
      await addGroup(decileGroupCode(code), `Other wards in national ${nation === "W" ? "WIMD" : "IMD"} decile ${decile}`, same);
    }
  }
}
