/**
 * Boundaries as OGC GeoPackages (the ONS Geoportal's other download, QGIS's default format),
 * written by SQLite itself (sql.js): read as the GeoJSON is, by the geography stage and the pack's
 * maps alike, in lon/lat, British National Grid or Web Mercator; every geometry encoding the
 * standard allows; clear errors for what cannot be used.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import proj4 from "proj4";
import JSZip from "jszip";
import { LocalneedsError, messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { tempDir } from "../helpers.ts";
import { BOUNDARY_FILE, loadBoundaries, readBoundaries, readBoundaryFeatures, type Polygon } from "../../../sources/geography/boundaries.ts";
import { loadBoundaries as packBoundaries } from "../../../pipelines/pack/boundaries.ts";
import { resolveArchivedFile } from "../../../sources/files.ts";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { fixedClock } from "../../../pipelines/core/context.ts";
import { createCoreTables } from "../../../transforms/marts.ts";
import { gpkgGeometry, SRS, writeGeoPackage, type GpkgLayer } from "../geopackage-writer.ts";

const t = tempDir("ln-gpkg-");
const square = (x0: number, y0: number, s: number) => [[x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0, y0 + s], [x0, y0]];
/** The message a call throws (a LocalneedsError), or a failure. */
const thrown = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(LocalneedsError);
    return (err as Error).message;
  }
  throw new Error("expected an error");
};

