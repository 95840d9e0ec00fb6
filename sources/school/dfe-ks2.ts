/**
 * DfE KS2 performance tables (`YYYY-YYYY_<LA>_ks2final.csv`, or the national
 * `england_ks2final.csv` in a `YYYY-YYYY` folder): columns drift every year, so only the ones
 * we use are declared. Row types: 1 mainstream, 2 special, 3 LA total, 4 England (all schools,
 * independent ones that take part included), 5 England (state-funded schools): the comparator
 * is RECTYPE 5, as the LA totals and the schools are state-funded. Every LA file repeats the
 * England rows (and a national file every LA's), so a row several files give counts once, from
 * the file listed last. Markers (`SUPP`, `NA`, `NEW`, `LOWCOV`, blank, a single space) are coded
 * missing values; percentages are text like `72%`; closed and new schools have short rows (null padded).
 * Schools are placed in wards through a supplied URN -> ward lookup or the Get Information About
 * Schools extract's `AdministrativeWard (code)`; URNs are chained across academy conversions
 * through the GIAS links file (`gias-links.ts`).
 */
import { ancestorOfTypeSql } from "../../pipelines/core/area-ancestors.ts";
import path from "node:path";
import { defineCsvFormat } from "../csv-format.ts";
import { loadCsvFiles, registerFormats, type FileLoad } from "../load-csv.ts";
import { displayPath, expandFiles } from "../files.ts";
import type { Context } from "../../pipelines/core/context.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import { OGL } from "../source-adapter.ts";
import { z } from "zod";
import { defineSource, fileList } from "../../pipelines/core/source-definition.ts";
import { lastLineSql, warnDuplicates } from "../keyed-rows.ts";
import { conformLinks, giasLinksFormat } from "./gias-links.ts";
import { conformFsm, eesFsmFormat } from "./ees-fsm.ts";
import { conformAbsence, eesAbsenceFormat } from "./ees-absence.ts";
import { declaredWardSql, reportWardConversion } from "../geography/ward-crosswalk.ts";

/**
 * DfE coded missing values seen in performance-table and EES files: `SUPP` suppressed, `NA` not
 * applicable, `NEW` new school, `LOWCOV` low coverage (all four in the KS2 samples); `NE`, `NP`,
 * `DNS` and upper-case `LOW`, which code reading the performance-table downloads treats as DfE's
 * missing-value codes; EES `x`, `c`, `z`, `:`, `low`, `u`; `#DIV/0!`. Matched exactly (case kept).
 */
export const DFE_MARKERS = ["SUPP", "NA", "NEW", "LOWCOV", "NE", "NP", "DNS", "LOW", "x", "c", "z", ":", "low", "u", "#DIV/0!"] as const;
const pct = (name: string, header: string) => ({ name, header, kind: "number" as const, markers: DFE_MARKERS, optional: true });

/** KS2 performance-table layout (the columns we use). */
export const ks2Format = defineCsvFormat({
  id: "dfe_ks2_final",
  title: "a DfE KS2 performance table",
  rawTable: "raw_ks2",
  grain: "one row per school or aggregate row per academic year",
  nullPadding: true,
  columns: [
    { name: "rectype", header: "RECTYPE", kind: "integer", required: true },
    { name: "lea", header: "LEA" },
    { name: "urn", header: "URN" },
    { name: "schname", header: "SCHNAME" },
    { name: "telig", header: "TELIG", kind: "integer", nonNegative: true, markers: DFE_MARKERS },
    { name: "belig", header: "BELIG", kind: "integer", nonNegative: true, markers: DFE_MARKERS, optional: true },
    { name: "gelig", header: "GELIG", kind: "integer", nonNegative: true, markers: DFE_MARKERS, optional: true },
    { name: "totpups", header: "TOTPUPS", kind: "integer" as const, nonNegative: true, markers: DFE_MARKERS, optional: true },
    { name: "readprog", header: "READPROG", kind: "number" as const, markers: DFE_MARKERS, optional: true },
    { name: "writprog", header: "WRITPROG", kind: "number" as const, markers: DFE_MARKERS, optional: true },
    { name: "matprog", header: "MATPROG", kind: "number" as const, markers: DFE_MARKERS, optional: true },
    pct("ptrwm_exp", "PTRWM_EXP"),
    pct("ptrwm_exp_b", "PTRWM_EXP_B"),
    pct("ptrwm_exp_g", "PTRWM_EXP_G"),
  ],
});

