/**
 * ONS small-area population estimates (SAPE) by LSOA, sex and single year of age, in the
 * published wide layout (`F0..F90`, `M0..M90`, 90 = 90 and over): the .xlsx workbook as ONS
 * issues it (`sapelsoasyoa20222024.xlsx`: a sheet per mid-year, `Mid-2022 LSOA 2021`, its table
 * below title rows), or a CSV saved from one sheet, the year in its file name (`sapelsoasyoa2023.csv`).
 */
import path from "node:path";
import { defineCsvFormat, type ColumnSpec, type CsvFormat } from "../csv-format.ts";
import { countCellSql, headerFits, loadCsvFiles, pickFormat, registerFormats } from "../load-csv.ts";
import { displayPath, expandFiles } from "../files.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import type { Context } from "../../pipelines/core/context.ts";
import { OGL } from "../source-adapter.ts";
import { z } from "zod";
import { defineSource, fileList } from "../../pipelines/core/source-definition.ts";
import { denominatorBandsSql, denominatorsMismatchSql, denominatorsYear, iodDenominatorsFormat, workingAgeSql } from "./iod-denominators.ts";
import { conformEsp2013, loadEsp2013 } from "./esp2013.ts";
import { lastLineSql, warnDuplicates } from "../keyed-rows.ts";
import { isWorkbook, loadWorkbookTables, workbookCacheOf, workbookTables, type WorkbookTable } from "../workbook.ts";
import { LSOA_CODE_PATTERN, placeLsoaCodes } from "../geography/lsoa-vintage.ts";
import { literal, type Warehouse } from "../../pipelines/core/warehouse.ts";
import { nomisPopulationFormat, nomisPopulationRows } from "./nomis-population.ts";
import { CENSUS_YEAR, censusAgeBandsFormat, censusBands, censusSingleYearFormat } from "./census-age.ts";

const ages = Array.from({ length: 91 }, (_, i) => i);
const bySexAge: ColumnSpec[] = (["F", "M"] as const).flatMap((sex) =>
  ages.map((a) => ({ name: `${sex.toLowerCase()}${a}`, header: `${sex}${a}`, kind: "integer" as const, nonNegative: true, required: true })),
);

/** ONS SAPE wide single-year-of-age layout. */
export const sapeFormat = defineCsvFormat({
  id: "ons_sape_lsoa_syoa",
  title: "an ONS small-area population estimates file (LSOA by sex and single year of age)",
  rawTable: "raw_population_sape",
  grain: "one row per LSOA and mid-year (ages and sexes wide)",
  columns: [
    { name: "lsoa_code", header: /^LSOA (20)?\d{2} Code$/, required: true },
    { name: "lsoa_name", header: /^LSOA (20)?\d{2} Name$/, optional: true },
    { name: "total", header: "Total", kind: "integer", nonNegative: true, required: true },
    ...bySexAge,
  ],
});
registerFormats(sapeFormat);

/**
 * ONS SAPE on 2011 LSOAs (the editions to mid-2020): a sheet per mid-year and sex (`Mid-2019
 * Males`, `Mid-2019 Females`, `Mid-2019 Persons`), single years across: `LSOA Code, LSOA Name, LA
 * Code (2019 boundaries), ..., All Ages, 0, 1, ..., 89, 90+` (unformatted), or `Area Codes, LA
 * (2019 boundaries), LSOA, All Ages, 0, ..., 90+` with each authority's subtotal row above its
 * LSOAs (formatted).
 */
export const sapeBySexFormat = defineCsvFormat({
  id: "ons_sape_lsoa_syoa_by_sex",
  title: "an ONS small-area population estimates sheet (LSOA by single year of age, a sheet per sex)",
  rawTable: "raw_population_sape_by_sex",
  grain: "one row per LSOA of one mid-year and sex (formatted editions: and per authority)",
  columns: [
    { name: "lsoa_code", header: /^(LSOA Code|Area Codes)$/i, required: true },
    { name: "total", header: /^All Ages$/i, kind: "integer", nonNegative: true, required: true },
    ...ages.map((a) => ({ name: `a${a}`, header: a === 90 ? "90+" : String(a), kind: "integer" as const, nonNegative: true, required: true })),
  ],
});
registerFormats(sapeBySexFormat);

/** The formats the population slot takes (each file recognised by its header). */
export const POPULATION_FORMATS: readonly CsvFormat[] = [sapeFormat, sapeBySexFormat, nomisPopulationFormat, iodDenominatorsFormat, censusSingleYearFormat, censusAgeBandsFormat];
/**
 * How a source line names the population a format gives: the denominator of the rates and the
 * weights of the population-weighted means (indicator sources, the pack's population map).
 */
const POPULATION_SOURCE_NAMES: Record<string, string> = {
  [sapeFormat.id]: "ONS small area population estimates",
  [sapeBySexFormat.id]: "ONS small area population estimates",
  [nomisPopulationFormat.id]: "ONS small area population estimates (Nomis)",
  [iodDenominatorsFormat.id]: "IoD File 6 population denominators (excluding prisoners)",
  [censusSingleYearFormat.id]: "Census 2021 usual residents",
  [censusAgeBandsFormat.id]: "Census 2021 usual residents",
};

