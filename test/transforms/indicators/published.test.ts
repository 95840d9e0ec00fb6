/**
 * Published (Fingertips) indicators: every indicator of an export measured as `fingertips.<ID>`,
 * OHID's values kept as published, compared with the export's own region and England rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { loadIndicators, type Indicator } from "../../../transforms/indicators/define.ts";
import { measureIndicators } from "../../../transforms/indicators/measure.ts";
import { publishedIndicators } from "../../../transforms/indicators/published.ts";
import { compareIndicators } from "../../../transforms/compare.ts";
import { FINGERTIPS_CATALOGUE, type FingertipsEntry } from "../../../transforms/indicators/catalogue/fingertips.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { MEDWAY, realConfig, runSources, tempDir } from "../../sources/helpers.ts";
import { fingertipsExport, TWO_INDICATORS } from "../../sources/health/fingertips-export.ts";

const health = (files: string[]) => realConfig({ sources: { health: { fingertips: files } } });
const DSR: FingertipsEntry = { id: 99901, title: "Preventable mortality", short: "Preventable mortality", unit: "per 100,000", polarity: "low_is_good", valueType: "directly standardised rate" };

/** Stages 1-2, then the published indicators measured and compared. */
async function measured(files: string[], catalogue: readonly FingertipsEntry[]): Promise<{ db: Warehouse; indicators: Indicator[] }> {
  const { db, ctx } = await runSources(health(files));
  const { indicators, errors } = loadIndicators(await publishedIndicators(ctx, catalogue));
  expect(errors).toEqual([]);
  await measureIndicators(ctx, indicators);
  await compareIndicators(ctx, indicators);
  return { db, indicators };
}

describe.skipIf(!hasShared)(`the real Campylobacter export as fingertips.93356${sharedSkipReason}`, () => {
  let db: Warehouse;
  let indicators: Indicator[];
  beforeAll(async () => {
    ({ db, indicators } = await measured([realData("fingertips", "indicators-CountyUA.data.csv")], FINGERTIPS_CATALOGUE));
  });
  afterAll(() => db?.close());

  it("becomes one indicator keyed by its ID, with the catalogue's polarity and unit, by calendar year", () => {
    expect(indicators.map((i) => [i.id, i.method, i.polarity, i.unit, i.periods])).toEqual([["fingertips.93356", "published", "low_is_good", "per 100,000", ["calendar_year"]]]);
  });

  it("keeps Medway 2015 exactly as OHID published it, and names the method", async () => {
    expect(await db.one(`SELECT area_type, period_start::VARCHAR s, numerator, denominator, value, lower95, upper95, lower998, upper998, method, is_suppressed
      FROM marts.indicator_values WHERE indicator_id = 'fingertips.93356' AND area_code = $m AND period_label = '2015' AND breakdown = 'all'`, { m: MEDWAY })).toEqual({
      area_type: "authority", s: "2015-01-01", numerator: 198, denominator: 276492, value: 71.6114751963891, lower95: 61.9836668089318, upper95: 82.3110086030816,
      lower998: null, upper998: null, method: "crude rate, as published by OHID", is_suppressed: false,
    });
  });

  it("keeps the 0-9 age rows and the deprivation deciles as breakdowns", async () => {
    expect(await db.one(`SELECT value FROM marts.indicator_values WHERE area_code = $m AND period_label = '2015' AND breakdown = 'age:0-9 yrs'`, { m: MEDWAY })).toEqual({ value: 134.4934537 });
    expect(await db.one(`SELECT count(*)::INTEGER n FROM marts.indicator_values WHERE breakdown LIKE 'category:%'`)).toEqual({ n: 60 });
  });

  it("compares Medway with the export's own South East and England rows, as OHID flagged them (2015 better than both; 2016 similar to England)", async () => {
    expect(await db.all(`SELECT period_label, comparator_code, comparator_value, outcome FROM marts.indicator_comparisons
      WHERE area_code = $m AND breakdown = 'all' AND level = '95' ORDER BY 1, 2`, { m: MEDWAY })).toEqual([
      { period_label: "2015", comparator_code: "E12000008", comparator_value: 105.845910660955, outcome: "better" },
      { period_label: "2015", comparator_code: "E92000001", comparator_value: 94.7261896202678, outcome: "better" },
      { period_label: "2016", comparator_code: "E12000008", comparator_value: 100.495252925978, outcome: "better" },
      { period_label: "2016", comparator_code: "E92000001", comparator_value: 89.1292253807248, outcome: "similar" },
      { period_label: "2017", comparator_code: "E12000008", comparator_value: 118.010741281835, outcome: "better" },
      { period_label: "2017", comparator_code: "E92000001", comparator_value: 96.6109417215551, outcome: "similar" },
    ]);
  });
});

