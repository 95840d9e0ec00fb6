/**
 * `pack.xlsx`: every table of the pack in one workbook, written with exceljs. A README sheet
 * (what the pack is, each sheet, sources and licences), the summary, a sheet per domain with the
 * table behind each of its charts (titled with the figure number and source), then the outcomes
 * framework, the need index, data quality and indicator definitions. Cells are typed
 * explicitly (numbers as numbers, text as text) and text that a spreadsheet could read as a
 * formula is neutralised as in the CSV downloads.
 *
 * Reproducible: the workbook's created/modified dates are the build time, and the zip entries'
 * timestamps (which exceljs' zip library takes from the wall clock) are rewritten to it too.
 */
import type ExcelJS from "exceljs";
import { neutralise } from "./csv.ts";
import type { PackModel } from "./pack-types.ts";
import { COMPARATOR_ORDER, OUTCOME_TEXT, SECTIONS, packFigures, parentNoun } from "./pack-types.ts";
import { methodLine } from "./figures/index.ts";
import { displayPath } from "../../sources/files.ts";
import { rewriteZip } from "../../sources/zip.ts";

type Cell = string | number | null | undefined;

/** Sheet names for the domains and other figure groups. */
const SHEET_NAMES: Record<string, string> = {
  crime: "Crime",
  health: "Health",
  school: "Schools",
  survey: "Community voice",
  complaints: "Complaints",
  economy: "Work and warmth",
  deprivation: "Deprivation",
  summary: "Summary",
  area: "Area and people",
  need: "Need index",
  outcomes: "Outcomes",
};

