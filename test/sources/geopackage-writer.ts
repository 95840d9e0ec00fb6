/**
 * GeoPackages written by SQLite itself (sql.js: SQLite compiled to WebAssembly), as GDAL and
 * ArcGIS write the ONS Geoportal's downloads, for tests: the `gpkg_spatial_ref_sys`,
 * `gpkg_contents` and `gpkg_geometry_columns` tables, and one table per layer whose rows are the
 * features, geometry as a GeoPackage blob (a `GP` header, the SRS id, an optional envelope, then
 * well-known binary). Layouts from the OGC GeoPackage Encoding Standard 1.3.
 */
import { writeFileSync } from "node:fs";
import initSqlJs, { type Database, type SqlJsStatic } from "sql.js";

type Polygon = number[][][];
let sql: Promise<SqlJsStatic> | undefined;
/** SQLite, started once. */
export const sqlite = () => (sql ??= initSqlJs());

/** How a geometry blob is written: byte order, envelope kind (0 none, 1 xy, 2 xyz, 4 xyzm), Z values, ISO or extended (high-bit) type codes. */
export interface WkbStyle {
  little?: boolean;
  envelope?: 0 | 1 | 2 | 4;
  z?: boolean;
  extendedZ?: boolean;
}

/** Well-known binary of a Polygon (one polygon) or MultiPolygon (several), or a Point. */
export function wkb(geometry: { polygons: Polygon[] } | { point: number[] }, style: WkbStyle = {}): Buffer {
  const little = style.little ?? true;
  const dims = style.z ? 3 : 2;
  const parts: Buffer[] = [];
  const header = (type: number) => {
    const b = Buffer.alloc(5);
    b[0] = little ? 1 : 0;
    const code = style.z ? (style.extendedZ ? (type | 0x80000000) >>> 0 : type + 1000) : type;
    if (little) b.writeUInt32LE(code, 1);
    else b.writeUInt32BE(code, 1);
    parts.push(b);
  };
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    if (little) b.writeUInt32LE(n);
    else b.writeUInt32BE(n);
    parts.push(b);
  };
  const point = (p: number[]) => {
    const b = Buffer.alloc(8 * dims);
    [p[0]!, p[1]!, 7].slice(0, dims).forEach((v, i) => (little ? b.writeDoubleLE(v, i * 8) : b.writeDoubleBE(v, i * 8)));
    parts.push(b);
  };
  const polygon = (p: Polygon) => {
    header(3);
    u32(p.length);
    for (const ring of p) {
      u32(ring.length);
      ring.forEach(point);
    }
  };
  if ("point" in geometry) {
    header(1);
    point(geometry.point);
  } else if (geometry.polygons.length === 1) {
    polygon(geometry.polygons[0]!);
  } else {
    header(6);
    u32(geometry.polygons.length);
    geometry.polygons.forEach(polygon);
  }
  return Buffer.concat(parts);
}

/** A GeoPackage geometry blob: the `GP` header (version 0, the flags, the SRS id, the envelope) then the WKB. */
export function gpkgGeometry(geometry: { polygons: Polygon[] } | { point: number[] } | "empty", srsId: number, style: WkbStyle = {}): Buffer {
  const little = style.little ?? true;
  const envelope = geometry === "empty" ? 0 : (style.envelope ?? 1);
  const header = Buffer.alloc(8);
  header.write("GP", 0, "latin1");
  header[3] = (envelope << 1) | (little ? 1 : 0) | (geometry === "empty" ? 0x10 : 0);
  if (little) header.writeInt32LE(srsId, 4);
  else header.writeInt32BE(srsId, 4);
  const xs = geometry === "empty" ? [] : "point" in geometry ? [geometry.point] : geometry.polygons.flat(2);
  const box = [Math.min(...xs.map((p) => p[0]!)), Math.max(...xs.map((p) => p[0]!)), Math.min(...xs.map((p) => p[1]!)), Math.max(...xs.map((p) => p[1]!)), 7, 7, 0, 0];
  const env = Buffer.alloc([0, 32, 48, 48, 64][envelope]!);
  for (let i = 0; i < env.length / 8; i++) (little ? env.writeDoubleLE(box[i]!, i * 8) : env.writeDoubleBE(box[i]!, i * 8));
  return Buffer.concat([header, env, geometry === "empty" ? Buffer.alloc(0) : wkb(geometry, style)]);
}

