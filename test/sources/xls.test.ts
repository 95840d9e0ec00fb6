/**
 * Excel 97-2003 workbooks (.xls, sources/xls.ts) read as .xlsx and .ods are: each sheet's table
 * found below its title rows, every kind of cell as the other readers give it, shared strings split
 * across records, Excel 95's 8-bit strings; a workbook that cannot be read is named with why. A
 * published .xls (SAPE to mid-2017, IoD 2010) loads through a slot as its .xlsx does.
 */
import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { workbookTables } from "../../sources/workbook.ts";
import { LocalneedsError } from "../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../helpers/shared.ts";
import { realConfig, runSources, tempDir } from "./helpers.ts";
import { writeXls, type XlsCell } from "./xls-writer.ts";

const isHeader = (cells: string[]) => cells.includes("Code") && cells.includes("Count");
const csvOf = async (file: string) => (await workbookTables(file, isHeader)).map((t) => ({ sheet: t.sheet, title: t.title, headerRow: t.headerRow, rows: t.rows, csv: readFileSync(t.csv, "utf8") }));

/** Names long and many enough that the shared strings run over several records, some of them wide (beyond Latin-1). */
const names = Array.from({ length: 400 }, (_, i) => `Area ${i} ${i % 5 === 0 ? "Ynys Môn – St Mary’s" : "Northgate"} ${"x".repeat(i % 40)}`);

describe("Excel 97-2003 workbooks (.xls)", () => {
  it("finds each worksheet's table as in an .xlsx: title rows, every kind of cell, strings split across records, charts passed over", async () => {
    const t = tempDir("ln-xls-");
    const table: XlsCell[][] = [
      ["Mid-2017 counts by area"],
      ["This worksheet contains one table."],
      [],
      ["Code", "Name", "Count", "Flag", "Ratio", "Formula"],
      ["E01000001", "Somewhere, North", 1820, true, 0.1, { formula: 3 }],
      ["E01000002", 'Quote "here"', 12.5, false, -3.25, { formula: "ab" }],
      ["E01000003", null, 123456789, { error: "#N/A" }, 0.30000000000000004, { formula: { error: "#DIV/0!" } }],
      ["E01000004", "   padded   ", 1e-7, { formula: true }, 1234.56, 7],
      ...names.map((n, i): XlsCell[] => [`E02${String(i).padStart(6, "0")}`, n, i * 3, i % 2 === 0, i / 7, i]),
      [],
      ["Source: a footnote under the table"],
    ];
    const sheets = [
      { name: "Cover sheet", rows: [["About these tables"]] },
      { name: "Chart 1", chart: true as const },
      { name: "Mid-2017 table", rows: table, chartAfter: true },
      { name: "Mid-2016 table", rows: [["Mid-2016 counts"], ["Code", "Name", "Count"], [" E01000001 ", "Café", 7]] },
      { name: "Notes", rows: [["Code", "means"]] },
    ];
    const xls = path.join(t.dir, "published.xls");
    // Shared-string records of 120 bytes: strings split mid-way, 1-byte and 2-byte, with formatting runs running over.
    writeXls(xls, sheets, { sstRecord: 120, richRuns: true });
    const got = await csvOf(xls);
    expect(got.map(({ csv: _c, ...m }) => m)).toEqual([
      { sheet: "Mid-2017 table", title: "Mid-2017 counts by area This worksheet contains one table.", headerRow: 4, rows: 404 },
      { sheet: "Mid-2016 table", title: "Mid-2016 counts", headerRow: 2, rows: 1 },
    ]);
    const lines = got[0]!.csv.split("\n");
    expect(lines.slice(0, 5)).toEqual([
      "Code,Name,Count,Flag,Ratio,Formula",
      'E01000001,"Somewhere, North",1820,TRUE,0.1,3',
      'E01000002,"Quote ""here""",12.5,FALSE,-3.25,ab',
      "E01000003,,123456789,#N/A,0.30000000000000004,#DIV/0!",
      "E01000004,padded,1e-7,TRUE,1234.56,7",
    ]);
    expect(lines.slice(5, -1)).toEqual(names.map((n, i) => [`E02${String(i).padStart(6, "0")}`, n.trim(), i * 3, i % 2 === 0 ? "TRUE" : "FALSE", String(i / 7), i].join(",")));
    expect(got[1]!.csv).toBe("Code,Name,Count\nE01000001,Café,7\n");
    // The same workbook as .xlsx gives the same tables (values compared as the .xlsx stores them).
    const wb = new ExcelJS.Workbook();
    for (const s of sheets) {
      if (!("rows" in s)) continue;
      const ws = wb.addWorksheet(s.name);
      for (const row of s.rows ?? []) {
        ws.addRow(row.map((v) => (v !== null && typeof v === "object" ? ("error" in v ? { error: v.error } : "formula" in v ? { formula: "1", result: v.formula } : v.number) : v)));
      }
    }
    const xlsx = path.join(t.dir, "published.xlsx");
    await wb.xlsx.writeFile(xlsx);
    expect(await csvOf(xlsx)).toEqual(got);
  });

  it("reads an Excel 95 workbook's 8-bit strings in Windows-1252", async () => {
    const t = tempDir("ln-xls-");
    const xls = path.join(t.dir, "excel95.xls");
    writeXls(xls, [{ name: "Table", rows: [["Code", "Name", "Count"], ["E01000001", "St Mary’s – North", 12], ["E01000002", "Café", { formula: "text" }]] }], { biff: 5 });
    expect(await csvOf(xls)).toEqual([{ sheet: "Table", title: "", headerRow: 1, rows: 2, csv: "Code,Name,Count\nE01000001,St Mary’s – North,12\nE01000002,Café,text\n" }]);
  });

  it("a password-protected workbook, another compound file and a damaged one are named with why", async () => {
    const t = tempDir("ln-xls-");
    const locked = path.join(t.dir, "locked.xls");
    writeXls(locked, [{ name: "Table", rows: [["Code", "Count"], ["E01000001", 1]] }], { password: true });
    const err = async (file: string) => {
      const e = await workbookTables(file, isHeader).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(LocalneedsError);
      return (e as Error).message;
    };
    expect(await err(locked)).toBe(`${locked}: cannot be read as a workbook (.xlsx, .ods or .xls) (the workbook is protected with a password: open it in Excel, remove the password and save it as .xlsx); give the workbook as published, or a CSV saved from its table's sheet`);
    const cut = path.join(t.dir, "cut.xls");
    writeFileSync(cut, readFileSync(locked).subarray(0, 600));
    expect(await err(cut)).toMatch(/^.*cut\.xls: cannot be read as a workbook \(\.xlsx, \.ods or \.xls\) \(.+\)/);
  });
});

