/**
 * A notebook of one's own that reads files with `FileAttachment`, as the starter notebook
 * suggests: CSV (d3-dsv), Arrow IPC (apache-arrow), Parquet (parquet-wasm and its WebAssembly
 * module) and Arquero over Parquet. Built into a temporary folder, served from 127.0.0.1 and
 * loaded in headless Chromium with every other host cut off: each loader must come from
 * node_modules, and no built file may name a CDN.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messages } from "../../pipelines/core/messages.ts";
import { NOTEBOOKS_DIR, buildNotebooks, type BuildNotebooksResult } from "../../notebooks/build/build-notebooks.ts";
import { remoteLoads } from "../../notebooks/build/offline-check.ts";
import { CHROMIUM, launchChromium } from "../helpers/browser.ts";
import { repoRoot } from "../helpers/shared.ts";
import { cdnReferences, offlineTab, serveDir } from "./notebook-pages.ts";

/** Each cell shows what it read, or the loader's error, in a paragraph with the cell's id. */
const show = (id: string, expr: string) =>
  `const ${id} = await (async () => ${expr})().then(String, (e) => "error: " + e.message);
    display(Object.assign(document.createElement("p"), {id: "${id}", textContent: ${id}}));`;

const FILES_NOTEBOOK = `<!doctype html>
<notebook theme="air">
  <title>My data</title>
  <script id="1" type="module">
    ${show("csv", `(await FileAttachment("places.csv").csv({typed: true})).map((p) => \`\${p.place}=\${p.count + 1}\`).join(";")`)}
  </script>
  <script id="2" type="module">
    ${show("arrow", `(await FileAttachment("places.arrow").arrow()).toArray().map((p) => \`\${p.place}=\${p.count + 1}\`).join(";")`)}
  </script>
  <script id="3" type="module">
    ${show("parquet", `{ const t = await FileAttachment("wards.parquet").parquet(); return \`\${t.numRows} rows; \${t.get(2).ward_name}=\${t.get(2).rate}\`; }`)}
  </script>
  <script id="4" type="module">
    ${show("arquero", `{ const t = await FileAttachment("wards.parquet").arquero(); return \`\${t.numRows()} rows; total \${t.array("rate").reduce((a, b) => a + b, 0)}\`; }`)}
  </script>
</notebook>
`;

describe.skipIf(!CHROMIUM)("a notebook reading FileAttachments (csv, arrow, parquet, arquero), offline", () => {
  let root: string;
  let dir: string;
  let built: BuildNotebooksResult;
  let server: Awaited<ReturnType<typeof serveDir>>;
  let browser: Browser;

  beforeAll(async () => {
    // Inside the checkout, so the page's imports resolve from its node_modules as a notebook's do.
    mkdirSync(path.join(repoRoot, "outputs"), { recursive: true });
    root = mkdtempSync(path.join(repoRoot, "outputs", "notebook-files-test-"));
    dir = path.join(root, "notebooks");
    mkdirSync(path.join(dir, "lib"), { recursive: true });
    copyFileSync(path.join(NOTEBOOKS_DIR, "lib", "notebook.css"), path.join(dir, "lib", "notebook.css"));
    writeFileSync(path.join(dir, "mine.html"), FILES_NOTEBOOK);
    writeFileSync(path.join(dir, "places.csv"), "place,count\nNorthgate,12\nEastfields,5\n");
    const places = tableFromArrays({ place: ["Northgate", "Eastfields", "Riverside"], count: Int32Array.from([12, 5, 40]) });
    writeFileSync(path.join(dir, "places.arrow"), tableToIPC(places, "file"));
    // A real Parquet file, written by DuckDB as the warehouse's export writes them.
    const instance = await DuckDBInstance.create(path.join(root, "warehouse.duckdb"));
    const c = await instance.connect();
    await c.run(`COPY (
      SELECT 'E0500' || lpad(i::VARCHAR, 4, '0') AS ward_code, 'Ward ' || i AS ward_name, i * 1.5::DOUBLE AS rate
      FROM range(1, 301) r(i) ORDER BY i
    ) TO '${path.join(dir, "wards.parquet").replaceAll("'", "''")}' (FORMAT parquet)`);
    c.closeSync();
    instance.closeSync();
    built = await buildNotebooks({ warehouse: path.join(root, "warehouse.duckdb"), notebooksDir: dir, outDir: path.join(root, "out") });
    server = await serveDir(built.outDir);
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("bundles every loader and the Parquet WebAssembly module; no built file names a CDN or loads from another host", () => {
    expect(cdnReferences(built.outDir)).toEqual([]);
    expect(remoteLoads(built.outDir)).toEqual([]);
    // parquet-wasm's module is emitted once, byte for byte the installed one.
    const wasm = readdirSync(built.outDir, { recursive: true, encoding: "utf-8" }).filter((f) => f.endsWith(".wasm"));
    expect(wasm).toHaveLength(1);
    expect(readFileSync(path.join(built.outDir, wasm[0])).equals(readFileSync(path.join(repoRoot, "node_modules", "parquet-wasm", "esm", "parquet_wasm_bg.wasm")))).toBe(true);
  });

  it("reads the CSV, Arrow and Parquet files, and Arquero over Parquet, in the page", async () => {
    const { context, tab, problems, external } = await offlineTab(browser, server.origin);
    try {
      await tab.goto(`${server.origin}/mine.html`, { waitUntil: "networkidle" });
      for (const id of ["csv", "arrow", "parquet", "arquero"]) await tab.waitForSelector(`#${id}`);
      // typed: the counts are numbers (12 + 1), not strings ("12" + 1).
      expect(await tab.textContent("#csv")).toBe("Northgate=13;Eastfields=6");
      expect(await tab.textContent("#arrow")).toBe("Northgate=13;Eastfields=6;Riverside=41");
      expect(await tab.textContent("#parquet")).toBe("300 rows; Ward 3=4.5");
      // 1.5 × (1 + ... + 300) = 67 725
      expect(await tab.textContent("#arquero")).toBe("300 rows; total 67725");
      expect(external).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("refuses a build whose pages would load from another host, naming the file and address, and keeps the previous pages", async () => {
    const page = path.join(dir, "remote.html");
    writeFileSync(page, `<!doctype html>\n<notebook theme="air">\n  <title>Remote</title>\n  <script id="1" type="text/markdown">\n    ![Logo](https://example.org/logo.png)\n  </script>\n</notebook>\n`);
    const before = readFileSync(path.join(built.outDir, "mine.html"), "utf-8");
    try {
      await expect(buildNotebooks({ warehouse: path.join(root, "warehouse.duckdb"), notebooksDir: dir, notebooks: [page], outDir: built.outDir })).rejects.toThrow(
        messages.notebookRemoteLoads(["remote.html: https://example.org/logo.png"]),
      );
    } finally {
      rmSync(page);
    }
    expect(readFileSync(path.join(built.outDir, "mine.html"), "utf-8")).toBe(before);
  }, 60_000);
});
