/**
 * Nomis API CSV downloads (ONS/DWP): claimant count (`NM_162_1`), the Annual Population Survey
 * and other datasets share one layout: UPPERCASE `*_NAME`/`*_CODE` columns plus `OBS_VALUE` and
 * `OBS_STATUS_NAME`. Files are CRLF, often with no final newline. `DATE_NAME` comes as
 * `December 2017` from the API, `Dec-17` after Excel, `2017-12`, or a rolling year
 * `Jul 2016-Jun 2017` (APS). Grain of `staging.nomis_values`: one row per dataset, date, area and
 * variable/breakdown (a period two downloads give taken from the one listed later,
 * `dropRepeatedPeriods`); `period_start`/`period_end` from the date (NULL and reported when unreadable).
 */
import path from "node:path";
import { defineCsvFormat } from "../csv-format.ts";
import { fileAttributeTable, loadCsvFiles, matchHeader, registerFormats } from "../load-csv.ts";
import { displayPath, expandFiles, readHeader } from "../files.ts";
import { LocalneedsError, messages, monthSpans } from "../../pipelines/core/messages.ts";
import { OGL } from "../source-adapter.ts";
import { z } from "zod";
import { defineSource, fileList } from "../../pipelines/core/source-definition.ts";
import { conformFuelPoverty, loadFuelPoverty } from "./fuel-poverty.ts";
import { LSOA_CODE_PATTERN, placeLsoaCodes } from "../geography/lsoa-vintage.ts";
import type { Context } from "../../pipelines/core/context.ts";
import { literal, strptimeSql } from "../../pipelines/core/warehouse.ts";

/**
 * What Nomis puts in `OBS_VALUE` where it gives no number (`-` none or rounded to nothing, `*`
 * disclosive, `!` estimate not available, `#` unreliable, `~` fewer than 500 people, `..` not
 * available): the cell is missing, the line is kept. Every Nomis format reads them alike.
 */
export const NOMIS_MARKERS = ["-", "*", "!", "#", "~", ".."];

/** Nomis API CSV layout (the columns common to datasets; the rest are optional). */
export const nomisFormat = defineCsvFormat({
  id: "nomis_api_csv",
  title: "a Nomis API download",
  rawTable: "raw_nomis",
  grain: "one row per line of the download",
  columns: [
    { name: "date_name", header: "DATE_NAME", required: true },
    { name: "geography_name", header: "GEOGRAPHY_NAME", optional: true },
    { name: "geography_code", header: "GEOGRAPHY_CODE", required: true },
    { name: "gender_name", header: "GENDER_NAME", optional: true },
    { name: "age_name", header: "AGE_NAME", optional: true },
    { name: "measure_name", header: "MEASURE_NAME", optional: true },
    { name: "variable_name", header: "VARIABLE_NAME", optional: true },
    { name: "measures_name", header: "MEASURES_NAME", optional: true },
    { name: "obs_value", header: "OBS_VALUE", kind: "number", markers: NOMIS_MARKERS },
    { name: "obs_status_name", header: "OBS_STATUS_NAME", optional: true },
  ],
});
registerFormats(nomisFormat);

/** Dataset id of a download (`NM_162_1` from its name, else the file name). */
export function nomisDataset(file: string): string {
  return /NM_\d+_\d+/i.exec(path.basename(file))?.[0]?.toUpperCase() ?? path.basename(file, path.extname(file));
}

/** The columns to download the claimant count with (Nomis `select=`), as `nomis-fetch.ts` asks for them. */
export const NOMIS_CLAIMANT_SELECT = "DATE_NAME,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GENDER_NAME,AGE_NAME,MEASURE_NAME,MEASURES_NAME,OBS_VALUE,OBS_STATUS_NAME";

/**
 * Refuse a claimant count download (`NM_162_1`) without `MEASURE_NAME` (one made with
 * `select=DATE_NAME,GEOGRAPHY_CODE,OBS_VALUE`): NM_162_1 holds the count (measure 1) and claimants
 * as a proportion of residents aged 16-64 (measure 2), and a `select=` that leaves the column out
 * leaves nothing in the file to tell which it holds, so its rows would count for nothing. Files
 * whose header is not a Nomis download's at all are left to the loader's own error.
 */
function checkClaimantColumns(ctx: Pick<Context, "config">, file: string): void {
  if (nomisDataset(file) !== "NM_162_1") return;
  const header = readHeader(file);
  if (!header) return;
  const { index, missing } = matchHeader(nomisFormat, header);
  if (missing.length || index.has("measure_name") || index.has("variable_name")) return;
  throw new LocalneedsError(messages.nomisClaimantColumnsMissing(displayPath(ctx.config, file), ["MEASURE_NAME"], NOMIS_CLAIMANT_SELECT));
}

/** SQL: first day of the period a Nomis date label starts. */
const MONTH = (label: string) => `coalesce(${["%B %Y", "%b %Y", "%b-%y", "%Y-%m"].map((f) => strptimeSql(label, f)).join(", ")})`;
const ROLLING = "^([A-Za-z]{3,9} [0-9]{4})-([A-Za-z]{3,9} [0-9]{4})$";

