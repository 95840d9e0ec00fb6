/**
 * Every ONS lookup layout of sources/geography/README.md ("Lookup layouts"), one test each: the
 * hand-made fixtures under test/fixtures/geography/ and the real samples in ../shared, read in place.
 */
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { MEDWAY, realConfig, runSources } from "../helpers.ts";
import type { Warehouse } from "../../../pipelines/core/warehouse.ts";

const fx = (name: string) => fileURLToPath(new URL(`../../fixtures/geography/${name}`, import.meta.url));
const geo = (...p: string[]) => realData("ons_geography", ...p);
const MAIDSTONE = "E07000110";
const GWYNEDD = "W06000002";

/** Build stages 1-2 over a lookup (and hierarchy) for Medway, Maidstone and Gwynedd; run `check`; close. */
async function build(lookup: string, wardVintage: string, focusWard: string, hierarchy: string | undefined, check: (db: Warehouse) => Promise<void>) {
  const { db } = await runSources(realConfig({
    focus: [{ ward: focusWard }],
    geography: { wardVintage, lsoaLookup: lookup, hierarchy, authorities: [MEDWAY, MAIDSTONE, GWYNEDD] },
  }));
  try {
    await check(db);
  } finally {
    db.close();
  }
}

const areas = (db: Warehouse, type: string) =>
  db.all<{ area_code: string; area_name: string; parent_code: string | null; vintage: string }>(
    `SELECT area_code, area_name, parent_code, vintage FROM ref.areas WHERE area_type = $t ORDER BY 1`, { t: type },
  );

/** LSOA -> ward -> LAD layouts (README rows L1-L7; L4 below): file, declared ward vintage, the focus ward and its name, the LSOA and LAD vintages. */
const LSOA_LAYOUTS = [
  { row: "L1 2011, Welsh names for wards and authorities, FID last", file: "LSOA11_WD11_LAD11_lookup.csv", wv: "WD11", ward: "E05002255", name: "Luton and Wayfield", lv: "LSOA11", av: "LAD11" },
  { row: "L2 2016, no Welsh names, FID last", file: "LSOA11_WD16_LAD16_lookup.csv", wv: "WD16", ward: "E05002255", name: "Luton and Wayfield", lv: "LSOA11", av: "LAD16" },
  { row: "L3 2015-2018, Welsh ward names, FID last", file: "LSOA11_WD18_LAD18_lookup.csv", wv: "WD18", ward: "E05002255", name: "Luton and Wayfield", lv: "LSOA11", av: "LAD18" },
  { row: "L5 2021-2025, Geoportal download: BOM, CRLF, ObjectId last", file: "LSOA21_WD22_LAD22_lookup.csv", wv: "WD22", ward: "E05002255", name: "Luton and Wayfield", lv: "LSOA21", av: "LAD22" },
  { row: "L6 2024, Welsh-name columns after each English one", file: "LSOA21_WD24_LAD24_lookup.welsh-names.csv", wv: "WD24", ward: "E05014459", name: "Luton", lv: "LSOA21", av: "LAD24" },
  { row: "L7 2025, lower-case headers, no FID", file: "LSOA21_WD25_LAD25_lookup.lowercase.csv", wv: "WD25", ward: "E05014459", name: "Luton", lv: "LSOA21", av: "LAD25" },
] as const;

describe.skipIf(!hasShared)(`ONS LSOA -> ward -> LAD lookups, every layout${sharedSkipReason}`, () => {
  it.each(LSOA_LAYOUTS)("$row", async (l) => {
    await build(fx(l.file), l.wv, l.ward, undefined, async (db) => {
      const wards = await areas(db, "ward");
      expect(wards.find((w) => w.area_code === l.ward)).toEqual({ area_code: l.ward, area_name: l.name, parent_code: MEDWAY, vintage: l.wv });
      // English names only, never the Welsh column: Gwynedd's ward is "Pwllheli South", not "De Pwllheli".
      expect(wards.find((w) => w.area_code === "W05000102")).toEqual({ area_code: "W05000102", area_name: "Pwllheli South", parent_code: GWYNEDD, vintage: l.wv });
      expect((await areas(db, "authority")).map((a) => [a.area_code, a.area_name, a.vintage])).toEqual([
        [MEDWAY, "Medway", l.av], [MAIDSTONE, "Maidstone", l.av], [GWYNEDD, "Gwynedd", l.av],
      ]);
      expect(await db.one(`SELECT count(*)::INTEGER n, any_value(vintage) v FROM ref.areas WHERE area_type = 'lsoa'`)).toEqual({ n: 6, v: l.lv });
      // Bolton is in the file but not in geography.authorities.
      expect(await db.one(`SELECT count(*)::INTEGER n FROM ref.lsoa_ward WHERE lad_code = 'E08000001'`)).toEqual({ n: 0 });
    });
  });

  it("L4 2019-2020, FID first (real WD19 sample); L3 real WD17 and WD18 samples are in ons-geography.test.ts", async () => {
    await build(geo("LSOA11_to_WD19_LAD19_EW_lookup.csv"), "WD19", "E05002255", undefined, async (db) => {
      expect((await areas(db, "authority")).map((a) => [a.area_code, a.vintage])).toEqual([[MEDWAY, "LAD19"], [MAIDSTONE, "LAD19"], [GWYNEDD, "LAD19"]]);
      expect(await db.one(`SELECT area_name FROM ref.areas WHERE area_code = 'E05002255'`)).toEqual({ area_name: "Luton and Wayfield" });
    });
  });
});