/** How source lines name the population of these formats (ids of `POPULATION_FORMATS`); undefined when none is one. */
export function populationSourceName(formatIds: Iterable<string>): string | undefined {
  const names = [...new Set([...formatIds].flatMap((id) => POPULATION_SOURCE_NAMES[id] ?? []))];
  return names.length ? names.join(" and ") : undefined;
}

/**
 * The population sources a build used: the formats of the files its staged mid-years came from
 * (`staging.population_sources`), not every file loaded: IoD File 6 given beside a SAPE table of
 * the same mid-year is loaded but not used, and is not named. Undefined without a population slot.
 */
export async function populationSourceUsed(db: Warehouse): Promise<string | undefined> {
  if (!(await db.hasTable("staging.population_sources"))) return undefined;
  const used = new Set((await db.all<{ format: string }>(`SELECT DISTINCT format FROM staging.population_sources`)).map((r) => r.format));
  return populationSourceName(POPULATION_FORMATS.map((f) => f.id).filter((id) => used.has(id)));
}

/** The population slot as errors name it. */
export const POPULATION_SLOT_TITLE = "a population file (ONS SAPE, a Nomis population download, IoD File 6 or Census 2021 age by LSOA)";

/** Mid-year of a SAPE file from its name. */
export function sapeYear(file: string): number {
  const name = path.basename(file);
  // `...-mid-2018-on-2019-...`, `sape23dt2mid2020...`, `sapelsoasyoa20222024 - Mid-2023 LSOA 2021.csv` (a sheet saved under the workbook's name).
  const mid = /mid-?\s*((?:19|20)\d{2})/i.exec(name);
  if (mid) return Number(mid[1]);
  const years = [...new Set(name.match(/(19|20)\d{2}/g) ?? [])];
  if (years.length === 1) return Number(years[0]);
  // `sapelsoasyoa20222024.csv`: the workbook's years, not the sheet's (any of them would be a guess).
  throw new LocalneedsError(years.length ? messages.severalYearsInFileName(file, years) : messages.noYearInFileName(file));
}

/**
 * Mid-year of a SAPE table of a workbook: from its sheet's name (`Mid-2022 LSOA 2021`) or the
 * title above its header (`Mid-2022 population estimates for ...`), else any year in the sheet's
 * name; the workbook's file name only when it holds this one table.
 */
export function sapeSheetYear(file: string, table: Pick<WorkbookTable, "sheet" | "title">, only: boolean): number {
  for (const text of [table.sheet, table.title]) {
    const m = /mid-?\s*((?:19|20)\d{2})/i.exec(text);
    if (m) return Number(m[1]);
  }
  const y = /(?:19|20)\d{2}/.exec(table.sheet);
  if (y) return Number(y[0]);
  if (only) return sapeYear(file);
  throw new LocalneedsError(messages.noYearInSheet(file, table.sheet));
}

/** The sex of a sheet of the 2011-LSOA editions from its name (`Mid-2019 Males`), or of a CSV saved from one from its file name. */
export function sapeSheetSex(file: string, sheet: string): "F" | "M" | "P" {
  const word = (w: string) => new RegExp(`(?<![a-z])(${w})(?![a-z])`, "i").test(sheet);
  if (word("females?")) return "F";
  if (word("males?")) return "M";
  if (word("persons|people|all")) return "P";
  throw new LocalneedsError(messages.noSexInSheet(file, sheet));
}

/** Every population table read this run (a CSV file, or a workbook's sheet as `tablePath`) with its mid-year and, a sheet per sex, its sex; in the order given. */
const YEARS = "_population_years";

/** A population table's mid-year and (a sheet per sex) sex: from its sheet (`table`, `only` when its workbook holds no other), else its file. */
function tableFacts(format: CsvFormat, file: string, read: string, table?: WorkbookTable, only = true): { year: number | null; sex: string | null } {
  if (format === iodDenominatorsFormat) return { year: denominatorsYear(read), sex: null };
  if (format === censusAgeBandsFormat || format === censusSingleYearFormat) return { year: CENSUS_YEAR, sex: null };
  // A Nomis download gives each row's year and sex.
  if (format === nomisPopulationFormat) return { year: null, sex: null };
  const year = table ? sapeSheetYear(file, table, only) : sapeYear(file);
  return { year, sex: format === sapeBySexFormat ? sapeSheetSex(file, table?.sheet ?? path.basename(file)) : null };
}

/** A header row of a population table (SAPE or IoD File 6), as a workbook's sheets are searched for one. */
const isPopulationHeader = (cells: string[]) => POPULATION_FORMATS.some((f) => headerFits(f, cells));

/** The `sources.population` block. */
const populationConfig = z
  .object({
    files: fileList.describe("ONS SAPE single-year estimates (the .xlsx or .ods workbook as published, CSVs saved from its sheets, or a Nomis download of NM_2014_1 / NM_2010_1) and/or IoD2019 File 6 population denominators and/or Census 2021 age by LSOA (TS007, TS007A) (recognised by header)"),
    esp2013: z.string().min(1).optional().describe("European Standard Population 2013 CSV -> ref.esp2013"),
  })
  .strict();

