/** Tables of .xlsx workbooks (as exceljs writes them) and .ods spreadsheets (as LibreOffice Calc writes them) read as CSV (sources/workbook.ts). */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { extractEntries, storedZip } from "../../sources/zip.ts";
import { workbookTables } from "../../sources/workbook.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import { pickFormat } from "../../sources/load-csv.ts";
import { POPULATION_FORMATS, POPULATION_SLOT_TITLE } from "../../sources/population/ons-sape.ts";
import { tempDir } from "./helpers.ts";
import { odsContent, writeOds } from "./ods.ts";
import { writeXls } from "./xls-writer.ts";

const isHeader = (cells: string[]) => cells.includes("Code") && cells.includes("Count");

/** A workbook as publishers lay theirs out: a cover sheet, then tables under title rows, footnotes below a blank row. */
async function publishedWorkbook(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("Cover sheet").addRow(["About these tables"]);
  const a = wb.addWorksheet("Mid-2022 table");
  a.addRow(["Mid-2022 counts by area"]);
  a.addRow(["This worksheet contains one table."]);
  a.addRow([]);
  a.addRow(["Code", "Name", "Count"]);
  a.addRow(["E01000001", "Somewhere, North", 1820]);
  a.addRow(["E01000002", { richText: [{ text: "Rich " }, { font: { bold: true }, text: "text" }] }, 12.5]);
  a.addRow(["E01000003", null, { formula: "1+2", result: 3 }]);
  a.addRow([]);
  a.addRow(["Source: a footnote under the table"]);
  const b = wb.addWorksheet("Mid-2023 table");
  b.addRow(["Mid-2023 counts"]);
  b.addRow(["Code", "Name", "Count"]);
  b.addRow([" E01000001 ", 'Quote "here"', 7]);
  wb.addWorksheet("Notes").addRow(["Code", "means"]);
  await wb.xlsx.writeFile(file);
}

