/**
 * Frozen baselines. The first run stores the baseline period's values of every indicator (its
 * headline period type, every area and breakdown) in `marts.baselines`, with a hash of the input
 * files they came from; later runs carry them forward. When baseline-period data are revised
 * (the recomputed value differs), the run records the revision in `audit.baseline_revisions` and
 * keeps the frozen value, unless the config says `baseline.rebase`.
 */
import { createHash } from "node:crypto";
import type { Context } from "../pipelines/core/context.ts";
import type { Indicator } from "./indicators/define.ts";

/** Source slots an indicator's values depend on. */
export function indicatorSlots(ind: Indicator): string[] {
  const slots = new Set(["geography", ind.domain]);
  if ("population" in ind.denominator || ind.numerator.kind === "lsoa_measure") slots.add("population");
  if (ind.domain === "deprivation") slots.add("population");
  return [...slots].sort();
}

type SourceFile = { slot: string; path: string; sha256: string };
const sourceFiles = (ctx: Context) => ctx.db.all<SourceFile>(`SELECT slot, path, sha256 FROM audit.source_files ORDER BY slot, path`);

/** Hash of the input files (slot and content hash) behind some source slots. */
function hashOf(rows: readonly SourceFile[], slots: string[]): string {
  const h = createHash("sha256");
  for (const r of rows) if (slots.includes(r.slot)) h.update(`${r.slot}\t${r.sha256}\n`);
  return h.digest("hex");
}

/** SQL: true when two values are not the same (both NULL is the same; equal to a part in 10^9 is the same). */
const differsSql = (a: string, b: string) =>
  `NOT (${a} IS NOT DISTINCT FROM ${b} OR (${a} IS NOT NULL AND ${b} IS NOT NULL AND abs(${a} - ${b}) <= 1e-9 * greatest(1, abs(${a}), abs(${b}))))`;

/**
 * Freeze or check the baseline. `prev` is the schema alias of the previous warehouse (attached),
 * or null on a first build; `copy`: this warehouse is a copy of it (a refresh), whose frozen rows
 * are the previous run's already. Returns counts of frozen, kept and rebased rows. Set-based:
 * every indicator's baseline-period values at once (`_bl_current`), against the frozen rows.
 */
export async function freezeBaselines(
  ctx: Context, indicators: readonly Indicator[], prev: string | null, { copy = false }: { copy?: boolean } = {},
): Promise<{ frozen: number; revised: number; rebased: number }> {
  const { db, config } = ctx;
  const period = config.baseline.period;
  await db.run(`DELETE FROM audit.baseline_revisions`);
  if (prev && copy) {
    // The previous run's frozen rows are here: only those of another baseline period go (a national
    // refresh copied its 184,000 rows over again, 0.23 s).
    await db.run(`DELETE FROM marts.baselines WHERE period_label IS DISTINCT FROM $p`, { p: period });
  } else {
    await db.run(`DELETE FROM marts.baselines`);
    if (prev && (await db.hasTable("marts.baselines", prev))) {
      await db.run(`INSERT INTO marts.baselines SELECT * FROM ${prev}.marts.baselines WHERE period_label = $p`, { p: period });
    }
  }
  // Each indicator's headline period type and the hash of the inputs behind it, in catalogue order.
  const files = await sourceFiles(ctx);
  await db.run(`CREATE OR REPLACE TEMP TABLE _bl_ind (indicator_id VARCHAR, period_type VARCHAR, inputs_sha256 VARCHAR, ord INTEGER)`);
  await db.insertRows("_bl_ind", ["indicator_id", "period_type", "inputs_sha256", "ord"],
    indicators.map((ind, ord) => ({ indicator_id: ind.id, period_type: ind.periods[0]!, inputs_sha256: hashOf(files, indicatorSlots(ind)), ord })));
  await db.run(`CREATE OR REPLACE TEMP TABLE _bl_current AS
    SELECT v.*, i.inputs_sha256 AS _hash, i.ord AS _ord FROM marts.indicator_values v
    JOIN _bl_ind i ON i.indicator_id = v.indicator_id AND i.period_type = v.period_type WHERE v.period_label = $p`, { p: period });
  const match = "k.indicator_id = c.indicator_id AND k.period_type = c.period_type AND k.area_code = c.area_code AND k.breakdown = c.breakdown";
  // Revised: a frozen value the inputs now give differently (or now withhold, or now publish).
  const action = config.baseline.rebase ? "rebased" : "kept frozen";
  await db.run(`INSERT INTO audit.baseline_revisions
    SELECT c.indicator_id, c.area_code, c.breakdown, $p, k.value, c.value, k.inputs_sha256, c._hash, $a
    FROM _bl_current c JOIN marts.baselines k ON ${match}
    WHERE ${differsSql("k.value", "c.value")} OR k.is_suppressed <> c.is_suppressed ORDER BY c._ord, c.area_code, c.breakdown`, { p: period, a: action });
  const revised = Number((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM audit.baseline_revisions`))!.n);
  if (config.baseline.rebase && revised) {
    await db.run(`DELETE FROM marts.baselines k USING audit.baseline_revisions r, _bl_ind i
      WHERE i.indicator_id = r.indicator_id AND k.indicator_id = r.indicator_id AND k.period_type = i.period_type AND k.area_code = r.area_code AND k.breakdown = r.breakdown`);
  }
  // Frozen now: every current value with no frozen row (new areas, new indicators, rebased values).
  const before = Number((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM marts.baselines`))!.n);
  await db.run(`INSERT INTO marts.baselines
    SELECT indicator_id, area_code, breakdown, period_type, period_label, numerator, denominator, value, lower95, upper95, lower998, upper998,
           is_suppressed, _hash, $f::TIMESTAMP
    FROM _bl_current c WHERE NOT EXISTS (SELECT 1 FROM marts.baselines k WHERE ${match}) ORDER BY _ord, area_code, breakdown`, { f: ctx.clock.now().toISOString() });
  const frozen = Number((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM marts.baselines`))!.n) - before;
  await db.run(`DROP TABLE IF EXISTS _bl_ind; DROP TABLE IF EXISTS _bl_current`);
  return { frozen, revised, rebased: config.baseline.rebase ? revised : 0 };
}
