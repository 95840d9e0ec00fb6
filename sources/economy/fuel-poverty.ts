/**
 * DESNZ (formerly BEIS) sub-regional fuel poverty statistics: the LSOA table of the published
 * workbook (`sub-regional-fuel-poverty-tables-2023-2021-data.xlsx`, sheet "Table 3" in recent
 * editions, a later sheet in older ones): a title row with the data year, then a header row
 * `LSOA Code, LSOA Name, LA Code, LA Name, Region, Number of households, Number of households in
 * fuel poverty, Proportion of households fuel poor (%)` (older editions put footnote digits on
 * the counts' headers: `Number of households1`; newer ones spell `Local Authority Code`), the
 * LSOAs, then footnotes. Read from the .xlsx (`../workbook.ts`: the sheet is found by its header row),
 * or from a CSV saved from that sheet (header row first). Grain of `staging.fuel_poverty_lsoa`:
 * one row per LSOA and data year.
 */
import path from "node:path";
import type { Context } from "../../pipelines/core/context.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import { literal } from "../../pipelines/core/warehouse.ts";
import { defineCsvFormat, headerMatches } from "../csv-format.ts";
import { displayPath, expandFiles, readHeader } from "../files.ts";
import { isWorkbook, loadWorkbookTables, workbookCacheOf, workbookTables, type WorkbookTable } from "../workbook.ts";
import { lastLineSql } from "../keyed-rows.ts";
import { loadCsvFiles, registerFormats, type FileLoad } from "../load-csv.ts";
import { placeLsoaCodes } from "../geography/lsoa-vintage.ts";

const count = (name: string, header: RegExp) => ({ name, header, kind: "integer" as const, nonNegative: true, required: true });

/** The LSOA table of the sub-regional fuel poverty workbook (as a CSV saved from its sheet). */
export const fuelPovertyFormat = defineCsvFormat({
  id: "desnz_fuel_poverty_lsoa",
  title: "a DESNZ sub-regional fuel poverty LSOA table",
  rawTable: "raw_fuel_poverty",
  grain: "one row per LSOA",
  columns: [
    { name: "lsoa_code", header: /^LSOA Code$/i, required: true },
    { name: "lsoa_name", header: /^LSOA Name$/i, optional: true },
    { name: "lad_code", header: /^(LA|Local Authority) Code/i, optional: true },
    { name: "lad_name", header: /^(LA|Local Authority) Name/i, optional: true },
    { name: "region", header: /^Region/i, optional: true },
    count("households", /^Number of households\s*\d*$/i),
    count("fuel_poor", /^Number of households in fuel poverty\s*\d*$/i),
    { name: "proportion", header: /^Proportion of households fuel poor/i, kind: "number", optional: true },
  ],
  atMost: [{ column: "fuel_poor", limit: "households" }],
});
registerFormats(fuelPovertyFormat);

/** The data year from a title (`... by LSOA, England, 2021`: the last year in it) or a DESNZ file name (`...-2023-2021-data`). */
export function fuelPovertyYear(file: string, title: string): number {
  const inTitle = title.match(/\b20\d{2}\b/g);
  if (inTitle?.length) return Number(inTitle.at(-1));
  const named = /(20\d{2})[-_ ]?data/i.exec(path.basename(file));
  if (named) return Number(named[1]);
  throw new LocalneedsError(messages.fuelPovertyNoYear(file));
}

const isHeader = (row: string[]) => fuelPovertyFormat.columns.filter((c) => !c.optional).every((c) => row.some((h) => headerMatches(c, h)));

/** The LSOA table of a workbook: its first sheet with one, as CSV (see `workbookTables`, and its `cache`). */
export async function fuelPovertyTable(file: string, cache?: { dir: string; kind: string }): Promise<WorkbookTable> {
  const [table] = await workbookTables(file, isHeader, cache);
  if (!table) throw new LocalneedsError(messages.fuelPovertyNoTable(file));
  return table;
}

/**
 * Load fuel poverty tables: a workbook's LSOA table (its first sheet with one, `workbookTables`)
 * is loaded with its records pointed back at the workbook (its own hash; lines are the sheet's
 * rows as Excel shows them). The data year of each file goes to `raw_fuel_poverty_files`.
 */
