/**
 * English Indices of Deprivation 2025 population denominators: File 6 (total, 0-15, 16-59, 60+ and
 * working age 18-66, mid-2022) and File 7 (the same but for 16-59, after the scores, ranks and
 * deciles: 56 columns), on 2021 LSOAs. The files are made from the real IoD2019 samples (Medway's
 * LSOAs, moved to their 2021 codes through the real change file, a split LSOA's counts shared
 * between its parts) with the IoD2025 headers, in a temporary folder, and read in a build on 2011
 * LSOAs (so converted back: every count comes out as the sample's).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import Papa from "papaparse";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { LSOA_CHANGES, LUTON_WAYFIELD, MEDWAY, loadCounts, medwayLsoaChanges, realConfig, runSources, tempDir, warningsOf } from "../helpers.ts";
import { matchHeader } from "../../../sources/load-csv.ts";
import { iodDenominatorsFormat, WORKING_AGE_DEFINITIONS } from "../../../sources/population/iod-denominators.ts";
import { measureIndicators } from "../../../transforms/indicators/measure.ts";
import { loadIndicators } from "../../../transforms/indicators/define.ts";
import { economyIndicators } from "../../../transforms/indicators/catalogue/economy.ts";

const FILE2 = realData("imd2019", "File_2_-_IoD2019_Domains_of_Deprivation.kent-medway.csv");
const FILE6 = realData("imd2019", "File_6_-_IoD2019_Population_Denominators.kent-medway.csv");

/** IoD2025's identifying columns (File 6 and File 7 alike). */
const ID_2025 = ["LSOA code (2021)", "LSOA name (2021)", "Local Authority District code (2024)", "Local Authority District name (2024)"];
/** IoD2025 File 6's population columns, as MHCLG publishes them. */
const POP_2025 = {
  total: "Total population: mid 2022",
  children: "Dependent Children aged 0-15: mid 2022",
  middle: "Population aged 16-59: mid 2022",
  older: "Older population aged 60 and over: mid 2022",
  working: "Working age population 18-66 (for use with Employment Deprivation Domain): mid 2022",
};
/** IoD2025 File 7's: File 6's without 16-59. */
const POP_2025_FILE7 = [POP_2025.total, POP_2025.children, POP_2025.older, POP_2025.working];

/** The IMD and its seven domains, then the supplementary indices, as File 7 heads their scores, ranks and deciles. */
const INDICES = [
  ["Index of Multiple Deprivation (IMD)", ""], ["Income", " (rate)"], ["Employment", " (rate)"], ["Education, Skills and Training", ""],
  ["Health Deprivation and Disability", ""], ["Crime", ""], ["Barriers to Housing and Services", ""], ["Living Environment", ""],
  ["Income Deprivation Affecting Children Index (IDACI)", " (rate)"], ["Income Deprivation Affecting Older People (IDAOPI)", " (rate)"],
  ["Children and Young People Sub-domain", ""], ["Adult Skills Sub-domain", ""], ["Geographical Barriers Sub-domain", ""], ["Wider Barriers Sub-domain", ""],
  ["Indoors Sub-domain", ""], ["Outdoors Sub-domain", ""],
] as const;
const FILE7_SCORES = INDICES.flatMap(([d, s]) => [`${d} Score${s}`, `${d} Rank (where 1 is most deprived)`, `${d} Decile (where 1 is most deprived 10% of LSOAs)`]);

