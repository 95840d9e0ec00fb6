/**
 * Funnel plot of the wards against the borough average, by the one funnel rule the notebooks use too.
 */
import type { Indicator } from "../../../transforms/indicators/define.ts";
import { funnelChart } from "../../../notebooks/charts/builders.ts";
import { wardFunnel } from "../../../notebooks/lib/funnel.ts";
import { formatNumber, withUnit } from "../../../notebooks/charts/bundle.ts";
import { type PackData, valueAt } from "../pack-data.ts";
import { type AreaFigure, idOf, type PackFigure, rowsOf, shown, type View } from "./common.ts";

/**
 * Funnel plot of the wards' values against their populations (rates and proportions with counts
 * only), by the one funnel rule the notebooks use too (`wardFunnel`: PHE limits, or limits adjusted
 * for over-dispersion when the wards are over-dispersed).
 */
export function funnelFigure(d: PackData, view: View, ind: Indicator, periodType: string, period: string): PackFigure | null {
  if (ind.method !== "rate" && ind.method !== "proportion") return null;
  const wards = new Set(d.wards);
  const rows = rowsOf(d, ind, periodType).filter((r) => r.period_label === period && wards.has(r.area_code));
  const statistic = ind.method;
  const f = wardFunnel(rows, {
    statistic, multiplier: ind.multiplier, areaNames: d.names,
    focusCodes: view.members.length === 1 ? view.highlight : [],
  });
  if (!f || !Number.isFinite(f.limits.rows[0]?.baseline)) return null;
  const left = d.wards.length - f.points.length;
  const adjusted = !!f.dispersion?.overdispersion.overdispersed;
  // The centre line is the wards' pooled value; the bar chart's comparator line is the borough's
  // own (published, or counted with what no ward holds). When they differ as printed, say why.
  const pooled = f.limits.rows[0]!.baseline;
  const own = valueAt(d, ind.id, periodType, d.parent.code, period);
  const decimals = 1;
  const differs = shown(own) && formatNumber(own.value, decimals) !== formatNumber(pooled, decimals);
  const notes = [
    left ? `${left} ${left === 1 ? "ward" : "wards"} with a suppressed count ${left === 1 ? "is" : "are"} left out.` : "",
    differs
      ? `Centre line: the ${f.points.length} wards drawn pooled (${withUnit(pooled, ind.unit, decimals)}); ${d.parent.name}'s own figure, the line on the ward chart, is ${withUnit(own!.value, ind.unit, decimals)}${left ? " (it counts the wards left out too)" : " (it counts what no ward holds too)"}.`
      : "",
  ].filter(Boolean);
  return {
    chart: funnelChart(f.points, {
      id: `${idOf(ind.id)}-funnel`,
      title: `${ind.short}, ${period}: wards against the ${d.parent.name} average`,
      subtitle: notes.length ? notes.join(" ") : undefined,
      unit: ind.unit,
      limits: f.limits,
      dispersion: f.dispersion,
      comparatorName: `${d.parent.name} (all wards)`,
      denominatorLabel: statistic === "rate" ? "Population" : "Denominator",
    }),
    source: `${ind.source}. Control limits: ${adjusted
      ? "95% and 99.8%, adjusted for over-dispersion (Spiegelhalter 2005, additive random effects)"
      : `${f.limits.method} (${f.limits.label}), 95% and 99.8% (PHE funnel plot method)`}, around the pooled ward average.`,
    sheet: ind.domain,
  };
}


export const figure: AreaFigure<typeof funnelFigure> = {
  kind: "area", id: "funnel", reads: ["marts.indicator_values"], placed: "under the indicators where the focus differs from the borough (at most two a section), or the first", build: funnelFigure,
};
