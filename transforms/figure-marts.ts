/**
 * The figure layer's marts (issue 18): the chart-ready aggregates the pack and the notebooks draw
 * beside the indicators, each with a stated grain, so neither reads a staging table. Made at the
 * end of the measure stage from the staged tables of this run (every area of the warehouse: a
 * pack keeps its own borough's rows); a mart whose source is not in the build is dropped, so
 * readers see it missing as they saw the source missing. Marts are made in the order listed; a
 * coarser mart is summed from the finer one above it, so the two always agree.
 *
 * - `marts.crime_by_lsoa_month`: one row per LSOA, month and crime type (police.uk crimes placed).
 * - `marts.crime_by_month`: one row per ward, month and crime type (summed from the LSOA mart).
 * - `marts.crime_unplaced`: one row per reason police.uk rows were not placed in a ward.
 * - `marts.lsoa_deprivation`: one row per LSOA of the lookup, with its ward and IMD score and decile.
 * - `marts.lsoa_population`: one row per LSOA of the lookup and mid-year, residents of all ages.
 * - `marts.complaints_by_month`: one row per ward, LSOA, month, category, service, channel and
 *   status, with the repeat cases and the days to resolve of the resolved cases.
 * - `marts.complaints_by_category`: one row per ward, financial year and category (withdrawn
 *   cases left out, as in `complaints.rate`; summed from the monthly mart).
 * - `marts.population_by_band`: one row per ward, year, sex and five-year age band (90+ last).
 * - `marts.survey_priorities`: one row per survey wave and item of the codebook's `priority`
 *   questions (choose up to n): weighted share of residents choosing it, with a 95% interval.
 * - `marts.survey_design`: one row per survey wave and ward: interviews, Kish's effective sample
 *   size and the design effect of the weights.
 */
import { createHash } from "node:crypto";
import type { Context } from "../pipelines/core/context.ts";
import { literal } from "../pipelines/core/warehouse.ts";
import type { TableChanges } from "./table-changes.ts";

/** Persons from a population table that has F and M rows, or P (persons) rows only. */
const PERSONS = `CASE WHEN count(*) FILTER (WHERE sex IN ('F', 'M')) > 0 THEN sum(population) FILTER (WHERE sex IN ('F', 'M'))
                      ELSE sum(population) FILTER (WHERE sex = 'P') END`;

/** A figure mart: its table, the tables it is made from (the `staging.*` ones must exist), and its SQL. */
interface FigureMart {
  table: string;
  from: string[];
  sql: string;
  /**
   * A mart by month (its `month` column `YYYY-MM`) of an events table (`from[0]`, dated by `date`):
   * its SQL for some months only (their first days, `YYYY-MM-DD`). A refresh makes again only the
   * months whose events changed (a new month of police.uk data).
   */
  byMonth?: { date: string; sql: (months: readonly string[]) => string };
}

/** SQL list of the `YYYY-MM` labels of months given by their first days. */
const labelsOf = (months: readonly string[]) => `(${months.map((d) => literal(d.slice(0, 7))).join(", ")})`;

