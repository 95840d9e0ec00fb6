/**
 * A plausibility check of the street-level crime placed in each authority of the build: crimes
 * and ASB incidents per 1,000 residents a month far below what any English authority records
 * mean the files are incomplete (a sparse extract, a force's partial data), not a safe area.
 * England records about 7-9 a month (police.uk's crimes and anti-social behaviour); the lowest
 * authorities about 3 (Derbyshire Dales recorded 20 crimes per 1,000 a year in 2010/11 before
 * anti-social behaviour, the lowest force, Devon and Cornwall, 58 in 2022/23). A month below
 * `CRIME_RATE_FLOOR` is warned about (`crime_rate_implausible`, once per authority with its
 * months), never withheld: the rates are published as read. Only where a population is loaded
 * (`staging.population_lsoa`, staged before the crime source: the crime adapter `reads` it).
 * Months already withheld as missing (`staging.crime_missing_lsoa_months`) are not checked; only
 * the build's own authorities (`ownAuthoritiesSql`) are.
 */
import type { Context } from "../../pipelines/core/context.ts";
import { messages, monthSpans } from "../../pipelines/core/messages.ts";
import { CRIME_LAD_MONTHS, CRIME_MISSING_LSOA_MONTHS, ownAuthoritiesSql } from "./police-missing-months.ts";

/** Crimes and ASB incidents per 1,000 residents a month below which an authority's month is implausible: a third of the lowest authorities' (about 3). */
export const CRIME_RATE_FLOOR = 1;

/**
 * A bound on an authority's residents per LSOA (England's average is about 1,700; LSOAs are drawn
 * for 1,000 to 3,000): an authority month with at least `CRIME_RATE_FLOOR` x this / 1,000 crimes
 * an LSOA is above the floor whatever its population, so the population is summed only for the
 * authorities with a month below it (none, usually: a national build sums no population here).
 */
const MAX_RESIDENTS_PER_LSOA = 4000;

/** Warn of each authority whose placed crime is below `CRIME_RATE_FLOOR` in some month (see module doc). Reads `CRIME_LAD_MONTHS`. */
export async function checkCrimeRateFloor(ctx: Context): Promise<void> {
  const { db } = ctx;
  if (!(await db.hasTable("staging.population_lsoa"))) return;
  // The authority months not withheld, with few enough crimes to be below the floor for some population.
  await db.run(`CREATE OR REPLACE TEMP TABLE _rate_candidates AS
    WITH counts AS (SELECT lad_code, month, sum(n) AS n FROM ${CRIME_LAD_MONTHS} WHERE lad_code IN (SELECT lad_code FROM ${ownAuthoritiesSql(ctx.config)}) GROUP BY ALL),
    lsoas AS (SELECT lad_code, count(*) AS lsoas FROM ref.lsoa_ward GROUP BY 1),
    withheld AS (SELECT DISTINCT w.lad_code, m.month FROM ${CRIME_MISSING_LSOA_MONTHS} m JOIN ref.lsoa_ward w USING (lsoa_code)),
    everywhere AS (SELECT DISTINCT month FROM ${CRIME_MISSING_LSOA_MONTHS} WHERE lsoa_code IS NULL)
    SELECT c.lad_code, c.month, c.n FROM counts c JOIN lsoas l USING (lad_code)
    WHERE c.n < ${CRIME_RATE_FLOOR} * ${MAX_RESIDENTS_PER_LSOA} / 1000 * l.lsoas
      AND NOT EXISTS (SELECT 1 FROM withheld x WHERE x.lad_code = c.lad_code AND x.month = c.month)
      AND c.month NOT IN (SELECT month FROM everywhere)`);
  if (!(await db.one(`SELECT 1 FROM _rate_candidates LIMIT 1`))) return void (await db.run(`DROP TABLE _rate_candidates`));
  // Each month against the population of the nearest mid-year loaded (as the indicators join it).
  const low = await db.all<{ lad_code: string; lad_name: string; month: string; n: number; rate: number }>(`
    WITH years AS (SELECT min(year) AS lo, max(year) AS hi FROM staging.population_lsoa),
    wanted AS (SELECT DISTINCT c.lad_code, c.month, greatest(least(year(c.month), y.hi), y.lo) AS year FROM _rate_candidates c CROSS JOIN years y),
    pop AS (SELECT w.lad_code, p.year, sum(p.population) AS population FROM staging.population_lsoa p JOIN ref.lsoa_ward w USING (lsoa_code)
            WHERE w.lad_code IN (SELECT lad_code FROM wanted) AND p.year IN (SELECT year FROM wanted) GROUP BY ALL)
    SELECT c.lad_code, a.lad_name, strftime(c.month, '%Y-%m') AS month, c.n::INTEGER AS n, 1000.0 * c.n / p.population AS rate
    FROM _rate_candidates c JOIN wanted x USING (lad_code, month) JOIN pop p ON p.lad_code = c.lad_code AND p.year = x.year
    JOIN ${ownAuthoritiesSql(ctx.config)} a ON a.lad_code = c.lad_code
    WHERE p.population > 0 AND 1000.0 * c.n / p.population < ${CRIME_RATE_FLOOR}
    ORDER BY c.lad_code, c.month`);
  await db.run(`DROP TABLE _rate_candidates`);
  const byAuthority = new Map<string, typeof low>();
  for (const r of low) byAuthority.set(r.lad_code, [...(byAuthority.get(r.lad_code) ?? []), r]);
  for (const months of byAuthority.values()) {
    const name = months[0]!.lad_name;
    const rates = months.map((m) => Number(m.rate));
    await db.recordWarning("conform", "crime_rate_implausible", name,
      messages.crimeRateImplausible(name, monthSpans(months.map((m) => m.month)), months.length, Math.min(...rates), Math.max(...rates), CRIME_RATE_FLOOR));
  }
}
