/**
 * The notebook build's two rules, without a browser: SQL cells run at build time against the
 * warehouse (read-only, results where Notebook Kit looks for them), and nothing a notebook does
 * may load code from a CDN.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { toNotebook, type CellSpec } from "@observablehq/notebook-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineProblems } from "../../notebooks/build/offline-check.ts";
import { NotebookQueryError, WAREHOUSE_DATABASE, removeStaleCacheFiles, warehouseCells } from "../../notebooks/build/warehouse-cells.ts";

const notebook = (cells: Omit<CellSpec, "id">[]) => toNotebook({ title: "t", cells: cells.map((c, i) => ({ id: i + 1, ...c })) });

describe("offlineProblems", () => {
  it("accepts libraries imported from node_modules", () => {
    const nb = notebook([
      { mode: "js", value: `import * as Plot from "@observablehq/plot";\nimport * as Inputs from "@observablehq/inputs";` },
      { mode: "js", value: `Plot.barX([1, 2]).plot()` },
      { mode: "sql", database: "warehouse", output: "rows", value: "SELECT 1" },
      { mode: "md", value: "Count: ${rows.length}" },
    ]);
    expect(offlineProblems(nb, "n.html")).toEqual([]);
  });

  it("names each cell that would reach a CDN, and how to fix it", () => {
    const nb = notebook([
      { mode: "js", value: `Plot.barX([1, 2]).plot()` },
      { mode: "js", value: `import confetti from "npm:canvas-confetti";` },
      { mode: "sql", database: "warehouse", output: "rows", value: "SELECT 1" },
      { mode: "html", value: "<b>${rows.length}</b>" },
      { mode: "node", value: "1" },
    ]);
    expect(offlineProblems(nb, "n.html")).toEqual([
      `n.html, cell 2: "npm:" imports load from a CDN at run time; npm install the package and import it by its name`,
      `n.html, cell 5: node cells are not supported here (Node 20 cannot run Notebook Kit's TypeScript node cells); use a SQL cell or a JavaScript cell`,
      `n.html, cell 1: uses \`Plot\`, which Notebook Kit loads from a CDN; define it from node_modules in a cell: import * as Plot from "@observablehq/plot";`,
      `n.html, cell 3: uses \`Inputs\`, which Notebook Kit loads from a CDN; define it from node_modules in a cell: import * as Inputs from "@observablehq/inputs";`,
      `n.html, cell 4: uses \`htl\`, which Notebook Kit loads from a CDN; define it from node_modules in a cell: import * as htl from "htl"; (after npm install htl), or write the cell in Markdown`,
    ]);
  });
});

describe("warehouseCells", () => {
  let dir: string;
  let warehouse: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "localneeds-nb-"));
    warehouse = path.join(dir, "warehouse.duckdb");
    const instance = await DuckDBInstance.create(warehouse);
    const c = await instance.connect();
    await c.run(`CREATE SCHEMA marts; CREATE TABLE marts.t AS SELECT * FROM (VALUES
      ('a', 1::BIGINT, 2.50::DECIMAL(5, 2), DATE '2024-04-01', 'nan'::DOUBLE), ('b', 2::BIGINT, 1.25::DECIMAL(5, 2), NULL, 3.5::DOUBLE)
    ) v(k, n, d, day, x)`);
    c.closeSync();
    instance.closeSync();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ctx = () => ({ filename: path.join(dir, "nb.html") });

  it("runs the cells read-only and writes Notebook Kit's cache files, numbers as numbers", async () => {
    const cells = warehouseCells(warehouse);
    const nb = notebook([{ mode: "sql", database: WAREHOUSE_DATABASE, output: "rows", value: "SELECT k, n, d, day, x, count(*) OVER () AS total FROM marts.t ORDER BY k" }]);
    const out = await cells.transformNotebook(nb, ctx());
    expect(out.cells[0].database).toBe(cells.databaseName);
    expect(cells.queries).toBe(1);
    const [file] = [...cells.files];
    expect(path.dirname(file)).toBe(path.join(dir, ".observable", "cache"));
    expect(path.basename(file).startsWith(`${cells.databaseName}-`)).toBe(true);
    const cached = JSON.parse(readFileSync(file, "utf-8"));
    expect(cached.schema).toEqual([
      { name: "k", type: "string" },
      { name: "n", type: "integer" },
      { name: "d", type: "number" },
      { name: "day", type: "date" },
      { name: "x", type: "number" },
      { name: "total", type: "integer" },
    ]);
    expect(cached.rows).toEqual([
      { k: "a", n: 1, d: 2.5, day: "2024-04-01", x: null, total: 2 },
      { k: "b", n: 2, d: 1.25, day: null, x: 3.5, total: 2 },
    ]);
    cells.removeCacheFiles();
    expect(existsSync(file)).toBe(false);
  });

  it("refuses writes (the warehouse is opened read-only), naming the notebook and cell", async () => {
    const cells = warehouseCells(warehouse);
    const nb = notebook([{ mode: "sql", database: WAREHOUSE_DATABASE, value: "CREATE TABLE marts.x (a INTEGER)" }]);
    await expect(cells.transformNotebook(nb, ctx())).rejects.toThrow(/nb\.html, cell 1: .*read-only/i);
  });

  it("rejects interpolation and other databases with a reason", async () => {
    const cells = warehouseCells(warehouse);
    await expect(cells.transformNotebook(notebook([{ mode: "sql", database: WAREHOUSE_DATABASE, value: "SELECT ${x}" }]), ctx())).rejects.toThrow(
      NotebookQueryError,
    );
    await expect(cells.transformNotebook(notebook([{ mode: "sql", database: "duckdb", value: "SELECT 1" }]), ctx())).rejects.toThrow(
      /cell 1: SQL cells must use database="warehouse" \(got "duckdb"\)/,
    );
  });

  it("keeps each session's cache files apart, and clears those of sessions that have exited", async () => {
    const a = warehouseCells(warehouse);
    expect(a.databaseName).toMatch(new RegExp(`^warehouse-[0-9a-f]{10}-${process.pid}$`));
    await a.transformNotebook(notebook([{ mode: "sql", database: WAREHOUSE_DATABASE, value: "SELECT 1 AS one" }]), ctx());
    const cacheDir = path.join(dir, ".observable", "cache");
    const orphan = path.join(cacheDir, `${a.databaseName.replace(/-\d+$/, "-999999999")}-x.json`);
    writeFileSync(orphan, "{}");
    removeStaleCacheFiles(cacheDir);
    expect(existsSync(orphan)).toBe(false);
    expect([...a.files].every((f) => existsSync(f))).toBe(true);
    a.removeCacheFiles();
  });

  it("says how to build a missing warehouse", () => {
    expect(() => warehouseCells(path.join(dir, "nope.duckdb"))).toThrow(/warehouse not found: .*nope\.duckdb \(build it first: npx tsx pipelines\/build\.ts\)/);
  });
});