export async function loadFuelPoverty(ctx: Context, patterns: readonly string[]): Promise<FileLoad[]> {
  const { db } = ctx;
  const files = await expandFiles(ctx, "economy.fuelPoverty", patterns);
  await db.run(`CREATE TEMP TABLE IF NOT EXISTS raw_fuel_poverty_files (_file VARCHAR, data_year INTEGER, sheet VARCHAR)`);
  const out: FileLoad[] = [];
  for (const file of files) {
    await db.run(`DELETE FROM raw_fuel_poverty_files WHERE _file = $f`, { f: file });
    if (!isWorkbook(file)) {
      const year = fuelPovertyYear(file, "");
      if (!readHeader(file)) throw new LocalneedsError(messages.emptyFile(file, fuelPovertyFormat.title));
      out.push(...(await loadCsvFiles(ctx, fuelPovertyFormat, [file])));
      await db.run(`INSERT INTO raw_fuel_poverty_files VALUES ($f, $y, NULL)`, { f: file, y: year });
      continue;
    }
    const table = await fuelPovertyTable(file, { dir: workbookCacheOf(ctx.config), kind: "fuel-poverty" });
    const year = fuelPovertyYear(file, table.title);
    const [{ load }] = await loadWorkbookTables(ctx, file, [table], () => fuelPovertyFormat, () => file);
    await db.run(`INSERT INTO raw_fuel_poverty_files VALUES ($f, $y, $s)`, { f: file, y: year, s: table.sheet });
    out.push(load);
  }
  return out;
}

/**
 * `staging.fuel_poverty_lsoa(lsoa_code, lad_code, data_year, period_date, households, fuel_poor)`
 * (a repeated LSOA counts once, from its last line), and `staging.fuel_poverty_ward`: the rows
 * with the LSOA's ward (`area_code`), plus England's total when the table covers England. LSOAs
 * of the build's authority missing from the LSOA-to-ward lookup are reported.
 */
export async function conformFuelPoverty(ctx: Context, patterns: readonly string[]): Promise<void> {
  const { db } = ctx;
  const files = (await db.all<{ _file: string }>(`SELECT _file FROM raw_fuel_poverty_files`)).map((f) => f._file);
  if (!files.length || !patterns.length) return;
  const num = (c: string) => `TRY_CAST(replace(trim(${c}), ',', '') AS DOUBLE)`;
  // A table on the other LSOA vintage than the lookup's (the 2021-data edition is on 2011 LSOAs, later
  // ones on 2021 LSOAs) is converted through geography.lsoaChanges, as police.uk and population files
  // are: the households of an LSOA split in two shared equally between the parts, LSOAs merged into one added.
  await placeLsoaCodes(ctx, "fuel_poverty", fuelPovertyFormat.rawTable, "DESNZ fuel poverty", { shares: true });
  await db.run(`CREATE OR REPLACE TABLE staging.fuel_poverty_lsoa AS
    SELECT m.lsoa_code, any_value(nullif(trim(r.lad_code), '')) AS lad_code, y.data_year,
           make_date(y.data_year, 1, 1) AS period_date, sum(${num("r.households")} * m.share) AS households, sum(${num("r.fuel_poor")} * m.share) AS fuel_poor,
           r._file, min(r._line) AS _line
    FROM (${lastLineSql(fuelPovertyFormat.rawTable, files)}) r JOIN raw_fuel_poverty_files y ON y._file = r._file
    JOIN _lsoa_map_fuel_poverty m ON m._file = r._file AND m.source_code = trim_fast(r.lsoa_code)
    GROUP BY m.lsoa_code, y.data_year, r._file`);
  await db.run(`CREATE OR REPLACE TABLE staging.fuel_poverty_ward AS
    SELECT l.ward_code AS area_code, f.period_date, f.households, f.fuel_poor
    FROM staging.fuel_poverty_lsoa f JOIN ref.lsoa_ward l ON l.lsoa_code = f.lsoa_code
    UNION ALL
    SELECT 'E92000001', period_date, sum(households), sum(fuel_poor) FROM staging.fuel_poverty_lsoa
    WHERE lsoa_code LIKE 'E01%' GROUP BY period_date HAVING count(*) >= 32000`);
  const parent = ctx.config.parent;
  for (const file of files) {
    const miss = await db.all<{ lsoa_code: string }>(
      `SELECT lsoa_code FROM staging.fuel_poverty_lsoa WHERE _file = $f AND lad_code = ${literal(parent)}
       AND lsoa_code NOT IN (SELECT lsoa_code FROM ref.lsoa_ward) ORDER BY 1`, { f: file });
    if (miss.length) {
      const shown = displayPath(ctx.config, file);
      await db.recordWarning("conform", "fuel_poverty_lsoas_unplaced", shown, messages.fuelPovertyLsoasUnplaced(shown, miss.length, miss.slice(0, 3).map((m) => m.lsoa_code).join(", ")));
    }
  }
}
