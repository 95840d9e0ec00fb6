/**
 * ESRI shapefiles written as GIS tools write the ONS Geoportal's downloads, for tests: a `.shp`
 * of polygons (outer rings clockwise, holes counter-clockwise, first point repeated last), its
 * `.shx` index, a dBase III `.dbf` of the attributes (text as `C`, numbers as `N`), and optionally
 * the `.prj` (ESRI WKT) and `.cpg`. Layouts from the ESRI Shapefile Technical Description.
 */
import { writeFileSync } from "node:fs";
import { encodeCp1252 } from "../../sources/cp1252.ts";

type Position = number[];
type Polygon = Position[][];

/** ESRI WKT of British National Grid and of WGS 84 lon/lat, as ArcGIS writes them into `.prj` files. */
export const PRJ = {
  bng: 'PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1830",6377563.396,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",400000.0],PARAMETER["False_Northing",-100000.0],PARAMETER["Central_Meridian",-2.0],PARAMETER["Scale_Factor",0.9996012717],PARAMETER["Latitude_Of_Origin",49.0],UNIT["Meter",1.0]]',
  wgs84: 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
};

/** Twice the signed area of a ring (positive: counter-clockwise, x east and y north). */
const signedArea = (ring: Position[]) => ring.reduce((a, p, i) => {
  const q = ring[(i + 1) % ring.length]!;
  return a + p[0]! * q[1]! - q[0]! * p[1]!;
}, 0);

/** A ring wound as wanted: clockwise for an outer ring, counter-clockwise for a hole. */
const wound = (ring: Position[], clockwise: boolean) => (signedArea(ring) < 0 === clockwise ? ring : [...ring].reverse());

/**
 * Write `<stem>.shp`, `.shx` and `.dbf` (and `.prj` and `.cpg` when given) for these features; a
 * feature with `polygons: null` is a null shape. Text attributes are written in `encoding`.
 */
export function writeShapefile(
  stem: string,
  features: readonly { properties: Record<string, string | number | null>; polygons: Polygon[] | null }[],
  opts: { prj?: string; cpg?: string; encoding?: "utf8" | "windows-1252" } = {},
): string {
  const records = features.map((f) => {
    if (!f.polygons) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(0, 0);
      return { content: b, box: null as number[] | null };
    }
    const rings = f.polygons.flatMap((p) => p.map((ring, k) => wound(ring, k === 0)));
    const points = rings.flat();
    const box = [Math.min(...points.map((p) => p[0]!)), Math.min(...points.map((p) => p[1]!)), Math.max(...points.map((p) => p[0]!)), Math.max(...points.map((p) => p[1]!))];
    const b = Buffer.alloc(44 + 4 * rings.length + 16 * points.length);
    b.writeInt32LE(5, 0);
    box.forEach((v, i) => b.writeDoubleLE(v, 4 + 8 * i));
    b.writeInt32LE(rings.length, 36);
    b.writeInt32LE(points.length, 40);
    let start = 0;
    rings.forEach((r, i) => {
      b.writeInt32LE(start, 44 + 4 * i);
      start += r.length;
    });
    points.forEach((p, i) => {
      b.writeDoubleLE(p[0]!, 44 + 4 * rings.length + 16 * i);
      b.writeDoubleLE(p[1]!, 44 + 4 * rings.length + 16 * i + 8);
    });
    return { content: b, box };
  });
  const boxes = records.flatMap((r) => (r.box ? [r.box] : []));
  const all = boxes.length ? [Math.min(...boxes.map((b) => b[0]!)), Math.min(...boxes.map((b) => b[1]!)), Math.max(...boxes.map((b) => b[2]!)), Math.max(...boxes.map((b) => b[3]!))] : [0, 0, 0, 0];
  const header = (bytes: number) => {
    const h = Buffer.alloc(100);
    h.writeInt32BE(9994, 0);
    h.writeInt32BE(bytes / 2, 24);
    h.writeInt32LE(1000, 28);
    h.writeInt32LE(5, 32);
    all.forEach((v, i) => h.writeDoubleLE(v, 36 + 8 * i));
    return h;
  };
  const shpParts: Buffer[] = [];
  const shxParts: Buffer[] = [];
  let offset = 100;
  records.forEach((r, i) => {
    const rh = Buffer.alloc(8);
    rh.writeInt32BE(i + 1, 0);
    rh.writeInt32BE(r.content.length / 2, 4);
    shpParts.push(rh, r.content);
    const x = Buffer.alloc(8);
    x.writeInt32BE(offset / 2, 0);
    x.writeInt32BE(r.content.length / 2, 4);
    shxParts.push(x);
    offset += 8 + r.content.length;
  });
  writeFileSync(`${stem}.shp`, Buffer.concat([header(offset), ...shpParts]));
  writeFileSync(`${stem}.shx`, Buffer.concat([header(100 + 8 * records.length), ...shxParts]));
  // dBase III: the fields of the first feature, text as C (widest value), numbers as N(19, 11).
  const encode = (text: string) => (opts.encoding === "windows-1252" ? Buffer.from(encodeCp1252(text)) : Buffer.from(text, "utf8"));
  const names = Object.keys(features[0]?.properties ?? {});
  const fields = names.map((name) => {
    const numeric = features.every((f) => typeof f.properties[name] === "number" || f.properties[name] === null);
    const width = numeric ? 19 : Math.max(1, ...features.map((f) => encode(String(f.properties[name] ?? "")).length));
    return { name, numeric, width };
  });
  const recordLength = 1 + fields.reduce((a, f) => a + f.width, 0);
  const headerLength = 32 + 32 * fields.length + 1;
  const dbf = Buffer.alloc(headerLength + recordLength * features.length + 1, 0x20);
  dbf.fill(0, 0, headerLength);
  dbf[0] = 0x03;
  dbf[1] = 124;
  dbf[2] = 1;
  dbf[3] = 1;
  dbf.writeUInt32LE(features.length, 4);
  dbf.writeUInt16LE(headerLength, 8);
  dbf.writeUInt16LE(recordLength, 10);
  fields.forEach((f, i) => {
    const p = 32 + 32 * i;
    dbf.write(f.name.slice(0, 10), p, "latin1");
    dbf[p + 11] = (f.numeric ? "N" : "C").charCodeAt(0);
    dbf[p + 16] = f.width;
    dbf[p + 17] = f.numeric ? 11 : 0;
  });
  dbf[headerLength - 1] = 0x0d;
  features.forEach((feature, r) => {
    let at = headerLength + r * recordLength + 1;
    for (const f of fields) {
      const v = feature.properties[f.name];
      const text = v === null || v === undefined ? "" : f.numeric ? (v as number).toFixed(11).slice(0, 19).padStart(19) : String(v);
      encode(text).copy(dbf, at);
      at += f.width;
    }
  });
  dbf[dbf.length - 1] = 0x1a;
  writeFileSync(`${stem}.dbf`, dbf);
  if (opts.prj) writeFileSync(`${stem}.prj`, opts.prj);
  if (opts.cpg) writeFileSync(`${stem}.cpg`, opts.cpg);
  return `${stem}.shp`;
}
