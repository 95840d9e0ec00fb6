/**
 * The median with a distribution-free confidence interval from binomial order statistics
 * (normal approximation: ranks n/2 -/+ z*sqrt(n)/2, Conover 1999 / Campbell & Gardner 1988).
 */
import type { Estimate } from "./estimate.ts";
import { qnorm } from "./distributions.ts";
import { StatsInputError } from "./messages.ts";

function limits(sorted: number[], level: number): [number, number] {
  const n = sorted.length;
  const z = qnorm(1 - (1 - level) / 2);
  const j = Math.max(1, Math.floor(n / 2 - (z * Math.sqrt(n)) / 2));
  const k = Math.min(n, Math.ceil(1 + n / 2 + (z * Math.sqrt(n)) / 2));
  return [sorted[j - 1]!, sorted[k - 1]!];
}

/** Median of `values` with 95% and 99.8% order-statistic limits. Rejects an empty or non-finite list. */
export function median(values: readonly number[]): Estimate {
  if (!Array.isArray(values) || values.length === 0) throw new StatsInputError("values must be a non-empty array of numbers for a median");
  if (values.some((v) => typeof v !== "number" || !Number.isFinite(v))) throw new StatsInputError("values must all be finite numbers for a median");
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const value = n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  const [l95, u95] = limits(s, 0.95);
  const [l998, u998] = limits(s, 0.998);
  return { value, lower95: Math.min(l95, value), upper95: Math.max(u95, value), lower998: Math.min(l998, l95, value), upper998: Math.max(u998, u95, value), method: "order statistics" };
}
