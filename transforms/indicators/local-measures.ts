/**
 * Local counts measures (`sources.health.local[].measure`) and the indicators that read them: a
 * configured measure that no indicator reads would give a silently empty section, so the build
 * refuses it before it starts.
 */
import type { Config } from "../../pipelines/core/config.ts";
import type { Indicator } from "./define.ts";

/** The measures of `staging.local_counts` the indicators read (`measure = '<id>'` in their filter). */
export function knownLocalMeasures(indicators: readonly Indicator[]): string[] {
  const out = new Set<string>();
  for (const ind of indicators) {
    const n = ind.numerator as { from?: string; where?: string };
    if (n.from !== "staging.local_counts" || !n.where) continue;
    for (const m of n.where.matchAll(/measure\s*=\s*'([a-z0-9_]+)'/g)) out.add(m[1]!);
  }
  return [...out].sort();
}

/** Configured local measures that no indicator reads. */
export function unreadLocalMeasures(config: Pick<Config, "sources">, indicators: readonly Indicator[]): string[] {
  const known = new Set(knownLocalMeasures(indicators));
  return (config.sources.health?.local ?? []).map((l) => l.measure).filter((m) => !known.has(m));
}
