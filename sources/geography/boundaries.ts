/**
 * ONS boundary files (LSOA or ward polygons: GeoJSON, an ESRI shapefile, a GeoPackage, or KML) and the geometry the toolkit does in JS, since
 * DuckDB's spatial extension is not available: point in polygon (with holes and multipolygons),
 * polygon centroids, and a grid index so that placing many points stays fast. Polygons are kept
 * in lon/lat (CRS84, as RFC 7946 GeoJSON is): a file in British National Grid (EPSG:27700, the
 * ONS boundaries' own system and what the Geoportal's GeoJSON often comes in) or Web Mercator
 * (EPSG:3857) is converted as it is read, with proj4 (the OSGB36 datum shift by the
 * seven-parameter Helmert transformation, a few metres: police.uk points are snapped further than
 * that). Grain of `ref.boundaries`: one row per area code and vintage.
 */
import { readFileSync } from "node:fs";
import proj4 from "proj4";
import type { Context } from "../../pipelines/core/context.ts";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import { fileBytes, readHead, sha256File } from "../files.ts";
import { readShapefileRecords } from "./shapefile.ts";
import { readKmlFeatures } from "./kml.ts";
import { readGeoPackageFeatures } from "./geopackage.ts";
import { isSqliteHeader } from "../sqlite.ts";
import type { FileLoad } from "../load-csv.ts";

/** A ring is a list of [lon, lat]; a polygon is an outer ring then holes. */
export type Ring = number[][];
export type Polygon = Ring[];

/** One area's boundary. */
export interface Boundary {
  code: string;
  name: string | null;
  /** `LSOA11`, `WD22`... from the code property's name. */
  vintage: string;
  polygons: Polygon[];
  bbox: [number, number, number, number];
  /** Centroid: the file's `LONG`/`LAT` (any case) when present, else the area-weighted centroid. */
  centroid: [number, number];
  /**
   * A point inside the area, to place it in another area by: the centroid when it lies inside,
   * else a point on its largest part (an estuary LSOA of several parts, or a crescent, has its
   * centroid outside itself: 7 of Medway's 169 LSOAs of 2021).
   */
  inside: [number, number];
}

/** A boundary file read: the areas, and the features that could not be used (1-based feature number). */
export interface BoundaryFile {
  file: string;
  family: "LSOA" | "WD";
  vintage: string;
  areas: Boundary[];
  rejected: { feature: number; column: string | null; reason: string }[];
  /** The file's coordinate system: lon/lat, or the one converted from. */
  crs: BoundaryCrs;
}

/** Coordinate systems boundary files are read in. */
export type BoundaryCrs = "CRS84" | "EPSG:27700" | "EPSG:3857";

proj4.defs("EPSG:27700", "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs");

/**
 * A GeoJSON's coordinate system: its legacy `crs` member where it has one (`urn:ogc:def:crs:EPSG::27700`),
 * else told by the first position (lon/lat within +-180/+-90; eastings and northings of Great Britain
 * otherwise). Null for any other system.
 */
function crsOf(json: { crs?: { properties?: { name?: unknown } } }, first: number[] | undefined): BoundaryCrs | null {
  const name = String(json.crs?.properties?.name ?? "");
  if (name) {
    if (/CRS84$|EPSG::?4326$/i.test(name)) return "CRS84";
    if (/EPSG::?27700$/i.test(name)) return "EPSG:27700";
    if (/EPSG::?(3857|900913|102100)$/i.test(name)) return "EPSG:3857";
    return null;
  }
  if (!first) return "CRS84";
  const [x, y] = first as [number, number];
  if (Math.abs(x) <= 180 && Math.abs(y) <= 90) return "CRS84";
  if (x >= -10_000 && x <= 800_000 && y >= -10_000 && y <= 1_300_000) return "EPSG:27700";
  return null;
}

/** The first position of a feature collection's polygons, to tell its coordinate system by. */
function firstPosition(features: { geometry?: { type: string; coordinates: unknown } | null }[]): number[] | undefined {
  for (const f of features) {
    let c: unknown = f.geometry?.coordinates;
    while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
    if (Array.isArray(c) && typeof c[0] === "number") return c as number[];
  }
  return undefined;
}

