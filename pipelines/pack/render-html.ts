/**
 * The pack as one self-contained HTML page: inline SVG charts, inline CSS, no script and no
 * external request (a Content-Security-Policy says so), an A4 print stylesheet. Every piece of
 * data-derived text is escaped (`html` template). The same page, with page numbers in the
 * contents and without the fixed print footer, is what `render-pdf.ts` prints.
 */
import type { OutcomeLine, PackBlock, PackModel, PackSection, SummaryRow, WardMatrix } from "./pack-types.ts";
import { COMPARATOR_ORDER, comparatorLabel, OUTCOME_TEXT, parentNoun, SECTIONS, titleOf } from "./pack-types.ts";
import { capital, noPrioritiesSentence, plural, trendPeriods, trendSpan } from "./narrative.ts";
import { PRIORITY_RULE } from "./priorities.ts";
import type { PackFigure } from "./figures/index.ts";
import { esc, html, raw, tbodies, type Raw } from "./html.ts";
import type { ChartSpecBundle } from "../../notebooks/charts/index.ts";
import { formatNumber } from "../../notebooks/charts/builders.ts";
import { namesUnit } from "../../notebooks/charts/bundle.ts";
import { missingLabel } from "../../notebooks/charts/labels.ts";
import { CONTEXT_NOTE, isContextMeasure } from "../../transforms/indicators/define.ts";
import { weightingWords } from "../../transforms/survey-weighting.ts";
import type { IndicatorTrendRow } from "../../transforms/marts.ts";
import { displayPath } from "../../sources/files.ts";

/** A chart rendered for the page: its bundle, inline SVG, and download file names. */
export interface RenderedChart {
  bundle: ChartSpecBundle;
  svg: string;
  /** The chart without its title block, for print: the PDF's caption carries the title and reading notes as text. */
  printSvg: string;
  files: { svg: string; png: string; spec: string; csv: string };
}

/** Options of {@link renderPackHtml}. */
export interface RenderHtmlOptions {
  /** Section id -> page number, printed in the contents (the PDF's second pass). */
  pages?: Map<string, number>;
  /** True for the page Chromium prints: no fixed footer (the PDF has its own), no download links. */
  forPdf?: boolean;
  /** File names of the pack's PDF and workbook when written (linked from the cover). */
  downloads?: { pdf?: string; xlsx?: string; pptx?: string };
}

/** Direction of change from the baseline (outcomes framework), as word and shape. */
const DIRECTION_TEXT: Record<string, { cls: string; symbol: string }> = {
  improved: { cls: "better", symbol: "▲" },
  worsened: { cls: "worse", symbol: "▼" },
  "no significant change": { cls: "similar", symbol: "●" },
  increased: { cls: "higher", symbol: "◆" },
  decreased: { cls: "lower", symbol: "◇" },
  "not comparable": { cls: "not_compared", symbol: "–" },
};

