/**
 * Recent trends on quarters (series of months: 20 months give six complete quarters and a
 * marker) and definition breaks (a declared break, a population base change, a value note, a
 * police.uk LSOA vintage change): each is a `definition_break` warning, and no trend spans one.
 */
import { describe, expect, it } from "vitest";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { createCoreTables } from "../../transforms/marts.ts";
import { fixedClock, silentLogger, type Context } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { computeTrends, trendPeriodNumber } from "../../transforms/trends.ts";
import { findSeriesBreaks } from "../../transforms/series-breaks.ts";
import { loadIndicators, type IndicatorSpec } from "../../transforms/indicators/define.ts";
import { VALUE_COLUMNS } from "../../transforms/indicators/measure.ts";
import { crudeRate } from "../../transforms/stats/index.ts";
import type { Config } from "../../pipelines/core/config.ts";
import { CATALOGUE } from "../../transforms/indicators/catalogue/index.ts";

const rateSpec = (over: Partial<IndicatorSpec> = {}): IndicatorSpec => ({
  id: "crime.test_rate", domain: "crime", title: "Test rate", source: "test",
  numerator: { kind: "events", from: "staging.crime_events", date: "month", area: "lsoa_code" },
  denominator: { population: "all_ages" }, method: "rate", multiplier: 1000, polarity: "low_is_good", periods: ["quarter"], ...over,
});

async function warehouse(): Promise<Context> {
  const db = await Warehouse.open();
  await createCoreTables(db);
  return { db, config: { parent: "Z06000001" } as unknown as Config, log: silentLogger, clock: fixedClock("2025-01-01T00:00:00Z") };
}

/** Quarterly rows of one area: counts over a population of 10,000. */
async function insertQuarters(ctx: Context, id: string, counts: number[], firstYear = 2018, firstQuarter = 4) {
  const rows = counts.map((x, i) => {
    const q = firstQuarter - 1 + i;
    const year = firstYear + Math.floor(q / 4);
    const month = (q % 4) * 3 + 1;
    const start = `${year}-${String(month).padStart(2, "0")}-01`;
    const e = crudeRate(x, 10000, { multiplier: 1000 });
    return {
      indicator_id: id, area_code: "Z05000001", area_type: "ward", period_type: "quarter", period_label: `${year}-Q${(q % 4) + 1}`,
      period_start: start, period_end: start, breakdown: "all", numerator: x, denominator: 10000, value: e.value,
      lower95: e.lower95, upper95: e.upper95, lower998: e.lower998, upper998: e.upper998, method: e.method, is_suppressed: false, suppression_reason: null,
    };
  });
  await ctx.db.insertRows("marts.indicator_values", VALUE_COLUMNS as string[], rows);
}

describe("recent trends on quarters", () => {
  it("numbers quarters consecutively across years", () => {
    expect(trendPeriodNumber("quarter", "2018-10-01") + 1).toBe(trendPeriodNumber("quarter", "2019-01-01"));
    expect(trendPeriodNumber("financial_year", "2019-04-01")).toBe(2019);
  });

  it("20 months (six complete quarters) of a rising series get an increasing marker; four quarters cannot", async () => {
    const ctx = await warehouse();
    try {
      const { indicators } = loadIndicators([rateSpec(), rateSpec({ id: "crime.short_rate" })]);
      await insertQuarters(ctx, "crime.test_rate", [300, 340, 390, 450, 520, 600]);
      await insertQuarters(ctx, "crime.short_rate", [300, 340, 390, 450]);
      await computeTrends(ctx, indicators);
      const t = await ctx.db.all<{ indicator_id: string; direction: string; first_period: string; last_period: string; points: number }>(
        `SELECT indicator_id, direction, first_period, last_period, points FROM marts.indicator_trends WHERE period_type = 'quarter' ORDER BY 1`);
      expect(t).toEqual([
        { indicator_id: "crime.short_rate", direction: "cannot be calculated", first_period: "2018-Q4", last_period: "2019-Q3", points: 4 },
        { indicator_id: "crime.test_rate", direction: "increasing", first_period: "2019-Q1", last_period: "2020-Q1", points: 5 },
      ]);
    } finally {
      ctx.db.close();
    }
  });
});

