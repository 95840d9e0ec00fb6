/**
 * Assign areas to quantiles (e.g. deprivation quintiles or deciles) by rank, as in the OHID
 * technical guide "Assigning deprivation categories". PHEindicatormethods `phe_quantile`.
 */
import { StatsInputError, statsMessages as m } from "./messages.ts";

/** Options: `nquantiles` (default 10) and `invert` (default true: quantile 1 holds the highest values). */
export interface QuantileOptions {
  nquantiles?: number;
  invert?: boolean;
}

/** The quantiles of a set of values, in input order, with PHE's description of the direction. */
export interface QuantileResult {
  /** Quantile per value, 1..nquantiles; null for a missing value, or for all when too few values. */
  quantiles: (number | null)[];
  nquantiles: number;
  /** "lowest quantile represents highest values" (invert) or "... lowest values". */
  qinverted: string;
  /** Set when there were fewer values than quantiles. */
  warning?: string;
}

/**
 * Quantile of each value (in input order; `null` values stay unassigned): rank with ties sharing
 * the lowest rank, then quantile = floor(nq + 1 - ceiling((N + 1 - rank) / (N / nq))), with 0
 * raised to 1. With `invert` (the default) the highest values get quantile 1.
 */
export function quantiles(values: (number | null)[], opts?: QuantileOptions): QuantileResult {
  if (!Array.isArray(values)) throw new StatsInputError(m.notArray("values"));
  const nq = opts?.nquantiles ?? 10;
  if (!Number.isInteger(nq) || nq < 2) throw new StatsInputError(m.badQuantileCount(nq));
  const invert = opts?.invert ?? true;
  if (typeof invert !== "boolean") throw new StatsInputError(m.unknownOption("invert", invert, ["true", "false"]));
  values.forEach((v) => {
    if (v !== null && (typeof v !== "number" || !Number.isFinite(v))) throw new StatsInputError(m.notFinite("values", v));
  });
  const qinverted = invert ? "lowest quantile represents highest values" : "lowest quantile represents lowest values";
  const present = values.filter((v): v is number => v !== null);
  const count = present.length;
  if (count < nq) {
    return { quantiles: values.map(() => null), nquantiles: nq, qinverted, warning: m.tooFewAreasForQuantiles(count, nq) };
  }
  const max = Math.max(...present);
  const adj = values.map((v) => (v === null ? null : invert ? max - v : v));
  const sorted = adj.filter((v): v is number => v !== null).sort((a, b) => a - b);
  // rank with ties = "min": 1 + number of values strictly below
  const rankOf = (v: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const out = adj.map((v) => {
    if (v === null) return null;
    const q = Math.floor(nq + 1 - Math.ceil((count + 1 - rankOf(v)) / (count / nq)));
    return q === 0 ? 1 : q;
  });
  return { quantiles: out, nquantiles: nq, qinverted };
}
