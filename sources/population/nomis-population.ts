/**
 * ONS small-area population estimates as Nomis gives them: the API's CSV (`NM_2014_1`, LSOAs 2021;
 * `NM_2010_1`, LSOAs 2011, to mid-2020), long, one row per area, date, sex and age:
 * `DATE_NAME` (`2022`), `GEOGRAPHY_CODE`, `GENDER_NAME` (`Total`, `Male`, `Female`), `C_AGE_NAME`
 * (`Age 0` ... `Age 89`, `Age 90+`, `All Ages`, bands such as `Aged 16 to 64`), `MEASURES_NAME`
 * (`Value`; `Percent` rows are not counts) and `OBS_VALUE`, among the other `*_NAME`/`*_CODE`
 * columns, with or without the API's `select=`. Staged like SAPE's single years.
 */
import { defineCsvFormat } from "../csv-format.ts";
import { registerFormats } from "../load-csv.ts";
import { displayPath } from "../files.ts";
import { messages } from "../../pipelines/core/messages.ts";
import type { Context } from "../../pipelines/core/context.ts";
import { literal } from "../../pipelines/core/warehouse.ts";
import { LSOA_CODE_PATTERN } from "../geography/lsoa-vintage.ts";
import { NOMIS_MARKERS } from "../economy/nomis.ts";

/** Nomis population estimates download (small area based, by single year of age or bands). */
export const nomisPopulationFormat = defineCsvFormat({
  id: "nomis_population",
  title: "a Nomis population estimates download (small area based, by age)",
  rawTable: "raw_population_nomis",
  grain: "one row per line of the download (area, date, sex, age and measure)",
  columns: [
    { name: "date_name", header: "DATE_NAME", required: true },
    { name: "lsoa_code", header: "GEOGRAPHY_CODE", required: true },
    { name: "geography_name", header: "GEOGRAPHY_NAME", optional: true },
    { name: "gender_name", header: "GENDER_NAME", required: true },
    { name: "age_name", header: "C_AGE_NAME", required: true },
    { name: "measures_name", header: "MEASURES_NAME", optional: true },
    { name: "obs_value", header: "OBS_VALUE", kind: "number", nonNegative: true, markers: NOMIS_MARKERS },
  ],
});
registerFormats(nomisPopulationFormat);

/** The ages a Nomis age label stands for (`age`..`age_to`; NULL when unreadable), as SQL over the label `t` (lower case, trimmed). */
const AGE_BAND = (t: string) => `CASE
    WHEN ${t} IN ('all ages', 'all persons', 'total') THEN [0, 120]
    WHEN regexp_full_match(${t}, 'aged? ([0-9]+) ?(\\+|and over|or over|plus)') THEN [regexp_extract(${t}, '([0-9]+)', 1)::INTEGER, 120]
    WHEN regexp_full_match(${t}, 'aged? under ([0-9]+)') THEN [0, regexp_extract(${t}, '([0-9]+)', 1)::INTEGER - 1]
    WHEN regexp_full_match(${t}, 'aged? ([0-9]+) ?(-|to) ?([0-9]+)') THEN [regexp_extract(${t}, '([0-9]+) ?(-|to) ?([0-9]+)', 1)::INTEGER, regexp_extract(${t}, '([0-9]+) ?(-|to) ?([0-9]+)', 3)::INTEGER]
    WHEN regexp_full_match(${t}, 'aged? ([0-9]+)') THEN [regexp_extract(${t}, '([0-9]+)', 1)::INTEGER, regexp_extract(${t}, '([0-9]+)', 1)::INTEGER]
  END`;

/** The sex a Nomis `GENDER_NAME` stands for (F, M, P; NULL when unreadable). */
const SEX = (g: string) => `CASE lower(trim(${g})) WHEN 'total' THEN 'P' WHEN 'all persons' THEN 'P' WHEN 'persons' THEN 'P' WHEN 'people' THEN 'P'
    WHEN 'male' THEN 'M' WHEN 'males' THEN 'M' WHEN 'female' THEN 'F' WHEN 'females' THEN 'F' END`;

/**
 * SQL: the Nomis rows of `files` (given in this order) as population rows `(_file, lsoa_code, year,
 * sex, age, age_to, population)` for the years `taken` does not list, and warnings for what is
 * left out. Counts only (`MEASURES_NAME` Value, or none); LSOAs only (a ward or authority row is
 * reported); of the bands a download gives for a year and sex, the finest (single years and 90+,
 * not `All Ages` or `Aged 16 to 64` besides them); persons only for a year given without males and
 * females; an LSOA's year and sex given by several downloads from the last given (all its ages:
 * single years in one and All Ages in another are never added together), a line repeated in one
 * download from its last line.
 */
