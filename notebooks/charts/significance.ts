/**
 * Significance on charts: each area's mark coloured by its comparison with one stated comparator,
 * with the spine chart's and glance table's palette (`outcomeColours`, `outcomeLabels` in
 * theme.ts), and a key naming the comparator and the level. Colour is never the only carrier: the
 * outcome word goes into the chart's data table and alt text too. Context measures are not
 * coloured: a chart of one says why instead.
 */
import type { Outcome } from "../../transforms/marts.ts";
import { listEnglish } from "./bundle.ts";
import { LABEL_LIMIT, OUTCOMES, colours, outcomeColours, outcomeLabels } from "./theme.ts";

/** How the areas of a chart compare with one comparator (the comparison lookup's outcomes). */
export interface AreaComparison {
  /** The comparator named in the key, e.g. "Northgate". */
  name: string;
  /** The confidence level of the comparison, as printed: `95%` or `99.8%`. */
  level: "95%" | "99.8%";
  /** Area key (the chart's area code or group) -> outcome; an area not listed is "not compared". */
  outcomes: Record<string, Outcome>;
}

/** An area's outcome in a comparison (not listed: not compared). */
export function outcomeOf(c: AreaComparison, key: string): Outcome {
  return c.outcomes[key] ?? "not_compared";
}

/** The key's title: `Compared with Northgate (95% level)`. */
export function comparisonTitle(c: AreaComparison): string {
  return `Compared with ${c.name} (${c.level} level)`;
}

/**
 * The colour encoding of a mark by outcome label, with a key (legend) of the outcomes present in
 * the chart's palette order, titled with the comparator and level.
 */
export function outcomeColourEncoding(c: AreaComparison, present: readonly Outcome[], orient: "top" | "bottom" = "top") {
  const shown = OUTCOMES.filter((o) => present.includes(o));
  return {
    field: "outcome_label",
    type: "nominal" as const,
    scale: { domain: shown.map((o) => outcomeLabels[o]), range: shown.map((o) => outcomeColours[o]) },
    legend: {
      title: comparisonTitle(c),
      orient,
      direction: "horizontal" as const,
      symbolType: "square",
      symbolStrokeColor: colours.comparator,
      symbolStrokeWidth: 0.75,
      labelLimit: LABEL_LIMIT.legend,
      titleLimit: LABEL_LIMIT.title,
    },
  };
}

/** The chart note saying what the colours mean: `Colours: each area's 95% confidence interval against Northgate (better, similar or worse).` */
export function comparisonNote(c: AreaComparison, present: readonly Outcome[]): string {
  const shown = OUTCOMES.filter((o) => present.includes(o)).map((o) => (o === "not_compared" ? "not compared" : outcomeLabels[o].toLowerCase()));
  return `Colours: each area's ${c.level} confidence interval against ${c.name} (${listEnglish(shown, "or")}).`;
}

/** Counts of outcomes in words for alt text: `4 worse, 12 similar and 3 better than Northgate (95% level)`. */
export function comparisonSummary(c: AreaComparison, outcomes: readonly Outcome[]): string {
  const parts = OUTCOMES.map((o) => [o, outcomes.filter((x) => x === o).length] as const)
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${n} ${o === "not_compared" ? "not compared" : outcomeLabels[o].toLowerCase()}`);
  return `Compared with ${c.name} at the ${c.level} level: ${listEnglish(parts)}.`;
}