describe("workbook tables", () => {
  it("finds each sheet's table below its title rows, reads it up to the first blank row, and passes over sheets without one", async () => {
    const t = tempDir("ln-xlsx-");
    const file = path.join(t.dir, "published.xlsx");
    await publishedWorkbook(file);
    const tables = await workbookTables(file, isHeader);
    expect(tables.map(({ sheet, title, headerRow, rows }) => ({ sheet, title, headerRow, rows }))).toEqual([
      { sheet: "Mid-2022 table", title: "Mid-2022 counts by area This worksheet contains one table.", headerRow: 4, rows: 3 },
      { sheet: "Mid-2023 table", title: "Mid-2023 counts", headerRow: 2, rows: 1 },
    ]);
    // Shared strings, rich text runs joined, numbers as written, a formula's result, an empty cell, quoting; cells trimmed.
    expect(readFileSync(tables[0]!.csv, "utf8")).toBe('Code,Name,Count\nE01000001,"Somewhere, North",1820\nE01000002,Rich text,12.5\nE01000003,,3\n');
    expect(readFileSync(tables[1]!.csv, "utf8")).toBe('Code,Name,Count\nE01000001,"Quote ""here""",7\n');
  });

  it("a hidden sheet's table is left out when a visible sheet has one (.xlsx and .xls); a workbook of hidden tables only is read", async () => {
    const t = tempDir();
    const wb = new ExcelJS.Workbook();
    const old = wb.addWorksheet("Table 3 (2022)");
    old.state = "hidden";
    old.addRow(["Code", "Count"]);
    old.addRow(["E01000001", 99]);
    const current = wb.addWorksheet("Table 3");
    current.addRow(["Code", "Count"]);
    current.addRow(["E01000001", 7]);
    const xlsx = path.join(t.dir, "hidden.xlsx");
    await wb.xlsx.writeFile(xlsx);
    expect((await workbookTables(xlsx, isHeader)).map((x) => [x.sheet, readFileSync(x.csv, "utf8").trim().split("\n")[1]])).toEqual([["Table 3", "E01000001,7"]]);
    const xls = path.join(t.dir, "hidden.xls");
    writeXls(xls, [{ name: "Table 3 (2022)", hidden: true, rows: [["Code", "Count"], ["E01000001", 99]] }, { name: "Table 3", rows: [["Code", "Count"], ["E01000001", 7]] }]);
    expect((await workbookTables(xls, isHeader)).map((x) => x.sheet)).toEqual(["Table 3"]);
    const onlyHidden = path.join(t.dir, "only-hidden.xls");
    writeXls(onlyHidden, [{ name: "Data", hidden: true, rows: [["Code", "Count"], ["E01000001", 5]] }, { name: "Notes", rows: [["About"]] }]);
    expect((await workbookTables(onlyHidden, isHeader)).map((x) => x.sheet)).toEqual(["Data"]);
  });

  it("reads the sheet list first whatever order the workbook's parts are stored in", async () => {
    const t = tempDir("ln-xlsx-");
    const file = path.join(t.dir, "published.xlsx");
    await publishedWorkbook(file);
    const parts = await extractEntries(file, () => true);
    const sheetsFirst = [...parts].sort(([a], [b]) => Number(b.includes("worksheets/")) - Number(a.includes("worksheets/")));
    expect(sheetsFirst[0]![0]).toMatch(/worksheets\//);
    for (const [name, order] of [["sheets-first.xlsx", sheetsFirst], ["workbook-last.xlsx", [...sheetsFirst.filter(([n]) => n !== "xl/workbook.xml"), ...sheetsFirst.filter(([n]) => n === "xl/workbook.xml")]]] as const) {
      const f = path.join(t.dir, name);
      writeFileSync(f, storedZip(order.map(([n, data]) => ({ name: n, data }))));
      const tables = await workbookTables(f, isHeader);
      expect(tables.map((x) => [x.sheet, x.rows]), name).toEqual([["Mid-2022 table", 3], ["Mid-2023 table", 1]]);
    }
  });

  it("reads an OpenDocument spreadsheet's tables as an .xlsx's: typed values, text runs, repeated rows and cells, notes left out", async () => {
    const t = tempDir("ln-ods-");
    const str = (text: string, extra = "") => `<table:table-cell office:value-type="string" calcext:value-type="string"${extra}>${text}</table:table-cell>`;
    const num = (v: number, shown: string, extra = "") => `<table:table-cell office:value-type="float" office:value="${v}" calcext:value-type="float"${extra}><text:p>${shown}</text:p></table:table-cell>`;
    const row = (cells: string, repeated = 1) => `<table:table-row table:style-name="ro1"${repeated > 1 ? ` table:number-rows-repeated="${repeated}"` : ""}>${cells}<table:table-cell table:number-columns-repeated="1020"/></table:table-row>`;
    const blankRows = (n: number) => `<table:table-row table:style-name="ro1" table:number-rows-repeated="${n}"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>`;
    const sheet = (name: string, rows: string) => `<table:table table:name="${name}" table:style-name="ta1"><table:table-column table:style-name="co1" table:number-columns-repeated="1024" table:default-cell-style-name="Default"/>${rows}</table:table>`;
    const base = odsContent([{ name: "Cover sheet", rows: [["About these tables"]] }]);
    const content = base.replace("<table:named-expressions/>", [
      sheet("Mid-2022 table", [
        row(str("<text:p>Mid-2022 counts by area</text:p>")),
        row(str("<text:p>This worksheet contains one table.</text:p>")),
        blankRows(2),
        `<table:table-header-rows>${row(["Code", "Name", "Count", "Share"].map((h) => str(`<text:p>${h}</text:p>`)).join(""))}</table:table-header-rows>`,
        row(str("<text:p>E01000001</text:p>") + str("<text:p>Somewhere, <text:s/>North</text:p>") + num(1820, "1,820")
          + `<table:table-cell table:style-name="ce2" office:value-type="percentage" office:value="0.25" calcext:value-type="percentage"><text:p>25.00%</text:p></table:table-cell>`),
        row(str("<text:p>E01000002</text:p>") + str('<office:annotation><dc:creator>Analyst</dc:creator><dc:date>2024-01-01T00:00:00</dc:date><text:p>a note, not data</text:p></office:annotation><text:p>Rich <text:span text:style-name="T1">text</text:span></text:p>')
          + num(12.300000000000001, "12.3") + `<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>`),
        row(str("<text:p>E01000003</text:p>") + "<table:table-cell/>" + num(3, "3", ' table:formula="of:=1+2"')
          + `<table:table-cell office:value-type="boolean" office:boolean-value="true" calcext:value-type="boolean"><text:p>TRUE</text:p></table:table-cell>`, 2),
        blankRows(1),
        row(str("<text:p>Source: a footnote under the table</text:p>")),
        blankRows(1048566),
      ].join("")),
      sheet("Mid-2023 table", [
        row(str("<text:p>Mid-2023 counts</text:p>")),
        row(str("<text:p>Code</text:p>") + str("<text:p>Name</text:p>") + str("<text:p>Count</text:p>")),
        row(str("<text:p> E01000004 </text:p>") + str('<text:p>Quote "here"</text:p><text:p>line two</text:p>') + num(7, "7")),
        blankRows(1048573),
      ].join("")),
      sheet("Notes", row(str("<text:p>Code</text:p>") + str("<text:p>means</text:p>"))),
      "<table:named-expressions/>",
    ].join(""));
    const file = path.join(t.dir, "published.ods");
    await writeOds(file, content);
    const tables = await workbookTables(file, isHeader);
    expect(tables.map(({ sheet, title, headerRow, rows }) => ({ sheet, title, headerRow, rows }))).toEqual([
      { sheet: "Mid-2022 table", title: "Mid-2022 counts by area This worksheet contains one table.", headerRow: 5, rows: 4 },
      { sheet: "Mid-2023 table", title: "Mid-2023 counts", headerRow: 2, rows: 1 },
    ]);
    // Numbers as stored (not as shown: 1,820, 25.00%), the shortest form; an error's text; spaces kept, runs joined, the note left
    // out; a repeated row twice; paragraphs joined by a line break; cells trimmed.
    expect(readFileSync(tables[0]!.csv, "utf8")).toBe('Code,Name,Count,Share\nE01000001,"Somewhere,  North",1820,0.25\nE01000002,Rich text,12.3,#DIV/0!\nE01000003,,3,TRUE\nE01000003,,3,TRUE\n');
    expect(readFileSync(tables[1]!.csv, "utf8")).toBe('Code,Name,Count\nE01000004,"Quote ""here""\nline two",7\n');
  });

  it("a file that is not a workbook is named, with what to give instead", async () => {
    const t = tempDir("ln-xlsx-");
    const csv = t.write("saved-as.xlsx", "Code,Name,Count\nE01000001,A,1\n");
    const err = await workbookTables(csv, isHeader).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalneedsError);
    expect((err as Error).message).toMatch(new RegExp(`^${csv.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot be read as a workbook \\(\\.xlsx, \\.ods or \\.xls\\) \\(.+\\); give the workbook as published, or a CSV saved from its table's sheet$`));
  });

  it("a spreadsheet or archive where a CSV was expected is named for what it is: an .xlsx under another name, an Excel 97-2003 .xls, an .ods, a zip of CSVs", async () => {
    const t = tempDir("ln-xlsx-");
    const book = path.join(t.dir, "published.xlsx");
    await publishedWorkbook(book);
    const renamed = t.write("population.csv", readFileSync(book));
    expect(() => pickFormat(renamed, POPULATION_FORMATS, POPULATION_SLOT_TITLE)).toThrow(messages.spreadsheetNotCsv(renamed, "xlsx", POPULATION_SLOT_TITLE));
    const xls = t.write("SAPE20DT1-mid-2017-lsoa-syoa-estimates-formatted.xls", Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]));
    expect(() => pickFormat(xls, POPULATION_FORMATS, POPULATION_SLOT_TITLE)).toThrow(messages.spreadsheetNotCsv(xls, "xls", POPULATION_SLOT_TITLE));
    // An OpenDocument spreadsheet (WIMD's and some ONS tables' format), and a zip of CSVs (a police.uk download) are named for what they are, not as workbooks.
    const bytes = (s: string) => new TextEncoder().encode(s);
    const ods = t.write("wimd-2019-index-and-domain-ranks-by-small-area.csv", Buffer.from(storedZip([
      { name: "mimetype", data: bytes("application/vnd.oasis.opendocument.spreadsheet") }, { name: "content.xml", data: bytes("<office:document-content/>") }])));
    expect(() => pickFormat(ods, POPULATION_FORMATS, POPULATION_SLOT_TITLE)).toThrow(messages.spreadsheetNotCsv(ods, "ods", POPULATION_SLOT_TITLE));
    const zip = t.write("2019-01.csv", Buffer.from(storedZip([{ name: "2019-01/2019-01-kent-street.csv", data: bytes("Crime ID,Month\n") }])));
    expect(() => pickFormat(zip, POPULATION_FORMATS, POPULATION_SLOT_TITLE)).toThrow(messages.spreadsheetNotCsv(zip, "zip", POPULATION_SLOT_TITLE));
  });

  it("reads a workbook whose XML carries a namespace prefix (<x:row>, as the .NET Open XML SDK writes) and whose shared strings part has another name", async () => {
    const t = tempDir("ln-xlsx-");
    const ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
    const rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const cell = (ref: string, v: string, type?: string) => `<x:c r="${ref}"${type ? ` t="${type}"` : ""}><x:v>${v}</x:v></x:c>`;
    const parts = {
      "xl/workbook.xml": `<?xml version="1.0"?><x:workbook ${ns}><x:sheets><x:sheet name="Data 2023" sheetId="1" rel:id="R9"/></x:sheets></x:workbook>`,
      "xl/_rels/workbook.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        <Relationship Id="R9" Type="${rels}/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="R2" Type="${rels}/sharedStrings" Target="strings.xml"/></Relationships>`,
      "xl/strings.xml": `<?xml version="1.0"?><x:sst ${ns}><x:si><x:t>Code</x:t></x:si><x:si><x:t>Count</x:t></x:si><x:si><x:t xml:space="preserve"> E01000001 </x:t></x:si></x:sst>`,
      "xl/worksheets/data.xml": `<?xml version="1.0"?><x:worksheet ${ns}><x:sheetData>
        <x:row r="1">${cell("A1", "0", "s")}${cell("B1", "1", "s")}</x:row><x:row r="2">${cell("A2", "2", "s")}${cell("B2", "4.50")}</x:row></x:sheetData></x:worksheet>`,
    };
    const file = path.join(t.dir, "sdk.xlsx");
    writeFileSync(file, storedZip(Object.entries(parts).map(([name, text]) => ({ name, data: Buffer.from(text) }))));
    const [table] = await workbookTables(file, isHeader);
    expect(table && { sheet: table.sheet, headerRow: table.headerRow, csv: readFileSync(table.csv, "utf8") }).toEqual({ sheet: "Data 2023", headerRow: 1, csv: "Code,Count\nE01000001,4.5\n" });
  });

  it("with a cache, the next build reads the tables kept by the workbook's SHA-256, not the workbook; a changed workbook is read again and its old tables go", async () => {
    const t = tempDir("ln-xlsx-");
    const book = path.join(t.dir, "published.xlsx");
    const cache = { dir: path.join(t.dir, "cache"), kind: "test" };
    await publishedWorkbook(book);
    const first = await workbookTables(book, isHeader, cache);
    expect(first.map((x) => path.dirname(x.csv))).toEqual([cache.dir, cache.dir]);
    const written = first.map((x) => statSync(x.csv).mtimeMs);
    const again = await workbookTables(book, isHeader, cache);
    expect(again).toEqual(first);
    // Not written again: the same files, untouched.
    expect(again.map((x) => statSync(x.csv).mtimeMs)).toEqual(written);
    // Another workbook at the same path: read again, and the earlier one's tables removed.
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Mid-2024 table");
    ws.addRow(["Code", "Count"]);
    ws.addRow(["E01000009", 9]);
    await wb.xlsx.writeFile(book);
    const changed = await workbookTables(book, isHeader, cache);
    expect(changed.map((x) => [x.sheet, readFileSync(x.csv, "utf8")])).toEqual([["Mid-2024 table", "Code,Count\nE01000009,9\n"]]);
    expect(readdirSync(cache.dir).sort()).toEqual([path.basename(changed[0]!.csv), path.basename(changed[0]!.csv).replace(/-1\.csv$/, ".json")].sort());
  });
});
