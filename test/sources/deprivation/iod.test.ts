/** Indices of Deprivation 2019: Files 1, 2 and 6 and the ONS IMD lookup, merged by LSOA, with ward summaries. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import type { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { LSOA_CHANGES, LUTON_WAYFIELD, loadCounts, medwayAndCardiffLookup, medwayLsoaChanges, realConfig, runSources, shown, tempDir, warningsOf } from "../helpers.ts";
import { policeStreetFormat } from "../../../sources/crime/police-uk-street.ts";
import { SLOT_TITLE } from "../../../sources/deprivation/iod-scores.ts";
import { writeOds } from "../ods.ts";
import { HEADER as NOMIS_HEADER, line as nomisLine } from "../population/nomis-export.ts";
import { buildComparatorGroups } from "../../../transforms/reference/comparator-groups.ts";

const imd = (f: string) => realData("imd2019", f);
const FILE1 = imd("File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv");
const FILE2 = imd("File_2_-_IoD2019_Domains_of_Deprivation.kent-medway.csv");
const FILE6 = imd("File_6_-_IoD2019_Population_Denominators.kent-medway.csv");
const ONS = imd("ONS_IMD_Dec2019_lookup.kent-medway.csv");
const dep = (files: string[], population?: string[]) => realConfig({ sources: { deprivation: { files }, ...(population ? { population: { files: population } } : {}) } });

/**
 * An IoD2019 File 7 ("All IoD2019 Scores, Ranks, Deciles and Population Denominators", 57 columns
 * as MHCLG publishes it) for Kent and Medway: File 2's ranks and deciles, File 6's residents, and
 * made-up scores (50 - rank / 1000) for the IMD, its domains and the supplementary indices.
 */
