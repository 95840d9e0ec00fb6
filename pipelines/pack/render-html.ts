/**
 * The pack as one self-contained HTML page: inline SVG charts, inline CSS, no script and no
 * external request (a Content-Security-Policy says so), an A4 print stylesheet. Every piece of
 * data-derived text is escaped (`html` template).
 */
import path from "node:path";
import type { PackModel, SummaryRow } from "./pack-model.ts";
import { kindLabel } from "./pack-model.ts";
import { html, raw, type Raw } from "./html.ts";
import type { ChartSpecBundle } from "../../notebooks/charts/index.ts";

/** A chart rendered for the page: its bundle, inline SVG, and download file names. */
export interface RenderedChart {
  bundle: ChartSpecBundle;
  svg: string;
  files: { svg: string; png: string; spec: string; csv: string };
}

const OUTCOME_TEXT: Record<string, { label: string; symbol: string }> = {
  better: { label: "Better", symbol: "▲" },
  worse: { label: "Worse", symbol: "▼" },
  similar: { label: "Similar", symbol: "●" },
  higher: { label: "Higher", symbol: "◆" },
  lower: { label: "Lower", symbol: "◇" },
  not_compared: { label: "Not compared", symbol: "–" },
};

const CSS = `
:root { --ink:#1a1a1a; --muted:#555; --rule:#d0d0d0; --accent:#1f4e79; --better:#1f78b4; --worse:#d95f02; --similar:#e6e6e6; --higher:#7570b3; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", Verdana, sans-serif; color: var(--ink); font-size: 10.5pt; line-height: 1.45; }
body { margin: 0 auto; max-width: 190mm; padding: 0 6mm 24mm; }
h1, h2, h3 { color: var(--accent); line-height: 1.2; }
h1 { font-size: 24pt; margin: 0 0 4mm; }
h2 { font-size: 15pt; border-bottom: 2px solid var(--accent); padding-bottom: 1.5mm; margin-top: 10mm; }
h3 { font-size: 11.5pt; margin: 6mm 0 2mm; }
a { color: var(--accent); }
.banner { background: #fff3cd; border: 1px solid #c9a227; color: #5c4400; padding: 2mm 3mm; font-weight: bold; margin: 4mm 0; }
.cover { min-height: 250mm; display: flex; flex-direction: column; justify-content: center; }
.cover .kicker { text-transform: uppercase; letter-spacing: .08em; color: var(--muted); font-size: 10pt; }
.cover .meta { color: var(--muted); margin-top: 8mm; }
.toc ol { padding-left: 5mm; } .toc li { margin: 1mm 0; }
.headlines li { margin: 2mm 0; }
.pill { display: inline-block; min-width: 22mm; padding: .3mm 2mm; border-radius: 2mm; font-weight: bold; font-size: 9pt; text-align: center; border: 1px solid #888; }
.pill.better { background: var(--better); color: #fff; border-color: var(--better); }
.pill.worse { background: var(--worse); color: #fff; border-color: var(--worse); }
.pill.similar { background: var(--similar); color: #222; }
.pill.higher, .pill.lower { background: #fff; color: var(--higher); border-color: var(--higher); }
.pill.not_compared { background: #fff; color: #666; border-style: dashed; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 2mm 0 4mm; }
th, td { border-bottom: 1px solid var(--rule); padding: 1.2mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #f2f5f9; font-weight: bold; }
th .unit { font-weight: normal; color: var(--muted); white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 4mm 0 6mm; break-inside: avoid; page-break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 9pt; color: var(--muted); margin-top: 1mm; }
details { font-size: 8.5pt; margin-top: 1mm; }
details summary { cursor: pointer; color: var(--accent); }
.downloads { font-size: 8.5pt; color: var(--muted); }
.note { font-size: 9pt; color: var(--muted); }
.warning { border-left: 4px solid var(--worse); padding: 1mm 3mm; background: #fdf1e8; margin: 2mm 0; }
footer.print-footer { display: none; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  body { max-width: none; padding: 0; }
  .cover { min-height: 255mm; page-break-after: always; break-after: page; }
  section.page { break-before: page; page-break-before: always; }
  details { display: block; } details > summary { display: none; }
  details:not([open]) > table { display: none; }
  a { color: inherit; text-decoration: none; }
  footer.print-footer { display: block; position: fixed; bottom: -10mm; left: 0; right: 0; font-size: 8pt; color: #5c4400; text-align: center; }
}
`;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; base-uri 'none'; form-action 'none'";

function pill(outcome: string): Raw {
  const o = OUTCOME_TEXT[outcome] ?? OUTCOME_TEXT.not_compared!;
  return html`<span class="pill ${outcome}"><span aria-hidden="true">${o.symbol} </span>${o.label}</span>`;
}

