/**
 * ONS small-area population estimates (SAPE) by LSOA, sex and single year of age, in the
 * published wide layout (`F0..F90`, `M0..M90`, 90 = 90 and over) saved as CSV; one file per
 * mid-year, the year read from the file name (`sapelsoasyoa2023.csv`) or a `Year` column.
 */
import path from "node:path";
import { defineCsvFormat, type ColumnSpec } from "../csv-format.ts";
import { fileAttributeTable, loadCsvFiles, registerFormats } from "../load-csv.ts";
import { expandFiles } from "../files.ts";
import { LocalneedsError, messages } from "../../pipelines/messages.ts";
import { OGL, type SourceAdapter } from "../source-adapter.ts";

const ages = Array.from({ length: 91 }, (_, i) => i);
const bySexAge: ColumnSpec[] = (["F", "M"] as const).flatMap((sex) =>
  ages.map((a) => ({ name: `${sex.toLowerCase()}${a}`, header: `${sex}${a}`, kind: "integer" as const, required: true })),
);

/** ONS SAPE wide single-year-of-age layout. */
export const sapeFormat = defineCsvFormat({
  id: "ons_sape_lsoa_syoa",
  title: "an ONS small-area population estimates file (LSOA by sex and single year of age)",
  rawTable: "raw.population_sape",
  grain: "one row per LSOA and mid-year (ages and sexes wide)",
  columns: [
    { name: "lsoa_code", header: /^LSOA (20)?\d{2} Code$/, required: true },
    { name: "lsoa_name", header: /^LSOA (20)?\d{2} Name$/ },
    { name: "total", header: "Total", kind: "integer", required: true },
    ...bySexAge,
  ],
});
registerFormats(sapeFormat);

/** Mid-year of a SAPE file from its name. */
export function sapeYear(file: string): number {
  const m = /(19|20)\d{2}/.exec(path.basename(file));
  if (!m) throw new LocalneedsError(messages.noYearInFileName(file));
  return Number(m[0]);
}

/**
 * Population: `staging.population_lsoa(lsoa_code, year, sex, age, age_to, population)`, one row per
 * LSOA, mid-year, sex and age band (`age`..`age_to` inclusive; single years here, 90 = 90-120).
 * Other population adapters (e.g. IoD File 6 broad bands, sex `P`) write the same table.
 */
export const populationAdapter: SourceAdapter = {
  slot: "population",
  title: "ONS mid-year small-area population estimates",
  licence: OGL,
  enabled: (ctx) => Boolean(ctx.config.sources.population),
  async load(ctx) {
    const files = await expandFiles(ctx.db, "population", ctx.config.sources.population!.files);
    files.forEach(sapeYear);
    return loadCsvFiles(ctx, sapeFormat, files);
  },
  async conform(ctx) {
    const { db } = ctx;
    await fileAttributeTable(db, "_sape_year", sapeFormat.rawTable, "year", sapeYear);
    const unpivot = bySexAge.map((c) => `(${"'" + c.name[0]!.toUpperCase() + "'"}, ${c.name.slice(1)}, replace(${c.name}, ',', '')::DOUBLE)`).join(",\n");
    await db.run(`CREATE OR REPLACE TABLE staging.population_lsoa AS
      SELECT trim(p.lsoa_code) AS lsoa_code, y.year, v.sex, v.age::INTEGER AS age,
             CASE WHEN v.age = 90 THEN 120 ELSE v.age END::INTEGER AS age_to, v.population
      FROM raw.population_sape p JOIN _sape_year y ON y.f = p._file,
      LATERAL (VALUES ${unpivot}) v(sex, age, population)`);
    // Check totals: a row whose cells do not add up to Total is reported, not silently trusted.
    const bad = await db.all<{ lsoa_code: string; year: number }>(`
      WITH sums AS (SELECT lsoa_code, year, sum(population) AS s FROM staging.population_lsoa GROUP BY ALL)
      SELECT s.lsoa_code, s.year FROM sums s JOIN raw.population_sape p ON trim(p.lsoa_code) = s.lsoa_code
      JOIN _sape_year y ON y.f = p._file AND y.year = s.year
      WHERE abs(s.s - replace(p.total, ',', '')::DOUBLE) > 0.5 LIMIT 5`);
    for (const b of bad) {
      await db.run(`INSERT INTO audit.warnings VALUES ('conform', 'population_total_mismatch', $s, $m)`, {
        s: b.lsoa_code,
        m: messages.populationTotalMismatch(b.lsoa_code, b.year),
      });
    }
  },
};
