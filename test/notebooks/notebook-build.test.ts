/**
 * The notebook build's two rules, without a browser: SQL cells run at build time against the
 * warehouse (read-only, results where Notebook Kit looks for them), and nothing a notebook does
 * may load code from a CDN.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { toNotebook, type CellSpec } from "@observablehq/notebook-kit";
import type { Plugin } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/shared.ts";
import { memoryLogger } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { offlineProblems, remoteLoads } from "../../notebooks/build/offline-check.ts";
import { offlineLibraries, parseCdnReference } from "../../notebooks/build/offline-libraries.ts";
import { indicatorInfo, indicatorInfoFrom, type IndicatorRow } from "../../notebooks/lib/indicators.ts";
import { NotebookQueryError, WAREHOUSE_DATABASE, referencedTables, removeStaleCacheFiles, warehouseCells } from "../../notebooks/build/warehouse-cells.ts";

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

describe("remoteLoads (the offline rule on built files)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "localneeds-nb-remote-"));
    mkdirSync(path.join(dir, "assets"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const files = (contents: Record<string, string>) => {
    rmSync(dir, { recursive: true, force: true });
    for (const [name, text] of Object.entries(contents)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return remoteLoads(dir);
  };

  it("finds what a page would load from another host, in scripts, pages and stylesheets", () => {
    expect(
      files({
        "assets/a.js": `const m = await import("https://example.org/m.js"); fetch('https://api.example.org/x.json'); img.src = "https://example.org/s.png";`,
        "assets/b.js": `import x from"https://example.org/b.js";const w=new Worker(\`https://example.org/w.js\`);md\`![map](https://tiles.example.org/1.png)\``,
        "p.html": `<link rel="stylesheet" href="https://example.org/p.css"><img alt="" src=https://example.org/i.png><script>fetch("https://example.org/inline.json")</script>`,
        "assets/c.css": `@import "https://example.org/c.css"; .x { background: url(https://example.org/bg.png) }`,
        "assets/d.js": `const base = "https://cdn.jsdelivr.net/npm/" + name;`,
      }),
    ).toEqual([
      "assets/a.js: https://api.example.org/x.json",
      "assets/a.js: https://example.org/m.js",
      "assets/a.js: https://example.org/s.png",
      "assets/b.js: https://example.org/b.js",
      "assets/b.js: https://example.org/w.js",
      "assets/b.js: https://tiles.example.org/1.png",
      "assets/c.css: https://example.org/bg.png",
      "assets/c.css: https://example.org/c.css",
      "assets/d.js: cdn.jsdelivr.net",
      "p.html: https://example.org/i.png",
      "p.html: https://example.org/inline.json",
      "p.html: https://example.org/p.css",
    ]);
  });

  it("passes addresses that load nothing: namespaces, links, messages, licence comments, local files", () => {
    expect(
      files({
        "assets/a.js": `/*! see https://github.com/x/y */ const ns = "http://www.w3.org/2000/svg"; throw Error(\`See https://rolldown.rs/in-depth\`); import("./b.js"); fetch("./data.csv"); a.href = "https://www.gov.uk/";`,
        "p.html": `<a href="https://www.gov.uk/">GOV.UK</a><p>open http://127.0.0.1:4173/p.html</p><link rel="icon" href="data:,"><script type="module" src="./assets/a.js"></script>`,
        "assets/c.css": `.x { background: url(./bg.png) } /* https://example.org */`,
        "assets/m.wasm": `import("https://example.org/not-a-script.js")`,
      }),
    ).toEqual([]);
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

