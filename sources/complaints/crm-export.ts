/**
 * A council CRM complaints export (Windows-1252 or UTF-8, `dd/mm/yyyy` and `dd/mm/yyyy hh:mm`
 * dates). Personal fields (names, addresses, phone numbers, emails, UPRNs, case text) are
 * loaded into `raw.complaints` only; `staging.complaints` keeps category, service, channel,
 * status, dates and area. Grain: one row per case.
 */
import { defineCsvFormat } from "../csv-format.ts";
import { loadCsvFiles, parseDmySql, registerFormats } from "../load-csv.ts";
import { expandFiles } from "../files.ts";
import type { SourceAdapter } from "../source-adapter.ts";

/** CRM export layout (the columns we use; personal columns are optional and never staged). */
export const crmExportFormat = (encoding: "utf-8" | "windows-1252") =>
  defineCsvFormat({
    id: "council_crm_complaints",
    title: "a council complaints (CRM) export",
    rawTable: "raw.complaints",
    grain: "one row per case",
    encoding,
    columns: [
      { name: "case_reference", header: "Case Reference", required: true },
      { name: "date_received", header: "Date Received", kind: "date_dmy", required: true },
      { name: "date_closed", header: "Date Closed", kind: "date_dmy" },
      { name: "category", header: "Category", required: true },
      { name: "service", header: "Service" },
      { name: "channel", header: "Channel" },
      { name: "status", header: "Status" },
      { name: "ward_name", header: "Ward", optional: true },
      { name: "ward_code", header: "Ward Code", optional: true },
      { name: "postcode", header: "Postcode", optional: true },
      { name: "lsoa_code", header: "LSOA Code", optional: true },
      { name: "uprn", header: "UPRN", optional: true },
      { name: "customer_name", header: "Customer Name", optional: true },
      { name: "address", header: "Address", optional: true },
      { name: "telephone", header: "Telephone", optional: true },
      { name: "email", header: "Email", optional: true },
      { name: "description", header: "Description", optional: true },
    ],
  });
registerFormats(crmExportFormat("utf-8"));

/** Complaints adapter. */
export const complaintsAdapter: SourceAdapter = {
  slot: "complaints",
  title: "Council complaints (CRM export)",
  licence: "Local data: council CRM. Personal details and case text never leave the warehouse; small counts are suppressed.",
  enabled: (ctx) => Boolean(ctx.config.sources.complaints),
  async load(ctx) {
    const c = ctx.config.sources.complaints!;
    return loadCsvFiles(ctx, crmExportFormat(c.encoding), await expandFiles(ctx.db, "complaints", c.files));
  },
  async conform(ctx) {
    // Area: the ward code when given, else the ward of the LSOA.
    await ctx.db.run(`CREATE OR REPLACE TABLE staging.complaints AS
      SELECT ${parseDmySql("c.date_received")}::DATE AS received, ${parseDmySql("c.date_closed")} AS closed,
             trim(c.category) AS category, trim(c.service) AS service, trim(c.channel) AS channel, trim(c.status) AS status,
             coalesce(w.ward_code, l.ward_code) AS ward_code, l.lsoa_code AS lsoa_code,
             date_diff('day', ${parseDmySql("c.date_received")}::DATE, ${parseDmySql("c.date_closed")}::DATE) AS days_to_resolve
      FROM raw.complaints c
      LEFT JOIN (SELECT DISTINCT ward_code FROM ref.lsoa_ward) w ON w.ward_code = trim(c.ward_code)
      LEFT JOIN ref.lsoa_ward l ON l.lsoa_code = trim(c.lsoa_code)`);
  },
};