/**
 * GIAS "download selected fields" extract (the columns we use; which columns a download has is
 * the user's choice, so only URN, LA and name are required). Windows-1252 or UTF-8 (detected),
 * every field quoted but URN, dates `dd-mm-yyyy`.
 */
export const giasFormat = defineCsvFormat({
  id: "dfe_gias_extract",
  title: "a Get Information About Schools extract",
  rawTable: "raw_gias",
  grain: "one row per establishment",
  encoding: "auto",
  columns: [
    { name: "urn", header: "URN", kind: "integer", required: true },
    { name: "la_code", header: "LA (code)" },
    { name: "name", header: "EstablishmentName" },
    { name: "establishment_number", header: "EstablishmentNumber", optional: true },
    { name: "type_group", header: "EstablishmentTypeGroup (name)", optional: true },
    { name: "phase", header: "PhaseOfEducation (name)", optional: true },
    { name: "ward_code", header: "AdministrativeWard (code)", optional: true },
    { name: "ward_name", header: "AdministrativeWard (name)", optional: true },
    { name: "district_name", header: "DistrictAdministrative (name)", optional: true },
    { name: "district_code", header: "DistrictAdministrative (code)", optional: true },
    { name: "percentage_fsm", header: "PercentageFSM", kind: "number", nonNegative: true, optional: true, markers: DFE_MARKERS },
    { name: "postcode", header: "Postcode", optional: true },
    { name: "easting", header: "Easting", kind: "number", optional: true },
    { name: "northing", header: "Northing", kind: "number", optional: true },
    { name: "open_date", header: "OpenDate", kind: "date_dmy", optional: true },
    { name: "close_date", header: "CloseDate", kind: "date_dmy", optional: true },
  ],
});

/** A supplied school -> ward lookup: `URN` and a ward code column (`WD24CD` or `ward_code`). */
export const schoolWardLookupFormat = defineCsvFormat({
  id: "school_ward_lookup",
  title: "a school to ward lookup (URN, ward code)",
  rawTable: "raw_school_wards",
  grain: "one row per school",
  columns: [
    { name: "urn", header: "URN", kind: "integer", required: true },
    { name: "ward_code", header: /^(WD\d{2}CD|ward_code)$/i, required: true },
  ],
});
registerFormats(ks2Format, giasFormat, schoolWardLookupFormat);

/** `2023/24` from a match of two consecutive years (`2023`, `2024`), else null. */
const yearLabel = (m: RegExpExecArray | null) => (m && Number(m[2]) === Number(m[1]) + 1 ? `${m[1]}/${m[2]!.slice(2)}` : null);

/**
 * Academic year label (`2023/24`) from a KS2 file name (`2023-2024_999_ks2final.csv`), else from
 * the nearest folder named like `2023-2024` (DfE's download puts the national file in one:
 * `Performancetables_2022-2023/2022-2023/england_ks2final.csv`).
 */
export function ks2AcademicYear(file: string): string {
  const named = yearLabel(/(\d{4})-(\d{4})_/.exec(path.basename(file)));
  if (named) return named;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const folder = yearLabel(/(?:^|[^0-9])(\d{4})-(\d{4})$/.exec(path.basename(dir)));
    if (folder) return folder;
    if (path.dirname(dir) === dir) break;
  }
  throw new LocalneedsError(messages.noAcademicYearInFileName(file));
}