/** Build the workbook of one pack. `figureNumbers`: chart id -> figure number in the pack. */
export async function writeWorkbook(m: PackModel, figureNumbers: Map<string, number>): Promise<Buffer> {
  // Imported here, not at the top: a run that stops before the pack never loads exceljs (0.4 s of start-up).
  const { default: Excel } = await import("exceljs");
  const wb = new Excel.Workbook();
  wb.creator = "localneeds";
  wb.lastModifiedBy = "localneeds";
  wb.created = m.builtAt;
  wb.modified = m.builtAt;
  wb.title = `${m.focus.name}: ${m.kind === "overview" ? `${parentNoun(m.parent.code)} overview` : "needs assessment"}`;
  wb.subject = m.title;

  const sheets = new Map<string, ExcelJS.Worksheet>();
  const sheet = (name: string) => {
    let ws = sheets.get(name);
    if (!ws) {
      ws = wb.addWorksheet(name);
      sheets.set(name, ws);
    }
    return ws;
  };
  const readme = sheet("README");
  sheet("Summary");
  for (const s of SECTIONS) if (m.sections.some((x) => x.id === s.domain)) sheet(SHEET_NAMES[s.domain]!);

  // Summary: the indicator table (focus) or every ward's value (overview).
  const summary = sheets.get("Summary")!;
  if (m.kind === "focus") {
    const kinds = COMPARATOR_ORDER.filter((k) =>
      m.summary.some((r) => r.comparators.some((c) => c.kind === k)),
    );
    const names = new Map(m.summary.flatMap((r) => r.comparators.map((c) => [c.kind, c.name] as const)));
    title(summary, `${m.focus.name}: every indicator's latest value, compared at the 95% level`);
    table(summary, [
      ["Indicator id", "Indicator", "Unit", "Period", "Count", "Value", "Lower 95% CI", "Upper 95% CI", ...kinds.flatMap((k) => [names.get(k) ?? k, `Compared with ${names.get(k) ?? k}`]), "Lowest ward", "Highest ward", "Recent trend"],
      ...m.summary.map((r) => [
        r.indicator.id,
        r.indicator.title,
        r.indicator.unit,
        r.period,
        r.focus.is_suppressed ? "suppressed" : r.focus.numerator,
        r.focus.is_suppressed ? null : r.focus.value,
        r.focus.lower95,
        r.focus.upper95,
        ...kinds.flatMap((k) => {
          const c = r.comparators.find((x) => x.kind === k);
          return [c?.value ?? null, c ? OUTCOME_TEXT[c.outcome]?.label ?? c.outcome : null];
        }),
        r.wardRange?.min ?? null,
        r.wardRange?.max ?? null,
        r.trend?.direction ?? null,
      ]),
    ]);
  } else {
    title(summary, `Every ward's latest value, compared with ${m.parent.name} at the 95% level`);
    table(summary, [
      ["Indicator id", "Indicator", "Unit", "Period", "Area code", "Area", "Value", `Compared with ${m.parent.name}`],
      ...m.wardMatrices.flatMap((t) =>
        t.indicators.flatMap((ind, j) =>
          t.rows.map((r) => [ind.id, ind.short, ind.unit, ind.period, r.code, r.name, r.cells[j].suppressed ? "suppressed" : r.cells[j].value, r.cells[j].outcome ? OUTCOME_TEXT[r.cells[j].outcome!]?.label ?? null : null]),
        ),
      ),
    ]);
  }

  // The table behind every chart, on its domain's sheet.
  for (const f of packFigures(m)) {
    const ws = sheet(SHEET_NAMES[f.sheet] ?? f.sheet);
    const n = figureNumbers.get(f.chart.id);
    const spec = f.chart.spec as { title?: { text?: string | string[] } | string };
    const t = typeof spec.title === "string" ? spec.title : Array.isArray(spec.title?.text) ? spec.title.text.join(" ") : (spec.title?.text ?? f.chart.id);
    title(ws, `${n ? `Figure ${n}: ` : ""}${t}`);
    row(ws, [`Source: ${f.source}`]);
    row(ws, [`Files: charts/${f.chart.id}.svg, .png, .vl.json; data/${f.chart.id}.csv`]);
    table(ws, [f.chart.table.columns, ...f.chart.table.rows]);
  }
  for (const s of SECTIONS) {
    const ws = sheets.get(SHEET_NAMES[s.domain]!);
    if (ws && ws.rowCount === 0) row(ws, ["No chart data for this domain in this pack."]);
  }

  if (m.outcomes.lines.length) {
    const ws = sheet("Outcomes");
    title(ws, `Outcomes framework: change from the baseline (${m.outcomes.baseline}) to the latest period`);
    table(ws, [
      ["Indicator id", "Indicator", "Unit", "Baseline period", "Baseline", "Latest period", "Latest", "Change", "Change lower 95% CI", "Change upper 95% CI", "Change kind", "Significant", "Direction", "Target", "Target value", "Target period", "Progress (%)", "Target met", "Note"],
      ...m.outcomes.lines.map((l) => {
        const r = l.row;
        return [r.indicator_id, l.title, l.unit, r.baseline_period, r.baseline_value, r.latest_period, r.latest_value, r.change, r.change_lower95, r.change_upper95, r.change_kind, r.significant ? "yes" : "no", r.direction, r.target_description, r.target_value, r.target_period, r.progress_pct, r.target_met === null ? null : r.target_met ? "yes" : "no", r.note];
      }),
    ]);
  }
  if (m.need.rows.length) {
    const ws = sheet("Need index");
    title(ws, "Need index: every ward's score, rank and tier");
    table(ws, [
      ["Rank", "Area code", "Ward", "Score", "Tier", "Lowest rank (other weightings)", "Highest rank (other weightings)", "Indicators used"],
      ...m.need.rows.map((r) => [r.rank, r.area_code, r.area_name, r.score, r.tier, r.rank_min, r.rank_max, r.indicators_used]),
    ]);
    if (m.need.localities.length) {
      title(ws, "Localities on the wards' scale (managed when the score reaches the least needy managed ward's)");
      table(ws, [
        ["Rank", "Locality code", "Locality", "Wards", "Score", "Would rank among the wards", "Tier", "Indicators used"],
        ...m.need.localities.map((r) => [r.rank, r.area_code, r.area_name, r.wards, r.score, r.ward_rank, r.tier, r.indicators_used]),
      ]);
    }
  }

  const q = m.dataQuality;
  const dq = sheet("Data quality");
  title(dq, "Input files");
  table(dq, [["Source", "File", "SHA-256", "Rows read", "Rows loaded", "Rows rejected"], ...q.loads.map((l) => [l.source, rel(m, l.path), l.sha256, l.rowsRead, l.rowsLoaded, l.rowsRejected])]);
  title(dq, "Warnings");
  table(dq, [["Stage", "Code", "Subject", "Message"], ...q.warnings.map((w) => [w.stage, w.code, w.subject, w.message])]);
  title(dq, "Rejected rows (first five per file)");
  table(dq, [["File", "Line", "Column", "Reason"], ...q.rejectsByFile.flatMap((f) => f.first.map((r) => [rel(m, f.path), r.line, r.column, r.reason]))]);
  title(dq, "Suppressed values");
  table(dq, [["Indicator id", "Reason", "Values"], ...q.suppression.map((s) => [s.indicator_id, s.reason, s.values])]);
  title(dq, "Area code vintages");
  table(dq, [["Area type", "Vintage", "Areas"], ...q.vintages.map((v) => [v.area_type, v.vintage, v.areas])]);

  const methods = sheet("Methods");
  title(methods, "Indicator definitions");
  table(methods, [
    ["Indicator id", "Domain", "Title", "Definition", "Method", "Interval", "Unit", "Multiplier", "Polarity", "Periods", "Source"],
    ...m.indicators.map((i) => [i.id, i.domain, i.title, i.definition, i.method, methodLine(i, m.surveyWeightings), i.unit, i.multiplier, i.polarity, i.periods.join(", "), i.source]),
  ]);
  title(methods, "Comparators");
  for (const c of m.comparatorNotes) row(methods, [c]);

  // README last, so it can list every sheet.
  readme.getColumn(1).width = 110;
  title(readme, `${m.focus.name}: ${m.kind === "overview" ? `${parentNoun(m.parent.code)} overview` : "needs assessment"}`);
  row(readme, [m.title]);
  if (m.synthetic) row(readme, ["Synthetic demo data: every figure in this workbook is made up, for demonstration only."]);
  row(readme, [`Built ${m.builtAt.toISOString()} by localneeds. Area: ${m.focus.code}; parent authority: ${m.parent.name} (${m.parent.code}).`]);
  row(readme, []);
  title(readme, "Sheets");
  for (const ws of wb.worksheets) if (ws !== readme) row(readme, [`${ws.name}: ${describe(ws.name)}`]);
  row(readme, []);
  title(readme, "Reading the tables");
  row(readme, ["Values are in each indicator's unit (see Methods). Empty cells: no value. \"suppressed\": counts of 1 to 4 (and survey bases under 30) are not published."]);
  row(readme, ["Compared with: Better or Worse (or Higher or Lower, where neither is better) means the 95% confidence interval excludes the comparator's value; Similar means it includes it."]);
  row(readme, ["Text that a spreadsheet could read as a formula starts with an apostrophe."]);
  row(readme, []);
  title(readme, "Licences");
  row(readme, ["Contains public sector information licensed under the Open Government Licence v3.0."]);
  row(readme, ["Contains OS data © Crown copyright and database right."]);
  row(readme, ["Local data (residents survey, complaints) is summarised only: no microdata, free text or personal details."]);

  for (const ws of wb.worksheets) if (ws !== readme) autoWidth(ws);
  // Stored by exceljs (whose JSZip deflates in JavaScript on the main thread), deflated by zlib, every entry dated at the build.
  return rewriteZip(Buffer.from(await wb.xlsx.writeBuffer({ zip: { compression: "STORE" } })), m.builtAt);
}

