/**
 * Survey results: one row per group (ward, interview language, ...) with the weighted estimate
 * as a dot, its 95% confidence interval as a line, the unweighted base (n) in the label, the
 * value in a column on the right, and an optional comparator as a labelled dashed line. Groups
 * whose base is too small are kept, labelled "suppressed". With a `comparison`, each dot takes the
 * colour of its outcome against the stated comparator (the spine chart's palette, with a key) and
 * the focus a larger dot and bold name; the outcome is written in the table and alt text too.
 */
import { barPlotWidth, chartBundle, d3Format, estimateTextWidth, exprString, formatNumber, listEnglish, niceCeil, round, type ChartSpecBundle, type CommonChartOptions, withUnit } from "./bundle.ts";
import { ciVersus } from "./labels.ts";
import { comparisonNote, comparisonSummary, outcomeColourEncoding, outcomeOf, type AreaComparison } from "./significance.ts";
import { outcomeLabels } from "./theme.ts";
import { LABEL_LIMIT, colours, comparatorDashes } from "./theme.ts";

/** One row per group. */
export interface SurveyResultRow {
  group: string;
  value: number | null;
  lower95: number | null;
  upper95: number | null;
  is_suppressed: boolean;
  /**
   * Suppressed though its own base is large enough: withheld so that another suppressed figure
   * cannot be worked out by subtraction (secondary suppression). Labelled "withheld", and a note says why.
   */
  protects?: boolean;
  /** Unweighted number of responses. */
  n: number;
}

/** Options of {@link surveyResultsChart}. */
export interface SurveyResultsOptions extends CommonChartOptions {
  comparatorValue?: number | null;
  comparatorName?: string;
  /** Default `"%"`: the axis then runs 0 to 100. */
  unit?: string;
  /** Groups to highlight (e.g. the focus ward's name). */
  focusGroups?: string[];
  /** How the note names the highlighted groups when they are many (e.g. `the rows marked (ward)`); default their names, or their count past three. */
  focusDescription?: string;
  /** `"input"` (default) keeps the rows' order; `"value"` sorts highest first. */
  order?: "input" | "value";
  /** What is counted, for the axis and notes (default survey wording: `respondents`, `responses`, a weighted estimate); e.g. `{ people: "pupils", estimate: "proportion" }`. */
  counted?: { people: string; estimate: string };
  /** Colour each dot by its comparison (group -> outcome) with one comparator, with a key. */
  comparison?: AreaComparison;
  /** Why the dots are not coloured by comparison (e.g. a context measure), printed as a note. */
  notJudged?: string;
}

const VALUE_COLUMN_PX = 70;

