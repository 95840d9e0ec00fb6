/**
 * A council CRM complaints export (Windows-1252 or UTF-8, or `auto` to tell by the bytes;
 * `dd/mm/yyyy` and `dd/mm/yyyy hh:mm` dates), or the same saved as a workbook (`.xlsx`, `.ods`,
 * `.xls`: its date cells read as dates). Personal fields (names, addresses, phone numbers, emails, UPRNs, case text) are
 * loaded into `raw_complaints` only; `staging.complaints` keeps category, service, channel,
 * status, dates and area. Grain: one row per case.
 */
import { defineCsvFormat, withColumnNames } from "../csv-format.ts";
import { matchHeader, parseDmySql, registerFormats, resolveEncoding } from "../load-csv.ts";
import { isWorkbook, loadCsvOrWorkbooks } from "../workbook.ts";
import { displayPath, expandFiles, readHeader } from "../files.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import { z } from "zod";
import { defineSource, fileList } from "../../pipelines/core/source-definition.ts";
import { declaredWardSql, reportWardConversion } from "../geography/ward-crosswalk.ts";
import { screenLabelColumn } from "../../pipelines/core/label-screen.ts";

/** The earliest date a complaint may be received or closed: before 2000 is a slip (`01/01/1900`), rejected with its line. */
export const COMPLAINTS_EARLIEST = "2000-01-01";

/** CRM export layout (the columns we use; personal columns are optional and never staged). */
export const crmExportFormat = (encoding: "utf-8" | "windows-1252" | "auto") =>
  defineCsvFormat({
    id: "council_crm_complaints",
    title: "a council complaints (CRM) export",
    rawTable: "raw_complaints",
    grain: "one row per case",
    encoding,
    renameHint: `if your export names a column otherwise, give its name in sources.complaints.columns (e.g. "columns": { "Date Received": "Date Logged" })`,
    columns: [
      { name: "case_reference", header: "Case Reference", required: true, personal: "hash" },
      { name: "date_received", header: "Date Received", kind: "date_dmy", required: true, notFuture: true, notBefore: COMPLAINTS_EARLIEST },
      { name: "date_closed", header: "Date Closed", kind: "date_dmy", notFuture: true, notBefore: COMPLAINTS_EARLIEST },
      { name: "category", header: "Category", required: true },
      { name: "service", header: "Service" },
      { name: "channel", header: "Channel" },
      { name: "status", header: "Status" },
      { name: "ward_name", header: "Ward", optional: true },
      { name: "ward_code", header: "Ward Code", kind: "code", optional: true },
      { name: "postcode", header: "Postcode", optional: true, personal: "hash" },
      { name: "lsoa_code", header: "LSOA Code", kind: "code", optional: true },
      { name: "uprn", header: "UPRN", optional: true, personal: "hash" },
      { name: "customer_name", header: "Customer Name", optional: true, personal: "drop" },
      { name: "address", header: "Address", optional: true, personal: "drop" },
      { name: "telephone", header: "Telephone", optional: true, personal: "drop" },
      { name: "email", header: "Email", optional: true, personal: "drop" },
      { name: "description", header: "Description", optional: true, personal: "drop" },
    ],
  });
registerFormats(crmExportFormat("utf-8"));

/** The `sources.complaints` block. */
const complaintsConfig = z
  .object({
    files: fileList,
    encoding: z.enum(["utf-8", "windows-1252", "auto"]).default("utf-8"),
    repeatWindowDays: z.number().int().min(1).default(28).describe("a case is a repeat when the same place and category had a case this many days before"),
    categories: z.array(z.string().min(1)).min(1).optional().describe("the declared case categories: any other category is refused as a label (else categories are screened)"),
    columns: z.record(z.string(), z.string().min(1)).optional().describe("the export's own name for any column of the format, by the format's name: { \"Date Received\": \"Date Logged\" }"),
  })
  .strict();

declare module "../../pipelines/core/source-definition.ts" {
  interface SourceConfigs { complaints: z.output<typeof complaintsConfig> }
}

/**
 * Complaints adapter. `staging.complaints`: one row per case, with `is_repeat` true when the same
 * place had a case of the same category received up to `repeatWindowDays` (default 28) days
 * before (`days_since_previous`; the first case of a run is not a repeat). The place is the UPRN,
 * else the postcode (spaces and case ignored), else the LSOA; `repeat_basis` says which. Neither
 * the UPRN nor the postcode is staged.
 */
