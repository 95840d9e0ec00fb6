/**
 * The county comparator of a district (a two-tier area): a ward is compared with its district's
 * shire county where both have a value, and a config that leaves `county` out is told how to add
 * it. A tiny warehouse: Thanet -> Kent -> South East -> England, one ward.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { fixedClock, silentLogger, type Context } from "../../pipelines/core/context.ts";
import type { Config } from "../../pipelines/core/config.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { createCoreTables } from "../../transforms/marts.ts";
import { batchesOf, compareIndicators, comparatorLinks, compareTuning } from "../../transforms/compare.ts";
import { normaliseIndicator } from "../../transforms/indicators/define.ts";

const [WARD, THANET, KENT, SE, ENGLAND] = ["E05005093", "E07000114", "E10000016", "E12000008", "E92000001"];
const configWith = (comparators: string[]) =>
  ({ parent: THANET, comparators, geography: { hierarchy: "hierarchy.csv" }, focus: [{ ward: WARD }], focusAreas: [{ code: WARD, kind: "ward", wards: [WARD] }] }) as unknown as Config;
const ind = normaliseIndicator({
  id: "crime.test_rate", domain: "crime", title: "Test", source: "test", numerator: { kind: "events", from: "staging.ev", date: "month", area: "lsoa_code" },
  denominator: { population: "all_ages" }, method: "rate", polarity: "low_is_good",
});

let db: Warehouse;
const ctxWith = (comparators: string[]): Context => ({ db, config: configWith(comparators), log: silentLogger, clock: fixedClock("2025-06-30T12:00:00Z") });
beforeEach(async () => {
  db = await Warehouse.open();
  await createCoreTables(db);
  await db.run(`INSERT INTO ref.areas VALUES ($w, 'Margate Central', 'ward', $t, 'WD19'), ($t, 'Thanet', 'authority', $k, 'LAD19'),
    ($k, 'Kent', 'county', $s, 'CTY19'), ($s, 'South East', 'region', $e, 'RGN19'), ($e, 'England', 'country', NULL, 'CTRY19')`,
  { w: WARD, t: THANET, k: KENT, s: SE, e: ENGLAND });
  const row = (area: string, type: string, value: number, lower: number, upper: number) =>
    `('crime.test_rate', '${area}', '${type}', 'financial_year', '2018/19', DATE '2018-04-01', DATE '2019-03-31', 'all', 10, 100, ${value}, ${lower}, ${upper}, ${lower}, ${upper}, 'Byars', false, NULL)`;
  await db.run(`INSERT INTO marts.indicator_values VALUES ${[row(WARD, "ward", 120, 110, 130), row(THANET, "authority", 100, 95, 105), row(KENT, "county", 90, 88, 92)].join(", ")}`);
});
afterEach(() => db.close());

describe("a district's county comparator", () => {
  it("compares the ward and the district with Kent, in the config's order", async () => {
    const ctx = ctxWith(["parent", "county", "region", "country"]);
    expect((await comparatorLinks(ctx)).filter((l) => l.comparator_kind === "county")).toEqual([
      { area_code: WARD, comparator_kind: "county", comparator_code: KENT }, { area_code: THANET, comparator_kind: "county", comparator_code: KENT },
    ]);
    await compareIndicators(ctx, [ind]);
    expect(await db.all(`SELECT area_code, comparator_value, outcome FROM marts.indicator_comparisons WHERE comparator_kind = 'county' AND level = '95' ORDER BY 1`)).toEqual([
      { area_code: WARD, comparator_value: 90, outcome: "worse" }, { area_code: THANET, comparator_value: 90, outcome: "worse" },
    ]);
    expect(await db.all(`SELECT code FROM audit.warnings`)).toEqual([]);
  });

  it("a comparators list without county (copied from a unitary's config) is told how to add it", async () => {
    await compareIndicators(ctxWith(["parent", "region", "country"]), [ind]);
    expect(await db.all(`SELECT code, subject, message FROM audit.warnings`)).toEqual([
      { code: "county_not_compared", subject: KENT, message: messages.countyNotCompared(THANET, KENT, "Kent") },
    ]);
    expect(messages.countyNotCompared(THANET, KENT, "Kent")).toBe(
      'E07000114 is a district of Kent (E10000016), which is not among the comparators: add "county" to comparators to compare with it (values published only for the county are shown either way)');
    expect(await db.one(`SELECT count(*)::INTEGER n FROM marts.indicator_comparisons WHERE comparator_kind = 'county'`)).toEqual({ n: 0 });
  });
});

describe("comparison statements", () => {
  it("group consecutive indicators up to a number of values, an indicator over it alone", () => {
    const counts = [{ id: "a", n: 3 }, { id: "b", n: 4 }, { id: "c", n: 9 }, { id: "d", n: 1 }, { id: "e", n: 2 }];
    expect(batchesOf(counts, 8)).toEqual([["a", "b"], ["c"], ["d", "e"]]);
    expect(batchesOf(counts, 100)).toEqual([["a", "b", "c", "d", "e"]]);
    expect(batchesOf(counts, 0)).toEqual([["a"], ["b"], ["c"], ["d"], ["e"]]);
    expect(batchesOf([], 8)).toEqual([]);
  });

  it("write the same rows in the same order whether they take one indicator or several", async () => {
    // Two more indicators with values of their own, sorted before and after the first.
    for (const [id, shift] of [["crime.a_rate", -30], ["crime.z_rate", 15]] as const) {
      await db.run(`INSERT INTO marts.indicator_values SELECT * REPLACE ($id AS indicator_id, value + $s AS value, lower95 + $s AS lower95, upper95 + $s AS upper95)
        FROM marts.indicator_values WHERE indicator_id = 'crime.test_rate'`, { id, s: shift });
    }
    const inds = ["crime.a_rate", "crime.test_rate", "crime.z_rate"].map((id) => ({ ...ind, id }));
    const ctx = ctxWith(["parent", "county", "region", "country"]);
    const written = async () => db.all(`SELECT * FROM marts.indicator_comparisons ORDER BY rowid`);
    const usual = { ...compareTuning };
    try {
      compareTuning.batchValues = 0; // an indicator a statement
      await compareIndicators(ctx, inds);
      const one = await written();
      compareTuning.batchValues = usual.batchValues; // all three in one
      await compareIndicators(ctx, inds);
      const all = await written();
      expect(new Set(one.map((r) => (r as { indicator_id: string }).indicator_id))).toEqual(new Set(["crime.a_rate", "crime.test_rate", "crime.z_rate"]));
      expect(all).toEqual(one);
    } finally {
      Object.assign(compareTuning, usual);
    }
  });
});
