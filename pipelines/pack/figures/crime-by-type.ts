/**
 * Crime rates by type: the area against the borough (or the borough against England).
 */
import type { Indicator } from "../../../transforms/indicators/define.ts";
import { crimeByTypeChart, type CrimeTypeRow } from "../../../notebooks/charts/builders.ts";
import { type PackData, valueAt } from "../pack-data.ts";
import { type DomainFigure, headlinePeriod, type PackFigure, shown, type View } from "./common.ts";

/** Crime rates by type: the area against the borough (or the borough against England). */
export function crimeTypeFigure(d: PackData, view: View, indicators: Indicator[]): PackFigure | null {
  const comparator = view.kind === "focus" ? d.parent.code : d.country;
  if (!comparator) return null;
  let period = "";
  let source = "";
  const rows: CrimeTypeRow[] = [];
  for (const ind of indicators.filter((i) => i.domain === "crime" && i.id !== "crime.all_crime_rate" && i.method === "rate")) {
    // The summary's headline period (`headlinePeriod`), so the chart and the table agree.
    const at = headlinePeriod(d, ind, view.code, view.kind === "focus" ? d.parent.code : undefined);
    if (!at) continue;
    const own = at.row;
    const comp = valueAt(d, ind.id, at.periodType, comparator, at.period);
    if (!shown(own) || !shown(comp)) continue;
    period = own.period_label;
    source ||= ind.source;
    rows.push({ crime_type: ind.short, focus_rate: own.value, comparator_rate: comp.value });
  }
  if (rows.length < 2) return null;
  return {
    chart: crimeByTypeChart(rows, {
      id: "crime-by-type",
      title: `Crime rates by type, ${period}`,
      focusName: view.name,
      comparatorName: d.names[comparator] ?? comparator,
    }),
    source: `${source}. Rates per 1,000 residents.`,
    sheet: "crime",
  };
}


export const figure: DomainFigure = {
  kind: "domain", name: "crime-by-type", reads: ["marts.indicator_values"],
  build: (x) => [crimeTypeFigure(x.d, x.view, [...x.indicators])],
};
