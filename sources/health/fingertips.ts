/**
 * Fingertips "Export data" CSVs (OHID), any profile and any area type. Quirks handled: one header
 * field more than the rows (null padding), quoted line breaks in names (trimmed), CRLF, the
 * `Compared to ...` column whose name varies with the parent area type (matched by prefix),
 * deprivation-decile category rows mixed with area rows (kept as breakdowns), time periods as
 * labels (`2015`, `2017/18`, `2015 - 17`, `2016/17 - 18/19`, `2019 Q1`, `2019/20 Q1`).
 * Grain of `staging.fingertips_values`: one row per indicator, area, sex, age, category and
 * period (a row published again, by another export or the same one, is staged once: the newest
 * export's, with a warning); it has the published-values columns (`PUBLISHED_COLUMNS`) that `published`
 * indicators read.
 */
import { defineCsvFormat } from "../csv-format.ts";
import { loadCsvFiles, periodLabelToDate, registerFormats } from "../load-csv.ts";
import { displayPath, expandFiles, fileMtime } from "../files.ts";
import type { Context } from "../../pipelines/core/context.ts";
import { loadCsvOrWorkbooks, workbookCacheOf } from "../workbook.ts";
import { OGL } from "../source-adapter.ts";
import { z } from "zod";
import { defineSource, fileList } from "../../pipelines/core/source-definition.ts";
import { localCountsFormat } from "./local-counts.ts";
import { reportWardConversion } from "../geography/ward-crosswalk.ts";
import { messages } from "../../pipelines/core/messages.ts";

const n = (name: string, header: string) => ({ name, header, kind: "number" as const });

/** Fingertips export layout. */
export const fingertipsFormat = defineCsvFormat({
  id: "fingertips_export",
  title: "a Fingertips data export",
  rawTable: "raw_fingertips",
  grain: "one row per line of the export",
  nullPadding: true,
  columns: [
    { name: "indicator_id", header: "Indicator ID", required: true },
    { name: "indicator_name", header: "Indicator Name" },
    { name: "parent_code", header: "Parent Code" },
    { name: "area_code", header: "Area Code", required: true },
    { name: "area_name", header: "Area Name" },
    { name: "area_type", header: "Area Type" },
    { name: "sex", header: "Sex" },
    { name: "age", header: "Age" },
    { name: "category_type", header: "Category Type" },
    { name: "category", header: "Category" },
    { name: "time_period", header: "Time period", required: true },
    n("value", "Value"),
    n("lower95", "Lower CI 95.0 limit"),
    n("upper95", "Upper CI 95.0 limit"),
    { ...n("lower998", "Lower CI 99.8 limit"), optional: true },
    { ...n("upper998", "Upper CI 99.8 limit"), optional: true },
    { ...n("count", "Count"), nonNegative: true },
    { ...n("denominator", "Denominator"), nonNegative: true },
    { name: "value_note", header: "Value note" },
    { name: "compared_to_england", header: /^Compared to England/, optional: true },
    // Named after the parent area type: `Compared to Region ...`, `Compared to Counties & UAs (from Apr 2021) ...`, `Compared to CCGs ...`.
    { name: "compared_to_parent", header: /^Compared to (?!England|goal)/i, optional: true },
    { name: "compared_to_goal", header: /^Compared to goal/i, optional: true },
    { name: "time_period_sortable", header: "Time period Sortable", kind: "integer" },
  ],
});
registerFormats(fingertipsFormat);

/** The first day of a period label (moved to the loader, which checks `period` cells with it). */
export { periodLabelToDate };

const dbl = (c: string) => `TRY_CAST(trim(${c}) AS DOUBLE)`;

/**
 * SQL of a Fingertips time-period label `t` (trimmed) read as `(period_type, period_start,
 * period_end)`, all NULL for a layout not known here. `YYYY/YY` is read as a financial year (an
 * academic-year indicator says so in the catalogue); spans of years other than three financial
 * years are `multi_year`.
 */