describe.skipIf(!hasShared)(`a published .xls in a slot${sharedSkipReason}`, () => {
  it("IoD File 1 as .xls loads the same deprivation rows as its CSV", async () => {
    const t = tempDir("ln-xls-");
    const csv = realData("imd2019", "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv");
    // Kent and Medway's rows, as the published workbook lays them out: numbers as numbers (the CSV's "29,199" is 29199).
    const [header, ...rows] = readFileSync(csv, "utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/).map((l) => l.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, "").replace(/^"|"$/g, "")));
    const kent = rows.filter((r) => /^E0(6000035|7000(10[5-9]|11[0-6]))$/.test(r[2]!));
    const xls = path.join(t.dir, "File_1_-_IMD2019_Index_of_Multiple_Deprivation.xls");
    writeXls(xls, [{ name: "Notes", rows: [["Indices of Deprivation 2019"]] }, { name: "IMD2019", rows: [header!, ...kent.map((r) => r.map((c, i) => (i >= 4 ? Number(c.replace(/,/g, "")) : c)))] }]);
    const staged = async (file: string) => {
      const { db } = await runSources(realConfig({ sources: { deprivation: { files: [file] } } }));
      try {
        return await db.all(`SELECT * FROM staging.deprivation_lsoa WHERE lsoa_code IN (SELECT lsoa_code FROM ref.lsoa_ward) ORDER BY ALL`);
      } finally {
        db.close();
      }
    };
    const fromXls = await staged(xls);
    expect(fromXls.length).toBeGreaterThan(150); // Medway's LSOAs
    expect(fromXls).toEqual(await staged(csv));
  });
});
