/**
 * Every ward's value with its interval against the comparator lines, coloured by comparison with the borough.
 */
import type { Polarity } from "../../../transforms/marts.ts";
import type { Indicator } from "../../../transforms/indicators/define.ts";
import { compareAreasChart } from "../../../notebooks/charts/builders.ts";
import type { PackData } from "../pack-data.ts";
import { comparatorLines, idOf, type IndicatorFigure, methodLine, type PackFigure, type View, wardRows, wardSignificance } from "./common.ts";

/** Every ward's value with its interval and the comparator lines. */
export function compareFigure(d: PackData, view: View, ind: Indicator, periodType: string, period: string): PackFigure | null {
  const rows = wardRows(d, view, ind, periodType, period);
  if (!rows.length) return null;
  return {
    chart: compareAreasChart(rows, {
      id: `${idOf(ind.id)}-wards`,
      title: `${ind.short}, ${period}: every ward`,
      focusCodes: view.highlight,
      areaNames: d.names,
      comparators: comparatorLines(d, view, ind, period, periodType),
      unit: ind.unit,
      polarity: ind.polarity as Polarity,
      ...wardSignificance(d, view, ind, period, (c) => c),
    }),
    source: `${ind.source}. ${methodLine(ind, d.surveyWeightings)}`,
    sheet: ind.domain,
  };
}


export const figure: IndicatorFigure = {
  kind: "indicator", id: "compare-areas", reads: ["marts.indicator_values", "marts.indicator_comparisons"],
  appliesTo: (ind) => ind.method !== "survey_proportion", build: compareFigure,
};
