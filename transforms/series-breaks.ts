/**
 * Definition breaks: where an indicator's series changes definition midway, so values either side
 * are not comparable. Found from
 * - the catalogue (`breaks` of an indicator, e.g. the 2016 KS2 change) when its values span the date;
 * - police.uk files of another LSOA vintage (`audit.lsoa_vintages`): crime series change at the
 *   first month coded with the new vintage;
 * - a source's value note announcing a new definition (Fingertips `Value note`), for indicators
 *   whose source rows carry one;
 * - a change of population base (IoD File 6 broad bands, sex `P`, against ONS single-year
 *   estimates) between the mid-years the periods of a rate use.
 * Grain of `marts.series_breaks`: one row per indicator and break (`break_start`, the first
 * period start on the new definition). Each break is also a data-quality warning (`definition_break`).
 */
import type { Context } from "../pipelines/core/context.ts";
import { messages } from "../pipelines/core/messages.ts";
import { populationTable } from "./indicators/compile.ts";
import type { Indicator } from "./indicators/define.ts";

/** One break of one indicator's series. */
export interface SeriesBreakRow {
  indicator_id: string;
  break_start: string;
  label: string;
  reason: string;
}

/** Value notes that announce a change of definition or method. */
const DEFINITION_NOTE = "(new definition|definition (has )?changed|change(s)? (to|in) (the )?(definition|method)|not (directly )?comparable|break in (the )?series)";

/** Find and record every indicator's definition breaks; returns how many. */
export async function findSeriesBreaks(ctx: Context, indicators: readonly Indicator[]): Promise<number> {
  const { db } = ctx;
  await db.run(`CREATE OR REPLACE TABLE marts.series_breaks (indicator_id VARCHAR NOT NULL, break_start DATE NOT NULL, label VARCHAR NOT NULL, reason VARCHAR NOT NULL)`);
  const spans = new Map(
    (await db.all<{ id: string; first: string; last: string }>(
      `SELECT indicator_id AS id, min(period_start)::VARCHAR AS first, max(period_start)::VARCHAR AS last FROM marts.indicator_values GROUP BY 1`,
    )).map((r) => [r.id, r]),
  );
  const spanning = (id: string, at: string) => {
    const s = spans.get(id);
    return !!s && s.first < at && s.last >= at;
  };
  const rows: SeriesBreakRow[] = [];
  const add = (ind: Indicator, at: string, label: string, reason: string) => {
    if (spanning(ind.id, at) && !rows.some((r) => r.indicator_id === ind.id && r.break_start === at && r.label === label)) rows.push({ indicator_id: ind.id, break_start: at, label, reason });
  };
  const vintageBreaks = await crimeVintageBreaks(ctx);
  const baseBreaks = await populationBaseBreaks(ctx);
  for (const ind of indicators) {
    for (const b of ind.breaks) add(ind, b.from, b.label, b.reason);
    const n = ind.numerator;
    if (n.kind === "events" && /\bstaging\.crime_events\b/.test(n.from)) for (const b of vintageBreaks) add(ind, b.at, b.label, b.reason);
    if (n.kind === "counts" && (await hasColumn(ctx, n.from, "value_note"))) {
      const notes = await db.all<{ at: string; note: string }>(
        `SELECT min(${n.date})::DATE::VARCHAR AS at, any_value(value_note) AS note FROM ${n.from}
         WHERE ${n.where ? `(${n.where}) AND` : ""} regexp_matches(value_note, '${DEFINITION_NOTE}', 'i') AND ${n.date} IS NOT NULL`,
      );
      for (const x of notes) if (x.at) add(ind, x.at, "New definition", `the source's value note says "${x.note}"`);
    }
    if ("population" in ind.denominator && populationTable(ind) === "staging.population_lsoa") for (const b of baseBreaks) add(ind, b.at, b.label, b.reason);
  }
  rows.sort((a, b) => a.indicator_id.localeCompare(b.indicator_id) || a.break_start.localeCompare(b.break_start) || a.label.localeCompare(b.label));
  await db.insertRows("marts.series_breaks", ["indicator_id", "break_start", "label", "reason"], rows as unknown as Record<string, unknown>[]);
  const titles = new Map(indicators.map((i) => [i.id, i.title]));
  const labels = new Map(
    (await db.all<{ id: string; at: string; label: string }>(
      `SELECT b.indicator_id AS id, b.break_start::VARCHAR AS at, arg_min(v.period_label, v.period_start) AS label FROM marts.series_breaks b
       JOIN marts.indicator_values v ON v.indicator_id = b.indicator_id AND v.period_start >= b.break_start GROUP BY ALL`,
    )).map((r) => [`${r.id}|${r.at}`, r.label]),
  );
  for (const r of rows) {
    const period = labels.get(`${r.indicator_id}|${r.break_start}`) ?? r.break_start;
    await db.recordWarning("measure", "definition_break", r.indicator_id, messages.definitionBreak(titles.get(r.indicator_id) ?? r.indicator_id, r.label, period, r.reason));
  }
  return rows.length;
}