export function fingertipsPeriodSql(t: string): { type: string; start: string; end: string } {
  const g = (re: string, i: number) => `TRY_CAST(regexp_extract(${t}, '${re}', ${i}) AS INTEGER)`;
  // A two-digit year after a four-digit one: the first year at or after it ending in those digits.
  const after = (y: string, yy: string) => `(${y} - ${y} % 100 + ${yy} + CASE WHEN ${yy} < ${y} % 100 THEN 100 ELSE 0 END)`;
  const Y = "^([0-9]{4})$", FY = "^([0-9]{4})/([0-9]{2})$", CY_SPAN = "^([0-9]{4}) - ([0-9]{2})$";
  const FY_SPAN = "^([0-9]{4})/([0-9]{2}) - ([0-9]{2})/([0-9]{2})$", Q = "^([0-9]{4}) Q([1-4])$", FQ = "^([0-9]{4})/([0-9]{2}) Q([1-4])$";
  const m = (re: string) => `regexp_matches(${t}, '${re}')`;
  const fySpanEnd = after(g(FY_SPAN, 1), g(FY_SPAN, 4));
  const fqMonth = `(${g(FQ, 3)} * 3 + 1)`; // Q1 = April
  const fqStart = `make_date(${g(FQ, 1)} + CASE WHEN ${fqMonth} > 12 THEN 1 ELSE 0 END, (${fqMonth} - 1) % 12 + 1, 1)`;
  const qStart = `make_date(${g(Q, 1)}, (${g(Q, 2)} - 1) * 3 + 1, 1)`;
  const endOf = (start: string, months: number) => `(${start} + INTERVAL ${months} MONTH - INTERVAL 1 DAY)::DATE`;
  return {
    type: `CASE WHEN ${m(Y)} THEN 'calendar_year' WHEN ${m(FY)} THEN 'financial_year' WHEN ${m(CY_SPAN)} THEN 'multi_year'
      WHEN ${m(FY_SPAN)} THEN CASE WHEN ${fySpanEnd} - ${g(FY_SPAN, 1)} = 3 THEN 'pooled_3_financial_years' ELSE 'multi_year' END
      WHEN ${m(Q)} OR ${m(FQ)} THEN 'quarter' END`,
    start: `CASE WHEN ${m(Y)} THEN make_date(${g(Y, 1)}, 1, 1) WHEN ${m(FY)} THEN make_date(${g(FY, 1)}, 4, 1)
      WHEN ${m(CY_SPAN)} THEN make_date(${g(CY_SPAN, 1)}, 1, 1) WHEN ${m(FY_SPAN)} THEN make_date(${g(FY_SPAN, 1)}, 4, 1)
      WHEN ${m(Q)} THEN ${qStart} WHEN ${m(FQ)} THEN ${fqStart} END`,
    end: `CASE WHEN ${m(Y)} THEN make_date(${g(Y, 1)}, 12, 31) WHEN ${m(FY)} THEN make_date(${g(FY, 1)} + 1, 3, 31)
      WHEN ${m(CY_SPAN)} THEN make_date(${after(g(CY_SPAN, 1), g(CY_SPAN, 2))}, 12, 31) WHEN ${m(FY_SPAN)} THEN make_date(${fySpanEnd}, 3, 31)
      WHEN ${m(Q)} THEN ${endOf(qStart, 3)} WHEN ${m(FQ)} THEN ${endOf(fqStart, 3)} END`,
  };
}

/**
 * SQL: the localneeds area level of a Fingertips `Area Type` (`Country`/`England` -> country,
 * `Region` -> region, `County & UA`, `District & UA`, `Counties & UAs (from Apr 2023)`, ... ->
 * authority, `MSOA` -> msoa, `Ward` -> ward, `LSOA` -> lsoa; other types lower-cased).
 */
