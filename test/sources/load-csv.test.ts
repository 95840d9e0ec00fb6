import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { fixedClock, silentLogger } from "../../pipelines/core/context.ts";
import { createCoreTables } from "../../transforms/marts.ts";
import { defineCsvFormat } from "../../sources/csv-format.ts";
import { loadCsvFiles, registerFormats } from "../../sources/load-csv.ts";
import { messages } from "../../pipelines/core/messages.ts";

const fmt = defineCsvFormat({
  id: "test_counts",
  title: "a test counts file",
  rawTable: "raw_test_counts",
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
  rawTable: "raw_other_kind",
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
    const rows = await db.all(`SELECT area_code, month, count, note, _line FROM raw_test_counts ORDER BY _line`);
    // Thousands separators are stored without the commas (issue 15: `1,204` was NULL in staging).
    expect(rows).toEqual([
      { area_code: "Z01", month: "2024-01", count: "3", note: null, _line: "2" },
      { area_code: "Z02", month: "2024-02", count: "1204", note: null, _line: "3" },
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
    const lines = await db.all(`SELECT _line::INTEGER AS line FROM raw_test_counts ORDER BY 1`);
    expect(lines).toEqual([{ line: 2 }, { line: 8 }]);
  });

  it("a rejected row keeps its line as written, quoted cells quoted again, whether or not blank lines are numbered around", async () => {
    const bad = `Z02,2024-13,5,"Flat 2, ""The Mews"""`;
    const plain = write("q1.csv", `AREA24CD,Month,Count,Note\nZ01,2024-01,5,"a, b"\n${bad}\nZ03,2024-02,"1,204",\n`);
    const blanks = write("q2.csv", `AREA24CD,Month,Count,Note\n\nZ01,2024-01,5,"a, b"\n\n${bad}\nZ04,2024-14,,\nZ03,2024-02,7,x\n`);
    const [a, b] = await loadCsvFiles(ctx(), fmt, [plain, blanks]);
    expect(a).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsRejected: 1 });
    expect(b).toMatchObject({ rowsLoaded: 2, rowsRejected: 2 });
    const rej = await db.all<{ f: string; line: number; raw_line: string }>(
      `SELECT path AS f, line::INTEGER AS line, raw_line FROM audit.rejects ORDER BY path, line`,
    );
    expect(rej).toEqual([
      { f: plain, line: 3, raw_line: bad },
      { f: blanks, line: 5, raw_line: bad },
      { f: blanks, line: 6, raw_line: "Z04,2024-14,," },
    ]);
  });

  it("loading the same file twice does not double-count", async () => {
    const f = write("c.csv", "AREA24CD,Month,Count\nZ01,2024-01,5\n");
    await loadCsvFiles(ctx(), fmt, [f]);
    await loadCsvFiles(ctx(), fmt, [f]);
    expect(await db.one(`SELECT count(*)::INTEGER n FROM raw_test_counts`)).toEqual({ n: 1 });
    expect(await db.one(`SELECT count(*)::INTEGER n FROM audit.loads`)).toEqual({ n: 1 });
  });

  it("a format whose raw table is kept in memory (rawInMemory) loads the same rows into a temporary table, which is dropped with the rest", async () => {
    const inMemory = defineCsvFormat({ ...fmt, id: "test_counts_in_memory", rawTable: "raw_test_counts_in_memory", rawInMemory: true });
    const file = await Warehouse.open(path.join(dir, "w.duckdb"));
    try {
      await createCoreTables(file);
      const f = write("m.csv", "AREA24CD,Month,Count\nZ01,2024-01,5\nZ02,2024-02,SUPP\nZ03,2024-13,1\n");
      const c = { db: file, log: silentLogger, clock: fixedClock("2025-01-01T00:00:00Z") };
      const [kept] = await loadCsvFiles(c, inMemory, [f]);
      // Loaded twice: the rows of the first reading are replaced, as in the warehouse.
      const [again] = await loadCsvFiles(c, inMemory, [f]);
      expect([kept, again].map((l) => [l!.rowsRead, l!.rowsLoaded, l!.rowsRejected])).toEqual([[3, 2, 1], [3, 2, 1]]);
      const where = await file.all(`SELECT database_name AS d, schema_name AS s FROM duckdb_tables() WHERE table_name = 'raw_test_counts_in_memory'`);
      expect(where).toEqual([{ d: "temp", s: "main" }]);
      expect(await file.all(`SELECT area_code, _line::INTEGER AS line FROM raw_test_counts_in_memory ORDER BY 1`)).toEqual([{ area_code: "Z01", line: 2 }, { area_code: "Z02", line: 3 }]);
      await file.dropRawTables();
      expect(await file.hasTable("raw_test_counts_in_memory")).toBe(false);
    } finally {
      file.close();
    }
    expect(() => defineCsvFormat({ ...fmt, id: "x", rawTable: "staging.raw_x", rawInMemory: true })).toThrow(/in memory has no schema/);
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
    const cp = defineCsvFormat({ ...fmt, id: "cp", rawTable: "raw_cp", encoding: "windows-1252" });
    const f = write("g.csv", Buffer.from([...Buffer.from("AREA24CD,Month,Count,Note\nZ01,2024-01,5,O"), 0x92, ...Buffer.from("Brien\n")]));
    await loadCsvFiles(ctx(), cp, [f]);
    expect(await db.one(`SELECT note FROM raw_cp`)).toEqual({ note: "O\u2019Brien" });
  });

  it("reads a UTF-8 file in a Windows-1252 slot as UTF-8, not garbled, and warns; plain ASCII stays quiet", async () => {
    const cp = defineCsvFormat({ ...fmt, id: "cp8", rawTable: "raw_cp8", encoding: "windows-1252" });
    const utf8 = write("u.csv", "AREA24CD,Month,Count,Note\nZ01,2024-01,5,O\u2019Brien caf\u00e9\n");
    const ascii = write("a.csv", "AREA24CD,Month,Count,Note\nZ02,2024-01,6,plain\n");
    await loadCsvFiles(ctx(), cp, [utf8, ascii]);
    expect(await db.all(`SELECT note FROM raw_cp8 ORDER BY area_code`)).toEqual([{ note: "O\u2019Brien caf\u00e9" }, { note: "plain" }]);
    const warnings = await db.all<{ code: string; subject: string; message: string }>(`SELECT code, subject, message FROM audit.warnings`);
    expect(warnings).toEqual([{ code: "encoding_not_as_declared", subject: utf8, message: messages.encodingNotAsDeclared(utf8, cp.title) }]);
  });
});