describe("definition breaks", () => {
  it("a declared break the series spans is a warning, a mart row, and stops the trend at the change", async () => {
    const ctx = await warehouse();
    try {
      const { indicators } = loadIndicators([rateSpec({ breaks: [{ from: "2019-07-01", label: "New recording rules", reason: "the force changed how it records incidents" }] })]);
      await insertQuarters(ctx, "crime.test_rate", [300, 340, 390, 450, 520, 600]);
      expect(await findSeriesBreaks(ctx, indicators)).toBe(1);
      expect(await ctx.db.all(`SELECT indicator_id, break_start::VARCHAR AS b, label FROM marts.series_breaks`)).toEqual([
        { indicator_id: "crime.test_rate", b: "2019-07-01", label: "New recording rules" },
      ]);
      expect(await ctx.db.all(`SELECT subject, message FROM audit.warnings WHERE code = 'definition_break'`)).toEqual([
        { subject: "crime.test_rate", message: messages.definitionBreak("Test rate", "New recording rules", "2019-Q3", "the force changed how it records incidents") },
      ]);
      await computeTrends(ctx, indicators);
      const t = await ctx.db.one<{ direction: string; points: number; note: string }>(`SELECT direction, points, note FROM marts.indicator_trends`);
      expect(t).toMatchObject({ direction: "cannot be calculated", points: 3 });
      expect(t!.note).toContain("since the definition change from 2019-Q3");
    } finally {
      ctx.db.close();
    }
  });

  it("an area whose points all precede a break the indicator has gets no points, and says since when", async () => {
    const ctx = await warehouse();
    try {
      const { indicators } = loadIndicators([rateSpec()]);
      // Another area's series runs past 2019-07-01; this one ends before it.
      await insertQuarters(ctx, "crime.test_rate", [300, 340, 390]);
      await ctx.db.run(`CREATE TABLE marts.series_breaks AS SELECT 'crime.test_rate' AS indicator_id, DATE '2019-07-01' AS break_start, 'x' AS label, 'y' AS reason`);
      await computeTrends(ctx, indicators);
      expect(await ctx.db.one(`SELECT first_period, last_period, points, direction, note FROM marts.indicator_trends`)).toEqual({
        first_period: null, last_period: null, points: 0, direction: "cannot be calculated",
        note: "only 0 point(s); a recent trend needs the 5 most recent annual points (points since the definition change from 2019-07-01 only)",
      });
    } finally {
      ctx.db.close();
    }
  });

  it("a break outside the series is not reported", async () => {
    const ctx = await warehouse();
    try {
      const { indicators } = loadIndicators([rateSpec({ breaks: [{ from: "2015-09-01", label: "x", reason: "y" }] })]);
      await insertQuarters(ctx, "crime.test_rate", [300, 340]);
      expect(await findSeriesBreaks(ctx, indicators)).toBe(0);
      expect(await ctx.db.all(`SELECT * FROM audit.warnings WHERE code = 'definition_break'`)).toEqual([]);
    } finally {
      ctx.db.close();
    }
  });

  it("the KS2 catalogue declares the 2016 change", () => {
    const ks2 = loadIndicators(CATALOGUE).indicators.find((i) => i.id === "school.ks2_rwm_expected")!;
    expect(ks2.breaks).toMatchObject([{ from: "2015-09-01", label: "New KS2 tests (2016)" }]);
  });

  it("a population base change (IoD File 6 bands, then ONS single years), a value note, and a police.uk LSOA vintage change", async () => {
    const ctx = await warehouse();
    const { db } = ctx;
    try {
      await db.run(`CREATE TABLE staging.population_lsoa AS SELECT * FROM (VALUES ('Z01', 2018, 'P', 0, 15, 100.0), ('Z01', 2019, 'F', 0, 0, 10.0)) t(lsoa_code, year, sex, age, age_to, population)`);
      await db.run(`CREATE TABLE staging.crime_events AS SELECT * FROM (VALUES (DATE '2018-12-01', 'a.csv'), (DATE '2019-01-01', 'b.csv')) t(month, _file)`);
      await db.run(`CREATE TABLE audit.lsoa_vintages AS SELECT * FROM (VALUES ('police_street', 'a.csv', 'LSOA11'), ('police_street', 'b.csv', 'LSOA21')) t(source, path, lsoa_vintage)`);
      await db.run(`CREATE TABLE staging.ft AS SELECT * FROM (VALUES ('1', DATE '2018-10-01', NULL), ('1', DATE '2019-04-01', 'New definition from 2019/20')) t(indicator_id, period_date, value_note)`);
      const { indicators } = loadIndicators([
        rateSpec(),
        rateSpec({ id: "health.ft_1", domain: "health", title: "FT", numerator: { kind: "counts", from: "staging.ft", where: "indicator_id = '1'", date: "period_date", area: "x", numerator: "1", denominator: "1" }, denominator: undefined }),
      ]);
      await insertQuarters(ctx, "crime.test_rate", [300, 340, 390, 450, 520, 600]);
      await insertQuarters(ctx, "health.ft_1", [300, 340, 390, 450, 520, 600]);
      await findSeriesBreaks(ctx, indicators);
      expect(await db.all(`SELECT indicator_id, break_start::VARCHAR AS b, label FROM marts.series_breaks ORDER BY ALL`)).toEqual([
        { indicator_id: "crime.test_rate", b: "2019-01-01", label: "Population base changes" },
        { indicator_id: "crime.test_rate", b: "2019-01-01", label: "police.uk 2021 LSOAs" },
        { indicator_id: "health.ft_1", b: "2019-04-01", label: "New definition" },
      ]);
      const w = await db.all<{ message: string }>(`SELECT message FROM audit.warnings WHERE code = 'definition_break' ORDER BY message`);
      expect(w.map((x) => x.message)).toEqual([
        messages.definitionBreak("FT", "New definition", "2019-Q2", `the source's value note says "New definition from 2019/20"`),
        messages.definitionBreak("Test rate", "Population base changes", "2019-Q1", "rates up to 2018 use IoD File 6 (mid-year, broad bands, excluding prisoners) and from 2019 ONS small-area population estimates"),
        messages.definitionBreak("Test rate", "police.uk 2021 LSOAs", "2019-Q1",
          "police.uk coded crimes to 2011 LSOAs up to 2018-12 and to 2021 LSOAs from 2019-01; where neighbourhoods were split or merged, crimes near the changed boundaries may be placed in another ward"),
      ]);
    } finally {
      db.close();
    }
  });
});