const CSS = `
:root { --ink:#1a1a1a; --muted:#4d4d4d; --rule:#cfcfcf; --accent:#1f4e79; --tint:#f3f6f9;
  --better:#0072b2; --worse:#d55e00; --similar:#f0e442; --higher:#01665e; --lower:#80cdc1; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", Verdana, sans-serif; color: var(--ink); font-size: 10pt; line-height: 1.45; }
body { margin: 0 auto; max-width: 194mm; padding: 0 6mm 20mm; background: #fff; }
h1, h2, h3 { color: var(--accent); line-height: 1.2; break-after: avoid; page-break-after: avoid; }
h1 { font-size: 26pt; margin: 0 0 4mm; }
h2 { font-size: 16pt; border-bottom: 2px solid var(--accent); padding-bottom: 1.5mm; margin: 10mm 0 4mm; }
h3 { font-size: 11.5pt; margin: 7mm 0 2mm; }
h2 .no { color: var(--muted); font-weight: normal; margin-right: 1mm; }
p { margin: 0 0 2.5mm; }
a { color: var(--accent); }
.banner { background: #fff3cd; border: 1px solid #9a7a00; color: #4a3800; padding: 1.5mm 3mm; font-weight: bold; margin: 3mm 0; font-size: 9pt; }
.cover { min-height: 262mm; display: flex; flex-direction: column; justify-content: center; padding: 10mm 0; }
.cover .kicker { text-transform: uppercase; letter-spacing: .1em; color: var(--muted); font-size: 10pt; margin: 0 0 3mm; }
.cover .subtitle { font-size: 13pt; color: var(--ink); }
.cover .meta { color: var(--muted); margin-top: 10mm; font-size: 9.5pt; }
.cover .rule { height: 4mm; width: 40mm; background: var(--accent); margin: 0 0 8mm; }
.downloads-box { margin-top: 6mm; font-size: 9.5pt; }
.toc ol { list-style: none; padding: 0; margin: 0; }
.toc li { display: flex; align-items: baseline; margin: 1.6mm 0; font-size: 11pt; }
.toc li .n { width: 8mm; color: var(--muted); }
.toc li a { text-decoration: none; color: var(--ink); }
.toc li .dots { flex: 1; border-bottom: 1px dotted #888; margin: 0 2mm; transform: translateY(-1mm); }
.toc li .pg { min-width: 8mm; text-align: right; font-variant-numeric: tabular-nums; }
.keyfacts { font-size: 11pt; }
.keyfacts p { margin-bottom: 3mm; }
.priorities { border-left: 1.2mm solid #b2182b; padding: 1mm 0 1mm 4mm; margin: 0 0 4mm; }
.priorities ol { margin: 0 0 2mm; padding-left: 5mm; }
.priorities li { margin: 0 0 2mm; break-inside: avoid; }
.priorities .why { color: #555; }
.headlines { list-style: none; padding: 0; margin: 0 0 3mm; }
.headlines li { margin: 0 0 2mm; padding-left: 27mm; text-indent: -27mm; break-inside: avoid; }
.headlines li .pill { text-indent: 0; margin-right: 2mm; }
.pill { display: inline-block; width: 25mm; padding: .2mm 1mm; border-radius: 1.5mm; font-weight: bold; font-size: 7.5pt; text-align: center; border: 1px solid #555; white-space: nowrap; }
.pill.better { background: var(--better); color: #fff; border-color: var(--better); }
.pill.worse { background: var(--worse); color: #000; border-color: #8a3b00; }
.pill.similar { background: var(--similar); color: #000; border-color: #8a8200; }
.pill.higher { background: var(--higher); color: #fff; border-color: var(--higher); }
.pill.lower { background: var(--lower); color: #000; border-color: #3c8a7f; }
.pill.not_compared { background: #fff; color: #333; border-style: dashed; }
.sym { font-size: 8pt; margin-left: .8mm; }
.sym.better { color: #005a8c; } .sym.worse { color: #a84400; } .sym.similar { color: #6e6700; }
.sym.higher { color: #01665e; } .sym.lower { color: #2a7d72; } .sym.not_compared { color: #595959; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 2mm 0 3mm; }
caption { caption-side: top; text-align: left; font-size: 8.5pt; color: var(--muted); padding-bottom: 1.5mm; }
th, td { border-bottom: 1px solid var(--rule); padding: 1mm 1.2mm; text-align: left; vertical-align: top; }
thead th { background: var(--tint); font-weight: bold; vertical-align: bottom; white-space: normal; }
tbody th { font-weight: normal; }
th .unit, td .unit { font-weight: normal; color: var(--muted); }
.context-why { display: block; font-size: 7.5pt; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num, td.period { white-space: nowrap; }
tr.agg th, tr.agg td { background: var(--tint); font-weight: bold; }
tr { break-inside: avoid; }
.table-wrap { overflow-x: auto; }
.summary-table thead th:first-child { width: 27%; }
.summary-table td.num { font-size: 7.5pt; }
.summary-table .trend { font-size: 10pt; line-height: 1; }
.matrix th:first-child { width: 22%; }
figure { margin: 5mm 0 6mm; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 8.5pt; color: var(--muted); margin-top: 1.5mm; }
.source { display: block; font-size: 8pt; color: var(--muted); margin-top: .8mm; }
details { font-size: 8pt; margin-top: 1mm; }
details summary { cursor: pointer; color: var(--accent); }
details table { font-size: 7.5pt; }
.downloads { font-size: 8pt; color: var(--muted); margin: 1mm 0 0; }
.note { font-size: 8.5pt; color: var(--muted); }
.keep { break-inside: avoid; page-break-inside: avoid; }
tbody.tail { break-inside: avoid; }
.warning { border-left: 4px solid var(--worse); padding: 1mm 3mm; background: #fdf1e8; margin: 1.5mm 0; font-size: 8.5pt; break-inside: avoid; }
.missing { border: 1px dashed #888; padding: 2mm 3mm; color: var(--muted); background: #fafafa; }
.bar { display: inline-block; width: 18mm; height: 2.6mm; border: 1px solid #666; vertical-align: middle; margin-right: 1mm; background: #fff; }
.bar span { display: block; height: 100%; background: var(--accent); }
ul.plain { padding-left: 5mm; margin: 1mm 0 3mm; }
code { font-size: 8pt; }
footer.print-footer { display: none; }
@media screen { .cover { min-height: 75vh; } }
@page { size: A4; margin: 14mm 12mm 18mm; }
@media print {
  html { font-size: 9.5pt; }
  body { max-width: none; padding: 0; }
  .cover { min-height: 255mm; break-after: page; page-break-after: always; }
  .toc { break-after: page; page-break-after: always; }
  section.page { break-before: page; page-break-before: always; }
  h2 { margin-top: 0; }
  details { display: none; }
  .downloads, .downloads-box { display: none; }
  a { color: inherit; text-decoration: none; }
  footer.print-footer { display: block; position: fixed; bottom: -12mm; left: 0; right: 0; font-size: 7.5pt; color: #4a3800; text-align: center; }
  .table-wrap { overflow: visible; }
  /* Charts are laid out to the text width (PRINT_WIDTH) and printed 1:1: no chart is shrunk below its
     10 px (7.5 pt) text. Only a chart taller than a page is scaled down to fit it. */
  figure svg { width: auto; max-width: 100%; max-height: 235mm; }
  /* Nothing may be wider than the text width: Chromium would shrink every page to fit it. Wide
     tables get smaller type and may break a number's range after its dash, never inside a word. */
  td.num { white-space: normal; }
  .summary-table th, .summary-table td, .matrix th, .matrix td { padding-left: .4mm; padding-right: .4mm; font-size: 7pt; }
  .pill { width: auto; white-space: normal; }
  h3 { margin-top: 3mm; }
  figcaption { margin-top: 1mm; font-size: 8pt; line-height: 1.3; }
  .source { font-size: 7.5pt; }
  figure { margin: 2mm 0 3mm; }
}
`;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; base-uri 'none'; form-action 'none'";

function pill(outcome: string): Raw {
  const o = OUTCOME_TEXT[outcome] ?? OUTCOME_TEXT.not_compared!;
  return html`<span class="pill ${outcome}"><span aria-hidden="true">${o.symbol} </span>${o.label}</span>`;
}

/** A small outcome shape after a value, with its word for screen readers. */
function sym(outcome: string | null | undefined, who: string): Raw {
  if (!outcome) return raw("");
  const o = OUTCOME_TEXT[outcome] ?? OUTCOME_TEXT.not_compared!;
  return html`<span class="sym ${outcome}" role="img" aria-label="${who}: ${o.label.toLowerCase()}" title="${o.label}">${o.symbol}</span>`;
}

/** A number in the indicator's own unit, without the unit (the header carries it). */
function bare(v: number | null | undefined, decimals = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? "–" : formatNumber(v, decimals);
}

/** " (unit)" after a name, unless the name already says it; `extra` (a period) after the unit. */
function unitSpan(name: string, unit: string, extra?: string): Raw | string {
  const parts = [namesUnit(name, unit) ? "" : unit, extra ?? ""].filter(Boolean);
  return parts.length ? html` <span class="unit">(${parts.join(", ")})</span>` : "";
}

/** The section list, in page order (id, title); also the contents. */
export function tocEntries(m: PackModel): { id: string; title: string }[] {
  return [
    { id: "summary", title: "Executive summary" },
    { id: "glance", title: m.kind === "focus" ? "All indicators at a glance" : "Every ward at a glance" },
    { id: m.about.id, title: m.about.title },
    ...m.sections.map((s) => ({ id: s.id, title: s.title })),
    { id: "outcomes", title: "Outcomes framework" },
    { id: "need", title: "Need index and area tiers" },
    { id: "changes", title: "What changed since the last run" },
    { id: "data-quality", title: "Data quality" },
    { id: "methods", title: "Methods" },
    { id: "sources", title: "Sources and licences" },
  ];
}

