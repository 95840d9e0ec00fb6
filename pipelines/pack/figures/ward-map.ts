/**
 * Ward map of the section's lead indicator (needs ward boundaries).
 */
import type { Indicator } from "../../../transforms/indicators/define.ts";
import { choroplethMap } from "../../../notebooks/charts/builders.ts";
import type { PackData } from "../pack-data.ts";
import { boundaryLine, type DomainFigure, idOf, type PackFigure, rowsOf, shown, type View } from "./common.ts";

/** Ward map of one indicator's latest values (needs ward boundaries). */
export function wardMapFigure(d: PackData, view: View, ind: Indicator, periodType: string, period: string): PackFigure | null {
  const b = d.wardBoundaries;
  if (!b) return null;
  const rows = rowsOf(d, ind, periodType).filter((r) => r.period_label === period && d.wards.includes(r.area_code));
  if (!rows.length) return null;
  const values = Object.fromEntries(rows.map((r) => [r.area_code, shown(r) ? r.value : null]));
  return {
    chart: choroplethMap(b.geojson, values, {
      id: `${idOf(ind.id)}-map`,
      title: `${ind.short}, ${period}: map of wards`,
      codeProperty: b.codeProperty,
      nameProperty: b.nameProperty,
      focusCodes: view.members.length === 1 ? view.highlight : view.kind === "focus" ? view.members : [],
      legendTitle: ind.unit === "%" ? "Per cent" : ind.unit === "score" ? "Score" : ind.unit.replace(/^per/, "Per"),
      unit: ind.unit === "score" ? "" : ind.unit,
    }),
    source: `${ind.source}. Boundaries: ${boundaryLine(b)}.`,
    sheet: ind.domain,
  };
}


export const figure: DomainFigure = {
  kind: "domain", name: "ward-map", reads: ["marts.indicator_values"],
  // The section's lead indicator, ward by ward.
  build: (x) => (x.rows[0] ? [wardMapFigure(x.d, x.view, x.rows[0].indicator, x.rows[0].periodType, x.rows[0].period)] : []),
};