describe("warehouseCells on a warehouse without some tables", () => {
  let dir: string;
  let warehouse: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "localneeds-nb-absent-"));
    warehouse = path.join(dir, "warehouse.duckdb");
    const instance = await DuckDBInstance.create(warehouse);
    const c = await instance.connect();
    await c.run(`CREATE SCHEMA marts; CREATE TABLE marts.t AS SELECT 1 AS n`);
    c.closeSync();
    instance.closeSync();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the tables a query names from DuckDB's parse tree, not from its CTEs, strings or comments", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const c = await instance.connect();
    try {
      expect(
        await referencedTables(c, `WITH a AS (SELECT * FROM marts.t) SELECT 'FROM staging.s' AS s, * FROM a JOIN ref.areas USING (n) -- FROM staging.x\nWHERE n IN (SELECT n FROM audit.loads)`),
      ).toEqual(["audit.loads", "marts.t", "ref.areas"]);
    } finally {
      c.closeSync();
      instance.closeSync();
    }
  });

  it("every notebook's SQL cells read marts, ref and audit, never a staging table (issue 18: one set of figures for pack and notebooks)", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const c = await instance.connect();
    try {
      const dir = path.join(repoRoot, "notebooks");
      const read = new Map<string, string[]>();
      for (const f of readdirSync(dir).filter((n) => n.endsWith(".html"))) {
        const html = readFileSync(path.join(dir, f), "utf8");
        for (const m of html.matchAll(/<script\b[^>]*type="application\/sql"[^>]*>([\s\S]*?)<\/script>/g)) {
          for (const t of await referencedTables(c, m[1]!)) read.set(t, [...(read.get(t) ?? []), f]);
        }
      }
      // The notebooks do read the figure marts, and nothing else outside marts, ref and audit.
      expect([...read.keys()]).toContain("marts.crime_by_lsoa_month");
      expect([...read.keys()]).toContain("marts.complaints_by_month");
      expect([...read.keys()].filter((t) => !/^(marts|ref|audit)\./.test(t)).map((t) => `${t} (${read.get(t)!.join(", ")})`)).toEqual([]);
    } finally {
      c.closeSync();
      instance.closeSync();
    }
  });

  it("replaces a cell whose table is absent, and the cells that use it, by a note; the rest runs", async () => {
    const log = memoryLogger();
    const cells = warehouseCells(warehouse, log);
    const filename = path.join(dir, "nb.html");
    const nb = notebook([
      { mode: "sql", database: WAREHOUSE_DATABASE, output: "gone", hidden: true, value: "SELECT * FROM staging.gone" },
      { mode: "md", value: "## Heading" },
      { mode: "js", value: "gone.length" },
      { mode: "js", value: "const total = gone.length;" },
      { mode: "sql", database: WAREHOUSE_DATABASE, output: "kept", value: "SELECT n FROM marts.t" },
      { mode: "md", value: "## ${total} rows\n\nTotal ${total}, kept ${kept.length}" },
      { mode: "js", value: "kept.length" },
    ]);
    const out = await cells.transformNotebook(nb, { filename });
    const note = `<p class="ln-note ln-absent">${messages.notebookTablesAbsent(["staging.gone"])}</p>`;
    expect(out.cells.map((c) => [c.id, c.mode, c.mode === "html" ? c.value : ""])).toEqual([
      [2, "md", ""],
      [3, "html", note],
      [5, "sql", ""],
      [6, "html", `<h2>rows</h2>${note}`],
      [7, "js", ""],
    ]);
    expect(cells.queries).toBe(1);
    expect(log.warnings).toEqual([messages.notebookCellsOmitted(path.relative(process.cwd(), filename), 4, ["staging.gone"])]);
    cells.removeCacheFiles();
  });

  it("gives an optional cell whose table is absent no rows, and keeps the cells that use it", async () => {
    const log = memoryLogger();
    const cells = warehouseCells(warehouse, log);
    const nb = notebook([
      { mode: "sql", database: WAREHOUSE_DATABASE, output: "records", hidden: true, value: "-- optional: older warehouses lack it\nSELECT * FROM ref.gone" },
      { mode: "js", value: "records.length" },
      { mode: "sql", database: WAREHOUSE_DATABASE, output: "kept", hidden: true, value: "-- optional: here it is present\nSELECT n FROM marts.t" },
    ]);
    const out = await cells.transformNotebook(nb, { filename: path.join(dir, "nb.html") });
    expect(out.cells.map((c) => [c.id, c.mode, c.database ?? null])).toEqual([[1, "sql", cells.databaseName], [2, "js", null], [3, "sql", cells.databaseName]]);
    // Only the present table was queried; the absent one's result is empty, and nothing is said to be left out.
    expect(cells.queries).toBe(1);
    const results = [...cells.files].map((f) => JSON.parse(readFileSync(f, "utf-8")) as { rows: unknown[] });
    expect(results.map((r) => r.rows.length).sort()).toEqual([0, 1]);
    expect(log.warnings).toEqual([]);
    // Without the marker (or with "optional" elsewhere than a comment's start), the cell is left out as before.
    const strict = await cells.transformNotebook(notebook([{ mode: "sql", database: WAREHOUSE_DATABASE, output: "records", value: "SELECT 'optional: no' AS s FROM ref.gone" }]), {
      filename: path.join(dir, "nb2.html"),
    });
    expect(strict.cells.map((c) => c.mode)).toEqual(["html"]);
    cells.removeCacheFiles();
  });

  it("still fails the build on any other error, naming the cell", async () => {
    const cells = warehouseCells(warehouse);
    await expect(cells.transformNotebook(notebook([{ mode: "sql", database: WAREHOUSE_DATABASE, value: "SELECT nope FROM marts.t" }]), { filename: path.join(dir, "nb.html") })).rejects.toThrow(
      /nb\.html, cell 1: .*nope/,
    );
  });
});

