/** Warehouse helpers: all() gives the rows DuckDB's row objects would; syncTable rewrites only the groups of rows that changed; trim_fast is trim; engine settings from the environment; the storage format of a new file. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { DuckDBInstance } from "@duckdb/node-api";
import { Warehouse } from "../../pipelines/core/warehouse.ts";

let db: Warehouse;
beforeEach(async () => {
  db = await Warehouse.open();
  await db.run(`CREATE TABLE src (f VARCHAR, k INTEGER, v VARCHAR)`);
  await db.run(`INSERT INTO src VALUES ('a', 1, 'x'), ('a', 2, 'y'), ('b', 1, 'z'), ('c', 1, 'w'), (NULL, 9, 'n')`);
});
afterEach(() => db.close());

const rows = () => db.all(`SELECT f, k, v FROM staging.t ORDER BY f NULLS LAST, k`);
const rowids = async () => new Map((await db.all<{ f: string | null; k: number; r: string }>(`SELECT f, k, rowid::VARCHAR AS r FROM staging.t`)).map((x) => [`${x.f}|${x.k}`, x.r]));

describe("all", () => {
  it("gives the objects DuckDB's getRowObjectsJson gives, for every type the warehouse holds, and none for no rows", async () => {
    const queries = [
      `SELECT * FROM src ORDER BY k, f`,
      `SELECT 1::BIGINT AS b, 2::HUGEINT AS h, 3::UBIGINT AS u, 1.5::DOUBLE AS d, 'NaN'::DOUBLE AS nan, 2.25::DECIMAL(9, 2) AS dec, true AS t, NULL AS n,
         DATE '2024-04-01' AS dt, TIMESTAMP '2024-04-01 10:30:00' AS ts, [1, 2] AS l, {'x': 1, 'y': 'z'} AS s, 'É’' AS txt, hash('a') AS hs`,
      `SELECT * FROM range(3000) r(i)`,
      `SELECT 1 AS a, 2 AS a, 'x' AS b`,
      `SELECT * FROM src WHERE false`,
    ];
    const instance = await DuckDBInstance.create(":memory:");
    const con = await instance.connect();
    await con.run(`CREATE TABLE src (f VARCHAR, k INTEGER, v VARCHAR); INSERT INTO src VALUES ('a', 1, 'x'), ('a', 2, 'y'), ('b', 1, 'z'), ('c', 1, 'w'), (NULL, 9, 'n')`);
    try {
      for (const q of queries) {
        const expected = (await con.runAndReadAll(q)).getRowObjectsJson();
        const got = await db.all(q);
        expect(got, q).toEqual(expected);
        expect(got.map((r) => Object.keys(r)), q).toEqual(expected.map((r) => Object.keys(r)));
      }
      expect(await db.all(`SELECT * FROM src WHERE false`)).toEqual([]);
      expect((await db.all(`SELECT * FROM range(3000) r(i)`)).at(-1)).toEqual({ i: "2999" });
    } finally {
      con.closeSync();
      instance.closeSync();
    }
  });
});

describe("syncTable", () => {
  it("creates the table, then rewrites only the groups that differ (changed, added, removed, NULL), leaving the others' rows in place", async () => {
    expect(await db.syncTable("staging.t", `SELECT * FROM src`, "f")).toBe(4);
    expect(await rows()).toEqual([
      { f: "a", k: 1, v: "x" }, { f: "a", k: 2, v: "y" }, { f: "b", k: 1, v: "z" }, { f: "c", k: 1, v: "w" }, { f: null, k: 9, v: "n" },
    ]);
    const before = await rowids();
    expect(await db.syncTable("staging.t", `SELECT * FROM src`, "f")).toBe(0);
    expect(await rowids()).toEqual(before);
    // b changes, c goes, d arrives, the NULL group changes; a is untouched.
    await db.run(`UPDATE src SET v = 'Z' WHERE f = 'b'; DELETE FROM src WHERE f = 'c'; INSERT INTO src VALUES ('d', 1, 'q'); UPDATE src SET v = 'N' WHERE f IS NULL`);
    expect(await db.syncTable("staging.t", `SELECT * FROM src`, "f")).toBe(4);
    expect(await rows()).toEqual([
      { f: "a", k: 1, v: "x" }, { f: "a", k: 2, v: "y" }, { f: "b", k: 1, v: "Z" }, { f: "d", k: 1, v: "q" }, { f: null, k: 9, v: "N" },
    ]);
    const after = await rowids();
    expect([after.get("a|1"), after.get("a|2")]).toEqual([before.get("a|1"), before.get("a|2")]);
    // A row repeated within a group counts: the group is rewritten with both copies.
    await db.run(`INSERT INTO src VALUES ('a', 1, 'x')`);
    expect(await db.syncTable("staging.t", `SELECT * FROM src`, "f")).toBe(1);
    expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.t WHERE f = 'a'`)).toEqual({ n: 3 });
  });

  it("a query of another shape replaces the table", async () => {
    await db.syncTable("staging.t", `SELECT * FROM src`, "f");
    await db.syncTable("staging.t", `SELECT f, k FROM src`, "f");
    expect(await db.all(`SELECT column_name FROM duckdb_columns() WHERE table_name = 't' ORDER BY column_index`)).toEqual([{ column_name: "f" }, { column_name: "k" }]);
    expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.t`)).toEqual({ n: 5 });
  });
});

describe("trim_fast", () => {
  it("is trim: spaces only, either side, NULL kept", async () => {
    const cases = [" a ", "a", "  ", "", "\ta\t", " a\n", "a b", null];
    for (const c of cases) {
      const r = await db.one<{ same: boolean }>(`SELECT trim_fast($c::VARCHAR) IS NOT DISTINCT FROM trim($c::VARCHAR) AS same`, { c: c as string });
      expect(r?.same, JSON.stringify(c)).toBe(true);
    }
  });
});

describe("engine settings from the environment", () => {
  const keep = { threads: process.env.LOCALNEEDS_DUCKDB_THREADS, memory: process.env.LOCALNEEDS_MEMORY_LIMIT };
  afterEach(() => {
    for (const [k, v] of [["LOCALNEEDS_DUCKDB_THREADS", keep.threads], ["LOCALNEEDS_MEMORY_LIMIT", keep.memory]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const setting = async (name: string) => {
    const w = await Warehouse.open();
    try {
      return (await w.one<{ v: string }>(`SELECT current_setting('${name}')::VARCHAR AS v`))!.v;
    } finally {
      w.close();
    }
  };

  it("LOCALNEEDS_DUCKDB_THREADS sets DuckDB's worker threads, LOCALNEEDS_MEMORY_LIMIT its memory cap", async () => {
    process.env.LOCALNEEDS_DUCKDB_THREADS = "3";
    process.env.LOCALNEEDS_MEMORY_LIMIT = "512MB";
    expect(await setting("threads")).toBe("3");
    expect(await setting("memory_limit")).toMatch(/^(488\.2 MiB|512\.0 MB|512MB)$/);
    delete process.env.LOCALNEEDS_MEMORY_LIMIT;
    expect(await setting("memory_limit")).toMatch(/^(2\.7 GiB|3\.0 GB|2\.7GiB)$/);
  });

  it("a value that is not a number of threads or a size is an error naming the variable", async () => {
    process.env.LOCALNEEDS_DUCKDB_THREADS = "two";
    await expect(Warehouse.open()).rejects.toThrow('environment variable LOCALNEEDS_DUCKDB_THREADS is "two"; expected a whole number of threads from 1');
    delete process.env.LOCALNEEDS_DUCKDB_THREADS;
    process.env.LOCALNEEDS_MEMORY_LIMIT = "lots";
    await expect(Warehouse.open()).rejects.toThrow(/LOCALNEEDS_MEMORY_LIMIT is "lots"; expected a size/);
  });
});

describe("storage format", () => {
  it("a new warehouse file is written in DuckDB 1.5's storage format; a file written before keeps its own", async () => {
    const dir = mkdtempSync(`${tmpdir()}/localneeds-storage-`);
    const version = async (w: Warehouse) =>
      (await w.one<{ v: string }>(`SELECT tags['storage_version']::VARCHAR AS v FROM duckdb_databases() WHERE database_name = current_database()`))!.v;
    try {
      const w = await Warehouse.open(`${dir}/new.duckdb`);
      expect(await version(w)).toBe("v1.5.0+");
      w.close();
      // A warehouse of an earlier build (DuckDB's default 1.0 format) opens and is written in its own format.
      const old = await DuckDBInstance.create(`${dir}/old.duckdb`);
      const con = await old.connect();
      await con.run(`CREATE TABLE t AS SELECT 1 AS x`);
      con.closeSync();
      old.closeSync();
      const o = await Warehouse.open(`${dir}/old.duckdb`);
      expect(await version(o)).toBe("v1.0.0+");
      expect(await o.one(`SELECT x FROM t`)).toEqual({ x: 1 });
      o.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
