/** Population: IoD File 6 denominators as broad bands, the European Standard Population, and broken copies. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import type { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { LUTON_WAYFIELD, MEDWAY, loadCounts, medwayAndCardiffLookup, realConfig, runSources, shown, tempDir, warningsOf } from "../helpers.ts";
import { espBand } from "../../../sources/population/esp2013.ts";
import { populationSourceName, populationSourceUsed, sapeBySexFormat, sapeFormat, sapeSheetSex, sapeSheetYear, sapeYear } from "../../../sources/population/ons-sape.ts";
import { nomisPopulationFormat } from "../../../sources/population/nomis-population.ts";
import { loadIndicators, POPULATION_SOURCE, withPopulationSource } from "../../../transforms/indicators/define.ts";
import { CATALOGUE } from "../../../transforms/indicators/catalogue/index.ts";
import { iodDenominatorsFormat } from "../../../sources/population/iod-denominators.ts";

const FILE6 = realData("imd2019", "File_6_-_IoD2019_Population_Denominators.kent-medway.csv");
const ESP = realData("population", "european_standard_population.csv");

describe.skipIf(!hasShared)(`population, real files${sharedSkipReason}`, () => {
  let db: Warehouse;
  beforeAll(async () => {
    ({ db } = await runSources(realConfig({ sources: { population: { files: [FILE6], esp2013: ESP } } })));
  });
  afterAll(() => db?.close());

  it("loads every row (File 6: 1,065; ESP: 20)", async () => {
    const n = await loadCounts(db);
    expect(n["File_6_-_IoD2019_Population_Denominators.kent-medway.csv"]).toEqual({ read: 1065, loaded: 1065, rejected: 0 });
    expect(n["european_standard_population.csv"]).toEqual({ read: 20, loaded: 20, rejected: 0 });
  });

  it("writes File 6 as sex P, mid-2015, bands 0-15, 16-59, 60-120, thousands separators removed", async () => {
    const rows = await db.all(`SELECT year, sex, age, age_to, population FROM staging.population_lsoa WHERE lsoa_code = 'E01016016' ORDER BY age`);
    // "1,681" total = 362 + "1,117" + 202
    expect(rows).toEqual([
      { year: 2015, sex: "P", age: 0, age_to: 15, population: 362 },
      { year: 2015, sex: "P", age: 16, age_to: 59, population: 1117 },
      { year: 2015, sex: "P", age: 60, age_to: 120, population: 202 },
    ]);
    expect(await db.one(`SELECT count(DISTINCT lsoa_code)::INTEGER n FROM staging.population_lsoa`)).toEqual({ n: 1065 });
    expect(await warningsOf(db, "population_total_mismatch")).toEqual([]);
  });

  it("gives Luton and Wayfield its mid-2015 population of 15,189 (FORMATS.md)", async () => {
    const r = await db.one(`SELECT sum(p.population)::INTEGER n FROM staging.population_lsoa p JOIN ref.lsoa_ward w USING (lsoa_code) WHERE w.ward_code = $w`, { w: LUTON_WAYFIELD });
    expect(r).toEqual({ n: 15189 });
  });

  it("merges 'Under 1 year' and the mislabelled '0-4 years' (really 1-4) into the 19 ESP2013 bands", async () => {
    const rows = await db.all<{ age: number; age_to: number; population: number }>(`SELECT age, age_to, population FROM ref.esp2013 ORDER BY age`);
    expect(rows).toHaveLength(19);
    expect(rows[0]).toEqual({ age: 0, age_to: 4, population: 5000 });
    expect(rows[1]).toEqual({ age: 5, age_to: 9, population: 5500 });
    expect(rows.at(-1)).toEqual({ age: 90, age_to: 120, population: 1000 });
    expect(rows.reduce((s, r) => s + r.population, 0)).toBe(100000);
    expect(await warningsOf(db, "esp2013_total")).toEqual([]);
  });
});

describe("SAPE sheet names", () => {
  it("tell the mid-year and, a sheet per sex, the sex; in a CSV's name too", () => {
    expect(["Mid-2019 Males", "Mid-2019 Females", "Mid-2019 Persons", "sape_2019_males.csv", "sape-2019-FEMALES.csv"].map((s) => sapeSheetSex("x.xlsx", s))).toEqual(["M", "F", "P", "M", "F"]);
    expect(() => sapeSheetSex("x.xlsx", "Small areas")).toThrow(messages.noSexInSheet("x.xlsx", "Small areas"));
    expect(sapeSheetYear("x.xlsx", { sheet: "Mid-2022 LSOA 2021", title: "" }, false)).toBe(2022);
    expect(sapeSheetYear("x.xlsx", { sheet: "Table 2", title: "Mid-2019 Population Estimates for LSOAs" }, false)).toBe(2019);
    expect(sapeSheetYear("sape-2020.xlsx", { sheet: "Data", title: "" }, true)).toBe(2020);
    expect(() => sapeSheetYear("sape-2020.xlsx", { sheet: "Data", title: "" }, false)).toThrow(messages.noYearInSheet("sape-2020.xlsx", "Data"));
  });

  it("a CSV's mid-year: its name's Mid-YYYY before any other year; a name of several years and no mid-year is an error, not the first year", () => {
    expect(sapeYear("/d/SAPE21DT1a-mid-2018-on-2019-LA-lsoa-syoa-estimates-formatted.csv")).toBe(2018);
    expect(sapeYear("/d/sape23dt2mid2020lsoasyoaestimatesunformatted.csv")).toBe(2020);
    // A sheet of sapelsoasyoa20222024.xlsx saved as CSV by a spreadsheet app keeps the workbook's name and adds the sheet's.
    expect(sapeYear("/d/sapelsoasyoa20222024 - Mid-2023 LSOA 2021.csv")).toBe(2023);
    expect(sapeYear("/d/population_2023.csv")).toBe(2023);
    expect(() => sapeYear("/d/sapelsoasyoa20222024.csv")).toThrow(messages.severalYearsInFileName("/d/sapelsoasyoa20222024.csv", ["2022", "2024"]));
    expect(() => sapeYear("/d/population.csv")).toThrow(messages.noYearInFileName("/d/population.csv"));
  });
});

describe("the population a source line names", () => {
  it("is the build's own: the formats it loaded, each named once, other sources ignored", () => {
    expect(populationSourceName([sapeFormat.id, "police_uk_street", sapeBySexFormat.id])).toBe("ONS small area population estimates");
    expect(populationSourceName([iodDenominatorsFormat.id, "esp2013"])).toBe("IoD File 6 population denominators (excluding prisoners)");
    expect(populationSourceName([sapeFormat.id, iodDenominatorsFormat.id])).toBe("ONS small area population estimates and IoD File 6 population denominators (excluding prisoners)");
    expect(populationSourceName([nomisPopulationFormat.id])).toBe("ONS small area population estimates (Nomis)");
    expect(populationSourceName(["police_uk_street"])).toBeUndefined();
  });

  it("replaces the catalogue's generic population in the indicators that use one, and only there", () => {
    const { indicators } = loadIndicators(CATALOGUE);
    const before = new Map(indicators.map((i) => [i.id, i.source]));
    withPopulationSource(indicators, "IoD File 6 population denominators (excluding prisoners)");
    const changed = indicators.filter((i) => i.source !== before.get(i.id));
    expect(changed.map((i) => i.id)).toEqual(expect.arrayContaining(["crime.all_crime_rate", "complaints.rate", "deprivation.imd_score", "economy.claimant_rate"]));
    for (const i of changed) expect(i.source).toBe(before.get(i.id)!.replace(POPULATION_SOURCE, "IoD File 6 population denominators (excluding prisoners)"));
    expect(indicators.every((i) => !i.source.includes(POPULATION_SOURCE))).toBe(true);
    withPopulationSource(indicators, undefined);
    expect(indicators.find((i) => i.id === "crime.all_crime_rate")!.source).toBe("police.uk street-level crime; IoD File 6 population denominators (excluding prisoners)");
  });
});

describe("ESP band labels", () => {
  it("reads the published labels", () => {
    expect(["Under 1 year", "0-4 years", "85-89 years", "90plus years", "90+"].map(espBand)).toEqual([[0, 0], [0, 4], [85, 89], [90, 120], [90, 120]]);
    expect(espBand("Total")).toBeUndefined();
  });
});

describe.skipIf(!hasShared)(`population, hand-made broken copies${sharedSkipReason}`, () => {
  let lines: string[] = [];
  beforeAll(() => {
    lines = readFileSync(FILE6, "utf8").split("\r\n").filter(Boolean);
  });
  const cfg = (files: string[], esp?: string) => realConfig({ sources: { population: { files, ...(esp ? { esp2013: esp } : {}) } } });

  it("a duplicated LSOA line counts once and is reported", async () => {
    const t = tempDir();
    const medway = lines.filter((l) => l.includes(",E06000035,"));
    const f = t.write("file6.csv", [lines[0], ...medway, medway[0]].join("\r\n"));
    const { db } = await runSources(cfg([f]));
    try {
      expect((await loadCounts(db))["file6.csv"]).toEqual({ read: 164, loaded: 164, rejected: 0 });
      expect(await db.one(`SELECT sum(population)::INTEGER n FROM staging.population_lsoa WHERE lsoa_code = 'E01016016'`)).toEqual({ n: 1681 });
      const code = medway[0]!.split(",")[0]!;
      expect(await warningsOf(db, "duplicate_key")).toEqual([{ subject: code, message: messages.duplicateKey("population (IoD File 6)", code, 2, shown(f)) }]);
    } finally {
      db.close();
    }
  });

  it("two extracts of one year with different LSOAs are both used; an LSOA in both is taken once, from the last given, and reported", async () => {
    const t = tempDir();
    const medway = lines.filter((l) => l.includes(",E06000035,"));
    const half = Math.floor(medway.length / 2);
    // The first extract has one LSOA of the second's too, with another population.
    const shared = medway[half]!;
    const a = t.write("file6-north.csv", [lines[0], ...medway.slice(0, half), shared.replace(/,"?[\d,]+"?,/, ",99999,")].join("\r\n"));
    const b = t.write("file6-south.csv", [lines[0], ...medway.slice(half)].join("\r\n"));
    const { db } = await runSources(cfg([a, b]));
    try {
      expect(await db.one(`SELECT count(DISTINCT lsoa_code)::INTEGER AS n FROM staging.population_lsoa`)).toEqual({ n: medway.length });
      expect(await warningsOf(db, "population_lsoas_missing")).toEqual([]);
      expect(await warningsOf(db, "population_year_repeated")).toEqual([{ subject: shown(a), message: messages.populationYearRepeated("IoD File 6", 2015, null, 1, shown(a), shown(b)) }]);
      // The LSOA in both has the second extract's population, once (its bands add up to its total: no mismatch reported).
      const code = shared.split(",")[0]!;
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.population_lsoa WHERE lsoa_code = $c`, { c: code })).toEqual({ n: 3 });
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.population_working_age WHERE lsoa_code = $c`, { c: code })).toEqual({ n: 1 });
      expect(await warningsOf(db, "population_total_mismatch")).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("a File 6 of England in a build holding Welsh LSOAs too (a lookup of both nations, for national comparators): the Welsh LSOAs are said once, not as a gap in each year; an English LSOA missing still is", async () => {
    const t = tempDir();
    const both = medwayAndCardiffLookup();
    const medway = lines.filter((l) => l.includes(",E06000035,"));
    // Every Medway LSOA but the first (File 6 is England's: no Welsh LSOA).
    const file = t.write("file6-england.csv", [lines[0], ...medway.slice(1)].join("\r\n"));
    const { db } = await runSources(realConfig({ geography: { lsoaLookup: both, authorities: undefined }, sources: { population: { files: [file] } } }));
    try {
      const welsh = await db.one<{ lsoas: number; wards: number; first: string }>(
        `SELECT count(DISTINCT lsoa_code)::INTEGER AS lsoas, count(DISTINCT ward_code)::INTEGER AS wards, min(lsoa_code) AS first FROM ref.lsoa_ward WHERE lsoa_code LIKE 'W%'`);
      expect(welsh!.lsoas).toBeGreaterThan(200);
      expect(await warningsOf(db, "population_other_nation")).toEqual([{ subject: "population", message: messages.populationOtherNation(MEDWAY, welsh!.lsoas, welsh!.wards, welsh!.first) }]);
      // The English LSOA missing is a gap of the year; the Welsh ones are not counted in it.
      expect(await warningsOf(db, "population_lsoas_missing")).toEqual([{ subject: "population 2015", message: messages.populationLsoasMissing(2015, 1, medway.length, medway[0]!.split(",")[0]!, 0) }]);
    } finally {
      db.close();
    }
  });

  it("a year whose LSOAs fall short of the lookup's is reported with the LSOAs missing, and a hint when its codes are not in the lookup", async () => {
    const t = tempDir();
    const medway = lines.filter((l) => l.includes(",E06000035,"));
    const code = (l: string) => l.split(",")[0]!;
    const [gone1, gone2] = [medway[5]!, medway[9]!];
    const short = t.write("file6-short.csv", [lines[0], ...medway.filter((l) => l !== gone1 && l !== gone2)].join("\r\n"));
    const { db } = await runSources(cfg([short]));
    try {
      const [a, b] = [code(gone1), code(gone2)].sort();
      expect(await warningsOf(db, "population_lsoas_missing")).toEqual([{ subject: "population 2015", message: messages.populationLsoasMissing(2015, 2, medway.length, `${a}, ${b}`, 0) }]);
    } finally {
      db.close();
    }
    // The same LSOA under a code the lookup does not have (another area, or a vintage not told by its codes): the hint says so.
    const other = t.write("file6-other.csv", [lines[0], ...medway.map((l) => (l === gone1 ? l.replace(code(gone1), "E01000000") : l))].join("\r\n"));
    const second = await runSources(cfg([other]));
    try {
      expect(await warningsOf(second.db, "population_lsoas_missing")).toEqual([{ subject: "population 2015", message: messages.populationLsoasMissing(2015, 1, medway.length, code(gone1), 1) }]);
    } finally {
      second.db.close();
    }
  });

  it("a negative or non-numeric count rejects the row with the column named", async () => {
    const t = tempDir();
    const bad = lines[1]!.replace(/,"1,681",/, ",-5,");
    const f = t.write("file6.csv", [lines[0], bad, lines[2]].join("\r\n"));
    const { db } = await runSources(cfg([f]));
    try {
      expect((await loadCounts(db))["file6.csv"]).toEqual({ read: 2, loaded: 1, rejected: 1 });
      const r = await db.one<{ column: string; reason: string }>(`SELECT "column", reason FROM audit.rejects`);
      expect(r!.column).toMatch(/^Total population: mid 2015/);
      expect(r!.reason).toBe("expected a whole number of 0 or more, found -5");
    } finally {
      db.close();
    }
  });

  it("a file that is neither SAPE nor File 6 is named for what it is", async () => {
    const f = realData("imd2019", "File_2_-_IoD2019_Domains_of_Deprivation.kent-medway.csv");
    await expect(runSources(cfg([f]))).rejects.toThrow(/this looks like an Indices of Deprivation domains file \(File 2/);
    const t = tempDir();
    const g = t.write("renamed.csv", [lines[0]!.replace("Total population", "Total pop"), lines[1]].join("\r\n"));
    await expect(runSources(cfg([g]))).rejects.toThrow(`${g}: missing column(s) Total population: mid yyyy`);
    expect([sapeFormat.id, iodDenominatorsFormat.id]).toHaveLength(2);
  });

  it("an ESP file whose bands do not add up to 100,000 is reported", async () => {
    const t = tempDir();
    const esp = readFileSync(ESP, "utf8").replace("90plus years,1000", "90plus years,900");
    const e = t.write("esp.csv", esp);
    const { db } = await runSources(cfg([FILE6], e));
    try {
      expect(await warningsOf(db, "esp2013_total")).toEqual([{ subject: shown(e), message: messages.esp2013Total(shown(e), 99900) }]);
    } finally {
      db.close();
    }
  });

  it("an ESP band label the reader cannot place is named with its line, not skipped silently", async () => {
    const t = tempDir();
    const lines = readFileSync(ESP, "utf8").split(/\r?\n/);
    const at = lines.findIndex((l) => l.startsWith("5-9 years"));
    lines[at] = lines[at]!.replace("5-9 years", "Age 5 to 9");
    const e = t.write("esp.csv", lines.join("\n"));
    const { db } = await runSources(cfg([FILE6], e));
    try {
      expect(await warningsOf(db, "esp2013_band_unreadable")).toEqual([{ subject: shown(e), message: messages.esp2013BandUnreadable(shown(e), at + 1, "Age 5 to 9") }]);
      expect((await warningsOf(db, "esp2013_total")).length).toBe(1);
    } finally {
      db.close();
    }
  });
});

describe.skipIf(!hasShared)(`population from the ONS SAPE workbook as published${sharedSkipReason}`, () => {
  const ages = Array.from({ length: 91 }, (_, i) => i);
  const HEADER = ["LAD 2023 Code", "LAD 2023 Name", "LSOA 2021 Code", "LSOA 2021 Name", "Total", ...ages.map((a) => `F${a}`), ...ages.map((a) => `M${a}`)];
  const LSOAS = ["E01016016", "E01016017", "E01016018"];
  /** One LSOA's row: every female age `f`, every male age `m` (Total their sum), with `cells` put over it. */
  const row = (lsoa: string, f: number, m: number, cells: Record<string, number> = {}) => {
    const values = HEADER.slice(5).map((h) => cells[h] ?? (h.startsWith("F") ? f : m));
    return [MEDWAY, "Medway", lsoa, `Medway ${lsoa.slice(-3)}`, values.reduce((s, v) => s + v, 0), ...values];
  };
  /** A workbook laid out as ONS issues `sapelsoasyoa*.xlsx`: a cover sheet, then a sheet per mid-year, its table under three title rows. */
  async function sapeWorkbook(file: string, years: Record<number, (string | number)[][]>): Promise<void> {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Cover sheet").addRow(["Lower layer Super Output Area population estimates"]);
    for (const [year, rows] of Object.entries(years)) {
      const ws = wb.addWorksheet(`Mid-${year} LSOA 2021`);
      ws.addRow([`Mid-${year} population estimates for Lower layer Super Output Areas (LSOAs) in England and Wales by single year of age and sex`]);
      ws.addRow(["This worksheet contains one table."]);
      ws.addRow(["Source: Office for National Statistics"]);
      ws.addRow(HEADER);
      for (const r of rows) ws.addRow(r);
    }
    await wb.xlsx.writeFile(file);
  }
  const cfg = (files: string[]) => realConfig({ sources: { population: { files } } });

  it("reads each mid-year's sheet, counts every row, and names a rejected cell by sheet and row as Excel shows them", async () => {
    const t = tempDir();
    const file = path.join(t.dir, "sapelsoasyoa20212022.xlsx");
    await sapeWorkbook(file, {
      2021: LSOAS.map((l, i) => row(l, 5 + i, 4)),
      2022: LSOAS.map((l, i) => row(l, 6 + i, 5, i === 2 ? { F3: -1 } : {})),
    });
    const { db } = await runSources(cfg([file]));
    try {
      expect(await loadCounts(db)).toMatchObject({
        "sapelsoasyoa20212022.xlsx#Mid-2021 LSOA 2021": { read: 3, loaded: 3, rejected: 0 },
        "sapelsoasyoa20212022.xlsx#Mid-2022 LSOA 2021": { read: 3, loaded: 2, rejected: 1 },
      });
      const sha = createHash("sha256").update(readFileSync(file)).digest("hex");
      expect(await db.all(`SELECT DISTINCT sha256 FROM audit.loads WHERE starts_with(path, $f)`, { f: file })).toEqual([{ sha256: sha }]);
      // Row 7: the title rows, the header on row 4, then the third LSOA.
      expect(await db.all(`SELECT path, line::INTEGER AS line, "column", reason FROM audit.rejects`)).toEqual([
        { path: `${file}#Mid-2022 LSOA 2021`, line: 7, column: "F3", reason: "expected a whole number of 0 or more, found -1" },
      ]);
      expect(await db.all(`SELECT year, count(DISTINCT lsoa_code)::INTEGER AS lsoas, sum(population)::INTEGER AS people FROM staging.population_lsoa GROUP BY 1 ORDER BY 1`)).toEqual([
        { year: 2021, lsoas: 3, people: 91 * (5 + 6 + 7) + 91 * 4 * 3 },
        { year: 2022, lsoas: 2, people: 91 * (6 + 7) + 91 * 5 * 2 },
      ]);
      expect(await db.all(`SELECT sex, age, age_to, population FROM staging.population_lsoa WHERE lsoa_code = 'E01016017' AND year = 2021 AND age = 90 ORDER BY sex`)).toEqual([
        { sex: "F", age: 90, age_to: 120, population: 6 },
        { sex: "M", age: 90, age_to: 120, population: 4 },
      ]);
      expect(await warningsOf(db, "population_total_mismatch")).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("a mid-year given twice (two editions, or a sheet saved as CSV too) is taken once, from the last given, and reported", async () => {
    const t = tempDir();
    const file = path.join(t.dir, "sapelsoasyoa20212022.xlsx");
    await sapeWorkbook(file, { 2021: LSOAS.map((l) => row(l, 5, 4)), 2022: LSOAS.map((l) => row(l, 6, 5)) });
    const csv = t.write("sape-revised-2022.csv", [HEADER, ...LSOAS.map((l) => row(l, 7, 7))].map((r) => r.join(",")).join("\n"));
    const { db } = await runSources(cfg([file, csv]));
    try {
      const sheet = shown(`${file}#Mid-2022 LSOA 2021`);
      expect(await warningsOf(db, "population_year_repeated")).toEqual([{ subject: sheet, message: messages.populationYearRepeated("ONS SAPE", 2022, null, LSOAS.length, sheet, shown(csv)) }]);
      expect(await db.all(`SELECT year, sum(population)::INTEGER AS people FROM staging.population_lsoa GROUP BY 1 ORDER BY 1`)).toEqual([
        { year: 2021, people: 3 * 91 * 9 },
        { year: 2022, people: 3 * 91 * 14 },
      ]);
    } finally {
      db.close();
    }
  });

  it("a workbook with no population table is named, and so is a sheet whose mid-year cannot be told", async () => {
    const t = tempDir();
    const none = path.join(t.dir, "other.xlsx");
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Data").addRow(["Area", "Value"]);
    await wb.xlsx.writeFile(none);
    await expect(runSources(cfg([none]))).rejects.toThrow(`${none}: no sheet of this workbook has a population table`);
    const unnamed = path.join(t.dir, "sape.xlsx");
    const two = new ExcelJS.Workbook();
    for (const name of ["Table 1", "Table 2"]) {
      const ws = two.addWorksheet(name);
      ws.addRow(HEADER);
      ws.addRow(row(LSOAS[0]!, 1, 1));
    }
    await two.xlsx.writeFile(unnamed);
    await expect(runSources(cfg([unnamed]))).rejects.toThrow(messages.noYearInSheet(unnamed, "Table 1"));
  });
});

describe.skipIf(!hasShared)(`population from the ONS SAPE workbooks on 2011 LSOAs (a sheet per sex)${sharedSkipReason}`, () => {
  const ages = Array.from({ length: 91 }, (_, i) => (i === 90 ? "90+" : String(i)));
  /** Medway's LSOAs (2011 codes, as the WD19 lookup has them), from the File 6 sample. */
  const medwayLsoas = () => readFileSync(FILE6, "utf8").split("\r\n").filter((l) => l.includes(",E06000035,")).map((l) => l.split(",")[0]!);
  /** Ages 0..90+ for an LSOA: `base` each, plus the LSOA's position so the sexes and LSOAs differ. */
  const cells = (i: number, base: number) => ages.map((_, a) => base + ((i + a) % 3));
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  async function bySexWorkbook(file: string, year: number, layout: "unformatted" | "formatted", sheets: ("Persons" | "Males" | "Females")[]): Promise<void> {
    const lsoas = medwayLsoas();
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Contents").addRow([`Mid-${year} Population Estimates for Lower Layer Super Output Areas in England and Wales by Single Year of Age and Sex`]);
    for (const sheet of sheets) {
      const ws = wb.addWorksheet(`Mid-${year} ${sheet}`);
      ws.addRow([`Mid-${year} Population Estimates for Lower Layer Super Output Areas in England and Wales by Single Year of Age and Sex`]);
      ws.addRow(["National Statistics"]);
      ws.addRow([`${sheet}; All Ages`]);
      ws.addRow(["Copyright"]);
      const base = { Persons: 10, Males: 4, Females: 6 }[sheet];
      if (layout === "unformatted") {
        ws.addRow(["LSOA Code", "LSOA Name", "LA Code (2019 boundaries)", "LA name (2019 boundaries)", "LA Code (2020 boundaries)", "LA name (2020 boundaries)", "All Ages", ...ages]);
        lsoas.forEach((l, i) => ws.addRow([l, `Medway ${i}`, MEDWAY, "Medway", MEDWAY, "Medway", sum(cells(i, base)), ...cells(i, base)]));
      } else {
        ws.addRow(["Area Codes", "LA (2019 boundaries)", "LSOA", "All Ages", ...ages]);
        // The authority's subtotal row above its LSOAs.
        const total = ages.map((_, a) => sum(lsoas.map((_, i) => cells(i, base)[a]!)));
        ws.addRow([MEDWAY, "Medway", null, sum(total), ...total]);
        lsoas.forEach((l, i) => ws.addRow([l, null, `Medway ${i}`, sum(cells(i, base)), ...cells(i, base)]));
      }
    }
    await wb.xlsx.writeFile(file);
  }
  const cfg = (files: string[]) => realConfig({ sources: { population: { files } } });

  it("reads the Males and Females sheets of the unformatted and formatted editions, leaving out the authority subtotals", async () => {
    const t = tempDir();
    const a = path.join(t.dir, "SAPE22DT2-mid-2019-lsoa-syoa-estimates-unformatted.xlsx");
    const b = path.join(t.dir, "SAPE21DT1a-mid-2018-on-2019-LA-lsoa-syoa-estimates-formatted.xlsx");
    await bySexWorkbook(a, 2019, "unformatted", ["Persons", "Males", "Females"]);
    await bySexWorkbook(b, 2018, "formatted", ["Persons", "Males", "Females"]);
    const { db } = await runSources(cfg([a, b]));
    try {
      const lsoas = medwayLsoas();
      const counts = await loadCounts(db);
      expect(counts["SAPE22DT2-mid-2019-lsoa-syoa-estimates-unformatted.xlsx#Mid-2019 Males"]).toEqual({ read: lsoas.length, loaded: lsoas.length, rejected: 0 });
      expect(counts["SAPE21DT1a-mid-2018-on-2019-LA-lsoa-syoa-estimates-formatted.xlsx#Mid-2018 Females"]).toEqual({ read: lsoas.length + 1, loaded: lsoas.length + 1, rejected: 0 });
      expect(await db.all(`SELECT year, sex, count(DISTINCT lsoa_code)::INTEGER AS lsoas, sum(population)::INTEGER AS people FROM staging.population_lsoa GROUP BY 1, 2 ORDER BY 1, 2`)).toEqual([2018, 2019].flatMap((year) => [
        { year, sex: "F", lsoas: lsoas.length, people: sum(lsoas.map((_, i) => sum(cells(i, 6)))) },
        { year, sex: "M", lsoas: lsoas.length, people: sum(lsoas.map((_, i) => sum(cells(i, 4)))) },
      ]));
      expect(await db.all(`SELECT age, age_to, population FROM staging.population_lsoa WHERE lsoa_code = $l AND year = 2019 AND sex = 'M' AND age IN (0, 90) ORDER BY age`, { l: lsoas[1]! }))
        .toEqual([{ age: 0, age_to: 0, population: cells(1, 4)[0] }, { age: 90, age_to: 120, population: cells(1, 4)[90] }]);
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.population_lsoa WHERE lsoa_code = $c`, { c: MEDWAY })).toEqual({ n: 0 });
      expect(await db.all(`SELECT year, count(*)::INTEGER AS lsoas FROM staging.population_working_age GROUP BY 1 ORDER BY 1`)).toEqual([{ year: 2018, lsoas: lsoas.length }, { year: 2019, lsoas: lsoas.length }]);
      for (const code of ["population_total_mismatch", "population_lsoas_missing", "population_year_repeated"]) expect(await warningsOf(db, code), code).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("a year the current edition gives too is taken from it, and the sheets are not checked against it", async () => {
    const t = tempDir();
    const book = path.join(t.dir, "SAPE22DT2-mid-2019-lsoa-syoa-estimates-unformatted.xlsx");
    await bySexWorkbook(book, 2019, "unformatted", ["Males", "Females"]);
    const wideAges = Array.from({ length: 91 }, (_, a) => a);
    const header = ["LSOA 2021 Code", "Total", ...wideAges.map((a) => `F${a}`), ...wideAges.map((a) => `M${a}`)];
    const wide = t.write("sapelsoasyoa2019.csv", [header, ...medwayLsoas().map((l) => [l, 182, ...header.slice(2).map(() => 1)])].map((r) => r.join(",")).join("\n"));
    const { db } = await runSources(cfg([wide, book]));
    try {
      expect(await db.all(`SELECT year, min(population)::INTEGER AS lo, max(population)::INTEGER AS hi, count(*)::INTEGER AS n FROM staging.population_lsoa GROUP BY 1`))
        .toEqual([{ year: 2019, lo: 1, hi: 1, n: medwayLsoas().length * 182 }]);
      expect(await warningsOf(db, "population_total_mismatch")).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("source lines name the population used: IoD File 6 beside SAPE of its mid-year is loaded but not named, and named once it gives a year", async () => {
    const t = tempDir();
    const sape2015 = path.join(t.dir, "SAPE20DT1-mid-2015-lsoa-syoa-estimates-unformatted.xlsx");
    await bySexWorkbook(sape2015, 2015, "unformatted", ["Males", "Females"]);
    const sape2019 = path.join(t.dir, "SAPE22DT2-mid-2019-lsoa-syoa-estimates-unformatted.xlsx");
    await bySexWorkbook(sape2019, 2019, "unformatted", ["Males", "Females"]);
    const named = async (files: string[]) => {
      const { db, loads } = await runSources(cfg(files));
      try {
        expect(loads.some((l) => l.source === iodDenominatorsFormat.id)).toBe(true);
        return { years: await db.all(`SELECT year, format FROM staging.population_sources ORDER BY year`), source: await populationSourceUsed(db) };
      } finally {
        db.close();
      }
    };
    // File 6 is mid-2015, which the SAPE workbook gives: its rows are not used.
    expect(await named([FILE6, sape2015])).toEqual({ years: [{ year: 2015, format: sapeBySexFormat.id }], source: "ONS small area population estimates" });
    // With SAPE for mid-2019 only, File 6 gives mid-2015.
    expect(await named([FILE6, sape2019])).toEqual({
      years: [{ year: 2015, format: iodDenominatorsFormat.id }, { year: 2019, format: sapeBySexFormat.id }],
      source: "ONS small area population estimates and IoD File 6 population denominators (excluding prisoners)",
    });
  });

  it("a Persons sheet alone gives single years for persons; a sheet whose sex cannot be told is named", async () => {
    const t = tempDir();
    const p = path.join(t.dir, "mid-2017-persons.xlsx");
    await bySexWorkbook(p, 2017, "unformatted", ["Persons"]);
    const { db } = await runSources(cfg([p]));
    try {
      expect(await db.all(`SELECT sex, count(DISTINCT age)::INTEGER AS ages, count(DISTINCT lsoa_code)::INTEGER AS lsoas FROM staging.population_lsoa GROUP BY 1`)).toEqual([{ sex: "P", ages: 91, lsoas: medwayLsoas().length }]);
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.population_working_age WHERE year = 2017`)).toEqual({ n: medwayLsoas().length });
    } finally {
      db.close();
    }
    const odd = path.join(t.dir, "odd.xlsx");
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Mid-2019 Table");
    ws.addRow(["LSOA Code", "All Ages", ...ages]);
    ws.addRow([medwayLsoas()[0]!, 91, ...ages.map(() => 1)]);
    await wb.xlsx.writeFile(odd);
    await expect(runSources(cfg([odd]))).rejects.toThrow(messages.noSexInSheet(odd, "Mid-2019 Table"));
  });
});

