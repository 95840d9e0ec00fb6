/**
 * The geography hierarchy's conflicts (README "Hierarchy checks"), each a named error or warning
 * naming the file and the codes; and codes in lower case or with Unicode spaces, normalised or
 * rejected with a reason. Broken copies of the fixtures under test/fixtures/geography/.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, sharedSkipReason } from "../../helpers/shared.ts";
import { MEDWAY, loadCounts, realConfig, runSources, shown, tempDir, warningsOf } from "../helpers.ts";
import { compareIndicators, parentComparators } from "../../../transforms/compare.ts";
import type { Warehouse } from "../../../pipelines/core/warehouse.ts";

const fx = (name: string) => fileURLToPath(new URL(`../../fixtures/geography/${name}`, import.meta.url));
const MAIDSTONE = "E07000110";
const BOLTON = "E08000001";
const LW = "E05002255";
/** The WD18 fixtures' lines (header first), to edit into broken copies. */
const lookupLines = () => readFileSync(fx("LSOA11_WD18_LAD18_lookup.csv"), "utf8").trimEnd().split("\n");
const hierarchyLines = () => readFileSync(fx("WD18_LAD18_CTY18_GOR10_CTRY18_lookup.csv"), "utf8").trimEnd().split("\n");

/** Stages 1-2 for Medway over a (broken) WD18 lookup and hierarchy. */
function run(files: { lookup?: string; hierarchy?: string | null }, authorities: string[] = [MEDWAY]) {
  return runSources(realConfig({
    geography: {
      wardVintage: "WD18",
      lsoaLookup: files.lookup ?? fx("LSOA11_WD18_LAD18_lookup.csv"),
      hierarchy: files.hierarchy === null ? undefined : (files.hierarchy ?? fx("WD18_LAD18_CTY18_GOR10_CTRY18_lookup.csv")),
      authorities,
    },
  }));
}

async function withDb(p: Promise<{ db: Warehouse }>, check: (db: Warehouse) => Promise<void>) {
  const { db } = await p;
  try {
    await check(db);
  } finally {
    db.close();
  }
}

const parentOf = async (db: Warehouse, code: string) => (await db.one<{ parent_code: string | null }>(`SELECT parent_code FROM ref.areas WHERE area_code = $c`, { c: code }))?.parent_code;