/** The change report: files, new periods, outcomes that changed, baseline revisions, warnings. */
function changesBody(m: PackModel): Raw {
  const c = m.changes;
  if (!c) return html`<p class="missing">No change report for this build.</p>`;
  if (!c.previous_run_id) return html`<p>This is the first run: everything is new. Later runs list here what changed since the one before (also in <code>changes.json</code>).</p>`;
  const periods = [...new Set(c.new_periods.map((p) => `${p.period_label}`))];
  const names = new Map(m.indicators.map((i) => [i.id, i.short]));
  // The page shows annual and pooled periods; monthly and rolling churn stays in changes.json.
  const fine = (label: string) => /^\d{4}-\d{2}$/.test(label) || label.startsWith("12 months to");
  const shown = c.outcome_changes.filter((o) => !fine(o.period_label));
  const word = (o: string) => o.replaceAll("_", " ");
  return html`<p>Run ${c.run_id}, compared with run ${c.previous_run_id}. The same report is in <code>changes.json</code>.</p>
  <h3>Input files</h3>
  <p>${c.files.added.length} added, ${c.files.replaced.length} replaced (re-issued), ${c.files.removed.length} removed, ${c.files.unchanged} unchanged.</p>
  ${c.files.added.length || c.files.replaced.length || c.files.removed.length ? html`<ul class="note">
    ${c.files.added.map((f) => html`<li>added: ${f}</li>`)}${c.files.replaced.map((f) => html`<li>replaced: ${f.path}</li>`)}${c.files.removed.map((f) => html`<li>removed: ${f}</li>`)}</ul>` : ""}
  <h3>New periods</h3>
  <p>${periods.length ? periods.slice(0, 24).join(", ") + (periods.length > 24 ? ` and ${periods.length - 24} more` : "") : "None."}</p>
  <h3>Comparisons that changed</h3>
  ${shown.length ? html`<table><thead><tr><th scope="col">Indicator</th><th scope="col">Period</th><th scope="col">Compared with</th><th scope="col">Was</th><th scope="col">Now</th></tr></thead>
    ${tbodies(shown.slice(0, 40).map((o) => html`<tr><td>${names.get(o.indicator_id) ?? o.indicator_id}</td><td>${o.period_label}</td><td>${word(o.comparator_kind)}</td><td>${word(o.previous)}</td><td>${word(o.now)}</td></tr>`))}</table>` : html`<p>None for annual or pooled periods.</p>`}
  ${c.outcome_changes.length > shown.length ? html`<p class="note">${c.outcome_changes.length - shown.length} changes for single months and rolling 12-month periods are listed in changes.json.</p>` : ""}
  <h3>Baseline revisions</h3>
  ${c.baseline_revisions.length ? html`<p>${c.baseline_revisions.length} baseline-period values changed in the source data; they were ${c.baseline_revisions[0]!.action === "rebased" ? "rebased as the config asks" : "kept frozen (set baseline.rebase to adopt them)"}.</p>` : html`<p>None: the frozen baseline matches the data.</p>`}
  <h3>Data-quality warnings</h3>
  <p>${c.warnings.filter((w) => w.new).length} new, ${c.warnings.filter((w) => !w.new).length} still present (see Data quality).</p>`;
}

/** Arrows of the glance table's recent-trend column (the caption gives the key). */
const TREND_ARROW: Record<string, string> = { increasing: "↑", decreasing: "↓", "no significant change": "→" };

/** A recent trend in two short lines (an arrow, then its span: `→` / `5 quarters`), its words for screen readers and on hover. */
function trendCell(t: IndicatorTrendRow): Raw {
  const words = `${t.direction} (${trendSpan(t)})`;
  return html`<span class="trend" role="img" aria-label="${words}" title="${words}">${TREND_ARROW[t.direction] ?? "–"}</span> ${trendPeriods(t).replace(" ", "\u00a0")}`;
}

function summaryTable(m: PackModel): Raw {
  const kinds = COMPARATOR_ORDER.filter((k) => m.summary.some((r) => r.comparators.some((c) => c.kind === k && c.value !== null)));
  const hasTrend = m.summary.some((r) => r.trend && r.trend.direction !== "cannot be calculated");
  return html`<div class="table-wrap" role="region" aria-label="All indicators at a glance" tabindex="0"><table class="summary-table">
    <caption>Latest period for each indicator. After each comparator's value, a shape shows how ${m.focus.name} compares with it at the 95% level: ▼ worse, ▲ better, ● similar, ◆ higher, ◇ lower, – not compared. The last column says it in words; context measures (which describe the area) are never called better or worse.${hasTrend ? " Recent trend (the Fingertips test over the latest points): ↑ increasing, ↓ decreasing, → no significant change." : ""}</caption>
    <thead><tr><th scope="col">Indicator</th><th scope="col">Period</th><th scope="col" class="num">Count</th><th scope="col" class="num">${m.focus.name}</th>
    ${kinds.map((k) => html`<th scope="col" class="num">${capital(comparatorLabel(k, m.parent.code))}</th>`)}
    <th scope="col" class="num">Ward range</th>${hasTrend ? html`<th scope="col">Recent trend</th>` : ""}<th scope="col">Compared with ${m.parent.name}</th></tr></thead>
    ${tbodies(m.summary.map((r) => {
      const parent = r.comparators.find((c) => c.kind === "parent");
      // "*" only where a figure was withheld to protect a small count; "–" where there is none (no data for the period).
      const hidden = missingLabel(r.focus) === "suppressed" ? "*" : "–";
      const count =
        r.indicator.method === "weighted_mean" ? "–" : r.focus.is_suppressed ? hidden : r.focus.numerator === null ? "–" : Math.round(r.focus.numerator).toLocaleString("en-GB");
      // A period of one word ("2018-Q4", "2019-02") does not break at its hyphen; a pooled one ("2021/22 - 2023/24") may at its spaces.
      return html`<tr><th scope="row">${r.indicator.short}${unitSpan(r.indicator.short, r.indicator.unit)}</th><td${r.period.includes(" ") ? "" : raw(' class="period"')}>${r.period}</td>
        <td class="num">${count}</td>
        <td class="num"><strong>${r.focus.is_suppressed ? hidden : bare(r.focus.value)}</strong></td>
        ${kinds.map((k) => {
          const c = r.comparators.find((x) => x.kind === k);
          return html`<td class="num">${bare(c?.value)}${c && c.value !== null && c.outcome !== "not_compared" ? sym(c.outcome, `${m.focus.name} against ${comparatorLabel(k, m.parent.code)}`) : ""}</td>`;
        })}
        <td class="num">${r.wardRange ? html`${bare(r.wardRange.min)}–<wbr>${bare(r.wardRange.max)}` : "–"}</td>
        ${hasTrend ? html`<td>${r.trend && r.trend.direction !== "cannot be calculated" ? trendCell(r.trend) : "–"}</td>` : ""}
        <td>${pill(parent?.outcome ?? "not_compared")}${isContextMeasure(r.indicator) ? html`<span class="context-why">${CONTEXT_NOTE}</span>` : ""}</td></tr>`;
    }))}</table></div>
    <p class="note">${m.summary.some((r) => r.focus.is_suppressed && missingLabel(r.focus) === "suppressed") ? "* suppressed: counts of 1 to 4 (and survey bases under 30), and figures that would let one be worked out, are not shown, to protect privacy. " : ""}${m.summary.some((r) => r.focus.is_suppressed && missingLabel(r.focus) === "no data") ? "– with a period: no data for the area in that period (e.g. a month police.uk has no file for). " : ""}Count: events or people counted in the period (for the survey, the number of respondents answering positively, unweighted). Ward range: lowest to highest ward value in ${m.parent.name}.</p>`;
}

