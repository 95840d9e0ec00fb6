/**
 * An indicator by sex beside all pupils (KS2 boys and girls).
 */
import type { Indicator } from "../../../transforms/indicators/define.ts";
import { type SurveyResultRow, surveyResultsChart } from "../../../notebooks/charts/builders.ts";
import type { PackData } from "../pack-data.ts";
import { idOf, type IndicatorFigure, methodLine, type PackFigure, resultRow, type View } from "./common.ts";

/** Labels of the sex breakdowns the sources publish (KS2 `boys`/`girls`), in chart order. */
const SEX_BREAKDOWNS: Record<string, string> = { all: "All pupils", boys: "Boys", girls: "Girls" };

/**
 * An indicator by sex beside all pupils (KS2 boys and girls): for the focus area (when shown),
 * the borough and England, each with its interval and base; null when the indicator has no sex
 * breakdown in the period.
 */
export function sexBreakdownFigure(d: PackData, view: View, ind: Indicator, period: string): PackFigure | null {
  const split = d.breakdownValues.filter((r) => r.indicator_id === ind.id && r.period_label === period && r.breakdown in SEX_BREAKDOWNS);
  if (!split.length) return null;
  const all = (d.byIndicator.get(ind.id) ?? []).filter((r) => r.period_label === period);
  const areas = [...(view.kind === "focus" ? [view.code] : []), d.parent.code, ...(d.country ? [d.country] : [])];
  const data: SurveyResultRow[] = areas.flatMap((code) =>
    Object.entries(SEX_BREAKDOWNS).flatMap(([b, label]) => {
      const r = (b === "all" ? all : split).find((x) => x.area_code === code && x.breakdown === b);
      const where = code === d.parent.code ? d.parent.name : code === d.country ? "England" : view.members.length > 1 ? "locality" : "ward";
      return r ? [resultRow(r, `${label} (${where})`)] : [];
    }),
  );
  if (!data.some((r) => !r.is_suppressed && !r.group.startsWith("All pupils"))) return null;
  return {
    chart: surveyResultsChart(data, {
      id: `${idOf(ind.id)}-by-sex`,
      title: `${ind.short}, ${period}: boys and girls beside all pupils`,
      subtitle: `${view.kind === "focus" ? `${view.name} (${view.members.length > 1 ? "locality" : "ward"}), ` : ""}${d.parent.name}${d.country ? ` and England` : ""}.`,
      focusGroups: view.kind === "focus" ? data.filter((r) => /\((ward|locality)\)$/.test(r.group)).map((r) => r.group) : [],
      counted: { people: "pupils", estimate: "proportion" },
      unit: ind.unit,
      decimals: 1,
    }),
    source: `${ind.source}. ${methodLine(ind, d.surveyWeightings)} Boys and girls as published per school (pupils = eligible x percentage); small cohorts are suppressed by DfE.`,
    sheet: ind.domain,
  };
}


export const figure: IndicatorFigure = {
  kind: "indicator", id: "sex-breakdown", reads: ["marts.indicator_values", "marts.indicator_comparisons"],
  appliesTo: (ind) => ind.method !== "survey_proportion", build: (d, view, ind, _t, period) => sexBreakdownFigure(d, view, ind, period),
};
