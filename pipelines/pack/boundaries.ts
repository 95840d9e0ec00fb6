/**
 * Boundaries for the pack's maps, read as the geography stage reads them (`readBoundaryFeatures`:
 * GeoJSON, a shapefile, KML or a GeoPackage, in lon/lat). Property names vary by publisher and vintage (`WD24CD`,
 * `WD22CD`, `LSOA21CD`, `lsoa21cd`, ...), so the code property is detected: the property whose
 * values match the most codes of the areas being mapped; the name property is its `...NM`
 * partner when there is one. Only features of those areas are kept.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Feature, FeatureCollection } from "geojson";
import type { Config } from "../core/config.ts";
import { messages } from "../core/messages.ts";
import { readBoundaryFeatures } from "../../sources/geography/boundaries.ts";

/** A boundary file ready for `choroplethMap`. */
export interface Boundaries {
  file: string;
  geojson: FeatureCollection;
  codeProperty: string;
  nameProperty: string;
  /** The code property's vintage prefix, e.g. `WD24` from `WD24CD`; null when it has none. */
  vintage: string | null;
  /** Areas of the build that have a boundary, and areas expected. */
  matched: number;
  expected: number;
}

/**
 * Read `file` and keep the features whose code is in `codes`. Returns null (with the reason in
 * `notes`, naming the file as `label`) when the file cannot be read or no feature matches.
 */
export function loadBoundaries(file: string, codes: Set<string>, kind: string, parent: string, notes: string[], label = file): Boundaries | null {
  let read: ReturnType<typeof readBoundaryFeatures>;
  try {
    // Only features carrying one of the codes mapped are converted (a national file for one authority).
    read = readBoundaryFeatures(file, (props) => Object.values(props).some((v) => typeof v === "string" && codes.has(v.trim())));
  } catch (err) {
    // An unreadable boundary file costs the maps, not the pack: say so in the data-quality notes (naming it as `label`).
    notes.push((err as Error).message.split(file).join(label));
    return null;
  }
  // Polygons in lon/lat whatever the file's system (British National Grid, a shapefile), as the map's projection expects.
  const features: Feature[] = read.features.flatMap((f) => f.polygons
    ? [{ type: "Feature" as const, properties: f.properties, geometry: f.polygons.length === 1 ? { type: "Polygon" as const, coordinates: f.polygons[0]! } : { type: "MultiPolygon" as const, coordinates: f.polygons } }]
    : []);
  const polys = features;
  const score = new Map<string, number>();
  for (const f of polys) {
    for (const [k, v] of Object.entries(f.properties ?? {})) if (typeof v === "string" && codes.has(v.trim())) score.set(k, (score.get(k) ?? 0) + 1);
  }
  const best = [...score].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  if (!best) {
    notes.push(messages.packBoundariesNoMatch(label, read.total, parent));
    return null;
  }
  const codeProperty = best[0];
  const keys = Object.keys(polys[0]?.properties ?? {});
  const partner = codeProperty.replace(/cd$/i, (m) => (m === "CD" ? "NM" : "nm"));
  const nameProperty =
    (partner !== codeProperty && keys.includes(partner) ? partner : undefined) ?? keys.find((k) => /(nm|name)$/i.test(k)) ?? codeProperty;
  const kept = polys
    .filter((f) => codes.has(String(f.properties?.[codeProperty] ?? "").trim()))
    .map((f) => ({ ...f, properties: { ...f.properties, [codeProperty]: String(f.properties![codeProperty]).trim() } }));
  const matched = new Set(kept.map((f) => f.properties[codeProperty] as string)).size;
  if (matched < codes.size) notes.push(messages.packBoundariesPartial(label, matched, codes.size, kind));
  const vintage = /^([A-Za-z]+\d{2})CD$/i.exec(codeProperty)?.[1]?.toUpperCase() ?? null;
  return {
    file,
    geojson: { type: "FeatureCollection", features: kept },
    codeProperty,
    nameProperty,
    vintage,
    matched,
    expected: codes.size,
  };
}

/**
 * LSOA boundary files to try: `geography.lsoaBoundaries` when the config has it, else the other
 * GeoJSON files beside the ward boundaries (the best match to the lookup's LSOAs is used).
 */
export function lsoaBoundaryCandidates(config: Config): string[] {
  const declared = (config.geography as { lsoaBoundaries?: string }).lsoaBoundaries;
  if (declared) return [path.resolve(config.baseDir, declared)];
  const wards = config.geography.wardBoundaries;
  if (!wards || !existsSync(path.dirname(wards))) return [];
  return readdirSync(path.dirname(wards))
    .filter((f) => /\.((geo)?json|shp)$/i.test(f) && /lsoa/i.test(f))
    .sort()
    .map((f) => path.join(path.dirname(wards), f))
    .filter((f) => f !== wards);
}