/** Polygons from `crs` to lon/lat (6 decimal places, a tenth of a metre). */
function toLonLat(polygons: Polygon[], crs: BoundaryCrs): Polygon[] {
  if (crs === "CRS84") return polygons;
  const convert = proj4(crs, "EPSG:4326");
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return polygons.map((p) => p.map((ring) => ring.map((pt) => {
    const [lon, lat] = convert.forward([pt[0]!, pt[1]!]);
    return [round(lon!), round(lat!)];
  })));
}

/** The names of boundary files `readBoundaryFeatures` reads: what a zip download's member is picked by (`resolveArchivedFile`). */
export const BOUNDARY_FILE = /\.(shp|geojson|json|kml|gpkg)$/i;

/** Source id of boundary files in `audit.loads`. */
export const BOUNDARY_SOURCE = "ons_boundaries";

/** A feature of a boundary file: its properties, and its polygons in lon/lat (null when its geometry is not a usable polygon). */
export interface BoundaryFeature {
  properties: Record<string, unknown>;
  polygons: Polygon[] | null;
  /** The geometry type as given (`Polygon`, `MultiPolygon`, `Point`, `none`...). */
  geometryType: string;
}

/** Given polygons (an outer ring of 4 or more positions, then holes), or null. */
function usablePolygons(given: unknown): Polygon[] | null {
  const ps = given as Polygon[] | undefined;
  return Array.isArray(ps) && ps.length > 0 && ps.every((p) => Array.isArray(p) && p.length > 0 && Array.isArray(p[0]) && p[0]!.length >= 4) ? ps : null;
}

/**
 * The features of a boundary file, polygons in lon/lat whatever system the file is in: GeoJSON
 * (lon/lat, British National Grid or Web Mercator; see `crsOf`) or an ESRI shapefile (`.shp`, its
 * `.dbf` and `.prj` beside it; `readShapefile`), as the ONS Geoportal offers both, or KML
 * (`readKmlFeatures`, lon/lat), or a GeoPackage's one polygon layer (`readGeoPackage`). A zip is named, with what to give instead. With `keep`, only the features it accepts are
 * converted and returned (a national file in British National Grid, for one authority's map).
 */
export function readBoundaryFeatures(file: string, keep?: (properties: Record<string, unknown>) => boolean): { features: BoundaryFeature[]; crs: BoundaryCrs; total: number } {
  if (/\.shp$/i.test(file)) return readShapefile(file, keep);
  const head = readHead(file, 512);
  if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<(\w+:)?kml\b/i.test(head.toString("utf8").replace(/^\uFEFF/, ""))) return readKml(file, keep);
  if (isSqliteHeader(head)) return readGeoPackage(file, keep);
  const other = head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? "a zip archive (a shapefile download? name it .zip: its shapefile is read; or unzip it and give its .shp, with the .dbf and .prj beside it)"
    : null;
  if (other) throw new LocalneedsError(messages.boundariesOtherFormat(file, other));
  let json: { type?: string; crs?: { properties?: { name?: unknown } }; features?: { properties?: Record<string, unknown>; geometry?: { type: string; coordinates: unknown } | null }[] };
  try {
    // GeoJSON is UTF-8 (RFC 7946): other bytes are an error, not names silently turned into U+FFFD.
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(file)).replace(/^\uFEFF/, ""));
  } catch (err) {
    throw new LocalneedsError(messages.boundariesUnreadable(file, (err as Error).message));
  }
  if (json.type !== "FeatureCollection" || !Array.isArray(json.features)) throw new LocalneedsError(messages.boundariesUnreadable(file, "not a GeoJSON FeatureCollection"));
  const crs = crsOf(json, firstPosition(json.features));
  if (!crs) throw new LocalneedsError(messages.boundariesCrs(file, String(json.crs?.properties?.name ?? "coordinates that are neither lon/lat nor British National Grid")));
  const features = json.features.filter((f) => !keep || keep(f?.properties ?? {})).map((f): BoundaryFeature => {
    const g = f?.geometry;
    const polygons = usablePolygons(g?.type === "Polygon" ? [g.coordinates] : g?.type === "MultiPolygon" ? g.coordinates : undefined);
    return { properties: f?.properties ?? {}, polygons: polygons && toLonLat(polygons, crs), geometryType: g?.type ?? "none" };
  });
  return { features, crs, total: json.features.length };
}

