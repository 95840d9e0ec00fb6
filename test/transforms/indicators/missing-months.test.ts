/**
 * A month known to be missing (a header-only police.uk file, a month a force published no file
 * for) is missing data, not zero crimes: the value of the month and of every longer period
 * containing it is withheld with the reason, and periods without it are untouched (issue 15).
 * A tiny warehouse: two wards of one LSOA each, 24 months of events (2017-04 to 2019-03).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { fixedClock, silentLogger, type Context } from "../../../pipelines/core/context.ts";
import type { Config } from "../../../pipelines/core/config.ts";
import { createCoreTables } from "../../../transforms/marts.ts";
import { normaliseIndicator } from "../../../transforms/indicators/define.ts";
import { measureIndicators } from "../../../transforms/indicators/measure.ts";
import { planMeasure } from "../../../transforms/indicators/measure-scope.ts";

const config = { parent: "Z06000001", focus: [{ ward: "Z05000001" }], focusAreas: [{ code: "Z05000001", kind: "ward", wards: ["Z05000001"] }] } as unknown as Config;
const MISSING = "staging.ev_missing";
const rate = normaliseIndicator({
  id: "crime.test_rate", domain: "crime", title: "Test", source: "test",
  numerator: { kind: "events", from: "staging.ev", date: "month", area: "lsoa_code", missing: MISSING },
  denominator: { population: "all_ages" }, method: "rate", multiplier: 1000, polarity: "low_is_good",
  periods: ["month", "quarter", "financial_year", "rolling_12_months"],
});
const REASON = "withheld: no police.uk data for 2018-12 (2018-12-kent-street.csv has a header and no rows)";

let db: Warehouse;
let ctx: Context;
/** Months 2017-04 .. 2019-03 as first days. */
const MONTHS = Array.from({ length: 24 }, (_, i) => new Date(Date.UTC(2017, 3 + i, 1)).toISOString().slice(0, 10));

beforeEach(async () => {
  db = await Warehouse.open();
  await createCoreTables(db);
  ctx = { db, config, log: silentLogger, clock: fixedClock("2025-06-30T12:00:00Z") };
  await db.run(`CREATE TABLE staging.ev (month DATE, lsoa_code VARCHAR)`);
  await db.run(`CREATE TABLE ${MISSING} (month DATE, lsoa_code VARCHAR, reason VARCHAR)`);
  await db.run(`CREATE TABLE staging.population_lsoa (lsoa_code VARCHAR, year INTEGER, sex VARCHAR, age INTEGER, age_to INTEGER, population DOUBLE)`);
  await db.run(`CREATE TABLE ref.area_members (area_code VARCHAR, area_type VARCHAR, lsoa_code VARCHAR)`);
  await db.run(`CREATE TABLE ref.lsoa_ward (lsoa_code VARCHAR, ward_code VARCHAR, lad_code VARCHAR)`);
  await db.run(`INSERT INTO staging.population_lsoa VALUES ('Z01', 2018, 'all', 0, 90, 1500), ('Z02', 2018, 'all', 0, 90, 1700)`);
  await db.run(`INSERT INTO ref.area_members VALUES ('Z05000001', 'ward', 'Z01'), ('Z05000002', 'ward', 'Z02'),
    ('Z06000001', 'authority', 'Z01'), ('Z06000001', 'authority', 'Z02')`);
  await db.run(`INSERT INTO ref.lsoa_ward VALUES ('Z01', 'Z05000001', 'Z06000001'), ('Z02', 'Z05000002', 'Z06000001')`);
  // 10 crimes a month in each LSOA.
  await db.run(`INSERT INTO staging.ev SELECT m::DATE, l FROM unnest([${MONTHS.map((m) => `'${m}'`).join(", ")}]) t(m), unnest(['Z01', 'Z02']) u(l), range(10)`);
});
afterEach(() => db.close());