function wardMatrixTable(t: WardMatrix, m: PackModel): Raw {
  const caption = t.byWard
    ? `${t.title}: every ward's latest value. After each ward's value a shape shows how it compares with ${m.parent.name} at the 95% level: ▼ worse, ▲ better, ● similar, ◆ higher, ◇ lower.`
    : `${t.title}: published for ${t.rows.map((r) => r.name).join(" and ")} only, not by ward (latest value).`;
  return html`<div class="table-wrap keep" role="region" aria-label="${t.title}: ${t.byWard ? "every ward" : "not by ward"}" tabindex="0"><table class="matrix">
    <caption>${caption}</caption>
    <thead><tr><th scope="col">${t.byWard ? "Ward" : "Area"}</th>${t.indicators.map((i) => html`<th scope="col" class="num">${i.short}${unitSpan(i.short, i.unit, i.period)}</th>`)}</tr></thead>
    ${tbodies(t.rows.map(
      (r) => html`<tr class="${r.kind === "ward" ? "" : "agg"}"><th scope="row">${r.name}</th>${r.cells.map(
        (c) => html`<td class="num">${c.suppressed ? "*" : bare(c.value)}${r.kind === "ward" && c.value !== null && c.outcome !== "not_compared" ? sym(c.outcome, `${r.name} against ${m.parent.name}`) : ""}</td>`,
      )}</tr>`,
    ))}</table></div>`;
}

/** A number in a figure's data table (what `toLocaleString("en-GB", ...)` gives, without making a formatter per cell). */
const TABLE_NUMBER = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });

function figureHtml(f: PackFigure, c: RenderedChart, n: number, forPdf: boolean): Raw {
  const t = c.bundle.table;
  return html`<figure id="fig-${c.bundle.id}" aria-labelledby="fig-${c.bundle.id}-cap">
    ${raw(forPdf ? c.printSvg : c.svg)}
    <figcaption id="fig-${c.bundle.id}-cap">${forPdf ? printCaption(c.bundle, n) : html`<strong>Figure ${n}.</strong> ${c.bundle.alt}`} <span class="source">Source: ${f.source}</span></figcaption>
    ${forPdf
      ? ""
      : html`<details><summary>Data table for figure ${n}</summary><div class="table-wrap" role="region" aria-label="Data table for figure ${n}" tabindex="0">
      <table><thead><tr>${t.columns.map((col) => html`<th scope="col">${col}</th>`)}</tr></thead>
      ${tbodies(t.rows.map((row) => html`<tr>${row.map((v) => (typeof v === "number" ? html`<td class="num">${TABLE_NUMBER.format(v)}</td>` : html`<td>${v ?? ""}</td>`))}</tr>`))}</table></div>
    </details>
    <p class="downloads">Downloads: <a href="${c.files.csv}">data (CSV)</a> · <a href="${c.files.svg}">SVG</a> · <a href="${c.files.png}">PNG</a> · <a href="${c.files.spec}">Vega-Lite spec</a></p>`}
  </figure>`;
}

/**
 * The printed caption: the chart's title and its reading notes (what the on-screen chart shows
 * in its title block), as text the width of the page, so the printed chart is all plot.
 */
function printCaption(b: ChartSpecBundle, n: number): Raw {
  const { title, notes } = titleOf(b);
  return html`<strong>Figure ${n}. ${title.replace(/[.:]$/, "")}.</strong> ${notes}`;
}



/** The priorities that open the executive summary: ranked, each with its figure, comparator and a link to its evidence. */
function priorities(m: PackModel): unknown {
  const heading = m.kind === "focus" ? `Priorities for ${m.focus.name}` : `Priorities for ${m.parent.name}`;
  if (!m.priorities.length) {
    return html`<div class="priorities"><h3>${heading}</h3><p>${noPrioritiesSentence(m)} The headlines below give every comparison.</p></div>`;
  }
  return html`<div class="priorities"><h3>${heading}</h3><ol>${m.priorities.map(
    (p) => html`<li><strong>${p.title}</strong>: ${p.sentence} <span class="why">(${p.reasons.join("; ")}; evidence: <a href="#${p.sectionId}">${SECTIONS.find((x) => x.domain === p.sectionId)?.title ?? p.sectionId}</a>)</span></li>`,
  )}</ol><p class="note">${PRIORITY_RULE}</p></div>`;
}

