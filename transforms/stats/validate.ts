/**
 * Input checks shared by the statistics functions. Each throws `StatsInputError` with a message
 * from the catalogue; the public functions call these, the inner ones trust their input.
 */
import { StatsInputError, statsMessages as m } from "./messages.ts";

/** A finite number, or throw. */
export function finite(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new StatsInputError(m.notFinite(what, value));
  return value;
}

/** A finite number >= 0 (a count), or throw. */
export function count(value: unknown, what = "numerators"): number {
  const v = finite(value, what);
  if (v < 0) throw new StatsInputError(`${m.negativeNumerator(what)} (got ${v})`);
  return v;
}

/** A finite number > 0 (a denominator), or throw. */
export function positive(value: unknown, what = "denominators"): number {
  const v = finite(value, what);
  if (v <= 0) throw new StatsInputError(`${m.nonPositiveDenominator(what)} (got ${v})`);
  return v;
}

/** A multiplier: finite and > 0; `undefined` gives the default. */
export function multiplier(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) throw new StatsInputError(m.nonPositiveMultiplier(value));
  return value;
}

/**
 * A confidence level as a fraction. Accepts 0.9 <= c < 1 or 90 <= c < 100 (scaled to a fraction),
 * PHEindicatormethods' rule without the degenerate level 1.
 */
export function confidence(value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new StatsInputError(m.badConfidence(value));
  if (value >= 0.9 && value < 1) return value;
  if (value >= 90 && value < 100) return value / 100;
  throw new StatsInputError(m.badConfidence(value));
}

/** An array of finite numbers, each checked by `each`, or throw. */
export function numbers(value: unknown, what: string, each: (v: unknown, what: string) => number = finite): number[] {
  if (!Array.isArray(value)) throw new StatsInputError(m.notArray(what));
  if (value.length === 0) throw new StatsInputError(m.emptyArray(what));
  return value.map((v) => each(v, what));
}

/** Same length, or throw. */
export function sameLength(a: readonly unknown[], an: string, b: readonly unknown[], bn: string): void {
  if (a.length !== b.length) throw new StatsInputError(m.lengthMismatch(an, a.length, bn, b.length));
}

/** One of a closed list of options, or throw with the list (observablehq/plot `keyword`). */
export function oneOf<T extends string>(value: unknown, what: string, options: readonly T[]): T {
  if (typeof value === "string" && (options as readonly string[]).includes(value)) return value as T;
  throw new StatsInputError(m.unknownOption(what, value, options));
}
