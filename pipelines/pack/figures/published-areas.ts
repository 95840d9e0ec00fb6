/**
 * An indicator published above ward level: the borough (or its county) beside the region and England.
 */
import type { IndicatorValueRow, Polarity } from "../../../transforms/marts.ts";
import type { Indicator } from "../../../transforms/indicators/define.ts";
import { compareAreasChart } from "../../../notebooks/charts/builders.ts";
import { listEnglish } from "../../../notebooks/charts/bundle.ts";
import { type PackData, valueAt } from "../pack-data.ts";
import { type AreaFigure, idOf, methodLine, type PackFigure } from "./common.ts";

/**
 * An indicator published above ward level (e.g. by OHID for the authority): the parent's value
 * with its interval beside its county's (a district's), region's and England's, from the same
 * source and period. A district with no value of its own (OHID and DfE publish for the county, the
 * upper tier) gets its county's, labelled "(county)". Null when neither has a value.
 */
export function publishedAreasFigure(d: PackData, ind: Indicator, periodType: string, period: string): PackFigure | null {
  const rows = [d.parent.code, d.county, d.region, d.country]
    .filter((c): c is string => !!c)
    .map((c) => valueAt(d, ind.id, periodType, c, period))
    .filter((r): r is IndicatorValueRow => !!r);
  // The borough's value, or else its county's (a district's upper tier publishes for the county).
  const own = [d.parent.code, d.county].find((c) => c && rows.some((r) => r.area_code === c));
  if (!own) return null;
  const names = rows.map((r) => (r.area_code === d.county ? `${d.names[r.area_code] ?? r.area_code} (county)` : d.names[r.area_code] ?? r.area_code));
  return {
    chart: compareAreasChart(rows, {
      id: `${idOf(ind.id)}-published`,
      title: `${ind.short}, ${period}: ${listEnglish(names)}`,
      focusCodes: [own],
      areaNames: d.names,
      comparators: [],
      unit: ind.unit,
      polarity: ind.polarity as Polarity,
    }),
    source: `${ind.source}. ${methodLine(ind, d.surveyWeightings)}`,
    sheet: ind.domain,
  };
}


export const figure: AreaFigure<typeof publishedAreasFigure> = {
  kind: "area", id: "published-areas", reads: ["marts.indicator_values"], placed: "under an indicator with no ward values", build: publishedAreasFigure,
};