/** Render the whole pack page. `charts` are keyed by bundle id. */
export function renderPackHtml(m: PackModel, charts: Map<string, RenderedChart>, opts: RenderHtmlOptions = {}): string {
  const forPdf = opts.forPdf ?? false;
  const synthetic = m.synthetic ? html`<p class="banner" role="note">Synthetic demo data: every figure in this pack is made up, for demonstration only.</p>` : "";
  const built = m.builtAt.toISOString().slice(0, 10);
  let fig = 0;
  const figure = (f: PackFigure) => {
    const c = charts.get(f.chart.id);
    if (!c) throw new Error(`chart ${f.chart.id} was not rendered`);
    return figureHtml(f, c, ++fig, forPdf);
  };
  /** Blocks, with each subheading kept on the page of the figure or note that follows it. */
  const blocks = (bs: PackBlock[]): Raw[] => {
    const out: Raw[] = [];
    for (let i = 0; i < bs.length; i++) {
      const b = bs[i];
      if (b.kind === "subhead") {
        const next = bs[i + 1];
        if (next?.kind === "figure") {
          out.push(html`<div class="keep"><h3 id="${b.id}">${b.text}</h3>${figure(next.figure)}</div>`);
          i++;
        } else if (next?.kind === "note") {
          out.push(html`<div class="keep"><h3 id="${b.id}">${b.text}</h3><p class="missing">${next.text}</p></div>`);
          i++;
        } else out.push(html`<h3 id="${b.id}">${b.text}</h3>`);
      } else if (b.kind === "figure") out.push(figure(b.figure));
      else out.push(html`<p class="missing">${b.text}</p>`);
    }
    return out;
  };
  const toc = tocEntries(m);
  const no = (id: string) => toc.findIndex((t) => t.id === id) + 1;
  const section = (id: string, title: string, body: unknown) =>
    html`<section class="page" id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h"><span class="no">${no(id)}</span> ${title}</h2>${synthetic}${body}</section>`;
  // A path may break after a folder or an underscore (<wbr>), never inside a word.
  const rel = (p: string) => raw(esc(displayPath({ baseDir: m.configBaseDir }, p)).replace(/([/_])/g, "$1<wbr>"));
  const areaLine =
    m.kind === "overview"
      ? `${capital(parentNoun(m.parent.code))} overview: all wards of ${m.parent.name} (${m.parent.code})`
      : `${m.focus.type === "locality" ? "Locality" : "Ward"} ${m.focus.code}, ${m.parent.name} (${m.parent.code})`;

  const domainSection = (s: PackSection) => section(s.id, s.title, html`${s.intro.map((p) => html`<p>${p}</p>`)}${blocks(s.blocks)}`);
  const significant = m.headlines.filter((h) => h.outcome !== "similar" && h.outcome !== "not_compared");
  const similar = m.headlines.filter((h) => h.outcome === "similar");
  const context = m.headlines.filter((h) => h.outcome === "not_compared");
  const focusWord = m.kind === "focus" ? m.focus.name : "the wards";

  const body = html`
<header class="cover">
  <p class="kicker">Strategic needs assessment${m.kind === "overview" ? ` · ${parentNoun(m.parent.code)} overview` : ""}</p>
  <div class="rule"></div>
  <h1>${m.focus.name}</h1>
  <p class="subtitle">${m.title}</p>
  ${synthetic}
  <p class="meta">${areaLine}<br>Built ${built} by localneeds<br>${m.headlines.length} headlines · ${m.summary.length} indicators · ${m.chartCount} charts</p>
  ${forPdf
    ? ""
    : html`<p class="downloads-box">Downloads: ${opts.downloads?.pdf ? html`<a href="${opts.downloads.pdf}">the pack as PDF</a> · ` : ""}${opts.downloads?.xlsx ? html`<a href="${opts.downloads.xlsx}">every table as an Excel workbook</a> · ` : ""}${opts.downloads?.pptx ? html`<a href="${opts.downloads.pptx}">slides (PowerPoint)</a> · ` : ""}<a href="data/">chart data (CSV)</a> · <a href="manifest.json">manifest</a></p>`}
</header>
<main>
<nav class="toc" aria-labelledby="toc-h"><h2 id="toc-h">Contents</h2>${synthetic}<ol>
  ${toc.map(
    (t, i) =>
      html`<li><span class="n">${i + 1}</span><a href="#${t.id}">${t.title}</a>${opts.pages ? html`<span class="dots" aria-hidden="true"></span><span class="pg">${opts.pages.get(t.id) ?? ""}</span>` : ""}</li>`,
  )}
</ol></nav>
${section(
  "summary",
  "Executive summary",
  html`${priorities(m)}<div class="keyfacts">${m.keyFacts.map((p) => html`<p>${p}</p>`)}</div>
  <p class="note">"Significantly" means the difference is larger than chance would explain at the 95% level. Better or worse is said only for indicators where lower or higher is clearly better.</p>
  ${significant.length ? html`<h3>${m.kind === "focus" ? `Where ${m.focus.name} differs from ${m.parent.name}` : `Where wards stand out from ${m.parent.name}`}</h3><ul class="headlines">${significant.map((h) => html`<li>${pill(h.outcome)}${h.text}</li>`)}</ul>` : html`<p>No indicator shows a significant difference for ${focusWord}.</p>`}
  ${similar.length ? html`<h3>${m.kind === "focus" ? "Where it is similar" : "Where no ward stands out"}</h3><ul class="headlines">${similar.map((h) => html`<li>${pill("similar")}${h.text}</li>`)}</ul>` : ""}
  ${context.length ? html`<h3>Context (not tested for significance)</h3><ul class="headlines">${context.map((h) => html`<li>${pill("not_compared")}${h.text}</li>`)}</ul>` : ""}`,
)}
${section(
  "glance",
  tocEntries(m)[1].title,
  m.kind === "focus"
    ? html`${m.summary.length ? summaryTable(m) : html`<p class="missing">No indicator has a value for ${m.focus.name} in this build.</p>`}${m.spines.map((f) => figure(f))}`
    : html`<p>Every ward's latest value for each indicator, with how it compares with ${m.parent.name}.</p>${m.wardMatrices.map((t) => wardMatrixTable(t, m))}
      ${m.wardMatrices.length ? html`<p class="note">* suppressed: counts of 1 to 4 (and survey bases under 30), and figures that would let one be worked out. – no value: no data for the ward in that period.</p>` : html`<p class="missing">No indicator values in this build.</p>`}`,
)}
${section(m.about.id, m.about.title, html`${m.about.intro.map((p) => html`<p>${p}</p>`)}${blocks(m.about.blocks)}`)}
${m.sections.map(domainSection)}
${section("outcomes", "Outcomes framework", outcomesBody(m, figure))}
${section("need", "Need index and area tiers", needBody(m, figure))}
${section("changes", "What changed since the last run", changesBody(m))}
${section("data-quality", "Data quality", dataQualityBody(m, rel))}
${section("methods", "Methods", methodsBody(m))}
${section("sources", "Sources and licences", sourcesBody(m, rel))}
</main>
${m.synthetic && !forPdf ? html`<footer class="print-footer">Synthetic demo data: every figure is made up · ${m.focus.name} needs assessment</footer>` : ""}`;
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html`${m.focus.name}: ${m.kind === "overview" ? `${parentNoun(m.parent.code)} overview` : "needs assessment"}${m.synthetic ? " (synthetic demo data)" : ""}`}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function fmtChange(l: OutcomeLine): string {
  const r = l.row;
  if (r.change === null) return "–";
  const sign = (v: number) => (v > 0 ? "+" : "");
  const unit = r.change_kind === "ratio" ? "×" : l.unit === "%" ? " points" : "";
  const ci = r.change_lower95 !== null && r.change_upper95 !== null ? ` (${formatNumber(r.change_lower95, 1)} to ${formatNumber(r.change_upper95, 1)})` : "";
  return `${sign(r.change)}${formatNumber(r.change, r.change_kind === "ratio" ? 2 : 1)}${unit}${ci}`;
}

