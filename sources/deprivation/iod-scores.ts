/**
 * English Indices of Deprivation by LSOA: the scores file (File 5/7 style: long MHCLG headers,
 * quoted ranks with thousands separators), and with it Files 1, 2 and 6 and the ONS IMD lookup
 * (`iod-files.ts`), any mix, each recognised by its header. Grain of `staging.deprivation_lsoa`:
 * one row per LSOA.
 */
import { defineCsvFormat, type CsvFormat } from "../csv-format.ts";
import { headerFits, loadCsvFiles, pickFormat, registerFormats, type FileLoad } from "../load-csv.ts";
import { isWorkbook, loadWorkbookTables, tablePath, workbookCacheOf, workbookTables } from "../workbook.ts";
import { displayPath, expandFiles, readHeader } from "../files.ts";
import { literal } from "../../pipelines/core/warehouse.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import type { Context } from "../../pipelines/core/context.ts";
import { OGL } from "../source-adapter.ts";
import { placeLsoaCodes } from "../geography/lsoa-vintage.ts";
import { z } from "zod";
import { defineSource, fileList } from "../../pipelines/core/source-definition.ts";
import { lastLineSql, warnDuplicates } from "../keyed-rows.ts";
import { iodDenominatorsFormat } from "../population/iod-denominators.ts";
import { IOD_DOMAINS, iodArcgisLayerFormat, iodFile1Format, iodFile2Format, LSOAS_RANKED, onsImdLookupFormat, optionalDomainRanks, WIMD_DOMAINS, wimdRanksFormat } from "./iod-files.ts";

const num = (name: string, header: RegExp, optional = true) => ({ name, header, kind: "number" as const, optional });

/** IoD scores file (IMD score, rank, decile and domain scores). */
export const iodScoresFormat = defineCsvFormat({
  id: "iod_lsoa_scores",
  title: "an English Indices of Deprivation LSOA file",
  rawTable: "raw_iod_scores",
  grain: "one row per LSOA",
  columns: [
    { name: "lsoa_code", header: /^LSOA code \(20\d{2}\)$/, required: true },
    { name: "lsoa_name", header: /^LSOA name \(20\d{2}\)$/ },
    { name: "lad_code", header: /^Local Authority District code \(20\d{2}\)$/ },
    num("imd_score", /^Index of Multiple Deprivation \(IMD\) Score$/, false),
    { name: "imd_rank", header: /^Index of Multiple Deprivation \(IMD\) Rank/, kind: "integer" as const, nonNegative: true, optional: true },
    { name: "imd_decile", header: /^Index of Multiple Deprivation \(IMD\) Decile/, kind: "integer" as const, nonNegative: true, optional: true },
    num("income_score", /^Income Score \(rate\)$/),
    num("employment_score", /^Employment Score \(rate\)$/),
    num("education_score", /^Education, Skills and Training Score$/),
    num("health_score", /^Health Deprivation and Disability Score$/),
    num("crime_score", /^Crime Score$/),
    num("barriers_score", /^Barriers to Housing and Services Score$/),
    num("living_environment_score", /^Living Environment Score$/),
    // File 7 gives each domain's rank and decile beside its score: read, so it is not taken for File 2 (ranks only).
    ...optionalDomainRanks,
  ],
});
registerFormats(iodScoresFormat);

/** Score columns of the scores file, by domain stem. */
const SCORE_COLUMNS: Record<string, string> = {
  imd: "imd_score", income: "income_score", employment: "employment_score", education: "education_score",
  health: "health_score", crime: "crime_score", barriers: "barriers_score", living_environment: "living_environment_score",
};

/** Every deprivation table of this run (a CSV file, or a workbook's sheet as `tablePath`), its format and edition, in the order given. */
const TABLES = "_deprivation_tables";

/** The formats the deprivation slot takes, recognised by header. */
export const DEPRIVATION_FORMATS = [iodScoresFormat, iodFile1Format, iodFile2Format, onsImdLookupFormat, iodDenominatorsFormat, iodArcgisLayerFormat, wimdRanksFormat] as const;
/** The deprivation slot as errors name it. */
export const SLOT_TITLE = "an Indices of Deprivation file (scores, File 1, File 2, File 6, File 7, the ONS IMD lookup or the IMD_2019 map layer; for Wales, the WIMD ranks)";

