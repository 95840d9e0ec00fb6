/**
 * Trend panels: several indicators' trends as small multiples, one panel per indicator with its
 * own value axis, the focus area as a solid line with its 95% confidence interval shaded and its
 * latest value printed, comparators as dashed or dotted dark-grey lines. One legend names every
 * line for all panels. For a domain's indicators at a glance, where one trend chart per indicator
 * would fill a page each.
 */
import type { IndicatorValueRow } from "../../transforms/marts.ts";
import { chartBundle, formatNumber, listEnglish, namesUnit, round, type ChartSpecBundle, type CommonChartOptions, withUnit, wrappedHeader } from "./bundle.ts";
import { uniqueLabels } from "./labels.ts";
import type { SeriesBreak } from "./trend-chart.ts";
import { LABEL_LIMIT, PRINT_WIDTH, colours } from "./theme.ts";

/** One panel: an indicator's rows (one per area and period) with its title and unit. */
export interface TrendPanel {
  /** Panel heading, e.g. "Violence and sexual offences". Must be unique within the chart. */
  title: string;
  unit: string;
  rows: IndicatorValueRow[];
  /** A recent-trend marker for the focus area (`increasing`, `decreasing`, `no significant change`) and what it was computed on. */
  trend?: { direction: string; over: string };
  /** Definition breaks (see `SeriesBreak` in trend-chart.ts): a rule at the first period of each new definition. */
  breaks?: SeriesBreak[];
  /** Periods (`period_start`, `YYYY-MM-DD`) whose source data the loader flagged (a month far below its neighbours): a dotted warning rule. */
  flagged?: string[];
}

/** Options of {@link trendPanelsChart}. */
export interface TrendPanelsOptions extends CommonChartOptions {
  focusCode: string;
  /** Comparator areas drawn as dashed/dotted lines, in legend order (at most 3 are styled distinctly). */
  comparatorCodes: string[];
  areaNames: Record<string, string>;
  /** Panels per row; default 2. */
  columns?: number;
}

const LINE_COLOURS = [colours.comparator, colours.comparator2, colours.comparator3];
const LINE_DASHES = [[6, 3], [2, 2], [8, 3, 2, 3]];
const PANEL_HEIGHT = 105;

/** An axis label for a period: "12 months to Mar 2024" -> "to Mar 2024" (the axis had nine "12 months t…"); others as they are. */
export function shortPeriod(label: string): string {
  return label.replace(/^\d+ months (to .+)$/, "$1");
}