function outcomesBody(m: PackModel, figure: (f: PackFigure) => Raw): Raw {
  const o = m.outcomes;
  if (!o.lines.length) return html`<p>The outcomes framework tracks chosen indicators from the baseline year (${o.baseline}) to the latest.</p><p class="missing">${o.note ?? "Not available."}</p>`;
  const withTarget = o.lines.some((l) => l.row.target_value !== null || l.row.target_description);
  return html`<p>Change in each tracked indicator for ${m.focus.name} from the baseline year (${o.baseline}) to the latest period, with its 95% confidence interval. A change is called an improvement or a worsening only when it is significant.</p>
  <div class="table-wrap" role="region" aria-label="Outcomes framework" tabindex="0"><table>
    <thead><tr><th scope="col">Indicator</th><th scope="col" class="num">Baseline</th><th scope="col" class="num">Latest</th><th scope="col" class="num">Change (95% CI)</th><th scope="col">Direction</th>${withTarget ? html`<th scope="col">Target</th><th scope="col">Progress</th>` : ""}</tr></thead>
    ${tbodies(o.lines.map((l) => {
      const r = l.row;
      const d = DIRECTION_TEXT[r.direction] ?? DIRECTION_TEXT["not comparable"]!;
      const progress = r.progress_pct === null ? "–" : Math.max(0, Math.min(100, r.progress_pct));
      return html`<tr><th scope="row">${l.title}${unitSpan(l.title, l.unit)}</th>
        <td class="num">${bare(r.baseline_value)} <span class="unit">${r.baseline_period}</span></td>
        <td class="num">${bare(r.latest_value)} <span class="unit">${r.latest_period}</span></td>
        <td class="num">${fmtChange(l)}</td>
        <td><span class="sym ${d.cls}" aria-hidden="true">${d.symbol}</span> ${r.direction}${r.note ? html`<br><span class="unit">${r.note}</span>` : ""}</td>
        ${withTarget
          ? html`<td>${r.target_description ?? (r.target_value !== null ? `${bare(r.target_value)}${r.target_period ? ` by ${r.target_period}` : ""}` : "no target")}</td>
        <td>${typeof progress === "number" ? html`<span class="bar" aria-hidden="true"><span style="width:${progress.toFixed(0)}%"></span></span>${formatNumber(r.progress_pct, 0)}%${r.target_met ? " (met)" : ""}` : "–"}</td>`
          : ""}</tr>`;
    }))}</table></div>
  <p class="note">Direction: ▲ improved, ▼ worsened, ● no significant change, ◆ increased, ◇ decreased (no better or worse). Progress: the share of the targeted change from the baseline achieved so far (100% = target reached).</p>
  ${o.figure ? figure(o.figure) : ""}`;
}

