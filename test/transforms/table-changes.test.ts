/**
 * A refresh's change detection (`TableChanges`) over tables with ENUM columns (police.uk lines are
 * staged typed): DuckDB hashes an ENUM by its place in the type, which moves when a run's type
 * gains a value. The same rows must compare the same, and a changed value must never look the same.
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { literal, Warehouse } from "../../pipelines/core/warehouse.ts";
import { TableChanges } from "../../transforms/table-changes.ts";

const opened: Warehouse[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const w of opened.splice(0)) w.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The previous run's table (in a warehouse file) and this run's (in memory), the previous attached as `prev`. */
async function runs(before: string, now: string): Promise<TableChanges> {
  const dir = mkdtempSync(path.join(tmpdir(), "localneeds-changes-"));
  dirs.push(dir);
  const file = path.join(dir, "prev.duckdb");
  const prev = await Warehouse.open(file);
  await prev.run(before);
  prev.close();
  const db = await Warehouse.open();
  opened.push(db);
  await db.run(now);
  await db.run(`ATTACH ${literal(file)} AS prev (READ_ONLY)`);
  return new TableChanges({ db }, "prev");
}

describe("change detection over ENUM columns", () => {
  it("the same rows are unchanged when the type gained a value that moves theirs", async () => {
    const changes = await runs(
      `CREATE TABLE staging.e (month DATE, force ENUM('Kent Police', 'Sussex Police')); INSERT INTO staging.e VALUES ('2019-01-01', 'Kent Police'), ('2019-02-01', 'Sussex Police')`,
      `CREATE TABLE staging.e (month DATE, force ENUM('Essex Police', 'Kent Police', 'Sussex Police')); INSERT INTO staging.e VALUES ('2019-01-01', 'Kent Police'), ('2019-02-01', 'Sussex Police')`,
    );
    expect(await changes.unchanged("staging.e")).toBe(true);
    expect(await changes.changedMonths("staging.e", "month")).toEqual([]);
  });

  it("a changed value is changed, even where the new type puts it at the old value's place", async () => {
    const changes = await runs(
      `CREATE TABLE staging.e (month DATE, force ENUM('Kent Police')); INSERT INTO staging.e VALUES ('2019-01-01', 'Kent Police'), ('2019-02-01', 'Kent Police')`,
      `CREATE TABLE staging.e (month DATE, force ENUM('Kent Constabulary', 'Kent Police')); INSERT INTO staging.e VALUES ('2019-01-01', 'Kent Constabulary'), ('2019-02-01', 'Kent Police')`,
    );
    expect(await changes.unchanged("staging.e")).toBe(false);
    expect(await changes.changedMonths("staging.e", "month")).toEqual(["2019-01-01"]);
  });

  it("text before and an ENUM now compare by the text", async () => {
    const changes = await runs(
      `CREATE TABLE staging.e (month DATE, crime_type VARCHAR); INSERT INTO staging.e VALUES ('2019-01-01', 'Burglary'), ('2019-02-01', 'Robbery')`,
      `CREATE TABLE staging.e (month DATE, crime_type ENUM('Burglary', 'Drugs', 'Robbery')); INSERT INTO staging.e VALUES ('2019-01-01', 'Burglary'), ('2019-02-01', 'Drugs')`,
    );
    expect(await changes.changedMonths("staging.e", "month")).toEqual(["2019-02-01"]);
  });

  it("a type that gained values after its old ones compares by each value's place, the same as by its text", async () => {
    const changes = await runs(
      `CREATE TABLE staging.e (month DATE, force ENUM('Kent Police', 'Sussex Police')); INSERT INTO staging.e VALUES ('2019-01-01', 'Kent Police'), ('2019-02-01', 'Sussex Police'), ('2019-03-01', 'Kent Police')`,
      `CREATE TABLE staging.e (month DATE, force ENUM('Kent Police', 'Sussex Police', 'Thames Valley Police')); INSERT INTO staging.e VALUES ('2019-01-01', 'Kent Police'), ('2019-02-01', 'Kent Police'), ('2019-03-01', 'Kent Police'), ('2019-04-01', 'Thames Valley Police')`,
    );
    expect(await changes.unchanged("staging.e")).toBe(false);
    expect(await changes.changedMonths("staging.e", "month")).toEqual(["2019-02-01", "2019-04-01"]);
  });

  it("a member that only begins like the old one is another value (compared by text)", async () => {
    const changes = await runs(
      `CREATE TABLE staging.e (month DATE, force ENUM('Kent', 'Sussex')); INSERT INTO staging.e VALUES ('2019-01-01', 'Kent'), ('2019-02-01', 'Sussex')`,
      `CREATE TABLE staging.e (month DATE, force ENUM('Kent', 'Sussex Police')); INSERT INTO staging.e VALUES ('2019-01-01', 'Kent'), ('2019-02-01', 'Sussex Police')`,
    );
    expect(await changes.changedMonths("staging.e", "month")).toEqual(["2019-02-01"]);
  });

  it("the same rows are unchanged when the type outgrew one byte (255 members, then 256)", async () => {
    const members = (n: number) => Array.from({ length: n }, (_, i) => literal(`file ${String(i).padStart(3, "0")}`)).join(", ");
    const rows = `INSERT INTO staging.e VALUES ('2019-01-01', 'file 000'), ('2019-02-01', 'file 254')`;
    const changes = await runs(
      `CREATE TABLE staging.e (month DATE, _file ENUM(${members(255)})); ${rows}`,
      `CREATE TABLE staging.e (month DATE, _file ENUM(${members(256)})); ${rows}`,
    );
    expect(await changes.unchanged("staging.e")).toBe(true);
    expect(await changes.changedMonths("staging.e", "month")).toEqual([]);
  });
});