export async function nomisPopulationRows(ctx: Context, files: readonly string[], taken: readonly number[]): Promise<string> {
  const { db } = ctx;
  const order = files.map((f, i) => `(${literal(f)}, ${i})`).join(", ");
  // Labels are parsed once each (a national download has millions of rows but a few hundred labels).
  const raw = nomisPopulationFormat.rawTable;
  await db.run(`CREATE OR REPLACE TEMP TABLE _nomis_population AS
    WITH o(f, ord) AS (VALUES ${order}),
    ages AS (SELECT label, ${AGE_BAND("lower(trim(label))")} AS band FROM (SELECT DISTINCT age_name AS label FROM ${raw})),
    dates AS (SELECT label, TRY_CAST(regexp_extract(label, '(19|20)[0-9]{2}') AS INTEGER) AS year FROM (SELECT DISTINCT date_name AS label FROM ${raw})),
    rows AS (
      SELECT r._file, r._line::INTEGER AS _line, o.ord::INTEGER AS ord, upper(trim(r.lsoa_code)) AS code, d.year, ${SEX("r.gender_name")} AS sex,
             a.band[1]::SMALLINT AS age, a.band[2]::SMALLINT AS age_to, TRY_CAST(replace(trim(r.obs_value), ',', '') AS DOUBLE) AS population,
             r.date_name, r.gender_name, r.age_name
      FROM ${raw} r JOIN o ON o.f = r._file JOIN ages a ON a.label IS NOT DISTINCT FROM r.age_name JOIN dates d ON d.label IS NOT DISTINCT FROM r.date_name
      WHERE r.measures_name IS NULL OR lower(trim(r.measures_name)) IN ('value', 'count', ''))
    SELECT _file, _line, ord, code, regexp_full_match(code, '${LSOA_CODE_PATTERN}') AS lsoa, year, sex, age, age_to, population,
           -- The label a left-out row is reported with (NULL for the rows used).
           CASE WHEN year IS NULL THEN trim(date_name) WHEN sex IS NULL THEN trim(gender_name) WHEN age IS NULL THEN trim(age_name) END AS bad_label
    FROM rows`);
  await reportRows(ctx, files.length > 1);
  // The bands kept for each download, year and sex: those no finer band given beside them overlaps.
  await db.run(`CREATE OR REPLACE TEMP TABLE _nomis_bands AS
    WITH b AS (SELECT DISTINCT _file, year, sex, age, age_to FROM _nomis_population WHERE year IS NOT NULL AND sex IS NOT NULL AND age IS NOT NULL)
    SELECT * FROM b WHERE NOT EXISTS (
      SELECT 1 FROM b f WHERE f._file = b._file AND f.year = b.year AND f.sex = b.sex AND f.age_to - f.age < b.age_to - b.age AND f.age <= b.age_to AND f.age_to >= b.age)`);
  const fresh = taken.length ? `AND p.year NOT IN (${taken.join(", ")})` : "";
  // The last download of each LSOA's year and sex (a window only when there are several), then its last line of each age.
  return `
    WITH kept AS (
      SELECT p._file, p._line, p.code, p.year, p.sex, p.age, p.age_to, p.population
      FROM _nomis_population p SEMI JOIN _nomis_bands b ON b._file = p._file AND b.year = p.year AND b.sex = p.sex AND b.age = p.age AND b.age_to = p.age_to
      WHERE p.lsoa AND p.population IS NOT NULL ${fresh}
        AND (p.sex <> 'P' OR p.year NOT IN (SELECT year FROM _nomis_population WHERE sex IN ('F', 'M')))
      ${files.length > 1 ? "QUALIFY p.ord = max(p.ord) OVER (PARTITION BY p.code, p.year, p.sex)" : ""})
    SELECT arg_max(_file, _line) AS _file, code AS lsoa_code, year, sex, age, age_to, arg_max(population, _line) AS population
    FROM kept GROUP BY code, year, sex, age, age_to`;
}

/**
 * Warn of the rows of Nomis downloads left out (areas that are not LSOAs, dates, sexes or ages
 * that cannot be read: each with its count and an example) and, of `several` downloads, of the
 * LSOAs' years and sexes a later one gives again.
 */
async function reportRows(ctx: Context, several: boolean): Promise<void> {
  const { db } = ctx;
  const left = await db.all<{ file: string; why: string; n: number; example: string }>(`
    WITH w AS (
      SELECT _file, CASE
          WHEN year IS NULL THEN 'date'
          WHEN sex IS NULL THEN 'sex'
          WHEN age IS NULL THEN 'age'
          WHEN NOT lsoa THEN 'area' END AS why,
        coalesce(bad_label, code) AS value, _line
      FROM _nomis_population)
    SELECT _file AS file, why, count(*)::INTEGER AS n, arg_min(value, _line) AS example FROM w WHERE why IS NOT NULL GROUP BY ALL ORDER BY 1, 2`);
  for (const l of left) {
    const file = displayPath(ctx.config, l.file);
    await db.recordWarning("conform", "population_rows_left_out", file, messages.nomisPopulationLeftOut(file, l.why as "date" | "sex" | "age" | "area", l.n, l.example));
  }
  // An LSOA's year and sex given by two downloads: taken from the last given, as for SAPE tables.
  if (!several) return;
  const repeats = await db.all<{ dropped: string; used: string; year: number; sex: "F" | "M" | "P"; n: number }>(`
    WITH g AS (SELECT DISTINCT _file, ord, code, year, sex FROM _nomis_population WHERE year IS NOT NULL AND sex IS NOT NULL),
         w AS (SELECT code, year, sex, arg_max(_file, ord) AS used FROM g GROUP BY ALL)
    SELECT g._file AS dropped, w.used, g.year, g.sex, count(*)::INTEGER AS n FROM g JOIN w USING (code, year, sex) WHERE g._file <> w.used GROUP BY ALL ORDER BY min(g.ord), 2, 3, 4`);
  for (const r of repeats) {
    const [a, b] = [displayPath(ctx.config, r.dropped), displayPath(ctx.config, r.used)];
    await db.recordWarning("conform", "population_year_repeated", a, messages.populationYearRepeated("Nomis", r.year, r.sex, r.n, a, b));
  }
}
