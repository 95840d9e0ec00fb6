import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Warehouse } from "../../pipelines/warehouse.ts";
import { fixedClock, silentLogger } from "../../pipelines/context.ts";
import { createCoreTables } from "../../transforms/marts.ts";
import { defineCsvFormat } from "../../sources/csv-format.ts";
import { loadCsvFiles, registerFormats } from "../../sources/load-csv.ts";
import { messages } from "../../pipelines/messages.ts";

const fmt = defineCsvFormat({
  id: "test_counts",
  title: "a test counts file",
  rawTable: "raw.test_counts",
  grain: "one row per area and month",
  columns: [
    { name: "area_code", header: /^AREA\d{2}CD$/, required: true },
    { name: "month", header: "Month", kind: "month", required: true },
    { name: "count", header: "Count", kind: "integer", markers: ["SUPP"] },
    { name: "note", header: "Note", optional: true },
  ],
});
const other = defineCsvFormat({
  id: "other_kind",
  title: "a KS2 performance table",
  rawTable: "raw.other_kind",
  grain: "school",
  columns: [{ name: "urn", header: "URN" }, { name: "rectype", header: "RECTYPE" }],
});
registerFormats(fmt, other);

let db: Warehouse;
let dir: string;
const ctx = () => ({ db, log: silentLogger, clock: fixedClock("2025-01-01T00:00:00Z") });
beforeEach(async () => {
  db = await Warehouse.open();
  await createCoreTables(db);
  dir = mkdtempSync(path.join(tmpdir(), "ln-load-"));
});
afterEach(() => db.close());

const write = (name: string, text: string | Buffer) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe("loadCsvFiles", () => {
  it("loads by header name whatever the vintage and order, with BOM and CRLF", async () => {
    const f = write("a.csv", "\uFEFFCount,Month,AREA24CD\r\n3,2024-01,Z01\r\n\"1,204\",2024-02,Z02\r\nSUPP,2024-03,Z03\r\n");
    const [r] = await loadCsvFiles(ctx(), fmt, [f]);
    expect(r).toMatchObject({ rowsRead: 3, rowsLoaded: 3, rowsRejected: 0 });
    const rows = await db.all(`SELECT area_code, month, count, note, _line FROM raw.test_counts ORDER BY _line`);
    expect(rows).toEqual([
      { area_code: "Z01", month: "2024-01", count: "3", note: null, _line: "2" },
      { area_code: "Z02", month: "2024-02", count: "1,204", note: null, _line: "3" },
      { area_code: "Z03", month: "2024-03", count: "SUPP", note: null, _line: "4" },
    ]);
  });

  it("rejects bad rows with file, line, column and reason, and reconciles counts", async () => {
    const f = write("b.csv", "AREA24CD,Month,Count\nZ01,2024-01,5\nZ02,2024-13,5\n,2024-01,2\nZ04,2024-02,-x\nZ05,2024-02\nZ06,2024-02,7,9\nZ07,2024-03,8\n");
    const [r] = await loadCsvFiles(ctx(), fmt, [f]);
    expect(r.rowsRead).toBe(r.rowsLoaded + r.rowsRejected);
    expect(r).toMatchObject({ rowsRead: 7, rowsLoaded: 2, rowsRejected: 5 });
    const rej = await db.all<{ line: string; column: string; reason: string; raw_line: string }>(
      `SELECT line, "column", reason, raw_line FROM audit.rejects ORDER BY line`,
    );
    expect(rej.map((x) => [Number(x.line), x.column])).toEqual([
      [3, "Month"],
      [4, "AREA24CD"],
      [5, "Count"],
      [6, "Count"],
      [7, null],
    ]);
    expect(rej[0]!.reason).toContain("YYYY-MM");
    expect(rej[0]!.raw_line).toBe("Z02,2024-13,5");
    expect(rej[2]!.reason).toContain("-x");
    const loads = await db.all(`SELECT rows_read::INTEGER r, rows_loaded::INTEGER l, rows_rejected::INTEGER j FROM audit.loads`);
    expect(loads).toEqual([{ r: 7, l: 2, j: 5 }]);
    const lines = await db.all(`SELECT _line::INTEGER AS line FROM raw.test_counts ORDER BY 1`);
    expect(lines).toEqual([{ line: 2 }, { line: 8 }]);
  });

  it("loading the same file twice does not double-count", async () => {
    const f = write("c.csv", "AREA24CD,Month,Count\nZ01,2024-01,5\n");
    await loadCsvFiles(ctx(), fmt, [f]);
    await loadCsvFiles(ctx(), fmt, [f]);
    expect(await db.one(`SELECT count(*)::INTEGER n FROM raw.test_counts`)).toEqual({ n: 1 });
    expect(await db.one(`SELECT count(*)::INTEGER n FROM audit.loads`)).toEqual({ n: 1 });
  });

  it("names a missing column with what was expected and found", async () => {
    const f = write("d.csv", "AREA24CD,Mnth,Count\nZ01,2024-01,5\n");
    await expect(loadCsvFiles(ctx(), fmt, [f])).rejects.toThrow(
      messages.missingColumns(f, ["AREAyyCD", "Month", "Count"], ["AREA24CD", "Mnth", "Count"], ["Month"]),
    );
  });

  it("recognises a file of the wrong kind", async () => {
    const f = write("e.csv", "RECTYPE,URN,SCHNAME\n1,100000,A school\n");
    await expect(loadCsvFiles(ctx(), fmt, [f])).rejects.toThrow(messages.wrongKindOfFile(f, fmt.title, other.title));
  });

  it("says an empty file is empty", async () => {
    const f = write("f.csv", "");
    await expect(loadCsvFiles(ctx(), fmt, [f])).rejects.toThrow(messages.emptyFile(f, fmt.title));
  });

  it("transcodes Windows-1252 before loading", async () => {
    const cp = defineCsvFormat({ ...fmt, id: "cp", rawTable: "raw.cp", encoding: "windows-1252" });
    const f = write("g.csv", Buffer.from([...Buffer.from("AREA24CD,Month,Count,Note\nZ01,2024-01,5,O"), 0x92, ...Buffer.from("Brien\n")]));
    await loadCsvFiles(ctx(), cp, [f]);
    expect(await db.one(`SELECT note FROM raw.cp`)).toEqual({ note: "O\u2019Brien" });
  });
});