/** A number in the indicator's own unit, without the unit (the row header carries it). */
function bare(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toLocaleString("en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

function comparatorCell(row: SummaryRow, kind: string): Raw {
  const c = row.comparators.find((x) => x.kind === kind);
  return html`<td class="num">${bare(c?.value)}</td>`;
}

function summaryTable(m: PackModel): Raw {
  const kinds = ["rest_of_parent", "parent", "region", "country"].filter((k) => m.summary.some((r) => r.comparators.some((c) => c.kind === k)));
  return html`<table>
    <caption class="note">Latest period for each indicator. Outcome compares ${m.focus.name}'s 95% confidence interval with ${m.parent.name}'s value; the symbol and word carry the outcome as well as the colour.</caption>
    <thead><tr><th scope="col">Indicator</th><th scope="col">Period</th><th scope="col" class="num">Count</th><th scope="col" class="num">${m.focus.name}</th>
    ${kinds.map((k) => html`<th scope="col" class="num">${kindLabel[k] ?? k}</th>`)}
    <th scope="col" class="num">Ward range</th><th scope="col">vs ${m.parent.name}</th></tr></thead>
    <tbody>${m.summary.map((r) => {
      const parent = r.comparators.find((c) => c.kind === "parent");
      const count = r.indicator.method === "weighted_mean" ? "–" : r.focus.is_suppressed || r.focus.numerator === null ? "*" : Math.round(r.focus.numerator).toLocaleString("en-GB");
      return html`<tr><th scope="row">${r.indicator.short} <span class="unit">(${r.indicator.unit})</span></th><td>${r.period}</td>
        <td class="num">${count}</td>
        <td class="num"><strong>${r.focus.is_suppressed ? "*" : bare(r.focus.value)}</strong></td>
        ${kinds.map((k) => comparatorCell(r, k))}
        <td class="num">${r.wardRange ? `${bare(r.wardRange.min)} – ${bare(r.wardRange.max)}` : "–"}</td>
        <td>${pill(parent?.outcome ?? "not_compared")}</td></tr>`;
    })}</tbody></table>
    <p class="note">* suppressed: counts of 1 to 4 are not shown, to protect privacy. Survey counts are unweighted respondents.</p>`;
}

function chartFigure(c: RenderedChart, n: number): Raw {
  const t = c.bundle.table;
  return html`<figure id="${c.bundle.id}" aria-labelledby="${c.bundle.id}-cap">
    ${raw(c.svg)}
    <figcaption id="${c.bundle.id}-cap"><strong>Figure ${n}.</strong> ${c.bundle.alt}</figcaption>
    <details><summary>Data table for figure ${n}</summary>
      <table><thead><tr>${t.columns.map((col) => html`<th scope="col">${col}</th>`)}</tr></thead>
      <tbody>${t.rows.map((row) => html`<tr>${row.map((v) => (typeof v === "number" ? html`<td class="num">${v.toLocaleString("en-GB", { maximumFractionDigits: 2 })}</td>` : html`<td>${v ?? ""}</td>`))}</tr>`)}</tbody></table>
    </details>
    <p class="downloads">Downloads: <a href="${c.files.csv}">data (CSV)</a> · <a href="${c.files.svg}">SVG</a> · <a href="${c.files.png}">PNG</a> · <a href="${c.files.spec}">Vega-Lite spec</a></p>
  </figure>`;
}

/** Render the whole pack page. `charts` are keyed by bundle id. */
export function renderPackHtml(m: PackModel, charts: Map<string, RenderedChart>): string {
  const synthetic = m.synthetic ? html`<div class="banner" role="note">Synthetic demo data: every figure in this pack is made up, for demonstration only.</div>` : "";
  const built = m.builtAt.toISOString().slice(0, 10);
  let fig = 0;
  const significant = m.headlines.filter((h) => h.outcome !== "similar");
  const similar = m.headlines.filter((h) => h.outcome === "similar");
  const rel = (p: string) => path.relative(m.configBaseDir, p) || p;
  const body = html`
<header class="cover">
  <p class="kicker">Strategic needs assessment</p>
  <h1>${m.focus.name}</h1>
  <p>${m.title}</p>
  ${synthetic}
  <p class="meta">${m.focus.type === "locality" ? "Locality" : "Ward"} ${m.focus.code}, ${m.parent.name} (${m.parent.code})<br>Built ${built} by localneeds</p>
</header>
<main>
<nav class="toc" aria-labelledby="toc-h"><h2 id="toc-h">Contents</h2><ol>
  <li><a href="#summary">Summary</a></li><li><a href="#indicators">All indicators at a glance</a></li>
  ${m.sections.map((s) => html`<li><a href="#${s.id}">${s.title}</a></li>`)}
  <li><a href="#data-quality">Data quality</a></li><li><a href="#methods">Methods</a></li><li><a href="#sources">Sources and licences</a></li>
</ol></nav>
<section class="page" id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>
  ${synthetic}
  <p>How ${m.focus.name} compares with ${m.parent.name} as a whole, on the latest data. "Significantly" means the difference is larger than chance would explain at the 95% level.</p>
  ${significant.length ? html`<h3>Where ${m.focus.name} differs</h3><ul class="headlines">${significant.map((h) => html`<li>${pill(h.outcome)} ${h.text}</li>`)}</ul>` : ""}
  ${similar.length ? html`<h3>Where it is similar</h3><ul class="headlines">${similar.map((h) => html`<li>${pill("similar")} ${h.text}</li>`)}</ul>` : ""}
</section>
<section class="page" id="indicators" aria-labelledby="indicators-h"><h2 id="indicators-h">All indicators at a glance</h2>
  ${synthetic}
  ${summaryTable(m)}
</section>
${m.sections.map((s) => html`<section class="page" id="${s.id}" aria-labelledby="${s.id}-h"><h2 id="${s.id}-h">${s.title}</h2>
  ${synthetic}<p>${s.intro}</p>
  ${s.charts.map((c) => chartFigure(charts.get(c.id)!, ++fig))}
</section>`)}
<section class="page" id="data-quality" aria-labelledby="dq-h"><h2 id="dq-h">Data quality</h2>
  ${synthetic}
  ${m.dataQuality.warnings.length ? html`<h3>Warnings</h3>${m.dataQuality.warnings.map((w) => html`<p class="warning">${w.message}</p>`)}` : html`<p>No data-quality warnings.</p>`}
  <h3>Rows loaded and rejected</h3>
  <table><thead><tr><th scope="col">File</th><th scope="col" class="num">Rows read</th><th scope="col" class="num">Loaded</th><th scope="col" class="num">Rejected</th></tr></thead>
  <tbody>${m.dataQuality.loads.map((l) => html`<tr><td>${rel(l.path)}</td><td class="num">${l.rowsRead.toLocaleString("en-GB")}</td><td class="num">${l.rowsLoaded.toLocaleString("en-GB")}</td><td class="num">${l.rowsRejected.toLocaleString("en-GB")}</td></tr>`)}</tbody></table>
  ${m.dataQuality.rejectsByFile.map((f) => html`<h3>Rejected rows in ${rel(f.path)} (${f.rejected})</h3><ul class="note">${f.first.map((r) => html`<li>line ${r.line}${r.column ? `, column ${r.column}` : ""}: ${r.reason}</li>`)}</ul>`)}
  <p>${m.dataQuality.suppressed.toLocaleString("en-GB")} values across all areas are suppressed for disclosure control (counts of 1 to 4, survey bases under 30).</p>
</section>
<section class="page" id="methods" aria-labelledby="methods-h"><h2 id="methods-h">Methods</h2>
  ${synthetic}
  <p>Rates use exact Poisson confidence limits below 10 events and Byar's method from 10; proportions use Wilson score limits; survey estimates are design-weighted with logit intervals on the design's degrees of freedom (the methods of Public Health England's Fingertips and PHEindicatormethods). An area is significantly different from a comparator when its 95% interval does not include the comparator's value.</p>
  <table><thead><tr><th scope="col">Indicator</th><th scope="col">Definition</th><th scope="col">Method</th><th scope="col">Source</th></tr></thead>
  <tbody>${m.indicators.map((i) => html`<tr><th scope="row">${i.title}</th><td>${i.definition}</td><td>${i.method} (${i.unit})</td><td>${i.source}</td></tr>`)}</tbody></table>
</section>
<section class="page" id="sources" aria-labelledby="sources-h"><h2 id="sources-h">Sources and licences</h2>
  ${synthetic}
  <p>Contains public sector information licensed under the Open Government Licence v3.0. Contains OS data © Crown copyright and database right. Local data (residents survey, complaints) is summarised only: no microdata, free text or personal details appear in this pack.</p>
  <table><thead><tr><th scope="col">Input file</th><th scope="col">SHA-256</th><th scope="col" class="num">Rows</th></tr></thead>
  <tbody>${m.inputs.map((i) => html`<tr><td>${rel(i.path)}</td><td><code>${i.sha256.slice(0, 16)}…</code></td><td class="num">${i.rowsRead.toLocaleString("en-GB")}</td></tr>`)}</tbody></table>
  <p class="note">Full hashes, row counts and output files are listed in manifest.json.</p>
</section>
</main>
${m.synthetic ? html`<footer class="print-footer">Synthetic demo data · ${m.focus.name} needs assessment</footer>` : ""}`;
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html`${m.focus.name}: needs assessment${m.synthetic ? " (synthetic demo data)" : ""}`}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