/** A KML file's features (`readKmlFeatures`): lon/lat on WGS84, as KML always is. */
function readKml(file: string, keep?: (properties: Record<string, unknown>) => boolean): { features: BoundaryFeature[]; crs: BoundaryCrs; total: number } {
  let placemarks: ReturnType<typeof readKmlFeatures>;
  try {
    placemarks = readKmlFeatures(file);
  } catch (err) {
    throw new LocalneedsError(messages.boundariesUnreadable(file, (err as Error).message));
  }
  const features = placemarks.filter((f) => !keep || keep(f.properties)).map((f): BoundaryFeature => ({
    properties: f.properties,
    polygons: f.polygons.length ? usablePolygons(f.polygons) : null,
    geometryType: f.polygons.length > 1 ? "MultiPolygon" : f.polygons.length ? "Polygon" : (f.geometryTypes[0] ?? "none"),
  }));
  return { features, crs: "CRS84", total: placemarks.length };
}

/**
 * A GeoPackage's one polygon layer (`readGeoPackageFeatures`), in lon/lat: its coordinate system
 * from `gpkg_spatial_ref_sys` (the EPSG code, else the WKT definition as a `.prj` is read), or
 * from its first position when the layer's system is undefined (srs_id 0 or -1).
 */
function readGeoPackage(file: string, keep?: (properties: Record<string, unknown>) => boolean): { features: BoundaryFeature[]; crs: BoundaryCrs; total: number } {
  let layer: ReturnType<typeof readGeoPackageFeatures>;
  try {
    layer = readGeoPackageFeatures(file, keep);
  } catch (err) {
    throw new LocalneedsError(messages.boundariesUnreadable(file, (err as Error).message, "a GeoPackage"));
  }
  const { srs } = layer;
  const first = layer.features.find((f) => f.polygons?.[0]?.[0]?.length)?.polygons![0]![0]![0];
  // An EPSG (or ESRI) code is read as a GeoJSON's `crs` name is; failing that, the definition as a `.prj`.
  const crs = srs.srsId <= 0 || /^undefined$/i.test(srs.definition) ? crsOf({}, first)
    : (/^(EPSG|ESRI)$/i.test(srs.organization) ? crsOf({ crs: { properties: { name: `EPSG:${srs.code}` } } }, first) : null) ?? prjCrs(srs.definition, first);
  if (!crs) throw new LocalneedsError(messages.boundariesCrs(file, srs.organization ? `${srs.organization}:${srs.code}` : /^\s*\w+\[\s*"([^"]+)"/.exec(srs.definition)?.[1] ?? `SRS ${srs.srsId}`));
  const features = layer.features.map((f): BoundaryFeature => ({
    properties: f.properties,
    polygons: usablePolygons(f.polygons) && toLonLat(f.polygons!, crs),
    geometryType: f.geometryType,
  }));
  return { features, crs, total: layer.total };
}

/** A shapefile's coordinate system from its `.prj` (WKT), or from its first position when it has none; null for another system. */
function prjCrs(prj: string | null, first: number[] | undefined): BoundaryCrs | null {
  if (prj === null) return crsOf({}, first);
  if (/British_National_Grid|OSGB[_ ]?1936|OSGB36|EPSG["',: ]*27700/i.test(prj)) return "EPSG:27700";
  if (/Web_Mercator|Mercator_Auxiliary_Sphere|Pseudo[_-]Mercator|EPSG["',: ]*(3857|900913|102100)/i.test(prj)) return "EPSG:3857";
  if (/^\s*GEOG(CS|CRS)\[/i.test(prj) && /WGS[_ ]?(19)?84/i.test(prj)) return "CRS84";
  return null;
}

/**
 * An ESRI shapefile's features (`readShapefileRecords`), in lon/lat. A shape's rings are polygons
 * as the format has them: each clockwise ring is an outer ring, each counter-clockwise one a hole
 * of the outer ring it lies in (a ring in no outer ring, from a writer that winds them the other
 * way, is an outer ring of its own).
 */
function readShapefile(file: string, keep?: (properties: Record<string, unknown>) => boolean): { features: BoundaryFeature[]; crs: BoundaryCrs; total: number } {
  const { records: all, prj } = readShapefileRecords(file);
  const records = keep ? all.filter((r) => keep(r.properties)) : all;
  const first = records.find((r) => r.rings?.[0]?.length)?.rings![0]![0];
  const crs = prjCrs(prj, first);
  if (!crs) throw new LocalneedsError(messages.boundariesCrs(file, /^\s*\w+\[\s*"([^"]+)"/.exec(prj ?? "")?.[1] ?? "an unknown coordinate system"));
  const features = records.map((r): BoundaryFeature => {
    const rings = (r.rings ?? []).filter((ring) => ring.length >= 4);
    const outers: Polygon[] = [];
    const holes: Ring[] = [];
    for (const ring of rings) (ringMoments(ring, ring[0]![0]!, ring[0]![1]!).a < 0 ? outers.push([ring]) : holes.push(ring));
    for (const hole of holes) {
      const [x, y] = hole[0]!;
      const around = outers.find((p) => inRing(x!, y!, p[0]!));
      if (around) around.push(hole);
      else outers.push([hole]);
    }
    return { properties: r.properties, polygons: usablePolygons(outers) && toLonLat(outers, crs), geometryType: r.shapeType };
  });
  return { features, crs, total: all.length };
}

/** Read an ONS boundary file (see `readBoundaryFeatures`) whose features carry an `LSOAyyCD` (or `WDyyCD`) property. */
export function readBoundaries(file: string, family: "LSOA" | "WD"): BoundaryFile {
  const { features, crs } = readBoundaryFeatures(file);
  const props = features[0]?.properties ?? {};
  const re = new RegExp(`^${family}(\\d{2})CD$`, "i");
  const codeKey = Object.keys(props).find((k) => re.test(k));
  if (!codeKey) throw new LocalneedsError(messages.boundariesNoCode(file, `${family}yyCD`, Object.keys(props)));
  const vintage = `${family}${re.exec(codeKey)![1]}`;
  const nameKey = Object.keys(props).find((k) => k.toUpperCase() === `${vintage}NM`);
  const areas: Boundary[] = [];
  const rejected: BoundaryFile["rejected"] = [];
  features.forEach((f, i) => {
    const code = String(f.properties[codeKey] ?? "").trim();
    if (!code) return void rejected.push({ feature: i + 1, column: codeKey, reason: messages.boundaryFeatureNoCode(codeKey) });
    const polygons = f.polygons;
    if (!polygons) return void rejected.push({ feature: i + 1, column: "geometry", reason: messages.boundaryFeatureNoPolygon(f.geometryType) });
    const bbox = boundsOf(polygons);
    // `LONG`/`LAT` as the Geoportal names them; `long`/`lat` in older exports.
    const prop = (name: string) => f.properties[Object.keys(f.properties).find((k) => k.toUpperCase() === name) ?? name];
    const [lon, lat] = [Number(prop("LONG")), Number(prop("LAT"))];
    const centroid: [number, number] = Number.isFinite(lon) && Number.isFinite(lat) && prop("LONG") != null && prop("LAT") != null ? [lon, lat] : centroidOf(polygons);
    const inside = pointInPolygons(centroid[0], centroid[1], polygons) ? centroid : pointOnSurface(polygons);
    areas.push({ code, name: nameKey ? String(f.properties[nameKey] ?? "") || null : null, vintage, polygons, bbox, centroid, inside });
  });
  return { file, family, vintage, areas, rejected, crs };
}

function boundsOf(polygons: Polygon[]): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of polygons) for (const [x, y] of p[0]!) {
    if (x! < x0) x0 = x!;
    if (x! > x1) x1 = x!;
    if (y! < y0) y0 = y!;
    if (y! > y1) y1 = y!;
  }
  return [x0, y0, x1, y1];
}

/** Signed area and centroid moments of a ring (shoelace), about the point `[ox, oy]`. */
function ringMoments(ring: Ring, ox: number, oy: number): { a: number; cx: number; cy: number } {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = [ring[i]![0]! - ox, ring[i]![1]! - oy];
    const [xj, yj] = [ring[j]![0]! - ox, ring[j]![1]! - oy];
    const cross = xj * yi - xi * yj;
    a += cross;
    cx += (xj + xi) * cross;
    cy += (yj + yi) * cross;
  }
  return { a: a / 2, cx, cy };
}

/**
 * Area-weighted centroid of polygons (holes subtracted). Worked out about the first vertex: with
 * coordinates near 51 degrees, the products of a small polygon's absolute coordinates lose its
 * area to rounding (a 2 m square's centroid came out 13 m away).
 */
export function centroidOf(polygons: Polygon[]): [number, number] {
  const [ox, oy] = polygons[0]![0]![0]! as [number, number];
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (const p of polygons) {
    p.forEach((ring, k) => {
      const m = ringMoments(ring, ox, oy);
      // Outer rings add, holes subtract, whatever their winding.
      const sign = (k === 0 ? 1 : -1) * Math.sign(m.a || 1);
      area += sign * m.a;
      cx += sign * m.cx;
      cy += sign * m.cy;
    });
  }
  return area === 0 ? [ox, oy] : [ox + cx / (6 * area), oy + cy / (6 * area)];
}

/**
 * A point inside the polygons: on the largest part (by area, holes subtracted), the middle of the
 * widest stretch of the horizontal line through that part's centroid that lies inside it.
 */
export function pointOnSurface(polygons: Polygon[]): [number, number] {
  const [ox, oy] = polygons[0]![0]![0]! as [number, number];
  const areaOf = (p: Polygon) => p.reduce((sum, ring, k) => sum + (k === 0 ? 1 : -1) * Math.abs(ringMoments(ring, ox, oy).a), 0);
  const part = [...polygons].sort((a, b) => areaOf(b) - areaOf(a))[0]!;
  const [, y] = centroidOf([part]);
  const xs: number[] = [];
  for (const ring of part) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]! as [number, number];
      const [xj, yj] = ring[j]! as [number, number];
      if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
    }
  }
  xs.sort((a, b) => a - b);
  let best: [number, number] | null = null;
  for (let i = 0; i + 1 < xs.length; i += 2) if (!best || xs[i + 1]! - xs[i]! > best[1] - best[0]) best = [xs[i]!, xs[i + 1]!];
  return best ? [(best[0] + best[1]) / 2, y] : centroidOf([part]);
}

/** Squared distance from a point to a segment, in degrees with longitude scaled by `kx` (cos of the latitude). */
function segmentDistance2(x: number, y: number, a: readonly number[], b: readonly number[], kx: number): number {
  const [ax, ay, bx, by] = [a[0]! * kx, a[1]!, b[0]! * kx, b[1]!];
  const px = x * kx;
  const [dx, dy] = [bx - ax, by - ay];
  const t = dx || dy ? Math.max(0, Math.min(1, ((px - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy))) : 0;
  return (px - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2;
}

/** Is the point inside the ring (ray casting; points on an edge may fall either side)? */
function inRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi! > y !== yj! > y && x < ((xj! - xi!) * (y - yi!)) / (yj! - yi!) + xi!) inside = !inside;
  }
  return inside;
}

