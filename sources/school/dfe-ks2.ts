/**
 * DfE KS2 performance tables (`YYYY-YYYY_<LA>_ks2final.csv`): columns drift every year, so
 * only the ones we use are declared. Row types: 1 mainstream, 2 special, 3 LA total, 4/5
 * England. Markers (`SUPP`, `NA`, `NEW`, `LOWCOV`, blank, a single space) are coded missing
 * values; percentages are text like `72%`. Schools are placed in wards through a Get
 * Information About Schools extract (Windows-1252, `AdministrativeWard (code)`).
 */
import path from "node:path";
import { defineCsvFormat } from "../csv-format.ts";
import { fileAttributeTable, loadCsvFiles, registerFormats } from "../load-csv.ts";
import { expandFiles } from "../files.ts";
import { LocalneedsError, messages } from "../../pipelines/messages.ts";
import { OGL, type SourceAdapter } from "../source-adapter.ts";

/** DfE coded missing values seen in KS2 and EES files. */
export const DFE_MARKERS = ["SUPP", "NA", "NEW", "LOWCOV", "NE", "NP", "x", "c", "z", ":", "low", "u", "#DIV/0!"] as const;
const pct = (name: string, header: string) => ({ name, header, kind: "number" as const, markers: DFE_MARKERS, optional: true });

/** KS2 performance-table layout (the columns we use). */
export const ks2Format = defineCsvFormat({
  id: "dfe_ks2_final",
  title: "a DfE KS2 performance table",
  rawTable: "raw.ks2",
  grain: "one row per school or aggregate row per academic year",
  nullPadding: true,
  columns: [
    { name: "rectype", header: "RECTYPE", kind: "integer", required: true },
    { name: "lea", header: "LEA" },
    { name: "urn", header: "URN" },
    { name: "schname", header: "SCHNAME" },
    { name: "telig", header: "TELIG", kind: "integer", markers: DFE_MARKERS },
    { name: "belig", header: "BELIG", kind: "integer", markers: DFE_MARKERS, optional: true },
    { name: "gelig", header: "GELIG", kind: "integer", markers: DFE_MARKERS, optional: true },
    pct("ptrwm_exp", "PTRWM_EXP"),
    pct("ptrwm_exp_b", "PTRWM_EXP_B"),
    pct("ptrwm_exp_g", "PTRWM_EXP_G"),
  ],
});

/** GIAS "download selected fields" extract (the columns we use). */
export const giasFormat = defineCsvFormat({
  id: "dfe_gias_extract",
  title: "a Get Information About Schools extract",
  rawTable: "raw.gias",
  grain: "one row per establishment",
  encoding: "windows-1252",
  columns: [
    { name: "urn", header: "URN", required: true },
    { name: "la_code", header: "LA (code)" },
    { name: "name", header: "EstablishmentName" },
    { name: "phase", header: "PhaseOfEducation (name)", optional: true },
    { name: "ward_code", header: "AdministrativeWard (code)" },
    { name: "postcode", header: "Postcode", optional: true },
  ],
});
registerFormats(ks2Format, giasFormat);

/** Academic year label (`2023/24`) from a KS2 file name (`2023-2024_999_ks2final.csv`). */
export function ks2AcademicYear(file: string): string {
  const m = /(\d{4})-(\d{4})_/.exec(path.basename(file));
  if (!m || Number(m[2]) !== Number(m[1]) + 1) throw new LocalneedsError(messages.noAcademicYearInFileName(file));
  return `${m[1]}/${m[2]!.slice(2)}`;
}

const pctSql = (c: string) => `TRY_CAST(replace(trim(${c}), '%', '') AS DOUBLE)`;
const intSql = (c: string) => `TRY_CAST(replace(trim(${c}), ',', '') AS INTEGER)`;

/** School adapter. `staging.ks2_results`: one row per school (or LA/England total), academic year and sex breakdown. */
export const schoolAdapter: SourceAdapter = {
  slot: "school",
  title: "DfE KS2 performance tables and Get Information About Schools",
  licence: OGL,
  enabled: (ctx) => Boolean(ctx.config.sources.school),
  async load(ctx) {
    const s = ctx.config.sources.school!;
    const ks2 = await expandFiles(ctx.db, "school.ks2", s.ks2);
    ks2.forEach(ks2AcademicYear);
    const loads = await loadCsvFiles(ctx, ks2Format, ks2);
    loads.push(...(await loadCsvFiles(ctx, giasFormat, [s.establishments])));
    return loads;
  },
  async conform(ctx) {
    const { db } = ctx;
    await fileAttributeTable(db, "_ks2_year", ks2Format.rawTable, "academic_year", ks2AcademicYear);
    await db.run(`CREATE OR REPLACE TABLE staging.schools AS
      SELECT DISTINCT trim(urn) AS urn, trim(name) AS name, trim(la_code) AS la_code, nullif(trim(ward_code), '') AS ward_code FROM raw.gias`);
    // Pupils meeting the expected standard = round(eligible x percent); breakdowns all/boys/girls.
    await db.run(`CREATE OR REPLACE TABLE staging.ks2_results AS
      WITH rows AS (
        SELECT y.academic_year, ${intSql("k.rectype")} AS rectype, nullif(trim(k.urn), '') AS urn, trim(k.schname) AS school_name,
               ${intSql("k.telig")} AS telig, ${intSql("k.belig")} AS belig, ${intSql("k.gelig")} AS gelig,
               ${pctSql("k.ptrwm_exp")} AS p_all, ${pctSql("k.ptrwm_exp_b")} AS p_boys, ${pctSql("k.ptrwm_exp_g")} AS p_girls,
               nullif(trim(k.ptrwm_exp), '') AS s_all, nullif(trim(k.ptrwm_exp_b), '') AS s_boys, nullif(trim(k.ptrwm_exp_g), '') AS s_girls
        FROM raw.ks2 k JOIN _ks2_year y ON y.f = k._file
      ), long AS (
        SELECT academic_year, rectype, urn, school_name, 'all' AS breakdown, telig AS eligible, p_all AS pct, s_all AS raw_value FROM rows
        UNION ALL SELECT academic_year, rectype, urn, school_name, 'boys', belig, p_boys, s_boys FROM rows
        UNION ALL SELECT academic_year, rectype, urn, school_name, 'girls', gelig, p_girls, s_girls FROM rows
      )
      SELECT l.academic_year, make_date(left(l.academic_year, 4)::INTEGER, 9, 1) AS period_date, l.rectype, l.urn, l.school_name, s.ward_code, l.breakdown, l.eligible, l.pct,
             CASE WHEN l.pct IS NOT NULL AND l.eligible IS NOT NULL THEN round(l.eligible * l.pct / 100) END AS meeting,
             CASE WHEN l.pct IS NULL THEN coalesce(nullif(trim(l.raw_value), ''), 'blank') END AS status
      FROM long l LEFT JOIN staging.schools s ON s.urn = l.urn`);
  },
};
