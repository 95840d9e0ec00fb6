/**
 * ONS small-area population estimates (SAPE), single year of age by sex per LSOA, flattened
 * from the xlsx layout to one CSV per mid-year: `LAD 2023 Code, ..., Total, F0..F90, M0..M90`
 * (90 = 90 and over). UTF-8, LF. Total is exactly the sum of the 182 cells.
 */
import { BOROUGH, MAX_AGE, POPULATION_YEARS, type Borough } from "./borough.ts";
import { csvFile, csvLine, type DemoFile } from "./format.ts";

/** The header of a SAPE file. */
export function sapeHeader(): string[] {
  const ages = Array.from({ length: MAX_AGE + 1 }, (_, a) => a);
  return ["LAD 2023 Code", "LAD 2023 Name", "LSOA 2021 Code", "LSOA 2021 Name", "Total", ...ages.map((a) => `F${a}`), ...ages.map((a) => `M${a}`)];
}

/** One file per mid-year. */
export function populationFiles(b: Borough): DemoFile[] {
  return POPULATION_YEARS.map((year) => {
    const lines = [csvLine(sapeHeader())];
    for (const l of b.lsoas) {
      const p = l.population.get(year)!;
      const total = p.f.reduce((s, x) => s + x, 0) + p.m.reduce((s, x) => s + x, 0);
      lines.push(csvLine([BOROUGH.code, BOROUGH.name, l.code, l.name, total, ...p.f, ...p.m]));
    }
    return csvFile(`population/sapelsoasyoa${year}.csv`, lines, { eol: "\n" });
  });
}