const rowsOf = (file: string) => Papa.parse<string[]>(readFileSync(file, "utf8").replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data;
const csv = (cells: readonly (string | number)[]) => cells.map((c) => (/[",]/.test(String(c)) ? `"${String(c).replaceAll('"', '""')}"` : String(c))).join(",");
/** A count as MHCLG writes it: thousands separators (quoted in the CSV). */
const published = (n: number) => n.toLocaleString("en-GB");
const count = (cell: string) => Number(cell.replaceAll(",", ""));

/**
 * Medway's File 6 rows of the IoD2019 sample on 2021 LSOAs: `total, aged 0-15, 16-59, 60+, working
 * age` by 2021 code; a 2011 LSOA split in two gives its first part half of each band and of the
 * working age (rounded down), its total their sum, and its second part the rest, so each part's
 * bands add up to its total and the parts to the sample's counts.
 */
function medwayPopulation2021(): Map<string, { name: string; counts: number[] }> {
  const byCode = new Map(rowsOf(FILE6).slice(1).map((r) => [r[0]!, r.slice(4, 9).map(count)]));
  const changes = medwayLsoaChanges();
  const parts = (code11: string) => changes.filter((c) => c.lsoa11 === code11).length;
  return new Map(changes.map((c) => {
    const counts = byCode.get(c.lsoa11)!;
    if (parts(c.lsoa11) === 1) return [c.lsoa21, { name: c.name21, counts }];
    const [, children, middle, older, working] = counts.map((v) => Math.floor(v / 2));
    const first = [children! + middle! + older!, children!, middle!, older!, working!];
    return [c.lsoa21, { name: c.name21, counts: c.part === 0 ? first : counts.map((v, i) => v - first[i]!) }];
  }));
}

/** An IoD2025 File 6 (`File_6_IoD2025_Population_Denominators.csv`) for Medway: File 6's five population columns of mid-2022. */
function writeFile6(t: ReturnType<typeof tempDir>, edit: (counts: number[], code: string) => number[] = (c) => c): string {
  const lines = [...medwayPopulation2021()].map(([code, { name, counts }]) => csv([code, name, MEDWAY, "Medway", ...edit(counts, code).map(published)]));
  return t.write("File_6_IoD2025_Population_Denominators.csv", [csv([...ID_2025, ...Object.values(POP_2025)]), ...lines, ""].join("\r\n"));
}

/**
 * An IoD2025 File 7 (`File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv`, 56
 * columns) for Medway: File 2's ranks and deciles (a split LSOA's parts each with its 2011 LSOA's),
 * made-up scores (50 - rank / 1000), and the population columns of File 6 but 16-59 (IoD2025's File 7 has none).
 */
function writeFile7(t: ReturnType<typeof tempDir>, edit: (counts: number[], code: string) => number[] = (c) => c): string {
  const file2 = rowsOf(FILE2);
  const ranks = new Map(file2.slice(1).map((r) => [r[0]!, r.slice(4)]));
  const to11 = new Map(medwayLsoaChanges().map((c) => [c.lsoa21, c.lsoa11]));
  const header = [...ID_2025, ...FILE7_SCORES, ...POP_2025_FILE7];
  expect(header).toHaveLength(56);
  const lines = [...medwayPopulation2021()].map(([code, { name, counts }]) => {
    const r = ranks.get(to11.get(code)!)!;
    // The IMD and its seven domains from File 2; the supplementary indices as the IMD.
    const scored = INDICES.map((_d, i) => (i < 8 ? [r[2 * i]!, r[2 * i + 1]!] : [r[0]!, r[1]!]));
    const [total, children, , older, working] = edit(counts, code);
    return csv([code, name, MEDWAY, "Medway", ...scored.flatMap(([rank, decile]) => [String(50 - count(rank!) / 1000), rank!, decile!]),
      ...[total!, children!, older!, working!].map(published)]);
  });
  return t.write("File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv", [csv(header), ...lines, ""].join("\r\n"));
}

/** A build on 2011 LSOAs (the WD19 lookup) converting files on 2021 LSOAs through the real change file. */
const config = (sources: Record<string, unknown>) => realConfig({ geography: { lsoaChanges: LSOA_CHANGES }, sources });

/** The sample's File 6 counts of one 2011 LSOA: `[total, 0-15, 16-59, 60+, working age]`. */
const sample = (code: string) => rowsOf(FILE6).find((r) => r[0] === code)!.slice(4, 9).map(count);
/** Luton and Wayfield's LSOAs (none of them split in 2021). */
const LW_LSOAS = ["E01016061", "E01016062", "E01016063", "E01016064", "E01016065", "E01016066", "E01016067", "E01016068", "E01016069"];
const lwWorkingAge = () => LW_LSOAS.reduce((s, c) => s + sample(c)[4]!, 0);

describe("IoD2025 population columns", () => {
  it("File 7's four population columns (no 16-59) and File 6's five are the denominators format's: total, 0-15, 60+ and working age 18-66 found", () => {
    const found = (header: string[]) => Object.fromEntries([...matchHeader(iodDenominatorsFormat, header).index].map(([name, i]) => [name, header[i]]));
    const file7 = matchHeader(iodDenominatorsFormat, [...ID_2025, ...FILE7_SCORES, ...POP_2025_FILE7]);
    expect(file7.missing).toEqual([]);
    expect(found([...ID_2025, ...FILE7_SCORES, ...POP_2025_FILE7])).toMatchObject({
      total: POP_2025.total, aged_0_15: POP_2025.children, aged_60_plus: POP_2025.older, working_age_18_66: POP_2025.working,
    });
    expect(found([...ID_2025, ...FILE7_SCORES, ...POP_2025_FILE7])).not.toHaveProperty("aged_16_59");
    expect(found([...ID_2025, ...Object.values(POP_2025)])).toMatchObject({ aged_16_59: POP_2025.middle, working_age_18_66: POP_2025.working });
    // IoD2019's working-age column is its own, so each edition's definition is the file's.
    expect(found(rowsOf(FILE6)[0]!)).toMatchObject({ working_age: "Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)" });
    expect(found(rowsOf(FILE6)[0]!)).not.toHaveProperty("working_age_18_66");
  });
});

describe.skipIf(!hasShared)(`IoD2025 Files 6 and 7 as population denominators${sharedSkipReason}`, () => {
  it("File 6 of IoD2025: bands 0-15, 16-59 and 60-120 of mid-2022, and its working-age column (18-66) is the claimant rate's base, with its definition", async () => {
    const t = tempDir();
    const file6 = writeFile6(t);
    const months = ["April 2022", "May 2022", "June 2022"];
    const nomis = t.write("NM_162_1_lsoa.csv", ["DATE_NAME,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GENDER_NAME,AGE_NAME,MEASURE_NAME,MEASURES_NAME,OBS_VALUE,OBS_STATUS_NAME",
      ...months.flatMap((m) => LW_LSOAS.map((l) => `${m},x,${l},Total,All categories: Age 16+,Claimant count,Value,10,Normal Value`))].join("\r\n"));
    const { db, ctx } = await runSources(config({ population: { files: [file6] }, economy: { nomis: [nomis] } }));
    try {
      expect((await loadCounts(db))["File_6_IoD2025_Population_Denominators.csv"]).toEqual({ read: 169, loaded: 169, rejected: 0 });
      const [total, children, middle, older] = sample("E01016016");
      expect(await db.all(`SELECT year, sex, age, age_to, population FROM staging.population_lsoa WHERE lsoa_code = 'E01016016' ORDER BY age`)).toEqual([
        { year: 2022, sex: "P", age: 0, age_to: 15, population: children },
        { year: 2022, sex: "P", age: 16, age_to: 59, population: middle },
        { year: 2022, sex: "P", age: 60, age_to: 120, population: older },
      ]);
      expect(children! + middle! + older!).toBe(total);
      expect(await db.one(`SELECT sum(p.population)::INTEGER AS n FROM staging.population_lsoa p JOIN ref.lsoa_ward w USING (lsoa_code) WHERE w.ward_code = $w`, { w: LUTON_WAYFIELD })).toEqual({ n: 15189 });
      expect(await warningsOf(db, "population_total_mismatch")).toEqual([]);
      // Working age: every LSOA, the file's 18-66 column, said so.
      expect(await db.all(`SELECT year, definition, count(*)::INTEGER AS lsoas FROM staging.population_working_age GROUP BY ALL`))
        .toEqual([{ year: 2022, definition: "IoD File 6 working-age population 18-66", lsoas: 163 }]);
      expect(WORKING_AGE_DEFINITIONS.iod2025.definition).toBe("IoD File 6 working-age population 18-66");
      const wa = lwWorkingAge();
      expect(await db.one(`SELECT sum(population)::INTEGER AS n FROM staging.population_working_age WHERE lsoa_code IN (${LW_LSOAS.map((c) => `'${c}'`).join(", ")})`)).toEqual({ n: wa });
      // The claimant rate has its denominator.
      const { indicators } = loadIndicators(economyIndicators);
      await measureIndicators(ctx, indicators.filter((i) => i.id === "economy.claimant_rate"));
      expect(await db.one(`SELECT numerator, denominator FROM marts.indicator_values
        WHERE indicator_id = 'economy.claimant_rate' AND area_code = $w AND period_type = 'month' AND period_label = '2022-04'`, { w: LUTON_WAYFIELD }))
        .toEqual({ numerator: 90, denominator: wa });
      expect(await warningsOf(db, "no_population")).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("File 7 of IoD2025 (no 16-59 column) in the population slot: read as the denominators, 16-59 its total less 0-15 and 60+, working age 18-66", async () => {
    const file7 = writeFile7(tempDir());
    const { db } = await runSources(config({ population: { files: [file7] } }));
    try {
      expect((await loadCounts(db))["File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv"]).toEqual({ read: 169, loaded: 169, rejected: 0 });
      // E01016076 is split in 2021: its parts are added back together, every band alike.
      for (const code of ["E01016016", "E01016076"]) {
        const [, children, middle, older] = sample(code);
        expect(await db.all(`SELECT age, age_to, population FROM staging.population_lsoa WHERE lsoa_code = $c ORDER BY age`, { c: code })).toEqual([
          { age: 0, age_to: 15, population: children },
          { age: 16, age_to: 59, population: middle },
          { age: 60, age_to: 120, population: older },
        ]);
      }
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.population_lsoa WHERE population IS NULL`)).toEqual({ n: 0 });
      expect(await db.one(`SELECT sum(p.population)::INTEGER AS n FROM staging.population_lsoa p JOIN ref.lsoa_ward w USING (lsoa_code) WHERE w.ward_code = $w`, { w: LUTON_WAYFIELD })).toEqual({ n: 15189 });
      expect(await db.all(`SELECT year, format FROM staging.population_sources`)).toEqual([{ year: 2022, format: iodDenominatorsFormat.id }]);
      expect(await warningsOf(db, "population_total_mismatch")).toEqual([]);
      expect(await warningsOf(db, "population_lsoas_missing")).toEqual([]);
      expect(await db.all(`SELECT DISTINCT definition FROM staging.population_working_age`)).toEqual([{ definition: "IoD File 6 working-age population 18-66" }]);
      expect(await db.one(`SELECT sum(population)::INTEGER AS n FROM staging.population_working_age WHERE lsoa_code IN (${LW_LSOAS.map((c) => `'${c}'`).join(", ")})`)).toEqual({ n: lwWorkingAge() });
    } finally {
      db.close();
    }
  });

  it("File 7 of IoD2025 in the deprivation slot: its scores staged and its residents weight the summary, as File 6's; listed as population too, it is the build's population, read once", async () => {
    const file7 = writeFile7(tempDir());
    for (const population of [undefined, [file7]]) {
      const { db } = await runSources(config({ deprivation: { files: [file7] }, ...(population ? { population: { files: population } } : {}) }));
      try {
        expect(await db.one(`SELECT edition, imd_rank, imd_decile, imd_score FROM staging.deprivation_lsoa WHERE lsoa_code = 'E01016016'`))
          .toEqual({ edition: "IoD2025", imd_rank: 6597, imd_decile: 3, imd_score: 50 - 6597 / 1000 });
        expect(await db.one(`SELECT population, weight_source FROM staging.deprivation_summary WHERE area_code = $w AND domain = 'imd'`, { w: LUTON_WAYFIELD }))
          .toEqual({ population: 15189, weight_source: "IoD File 6" });
        expect(await db.one(`SELECT population FROM staging.deprivation_summary WHERE area_code = $a AND domain = 'imd'`, { a: MEDWAY }))
          .toEqual({ population: [...medwayPopulation2021().values()].reduce((s, r) => s + r.counts[0]!, 0) });
        // The scores and the denominators: two loads of the file, whichever slots list it.
        expect(await db.one(`SELECT count(*)::INTEGER AS n FROM audit.loads WHERE path = $f`, { f: file7 })).toEqual({ n: 2 });
        if (population) expect(await db.one(`SELECT sum(population)::INTEGER AS n FROM staging.population_lsoa WHERE lsoa_code = 'E01016016'`)).toEqual({ n: sample("E01016016")[0] });
        // In the deprivation slot alone it weights the summary only: the indicators need sources.population (README).
        else expect(await db.hasTable("staging.population_lsoa")).toBe(false);
      } finally {
        db.close();
      }
    }
    expect(messages.indicatorsNeedPopulation("deprivation", ["IMD score"], false)).toContain("a File 6 or 7 in sources.deprivation weights only its summary, so list it in sources.population too");
  });

  it("the checks stay: a File 7 whose 0-15 and 60+ exceed its total is reported, a blank 16-59 cell where a File 6 has the column rejects the row, and IoD2019's working age keeps its definition", async () => {
    const t = tempDir();
    const file7 = writeFile7(t, (c, code) => (code === "E01016016" ? [100, ...c.slice(1)] : c));
    const { db } = await runSources(config({ population: { files: [file7] } }));
    try {
      expect(await warningsOf(db, "population_total_mismatch")).toEqual([{ subject: "E01016016", message: messages.populationTotalMismatch("E01016016", 2022) }]);
      expect(await db.one(`SELECT population FROM staging.population_lsoa WHERE lsoa_code = 'E01016016' AND age = 16`)).toEqual({ population: 0 });
    } finally {
      db.close();
    }
    // IoD2019's File 6 with one 16-59 cell blank: that row rejected, with the column named.
    const lines = readFileSync(FILE6, "utf8").split("\r\n");
    const at = lines.findIndex((l) => l.startsWith("E01016016,"));
    lines[at] = lines[at]!.replace(',"1,117",', ",,");
    const blank = t.write("File_6_-_IoD2019_Population_Denominators.csv", lines.join("\r\n"));
    const { db: db2 } = await runSources(realConfig({ sources: { population: { files: [blank] } } }));
    try {
      expect((await loadCounts(db2))["File_6_-_IoD2019_Population_Denominators.csv"]).toEqual({ read: 1065, loaded: 1064, rejected: 1 });
      expect(await db2.one(`SELECT line::INTEGER AS line, "column", reason FROM audit.rejects`))
        .toEqual({ line: at + 1, column: "Population aged 16-59: mid 2015 (excluding prisoners)", reason: "expected a value, found a blank cell" });
      // The other rows' bands as the file gives them (16-59 read, not derived), and the IoD2019 working age as it was.
      const next = rowsOf(FILE6)[at + 1]![0]!;
      const [, children, middle, older] = sample(next);
      expect(await db2.all(`SELECT year, age, population FROM staging.population_lsoa WHERE lsoa_code = $c ORDER BY age`, { c: next }))
        .toEqual([{ year: 2015, age: 0, population: children }, { year: 2015, age: 16, population: middle }, { year: 2015, age: 60, population: older }]);
      expect(await db2.all(`SELECT DISTINCT definition FROM staging.population_working_age`)).toEqual([{ definition: WORKING_AGE_DEFINITIONS.iod2019.definition }]);
      expect(WORKING_AGE_DEFINITIONS.iod2019.definition).toBe("IoD File 6 working-age population 18-59/64 (excluding prisoners)");
    } finally {
      db2.close();
    }
  });
});
