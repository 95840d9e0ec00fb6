/** ONS geography: every real lookup and boundary file, the ward-vintage crosswalk, and broken copies. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import proj4 from "proj4";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { LUTON_WAYFIELD, MEDWAY, loadCounts, realConfig, runSources, shown, tempDir, warningsOf } from "../helpers.ts";
import { BoundaryIndex, centroidOf, loadBoundaries, pointInPolygons, readBoundaries } from "../../../sources/geography/boundaries.ts";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { fixedClock } from "../../../pipelines/core/context.ts";
import { createCoreTables } from "../../../transforms/marts.ts";
import { codeColumns } from "../../../sources/geography/ons-area-lookups.ts";
import { deriveWardCrosswalk } from "../../../sources/geography/ward-crosswalk.ts";

const geo = (...p: string[]) => realData("ons_geography", ...p);
const LW_LSOAS = ["E01016061", "E01016062", "E01016063", "E01016064", "E01016065", "E01016066", "E01016067", "E01016068", "E01016069"];
const CHANGES = geo("LSOA11_to_LSOA21_LAD22_lookup.kent-medway+all-M-X.csv");

describe.skipIf(!hasShared)(`ONS lookups and boundaries, real files${sharedSkipReason}`, () => {
  let db: Warehouse;
  beforeAll(async () => {
    ({ db } = await runSources(realConfig({
      geography: {
        lsoaChanges: CHANGES,
        lsoaBoundaries: geo("boundaries", "medway_lsoa11.geojson"),
        wardBoundaries: geo("boundaries", "medway_wards_WD22.geojson"),
        lookups: [
          geo("LSOA11_to_UTLA19_lookup.kent-medway.csv"), geo("MSOA11_to_WD19_LAD19_lookup.kent-medway.csv"), geo("LAD19_to_CSP19_PFA19_lookup.csv"),
          geo("LAD19_to_PHEC19_PHEREG19_lookup.csv"), geo("LSOA11_to_WD17_LAD17_lookup.medway.csv"), geo("LSOA11_to_WD18_LAD18_lookup.medway.csv"),
          geo("ward_all_codes.kent-medway-luton.csv"), geo("la_all_codes.csv"),
        ],
      },
    })));
  });
  afterAll(() => db?.close());

  it("loads every row of every file (PROVENANCE.md counts)", async () => {
    const n = await loadCounts(db);
    const all = (read: number) => ({ read, loaded: read, rejected: 0 });
    expect(n["LSOA11_to_WD19_LAD19_EW_lookup.csv"]).toEqual(all(34753));
    expect(n["WD19_LAD19_CTY19_RGN19_CTRY19_UK_lookup.csv"]).toEqual(all(8887));
    expect(n["LSOA11_to_LSOA21_LAD22_lookup.kent-medway+all-M-X.csv"]).toEqual(all(1354));
    expect(n["LSOA11_to_UTLA19_lookup.kent-medway.csv"]).toEqual(all(1065));
    expect(n["MSOA11_to_WD19_LAD19_lookup.kent-medway.csv"]).toEqual(all(220));
    expect(n["LAD19_to_CSP19_PFA19_lookup.csv"]).toEqual(all(342));
    expect(n["LAD19_to_PHEC19_PHEREG19_lookup.csv"]).toEqual(all(317));
    expect(n["LSOA11_to_WD17_LAD17_lookup.medway.csv"]).toEqual(all(163));
    expect(n["LSOA11_to_WD18_LAD18_lookup.medway.csv"]).toEqual(all(163));
    expect(n["ward_all_codes.kent-medway-luton.csv"]).toEqual(all(515));
    expect(n["la_all_codes.csv"]).toEqual(all(415));
    expect(n["medway_lsoa11.geojson"]).toEqual(all(163));
    expect(n["medway_wards_WD22.geojson"]).toEqual(all(22));
  });

  it("keeps Medway's 163 LSOAs in 22 wards; Luton and Wayfield has its 9 LSOAs", async () => {
    expect(await db.one(`SELECT count(*)::INTEGER l, count(DISTINCT ward_code)::INTEGER w FROM ref.lsoa_ward`)).toEqual({ l: 163, w: 22 });
    const lw = await db.all<{ lsoa_code: string }>(`SELECT lsoa_code FROM ref.lsoa_ward WHERE ward_code = $w ORDER BY 1`, { w: LUTON_WAYFIELD });
    expect(lw.map((r) => r.lsoa_code)).toEqual(LW_LSOAS);
  });

  it("builds the hierarchy: Medway -> South East -> England, no county for a unitary authority", async () => {
    const chain = await db.all(`SELECT area_code, area_type, parent_code, vintage FROM ref.areas WHERE area_type IN ('authority', 'region', 'country') ORDER BY area_type`);
    expect(chain).toEqual([
      { area_code: MEDWAY, area_type: "authority", parent_code: "E12000008", vintage: "LAD19" },
      { area_code: "E92000001", area_type: "country", parent_code: null, vintage: "CTRY19" },
      { area_code: "E12000008", area_type: "region", parent_code: "E92000001", vintage: "RGN19" },
    ]);
    expect(await db.one(`SELECT DISTINCT county_code FROM raw_geo_ward_hierarchy WHERE trim(lad_code) = $m`, { m: MEDWAY })).toEqual({ county_code: null });
    // Wales, Scotland and Northern Ireland wards have no region and still load.
    expect(await db.one(`SELECT count(*)::INTEGER n FROM raw_geo_ward_hierarchy WHERE region_code IS NULL`)).toEqual({ n: 462 + 354 + 852 });
  });

  it("normalises the other lookups to codes and links, whatever the vintage and FID position", async () => {
    const links = await db.all<{ parent_type: string; parent_vintage: string; parent_code: string }>(
      `SELECT DISTINCT parent_type, parent_vintage, parent_code FROM ref.geography_links WHERE child_code = $m ORDER BY 1, 2`, { m: MEDWAY },
    );
    expect(links).toEqual(expect.arrayContaining([
      { parent_type: "csp", parent_vintage: "CSP19", parent_code: "E22000143" },
      { parent_type: "pfa", parent_vintage: "PFA19", parent_code: "E23000032" },
      { parent_type: "phec", parent_vintage: "PHEC19", parent_code: "E45000019" },
    ]));
    const utla = await db.all(`SELECT DISTINCT parent_code FROM ref.geography_links WHERE child_type = 'lsoa' AND parent_type = 'utla' AND child_code IN (SELECT lsoa_code FROM ref.lsoa_ward)`);
    expect(utla).toEqual([{ parent_code: MEDWAY }]); // Medway is its own upper tier, not Kent (E10000016)
    const msoas = await db.all(`SELECT child_code FROM ref.geography_links WHERE child_type = 'msoa' AND parent_type = 'ward' AND parent_code = $w ORDER BY 1`, { w: LUTON_WAYFIELD });
    expect(msoas).toEqual([{ child_code: "E02003333" }, { child_code: "E02003340" }]);
    const wd17 = await db.one(`SELECT count(*)::INTEGER n FROM ref.geography_links WHERE child_vintage = 'LSOA11' AND parent_vintage = 'WD17' AND parent_code = $w`, { w: LUTON_WAYFIELD });
    expect(wd17).toEqual({ n: 9 });
  });

  it("never joins on names: 'Luton' is both a Medway ward and a unitary authority", async () => {
    const lutons = await db.all(`SELECT DISTINCT geography_type, code FROM ref.geography_codes WHERE name = 'Luton' AND vintage IN ('WD', 'LAD_ACTIVE') ORDER BY 1, 2`);
    expect(lutons).toEqual([{ geography_type: "lad", code: "E06000032" }, { geography_type: "ward", code: "E05014459" }]);
  });

  it("loads the LSOA 2011 -> 2021 change file (BOM, F_LSOA11CD): Medway has 169 LSOA21s from 163, 6 split", async () => {
    expect(await db.all(`SELECT change, count(*)::INTEGER n FROM ref.lsoa_changes GROUP BY 1 ORDER BY 1`)).toEqual([
      { change: "M", n: 239 }, { change: "S", n: 78 }, { change: "U", n: 1028 }, { change: "X", n: 9 },
    ]);
    const medway = await db.one(`SELECT count(DISTINCT lsoa11_code)::INTEGER l11, count(DISTINCT lsoa21_code)::INTEGER l21 FROM ref.lsoa_changes WHERE lsoa11_name LIKE 'Medway %'`);
    expect(medway).toEqual({ l11: 163, l21: 169 });
    const split = await db.all<{ lsoa11_name: string }>(`SELECT DISTINCT lsoa11_name FROM ref.lsoa_changes WHERE change = 'S' AND lsoa11_name LIKE 'Medway %' ORDER BY 1`);
    expect(split.map((r) => r.lsoa11_name)).toEqual(["Medway 003C", "Medway 004A", "Medway 007D", "Medway 007E", "Medway 009B", "Medway 015D"]);
    const lw = await db.all(`SELECT DISTINCT change FROM ref.lsoa_changes WHERE lsoa11_code IN (${LW_LSOAS.map((c) => `'${c}'`).join(", ")})`);
    expect(lw).toEqual([{ change: "U" }]);
  });

  it("keeps boundaries with centroids; WD22 boundaries in a WD19 build are checked and reported", async () => {
    expect(await db.all(`SELECT area_type, vintage, count(*)::INTEGER n FROM ref.boundaries GROUP BY ALL ORDER BY 1`)).toEqual([
      { area_type: "lsoa", vintage: "LSOA11", n: 163 }, { area_type: "ward", vintage: "WD22", n: 22 },
    ]);
    const w = await warningsOf(db, "ward_boundaries_vintage");
    expect(w).toEqual([{ subject: "WD22", message: messages.wardBoundariesOtherVintage(shown(geo("boundaries", "medway_wards_WD22.geojson")), "WD22", "WD19", 22, 22, 0) }]);
  });
});

describe.skipIf(!hasShared)(`boundary files and geometry${sharedSkipReason}`, () => {
  it("loads all four boundary files with audit rows (features read = loaded + rejected)", async () => {
    const db = await Warehouse.open();
    try {
      await createCoreTables(db);
      const ctx = { db, clock: fixedClock("2025-01-01T00:00:00Z") };
      const files = [["medway_lsoa11.geojson", "LSOA"], ["medway_lsoa21.geojson", "LSOA"], ["medway_wards_WD22.geojson", "WD"], ["medway_wards_WD25.geojson", "WD"]] as const;
      const out = [];
      for (const [f, fam] of files) out.push((await loadBoundaries(ctx, geo("boundaries", f), fam)).boundaries);
      expect(out.map((b) => [b.vintage, b.areas.length, b.rejected.length])).toEqual([["LSOA11", 163, 0], ["LSOA21", 169, 0], ["WD22", 22, 0], ["WD25", 24, 0]]);
      expect(Object.values(await loadCounts(db))).toEqual([163, 169, 22, 24].map((n) => ({ read: n, loaded: n, rejected: 0 })));
      expect(await db.one(`SELECT count(*)::INTEGER n FROM ref.boundaries WHERE area_code = 'E05014472' AND vintage = 'WD25'`)).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it("a feature without a code or polygon is rejected with its number; a file without codes is an error", async () => {
    const t = tempDir();
    const fc = JSON.parse(readFileSync(geo("boundaries", "medway_wards_WD22.geojson"), "utf8"));
    fc.features[3].properties.WD22CD = "";
    fc.features[5].geometry = { type: "Point", coordinates: [0.5, 51.4] };
    const f = t.write("wards.geojson", JSON.stringify(fc));
    const b = readBoundaries(f, "WD");
    expect([b.areas.length, b.rejected]).toEqual([20, [
      { feature: 4, column: "WD22CD", reason: messages.boundaryFeatureNoCode("WD22CD") },
      { feature: 6, column: "geometry", reason: messages.boundaryFeatureNoPolygon("Point") },
    ]]);
    expect(() => readBoundaries(f, "LSOA")).toThrow(/no LSOAyyCD property on the features/);
    const g = t.write("broken.geojson", "{ \"type\": \"FeatureCollection\", ");
    expect(() => readBoundaries(g, "WD")).toThrow(new RegExp(`^${g}: cannot be read as GeoJSON`));
  });

  it("boundaries in British National Grid (EPSG:27700) are read in lon/lat: ONS's own easting/northing of each ward lands within metres of its published LONG/LAT", () => {
    const t = tempDir();
    const fc = JSON.parse(readFileSync(geo("boundaries", "medway_wards_WD22.geojson"), "utf8")) as {
      crs?: unknown; features: { properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }[];
    };
    // Each ward as a 2 m square around ONS's BNG_E/BNG_N, with no LONG/LAT: its centroid comes from the converted square.
    const squares = {
      type: "FeatureCollection", crs: { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::27700" } },
      features: fc.features.map((f) => {
        const [e, n] = [Number(f.properties.BNG_E), Number(f.properties.BNG_N)];
        return { type: "Feature", properties: { WD22CD: f.properties.WD22CD }, geometry: { type: "Polygon", coordinates: [[[e - 1, n - 1], [e + 1, n - 1], [e + 1, n + 1], [e - 1, n + 1], [e - 1, n - 1]]] } };
      }),
    };
    const b = readBoundaries(t.write("squares-bng.geojson", JSON.stringify(squares)), "WD");
    expect(b.crs).toBe("EPSG:27700");
    const published = new Map(fc.features.map((f) => [String(f.properties.WD22CD), [Number(f.properties.LONG), Number(f.properties.LAT)]]));
    const metres = b.areas.map((a) => {
      const [lon, lat] = published.get(a.code)!;
      return Math.hypot((a.centroid[0] - lon!) * 111_320 * Math.cos((lat! * Math.PI) / 180), (a.centroid[1] - lat!) * 110_574);
    });
    expect(metres).toHaveLength(22);
    expect(Math.max(...metres)).toBeLessThan(10);
    // The same file without its crs member is told by its coordinates; another system is refused, naming it.
    delete (squares as { crs?: unknown }).crs;
    expect(readBoundaries(t.write("squares-nocrs.geojson", JSON.stringify(squares)), "WD").areas.map((a) => a.centroid)).toEqual(b.areas.map((a) => a.centroid));
    const irish = t.write("irish.geojson", JSON.stringify({ ...squares, crs: { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::2157" } } }));
    expect(() => readBoundaries(irish, "WD")).toThrow(messages.boundariesCrs(irish, "urn:ogc:def:crs:EPSG::2157"));
    // The whole ward file in BNG places every Medway LSOA in the same ward as the lon/lat file does.
    const toBng = proj4("EPSG:4326", "EPSG:27700");
    const bng = { ...fc, crs: { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::27700" } }, features: fc.features.map((f) => ({ ...f, geometry: {
      type: f.geometry.type,
      coordinates: (f.geometry.type === "Polygon" ? [f.geometry.coordinates as number[][][]] : (f.geometry.coordinates as number[][][][]))
        .map((poly) => poly.map((ring) => ring.map((pt) => toBng.forward([pt[0]!, pt[1]!])))).flat(f.geometry.type === "Polygon" ? 1 : 0),
    } })) };
    const [fromBng, fromLonLat] = [readBoundaries(t.write("wards-bng.geojson", JSON.stringify(bng)), "WD"), readBoundaries(geo("boundaries", "medway_wards_WD22.geojson"), "WD")];
    const lsoas = readBoundaries(geo("boundaries", "medway_lsoa11.geojson"), "LSOA").areas;
    const [a, b2] = [new BoundaryIndex(fromBng.areas), new BoundaryIndex(fromLonLat.areas)];
    const placed = lsoas.map((l) => [a.locate(l.centroid[0], l.centroid[1])?.code, b2.locate(l.centroid[0], l.centroid[1])?.code]);
    expect(placed.filter(([x, y]) => x && x === y)).toHaveLength(lsoas.length);
  });

  it("computed centroids agree with the published ones, and each LSOA11 centroid lies in its best-fit WD19 ward", async () => {
    const lsoas = readBoundaries(geo("boundaries", "medway_lsoa11.geojson"), "LSOA");
    const wards = new BoundaryIndex(readBoundaries(geo("boundaries", "medway_wards_WD22.geojson"), "WD").areas);
    const lookup = new Map(readFileSync(geo("LSOA11_to_WD19_LAD19_EW_lookup.csv"), "utf8").split("\n").filter((l) => l.includes(",E06000035,")).map((l) => [l.split(",")[1]!, l.split(",")[3]!]));
    let agree = 0;
    const gaps: number[] = [];
    for (const l of lsoas.areas) {
      const [x, y] = centroidOf(l.polygons);
      gaps.push(Math.hypot(x - l.centroid[0], y - l.centroid[1]));
      if (wards.locate(l.centroid[0], l.centroid[1])?.code === lookup.get(l.code)) agree++;
    }
    gaps.sort((a, b) => a - b);
    expect(gaps[Math.floor(gaps.length / 2)]).toBeLessThan(0.002); // ONS's LONG/LAT are not always the area centroid
    expect(gaps.at(-1)).toBeLessThan(0.05);
    expect(agree).toBeGreaterThanOrEqual(160); // best fit by centroid vs ONS's population-weighted best fit
  });

  it("every LSOA has a point inside itself to be placed by, where its centroid lies outside it (estuary LSOAs of several parts); no LSOA falls in no ward", () => {
    const lsoas = readBoundaries(geo("boundaries", "medway_lsoa21.geojson"), "LSOA");
    const outside = lsoas.areas.filter((a) => !pointInPolygons(a.centroid[0], a.centroid[1], a.polygons));
    // ONS's Medway LSOAs of 2021 (no LONG/LAT in the file): 7 have their centroid outside themselves (GDAL agrees).
    expect(outside.length).toBeGreaterThan(0);
    for (const a of lsoas.areas) expect(pointInPolygons(a.inside[0], a.inside[1], a.polygons), a.code).toBe(true);
    for (const a of lsoas.areas.filter((x) => !outside.includes(x))) expect(a.inside).toEqual(a.centroid);
    const wards = new BoundaryIndex(readBoundaries(geo("boundaries", "medway_wards_WD25.geojson"), "WD").areas);
    expect(lsoas.areas.filter((a) => !wards.locate(a.inside[0], a.inside[1]) && !wards.nearest(a.inside[0], a.inside[1]))).toEqual([]);
  });

  it("a point in no area (a gap between generalised boundaries) goes to the area whose edge is nearest; lower-case long/lat are read as LONG/LAT", () => {
    const square = (x: number, code: string) => ({ code, name: code, vintage: "WD25", polygons: [[[[x, 51], [x + 1, 51], [x + 1, 52], [x, 52], [x, 51]]]], bbox: [x, 51, x + 1, 52] as [number, number, number, number], centroid: [x + 0.5, 51.5] as [number, number], inside: [x + 0.5, 51.5] as [number, number] });
    const index = new BoundaryIndex([square(0, "W1"), square(1.1, "W2")]);
    expect(index.locate(1.04, 51.5)).toBeUndefined();
    expect(index.nearest(1.04, 51.5)!.code).toBe("W1");
    expect(index.nearest(1.07, 51.5)!.code).toBe("W2");
    const t = tempDir();
    const f = t.write("lsoa.geojson", JSON.stringify({ type: "FeatureCollection", features: [{ type: "Feature", properties: { lsoa21cd: "E01000001", long: 0.25, lat: 51.25 }, geometry: { type: "Polygon", coordinates: [[[0, 51], [1, 51], [1, 52], [0, 52], [0, 51]]] } }] }));
    expect(readBoundaries(f, "LSOA").areas[0]!.centroid).toEqual([0.25, 51.25]);
  });

  it("point in polygon handles holes", () => {
    const square = [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]];
    expect(pointInPolygons(0.5, 0.5, [square])).toBe(true);
    expect(pointInPolygons(2, 2, [square])).toBe(false);
    expect(pointInPolygons(5, 5, [square])).toBe(false);
  });
});

describe.skipIf(!hasShared)(`ward vintages and crosswalks${sharedSkipReason}`, () => {
  it("a lookup of another ward vintage without a crosswalk stops the build with a clear message", async () => {
    const config = realConfig({ geography: { lsoaLookup: geo("LSOA11_to_WD17_LAD17_lookup.medway.csv") } });
    await expect(runSources(config)).rejects.toThrow(messages.wardVintageMismatch(config.geography.lsoaLookup, "WD19", "WD17"));
  });

  it("WD17 and WD18 lookups load as lookups of their own vintage (FID last)", async () => {
    for (const v of ["17", "18"]) {
      const { db } = await runSources(realConfig({ geography: { wardVintage: `WD${v}`, lsoaLookup: geo(`LSOA11_to_WD${v}_LAD${v}_lookup.medway.csv`), hierarchy: undefined } }));
      try {
        expect(await db.one(`SELECT count(*)::INTEGER n FROM ref.lsoa_ward WHERE ward_code = $w`, { w: LUTON_WAYFIELD })).toEqual({ n: 9 });
        expect(await db.one(`SELECT vintage FROM ref.areas WHERE area_code = $w`, { w: LUTON_WAYFIELD })).toEqual({ vintage: `WD${v}` });
      } finally {
        db.close();
      }
    }
  });

  it("declares WD25 wards over an LSOA11 -> WD19 lookup: LSOAs go to the ward holding their centroid, and the build says so", async () => {
    const lsoaB = geo("boundaries", "medway_lsoa11.geojson");
    const wardB = geo("boundaries", "medway_wards_WD25.geojson");
    const { db } = await runSources(realConfig({
      focus: [{ ward: "E05014459" }],
      geography: { wardVintage: "WD25", lsoaBoundaries: lsoaB, wardBoundaries: wardB },
    }));
    try {
      expect(await db.one(`SELECT count(DISTINCT ward_code)::INTEGER w, count(*)::INTEGER l FROM ref.lsoa_ward`)).toEqual({ w: 24, l: 163 });
      const lw = await db.all<{ ward_code: string }>(`SELECT DISTINCT ward_code FROM ref.lsoa_ward WHERE lsoa_code IN (${LW_LSOAS.map((c) => `'${c}'`).join(", ")}) ORDER BY 1`);
      // Luton and Wayfield's successors: Luton (E05014459) and Wayfield & Weeds Wood (E05014472).
      expect(lw.map((r) => r.ward_code)).toEqual(expect.arrayContaining(["E05014459", "E05014472"]));
      expect(await warningsOf(db, "ward_vintage_crosswalk")).toEqual([
        { subject: "WD25", message: messages.wardCrosswalkByCentroid("WD25", "WD19", shown(lsoaB), shown(wardB), 163, 0) },
      ]);
      expect(await db.one(`SELECT vintage FROM ref.areas WHERE area_code = 'E05014459'`)).toEqual({ vintage: "WD25" });
    } finally {
      db.close();
    }
  });
});

describe.skipIf(!hasShared)(`ONS lookups, hand-made broken copies${sharedSkipReason}`, () => {
  let wd17: string[] = [];
  beforeAll(() => {
    wd17 = readFileSync(geo("LSOA11_to_WD17_LAD17_lookup.medway.csv"), "utf8").split("\n").filter(Boolean);
  });
  const cfg = (f: string) => realConfig({ geography: { wardVintage: "WD17", lsoaLookup: f, hierarchy: undefined } });

  it("BOM and CRLF, FID moved first: loads the same", async () => {
    const t = tempDir();
    const moved = wd17.map((l) => {
      const c = l.split(",");
      return [c.at(-1), ...c.slice(0, -1)].join(",");
    });
    const f = t.write("lookup.csv", "\uFEFF" + moved.join("\r\n") + "\r\n");
    const { db } = await runSources(cfg(f));
    try {
      expect(await db.one(`SELECT count(*)::INTEGER n FROM ref.lsoa_ward`)).toEqual({ n: 163 });
    } finally {
      db.close();
    }
  });

  it("duplicated lines count once; an LSOA given two wards is an error naming it", async () => {
    const t = tempDir();
    const f = t.write("dups.csv", [...wd17, wd17[5], wd17[6]].join("\n"));
    const { db } = await runSources(cfg(f));
    try {
      expect((await loadCounts(db))["dups.csv"]).toEqual({ read: 165, loaded: 165, rejected: 0 });
      expect(await db.one(`SELECT count(*)::INTEGER n FROM ref.lsoa_ward`)).toEqual({ n: 163 });
    } finally {
      db.close();
    }
    const clash = wd17[5]!.replace(/,E05\d{6},/, ",E05002255,");
    const g = t.write("clash.csv", [...wd17, clash].join("\n"));
    await expect(runSources(cfg(g))).rejects.toThrow(messages.lsoaInTwoWards(g, wd17[5]!.split(",")[0]!));
  });

  it("reads code columns of any vintage and naming style", () => {
    expect(codeColumns(["F_LSOA11CD", "LSOA11NM", "LSOA21CD", "CHGIND", "ObjectId"]).map((c) => c.vintage)).toEqual(["LSOA11", "LSOA21"]);
    expect(codeColumns(["WDCD", "WDNM", "LADCD_ACTIVE", "LADNM_ACTIVE", "PHEC19CDH"]).map((c) => [c.type, c.vintage, c.nameHeader])).toEqual([
      ["ward", "WD", "WDNM"], ["lad", "LAD_ACTIVE", "LADNM_ACTIVE"],
    ]);
  });

  it("a county given as the parent (a county council's pilot): the error says to give the district and compare with the county", async () => {
    const lookup = realData("ons_geography", "LSOA11_to_WD19_LAD19_EW_lookup.csv");
    const county = { parent: "E10000016", focus: [{ ward: "E05005093" }] };
    await expect(runSources(realConfig({ ...county, geography: { authorities: undefined } }))).rejects.toThrow(messages.parentNotInLookup("E10000016", lookup));
    await expect(runSources(realConfig({ ...county, geography: { authorities: ["E07000114"] } }))).rejects.toThrow(messages.parentNotInAuthorities("E10000016", ["E07000114"]));
    for (const m of [messages.parentNotInLookup("E10000016", lookup), messages.parentNotInAuthorities("E10000016", ["E07000114"])]) {
      expect(m).toMatch(/E10000016 is a county \(an upper-tier area\).*set parent to the district the focus wards are in \(an E07 code\) and add "county" to comparators/);
    }
    // Any other code gets no such hint.
    expect(messages.parentNotInLookup("E06099999", lookup)).toBe(`parent authority E06099999 is not in the geography lookup ${lookup}`);
  });

  it("a focus ward not in the lookup: the error says whose ward it is, or that the lookup's wards are of another vintage", async () => {
    // Margate Central is Thanet's; E05014459 is Medway's 2023 "Luton" ward, not in this WD19 lookup.
    await expect(runSources(realConfig({ focus: [{ ward: "E05005093" }], geography: { authorities: undefined } }))).rejects.toThrow(messages.focusNotWard("E05005093", MEDWAY) + messages.wardNotInBuildWhy("WD19", "E07000114", null));
    const err = await runSources(realConfig({ focus: [{ ward: "E05014459" }] })).catch((e: Error) => e);
    expect((err as Error).message).toBe(messages.focusNotWard("E05014459", MEDWAY) + messages.wardNotInBuildWhy("WD19", null, "E05002249, E05002250, E05002251"));
    expect((err as Error).message).toMatch(/its wards in the lookup are WD19 codes, e\.g\. E05002249, .*give the ward's WD19 code/);
  });

  it("a file of another kind as an extra lookup is named", async () => {
    const f = realData("fingertips", "indicators-CountyUA.data.csv");
    await expect(runSources(realConfig({ geography: { lookups: [f] } }))).rejects.toThrow(messages.wrongKindOfFile(f, "an ONS lookup", "a Fingertips data export"));
  });
});

describe.skipIf(!hasShared)(`ward-keyed data of another vintage, through a crosswalk${sharedSkipReason}`, () => {
  const lsoaB = geo("boundaries", "medway_lsoa11.geojson");
  const wardB = geo("boundaries", "medway_wards_WD25.geojson");
  const crosswalk = () => {
    const t = tempDir();
    const lsoaWards = readFileSync(geo("LSOA11_to_WD19_LAD19_EW_lookup.csv"), "utf8").split("\n").filter((l) => l.includes(",E06000035,")).map((l) => ({ lsoa: l.split(",")[1]!, ward: l.split(",")[3]! }));
    const file6 = readFileSync(realData("imd2019", "File_6_-_IoD2019_Population_Denominators.kent-medway.csv"), "utf8").split("\r\n").slice(1).filter(Boolean);
    const population = new Map(file6.map((l) => [l.split(",")[0]!, Number(/^[^,]*,[^,]*,[^,]*,[^,]*,("[\d,]+"|\d+)/.exec(l)![1]!.replace(/[",]/g, ""))]));
    const out = `${t.dir}/WD19_WD25_crosswalk.csv`;
    const rows = deriveWardCrosswalk({ lsoaWards, population, lsoaBoundaries: lsoaB, wardBoundaries: wardB, fromVintage: "WD19", out });
    return { t, out, rows };
  };

  it("derives a population-weighted WD19 -> WD25 crosswalk from public files", () => {
    const { rows } = crosswalk();
    const lw = rows.filter((r) => r.from === LUTON_WAYFIELD);
    expect(lw.map((r) => r.to)).toEqual(expect.arrayContaining(["E05014459", "E05014472"]));
    expect(lw.reduce((s, r) => s + r.weight, 0)).toBeCloseTo(1, 10);
    expect(new Set(rows.map((r) => r.from)).size).toBe(22);
  });

  it("shares WD19 local counts among WD25 wards by weight, places WD19 complaints by best fit, and says so", async () => {
    const { t, out, rows } = crosswalk();
    const local = t.write("local.csv", `area_code,period,numerator,denominator\n${LUTON_WAYFIELD},2019/20,100,1000\n`);
    const crm = t.write("crm.csv", `Case Reference,Date Received,Date Closed,Category,Service,Channel,Status,Ward Code\nC1,01/04/2022,,Noise,EH,Web,Closed,${LUTON_WAYFIELD}\n`);
    for (const method of ["population_weighted", "best_fit"] as const) {
      const { db } = await runSources(realConfig({
        focus: [{ ward: "E05014459" }],
        geography: { wardVintage: "WD25", lsoaBoundaries: lsoaB, wardBoundaries: wardB, wardCrosswalk: { file: out, method } },
        sources: { health: { local: [{ measure: "test_measure", files: [local] }] }, complaints: { files: [crm] } },
      }));
      try {
        const lc = await db.all<{ area_code: string; numerator: number; denominator: number }>(`SELECT area_code, numerator, denominator FROM staging.local_counts ORDER BY numerator DESC`);
        const best = rows.filter((r) => r.from === LUTON_WAYFIELD).sort((a, b) => b.weight - a.weight)[0]!;
        if (method === "population_weighted") {
          expect(lc.length).toBeGreaterThan(1);
          expect(lc.reduce((s, r) => s + r.numerator, 0)).toBeCloseTo(100, 6);
          expect(lc.reduce((s, r) => s + r.denominator, 0)).toBeCloseTo(1000, 6);
        } else {
          expect(lc).toEqual([{ area_code: best.to, numerator: 100, denominator: 1000 }]);
        }
        expect(await db.one(`SELECT ward_code, source_ward_code FROM staging.complaints`)).toEqual({ ward_code: best.to, source_ward_code: LUTON_WAYFIELD });
        const w = await warningsOf(db, "ward_crosswalk_applied");
        expect(w.map((x) => x.subject).sort()).toEqual(["complaints", "local counts"]);
        expect(w.find((x) => x.subject === "complaints")!.message).toBe(messages.wardCrosswalkApplied("complaints", 1, "WD19", "WD25", shown(out), "best_fit"));
      } finally {
        db.close();
      }
    }
  });
});
