/**
 * Frozen baselines across runs: the first run freezes the baseline period's values; a later run
 * whose inputs give another value records the revision and keeps the frozen value, or with
 * `baseline.rebase` freezes the new one; a value newly published is frozen as it comes.
 */
import { describe, expect, it } from "vitest";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { createCoreTables } from "../../transforms/marts.ts";
import { fixedClock, silentLogger, type Context } from "../../pipelines/core/context.ts";
import { freezeBaselines } from "../../transforms/baselines.ts";
import { loadIndicators, type IndicatorSpec } from "../../transforms/indicators/define.ts";
import { VALUE_COLUMNS } from "../../transforms/indicators/measure.ts";
import type { Config } from "../../pipelines/core/config.ts";

const spec: IndicatorSpec = {
  id: "crime.test_rate", domain: "crime", title: "Test rate", source: "test",
  numerator: { kind: "events", from: "staging.crime_events", date: "month", area: "lsoa_code" },
  denominator: { population: "all_ages" }, method: "rate", multiplier: 1000, polarity: "low_is_good", periods: ["financial_year", "month"],
};
const { indicators } = loadIndicators([spec]);

async function warehouse(rebase: boolean): Promise<Context> {
  const db = await Warehouse.open();
  await createCoreTables(db);
  const config = { parent: "Z06000001", baseline: { period: "2023/24", rebase } } as unknown as Config;
  return { db, config, log: silentLogger, clock: fixedClock("2025-01-01T00:00:00Z") };
}

/** The year's value of each area (NULL: withheld), replacing any earlier ones. */
async function setValues(ctx: Context, values: Record<string, number | null>) {
  await ctx.db.run(`DELETE FROM marts.indicator_values`);
  await ctx.db.insertRows("marts.indicator_values", VALUE_COLUMNS as string[], Object.entries(values).map(([area, v]) => ({
    indicator_id: spec.id, area_code: area, area_type: "ward", period_type: "financial_year", period_label: "2023/24", period_start: "2023-04-01", period_end: "2024-03-31",
    breakdown: "all", numerator: v === null ? null : v * 10, denominator: 10000, value: v, lower95: null, upper95: null, lower998: null, upper998: null,
    method: "crude rate", is_suppressed: v === null, suppression_reason: v === null ? "small count" : null,
  })));
}

/**
 * The run after: the last warehouse attached as `prev` (its baselines), this one's values as given;
 * `copy`: this warehouse is a copy of the last one (a refresh), else a new one beside it (a build),
 * whose baselines (none yet) are only what `prev` has.
 */
async function nextRun(ctx: Context, values: Record<string, number | null>, copy: boolean) {
  await ctx.db.run(`DETACH DATABASE IF EXISTS prev; ATTACH ':memory:' AS prev; CREATE SCHEMA prev.marts; CREATE TABLE prev.marts.baselines AS SELECT * FROM marts.baselines`);
  if (!copy) await ctx.db.run(`DELETE FROM marts.baselines`);
  await setValues(ctx, values);
  return freezeBaselines(ctx, indicators, "prev", { copy });
}

const frozenValues = async (ctx: Context) =>
  Object.fromEntries((await ctx.db.all<{ a: string; v: number | null }>(`SELECT area_code AS a, value AS v FROM marts.baselines ORDER BY 1`)).map((r) => [r.a, r.v]));

describe("frozen baselines", () => {
  for (const copy of [false, true]) for (const rebase of [false, true]) {
    it(`${copy ? "a refresh" : "a build"}: a revised value is recorded and ${rebase ? "rebased" : "kept frozen"}; a value first published later is frozen then`, async () => {
      const ctx = await warehouse(rebase);
      try {
        await setValues(ctx, { Z05000001: 40, Z05000002: 50, Z05000003: null });
        expect(await freezeBaselines(ctx, indicators, null)).toEqual({ frozen: 3, revised: 0, rebased: 0 });
        // The same values again: nothing revised, nothing frozen anew (a part in 10^12 is the same value).
        expect(await nextRun(ctx, { Z05000001: 40 * (1 + 1e-12), Z05000002: 50, Z05000003: null }, copy)).toEqual({ frozen: 0, revised: 0, rebased: 0 });
        // One value revised, one withheld value now published, one area new.
        const r = await nextRun(ctx, { Z05000001: 45, Z05000002: 50, Z05000003: 60, Z05000004: 70 }, copy);
        expect(r).toEqual(rebase ? { frozen: 3, revised: 2, rebased: 2 } : { frozen: 1, revised: 2, rebased: 0 });
        expect(await ctx.db.all(`SELECT area_code, frozen_value, revised_value, action FROM audit.baseline_revisions ORDER BY 1`)).toEqual([
          { area_code: "Z05000001", frozen_value: 40, revised_value: 45, action: rebase ? "rebased" : "kept frozen" },
          { area_code: "Z05000003", frozen_value: null, revised_value: 60, action: rebase ? "rebased" : "kept frozen" },
        ]);
        expect(await frozenValues(ctx)).toEqual(rebase
          ? { Z05000001: 45, Z05000002: 50, Z05000003: 60, Z05000004: 70 }
          : { Z05000001: 40, Z05000002: 50, Z05000003: null, Z05000004: 70 });
      } finally {
        ctx.db.close();
      }
    });
  }

  for (const copy of [false, true]) {
    it(`${copy ? "a refresh" : "a build"} after the baseline period changed freezes the new period's values; none of the old period's stay`, async () => {
      const ctx = await warehouse(false);
      try {
        await setValues(ctx, { Z05000001: 40, Z05000002: 50 });
        await freezeBaselines(ctx, indicators, null);
        await ctx.db.run(`UPDATE marts.baselines SET period_label = '2022/23'`);
        expect(await nextRun(ctx, { Z05000001: 45, Z05000002: 50 }, copy)).toEqual({ frozen: 2, revised: 0, rebased: 0 });
        expect(await ctx.db.all(`SELECT DISTINCT period_label FROM marts.baselines`)).toEqual([{ period_label: "2023/24" }]);
        expect(await frozenValues(ctx)).toEqual({ Z05000001: 45, Z05000002: 50 });
      } finally {
        ctx.db.close();
      }
    });
  }
});
