/**
 * The pack's priorities: the three to five issues a commissioner should start from, ranked by a
 * stated rule (`PRIORITY_RULE`) over what the pack has already computed. Each carries one plain
 * sentence (its headline), its figure and comparator, and the section holding the evidence.
 */
import { isContextMeasure, type Indicator } from "../../transforms/indicators/define.ts";
import type { Outcome } from "../../transforms/marts.ts";
import type { Headline, Priority } from "./pack-types.ts";
import { capital } from "./narrative.ts";

export type { Priority } from "./pack-types.ts";

/** The ranking rule, printed under the priorities so a reader can check it. */
export const PRIORITY_RULE =
  "Ranked by: significantly worse than the comparator at 99.8% before worse at 95% only; then worse than England too; then a tracked outcome of the pilot; then the domain's weight in the need index; then the size of the gap. At most five, and at most two from one domain while other domains have candidates; context measures (no better or worse) are never priorities, nor an indicator that repeats another's counts (such as OHID's published value beside the same counts summed by ward).";

/** What the rule reads about one indicator. */
export interface PriorityCandidate {
  indicator: Pick<Indicator, "id" | "title" | "short" | "domain" | "unit" | "polarity"> & { repeats?: string | null };
  headline: Headline;
  /** The focus value and its period. */
  value: number | null;
  period: string;
  /** The comparison with the borough (or, for the overview, the wards flagged against it). */
  comparator: { name: string; value: number | null; outcome: Outcome; level: number | null };
  /** Worse than England as well (null when England is not compared). */
  worseThanEngland: boolean | null;
  /** A tracked outcome of the config. */
  tracked: boolean;
  /** The need index's weight of the domain for this area (its z-score; 0 when not in the index). */
  domainNeed: number;
}


/** Rank the candidates by `PRIORITY_RULE` and keep the first `max` (5), at most `perDomain` (2) from a domain while others have candidates. */
export function rankPriorities(candidates: readonly PriorityCandidate[], max = 5, perDomain = 2): Priority[] {
  // An indicator that repeats another's counts would make the same issue two priorities: the other one speaks for it.
  const worse = candidates.filter((c) => c.comparator.outcome === "worse" && !isContextMeasure(c.indicator) && !c.indicator.repeats);
  const key = (c: PriorityCandidate): number[] => [
    c.comparator.level !== null && c.comparator.level >= 99.8 ? 1 : 0,
    c.worseThanEngland ? 1 : 0,
    c.tracked ? 1 : 0,
    c.domainNeed,
    c.headline.size,
  ];
  const sorted = [...worse].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return kb[i]! - ka[i]!;
    return a.indicator.id.localeCompare(b.indicator.id);
  });
  const chosen: PriorityCandidate[] = [];
  const perDomainCount = new Map<string, number>();
  for (const c of sorted) {
    if (chosen.length === max) break;
    const n = perDomainCount.get(c.indicator.domain) ?? 0;
    if (n >= perDomain) continue;
    chosen.push(c);
    perDomainCount.set(c.indicator.domain, n + 1);
  }
  // Fewer than `max` only because of the domain cap: fill with the next best, in rank order.
  for (const c of sorted) if (chosen.length < max && !chosen.includes(c)) chosen.push(c);
  const prefix = (c: PriorityCandidate) => `${c.indicator.short}: `;
  return chosen.map((c, i) => ({
    rank: i + 1,
    indicatorId: c.indicator.id,
    title: c.indicator.title,
    sentence: c.headline.text.startsWith(prefix(c)) ? capital(c.headline.text.slice(prefix(c).length)) : c.headline.text,
    value: c.value,
    unit: c.indicator.unit,
    period: c.period,
    comparator: { name: c.comparator.name, value: c.comparator.value },
    sectionId: c.indicator.domain,
    reasons: [
      c.comparator.level !== null && c.comparator.level >= 99.8 ? "worse at 99.8%" : "worse at 95%",
      ...(c.worseThanEngland ? ["also worse than England"] : []),
      ...(c.tracked ? ["a tracked outcome"] : []),
      // The need index's domain score is against the authority's wards (the comparator, in a focus pack).
      ...(c.domainNeed > 0 ? [`${c.indicator.domain} need above the average of ${c.comparator.name}'s wards`] : []),
    ],
  }));
}

