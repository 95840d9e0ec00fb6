/**
 * OGC GeoPackage boundaries (`.gpkg`), as the ONS Open Geography Portal offers them beside GeoJSON
 * and shapefiles: a SQLite database (`../sqlite.ts`) whose `gpkg_contents` lists its layers,
 * `gpkg_geometry_columns` names each layer's geometry column and `gpkg_spatial_ref_sys` its
 * coordinate system; each row of a layer's table is a feature, its geometry a GeoPackage binary
 * blob (a `GP` header with the SRS id and an optional envelope, then ISO well-known binary).
 * Only what boundaries need: polygons and multipolygons (Z and M values ignored) and the
 * attributes, text and numbers. Layouts from the OGC GeoPackage Encoding Standard 1.3 (2.1.3) and
 * OGC Simple Features (WKB).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { SqliteFile, type SqliteTable, type SqliteValue } from "../sqlite.ts";

/** A feature of a layer: its attributes, and its polygons as given (x, y in the layer's system), null for an empty or non-polygon geometry. */
export interface GeoPackageFeature {
  properties: Record<string, string | number | null>;
  polygons: number[][][][] | null;
  /** The geometry's type (`Polygon`, `MultiPolygon`, `Point`, `empty`, `none`...). */
  geometryType: string;
}

/** A layer's coordinate system as `gpkg_spatial_ref_sys` gives it. */
export interface GeoPackageSrs {
  srsId: number;
  organization: string;
  code: number;
  /** Its WKT definition (`undefined` when the file has none). */
  definition: string;
}

/** Layers whose geometry can hold polygons (a boundary file's). */
const POLYGONAL = /^(POLYGON|MULTIPOLYGON|GEOMETRY|CURVEPOLYGON|MULTISURFACE|SURFACE)$/i;

/** Well-known binary geometry types, by their code (ISO: plus 1000 with Z, 2000 with M, 3000 with both). */
const WKB_TYPES: Record<number, string> = { 1: "Point", 2: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection", 10: "CurvePolygon", 12: "MultiSurface" };

/**
 * The features of a GeoPackage's one polygon layer, with its coordinate system (a GeoPackage of
 * several polygon layers, or of none, is an error naming its layers). `keep` picks features by
 * their attributes before their geometry is decoded. Errors say what was wrong (the caller names the file).
 */
export function readGeoPackageFeatures(file: string, keep?: (properties: Record<string, unknown>) => boolean): { layer: string; srs: GeoPackageSrs; features: GeoPackageFeature[]; total: number } {
  const bytes = readFileSync(file);
  // A GeoPackage open in QGIS (write-ahead logging) may hold its latest edits in `<file>-wal`, not the file.
  const wal = `${file}-wal`;
  if (bytes[18] === 2 && existsSync(wal) && statSync(wal).size > 0) throw new Error(`its write-ahead log ${path.basename(wal)} beside it may hold changes not yet in the file: close the GeoPackage in QGIS (or whatever has it open), then build again`);
  const db = new SqliteFile(bytes);
  const contents = db.table("gpkg_contents");
  const geometryColumns = db.table("gpkg_geometry_columns");
  if (!contents || !geometryColumns) throw new Error("a SQLite database without gpkg_contents and gpkg_geometry_columns tables, so not a GeoPackage");
  const layers = [...db.rows(contents)].filter((r) => String(r.data_type ?? "").toLowerCase() === "features").map((r) => String(r.table_name));
  const geometry = new Map([...db.rows(geometryColumns)].map((r) => [String(r.table_name).toLowerCase(), r]));
  const polygonal = layers.filter((l) => POLYGONAL.test(String(geometry.get(l.toLowerCase())?.geometry_type_name ?? "")));
  if (polygonal.length !== 1) {
    const what = layers.map((l) => `${l} (${geometry.get(l.toLowerCase())?.geometry_type_name ?? "no geometry column"})`).join(", ") || "none";
    throw new Error(polygonal.length ? `${polygonal.length} polygon layers (${what}): give a GeoPackage of one layer (ogr2ogr -f GPKG out.gpkg in.gpkg <layer> makes one)` : `no polygon layer (feature layers: ${what})`);
  }
  const layer = polygonal[0]!;
  const g = geometry.get(layer.toLowerCase())!;
  const table = db.table(layer);
  if (!table) throw new Error(`gpkg_contents lists the layer ${layer}, but the file has no such table`);
  const geomColumn = table.columns.find((c) => c.toLowerCase() === String(g.column_name).toLowerCase());
  if (!geomColumn) throw new Error(`the layer ${layer} has no column ${String(g.column_name)}, which gpkg_geometry_columns names as its geometry`);
  const srs = srsOf(db, Number(g.srs_id));
  const features: GeoPackageFeature[] = [];
  let total = 0;
  for (const row of db.rows(table)) {
    total++;
    const properties = propertiesOf(row, table, geomColumn);
    if (keep && !keep(properties)) continue;
    features.push({ properties, ...polygonsOf(row[geomColumn] ?? null, total) });
  }
  return { layer, srs, features, total };
}

/** A layer's coordinate system from `gpkg_spatial_ref_sys` (srs_id 0 and -1 are the standard's undefined geographic and Cartesian systems). */
function srsOf(db: SqliteFile, srsId: number): GeoPackageSrs {
  const t = db.table("gpkg_spatial_ref_sys");
  const row = t ? [...db.rows(t)].find((r) => Number(r.srs_id) === srsId) : undefined;
  return { srsId, organization: String(row?.organization ?? ""), code: Number(row?.organization_coordsys_id ?? srsId), definition: String(row?.definition ?? "undefined") };
}

/** A row's attributes: every column but the geometry, text and numbers (a blob or a 64-bit integer past 2^53 as text). */
function propertiesOf(row: Record<string, SqliteValue>, table: SqliteTable, geomColumn: string): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const c of table.columns) {
    if (c === geomColumn) continue;
    const v = row[c];
    out[c] = v === undefined || v === null ? null : typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v;
  }
  return out;
}

