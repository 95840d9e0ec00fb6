/**
 * IMD score of every neighbourhood (LSOA) on the LSOA map, the area's outlined.
 */
import { choroplethMap } from "../../../notebooks/charts/builders.ts";
import type { PackData } from "../pack-data.ts";
import { boundaryLine, type DomainFigure, type PackFigure, type View } from "./common.ts";

/** IMD score of every LSOA on the LSOA map (needs LSOA boundaries and the deprivation source). */
export function lsoaImdMapFigure(d: PackData, view: View): PackFigure | null {
  const b = d.lsoaBoundaries;
  if (!b || !d.lsoaDeprivation?.some((r) => r.imd_score !== null)) return null;
  const members = new Set(view.members);
  return {
    chart: choroplethMap(b.geojson, Object.fromEntries(d.lsoaDeprivation.map((r) => [r.lsoa_code, r.imd_score])), {
      id: "deprivation-lsoa-map",
      title: `Index of Multiple Deprivation score by neighbourhood (LSOA)`,
      subtitle: view.kind === "focus" ? `The neighbourhoods of ${view.name} are outlined.` : undefined,
      codeProperty: b.codeProperty,
      nameProperty: b.nameProperty,
      focusCodes: view.kind === "focus" ? d.lsoaDeprivation.filter((r) => members.has(r.ward_code)).map((r) => r.lsoa_code) : [],
      legendTitle: "IMD score",
    }),
    source: `English Indices of Deprivation (higher score: more deprived). Boundaries: ${boundaryLine(b)}.`,
    sheet: "deprivation",
  };
}


export const figure: DomainFigure = {
  kind: "domain", name: "lsoa-imd-map", reads: ["marts.lsoa_deprivation", "ref.area_members"],
  build: (x) => [lsoaImdMapFigure(x.d, x.view)],
};