/** The figure marts, in the order they are made. */
const FIGURE_MARTS: FigureMart[] = [
  {
    table: "marts.crime_by_lsoa_month",
    from: ["staging.crime_events", "ref.lsoa_ward"],
    sql: crimeByLsoaMonth("true"),
    byMonth: { date: "month", sql: (months) => crimeByLsoaMonth(`month IN (${months.map((d) => `DATE ${literal(d)}`).join(", ")})`) },
  },
  {
    table: "marts.crime_by_month",
    from: ["staging.crime_events"],
    sql: crimeByMonth("true"),
    byMonth: { date: "month", sql: (months) => crimeByMonth(`month IN ${labelsOf(months)}`) },
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
    from: ["staging.deprivation_lsoa", "ref.lsoa_ward"],
    sql: `SELECT l.lsoa_code, coalesce(l.lsoa_name, l.lsoa_code) AS lsoa_name, l.ward_code, l.lad_code, d.imd_score, d.imd_decile::INTEGER AS imd_decile
          FROM ref.lsoa_ward l LEFT JOIN staging.deprivation_lsoa d USING (lsoa_code) ORDER BY l.lsoa_code`,
  },
  {
    table: "marts.lsoa_population",
    from: ["staging.population_lsoa", "ref.lsoa_ward"],
    sql: `SELECT l.lsoa_code, coalesce(l.lsoa_name, l.lsoa_code) AS lsoa_name, l.ward_code, l.lad_code, p.year::INTEGER AS year, ${PERSONS}::DOUBLE AS population
          FROM ref.lsoa_ward l JOIN staging.population_lsoa p USING (lsoa_code) GROUP BY ALL ORDER BY ALL`,
  },
  {
    table: "marts.complaints_by_month",
    from: ["staging.complaints"],
    sql: `SELECT ward_code, lsoa_code, strftime(received, '%Y-%m') AS month,
                 (year(received) - CASE WHEN month(received) < 4 THEN 1 ELSE 0 END)::INTEGER AS financial_year,
                 coalesce(category, 'Not recorded') AS category, service, channel, status, count(*)::INTEGER AS cases,
                 count(*) FILTER (WHERE is_repeat)::INTEGER AS repeats,
                 coalesce(list(days_to_resolve::INTEGER ORDER BY days_to_resolve) FILTER (WHERE days_to_resolve IS NOT NULL), []) AS days
          FROM staging.complaints GROUP BY ALL ORDER BY ALL`,
  },
  {
    table: "marts.complaints_by_category",
    from: ["staging.complaints"],
    sql: `SELECT ward_code, financial_year, category, sum(cases)::INTEGER AS cases, sum(len(days))::INTEGER AS resolved,
                 list_sort(flatten(list(days))) AS days
          FROM marts.complaints_by_month WHERE ward_code IS NOT NULL AND month IS NOT NULL AND coalesce(status, '') <> 'Withdrawn'
          GROUP BY ALL ORDER BY ALL`,
  },
  {
    table: "marts.population_by_band",
    from: ["staging.population_lsoa", "ref.lsoa_ward"],
    sql: `SELECT w.ward_code, w.lad_code, p.year::INTEGER AS year, p.sex, least(floor(p.age / 5) * 5, 90)::INTEGER AS band, sum(p.population)::DOUBLE AS population
          FROM staging.population_lsoa p JOIN ref.lsoa_ward w USING (lsoa_code) WHERE p.sex IN ('F', 'M', 'P')
          GROUP BY ALL ORDER BY ALL`,
  },
  {
    // Respondents who chose at least one item are the base; an item chosen in two slots counts once.
    // The interval is the with-replacement linearised one of a weighted share (strata ignored):
    // se = sqrt(sum w^2 (y - p)^2) / sum w.
    table: "marts.survey_priorities",
    from: ["staging.survey_respondents", "staging.survey_answers", "ref.survey_questions"],
    sql: `WITH questions AS (SELECT question_id, answers FROM ref.survey_questions WHERE type = 'priority'),
          chose AS (
            SELECT DISTINCT r.wave, r.respondent_id, r.weight, trim(a.answer) AS item
            FROM staging.survey_respondents r JOIN staging.survey_answers a USING (wave, respondent_id)
            WHERE a.question_id IN (SELECT question_id FROM questions) AND nullif(trim(a.answer), '') IS NOT NULL AND r.weight IS NOT NULL
          ),
          base AS (SELECT wave, count(*) AS n, sum(weight) AS w, sum(weight * weight) AS w2 FROM (SELECT DISTINCT wave, respondent_id, weight FROM chose) GROUP BY wave),
          items AS (SELECT wave, item, count(*) AS n, sum(weight) AS w, sum(weight * weight) AS w2 FROM chose GROUP BY wave, item),
          fieldwork AS (SELECT wave, min(fieldwork_date) AS d FROM staging.survey_respondents GROUP BY wave),
          labels AS (
            SELECT item, min(label) AS label FROM (
              SELECT unnest(map_keys(m)) AS item, unnest(map_values(m)) AS label FROM (SELECT json_transform(answers, '"MAP(VARCHAR, VARCHAR)"') AS m FROM questions))
            GROUP BY item
          ),
          est AS (
            SELECT i.wave, i.item, i.n, b.n AS base, i.w / b.w AS p,
                   sqrt(i.w2 * (1 - i.w / b.w) ^ 2 + (b.w2 - i.w2) * (i.w / b.w) ^ 2) / b.w AS se
            FROM items i JOIN base b USING (wave)
          )
          SELECT e.wave, printf('%d/%02d', year(f.d) - (month(f.d) < 4)::INTEGER, (year(f.d) - (month(f.d) < 4)::INTEGER + 1) % 100) AS period_label,
                 e.item, coalesce(l.label, e.item) AS label, e.n::INTEGER AS choosing, e.base::INTEGER AS base,
                 100 * e.p AS weighted_pct, 100.0 * e.n / e.base AS unweighted_pct,
                 greatest(0, 100 * (e.p - 1.959963984540054 * e.se)) AS lower95, least(100, 100 * (e.p + 1.959963984540054 * e.se)) AS upper95,
                 rank() OVER (PARTITION BY e.wave ORDER BY e.p DESC)::INTEGER AS rank
          FROM est e JOIN fieldwork f USING (wave) LEFT JOIN labels l USING (item)
          ORDER BY e.wave, rank, e.item`,
  },
  {
    table: "marts.survey_design",
    from: ["staging.survey_respondents"],
    sql: `SELECT wave, ward_code, count(*)::INTEGER AS interviews, sum(weight) ^ 2 / sum(weight ^ 2) AS effective_n,
                 count(*) / (sum(weight) ^ 2 / sum(weight ^ 2)) AS design_effect
          FROM staging.survey_respondents WHERE ward_code IS NOT NULL AND weight IS NOT NULL GROUP BY ALL ORDER BY ALL`,
  },
];