describe("loadCsvFiles over many files at once (one read_csv per header)", () => {
  it("clean files go straight into the raw table (the fast path): every row numbered by its own line, and a failing rule sends the batch the careful way", async () => {
    const header = "AREA24CD,Month,Count\n";
    const files = Array.from({ length: 12 }, (_, k) =>
      write(`c${String(k).padStart(2, "0")}.csv`, header + Array.from({ length: 3 + k * 101 }, (_, j) => `C${k}L${j + 2},2024-01,${j}`).join("\n") + "\n"));
    const loads = await loadCsvFiles(ctx(), fmt, files);
    for (const [k, l] of loads.entries()) expect(l).toMatchObject({ rowsRead: 3 + k * 101, rowsLoaded: 3 + k * 101, rowsRejected: 0 });
    const wrong = await db.all(`SELECT _file, _line, area_code FROM raw_test_counts
      WHERE area_code LIKE 'C%' AND area_code <> 'C' || regexp_extract(_file, 'c([0-9]+)\\.csv', 1)::INTEGER || 'L' || _line`);
    expect(wrong).toEqual([]);
    expect(await db.one(`SELECT count(*)::INTEGER n, min(_line)::INTEGER lo FROM raw_test_counts WHERE area_code LIKE 'C%'`)).toEqual({ n: loads.reduce((s, l) => s + l.rowsLoaded, 0), lo: 2 });
    // Loaded again with one row breaking a rule (no parse reject): the batch is read the careful way, with the reject and the same numbering.
    writeFileSync(files[5]!, header + Array.from({ length: 3 + 5 * 101 }, (_, j) => `C5L${j + 2},${j === 40 ? "2024-13" : "2024-01"},${j}`).join("\n") + "\n");
    const again = await loadCsvFiles(ctx(), fmt, files);
    expect(again[5]).toMatchObject({ rowsRead: 508, rowsLoaded: 507, rowsRejected: 1 });
    expect(await db.all(`SELECT line::INTEGER AS line, "column" FROM audit.rejects WHERE path = $f`, { f: files[5]! })).toEqual([{ line: 42, column: "Month" }]);
    expect(await db.all(`SELECT _file, _line, area_code FROM raw_test_counts
      WHERE area_code LIKE 'C%' AND area_code <> 'C' || regexp_extract(_file, 'c([0-9]+)\\.csv', 1)::INTEGER || 'L' || _line`)).toEqual([]);
    expect(await db.one(`SELECT count(*)::INTEGER n FROM raw_test_counts WHERE area_code LIKE 'C%'`)).toEqual({ n: loads.reduce((s, l) => s + l.rowsLoaded, 0) - 1 });
  });

  it("numbers every file's rows from 2, keeps each file's own counts, and rescans a file DuckDB rejects lines of on its own", async () => {
    const header = "AREA24CD,Month,Count\n";
    // 30 files of different lengths, the same header: parsed together.
    const files = Array.from({ length: 30 }, (_, k) =>
      write(`m${String(k).padStart(2, "0")}.csv`, header + Array.from({ length: 5 + k * 37 }, (_, j) => `F${k}L${j + 2},2024-01,${j}`).join("\n") + "\n"));
    // One with a bad month on line 3 and a quote left open on line 5 (it would run to the end of the
    // file: only line 5 is rejected, lines 6 and 7 load), one with its columns reordered.
    files.push(write("broken.csv", header + "B2,2024-01,1\nB3,2024-13,2\nB4,2024-01,3\n\"B5,2024-01,4\nB6,2024-01,5\nB7,2024-01,6\n"));
    files.push(write("reordered.csv", "Count,AREA24CD,Month\n7,R2,2024-01\n8,R3,2024-01\n"));
    const loads = await loadCsvFiles(ctx(), fmt, files);
    expect(loads.map((l) => l.path)).toEqual(files);
    for (const [k, l] of loads.slice(0, 30).entries()) expect(l).toMatchObject({ rowsRead: 5 + k * 37, rowsLoaded: 5 + k * 37, rowsRejected: 0 });
    // Every row's line matches the line it came from (the area code says which).
    const wrong = await db.all(`SELECT _file, _line, area_code FROM raw_test_counts
      WHERE area_code LIKE 'F%' AND area_code <> 'F' || regexp_extract(_file, 'm([0-9]+)\\.csv', 1)::INTEGER || 'L' || _line`);
    expect(wrong).toEqual([]);
    expect(loads[30]).toMatchObject({ rowsRead: 6, rowsLoaded: 4, rowsRejected: 2 });
    const rejects = await db.all<{ line: string; column: string | null }>(`SELECT line::VARCHAR AS line, "column" FROM audit.rejects WHERE path = $f ORDER BY line`, { f: files[30]! });
    expect(rejects).toEqual([{ line: "3", column: "Month" }, { line: "5", column: "AREA24CD" }]);
    const good = await db.all<{ area_code: string; _line: string }>(`SELECT area_code, _line::VARCHAR AS _line FROM raw_test_counts WHERE _file = $f ORDER BY _line`, { f: files[30]! });
    for (const g of good) expect(g.area_code).toBe(`B${g._line}`);
    expect(loads[31]).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsRejected: 0 });
    expect(await db.all(`SELECT area_code, count, _line::VARCHAR AS l FROM raw_test_counts WHERE _file = $f ORDER BY _line`, { f: files[31]! }))
      .toEqual([{ area_code: "R2", count: "7", l: "2" }, { area_code: "R3", count: "8", l: "3" }]);
    // audit.loads has one row per file, read = loaded + rejected.
    const audit = await db.one<{ n: number; bad: number }>(`SELECT count(*)::INTEGER n, count(*) FILTER (WHERE rows_read <> rows_loaded + rows_rejected)::INTEGER bad FROM audit.loads`);
    expect(audit).toEqual({ n: 32, bad: 0 });
  });

  it("columns of a hash group are stored as one hash of their trimmed cells (NULL when all are blank), the same on the fast and the careful path", async () => {
    const grouped = defineCsvFormat({
      id: "test_grouped", title: "a grouped test file", rawTable: "raw_test_grouped", grain: "row",
      columns: [
        { name: "area_code", header: "AREA", required: true },
        { name: "x", header: "X", stored: "hash", hashGroup: "xy" },
        { name: "y", header: "Y", stored: "hash", hashGroup: "xy" },
        { name: "n", header: "N", kind: "integer" },
      ],
    });
    const text = "AREA,X,Y,N\nA1, 0.5 ,52.1,1\nA2,,,2\nA3,,52.1,3\n";
    const clean = write("clean.csv", text);
    // The same rows with one bad line: read the careful way.
    const careful = write("careful.csv", text + "A5,1,2,oops\n");
    const loads = await loadCsvFiles(ctx(), grouped, [clean, careful]);
    expect(loads.map((l) => [l.rowsLoaded, l.rowsRejected])).toEqual([[3, 0], [3, 1]]);
    const columns = (await db.all<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'raw_test_grouped' ORDER BY column_index`)).map((c) => `${c.column_name} ${c.data_type}`);
    expect(columns).toEqual(["area_code VARCHAR", "xy UBIGINT", "n VARCHAR", "_file VARCHAR", "_line BIGINT"]);
    for (const f of [clean, careful]) {
      expect(await db.all(`SELECT area_code, xy = hash('0.5', '52.1') AS both, xy IS NULL AS blank, xy = hash(NULL::VARCHAR, '52.1') AS one FROM raw_test_grouped WHERE _file = $f ORDER BY _line`, { f }))
        .toEqual([
          { area_code: "A1", both: true, blank: false, one: false },
          { area_code: "A2", both: null, blank: true, one: null },
          { area_code: "A3", both: false, blank: false, one: true },
        ]);
    }
  });

  it("a hash group needs hashed columns and a name of its own", () => {
    const base = { id: "g", title: "g", rawTable: "raw_g", grain: "row" };
    expect(() => defineCsvFormat({ ...base, columns: [{ name: "a", header: "A", hashGroup: "ab" }] })).toThrow(/hash group ab needs stored: "hash"/);
    expect(() => defineCsvFormat({ ...base, columns: [{ name: "a", header: "A", stored: "hash", hashGroup: "b" }, { name: "b", header: "B" }] })).toThrow(/a name no column has/);
  });
});