declare module "../../pipelines/core/source-definition.ts" {
  interface SourceConfigs { population: z.output<typeof populationConfig> }
}

/**
 * Population: `staging.population_lsoa(lsoa_code, year, sex, age, age_to, population)`, one row per
 * LSOA, mid-year, sex and age band (`age`..`age_to` inclusive; single years from SAPE, 90 = 90-120;
 * the broad bands 0-15, 16-59, 60-120 with sex `P` from IoD File 6). The slot takes either kind of
 * file, recognised by its header; for a year both cover, SAPE wins. An LSOA repeated in a file
 * (a duplicated line) counts once, from its last line, and is reported. Optionally the European
 * Standard Population into `ref.esp2013`.
 */
export const populationAdapter = defineSource({
  slot: "population",
  title: "ONS mid-year small-area population estimates; IoD2019 population denominators",
  licence: OGL,
  schema: populationConfig,
  paths: ["files", "esp2013"],
  async load(ctx, p) {
    const { db } = ctx;
    const files = await expandFiles(ctx, "population", p.files);
    // Every CSV file's kind, year and sex before anything is written (a workbook's come with its tables).
    const csvFacts = new Map(files.filter((f) => !isWorkbook(f)).map((f) => {
      const format = pickFormat(f, POPULATION_FORMATS, POPULATION_SLOT_TITLE);
      return [f, { format, ...tableFacts(format, f, f) }] as const;
    }));
    await db.run(`CREATE OR REPLACE TEMP TABLE ${YEARS} (f VARCHAR, year INTEGER, sex VARCHAR)`);
    const record = (f: string, facts: { year: number | null; sex: string | null }) => db.run(`INSERT INTO ${YEARS} VALUES ($f, $y, $s)`, { f, y: facts.year, s: facts.sex });
    const loads = [];
    for (const f of files) {
      const csv = csvFacts.get(f);
      if (csv) {
        loads.push(...(await loadCsvFiles(ctx, csv.format, [f])));
        await record(f, csv);
        continue;
      }
      const tables = await workbookTables(f, isPopulationHeader, { dir: workbookCacheOf(ctx.config), kind: "population" });
      if (!tables.length) throw new LocalneedsError(messages.workbookNoTable(f, "a population table (ONS SAPE: LSOA 2021 Code, Total, F0 to F90, M0 to M90, or LSOA Code, All Ages, 0 to 90+; IoD File 6; or Census 2021 TS007/TS007A)"));
      const formats = new Map(tables.map((t) => [t, pickFormat(t.csv, POPULATION_FORMATS, POPULATION_SLOT_TITLE)]));
      const facts = new Map(tables.map((t) => [t, tableFacts(formats.get(t)!, f, t.csv, t, tables.length === 1)]));
      for (const { table, load } of await loadWorkbookTables(ctx, f, tables, (t) => formats.get(t)!)) {
        loads.push(load);
        await record(load.path, facts.get(table)!);
      }
    }
    if (p.esp2013) loads.push(...(await loadEsp2013(ctx, p.esp2013)));
    return loads;
  },
  async conform(ctx, p) {
    const { db } = ctx;
    await db.run(`CREATE OR REPLACE TABLE staging.population_lsoa (lsoa_code VARCHAR, year INTEGER, sex VARCHAR, age INTEGER, age_to INTEGER, population DOUBLE)`);
    const sapeFiles = await yearTable(ctx, "_sape_year", sapeFormat, "ONS SAPE");
    const bySexFiles = await yearTable(ctx, "_sape_sex_year", sapeBySexFormat, "ONS SAPE");
    const denFiles = await yearTable(ctx, "_den_year", iodDenominatorsFormat, "IoD File 6");
    const nomisFiles = await yearTable(ctx, "_nomis_year", nomisPopulationFormat, "Nomis");
    const census = [censusSingleYearFormat, censusAgeBandsFormat].map((f) => [f, `_${f.id}_year`] as const);
    const censusFiles: string[][] = [];
    for (const [f, t] of census) censusFiles.push(await yearTable(ctx, t, f, "Census 2021"));
    const placed = await lsoaPlacing(ctx, [[sapeFormat, sapeFiles], [sapeBySexFormat, bySexFiles], [nomisPopulationFormat, nomisFiles], [iodDenominatorsFormat, denFiles],
      ...census.map(([f], i) => [f, censusFiles[i]!] as [CsvFormat, string[]])]);
    // Each format below fills only the mid-years not taken yet: the years new after it are its own.
    const sources = yearSources(ctx);
    if (sapeFiles.length) {
      await warnDuplicates(ctx, sapeFormat.rawTable, sapeFiles, "population (SAPE)");
      // UNPIVOT the 182 cells (f0..f90, m0..m90); the bench measured it 40x faster and far leaner
      // in memory than a LATERAL VALUES list at national scale.
      const cells = bySexAge.map((c) => c.name).join(", ");
      await placed.insert(`
        WITH wide AS (SELECT _file, lsoa_code, year, ${cells} FROM (${keptRows(sapeFormat, sapeFiles, "_sape_year")})),
        long AS (UNPIVOT wide ON ${cells} INTO NAME cell VALUE v)
        SELECT _file, lsoa_code, year, upper(cell[1]) AS sex, cell[2:]::INTEGER AS age,
               CASE WHEN cell[2:]::INTEGER = 90 THEN 120 ELSE cell[2:]::INTEGER END AS age_to, ${countCellSql("v")} AS population
        FROM long`);
      // Check totals: a row whose cells do not add up to Total is reported, not silently trusted.
      const bad = await db.all<{ lsoa_code: string; year: number }>(`
        WITH sums AS (SELECT lsoa_code, year, sum(population) AS s FROM staging.population_lsoa GROUP BY ALL)
        SELECT s.lsoa_code, s.year FROM sums s JOIN (${keptRows(sapeFormat, sapeFiles, "_sape_year")}) p ON p.lsoa_code = s.lsoa_code AND p.year = s.year
        WHERE abs(s.s - ${countCellSql("p.total")}) > 0.5 ORDER BY 1, 2 LIMIT 5`);
      for (const b of bad) {
        await db.recordWarning("conform", "population_total_mismatch", b.lsoa_code, messages.populationTotalMismatch(b.lsoa_code, b.year));
      }
      await sources.took(sapeFormat);
    }
    if (bySexFiles.length) {
      await conformBySex(ctx, bySexFiles, placed);
      await sources.took(sapeBySexFormat);
    }
    if (nomisFiles.length) {
      // Years the SAPE tables gave already are taken from them.
      await placed.insert(await nomisPopulationRows(ctx, nomisFiles, sources.taken()));
      await sources.took(nomisPopulationFormat);
    }
    if (denFiles.length) {
      await conformDenominators(ctx, denFiles, placed);
      await sources.took(iodDenominatorsFormat);
    }
    for (const [i, [format, years]] of census.entries()) {
      if (!censusFiles[i]!.length) continue;
      await conformCensus(ctx, format, censusFiles[i]!, years, placed);
      await sources.took(format);
    }
    await placed.weigh();
    await sources.write();
    await conformWorkingAge(ctx, denFiles, placed);
    await checkCoverage(ctx);
    if (p.esp2013) await conformEsp2013(ctx, p.esp2013);
  },
});