describe.skipIf(!hasShared)(`geography hierarchy conflicts${sharedSkipReason}`, () => {
  it("a ward of the build's authority also in another authority is an error naming the file, ward, authorities and lines", async () => {
    const t = tempDir();
    // Line 9: a Maidstone LSOA given Luton and Wayfield (Medway's wards are lines 2-5).
    const f = t.write("lookup.csv", [...lookupLines(), `E01024394,Maidstone 010D,${LW},Luton and Wayfield,,${MAIDSTONE},Maidstone,300`].join("\n"));
    await expect(run({ lookup: f })).rejects.toThrow(messages.wardInTwoAuthorities(f, LW, [MEDWAY, MAIDSTONE], [4, 5, 9]));
  });

  it("another authority's ward in two authorities is a warning; its parent is the authority with most LSOAs", async () => {
    const t = tempDir();
    const f = t.write("lookup.csv", [
      ...lookupLines(),
      `E01024394,Maidstone 010D,E05005003,Shepway North,,${MAIDSTONE},Maidstone,300`,
      `E01004767,Bolton 005B,E05005003,Shepway North,,${BOLTON},Bolton,301`,
    ].join("\n"));
    await withDb(run({ lookup: f }, [MEDWAY, MAIDSTONE, BOLTON]), async (db) => {
      expect(await warningsOf(db, "ward_in_two_authorities")).toEqual([
        { subject: "E05005003", message: messages.wardInTwoAuthoritiesResolved(shown(f), "E05005003", [MAIDSTONE, BOLTON], MAIDSTONE) },
      ]);
      expect(await parentOf(db, "E05005003")).toBe(MAIDSTONE);
      // Each LSOA keeps its own authority.
      expect(await db.one(`SELECT lad_code FROM ref.lsoa_ward WHERE lsoa_code = 'E01004767'`)).toEqual({ lad_code: BOLTON });
    });
  });

  it("a ward with two names is a warning naming both; the most common name is used, then the last", async () => {
    const t = tempDir();
    const lines = lookupLines();
    lines[4] = lines[4]!.replace("Luton and Wayfield", "Luton & Wayfield"); // line 5 of 2 for the ward: a tie, the last wins
    const f = t.write("lookup.csv", lines.join("\n"));
    await withDb(run({ lookup: f }), async (db) => {
      expect(await warningsOf(db, "area_named_twice")).toEqual([
        { subject: LW, message: messages.areaNamedTwice(shown(f), "ward", LW, ["Luton & Wayfield", "Luton and Wayfield"], "Luton & Wayfield") },
      ]);
      expect(await db.one(`SELECT area_name FROM ref.areas WHERE area_code = $w`, { w: LW })).toEqual({ area_name: "Luton & Wayfield" });
      expect(await db.one(`SELECT count(DISTINCT ward_name)::INTEGER n FROM ref.lsoa_ward WHERE ward_code = $w`, { w: LW })).toEqual({ n: 1 });
    });
    const more = t.write("more.csv", [...lookupLines(), `E01016064,Medway 020C,${LW},Luton & Wayfield,,${MEDWAY},Medway,300`].join("\n"));
    await withDb(run({ lookup: more }), async (db) => {
      expect(await db.one(`SELECT area_name FROM ref.areas WHERE area_code = $w`, { w: LW })).toEqual({ area_name: "Luton and Wayfield" }); // 2 lines to 1
    });
  });

  it("the build's authority in two regions is an error naming the file, regions and lines; another authority's is a warning", async () => {
    const t = tempDir();
    const lines = hierarchyLines();
    lines[2] = lines[2]!.replace("E12000008,South East", "E12000006,East of England"); // Luton and Wayfield, line 3
    const h = t.write("hierarchy.csv", lines.join("\n"));
    await expect(run({ hierarchy: h })).rejects.toThrow(messages.authorityInTwoRegions(h, MEDWAY, ["E12000006", "E12000008"], [3, 2]));

    const other = t.write("other.csv", [...hierarchyLines(), `E05005004,Park Wood,,${MAIDSTONE},Maidstone,E10000016,Kent,E12000006,East of England,E92000001,England,99`].join("\n"));
    await withDb(run({ hierarchy: other }, [MEDWAY, MAIDSTONE]), async (db) => {
      // Maidstone is a district of Kent: its parent is the county, and the county is in two regions.
      expect(await warningsOf(db, "county_in_two_regions")).toEqual([
        { subject: "E10000016", message: messages.areaInTwoParentsResolved(shown(other), "county", "E10000016", "region", ["E12000006", "E12000008"], "E12000006") },
      ]);
      expect(await parentOf(db, MAIDSTONE)).toBe("E10000016");
      expect(await parentOf(db, "E10000016")).toBe("E12000006");
      expect(await parentOf(db, MEDWAY)).toBe("E12000008");
    });
  });

  it("an authority that is its own region (circular) is an error naming the file and the code", async () => {
    const t = tempDir();
    const h = t.write("hierarchy.csv", hierarchyLines().map((l) => l.replace(`${MEDWAY},Medway,,,E12000008,South East`, `${MEDWAY},Medway,,,${MEDWAY},Medway`)).join("\n"));
    await expect(run({ hierarchy: h })).rejects.toThrow(messages.hierarchyCircular(h, MEDWAY, ["authority", "region"]));
    // A ward coded as its own authority in the LSOA lookup.
    const f = t.write("lookup.csv", lookupLines().map((l) => l.replace(`${LW},Luton and Wayfield`, `${MEDWAY},Luton and Wayfield`)).join("\n"));
    await expect(run({ lookup: f, hierarchy: null })).rejects.toThrow(messages.hierarchyCircular(f, MEDWAY, ["ward", "authority"]));
  });

  it("an authority with no row in the hierarchy (a missing parent) is warned about, and so are the comparators it loses", async () => {
    const t = tempDir();
    const h = t.write("hierarchy.csv", hierarchyLines().filter((l) => !l.includes(MEDWAY)).join("\n"));
    const { db, ctx } = await run({ hierarchy: h });
    try {
      expect(await warningsOf(db, "authority_not_in_hierarchy")).toEqual([{ subject: MEDWAY, message: messages.authorityNotInHierarchy(shown(h), MEDWAY) }]);
      expect(await parentOf(db, MEDWAY)).toBeNull();
      await compareIndicators(ctx, []);
      const why = "it has no row in the hierarchy lookup";
      expect(await warningsOf(db, "comparator_unavailable")).toEqual([
        { subject: "country", message: messages.comparatorUnavailable("country", MEDWAY, why) },
        { subject: "region", message: messages.comparatorUnavailable("region", MEDWAY, why) },
      ]);
    } finally {
      db.close();
    }
  });

  it("the region comparator is never the area itself, and a Welsh authority gets a country and no region", () => {
    const self = [{ area_code: MEDWAY, area_type: "authority", parent_code: MEDWAY }];
    expect(parentComparators(self, MEDWAY, true)).toEqual({
      county: null, region: null, country: null,
      missing: [{ kind: "region", why: "the hierarchy lookup gives it as its own parent" }, { kind: "country", why: "the hierarchy lookup gives it as its own parent" }],
    });
    const wales = [{ area_code: "W06000002", area_type: "authority", parent_code: "W92000004" }, { area_code: "W92000004", area_type: "country", parent_code: null }];
    expect(parentComparators(wales, "W06000002", true)).toEqual({
      county: null, region: null, country: "W92000004", missing: [{ kind: "region", why: "it has no region: its parent W92000004 is a country" }],
    });
    const england = [{ area_code: MEDWAY, area_type: "authority", parent_code: "E12000008" }, { area_code: "E12000008", area_type: "region", parent_code: "E92000001" }, { area_code: "E92000001", area_type: "country", parent_code: null }];
    expect(parentComparators(england, MEDWAY, true)).toEqual({ county: null, region: "E12000008", country: "E92000001", missing: [] });
    // A district: its parent is its shire county, the county's is the region.
    const district = [{ area_code: "E07000114", area_type: "authority", parent_code: "E10000016" }, { area_code: "E10000016", area_type: "county", parent_code: "E12000008" }, ...england.slice(1)];
    expect(parentComparators(district, "E07000114", true)).toEqual({ county: "E10000016", region: "E12000008", country: "E92000001", missing: [] });
  });
});

