/**
 * The contract's descriptions in the warehouse: written where missing or different, left alone
 * where a kept table (a refresh's copy) has them already, and a described column a table lacks
 * is an error.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { commentContractTables, CONTRACT, createCoreTables } from "../../transforms/marts.ts";

let db: Warehouse;
const comments = async () => ({
  tables: await db.all<{ t: string; c: string | null }>(`SELECT schema_name || '.' || table_name AS t, comment AS c FROM duckdb_tables() ORDER BY 1`),
  columns: await db.all<{ k: string; c: string | null }>(`SELECT schema_name || '.' || table_name || '.' || column_name AS k, comment AS c FROM duckdb_columns() ORDER BY 1`),
});

beforeEach(async () => {
  db = await Warehouse.open();
  await createCoreTables(db);
});
afterEach(() => db.close());

describe("commentContractTables", () => {
  it("describes every contract table present and its columns, and writes nothing the second time", async () => {
    const n = await commentContractTables(db);
    expect(n).toBeGreaterThan(5);
    const first = await comments();
    const described = first.tables.filter((t) => CONTRACT[t.t]);
    expect(described).toHaveLength(n);
    for (const t of described) expect(t.c).toBe(CONTRACT[t.t]!.table);
    const statements: string[] = [];
    const run = db.run.bind(db);
    db.run = ((sql: string, ...rest: unknown[]) => (statements.push(sql), (run as (...a: unknown[]) => Promise<void>)(sql, ...rest))) as typeof db.run;
    await commentContractTables(db);
    expect(statements.filter((s) => /COMMENT ON/.test(s))).toEqual([]);
    expect(await comments()).toEqual(first);
  });

  it("puts back a description that differs, table or column", async () => {
    await commentContractTables(db);
    const first = await comments();
    const [name, t] = Object.entries(CONTRACT).find(([k]) => first.tables.some((x) => x.t === k))!;
    const col = Object.keys(t.columns)[0]!;
    await db.run(`COMMENT ON TABLE ${name} IS 'edited'; COMMENT ON COLUMN ${name}."${col}" IS NULL`);
    expect((await comments()).tables.find((x) => x.t === name)!.c).toBe("edited");
    await commentContractTables(db);
    expect(await comments()).toEqual(first);
  });

  it("a described column the table lacks is an error", async () => {
    const [name, t] = Object.entries(CONTRACT).find(([, v]) => Object.keys(v.columns).length > 1)!;
    const [col, ...rest] = Object.keys(t.columns);
    await db.run(`CREATE SCHEMA IF NOT EXISTS ${name.split(".")[0]}; DROP TABLE IF EXISTS ${name}; CREATE TABLE ${name} (${rest.map((c) => `"${c}" VARCHAR`).join(", ")})`);
    await expect(commentContractTables(db)).rejects.toThrow(new RegExp(col!));
  });
});
