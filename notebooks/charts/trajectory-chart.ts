/**
 * Outcome trajectories: one small panel per tracked outcome, for the commissioning cycle's
 * "review". Each panel shows the area's value in every period from the baseline to the latest,
 * with its 95% confidence interval as a vertical bar; the baseline ringed and labelled; and,
 * when the outcome has a target, the straight path from the baseline to the target value at the
 * target period (dashed) ending in a diamond. Points take the spine chart's colours for the
 * change from the baseline (improved, worsened, no significant change), with a key.
 */
import type { IndicatorValueRow } from "../../transforms/marts.ts";
import { chartBundle, formatNumber, namesUnit, round, type ChartSpecBundle, type CommonChartOptions, withUnit, wrappedHeader } from "./bundle.ts";
import { PRINT_WIDTH, colours, outcomeColours } from "./theme.ts";

/** One tracked outcome. */
export interface TrajectoryPanel {
  /** Panel heading (unique within the chart), e.g. "Anti-social behaviour". */
  title: string;
  unit: string;
  /** The area's values of the outcome's period type and breakdown (any order; suppressed rows are shown as gaps). */
  rows: IndicatorValueRow[];
  baseline: { period: string; value: number | null };
  /** The direction of the latest change from the baseline as the outcomes mart words it (`improved`, `worsened`, `no significant change`, ...). */
  direction: string;
  target?: { period: string; value: number } | null;
}

/** Options of {@link trajectoryChart}. */
export interface TrajectoryOptions extends CommonChartOptions {
  areaName: string;
  /** Panels per row; default 2, or 3 from five panels. */
  columns?: number;
}

const PANEL_HEIGHT = 110;
/** Point colours by direction of change from the baseline: the spine chart's palette. */
const DIRECTION_COLOURS: Record<string, string> = {
  baseline: colours.comparator,
  improved: outcomeColours.better,
  "no significant change": outcomeColours.similar,
  worsened: outcomeColours.worse,
  increased: outcomeColours.higher,
  decreased: outcomeColours.lower,
};