describe.skipIf(!hasShared)(`lookup codes in lower case or with Unicode spaces${sharedSkipReason}`, () => {
  it("are normalised (upper case, every kind of space trimmed) and said so; the LSOAs are placed", async () => {
    const t = tempDir();
    const lines = lookupLines();
    lines[3] = lines[3]!.replace("E01016061", "e01016061"); // lower case
    lines[4] = lines[4]!.replace(`E01016063,`, "E01016063\u00a0,").replace(`${LW},`, `\u2003${LW}\u00a0,`); // no-break and em spaces
    const f = t.write("lookup.csv", lines.join("\n"));
    const hl = hierarchyLines();
    hl[2] = hl[2]!.replace("E12000008", "e12000008\u00a0");
    const h = t.write("hierarchy.csv", hl.join("\n"));
    await withDb(run({ lookup: f, hierarchy: h }), async (db) => {
      expect(await db.all(`SELECT lsoa_code FROM ref.lsoa_ward WHERE ward_code = $w ORDER BY 1`, { w: LW })).toEqual([{ lsoa_code: "E01016061" }, { lsoa_code: "E01016063" }]);
      expect(await parentOf(db, MEDWAY)).toBe("E12000008");
      expect(await warningsOf(db, "codes_normalised")).toEqual([
        { subject: f, message: messages.codesNormalised(shown(f), 2, "e01016061") },
        { subject: h, message: messages.codesNormalised(shown(h), 1, "e12000008\u00a0") },
      ].sort((a, b) => a.subject.localeCompare(b.subject)));
      expect((await loadCounts(db))["lookup.csv"]).toEqual({ read: 7, loaded: 7, rejected: 0 });
    });
  });

  it("a code that is not a GSS code is rejected with its line, column and what was expected", async () => {
    const t = tempDir();
    const lines = lookupLines();
    lines[1] = lines[1]!.replace("E01016020", "E0101602"); // 8 characters
    lines[2] = lines[2]!.replace("E05002249", "E05OO2249"); // letter O for zero
    const f = t.write("lookup.csv", lines.join("\n"));
    await withDb(run({ lookup: f }), async (db) => {
      expect((await loadCounts(db))["lookup.csv"]).toEqual({ read: 7, loaded: 5, rejected: 2 });
      const expected = "expected an ONS code: a letter and 8 digits (e.g. E05002255), found ";
      expect(await db.all(`SELECT line::INTEGER line, "column", reason FROM audit.rejects ORDER BY line`)).toEqual([
        { line: 2, column: "LSOA11CD", reason: expected + "E0101602" },
        { line: 3, column: "WD18CD", reason: expected + "E05OO2249" },
      ]);
    });
  });

  it("in any other ONS lookup too: codes and links are kept normalised", async () => {
    const t = tempDir();
    const f = t.write("lad_csp.csv", `FID,LAD19CD,LAD19NM,CSP19CD,CSP19NM\n1,e06000035\u00a0,Medway, E22000143,Medway\n`);
    await withDb(runSources(realConfig({ geography: { lookups: [f] } })), async (db) => {
      expect(await db.all(`SELECT child_code, parent_code FROM ref.geography_links WHERE path = $f`, { f })).toEqual([{ child_code: MEDWAY, parent_code: "E22000143" }]);
      expect((await warningsOf(db, "codes_normalised")).map((w) => w.subject)).toEqual([f]);
    });
  });
});
