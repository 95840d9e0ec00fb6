/**
 * police.uk lines are staged typed (issue 17): the month a DATE, the force, crime type, outcome and
 * file DuckDB ENUMs. Values no list and no file's first records showed are learned as they are met,
 * and a refresh that adds a file with a new value widens the staged lines' ENUMs: nothing is lost
 * or changed against what text columns held.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { enumMembersOf, Warehouse } from "../../../pipelines/core/warehouse.ts";
import { enumTypeSql, widenEnums, widenEnumsLike } from "../../../sources/enum-columns.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { loadCounts, realConfig, refreshCrimeAdding, runSources, tempDir } from "../helpers.ts";

const realLines = (f: string) => readFileSync(realData("police", f), "utf8").replace(/\n$/, "").split("\n");
const crime = (files: string[]) => realConfig({ sources: { crime: { files } } });
/** A line with one field replaced (police.uk lines have no quoted commas in these columns). */
const withField = (l: string, i: number, v: string) => l.split(",").map((f, k) => (k === i ? v : f)).join(",");
const typeOf = async (db: Warehouse, table: string, column: string) =>
  (await db.one<{ t: string }>(`SELECT data_type AS t FROM duckdb_columns() WHERE schema_name || '.' || table_name = $t AND column_name = $c`, { t: table, c: column }))?.t;

/** What text columns would have staged: lines with an LSOA code, a Crime ID counted once, by force and type. */
function tally(lines: readonly string[]): Record<string, number> {
  const seen = new Set<string>();
  const out: Record<string, number> = {};
  for (const l of lines.slice(1)) {
    const f = l.split(",");
    if (!f[7]) continue;
    if (f[0]) {
      if (seen.has(f[0])) continue;
      seen.add(f[0]);
    }
    const key = `${f[3]} | ${f[9]}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

const staged = async (db: Warehouse) =>
  Object.fromEntries((await db.all<{ k: string; n: number }>(`SELECT falls_within || ' | ' || crime_type AS k, count(*)::INTEGER AS n FROM staging.crime_events GROUP BY 1`)).map((r) => [r.k, r.n]));

describe("ENUM columns that widen as values are met", () => {
  it("read DuckDB's type text back (quotes and commas in members), keep a VARCHAR column's values when it becomes an ENUM, and sort as text", async () => {
    expect(enumMembersOf("ENUM('a', 'x''s, y')")).toEqual(["a", "x's, y"]);
    expect(enumMembersOf("VARCHAR")).toBeNull();
    const db = await Warehouse.open();
    try {
      await db.run(`CREATE TABLE t (v VARCHAR, e ${enumTypeSql(["b"])}); INSERT INTO t VALUES ('held', 'b')`);
      await widenEnums(db, "t", new Map([["v", ["new"]], ["e", ["a", "c"]]]));
      expect(await typeOf(db, "main.t", "v")).toBe("ENUM('held', 'new')");
      expect(await typeOf(db, "main.t", "e")).toBe("ENUM('a', 'b', 'c')");
      await db.run(`INSERT INTO t VALUES ('new', 'c'), ('held', 'a')`);
      expect((await db.all<{ e: string }>(`SELECT e FROM t ORDER BY e`)).map((r) => r.e)).toEqual(["a", "b", "c"]);
      await db.run(`CREATE TABLE u (e ${enumTypeSql(["a"])})`);
      await widenEnumsLike(db, "u", "t");
      await db.run(`INSERT INTO u SELECT e FROM t`);
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM u`)).toEqual({ n: 3 });
    } finally {
      db.close();
    }
  });
});

describe.skipIf(!hasShared)(`police.uk lines staged typed${sharedSkipReason}`, () => {
  it.each([
    ["a clean file (its values learned in one scan of the batch)", false],
    ["a file with a row to reject (the careful path learns them)", true],
  ])("a crime type and a force name no list and no file's first records showed are learned where met, in %s: every line staged as text would have it", async (_, bad) => {
    const t = tempDir();
    const nov = realLines("2018-11-kent-street.medway-only.csv");
    // Lines 2,000 on are far past the first 100 records the loader samples.
    const lines = nov.map((l, i) => (i >= 2000 && i < 2010 ? withField(l, 9, "Hate crime") : i >= 2100 && i < 2110 ? withField(l, 3, "Kent Police (renamed)") : l));
    if (bad) lines[1500] = withField(lines[1500]!, 1, "2018-13");
    const f = t.write("2018-11-kent-street.csv", lines.join("\n") + "\n");
    // Which way the file was read: the careful path scans it into `_scan` first.
    const statements: string[] = [];
    const run = Warehouse.prototype.run;
    Warehouse.prototype.run = function (sql, params) {
      statements.push(sql);
      return run.call(this, sql, params);
    };
    const { db } = await runSources(crime([f])).finally(() => (Warehouse.prototype.run = run));
    try {
      expect(statements.some((q) => q.startsWith("CREATE TEMP TABLE _scan AS"))).toBe(bad);
      expect((await loadCounts(db))["2018-11-kent-street.csv"]).toEqual({ read: 2401, loaded: bad ? 2400 : 2401, rejected: bad ? 1 : 0 });
      expect(await staged(db)).toEqual(tally(bad ? lines.filter((_, i) => i !== 1500) : lines));
      expect((await staged(db))["Kent Police | Hate crime"]).toBeGreaterThan(0);
      expect(await typeOf(db, "staging.crime_events", "month")).toBe("DATE");
      for (const c of ["falls_within", "crime_type", "last_outcome_category", "_file"]) expect(await typeOf(db, "staging.crime_events", c)).toMatch(/^ENUM\(/);
      expect(enumMembersOf(await typeOf(db, "staging.crime_events", "crime_type"))).toContain("Hate crime");
    } finally {
      db.close();
    }
  });

  it("a refresh adding a file with a force the staged lines never had widens their ENUMs: as a full read of both", async () => {
    const t = tempDir();
    const earlier = t.write("2018-11-kent-street.csv", realLines("2018-11-kent-street.medway-only.csv").join("\n") + "\n");
    const dec = realLines("2018-12-kent-street.medway-only.csv");
    const later = t.write("2018-12-kent-street.csv", [dec[0]!, ...dec.slice(1).map((l) => withField(l, 3, "Kent Police (renamed)"))].join("\n") + "\n");
    const { db, ctx } = await runSources(crime([earlier]));
    const full = await runSources(crime([earlier, later]));
    try {
      const loads = await refreshCrimeAdding(ctx, crime([earlier, later]), [later]);
      expect(loads.filter((l) => !l.reused).map((l) => l.path)).toEqual([later]);
      expect(enumMembersOf(await typeOf(db, "staging.crime_events", "falls_within"))).toEqual(["Kent Police", "Kent Police (renamed)"]);
      expect(await staged(db)).toEqual(await staged(full.db));
      expect(Object.keys(await staged(db)).some((k) => k.startsWith("Kent Police (renamed) | "))).toBe(true);
      const events = (w: Warehouse) => w.all(`SELECT * FROM staging.crime_events ORDER BY _file, _line`);
      expect(await events(db)).toEqual(await events(full.db));
    } finally {
      db.close();
      full.db.close();
    }
  });
});
