/**
 * Boundaries as ESRI shapefiles (the ONS Geoportal's other download) and in British National Grid:
 * read as the GeoJSON in lon/lat is, by the geography stage and by the pack's maps alike.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import proj4 from "proj4";
import { LocalneedsError, messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { tempDir } from "../helpers.ts";
import { BoundaryIndex, loadBoundaries, pointInPolygons, readBoundaries, type Polygon } from "../../../sources/geography/boundaries.ts";
import { loadBoundaries as packBoundaries } from "../../../pipelines/pack/boundaries.ts";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { fixedClock } from "../../../pipelines/core/context.ts";
import { createCoreTables } from "../../../transforms/marts.ts";
import { PRJ, writeShapefile } from "../shapefile-writer.ts";
import { resolveArchivedFile } from "../../../sources/files.ts";
import { sourceStates } from "../../../pipelines/refresh/source-state.ts";
import { crimeAdapter } from "../../../sources/crime/police-uk-street.ts";
import { realConfig } from "../helpers.ts";
import JSZip from "jszip";

const geo = (...p: string[]) => realData("ons_geography", "boundaries", ...p);
type Fc = { features: { properties: Record<string, string | number | null>; geometry: { type: string; coordinates: unknown } }[] };
const polygonsOf = (g: { type: string; coordinates: unknown }) => (g.type === "Polygon" ? [g.coordinates as Polygon] : (g.coordinates as Polygon[]));
const toBng = proj4("EPSG:4326", "EPSG:27700");
const bngOf = (ps: Polygon[]) => ps.map((p) => p.map((ring) => ring.map((pt) => toBng.forward([pt[0]!, pt[1]!]))));
/** Rings wound one way (counter-clockwise), so polygons can be compared vertex by vertex whatever the file's winding. */
const ccw = (ps: Polygon[]) => ps.map((p) => p.map((ring) => (ring.reduce((a, q, i) => a + q[0]! * ring[(i + 1) % ring.length]![1]! - ring[(i + 1) % ring.length]![0]! * q[1]!, 0) < 0 ? [...ring].reverse() : ring)));
/** Largest distance, in degrees, between the matching vertices of two sets of polygons (each wound counter-clockwise first). */
const furthest = (x: Polygon[], y: Polygon[]) => {
  const [a, b] = [ccw(x), ccw(y)];
  let d = 0;
  a.forEach((p, i) => p.forEach((ring, k) => ring.forEach((pt, j) => {
    const q = b[i]![k]![j]!;
    d = Math.max(d, Math.abs(pt[0]! - q[0]!), Math.abs(pt[1]! - q[1]!));
  })));
  return d;
};