function describe(name: string): string {
  const d: Record<string, string> = {
    Summary: "every indicator's latest value and how it compares",
    Crime: "the tables behind the crime and community safety charts",
    Health: "the tables behind the health and wellbeing charts",
    Schools: "the tables behind the children, schools and education charts",
    "Community voice": "the tables behind the residents survey charts",
    Complaints: "the tables behind the council contacts and complaints charts",
    Deprivation: "the tables behind the deprivation charts",
    "Area and people": "population by age and sex, and residents by ward",
    Outcomes: "the outcomes framework: baseline, latest, change, direction and progress to target",
    "Need index": "the need index ranking and tiers",
    "Data quality": "input files, warnings, rejected rows, suppression and code vintages",
    Methods: "indicator definitions, methods and comparators",
  };
  return d[name] ?? "tables";
}

/** A path relative to the config's folder, with forward slashes (as in the manifest): never a machine-specific absolute path; an archive's member as `archive.zip#member`. */
function rel(m: PackModel, p: string): string {
  return displayPath({ baseDir: m.configBaseDir }, p);
}

function cellValue(v: Cell): string | number | undefined {
  if (v === null || v === undefined) return undefined;
  // 12 significant digits: far beyond any published precision, and immune to last-bit noise in
  // upstream floating-point sums (so the workbook stays byte-identical between builds).
  if (typeof v === "number") return Number.isFinite(v) ? Number(v.toPrecision(12)) : undefined;
  return neutralise(String(v));
}

/** Append one row, every cell typed explicitly. */
function row(ws: ExcelJS.Worksheet, cells: Cell[]): ExcelJS.Row {
  const r = ws.addRow([]);
  cells.forEach((v, i) => {
    const value = cellValue(v);
    if (value !== undefined) r.getCell(i + 1).value = value;
  });
  return r;
}

function title(ws: ExcelJS.Worksheet, text: string): void {
  if (ws.rowCount > 0) ws.addRow([]);
  row(ws, [text]).font = { bold: true, size: 12 };
}

/** A header row (bold, shaded) and data rows. */
function table(ws: ExcelJS.Worksheet, rows: Cell[][]): void {
  const [header, ...body] = rows;
  const h = row(ws, header);
  h.font = { bold: true };
  h.eachCell((c) => {
    c.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFF3F6F9" } };
    c.border = { bottom: { style: "thin", color: { argb: "FF999999" } } };
  });
  for (const b of body) row(ws, b);
  if (!body.length) row(ws, ["(none)"]);
}

function autoWidth(ws: ExcelJS.Worksheet): void {
  const widths: number[] = [];
  ws.eachRow((r) => {
    r.eachCell((c, i) => {
      const v = c.value;
      const len = typeof v === "number" ? 10 : String(v ?? "").length;
      // Long titles and notes in column A run across; do not size the column to them.
      if (i === 1 && len > 40 && r.cellCount === 1) return;
      widths[i] = Math.max(widths[i] ?? 8, Math.min(60, len + 2));
    });
  });
  widths.forEach((w, i) => {
    if (w) ws.getColumn(i).width = w;
  });
}