/** Is [lon, lat] inside any polygon (inside the outer ring and outside its holes)? */
export function pointInPolygons(lon: number, lat: number, polygons: Polygon[]): boolean {
  return polygons.some((p) => inRing(lon, lat, p[0]!) && !p.slice(1).some((hole) => inRing(lon, lat, hole)));
}

/** A grid index over boundaries: `locate(lon, lat)` gives the code of the area containing the point. */
export class BoundaryIndex {
  private readonly cells = new Map<string, Boundary[]>();
  private readonly size: number;

  constructor(readonly areas: readonly Boundary[], cellDegrees = 0.05) {
    this.size = cellDegrees;
    for (const a of areas) {
      const [x0, y0, x1, y1] = a.bbox;
      for (let gx = Math.floor(x0 / this.size); gx <= Math.floor(x1 / this.size); gx++)
        for (let gy = Math.floor(y0 / this.size); gy <= Math.floor(y1 / this.size); gy++) {
          const k = `${gx}:${gy}`;
          const list = this.cells.get(k);
          if (list) list.push(a);
          else this.cells.set(k, [a]);
        }
    }
  }

  /** The area containing the point (the first by code when polygons overlap), or undefined. */
  locate(lon: number, lat: number): Boundary | undefined {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return undefined;
    const list = this.cells.get(`${Math.floor(lon / this.size)}:${Math.floor(lat / this.size)}`) ?? [];
    return list
      .filter((a) => lon >= a.bbox[0] && lon <= a.bbox[2] && lat >= a.bbox[1] && lat <= a.bbox[3] && pointInPolygons(lon, lat, a.polygons))
      .sort((a, b) => a.code.localeCompare(b.code))[0];
  }

