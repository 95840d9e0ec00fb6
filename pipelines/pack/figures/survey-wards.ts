/**
 * A survey indicator ward by ward: estimate, interval and base, coloured by comparison with the borough.
 */
import type { Indicator } from "../../../transforms/indicators/define.ts";
import { surveyResultsChart } from "../../../notebooks/charts/builders.ts";
import { type PackData, valueAt } from "../pack-data.ts";
import { idOf, type IndicatorFigure, methodLine, type PackFigure, resultRow, shown, type View, wardRows, wardSignificance } from "./common.ts";

/** Survey results by ward: estimate, interval and number of responses. */
export function surveyWardFigure(d: PackData, view: View, ind: Indicator, periodType: string, period: string): PackFigure | null {
  const rows = wardRows(d, view, ind, periodType, period);
  if (!rows.length) return null;
  const parent = valueAt(d, ind.id, periodType, d.parent.code, period);
  const data = rows.map((r) => resultRow(r, d.names[r.area_code] ?? r.area_code));
  return {
    chart: surveyResultsChart(data, {
      id: `${idOf(ind.id)}-wards`,
      title: `${ind.short}, ${period}: every ward`,
      comparatorValue: shown(parent) ? parent.value : null,
      comparatorName: d.parent.name,
      focusGroups: view.highlight.map((c) => d.names[c] ?? c),
      order: "value",
      decimals: 1,
      ...wardSignificance(d, view, ind, period, (c) => d.names[c] ?? c),
    }),
    source: `${ind.source}. ${methodLine(ind, d.surveyWeightings)}`,
    sheet: ind.domain,
  };
}


export const figure: IndicatorFigure = {
  kind: "indicator", id: "survey-wards", reads: ["marts.indicator_values", "marts.indicator_comparisons"],
  appliesTo: (ind) => ind.method === "survey_proportion", build: surveyWardFigure,
};