describe.skipIf(!hasShared)(`boundaries as shapefiles and in British National Grid${sharedSkipReason}`, () => {
  const t = tempDir("ln-shp-");
  let wards: Fc;
  let wardsShp: string;
  beforeAll(() => {
    wards = JSON.parse(readFileSync(geo("medway_wards_WD22.geojson"), "utf8"));
    // As the Geoportal's shapefile: British National Grid, attributes with BNG_E/N and LONG/LAT, UTF-8 declared.
    wardsShp = writeShapefile(path.join(t.dir, "WD_DEC_2022_UK_BFC"), wards.features.map((f) => ({ properties: f.properties, polygons: bngOf(polygonsOf(f.geometry)) })),
      { prj: PRJ.bng, cpg: "UTF-8" });
  });

  it("a ward shapefile in British National Grid reads as the GeoJSON: codes, names, centroids, polygons within a metre or two", () => {
    const [shp, json] = [readBoundaries(wardsShp, "WD"), readBoundaries(geo("medway_wards_WD22.geojson"), "WD")];
    expect(shp.crs).toBe("EPSG:27700");
    expect(shp.vintage).toBe("WD22");
    expect(shp.rejected).toEqual([]);
    expect(shp.areas.map((a) => [a.code, a.name, a.centroid])).toEqual(json.areas.map((a) => [a.code, a.name, a.centroid]));
    expect(shp.areas.length).toBe(wards.features.length);
    const lsoas = readBoundaries(geo("medway_lsoa11.geojson"), "LSOA").areas;
    const [a, b] = [new BoundaryIndex(shp.areas), new BoundaryIndex(json.areas)];
    const placed = lsoas.map((l) => [a.locate(l.centroid[0], l.centroid[1])?.code, b.locate(l.centroid[0], l.centroid[1])?.code]);
    expect(placed.filter(([x, y]) => x && x === y)).toHaveLength(lsoas.length);
    for (const [i, area] of shp.areas.entries()) expect(furthest(area.polygons, json.areas[i]!.polygons), area.code).toBeLessThan(5e-5);
  });

  it("an LSOA shapefile in lon/lat with no .prj is told by its coordinates; a Windows-1252 .dbf without a .cpg keeps its accents and quotes", () => {
    const lsoas: Fc = JSON.parse(readFileSync(geo("medway_lsoa11.geojson"), "utf8"));
    lsoas.features[0]!.properties.LSOA11NM = "Medway Café 001A";
    lsoas.features[1]!.properties.LSOA11NM = "St Mary’s 001B";
    const f = writeShapefile(path.join(t.dir, "lsoa"), lsoas.features.map((x) => ({ properties: x.properties, polygons: polygonsOf(x.geometry) })), { encoding: "windows-1252" });
    const b = readBoundaries(f, "LSOA");
    expect(b.crs).toBe("CRS84");
    expect(b.areas).toHaveLength(lsoas.features.length);
    expect(b.areas.slice(0, 2).map((a) => a.name)).toEqual(["Medway Café 001A", "St Mary’s 001B"]);
  });

  it("a polygon with a hole: the hole is the outer ring's, a point in it is outside; a null shape is rejected with its number", () => {
    const square = (x0: number, y0: number, s: number) => [[x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0, y0 + s], [x0, y0]];
    const f = writeShapefile(path.join(t.dir, "holes"), [
      { properties: { WD24CD: "E05000001", WD24NM: "Ring" }, polygons: [[square(560000, 160000, 1000), square(560400, 160400, 200)]] },
      { properties: { WD24CD: "E05000002", WD24NM: "Island" }, polygons: [[square(560450, 160450, 100)], [square(570000, 160000, 500)]] },
      { properties: { WD24CD: "E05000003", WD24NM: "Nothing" }, polygons: null },
    ], { prj: PRJ.bng });
    const b = readBoundaries(f, "WD");
    expect(b.areas.map((a) => [a.code, a.polygons.length, a.polygons.map((p) => p.length)])).toEqual([["E05000001", 1, [2]], ["E05000002", 2, [1, 1]]]);
    expect(b.rejected).toEqual([{ feature: 3, column: "geometry", reason: messages.boundaryFeatureNoPolygon("Null") }]);
    const inv = proj4("EPSG:27700", "EPSG:4326");
    const at = (x: number, y: number) => inv.forward([x, y]) as [number, number];
    const ring = b.areas[0]!.polygons;
    expect(pointInPolygons(...at(560100, 160100), ring)).toBe(true);
    expect(pointInPolygons(...at(560500, 160500), ring)).toBe(false);
    expect(new BoundaryIndex(b.areas).locate(...at(560500, 160500))?.code).toBe("E05000002");
  });

  it("the geography stage loads a shapefile (features read = loaded + rejected)", async () => {
    const db = await Warehouse.open();
    try {
      await createCoreTables(db);
      const { load } = await loadBoundaries({ db, clock: fixedClock("2025-01-01T00:00:00Z") }, wardsShp, "WD");
      expect(load).toMatchObject({ rowsRead: wards.features.length, rowsLoaded: wards.features.length, rowsRejected: 0 });
      expect(await db.one(`SELECT count(*)::INTEGER AS n, min(centroid_lon) > -1 AS lon, min(centroid_lat) > 51 AS lat FROM ref.boundaries WHERE path = $f`, { f: wardsShp }))
        .toEqual({ n: wards.features.length, lon: true, lat: true });
    } finally {
      db.close();
    }
  });

  it("a refresh sees a shapefile's .dbf change (the area codes and names are there), not only its .shp", async () => {
    const stem = path.join(t.dir, "watched");
    const shp = writeShapefile(stem, wards.features.slice(0, 3).map((f) => ({ properties: f.properties, polygons: bngOf(polygonsOf(f.geometry)) })), { prj: PRJ.bng });
    const db = await Warehouse.open();
    try {
      await createCoreTables(db);
      const config = realConfig({ geography: { wardBoundaries: shp } });
      const setup = async () => (await sourceStates({ db, config }, [crimeAdapter])).get("crime")!.setup;
      const before = await setup();
      expect(await setup()).toBe(before);
      // A ward renamed in the .dbf alone (the .shp's bytes as they were).
      const [dbf, shpBytes] = [readFileSync(`${stem}.dbf`), readFileSync(shp)];
      const name = String(wards.features[0]!.properties.WD22NM);
      const renamed = Buffer.from(dbf.toString("latin1").replace(name, "X".repeat(name.length)), "latin1");
      expect(renamed.equals(dbf)).toBe(false);
      writeFileSync(`${stem}.dbf`, renamed);
      expect(readFileSync(shp).equals(shpBytes)).toBe(true);
      expect(await setup()).not.toBe(before);
    } finally {
      db.close();
    }
  });

  it("the pack's maps get lon/lat from a British National Grid GeoJSON or a shapefile, as from the lon/lat GeoJSON", () => {
    const codes = new Set(wards.features.map((f) => String(f.properties.WD22CD)));
    const bngJson = t.write("wards-bng.geojson", JSON.stringify({ type: "FeatureCollection", crs: { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::27700" } },
      features: wards.features.map((f) => ({ ...f, geometry: { type: "MultiPolygon", coordinates: bngOf(polygonsOf(f.geometry)) } })) }));
    const reference = packBoundaries(geo("medway_wards_WD22.geojson"), codes, "wards", "E06000035", [])!;
    for (const file of [bngJson, wardsShp]) {
      const notes: string[] = [];
      const b = packBoundaries(file, codes, "wards", "E06000035", notes)!;
      expect(notes, file).toEqual([]);
      expect(b.matched, file).toBe(codes.size);
      expect(b.codeProperty).toBe("WD22CD");
      const coords = JSON.stringify(b.geojson.features.map((f) => f.geometry)).match(/-?\d+\.\d+/g)!.map(Number);
      expect(Math.max(...coords.map(Math.abs)), file).toBeLessThan(60);
      for (const [i, f] of b.geojson.features.entries()) {
        const mine = polygonsOf(f.geometry as never);
        expect(furthest(mine, polygonsOf(reference.geojson.features[i]!.geometry as never)), `${file} ${f.properties!.WD22CD}`).toBeLessThan(5e-5);
      }
      // Boundaries of somewhere else: none kept, and the note counts the file's features.
      const elsewhere: string[] = [];
      expect(packBoundaries(file, new Set(["E05999999"]), "wards", "E06000035", elsewhere, "w")).toBeNull();
      expect(elsewhere).toEqual([messages.packBoundariesNoMatch("w", wards.features.length, "E06000035")]);
    }
  });

  it("the Geoportal's zip download given as the setting: its shapefile is found, extracted beside its .dbf and .prj, and read; two candidates or none are named", async () => {
    const zip = new JSZip();
    const stem = wardsShp.replace(/\.shp$/, "");
    for (const ext of [".shp", ".shx", ".dbf", ".prj", ".cpg"]) zip.file(`WD_DEC_2022_UK_BFC${ext}`, readFileSync(stem + ext));
    zip.file("WD_DEC_2022_UK_BFC.xml", "<metadata/>");
    const file = path.join(t.dir, "Wards_December_2022_Boundaries_UK_BFC.zip");
    writeFileSync(file, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    const config = { outputDir: path.join(t.dir, "out", "packs") };
    const shp = await resolveArchivedFile(config, "geography.wardBoundaries", file, /\.(shp|geojson|json)$/i);
    expect(shp).toMatch(/[\\/]\.cache[\\/]archives[\\/]Wards_December_2022_Boundaries_UK_BFC-[0-9a-f]{6}-[0-9a-f]{12}[\\/]WD_DEC_2022_UK_BFC\.shp$/);
    expect(readBoundaries(shp, "WD").areas.map((a) => [a.code, a.centroid])).toEqual(readBoundaries(wardsShp, "WD").areas.map((a) => [a.code, a.centroid]));
    expect(await resolveArchivedFile(config, "geography.wardBoundaries", `${file}#*.shp`, /\.(shp|geojson|json)$/i)).toBe(shp);
    // A plain file is left as it is.
    expect(await resolveArchivedFile(config, "geography.wardBoundaries", wardsShp, /\.shp$/i)).toBe(wardsShp);
    zip.file("wards.geojson", "{}");
    const both = path.join(t.dir, "both.zip");
    writeFileSync(both, await zip.generateAsync({ type: "nodebuffer" }));
    await expect(resolveArchivedFile(config, "geography.wardBoundaries", both, /\.(shp|geojson|json)$/i)).rejects.toThrow(
      messages.archiveMemberNotOne("geography.wardBoundaries", both, ["WD_DEC_2022_UK_BFC.shp", "wards.geojson"]));
    await expect(resolveArchivedFile(config, "geography.wardBoundaries", `${both}#*.gpkg`, /\.shp$/i)).rejects.toThrow(
      messages.archiveMemberNotOne("geography.wardBoundaries", `${both}#*.gpkg`, []));
  });

  it("KML (the Geoportal's other download, Google Earth's and QGIS's export) reads as the GeoJSON: schema attributes, multipolygons, holes; a placemark without a polygon is rejected with its number", () => {
    const esc = (v: unknown) => String(v ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;");
    const coords = (ring: number[][]) => `<coordinates>${ring.map((p) => `${p[0]},${p[1]},0`).join(" ")}</coordinates>`;
    const polygon = (p: Polygon) => `<Polygon><outerBoundaryIs><LinearRing>${coords(p[0]!)}</LinearRing></outerBoundaryIs>${p.slice(1).map((h) => `<innerBoundaryIs><LinearRing>${coords(h)}</LinearRing></innerBoundaryIs>`).join("")}</Polygon>`;
    const placemarks = wards.features.map((f, i) => {
      const ps = polygonsOf(f.geometry);
      const data = Object.entries(f.properties).map(([k, v]) => `<SimpleData name="${k}">${esc(v)}</SimpleData>`).join("");
      return `<Placemark>${i % 2 ? `<name>${esc(f.properties.WD22NM)}</name>` : ""}<ExtendedData><SchemaData schemaUrl="#WD_DEC_2022_UK_BGC">${data}</SchemaData></ExtendedData>${ps.length > 1 ? `<MultiGeometry>${ps.map(polygon).join("")}</MultiGeometry>` : polygon(ps[0]!)}</Placemark>`;
    });
    const square = (x0: number, y0: number, s: number) => [[x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0, y0 + s], [x0, y0]];
    // Google Earth's Data/value attributes, and a ring with a hole.
    placemarks.push(`<Placemark><ExtendedData><Data name="WD22CD"><value>E05999998</value></Data><Data name="WD22NM"><value>Ring &amp; hole</value></Data></ExtendedData>${polygon([square(0.5, 51.3, 0.1), square(0.54, 51.34, 0.02)])}</Placemark>`);
    placemarks.push(`<Placemark><ExtendedData><Data name="WD22CD"><value>E05999999</value></Data></ExtendedData><Point><coordinates>0.5,51.3,0</coordinates></Point></Placemark>`);
    const kml = t.write("WD_DEC_2022_UK_BGC.kml", `<?xml version="1.0" encoding="utf-8" ?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document id="root_doc"><Schema name="WD_DEC_2022_UK_BGC" id="WD_DEC_2022_UK_BGC"><SimpleField name="WD22CD" type="string"></SimpleField></Schema><Folder><name>WD_DEC_2022_UK_BGC</name>${placemarks.join("\n")}</Folder></Document></kml>`);
    const [k, json] = [readBoundaries(kml, "WD"), readBoundaries(geo("medway_wards_WD22.geojson"), "WD")];
    expect(k.crs).toBe("CRS84");
    expect(k.vintage).toBe("WD22");
    expect(k.areas.slice(0, -1).map((a) => [a.code, a.name, a.centroid, a.polygons])).toEqual(json.areas.map((a) => [a.code, a.name, a.centroid, a.polygons]));
    const ring = k.areas.at(-1)!;
    expect([ring.code, ring.name, ring.polygons.map((p) => p.length)]).toEqual(["E05999998", "Ring & hole", [2]]);
    expect(pointInPolygons(0.55, 51.35, ring.polygons)).toBe(false);
    expect(pointInPolygons(0.51, 51.31, ring.polygons)).toBe(true);
    expect(k.rejected).toEqual([{ feature: wards.features.length + 2, column: "geometry", reason: messages.boundaryFeatureNoPolygon("Point") }]);
    // And the pack's maps.
    const b = packBoundaries(kml, new Set(wards.features.map((f) => String(f.properties.WD22CD))), "wards", "E06000035", [])!;
    expect(b.matched).toBe(wards.features.length);
  });

  it("a shapefile without its .dbf, a truncated .shp, and a zip: errors naming the file and what to give", () => {
    const s = writeShapefile(path.join(t.dir, "nodbf"), [{ properties: { WD24CD: "E05000001" }, polygons: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] }]);
    rmSync(s.replace(/\.shp$/, ".dbf"));
    expect(() => readBoundaries(s, "WD")).toThrow(`${s}: cannot be read as a shapefile: no .dbf beside the .shp`);
    const cut = path.join(t.dir, "cut.shp");
    writeFileSync(cut, readFileSync(wardsShp).subarray(0, 5000));
    writeFileSync(cut.replace(/\.shp$/, ".dbf"), readFileSync(wardsShp.replace(/\.shp$/, ".dbf")));
    expect(() => readBoundaries(cut, "WD")).toThrow(/cut\.shp: cannot be read as a shapefile: shape record \d+ runs past the end of the file/);
    const cases: [string, string | Buffer, string][] = [
      ["download.geojson", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), "a zip archive (a shapefile download? name it .zip: its shapefile is read; or unzip it and give its .shp, with the .dbf and .prj beside it)"],
    ];
    for (const [name, data, what] of cases) {
      const f = t.write(name, data);
      const err = (() => {
        try {
          readBoundaries(f, "WD");
        } catch (e) {
          return e;
        }
      })();
      expect(err, name).toBeInstanceOf(LocalneedsError);
      expect((err as Error).message, name).toBe(messages.boundariesOtherFormat(f, what));
    }
  });
});
