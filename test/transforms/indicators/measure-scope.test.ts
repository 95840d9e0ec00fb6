/** planMeasure: what a refresh keeps, measures for the changed months, or measures again. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { fixedClock, silentLogger, type Context } from "../../../pipelines/core/context.ts";
import type { Config } from "../../../pipelines/core/config.ts";
import { normaliseIndicator } from "../../../transforms/indicators/define.ts";
import { measureFingerprint, planMeasure, planSummary, recordMeasureState, tablesRead } from "../../../transforms/indicators/measure-scope.ts";

const config = { parent: "Z06000001", focus: [{ ward: "Z05000001" }], focusAreas: [{ code: "Z05000001", kind: "ward", wards: ["Z05000001"] }] } as unknown as Config;
const events = normaliseIndicator({
  id: "crime.test_rate", domain: "crime", title: "Test", source: "test",
  numerator: { kind: "events", from: "staging.ev", date: "month", area: "lsoa_code" },
  denominator: { population: "all_ages" }, method: "rate", multiplier: 1000, polarity: "low_is_good", periods: ["month", "financial_year"],
});
const counts = normaliseIndicator({
  id: "school.test_prop", domain: "school", title: "Test", source: "test",
  numerator: { kind: "counts", from: "staging.cn", date: "d", area: "code", numerator: "x", denominator: "n" },
  method: "proportion", polarity: "high_is_good",
});
const indicators = [events, counts];

let db: Warehouse;
let ctx: Context;
const schema = async (prefix: string) => {
  await db.run(`CREATE TABLE ${prefix}staging.ev (month DATE, lsoa_code VARCHAR, crime_type VARCHAR)`);
  await db.run(`CREATE TABLE ${prefix}staging.population_lsoa (lsoa_code VARCHAR, year INTEGER, sex VARCHAR, age INTEGER, age_to INTEGER, population DOUBLE)`);
  await db.run(`CREATE TABLE ${prefix}ref.area_members (area_code VARCHAR, area_type VARCHAR, lsoa_code VARCHAR)`);
  await db.run(`CREATE TABLE ${prefix}ref.lsoa_ward (lsoa_code VARCHAR, ward_code VARCHAR, lad_code VARCHAR)`);
  await db.run(`CREATE TABLE ${prefix}staging.cn (d DATE, code VARCHAR, x DOUBLE, n DOUBLE)`);
  await db.run(`INSERT INTO ${prefix}staging.ev VALUES ('2024-01-01', 'Z01', 'a'), ('2024-02-01', 'Z01', 'b'), ('2024-03-01', 'Z02', 'a')`);
  await db.run(`INSERT INTO ${prefix}staging.population_lsoa VALUES ('Z01', 2024, 'all', 0, 90, 1500), ('Z02', 2024, 'all', 0, 90, 1700)`);
  await db.run(`INSERT INTO ${prefix}ref.area_members VALUES ('Z05000001', 'ward', 'Z01'), ('Z05000002', 'ward', 'Z02')`);
  await db.run(`INSERT INTO ${prefix}ref.lsoa_ward VALUES ('Z01', 'Z05000001', 'Z06000001'), ('Z02', 'Z05000002', 'Z06000001')`);
  await db.run(`INSERT INTO ${prefix}staging.cn VALUES ('2024-01-01', 'Z05000001', 10, 50)`);
};

beforeEach(async () => {
  db = await Warehouse.open();
  await db.run(`ATTACH ':memory:' AS prev`);
  for (const s of ["staging", "ref", "audit", "marts"]) await db.run(`CREATE SCHEMA IF NOT EXISTS prev.${s}`);
  await db.run(`CREATE TABLE prev.marts.indicator_values (indicator_id VARCHAR)`);
  await schema("");
  await schema("prev.");
  ctx = { db, config, log: silentLogger, clock: fixedClock("2025-06-30T12:00:00Z") };
  await db.run(`CREATE TABLE prev.audit.measure_state (fingerprint VARCHAR)`);
  await db.run(`INSERT INTO prev.audit.measure_state VALUES ($f)`, { f: measureFingerprint(ctx, indicators) });
});
afterEach(() => db.close());

describe("planMeasure", () => {
  it("reads the tables an indicator's SQL names", () => {
    expect(tablesRead(events, config.parent)).toEqual(["ref.area_members", "ref.lsoa_ward", "staging.ev", "staging.population_lsoa"]);
  });

  it("keeps every indicator whose inputs are unchanged", async () => {
    const plan = await planMeasure(ctx, indicators, "prev");
    expect(Object.fromEntries(plan!)).toEqual({ "crime.test_rate": { kind: "keep" }, "school.test_prop": { kind: "keep" } });
    expect(planSummary(plan!)).toBe("refresh: 2 indicators kept, 0 measured for the changed months, 0 measured again");
  });

  it("a new month of events: only that month's periods; a re-issued month in the middle: from it to the last changed month", async () => {
    await db.run(`INSERT INTO staging.ev VALUES ('2024-04-01', 'Z01', 'a')`);
    let plan = await planMeasure(ctx, indicators, "prev");
    expect(plan!.get("crime.test_rate")).toEqual({ kind: "periods", from: "2024-04-01", to: "2024-04-30" });
    expect(plan!.get("school.test_prop")).toEqual({ kind: "keep" });
    expect(planSummary(plan!)).toBe("refresh: 1 indicators kept, 1 measured for the changed months (2024-04), 0 measured again");
    await db.run(`UPDATE staging.ev SET crime_type = 'c' WHERE month = '2024-02-01'`);
    plan = await planMeasure(ctx, indicators, "prev");
    expect(plan!.get("crime.test_rate")).toEqual({ kind: "periods", from: "2024-02-01", to: "2024-04-30" });
  });

  it("an event without a date, a changed population or lookup: measured again in full", async () => {
    await db.run(`INSERT INTO staging.ev VALUES (NULL, 'Z01', 'a')`);
    expect((await planMeasure(ctx, indicators, "prev"))!.get("crime.test_rate")).toMatchObject({ kind: "all" });
    await db.run(`DELETE FROM staging.ev WHERE month IS NULL; UPDATE staging.population_lsoa SET population = 1501 WHERE lsoa_code = 'Z01'`);
    expect((await planMeasure(ctx, indicators, "prev"))!.get("crime.test_rate")).toEqual({ kind: "all", why: "staging.population_lsoa changed" });
    await db.run(`UPDATE staging.population_lsoa SET population = 1500 WHERE lsoa_code = 'Z01'; UPDATE ref.lsoa_ward SET ward_code = 'Z05000009' WHERE lsoa_code = 'Z02'`);
    const plan = await planMeasure(ctx, indicators, "prev");
    expect(plan!.get("crime.test_rate")).toEqual({ kind: "all", why: "ref.lsoa_ward changed" });
    expect(plan!.get("school.test_prop")).toEqual({ kind: "all", why: "ref.lsoa_ward changed" });
  });

  it("no plan (measure everything) when the previous values were measured with other code or definitions, or not recorded", async () => {
    const changed = [normaliseIndicator({ ...events, multiplier: 100000 } as never), counts];
    expect(await planMeasure(ctx, changed, "prev")).toBeNull();
    // recordMeasureState writes the current warehouse's row (what the next refresh reads as prev).
    await recordMeasureState(ctx, "something else");
    expect(await db.one(`SELECT fingerprint FROM audit.measure_state`)).toEqual({ fingerprint: "something else" });
    await db.run(`UPDATE prev.audit.measure_state SET fingerprint = 'old code'`);
    expect(await planMeasure(ctx, indicators, "prev")).toBeNull();
    await db.run(`DROP TABLE prev.audit.measure_state`);
    expect(await planMeasure(ctx, indicators, "prev")).toBeNull();
  });
});

describe("planMeasure on a build without a source", () => {
  it("keeps an events indicator whose table neither warehouse has (a build with no complaints), and measures it in full when the table appears or goes", async () => {
    await db.run(`DROP TABLE staging.ev; DROP TABLE prev.staging.ev`);
    expect((await planMeasure(ctx, indicators, "prev"))!.get("crime.test_rate")).toEqual({ kind: "keep" });
    await db.run(`CREATE TABLE staging.ev (month DATE, lsoa_code VARCHAR, crime_type VARCHAR)`);
    expect((await planMeasure(ctx, indicators, "prev"))!.get("crime.test_rate")).toEqual({ kind: "all", why: "staging.ev changed" });
    await db.run(`DROP TABLE staging.ev; CREATE TABLE prev.staging.ev (month DATE, lsoa_code VARCHAR, crime_type VARCHAR)`);
    expect((await planMeasure(ctx, indicators, "prev"))!.get("crime.test_rate")).toEqual({ kind: "all", why: "staging.ev changed" });
  });
});

describe("planMeasure with a table of months known to be missing", () => {
  const withMissing = normaliseIndicator({ ...events, id: "crime.test_missing_rate", numerator: { ...events.numerator, missing: "staging.ev_missing" } } as never);
  beforeEach(async () => {
    for (const p of ["", "prev."]) await db.run(`CREATE TABLE ${p}staging.ev_missing (month DATE, lsoa_code VARCHAR, reason VARCHAR)`);
    await db.run(`UPDATE prev.audit.measure_state SET fingerprint = $f`, { f: measureFingerprint(ctx, [withMissing]) });
  });

  it("reads the missing table and compares it month by month: a month found missing, or its file arriving, plans that month's periods only", async () => {
    expect(tablesRead(withMissing, config.parent)).toContain("staging.ev_missing");
    expect((await planMeasure(ctx, [withMissing], "prev"))!.get(withMissing.id)).toEqual({ kind: "keep" });
    await db.run(`INSERT INTO staging.ev_missing VALUES ('2024-04-01', NULL, 'r')`);
    expect((await planMeasure(ctx, [withMissing], "prev"))!.get(withMissing.id)).toEqual({ kind: "periods", from: "2024-04-01", to: "2024-04-30" });
    // The file arrives: the events change in April, the missing row goes (prev had it).
    await db.run(`DELETE FROM staging.ev_missing; INSERT INTO prev.staging.ev_missing VALUES ('2024-04-01', NULL, 'r'); INSERT INTO staging.ev VALUES ('2024-04-01', 'Z01', 'a')`);
    expect((await planMeasure(ctx, [withMissing], "prev"))!.get(withMissing.id)).toEqual({ kind: "periods", from: "2024-04-01", to: "2024-04-30" });
    await db.run(`INSERT INTO staging.ev_missing VALUES (NULL, NULL, 'r')`);
    expect((await planMeasure(ctx, [withMissing], "prev"))!.get(withMissing.id)).toEqual({ kind: "all", why: "staging.ev_missing changed in rows without a date" });
  });
});