/** Small multiples of trends; panels in the order given, periods ordered by `period_start`. */
export function trendPanelsChart(panels: TrendPanel[], opts: TrendPanelsOptions): ChartSpecBundle {
  const decimals = opts.decimals ?? 1;
  const columns = Math.max(1, opts.columns ?? 2);
  const codes = [opts.focusCode, ...opts.comparatorCodes.filter((c) => c !== opts.focusCode)].slice(0, 1 + LINE_COLOURS.length);
  const labels = uniqueLabels(codes, opts.areaNames);
  const names = codes.map((c) => labels.get(c)!);
  const focusName = names[0];
  const arrow: Record<string, string> = { increasing: "▲", decreasing: "▼", "no significant change": "◆" };
  const marker = (p: TrendPanel) => (p.trend && arrow[p.trend.direction] ? ` ${arrow[p.trend.direction]}` : "");
  const heading = (p: TrendPanel) => `${namesUnit(p.title, p.unit) ? p.title : `${p.title} (${p.unit || "value"})`}${marker(p)}`;
  const shown = (r: IndicatorValueRow) => !r.is_suppressed && r.value !== null && Number.isFinite(r.value);
  const used = panels.filter((p) => p.rows.some((r) => r.area_code === opts.focusCode));
  // The flagged periods each panel draws (those it has), and the first such panel, which alone carries the rule's label.
  const flaggedOf = (p: TrendPanel) => new Set((p.flagged ?? []).map((d) => d.slice(0, 10)).filter((d) => p.rows.some((r) => r.period_start.slice(0, 10) === d)));
  const labelled = used.find((p) => flaggedOf(p).size);
  const values = used.flatMap((p) => {
    const rows = p.rows.filter((r) => codes.includes(r.area_code)).sort((a, b) => a.period_start.localeCompare(b.period_start) || codes.indexOf(a.area_code) - codes.indexOf(b.area_code));
    const lastFocus = [...rows].reverse().find((r) => r.area_code === opts.focusCode && shown(r));
    const breakAt = new Map((p.breaks ?? []).map((b) => [b.period_start.slice(0, 10), b.label]));
    const flagged = flaggedOf(p);
    return rows.map((r) => ({
      ...(breakAt.size ? { break_label: r.area_code === opts.focusCode ? (breakAt.get(r.period_start.slice(0, 10)) ?? null) : null } : {}),
      ...(labelled ? { flagged: r.area_code === opts.focusCode && flagged.has(r.period_start.slice(0, 10)), flag_label: p === labelled && r.area_code === opts.focusCode && flagged.has(r.period_start.slice(0, 10)) } : {}),
      panel: heading(p),
      name: labels.get(r.area_code)!,
      is_focus: r.area_code === opts.focusCode,
      period: shortPeriod(r.period_label),
      period_start: r.period_start,
      value: shown(r) ? round(r.value, decimals + 2) : null,
      lower95: shown(r) ? round(r.lower95, decimals + 2) : null,
      upper95: shown(r) ? round(r.upper95, decimals + 2) : null,
      label: r === lastFocus ? formatNumber(r.value, decimals) : null,
    }));
  });
  const periodsPerPanel = Math.max(1, ...used.map((p) => new Set(p.rows.map((r) => r.period_label)).size));
  const width = Math.floor((PRINT_WIDTH - 150 - (columns - 1) * 30) / columns);
  const x = {
    field: "period",
    type: "ordinal" as const,
    sort: { field: "period_start" },
    title: null,
    // A point scale, as the lines and points alone give it: a rule layer (a definition break, a
    // data-quality warning) would otherwise turn it into a band scale and crowd the labels.
    scale: { type: "point" as const, paddingOuter: 0.3 },
    axis: { labelLimit: 80, labelAngle: periodsPerPanel > 5 ? -45 : 0, grid: false, ticks: false },
  };
  const y = { field: "value", type: "quantitative" as const, title: null, scale: { zero: true }, axis: { format: ",~f", labelLimit: 60, tickCount: 4 } };
  const legend = {
    orient: "top" as const,
    direction: "horizontal" as const,
    title: null,
    labelLimit: LABEL_LIMIT.legend,
    symbolType: "stroke",
    symbolStrokeWidth: 2.5,
    symbolSize: 500,
  };
  const colour = { field: "name", type: "nominal" as const, sort: names, scale: { domain: names, range: [colours.focus, ...LINE_COLOURS].slice(0, names.length) }, legend };
  const dash = { field: "name", type: "nominal" as const, sort: names, scale: { domain: names, range: [[1, 0], ...LINE_DASHES].slice(0, names.length) }, legend };
  const layers: unknown[] = [
    {
      transform: [{ filter: "datum.is_focus && isValid(datum.lower95)" }],
      mark: { type: "area", color: colours.focusLight, opacity: 0.45 },
      encoding: { x, y: { field: "lower95", type: "quantitative" }, y2: { field: "upper95" } },
    },
    {
      mark: { type: "line", strokeWidth: 2 },
      encoding: { x, y, color: colour, strokeDash: dash, strokeWidth: { condition: { test: "datum.is_focus", value: 2.75 }, value: 1.5 } },
    },
    {
      mark: { type: "point", filled: true, size: 30, opacity: 1 },
      encoding: { x, y, color: colour },
    },
    {
      transform: [{ filter: "isValid(datum.label)" }],
      mark: { type: "text", align: "left", dx: 6, dy: -7, fontWeight: "bold", fontSize: 10, color: colours.focus },
      encoding: { x, y, text: { field: "label" } },
    },
  ];
  if (used.some((p) => p.breaks?.length)) {
    layers.push(
      { transform: [{ filter: "isValid(datum.break_label)" }], mark: { type: "rule", color: colours.muted, strokeDash: [4, 2], strokeWidth: 1.5 }, encoding: { x } },
      {
        transform: [{ filter: "isValid(datum.break_label)" }],
        mark: { type: "text", align: "left", baseline: "top", dx: 3, y: 2, fontSize: 10, color: colours.muted },
        encoding: { x, text: { field: "break_label" } },
      },
    );
  }
  if (labelled) {
    layers.push(
      { transform: [{ filter: "datum.flagged" }], mark: { type: "rule", color: colours.warning, strokeDash: [3, 2], strokeWidth: 1.5 }, encoding: { x } },
      {
        transform: [{ filter: "datum.flag_label" }],
        mark: { type: "text", align: "left", baseline: "top", dx: 3, y: 2, fontSize: 10, color: colours.warning },
        encoding: { x, text: { value: "data-quality warning" } },
      },
    );
  }
  const flaggedPeriods = [...new Set(used.flatMap((p) => p.rows.filter((r) => r.area_code === opts.focusCode && flaggedOf(p).has(r.period_start.slice(0, 10))).map((r) => r.period_label)))];
  const alt = panelsAlt(used, opts, labels, decimals) + (flaggedPeriods.length ? ` Data-quality warning for ${listEnglish(flaggedPeriods)}: treat with caution.` : "");
  return chartBundle("trend-panels", opts, {
    notes: [
      `${focusName}: solid line; shaded band: its 95% confidence interval.` + (names.length > 1 ? ` ${listEnglish(names.slice(1))}: dashed or dotted.` : "") + " Each panel has its own scale, starting at zero.",
      ...(used.some((p) => p.trend && arrow[p.trend.direction])
        ? [`Recent trend for ${focusName} (Fingertips test): ${used.filter((p) => p.trend && arrow[p.trend.direction]).map((p) => `${p.title} ${arrow[p.trend!.direction]} ${p.trend!.direction} over the ${p.trend!.over}`).join("; ")}.`]
        : []),
      ...(used.some((p) => p.breaks?.length) ? ["Dashed vertical rule: the series' definition changes there; values either side are not comparable."] : []),
      ...(flaggedPeriods.length ? [`Orange dotted rule: data-quality warning for ${listEnglish(flaggedPeriods)}: the source file for that month looks incomplete or unusual; treat it with caution.`] : []),
    ],
    alt,
    spec: {
      data: { values },
      facet: {
        field: "panel",
        type: "nominal",
        sort: used.map(heading),
        title: null,
        header: wrappedHeader(used.map(heading), width + 20),
      },
      columns,
      spacing: { row: 16, column: 30 },
      spec: { width, height: PANEL_HEIGHT, layer: layers },
      resolve: { scale: { y: "independent", x: "independent" }, axis: { x: "independent" } },
    },
    table: {
      columns: ["Indicator", "Period", "Area code", "Area", "Value", "Lower 95% CI", "Upper 95% CI"],
      rows: used.flatMap((p) =>
        p.rows
          .filter((r) => codes.includes(r.area_code))
          .sort((a, b) => codes.indexOf(a.area_code) - codes.indexOf(b.area_code) || a.period_start.localeCompare(b.period_start))
          .map((r) => [heading(p), r.period_label, r.area_code, labels.get(r.area_code)!, shown(r) ? round(r.value, decimals) : null, shown(r) ? round(r.lower95, decimals) : null, shown(r) ? round(r.upper95, decimals) : null]),
      ),
    },
  });
}

