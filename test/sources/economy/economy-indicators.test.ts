/**
 * Claimant rate (Nomis claimant count by LSOA over IoD File 6's working-age column), APS employment
 * rate as published, and DESNZ fuel poverty from the workbook's LSOA sheet, on the real Medway
 * geography and File 6.
 */
import { describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { LSOA_CHANGES, LUTON_WAYFIELD, MEDWAY, loadCounts, medwayLsoaChanges, realConfig, runSources, shown, tempDir, warningsOf } from "../helpers.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { measureIndicators } from "../../../transforms/indicators/measure.ts";
import { loadIndicators } from "../../../transforms/indicators/define.ts";
import { economyIndicators } from "../../../transforms/indicators/catalogue/economy.ts";
import { fuelPovertyYear } from "../../../sources/economy/fuel-poverty.ts";
import { xlsxBytes } from "../../../sources/demo/xlsx.ts";

const FILE6 = realData("imd2019", "File_6_-_IoD2019_Population_Denominators.kent-medway.csv");
const LW_LSOAS = ["E01016061", "E01016063", "E01016064", "E01016069", "E01016062", "E01016065", "E01016066", "E01016067", "E01016068"];
const { indicators } = loadIndicators(economyIndicators);
const MONTHS = ["April 2018", "May 2018", "June 2018", "July 2018", "August 2018", "September 2018", "October 2018", "November 2018", "December 2018", "January 2019", "February 2019", "March 2019"];

/** The published layout of the LSOA sheet: title, blank row, header with footnote digits, rows, blank row, footnotes. */
async function publishedWorkbook(rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("Contents").addRow(["Sub-regional fuel poverty 2023 (2021 data)"]);
  const ws = wb.addWorksheet("Table 3");
  ws.addRow(["Table 3: Number and proportion of households in fuel poverty by LSOA, England, 2021"]);
  ws.addRow([]);
  ws.addRow(["LSOA Code", "LSOA Name", "LA Code", "LA Name", "Region", "Number of households1", "Number of households in fuel poverty1", "Proportion of households fuel poor (%)"]);
  for (const r of rows) ws.addRow(r);
  ws.addRow([]);
  ws.addRow(["1. Modelled estimates (footnote row, not data)"]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.skipIf(!hasShared)(`economy indicators${sharedSkipReason}`, () => {
  it("claimant rate: monthly counts by LSOA over working-age residents; 12 months and years average the months", async () => {
    const t = tempDir();
    const lines = ["DATE_NAME,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GENDER_NAME,AGE_NAME,MEASURE_NAME,MEASURES_NAME,OBS_VALUE,OBS_STATUS_NAME"];
    for (const [i, m] of MONTHS.entries()) {
      for (const l of LW_LSOAS) lines.push(`${m},x,${l},Total,All categories: Age 16+,Claimant count,Value,${10 + 5 * (i % 3)},Normal Value`);
      // Nomis' own percentage and a male-only row must not be counted.
      lines.push(`${m},x,${LW_LSOAS[0]},Total,All categories: Age 16+,Claimant count,Percent,2.5,Normal Value`);
      lines.push(`${m},x,${LW_LSOAS[0]},Male,All categories: Age 16+,Claimant count,Value,5,Normal Value`);
    }
    const f = t.write("NM_162_1_lsoa.csv", lines.join("\r\n"));
    const { db, ctx } = await runSources(realConfig({ sources: { population: { files: [FILE6] }, economy: { nomis: [f] } } }));
    try {
      const wa = await db.one<{ p: number; d: string }>(`SELECT sum(population)::DOUBLE p, any_value(definition) d FROM staging.population_working_age WHERE lsoa_code IN (${LW_LSOAS.map((l) => `'${l}'`).join(",")})`);
      expect(wa!.d).toBe("IoD File 6 working-age population 18-59/64 (excluding prisoners)");
      await measureIndicators(ctx, indicators.filter((i) => i.id === "economy.claimant_rate"));
      const v = await db.all<{ period_type: string; period_label: string; numerator: number; denominator: number; value: number }>(
        `SELECT period_type, period_label, numerator, denominator, value FROM marts.indicator_values WHERE area_code = '${LUTON_WAYFIELD}' ORDER BY period_type, period_label`);
      const april = v.find((r) => r.period_type === "month" && r.period_label === "2018-04")!;
      expect(april).toMatchObject({ numerator: 90, denominator: wa!.p });
      expect(april.value).toBeCloseTo((100 * 90) / wa!.p, 12);
      const total = MONTHS.reduce((s, _, i) => s + 9 * (10 + 5 * (i % 3)), 0);
      for (const [type, label] of [["financial_year", "2018/19"], ["rolling_12_months", "12 months to 2019-03"]]) {
        const r = v.find((x) => x.period_type === type && x.period_label === label)!;
        expect(r).toMatchObject({ numerator: total, denominator: wa!.p * 12 });
      }
      expect(v.filter((r) => r.period_type === "month")).toHaveLength(12);
    } finally {
      db.close();
    }
  });

  it("APS employment rate: the published value for each rolling year, no interval", async () => {
    const t = tempDir();
    const f = t.write("aps.csv", "DATE_NAME,GEOGRAPHY_NAME,GEOGRAPHY_CODE,VARIABLE_NAME,MEASURES_NAME,OBS_VALUE,OBS_STATUS_NAME\r\n" +
      `Jul 2017-Jun 2018,Medway,${MEDWAY},Employment rate - aged 16-64,Variable,74.1,Normal Value\r\nJul 2017-Jun 2018,Medway,${MEDWAY},Employment rate - aged 16-64,Confidence,3.1,Normal Value`);
    const { db, ctx } = await runSources(realConfig({ sources: { population: { files: [FILE6] }, economy: { nomis: [f] } } }));
    try {
      await measureIndicators(ctx, indicators.filter((i) => i.id === "economy.employment_rate"));
      expect(await db.all(`SELECT area_code, period_type, period_label, period_start::VARCHAR s, value, lower95, suppression_reason FROM marts.indicator_values`)).toEqual([
        { area_code: MEDWAY, period_type: "rolling_12_months", period_label: "12 months to 2018-06", s: "2017-07-01", value: 74.1, lower95: null, suppression_reason: messages.noIntervalEstimate() },
      ]);
    } finally {
      db.close();
    }
  });

  it("fuel poverty: the LSOA sheet of the published workbook, summed to wards; the year from the title", async () => {
    const t = tempDir();
    const rows = LW_LSOAS.map((l, i) => [l, `Medway ${i}`, MEDWAY, "Medway", "South East", 600 + i, 60 + i, 10]);
    // An LSOA code in the 2011 range that no lookup has (a code of 2021's range would be read as the other vintage).
    rows.push(["E01000000", "Medway 999Z", MEDWAY, "Medway", "South East", 500, 50, 10]);
    const f = t.write("sub-regional-fuel-poverty-tables-2023-2021-data.xlsx", await publishedWorkbook(rows));
    const { db, ctx } = await runSources(realConfig({ sources: { population: { files: [FILE6] }, economy: { fuelPoverty: [f] } } }));
    try {
      expect((await loadCounts(db))["sub-regional-fuel-poverty-tables-2023-2021-data.xlsx"]).toEqual({ read: 10, loaded: 10, rejected: 0 });
      expect(await warningsOf(db, "fuel_poverty_lsoas_unplaced")).toEqual([{ subject: shown(f), message: messages.fuelPovertyLsoasUnplaced(shown(f), 1, "E01000000") }]);
      await measureIndicators(ctx, indicators.filter((i) => i.id === "economy.fuel_poverty"));
      const v = await db.one<{ period_label: string; numerator: number; denominator: number; value: number; lower95: number | null }>(
        `SELECT period_label, numerator, denominator, value, lower95 FROM marts.indicator_values WHERE area_code = '${LUTON_WAYFIELD}'`);
      const hh = LW_LSOAS.reduce((s, _, i) => s + 600 + i, 0);
      const poor = LW_LSOAS.reduce((s, _, i) => s + 60 + i, 0);
      expect(v).toMatchObject({ period_label: "2021", numerator: poor, denominator: hh, lower95: null });
      expect(v!.value).toBeCloseTo((100 * poor) / hh, 12);
    } finally {
      db.close();
    }
  });

  it("claimant counts by 2021 LSOA in a build on 2011 LSOAs: converted through the change file, a split LSOA's parts added in its ward; percentages not shared", async () => {
    const t = tempDir();
    const change = medwayLsoaChanges();
    const lines = ["DATE_NAME,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GENDER_NAME,AGE_NAME,MEASURE_NAME,MEASURES_NAME,OBS_VALUE,OBS_STATUS_NAME"];
    for (const r of change) lines.push(`April 2018,x,${r.lsoa21},Total,All categories: Age 16+,Claimant count,Value,${r.change === "S" ? [10, 20][r.part] : 5},Normal Value`);
    const split = change.find((r) => r.change === "S")!;
    lines.push(`April 2018,x,${split.lsoa21},Total,All categories: Age 16+,Claimant count,Percent,2.5,Normal Value`);
    const f = t.write("NM_162_1_lsoa21.csv", lines.join("\r\n"));
    const { db, ctx } = await runSources(realConfig({ geography: { lsoaChanges: LSOA_CHANGES }, sources: { population: { files: [FILE6] }, economy: { nomis: [f] } } }));
    try {
      expect(await db.all(`SELECT measures, value FROM staging.nomis_values WHERE area_code = $c ORDER BY measures, value`, { c: split.lsoa11 })).toEqual([
        { measures: "Percent", value: 2.5 }, { measures: "Value", value: 10 }, { measures: "Value", value: 20 },
      ]);
      expect(await db.one(`SELECT count(*)::INTEGER n FROM staging.nomis_values WHERE area_code NOT IN (SELECT lsoa_code FROM ref.lsoa_ward)`)).toEqual({ n: 0 });
      expect((await warningsOf(db, "lsoa_vintage_converted")).map((w) => w.message)).toEqual([messages.lsoaVintageConverted("Nomis", shown(f), "LSOA21", "LSOA11", shown(LSOA_CHANGES), 12, 0, true)]);
      await measureIndicators(ctx, indicators.filter((i) => i.id === "economy.claimant_rate"));
      const ward = await db.one<{ w: string; n: number }>(`SELECT ward_code w, count(*)::INTEGER n FROM ref.lsoa_ward WHERE ward_code = (SELECT ward_code FROM ref.lsoa_ward WHERE lsoa_code = $c) GROUP BY 1`, { c: split.lsoa11 });
      const splitsThere = change.filter((r) => r.change === "S" && r.part === 0).map((r) => r.lsoa11);
      const inWard = await db.all<{ lsoa_code: string }>(`SELECT lsoa_code FROM ref.lsoa_ward WHERE ward_code = $w`, { w: ward!.w });
      const expected = inWard.reduce((s, l) => s + (splitsThere.includes(l.lsoa_code) ? 30 : 5), 0);
      expect(await db.one(`SELECT numerator FROM marts.indicator_values WHERE area_code = $w AND period_type = 'month' AND period_label = '2018-04'`, { w: ward!.w })).toEqual({ numerator: expected });
    } finally {
      db.close();
    }
  });

  it("fuel poverty on 2021 LSOAs in a build on 2011 LSOAs: converted through the change file, a split LSOA's parts added together", async () => {
    const t = tempDir();
    const change = medwayLsoaChanges();
    const header = ["LSOA Code", "LSOA Name", "LA Code", "LA Name", "Region", "Number of households", "Number of households in fuel poverty", "Proportion of households fuel poor (%)"];
    const rows = change.map((r) => r.change === "S" ? [r.lsoa21, r.name21, MEDWAY, "Medway", "South East", [100, 300][r.part], [10, 30][r.part], 10] : [r.lsoa21, r.name21, MEDWAY, "Medway", "South East", 600, 60, 10]);
    const f = t.write("fuel_poverty_lsoa_2022_data.csv", [header, ...rows].map((r) => r.join(",")).join("\n") + "\n");
    const { db } = await runSources(realConfig({ geography: { lsoaChanges: LSOA_CHANGES }, sources: { economy: { fuelPoverty: [f] } } }));
    try {
      const split = change.find((r) => r.change === "S")!.lsoa11;
      const unchanged = change.find((r) => r.change === "U")!.lsoa11;
      expect(await db.all(`SELECT lsoa_code, households, fuel_poor FROM staging.fuel_poverty_lsoa WHERE lsoa_code IN ($a, $b) ORDER BY 1`, { a: split, b: unchanged }))
        .toEqual([{ lsoa_code: split, households: 400, fuel_poor: 40 }, { lsoa_code: unchanged, households: 600, fuel_poor: 60 }].sort((x, y) => x.lsoa_code.localeCompare(y.lsoa_code)));
      // Every household counted once: 157 unchanged LSOAs and six split in two.
      expect(await db.one(`SELECT count(*)::INTEGER n, sum(households)::INTEGER hh FROM staging.fuel_poverty_lsoa`)).toEqual({ n: 163, hh: 157 * 600 + 6 * 400 });
      expect(await warningsOf(db, "fuel_poverty_lsoas_unplaced")).toEqual([]);
      expect((await warningsOf(db, "lsoa_vintage_converted")).map((w) => w.message)).toEqual([
        messages.lsoaVintageConverted("DESNZ fuel poverty", shown(f), "LSOA21", "LSOA11", shown(LSOA_CHANGES), 12, 0, true),
      ]);
    } finally {
      db.close();
    }
    await expect(runSources(realConfig({ sources: { economy: { fuelPoverty: [f] } } }))).rejects.toThrow(/uses LSOA21 LSOA codes .* set geography\.lsoaChanges/);
  });

  it("fuel poverty: the demo's hand-zipped workbook reads; a CSV saved from the sheet takes the year from its name; no table or year is an error", async () => {
    const t = tempDir();
    const header = ["LSOA Code", "LSOA Name", "LA Code", "LA Name", "Region", "Number of households", "Number of households in fuel poverty", "Proportion of households fuel poor (%)"];
    const x = t.write("fp-2022-data.xlsx", Buffer.from(xlsxBytes([{ name: "Table 3", rows: [["Fuel poverty by LSOA 2022"], header, [LW_LSOAS[0]!, "a", MEDWAY, "Medway", "South East", 700, 70, 10]] }])));
    const c = t.write("fuel_poverty_lsoa_2020_data.csv", `${header.join(",")}\n${LW_LSOAS[1]},b,${MEDWAY},Medway,South East,"1,200",120,10\n${LW_LSOAS[2]},c,${MEDWAY},Medway,South East,100,120,120\n`);
    const { db } = await runSources(realConfig({ sources: { economy: { fuelPoverty: [x, c] } } }));
    try {
      expect(await db.all(`SELECT lsoa_code, data_year, households, fuel_poor FROM staging.fuel_poverty_lsoa ORDER BY 1`)).toEqual([
        { lsoa_code: LW_LSOAS[0], data_year: 2022, households: 700, fuel_poor: 70 },
        { lsoa_code: LW_LSOAS[1], data_year: 2020, households: 1200, fuel_poor: 120 },
      ]);
      expect((await loadCounts(db))["fuel_poverty_lsoa_2020_data.csv"]).toEqual({ read: 2, loaded: 1, rejected: 1 });
    } finally {
      db.close();
    }
    expect(fuelPovertyYear("/a/fp.csv", "Table 3: ... by LSOA, England, 2021")).toBe(2021);
    expect(() => fuelPovertyYear("/a/fuel.csv", "")).toThrow(messages.fuelPovertyNoYear("/a/fuel.csv"));
    const none = t.write("fp-2022-data-none.xlsx", Buffer.from(xlsxBytes([{ name: "Sheet1", rows: [["nothing here"]] }])));
    await expect(runSources(realConfig({ sources: { economy: { fuelPoverty: [none] } } }))).rejects.toThrow(messages.fuelPovertyNoTable(none));
  });
});
