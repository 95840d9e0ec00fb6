/**
 * The native crash of issue 15. A core dump of a crashed build stopped in DuckDB's
 * `StrpTimeFormat::Parse` reading the byte after "20/06/2022 10:20", a 16-byte string that ended on
 * a page boundary, while the loader tried the format `%d/%m/%Y %H:%M:%S` (strptime reads past an
 * input that ends before its format; its leading-white-space skip is unchecked too,
 * duckdb/duckdb#25082). Every strptime of the project goes through `strptimeSql`, which gives
 * strptime only text of its format's whole shape.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkedMonthSql, strptimeShape, strptimeSql, Warehouse } from "../../../pipelines/core/warehouse.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");

let db: Warehouse;
beforeAll(async () => {
  db = await Warehouse.open();
});
afterAll(async () => {
  await db.close();
});

/** The formats the project parses with. */
const FORMATS = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d", "%Y-%m", "%B %Y", "%b %Y", "%b-%y"];

describe("strptimeSql", () => {
  it("gives strptime only text of its format's whole shape: an input ending before its format never reaches it", async () => {
    // The crashed build's cell, and every prefix of it: each shorter than the formats it was tried with.
    const full = "20/06/2022 10:20";
    const cells = [...Array.from({ length: full.length }, (_, i) => full.slice(0, i + 1)), "\t".repeat(40), " ".repeat(13), "2024-05", "May 2024", "20/06/2022 10:20:05"];
    await db.run(`CREATE OR REPLACE TEMP TABLE cells (cell VARCHAR)`);
    await db.insertRows("cells", ["cell"], cells.map((cell) => ({ cell })));
    for (const f of FORMATS) {
      const shape = new RegExp(`^(?:${strptimeShape(f)})$`);
      // What reaches strptime: the rows whose CASE takes its branch.
      const reached = await db.all<{ cell: string }>(`SELECT cell FROM cells WHERE regexp_full_match(trim(cell, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)), ${`'${strptimeShape(f).replaceAll("'", "''")}'`}) ORDER BY cell`);
      for (const r of reached) expect(shape.test(r.cell.trim()), `${f} given ${JSON.stringify(r.cell)}`).toBe(true);
      // The crashed case: the 16-byte cell is never given to the format with seconds.
      if (f === "%d/%m/%Y %H:%M:%S") expect(reached.map((r) => r.cell)).toEqual(["20/06/2022 10:20:05"]);
      expect(strptimeSql("cell", f)).toContain(`regexp_full_match(`);
    }
  });

  it("parses what strptime parses, white space around or not; NULL stays NULL; strict raises on text that does not fit", async () => {
    const row = await db.one<{ a: string; b: string; c: string; d: string; e: null; f: null; g: null }>(`SELECT
      strftime(${strptimeSql("'01/05/2024'", "%d/%m/%Y")}, '%Y-%m-%d') AS a,
      strftime(${strptimeSql("chr(9) || chr(13) || ' 01/05/2024 '", "%d/%m/%Y")}, '%Y-%m-%d') AS b,
      strftime(${strptimeSql("'2024-05'", "%Y-%m", { strict: true })}, '%Y-%m') AS c,
      strftime(${strptimeSql("'20/06/2022 10:20'", "%d/%m/%Y %H:%M")}, '%Y-%m-%d %H:%M') AS d,
      ${strptimeSql("'20/06/2022 10:20'", "%d/%m/%Y %H:%M:%S")} AS e,
      ${strptimeSql("'31/02/2024'", "%d/%m/%Y")} AS f,
      ${strptimeSql("NULL::VARCHAR", "%Y-%m", { strict: true })} AS g`);
    expect(row).toEqual({ a: "2024-05-01", b: "2024-05-01", c: "2024-05", d: "2022-06-20 10:20", e: null, f: null, g: null });
    expect(strftimeOf(await db.one(`SELECT ${strptimeSql("'March 2024'", "%B %Y")} AS v`))).toBe("2024-03");
    await expect(db.one(`SELECT ${strptimeSql("'2024/05'", "%Y-%m", { strict: true })}`)).rejects.toThrow(/could not parse 2024\/05 with the format %Y-%m/);
  });

  it("is the only way the project calls strptime (sources, transforms, pipelines)", () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = path.join(dir, n);
        return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
      });
    const raw = ["sources", "transforms", "pipelines"]
      .flatMap((d) => files(path.join(ROOT, d)))
      .filter((f) => !f.endsWith(path.join("pipelines", "core", "warehouse.ts")))
      .filter((f) => /\bstrptime\s*\(/.test(readFileSync(f, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")))
      .map((f) => path.relative(ROOT, f));
    expect(raw).toEqual([]);
  });
});

function strftimeOf(row: { v?: unknown } | undefined): string {
  const v = row?.v as { toString(): string } | null | undefined;
  return v ? String(v).slice(0, 7) : "";
}

describe("checkedMonthSql", () => {
  it("reads a month the loader checked by position, with no strptime: NULL stays NULL, anything else the loader rejects is an error", async () => {
    const row = await db.one<{ a: string; b: null }>(`SELECT strftime(${checkedMonthSql("'2024-05'")}, '%Y-%m-%d') AS a, ${checkedMonthSql("NULL::VARCHAR")} AS b`);
    expect(row).toEqual({ a: "2024-05-01", b: null });
    expect(checkedMonthSql("m")).not.toMatch(/strptime/);
    await expect(db.one(`SELECT ${checkedMonthSql("'May 2024'")}`)).rejects.toThrow();
  });
});
