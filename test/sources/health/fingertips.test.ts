/** Fingertips exports (the real Campylobacter file) and the local counts format, with broken copies. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { MEDWAY, loadCounts, realConfig, runSources, tempDir } from "../helpers.ts";
import { fingertipsFormat } from "../../../sources/health/fingertips.ts";

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

  it("keeps area rows and leaves the 60 deprivation-decile rows out of staging", async () => {
    expect(await db.one(`SELECT count(*)::INTEGER n FROM raw.fingertips WHERE coalesce(trim(category_type), '') <> ''`)).toEqual({ n: 60 });
    expect(await db.one(`SELECT count(*)::INTEGER n FROM staging.fingertips_values`)).toEqual({ n: 852 - 60 });
    expect(await db.all(`SELECT DISTINCT area_type FROM staging.fingertips_values ORDER BY 1`)).toEqual([
      { area_type: "Country" }, { area_type: "County & UA" }, { area_type: "Region" },
    ]);
  });

  it("reads Medway 2015 exactly, with both comparison columns whatever the parent's name", async () => {
    const r = await db.one<Record<string, unknown>>(`SELECT period_label, period_date::VARCHAR d, round(value, 2) v, round(lower95, 2) lo, round(upper95, 2) hi, count, denominator,
      compared_to_england, compared_to_parent, parent_code FROM staging.fingertips_values WHERE area_code = $m`, { m: MEDWAY });
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
      expect(await db.one(`SELECT count(compared_to_parent)::INTEGER n FROM raw.fingertips`)).toEqual({ n: 19 });
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
    const renamed = header.replace("Area Code", "AreaCode");
    const f = t.write("renamed.csv", [renamed, ...records.slice(1, 4)].join("\r\n"));
    await expect(runSources(health({ fingertips: [f] }))).rejects.toThrow(`${f}: missing column(s) Area Code; expected`);
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

  it("a KS2 file given as Fingertips is named", async () => {
    const f = realData("dfe", "2016-2017_850_ks2final.csv");
    await expect(runSources(health({ fingertips: [f] }))).rejects.toThrow(messages.wrongKindOfFile(f, fingertipsFormat.title, "a DfE KS2 performance table"));
  });
});