type Value = { area_code: string; period_type: string; period_label: string; numerator: number | null; value: number | null; is_suppressed: boolean; suppression_reason: string | null };
const values = (where = "true") => db.all<Value>(`SELECT area_code, period_type, period_label, numerator, value, is_suppressed, suppression_reason
  FROM marts.indicator_values WHERE ${where} ORDER BY area_code, period_type, period_label`);
const one = async (area: string, type: string, label: string) => (await values(`area_code = '${area}' AND period_type = '${type}' AND period_label = '${label}'`))[0];

describe("a month known to be missing", () => {
  it("for every LSOA: the month, its quarter, its financial year and the 12-month windows containing it are withheld with the reason; other periods are published", async () => {
    // The month has no events at all (a single-force build whose December file is header-only).
    await db.run(`DELETE FROM staging.ev WHERE month = '2018-12-01'`);
    await db.run(`INSERT INTO ${MISSING} VALUES ('2018-12-01', NULL, $r)`, { r: REASON });
    await measureIndicators(ctx, [rate]);
    const withheld = { numerator: null, value: null, is_suppressed: true, suppression_reason: REASON };
    for (const area of ["Z05000001", "Z05000002", "Z06000001"]) {
      expect(await one(area, "month", "2018-12")).toMatchObject(withheld);
      expect(await one(area, "quarter", "2018-Q4")).toMatchObject(withheld);
      expect(await one(area, "financial_year", "2018/19")).toMatchObject(withheld);
      expect(await one(area, "rolling_12_months", "12 months to 2018-12")).toMatchObject(withheld);
      expect(await one(area, "rolling_12_months", "12 months to 2019-03")).toMatchObject(withheld);
    }
    // Periods without the month are unaffected.
    expect(await one("Z05000001", "financial_year", "2017/18")).toMatchObject({ numerator: 120, is_suppressed: false, suppression_reason: null });
    expect(await one("Z05000001", "rolling_12_months", "12 months to 2018-11")).toMatchObject({ numerator: 120, is_suppressed: false });
    expect(await one("Z05000001", "month", "2018-11")).toMatchObject({ numerator: 10, is_suppressed: false });
    expect(await one("Z06000001", "quarter", "2019-Q1")).toMatchObject({ numerator: 60, is_suppressed: false });
    // Every withheld row is one containing the month; each period type still has all its periods.
    const suppressed = await values("is_suppressed");
    expect(suppressed.every((r) => r.suppression_reason === REASON)).toBe(true);
    expect(new Set(suppressed.map((r) => `${r.period_type} ${r.period_label}`)).size).toBe(1 + 1 + 1 + 4);
    expect((await values("period_type = 'month' AND area_code = 'Z05000001'")).length).toBe(24);
  });

  it("for one LSOA only (another force's area had its month): that LSOA's ward and the authority are withheld, the other ward is published; never shown as a drop", async () => {
    // Z02's force published nothing for December; Z01's did.
    await db.run(`DELETE FROM staging.ev WHERE month = '2018-12-01' AND lsoa_code = 'Z02'`);
    await db.run(`INSERT INTO ${MISSING} VALUES ('2018-12-01', 'Z02', $r)`, { r: REASON });
    await measureIndicators(ctx, [rate]);
    expect(await one("Z05000001", "month", "2018-12")).toMatchObject({ numerator: 10, is_suppressed: false });
    expect(await one("Z05000001", "financial_year", "2018/19")).toMatchObject({ numerator: 120, is_suppressed: false });
    for (const area of ["Z05000002", "Z06000001"]) {
      for (const [type, label] of [["month", "2018-12"], ["quarter", "2018-Q4"], ["financial_year", "2018/19"]]) {
        expect(await one(area, type!, label!)).toMatchObject({ numerator: null, value: null, is_suppressed: true, suppression_reason: REASON });
      }
    }
    expect(await one("Z05000002", "month", "2018-11")).toMatchObject({ numerator: 10, is_suppressed: false });
  });

  it("two missing months in one period give both reasons, in month order", async () => {
    const other = "withheld: no police.uk data for 2018-06 (no file for Kent Police)";
    await db.run(`DELETE FROM staging.ev WHERE month IN ('2018-06-01', '2018-12-01')`);
    await db.run(`INSERT INTO ${MISSING} VALUES ('2018-12-01', NULL, $r), ('2018-06-01', NULL, $o)`, { r: REASON, o: other });
    await measureIndicators(ctx, [rate]);
    expect(await one("Z05000001", "financial_year", "2018/19")).toMatchObject({ is_suppressed: true, suppression_reason: `${other}; ${REASON}` });
    expect(await one("Z05000001", "quarter", "2018-Q2")).toMatchObject({ is_suppressed: true, suppression_reason: other });
    expect(await one("Z05000001", "financial_year", "2017/18")).toMatchObject({ numerator: 120, is_suppressed: false });
  });
});

