/**
 * Where the area is: residents by ward on the ward map.
 */
import { choroplethMap } from "../../../notebooks/charts/builders.ts";
import type { PackData } from "../pack-data.ts";
import { type AreaFigure, boundaryLine, type PackFigure, type View } from "./common.ts";

/** Where the area is: resident population by ward on the ward map. */
export function populationMapFigure(d: PackData, view: View): PackFigure | null {
  const b = d.wardBoundaries;
  if (!b || !d.population) return null;
  const byWard = new Map<string, number>();
  for (const r of d.population.rows) byWard.set(r.ward_code, (byWard.get(r.ward_code) ?? 0) + r.population);
  return {
    chart: choroplethMap(b.geojson, Object.fromEntries(d.wards.map((w) => [w, byWard.get(w) ?? null])), {
      id: "area-map",
      title: `Residents by ward, mid-${d.population.year}${view.kind === "focus" ? `: where ${view.name} is` : ""}`,
      codeProperty: b.codeProperty,
      nameProperty: b.nameProperty,
      focusCodes: view.kind === "focus" ? (view.members.length === 1 ? view.highlight : view.members) : [],
      legendTitle: "Residents",
      decimals: 0,
    }),
    source: `${d.population.source}, mid-${d.population.year}. Boundaries: ${boundaryLine(b)}.`,
    sheet: "area",
  };
}


export const figure: AreaFigure<typeof populationMapFigure> = {
  kind: "area", id: "area-map", reads: ["marts.population_by_band"], placed: "the area profile", build: populationMapFigure,
};
