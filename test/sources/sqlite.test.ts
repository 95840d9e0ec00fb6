/**
 * The SQLite file reader (`sources/sqlite.ts`) against SQLite itself: databases written by sql.js
 * (SQLite compiled to WebAssembly) read back row for row as SQLite reads them.
 */
import { describe, expect, it } from "vitest";
import { columnsOf, isSqliteHeader, SqliteFile } from "../../sources/sqlite.ts";
import { sqlite } from "./geopackage-writer.ts";

/** A database written by SQLite: `setup` run on a fresh one, its bytes returned with every table as SQLite reads it (`SELECT *` in rowid order). */
async function written(setup: string, pageSize = 4096): Promise<{ bytes: Uint8Array; tables: Record<string, { columns: string[]; values: unknown[][] }> }> {
  const SQL = await sqlite();
  const db = new SQL.Database();
  try {
    db.run(`PRAGMA page_size = ${pageSize};`);
    db.run(setup);
    const names = db.exec(`SELECT name FROM sqlite_schema WHERE type = 'table' AND rootpage > 0 ORDER BY name`)[0]?.values.map((v) => String(v[0])) ?? [];
    const tables: Record<string, { columns: string[]; values: unknown[][] }> = {};
    for (const n of names) {
      const columns = db.exec(`SELECT name FROM pragma_table_info('${n}') ORDER BY cid`)[0]!.values.map((v) => String(v[0]));
      tables[n] = { columns, values: db.exec(`SELECT * FROM "${n}" ORDER BY rowid`)[0]?.values ?? [] };
    }
    return { bytes: db.export(), tables };
  } finally {
    db.close();
  }
}

/** The rows the reader gives, as arrays in the table's column order (blobs as byte arrays, as sql.js gives them). */
function readBack(bytes: Uint8Array, name: string): { columns: string[]; values: unknown[][] } {
  const db = new SqliteFile(bytes);
  const t = db.table(name)!;
  return { columns: t.columns, values: [...db.rows(t)].map((r) => t.columns.map((c) => (r[c] instanceof Uint8Array ? new Uint8Array(r[c] as Uint8Array) : r[c]))) };
}

