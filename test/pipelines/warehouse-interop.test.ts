/**
 * The warehouse documents itself and travels: every contract table and column carries a
 * `COMMENT` (read back through duckdb_tables() and duckdb_columns()), every contract table is
 * exported as Parquet beside the warehouse, and the pack's CSV downloads carry a UTF-8 byte order
 * mark for Excel. Read from the run's shared demo build.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { literal, Warehouse } from "../../pipelines/core/warehouse.ts";
import { parquetDirOf } from "../../pipelines/run-build.ts";
import { CONTRACT, exportContractParquet } from "../../transforms/marts.ts";
import { sharedDemo, type SharedDemo } from "../helpers/demo-build.ts";
import { repoRoot } from "../helpers/shared.ts";

let demo: SharedDemo;
let db: Warehouse;
beforeAll(async () => {
  demo = await sharedDemo();
  db = await Warehouse.open(demo.warehouse, { readOnly: true });
}, 900_000);
afterAll(() => db?.close());

/** The tables the README's "Warehouse" section lists as the contract. */
const README_TABLES = [...readFileSync(path.join(repoRoot, "README.md"), "utf8").split(/^## Warehouse$/m)[1]!.split(/^## /m)[0]!
  .matchAll(/^\| `((?:ref|marts|audit)\.\w+)` \|/gm)].map((m) => m[1]!);

describe("COMMENT ON the contract", () => {
  it("describes every table the README lists as the contract", () => {
    expect(README_TABLES.length).toBeGreaterThan(10);
    expect(README_TABLES.filter((t) => !CONTRACT[t])).toEqual([]);
  });

  it("every contract table of the demo build has its comment, and every column one", async () => {
    const tables = await db.all<{ t: string; comment: string | null }>(
      `SELECT schema_name || '.' || table_name AS t, comment FROM duckdb_tables() WHERE database_name = current_database()`);
    const present = tables.filter((t) => CONTRACT[t.t]);
    expect(present.map((t) => t.t).sort()).toEqual(Object.keys(CONTRACT).sort());
    for (const t of present) expect(t.comment, t.t).toBe(CONTRACT[t.t]!.table);
    const columns = await db.all<{ t: string; column_name: string; comment: string | null }>(
      `SELECT schema_name || '.' || table_name AS t, column_name, comment FROM duckdb_columns() WHERE database_name = current_database() ORDER BY t, column_index`);
    const contractColumns = columns.filter((c) => CONTRACT[c.t]);
    expect(contractColumns.length).toBeGreaterThan(150);
    const missing = contractColumns.filter((c) => !c.comment).map((c) => `${c.t}.${c.column_name}`);
    expect(missing).toEqual([]);
    for (const c of contractColumns) expect(c.comment, `${c.t}.${c.column_name}`).toBe(CONTRACT[c.t]!.columns[c.column_name]);
  });
});

describe("Parquet export beside the warehouse", () => {
  it("writes <schema>.<table>.parquet for every contract table, with the table's columns and rows", async () => {
    const dir = parquetDirOf(demo.warehouse);
    expect(path.dirname(dir)).toBe(path.dirname(demo.warehouse));
    expect(readdirSync(dir).sort()).toEqual(Object.keys(CONTRACT).map((t) => `${t}.parquet`).sort());
    expect(readdirSync(path.dirname(dir)).filter((f) => /-parquet\.(building|old)-/.test(f))).toEqual([]);
    for (const t of Object.keys(CONTRACT)) {
      const file = literal(path.join(dir, `${t}.parquet`));
      const cols = async (from: string) => (await db.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${from}`))
        .map((c) => `${c.column_name} ${c.column_type}`);
      expect(await cols(`read_parquet(${file})`), t).toEqual(await cols(t));
      const diff = await db.one<{ a: number; b: number }>(
        `SELECT (SELECT count(*) FROM (SELECT * FROM ${t} EXCEPT ALL SELECT * FROM read_parquet(${file})))::INTEGER AS a,
                (SELECT count(*) FROM (SELECT * FROM read_parquet(${file}) EXCEPT ALL SELECT * FROM ${t}))::INTEGER AS b`);
      expect(diff, t).toEqual({ a: 0, b: 0 });
    }
    const values = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_parquet(${literal(path.join(dir, "marts.indicator_values.parquet"))})`);
    expect(values!.n).toBeGreaterThan(1000);
  });
});

describe("Parquet export, reproducible", () => {
  it("writes each table's rows in their order, files side by side, the same bytes each time, and leaves DuckDB's threads as they were", async () => {
    const mem = await Warehouse.open();
    const dir = mkdtempSync(path.join(tmpdir(), "localneeds-parquet-"));
    try {
      await mem.run(`SET threads = 2`);
      await mem.run(`CREATE SCHEMA IF NOT EXISTS marts`);
      // Enough rows for many row groups, in an order no sort would give.
      await mem.run(`CREATE TABLE marts.indicator_comparisons AS SELECT 'i' || (r * 7919 % 1000) AS indicator_id, 'E' || r AS area_code, '2024' AS period_label,
        'all' AS breakdown, 'P' AS comparator_code, 'parent' AS comparator_kind, r / 3.0 AS comparator_value, 'similar' AS outcome, '95' AS level, 'm' AS method
        FROM range(600000) t(r)`);
      // A second table, so two files are written side by side.
      await mem.run(`CREATE TABLE marts.indicator_trends AS SELECT * FROM marts.indicator_comparisons ORDER BY indicator_id, area_code DESC`);
      const [a, b] = [path.join(dir, "a"), path.join(dir, "b")];
      for (const d of [a, b]) {
        mkdirSync(d);
        expect(await exportContractParquet(mem, d)).toEqual(["marts.indicator_comparisons.parquet", "marts.indicator_trends.parquet"]);
      }
      for (const f of ["marts.indicator_comparisons.parquet", "marts.indicator_trends.parquet"]) {
        expect(readFileSync(path.join(a, f)).equals(readFileSync(path.join(b, f))), f).toBe(true);
        const mismatch = await mem.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (SELECT area_code, row_number() OVER () AS i FROM read_parquet(${literal(path.join(a, f))})) p
          JOIN (SELECT area_code, rowid + 1 AS i FROM ${f.replace(".parquet", "")}) t USING (i) WHERE p.area_code <> t.area_code`);
        expect(mismatch!.n, f).toBe(0);
      }
      expect((await mem.one<{ t: number }>(`SELECT current_setting('threads')::INTEGER AS t`))!.t).toBe(2);
    } finally {
      mem.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("CSV downloads Excel opens as UTF-8", () => {
  it("every CSV of the pack starts with a UTF-8 byte order mark", () => {
    for (const dir of demo.packDirs) {
      const csvs = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".csv"));
      expect(csvs.length, dir).toBeGreaterThan(10);
      for (const f of csvs) expect([...readFileSync(path.join(dir, f)).subarray(0, 3)], f).toEqual([0xef, 0xbb, 0xbf]);
    }
  });
});
