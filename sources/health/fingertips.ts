/**
 * Fingertips "Export data" CSVs (OHID). Quirks handled: one header field more than the rows
 * (null padding), quoted line breaks in names (trimmed), CRLF, the `Compared to ...` column
 * whose name varies with the parent area type (matched by prefix), deprivation-decile rows
 * mixed with area rows (kept out of `staging.fingertips_values`).
 * Grain: one row per indicator, area, sex, age and period.
 */
import { defineCsvFormat } from "../csv-format.ts";
import { loadCsvFiles, periodLabelToDate, registerFormats } from "../load-csv.ts";
import { expandFiles } from "../files.ts";
import { OGL, type SourceAdapter } from "../source-adapter.ts";
import { localCountsFormat } from "./local-counts.ts";
import { reportWardConversion } from "../geography/ward-crosswalk.ts";

const n = (name: string, header: string) => ({ name, header, kind: "number" as const });

/** Fingertips export layout. */
export const fingertipsFormat = defineCsvFormat({
  id: "fingertips_export",
  title: "a Fingertips data export",
  rawTable: "raw.fingertips",
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
/** Trim spaces and line breaks (names carry a quoted trailing LF). */
const clean = (c: string) => `trim(${c}, ' ' || chr(9) || chr(10) || chr(13))`;

/** Health adapter: Fingertips exports and local counts. */
export const healthAdapter: SourceAdapter = {
  slot: "health",
  title: "OHID Fingertips exports and locally held health counts",
  licence: OGL,
  enabled: (ctx) => Boolean(ctx.config.sources.health),
  async load(ctx) {
    const h = ctx.config.sources.health!;
    const loads = h.fingertips ? await loadCsvFiles(ctx, fingertipsFormat, await expandFiles(ctx.db, "health.fingertips", h.fingertips)) : [];
    for (const l of h.local ?? []) {
      const files = await expandFiles(ctx.db, `health.local.${l.measure}`, l.files);
      loads.push(...(await loadCsvFiles(ctx, localCountsFormat, files)));
      await ctx.db.run(`CREATE TABLE IF NOT EXISTS raw.local_counts_measure (_file VARCHAR, measure VARCHAR)`);
      await ctx.db.run(`DELETE FROM raw.local_counts_measure WHERE measure = $m`, { m: l.measure });
      await ctx.db.insertRows("raw.local_counts_measure", ["_file", "measure"], files.map((f) => ({ _file: f, measure: l.measure })));
    }
    return loads;
  },
  async conform(ctx) {
    const { db } = ctx;
    const h = ctx.config.sources.health!;
    if (h.fingertips) {
      await db.run(`CREATE OR REPLACE TABLE staging.fingertips_values AS
        SELECT trim(indicator_id) AS indicator_id, ${clean("indicator_name")} AS indicator_name, trim(area_code) AS area_code,
               ${clean("area_name")} AS area_name, trim(area_type) AS area_type, trim(sex) AS sex, trim(age) AS age,
               trim(time_period) AS period_label, TRY_CAST(time_period_sortable AS INTEGER) AS period_sortable,
               ${periodLabelToDate("time_period")} AS period_date,
               ${dbl("value")} AS value, ${dbl("lower95")} AS lower95, ${dbl("upper95")} AS upper95,
               ${dbl("lower998")} AS lower998, ${dbl("upper998")} AS upper998,
               ${dbl("count")} AS count, ${dbl("denominator")} AS denominator, nullif(trim(value_note), '') AS value_note,
               nullif(trim(compared_to_england), '') AS compared_to_england, nullif(trim(compared_to_parent), '') AS compared_to_parent,
               nullif(trim(parent_code), '') AS parent_code
        FROM raw.fingertips WHERE coalesce(trim(category_type), '') = ''`);
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
        FROM raw.local_counts c JOIN raw.local_counts_measure m USING (_file)
        LEFT JOIN (SELECT from_code, to_code, ${shared ? "weight" : "1.0"} AS share FROM ref.ward_crosswalk WHERE ${shared ? "true" : "best_fit"}) x
          ON x.from_code = trim(c.area_code)`);
      await reportWardConversion(ctx, "local counts", "staging.local_counts", "source_area_code", shared ? "population_weighted" : "best_fit", "area_code");
    }
  },
};
