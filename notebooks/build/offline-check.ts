/**
 * The offline rule, checked at build time: a notebook must not make the page fetch anything from
 * the network. Notebook Kit's runtime provides `Plot`, `Inputs`, `d3`, `html` and friends by
 * importing them from cdn.jsdelivr.net on first use, and resolves `npm:` / `jsr:` imports to
 * CDN URLs; both fail offline. Notebooks import every library from node_modules instead
 * (`import * as Plot from "@observablehq/plot"`), which Vite bundles into the built page.
 */
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