describe("a refresh that receives the missing month's real file", () => {
  /** Copy this warehouse's inputs and values to an attached `prev`, as a refresh sees the previous warehouse. */
  const keepAsPrevious = async () => {
    await db.run(`ATTACH ':memory:' AS prev`);
    for (const t of ["staging.ev", MISSING, "staging.population_lsoa", "ref.area_members", "ref.lsoa_ward", "marts.indicator_values", "audit.measure_state"]) {
      await db.run(`CREATE SCHEMA IF NOT EXISTS prev.${t.split(".")[0]}; CREATE TABLE prev.${t} AS SELECT * FROM ${t}`);
    }
  };

  it("plans the periods containing the month again and fills them in, as a full build would", async () => {
    await db.run(`DELETE FROM staging.ev WHERE month = '2018-12-01'`);
    await db.run(`INSERT INTO ${MISSING} VALUES ('2018-12-01', NULL, $r)`, { r: REASON });
    await measureIndicators(ctx, [rate]);
    expect(await one("Z05000001", "financial_year", "2018/19")).toMatchObject({ is_suppressed: true, suppression_reason: REASON });
    // This warehouse becomes the previous one; the refresh's staging has December and no missing month.
    await keepAsPrevious();
    await db.run(`INSERT INTO staging.ev SELECT DATE '2018-12-01', l FROM unnest(['Z01', 'Z02']) u(l), range(10); DELETE FROM ${MISSING}`);
    const plan = await planMeasure(ctx, [rate], "prev");
    expect(plan!.get(rate.id)).toEqual({ kind: "periods", from: "2018-12-01", to: "2018-12-31" });
    await measureIndicators(ctx, [rate], plan);
    expect(await one("Z05000001", "financial_year", "2018/19")).toMatchObject({ numerator: 120, is_suppressed: false, suppression_reason: null });
    expect(await one("Z06000001", "month", "2018-12")).toMatchObject({ numerator: 20, is_suppressed: false });
    const refreshed = await values();
    await measureIndicators(ctx, [rate]);
    expect(refreshed).toEqual(await values());
    expect(refreshed.filter((r) => r.is_suppressed)).toEqual([]);
  });

  it("a month newly found missing (a re-issued file that is header-only): only the periods containing it are measured again, and withheld", async () => {
    await measureIndicators(ctx, [rate]);
    await keepAsPrevious();
    await db.run(`DELETE FROM staging.ev WHERE month = '2018-12-01' AND lsoa_code = 'Z02'; INSERT INTO ${MISSING} VALUES ('2018-12-01', 'Z02', $r)`, { r: REASON });
    const plan = await planMeasure(ctx, [rate], "prev");
    expect(plan!.get(rate.id)).toEqual({ kind: "periods", from: "2018-12-01", to: "2018-12-31" });
    await measureIndicators(ctx, [rate], plan);
    expect(await one("Z05000002", "financial_year", "2018/19")).toMatchObject({ numerator: null, is_suppressed: true, suppression_reason: REASON });
    const refreshed = await values();
    await measureIndicators(ctx, [rate]);
    expect(refreshed).toEqual(await values());
  });
});