describe("indicatorInfoFrom (what the notebooks say of an indicator)", () => {
  const row = (over: Partial<IndicatorRow>): IndicatorRow => ({
    indicator_id: "crime.all_crime_rate", domain: "crime", title: "All crime", short_title: "All crime", unit: "per 1,000", multiplier: 1000,
    method: "crude_rate", polarity: "low_is_good", definition: null, source: "police.uk; IoD File 6 population denominators", ...over,
  });

  it("takes the build's own record first: its source, and indicators the catalogue does not know", () => {
    const info = indicatorInfoFrom([row({}), row({ indicator_id: "fingertips.99999", domain: "health", title: "Something OHID publishes", short_title: "Something (OHID)", method: "published" })]);
    expect(info("crime.all_crime_rate").source).toBe("police.uk; IoD File 6 population denominators");
    expect(indicatorInfo("crime.all_crime_rate").source).not.toBe(info("crime.all_crime_rate").source);
    expect(info("crime.all_crime_rate").definition).toBe("");
    expect(info("fingertips.99999")).toMatchObject({ title: "Something OHID publishes", short: "Something (OHID)", domain: "health", method: "published" });
    expect(indicatorInfo("fingertips.99999").title).toBe("fingertips.99999");
  });

  it("names an indicator without a row (a warehouse built before ref.indicators) from the catalogue", () => {
    const info = indicatorInfoFrom([]);
    for (const id of ["crime.all_crime_rate", "survey.feel_safe_after_dark", "nobody.knows"]) expect(info(id)).toEqual(indicatorInfo(id));
  });
});

describe("offlineLibraries (Notebook Kit's lazy loaders from node_modules)", () => {
  const kit = path.join(repoRoot, "node_modules", "@observablehq", "notebook-kit", "dist", "src", "runtime");
  const stdlib = (f: string) => path.join(kit, "stdlib", f);
  const plugin = offlineLibraries();
  const hook = <K extends "transform" | "load" | "resolveId">(name: K) => plugin[name] as unknown as (this: unknown, ...args: unknown[]) => unknown;
  const transform = (file: string) => {
    const out = hook("transform").call({}, readFileSync(file, "utf-8"), file) as { code: string } | string | null;
    return typeof out === "string" ? out : out!.code;
  };

  it("reads CDN references", () => {
    expect(parseCdnReference("apache-arrow@17.0.0/+esm")).toEqual({ name: "apache-arrow", version: "17.0.0", file: "/+esm" });
    expect(parseCdnReference("@observablehq/inputs/dist/index.css")).toEqual({ name: "@observablehq/inputs", version: undefined, file: "/dist/index.css" });
    expect(parseCdnReference("@duckdb/duckdb-wasm@1.32.0")).toEqual({ name: "@duckdb/duckdb-wasm", version: "1.32.0", file: "/+esm" });
  });

  it("points FileAttachment's loaders at node_modules, the Parquet WebAssembly module at the installed file", () => {
    const code = transform(stdlib("fileAttachment.js"));
    expect(code).not.toMatch(/jsdelivr/);
    for (const pkg of ["d3-dsv", "apache-arrow", "arquero", "parquet-wasm"]) expect(code).toContain(`import(${JSON.stringify(pkg)})`);
    // Vite emits a `?url` import as a built asset and gives its address.
    expect(code).toContain(`import __localneeds_asset1 from "parquet-wasm/esm/parquet_wasm_bg.wasm?url";`);
    expect(code).toContain(`Parquet.default(__localneeds_asset1)`);
  });

  it("points a loader whose package is not installed at a module that fails naming it", () => {
    const code = transform(stdlib("recommendedLibraries.js"));
    expect(code).toContain(`import("virtual:localneeds-missing/lodash")`);
    expect(code).toContain(`import("apache-arrow")`);
    const id = hook("resolveId").call({}, "virtual:localneeds-missing/lodash") as string;
    const loaded = hook("load").call({}, id) as { code: string };
    expect(loaded.code).toContain(JSON.stringify(messages.notebookLoaderNotInstalled("lodash", "latest")));
  });

  it("turns a runtime module that statically imports a missing package into one that throws", () => {
    expect(transform(stdlib("leaflet.js"))).toBe(`throw new Error(${JSON.stringify(messages.notebookLoaderNotInstalled("leaflet", "latest"))});\nexport {};\n`);
  });

  it("imports the Inputs stylesheet from node_modules, and touches nothing outside the kit's runtime", () => {
    expect(transform(stdlib("inputs.css")).split("\n")[0]).toBe(`@import url("@observablehq/inputs/dist/index.css");`);
    expect(hook("transform").call({}, `import("https://cdn.jsdelivr.net/npm/d3/+esm")`, "/x/notebooks/mine.js")).toBeNull();
  });

  it("leaves no CDN address in any runtime module", () => {
    const files = readdirSync(kit, { recursive: true, encoding: "utf-8" }).filter((f) => /\.(js|css)$/.test(f));
    expect(files.length).toBeGreaterThan(20);
    const left = files.filter((f) => readFileSync(path.join(kit, f), "utf-8").includes("cdn.jsdelivr")).filter((f) => /jsdelivr/.test(transform(path.join(kit, f))));
    expect(left).toEqual([]);
  });
});