describe("boundaries as GeoPackages: every geometry encoding, and errors", () => {
  it("big- and little-endian, with and without envelopes, Z values as ISO or extended codes, multipolygons with holes; empty, point and missing geometries rejected with their feature number", async () => {
    const poly = (i: number) => [square(0.5 + i / 10, 51.3, 0.05)];
    const features: GpkgLayer["features"] = [
      { properties: { WD24CD: "E05000001", WD24NM: "Little, xy envelope" }, geometry: gpkgGeometry({ polygons: [poly(0)] }, 4326) },
      { properties: { WD24CD: "E05000002", WD24NM: "Big-endian, no envelope" }, geometry: gpkgGeometry({ polygons: [poly(1)] }, 4326, { little: false, envelope: 0 }) },
      { properties: { WD24CD: "E05000003", WD24NM: "ISO Z, xyz envelope" }, geometry: gpkgGeometry({ polygons: [poly(2)] }, 4326, { z: true, envelope: 2 }) },
      { properties: { WD24CD: "E05000004", WD24NM: "Extended Z, xyzm envelope" }, geometry: gpkgGeometry({ polygons: [poly(3)] }, 4326, { z: true, extendedZ: true, envelope: 4, little: false }) },
      { properties: { WD24CD: "E05000005", WD24NM: "Ynys Môn: two parts, one with a hole" }, geometry: gpkgGeometry({ polygons: [[square(1, 51, 0.1), square(1.04, 51.04, 0.02)], [square(1.2, 51, 0.05)]] }, 4326) },
      { properties: { WD24CD: "E05000006", WD24NM: "Empty" }, geometry: gpkgGeometry("empty", 4326) },
      { properties: { WD24CD: "E05000007", WD24NM: "A point" }, geometry: gpkgGeometry({ point: [0.5, 51.3] }, 4326) },
      { properties: { WD24CD: "E05000008", WD24NM: "No geometry" }, geometry: null },
    ];
    const file = await writeGeoPackage(path.join(t.dir, "wards.gpkg"), [{ name: "WD_MAY_2024_UK_BGC", srs: SRS.wgs84, columns: { WD24CD: "TEXT", WD24NM: "TEXT", BNG_E: "INTEGER", Shape__Area: "REAL" }, features }]);
    const b = readBoundaries(file, "WD");
    expect([b.crs, b.vintage]).toEqual(["CRS84", "WD24"]);
    expect(b.areas.map((a) => [a.code, a.name, a.polygons])).toEqual([
      ...[0, 1, 2, 3].map((i) => [`E0500000${i + 1}`, features[i]!.properties.WD24NM, [poly(i)]]),
      ["E05000005", "Ynys Môn: two parts, one with a hole", [[square(1, 51, 0.1), square(1.04, 51.04, 0.02)], [square(1.2, 51, 0.05)]]],
    ]);
    expect(b.rejected).toEqual([
      { feature: 6, column: "geometry", reason: messages.boundaryFeatureNoPolygon("empty") },
      { feature: 7, column: "geometry", reason: messages.boundaryFeatureNoPolygon("Point") },
      { feature: 8, column: "geometry", reason: messages.boundaryFeatureNoPolygon("none") },
    ]);
    // The attributes, the feature id among them (the rowid), as GDAL gives them.
    expect(readBoundaryFeatures(file).features[0]!.properties).toEqual({ fid: 1, WD24CD: "E05000001", WD24NM: "Little, xy envelope", BNG_E: null, Shape__Area: null });
  });

  it("a GeoPackage of two polygon layers, one of no polygons, a SQLite database that is not a GeoPackage, an unknown coordinate system, one open in QGIS and a cut file: errors naming the file and what to give", async () => {
    const layer = (name: string, srs = SRS.wgs84, geometryType = "MULTIPOLYGON"): GpkgLayer => ({ name, srs, geometryType, columns: { WD24CD: "TEXT" },
      features: [{ properties: { WD24CD: "E05000001" }, geometry: gpkgGeometry(geometryType === "POINT" ? { point: [0.5, 51.3] } : { polygons: [[square(0.5, 51.3, 0.1)]] }, srs.srs_id) }] });
    const two = await writeGeoPackage(path.join(t.dir, "two.gpkg"), [layer("wards"), layer("lsoas", SRS.wgs84, "POLYGON"), layer("centroids", SRS.wgs84, "POINT")]);
    expect(thrown(() => readBoundaries(two, "WD"))).toBe(messages.boundariesUnreadable(two,
      "2 polygon layers (wards (MULTIPOLYGON), lsoas (POLYGON), centroids (POINT)): give a GeoPackage of one layer (ogr2ogr -f GPKG out.gpkg in.gpkg <layer> makes one)", "a GeoPackage"));
    const points = await writeGeoPackage(path.join(t.dir, "points.gpkg"), [layer("centroids", SRS.wgs84, "POINT")]);
    expect(thrown(() => readBoundaries(points, "WD"))).toBe(messages.boundariesUnreadable(points, "no polygon layer (feature layers: centroids (POINT))", "a GeoPackage"));
    const plain = await writeGeoPackage(path.join(t.dir, "plain.sqlite"), [], { then: (db) => db.run(`DROP TABLE gpkg_contents; DROP TABLE gpkg_geometry_columns`) });
    expect(thrown(() => readBoundaries(plain, "WD"))).toBe(messages.boundariesUnreadable(plain, "a SQLite database without gpkg_contents and gpkg_geometry_columns tables, so not a GeoPackage", "a GeoPackage"));
    const irish = await writeGeoPackage(path.join(t.dir, "irish.gpkg"), [layer("wards", SRS.irish)]);
    expect(thrown(() => readBoundaries(irish, "WD"))).toBe(messages.boundariesCrs(irish, "EPSG:2157"));
    // In write-ahead-log mode with a log beside it (as QGIS leaves a GeoPackage it has open).
    const open = t.write("open-in-qgis.gpkg", Buffer.from(readFileSync(irish).map((b, i) => (i === 18 || i === 19 ? 2 : b))));
    t.write("open-in-qgis.gpkg-wal", Buffer.alloc(32));
    expect(thrown(() => readBoundaries(open, "WD"))).toBe(messages.boundariesUnreadable(open,
      "its write-ahead log open-in-qgis.gpkg-wal beside it may hold changes not yet in the file: close the GeoPackage in QGIS (or whatever has it open), then build again", "a GeoPackage"));
    const header = t.write("header-only.gpkg", Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(100)]));
    expect(thrown(() => readBoundaries(header, "WD"))).toBe(messages.boundariesUnreadable(header, "page size 0 in the header is not a power of two from 512 to 65536", "a GeoPackage"));
  });
});

