/**
 * Work, income and warmth in the Nomis and DESNZ layouts:
 * - `economy/NM_162_1_claimant_count_lsoa.csv`: the Nomis API CSV of the claimant count by LSOA
 *   (`DATE_NAME` as the API writes it, `April 2022`; both sexes, all ages 16+; counts rounded to
 *   5 as Nomis publishes them), CRLF with no final newline, 36 months;
 * - `economy/APS_employment_rate_la.csv`: the Nomis APS download of the employment rate (16-64)
 *   for the borough, region and country, rolling years ending each quarter (`Apr 2022-Mar 2023`);
 * - `economy/sub-regional-fuel-poverty-tables-2025-2023-data.xlsx`: the DESNZ workbook, with a
 *   contents sheet and the LSOA table as "Table 3" (title row with the data year, header in row 3
 *   with the publisher's footnote digits, then the LSOAs and footnotes after a blank row).
 * The claimant rate is higher in deprived wards and, in the focus ward, rises over the three years.
 */
import { BOROUGH, COUNTRY, MONTHS, REGION, populationOf, type Borough } from "./borough.ts";
import { csvFile, csvLine, fixed, type DemoFile } from "./format.ts";
import { Rng } from "./random.ts";
import { xlsxBytes } from "./xlsx.ts";

const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const SHORT = MONTH_NAMES.map((m) => m.slice(0, 3));
/** `2022-04` -> `April 2022` (the Nomis API's DATE_NAME). */
const nomisMonth = (ym: string) => `${MONTH_NAMES[Number(ym.slice(5)) - 1]} ${ym.slice(0, 4)}`;

function claimantFile(b: Borough): DemoFile {
  const rng = Rng.for(b.seed, "claimants");
  const lines = [csvLine(["DATE_NAME", "GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "GENDER_NAME", "AGE_NAME", "MEASURE_NAME", "MEASURES_NAME", "OBS_VALUE", "OBS_STATUS_NAME"])];
  const level = b.lsoas.map((l) => 0.012 + 0.05 * l.ward.deprivation * Math.exp(rng.normal(0, 0.15)));
  for (const [i, ym] of MONTHS.entries()) {
    const year = Math.min(2024, Math.max(2022, Number(ym.slice(0, 4))));
    const season = 1 + 0.04 * Math.cos(((Number(ym.slice(5)) - 1) / 12) * 2 * Math.PI);
    for (const [j, l] of b.lsoas.entries()) {
      const rise = l.ward.isFocus ? 1 + (0.5 * i) / MONTHS.length : 1;
      const workingAge = populationOf([l], year, 16, 64);
      const n = rng.poisson(workingAge * level[j]! * season * rise);
      lines.push(csvLine([nomisMonth(ym), l.name, l.code, "Total", "All categories: Age 16+", "Claimant count", "Value", Math.round(n / 5) * 5, "Normal Value"]));
    }
  }
  const file = csvFile("economy/NM_162_1_claimant_count_lsoa.csv", lines, { eol: "\r\n" });
  return { ...file, bytes: file.bytes.subarray(0, file.bytes.length - 2) };
}

function apsFile(b: Borough): DemoFile {
  const rng = Rng.for(b.seed, "aps");
  const lines = [csvLine(["DATE_NAME", "GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "VARIABLE_NAME", "MEASURES_NAME", "OBS_VALUE", "OBS_STATUS_NAME"])];
  const areas = [
    { ...BOROUGH, base: 72.5 },
    { ...REGION, base: 76.1 },
    { ...COUNTRY, base: 75.4 },
  ];
  // Rolling years ending each quarter, from the year to March 2023 to the year to March 2025.
  for (let q = 0; q < 9; q++) {
    const end = 2023 * 12 + 2 + 3 * q; // months since year 0, March 2023 first
    const start = end - 11;
    const label = `${SHORT[start % 12]} ${Math.floor(start / 12)}-${SHORT[end % 12]} ${Math.floor(end / 12)}`;
    for (const a of areas) lines.push(csvLine([label, a.name, a.code, "Employment rate - aged 16-64", "Variable", fixed(a.base + rng.normal(0, 0.6), 1), "Normal Value"]));
  }
  const file = csvFile("economy/APS_employment_rate_la.csv", lines, { eol: "\r\n" });
  return { ...file, bytes: file.bytes.subarray(0, file.bytes.length - 2) };
}

function fuelPovertyFile(b: Borough): DemoFile {
  const rng = Rng.for(b.seed, "fuel-poverty");
  const rows: (string | number | null)[][] = [
    ["Table 3: Number and proportion of households in fuel poverty by LSOA, 2023"],
    [],
    ["LSOA Code", "LSOA Name", "LA Code", "LA Name", "Region", "Number of households1", "Number of households in fuel poverty1", "Proportion of households fuel poor (%)"],
  ];
  for (const l of b.lsoas) {
    const households = Math.round(populationOf([l], 2023) / 2.35);
    const share = Math.min(0.4, Math.max(0.03, 0.07 + 0.14 * l.deprivation + rng.normal(0, 0.015)));
    const poor = Math.round(households * share);
    rows.push([l.code, l.name, BOROUGH.code, BOROUGH.name, REGION.name, households, poor, Number(fixed((100 * poor) / households, 1))]);
  }
  rows.push([], ["1. Modelled estimates, constrained to regional totals: use to identify areas of high or low fuel poverty, not to track change."], ["Source: synthetic demo data in the DESNZ layout."]);
  const contents = [["Sub-regional fuel poverty 2025 (2023 data)"], ["Table 1", "Local authority"], ["Table 2", "Parliamentary constituency"], ["Table 3", "LSOA"]];
  return { path: "economy/sub-regional-fuel-poverty-tables-2025-2023-data.xlsx", bytes: xlsxBytes([{ name: "Contents", rows: contents }, { name: "Table 3", rows }]) };
}

/** The economy files. */
export function economyFiles(b: Borough): DemoFile[] {
  return [claimantFile(b), apsFile(b), fuelPovertyFile(b)];
}