/**
 * `staging.population_sources(year, format)`, one row per mid-year of `staging.population_lsoa`:
 * the format (`POPULATION_FORMATS` id) its rows came from. What source lines name
 * (`populationSourceUsed`): a file loaded but not used (IoD File 6 beside a SAPE table of its
 * mid-year) is not named. `took(format)` after each format's rows are staged; `write()` at the end.
 */
function yearSources(ctx: Context) {
  const byYear = new Map<number, string>();
  return {
    taken: () => [...byYear.keys()],
    async took(format: CsvFormat) {
      for (const r of await ctx.db.all<{ year: number }>(`SELECT DISTINCT year FROM staging.population_lsoa`)) {
        if (!byYear.has(Number(r.year))) byYear.set(Number(r.year), format.id);
      }
    },
    async write() {
      await ctx.db.run(`CREATE OR REPLACE TABLE staging.population_sources (year INTEGER, format VARCHAR)`);
      await ctx.db.insertRows("staging.population_sources", ["year", "format"], [...byYear].sort((a, b) => a[0] - b[0]).map(([year, format]) => ({ year, format })));
    },
  };
}

/**
 * Population rows `(_file, lsoa_code, year, sex, age, age_to, population)` placed in the lookup's
 * LSOAs as `(lsoa_code, year, sex, age, age_to, population)`: `insert` adds them to
 * `staging.population_lsoa`; `sql` gives them (for other tables); `weigh`, once every table is in,
 * re-shares the residents of LSOAs split or merged between vintages (see `lsoaPlacing`).
 */
interface Placing {
  insert(rows: string): Promise<void>;
  sql(rows: string): string;
  weigh(): Promise<void>;
}

/**
 * How the population tables' LSOA codes are placed in the lookup's (`placeLsoaCodes`, the
 * mechanism police.uk files use): as they are, or, for a table of the other LSOA vintage, through
 * the change file: residents of LSOAs merged into one are added together, and those of a code
 * with several counterparts (a 2011 LSOA split in 2021; in a 2011-LSOA build, a 2021 LSOA merged
 * from several) are shared between them by the counterparts' residents in the nearest mid-year the
 * build has on the lookup's own LSOAs (`weigh`: a split part where more people live gets more), or
 * equally when it has none. `lsoa_vintage_converted` says how many rows were converted, and
 * `population_split_shares` how each year's were shared.
 */