describe.skipIf(!hasShared)(`a hand-made export: a DSR by sex, an unknown indicator by MSOA${sharedSkipReason}`, () => {
  let db: Warehouse;
  let indicators: Indicator[];
  beforeAll(async () => {
    const f = tempDir().write("two.csv", fingertipsExport(TWO_INDICATORS));
    ({ db, indicators } = await measured([f], [DSR]));
  });
  afterAll(() => db?.close());

  it("makes two indicators: the catalogued DSR first, the unknown one with no polarity and a warning", async () => {
    expect(indicators.map((i) => [i.id, i.polarity, i.unit, i.periods])).toEqual([
      ["fingertips.99901", "low_is_good", "per 100,000", ["multi_year"]],
      ["fingertips.99902", "no_judgement", "as published", ["quarter", "pooled_3_financial_years"]],
    ]);
    expect(await db.all(`SELECT message FROM audit.warnings WHERE code = 'fingertips_unknown_indicator'`)).toEqual([
      { message: messages.fingertipsUnknownIndicator("99902", "Obese children, small area") },
    ]);
  });

  it("keeps the DSR as published (not count / denominator), with both limits, for persons, males and females", async () => {
    expect(await db.all(`SELECT breakdown, value, lower95, upper95, lower998, upper998, numerator, method FROM marts.indicator_values
      WHERE indicator_id = 'fingertips.99901' AND area_code = $m ORDER BY breakdown`, { m: MEDWAY })).toEqual([
      { breakdown: "all", value: 170.5, lower95: 160.1, upper95: 181.2, lower998: 155, upper998: 187, numerator: 1100, method: "directly standardised rate, as published by OHID" },
      { breakdown: "sex:Female", value: 140.3, lower95: 127, upper95: 154, lower998: 122, upper998: 160, numerator: 500, method: "directly standardised rate, as published by OHID" },
      { breakdown: "sex:Male", value: 200.1, lower95: 185, upper95: 216, lower998: 180, upper998: 222, numerator: 600, method: "directly standardised rate, as published by OHID" },
    ]);
  });

  it("compares Medway's DSR with the export's region and England at 95% and 99.8%", async () => {
    expect(await db.all(`SELECT comparator_kind, level, outcome FROM marts.indicator_comparisons WHERE indicator_id = 'fingertips.99901' AND area_code = $m AND breakdown = 'all' ORDER BY 1, 2`, { m: MEDWAY })).toEqual([
      { comparator_kind: "country", level: "95", outcome: "worse" }, { comparator_kind: "country", level: "99.8", outcome: "worse" },
      { comparator_kind: "region", level: "95", outcome: "worse" }, { comparator_kind: "region", level: "99.8", outcome: "worse" },
    ]);
  });

  it("keeps MSOAs of the authority as msoa areas, suppresses a published count of 3, and measures no unreadable period", async () => {
    expect(await db.all(`SELECT area_code, area_type, period_type, period_label, value, is_suppressed, suppression_reason FROM marts.indicator_values
      WHERE indicator_id = 'fingertips.99902' ORDER BY area_code, period_label`)).toEqual([
      { area_code: "E02003315", area_type: "msoa", period_type: "pooled_3_financial_years", period_label: "2016/17 - 18/19", value: 30.5, is_suppressed: false, suppression_reason: null },
      { area_code: "E02003316", area_type: "msoa", period_type: "pooled_3_financial_years", period_label: "2016/17 - 18/19", value: null, is_suppressed: true, suppression_reason: messages.suppressedSmallCount(5) },
      { area_code: "E02003316", area_type: "msoa", period_type: "quarter", period_label: "2019/20 Q4", value: 20, is_suppressed: false, suppression_reason: null },
      { area_code: "E92000001", area_type: "country", period_type: "pooled_3_financial_years", period_label: "2016/17 - 18/19", value: 20.2, is_suppressed: false, suppression_reason: null },
    ]);
  });
});
