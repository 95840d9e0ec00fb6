/** A map of the real Medway WD25 ward boundaries (read in place from ../shared) with made-up values. */
import { readFileSync } from "node:fs";
import type { FeatureCollection } from "geojson";
import { type ChartSpecBundle, choroplethMap } from "../../../notebooks/charts/index.ts";
import { realData } from "../../helpers/shared.ts";

export const MEDWAY_WARDS = realData("ons_geography", "boundaries", "medway_wards_WD25.geojson");
export const LUTON_WD25 = "Luton";

export function medwayMap(): { bundle: ChartSpecBundle; geojson: FeatureCollection; focusCode: string } {
  const geojson = JSON.parse(readFileSync(MEDWAY_WARDS, "utf8")) as FeatureCollection;
  const codes = geojson.features.map((f) => String(f.properties?.WD25CD));
  const focusCode = String(geojson.features.find((f) => f.properties?.WD25NM === LUTON_WD25)?.properties?.WD25CD);
  // Deterministic made-up values; one ward without a value.
  const values = Object.fromEntries(codes.map((c, i) => [c, i === 3 ? null : 8 + ((i * 37) % 29)]));
  const bundle = choroplethMap(geojson, values, {
    title: "Made-up values on the real Medway ward boundaries (2025)",
    codeProperty: "WD25CD",
    nameProperty: "WD25NM",
    focusCodes: [focusCode],
    legendTitle: "Per 1,000",
    unit: "per 1,000",
  });
  return { bundle, geojson, focusCode };
}