describe("recent trends on a refresh", () => {
  /** Attach an in-memory `prev` holding copies of the warehouse's values, trends and trend state, as a refresh attaches the last warehouse. */
  async function snapshotAsPrev(ctx: Context) {
    await ctx.db.run(`ATTACH ':memory:' AS prev; CREATE SCHEMA prev.marts; CREATE SCHEMA prev.audit;
      CREATE TABLE prev.marts.indicator_values AS SELECT * FROM marts.indicator_values;
      CREATE TABLE prev.marts.indicator_trends AS SELECT * FROM marts.indicator_trends;
      CREATE TABLE prev.audit.trend_state AS SELECT * FROM audit.trend_state`);
  }
  const trends = (ctx: Context) => ctx.db.all(`SELECT * FROM marts.indicator_trends ORDER BY ALL`);

  it("computes again only the series whose values changed, and ends with what a full computation gives", async () => {
    const ctx = await warehouse();
    try {
      const { indicators } = loadIndicators([rateSpec(), rateSpec({ id: "crime.other_rate" })]);
      await insertQuarters(ctx, "crime.test_rate", [300, 340, 390, 450, 520]);
      await insertQuarters(ctx, "crime.other_rate", [500, 480, 470, 450, 430]);
      await computeTrends(ctx, indicators);
      await snapshotAsPrev(ctx);
      // A new quarter of one indicator; a mark on the other's kept row shows it was not computed again.
      await insertQuarters(ctx, "crime.test_rate", [600], 2020, 1);
      await ctx.db.run(`UPDATE marts.indicator_trends SET note = 'kept' WHERE indicator_id = 'crime.other_rate'`);
      await computeTrends(ctx, indicators, "prev");
      const after = await trends(ctx);
      expect(after.map((r) => [r.indicator_id, r.last_period, r.note])).toEqual([["crime.other_rate", "2019-Q4", "kept"], ["crime.test_rate", "2020-Q1", null]]);
      await ctx.db.run(`UPDATE marts.indicator_trends SET note = NULL WHERE note = 'kept'`);
      const incremental = await trends(ctx);
      await computeTrends(ctx, indicators);
      expect(incremental).toEqual(await trends(ctx));
    } finally {
      ctx.db.close();
    }
  });

  it("computes every series again when what decides trends changed (a definition break declared since)", async () => {
    const ctx = await warehouse();
    try {
      await insertQuarters(ctx, "crime.test_rate", [300, 340, 390, 450, 520]);
      await computeTrends(ctx, loadIndicators([rateSpec()]).indicators);
      await snapshotAsPrev(ctx);
      await ctx.db.run(`UPDATE marts.indicator_trends SET note = 'kept'`);
      const withBreak = loadIndicators([rateSpec({ breaks: [{ from: "2019-07-01", label: "New recording rules", reason: "r" }] })]).indicators;
      await findSeriesBreaks(ctx, withBreak);
      await computeTrends(ctx, withBreak, "prev");
      expect(await ctx.db.one(`SELECT points, note LIKE '%since the definition change%' AS since FROM marts.indicator_trends`)).toEqual({ points: 2, since: true });
    } finally {
      ctx.db.close();
    }
  });
});
