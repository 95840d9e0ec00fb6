/**
 * Show a chart bundle from the shared builders (`notebooks/charts/`) on a notebook page: the
 * Vega-Lite spec rendered to SVG in the browser, its text alternative, the data table behind it
 * and a download of the spec. The pack renders the same bundle headlessly
 * (`notebooks/charts/render.ts`), so a chart built here goes into the pack unchanged.
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { ChartSpecBundle } from "../charts/builders.ts";

/** Options of {@link showChart}. */
export interface ShowChartOptions {
  /** The cell's `invalidation` promise: the Vega view is released when the cell re-runs. */
  invalidation?: Promise<unknown>;
  /** Open the text alternative and data table (default closed). */
  open?: boolean;
}

/**
 * Render `bundle` as a `<figure>`: the chart, then a caption with the chart id and a
 * "text alternative and data" disclosure. Resolves once the chart is drawn.
 */
export async function showChart(bundle: ChartSpecBundle, options: ShowChartOptions = {}): Promise<HTMLElement> {
  const figure = document.createElement("figure");
  figure.className = "ln-chart";
  figure.id = `chart-${bundle.id}`;
  const container = figure.appendChild(document.createElement("div"));
  container.className = "ln-chart-view";
  const view = await renderSpec(bundle.spec, container);
  options.invalidation?.then(() => view.finalize());

  const caption = figure.appendChild(document.createElement("figcaption"));
  caption.append(`Chart ${bundle.id} · `);
  caption.append(downloadLink(`${bundle.id}.vl.json`, JSON.stringify(bundle.spec, null, 2), "Vega-Lite spec"));
  caption.append(" · ");
  caption.append(downloadLink(`${bundle.id}.csv`, tableCsv(bundle), "data (CSV)"));

  const details = figure.appendChild(document.createElement("details"));
  details.open = Boolean(options.open);
  details.appendChild(document.createElement("summary")).textContent = "Text alternative and data";
  const body = details.appendChild(document.createElement("div"));
  body.appendChild(document.createElement("p")).textContent = bundle.alt;
  body.appendChild(dataTable(bundle));
  return figure;
}

/** Render a Vega-Lite spec into `container` as SVG (no tooltips handler, warnings kept quiet). */
export async function renderSpec(spec: TopLevelSpec, container: HTMLElement): Promise<vega.View> {
  // Vega adopts inline data objects and mutates them: compile a copy, as the pack does. The SVG
  // is one image named by the spec's description (below): \`aria: false\` keeps Vega from giving
  // each mark and axis a role of its own, unnamed inside the image (axe: svg-img-alt).
  const copy = structuredClone(spec);
  const compiled = compile({ ...copy, config: { ...copy.config, aria: false } } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "svg", container, hover: true, logLevel: vega.Error });
  await view.runAsync();
  const svg = container.querySelector("svg");
  if (svg) {
    svg.setAttribute("role", "img");
    if (typeof spec.description === "string") svg.setAttribute("aria-label", spec.description);
    // Inside an image, Vega's mark containers' roles name nothing (axe: svg-img-alt): drop
    // them, now and whenever Vega redraws (hover).
    const unrole = () => {
      for (const el of svg.querySelectorAll("[role], [aria-roledescription]")) {
        el.removeAttribute("role");
        el.removeAttribute("aria-roledescription");
      }
    };
    unrole();
    new MutationObserver(unrole).observe(svg, { childList: true, subtree: true });
  }
  return view;
}

function downloadLink(filename: string, content: string, label: string): HTMLAnchorElement {
  const a = document.createElement("a");
  a.download = filename;
  a.textContent = label;
  a.href = URL.createObjectURL(new Blob([content], { type: filename.endsWith(".csv") ? "text/csv" : "application/json" }));
  return a;
}

function dataTable(bundle: ChartSpecBundle): HTMLTableElement {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const c of bundle.table.columns) head.appendChild(document.createElement("th")).textContent = c;
  const tbody = table.createTBody();
  for (const row of bundle.table.rows) {
    const tr = tbody.insertRow();
    for (const v of row) {
      const td = tr.insertCell();
      td.textContent = v === null ? "" : typeof v === "number" ? v.toLocaleString("en-GB", { maximumFractionDigits: 6 }) : v;
      if (typeof v === "number") td.className = "ln-number";
    }
  }
  return table;
}

/** The bundle's table as CSV (RFC 4180 quoting), as the pack writes it. */
export function tableCsv(bundle: ChartSpecBundle): string {
  const cell = (v: string | number | null) => {
    if (v === null) return "";
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [bundle.table.columns, ...bundle.table.rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}