/** Coordinate systems as GDAL writes them into `gpkg_spatial_ref_sys`. */
export const SRS = {
  wgs84: { srs_id: 4326, srs_name: "WGS 84 geodetic", organization: "EPSG", organization_coordsys_id: 4326, definition: 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]' },
  bng: { srs_id: 27700, srs_name: "OSGB36 / British National Grid", organization: "EPSG", organization_coordsys_id: 27700, definition: 'PROJCS["OSGB36 / British National Grid",GEOGCS["OSGB36",DATUM["Ordnance_Survey_of_Great_Britain_1936",SPHEROID["Airy 1830",6377563.396,299.3249646]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",49],PARAMETER["central_meridian",-2],PARAMETER["scale_factor",0.9996012717],PARAMETER["false_easting",400000],PARAMETER["false_northing",-100000],UNIT["metre",1]]' },
  irish: { srs_id: 2157, srs_name: "IRENET95 / Irish Transverse Mercator", organization: "EPSG", organization_coordsys_id: 2157, definition: 'PROJCS["IRENET95 / Irish Transverse Mercator"]' },
};

/** One layer of features: attribute columns (SQL types) and features with their attributes and geometry blob. */
export interface GpkgLayer {
  name: string;
  geometryType?: string;
  srs: (typeof SRS)[keyof typeof SRS];
  columns: Record<string, "TEXT" | "INTEGER" | "REAL">;
  features: { properties: Record<string, string | number | null>; geometry: Buffer | null }[];
}

/** Write a GeoPackage of these layers (with `pageSize`, small to make rows spill onto overflow pages). Returns the file. */
export async function writeGeoPackage(file: string, layers: GpkgLayer[], opts: { pageSize?: number; then?: (db: Database) => void } = {}): Promise<string> {
  const SQL = await sqlite();
  const db = new SQL.Database();
  try {
    db.run(`PRAGMA page_size = ${opts.pageSize ?? 4096}; PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;`);
    db.run(`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`);
    db.run(`CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
      last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER)`);
    db.run(`CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
      z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name))`);
    const srs = [SRS.wgs84, ...layers.map((l) => l.srs)].filter((s, i, all) => all.findIndex((x) => x.srs_id === s.srs_id) === i);
    for (const s of srs) db.run(`INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, NULL)`, [s.srs_name, s.srs_id, s.organization, s.organization_coordsys_id, s.definition]);
    for (const l of layers) {
      // An attribute named FID is the feature id, as GDAL takes it; else the id is numbered.
      const fid = Object.keys(l.columns).find((c) => /^fid$/i.test(c)) ?? "fid";
      const cols = Object.entries(l.columns).filter(([c]) => c !== fid);
      db.run(`CREATE TABLE "${l.name}" ("${fid}" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "geom" ${l.geometryType ?? "MULTIPOLYGON"}${cols.map(([c, t]) => `, "${c}" ${t}`).join("")})`);
      db.run(`INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (?, 'features', ?, ?)`, [l.name, l.name, l.srs.srs_id]);
      db.run(`INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)`, [l.name, l.geometryType ?? "MULTIPOLYGON", l.srs.srs_id]);
      const insert = db.prepare(`INSERT INTO "${l.name}" ("${fid}", "geom"${cols.map(([c]) => `, "${c}"`).join("")}) VALUES (?, ?${cols.map(() => ", ?").join("")})`);
      for (const f of l.features) insert.run([f.properties[fid] ?? null, f.geometry, ...cols.map(([c]) => f.properties[c] ?? null)]);
      insert.free();
      // A virtual table, as GDAL's R-tree index of the envelopes is (sql.js has no R-tree module):
      // in the schema with root page 0, beside shadow tables of its own.
      db.run(`CREATE VIRTUAL TABLE "${l.name}_search" USING fts4(name)`);
    }
    opts.then?.(db);
    writeFileSync(file, db.export());
  } finally {
    db.close();
  }
  return file;
}