describe.skipIf(!hasShared)(`population of the other LSOA vintage, converted through the change file${sharedSkipReason}`, () => {
  const CHANGES = realData("ons_geography", "LSOA11_to_LSOA21_LAD22_lookup.kent-medway+all-M-X.csv");
  const ages = Array.from({ length: 91 }, (_, a) => a);
  const HEADER = ["LSOA 2021 Code", "Total", ...ages.map((a) => `F${a}`), ...ages.map((a) => `M${a}`)];

  /** Medway's LSOAs 2021 and one merged outside it (`target`, made from the 2011 `sources`), from the change file. */
  const changes = () => {
    const rows = Papa.parse<string[]>(readFileSync(CHANGES, "utf8").replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data.slice(1);
    const medway = rows.filter((r) => r[5] === MEDWAY);
    const merged = rows.filter((r) => r[4] === "M" && r[5] !== MEDWAY);
    const target = merged[0]![2]!;
    const sources = merged.filter((r) => r[2] === target).map((r) => r[0]!).sort();
    expect(sources.length).toBeGreaterThan(1);
    const split = medway.find((r) => r[4] === "S")!;
    const parts = medway.filter((r) => r[0] === split[0]).map((r) => r[2]!);
    expect(parts.length).toBeGreaterThan(1);
    return { medway, target, sources, split, parts, codes21: [...new Set([...medway.map((r) => r[2]!), target])].sort() };
  };

  it("an LSOA 2021 population in an LSOA 2011 build: split LSOAs added back together, merged ones shared equally (no year on 2011 LSOAs to weight them by), nobody lost", async () => {
    // One LSOA 2021 merged from several 2011 ones, outside Medway: its residents are shared between them.
    const { medway, target, sources, split, parts, codes21 } = changes();
    // Each LSOA 2021 has (position + 1) residents of each sex and age: totals differ by LSOA.
    const t = tempDir();
    const csv = t.write("sapelsoasyoa2022.csv", [HEADER, ...codes21.map((c, i) => [c, 182 * (i + 1), ...HEADER.slice(2).map(() => i + 1)])].map((r) => r.join(",")).join("\n"));
    const { db } = await runSources(realConfig({ geography: { lsoaChanges: CHANGES }, sources: { population: { files: [csv] } } }));
    try {
      const people = (code: string) => 182 * (codes21.indexOf(code) + 1);
      const staged = new Map((await db.all<{ lsoa_code: string; n: number }>(`SELECT lsoa_code, sum(population) AS n FROM staging.population_lsoa GROUP BY 1`)).map((r) => [r.lsoa_code, Number(r.n)]));
      // A 2011 LSOA split in 2021: the sum of its parts.
      expect(staged.get(split[0]!)).toBe(parts.reduce((s, p) => s + people(p), 0));
      // An unchanged one: as it was.
      const same = medway.find((r) => r[4] === "U")!;
      expect(staged.get(same[0]!)).toBe(people(same[2]!));
      // The merged 2021 LSOA's residents, shared equally between the 2011 LSOAs it was made from.
      for (const s of sources) expect(staged.get(s)).toBeCloseTo(people(target) / sources.length, 6);
      expect([...staged.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(codes21.reduce((s, c) => s + people(c), 0), 6);
      expect(await warningsOf(db, "population_lsoas_missing")).toEqual([]);
      const [converted] = await warningsOf(db, "lsoa_vintage_converted");
      expect(converted!.message).toContain("population estimates: ");
      // Rows converted: the 2021 parts of Medway's split LSOAs and the merged one; shared: the merged one's row.
      expect(converted!.message).toContain(`${medway.filter((r) => r[4] === "S").length + 1} rows converted through `);
      expect(converted!.message).toContain("(1 in split or merged LSOAs shared between their counterparts)");
      expect(await warningsOf(db, "population_split_shares")).toEqual([{ subject: "population 2022", message: messages.populationSplitShares(2022, 1, 0, null) }]);
      expect(messages.populationSplitShares(2022, 1, 0, null)).toContain("equally");
      expect(await db.all(`SELECT lsoa_vintage, lookup_vintage, converted FROM audit.lsoa_vintages WHERE source = 'population'`)).toEqual([{ lsoa_vintage: "LSOA21", lookup_vintage: "LSOA11", converted: true }]);
    } finally {
      db.close();
    }
  });

  it("with a year on the lookup's own LSOAs, a merged LSOA's residents are shared by its counterparts' residents that year, not equally", async () => {
    const { medway, target, sources, codes21 } = changes();
    const t = tempDir();
    // Mid-2022 on 2021 LSOAs (converted); mid-2019 and mid-2020 on 2011 LSOAs (the lookup's): the
    // merged LSOA's 2011 sources have 1, 2, 3 ... residents of each sex and age in 2020 (the
    // nearest year to 2022) and the same in 2019 (so a year picked wrongly would show).
    const csv21 = t.write("sapelsoasyoa2022.csv", [HEADER, ...codes21.map((c, i) => [c, 182 * (i + 1), ...HEADER.slice(2).map(() => i + 1)])].map((r) => r.join(",")).join("\n"));
    const header11 = ["LSOA 2011 Code", ...HEADER.slice(1)];
    const codes11 = [...new Set([...medway.map((r) => r[0]!), ...sources])].sort();
    const each = (year: number, code: string) => (sources.includes(code) ? (year === 2020 ? sources.indexOf(code) + 1 : 1) : 7);
    const native = (year: number) => t.write(`sapelsoasyoa${year}.csv`,
      [header11, ...codes11.map((c) => [c, 182 * each(year, c), ...HEADER.slice(2).map(() => each(year, c))])].map((r) => r.join(",")).join("\n"));
    const { db } = await runSources(realConfig({ geography: { lsoaChanges: CHANGES }, sources: { population: { files: [native(2019), native(2020), csv21] } } }));
    try {
      const people = 182 * (codes21.indexOf(target) + 1);
      const weights = sources.map((s) => sources.indexOf(s) + 1);
      const sum = weights.reduce((a, b) => a + b, 0);
      const staged = new Map((await db.all<{ lsoa_code: string; n: number }>(`SELECT lsoa_code, sum(population) AS n FROM staging.population_lsoa WHERE year = 2022 GROUP BY 1`)).map((r) => [r.lsoa_code, Number(r.n)]));
      sources.forEach((s, i) => expect(staged.get(s)).toBeCloseTo((people * weights[i]!) / sum, 6));
      // By age and sex too: each cell shared the same way.
      const cell = await db.one<{ n: number }>(`SELECT population AS n FROM staging.population_lsoa WHERE year = 2022 AND lsoa_code = $c AND sex = 'F' AND age = 40`, { c: sources[0]! });
      expect(Number(cell!.n)).toBeCloseTo((people / 182) * (weights[0]! / sum), 6);
      // Nobody lost, and the native years as given.
      expect([...staged.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(codes21.reduce((s, c) => s + 182 * (codes21.indexOf(c) + 1), 0), 6);
      expect(Number((await db.one<{ n: number }>(`SELECT sum(population) AS n FROM staging.population_lsoa WHERE year = 2020`))!.n)).toBe(codes11.reduce((s, c) => s + 182 * each(2020, c), 0));
      expect(await warningsOf(db, "population_split_shares")).toEqual([{ subject: "population 2022", message: messages.populationSplitShares(2022, 1, 1, 2020) }]);
    } finally {
      db.close();
    }
  });

  it("IoD File 6 of the other vintage beside a year on the lookup's LSOAs: its bands and working-age column shared alike, by residents", async () => {
    const { medway, sources, codes21 } = changes();
    const t = tempDir();
    const header = ["LSOA code (2021)", "LSOA name (2021)", "Local Authority District code (2024)", "Total population: mid 2022 (excluding prisoners)", "Dependent Children aged 0-15: mid 2022 (excluding prisoners)",
      "Population aged 16-59: mid 2022 (excluding prisoners)", "Older population aged 60 and over: mid 2022 (excluding prisoners)",
      "Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)"];
    const file6 = t.write("File_6_IoD2025_Population_Denominators.csv",
      [header, ...codes21.map((c) => [c, `LSOA ${c}`, "E06000035", 3000, 1000, 1000, 1000, 600])].map((r) => r.join(",")).join("\n"));
    // Mid-2019 on 2011 LSOAs: the merged LSOA's sources have 1, 2, 3 ... residents of each sex and age.
    const codes11 = [...new Set([...medway.map((r) => r[0]!), ...sources])].sort();
    const each = (c: string) => (sources.includes(c) ? sources.indexOf(c) + 1 : 5);
    const sape = t.write("sapelsoasyoa2019.csv", [["LSOA 2011 Code", ...HEADER.slice(1)], ...codes11.map((c) => [c, 182 * each(c), ...HEADER.slice(2).map(() => each(c))])].map((r) => r.join(",")).join("\n"));
    const { db } = await runSources(realConfig({ geography: { lsoaChanges: CHANGES }, sources: { population: { files: [sape, file6] } } }));
    try {
      const sum = sources.reduce((a, s) => a + each(s), 0);
      const of = async (sql: string, code: string) => Number((await db.one<{ n: number }>(sql, { c: code }))!.n);
      for (const s of sources) {
        expect(await of(`SELECT sum(population) AS n FROM staging.population_lsoa WHERE year = 2022 AND lsoa_code = $c`, s)).toBeCloseTo((3000 * each(s)) / sum, 6);
        expect(await of(`SELECT population AS n FROM staging.population_working_age WHERE year = 2022 AND lsoa_code = $c`, s)).toBeCloseTo((600 * each(s)) / sum, 6);
      }
    } finally {
      db.close();
    }
  });

  it("IoD File 6 of the other vintage: its working-age column (the claimant rate's base) is converted as its bands are", async () => {
    const { target, sources, split, parts, codes21 } = changes();
    // A File 6 on LSOAs 2021 (as IoD2025's is), mid-2022: each LSOA's working age is 100 x (position + 1).
    const header = ["LSOA code (2021)", "LSOA name (2021)", "Local Authority District code (2024)", "Total population: mid 2022 (excluding prisoners)", "Dependent Children aged 0-15: mid 2022 (excluding prisoners)",
      "Population aged 16-59: mid 2022 (excluding prisoners)", "Older population aged 60 and over: mid 2022 (excluding prisoners)",
      "Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)"];
    const working = (code: string) => 100 * (codes21.indexOf(code) + 1);
    const file6 = tempDir().write("File_6_IoD2025_Population_Denominators.csv",
      [header, ...codes21.map((c) => [c, `LSOA ${c}`, "E06000035", 3 * working(c), working(c), working(c), working(c), `"${working(c).toLocaleString("en-GB")}"`])].map((r) => r.join(",")).join("\n"));
    const { db } = await runSources(realConfig({ geography: { lsoaChanges: CHANGES }, sources: { population: { files: [file6] } } }));
    try {
      const staged = new Map((await db.all<{ lsoa_code: string; n: number }>(
        `SELECT lsoa_code, population AS n FROM staging.population_working_age WHERE year = 2022`)).map((r) => [r.lsoa_code, Number(r.n)]));
      expect(staged.get(split[0]!)).toBe(parts.reduce((s, p) => s + working(p), 0));
      for (const s of sources) expect(staged.get(s)).toBeCloseTo(working(target) / sources.length, 6);
      // Only codes of the build's vintage, one row each, and nobody lost.
      expect(await db.one(`SELECT count(*) = count(DISTINCT lsoa_code) AS once, count(*) FILTER (WHERE lsoa_code NOT IN (SELECT lsoa_code FROM ref.lookup_lsoas))::INTEGER AS foreign
        FROM staging.population_working_age WHERE year = 2022`)).toEqual({ once: true, foreign: 0 });
      expect([...staged.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(codes21.reduce((s, c) => s + working(c), 0), 6);
    } finally {
      db.close();
    }
  });
});