function crimeByLsoaMonth(where: string): string {
  // The staged month is a DATE and crime type an ENUM; the mart (a contract, exported as Parquet)
  // keeps them as text, made from the groups, not from every line (grouping a national year's
  // lines by the text took 3.0-3.7 s, by the typed values 1.8 s). The lines hold their LSOA only:
  // its ward and authority come from the lookup. Sorted by the typed values too, in the order of
  // every column (an LSOA has one ward and authority; a DATE sorts as its `YYYY-MM`, the crime
  // type ENUM as its text; one row per LSOA, month and type): a national year 1.6-2.4 -> 1.3-1.6 s.
  return `SELECT c.lsoa_code, w.ward_code, w.lad_code, strftime(c.month, '%Y-%m') AS month, c.crime_type::VARCHAR AS crime_type, c.crimes
          FROM (SELECT lsoa_code, month, crime_type, count(*)::INTEGER AS crimes
                FROM staging.crime_events WHERE ${where} GROUP BY ALL) c JOIN ref.lsoa_ward w USING (lsoa_code) ORDER BY c.lsoa_code, c.month, c.crime_type`;
}

function crimeByMonth(where: string): string {
  return `SELECT ward_code, lad_code, month, crime_type, sum(crimes)::INTEGER AS crimes
          FROM marts.crime_by_lsoa_month WHERE ${where} GROUP BY ALL ORDER BY ALL`;
}

/** `audit.figure_marts(mart, sql_sha256)`: the SQL each figure mart was last made with. */
const STATE = "audit.figure_marts";

/**
 * Make (or drop) every figure mart; returns the names of those made. With `changes` (a refresh:
 * the previous run's warehouse attached), a mart made by the same SQL from tables that have not
 * changed is kept as it is, and a mart by month whose events changed in some months only has just
 * those months made again.
 */
export async function buildFigureMarts(ctx: Pick<Context, "db">, changes?: TableChanges): Promise<string[]> {
  const { db } = ctx;
  const made: string[] = [];
  await db.run(`CREATE TABLE IF NOT EXISTS ${STATE} (mart VARCHAR, sql_sha256 VARCHAR)`);
  const recorded = new Map((await db.all<{ mart: string; sql_sha256: string }>(`SELECT * FROM ${STATE}`)).map((r) => [r.mart, r.sql_sha256]));
  for (const m of FIGURE_MARTS) {
    let sources = true;
    for (const t of m.from) if (t.startsWith("staging.") && !(await db.hasTable(t))) sources = false;
    if (!sources) {
      await db.run(`DROP TABLE IF EXISTS ${m.table}`);
      await db.run(`DELETE FROM ${STATE} WHERE mart = $m`, { m: m.table });
      continue;
    }
    made.push(m.table);
    const sha = createHash("sha256").update(m.sql).digest("hex");
    if (changes && recorded.get(m.table) === sha && (await db.hasTable(m.table))) {
      // A mart by month asks which months of its events changed (as the measure plan did, so the
      // comparison is made once); that answer also says whether they changed at all.
      const months = m.byMonth ? await changes.changedMonths(m.from[0]!, m.byMonth.date) : undefined;
      const changed: string[] = [];
      for (const t of m.from) {
        const same = t === m.from[0] && months !== undefined ? months?.length === 0 : await changes.unchanged(t);
        if (!same) changed.push(t);
      }
      if (!changed.length) continue;
      if (months && changed.length === 1 && changed[0] === m.from[0] && !months.includes("")) {
        await db.run(`DELETE FROM ${m.table} WHERE month IN ${labelsOf(months)}`);
        await db.run(`INSERT INTO ${m.table} ${m.byMonth!.sql(months)}`);
        continue;
      }
    }
    await db.run(`CREATE OR REPLACE TABLE ${m.table} AS ${m.sql}`);
    await db.run(`DELETE FROM ${STATE} WHERE mart = $m`, { m: m.table });
    await db.run(`INSERT INTO ${STATE} VALUES ($m, $s)`, { m: m.table, s: sha });
  }
  return made;
}
