/** `Warehouse.runSideBySide`: independent statements on connections of their own, every one awaited. */
import { describe, expect, test } from "vitest";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";

describe("runSideBySide", () => {
  test("runs every statement, more statements than connections, into the same database", async () => {
    const db = await Warehouse.open();
    try {
      await db.runSideBySide(Array.from({ length: 5 }, (_, i) => `CREATE TABLE t${i} AS SELECT ${i} AS x FROM range(1000)`), 2);
      const rows = await db.all<{ t: string; n: number }>(
        `SELECT table_name AS t, estimated_size::INTEGER AS n FROM duckdb_tables() WHERE table_name LIKE 't_' ORDER BY 1`);
      expect(rows.map((r) => r.t)).toEqual(["t0", "t1", "t2", "t3", "t4"]);
      expect((await db.one<{ s: number }>(`SELECT (SELECT sum(x) FROM t4)::INTEGER AS s`))!.s).toBe(4000);
    } finally {
      db.close();
    }
  });

  test("each connection has the session every statement expects: UTC and trim_fast", async () => {
    const db = await Warehouse.open();
    try {
      await db.runSideBySide([`CREATE TABLE z AS SELECT current_setting('TimeZone') AS tz, trim_fast('  a ') AS t`, `CREATE TABLE y AS SELECT 1 AS x`], 2);
      expect(await db.one(`SELECT tz, t FROM z`)).toEqual({ tz: "UTC", t: "a" });
    } finally {
      db.close();
    }
  });

  test("a failing statement fails the call with DuckDB's reason, after the others have finished", async () => {
    const db = await Warehouse.open();
    try {
      await expect(db.runSideBySide([`CREATE TABLE a AS SELECT 1 AS x`, `SELECT * FROM no_such_table`, `CREATE TABLE b AS SELECT 2 AS x`], 2)).rejects.toThrow(/no_such_table/);
      expect((await db.one<{ n: number }>(`SELECT ((SELECT count(*) FROM a) + (SELECT count(*) FROM b))::INTEGER AS n`))!.n).toBe(2);
    } finally {
      db.close();
    }
  });
});