function needBody(m: PackModel, figure: (f: PackFigure) => Raw): Raw {
  const n = m.need;
  if (!n.rows.length) return html`<p>The need index ranks wards on a weighted combination of the indicators, and groups them into tiers for targeting.</p><p class="missing">${n.note ?? "Not available."}</p>`;
  const f = n.focusRow;
  return html`<p>The need index combines the indicators into one score per ward (higher: greater need) and ranks the wards; tiers group them for targeting. The rank range shows how far a ward's rank moves under the alternative weightings tested.</p>
  ${f ? html`<p><strong>${m.focus.name}</strong> ranks ${f.rank} of ${n.rows.length} wards (score ${formatNumber(f.score, 2)}, ${f.tier}; rank ${f.rank_min} to ${f.rank_max} under other weightings).</p>` : ""}
  ${n.focusLocality ? html`<p><strong>${m.focus.name}</strong> (a locality of ${n.focusLocality.wards} wards) scores ${formatNumber(n.focusLocality.score, 2)} on the wards' scale, as the ward ranked ${n.focusLocality.ward_rank} of ${n.rows.length} would: ${n.focusLocality.tier}.</p>` : ""}
  ${n.drivers.length ? html`<p>What raises its score most (standardised value, positive: more need than the average ward): ${n.drivers.map((x, i) => html`${i ? "; " : ""}${x.title} (${x.z > 0 ? "+" : ""}${formatNumber(x.z, 1)})`)}.</p>` : ""}
  ${n.figures.map(figure)}
  <div class="table-wrap" role="region" aria-label="Need index by ward" tabindex="0"><table>
    <caption>Every ward's need score, rank and tier.</caption>
    <thead><tr><th scope="col" class="num">Rank</th><th scope="col">Ward</th><th scope="col" class="num">Score</th><th scope="col">Tier</th><th scope="col" class="num">Rank range</th><th scope="col" class="num">Indicators used</th></tr></thead>
    ${tbodies(n.rows.map((r) => html`<tr class="${m.highlight.includes(r.area_code) ? "agg" : ""}"><td class="num">${r.rank}</td><th scope="row">${r.area_name}</th><td class="num">${formatNumber(r.score, 2)}</td><td>${r.tier}</td><td class="num">${r.rank_min}–${r.rank_max}</td><td class="num">${r.indicators_used}</td></tr>`))}
  </table></div>
  ${n.localities.length ? localitiesTable(m) : ""}`;
}

/** The config's localities tiered on the wards' scale: the same cut as the wards', so a locality and a ward of the same need get the same approach. */
function localitiesTable(m: PackModel): Raw {
  const n = m.need;
  return html`<p>Localities are scored on the wards' scale: each indicator's value for the locality (counted over all its wards) is standardised with the wards' average and spread, then combined as for a ward. A locality is managed when its score reaches that of the least needy managed ward.</p>
  <div class="table-wrap" role="region" aria-label="Need index by locality" tabindex="0"><table>
    <caption>Every locality's need score on the wards' scale, and its tier.</caption>
    <thead><tr><th scope="col" class="num">Rank</th><th scope="col">Locality</th><th scope="col" class="num">Wards</th><th scope="col" class="num">Score</th><th scope="col" class="num">Would rank among the ${n.rows.length} wards</th><th scope="col">Tier</th></tr></thead>
    ${tbodies(n.localities.map((r) => html`<tr class="${m.highlight.includes(r.area_code) ? "agg" : ""}"><td class="num">${r.rank}</td><th scope="row">${r.area_name}</th><td class="num">${r.wards}</td><td class="num">${formatNumber(r.score, 2)}</td><td class="num">${r.ward_rank}</td><td>${r.tier}</td></tr>`))}
  </table></div>`;
}

const WARNING_TITLES: Record<string, string> = {
  crime_anomalous_month: "Months with unusual crime counts",
  crime_repeated_line: "Repeated police.uk lines (counted once)",
  crime_no_territorial_force: "Months with no police force's data (withheld)",
  crime_rate_implausible: "Crime counts far below any authority's (incomplete files?)",
  crime_force_outside_build: "Police forces whose files place nothing in this area",
  absence_part_year: "Pupil absence of part of a year (not measured)",
  nomis_period_repeated: "Nomis months given by two downloads (counted once)",
  fingertips_rows_repeated: "Fingertips rows in two exports (counted once)",
  fingertips_rows_conflict: "Fingertips exports that disagree (newer kept)",
  ks2_files_disagree: "KS2 files that disagree (later file used)",
  school_ward_not_in_build: "Schools with ward codes of another vintage",
  file_all_rejected: "Files of which every row was rejected",
  no_population: "Indicators not measured: no population",
};

function dataQualityBody(m: PackModel, rel: (p: string) => Raw): Raw {
  const q = m.dataQuality;
  const read = q.loads.reduce((s, l) => s + l.rowsRead, 0);
  const rejected = q.loads.reduce((s, l) => s + l.rowsRejected, 0);
  const bySource = new Map<string, { files: number; read: number; loaded: number; rejected: number }>();
  for (const l of q.loads) {
    const x = bySource.get(l.source) ?? { files: 0, read: 0, loaded: 0, rejected: 0 };
    x.files++;
    x.read += l.rowsRead;
    x.loaded += l.rowsLoaded;
    x.rejected += l.rowsRejected;
    bySource.set(l.source, x);
  }
  const codes = [...new Set(q.warnings.map((w) => w.code))];
  const titles = new Map(m.indicators.map((i) => [i.id, i.short]));
  const suppressionByInd = new Map<string, { n: number; reasons: string[] }>();
  for (const s of q.suppression) {
    const x = suppressionByInd.get(s.indicator_id) ?? { n: 0, reasons: [] };
    x.n += s.values;
    x.reasons.push(`${s.reason} (${s.values})`);
    suppressionByInd.set(s.indicator_id, x);
  }
  const n = (v: number) => v.toLocaleString("en-GB");
  return html`<p>${n(q.loads.length)} input files: ${n(read)} rows read, ${n(read - rejected)} loaded and ${n(rejected)} rejected. Every rejected row is kept, with its line and the reason, in the warehouse table <code>audit.rejects</code>.</p>
  <h3>Warnings</h3>
  ${codes.length
    ? codes.map((code) => {
        const ws = q.warnings.filter((w) => w.code === code);
        return html`<p><strong>${WARNING_TITLES[code] ?? capital(code.replaceAll("_", " "))}</strong> (${ws.length})</p>${ws.slice(0, 8).map((w) => html`<p class="warning">${w.message}</p>`)}${ws.length > 8 ? html`<p class="note">… and ${ws.length - 8} more (audit.warnings).</p>` : ""}`;
      })
    : html`<p>No data-quality warnings.</p>`}
  ${q.crimeUnplaced && (q.crimeUnplaced.noLocation || q.crimeUnplaced.outsideLookup || q.crimeUnplaced.otherAuthorities)
    ? html`<p>police.uk: ${n(q.crimeUnplaced.noLocation)} crimes had no location and ${n(q.crimeUnplaced.outsideLookup)} were in neighbourhoods outside the geography lookup${q.crimeUnplaced.otherAuthorities ? `, and ${n(q.crimeUnplaced.otherAuthorities)} in neighbourhoods of authorities not in this build (geography.authorities)` : ""}; they are counted at force level only, not in any area.</p>`
    : ""}
  <h3>Rejected rows</h3>
  ${q.rejectsByFile.length
    ? q.rejectsByFile.map((f) => html`<p><strong>${rel(f.path)}</strong>: ${n(f.rejected)} rejected</p><ul class="plain note">${f.first.map((r) => html`<li>line ${r.line ?? "?"}${r.column ? `, column ${r.column}` : ""}: ${r.reason}</li>`)}</ul>`)
    : html`<p>No rows were rejected.</p>`}
  <div class="keep"><h3>Rows by source</h3>
  <table><thead><tr><th scope="col">Source</th><th scope="col" class="num">Files</th><th scope="col" class="num">Rows read</th><th scope="col" class="num">Loaded</th><th scope="col" class="num">Rejected</th></tr></thead>
  ${tbodies([...bySource].map(([s, x]) => html`<tr><th scope="row">${s}</th><td class="num">${n(x.files)}</td><td class="num">${n(x.read)}</td><td class="num">${n(x.loaded)}</td><td class="num">${n(x.rejected)}</td></tr>`))}</table></div>
  <div class="keep"><h3>Suppression</h3>
  <p>${n(q.suppressed)} values across all areas and breakdowns are not published: counts of 1 to 4 (and any count that would reveal one), survey bases under 30, and values with no denominator.</p></div>
  ${suppressionByInd.size
    ? html`<table><thead><tr><th scope="col">Indicator</th><th scope="col" class="num">Values withheld</th><th scope="col">Why</th></tr></thead>
    ${tbodies([...suppressionByInd].map(([id, x]) => html`<tr><th scope="row">${titles.get(id) ?? id}</th><td class="num">${n(x.n)}</td><td>${x.reasons.join("; ")}</td></tr>`))}</table>`
    : ""}
  <div class="keep"><h3>Indicators not shown in a section</h3>
  ${m.unshown.length
    ? html`<p>These indicators have values in the warehouse (<code>marts.indicator_values</code>) but no section of this pack shows them:</p>
    <ul class="plain">${m.unshown.map((u) => html`<li><strong>${u.title}</strong> (${u.id}): ${u.reason}.</li>`)}</ul>`
    : html`<p>Every indicator with values in this build is shown in a section.</p>`}</div>
  <div class="keep"><h3>Area codes and boundaries</h3>
  <table><thead><tr><th scope="col">Area type</th><th scope="col">Code vintage</th><th scope="col" class="num">Areas</th></tr></thead>
  ${tbodies(q.vintages.map((v) => html`<tr><th scope="row">${v.area_type.replaceAll("_", " ")}</th><td>${v.vintage}</td><td class="num">${n(v.areas)}</td></tr>`))}</table>
  ${q.boundaries.map((b) => html`<p>Boundaries of ${b.kind}: ${rel(b.file)} (codes in ${b.codeProperty}; ${b.matched} of ${b.expected} ${b.kind} of the lookup have a boundary).</p>`)}
  ${q.boundaries.length ? "" : html`<p>No boundary files in this build: the pack has no maps.</p>`}
  ${q.boundaryNotes.length ? q.boundaryNotes.map((b) => html`<p class="warning">${b}</p>`) : ""}
  <p class="note">Codes are joined by GSS code and vintage, never by name. Vintage conversions (crosswalks) made while loading are listed under Warnings.</p></div>`;
}

/** How the survey estimates were weighted, as the build did it: raked weights are never called design weights. */
function surveyMethod(m: PackModel): string {
  const words = weightingWords(m.surveyWeightings);
  return words ? ` survey estimates use ${words}, with logit intervals on the design's degrees of freedom` : " survey estimates are weighted, with logit intervals on the design's degrees of freedom";
}