/** A GeoPackage geometry blob's polygons (header, then WKB). */
function polygonsOf(blob: SqliteValue, feature: number): Pick<GeoPackageFeature, "polygons" | "geometryType"> {
  if (blob === null) return { polygons: null, geometryType: "none" };
  if (!(blob instanceof Uint8Array)) return { polygons: null, geometryType: `a ${typeof blob} value, not a geometry` };
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) throw new Error(`feature ${feature}: its geometry is not a GeoPackage geometry (no "GP" header)`);
  const flags = blob[3]!;
  if (flags & 0x20) return { polygons: null, geometryType: "an extended geometry" };
  if (flags & 0x10) return { polygons: null, geometryType: "empty" };
  const envelope = [0, 32, 48, 48, 64][(flags >> 1) & 0x07];
  if (envelope === undefined) throw new Error(`feature ${feature}: its geometry header gives an envelope of an unknown kind (${(flags >> 1) & 0x07})`);
  const wkb = new Wkb(view, 8 + envelope, feature);
  return wkb.geometry();
}

/** A reader of ISO (or extended, with high-bit Z and M flags) well-known binary. */
class Wkb {
  constructor(private readonly view: DataView, private at: number, private readonly feature: number) {}

  geometry(): Pick<GeoPackageFeature, "polygons" | "geometryType"> {
    const { type, dims, little } = this.header();
    const name = WKB_TYPES[type] ?? `geometry type ${type}`;
    if (type === 3) return { polygons: [this.polygon(dims, little)], geometryType: name };
    if (type !== 6) return { polygons: null, geometryType: name };
    const n = this.u32(little);
    const polygons: number[][][][] = [];
    for (let i = 0; i < n; i++) {
      const part = this.header();
      if (part.type !== 3) throw new Error(`feature ${this.feature}: a MultiPolygon holds a ${WKB_TYPES[part.type] ?? `type ${part.type}`}, not a Polygon`);
      polygons.push(this.polygon(part.dims, part.little));
    }
    return { polygons, geometryType: name };
  }

  private header(): { type: number; dims: number; little: boolean } {
    const order = this.view.getUint8(this.at++);
    if (order > 1) throw new Error(`feature ${this.feature}: its well-known binary has byte order ${order}, not 0 or 1`);
    const little = order === 1;
    const raw = this.u32(little);
    const z = (raw & 0x80000000) !== 0 || [1, 3].includes(Math.floor((raw & 0xffff) / 1000));
    const m = (raw & 0x40000000) !== 0 || [2, 3].includes(Math.floor((raw & 0xffff) / 1000));
    return { type: (raw & 0xffff) % 1000, dims: 2 + (z ? 1 : 0) + (m ? 1 : 0), little };
  }

  private polygon(dims: number, little: boolean): number[][][] {
    const rings: number[][][] = [];
    const n = this.u32(little);
    for (let r = 0; r < n; r++) {
      const points = this.u32(little);
      if (this.at + points * dims * 8 > this.view.byteLength) throw new Error(`feature ${this.feature}: a ring of ${points} points runs past the end of its geometry`);
      const ring: number[][] = new Array(points);
      for (let i = 0; i < points; i++) {
        ring[i] = [this.view.getFloat64(this.at, little), this.view.getFloat64(this.at + 8, little)];
        this.at += dims * 8;
      }
      rings.push(ring);
    }
    return rings;
  }

  private u32(little: boolean): number {
    const v = this.view.getUint32(this.at, little);
    this.at += 4;
    return v;
  }
}