/** An authority's name compared without case, spaces or punctuation ("Bristol, City of" = "Bristol City of"; "&" = "and"). */
const nameKey = (c: string) => `regexp_replace(replace(lower(${c}), '&', 'and'), '[^a-z0-9]', '', 'g')`;
const pctSql = (c: string) => `TRY_CAST(replace(trim(${c}), '%', '') AS DOUBLE)`;
const intSql = (c: string) => `TRY_CAST(replace(trim(${c}), ',', '') AS INTEGER)`;

/**
 * Report rows that several KS2 files give with different figures (`ks2_files_disagree`): one
 * warning per pair of files (the one used, listed later, and the one set aside), counting the rows
 * and naming up to three. Reads `_ks2_rows` (one row per line, with `row_key` and `figures`).
 */
async function warnKs2Disagreements(ctx: Pick<Context, "db" | "config">): Promise<void> {
  const label = `CASE o.rectype WHEN 4 THEN 'England (all schools)' WHEN 5 THEN 'England (state-funded schools)'
    WHEN 3 THEN o.school_name || ' (LA ' || o.lea || ')' ELSE o.school_name || ' (URN ' || o.urn || ')' END || ' ' || o.academic_year`;
  // A row's headline figures as published: `65% of 644967`.
  const figures = (t: string) => `coalesce(${t}.s_all, 'blank') || ' of ' || coalesce(${t}.telig::VARCHAR, 'blank')`;
  const pairs = await ctx.db.all<{ used: string; other: string; n: number; examples: string }>(`
    WITH last AS (SELECT row_key, max(file_order) AS file_order FROM _ks2_rows GROUP BY 1),
         used AS (SELECT r.* FROM _ks2_rows r JOIN last USING (row_key, file_order)),
         differ AS (
           SELECT u.file AS used, o.file AS other, u.file_order AS used_order, o.file_order AS other_order,
                  ${label} || ': ' || ${figures("o")} || ' pupils, ' || ${figures("u")} || ' in the later file' AS example, o.row_key
           FROM _ks2_rows o JOIN used u ON u.row_key = o.row_key AND u.file_order > o.file_order
           WHERE u.figures <> o.figures
         )
    SELECT used, other, count(DISTINCT row_key)::INTEGER AS n,
           array_to_string(list_sort(list_distinct(list(example)))[1:3], '; ') AS examples
    FROM differ GROUP BY used, other, used_order, other_order ORDER BY used_order, other_order`);
  for (const p of pairs) {
    const used = displayPath(ctx.config, p.used);
    await ctx.db.recordWarning("conform", "ks2_files_disagree", used, messages.ks2FilesDisagree(displayPath(ctx.config, p.other), used, p.n, p.examples));
  }
}

/** The `sources.school` block. */
const schoolConfig = z
  .object({
    ks2: fileList.optional(),
    establishments: z.string().min(1).optional().describe("GIAS extract (Windows-1252 or UTF-8)"),
    links: z.string().min(1).optional().describe("GIAS links file: URNs chained across academy conversions"),
    wardLookup: z.string().min(1).optional().describe("CSV of URN and ward code (WDyyCD or ward_code)"),
    fsm: fileList.optional().describe("Explore Education Statistics free school meals: national/regional/LA time series and/or school-level data"),
    absence: fileList.optional().describe("Explore Education Statistics pupil absence (full year): national/regional/LA and/or school-level rows"),
  })
  .strict();

declare module "../../pipelines/core/source-definition.ts" {
  interface SourceConfigs { school: z.output<typeof schoolConfig> }
}

/**
 * School adapter. `staging.schools`: one row per establishment in the GIAS extract (ward from its
 * `AdministrativeWard (code)` or the supplied ward lookup, which wins). `staging.ks2_results`: one
 * row per school (or LA/England total), academic year and sex breakdown, once however many files
 * give it (the file listed last wins), with the school's current URN through the GIAS links
 * (`current_urn`) and its ward (own URN's, else the current URN's); `area_code` is the area a row
 * is of: the school's ward, the parent authority for the LA total of the parent's schools
 * (RECTYPE 3; another LA's total gets none), the parent's country for England (RECTYPE 4 all
 * schools and 5 state-funded; the indicator counts 5). `staging.school_urn_chain`, `staging.fsm`
 * and `staging.school_absence` when links, FSM and absence files are given.
 */