async function lsoaPlacing(ctx: Context, tables: [CsvFormat, string[]][]): Promise<Placing> {
  const { db } = ctx;
  const as = (rows: string) => `SELECT lsoa_code, year, sex, age, age_to, population FROM (${rows})`;
  const plain: Placing = { insert: (rows) => db.run(`INSERT INTO staging.population_lsoa ${as(rows)}`), sql: as, weigh: async () => {} };
  const used = tables.filter(([, files]) => files.length);
  if (!used.length || !(await db.hasTable("ref.geography_meta"))) return plain;
  await db.run(`CREATE OR REPLACE TEMP TABLE _population_codes AS
    ${used.map(([f, files]) => `SELECT _file, lsoa_code FROM ${f.rawTable} WHERE _file IN (${files.map(literal).join(", ")})`).join(" UNION ALL ")}`);
  await placeLsoaCodes(ctx, "population", "_population_codes", "population estimates", { shares: true });
  await db.run(`DROP TABLE _population_codes`);
  if (!(await db.one(`SELECT 1 FROM _lsoa_map_population WHERE source_code <> lsoa_code LIMIT 1`))) return plain;
  // The converted tables' years, and their rows of codes with several counterparts (the source
  // code's residents, before sharing): what `weigh` re-shares. Usually none of the latter.
  await db.run(`CREATE OR REPLACE TEMP TABLE _population_converted_years (year INTEGER);
    CREATE OR REPLACE TEMP TABLE _population_shared (_file VARCHAR, source_code VARCHAR, year INTEGER, sex VARCHAR, age INTEGER, age_to INTEGER, population DOUBLE);
    CREATE OR REPLACE TEMP TABLE _population_weights (_file VARCHAR, source_code VARCHAR, lsoa_code VARCHAR, year INTEGER, share DOUBLE)`);
  const converted = `(SELECT path FROM audit.lsoa_vintages WHERE source = 'population' AND converted)`;
  const sql = (rows: string) => `SELECT coalesce(m.lsoa_code, r.lsoa_code) AS lsoa_code, r.year, r.sex, r.age, r.age_to,
      sum(r.population * coalesce(w.share, m.share, 1)) AS population
    FROM (${rows}) r LEFT JOIN _lsoa_map_population m ON m._file = r._file AND m.source_code = r.lsoa_code
    LEFT JOIN _population_weights w ON w._file = r._file AND w.source_code = r.lsoa_code AND w.lsoa_code = m.lsoa_code AND w.year = r.year
    GROUP BY ALL`;
  return {
    sql,
    async insert(rows) {
      // The rows made once (a table's rows may leave out the years already staged), then read for
      // the converted years, the shared rows and the placed ones.
      await db.run(`CREATE OR REPLACE TEMP TABLE _population_rows AS ${rows}`);
      await db.run(`INSERT INTO _population_converted_years SELECT DISTINCT year FROM _population_rows WHERE _file IN ${converted}`);
      await db.run(`INSERT INTO _population_shared SELECT r._file, r.lsoa_code, r.year, r.sex, r.age, r.age_to, sum(r.population)
        FROM _population_rows r SEMI JOIN (SELECT _file, source_code FROM _lsoa_map_population WHERE share < 1) m ON m._file = r._file AND m.source_code = r.lsoa_code
        GROUP BY ALL`);
      await db.run(`INSERT INTO staging.population_lsoa ${sql("SELECT * FROM _population_rows")}; DROP TABLE _population_rows`);
    },
    async weigh() {
      if (!(await db.one(`SELECT 1 FROM _population_shared LIMIT 1`))) return;
      // Each shared code's counterparts' residents in the mid-year of the lookup's LSOAs nearest
      // its own (the earlier of two as near): their shares of it, when every counterpart has residents.
      await db.run(`CREATE OR REPLACE TEMP TABLE _population_nearest AS
        WITH native AS (SELECT DISTINCT year FROM staging.population_lsoa WHERE year NOT IN (SELECT year FROM _population_converted_years))
        SELECT y.year, arg_min(n.year, abs(n.year - y.year) * 2 + (n.year > y.year)::INTEGER) AS native_year
        FROM (SELECT DISTINCT year FROM _population_shared) y, native n GROUP BY 1`);
      await db.run(`INSERT INTO _population_weights
        WITH native AS (SELECT lsoa_code, year, sum(population) AS pop FROM staging.population_lsoa
                        WHERE year IN (SELECT native_year FROM _population_nearest) GROUP BY ALL),
             parts AS (SELECT y._file, y.source_code, m.lsoa_code, y.year, t.pop,
                              count(*) OVER k AS n, count(t.pop) FILTER (WHERE t.pop > 0) OVER k AS have, sum(t.pop) OVER k AS total
                       FROM (SELECT DISTINCT _file, source_code, year FROM _population_shared) y JOIN _population_nearest ne USING (year)
                       JOIN _lsoa_map_population m ON m._file = y._file AND m.source_code = y.source_code
                       LEFT JOIN native t ON t.lsoa_code = m.lsoa_code AND t.year = ne.native_year
                       WINDOW k AS (PARTITION BY y._file, y.source_code, y.year))
        SELECT _file, source_code, lsoa_code, year, pop / total FROM parts WHERE have = n`);
      await db.run(`UPDATE staging.population_lsoa s SET population = s.population + d.delta FROM (
          SELECT w.lsoa_code, x.year, x.sex, x.age, x.age_to, sum(x.population * (w.share - m.share)) AS delta
          FROM _population_shared x
          JOIN _population_weights w ON w._file = x._file AND w.source_code = x.source_code AND w.year = x.year
          JOIN _lsoa_map_population m ON m._file = w._file AND m.source_code = w.source_code AND m.lsoa_code = w.lsoa_code
          GROUP BY ALL) d
        WHERE s.lsoa_code = d.lsoa_code AND s.year = d.year AND s.sex IS NOT DISTINCT FROM d.sex AND s.age = d.age AND s.age_to = d.age_to`);
      const said = await db.all<{ year: number; codes: number; weighted: number; native_year: number | null }>(`
        SELECT x.year, count(DISTINCT x.source_code)::INTEGER AS codes, count(DISTINCT w.source_code)::INTEGER AS weighted, any_value(ne.native_year) AS native_year
        FROM _population_shared x LEFT JOIN _population_weights w USING (_file, source_code, year) LEFT JOIN _population_nearest ne USING (year)
        GROUP BY 1 ORDER BY 1`);
      for (const r of said) {
        await db.recordWarning("conform", "population_split_shares", `population ${r.year}`, messages.populationSplitShares(r.year, r.codes, r.weighted, r.native_year));
      }
    },
  };
}