export function fingertipsAreaLevelSql(c: string): string {
  const t = `lower(trim(${c}))`;
  return `CASE WHEN ${t} IN ('country', 'england') THEN 'country'
    WHEN ${t} LIKE 'region%' OR ${t} LIKE '%government office region%' THEN 'region'
    WHEN regexp_matches(${t}, '(count(y|ies)|district|ua|unitary|local authorit|upper tier|lower tier)') THEN 'authority'
    WHEN ${t} LIKE 'msoa%' OR ${t} LIKE 'middle super output area%' THEN 'msoa'
    WHEN ${t} LIKE 'lsoa%' OR ${t} LIKE 'lower super output area%' THEN 'lsoa'
    WHEN ${t} LIKE 'ward%' OR ${t} LIKE '%electoral ward%' THEN 'ward'
    ELSE regexp_replace(${t}, '[^a-z0-9]+', '_', 'g') END`;
}
/** Trim spaces and line breaks (names carry a quoted trailing LF). */
const clean = (c: string) => `trim(${c}, ' ' || chr(9) || chr(10) || chr(13))`;

/**
 * The Fingertips exports listed, in `raw_fingertips_files(_file, mtime, list_order)`: which of
 * two exports publishing the same row is newer (last modified, then listed later) decides which is staged.
 */
async function recordExports(ctx: Pick<Context, "db">, files: readonly string[]): Promise<void> {
  await ctx.db.run(`CREATE OR REPLACE TEMP TABLE raw_fingertips_files (_file VARCHAR, mtime TIMESTAMP, list_order INTEGER)`);
  await ctx.db.insertRows("raw_fingertips_files", ["_file", "mtime", "list_order"], files.map((f, i) => ({ _file: f, mtime: fileMtime(f).toISOString(), list_order: i })));
}

/** The published figures of a row, as `_fingertips_read.published` holds them. */
type Published = Record<"value" | "lower95" | "upper95" | "lower998" | "upper998" | "count" | "denominator", number | null>;

/**
 * Warn, per indicator, of the rows `_fingertips_read` left out as published again: the same figures
 * (`fingertips_rows_repeated`: counted once) or different ones (`fingertips_rows_conflict`: the newer
 * export's kept), with how many and up to three examples.
 */
async function reportRepeatedRows(ctx: Pick<Context, "db" | "config">): Promise<void> {
  const { db, config } = ctx;
  const groups = await db.all<{
    indicator_id: string; conflict: boolean; n: number; files: string[];
    examples: { area_code: string; period_label: string; sex: string; age: string; category: string | null; file: string; line: number; kept_file: string; kept_line: number; published: Published; kept_published: Published }[];
  }>(`SELECT indicator_id, published IS DISTINCT FROM kept_published AS conflict, count(*)::INTEGER AS n,
            list_sort(list_distinct(flatten(list([_file::VARCHAR, kept_file])))) AS files,
            list({'area_code': area_code, 'period_label': period_label, 'sex': sex, 'age': age, 'category': category_type || ': ' || coalesce(category, ''),
                  'file': _file::VARCHAR, 'line': _line::INTEGER, 'kept_file': kept_file, 'kept_line': kept_line::INTEGER, 'published': published, 'kept_published': kept_published}
                 ORDER BY area_code, period_label, sex, age, category_type NULLS FIRST, category NULLS FIRST, _file, _line)[1:3] AS examples
     FROM _fingertips_read WHERE copy > 1 GROUP BY ALL ORDER BY indicator_id, conflict`);
  const shown = (f: string) => displayPath(config, f);
  for (const g of groups) {
    const examples = g.examples.map((e) => {
      const row = [e.area_code, e.period_label, [e.sex, e.age, e.category].filter(Boolean).join(", ")].join(" ");
      if (!g.conflict) return row;
      const field = (Object.keys(e.published) as (keyof Published)[]).find((k) => e.published[k] !== e.kept_published[k]) ?? "value";
      const fig = (v: number | null) => (v === null ? "blank" : String(v));
      return `${row}: ${field} ${fig(e.kept_published[field])} in ${messages.fileLine(shown(e.kept_file), e.kept_line)} (kept), ${fig(e.published[field])} in ${messages.fileLine(shown(e.file), e.line)}`;
    });
    if (g.conflict) await db.recordWarning("conform", "fingertips_rows_conflict", g.indicator_id, messages.fingertipsRowsConflict(g.indicator_id, g.n, examples));
    else await db.recordWarning("conform", "fingertips_rows_repeated", g.indicator_id, messages.fingertipsRowsRepeated(g.indicator_id, g.n, g.files.map(shown), examples));
  }
}

