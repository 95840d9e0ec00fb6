/** Population from Census 2021 age tables by LSOA (Nomis bulk downloads TS007A and TS007), on 2021 LSOAs converted to the build's 2011 ones. */
import { describe, expect, it } from "vitest";
import { hasShared, sharedSkipReason } from "../../helpers/shared.ts";
import { LSOA_CHANGES, loadCounts, medwayLsoaChanges, realConfig, runSources, tempDir, warningsOf } from "../helpers.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { populationSourceUsed } from "../../../sources/population/ons-sape.ts";

/** TS007A's 18 band names as Nomis's bulk file heads them. */
const BANDS = ["Aged 4 years and under", ...Array.from({ length: 16 }, (_, i) => `Aged ${5 + 5 * i} to ${9 + 5 * i} years`), "Aged 85 years and over"];
/** TS007's single years. */
const YEARS = Array.from({ length: 101 }, (_, a) => (a === 0 ? "Aged under 1 year" : a === 1 ? "Aged 1 year" : a === 100 ? "Aged 100 years and over" : `Aged ${a} years`));

/** A census table of Medway's 2021 LSOAs: LSOA i has (i + 1) * (k + 1) residents in its k-th age column; `suffix` is a Nomis query's `; measures: Value`. */
function censusFile(t: ReturnType<typeof tempDir>, name: string, labels: string[], suffix = "", broken?: (cells: string[], i: number) => void): string {
  const lsoas = [...new Set(medwayLsoaChanges().map((r) => r.lsoa21))];
  const header = ["date", "geography", "geography code", "Age: Total", ...labels.map((l) => `Age: ${l}`)].map((h, i) => (i >= 3 ? h + suffix : h));
  const rows = lsoas.map((code, i) => {
    const ages = labels.map((_l, k) => (i + 1) * (k + 1));
    const cells = ["2021", `Medway ${i}`, code, String(ages.reduce((a, b) => a + b, 0)), ...ages.map(String)];
    broken?.(cells, i);
    return cells.map((c) => (/[",;]/.test(c) ? `"${c}"` : c)).join(",");
  });
  return t.write(name, [header.map((h) => (/[,;]/.test(h) ? `"${h}"` : h)).join(","), ...rows, ""].join("\n"));
}

describe.skipIf(!hasShared)(`population from Census 2021 age tables${sharedSkipReason}`, () => {
  const changes = medwayLsoaChanges();
  const lsoas21 = [...new Set(changes.map((r) => r.lsoa21))];
  const residents = (lsoa21: string, columns: number) => (lsoas21.indexOf(lsoa21) + 1) * ((columns * (columns + 1)) / 2);

  it("TS007A (five-year bands) is read as 2021's population in the ESP's bands; split LSOAs' parts are added to their 2011 LSOA", async () => {
    const t = tempDir();
    const file = censusFile(t, "census2021-ts007a-lsoa.csv", BANDS);
    const { db } = await runSources(realConfig({ geography: { lsoaChanges: LSOA_CHANGES }, sources: { population: { files: [file] } } }));
    try {
      expect((await loadCounts(db))["census2021-ts007a-lsoa.csv"]).toEqual({ read: lsoas21.length, loaded: lsoas21.length, rejected: 0 });
      const split = changes.find((r) => r.change === "S")!.lsoa11;
      const parts = changes.filter((r) => r.lsoa11 === split).map((r) => r.lsoa21);
      expect(parts).toHaveLength(2);
      expect(await db.one(`SELECT sum(population)::INTEGER AS n, min(year) AS y, max(year) AS y2, string_agg(DISTINCT sex, '') AS sex FROM staging.population_lsoa WHERE lsoa_code = $c`, { c: split }))
        .toEqual({ n: parts.reduce((a, p) => a + residents(p, 18), 0), y: 2021, y2: 2021, sex: "P" });
      expect(await db.all(`SELECT DISTINCT age, age_to FROM staging.population_lsoa ORDER BY age`)).toEqual([
        ...Array.from({ length: 17 }, (_, i) => ({ age: 5 * i, age_to: 5 * i + 4 })), { age: 85, age_to: 120 },
      ]);
      const unchanged = changes.find((r) => r.change === "U")!;
      expect(await db.one(`SELECT population FROM staging.population_lsoa WHERE lsoa_code = $c AND age = 85`, { c: unchanged.lsoa11 })).toEqual({ population: (lsoas21.indexOf(unchanged.lsoa21) + 1) * 18 });
      expect(await populationSourceUsed(db)).toBe("Census 2021 usual residents");
      expect(await warningsOf(db, "population_lsoas_missing")).toEqual([]);
      expect(await warningsOf(db, "population_total_mismatch")).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("TS007 (single years) from a Nomis query (`; measures: Value`) gives single years; an LSOA whose ages miss its total is reported", async () => {
    const t = tempDir();
    const file = censusFile(t, "TS007-medway.csv", YEARS, "; measures: Value", (cells, i) => {
      if (i === 3) cells[3] = String(Number(cells[3]) + 7);
    });
    const { db } = await runSources(realConfig({ geography: { lsoaChanges: LSOA_CHANGES }, sources: { population: { files: [file] } } }));
    try {
      expect(await db.one(`SELECT count(DISTINCT age)::INTEGER AS n, max(age_to) AS top FROM staging.population_lsoa`)).toEqual({ n: 101, top: 120 });
      const unchanged = changes.find((r) => r.change === "U")!;
      expect(await db.one(`SELECT sum(population)::INTEGER AS n FROM staging.population_lsoa WHERE lsoa_code = $c`, { c: unchanged.lsoa11 })).toEqual({ n: residents(unchanged.lsoa21, 101) });
      // Working-age residents (16-64), the claimant rate's base, come from the single years.
      expect(await db.one(`SELECT population FROM staging.population_working_age WHERE lsoa_code = $c`, { c: unchanged.lsoa11 }))
        .toEqual({ population: Array.from({ length: 49 }, (_, k) => (lsoas21.indexOf(unchanged.lsoa21) + 1) * (k + 17)).reduce((a, b) => a + b, 0) });
      // Named by the file's own (2021) code.
      expect((await warningsOf(db, "population_total_mismatch")).map((w) => w.message)).toEqual([messages.populationTotalMismatch(lsoas21[3]!, 2021)]);
    } finally {
      db.close();
    }
  });
});
