/** Population: IoD File 6 denominators as broad bands, the European Standard Population, and broken copies. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { LUTON_WAYFIELD, loadCounts, realConfig, runSources, shown, tempDir, warningsOf } from "../helpers.ts";
import { espBand } from "../../../sources/population/esp2013.ts";
import { sapeFormat } from "../../../sources/population/ons-sape.ts";
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