export const schoolAdapter = defineSource({
  slot: "school",
  title: "DfE KS2 performance tables, Get Information About Schools, and Explore Education Statistics",
  licence: OGL,
  schema: schoolConfig,
  paths: ["ks2", "establishments", "links", "wardLookup", "fsm", "absence"],
  async load(ctx, s) {
    const loads: FileLoad[] = [];
    if (s.ks2?.length) {
      const ks2 = await expandFiles(ctx, "school.ks2", s.ks2);
      ks2.forEach(ks2AcademicYear);
      loads.push(...(await loadCsvFiles(ctx, ks2Format, ks2)));
    }
    if (s.establishments) loads.push(...(await loadCsvFiles(ctx, giasFormat, [s.establishments])));
    if (s.wardLookup) loads.push(...(await loadCsvFiles(ctx, schoolWardLookupFormat, [s.wardLookup])));
    if (s.links) loads.push(...(await loadCsvFiles(ctx, giasLinksFormat, [s.links])));
    if (s.fsm?.length) loads.push(...(await loadCsvFiles(ctx, eesFsmFormat, await expandFiles(ctx, "school.fsm", s.fsm))));
    if (s.absence?.length) loads.push(...(await loadCsvFiles(ctx, eesAbsenceFormat, await expandFiles(ctx, "school.absence", s.absence))));
    return loads;
  },
  async conform(ctx, s) {
    const { db } = ctx;
    if (s.links) await conformLinks(ctx);
    else await db.run(`CREATE OR REPLACE TABLE staging.school_urn_chain (urn VARCHAR, current_urn VARCHAR, steps INTEGER)`);
    const lookup = s.wardLookup ? `(${lastLineSql(schoolWardLookupFormat.rawTable, [s.wardLookup], "urn")})` : `(SELECT NULL::VARCHAR AS urn, NULL::VARCHAR AS ward_code)`;
    if (s.wardLookup) await warnDuplicates(ctx, schoolWardLookupFormat.rawTable, [s.wardLookup], "school ward lookup", "urn");
    await db.run(`CREATE OR REPLACE TABLE staging.schools AS
      WITH gias AS (${s.establishments ? `SELECT * FROM (${lastLineSql(giasFormat.rawTable, [s.establishments], "urn")})` : "SELECT NULL::VARCHAR AS urn, NULL::VARCHAR AS name, NULL::VARCHAR AS la_code, NULL::VARCHAR AS ward_code, NULL::VARCHAR AS phase, NULL::VARCHAR AS district_name, NULL::VARCHAR AS district_code WHERE false"}),
           lk AS (SELECT trim(urn) AS urn, trim(ward_code) AS ward_code FROM ${lookup} WHERE urn IS NOT NULL)
      SELECT coalesce(g.urn, lk.urn) AS urn, trim(g.name) AS name, trim(g.la_code) AS la_code,
             ${declaredWardSql("coalesce(lk.ward_code, nullif(trim(g.ward_code), ''))")} AS ward_code, nullif(trim(g.phase), '') AS phase,
             coalesce(lk.ward_code, nullif(trim(g.ward_code), '')) AS source_ward_code,
             nullif(trim(g.district_name), '') AS district_name, nullif(trim(g.district_code), '') AS district_code
      FROM gias g FULL JOIN lk ON lk.urn = g.urn`);
    await reportWardConversion(ctx, "schools", "staging.schools", "source_ward_code", "best_fit");
    const noWard = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM staging.schools WHERE ward_code IS NULL`);
    if (noWard!.n && (s.establishments || s.wardLookup)) {
      await db.recordWarning("conform", "school_no_ward", null, messages.schoolWardUnknown(noWard!.n));
    }
    // Schools of the build's own authorities (GIAS's district, by code or name) whose ward code is
    // no ward of the build: a GIAS extract newer than the build's ward vintage (wards re-coded at a
    // boundary review) would otherwise leave every school of the area out, said only in the count above.
    const ours = await db.one<{ n: number; codes: number; examples: string | null; authority: string | null }>(`
      WITH own AS (SELECT area_code, area_name FROM ref.areas WHERE area_type = 'authority'),
           s AS (SELECT s.source_ward_code AS code, o.area_name FROM staging.schools s
                 JOIN own o ON o.area_code = s.district_code OR ${nameKey("o.area_name")} = ${nameKey("s.district_name")}
                 WHERE s.source_ward_code IS NOT NULL AND (s.ward_code IS NULL OR s.ward_code NOT IN (SELECT area_code FROM ref.areas WHERE area_type = 'ward')))
      SELECT count(*)::INTEGER AS n, count(DISTINCT code)::INTEGER AS codes, any_value(area_name) AS authority,
             array_to_string(list_sort(list_distinct(list(code)))[1:3], ', ') AS examples FROM s`);
    if (ours!.n) {
      await db.recordWarning("conform", "school_ward_not_in_build", null, messages.schoolWardNotInBuild(ours!.n, ours!.authority ?? "", ours!.codes, ours!.examples ?? "", ctx.config.geography.wardVintage));
    }
    // EES files place school rows through staging.schools.
    if (s.fsm?.length) await conformFsm(ctx);
    if (s.absence?.length) await conformAbsence(ctx);
    if (!s.ks2?.length) return;
    // Each file's academic year and its place in the list: a row several files give (the England
    // rows every LA file repeats, an LA's rows in a national file and its own) is taken from the last.
    const listed = await expandFiles(ctx, "school.ks2", s.ks2);
    const inRaw = (await db.all<{ f: string }>(`SELECT DISTINCT _file::VARCHAR AS f FROM ${ks2Format.rawTable}`)).map((r) => r.f);
    const order = (f: string) => (listed.includes(f) ? listed.indexOf(f) : listed.length + inRaw.indexOf(f));
    await db.run(`CREATE OR REPLACE TEMP TABLE _ks2_year (f VARCHAR, academic_year VARCHAR, file_order INTEGER)`);
    await db.insertRows("_ks2_year", ["f", "academic_year", "file_order"], inRaw.map((f) => ({ f, academic_year: ks2AcademicYear(f), file_order: order(f) })));
    // One row per line: `row_key` names what the row is about (a school by URN; an LA total by LEA;
    // England by row type) in its year, `figures` the values read from it.
    await db.run(`CREATE OR REPLACE TEMP TABLE _ks2_rows AS
      WITH typed AS (
        SELECT y.academic_year, y.file_order, k._file::VARCHAR AS file, ${intSql("k.rectype")} AS rectype, trim(k.lea) AS lea, nullif(trim(k.urn), '') AS urn, trim(k.schname) AS school_name,
               ${intSql("k.telig")} AS telig, ${intSql("k.belig")} AS belig, ${intSql("k.gelig")} AS gelig,
               ${pctSql("k.ptrwm_exp")} AS p_all, ${pctSql("k.ptrwm_exp_b")} AS p_boys, ${pctSql("k.ptrwm_exp_g")} AS p_girls,
               nullif(trim(k.ptrwm_exp), '') AS s_all, nullif(trim(k.ptrwm_exp_b), '') AS s_boys, nullif(trim(k.ptrwm_exp_g), '') AS s_girls
        FROM raw_ks2 k JOIN _ks2_year y ON y.f = k._file
      )
      SELECT *, academic_year || '|' || coalesce(rectype::VARCHAR, '') || '|' || coalesce('URN ' || urn, 'LA ' || coalesce(lea, '')) AS row_key,
             concat_ws('|', coalesce(telig::VARCHAR, ''), coalesce(belig::VARCHAR, ''), coalesce(gelig::VARCHAR, ''),
                       coalesce(p_all::VARCHAR, s_all, ''), coalesce(p_boys::VARCHAR, s_boys, ''), coalesce(p_girls::VARCHAR, s_girls, '')) AS figures
      FROM typed`);
    await warnKs2Disagreements(ctx);
    // EES files name each LA by its old (DfE) code beside its GSS code: the KS2 file's LEA.
    const eesLaCodes = [s.fsm?.length ? "staging.fsm" : null, s.absence?.length ? "staging.school_absence" : null].filter((t): t is string => t !== null);
    // Pupils meeting the expected standard = round(eligible x percent); breakdowns all/boys/girls.
    await db.run(`CREATE OR REPLACE TABLE staging.ks2_results AS
      WITH rows AS (
        SELECT * FROM _ks2_rows QUALIFY file_order = max(file_order) OVER (PARTITION BY row_key)
      ), long AS (
        SELECT academic_year, rectype, lea, urn, school_name, 'all' AS breakdown, telig AS eligible, p_all AS pct, s_all AS raw_value FROM rows
        UNION ALL SELECT academic_year, rectype, lea, urn, school_name, 'boys', belig, p_boys, s_boys FROM rows
        UNION ALL SELECT academic_year, rectype, lea, urn, school_name, 'girls', gelig, p_girls, s_girls FROM rows
      )
      SELECT l.academic_year, make_date(left(l.academic_year, 4)::INTEGER, 9, 1) AS period_date, l.rectype, l.urn, l.school_name,
             coalesce(s.ward_code, cs.ward_code) AS ward_code, l.breakdown, l.eligible, l.pct,
             CASE WHEN l.pct IS NOT NULL AND l.eligible IS NOT NULL THEN round(l.eligible * l.pct / 100) END AS meeting,
             CASE WHEN l.pct IS NULL THEN coalesce(nullif(trim(l.raw_value), ''), 'blank') END AS status,
             coalesce(c.current_urn, l.urn) AS current_urn,
             CASE WHEN l.rectype IN (1, 2) THEN coalesce(s.ward_code, cs.ward_code)
                  -- The local authority's total is the education authority's (a district's county,
                  -- the upper tier), when the total is that authority's: the LA of the schools placed
                  -- in the parent's wards, the authority's old LA code in an EES file, or its name
                  -- (schools not placed in wards: a GIAS extract without ward codes; no GIAS at all),
                  -- never another LA's total (a neighbour's file given by mistake, or beside ours; a
                  -- national file's other LAs).
                  WHEN l.rectype = 3 AND (l.lea IN (SELECT p.la_code FROM staging.schools p JOIN ref.areas w ON w.area_code = p.ward_code WHERE w.parent_code = $parent)
                                          ${eesLaCodes.map((t) => `OR l.lea IN (SELECT old_la_code FROM ${t} WHERE area_code = ea.code AND old_la_code IS NOT NULL)`).join("\n                                          ")}
                                          OR ${nameKey("l.school_name")} = ${nameKey("ea.name")})
                    THEN ea.code
                  -- Both England rows are England's (4 all schools, 5 state-funded schools); the
                  -- indicator compares with RECTYPE 5, as the LA total and the schools are state-funded.
                  WHEN l.rectype IN (4, 5) THEN ${ancestorOfTypeSql("$parent", "country")}
             END AS area_code
      FROM long l
      LEFT JOIN (SELECT a.area_code AS code, a.area_name AS name FROM ref.areas a WHERE a.area_code = coalesce(${ancestorOfTypeSql("$parent", "county")}, $parent)) ea ON true
      LEFT JOIN staging.schools s ON s.urn = l.urn
      LEFT JOIN staging.school_urn_chain c ON c.urn = l.urn
      LEFT JOIN staging.schools cs ON cs.urn = c.current_urn`, { parent: ctx.config.parent });
  },
});
