/**
 * English Indices of Deprivation scores, ranks and deciles by LSOA (File 1/2/5/7 style: long
 * MHCLG headers, quoted ranks with thousands separators). Grain of `staging.deprivation_lsoa`:
 * one row per LSOA.
 */
import { defineCsvFormat } from "../csv-format.ts";
import { loadCsvFiles, registerFormats } from "../load-csv.ts";
import { expandFiles, readHeader } from "../files.ts";
import { literal } from "../../pipelines/warehouse.ts";
import { OGL, type SourceAdapter } from "../source-adapter.ts";

const num = (name: string, header: RegExp, optional = true) => ({ name, header, kind: "number" as const, optional });

/** IoD scores file (IMD score, rank, decile and domain scores). */
export const iodScoresFormat = defineCsvFormat({
  id: "iod_lsoa_scores",
  title: "an English Indices of Deprivation LSOA file",
  rawTable: "raw.iod_scores",
  grain: "one row per LSOA",
  columns: [
    { name: "lsoa_code", header: /^LSOA code \(20\d{2}\)$/, required: true },
    { name: "lsoa_name", header: /^LSOA name \(20\d{2}\)$/ },
    { name: "lad_code", header: /^Local Authority District code \(20\d{2}\)$/ },
    num("imd_score", /^Index of Multiple Deprivation \(IMD\) Score$/, false),
    { name: "imd_rank", header: /^Index of Multiple Deprivation \(IMD\) Rank/, kind: "integer" as const, optional: true },
    { name: "imd_decile", header: /^Index of Multiple Deprivation \(IMD\) Decile/, kind: "integer" as const, optional: true },
    num("income_score", /^Income Score \(rate\)$/),
    num("employment_score", /^Employment Score \(rate\)$/),
    num("education_score", /^Education, Skills and Training Score$/),
    num("health_score", /^Health Deprivation and Disability Score$/),
    num("crime_score", /^Crime Score$/),
    num("barriers_score", /^Barriers to Housing and Services Score$/),
    num("living_environment_score", /^Living Environment Score$/),
  ],
});
registerFormats(iodScoresFormat);

const toDouble = (c: string) => `TRY_CAST(replace(trim(${c}), ',', '') AS DOUBLE)`;

/** Deprivation adapter. */
export const deprivationAdapter: SourceAdapter = {
  slot: "deprivation",
  title: "English Indices of Deprivation (MHCLG)",
  licence: OGL,
  enabled: (ctx) => Boolean(ctx.config.sources.deprivation),
  async load(ctx) {
    return loadCsvFiles(ctx, iodScoresFormat, await expandFiles(ctx.db, "deprivation", ctx.config.sources.deprivation!.files));
  },
  async conform(ctx) {
    // Edition from the LSOA vintage in the header: 2011 LSOAs -> IoD2019, 2021 LSOAs -> IoD2025.
    const files = ctx.config.sources.deprivation!.files;
    const header = (await expandFiles(ctx.db, "deprivation", files)).map((f) => readHeader(f) ?? []).flat();
    const edition = header.some((h) => h.includes("(2021)")) ? "IoD2025" : "IoD2019";
    await ctx.db.run(`CREATE OR REPLACE TABLE staging.deprivation_lsoa AS
      SELECT trim(lsoa_code) AS lsoa_code, ${literal(edition)} AS edition, ${toDouble("imd_score")} AS imd_score, ${toDouble("imd_rank")}::INTEGER AS imd_rank,
             ${toDouble("imd_decile")}::INTEGER AS imd_decile, ${toDouble("income_score")} AS income_score,
             ${toDouble("employment_score")} AS employment_score, ${toDouble("education_score")} AS education_score,
             ${toDouble("health_score")} AS health_score, ${toDouble("crime_score")} AS crime_score,
             ${toDouble("barriers_score")} AS barriers_score, ${toDouble("living_environment_score")} AS living_environment_score
      FROM raw.iod_scores`);
  },
};
