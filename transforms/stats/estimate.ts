/**
 * The shape every estimator returns: a value with its 95% and 99.8% limits (Fingertips' two
 * levels), plus the single-level `Interval` used when a caller asks for one other level.
 */

/** 95% and 99.8% limits around a value. `null` means not computed (suppressed, undefined). */
export interface Estimate {
  value: number | null;
  lower95: number | null;
  upper95: number | null;
  lower998: number | null;
  upper998: number | null;
  /** How the limits were computed: "Wilson" | "Byars" | "Exact" | "Dobson" | "t" | "logit" | ... */
  method: string;
  /** Why a value is null or how an edge case was handled. */
  note?: string;
}

/** One confidence level's limits around a value. */
export interface Interval {
  value: number | null;
  lower: number | null;
  upper: number | null;
  /** Confidence level as a fraction, e.g. 0.95. */
  level: number;
  method: string;
  note?: string;
}

/** The two levels Fingertips publishes. */
export const LEVEL_95 = 0.95;
/** 99.8%: about three standard errors. */
export const LEVEL_998 = 0.998;

/** Combine a 95% and a 99.8% interval of the same value into an `Estimate`. */
export function toEstimate(i95: Interval, i998: Interval): Estimate {
  const e: Estimate = {
    value: i95.value,
    lower95: i95.lower,
    upper95: i95.upper,
    lower998: i998.lower,
    upper998: i998.upper,
    method: i95.method,
  };
  const note = i95.note ?? i998.note;
  if (note !== undefined) e.note = note;
  return e;
}
