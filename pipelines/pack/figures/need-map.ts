/**
 * Need index score on the ward map.
 */
import { choroplethMap } from "../../../notebooks/charts/builders.ts";
import type { PackData } from "../pack-data.ts";
import { type AreaFigure, boundaryLine, type PackFigure, type View } from "./common.ts";

/** Need index score on the ward map. */
export function needMapFigure(d: PackData, view: View): PackFigure | null {
  const b = d.wardBoundaries;
  if (!b || !d.needIndex.length) return null;
  return {
    chart: choroplethMap(b.geojson, Object.fromEntries(d.needIndex.map((r) => [r.area_code, r.score])), {
      id: "need-index-map",
      title: "Need index score: map of wards",
      codeProperty: b.codeProperty,
      nameProperty: b.nameProperty,
      focusCodes: view.members.length === 1 ? view.highlight : view.kind === "focus" ? view.members : [],
      legendTitle: "Need score",
    }),
    source: `Need index (see Methods). Boundaries: ${boundaryLine(b)}.`,
    sheet: "need",
  };
}


export const figure: AreaFigure<typeof needMapFigure> = {
  kind: "area", id: "need-index-map", reads: ["marts.need_index"], placed: "the need index section", build: needMapFigure,
};