function writeFile7(t: ReturnType<typeof tempDir>): string {
  const rows2 = readFileSync(FILE2, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/).filter(Boolean).map((l) => Papa.parse<string[]>(l).data[0]!);
  const rows6 = new Map(readFileSync(FILE6, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/).filter(Boolean).slice(1).map((l) => Papa.parse<string[]>(l).data[0]!).map((r) => [r[0]!, r.slice(4)]));
  const header6 = Papa.parse<string[]>(readFileSync(FILE6, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/)[0]!).data[0]!.slice(4);
  const domains = ["Index of Multiple Deprivation (IMD) Score", "Income Score (rate)", "Employment Score (rate)", "Education, Skills and Training Score",
    "Health Deprivation and Disability Score", "Crime Score", "Barriers to Housing and Services Score", "Living Environment Score"];
  const supplementary = ["Income Deprivation Affecting Children Index (IDACI) Score (rate)", "Income Deprivation Affecting Older People (IDAOPI) Score (rate)",
    "Children and Young People Sub-domain Score", "Adult Skills Sub-domain Score", "Geographical Barriers Sub-domain Score", "Wider Barriers Sub-domain Score",
    "Indoors Sub-domain Score", "Outdoors Sub-domain Score"];
  const h2 = rows2[0]!;
  const label = (score: string) => score.replace(/ Score( \(rate\))?$/, "").replace(/ Sub-domain$/, " Sub-domain");
  const header = [...h2.slice(0, 4), ...domains.flatMap((d, i) => [d, h2[4 + 2 * i]!, h2[5 + 2 * i]!]),
    ...supplementary.flatMap((d) => [d, `${label(d)} Rank (where 1 is most deprived)`, `${label(d)} Decile (where 1 is most deprived 10% of LSOAs)`]), ...header6];
  expect(header).toHaveLength(57);
  const csv = (cells: string[]) => cells.map((c) => (/[",]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(",");
  const lines = rows2.slice(1).map((r) => csv([...r.slice(0, 4),
    ...domains.flatMap((_d, i) => [String(50 - Number(r[4 + 2 * i]) / 1000), r[4 + 2 * i]!, r[5 + 2 * i]!]),
    ...supplementary.flatMap(() => ["0.1", r[4]!, r[5]!]), ...rows6.get(r[0]!)!]));
  return t.write("File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators_3.csv", [csv(header), ...lines, ""].join("\r\n"));
}

describe.skipIf(!hasShared)(`IoD2019 real files${sharedSkipReason}`, () => {
  let db: Warehouse;
  beforeAll(async () => {
    ({ db } = await runSources(dep([FILE1, FILE2, FILE6, ONS])));
  });
  afterAll(() => db?.close());

  it("loads every row (File 1: 32,844; File 2, File 6, ONS lookup: 1,065 each)", async () => {
    const n = await loadCounts(db);
    expect(n["File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"]).toEqual({ read: 32844, loaded: 32844, rejected: 0 });
    expect(n["File_2_-_IoD2019_Domains_of_Deprivation.kent-medway.csv"]).toEqual({ read: 1065, loaded: 1065, rejected: 0 });
    expect(n["File_6_-_IoD2019_Population_Denominators.kent-medway.csv"]).toEqual({ read: 1065, loaded: 1065, rejected: 0 });
    expect(n["ONS_IMD_Dec2019_lookup.kent-medway.csv"]).toEqual({ read: 1065, loaded: 1065, rejected: 0 });
  });

  it("stages one row per LSOA in England with ranks ('29,199' read as 29199), deciles, edition IoD2019 and no score", async () => {
    expect(await db.one(`SELECT count(*)::INTEGER n, count(DISTINCT edition)::INTEGER e, any_value(edition) ed, count(imd_score)::INTEGER s FROM staging.deprivation_lsoa`))
      .toEqual({ n: 32844, e: 1, ed: "IoD2019", s: 0 });
    expect(await db.one(`SELECT imd_rank, imd_decile FROM staging.deprivation_lsoa WHERE lsoa_code = 'E01000001'`)).toEqual({ imd_rank: 29199, imd_decile: 9 });
    const lw = await db.all<{ lsoa_code: string; imd_rank: number; imd_decile: number }>(
      `SELECT d.lsoa_code, imd_rank, imd_decile FROM staging.deprivation_lsoa d JOIN ref.lsoa_ward w USING (lsoa_code) WHERE w.ward_code = $w ORDER BY imd_rank`, { w: LUTON_WAYFIELD },
    );
    expect(lw.slice(0, 3).map((r) => [r.lsoa_code, r.imd_rank])).toEqual([["E01016063", 1279], ["E01016069", 1428], ["E01016062", 2701]]);
    expect(new Set(lw.map((r) => r.imd_decile))).toEqual(new Set([1, 2, 3, 4, 5].filter((d) => lw.some((r) => r.imd_decile === d))));
    expect(Math.min(...lw.map((r) => r.imd_decile))).toBe(1);
    expect(Math.max(...lw.map((r) => r.imd_decile))).toBe(5);
  });

  it("adds the seven domains' ranks and deciles from File 2 for Kent and Medway", async () => {
    const r = await db.one(`SELECT income_rank, income_decile, crime_rank, crime_decile, living_environment_rank FROM staging.deprivation_lsoa WHERE lsoa_code = 'E01016017'`);
    expect(r).toEqual({ income_rank: 3188, income_decile: 1, crime_rank: 28, crime_decile: 1, living_environment_rank: 2485 });
    expect(await db.one(`SELECT count(*)::INTEGER n FROM staging.deprivation_lsoa WHERE income_rank IS NOT NULL`)).toEqual({ n: 1065 });
  });

  it("finds the three files agree on every IMD rank and decile, and cover every LSOA of the build", async () => {
    expect(await warningsOf(db, "iod_disagreement")).toEqual([]);
    expect(await warningsOf(db, "deprivation_lsoas_missing")).toEqual([]);
  });

  it("summarises wards by population-weighted average rank and the share in the most deprived decile, by domain", async () => {
    const rows = await db.all<{ domain: string; lsoas: number; population: number; avg_score: number | null; avg_rank: number; most_deprived_decile_share: number }>(
      `SELECT domain, lsoas, population, avg_score, avg_rank, most_deprived_decile_share FROM staging.deprivation_summary WHERE area_code = $w ORDER BY domain`, { w: LUTON_WAYFIELD },
    );
    expect(rows.map((r) => r.domain)).toEqual(["barriers", "crime", "education", "employment", "health", "imd", "income", "living_environment"]);
    const imdRow = rows.find((r) => r.domain === "imd")!;
    expect(imdRow).toMatchObject({ lsoas: 9, population: 15189, avg_score: null });
    // Check against the files directly: population-weighted mean rank, and the population of decile-1 LSOAs.
    const f1 = new Map(readFileSync(FILE1, "utf8").split("\r\n").slice(1).map((l) => {
      const m = /^(E\d{8}),[^,]*,[^,]*,[^,]*,"?([\d,]+)"?,(\d+)$/.exec(l);
      return [m?.[1], [Number(m?.[2]?.replace(/,/g, "")), Number(m?.[3])]] as const;
    }));
    const f6 = new Map(readFileSync(FILE6, "utf8").split("\r\n").slice(1).filter(Boolean).map((l) => [l.split(",")[0], Number(/^[^,]*,[^,]*,[^,]*,[^,]*,("[\d,]+"|\d+)/.exec(l)![1]!.replace(/[",]/g, ""))] as const));
    const lsoas = (await db.all<{ lsoa_code: string }>(`SELECT lsoa_code FROM ref.lsoa_ward WHERE ward_code = $w`, { w: LUTON_WAYFIELD })).map((r) => r.lsoa_code);
    const pop = lsoas.reduce((s, c) => s + f6.get(c)!, 0);
    expect(pop).toBe(15189);
    expect(imdRow.avg_rank).toBeCloseTo(lsoas.reduce((s, c) => s + f1.get(c)![0] * f6.get(c)!, 0) / pop, 6);
    expect(imdRow.most_deprived_decile_share).toBeCloseTo(lsoas.filter((c) => f1.get(c)![1] === 1).reduce((s, c) => s + f6.get(c)!, 0) / pop, 10);
  });
});

describe.skipIf(!hasShared)(`IoD2019, one file at a time and broken copies${sharedSkipReason}`, () => {
  it("the ONS lookup alone: IMD19 is the rank, deciles derived from it match File 1, and the derivation is reported", async () => {
    const { db } = await runSources(dep([ONS]));
    try {
      const file1 = await db.all<{ code: string; decile: number }>(
        `SELECT "LSOA code (2011)" code, "Index of Multiple Deprivation (IMD) Decile"::INTEGER decile FROM read_csv('${FILE1}', all_varchar = true)`,
      );
      const staged = new Map((await db.all<{ lsoa_code: string; imd_decile: number }>(`SELECT lsoa_code, imd_decile FROM staging.deprivation_lsoa`)).map((r) => [r.lsoa_code, r.imd_decile]));
      expect(staged.size).toBe(1065);
      const mismatched = file1.filter((r) => staged.has(r.code) && staged.get(r.code) !== r.decile);
      expect(mismatched).toEqual([]);
      expect(await warningsOf(db, "iod_decile_derived")).toEqual([{ subject: shown(ONS), message: messages.iodDecileDerived(shown(ONS), "IoD2019", 32844) }]);
    } finally {
      db.close();
    }
  });

  it("a Welsh authority's LSOAs, which the English Indices do not cover, are said to be missing, and why", async () => {
    const { db } = await runSources(realConfig({ parent: "W06000015", focus: [{ ward: "W05000860" }], geography: { authorities: ["W06000015"] }, sources: { deprivation: { files: [FILE2] } } }));
    try {
      const lsoas = await db.one<{ n: number }>(`SELECT count(DISTINCT lsoa_code)::INTEGER n FROM ref.lsoa_ward`);
      expect(lsoas!.n).toBeGreaterThan(200);
      const first = await db.all<{ c: string }>(`SELECT DISTINCT lsoa_code c FROM ref.lsoa_ward ORDER BY 1 LIMIT 3`);
      expect(await warningsOf(db, "deprivation_lsoas_missing")).toEqual([
        { subject: "deprivation", message: messages.deprivationLsoasMissing(lsoas!.n, lsoas!.n, first.map((r) => r.c).join(", "), lsoas!.n) },
      ]);
      expect(messages.deprivationLsoasMissing(lsoas!.n, lsoas!.n, "", lsoas!.n)).toContain("all of them are in Wales: the English Indices cover England only");
    } finally {
      db.close();
    }
  });

  it("an extract for another area, or for part of the build's, is said to be so", async () => {
    const t = tempDir();
    const lines = readFileSync(FILE2, "utf8").split("\r\n").filter(Boolean);
    const medway = lines.filter((l) => l.includes(",E06000035,"));
    const kentOnly = t.write("File_2_kent.csv", [lines[0], ...lines.slice(1).filter((l) => !l.includes(",E06000035,"))].join("\r\n"));
    const part = t.write("File_2_medway_part.csv", [lines[0], ...medway.slice(2)].join("\r\n"));
    const codes = medway.map((l) => l.split(",")[0]!).sort();
    for (const [file, missing, examples] of [[kentOnly, medway.length, codes.slice(0, 3)], [part, 2, medway.slice(0, 2).map((l) => l.split(",")[0]!).sort()]] as const) {
      const { db } = await runSources(dep([file]));
      try {
        expect(await warningsOf(db, "deprivation_lsoas_missing")).toEqual([{ subject: "deprivation", message: messages.deprivationLsoasMissing(missing, medway.length, examples.join(", "), 0) }]);
      } finally {
        db.close();
      }
    }
    expect(messages.deprivationLsoasMissing(medway.length, medway.length, "", 0)).toContain("they may be an extract for another area");
    expect(messages.deprivationLsoasMissing(2, medway.length, "", 0)).toContain("an extract for part of the area?");
  });

  it("a build holding every LSOA of England and Wales for its comparators is not told of the Welsh ones: coverage is of its own authorities", async () => {
    const both = medwayAndCardiffLookup();
    const { db } = await runSources(realConfig({ comparators: ["parent", "similar_wards"], geography: { lsoaLookup: both, authorities: undefined }, sources: { deprivation: { files: [FILE1] } } }));
    try {
      expect((await db.one<{ n: number }>(`SELECT count(DISTINCT lsoa_code)::INTEGER n FROM ref.lsoa_ward WHERE lsoa_code LIKE 'W%'`))!.n).toBeGreaterThan(200);
      expect(await warningsOf(db, "deprivation_lsoas_missing")).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("a File 1 on 2021 LSOAs (IoD2025 style) in a build on 2011 LSOAs is converted through the change file: a split LSOA takes the mean of its parts", async () => {
    const changes = LSOA_CHANGES;
    const change = medwayLsoaChanges();
    const splits = change.filter((r) => r.change === "S");
    // Six Medway LSOAs of 2011 were split in two in 2021: their twelve parts are the codes converted (each exactly, to its one parent).
    expect(splits).toHaveLength(12);
    expect(change.every((r) => r.change === "U" || r.change === "S")).toBe(true);
    // Each 2011 LSOA's 2021 rows: an unchanged one keeps its rank; the two parts of a split one get 100 and 300.
    const rank11 = new Map(readFileSync(FILE1, "utf8").split(/\r?\n/).filter((l) => l.includes(",E06000035,")).map((l) => [l.split(",")[0]!, Papa.parse<string[]>(l).data[0]!]));
    const rows = change.map((r) => {
      const rank = r.change === "S" ? [100, 300][r.part]! : Number(rank11.get(r.lsoa11)![4]!.replace(",", ""));
      return `${r.lsoa21},${r.name21},E06000035,Medway,${rank},${Math.ceil((rank * 10) / 33755)}`;
    });
    const t = tempDir();
    const file = t.write("File_1_-_IoD2025_Index_of_Multiple_Deprivation.csv", ["LSOA code (2021),LSOA name (2021),Local Authority District code (2024),Local Authority District name (2024),Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile", ...rows, ""].join("\n"));
    const { db } = await runSources(realConfig({ geography: { lsoaChanges: changes }, sources: { deprivation: { files: [file] } } }));
    try {
      const parent = splits[0]!.lsoa11;
      expect(await db.one(`SELECT imd_rank, edition FROM staging.deprivation_lsoa WHERE lsoa_code = $c`, { c: parent })).toEqual({ imd_rank: 200, edition: "IoD2025" });
      const unchanged = change.find((r) => r.change === "U")!;
      expect(await db.one(`SELECT imd_rank FROM staging.deprivation_lsoa WHERE lsoa_code = $c`, { c: unchanged.lsoa11 })).toEqual({ imd_rank: Number(rank11.get(unchanged.lsoa11)![4]!.replace(",", "")) });
      expect(await warningsOf(db, "deprivation_lsoas_missing")).toEqual([]);
      const converted = await warningsOf(db, "lsoa_vintage_converted");
      expect(converted.map((w) => w.message)).toEqual([messages.lsoaVintageConverted("Indices of Deprivation", shown(file), "LSOA21", "LSOA11", shown(changes), splits.length, 0, true)]);
      // Without the change file the build stops, naming the file and what to set.
      await expect(runSources(realConfig({ sources: { deprivation: { files: [file] } } }))).rejects.toThrow(/uses LSOA21 LSOA codes \(e\.g\. E01\d+\) but the lookup .* is LSOA11: set geography\.lsoaChanges/);
    } finally {
      db.close();
    }
  });

  it("files of two editions of England's indices (an IoD2025 File 1 beside an IoD2019 File 2) stop the build, naming each edition's files", async () => {
    const rows = medwayLsoaChanges().slice(0, 5).map((r, i) => `${r.lsoa21},${r.name21},E06000035,Medway,${1000 + i},1`);
    const t = tempDir();
    const file1 = t.write("File_1_-_IoD2025_Index_of_Multiple_Deprivation.csv", ["LSOA code (2021),LSOA name (2021),Local Authority District code (2024),Local Authority District name (2024),Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile", ...rows, ""].join("\n"));
    await expect(runSources(realConfig({ geography: { lsoaChanges: LSOA_CHANGES }, sources: { deprivation: { files: [file1, FILE2] } } })))
      .rejects.toThrow(messages.iodEditionsMixed([{ edition: "IoD2019", files: [shown(FILE2)] }, { edition: "IoD2025", files: [shown(file1)] }]));
    // England's indices beside Wales's are not a mix; one edition's files together are not either.
    const { db } = await runSources(dep([FILE1, FILE2]));
    db.close();
  });

  it("File 6 in both slots is loaded once; the summary then weights by it", async () => {
    const { db } = await runSources(dep([FILE2, FILE6], [FILE6]));
    try {
      expect(await db.one(`SELECT count(*)::INTEGER n FROM audit.loads WHERE path = $f`, { f: FILE6 })).toEqual({ n: 1 });
      expect(await db.one(`SELECT population FROM staging.deprivation_summary WHERE area_code = $w AND domain = 'imd'`, { w: LUTON_WAYFIELD })).toEqual({ population: 15189 });
    } finally {
      db.close();
    }
  });

  it("a File 6 on 2021 LSOAs (IoD2025 style) in a build on 2011 LSOAs weights the summary by every resident: a split LSOA's parts are added", async () => {
    const change = medwayLsoaChanges();
    // Residents: 1,500 in each unchanged LSOA, 1,000 and 700 in the two parts of a split one.
    const total = (r: (typeof change)[number]) => (r.change === "S" ? [1000, 700][r.part]! : 1500);
    const rows = change.map((r) => `${r.lsoa21},${r.name21},E06000035,Medway,"${total(r).toLocaleString("en-GB")}",200,${total(r) - 300},100,${total(r) - 400}`);
    const t = tempDir();
    const file6 = t.write("File_6_-_IoD2025_Population_Denominators.csv", [
      "LSOA code (2021),LSOA name (2021),Local Authority District code (2024),Local Authority District name (2024),Total population: mid 2022 (excluding prisoners),Dependent Children aged 0-15: mid 2022 (excluding prisoners),Population aged 16-59: mid 2022 (excluding prisoners),Older population aged 60 and over: mid 2022 (excluding prisoners),Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)",
      ...rows, ""].join("\n"));
    const { db } = await runSources(realConfig({ geography: { lsoaChanges: LSOA_CHANGES }, sources: { deprivation: { files: [FILE1, file6] } } }));
    try {
      const split = new Set(change.filter((r) => r.change === "S").map((r) => r.lsoa11));
      const members = await db.all<{ ward_code: string; lsoa_code: string }>(`SELECT ward_code, lsoa_code FROM ref.lsoa_ward WHERE lad_code = 'E06000035'`);
      const expected = new Map<string, number>();
      for (const m of members) expected.set(m.ward_code, (expected.get(m.ward_code) ?? 0) + (split.has(m.lsoa_code) ? 1700 : 1500));
      const withSplit = [...new Set(members.filter((m) => split.has(m.lsoa_code)).map((m) => m.ward_code))];
      expect(withSplit.length).toBeGreaterThan(0);
      const got = new Map((await db.all<{ area_code: string; population: number }>(
        `SELECT area_code, population FROM staging.deprivation_summary WHERE area_type = 'ward' AND domain = 'imd'`)).map((r) => [r.area_code, r.population]));
      for (const w of withSplit) expect(got.get(w), w).toBe(expected.get(w));
      expect(await db.one(`SELECT DISTINCT weight_source FROM staging.deprivation_summary`)).toEqual({ weight_source: "IoD File 6" });
      expect((await warningsOf(db, "lsoa_vintage_converted")).map((w) => w.subject)).toEqual([shown(file6)]);
    } finally {
      db.close();
    }
  });

  it("File 7 (scores, ranks, deciles and population denominators in one file) is read for its scores, ranks and deciles, not taken for File 2; its residents weight the summaries, and listed as population too it is the build's population", async () => {
    const file7 = writeFile7(tempDir());
    for (const population of [undefined, [file7]]) {
      const { db } = await runSources(dep([file7], population));
      try {
        // Staged once per LSOA with File 2's ranks and the file's scores; residents from its population columns.
        expect(await db.one(`SELECT imd_rank, imd_decile, income_rank, imd_score, edition FROM staging.deprivation_lsoa WHERE lsoa_code = 'E01016016'`))
          .toEqual({ imd_rank: 6597, imd_decile: 3, income_rank: 6615, imd_score: 50 - 6597 / 1000, edition: "IoD2019" });
        expect(await db.one(`SELECT population FROM staging.deprivation_summary WHERE area_code = $w AND domain = 'imd'`, { w: LUTON_WAYFIELD })).toEqual({ population: 15189 });
        expect(await db.one(`SELECT DISTINCT weight_source FROM staging.deprivation_summary`)).toEqual({ weight_source: "IoD File 6" });
        // Listed in the population slot too, its residents are the build's population (read once as File 6's columns).
        if (population) {
          expect(await db.one(`SELECT sum(population)::INTEGER AS n FROM staging.population_lsoa WHERE lsoa_code = 'E01016016'`)).toEqual({ n: 1681 });
          expect(await db.one(`SELECT count(*)::INTEGER AS n FROM audit.loads WHERE path = $f`, { f: file7 })).toEqual({ n: 2 });
        } else {
          expect(await db.hasTable("staging.population_lsoa")).toBe(false);
        }
      } finally {
        db.close();
      }
    }
  });

  it("the IMD_2019 map layer's CSV (lsoa11cd, IMDScore, IncScore, IncRank, IncDec ...) is read for the IMD and the seven domains' scores, ranks and deciles", async () => {
    const rows2 = readFileSync(FILE2, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/).filter(Boolean).slice(1).map((l) => Papa.parse<string[]>(l).data[0]!);
    const shorts = ["Inc", "Emp", "Edu", "HDD", "Cri", "BHS", "Env"];
    const extra = ["IDC", "IDO", "CYP", "AS", "GB", "WB", "Ind", "Out"];
    const header = ["FID", "lsoa11cd", "lsoa11nm", "lsoa11nmw", "st_areasha", "st_lengths", "IMD_Rank", "IMD_Decile", "LSOA01NM", "LADcd", "LADnm", "IMDScore", "IMDRank0", "IMDDec0",
      ...shorts.flatMap((d) => [`${d}Score`, `${d}Rank`, `${d}Dec`]), ...extra.flatMap((d) => [`${d}Score`, `${d}Rank`, `${d}Dec`]),
      "TotPop", "DepChi", "Pop16_59", "Pop60+", "WorkPop", "Shape__Are", "Shape__Len"];
    const lines = rows2.map((r, i) => [String(i + 1), r[0], r[1], r[1], "1234567.5", "8901.2", r[4], r[5], r[1], r[2], r[3], String(50 - Number(r[4]) / 1000), r[4], r[5],
      ...shorts.flatMap((_d, j) => [String(Number(r[6 + 2 * j]) / 100000), r[6 + 2 * j], r[7 + 2 * j]]), ...extra.flatMap(() => ["0.1", "100", "1"]),
      "1500", "300", "900", "300", "880", "1234567.5", "8901.2"].join(","));
    const file = tempDir().write("IMD_2019.csv", [header.join(","), ...lines, ""].join("\r\n"));
    const { db } = await runSources(dep([file], [FILE6]));
    try {
      expect(await db.one(`SELECT edition, imd_rank, imd_decile, imd_score, income_score, income_rank, income_decile, living_environment_decile FROM staging.deprivation_lsoa WHERE lsoa_code = 'E01016016'`))
        .toEqual({ edition: "IoD2019", imd_rank: 6597, imd_decile: 3, imd_score: 50 - 6.597, income_score: 0.06615, income_rank: 6615, income_decile: 3, living_environment_decile: 5 });
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.deprivation_lsoa`)).toEqual({ n: rows2.length });
      expect(await warningsOf(db, "deprivation_lsoas_missing")).toEqual([]);
      expect(await db.one(`SELECT population FROM staging.deprivation_summary WHERE area_code = $w AND domain = 'imd'`, { w: LUTON_WAYFIELD })).toEqual({ population: 15189 });
    } finally {
      db.close();
    }
  });

  it("two files disagreeing on a rank: the first listed wins and the disagreement is reported", async () => {
    const t = tempDir();
    const ons = readFileSync(ONS, "utf8").replace("E01016020,Medway 021A,E06000035,Medway,5363,", "E01016020,Medway 021A,E06000035,Medway,5364,");
    const f = t.write("ons_imd.csv", ons);
    const { db } = await runSources(dep([FILE2, f]));
    try {
      expect(await db.one(`SELECT imd_rank FROM staging.deprivation_lsoa WHERE lsoa_code = 'E01016020'`)).toEqual({ imd_rank: 5363 });
      expect(await warningsOf(db, "iod_disagreement")).toEqual([{ subject: "E01016020", message: messages.iodDisagrees("E01016020", "imd_rank", "5363", "5364") }]);
    } finally {
      db.close();
    }
  });

  it("File 2 with thousands separators (File 1 style) reads the same", async () => {
    const t = tempDir();
    const lines = readFileSync(FILE2, "utf8").split("\r\n");
    const withSep = lines.map((l, i) => (i === 0 ? l : l.replace(/,(\d)(\d{3}),/, ',"$1,$2",')));
    const f = t.write("file2.csv", withSep.join("\r\n"));
    const { db } = await runSources(dep([f]));
    try {
      expect((await loadCounts(db))["file2.csv"]).toEqual({ read: 1065, loaded: 1065, rejected: 0 });
      expect(await db.one(`SELECT imd_rank FROM staging.deprivation_lsoa WHERE lsoa_code = 'E01016016'`)).toEqual({ imd_rank: 6597 });
    } finally {
      db.close();
    }
  });

  it("Files 2 and 6 re-saved by R (make.names) or by pandas (snake_case) read as the publisher's: ranks, edition, File 6's columns and mid-year", async () => {
    const t = tempDir();
    const rName = (h: string) => h.replace(/[^A-Za-z0-9_.]/g, ".");
    const pandasName = (h: string) => h.toLowerCase().replace(/\W+/g, "_").replace(/^_|_$/g, "");
    const resave = (file: string, name: string, rename: (h: string) => string) => {
      const lines = readFileSync(file, "utf8").replace(/^\uFEFF/, "").split("\r\n");
      return t.write(name, [Papa.unparse([Papa.parse<string[]>(lines[0]!).data[0]!.map(rename)]), ...lines.slice(1)].join("\r\n"));
    };
    expect(readFileSync(resave(FILE2, "probe.csv", rName), "utf8")).toMatch(/^LSOA\.code\.\.2011\.,/);
    const stage = async (tag: string, rename: (h: string) => string) => {
      const f2 = resave(FILE2, `file2${tag}.csv`, rename);
      const { db } = await runSources(dep([f2]));
      try {
        expect((await loadCounts(db))[`file2${tag}.csv`]).toEqual({ read: 1065, loaded: 1065, rejected: 0 });
        return await db.all(`SELECT * FROM staging.deprivation_lsoa ORDER BY lsoa_code`);
      } finally {
        db.close();
      }
    };
    const publisher = await stage("", (h) => h);
    expect(publisher).toHaveLength(1065);
    expect(publisher[0]).toMatchObject({ edition: "IoD2019" });
    expect(await stage("_r", rName)).toEqual(publisher);
    expect(await stage("_pandas", pandasName)).toEqual(publisher);
    // File 6 (the summaries' weights): every column found, and the mid-year read from the renamed header.
    const { iodDenominatorsFormat, denominatorsYear } = await import("../../../sources/population/iod-denominators.ts");
    const { matchHeader } = await import("../../../sources/load-csv.ts");
    const { readHeader } = await import("../../../sources/files.ts");
    const columns = (f: string) => [...matchHeader(iodDenominatorsFormat, readHeader(f)!).index.entries()].sort();
    for (const [tag, rename] of [["_r", rName], ["_pandas", pandasName]] as const) {
      const f6 = resave(FILE6, `file6${tag}.csv`, rename);
      expect(columns(f6), tag).toEqual(columns(FILE6));
      expect(denominatorsYear(f6), tag).toBe(2015);
    }
    expect(readFileSync(t.dir + "/file6_pandas.csv", "utf8")).toContain(",total_population_mid_2015_excluding_prisoners,");
  });

  it("a street crime file given as deprivation is recognised and named", async () => {
    const f = realData("police", "2019-02-kent-street.medway-only.csv");
    await expect(runSources(dep([f]))).rejects.toThrow(messages.wrongKindOfFile(f, SLOT_TITLE, policeStreetFormat.title));
  });

  it("a text rank is rejected with the line and column", async () => {
    const t = tempDir();
    const lines = readFileSync(FILE2, "utf8").split("\r\n");
    lines[3] = lines[3]!.replace(/^(E\d{8},[^,]*,[^,]*,[^,]*,)\d+,/, "$1n/a,");
    const f = t.write("file2.csv", lines.join("\r\n"));
    const { db } = await runSources(dep([f]));
    try {
      expect(await db.one(`SELECT line::INTEGER line, "column", reason FROM audit.rejects`)).toEqual({
        line: 4, column: "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)", reason: "expected a whole number of 0 or more, found n/a",
      });
    } finally {
      db.close();
    }
  });
});

describe.skipIf(!hasShared)(`IoD2019 workbooks as MHCLG publishes them${sharedSkipReason}`, () => {
  /** The sample CSV as MHCLG's .xlsx: a Notes sheet, then the data sheet (numbers as numbers, no thousands separators). */
  async function asWorkbook(csv: string, file: string, sheet: string): Promise<void> {
    const rows = Papa.parse<string[]>(readFileSync(csv, "utf8").replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data;
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Notes").addRow(["English indices of deprivation 2019"]);
    const ws = wb.addWorksheet(sheet);
    rows.forEach((r, i) => ws.addRow(i === 0 ? r : r.map((c) => (/^-?[\d,]+(\.\d+)?$/.test(c) ? Number(c.replace(/,/g, "")) : c))));
    await wb.xlsx.writeFile(file);
  }
  /** A fingerprint of every staged deprivation row. */
  const staged = async (db: Warehouse) => db.one(`SELECT
      (SELECT md5(string_agg(t::VARCHAR, '|' ORDER BY lsoa_code)) FROM staging.deprivation_lsoa t) AS lsoa,
      (SELECT md5(string_agg(t::VARCHAR, '|' ORDER BY area_code, area_type, domain)) FROM staging.deprivation_summary t) AS summary`);

  it("Files 1, 2 and 6 as workbooks stage exactly as the CSVs do; File 6 in both slots is loaded once", async () => {
    const t = tempDir();
    // File 1's rows of Kent and Medway (the other files' extract), thousands separators and all: the national
    // 32,844 rows as a workbook cost CI some 15 s and test nothing more.
    const kent = new Set(readFileSync(FILE2, "utf8").split(/\r?\n/).slice(1).map((l) => l.split(",")[0]!));
    const file1Lines = readFileSync(FILE1, "utf8").split("\r\n");
    const kentFile1 = file1Lines.filter((l, i) => i === 0 || kent.has(l.split(",")[0]!));
    expect(kentFile1.some((l) => /"\d+,\d{3}"/.test(l))).toBe(true);
    const FILE1_KENT = t.write("File_1_-_IMD2019_Index_of_Multiple_Deprivation.kent-medway.csv", [...kentFile1, ""].join("\r\n"));
    const books = [
      [FILE1_KENT, "File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx", "IMD2019"],
      [FILE2, "File_2_-_IoD2019_Domains_of_Deprivation.xlsx", "IoD2019 Domains"],
      [FILE6, "File_6_-_IoD2019_Population_Denominators.xlsx", "Population Denominators"],
    ].map(([csv, name, sheet]) => ({ csv: csv!, xlsx: path.join(t.dir, name!), sheet: sheet! }));
    for (const b of books) await asWorkbook(b.csv, b.xlsx, b.sheet);
    const fromCsv = await runSources(dep([FILE1_KENT, FILE2, FILE6], [FILE6]));
    const fromXlsx = await runSources(dep(books.map((b) => b.xlsx), [books[2]!.xlsx]));
    try {
      const n = await loadCounts(fromXlsx.db);
      expect(n["File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx#IMD2019"]).toEqual({ read: 1065, loaded: 1065, rejected: 0 });
      expect(n["File_6_-_IoD2019_Population_Denominators.xlsx#Population Denominators"]).toEqual({ read: 1065, loaded: 1065, rejected: 0 });
      expect((await fromXlsx.db.all(`SELECT path FROM audit.loads WHERE source = 'iod_population_denominators'`)).length).toBe(1);
      const [a, b] = [await staged(fromCsv.db), await staged(fromXlsx.db)];
      expect(a).toEqual({ lsoa: expect.stringMatching(/^[0-9a-f]{32}$/), summary: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(b).toEqual(a);
      expect(await fromXlsx.db.one(`SELECT count(*)::INTEGER AS n, any_value(edition) AS e FROM staging.deprivation_lsoa`)).toEqual({ n: 1065, e: "IoD2019" });
      expect(await fromXlsx.db.one(`SELECT DISTINCT weight_source FROM staging.deprivation_summary`)).toEqual({ weight_source: "IoD File 6" });
    } finally {
      fromCsv.db.close();
      fromXlsx.db.close();
    }
  });

  it("Files 2 and 6 as OpenDocument spreadsheets (.ods) stage exactly as the CSVs do", async () => {
    const t = tempDir();
    const books = [[FILE2, "File_2_-_IoD2019_Domains_of_Deprivation.ods", "IoD2019 Domains"], [FILE6, "File_6_-_IoD2019_Population_Denominators.ods", "Population Denominators"]]
      .map(([csv, name, sheet]) => ({ csv: csv!, ods: path.join(t.dir, name!), sheet: sheet! }));
    for (const b of books) {
      const rows = Papa.parse<string[]>(readFileSync(b.csv, "utf8").replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data;
      await writeOds(b.ods, [{ name: "Notes", rows: [["English indices of deprivation 2019"]] },
        { name: b.sheet, rows: rows.map((r, i) => (i === 0 ? r : r.map((c) => (/^-?[\d,]+(\.\d+)?$/.test(c) ? Number(c.replace(/,/g, "")) : c)))) }]);
    }
    const fromCsv = await runSources(dep([FILE2, FILE6], [FILE6]));
    const fromOds = await runSources(dep(books.map((b) => b.ods), [books[1]!.ods]));
    try {
      const n = await loadCounts(fromOds.db);
      expect(n["File_2_-_IoD2019_Domains_of_Deprivation.ods#IoD2019 Domains"]).toEqual({ read: 1065, loaded: 1065, rejected: 0 });
      expect(n["File_6_-_IoD2019_Population_Denominators.ods#Population Denominators"]).toEqual({ read: 1065, loaded: 1065, rejected: 0 });
      const [a, b] = [await staged(fromCsv.db), await staged(fromOds.db)];
      expect(a).toEqual({ lsoa: expect.stringMatching(/^[0-9a-f]{32}$/), summary: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(b).toEqual(a);
      expect(await fromOds.db.one(`SELECT DISTINCT weight_source FROM staging.deprivation_summary`)).toEqual({ weight_source: "IoD File 6" });
      expect(await fromOds.db.one(`SELECT count(DISTINCT lsoa_code)::INTEGER AS n FROM staging.population_lsoa WHERE year = 2015`)).toEqual({ n: 1065 });
    } finally {
      fromCsv.db.close();
      fromOds.db.close();
    }
  });
});

describe.skipIf(!hasShared)(`the Welsh Index of Multiple Deprivation (WIMD) ranks${sharedSkipReason}`, () => {
  const CARDIFF = "W06000015";
  /** Cardiff's 2011 LSOAs from the national lookup, each with made-up WIMD 2019 ranks (1 = most deprived of 1,909) for the index and its eight domains. */
  function cardiffRanks(): { lsoa: string; name: string; ranks: number[] }[] {
    const lines = readFileSync(realData("ons_geography", "LSOA11_to_WD19_LAD19_EW_lookup.csv"), "utf8").split(/\r?\n/);
    const header = Papa.parse<string[]>(lines[0]!).data[0]!;
    const [code, name] = [header.indexOf("LSOA11CD"), header.indexOf("LSOA11NM")];
    const rows = lines.filter((l) => l.includes(`,${CARDIFF},`)).map((l) => Papa.parse<string[]>(l).data[0]!).map((r) => ({ lsoa: r[code]!, name: r[name]! }));
    return rows.sort((a, b) => a.lsoa.localeCompare(b.lsoa)).map((r, i) => ({ ...r, ranks: Array.from({ length: 9 }, (_, k) => ((i * 7 + k * 131) % 1909) + 1) }));
  }
  /** The ranks as the Welsh Government's .ods lays them out: two title rows, the header on row 3 (`WIMD 2019 ` with its trailing space, a blank 13th column). */
  async function wimdOds(file: string, rows: ReturnType<typeof cardiffRanks>): Promise<void> {
    await writeOds(file, [
      { name: "Contents", rows: [["Welsh Index of Multiple Deprivation (WIMD) 2019"]] },
      { name: "WIMD_2019_ranks", rows: [
        ["Welsh Index of Multiple Deprivation (WIMD) 2019"], ["Index and domain ranks by small area (1 = most deprived)"],
        ["LSOA code", "LSOA name (Eng)", "Local Authority name (Eng)", "WIMD 2019 ", "Income", "Employment", "Health", "Education", "Access to Services", "Housing", "Community Safety", "Physical Environment", " "],
        ...rows.map((r) => [r.lsoa, r.name, "Cardiff", ...r.ranks]),
      ] },
    ]);
  }
  const cardiff = (files: string[]) => realConfig({ parent: CARDIFF, focus: [{ ward: "W05000860" }], geography: { authorities: [CARDIFF] }, sources: { deprivation: { files } } });

  it("a Welsh authority's WIMD ranks (.ods as published) stage its LSOAs: the index, the four domains England shares and Wales's own four, deciles of Wales's 1,909 LSOAs", async () => {
    const t = tempDir();
    const rows = cardiffRanks();
    expect(rows.length).toBeGreaterThan(200);
    const f = path.join(t.dir, "welsh-index-multiple-deprivation-2019-index-and-domain-ranks-by-small-area.ods");
    await wimdOds(f, rows);
    // Every LSOA the same residents, so an area's population-weighted average rank is the plain mean of its LSOAs'.
    const population = t.write("NM_2010_1_2019.csv", [NOMIS_HEADER.join(","), ...rows.flatMap((r) => ["Male", "Female"].map((sex) => nomisLine(r.lsoa, 2019, sex, "Age 40", 10)))].join("\r\n"));
    const config = cardiff([f]);
    const { db, ctx } = await runSources({ ...config, sources: { ...config.sources, population: { files: [population] } } });
    try {
      expect((await loadCounts(db))[`${path.basename(f)}#WIMD_2019_ranks`]).toEqual({ read: rows.length, loaded: rows.length, rejected: 0 });
      const staged = await db.all<Record<string, number | string | null>>(`SELECT lsoa_code, edition, imd_rank, imd_decile, income_rank, income_decile, employment_rank, health_rank, education_rank, education_decile,
        crime_rank, barriers_rank, living_environment_rank, access_rank, housing_rank, community_safety_rank, physical_environment_rank, physical_environment_decile
        FROM staging.deprivation_lsoa ORDER BY lsoa_code`);
      const decile = (rank: number) => Math.ceil((rank * 10) / 1909);
      expect(staged).toEqual(rows.map((r) => ({
        lsoa_code: r.lsoa, edition: "WIMD2019", imd_rank: r.ranks[0], imd_decile: decile(r.ranks[0]!), income_rank: r.ranks[1], income_decile: decile(r.ranks[1]!),
        employment_rank: r.ranks[2], health_rank: r.ranks[3], education_rank: r.ranks[4], education_decile: decile(r.ranks[4]!), crime_rank: null, barriers_rank: null, living_environment_rank: null,
        access_rank: r.ranks[5], housing_rank: r.ranks[6], community_safety_rank: r.ranks[7], physical_environment_rank: r.ranks[8], physical_environment_decile: decile(r.ranks[8]!),
      })));

      expect(await warningsOf(db, "deprivation_lsoas_missing")).toEqual([]);
      const shownFile = `${shown(f)}#WIMD_2019_ranks`;
      expect(await warningsOf(db, "iod_decile_derived")).toEqual([{ subject: shownFile, message: messages.iodDecileDerived(shownFile, "WIMD2019", 1909) }]);
      // Wales's own domains are measured as the shared ones are: the authority's average rank of each, and in the summary beside the rest.
      const { loadIndicators } = await import("../../../transforms/indicators/define.ts");
      const { deprivationIndicators } = await import("../../../transforms/indicators/catalogue/deprivation.ts");
      const { measureIndicators } = await import("../../../transforms/indicators/measure.ts");
      const own = ["access", "housing", "community_safety", "physical_environment"];
      await measureIndicators(ctx, loadIndicators(deprivationIndicators).indicators.filter((i) => own.some((stem) => i.id === `deprivation.${stem}_average_rank`)));
      const values = await db.all<{ indicator_id: string; value: number }>(`SELECT indicator_id, value FROM marts.indicator_values WHERE area_code = '${CARDIFF}' ORDER BY indicator_id`);
      const mean = (k: number) => rows.reduce((sum, r) => sum + r.ranks[k]!, 0) / rows.length;
      expect(values.map((v) => v.indicator_id)).toEqual(["deprivation.access_average_rank", "deprivation.community_safety_average_rank", "deprivation.housing_average_rank", "deprivation.physical_environment_average_rank"]);
      for (const [k, stem] of own.entries()) expect(values.find((v) => v.indicator_id === `deprivation.${stem}_average_rank`)!.value, stem).toBeCloseTo(mean(5 + k), 9);
      expect(await db.all(`SELECT domain FROM staging.deprivation_summary WHERE area_code = '${CARDIFF}' ORDER BY domain`)).toEqual(
        ["access", "community_safety", "education", "employment", "health", "housing", "imd", "income", "physical_environment"].map((domain) => ({ domain })));
    } finally {
      db.close();
    }
  });

  it("a build of both nations takes England's File 2 and Wales's WIMD ranks (a CSV saved from the sheet) side by side, each LSOA its own nation's edition", async () => {
    const t = tempDir();
    const rows = cardiffRanks();
    const csv = t.write("wimd-2019-ranks.csv", ["LSOA code,LSOA name (Eng),Local Authority name (Eng),WIMD 2019 ,Income,Employment,Health,Education,Access to Services,Housing,Community Safety,Physical Environment",
      ...rows.map((r) => [r.lsoa, `"${r.name}"`, "Cardiff", ...r.ranks].join(","))].join("\r\n"));
    // File 6 (England's weights) beside it, and population estimates for Cardiff's LSOAs.
    const population = t.write("NM_2010_1_2019.csv", [NOMIS_HEADER.join(","), ...rows.flatMap((r) => ["Male", "Female"].map((sex) => nomisLine(r.lsoa, 2019, sex, "Age 40", 10)))].join("\r\n"));
    const { db } = await runSources(realConfig({ comparators: ["parent"], geography: { lsoaLookup: medwayAndCardiffLookup(), authorities: undefined },
      sources: { deprivation: { files: [FILE2, csv, FILE6] }, population: { files: [population] } } }));
    try {
      expect(await db.all(`SELECT left(lsoa_code, 1) AS nation, edition, count(*)::INTEGER AS n, max(imd_decile) AS top FROM staging.deprivation_lsoa
        WHERE lsoa_code IN (SELECT lsoa_code FROM ref.lsoa_ward) GROUP BY ALL ORDER BY 1`)).toEqual([
        { nation: "E", edition: "IoD2019", n: 163, top: 10 }, { nation: "W", edition: "WIMD2019", n: rows.length, top: Math.max(...rows.map((r) => Math.ceil((r.ranks[0]! * 10) / 1909))) },
      ]);
      expect(await warningsOf(db, "deprivation_lsoas_missing")).toEqual([]);
      // Each nation's areas summarised with weights: England's from File 6, Wales's (which File 6 does not cover) from the estimates.
      expect(await db.all(`SELECT area_code, weight_source, population FROM staging.deprivation_summary WHERE area_type = 'authority' AND domain = 'imd' ORDER BY 1`)).toEqual([
        { area_code: "E06000035", weight_source: "IoD File 6", population: expect.any(Number) },
        { area_code: "W06000015", weight_source: "staging.population_lsoa 2019", population: rows.length * 20 },
      ]);
    } finally {
      db.close();
    }
  });

  it("the edition is read from the header: WIMD 2019 (2011 LSOAs, 1,909 ranked) or WIMD 2025 (2021 LSOAs, 1,917), trailing spaces and all", async () => {
    const { iodEdition } = await import("../../../sources/deprivation/iod-scores.ts");
    const { LSOAS_RANKED } = await import("../../../sources/deprivation/iod-files.ts");
    const t = tempDir();
    const header = (year: number) => `LSOA code,LSOA name (Eng),Local Authority name (Eng),WIMD ${year} ,Income,Employment,Health,Education,Access to Services,Housing,Community Safety,Physical Environment, \n`;
    expect([2019, 2025].map((y) => iodEdition(t.write(`wimd${y}.csv`, header(y))))).toEqual(["WIMD2019", "WIMD2025"]);
    expect([LSOAS_RANKED.WIMD2019, LSOAS_RANKED.WIMD2025]).toEqual([1909, 1917]);
  });

  it("similar wards are of the focus ward's nation: England's and Wales's deprivation ranks do not compare", async () => {
    const t = tempDir();
    const lookup = medwayAndCardiffLookup();
    const lookupRows = Papa.parse<string[]>(readFileSync(lookup, "utf8"), { skipEmptyLines: true }).data;
    const [lsoaAt, wardAt] = [lookupRows[0]!.indexOf("LSOA11CD"), lookupRows[0]!.indexOf("WD19CD")];
    const focus = "W05000860";
    // The focus ward's LSOAs in Wales's most deprived decile, every other Cardiff LSOA in its least:
    // by deprivation the nearest wards are then Medway's most deprived, which an English rank puts there.
    const welsh = lookupRows.slice(1).filter((r) => r[lsoaAt]!.startsWith("W"));
    const csv = t.write("wimd-2019-ranks.csv", ["LSOA code,WIMD 2019,Income,Employment,Health,Education",
      ...welsh.map((r, i) => [r[lsoaAt], ...Array(5).fill(r[wardAt] === focus ? 1 + i : 1800 + (i % 100))].join(","))].join("\r\n"));
    expect(welsh.filter((r) => r[wardAt] === focus).length).toBeGreaterThan(2);
    // Every LSOA of both authorities the same residents by age (a child, an adult, an older person), so deprivation alone sets wards apart.
    const population = t.write("NM_2010_1_2019.csv", [NOMIS_HEADER.join(","), ...lookupRows.slice(1).flatMap((r) => [5, 40, 75].flatMap((a) =>
      ["Male", "Female"].map((sex) => nomisLine(r[lsoaAt]!, 2019, sex, `Age ${a}`, 10))))].join("\r\n"));
    const config = realConfig({ parent: "W06000015", focus: [{ ward: focus }], comparators: ["similar_wards"],
      similarWards: { k: 5, variables: ["most_deprived_decile_share", "share_aged_0_15", "share_aged_65_plus"] },
      geography: { lsoaLookup: lookup, authorities: undefined }, sources: { deprivation: { files: [FILE2, csv] }, population: { files: [population] } } });
    const { db, ctx } = await runSources(config);
    try {
      expect(await db.one(`SELECT count(DISTINCT lsoa_code)::INTEGER AS n FROM staging.population_lsoa WHERE lsoa_code LIKE 'W%'`)).toEqual({ n: welsh.length });
      await buildComparatorGroups(ctx);
      const similar = await db.all<{ ward_code: string }>(`SELECT ward_code FROM ref.similar_wards ORDER BY rank`);
      expect(similar).toHaveLength(5);
      expect(similar.filter((w) => !w.ward_code.startsWith("W05"))).toEqual([]);

    } finally {
      db.close();
    }
  });

  it("the deprivation indicators name the index a build loaded: England's as catalogued, Wales's, or both", async () => {
    const { loadIndicators } = await import("../../../transforms/indicators/define.ts");
    const { deprivationIndicators, withDeprivationIndex } = await import("../../../transforms/indicators/catalogue/deprivation.ts");
    const fresh = () => loadIndicators(deprivationIndicators).indicators;
    const text = (inds: ReturnType<typeof fresh>, id: string) => {
      const i = inds.find((x) => x.id === id)!;
      return { title: i.title, source: i.source, definition: i.definition };
    };
    const english = fresh();
    withDeprivationIndex(english, ["IoD2019"]);
    // England's catalogue as it is, but for Wales's own domains; Wales's without England's own (and with its own).
    const walesOwn = ["access", "housing", "community_safety", "physical_environment"].map((d) => `deprivation.${d}_average_rank`);
    const englandOwn = ["crime", "barriers", "living_environment"].flatMap((d) => [`deprivation.${d}_score`, `deprivation.${d}_average_rank`]);
    expect(english).toEqual(fresh().filter((i) => !walesOwn.includes(i.id)));
    expect(text(english, "deprivation.most_deprived_decile").title).toBe("Residents living in the 10% most deprived neighbourhoods in England");
    const welsh = fresh();
    withDeprivationIndex(welsh, ["WIMD2019"]);
    expect(text(welsh, "deprivation.most_deprived_decile").title).toBe("Residents living in the 10% most deprived neighbourhoods in Wales");
    expect(text(welsh, "deprivation.imd_average_rank").source).toMatch(/^Welsh Index of Multiple Deprivation \(WIMD\); /);
    expect(welsh.find((i) => i.id === "deprivation.imd_average_rank")!.short).toBe("WIMD average rank");
    expect(text(welsh, "deprivation.imd_average_rank").definition).toContain("1 = most deprived of the 1,909 LSOAs of Wales in WIMD 2019, of 1,917 in WIMD 2025)");
    expect(JSON.stringify(welsh)).not.toMatch(/English Indices|LSOAs of England|in England/);
    expect(welsh.map((i) => i.id)).toEqual(fresh().map((i) => i.id).filter((id) => !englandOwn.includes(id)));
    const both = fresh();
    withDeprivationIndex(both, ["IoD2019", "WIMD2019"]);
    expect(both.map((i) => i.id)).toEqual(fresh().map((i) => i.id));
    expect(text(both, "deprivation.most_deprived_decile").title).toBe("Residents living in the 10% most deprived neighbourhoods of their nation (England or Wales)");
    expect(text(both, "deprivation.income_average_rank").source).toMatch(/^English Indices of Deprivation \(File 2 ranks\) and Welsh Index of Multiple Deprivation \(WIMD\); /);
    expect(text(both, "deprivation.income_average_rank").definition).toContain("of 33,755 in IoD2025; in Wales, of the 1,909 LSOAs of Wales in WIMD 2019");
    // The pack's deprivation section says the same.
    const { SECTIONS } = await import("../../../pipelines/pack/pack-types.ts");
    const intro = SECTIONS.find((x) => x.domain === "deprivation")!.intro as (i: typeof english, present: ReadonlySet<string>) => string;
    expect([english, welsh, both].map((i) => intro(i, new Set()))).toEqual([
      "The English Indices of Deprivation, averaged over the area's neighbourhoods.",
      "The Welsh Index of Multiple Deprivation (WIMD), averaged over the area's neighbourhoods.",
      "The English Indices of Deprivation for neighbourhoods in England and the Welsh Index of Multiple Deprivation (WIMD) for those in Wales, averaged over the area's neighbourhoods.",
    ]);
  });
});