/** Measures each format provides (staging column -> raw column). */
function measuresOf(format: CsvFormat): [string, string][] {
  if (format === iodScoresFormat || format === iodArcgisLayerFormat) return format.columns.filter((c) => /_(score|rank|decile)$/.test(c.name)).map((c) => [c.name, c.name]);
  if (format === onsImdLookupFormat) return [["imd_rank", "imd_rank"]];
  if (format === iodFile1Format || format === iodFile2Format) return format.columns.filter((c) => /_(rank|decile)$/.test(c.name)).map((c) => [c.name, c.name]);
  if (format === wimdRanksFormat) return [...["imd", "income", "employment", "health", "education"], ...WIMD_DOMAINS.map(([stem]) => stem)].map((stem) => [`${stem}_rank`, `${stem}_rank`]);
  return [];
}

/**
 * Edition of a file from its header: 2011 LSOAs -> IoD2019, 2021 LSOAs -> IoD2025 (the ONS lookup
 * says IMD19; the Welsh ranks `WIMD 2019`). Read aside case and separators, as the columns are (`LSOA code (2011)`, R's
 * `LSOA.code..2011.`, pandas' `lsoa_code_2011`, `LSOA11CD`).
 */
export function iodEdition(file: string): string {
  const cells = (readHeader(file) ?? []).map((h) => h.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim());
  for (const c of cells) {
    const wimd = /^wimd (20\d{2})$/.exec(c);
    if (wimd) return `WIMD${wimd[1]}`;
    const imd = /\bimd(\d{2})\b/.exec(c);
    if (imd) return `IoD20${imd[1]}`;
  }
  const lsoaVintage = (yyyy: string) => cells.some((c) => /^f? ?lsoa/.test(c) && (c.endsWith(` ${yyyy}`) || c === `lsoa${yyyy.slice(2)}cd` || c === `f lsoa${yyyy.slice(2)}cd`));
  if (lsoaVintage("2021")) return "IoD2025";
  if (lsoaVintage("2011")) return "IoD2019";
  return "IoD";
}

/**
 * The files of one nation's index must be of one edition: an LSOA's scores, ranks and weights
 * are taken from the first file that gives each, all under that file's edition, so England's
 * IoD 2025 File 1 beside an IoD 2019 File 2 would show 2019's domain ranks as 2025's (out of
 * another number of LSOAs). England's and Wales's indices side by side are fine; a file whose
 * edition cannot be told (`IoD`) goes with any. Population denominators (File 6, File 7's
 * residents) only weight the summaries: the caller leaves them out.
 */
function checkOneEdition(ctx: Pick<Context, "config">, tables: readonly { file: string; edition: string }[]): void {
  for (const nation of ["IoD", "WIMD"]) {
    const editions = [...new Set(tables.filter((t) => t.edition.startsWith(nation) && t.edition !== nation).map((t) => t.edition))].sort();
    if (editions.length < 2) continue;
    const filesOf = (e: string) => tables.filter((t) => t.edition === e).map((t) => displayPath(ctx.config, t.file));
    throw new LocalneedsError(messages.iodEditionsMixed(editions.map((e) => ({ edition: e, files: [...new Set(filesOf(e))] }))));
  }
}

/** Staging columns of `staging.deprivation_lsoa`, in order (the first 12 are the original contract). */
export const DEPRIVATION_COLUMNS = [
  "imd_score", "imd_rank", "imd_decile", "income_score", "employment_score", "education_score", "health_score", "crime_score",
  "barriers_score", "living_environment_score",
  ...IOD_DOMAINS.filter(([stem]) => stem !== "imd").flatMap(([stem]) => [`${stem}_rank`, `${stem}_decile`]),
  // Wales's own domains (WIMD ranks only): NULL for England's LSOAs.
  ...WIMD_DOMAINS.flatMap(([stem]) => [`${stem}_rank`, `${stem}_decile`]),
];

/** Every domain's stem with a rank column: England's seven and the IMD, then Wales's own four. */
const RANKED_STEMS: readonly string[] = [...IOD_DOMAINS.map(([stem]) => stem), ...WIMD_DOMAINS.map(([stem]) => stem)];

/** The `sources.deprivation` block. */
const deprivationConfig = z
  .object({ files: fileList.describe("IoD files 1, 2, 6 and scores, the ONS IMD lookup, or the Welsh Index of Multiple Deprivation ranks (recognised by header)") })
  .strict();