/** The `sources.economy` block. */
const economyConfig = z
  .object({
    nomis: fileList.optional().describe("Nomis API CSV downloads (claimant count NM_162_1 by LSOA or ward, APS employment rate...)"),
    fuelPoverty: fileList.optional().describe("DESNZ sub-regional fuel poverty tables: the .xlsx workbook (its LSOA sheet is found) or a CSV saved from that sheet"),
  })
  .strict();

declare module "../../pipelines/core/source-definition.ts" {
  interface SourceConfigs { economy: z.output<typeof economyConfig> }
}

/** Economy adapter (Nomis). */
export const economyAdapter = defineSource({
  slot: "economy",
  title: "Nomis (ONS, DWP) labour market downloads; DESNZ sub-regional fuel poverty",
  licence: OGL,
  schema: economyConfig,
  paths: ["nomis", "fuelPoverty"],
  async load(ctx, e) {
    const files = e.nomis ? await expandFiles(ctx, "economy.nomis", e.nomis) : [];
    for (const f of files) checkClaimantColumns(ctx, f);
    const loads = e.nomis ? await loadCsvFiles(ctx, nomisFormat, files) : [];
    if (e.fuelPoverty) loads.push(...(await loadFuelPoverty(ctx, e.fuelPoverty)));
    return loads;
  },
  async conform(ctx, e) {
    const { db } = ctx;
    if (e.fuelPoverty) await conformFuelPoverty(ctx, e.fuelPoverty);
    if (!e.nomis) return;
    await fileAttributeTable(db, "_nomis_dataset", nomisFormat.rawTable, "dataset", nomisDataset);
    const d = "trim(n.date_name)";
    await db.run(`CREATE OR REPLACE TABLE staging.nomis_values AS
      WITH r AS (
        SELECT n.*, x.dataset,
               CASE WHEN regexp_matches(${d}, '${ROLLING}') THEN ${MONTH(`regexp_extract(${d}, '${ROLLING}', 1)`)} ELSE ${MONTH(d)} END AS start_ts,
               CASE WHEN regexp_matches(${d}, '${ROLLING}') THEN ${MONTH(`regexp_extract(${d}, '${ROLLING}', 2)`)} ELSE ${MONTH(d)} END AS end_month
        FROM raw_nomis n JOIN _nomis_dataset x ON x.f = n._file)
      SELECT dataset, trim(date_name) AS date_label, start_ts::DATE AS period_start, (end_month + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS period_end,
             trim(geography_code) AS area_code, trim(geography_name) AS area_name,
             coalesce(nullif(trim(variable_name), ''), nullif(trim(measure_name), '')) AS variable,
             nullif(trim(gender_name), '') AS gender, nullif(trim(age_name), '') AS age, nullif(trim(measures_name), '') AS measures,
             TRY_CAST(replace(trim(obs_value), ',', '') AS DOUBLE) AS value, nullif(trim(obs_status_name), '') AS status, _file, _line
      FROM r ORDER BY _file, _line`);
    await convertLsoaVintage(ctx);
    await dropRepeatedPeriods(ctx, await expandFiles(ctx, "economy.nomis", e.nomis));
    const bad = await db.all<{ _file: string; date_label: string }>(`SELECT _file, min(date_label) AS date_label FROM staging.nomis_values WHERE period_start IS NULL GROUP BY 1`);
    for (const b of bad) {
      await db.recordWarning("conform", "nomis_date", displayPath(ctx.config, b._file), messages.nomisUnknownDate(displayPath(ctx.config, b._file), b.date_label));
    }
  },
});

/**
 * Rows by LSOA of the other vintage than the lookup's (a Nomis download for 2021 LSOAs in a build
 * on 2011 LSOAs, or the reverse) are converted through `geography.lsoaChanges`, as police.uk and
 * population files are (`lsoa_vintage_converted`; without the change file the build stops and says
 * what to set): a count (`Value`) of an LSOA split in two is shared equally between its parts, and
 * those of LSOAs merged into one are added by the indicators that sum them; a percentage goes to
 * each part as it is. Rows of other geographies (wards, authorities) are left as they are.
 */
async function convertLsoaVintage(ctx: Context): Promise<void> {
  const { db } = ctx;
  await db.run(`CREATE OR REPLACE TEMP TABLE _nomis_lsoas AS
    SELECT DISTINCT _file, area_code AS lsoa_code FROM staging.nomis_values WHERE regexp_full_match(area_code, '${LSOA_CODE_PATTERN}')`);
  await placeLsoaCodes(ctx, "nomis", "_nomis_lsoas", "Nomis", { shares: true });
  if (await db.one(`SELECT 1 FROM _lsoa_map_nomis WHERE source_code IS DISTINCT FROM lsoa_code LIMIT 1`)) {
    await db.run(`CREATE OR REPLACE TABLE staging.nomis_values AS
      SELECT n.* REPLACE (coalesce(m.lsoa_code, n.area_code) AS area_code,
                          CASE WHEN coalesce(n.measures, 'Value') ILIKE 'value' THEN n.value * coalesce(m.share, 1) ELSE n.value END AS value)
      FROM staging.nomis_values n LEFT JOIN _lsoa_map_nomis m ON m._file = n._file AND m.source_code = n.area_code
      ORDER BY n._file, n._line`);
  }
  await db.run(`DROP TABLE _nomis_lsoas`);
}