/**
 * Each mid-year must cover every LSOA the build places people in (`ref.lsoa_ward`): a ward whose
 * LSOAs lack a population would get rates over too small a denominator. Missing LSOAs are
 * reported per year (`population_lsoas_missing`), with a hint when the population's own codes
 * are not in the lookup at all (another LSOA vintage: 2011 and 2021 codes differ). LSOAs of the
 * other nation than the parent's (Wales in an English build holding the whole lookup for its
 * national comparators) that a population of the parent's nation alone leaves out (IoD File 6
 * covers England) are said once (`population_other_nation`): no comparator of the build uses them.
 */
async function checkCoverage(ctx: Context): Promise<void> {
  const { db, config } = ctx;
  if (!(await db.hasTable("ref.lsoa_ward"))) return;
  const nation = literal(config.parent.slice(0, 1));
  // LSOAs of the other nation count as the build's unless the population has none of that nation at all.
  const otherNationLeftOut = `(SELECT count(*) = 0 FROM staging.population_lsoa WHERE left(lsoa_code, 1) <> ${nation})`;
  const gaps = await db.all<{ year: number; missing: number; lsoas: number; examples: string[]; unknown: number }>(`
    WITH build AS (SELECT DISTINCT lsoa_code FROM ref.lsoa_ward WHERE left(lsoa_code, 1) = ${nation} OR NOT ${otherNationLeftOut}),
         years AS (SELECT DISTINCT year FROM staging.population_lsoa),
         gaps AS (SELECT y.year, b.lsoa_code FROM years y CROSS JOIN build b
                  ANTI JOIN (SELECT DISTINCT year, lsoa_code FROM staging.population_lsoa) p ON p.year = y.year AND p.lsoa_code = b.lsoa_code)
    SELECT g.year, count(*)::INTEGER AS missing, (SELECT count(*) FROM build)::INTEGER AS lsoas, list(g.lsoa_code ORDER BY g.lsoa_code)[1:3] AS examples,
           (SELECT count(DISTINCT p.lsoa_code) FROM staging.population_lsoa p WHERE p.year = g.year AND p.lsoa_code NOT IN (SELECT lsoa_code FROM ref.lookup_lsoas))::INTEGER AS unknown
    FROM gaps g GROUP BY g.year ORDER BY g.year`);
  for (const g of gaps) {
    await db.recordWarning("conform", "population_lsoas_missing", `population ${g.year}`, messages.populationLsoasMissing(g.year, g.missing, g.lsoas, g.examples.join(", "), g.unknown));
  }
  const other = await db.one<{ lsoas: number; wards: number; example: string | null }>(`
    SELECT count(DISTINCT lsoa_code)::INTEGER AS lsoas, count(DISTINCT ward_code)::INTEGER AS wards, min(lsoa_code) AS example
    FROM ref.lsoa_ward WHERE left(lsoa_code, 1) <> ${nation} AND ${otherNationLeftOut} AND EXISTS (SELECT 1 FROM staging.population_lsoa)`);
  if (other!.lsoas) {
    await db.recordWarning("conform", "population_other_nation", "population", messages.populationOtherNation(config.parent, other!.lsoas, other!.wards, other!.example!));
  }
}

/**
 * Census 2021 age tables -> `staging.population_lsoa` (sex `P`, the table's bands or single years),
 * for 2021 when no estimate gave it; an LSOA whose ages do not add up to its total is reported.
 */
