/**
 * Change between a baseline and the latest estimate, as a difference or a ratio, with a 95%
 * interval from the two estimates' own 95% limits by the MOVER method (method of variance
 * estimates recovery; Newcombe 1998 for differences, which with Wilson limits is Newcombe's
 * hybrid score interval; Donner & Zou 2012 "MOVER-R" for ratios). Works for any estimate that
 * carries a value and 95% limits: proportions, rates, DSRs, ratios.
 */
import type { Estimate } from "./estimate.ts";
import { StatsInputError, statsMessages as m } from "./messages.ts";
import * as check from "./validate.ts";

/** An estimate with its 95% limits; numerator and denominator are carried for the record only. */
export type ChangeInput = Pick<Estimate, "value" | "lower95" | "upper95"> & { numerator?: number; denominator?: number };

/** The change and its 95% interval. */
export interface Change {
  /** latest - baseline, or latest / baseline. */
  change: number | null;
  lower95: number | null;
  upper95: number | null;
  /** The interval excludes 0 (difference) or 1 (ratio). */
  significant: boolean;
  kind: "difference" | "ratio";
  method: "MOVER" | "MOVER-R";
  note?: string;
}

function parts(e: ChangeInput, what: string): { v: number; l: number; u: number } | null {
  if (typeof e !== "object" || e === null) throw new StatsInputError(m.required(what, "a change from baseline"));
  if (e.value === null || e.lower95 === null || e.upper95 === null) return null;
  const v = check.finite(e.value, `${what} value`);
  const l = check.finite(e.lower95, `${what} lower95`);
  const u = check.finite(e.upper95, `${what} upper95`);
  if (l > u) throw new StatsInputError(m.badInterval(l, u));
  return { v, l: Math.min(l, v), u: Math.max(u, v) };
}

/**
 * Change from `baseline` to `latest`: kind "difference" (latest - baseline, significant when the
 * interval excludes 0) or "ratio" (latest / baseline, significant when it excludes 1). Null
 * values or limits give a null change, not significant, with a note.
 */
export function changeFromBaseline(baseline: ChangeInput, latest: ChangeInput, kind: "difference" | "ratio"): Change {
  const k = check.oneOf(kind, "change kind", ["difference", "ratio"] as const);
  const b = parts(baseline, "baseline");
  const a = parts(latest, "latest");
  const method = k === "difference" ? "MOVER" : "MOVER-R";
  const none = (note: string): Change => ({ change: null, lower95: null, upper95: null, significant: false, kind: k, method, note });
  if (b === null || a === null) return none(m.changeNeedsLimits());

  if (k === "difference") {
    const d = a.v - b.v;
    const lower = d - Math.sqrt((a.v - a.l) ** 2 + (b.u - b.v) ** 2);
    const upper = d + Math.sqrt((a.u - a.v) ** 2 + (b.v - b.l) ** 2);
    return { change: d, lower95: lower, upper95: upper, significant: lower > 0 || upper < 0, kind: k, method };
  }

  // ratio theta1 / theta2 with theta1 = latest, theta2 = baseline (Donner & Zou 2012)
  if (!(b.v > 0) || b.l < 0 || a.l < 0) return none(m.ratioNonPositive());
  const t1 = a.v;
  const t2 = b.v;
  const ratio = t1 / t2;
  const p = t1 * t2;
  let lower: number | null = null;
  let upper: number | null = null;
  let note: string | undefined;
  const denL = b.u * (2 * t2 - b.u);
  const discL = p * p - a.l * b.u * (2 * t1 - a.l) * (2 * t2 - b.u);
  if (denL > 0 && discL >= 0) lower = Math.max(0, (p - Math.sqrt(discL)) / denL);
  else lower = 0;
  const denU = b.l * (2 * t2 - b.l);
  const discU = p * p - a.u * b.l * (2 * t1 - a.u) * (2 * t2 - b.l);
  if (denU > 0 && discU >= 0) upper = (p + Math.sqrt(discU)) / denU;
  else note = "the baseline's lower limit is too close to zero: the upper limit of the ratio is unbounded";
  const significant = lower > 1 || (upper !== null && upper < 1);
  const out: Change = { change: ratio, lower95: lower, upper95: upper, significant, kind: k, method };
  if (note) out.note = note;
  return out;
}