declare module "../../pipelines/core/source-definition.ts" {
  interface SourceConfigs { deprivation: z.output<typeof deprivationConfig> }
}

/**
 * Deprivation adapter. `staging.deprivation_lsoa`: one row per LSOA, merging every file given
 * (for a measure two files both give, the first listed wins and a disagreement is reported):
 * `lsoa_code, edition, imd_score` (NULL when only ranks were published, as in Files 1 and 2),
 * `imd_rank, imd_decile`, the 7 domain scores, then each domain's rank and decile. Deciles missing
 * from a file that has ranks (the ONS lookup) are derived from the national rank.
 * `staging.deprivation_summary`: one row per aggregate area (ward, locality, authority, rest of
 * authority) and domain: population-weighted average score (NULL without scores) and rank, and the
 * share of residents in the most deprived national decile. Weights: IoD File 6 when given in this
 * slot, else the latest year of `staging.population_lsoa`.
 */
export const deprivationAdapter = defineSource({
  slot: "deprivation",
  // Population weights come from `staging.population_lsoa`, and File 6 may sit in the population slot.
  reads: ["population"],
  // `staging.deprivation_summary` has a row per focus area and locality (`ref.area_members`).
  readsAreas: true,
  title: "Indices of Deprivation (English IoD, MHCLG; Welsh WIMD, Welsh Government)",
  licence: OGL,
  schema: deprivationConfig,
  paths: ["files"],
  async load(ctx, d) {
    const { db } = ctx;
    const files = await expandFiles(ctx, "deprivation", d.files);
    const already = new Set(ctx.config.sources.population?.files ?? []);
    // Every CSV file's kind before anything is written (a workbook's come with its tables).
    const csvFormats = new Map(files.filter((f) => !isWorkbook(f)).map((f) => [f, pickFormat(f, DEPRIVATION_FORMATS, SLOT_TITLE)] as const));
    await db.run(`CREATE OR REPLACE TEMP TABLE ${TABLES} (path VARCHAR, format VARCHAR, edition VARCHAR, ord INTEGER)`);
    const loads: FileLoad[] = [];
    let ord = 0;
    const record = (path: string, format: CsvFormat, read: string) =>
      db.run(`INSERT INTO ${TABLES} VALUES ($p, $f, $e, $o)`, { p: path, f: format.id, e: iodEdition(read), o: ord++ });
    for (const f of files) {
      const format = csvFormats.get(f);
      if (format) {
        // File 6 listed in the population slot too is loaded once (by the population adapter).
        if (!(format === iodDenominatorsFormat && already.has(f))) loads.push(...(await loadCsvFiles(ctx, format, [f])));
        await record(f, format, f);
        // File 7 carries File 6's columns after its scores: read as the denominators too (the summary's weights).
        if (format === iodScoresFormat && headerFits(iodDenominatorsFormat, readHeader(f) ?? [])) {
          if (!already.has(f)) loads.push(...(await loadCsvFiles(ctx, iodDenominatorsFormat, [f])));
          await record(f, iodDenominatorsFormat, f);
        }
        continue;
      }
      const tables = await workbookTables(f, (cells) => DEPRIVATION_FORMATS.some((x) => headerFits(x, cells)), { dir: workbookCacheOf(ctx.config), kind: "deprivation" });
      if (!tables.length) throw new LocalneedsError(messages.workbookNoTable(f, SLOT_TITLE.replace(" file ", " table ")));
      const formats = new Map(tables.map((t) => [t, pickFormat(t.csv, DEPRIVATION_FORMATS, SLOT_TITLE)]));
      const read = tables.filter((t) => !(formats.get(t) === iodDenominatorsFormat && already.has(f)));
      for (const { table, format: x, load } of await loadWorkbookTables(ctx, f, read, (t) => formats.get(t)!)) {
        loads.push(load);
        await record(load.path, x, table.csv);
      }
      for (const t of tables.filter((x) => !read.includes(x))) await record(tablePath(f, t.sheet), formats.get(t)!, t.csv);
    }
    return loads;
  },
  async conform(ctx) {
    const { db } = ctx;
    const byId = new Map<string, CsvFormat>(DEPRIVATION_FORMATS.map((f) => [f.id, f]));
    const picked = (await db.all<{ path: string; format: string; edition: string; ord: number }>(`SELECT path, format, edition, ord FROM ${TABLES} ORDER BY ord`))
      .map((t) => ({ file: t.path, order: t.ord, format: byId.get(t.format)!, edition: t.edition }));
    checkOneEdition(ctx, picked.filter((p) => p.format !== iodDenominatorsFormat));
    await db.run(`CREATE OR REPLACE TEMP TABLE _dep_long (lsoa_code VARCHAR, measure VARCHAR, value DOUBLE, file_order INTEGER, edition VARCHAR, _file VARCHAR)`);
    for (const p of picked) {
      const measures = measuresOf(p.format);
      if (!measures.length) continue;
      await warnDuplicates(ctx, p.format.rawTable, [p.file], "Indices of Deprivation");
      const values = measures.map(([m, c]) => `(${literal(m)}, ${toDouble(`d.${c}`)})`).join(", ");
      await db.run(`INSERT INTO _dep_long SELECT d.lsoa_code, v.measure, v.value, ${p.order}, ${literal(p.edition)}, d._file
        FROM (${lastLineSql(p.format.rawTable, [p.file])}) d, LATERAL (VALUES ${values}) v(measure, value) WHERE v.value IS NOT NULL`);
    }
    const denominatorFiles = picked.filter((p) => p.format === iodDenominatorsFormat).map((p) => p.file);
    await convertLsoaVintage(ctx, denominatorFiles);
    await reportDisagreements(ctx);
    const pivot = DEPRIVATION_COLUMNS.map((c) => `max(value) FILTER (WHERE measure = ${literal(c)})`);
    await db.run(`CREATE OR REPLACE TEMP TABLE _dep_wide AS
      SELECT lsoa_code, arg_min(edition, file_order) AS edition, ${pivot.map((x, i) => `${x} AS ${DEPRIVATION_COLUMNS[i]}`).join(", ")}
      FROM (SELECT * FROM _dep_long QUALIFY row_number() OVER (PARTITION BY lsoa_code, measure ORDER BY file_order) = 1)
      GROUP BY lsoa_code`);
    // Deciles from national ranks where a file gave ranks only.
    const derived: string[] = [];
    for (const stem of RANKED_STEMS) {
      const n = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM _dep_wide WHERE ${stem}_decile IS NULL AND ${stem}_rank IS NOT NULL`);
      if (n!.n) derived.push(stem);
    }
    const derivedEditions = derived.length
      ? (await db.all<{ e: string }>(`SELECT DISTINCT edition AS e FROM _dep_wide WHERE ${derived.map((stem) => `(${stem}_decile IS NULL AND ${stem}_rank IS NOT NULL)`).join(" OR ")} ORDER BY 1`)).map((r) => r.e)
      : [];
    const rankBase = `CASE edition ${Object.entries(LSOAS_RANKED).map(([e, n]) => `WHEN ${literal(e)} THEN ${n}`).join(" ")} END`;
    const col = (c: string) => {
      const m = /^(.*)_decile$/.exec(c);
      if (m && derived.includes(m[1]!)) return `coalesce(${c}, ceil(${m[1]}_rank * 10 / ${rankBase}))::INTEGER AS ${c}`;
      return /_(rank|decile)$/.test(c) ? `${c}::INTEGER AS ${c}` : c;
    };
    await db.run(`CREATE OR REPLACE TABLE staging.deprivation_lsoa AS
      SELECT lsoa_code, edition, ${DEPRIVATION_COLUMNS.map(col).join(", ")} FROM _dep_wide ORDER BY lsoa_code`);
    // Said once per edition whose deciles were derived (England's IoD, Wales's WIMD), of the files giving ranks alone.
    for (const edition of derivedEditions) {
      const ranksOnly = picked.filter((p) => p.edition === edition && (p.format === onsImdLookupFormat || p.format === wimdRanksFormat)).map((p) => p.file);
      for (const file of ranksOnly.length ? ranksOnly : ["deprivation"]) {
        const shownFile = displayPath(ctx.config, file);
        await db.recordWarning("conform", "iod_decile_derived", shownFile, messages.iodDecileDerived(shownFile, edition, LSOAS_RANKED[edition]));
      }
    }
    await checkCoverage(ctx);
    await summarise(ctx, denominatorFiles);
  },
});

/**
 * Files on the other LSOA vintage than the lookup's (IoD2019 on 2011 LSOAs in a build on 2021
 * LSOAs, or IoD2025 the other way) are converted through `geography.lsoaChanges`, the mechanism of
 * police.uk and population files (`placeLsoaCodes`; without the change file the build stops and
 * says so). An LSOA split in two gives each part its value; LSOAs merged into one give it the mean
 * of theirs (an approximation, counted in `lsoa_vintage_converted`). `_dep_long` is rewritten on
 * the lookup's codes; File 6's codes are placed too (`_lsoa_map_deprivation`), for the summary's
 * weights (residents shared between a split LSOA's parts, added for merged ones).
 */
async function convertLsoaVintage(ctx: Context, denominatorFiles: readonly string[]): Promise<void> {
  const { db } = ctx;
  const file6 = denominatorFiles.length ? `UNION SELECT DISTINCT _file, lsoa_code FROM (${lastLineSql(iodDenominatorsFormat.rawTable, denominatorFiles)})` : "";
  await db.run(`CREATE OR REPLACE TEMP TABLE _dep_codes AS SELECT DISTINCT _file, lsoa_code FROM _dep_long ${file6}`);
  await placeLsoaCodes(ctx, "deprivation", "_dep_codes", "Indices of Deprivation", { shares: true });
  if (await db.one(`SELECT 1 FROM _lsoa_map_deprivation WHERE source_code IS DISTINCT FROM lsoa_code LIMIT 1`)) {
    await db.run(`CREATE OR REPLACE TEMP TABLE _dep_long AS
      SELECT m.lsoa_code, d.measure, avg(d.value) AS value, d.file_order, d.edition, d._file
      FROM _dep_long d JOIN _lsoa_map_deprivation m ON m._file = d._file AND m.source_code = trim_fast(d.lsoa_code)
      GROUP BY m.lsoa_code, d.measure, d.file_order, d.edition, d._file`);
  }
  await db.run(`DROP TABLE _dep_codes`);
}

/**
 * The files must cover every LSOA of the build's authorities (`ref.lsoa_ward`): a ward's averages
 * leave out an LSOA they lack. Missing LSOAs are reported once (`deprivation_lsoas_missing`), with
 * why when it can be told: Welsh LSOAs (the English Indices cover England), or files holding none
 * of the build's LSOAs (an extract of another area). Files of the other LSOA vintage were converted
 * before this (or the build stopped), so vintage is not a cause here.
 */
async function checkCoverage(ctx: Context): Promise<void> {
  const { db, config } = ctx;
  if (!(await db.hasTable("ref.lsoa_ward"))) return;
  // The build's own authorities (a build with national comparators holds every LSOA of the lookup, Wales's too).
  const authorities = config.geography.authorities?.length ? config.geography.authorities : [config.parent];
  const gap = await db.one<{ missing: number; lsoas: number; welsh: number; examples: string[] }>(`
    WITH build AS (SELECT DISTINCT lsoa_code FROM ref.lsoa_ward WHERE lad_code IN (${authorities.map(literal).join(", ")})),
         gaps AS (SELECT lsoa_code FROM build ANTI JOIN staging.deprivation_lsoa d USING (lsoa_code))
    SELECT (SELECT count(*) FROM gaps)::INTEGER AS missing, (SELECT count(*) FROM build)::INTEGER AS lsoas,
           (SELECT count(*) FROM gaps WHERE lsoa_code LIKE 'W%')::INTEGER AS welsh,
           (SELECT list(lsoa_code ORDER BY lsoa_code)[1:3] FROM gaps) AS examples`);
  if (!gap!.missing) return;
  await db.recordWarning("conform", "deprivation_lsoas_missing", "deprivation",
    messages.deprivationLsoasMissing(gap!.missing, gap!.lsoas, gap!.examples.join(", "), gap!.welsh));
}

/** A measure two files give differently for the same LSOA (first 10 reported, then a count). */
async function reportDisagreements(ctx: Context): Promise<void> {
  const rows = await ctx.db.all<{ lsoa_code: string; measure: string; a: number; b: number }>(`
    SELECT lsoa_code, measure, arg_min(value, file_order) AS a, arg_max(value, file_order) AS b
    FROM _dep_long GROUP BY 1, 2 HAVING count(DISTINCT value) > 1 ORDER BY 1, 2 LIMIT 10`);
  for (const r of rows) {
    await ctx.db.recordWarning("conform", "iod_disagreement", r.lsoa_code, messages.iodDisagrees(r.lsoa_code, r.measure, String(r.a), String(r.b)));
  }
}

/** `staging.deprivation_summary` (see the adapter doc). */
async function summarise(ctx: Context, denominatorFiles: string[]): Promise<void> {
  const { db } = ctx;
  const hasPop = await db.hasTable("staging.population_lsoa");
  // File 6 on the lookup's LSOAs (converted from another vintage as the scores were), the first
  // file listed where two give an LSOA.
  const fileOrder = `CASE d._file ${denominatorFiles.map((f, i) => `WHEN ${literal(f)} THEN ${i}`).join(" ")} END`;
  const estimates = hasPop
    ? `SELECT lsoa_code, sum(population) AS population, 'staging.population_lsoa ' || max(year) AS weight_source FROM staging.population_lsoa
         WHERE year = (SELECT max(year) FROM staging.population_lsoa) GROUP BY 1`
    : undefined;
  // File 6 is England's: a Welsh LSOA (WIMD) is weighted by the population estimates where the build has them.
  const file6 = denominatorFiles.length
    ? `SELECT lsoa_code, population, 'IoD File 6' AS weight_source FROM (
         SELECT coalesce(m.lsoa_code, d.lsoa_code) AS lsoa_code, ${fileOrder} AS file_order, sum(TRY_CAST(replace(trim(d.total), ',', '') AS DOUBLE) * coalesce(m.share, 1)) AS population
         FROM (${lastLineSql(iodDenominatorsFormat.rawTable, denominatorFiles)}) d LEFT JOIN _lsoa_map_deprivation m ON m._file = d._file AND m.source_code = d.lsoa_code
         GROUP BY 1, 2)
       QUALIFY row_number() OVER (PARTITION BY lsoa_code ORDER BY file_order) = 1`
    : undefined;
  const weights = file6 && estimates
    ? `SELECT * FROM (${file6}) UNION ALL SELECT * FROM (${estimates}) e WHERE e.lsoa_code NOT IN (SELECT lsoa_code FROM (${file6}))`
    : file6 ?? estimates;
  await db.run(`CREATE OR REPLACE TABLE staging.deprivation_summary (area_code VARCHAR, area_type VARCHAR, edition VARCHAR, domain VARCHAR,
    lsoas INTEGER, population DOUBLE, avg_score DOUBLE, avg_rank DOUBLE, most_deprived_decile_share DOUBLE, weight_source VARCHAR)`);
  if (!weights) return;
  const parts = RANKED_STEMS.map((stem) => {
    const score = SCORE_COLUMNS[stem] ? `d.${SCORE_COLUMNS[stem]}` : "NULL::DOUBLE";
    return `SELECT m.area_code, m.area_type, any_value(d.edition) AS edition, ${literal(stem)} AS domain, count(*)::INTEGER AS lsoas, sum(w.population) AS population,
             sum(${score} * w.population) / nullif(sum(w.population) FILTER (WHERE ${score} IS NOT NULL), 0) AS avg_score,
             sum(d.${stem}_rank * w.population) / nullif(sum(w.population) FILTER (WHERE d.${stem}_rank IS NOT NULL), 0) AS avg_rank,
             coalesce(sum(w.population) FILTER (WHERE d.${stem}_decile = 1), 0) / nullif(sum(w.population) FILTER (WHERE d.${stem}_decile IS NOT NULL), 0) AS most_deprived_decile_share,
             any_value(w.weight_source) AS weight_source
      FROM ref.area_members m JOIN staging.deprivation_lsoa d USING (lsoa_code) JOIN w USING (lsoa_code)
      WHERE d.${stem}_rank IS NOT NULL OR ${score} IS NOT NULL
      GROUP BY m.area_code, m.area_type`;
  });
  await db.run(`INSERT INTO staging.deprivation_summary WITH w AS (${weights}) ${parts.join("\nUNION ALL\n")} ORDER BY 1, 4`);
}

const toDouble = (c: string) => `TRY_CAST(replace(replace(trim(${c}), ',', ''), '%', '') AS DOUBLE)`;

/** The editions of the indices a build staged (`IoD2019`, `WIMD2019`...), none without deprivation data. */
export async function deprivationEditions(db: Context["db"]): Promise<string[]> {
  if (!(await db.hasTable("staging.deprivation_lsoa"))) return [];
  return (await db.all<{ e: string }>(`SELECT DISTINCT edition AS e FROM staging.deprivation_lsoa WHERE edition IS NOT NULL ORDER BY 1`)).map((r) => r.e);
}