describe("SQLite files read as SQLite reads them", () => {
  it("every kind of value, a rowid alias, a column added later, and text and blobs spilling over many overflow pages", async () => {
    const long = "Ynys Môn – Llanfair·".repeat(400);
    const blob = Array.from({ length: 5000 }, (_, i) => (i * 7) % 256);
    const { bytes, tables } = await written(`
      CREATE TABLE "mixed values" (id INTEGER PRIMARY KEY, [small] INTEGER, "big" INTEGER, 'real' REAL, t TEXT, b BLOB, n);
      INSERT INTO "mixed values" VALUES (NULL, 0, 1, 1.5, 'a', x'00ff', NULL), (NULL, -1, 127, -2.25, '', x'', 'x'),
        (NULL, -128, 32767, 1e300, 'Pen-y-bont ar Ogwr', NULL, 3), (NULL, 8388607, -8388608, 0.1, 'é', x'01', 4.5),
        (NULL, 2147483647, -2147483648, 3, '${"x".repeat(300)}', NULL, NULL), (NULL, 140737488355327, -140737488355328, 0, 'y', NULL, NULL),
        (NULL, 9007199254740991, -9007199254740991, 0, 'z', NULL, NULL), (1000, 9007199254740993, -9223372036854775808, 0, '${long}', x'${Buffer.from(blob).toString("hex")}', 'last');
      ALTER TABLE "mixed values" ADD COLUMN added TEXT;
      INSERT INTO "mixed values" (small, added) VALUES (5, 'after');`, 1024);
    const mine = readBack(bytes, "mixed values");
    expect(mine.columns).toEqual(tables["mixed values"]!.columns);
    // sql.js gives integers past 2^53 as rounded numbers; the reader keeps them exact, as bigints.
    const exact = mine.values.map((r) => r.map((v) => (typeof v === "bigint" ? Number(v) : v)));
    expect(exact).toEqual(tables["mixed values"]!.values);
    const last = mine.values.find((r) => r[0] === 1000)!;
    expect(last.slice(2, 3)).toEqual([-9223372036854775808n]);
    expect(last[1]).toBe(9007199254740993n);
    expect((last[4] as string).length).toBe(long.length);
    // The rows added before the ALTER TABLE have null for the new column; the row after has its value.
    expect(mine.values.map((r) => r.at(-1))).toEqual([...Array(8).fill(null), "after"]);
  });

  it("a table of thousands of rows over interior pages, in rowid order, with tables of the schema named in any case", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `(${i * 3 + 1}, 'E0${String(i).padStart(7, "0")}', ${i / 7})`).join(", ");
    const { bytes, tables } = await written(`CREATE TABLE Areas (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, code TEXT(9), score DOUBLE);
      INSERT INTO Areas VALUES ${rows}; DELETE FROM Areas WHERE fid % 5 = 0; CREATE INDEX areas_code ON Areas (code);
      CREATE TABLE other (a, b, PRIMARY KEY (a, b)) ; INSERT INTO other VALUES (1, 2);`, 512);
    const db = new SqliteFile(bytes);
    expect(db.pageSize).toBe(512);
    expect(db.table("areas")?.name).toBe("Areas");
    expect(readBack(bytes, "Areas")).toEqual(tables.Areas);
    expect(tables.Areas!.values.length).toBe(2400);
    expect(readBack(bytes, "other")).toEqual(tables.other);
  });

  it("a database in UTF-16 (either byte order) reads its text as SQLite does", async () => {
    for (const encoding of ["UTF-16le", "UTF-16be"]) {
      const { bytes, tables } = await written(`PRAGMA encoding = '${encoding}'; CREATE TABLE w (name TEXT); INSERT INTO w VALUES ('Caerffili'), ('Rhondda Cynon Taf'), ('Ynys Môn');`);
      expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(56), encoding).toBe(encoding === "UTF-16le" ? 2 : 3);
      expect(readBack(bytes, "w"), encoding).toEqual(tables.w);
    }
  });

  it("the rowid alias: INTEGER PRIMARY KEY in the column or as the table's key; not INTEGER PRIMARY KEY DESC, not another type, not a key of two columns", () => {
    expect(columnsOf(`CREATE TABLE "t" ( "fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "geom" MULTIPOLYGON, "a,b" TEXT(9) DEFAULT 'x,y' CHECK (length("a,b") IN (1, 2)))`))
      .toEqual({ columns: ["fid", "geom", "a,b"], rowidColumn: 0 });
    expect(columnsOf(`CREATE TABLE t (a TEXT, id integer, CONSTRAINT k PRIMARY KEY ("id"))`)).toEqual({ columns: ["a", "id"], rowidColumn: 1 });
    expect(columnsOf(`CREATE TABLE t (id INTEGER PRIMARY KEY DESC, b)`)).toEqual({ columns: ["id", "b"], rowidColumn: -1 });
    expect(columnsOf(`CREATE TABLE t (id INT PRIMARY KEY, b)`)).toEqual({ columns: ["id", "b"], rowidColumn: -1 });
    expect(columnsOf(`CREATE TABLE t (a INTEGER, b INTEGER, PRIMARY KEY (a, b), FOREIGN KEY (a) REFERENCES u (x))`)).toEqual({ columns: ["a", "b"], rowidColumn: -1 });
    expect(columnsOf(`CREATE TABLE [x y] ([col one] INTEGER, \`col"2\` TEXT, "q""uoted")`)).toEqual({ columns: ["col one", 'col"2', 'q"uoted'], rowidColumn: -1 });
  });

  it("not a database, and a truncated one: errors saying what is wrong", async () => {
    expect(isSqliteHeader(Buffer.from("SQLite format 3\0"))).toBe(true);
    expect(() => new SqliteFile(Buffer.from("PK\u0003\u0004"))).toThrow('not a SQLite database (no "SQLite format 3" header)');
    expect(() => new SqliteFile(Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(100)]))).toThrow("page size 0 in the header is not a power of two from 512 to 65536");
    const rows = Array.from({ length: 500 }, (_, i) => `('${"row".repeat(20)}${i}')`).join(", ");
    const { bytes } = await written(`CREATE TABLE t (a TEXT); INSERT INTO t VALUES ${rows};`, 1024);
    const cut = bytes.subarray(0, Math.floor(bytes.length / 2));
    const db = new SqliteFile(cut);
    expect(() => [...db.rows(db.table("t")!)]).toThrow(/table t points to page \d+, past the file's \d+ pages \(a truncated file\?\)/);
  });
});