  /**
   * The area whose boundary is nearest the point (for a point in none: a gap between generalised
   * boundaries, which do not share every edge), or undefined when there are no areas. Areas are
   * tried nearest bounding box first, so only a few are measured edge by edge.
   */
  nearest(lon: number, lat: number): Boundary | undefined {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return undefined;
    const kx = Math.cos((lat * Math.PI) / 180);
    const boxDistance2 = (a: Boundary) => (Math.max(a.bbox[0] - lon, 0, lon - a.bbox[2]) * kx) ** 2 + Math.max(a.bbox[1] - lat, 0, lat - a.bbox[3]) ** 2;
    let best: { area: Boundary; d: number } | undefined;
    for (const { area, box } of this.areas.map((area) => ({ area, box: boxDistance2(area) })).sort((a, b) => a.box - b.box || a.area.code.localeCompare(b.area.code))) {
      if (best && box > best.d) break;
      let d = Infinity;
      for (const p of area.polygons) for (const ring of p) for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) d = Math.min(d, segmentDistance2(lon, lat, ring[j]!, ring[i]!, kx));
      if (!best || d < best.d) best = { area, d };
    }
    return best?.area;
  }
}

/**
 * Load a boundary file into `ref.boundaries` (replacing an earlier load of the same file), with
 * an `audit.loads` row (features read = loaded + rejected) and an `audit.rejects` row per unusable feature.
 */
