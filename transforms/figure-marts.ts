/**
 * The figure layer's marts (issue 18): the chart-ready aggregates the pack draws beside the
 * indicators, each with a stated grain, so the pack reads marts only, never a staging table.
 * Made at the end of the measure stage from the staged tables of this run (every area of the
 * warehouse: a pack keeps its own borough's rows); a mart whose source is not in the build is
 * dropped, so readers see it missing as they saw the source missing.
 *
 * - `marts.crime_by_month`: one row per ward, month and crime type (police.uk crimes placed).
 * - `marts.crime_unplaced`: one row per reason police.uk rows were not placed in a ward.
 * - `marts.lsoa_deprivation`: one row per LSOA of the lookup, with its ward and IMD score and decile.
 * - `marts.complaints_by_category`: one row per ward, financial year and category (withdrawn
 *   cases left out, as in `complaints.rate`), with the days to resolve of the resolved cases.
 * - `marts.population_by_band`: one row per ward, year, sex and five-year age band (90+ last).
 */
import type { Context } from "../pipelines/core/context.ts";

/** The figure marts and the staging tables each is made from (all of them must exist). */
const FIGURE_MARTS: { table: string; from: string[]; sql: string }[] = [
  {
    table: "marts.crime_by_month",
    from: ["staging.crime_events"],
    sql: `SELECT ward_code, lad_code, strftime(month, '%Y-%m') AS month, crime_type, count(*)::INTEGER AS crimes
          FROM staging.crime_events GROUP BY ALL ORDER BY ALL`,
  },
  {
    table: "marts.crime_unplaced",
    from: ["staging.crime_no_location", "staging.crime_outside_lookup"],
    sql: `SELECT 'no location' AS reason, coalesce(sum(crimes), 0)::INTEGER AS crimes FROM staging.crime_no_location
          UNION ALL SELECT 'not in the lookup', coalesce(sum(crimes), 0)::INTEGER FROM staging.crime_outside_lookup WHERE reason <> 'authority not in this build'
          UNION ALL SELECT 'authority not in this build', coalesce(sum(crimes), 0)::INTEGER FROM staging.crime_outside_lookup WHERE reason = 'authority not in this build'`,
  },
  {
    table: "marts.lsoa_deprivation",
    from: ["staging.deprivation_lsoa"],
    sql: `SELECT l.lsoa_code, coalesce(l.lsoa_name, l.lsoa_code) AS lsoa_name, l.ward_code, l.lad_code, d.imd_score, d.imd_decile::INTEGER AS imd_decile
          FROM ref.lsoa_ward l LEFT JOIN staging.deprivation_lsoa d USING (lsoa_code) ORDER BY l.lsoa_code`,
  },
  {
    table: "marts.complaints_by_category",
    from: ["staging.complaints"],
    sql: `SELECT ward_code, (year(received) - CASE WHEN month(received) < 4 THEN 1 ELSE 0 END)::INTEGER AS financial_year,
                 coalesce(category, 'Not recorded') AS category, count(*)::INTEGER AS cases, count(days_to_resolve)::INTEGER AS resolved,
                 list(days_to_resolve::INTEGER ORDER BY days_to_resolve) FILTER (WHERE days_to_resolve IS NOT NULL) AS days
          FROM staging.complaints WHERE ward_code IS NOT NULL AND received IS NOT NULL AND coalesce(status, '') <> 'Withdrawn'
          GROUP BY ALL ORDER BY ALL`,
  },
  {
    table: "marts.population_by_band",
    from: ["staging.population_lsoa"],
    sql: `SELECT w.ward_code, w.lad_code, p.year::INTEGER AS year, p.sex, least(floor(p.age / 5) * 5, 90)::INTEGER AS band, sum(p.population)::DOUBLE AS population
          FROM staging.population_lsoa p JOIN ref.lsoa_ward w USING (lsoa_code) WHERE p.sex IN ('F', 'M', 'P')
          GROUP BY ALL ORDER BY ALL`,
  },
];

/** Make (or drop) every figure mart; returns the names of those made. */
export async function buildFigureMarts(ctx: Pick<Context, "db">): Promise<string[]> {
  const made: string[] = [];
  for (const m of FIGURE_MARTS) {
    let sources = true;
    for (const t of m.from) if (!(await ctx.db.hasTable(t))) sources = false;
    if (!sources) {
      await ctx.db.run(`DROP TABLE IF EXISTS ${m.table}`);
      continue;
    }
    await ctx.db.run(`CREATE OR REPLACE TABLE ${m.table} AS ${m.sql}`);
    made.push(m.table);
  }
  return made;
}
