/**
 * ESRI shapefiles, as the ONS Open Geography Portal offers boundaries beside GeoJSON: the `.shp`
 * (geometry), the `.dbf` (a dBase III table of attributes, one record per shape, in the same
 * order) and, when there, the `.prj` (the coordinate system as WKT) and `.cpg` (the `.dbf`'s
 * character encoding). Read whole and synchronously (a national LSOA file is some 100 MB): only
 * what boundaries need, the polygon shapes (types 5, 15 and 25; Z and M values ignored) and the
 * attributes, text and numbers. Byte layouts from the ESRI Shapefile Technical Description (1998)
 * and the dBase III file structure.
 */
import { existsSync, readFileSync } from "node:fs";
import { LocalneedsError, messages } from "../../pipelines/core/messages.ts";
import { decodeCp1252 } from "../cp1252.ts";

/** One shape and its attributes: its rings as given (x, y in the file's system), null for a null or non-polygon shape. */
export interface ShapeRecord {
  properties: Record<string, string | number | null>;
  rings: number[][][] | null;
  /** The shape type's name (`Polygon`, `Point`, `Null`...). */
  shapeType: string;
}

const SHAPE_TYPES: Record<number, string> = { 0: "Null", 1: "Point", 3: "PolyLine", 5: "Polygon", 8: "MultiPoint", 11: "PointZ", 13: "PolyLineZ", 15: "PolygonZ", 18: "MultiPointZ", 21: "PointM", 23: "PolyLineM", 25: "PolygonM", 28: "MultiPointM", 31: "MultiPatch" };

/** A file beside the `.shp` with another extension, in either case (`.dbf` or `.DBF`), or null. */
function sibling(shp: string, ext: string): string | null {
  const stem = shp.slice(0, -4);
  for (const e of [ext, ext.toUpperCase()]) if (existsSync(stem + e)) return stem + e;
  return null;
}

/** The shapes of a `.shp`, in order. */
function readShapes(file: string): { rings: number[][][] | null; shapeType: string }[] {
  const shp = readFileSync(file);
  const bad = (why: string) => new LocalneedsError(messages.boundariesUnreadable(file, why));
  if (shp.length < 100 || shp.readInt32BE(0) !== 9994) throw bad("not an ESRI shapefile (.shp): no file code 9994 in its header");
  const end = Math.min(shp.length, shp.readInt32BE(24) * 2);
  const out: { rings: number[][][] | null; shapeType: string }[] = [];
  let off = 100;
  while (off + 12 <= end) {
    const content = off + 8;
    const length = shp.readInt32BE(off + 4) * 2;
    if (content + length > end) throw bad(`shape record ${out.length + 1} runs past the end of the file (truncated?)`);
    const type = shp.readInt32LE(content);
    const shapeType = SHAPE_TYPES[type] ?? `type ${type}`;
    if (type === 5 || type === 15 || type === 25) {
      const parts = shp.readInt32LE(content + 36);
      const points = shp.readInt32LE(content + 40);
      const xy = content + 44 + 4 * parts;
      if (parts < 0 || points < 0 || xy + 16 * points > content + length) throw bad(`shape record ${out.length + 1}: ${parts} parts and ${points} points do not fit its ${length} bytes`);
      const starts = Array.from({ length: parts }, (_, i) => shp.readInt32LE(content + 44 + 4 * i));
      const rings = starts.map((start, i) => {
        const stop = i + 1 < parts ? starts[i + 1]! : points;
        const ring: number[][] = [];
        for (let k = start; k < stop; k++) ring.push([shp.readDoubleLE(xy + 16 * k), shp.readDoubleLE(xy + 16 * k + 8)]);
        return ring;
      });
      out.push({ rings, shapeType });
    } else out.push({ rings: null, shapeType });
    off = content + length;
  }
  return out;
}

/** The records of a `.dbf`, text decoded as its `.cpg` says (else UTF-8 when the bytes are UTF-8, else Windows-1252); deleted records as null. */
function readTable(file: string, cpg: string | null): (Record<string, string | number | null> | null)[] {
  const dbf = readFileSync(file);
  const bad = (why: string) => new LocalneedsError(messages.boundariesUnreadable(file, why));
  if (dbf.length < 32) throw bad("not a dBase table (.dbf): shorter than its header");
  const records = dbf.readUInt32LE(4);
  const headerLength = dbf.readUInt16LE(8);
  const recordLength = dbf.readUInt16LE(10);
  const fields: { name: string; type: string; length: number }[] = [];
  for (let p = 32; p + 32 <= headerLength && dbf[p] !== 0x0d; p += 32) {
    const raw = dbf.subarray(p, p + 11);
    const nul = raw.indexOf(0);
    fields.push({ name: raw.subarray(0, nul < 0 ? 11 : nul).toString("latin1").trim(), type: String.fromCharCode(dbf[p + 11]!), length: dbf[p + 16]! });
  }
  if (headerLength + records * recordLength > dbf.length) throw bad(`its header declares ${records} records of ${recordLength} bytes, more than the file holds (truncated?)`);
  const declared = (cpg ?? "").trim().toUpperCase().replace(/[^A-Z0-9]/g, "");
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const decode = (b: Buffer): string => {
    if (declared === "UTF8") return b.toString("utf8");
    if (/^(ISO88591|LATIN1|88591)$/.test(declared)) return b.toString("latin1");
    if (/^(1252|CP1252|WINDOWS1252|ANSI1252)$/.test(declared)) return decodeCp1252(b);
    try {
      return utf8.decode(b);
    } catch {
      // What GIS tools on Windows write without saying: Windows-1252 (Latin-1 with the curly quotes and the euro).
      return decodeCp1252(b);
    }
  };
  const out: (Record<string, string | number | null> | null)[] = [];
  for (let r = 0; r < records; r++) {
    const start = headerLength + r * recordLength;
    if (dbf[start] === 0x2a) {
      out.push(null);
      continue;
    }
    const row: Record<string, string | number | null> = {};
    let at = start + 1;
    for (const f of fields) {
      const text = decode(dbf.subarray(at, at + f.length)).replace(/\0+$/, "").trim();
      at += f.length;
      if (f.type === "N" || f.type === "F") {
        const n = Number(text);
        row[f.name] = text === "" || !Number.isFinite(n) ? null : n;
      } else row[f.name] = text;
    }
    out.push(row);
  }
  return out;
}

/** A shapefile's shapes with their attributes, and its `.prj` (WKT) when there is one. Deleted `.dbf` records are left out. */
export function readShapefileRecords(file: string): { records: ShapeRecord[]; prj: string | null } {
  const dbf = sibling(file, ".dbf");
  if (!dbf) throw new LocalneedsError(messages.boundariesUnreadable(file, "no .dbf beside the .shp (a shapefile's attributes, the area codes, are in it): give every file of the download together"));
  const shapes = readShapes(file);
  const cpg = sibling(file, ".cpg");
  const table = readTable(dbf, cpg ? readFileSync(cpg, "latin1") : null);
  if (table.length !== shapes.length) {
    throw new LocalneedsError(messages.boundariesUnreadable(file, `${shapes.length} shapes but ${table.length} records in ${dbf}: the two files are not of one shapefile`));
  }
  const prj = sibling(file, ".prj");
  const records: ShapeRecord[] = [];
  shapes.forEach((s, i) => {
    const properties = table[i];
    if (properties) records.push({ properties, ...s });
  });
  return { records, prj: prj ? readFileSync(prj, "utf8") : null };
}
