/**
 * Date cells of workbooks (sources/spreadsheet-dates.ts): an .xlsx or .xls stores a date as a
 * serial number shown through its number format, an .ods as an ISO date; all three readers give
 * ISO 8601, and a format's `dd/mm/yyyy` column (a CRM export's dates) takes them in its layout.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { dmyText, isDateFormat, isoCellText, serialToIso } from "../../sources/spreadsheet-dates.ts";
import { formatPlan, workbookTables } from "../../sources/workbook.ts";
import { crmExportFormat } from "../../sources/complaints/crm-export.ts";
import { headerFits } from "../../sources/load-csv.ts";
import { tempDir } from "./helpers.ts";
import { writeOds } from "./ods.ts";
import { writeXls } from "./xls-writer.ts";

describe("serial dates", () => {
  it("converts Excel's serial dates, with its 1900 leap-year slip and the 1904 system", () => {
    expect(serialToIso(45301)).toBe("2024-01-10");
    expect(serialToIso(45301 + 14.5 / 24)).toBe("2024-01-10T14:30:00");
    expect(serialToIso(45301 + (8 * 3600 + 46 * 60 + 59.6) / 86400)).toBe("2024-01-10T08:47:00"); // to the nearest second
    expect(serialToIso(1)).toBe("1900-01-01");
    expect(serialToIso(59)).toBe("1900-02-28");
    expect(serialToIso(61)).toBe("1900-03-01");
    expect(serialToIso(0.75)).toBe("18:00:00"); // a time alone
    expect(serialToIso(0, true)).toBe("1904-01-01");
    expect(serialToIso(45301 - 1462, true)).toBe("2024-01-10"); // the 1904 system's serials are 1,462 days fewer
    expect(serialToIso(45301 - 1462)).toBe("2020-01-09");
  });

  it("tells date formats from number formats", () => {
    for (const id of [14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]) expect(isDateFormat(id)).toBe(true);
    for (const id of [0, 1, 2, 3, 4, 9, 10, 11, 37, 49]) expect(isDateFormat(id)).toBe(false);
    for (const code of ["dd/mm/yyyy", "dd/mm/yyyy hh:mm", "d-mmm-yy", "[$-en-GB]dd mmmm yyyy", "yyyy-mm-dd;@", "[h]:mm:ss", "hh:mm AM/PM"]) expect(isDateFormat(164, code)).toBe(true);
    for (const code of ["General", "0.00%", "#,##0", '"£"#,##0.00', "[Red]0.0", '0 "days"', "0.00E+00", "@", '#,##0;[Red]-#,##0', '0" hrs"']) expect(isDateFormat(164, code)).toBe(false);
  });

  it("writes ISO dates as dd/mm/yyyy, with the time when there is one; other text as it is", () => {
    expect(dmyText("2024-01-10")).toBe("10/01/2024");
    expect(dmyText("2024-01-10T14:30:00")).toBe("10/01/2024 14:30");
    expect(dmyText("2024-01-10T14:30:15")).toBe("10/01/2024 14:30:15");
    expect(dmyText("10/01/2024")).toBe("10/01/2024");
    expect(dmyText("not a date")).toBe("not a date");
    expect(isoCellText("2024-01-10T00:00:00.000Z")).toBe("2024-01-10");
    expect(isoCellText("2024-01-10T14:30:00Z")).toBe("2024-01-10T14:30:00");
  });
});

const HEADER = ["Case Reference", "Date Received", "Date Closed", "Category", "Service", "Channel", "Status", "Ward Code", "Customer Name", "Telephone", "Officer notes"];
const serial = (iso: string) => (Date.parse(iso + "Z") - Date.UTC(1899, 11, 30)) / 86400000;
/** What each reader should give for the table, with dates as ISO 8601 (no plan) and as a CRM export's columns (the plan). */
const ISO_ROWS = ["C1,2024-01-10,2024-01-12T14:30:00,Noise,Env,Web,Closed,E05002255,Jo Bloggs,07700 900123,rang twice", "C2,2023-12-29,,Potholes,Env,Web,Open,E05002255,Ann Other,07700 900456,"];
const PLANNED_ROWS = ["C1,10/01/2024,12/01/2024 14:30,Noise,Env,Web,Closed,E05002255,,,", "C2,29/12/2023,,Potholes,Env,Web,Open,E05002255,,,"];

