/** Fingertips exports (the real Campylobacter file) and the local counts format, with broken copies. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import Papa from "papaparse";
import path from "node:path";
import ExcelJS from "exceljs";
import type { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { MEDWAY, loadCounts, realConfig, runSources, tempDir } from "../helpers.ts";
import { fingertipsFormat, fingertipsPeriodSql } from "../../../sources/health/fingertips.ts";
import { fingertipsExport, TWO_INDICATORS } from "./fingertips-export.ts";

const FT = realData("fingertips", "indicators-CountyUA.data.csv");
const health = (h: Record<string, unknown>) => realConfig({ sources: { health: h } });

describe.skipIf(!hasShared)(`Fingertips real export${sharedSkipReason}`, () => {
  let db: Warehouse;
  beforeAll(async () => {
    ({ db } = await runSources(health({ fingertips: [FT] })));
  });
  afterAll(() => db?.close());

  it("reads 852 records: one header field more than the rows, a quoted line break in every name, CRLF", async () => {
    const raw = readFileSync(FT, "utf8");
    expect(raw.split("\r\n")[0]!.split(",")).toHaveLength(26);
    expect((await loadCounts(db))["indicators-CountyUA.data.csv"]).toEqual({ read: 852, loaded: 852, rejected: 0 });
    expect(await db.all(`SELECT DISTINCT indicator_name FROM staging.fingertips_values`)).toEqual([{ indicator_name: "Campylobacter incidence rate/100,000" }]);
  });

  it("keeps every row: Persons, All ages area rows as `all`, the 0-9 age rows and the 60 deprivation-decile rows as breakdowns", async () => {
    expect(await db.one(`SELECT count(*)::INTEGER n FROM raw_fingertips WHERE coalesce(trim(category_type), '') <> ''`)).toEqual({ n: 60 });
    expect(await db.all(`SELECT CASE WHEN breakdown LIKE 'category:%' THEN 'category' ELSE breakdown END AS b, count(*)::INTEGER n
      FROM staging.fingertips_values GROUP BY 1 ORDER BY 1`)).toEqual([
      { b: "age:0-9 yrs", n: 306 }, { b: "all", n: 486 }, { b: "category", n: 60 },
    ]);
    expect(await db.all(`SELECT DISTINCT area_type, area_level FROM staging.fingertips_values ORDER BY 1`)).toEqual([
      { area_type: "Country", area_level: "country" }, { area_type: "County & UA", area_level: "authority" }, { area_type: "Region", area_level: "region" },
    ]);
    expect(await db.one(`SELECT DISTINCT breakdown FROM staging.fingertips_values WHERE category = 'Most deprived decile (IMD2015)' AND category_type LIKE 'County%'`))
      .toEqual({ breakdown: "category:County & UA deprivation deciles in England (IMD2015): Most deprived decile (IMD2015)" });
  });

  it("reads every time period as a calendar year, 2015 to 2017", async () => {
    expect(await db.all(`SELECT DISTINCT period_label, period_type, period_start::VARCHAR s, period_end::VARCHAR e FROM staging.fingertips_values ORDER BY 1`)).toEqual([
      { period_label: "2015", period_type: "calendar_year", s: "2015-01-01", e: "2015-12-31" },
      { period_label: "2016", period_type: "calendar_year", s: "2016-01-01", e: "2016-12-31" },
      { period_label: "2017", period_type: "calendar_year", s: "2017-01-01", e: "2017-12-31" },
    ]);
  });

  it("reads Medway 2015 exactly, with both comparison columns whatever the parent's name", async () => {
    const r = await db.one<Record<string, unknown>>(`SELECT period_label, period_date::VARCHAR d, round(value, 2) v, round(lower95, 2) lo, round(upper95, 2) hi, count, denominator,
      compared_to_england, compared_to_parent, parent_code FROM staging.fingertips_values WHERE area_code = $m AND breakdown = 'all' ORDER BY period_label LIMIT 1`, { m: MEDWAY });
    expect(r).toEqual({ period_label: "2015", d: "2015-01-01", v: 71.61, lo: 61.98, hi: 82.31, count: 198, denominator: 276492, compared_to_england: "Better", compared_to_parent: expect.any(String), parent_code: "E12000008" });
  });

  it("keeps value notes of combined areas (blank value for the small partner)", async () => {
    const notes = await db.all<{ area_name: string; value: number | null; value_note: string }>(
      `SELECT area_name, value, value_note FROM staging.fingertips_values WHERE value_note LIKE '%combined%' ORDER BY 1`,
    );
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.some((n) => n.value === null)).toBe(true);
  });
});

describe.skipIf(!hasShared)(`Fingertips and local counts, hand-made broken copies${sharedSkipReason}`, () => {
  let records: string[] = [];
  let header = "";
  beforeAll(() => {
    records = readFileSync(FT, "utf8").split("\r\n");
    header = records[0]!;
  });

  it("an export whose comparator is named after another parent type ('Compared to CCGs ...') loads the same", async () => {
    const t = tempDir();
    const f = t.write("ccg.csv", [header.replace("Compared to Region value or percentiles", "Compared to CCGs (from Apr 2021) value or percentiles"), ...records.slice(1, 20)].join("\r\n"));
    const { db } = await runSources(health({ fingertips: [f] }));
    try {
      expect((await loadCounts(db))["ccg.csv"]).toEqual({ read: 19, loaded: 19, rejected: 0 });
      expect(await db.one(`SELECT count(compared_to_parent)::INTEGER n FROM raw_fingertips`)).toEqual({ n: 19 });
    } finally {
      db.close();
    }
  });

  it("a truncated export (cut inside the quoted name) rejects the cut record with its number", async () => {
    const t = tempDir();
    const f = t.write("cut.csv", [header, ...records.slice(1, 6), '93356,"Campylobacter incid'].join("\r\n"));
    const { db } = await runSources(health({ fingertips: [f] }));
    try {
      expect((await loadCounts(db))["cut.csv"]).toEqual({ read: 6, loaded: 5, rejected: 1 });
      expect(await db.one(`SELECT line::INTEGER line FROM audit.rejects`)).toEqual({ line: 7 });
    } finally {
      db.close();
    }
  });

  it("a renamed column is an error naming what was expected and found", async () => {
    const t = tempDir();
    const renamed = header.replace("Area Code", "Area Identifier");
    const f = t.write("renamed.csv", [renamed, ...records.slice(1, 4)].join("\r\n"));
    await expect(runSources(health({ fingertips: [f] }))).rejects.toThrow(`${f}: missing column(s) Area Code; expected`);
  });

  it("an export re-saved by fingertipsR or R (IndicatorID, Lower.CI.95.0.limit, Timeperiod) reads as the publisher's", async () => {
    const t = tempDir();
    const squeezed = Papa.unparse([Papa.parse<string[]>(header).data[0]!.map((h, i) => (i % 2 ? h.replaceAll(" ", "") : h.replaceAll(" ", ".")))]);
    expect(squeezed).toContain("Indicator.ID,IndicatorName");
    const f = t.write("fingertipsR.csv", [squeezed, ...records.slice(1, 40)].join("\r\n"));
    const g = t.write("publisher.csv", [header, ...records.slice(1, 40)].join("\r\n"));
    const read = async (file: string) => {
      const { db } = await runSources(health({ fingertips: [file] }));
      try {
        return await db.all(`SELECT indicator_id, area_code, sex, age, period_label, period_type, value, lower95, upper95 FROM staging.fingertips_values ORDER BY ALL`);
      } finally {
        db.close();
      }
    };
    const [a, b] = [await read(f), await read(g)];
    expect(a.length).toBeGreaterThan(10);
    expect(a).toEqual(b);
  });

  it("local counts: a negative count and a blank area are rejected with line and column", async () => {
    const t = tempDir();
    const f = t.write("local.csv", `area_code,period,numerator,denominator\n${MEDWAY},2019/20,10,100\n${MEDWAY},2020/21,-1,100\n,2021/22,5,50\n`);
    const { db } = await runSources(health({ local: [{ measure: "breastfeeding_6_8_weeks", files: [f] }] }));
    try {
      expect((await loadCounts(db))["local.csv"]).toEqual({ read: 3, loaded: 1, rejected: 2 });
      expect(await db.all(`SELECT line::INTEGER line, "column" FROM audit.rejects ORDER BY 1`)).toEqual([{ line: 3, column: "numerator" }, { line: 4, column: "area_code" }]);
      expect(await db.all(`SELECT measure, area_code, period_label, numerator FROM staging.local_counts`)).toEqual([
        { measure: "breastfeeding_6_8_weeks", area_code: MEDWAY, period_label: "2019/20", numerator: 10 },
      ]);
    } finally {
      db.close();
    }
  });

  it("local counts from a workbook, as partners send them: its sheet of counts below a title, staged as the CSV is, rejects at Excel's row numbers; two sheets of counts each load; a workbook of none is named", async () => {
    const t = tempDir();
    const rows = [[MEDWAY, "2019/20", 10, 100], [MEDWAY, "2020/21", -1, 100], [MEDWAY, "2021/22", 12, 120]];
    const csv = t.write("local.csv", `area_code,period,numerator,denominator\n${rows.map((r) => r.join(",")).join("\n")}\n`);
    const book = async (name: string, sheets: Record<string, (string | number)[][]>) => {
      const wb = new ExcelJS.Workbook();
      for (const [sheet, cells] of Object.entries(sheets)) wb.addWorksheet(sheet).addRows(cells);
      const file = path.join(t.dir, name);
      await wb.xlsx.writeFile(file);
      return file;
    };
    const header = ["area_code", "period", "numerator", "denominator"];
    const one = await book("visits.xlsx", { Notes: [["Health visiting: notes only"]], Counts: [["Health visiting counts, Medway"], [], header, ...rows] });
    const staged = async (file: string) => {
      const { db } = await runSources(health({ local: [{ measure: "breastfeeding_6_8_weeks", files: [file] }] }));
      try {
        return {
          counts: await loadCounts(db),
          rejects: await db.all(`SELECT path, line::INTEGER line, "column" FROM audit.rejects ORDER BY 1, 2`),
          values: await db.all(`SELECT measure, area_code, period_label, numerator, denominator FROM staging.local_counts ORDER BY period_label`),
        };
      } finally {
        db.close();
      }
    };
    const [fromCsv, fromBook] = [await staged(csv), await staged(one)];
    expect(fromCsv.values).toHaveLength(2);
    expect(fromBook.values).toEqual(fromCsv.values);
    expect(fromBook.counts["visits.xlsx"]).toEqual({ read: 3, loaded: 2, rejected: 1 });
    // The bad count at its row in Excel (row 5: title, blank, header, then the data), under the workbook's own path.
    expect(fromBook.rejects).toEqual([{ path: one, line: 5, column: "numerator" }]);
    const two = await book("two-years.xlsx", { "2019-20": [header, rows[0]!], "2021-22": [header, rows[2]!] });
    const both = await staged(two);
    expect(both.values).toEqual(fromCsv.values);
    expect(Object.keys(both.counts).filter((k) => k.startsWith("two-years.xlsx")).sort()).toEqual(["two-years.xlsx#2019-20", "two-years.xlsx#2021-22"]);
    const none = await book("none.xlsx", { Notes: [["nothing here"]] });
    await expect(runSources(health({ local: [{ measure: "breastfeeding_6_8_weeks", files: [none] }] }))).rejects.toThrow(messages.workbookNoTable(none, "a local counts file (area_code, period, numerator, denominator)"));
  });

  it("a KS2 file given as Fingertips is named", async () => {
    const f = realData("dfe", "2016-2017_850_ks2final.csv");
    await expect(runSources(health({ fingertips: [f] }))).rejects.toThrow(messages.wrongKindOfFile(f, fingertipsFormat.title, "a DfE KS2 performance table"));
  });
});

describe.skipIf(!hasShared)(`Fingertips hand-made exports: two indicators, sex breakdowns, an MSOA, a region row, period layouts${sharedSkipReason}`, () => {
  let db: Warehouse;
  beforeAll(async () => {
    const t = tempDir();
    const f = t.write("two.csv", fingertipsExport(TWO_INDICATORS));
    ({ db } = await runSources(health({ fingertips: [f] })));
  });
  afterAll(() => db?.close());

  it("loads every row and stages sexes other than the headline Persons as breakdowns", async () => {
    expect((await loadCounts(db))["two.csv"]).toEqual({ read: 10, loaded: 10, rejected: 0 });
    expect(await db.all(`SELECT breakdown, value FROM staging.fingertips_values WHERE indicator_id = '99901' AND area_code = $m ORDER BY 1`, { m: MEDWAY })).toEqual([
      { breakdown: "all", value: 170.5 }, { breakdown: "sex:Female", value: 140.3 }, { breakdown: "sex:Male", value: 200.1 },
    ]);
  });

  it("reads area types whatever their vintage suffix: MSOA, Counties & UAs (from Apr 2021), England, Region", async () => {
    expect(await db.all(`SELECT DISTINCT area_type, area_level FROM staging.fingertips_values ORDER BY 1`)).toEqual([
      { area_type: "Counties & UAs (from Apr 2021)", area_level: "authority" }, { area_type: "England", area_level: "country" },
      { area_type: "MSOA", area_level: "msoa" }, { area_type: "Region", area_level: "region" },
    ]);
  });

  it("reads pooled calendar years, pooled financial years and financial quarters; warns of a label it cannot read", async () => {
    expect(await db.all(`SELECT DISTINCT period_label, period_type, period_start::VARCHAR s, period_end::VARCHAR e FROM staging.fingertips_values ORDER BY 1`)).toEqual([
      { period_label: "2016/17 - 18/19", period_type: "pooled_3_financial_years", s: "2016-04-01", e: "2019-03-31" },
      { period_label: "2017 - 19", period_type: "multi_year", s: "2017-01-01", e: "2019-12-31" },
      { period_label: "2019/20 Q4", period_type: "quarter", s: "2020-01-01", e: "2020-03-31" },
      { period_label: "Jan 2019", period_type: null, s: null, e: null },
    ]);
    expect(await db.all(`SELECT code, message FROM audit.warnings WHERE code = 'fingertips_period_unread'`)).toEqual([
      { code: "fingertips_period_unread", message: messages.fingertipsPeriodUnread("99902", "Jan 2019", 1) },
    ]);
  });

  it("reads every Fingertips period layout, across a century", async () => {
    const labels = ["2015", "2021/22", "2099/00", "2015 - 17", "1998 - 02", "2016/17 - 18/19", "2014/15 - 18/19", "2019 Q2", "2019/20 Q1", "2019/20 Q4"];
    const p = fingertipsPeriodSql("l");
    const rows = await db.all(`SELECT l, ${p.type} AS t, ${p.start}::VARCHAR AS s, ${p.end}::VARCHAR AS e FROM (VALUES ${labels.map((l) => `('${l}')`).join(", ")}) v(l)`);
    expect(rows).toEqual([
      { l: "2015", t: "calendar_year", s: "2015-01-01", e: "2015-12-31" },
      { l: "2021/22", t: "financial_year", s: "2021-04-01", e: "2022-03-31" },
      { l: "2099/00", t: "financial_year", s: "2099-04-01", e: "2100-03-31" },
      { l: "2015 - 17", t: "multi_year", s: "2015-01-01", e: "2017-12-31" },
      { l: "1998 - 02", t: "multi_year", s: "1998-01-01", e: "2002-12-31" },
      { l: "2016/17 - 18/19", t: "pooled_3_financial_years", s: "2016-04-01", e: "2019-03-31" },
      { l: "2014/15 - 18/19", t: "multi_year", s: "2014-04-01", e: "2019-03-31" },
      { l: "2019 Q2", t: "quarter", s: "2019-04-01", e: "2019-06-30" },
      { l: "2019/20 Q1", t: "quarter", s: "2019-04-01", e: "2019-06-30" },
      { l: "2019/20 Q4", t: "quarter", s: "2020-01-01", e: "2020-03-31" },
    ]);
  });
});
