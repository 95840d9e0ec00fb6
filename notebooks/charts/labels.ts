/** Shared wording for chart text and alt text: names, polarity, ranks, interval comparisons. */
import type { Polarity } from "../../transforms/marts.ts";
import { protectsACount } from "../../pipelines/core/messages.ts";

/**
 * Display labels for area codes, unique within one chart: the name from `names`, or the code
 * when there is none; two areas with the same name get their codes appended (names are never
 * keys: "Luton" is both a Medway ward and an authority).
 */
export function uniqueLabels(codes: readonly string[], names: Record<string, string>): Map<string, string> {
  const count = new Map<string, number>();
  for (const c of new Set(codes)) {
    const n = names[c] ?? c;
    count.set(n, (count.get(n) ?? 0) + 1);
  }
  const out = new Map<string, string>();
  for (const c of codes) {
    const n = names[c] ?? c;
    out.set(c, (count.get(n) ?? 0) > 1 ? `${n} (${c})` : n);
  }
  return out;
}

/** "Lower values are better." / "Higher values are better." / undefined for no judgement. */
export function polarityNote(p: Polarity): string | undefined {
  if (p === "low_is_good") return "Lower values are better.";
  if (p === "high_is_good") return "Higher values are better.";
  return undefined;
}

/** 1 -> "1st", 22 -> "22nd", 113 -> "113th". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  const suffix = ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${suffix}`;
}

/** How an area's 95% interval sits against a comparator value, as a clause for alt text. */
export function ciVersus(r: { lower95: number | null; upper95: number | null }, comparator: number, name: string): string {
  if (r.lower95 === null || r.upper95 === null) return "";
  if (r.lower95 > comparator) return `; ${name}'s confidence interval is wholly above this`;
  if (r.upper95 < comparator) return `; ${name}'s confidence interval is wholly below this`;
  return `; ${name}'s confidence interval includes this`;
}

/**
 * What a value without a figure is called: "suppressed" when it was withheld to protect a small
 * count (or a figure that would give one back), "no data" when there was nothing to publish (a
 * month with no police.uk file, a period without counts).
 */
export function missingLabel(r: { is_suppressed: boolean; suppression_reason: string | null }): "suppressed" | "no data" {
  return r.is_suppressed && protectsACount(r.suppression_reason) ? "suppressed" : "no data";
}