/** Does a table (or subquery) have a column? */
async function hasColumn(ctx: Context, from: string, column: string): Promise<boolean> {
  const table = /(staging\.[a-z0-9_]+)/.exec(from)?.[1];
  if (!table || !(await ctx.db.hasTable(table))) return false;
  const cols = await ctx.db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${from} LIMIT 0`);
  return cols.some((c) => c.column_name === column);
}

/** The first month of police.uk data coded with another LSOA vintage than the months before it. */
async function crimeVintageBreaks(ctx: Context): Promise<{ at: string; label: string; reason: string }[]> {
  const { db } = ctx;
  if (!(await db.hasTable("audit.lsoa_vintages")) || !(await db.hasTable("staging.crime_events"))) return [];
  const months = await db.all<{ m: string; v: string }>(`
    WITH files AS (SELECT path, lsoa_vintage FROM audit.lsoa_vintages WHERE lsoa_vintage IN ('LSOA11', 'LSOA21')),
    by_month AS (
      SELECT date_trunc('month', e.month)::DATE::VARCHAR AS m, min(f.lsoa_vintage) AS v
      FROM (SELECT DISTINCT month, _file FROM staging.crime_events) e JOIN files f ON f.path = e._file GROUP BY 1
    )
    SELECT m, v FROM by_month ORDER BY m`);
  const out: { at: string; label: string; reason: string }[] = [];
  for (let i = 1; i < months.length; i++) {
    const [a, b] = [months[i - 1]!, months[i]!];
    if (a.v !== b.v) {
      out.push({
        at: b.m,
        label: `police.uk ${b.v === "LSOA21" ? "2021" : "2011"} LSOAs`,
        reason: `police.uk coded crimes to ${a.v === "LSOA21" ? "2021" : "2011"} LSOAs up to ${a.m.slice(0, 7)} and to ${b.v === "LSOA21" ? "2021" : "2011"} LSOAs from ${b.m.slice(0, 7)}; where neighbourhoods were split or merged, crimes near the changed boundaries may be placed in another ward`,
      });
    }
  }
  return out;
}

/** Where the population base of rates changes: the first mid-year on ONS single-year estimates after File 6 bands, or back. */
async function populationBaseBreaks(ctx: Context): Promise<{ at: string; label: string; reason: string }[]> {
  const { db } = ctx;
  if (!(await db.hasTable("staging.population_lsoa"))) return [];
  const years = await db.all<{ year: number; base: string }>(
    `SELECT year, CASE WHEN bool_and(age <> age_to) THEN 'IoD File 6 (mid-year, broad bands, excluding prisoners)' ELSE 'ONS small-area population estimates' END AS base
     FROM staging.population_lsoa GROUP BY year ORDER BY year`,
  );
  const out: { at: string; label: string; reason: string }[] = [];
  for (let i = 1; i < years.length; i++) {
    const [a, b] = [years[i - 1]!, years[i]!];
    if (a.base !== b.base) {
      out.push({ at: `${b.year}-01-01`, label: "Population base changes", reason: `rates up to ${a.year} use ${a.base} and from ${b.year} ${b.base}` });
    }
  }
  return out;
}