describe.skipIf(!hasShared)(`real boundaries as GeoPackages${sharedSkipReason}`, () => {
  const geo = (...p: string[]) => realData("ons_geography", "boundaries", ...p);
  type Fc = { features: { properties: Record<string, string | number | null>; geometry: { type: string; coordinates: unknown } }[] };
  const polygonsOf = (g: { type: string; coordinates: unknown }) => (g.type === "Polygon" ? [g.coordinates as Polygon] : (g.coordinates as Polygon[]));
  const columnsOf = (fc: Fc) => Object.fromEntries(Object.entries(fc.features[0]!.properties).map(([k, v]) => [k, typeof v === "number" ? (Number.isInteger(v) ? "INTEGER" : "REAL") : "TEXT"] as const));
  let wards: Fc;
  let wardsBng: string;
  let lsoas: string;
  beforeAll(async () => {
    wards = JSON.parse(readFileSync(geo("medway_wards_WD22.geojson"), "utf8"));
    const toBng = proj4("EPSG:4326", "EPSG:27700");
    // As the Geoportal's download: British National Grid, small pages so the polygons spill onto overflow pages.
    wardsBng = await writeGeoPackage(path.join(t.dir, "WD_DEC_2022_UK_BFC.gpkg"), [{ name: "WD_DEC_2022_UK_BFC", srs: SRS.bng, columns: columnsOf(wards),
      features: wards.features.map((f) => ({ properties: f.properties, geometry: gpkgGeometry({ polygons: polygonsOf(f.geometry).map((p) => p.map((r) => r.map((pt) => toBng.forward([pt[0]!, pt[1]!])))) }, 27700) })) }], { pageSize: 1024 });
    const l: Fc = JSON.parse(readFileSync(geo("medway_lsoa21.geojson"), "utf8"));
    lsoas = await writeGeoPackage(path.join(t.dir, "LSOA_2021_EW_BGC.gpkg"), [{ name: "LSOA_2021_EW_BGC", srs: SRS.wgs84, columns: columnsOf(l),
      features: l.features.map((f) => ({ properties: f.properties, geometry: gpkgGeometry({ polygons: polygonsOf(f.geometry) }, 4326) })) }]);
  });

  it("Medway's LSOAs in lon/lat read as their GeoJSON, vertex for vertex; its wards in British National Grid within a metre or two", () => {
    const [gpkg, json] = [readBoundaries(lsoas, "LSOA"), readBoundaries(geo("medway_lsoa21.geojson"), "LSOA")];
    expect([gpkg.crs, gpkg.vintage, gpkg.rejected]).toEqual(["CRS84", "LSOA21", []]);
    expect(gpkg.areas).toEqual(json.areas);
    const [w, wj] = [readBoundaries(wardsBng, "WD"), readBoundaries(geo("medway_wards_WD22.geojson"), "WD")];
    expect([w.crs, w.vintage, w.rejected, w.areas.length]).toEqual(["EPSG:27700", "WD22", [], wards.features.length]);
    expect(w.areas.map((a) => [a.code, a.name, a.centroid])).toEqual(wj.areas.map((a) => [a.code, a.name, a.centroid]));
    let furthest = 0;
    w.areas.forEach((a, i) => a.polygons.forEach((p, j) => p.forEach((ring, k) => ring.forEach((pt, n) => {
      const q = wj.areas[i]!.polygons[j]![k]![n]!;
      furthest = Math.max(furthest, Math.abs(pt[0]! - q[0]!), Math.abs(pt[1]! - q[1]!));
    }))));
    expect(furthest).toBeLessThan(5e-5);
  });

  it("the geography stage loads a GeoPackage (features read = loaded + rejected), the pack's maps draw it in lon/lat, and the Geoportal's zip of one is read", async () => {
    const db = await Warehouse.open();
    try {
      await createCoreTables(db);
      const { load } = await loadBoundaries({ db, clock: fixedClock("2025-01-01T00:00:00Z") }, wardsBng, "WD");
      expect(load).toMatchObject({ rowsRead: wards.features.length, rowsLoaded: wards.features.length, rowsRejected: 0 });
      expect(await db.one(`SELECT count(*)::INTEGER AS n, min(centroid_lon) > 0.4 AS lon, min(centroid_lat) > 51.3 AS lat FROM ref.boundaries WHERE path = $f`, { f: wardsBng }))
        .toEqual({ n: wards.features.length, lon: true, lat: true });
    } finally {
      db.close();
    }
    const codes = new Set(wards.features.map((f) => String(f.properties.WD22CD)));
    const notes: string[] = [];
    const b = packBoundaries(wardsBng, codes, "wards", "E06000035", notes)!;
    expect([notes, b.matched, b.codeProperty, b.nameProperty]).toEqual([[], codes.size, "WD22CD", "WD22NM"]);
    const coords = JSON.stringify(b.geojson.features.map((f) => f.geometry)).match(/-?\d+\.\d+/g)!.map(Number);
    expect(Math.max(...coords.map(Math.abs))).toBeLessThan(60);
    const zip = new JSZip();
    zip.file("WD_DEC_2022_UK_BFC.gpkg", readFileSync(wardsBng));
    const file = path.join(t.dir, "Wards_December_2022_Boundaries_UK_BFC.zip");
    writeFileSync(file, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    const member = await resolveArchivedFile({ outputDir: path.join(t.dir, "out", "packs") }, "geography.wardBoundaries", file, BOUNDARY_FILE);
    expect(member).toMatch(/[\\/]WD_DEC_2022_UK_BFC\.gpkg$/);
    expect(readBoundaries(member, "WD").areas).toEqual(readBoundaries(wardsBng, "WD").areas);
  });
});