/**
 * A period of one dataset, area and variable/breakdown given by two downloads (a download kept
 * beside the next month's, which repeats its months: Nomis revises the latest month each month)
 * is taken once, from the download listed later, as population tables given twice are
 * (`population_year_repeated`); the earlier one's rows of it are loaded (counted in
 * `audit.loads`) and left out of `staging.nomis_values` here. Each pair of files is reported
 * (`nomis_period_repeated`): the periods given twice, the file used, and how many values differ.
 * `files` in the order listed. Runs after the LSOA vintage conversion, so a download by 2011 LSOAs
 * and one by 2021 LSOAs meet on the same codes; rows of unreadable dates are left alone.
 */
async function dropRepeatedPeriods(ctx: Context, files: readonly string[]): Promise<void> {
  const { db } = ctx;
  if (files.length < 2) return;
  const order = files.map((f, i) => `(${literal(f)}, ${i})`).join(", ");
  await db.run(`CREATE OR REPLACE TEMP TABLE _nomis_repeated AS
    WITH o(f, ord) AS (VALUES ${order}),
         k AS (
           SELECT n._file, n._line, o.ord, n.dataset, n.period_start, n.period_end, n.area_code, n.variable, n.value,
                  max(o.ord) OVER w AS used_ord, last_value(n._file) OVER w AS used_file, last_value(n.value) OVER w AS used_value
           FROM staging.nomis_values n JOIN o ON o.f = n._file
           WHERE n.period_start IS NOT NULL
           WINDOW w AS (PARTITION BY n.dataset, n.period_start, n.period_end, n.area_code, n.variable, n.gender, n.age, n.measures
                        ORDER BY o.ord, n._line ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
    SELECT * FROM k WHERE ord < used_ord`);
  if (!(await db.one(`SELECT 1 FROM _nomis_repeated LIMIT 1`))) {
    await db.run(`DROP TABLE _nomis_repeated`);
    return;
  }
  await db.run(`DELETE FROM staging.nomis_values n
    WHERE EXISTS (SELECT 1 FROM _nomis_repeated r WHERE r._file = n._file AND r._line = n._line AND r.area_code = n.area_code)`);
  const pairs = await db.all<{
    file: string; used: string; dataset: string; rows: number; differ: number; months: string[] | null; others: string[] | null;
    area: string | null; period: string | null; variable: string | null; value: number | null; used_value: number | null;
  }>(`
    WITH r AS (SELECT *, period_end = (date_trunc('month', period_start) + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS monthly FROM _nomis_repeated),
         g AS (
           SELECT _file, used_file, dataset, count(*)::INTEGER AS rows, count(*) FILTER (WHERE value IS DISTINCT FROM used_value)::INTEGER AS differ, min(ord) AS ord,
                  list(DISTINCT strftime(period_start, '%Y-%m') ORDER BY strftime(period_start, '%Y-%m')) FILTER (WHERE monthly) AS months,
                  list(DISTINCT strftime(period_start, '%Y-%m') || ' to ' || strftime(period_end, '%Y-%m') ORDER BY strftime(period_start, '%Y-%m') || ' to ' || strftime(period_end, '%Y-%m')) FILTER (WHERE NOT monthly) AS others
           FROM r GROUP BY ALL),
         ex AS (
           SELECT _file, used_file, dataset, area_code, CASE WHEN monthly THEN strftime(period_start, '%Y-%m') ELSE strftime(period_start, '%Y-%m') || ' to ' || strftime(period_end, '%Y-%m') END AS period,
                  variable, value, used_value, row_number() OVER (PARTITION BY _file, used_file, dataset ORDER BY period_start, area_code, _line) AS rn
           FROM r WHERE value IS DISTINCT FROM used_value)
    SELECT g._file AS file, g.used_file AS used, g.dataset, g.rows, g.differ, g.months, g.others,
           ex.area_code AS area, ex.period, ex.variable, ex.value, ex.used_value
    FROM g LEFT JOIN ex ON ex._file = g._file AND ex.used_file = g.used_file AND ex.dataset = g.dataset AND ex.rn = 1
    ORDER BY g.ord, g.used_file, g.dataset`);
  for (const p of pairs) {
    const [a, b] = [displayPath(ctx.config, p.file), displayPath(ctx.config, p.used)];
    const periods = [p.months?.length ? monthSpans(p.months) : "", ...(p.others ?? [])].filter(Boolean).join(", ");
    const example = p.area ? { area: p.area, period: p.period!, variable: p.variable, value: p.value, used: p.used_value } : null;
    await db.recordWarning("conform", "nomis_period_repeated", a, messages.nomisPeriodsRepeated(a, b, p.dataset, periods, p.rows, p.differ, example));
  }
  await db.run(`DROP TABLE _nomis_repeated`);
}