/** Dot-and-interval chart of survey estimates by group. */
export function surveyResultsChart(rows: SurveyResultRow[], opts: SurveyResultsOptions): ChartSpecBundle {
  const decimals = opts.decimals ?? 0;
  const unit = opts.unit ?? "%";
  const focus = new Set(opts.focusGroups ?? []);
  const comparison = opts.comparison;
  const shown = (r: SurveyResultRow) => !r.is_suppressed && r.value !== null && Number.isFinite(r.value);
  const sorted =
    opts.order === "value" ? [...rows].sort((a, b) => (shown(b) ? (b.value as number) : -Infinity) - (shown(a) ? (a.value as number) : -Infinity)) : rows;
  const label = (r: SurveyResultRow) => `${r.group} (n=${formatNumber(r.n, 0)})`;
  const values = sorted.map((r) => ({
    group: r.group,
    label: label(r),
    n: r.n,
    value: shown(r) ? round(r.value, decimals + 2) : null,
    lower95: shown(r) ? round(r.lower95, decimals + 2) : null,
    upper95: shown(r) ? round(r.upper95, decimals + 2) : null,
    has_value: shown(r),
    is_focus: focus.has(r.group),
    value_label: shown(r) ? withUnit(r.value, unit === "%" ? "%" : "", decimals) : r.n === 0 ? "no responses" : r.protects ? "withheld" : "suppressed",
    ...(comparison ? { outcome_label: outcomeLabels[outcomeOf(comparison, r.group)] } : {}),
  }));
  const present = comparison ? [...new Set(sorted.filter(shown).map((r) => outcomeOf(comparison, r.group)))] : [];
  const comp = opts.comparatorValue ?? null;
  const compName = opts.comparatorName ?? "Comparator";
  const xMax = unit === "%" ? 100 : niceCeil(Math.max(0, comp ?? 0, ...values.map((v) => v.upper95 ?? v.value ?? 0)) * 1.05);
  const width = barPlotWidth(values.map((v) => ({ text: v.label, bold: v.is_focus })), VALUE_COLUMN_PX);
  const focusNames = values.filter((v) => v.is_focus).map((v) => v.label);
  const y = {
    field: "label",
    type: "nominal" as const,
    sort: values.map((v) => v.label),
    title: null,
    axis: {
      labelLimit: LABEL_LIMIT.axis,
      labelPadding: 6,
      ticks: false,
      domain: false,
      labelFontWeight: { condition: { test: `indexof([${focusNames.map(exprString).join(", ")}], datum.value) >= 0`, value: "bold" as const }, value: "normal" as const },
    },
  };
  const x = {
    field: "value",
    type: "quantitative" as const,
    title: unit === "%" ? `Per cent of ${opts.counted?.people ?? "respondents"}` : `Value (${unit})`,
    scale: { domain: [0, xMax], nice: false },
    axis: { format: d3Format(0), labelLimit: 60, grid: true, tickCount: 6 },
  };
  const layers: unknown[] = [
    {
      transform: [{ filter: "datum.has_value && isValid(datum.lower95) && isValid(datum.upper95)" }],
      mark: { type: "rule", strokeWidth: 2, color: colours.comparator2 },
      encoding: { y, x: { field: "lower95", type: "quantitative" }, x2: { field: "upper95" } },
    },
    {
      transform: [{ filter: "datum.has_value" }],
      mark: { type: "point", shape: "circle", filled: true, size: 80, opacity: 1, stroke: "#000000", strokeWidth: 0.75 },
      encoding: comparison
        ? {
            y, x, fill: outcomeColourEncoding(comparison, present, "bottom"),
            size: { condition: { test: "datum.is_focus", value: 170 }, value: 80 },
            strokeWidth: { condition: { test: "datum.is_focus", value: 2 }, value: 0.75 },
          }
        : { y, x, color: { condition: { test: "datum.is_focus", value: colours.focus }, value: colours.comparator } },
    },
    {
      mark: {
        type: "text",
        align: "right",
        baseline: "middle",
        x: { expr: `width + ${VALUE_COLUMN_PX}` },
        fontSize: 11,
        fontWeight: { expr: "datum.is_focus ? 'bold' : 'normal'" },
        fontStyle: { expr: "datum.has_value ? 'normal' : 'italic'" },
      },
      encoding: { y, text: { field: "value_label" }, color: { condition: { test: "datum.has_value", value: colours.text }, value: colours.muted } },
    },
  ];
  if (comp !== null) {
    const text = `${compName}: ${withUnit(comp, unit, decimals)}`;
    const px = (comp / xMax) * width;
    const right = px + estimateTextWidth(text, 10) + 4 > width;
    layers.unshift({
      data: { values: [{ comparator: compName, value: comp }] },
      mark: { type: "rule", color: colours.comparator, strokeWidth: 1.5, strokeDash: comparatorDashes.parent },
      encoding: { x: { field: "value", type: "quantitative" }, y: { value: -14 }, y2: { value: "height" } },
    });
    layers.push({
      data: { values: [{ comparator: compName, value: comp, text }] },
      mark: { type: "text", align: right ? "right" : "left", dx: right ? -3 : 3, baseline: "bottom", fontSize: 10, color: colours.comparator },
      encoding: { x: { field: "value", type: "quantitative" }, y: { value: -4 }, text: { field: "text" } },
    });
  }
  const alt = surveyAlt(sorted, opts, unit, decimals, compName);
  return chartBundle("survey", opts, {
    notes: [
      `Dots: ${opts.counted?.estimate ?? "weighted estimate"}; lines: 95% confidence interval; n: number of ${opts.counted?.people ?? "responses"}.${comp !== null ? ` Dashed line: ${compName}.` : ""}`,
      focusNames.length
        ? `Highlighted (${comparison ? "large dot" : "purple dot"}, bold name): ${opts.focusDescription ?? (focusNames.length > 3 ? `${focusNames.length} groups` : listEnglish(focusNames))}.`
        : undefined,
      rows.some((r) => r.is_suppressed && r.protects)
        ? `Withheld: enough responses, but not shown so that a suppressed figure cannot be worked out from it by subtraction (${listEnglish(rows.filter((r) => r.is_suppressed && r.protects).map((r) => r.group))}).`
        : undefined,
      comparison ? comparisonNote(comparison, present) : opts.notJudged ? `Dots not coloured by comparison: ${opts.notJudged}.` : undefined,
    ],
    alt,
    spec: {
      width,
      height: { step: 16 },
      data: { values },
      layer: layers,
    },
    table: {
      columns: ["Group", "Responses (n)", `Estimate (${unit})`, "Lower 95% CI", "Upper 95% CI", ...(comparison ? [`Compared with ${comparison.name} (${comparison.level})`] : []), "Note"],
      rows: sorted.map((r) => [
        r.group, r.n, shown(r) ? round(r.value, decimals + 1) : null, shown(r) ? round(r.lower95, decimals + 1) : null, shown(r) ? round(r.upper95, decimals + 1) : null,
        ...(comparison ? [outcomeLabels[outcomeOf(comparison, r.group)]] : []), r.n === 0 ? "no responses" : r.is_suppressed ? (r.protects ? "withheld: protects a suppressed figure" : "suppressed: too few responses") : null,
      ]),
    },
  });
}

