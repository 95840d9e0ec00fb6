/**
 * The outcomes framework: for each indicator the config tracks, every ward, locality, the
 * authority and the rest of the authority get baseline, latest, the change between them with its
 * 95% interval (MOVER), whether it is significant, the direction in plain words, and progress
 * toward an optional target ("10% lower by 2027/28"). Grain of `marts.outcomes`: one row per
 * indicator, area and breakdown `all`, on the indicator's headline (first declared) period type.
 */
import type { Context } from "../pipelines/core/context.ts";
import type { Indicator } from "./indicators/define.ts";
import type { IndicatorValueRow, OutcomeRow } from "./marts.ts";
import { changeFromBaseline } from "./stats/index.ts";
import { messages } from "../pipelines/core/messages.ts";

/** Columns of `marts.outcomes`, in order. */
export const OUTCOME_COLUMNS: (keyof OutcomeRow)[] = [
  "indicator_id", "area_code", "breakdown", "period_type", "baseline_period", "baseline_value", "baseline_lower95", "baseline_upper95",
  "latest_period", "latest_value", "latest_lower95", "latest_upper95", "change", "change_lower95", "change_upper95", "change_kind",
  "significant", "direction", "target_description", "target_value", "target_period", "progress_pct", "target_met", "note",
];

/** Plain-words direction of a change. */
export function directionOf(significant: boolean, change: number | null, polarity: Indicator["polarity"]): string {
  if (change === null) return "not comparable";
  if (!significant) return "no significant change";
  if (polarity === "no_judgement") return change > 0 ? "increased" : "decreased";
  return (change > 0) === (polarity === "high_is_good") ? "improved" : "worsened";
}

/** One outcome row from a baseline and a latest value. */
export function outcomeRow(ind: Indicator, base: IndicatorValueRow, latest: IndicatorValueRow, target?: { change: number; by: string }): OutcomeRow {
  const usable = (r: IndicatorValueRow) => !r.is_suppressed && r.value !== null;
  const limits = (r: IndicatorValueRow) => ({ value: r.value, lower95: r.lower95, upper95: r.upper95 });
  const ch = usable(base) && usable(latest) ? changeFromBaseline(limits(base), limits(latest), "difference") : null;
  const change = ch?.change ?? null;
  const targetValue = target && base.value !== null && !base.is_suppressed ? base.value * (1 + target.change / 100) : null;
  let progress: number | null = null;
  let met: boolean | null = null;
  if (targetValue !== null && change !== null && base.value !== null && latest.value !== null) {
    const wanted = targetValue - base.value;
    progress = wanted === 0 ? null : (change / wanted) * 100;
    met = wanted >= 0 ? latest.value >= targetValue : latest.value <= targetValue;
  }
  const note = !usable(base) ? messages.baselineUnavailable(base.period_label) : !usable(latest) ? messages.latestUnavailable(latest.period_label) : (ch?.note ?? null);
  return {
    indicator_id: ind.id, area_code: base.area_code, breakdown: base.breakdown, period_type: base.period_type,
    baseline_period: base.period_label, baseline_value: base.is_suppressed ? null : base.value, baseline_lower95: base.lower95, baseline_upper95: base.upper95,
    latest_period: latest.period_label, latest_value: latest.is_suppressed ? null : latest.value, latest_lower95: latest.lower95, latest_upper95: latest.upper95,
    change, change_lower95: ch?.lower95 ?? null, change_upper95: ch?.upper95 ?? null, change_kind: "difference",
    significant: ch?.significant ?? false, direction: directionOf(ch?.significant ?? false, change, ind.polarity),
    target_description: target ? `${Math.abs(target.change)}% ${target.change < 0 ? "lower" : "higher"} than the baseline by ${target.by}` : null,
    target_value: targetValue, target_period: target?.by ?? null, progress_pct: progress, target_met: met, note,
  };
}

/** Compute `marts.outcomes` for the indicators the config tracks. Returns rows written. */
export async function computeOutcomes(ctx: Context, indicators: readonly Indicator[]): Promise<number> {
  const { db, config } = ctx;
  await db.run(`DELETE FROM marts.outcomes`);
  const rows: OutcomeRow[] = [];
  for (const o of config.outcomes) {
    const ind = indicators.find((i) => i.id === o.indicator);
    if (!ind) {
      ctx.log.warn(messages.unknownOutcomeIndicator(o.indicator));
      continue;
    }
    const values = await db.all<IndicatorValueRow>(
      `SELECT v.* FROM marts.indicator_values v JOIN ref.areas a USING (area_code)
       WHERE v.indicator_id = $i AND v.breakdown = 'all' AND v.period_type = $t
         AND a.area_type IN ('ward', 'locality', 'authority', 'rest_of_authority')
       ORDER BY v.area_code, v.period_start`,
      { i: ind.id, t: ind.periods[0]! },
    );
    const byArea = new Map<string, IndicatorValueRow[]>();
    for (const v of values) byArea.set(v.area_code, [...(byArea.get(v.area_code) ?? []), v]);
    // The frozen baseline when there is one (see baselines.ts), else this run's value.
    const frozen = new Map(
      (await db.all<IndicatorValueRow>(`SELECT *, '' AS period_start FROM marts.baselines WHERE indicator_id = $i AND period_type = $t AND breakdown = 'all'`, { i: ind.id, t: ind.periods[0]! }))
        .map((b) => [b.area_code, b]),
    );
    let tracked = 0;
    for (const series of byArea.values()) {
      const current = series.find((v) => v.period_label === config.baseline.period);
      if (!current) continue;
      tracked++;
      const f = frozen.get(current.area_code);
      const base = f ? { ...current, value: f.value, lower95: f.lower95, upper95: f.upper95, is_suppressed: f.is_suppressed } : current;
      const latest = series.filter((v) => v.period_start >= base.period_start).at(-1)!;
      rows.push(outcomeRow(ind, base, latest, o.target));
    }
    if (!tracked) {
      // A tracked indicator that no area can follow from the baseline says so (it was silently absent).
      const periods = [...new Set(values.map((v) => v.period_label))];
      const message = messages.outcomeNoBaseline(ind.id, config.baseline.period, ind.periods[0]!, periods);
      ctx.log.warn(message);
      await db.recordWarning("compare", "outcome_no_baseline", ind.id, message);
    }
  }
  await db.insertRows("marts.outcomes", OUTCOME_COLUMNS as string[], rows as unknown as Record<string, unknown>[]);
  return rows.length;
}
