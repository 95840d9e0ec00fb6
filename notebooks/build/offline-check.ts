/**
 * The offline rule, checked at build time: a notebook must not make the page fetch anything from
 * the network. Checked twice: on each notebook before it is built ({@link offlineProblems}), and
 * on the built files ({@link remoteLoads}). Notebook Kit's runtime provides `Plot`, `Inputs`, `d3`, `html` and friends by
 * importing them from cdn.jsdelivr.net on first use, and resolves `npm:` / `jsr:` imports to
 * CDN URLs; both fail offline. Notebooks import every library from node_modules instead
 * (`import * as Plot from "@observablehq/plot"`), which Vite bundles into the built page.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { transpile, type Cell, type Notebook } from "@observablehq/notebook-kit";

/** Globals Notebook Kit's runtime loads from a CDN when a cell uses them and no cell defines them. */
export const CDN_BUILTINS = [
  "_", "aq", "Arrow", "d3", "dot", "duckdb", "DuckDBClient", "echarts", "htl", "html", "svg", "Inputs", "L", "mapboxgl",
  "mermaid", "Plot", "React", "ReactDOM", "tex", "topojson", "vl",
  // sample datasets
  "aapl", "alphabet", "cars", "citywages", "diamonds", "flare", "industries", "miserables", "olympians", "penguins", "pizza", "weather",
] as const;

/** How to provide the common ones from node_modules instead. */
const FIX: Record<string, string> = {
  Plot: `import * as Plot from "@observablehq/plot";`,
  Inputs: `import * as Inputs from "@observablehq/inputs";`,
  d3: `import * as d3 from "d3"; (after npm install d3)`,
  htl: `import * as htl from "htl"; (after npm install htl), or write the cell in Markdown`,
  html: `import {html} from "htl"; (after npm install htl), or write the cell in Markdown`,
  svg: `import {svg} from "htl"; (after npm install htl)`,
  vl: `use the chart builders and showChart from "./lib/show-chart.ts"`,
};

const CDN_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*)["'](npm:|jsr:|https?:\/\/)[^"']*["']/;

/**
 * Problems that would make `notebook` reach the network (empty when none), each naming the file
 * and the cell.
 */
export function offlineProblems(notebook: Notebook, file: string): string[] {
  const problems: string[] = [];
  const defined = new Set<string>();
  const uses: { cell: Cell; name: string }[] = [];
  for (const cell of notebook.cells) {
    if (cell.output) defined.add(cell.output);
    if (cell.mode === "sql") {
      // A shown SQL cell displays its rows with Inputs.table.
      if (!cell.hidden) uses.push({ cell, name: "Inputs" });
      continue;
    }
    if (cell.mode === "node" || cell.mode === "python" || cell.mode === "r") {
      problems.push(`${file}, cell ${cell.id}: ${cell.mode} cells are not supported here (Node 20 cannot run Notebook Kit's TypeScript node cells); use a SQL cell or a JavaScript cell`);
      continue;
    }
    if (cell.mode === "js" || cell.mode === "ts") {
      const m = CDN_IMPORT.exec(cell.value);
      if (m) problems.push(`${file}, cell ${cell.id}: "${m[1]}" imports load from a CDN at run time; npm install the package and import it by its name`);
    }
    let transpiled: ReturnType<typeof transpile>;
    try {
      transpiled = transpile(cell);
    } catch (err) {
      problems.push(`${file}, cell ${cell.id}: ${(err as Error).message}`);
      continue;
    }
    for (const name of transpiled.outputs ?? []) defined.add(name);
    for (const name of transpiled.inputs ?? []) uses.push({ cell, name });
  }
  const cdn = new Set<string>(CDN_BUILTINS);
  for (const { cell, name } of uses) {
    if (!cdn.has(name) || defined.has(name)) continue;
    problems.push(`${file}, cell ${cell.id}: uses \`${name}\`, which Notebook Kit loads from a CDN; define it from node_modules in a cell: ${FIX[name] ?? `import it from an installed package`}`);
  }
  return problems;
}

/** CDN hosts: named anywhere in a built file, a page could load from them (Notebook Kit builds such URLs from parts). */
const CDN_HOST = /\b(?:cdn\.jsdelivr\.net|unpkg\.com|esm\.sh|esm\.run|cdn\.skypack\.dev|ga\.jspm\.io)\b/g;
/** An absolute address of another host, as a quoted string or a bare attribute value. */
const URL_ = String.raw`(?:https?|wss?):\/\/[^\s"'\`)>]+`;
const Q = String.raw`["'\`]`;
/**
 * Where an address in a built file makes the browser load it: module imports, fetch, workers and
 * sockets, a `src` set from script, Markdown images rendered in the page; in HTML, the attributes
 * that load (not `<a href>`); in CSS, `url()` and `@import`. Addresses elsewhere (links, XML
 * namespaces, messages, licence comments) load nothing. An `href` set from script is left alone
 * (it is mostly a link); Notebook Kit's stylesheet loaders name a CDN host, which is caught anyway.
 */
const LOADS: Record<string, RegExp[]> = {
  js: [
    new RegExp(String.raw`\b(?:import|fetch|importScripts)\s*\(\s*${Q}(${URL_})`, "g"),
    new RegExp(String.raw`\b(?:from|import)\s*${Q}(${URL_})`, "g"),
    new RegExp(String.raw`\bnew\s+(?:Worker|SharedWorker|WebSocket|EventSource)\s*\(\s*${Q}(${URL_})`, "g"),
    new RegExp(String.raw`\.src\s*=\s*${Q}(${URL_})`, "g"),
    new RegExp(String.raw`setAttribute\(\s*${Q}src${Q}\s*,\s*${Q}(${URL_})`, "g"),
    // A Markdown cell with `${…}` is rendered in the page: its images load from there.
    new RegExp(String.raw`!\[[^\]\n]*\]\(\s*<?(${URL_})`, "g"),
  ],
  html: [
    new RegExp(String.raw`<(?:script|img|iframe|source|video|audio|embed|track|input|object|link)\b[^>]*?\s(?:src|href|srcset|poster|data)\s*=\s*["']?(${URL_})`, "gi"),
  ],
  css: [new RegExp(String.raw`(?:\burl\(\s*["']?|@import\s+["'])(${URL_})`, "gi")],
};
/** HTML pages also hold inline scripts and styles. */
LOADS.html.push(...LOADS.js, ...LOADS.css);

/**
 * Every address of another host that the built files in `dir` would load (`file: address`,
 * paths relative to `dir`), and every file naming a CDN host at all. Empty when the pages make
 * no request to any host but their own.
 */
export function remoteLoads(dir: string): string[] {
  const found = new Set<string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const kind = { ".js": "js", ".mjs": "js", ".css": "css", ".html": "html", ".htm": "html" }[path.extname(entry.name).toLowerCase()];
    if (!entry.isFile() || !kind) continue;
    const file = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, file).split(path.sep).join("/");
    const text = readFileSync(file, "utf-8");
    for (const re of LOADS[kind]) for (const m of text.matchAll(re)) found.add(`${rel}: ${m[1]}`);
    for (const m of text.matchAll(CDN_HOST)) found.add(`${rel}: ${m[0]}`);
  }
  return [...found].sort();
}