export async function loadBoundaries(ctx: Pick<Context, "db" | "clock">, file: string, family: "LSOA" | "WD"): Promise<{ load: FileLoad; boundaries: BoundaryFile }> {
  const { db } = ctx;
  const b = readBoundaries(file, family);
  await db.run(`CREATE TABLE IF NOT EXISTS ref.boundaries (area_code VARCHAR, area_name VARCHAR, area_type VARCHAR, vintage VARCHAR,
    centroid_lon DOUBLE, centroid_lat DOUBLE, geometry JSON, path VARCHAR)`);
  await db.run(`DELETE FROM ref.boundaries WHERE path = $f`, { f: file });
  await db.run(`DELETE FROM audit.rejects WHERE path = $f AND source = $s`, { f: file, s: BOUNDARY_SOURCE });
  await db.run(`DELETE FROM audit.loads WHERE path = $f AND source = $s`, { f: file, s: BOUNDARY_SOURCE });
  await db.insertRows(
    "ref.boundaries",
    ["area_code", "area_name", "area_type", "vintage", "centroid_lon", "centroid_lat", "geometry", "path"],
    b.areas.map((a) => ({
      area_code: a.code, area_name: a.name, area_type: family === "LSOA" ? "lsoa" : "ward", vintage: a.vintage,
      centroid_lon: a.centroid[0], centroid_lat: a.centroid[1],
      geometry: JSON.stringify(a.polygons.length === 1 ? { type: "Polygon", coordinates: a.polygons[0] } : { type: "MultiPolygon", coordinates: a.polygons }),
      path: file,
    })),
  );
  await db.insertRows("audit.rejects", ["source", "path", "line", "column", "reason", "raw_line"], b.rejected.map((r) => ({
    source: BOUNDARY_SOURCE, path: file, line: r.feature, column: r.column, reason: r.reason, raw_line: null,
  })));
  const sha256 = await sha256File(file);
  const load: FileLoad = { source: BOUNDARY_SOURCE, path: file, sha256, rowsRead: b.areas.length + b.rejected.length, rowsLoaded: b.areas.length, rowsRejected: b.rejected.length };
  await db.run(`INSERT INTO audit.loads VALUES ($s, $f, $h, $b, 'ref.boundaries', $r, $l, $j, $at::TIMESTAMP)`, {
    s: BOUNDARY_SOURCE, f: file, h: sha256, b: fileBytes(file), r: load.rowsRead, l: load.rowsLoaded, j: load.rowsRejected, at: ctx.clock.now().toISOString(),
  });
  return { load, boundaries: b };
}