/** Ward -> LAD -> (county) -> region -> country layouts (README rows H1-H4), each paired with an LSOA lookup. */
const HIERARCHY_LAYOUTS = [
  { row: "H1 2016-2018, regions as GOR10CD/GOR10NM, Welsh ward names, FID last", file: "WD18_LAD18_CTY18_GOR10_CTRY18_lookup.csv", rv: "GOR10", cv: "CTRY18",
    lookup: "LSOA11_WD18_LAD18_lookup.csv", wv: "WD18", ward: "E05002255" },
  { row: "H3 2023-2025, RGNyy, the region column holding the country's code outside England, ObjectId last", file: "WD23_LAD23_CTY23_RGN23_CTRY23_lookup.csv", rv: "RGN23", cv: "CTRY23",
    lookup: "LSOA21_WD25_LAD25_lookup.lowercase.csv", wv: "WD25", ward: "E05014459" },
  { row: "H4 no county columns, FID first", file: "WD24_LAD24_RGN24_CTRY24_lookup.csv", rv: "RGN24", cv: "CTRY24",
    lookup: "LSOA21_WD24_LAD24_lookup.welsh-names.csv", wv: "WD24", ward: "E05014459" },
] as const;

describe.skipIf(!hasShared)(`ONS ward hierarchy lookups, every layout${sharedSkipReason}`, () => {
  /**
   * Medway (unitary, county blank) -> South East -> England; Maidstone (a district, county filled)
   * -> Kent -> South East -> England (straight to South East in a layout with no county columns);
   * Gwynedd -> Wales with no region.
   */
  const expectChain = async (db: Warehouse, rv: string, cv: string, av: string, counties = true) => {
    expect((await areas(db, "authority")).map((a) => [a.area_code, a.parent_code, a.vintage])).toEqual([
      [MEDWAY, "E12000008", av], [MAIDSTONE, counties ? "E10000016" : "E12000008", av], [GWYNEDD, "W92000004", av],
    ]);
    expect(await areas(db, "county")).toEqual(counties ? [{ area_code: "E10000016", area_name: "Kent", parent_code: "E12000008", vintage: `CTY${cv.slice(4)}` }] : []);
    expect(await areas(db, "region")).toEqual([{ area_code: "E12000008", area_name: "South East", parent_code: "E92000001", vintage: rv }]);
    expect(await areas(db, "country")).toEqual([
      { area_code: "E92000001", area_name: "England", parent_code: null, vintage: cv },
      { area_code: "W92000004", area_name: "Wales", parent_code: null, vintage: cv },
    ]);
    // Metropolitan counties (Greater Manchester E11) and Inner/Outer London (E13) are groupings, never an authority's parent.
    expect(await db.one(`SELECT count(*)::INTEGER n FROM ref.areas WHERE area_code LIKE 'E11%' OR area_code LIKE 'E13%'`)).toEqual({ n: 0 });
  };

  it.each(HIERARCHY_LAYOUTS)("$row", async (h) => {
    await build(fx(h.lookup), h.wv, h.ward, fx(h.file), async (db) => {
      await expectChain(db, h.rv, h.cv, `LAD${h.wv.slice(2)}`, !h.row.startsWith("H4"));
      expect(await db.all(`SELECT code FROM audit.warnings WHERE stage = 'conform'`)).toEqual([]);
    });
  });

  it("H2 2019-2022, RGNyy, county blank for unitaries, FID first (real WD19 sample)", async () => {
    await build(geo("LSOA11_to_WD19_LAD19_EW_lookup.csv"), "WD19", "E05002255", geo("WD19_LAD19_CTY19_RGN19_CTRY19_UK_lookup.csv"), async (db) => {
      await expectChain(db, "RGN19", "CTRY19", "LAD19");
    });
  });
});