async function conformCensus(ctx: Context, format: CsvFormat, files: readonly string[], years: string, placed: Placing): Promise<void> {
  const { db } = ctx;
  await warnDuplicates(ctx, format.rawTable, files, "population (Census 2021)");
  const bands = censusBands(format.id);
  const cells = bands.map((b) => b.column).join(", ");
  const ages = bands.map((b) => `(${literal(b.column)}, ${b.age}, ${b.ageTo})`).join(", ");
  await placed.insert(`
    WITH wide AS (SELECT _file, lsoa_code, year, ${cells} FROM (${keptRows(format, files, years)}) WHERE year NOT IN (SELECT DISTINCT year FROM staging.population_lsoa)),
    long AS (UNPIVOT wide ON ${cells} INTO NAME cell VALUE v)
    SELECT l._file, l.lsoa_code, l.year, 'P' AS sex, b.age, b.age_to, ${countCellSql("l.v")} AS population
    FROM long l JOIN (VALUES ${ages}) b(cell, age, age_to) USING (cell)`);
  const bad = await db.all<{ lsoa_code: string; year: number }>(`
    SELECT lsoa_code, year FROM (${keptRows(format, files, years)})
    WHERE abs(TRY_CAST(replace(trim(total), ',', '') AS DOUBLE) - (${bands.map((b) => `TRY_CAST(replace(trim(${b.column}), ',', '') AS DOUBLE)`).join(" + ")})) > 0.5 ORDER BY 1 LIMIT 5`);
  for (const b of bad) {
    await db.recordWarning("conform", "population_total_mismatch", b.lsoa_code, messages.populationTotalMismatch(b.lsoa_code, b.year));
  }
}

/**
 * Working-age residents, `staging.population_working_age(lsoa_code, year, population, definition)`,
 * one row per LSOA and mid-year: ages 16-64 summed from SAPE single years (the ONS claimant rate's
 * base); for years no SAPE file covers, IoD File 6's working-age column (IoD2019: 18-59/64, the state
 * pension age of its time, excluding prisoners; IoD2025: 18-66), where the file has it, placed in the lookup's
 * LSOAs as the bands are (a File 6 on 2011 LSOAs in a 2021-LSOA build is converted).
 */
async function conformWorkingAge(ctx: Context, denFiles: readonly string[], placed: Placing): Promise<void> {
  const { db } = ctx;
  await db.run(`CREATE OR REPLACE TABLE staging.population_working_age AS
    SELECT lsoa_code, year, sum(population) AS population, 'ONS mid-year estimates, residents aged 16-64' AS definition
    FROM staging.population_lsoa WHERE age = age_to AND age >= 16 AND age_to <= 64 GROUP BY lsoa_code, year`);
  if (!denFiles.length) return;
  // Placed like File 6's bands: a File 6 of the other LSOA vintage is converted through the change file.
  // Its edition's definition (18-59/64 or 18-66) travels as the upper age.
  const wa = workingAgeSql("d");
  await db.run(`INSERT INTO staging.population_working_age
    SELECT lsoa_code, year, population, ${wa.definition("age_to")} FROM (${placed.sql(`
      SELECT d._file, d.lsoa_code, d.year, NULL::VARCHAR AS sex, 18 AS age, ${wa.ageTo} AS age_to, ${wa.population} AS population
      FROM (${keptRows(iodDenominatorsFormat, denFiles, "_den_year")}) d
      WHERE ${wa.population} IS NOT NULL
        AND d.year NOT IN (SELECT DISTINCT year FROM staging.population_working_age)`)})`);
}

/**
 * `<name>(f, year, sex, ord)`: the tables of one format read this run, their mid-years, (a sheet
 * per sex) sexes, and the order they were given in. An LSOA's mid-year (and sex) given by several
 * tables (two editions of a SAPE workbook both hold mid-2022) is taken from the last given
 * (`keptRows`), never added together, and reported (`population_year_repeated`); tables of one
 * year with different LSOAs (extracts of two counties) are simply both used. Returns the tables.
 */
async function yearTable(ctx: Context, name: string, format: CsvFormat, kind: string): Promise<string[]> {
  const { db } = ctx;
  const read = (await db.hasTable(format.rawTable)) ? `SELECT DISTINCT _file FROM ${format.rawTable}` : "SELECT NULL::VARCHAR WHERE false";
  await db.run(`CREATE OR REPLACE TEMP TABLE ${name} AS SELECT f, year, sex, rowid::INTEGER AS ord FROM ${YEARS} WHERE f IN (${read})`);
  const files = (await db.all<{ f: string }>(`SELECT f FROM ${name} ORDER BY ord`)).map((r) => r.f);
  // Tables whose rows carry their own years (Nomis downloads) are resolved by their own conform.
  if (files.length < 2 || !(await db.one(`SELECT 1 FROM ${name} WHERE year IS NOT NULL LIMIT 1`))) return files;
  const repeats = await db.all<{ dropped: string; used: string; year: number; sex: "F" | "M" | "P" | null; n: number }>(`
    WITH codes AS (SELECT DISTINCT _file, upper(trim(lsoa_code)) AS code FROM ${format.rawTable} WHERE _file IN (${files.map(literal).join(", ")})),
         t AS (SELECT y.f, y.year, y.sex, y.ord, c.code FROM ${name} y JOIN codes c ON c._file = y.f),
         w AS (SELECT code, year, sex, arg_max(f, ord) AS used FROM t GROUP BY ALL)
    SELECT t.f AS dropped, w.used, t.year, t.sex, count(*)::INTEGER AS n
    FROM t JOIN w ON w.code = t.code AND w.year = t.year AND w.sex IS NOT DISTINCT FROM t.sex WHERE t.f <> w.used
    GROUP BY ALL ORDER BY min(t.ord), 2`);
  for (const r of repeats) {
    const [a, b] = [displayPath(ctx.config, r.dropped), displayPath(ctx.config, r.used)];
    await db.recordWarning("conform", "population_year_repeated", a, messages.populationYearRepeated(kind, r.year, r.sex, r.n, a, b));
  }
  return files;
}