/** The `sources.health` block. */
const healthConfig = z
  .object({
    fingertips: fileList.optional(),
    local: z
      .array(z.object({ measure: z.string().regex(/^[a-z0-9_]+$/, "expected a snake_case measure id"), files: fileList }).strict())
      .optional()
      .describe("locally held counts: area_code, period, numerator, denominator[, breakdown]"),
  })
  .strict();

declare module "../../pipelines/core/source-definition.ts" {
  interface SourceConfigs { health: z.output<typeof healthConfig> }
}

/** Health adapter: Fingertips exports and local counts. */
export const healthAdapter = defineSource({
  slot: "health",
  title: "OHID Fingertips exports and locally held health counts",
  licence: OGL,
  schema: healthConfig,
  paths: ["fingertips", "local[].files"],
  async load(ctx, h) {
    const exports = h.fingertips ? await expandFiles(ctx, "health.fingertips", h.fingertips) : [];
    const loads = exports.length ? await loadCsvFiles(ctx, fingertipsFormat, exports) : [];
    await recordExports(ctx, exports);
    for (const l of h.local ?? []) {
      const files = await expandFiles(ctx, `health.local.${l.measure}`, l.files);
      // CSV, or a workbook's sheet of counts (as partners often send them): each loaded table is the measure's.
      const loaded = await loadCsvOrWorkbooks(ctx, localCountsFormat, files, { cache: { dir: workbookCacheOf(ctx.config), kind: "local-counts" } });
      loads.push(...loaded);
      await ctx.db.run(`CREATE TEMP TABLE IF NOT EXISTS raw_local_counts_measure (_file VARCHAR, measure VARCHAR)`);
      await ctx.db.run(`DELETE FROM raw_local_counts_measure WHERE measure = $m`, { m: l.measure });
      await ctx.db.insertRows("raw_local_counts_measure", ["_file", "measure"], loaded.map((x) => ({ _file: x.path, measure: l.measure })));
    }
    return loads;
  },
  async conform(ctx, h) {
    const { db } = ctx;
    if (h.fingertips) {
      const p = fingertipsPeriodSql("trim(time_period)");
      // Every line read, with its export's age and place in the list. A row (indicator, area, sex,
      // age, category, period) published by two exports (each repeats England and the regions),
      // or twice by one, is staged once: from the newest export (last modified; when as new, the
      // one listed later; in one export, the later line), and reported (`reportRepeatedRows`).
      await db.run(`CREATE OR REPLACE TEMP TABLE _fingertips_read AS
        WITH lines AS (
          SELECT trim(indicator_id) AS indicator_id, ${clean("indicator_name")} AS indicator_name, trim(area_code) AS area_code,
                 ${clean("area_name")} AS area_name, trim(area_type) AS area_type, ${fingertipsAreaLevelSql("area_type")} AS area_level,
                 coalesce(trim(sex), '') AS sex, coalesce(trim(age), '') AS age,
                 nullif(trim(category_type), '') AS category_type, nullif(trim(category), '') AS category,
                 trim(time_period) AS period_label, TRY_CAST(time_period_sortable AS INTEGER) AS period_sortable,
                 ${periodLabelToDate("time_period")} AS period_date, ${p.type} AS period_type, ${p.start} AS period_start, ${p.end} AS period_end,
                 ${dbl("value")} AS value, ${dbl("lower95")} AS lower95, ${dbl("upper95")} AS upper95,
                 ${dbl("lower998")} AS lower998, ${dbl("upper998")} AS upper998,
                 ${dbl("count")} AS count, ${dbl("denominator")} AS denominator, nullif(trim(value_note), '') AS value_note,
                 nullif(trim(compared_to_england), '') AS compared_to_england, nullif(trim(compared_to_parent), '') AS compared_to_parent,
                 nullif(trim(parent_code), '') AS parent_code, r._file, r._line, f.mtime AS file_mtime, f.list_order AS file_order
          FROM raw_fingertips r LEFT JOIN raw_fingertips_files f ON f._file = r._file::VARCHAR
        ),
        figures AS (
          SELECT *, {'value': value, 'lower95': lower95, 'upper95': upper95, 'lower998': lower998, 'upper998': upper998, 'count': count, 'denominator': denominator} AS published
          FROM lines
        )
        SELECT *, row_number() OVER w AS copy, first_value(_file::VARCHAR) OVER w AS kept_file, first_value(_line) OVER w AS kept_line,
               first_value(published) OVER w AS kept_published
        FROM figures
        WINDOW w AS (PARTITION BY indicator_id, area_code, sex, age, category_type, category, period_label
                     ORDER BY file_mtime DESC NULLS LAST, file_order DESC NULLS LAST, _line DESC)`);
      // Each indicator's headline sex and age: its most common pair on area rows, preferring
      // Persons and All ages. Other sexes, ages and every category row are breakdowns.
      await db.run(`CREATE OR REPLACE TABLE staging.fingertips_values AS
        WITH rows AS (
          SELECT * EXCLUDE (file_mtime, file_order, published, copy, kept_file, kept_line, kept_published) FROM _fingertips_read WHERE copy = 1
        ),
        headline AS (
          SELECT indicator_id, arg_max(sex, (sex = 'Persons', age = 'All ages', n, sex, age)) AS main_sex,
                 arg_max(age, (sex = 'Persons', age = 'All ages', n, sex, age)) AS main_age
          FROM (SELECT indicator_id, sex, age, count(*) AS n FROM rows WHERE category_type IS NULL GROUP BY ALL) GROUP BY indicator_id
        )
        SELECT r.*, coalesce(nullif(concat_ws('; ',
                 CASE WHEN r.sex <> h.main_sex THEN 'sex:' || r.sex END,
                 CASE WHEN r.age <> h.main_age THEN 'age:' || r.age END,
                 CASE WHEN r.category_type IS NOT NULL THEN 'category:' || r.category_type || ': ' || coalesce(r.category, '') END), ''), 'all') AS breakdown
        FROM rows r JOIN headline h USING (indicator_id)`);
      await reportRepeatedRows(ctx);
      await db.run(`DROP TABLE _fingertips_read`);
      const unread = await db.all<{ indicator_id: string; period_label: string; n: number }>(
        `SELECT indicator_id, period_label, count(*)::INTEGER AS n FROM staging.fingertips_values WHERE period_type IS NULL GROUP BY ALL ORDER BY ALL`,
      );
      for (const u of unread) await db.recordWarning("conform", "fingertips_period_unread", `${u.indicator_id} ${u.period_label}`, messages.fingertipsPeriodUnread(u.indicator_id, u.period_label, u.n));
    }
    if (h.local?.length) {
      // Ward codes of another vintage go through the crosswalk: shared by weight (population_weighted) or wholly (best_fit).
      const shared = ctx.config.geography.wardCrosswalk?.method === "population_weighted";
      await db.run(`CREATE OR REPLACE TABLE staging.local_counts AS
        SELECT m.measure, coalesce(x.to_code, trim(c.area_code)) AS area_code, trim(c.period) AS period_label,
               TRY_CAST(replace(c.numerator, ',', '') AS DOUBLE) * coalesce(x.share, 1) AS numerator,
               TRY_CAST(replace(c.denominator, ',', '') AS DOUBLE) * coalesce(x.share, 1) AS denominator,
               coalesce(nullif(trim(c.breakdown), ''), 'all') AS breakdown, ${periodLabelToDate("c.period")} AS period_date,
               trim(c.area_code) AS source_area_code
        FROM raw_local_counts c JOIN raw_local_counts_measure m USING (_file)
        LEFT JOIN (SELECT from_code, to_code, ${shared ? "weight" : "1.0"} AS share FROM ref.ward_crosswalk WHERE ${shared ? "true" : "best_fit"}) x
          ON x.from_code = trim(c.area_code)`);
      await reportWardConversion(ctx, "local counts", "staging.local_counts", "source_area_code", shared ? "population_weighted" : "best_fit", "area_code");
    }
  },
});