describe("date cells in workbooks", () => {
  const format = crmExportFormat("utf-8");
  const isHeader = (cells: string[]) => headerFits(format, cells);
  const csvOf = async (file: string, plan = false) => {
    const tables = await workbookTables(file, isHeader, undefined, plan ? formatPlan(format) : undefined);
    expect(tables).toHaveLength(1);
    return readFileSync(tables[0]!.csv, "utf8").trim().split("\n");
  };

  it("an .xlsx's date cells (Excel's short date, custom formats, the 1904 system) are read as ISO dates; the plan writes the CRM columns and blanks the rest", async () => {
    const t = tempDir();
    for (const date1904 of [false, true]) {
      const wb = new ExcelJS.Workbook();
      if (date1904) wb.properties.date1904 = true;
      const ws = wb.addWorksheet("Export");
      ws.addRow(["Complaints export, run 15/01/2024"]);
      ws.addRow(HEADER);
      ws.addRow(["C1", new Date("2024-01-10T00:00:00Z"), new Date("2024-01-12T14:30:00Z"), "Noise", "Env", "Web", "Closed", "E05002255", "Jo Bloggs", "07700 900123", "rang twice"]);
      ws.addRow(["C2", new Date("2023-12-29T00:00:00Z"), null, "Potholes", "Env", "Web", "Open", "E05002255", "Ann Other", "07700 900456", null]);
      ws.getCell("B3").numFmt = "dd/mm/yyyy";
      ws.getCell("C3").numFmt = "dd/mm/yyyy hh:mm";
      ws.getCell("B4").numFmt = "[$-en-GB]d mmmm yyyy;@";
      // A number in a number format stays a number.
      const file = path.join(t.dir, `export-${date1904}.xlsx`);
      await wb.xlsx.writeFile(file);
      expect((await csvOf(file)).slice(1)).toEqual(ISO_ROWS);
      expect(await csvOf(file, true)).toEqual([HEADER.join(","), ...PLANNED_ROWS]);
    }
  });

  it("an .ods's date cells and an .xls's formatted numbers give the same tables", async () => {
    const t = tempDir();
    const ods = path.join(t.dir, "export.ods");
    const date = (iso: string) => ({ xml: `<table:table-cell office:value-type="date" office:date-value="${iso}" calcext:value-type="date"><text:p>shown</text:p></table:table-cell>` });
    await writeOds(ods, [{ name: "Export", rows: [
      HEADER,
      ["C1", date("2024-01-10"), date("2024-01-12T14:30:00"), "Noise", "Env", "Web", "Closed", "E05002255", "Jo Bloggs", "07700 900123", "rang twice"],
      ["C2", date("2023-12-29"), null, "Potholes", "Env", "Web", "Open", "E05002255", "Ann Other", "07700 900456", null],
    ] }]);
    expect((await csvOf(ods)).slice(1)).toEqual(ISO_ROWS);
    expect((await csvOf(ods, true)).slice(1)).toEqual(PLANNED_ROWS);
    for (const biff of [8, 5] as const) {
      const xls = path.join(t.dir, `export-${biff}.xls`);
      writeXls(xls, [{ name: "Export", rows: [
        HEADER,
        ["C1", { number: serial("2024-01-10"), format: 14 }, { number: serial("2024-01-12T14:30:00"), format: "dd/mm/yyyy hh:mm" }, "Noise", "Env", "Web", "Closed", "E05002255", "Jo Bloggs", "07700 900123", "rang twice"],
        ["C2", { number: serial("2023-12-29"), format: "d mmm yyyy" }, null, "Potholes", "Env", "Web", "Open", "E05002255", "Ann Other", "07700 900456", null],
      ] }], { biff });
      expect((await csvOf(xls)).slice(1)).toEqual(ISO_ROWS);
      expect((await csvOf(xls, true)).slice(1)).toEqual(PLANNED_ROWS);
    }
    // The 1904 system, and a formatted number that is not a date.
    const xls1904 = path.join(t.dir, "export-1904.xls");
    writeXls(xls1904, [{ name: "Export", rows: [
      HEADER,
      ["C1", { number: serial("2024-01-10") - 1462, format: 14 }, { number: 1234.5, format: "#,##0.00" }, "Noise", "Env", "Web", "Closed", "E05002255", null, null, null],
    ] }], { date1904: true });
    expect((await csvOf(xls1904)).slice(1)).toEqual(["C1,2024-01-10,1234.5,Noise,Env,Web,Closed,E05002255,,,"]);
  });
});