/** Small multiples of outcome trajectories (panels in the order given). */
export function trajectoryChart(panels: TrajectoryPanel[], opts: TrajectoryOptions): ChartSpecBundle {
  const decimals = opts.decimals ?? 1;
  // Three across from five outcomes, so a typical framework fits under its table on one printed page.
  const columns = Math.max(1, Math.min(opts.columns ?? (panels.length > 4 ? 3 : 2), panels.length));
  const heading = (p: TrajectoryPanel) => (p.unit === "%" || p.unit === "" ? `${p.title}${p.unit ? " (%)" : ""}` : namesUnit(p.title, p.unit) ? p.title : `${p.title} (${p.unit})`);
  const shown = (r: IndicatorValueRow) => !r.is_suppressed && r.value !== null && Number.isFinite(r.value);
  const width = Math.floor((PRINT_WIDTH - 220 - (columns - 1) * 30) / columns);
  const values: Record<string, unknown>[] = [];
  for (const p of panels) {
    const rows = [...p.rows].sort((a, b) => a.period_start.localeCompare(b.period_start));
    const from = rows.findIndex((r) => r.period_label === p.baseline.period);
    const series = from < 0 ? rows : rows.slice(from);
    const latest = [...series].reverse().find(shown);
    for (const r of series) {
      const isBaseline = r.period_label === p.baseline.period;
      values.push({
        panel: heading(p), kind: "value", period: r.period_label, period_start: r.period_start.slice(0, 10),
        value: shown(r) ? round(r.value, decimals + 2) : null, lower95: shown(r) ? round(r.lower95, decimals + 2) : null, upper95: shown(r) ? round(r.upper95, decimals + 2) : null,
        status: isBaseline ? "baseline" : r === latest && DIRECTION_COLOURS[p.direction] ? p.direction : "earlier",
        label: isBaseline ? `baseline ${formatNumber(r.value, decimals)}` : r === latest ? formatNumber(r.value, decimals) : null,
      });
    }
    // The baseline's and the latest value's labels sit in a band above every interval of the panel
    // (the baseline's running right from its point, the latest's ending at its point), the target's
    // in a band below every mark, so no label covers a point, an interval or the path.
    const panelValues = values.filter((v) => v.panel === heading(p) && v.kind === "value");
    const tops = [...panelValues.map((v) => (v.upper95 ?? v.value) as number | null), p.target?.value ?? null, p.baseline.value].filter((v): v is number => v !== null && Number.isFinite(v));
    const bottoms = [...panelValues.map((v) => (v.lower95 ?? v.value) as number | null), p.target?.value ?? null].filter((v): v is number => v !== null && Number.isFinite(v));
    const top = Math.max(...tops);
    const bottom = Math.min(...bottoms);
    const span = top - bottom || Math.abs(top) * 0.1 || 1;
    for (const v of panelValues) {
      if (v.label === null) continue;
      // Two rows, so the baseline's label and the latest's never meet in a narrow panel.
      v.label_y = round(top + (v.status === "baseline" ? 0.42 : 0.14) * span, decimals + 3);
      v.label_align = v.status === "baseline" ? "left" : "right";
    }
    // Every panel's label layers need a row (an empty layer in a facet gives Vega an infinite extent).
    if (panelValues.length && !panelValues.some((v) => v.label !== null)) Object.assign(panelValues[0]!, { label: "", label_y: panelValues[0]!.value, label_align: "left" });
    const baseRow = series.find((r) => r.period_label === p.baseline.period);
    if (!(p.target && p.baseline.value !== null && series.length) && baseRow && shown(baseRow)) {
      // No target: one path point and a hidden target at the baseline, so every panel's layers have
      // data (an empty layer in a panel gives Vega an infinite extent) and nothing more is drawn.
      const at = { panel: heading(p), period: baseRow.period_label, period_start: baseRow.period_start.slice(0, 10), value: round(baseRow.value, decimals + 2) };
      values.push({ ...at, kind: "path" }, { ...at, kind: "target", hidden: true, label: "", label_y: at.value });
    } else if (p.target && p.baseline.value !== null && series.length) {
      const lastStart = series.at(-1)!.period_start.slice(0, 10);
      // The target period is after the latest (or one of the periods shown): order it after them.
      const targetStart = series.find((r) => r.period_label === p.target!.period)?.period_start.slice(0, 10) ?? `${lastStart}~${p.target.period}`;
      const baseStart = series.find((r) => r.period_label === p.baseline.period)?.period_start.slice(0, 10) ?? series[0]!.period_start.slice(0, 10);
      values.push(
        { panel: heading(p), kind: "path", period: p.baseline.period, period_start: baseStart, value: round(p.baseline.value, decimals + 2) },
        { panel: heading(p), kind: "path", period: p.target.period, period_start: targetStart, value: round(p.target.value, decimals + 2) },
        // Its label in a band under every mark of the panel (the y scale makes room for it).
        { panel: heading(p), kind: "target", period: p.target.period, period_start: targetStart, value: round(p.target.value, decimals + 2), label: `target ${formatNumber(p.target.value, decimals)}`, label_y: round(bottom - 0.32 * span, decimals + 3) },
      );
    }
  }
  // Period labels slant when a panel is too narrow to print them side by side.
  const periods = Math.max(1, ...panels.map((p) => new Set(values.filter((v) => v.panel === heading(p)).map((v) => v.period)).size));
  const x = {
    field: "period", type: "ordinal" as const, sort: { field: "period_start" }, title: null, scale: { paddingOuter: 0.4 },
    axis: { labelAngle: width / periods < 60 ? -40 : 0, labelLimit: 70, grid: false, ticks: false },
  };
  const y = { field: "value", type: "quantitative" as const, title: null, scale: { zero: false }, axis: { format: ",~f", tickCount: 4, labelLimit: 60 } };
  // The key lists the baseline and the latest points' directions present, in the palette's order.
  const keyNames = Object.keys(DIRECTION_COLOURS).filter((k) => k === "baseline" || panels.some((p) => p.direction === k));
  const layers: unknown[] = [
    { transform: [{ filter: "datum.kind === 'path'" }], mark: { type: "line", color: colours.muted, strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { x, y } },
    { transform: [{ filter: "datum.kind === 'value' && isValid(datum.lower95)" }], mark: { type: "rule", color: colours.muted, strokeWidth: 1.5 }, encoding: { x, y: { field: "lower95", type: "quantitative" }, y2: { field: "upper95" } } },
    { transform: [{ filter: "datum.kind === 'value' && isValid(datum.value)" }], mark: { type: "line", color: colours.focus, strokeWidth: 1.25, opacity: 0.6 }, encoding: { x, y } },
    {
      transform: [{ filter: "datum.kind === 'value' && isValid(datum.value)" }],
      mark: { type: "point", filled: true, size: 60, opacity: 1, stroke: colours.comparator, strokeWidth: 0.75 },
      encoding: {
        x, y,
        color: {
          field: "status", type: "nominal", title: null,
          scale: { domain: [...keyNames, "earlier"], range: [...keyNames.map((k) => DIRECTION_COLOURS[k]!), colours.focus] },
          legend: {
            orient: "top", direction: "horizontal", values: [...keyNames, "earlier"],
            labelExpr: "datum.label === 'baseline' ? 'baseline' : datum.label === 'earlier' ? 'periods between' : 'latest: ' + datum.label",
          },
        },
      },
    },
    {
      transform: [{ filter: "datum.kind === 'target'" }],
      mark: { type: "point", shape: "diamond", filled: true, size: 90, color: colours.text },
      encoding: { x, y, opacity: { condition: { test: "datum.hidden", value: 0 }, value: 1 } },
    },
    // Labels on a white halo (the same text stroked white underneath), so a line or interval
    // passing behind a label never hides it.
    ...[{ stroke: "white", strokeWidth: 3, strokeJoin: "round" }, {}].flatMap((halo) => [
      {
        transform: [{ filter: "datum.kind === 'value' && isValid(datum.label)" }],
        mark: { type: "text", align: { expr: "datum.label_align" }, dx: { expr: "datum.label_align === 'left' ? -4 : 4" }, baseline: "bottom", fontSize: 10, color: colours.text, ...halo },
        encoding: { x, y: { field: "label_y", type: "quantitative" }, text: { field: "label" } },
      },
      // The target's label under its diamond.
      {
        transform: [{ filter: "datum.kind === 'target' && isValid(datum.label)" }],
        mark: { type: "text", align: "center", baseline: "bottom", fontSize: 10, color: colours.text, ...halo },
        encoding: { x, y: { field: "label_y", type: "quantitative" }, text: { field: "label" } },
      },
    ]),
  ];
  const withTarget = panels.filter((p) => p.target);
  return chartBundle("trajectory", opts, {
    notes: [
      `${opts.areaName} in each period since the baseline, with 95% confidence intervals (vertical bars). The latest point's colour: its change from the baseline.` +
        (withTarget.length ? " Dashed line: the path from the baseline to the target (diamond)." : ""),
    ],
    alt: trajectoryAlt(panels, opts, decimals),
    spec: {
      data: { values },
      facet: {
        field: "panel", type: "nominal", sort: panels.map(heading), title: null,
        header: wrappedHeader(panels.map(heading), width + 20, columns > 2 ? 10 : 11),
      },
      columns,
      spacing: { row: 18, column: 30 },
      spec: { width, height: PANEL_HEIGHT, layer: layers },
      resolve: { scale: { y: "independent", x: "independent" }, axis: { x: "independent" } },
    },
    table: {
      columns: ["Outcome", "Period", "Value", "Lower 95% CI", "Upper 95% CI", "Note"],
      rows: values
        .filter((v) => v.kind !== "path" && !v.hidden)
        .map((v) => [v.panel as string, v.period as string, round(v.value as number | null, decimals), v.kind === "value" ? round(v.lower95 as number | null, decimals) : null,
          v.kind === "value" ? round(v.upper95 as number | null, decimals) : null, v.kind === "target" ? "target" : v.status === "baseline" ? "baseline" : v.status === "earlier" ? null : `latest (${v.status})`]),
    },
  });
}

function trajectoryAlt(panels: TrajectoryPanel[], opts: TrajectoryOptions, decimals: number): string {
  const parts = [`Trajectories of ${panels.length} tracked outcome${panels.length === 1 ? "" : "s"} for ${opts.areaName}, from the baseline to the latest period.`];
  for (const p of panels) {
    const own = p.rows.filter((r) => !r.is_suppressed && r.value !== null).sort((a, b) => a.period_start.localeCompare(b.period_start));
    const last = own.at(-1);
    let s = `${p.title}: baseline ${withUnit(p.baseline.value, p.unit, decimals)} in ${p.baseline.period}`;
    if (last && last.period_label !== p.baseline.period) s += `, latest ${withUnit(last.value, p.unit, decimals)} in ${last.period_label} (${p.direction})`;
    if (p.target) s += `; target ${withUnit(p.target.value, p.unit, decimals)} by ${p.target.period}`;
    parts.push(`${s}.`);
  }
  return parts.join(" ");
}
