/** `Warehouse.emptyTable`: a table made again empty from its own DDL, its key and NOT NULLs kept, in a warehouse file as in memory. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";

describe("emptyTable", () => {
  test("empties a checkpointed table and keeps its primary key, NOT NULLs and columns; other tables untouched", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ln-empty-"));
    const file = path.join(dir, "w.duckdb");
    let db = await Warehouse.open(file);
    try {
      await db.run(`CREATE SCHEMA IF NOT EXISTS ref; CREATE TABLE ref.t (code VARCHAR NOT NULL, name VARCHAR NOT NULL, vintage VARCHAR, n INTEGER, PRIMARY KEY (code, vintage));
        INSERT INTO ref.t SELECT 'c' || range, 'n', 'v', range FROM range(5000); CREATE TABLE ref.other AS SELECT 1 AS x`);
      const before = await db.columnTypes("ref.t");
      db.close();
      // Opened again: the table and its key are read back from disk, as in a refresh's copy.
      db = await Warehouse.open(file);
      await db.emptyTable("ref.t");
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM ref.t`)).toEqual({ n: 0 });
      expect(await db.columnTypes("ref.t")).toEqual(before);
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM ref.other`)).toEqual({ n: 1 });
      await db.run(`INSERT INTO ref.t VALUES ('a', 'x', 'v', 1)`);
      await expect(db.run(`INSERT INTO ref.t VALUES ('a', 'y', 'v', 2)`)).rejects.toThrow(/primary key/i);
      await expect(db.run(`INSERT INTO ref.t VALUES ('b', NULL, 'v', 2)`)).rejects.toThrow(/NOT NULL/i);
      await expect(db.emptyTable("ref.missing")).rejects.toThrow(/no table ref\.missing/);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