function surveyAlt(rows: SurveyResultRow[], opts: SurveyResultsOptions, unit: string, decimals: number, compName: string): string {
  const valued = rows.filter((r) => !r.is_suppressed && r.value !== null);
  const parts = [`Dot chart of ${opts.title} for ${rows.length} groups, with 95% confidence intervals.`];
  if (valued.length) {
    const hi = valued.reduce((a, b) => ((b.value as number) > (a.value as number) ? b : a));
    const lo = valued.reduce((a, b) => ((b.value as number) < (a.value as number) ? b : a));
    parts.push(`Estimates range from ${withUnit(lo.value, unit, decimals)} (${lo.group}) to ${withUnit(hi.value, unit, decimals)} (${hi.group}).`);
  }
  const comp = opts.comparatorValue ?? null;
  if (comp !== null) parts.push(`${compName}: ${withUnit(comp, unit, decimals)}.`);
  for (const g of opts.focusGroups ?? []) {
    const r = rows.find((x) => x.group === g);
    if (!r) continue;
    if (r.is_suppressed || r.value === null) {
      parts.push(r.n === 0 ? `${g}: no responses.` : `${g}: ${r.is_suppressed && r.protects ? "withheld to protect a suppressed figure" : "suppressed"} (${formatNumber(r.n, 0)} responses).`);
      continue;
    }
    const ci = r.lower95 !== null && r.upper95 !== null ? ` (95% confidence interval ${formatNumber(r.lower95, decimals)} to ${formatNumber(r.upper95, decimals)})` : "";
    parts.push(`${g}: ${withUnit(r.value, unit, decimals)}${ci}, from ${formatNumber(r.n, 0)} responses${comp !== null ? ciVersus(r, comp, g) : ""}.`);
  }
  const supp = rows.filter((r) => r.is_suppressed && !r.protects && r.n !== 0).map((r) => r.group);
  const none = rows.filter((r) => r.n === 0).map((r) => r.group);
  if (none.length) parts.push(`No responses: ${listEnglish(none)}.`);
  if (supp.length) parts.push(`Suppressed because of too few responses: ${listEnglish(supp)}.`);
  const withheld = rows.filter((r) => r.is_suppressed && r.protects).map((r) => r.group);
  if (withheld.length) parts.push(`Withheld so that a suppressed figure cannot be worked out by subtraction: ${listEnglish(withheld)}.`);
  if (opts.comparison) parts.push(comparisonSummary(opts.comparison, valued.map((r) => outcomeOf(opts.comparison!, r.group))));
  else if (opts.notJudged) parts.push(`Not compared: ${opts.notJudged}.`);
  return parts.join(" ");
}