/**
 * SQL: the rows of `files` of `format` (the last line of each LSOA in each, `lastLineSql`) with
 * their mid-year and sex from `years`, one per LSOA, year and sex: from the last table given that has it.
 */
function keptRows(format: CsvFormat, files: readonly string[], years: string): string {
  return `SELECT p.*, y.year, y.sex FROM (${lastLineSql(format.rawTable, files)}) p JOIN ${years} y ON y.f = p._file
    QUALIFY row_number() OVER (PARTITION BY upper(p.lsoa_code), y.year, y.sex ORDER BY y.ord DESC) = 1`;
}

/**
 * The 2011-LSOA editions (a sheet per sex) -> single years in `staging.population_lsoa`, for years
 * the current editions do not cover: the LSOA rows only (a formatted edition's authority subtotals
 * are read, and left out here); a year's Persons sheet only when it has no Males and Females.
 */
async function conformBySex(ctx: Context, files: readonly string[], placed: Placing): Promise<void> {
  const { db } = ctx;
  await warnDuplicates(ctx, sapeBySexFormat.rawTable, files, "population (SAPE)");
  const cells = ages.map((a) => `a${a}`).join(", ");
  // Years the current editions gave already: not taken from these sheets, nor checked against them.
  const before = (await db.all<{ year: number }>(`SELECT DISTINCT year FROM staging.population_lsoa`)).map((r) => Number(r.year));
  const fresh = before.length ? `AND y.year NOT IN (${before.join(", ")})` : "";
  await placed.insert(`
    WITH wide AS (
      SELECT y._file, upper(y.lsoa_code) AS lsoa_code, y.year, y.sex, ${cells}
      FROM (${keptRows(sapeBySexFormat, files, "_sape_sex_year")}) y
      WHERE regexp_full_match(upper(y.lsoa_code), '${LSOA_CODE_PATTERN}') ${fresh}
        AND (y.sex <> 'P' OR y.year NOT IN (SELECT year FROM _sape_sex_year WHERE sex <> 'P'))
    ),
    long AS (UNPIVOT wide ON ${cells} INTO NAME cell VALUE v)
    SELECT _file, lsoa_code, year, sex, cell[2:]::INTEGER AS age, CASE WHEN cell[2:]::INTEGER = 90 THEN 120 ELSE cell[2:]::INTEGER END AS age_to,
           ${countCellSql("v")} AS population
    FROM long`);
  const bad = await db.all<{ lsoa_code: string; year: number }>(`
    WITH sums AS (SELECT lsoa_code, year, sex, sum(population) AS s FROM staging.population_lsoa GROUP BY ALL)
    SELECT s.lsoa_code, s.year FROM sums s JOIN (${keptRows(sapeBySexFormat, files, "_sape_sex_year")}) y ON upper(y.lsoa_code) = s.lsoa_code AND y.year = s.year AND y.sex = s.sex
    WHERE true ${fresh} AND abs(s.s - ${countCellSql("y.total")}) > 0.5 ORDER BY 1, 2 LIMIT 5`);
  for (const b of bad) {
    await db.recordWarning("conform", "population_total_mismatch", b.lsoa_code, messages.populationTotalMismatch(b.lsoa_code, b.year));
  }
}

/** IoD File 6 (or File 7) -> broad bands in `staging.population_lsoa`, for years no SAPE file covers (16-59 derived where the file has no such column). */
async function conformDenominators(ctx: Context, files: readonly string[], placed: Placing): Promise<void> {
  const { db } = ctx;
  await warnDuplicates(ctx, iodDenominatorsFormat.rawTable, files, "population (IoD File 6)");
  await placed.insert(`
    SELECT d._file, d.lsoa_code, d.year, 'P' AS sex, v.age, v.age_to, v.population
    FROM (${keptRows(iodDenominatorsFormat, files, "_den_year")}) d, LATERAL (${denominatorBandsSql("d")}) v(age, age_to, population)
    WHERE d.year NOT IN (SELECT DISTINCT year FROM staging.population_lsoa)`);
  const bad = await db.all<{ lsoa_code: string; year: number }>(`
    SELECT d.lsoa_code, d.year FROM (${keptRows(iodDenominatorsFormat, files, "_den_year")}) d
    WHERE ${denominatorsMismatchSql("d")} LIMIT 5`);
  for (const b of bad) {
    await db.recordWarning("conform", "population_total_mismatch", b.lsoa_code, messages.populationTotalMismatch(b.lsoa_code, b.year));
  }
}