export const complaintsAdapter = defineSource({
  slot: "complaints",
  title: "Council complaints (CRM export)",
  licence: "Local data: council CRM. Personal details and case text never leave the warehouse; small counts are suppressed.",
  schema: complaintsConfig,
  paths: ["files"],
  async load(ctx, c) {
    const format = withColumnNames(crmExportFormat(c.encoding), c.columns, "sources.complaints.columns");
    const files = await expandFiles(ctx, "complaints", c.files);
    // Cases are placed by ward or LSOA code only (never by name, and there is no postcode lookup):
    // an export with neither column would load and count in no ward.
    const checkArea = (file: string, header: readonly string[]) => {
      const { index } = matchHeader(format, header);
      if (!index.has("ward_code") && !index.has("lsoa_code") && (index.size >= 3)) {
        const by = ["postcode", "uprn", "ward_name"].filter((k) => index.has(k)).map((k) => header[index.get(k)!]!);
        throw new LocalneedsError(messages.complaintsNoAreaColumn(file, by));
      }
    };
    for (const file of files.filter((f) => !isWorkbook(f))) {
      const header = readHeader(file, await resolveEncoding(format, file));
      if (header) checkArea(file, header); // an empty file: the loader names it
    }
    // An export saved as a workbook: only the columns staged are copied out of it (`formatPlan`).
    return loadCsvOrWorkbooks(ctx, format, files, { checkTable: checkArea });
  },
  async conform(ctx, c) {
    const windowDays = c.repeatWindowDays;
    // Area: the ward code when given, else the ward of the LSOA.
    await ctx.db.run(`CREATE OR REPLACE TABLE staging.complaints AS
      WITH cases AS (
        SELECT ${parseDmySql("c.date_received")}::DATE AS received, ${parseDmySql("c.date_closed")} AS closed,
               trim(c.category) AS category, trim(c.service) AS service, trim(c.channel) AS channel, trim(c.status) AS status,
               coalesce(w.ward_code, l.ward_code) AS ward_code, l.lsoa_code AS lsoa_code,
               date_diff('day', ${parseDmySql("c.date_received")}::DATE, ${parseDmySql("c.date_closed")}::DATE) AS days_to_resolve,
               CASE WHEN nullif(trim(c.uprn), '') IS NOT NULL THEN 'uprn' WHEN nullif(trim(c.postcode), '') IS NOT NULL THEN 'postcode'
                    WHEN nullif(trim(c.lsoa_code), '') IS NOT NULL THEN 'lsoa' END AS repeat_basis,
               coalesce(nullif(trim(c.uprn), ''), upper(replace(nullif(trim(c.postcode), ''), ' ', '')), nullif(trim(c.lsoa_code), '')) AS place,
               trim(c.case_reference) AS case_reference, nullif(trim(c.ward_code), '') AS source_ward_code, c._file, c._line
        FROM raw_complaints c
        LEFT JOIN (SELECT DISTINCT ward_code FROM ref.lsoa_ward) w ON w.ward_code = ${declaredWardSql("trim(c.ward_code)")}
        LEFT JOIN ref.lsoa_ward l ON l.lsoa_code = trim(c.lsoa_code)
      ), ordered AS (
        SELECT *, date_diff('day', lag(received) OVER (PARTITION BY repeat_basis, place, category ORDER BY received, case_reference, _file, _line), received) AS gap
        FROM cases
      )
      SELECT received, closed, category, service, channel, status, ward_code, lsoa_code, days_to_resolve,
             coalesce(place IS NOT NULL AND gap IS NOT NULL AND gap <= ${Number(windowDays)}, false) AS is_repeat,
             CASE WHEN place IS NOT NULL THEN gap END::INTEGER AS days_since_previous, repeat_basis, source_ward_code
      FROM ordered ORDER BY _file, _line`);
    await reportWardConversion(ctx, "complaints", "staging.complaints", "source_ward_code", "best_fit", "ward_code");
    // The category becomes a chart and table label: only declared categories, or screened ones.
    await screenLabelColumn(ctx.db, {
      table: "staging.complaints", column: "category", subject: "complaints", what: "category",
      vocabulary: c.categories, replacement: null, stage: "conform", raw: { table: "raw_complaints", column: "category" },
    });
    // Rows with a blank ward code and no LSOA code: loaded, counted in no ward; said once per file.
    const blank = await ctx.db.all<{ _file: string; n: number; total: number }>(
      `SELECT _file, count(*) FILTER (WHERE nullif(trim(ward_code), '') IS NULL AND nullif(trim(lsoa_code), '') IS NULL)::INTEGER AS n, count(*)::INTEGER AS total
       FROM raw_complaints GROUP BY 1 HAVING n > 0 ORDER BY 1`,
    );
    for (const b of blank) {
      const file = displayPath(ctx.config, b._file);
      await ctx.db.recordWarning("conform", "complaints_no_area", file, messages.complaintsNoArea(file, b.n, b.total));
    }
  },
});
