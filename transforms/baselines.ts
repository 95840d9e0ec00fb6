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
import type { IndicatorValueRow } from "./marts.ts";

/** Source slots an indicator's values depend on. */
export function indicatorSlots(ind: Indicator): string[] {
  const slots = new Set(["geography", ind.domain]);
  if ("population" in ind.denominator || ind.numerator.kind === "lsoa_measure") slots.add("population");
  if (ind.domain === "deprivation") slots.add("population");
  return [...slots].sort();
}

/** Hash of the input files (path and content hash) behind some source slots. */
export async function inputsHash(ctx: Context, slots: string[]): Promise<string> {
  const rows = await ctx.db.all<{ slot: string; path: string; sha256: string }>(
    `SELECT slot, path, sha256 FROM audit.source_files ORDER BY slot, path`,
  );
  const h = createHash("sha256");
  for (const r of rows) if (slots.includes(r.slot)) h.update(`${r.slot}\t${r.sha256}\n`);
  return h.digest("hex");
}

const same = (a: number | null, b: number | null) =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));

/**
 * Freeze or check the baseline. `prev` is the schema alias of the previous warehouse (attached),
 * or null on a first build. Returns counts of frozen, kept and rebased rows.
 */
export async function freezeBaselines(ctx: Context, indicators: readonly Indicator[], prev: string | null): Promise<{ frozen: number; revised: number; rebased: number }> {
  const { db, config } = ctx;
  const period = config.baseline.period;
  await db.run(`DELETE FROM marts.baselines`);
  await db.run(`DELETE FROM audit.baseline_revisions`);
  if (prev) {
    const has = await db.hasTable("marts.baselines", prev);
    if (has) await db.run(`INSERT INTO marts.baselines SELECT * FROM ${prev}.marts.baselines WHERE period_label = $p`, { p: period });
  }
  const frozenAt = ctx.clock.now().toISOString();
  let frozen = 0;
  let revised = 0;
  let rebased = 0;
  for (const ind of indicators) {
    const type = ind.periods[0]!;
    const hash = await inputsHash(ctx, indicatorSlots(ind));
    const current = await db.all<IndicatorValueRow>(
      `SELECT * FROM marts.indicator_values WHERE indicator_id = $i AND period_type = $t AND period_label = $p`,
      { i: ind.id, t: type, p: period },
    );
    if (current.length === 0) continue;
    const kept = new Map(
      (await db.all<IndicatorValueRow & { inputs_sha256: string }>(`SELECT * FROM marts.baselines WHERE indicator_id = $i AND period_type = $t`, { i: ind.id, t: type }))
        .map((b) => [`${b.area_code}|${b.breakdown}`, b]),
    );
    const toFreeze: IndicatorValueRow[] = [];
    for (const c of current) {
      const k = kept.get(`${c.area_code}|${c.breakdown}`);
      if (!k) {
        toFreeze.push(c);
        continue;
      }
      if (same(k.value, c.value) && k.is_suppressed === c.is_suppressed) continue;
      const action = config.baseline.rebase ? "rebased" : "kept frozen";
      await db.insertRows(
        "audit.baseline_revisions",
        ["indicator_id", "area_code", "breakdown", "period_label", "frozen_value", "revised_value", "frozen_inputs_sha256", "revised_inputs_sha256", "action"],
        [{ indicator_id: ind.id, area_code: c.area_code, breakdown: c.breakdown, period_label: period, frozen_value: k.value, revised_value: c.value, frozen_inputs_sha256: k.inputs_sha256, revised_inputs_sha256: hash, action }],
      );
      revised++;
      if (config.baseline.rebase) {
        await db.run(`DELETE FROM marts.baselines WHERE indicator_id = $i AND period_type = $t AND area_code = $a AND breakdown = $b`, { i: ind.id, t: type, a: c.area_code, b: c.breakdown });
        toFreeze.push(c);
        rebased++;
      }
    }
    await db.insertRows(
      "marts.baselines",
      ["indicator_id", "area_code", "breakdown", "period_type", "period_label", "numerator", "denominator", "value", "lower95", "upper95", "lower998", "upper998", "is_suppressed", "inputs_sha256", "frozen_at"],
      toFreeze.map((c) => ({ ...c, inputs_sha256: hash, frozen_at: frozenAt })) as unknown as Record<string, unknown>[],
    );
    frozen += toFreeze.length;
  }
  return { frozen, revised, rebased };
}
