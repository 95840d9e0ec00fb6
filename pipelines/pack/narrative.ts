/**
 * Words the pack's assembly and its renderers share: counts in words, sentence case, trend spans,
 * the sentence for a pack with no priorities.
 */
import { messages } from "../core/messages.ts";
import type { PackModel } from "./pack-types.ts";

export { trendPeriods, trendSpan } from "./figures/common.ts";

/** `Borough` from `borough`: the first letter in capitals. */
export function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `Anti-social behaviour` -> `anti-social behaviour`, but `KS2 results` and `All crime and ASB` keep their capitals where they are acronyms. */
export function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

/** `1 indicator`, `3 indicators`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;
}

/**
 * What the priorities say when there are none: nothing significantly worse than the comparator
 * (the borough for a focus pack, England for the overview), or, when nothing was compared with
 * it at all (a district whose sources publish nothing for England beside it), that instead, and
 * when only some indicators were, how few.
 */
export function noPrioritiesSentence(m: PackModel): string {
  const kind = m.kind === "focus" ? "parent" : "country";
  const compared = m.summary.filter((r) => r.comparators.some((c) => c.kind === kind)).length;
  return messages.noPriorities(m.kind === "focus" ? m.focus.name : m.parent.name, m.kind === "focus" ? m.parent.name : "England", compared, m.summary.length);
}
