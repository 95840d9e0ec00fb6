/** Population from Nomis downloads (the API's CSV of small-area estimates: long, a row per area, date, sex and age). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { LUTON_WAYFIELD, loadCounts, realConfig, runSources, shown, tempDir, warningsOf } from "../helpers.ts";
import { HEADER, line } from "./nomis-export.ts";

const FILE6 = realData("imd2019", "File_6_-_IoD2019_Population_Denominators.kent-medway.csv");

/** Each LSOA's males of age `a` number (its position + 1) + a; females twice that (so totals differ by LSOA, sex and age). */
const males = (i: number, a: number) => i + 1 + a;

describe.skipIf(!hasShared)(`population from Nomis downloads${sharedSkipReason}`, () => {
  const lsoas = () => readFileSync(FILE6, "utf8").split("\r\n").filter((l) => l.includes(",E06000035,")).map((l) => l.split(",")[0]!);
  const ages = Array.from({ length: 91 }, (_, a) => a);
  const label = (a: number) => (a === 90 ? "Age 90+" : `Age ${a}`);
  let db: Warehouse;
  let single: string, again: string, allAges: string, males2019: string;
  beforeAll(async () => {
    const t = tempDir();
    const codes = lsoas();
    // mid-2019 by single year and sex, with the persons total, All Ages, a working-age band and percentages beside them (none of which may add to the counts), and a ward.
    const rows = codes.flatMap((c, i) => [
      ...ages.flatMap((a) => [line(c, 2019, "Male", label(a), males(i, a)), line(c, 2019, "Female", label(a), 2 * males(i, a)), line(c, 2019, "Total", label(a), 3 * males(i, a))]),
      line(c, 2019, "Male", "All Ages", 1), line(c, 2019, "Male", "Aged 16 to 64", 1), line(c, 2019, "Female", label(30), 0.5, "Percent"),
    ]);
    single = t.write("NM_2010_1_medway_2019.csv", [HEADER.join(","), ...rows, line(LUTON_WAYFIELD, 2019, "Male", "Age 0", 99), line(codes[0]!, 2019, "Male", "Unknown age", 5)].join("\r\n"));
    // The first LSOA's mid-2019 again, given later: it wins.
    again = t.write("NM_2010_1_revised.csv", [HEADER.join(","), ...ages.flatMap((a) => [line(codes[0]!, 2019, "Male", label(a), 1000), line(codes[0]!, 2019, "Female", label(a), 1000)])].join("\r\n"));
    // mid-2020 as one total per LSOA (c_age=200, gender=0).
    allAges = t.write("NM_2010_1_2020_all_ages.csv", [HEADER.join(","), ...codes.map((c, i) => line(c, 2020, "Total", "All Ages", 100 * (i + 1)))].join("\r\n"));
    // The third LSOA's males of mid-2019 as one total, given last: it replaces their single years (never added to them); its females stand.
    males2019 = t.write("NM_2010_1_males_2019.csv", [HEADER.join(","), line(codes[2]!, 2019, "Male", "All Ages", 5000)].join("\r\n"));
    ({ db } = await runSources(realConfig({ sources: { population: { files: [single, again, allAges, males2019] } } })));
  });
  afterAll(() => db?.close());

  it("loads every line (read = loaded + rejected)", async () => {
    const counts = await loadCounts(db);
    const n = lsoas().length;
    const lines = (read: number) => ({ read, loaded: read, rejected: 0 });
    expect([single, again, allAges, males2019].map((f) => counts[path.basename(f)])).toEqual([lines(n * (91 * 3 + 3) + 2), lines(182), lines(n), lines(1)]);
  });

  it("stages single years by sex (90+ as 90-120), not the persons totals, All Ages, bands beside them or percentages", async () => {
    const codes = lsoas();
    expect(await db.all(`SELECT DISTINCT sex FROM staging.population_lsoa WHERE year = 2019 ORDER BY 1`)).toEqual([{ sex: "F" }, { sex: "M" }]);
    // Every LSOA's 91 ages of each sex (90+ a band), but the third LSOA's males: one band, 0-120.
    expect(await db.one(`SELECT count(*)::INTEGER AS n, count(DISTINCT (lsoa_code, sex, age))::INTEGER AS keys, min(age)::INTEGER AS lo, max(age_to)::INTEGER AS hi,
      count(*) FILTER (WHERE age <> age_to)::INTEGER AS bands FROM staging.population_lsoa WHERE year = 2019`)).toEqual({ n: codes.length * 182 - 90, keys: codes.length * 182 - 90, lo: 0, hi: 120, bands: codes.length * 2 });
    // The second LSOA (not given again): males of 30 are 2 + 30, everyone its sum by age.
    const c = codes[1]!;
    expect(await db.one(`SELECT population AS p FROM staging.population_lsoa WHERE year = 2019 AND lsoa_code = $c AND sex = 'M' AND age = 30`, { c })).toEqual({ p: 32 });
    const everyone = ages.reduce((s, a) => s + 3 * males(1, a), 0);
    expect(await db.one(`SELECT sum(population) AS p FROM staging.population_lsoa WHERE year = 2019 AND lsoa_code = $c`, { c })).toEqual({ p: everyone });
    // Working age (16-64) from the single years, as for SAPE.
    const working = ages.filter((a) => a >= 16 && a <= 64).reduce((s, a) => s + 3 * males(1, a), 0);
    expect(await db.one(`SELECT population AS p FROM staging.population_working_age WHERE year = 2019 AND lsoa_code = $c`, { c })).toEqual({ p: working });
  });

  it("an LSOA's year and sex given again later is taken from the later download (all its ages), and reported", async () => {
    const [first, , third] = lsoas();
    expect(await db.one(`SELECT sum(population) AS p FROM staging.population_lsoa WHERE year = 2019 AND lsoa_code = $c`, { c: first })).toEqual({ p: 182 * 1000 });
    expect(await db.all(`SELECT sex, count(*)::INTEGER AS n, sum(population) AS p FROM staging.population_lsoa WHERE year = 2019 AND lsoa_code = $c GROUP BY 1 ORDER BY 1`, { c: third }))
      .toEqual([{ sex: "F", n: 91, p: ages.reduce((s, a) => s + 2 * males(2, a), 0) }, { sex: "M", n: 1, p: 5000 }]);
    expect((await warningsOf(db, "population_year_repeated")).map((w) => [w.subject, w.message.split(": ")[1]])).toEqual([
      [shown(single), `its Nomis population for mid-2019, females of 1 LSOA(s) is not used`],
      [shown(single), `its Nomis population for mid-2019, males of 1 LSOA(s) is not used`],
      [shown(single), `its Nomis population for mid-2019, males of 1 LSOA(s) is not used`],
    ]);
  });

  it("a download of all ages only gives one band per LSOA (persons, 0-120)", async () => {
    const codes = lsoas();
    expect(await db.one(`SELECT count(*)::INTEGER AS n, min(age)::INTEGER AS lo, max(age_to)::INTEGER AS hi, string_agg(DISTINCT sex, '') AS sex, sum(population) AS p
      FROM staging.population_lsoa WHERE year = 2020`)).toEqual({ n: codes.length, lo: 0, hi: 120, sex: "P", p: codes.reduce((s, _c, i) => s + 100 * (i + 1), 0) });
    expect(await warningsOf(db, "population_lsoas_missing")).toEqual([]);
  });

  it("rows of an area that is not an LSOA, or of an age that cannot be read, are left out and reported with their count", async () => {
    const left = (await warningsOf(db, "population_rows_left_out")).map((w) => w.message).sort();
    expect(left).toEqual([
      expect.stringMatching(new RegExp(`^${shown(single)}: 1 row\\(s\\) left out: C_AGE_NAME is not an age or a band of ages \\(e\\.g\\. "Unknown age"`)),
      expect.stringMatching(new RegExp(`^${shown(single)}: 1 row\\(s\\) left out: the area is not an LSOA \\(e\\.g\\. ${LUTON_WAYFIELD}; download LSOAs`)),
    ]);
    expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.population_lsoa WHERE lsoa_code = $w`, { w: LUTON_WAYFIELD })).toEqual({ n: 0 });
  });
});