function methodsBody(m: PackModel): Raw {
  return html`<p>Rates use exact Poisson confidence limits below 10 events and Byar's method from 10; age-standardised rates are directly standardised to the European Standard Population 2013 (19 five-year bands) with Dobson limits, and are not published on fewer than 10 events; proportions use Wilson score limits;${surveyMethod(m)} (the methods of the Office for Health Improvement and Disparities' Fingertips and PHEindicatormethods). Fingertips indicators are shown as OHID publishes them (value, 95% and 99.8% limits, count and denominator; the method, which may be a directly standardised rate, is named in the data), never recomputed. An area is significantly different from a comparator when its 95% interval does not include the comparator's value. Indicators with no sampling interval (such as the deprivation score) are shown but not tested.</p>
  <p>Funnel plots draw 95% and 99.8% control limits around the pooled ward average (Wilson limits for proportions, Poisson limits for rates); a ward outside the 99.8% limits differs by more than chance would explain. When the wards are over-dispersed (their winsorised z-scores spread more than a chi-squared test on the number of wards allows), those limits say little, so the limits drawn are adjusted for over-dispersion by Spiegelhalter's method (2005: an additive random-effects variance on the arcsine or square-root scale, z-scores winsorised at 10%), and the note under each funnel says which limits it draws. Recent trends, where shown, use the Fingertips test for trend over the latest five points: five years, or, for series of months too short for that, five calendar quarters (quarters rather than rolling 12-month periods, whose overlapping months would break the test's assumption of independent points). Outcomes compare the latest value with the baseline year and call a change significant only when its 95% interval excludes no change.</p>
  ${m.need.rows.length
    ? html`<p>The need index standardises each indicator across the wards (z-scores, signed so that positive means more need than the average ward), averages them within each domain, and takes the weighted mean of the domain scores; rank 1 is the greatest need. It uses ${plural(m.need.domains.reduce((s, x) => s + x.indicators.length, 0), "indicator")} in ${plural(m.need.domains.length, "domain")} (${m.need.domains.map((x) => `${x.domain}: ${x.indicators.length}`).join(", ")}). Tiers: ${[...new Set(m.need.rows.map((r) => r.tier))].map((t) => `${t} (${m.need.rows.filter((r) => r.tier === t).length} wards)`).join(", ")}.${m.need.schemes.length ? ` The rank range comes from recomputing the ranks under ${m.need.schemes.length} weightings: ${m.need.schemes.join("; ")}.` : ""}</p>`
    : ""}
  <h3>Comparators</h3>
  <ul class="plain">${m.comparatorNotes.map((c) => html`<li>${c}</li>`)}</ul>
  <h3>Indicator definitions</h3>
  <table><thead><tr><th scope="col">Indicator</th><th scope="col">Definition</th><th scope="col">Method</th><th scope="col">Source</th></tr></thead>
  ${tbodies(m.indicators.map((i) => html`<tr><th scope="row">${i.title}</th><td>${i.definition}</td><td>${i.method.replaceAll("_", " ")} (${i.unit}); ${i.periods.join(", ").replaceAll("_", " ")}</td><td>${i.source}</td></tr>`))}</table>`;
}

function sourcesBody(m: PackModel, rel: (p: string) => Raw): Raw {
  const bySource = new Map<string, typeof m.inputs>();
  const sourceOf = new Map(m.dataQuality.loads.map((l) => [l.path, l.source]));
  for (const i of m.inputs) {
    const s = sourceOf.get(i.path) ?? "other";
    bySource.set(s, [...(bySource.get(s) ?? []), i]);
  }
  const sources = [...new Set(m.indicators.map((i) => i.source))];
  return html`<p>Contains public sector information licensed under the Open Government Licence v3.0. Contains OS data © Crown copyright and database right. Local data (residents survey, complaints) is summarised only: no microdata, free text or personal details appear in this pack, and counts of 1 to 4 are not shown.</p>
  <h3>Sources of the indicators</h3>
  <ul class="plain">${sources.map((s) => html`<li>${s}</li>`)}</ul>
  <h3>Input files</h3>
  <table><thead><tr><th scope="col">Source</th><th scope="col">Files</th><th scope="col" class="num">Rows</th></tr></thead>
  ${tbodies([...bySource].map(([s, files]) => html`<tr><th scope="row">${s}</th><td>${files.length > 3 ? html`${rel(files[0].path)} and ${files.length - 1} more` : files.map((f, i) => html`${i ? ", " : ""}${rel(f.path)}`)}</td><td class="num">${files.reduce((a, f) => a + f.rowsRead, 0).toLocaleString("en-GB")}</td></tr>`))}</table>
  <p class="note">manifest.json lists every input file with its SHA-256 and row counts, every output file with its SHA-256, the indicator definitions and the tool versions. The workbook pack.xlsx has every table in this pack.</p>`;
}

export type { SummaryRow };
