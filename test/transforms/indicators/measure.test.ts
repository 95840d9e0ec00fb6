/** valueRow: statistics by method and primary suppression; the period SQL; the indicator normaliser. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqlCannotTake, valueRow, valueSql, type CountRow } from "../../../transforms/indicators/measure.ts";
import { loadIndicators, normaliseIndicator, type IndicatorSpec } from "../../../transforms/indicators/define.ts";
import { periodSql } from "../../../transforms/indicators/periods.ts";
import { CATALOGUE } from "../../../transforms/indicators/catalogue/index.ts";
import { crudeRate, proportion } from "../../../transforms/stats/index.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";

const spec = (over: Partial<IndicatorSpec> = {}): IndicatorSpec => ({
  id: "crime.test_rate", domain: "crime", title: "Test", source: "test",
  numerator: { kind: "events", from: "staging.crime_events", date: "month", area: "lsoa_code" },
  denominator: { population: "all_ages" }, method: "rate", multiplier: 1000, polarity: "low_is_good", ...over,
});
const row = (x: number | null, n: number | null): CountRow => ({
  area_code: "Z05000001", area_type: "ward", period_label: "2023/24", period_start: "2023-04-01", period_end: "2024-03-31",
  breakdown: "all", numerator: x, denominator: n, note: null,
});

describe("valueRow", () => {
  const rate = normaliseIndicator(spec());
  const prop = normaliseIndicator(spec({ id: "health.test_prop", domain: "health", method: "proportion", multiplier: undefined, polarity: "high_is_good" }));

  it("computes a rate with the stats module's limits", () => {
    const v = valueRow(rate, "financial_year", row(42, 15189));
    const e = crudeRate(42, 15189, { multiplier: 1000 });
    expect(v).toMatchObject({ value: e.value, lower95: e.lower95, upper95: e.upper95, lower998: e.lower998, upper998: e.upper998, is_suppressed: false });
  });
  it("shows zero, suppresses 1 to 4, shows 5", () => {
    expect(valueRow(rate, "financial_year", row(0, 1000))).toMatchObject({ value: 0, is_suppressed: false, numerator: 0 });
    for (const x of [1, 2, 3, 4]) {
      const v = valueRow(rate, "financial_year", row(x, 1000));
      expect(v).toMatchObject({ value: null, lower95: null, numerator: null, is_suppressed: true, suppression_reason: messages.suppressedSmallCount(5) });
    }
    expect(valueRow(rate, "financial_year", row(5, 1000)).is_suppressed).toBe(false);
  });
  it("suppresses a proportion whose complement is 1 to 4, but not numerator = denominator", () => {
    expect(valueRow(prop, "financial_year", row(97, 100))).toMatchObject({ is_suppressed: true, suppression_reason: messages.suppressedSmallComplement(5) });
    const all = valueRow(prop, "financial_year", row(50, 50));
    const e = proportion(50, 50, { multiplier: 100 });
    expect(all).toMatchObject({ is_suppressed: false, value: 100, upper95: 100, lower95: e.lower95 });
  });
  it("gives a reason, never NaN, when the denominator is missing or zero", () => {
    expect(valueRow(rate, "financial_year", row(10, 0))).toMatchObject({ value: null, is_suppressed: true, suppression_reason: messages.noDenominator() });
    expect(valueRow(rate, "financial_year", row(10, null))).toMatchObject({ value: null, is_suppressed: true });
  });
});

describe("valueRow, published values", () => {
  const pub = normaliseIndicator(spec({
    id: "fingertips.99901", domain: "health", method: "published", polarity: "low_is_good", denominator: undefined, multiplier: undefined,
    numerator: { kind: "published", from: "staging.fingertips_values", label: "directly standardised rate, as published by OHID" },
  }));
  const published = (x: number | null, value: number | null, note: string | null = null): CountRow => ({
    ...row(x, 830000), note, value, lower95: 160.1, upper95: 181.2, lower998: 155, upper998: 187,
  });

  it("keeps the value and both limits as published (a DSR is not count / denominator) and names the method", () => {
    expect(valueRow(pub, "multi_year", published(1100, 170.5))).toMatchObject({
      numerator: 1100, denominator: 830000, value: 170.5, lower95: 160.1, upper95: 181.2, lower998: 155, upper998: 187,
      method: "directly standardised rate, as published by OHID", is_suppressed: false,
    });
    expect(pub).toMatchObject({ multiplier: 1, unit: "as published", needIndex: true });
  });
  it("withholds a published count of 1 to 4, and a blank value with the publisher's note", () => {
    expect(valueRow(pub, "multi_year", published(3, 1.2))).toMatchObject({ value: null, lower95: null, numerator: null, is_suppressed: true, suppression_reason: messages.suppressedSmallCount(5) });
    expect(valueRow(pub, "multi_year", published(null, null, "Value for Cornwall & Isles of Scilly combined"))).toMatchObject({
      value: null, is_suppressed: true, suppression_reason: "Value for Cornwall & Isles of Scilly combined",
    });
    expect(valueRow(pub, "multi_year", published(null, 20.5))).toMatchObject({ value: 20.5, numerator: null, is_suppressed: false });
  });
});

describe("indicator definitions", () => {
  it("the starter catalogue normalises without errors and covers every domain", () => {
    const { indicators, errors } = loadIndicators(CATALOGUE);
    expect(errors).toEqual([]);
    expect(new Set(indicators.map((i) => i.domain))).toEqual(new Set(["crime", "health", "school", "survey", "complaints", "economy", "deprivation"]));
  });
  it("reports a bad option precisely and keeps the good definitions", () => {
    const { indicators, errors } = loadIndicators([spec(), spec({ id: "crime.bad", polarity: "hgh" as never })]);
    expect(indicators.map((i) => i.id)).toEqual(["crime.test_rate"]);
    expect(errors).toEqual([messages.invalidOption("polarity", "hgh", "indicator crime.bad", ["high_is_good", "low_is_good", "no_judgement"])]);
  });
  it("fills defaults visibly", () => {
    const i = normaliseIndicator(spec({ multiplier: undefined, periods: undefined, suppress: undefined }));
    expect(i).toMatchObject({ multiplier: 1000, periods: ["financial_year"], suppress: { minCount: 5, minBase: 30 }, unit: "per 1,000" });
  });
});

describe("periods", () => {
  let db: Warehouse;
  beforeAll(async () => void (db = await Warehouse.open()));
  afterAll(() => db.close());
  const at = async (type: Parameters<typeof periodSql>[0], d: string) => {
    const p = periodSql(type, `DATE '${d}'`);
    return db.one(`SELECT ${p.label} AS label, ${p.start}::VARCHAR AS start, ${p.end}::VARCHAR AS "end"`);
  };
  it("financial years run April to March", async () => {
    expect(await at("financial_year", "2024-03-31")).toEqual({ label: "2023/24", start: "2023-04-01", end: "2024-03-31" });
    expect(await at("financial_year", "2024-04-01")).toEqual({ label: "2024/25", start: "2024-04-01", end: "2025-03-31" });
    expect(await at("financial_year", "2099-06-01")).toEqual({ label: "2099/00", start: "2099-04-01", end: "2100-03-31" });
  });
  it("academic years run September to August; quarters and months", async () => {
    expect(await at("academic_year", "2023-08-31")).toEqual({ label: "2022/23", start: "2022-09-01", end: "2023-08-31" });
    expect(await at("quarter", "2024-02-29")).toEqual({ label: "2024-Q1", start: "2024-01-01", end: "2024-03-31" });
    expect(await at("month", "2024-02-10")).toEqual({ label: "2024-02", start: "2024-02-01", end: "2024-02-29" });
  });
});

describe("median", () => {
  it("is the middle value with order-statistic limits that contain it", async () => {
    const { median } = await import("../../../transforms/stats/index.ts");
    expect(median([5, 1, 3]).value).toBe(3);
    expect(median([4, 1, 3, 2]).value).toBe(2.5);
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    const m = median(xs);
    // n = 100: ranks floor(50 - 1.96*5) = 40 and ceil(51 + 9.8) = 61
    expect(m).toMatchObject({ value: 50.5, lower95: 40, upper95: 61 });
    expect(m.lower998!).toBeLessThanOrEqual(m.lower95!);
    expect(m.upper998!).toBeGreaterThanOrEqual(m.upper95!);
    expect(() => median([])).toThrow(/non-empty/);
    expect(() => median([1, Number.NaN])).toThrow(/finite/);
  });
});

describe("valueSql: rates and proportions in SQL, the same doubles as valueRow", () => {
  let db: Warehouse;
  beforeAll(async () => {
    db = await Warehouse.open();
    await db.run(`CREATE TABLE counts (area_code VARCHAR, area_type VARCHAR, period_label VARCHAR, period_start DATE, period_end DATE,
      breakdown VARCHAR, numerator DOUBLE, denominator DOUBLE, note VARCHAR)`);
  });
  afterAll(() => db.close());

  // Seeded: the same 4,000 count rows every run, weighted to the edges (0, 1..9, 10, complements, no denominator).
  let seed = 20261126;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const countRows = (proportion: boolean): CountRow[] =>
    Array.from({ length: 4000 }, (_, i) => {
      const n = pick([null, 0, -3, 1, 7, 12, 100, 1013.5, Math.floor(rnd() * 1e6) + 1, rnd() * 5e4 + 0.5]);
      let x: number | null = pick([null, 0, 1, 2, 4, 5, 9, 10, 11, Math.floor(rnd() * 40), Math.floor(rnd() * 1e5), rnd() * 500 + 10]);
      if (proportion && x !== null && n !== null && n > 0) x = pick([x > n ? n : x, n, n - 1, n - 4, Math.floor(n / 2)]);
      if (proportion && x !== null && x < 0) x = 0;
      return {
        ...row(x, n), area_code: `Z05${String(i).padStart(6, "0")}`, note: pick([null, null, "denominator: person-years (population x 3 years)"]),
      };
    });
  const compare = async (ind: ReturnType<typeof normaliseIndicator>, rows: CountRow[]) => {
    await db.run(`DELETE FROM counts`);
    await db.insertRows("counts", ["area_code", "area_type", "period_label", "period_start", "period_end", "breakdown", "numerator", "denominator", "note"],
      rows as unknown as Record<string, unknown>[]);
    expect(await db.one(sqlCannotTake(ind, "counts"))).toBeUndefined();
    const fromSql = await db.all(`SELECT * FROM (${valueSql(ind, "financial_year", "counts")}) ORDER BY area_code`);
    const fromJs = rows.map((r) => valueRow(ind, "financial_year", r));
    expect(fromSql.length).toBe(fromJs.length);
    let cells = 0;
    for (const [i, js] of fromJs.entries()) {
      expect(fromSql[i], `row ${i}: x=${rows[i]!.numerator}, n=${rows[i]!.denominator}`).toEqual({ ...js });
      cells += Object.values(js).filter((v) => typeof v === "number").length;
    }
    return cells;
  };

  it("rates: exact Poisson below 10, Byar's from 10, suppression and missing denominators, several multipliers", async () => {
    for (const [multiplier, minCount] of [[1000, 5], [100000, 10], [1, 3]] as const) {
      const ind = normaliseIndicator(spec({ multiplier, suppress: { minCount } }));
      expect(await compare(ind, countRows(false))).toBeGreaterThan(10000);
    }
  });
  it("proportions: Wilson limits, small complements (not for deprivation shares), x = n and x = 0", async () => {
    for (const over of [{ domain: "health", multiplier: 100 }, { domain: "school", multiplier: 1 }, { domain: "deprivation", multiplier: 100 }] as const) {
      const ind = normaliseIndicator(spec({ id: `${over.domain}.test_prop`, method: "proportion", polarity: "high_is_good", ...over }));
      expect(await compare(ind, countRows(true))).toBeGreaterThan(10000);
    }
  });
  it("hands a count the stats module would refuse (negative, above the denominator, fractional below 10) to the JS path", async () => {
    const rate = normaliseIndicator(spec());
    const prop = normaliseIndicator(spec({ id: "health.test_prop", domain: "health", method: "proportion", multiplier: 100, polarity: "high_is_good" }));
    const flagged = async (ind: typeof rate, x: number, n: number) => {
      await db.run(`DELETE FROM counts`);
      await db.insertRows("counts", ["area_code", "area_type", "period_label", "period_start", "period_end", "breakdown", "numerator", "denominator", "note"],
        [row(x, n) as unknown as Record<string, unknown>]);
      return Boolean(await db.one(sqlCannotTake(ind, "counts")));
    };
    expect(await flagged(rate, -1, 100)).toBe(true);
    expect(await flagged(rate, 2.5, 100)).toBe(true);
    expect(await flagged(rate, 12.5, 100)).toBe(false);
    expect(await flagged(prop, 101, 100)).toBe(true);
    expect(await flagged(prop, 100, 100)).toBe(false);
    expect(() => valueRow(prop, "financial_year", row(101, 100))).toThrow();
  });
});

describe("published or modelled estimates (method estimate)", () => {
  it("takes the value as given, with no interval, no small-count suppression, and says why", () => {
    const est = normaliseIndicator(spec({ id: "economy.test_estimate", domain: "economy", method: "estimate", multiplier: 100, polarity: "low_is_good", unit: undefined }));
    expect(est.unit).toBe("%");
    expect(valueRow(est, "calendar_year", row(3, 20))).toMatchObject({
      value: 15, lower95: null, upper95: null, is_suppressed: false, method: "published or modelled estimate", suppression_reason: messages.noIntervalEstimate(),
    });
  });
});