function panelsAlt(panels: TrendPanel[], opts: TrendPanelsOptions, labels: Map<string, string>, decimals: number): string {
  const focus = labels.get(opts.focusCode)!;
  const comps = opts.comparatorCodes.filter((c) => labels.has(c));
  const parts = [`Line charts of ${panels.length} indicator${panels.length === 1 ? "" : "s"} over time for ${focus}${comps.length ? `, compared with ${listEnglish(comps.map((c) => labels.get(c)!))}` : ""}.`];
  for (const p of panels) {
    const own = p.rows.filter((r) => r.area_code === opts.focusCode && !r.is_suppressed && r.value !== null).sort((a, b) => a.period_start.localeCompare(b.period_start));
    if (!own.length) {
      parts.push(`${p.title}: no published value for ${focus}.`);
      continue;
    }
    const first = own[0];
    const last = own[own.length - 1];
    let s = `${p.title}: ${withUnit(last.value, p.unit, decimals)} in ${last.period_label}`;
    if (first !== last) {
      const d = (last.value as number) - (first.value as number);
      s += Math.abs(d) < 0.5 * 10 ** -decimals ? `, unchanged from ${first.period_label}` : `, ${d > 0 ? "up" : "down"} from ${formatNumber(first.value, decimals)} in ${first.period_label}`;
    }
    const c = comps[0] ? p.rows.find((r) => r.area_code === comps[0] && r.period_start === last.period_start && !r.is_suppressed && r.value !== null) : undefined;
    if (c) s += ` (${labels.get(comps[0])}: ${formatNumber(c.value, decimals)})`;
    parts.push(`${s}.`);
  }
  return parts.join(" ");
}
