/**
 * Trends of a section's indicators as small multiples, with recent-trend markers and definition breaks.
 */
import type { IndicatorTrendRow } from "../../../transforms/marts.ts";
import type { Indicator } from "../../../transforms/indicators/define.ts";
import { countsPoliceStreetCrime } from "../../../transforms/indicators/catalogue/crime.ts";
import { trendPanelsChart } from "../../../notebooks/charts/builders.ts";
import type { PackData } from "../pack-data.ts";
import { type DomainFigure, type PackFigure, rowsOf, shown, trendSpan, type View } from "./common.ts";

/**
 * The definition breaks of an indicator's series of one period type, each placed at the first
 * period of that type starting on or after the break (where the chart draws its rule).
 */
export function breaksOf(d: PackData, id: string, periodType: string): { period_start: string; label: string }[] {
  const starts = [...new Set((d.byIndicator.get(id) ?? []).filter((r) => r.period_type === periodType).map((r) => String(r.period_start).slice(0, 10)))].sort();
  const at = new Map<string, string[]>();
  for (const b of d.seriesBreaks.filter((x) => x.indicator_id === id)) {
    const first = starts.find((s) => s >= b.break_start.slice(0, 10));
    if (first && first !== starts[0]) at.set(first, [...(at.get(first) ?? []), b.label]);
  }
  return [...at].map(([period_start, labels]) => ({ period_start, label: labels.join("; ") }));
}

/**
 * The months of a police.uk-counted indicator's monthly series that the crime loader flagged as
 * far from their neighbours (`crime_anomalous_month`, as the crime-by-month chart marks them), as `period_start` dates.
 */
export function flaggedOf(d: PackData, ind: Indicator, periodType: string): string[] {
  if (periodType !== "month" || !countsPoliceStreetCrime(ind)) return [];
  return d.anomalousMonths.map((m) => `${m}-01`);
}

/** Trends of a domain's indicators as small multiples: the area against the borough and England. */
export function trendPanelsFigure(
  d: PackData, view: View, domain: string, title: string, items: { ind: Indicator; periodType: string; trend?: IndicatorTrendRow | null }[],
): PackFigure | null {
  const country = d.country;
  const panels = items
    .map(({ ind, periodType, trend }) => ({
      ind, rows: rowsOf(d, ind, periodType), trend: trend && trend.direction !== "cannot be calculated" ? trend : undefined, breaks: breaksOf(d, ind.id, periodType),
      flagged: flaggedOf(d, ind, periodType),
    }))
    .filter((p) => new Set(p.rows.filter((r) => r.area_code === view.code).map((r) => r.period_label)).size >= 2);
  if (!panels.length) return null;
  const comparatorCodes = (view.kind === "focus" ? [d.parent.code, country] : [country]).filter(
    (c): c is string => !!c && panels.some((p) => p.rows.some((r) => r.area_code === c && shown(r))),
  );
  return {
    chart: trendPanelsChart(
      panels.map((p) => ({
        title: p.ind.short, unit: p.ind.unit, rows: p.rows, breaks: p.breaks, flagged: p.flagged,
        trend: p.trend ? { direction: p.trend.direction, over: trendSpan(p.trend) } : undefined,
      })),
      {
        id: `${domain}-trends`,
        title: `${title}: trends in ${view.name}`,
        // The chart's own notes name each recent trend and what it was computed over.
        focusCode: view.code,
        comparatorCodes,
        areaNames: d.names,
        columns: 2,
      },
    ),
    source: `${[...new Set(panels.map((p) => p.ind.source))].join("; ")}. Each indicator's headline period type; 95% intervals as in Methods.`,
    sheet: domain,
  };
}


export const figure: DomainFigure = {
  kind: "domain", name: "trend-panels", reads: ["marts.indicator_values", "marts.indicator_trends", "marts.series_breaks"],
  build: (x) => [trendPanelsFigure(x.d, x.view, x.domain, x.title, x.rows.map((r) => ({ ind: r.indicator, periodType: r.periodType, trend: r.trend })))],
};
