/**
 * Bench results: summaries of repeated runs (median, min, max, peak memory), the targets of
 * issue 8 checked against what was measured, and the Markdown table written beside
 * `results.json`.
 */
import type { RunRecord } from "./run-child.ts";

/** Median of numbers (mean of the middle two for an even count); null when empty. */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Summary of the runs of one task. */
export interface Summary {
  runs_planned: number;
  runs_ok: number;
  median_seconds: number | null;
  min_seconds: number | null;
  max_seconds: number | null;
  seconds: number[];
  /** Median of each named step over the successful runs. */
  steps: Record<string, number>;
  peak_rss_mb: number | null;
  median_wall_seconds: number | null;
  errors: string[];
  note?: string;
}

/** Summarise runs. */
export function summarise(runs: readonly RunRecord[], planned: number, note?: string): Summary {
  const ok = runs.filter((r) => r.ok);
  const seconds = ok.map((r) => r.seconds);
  const keys = [...new Set(ok.flatMap((r) => Object.keys(r.steps)))];
  const steps = Object.fromEntries(keys.map((k) => [k, median(ok.map((r) => r.steps[k]).filter((x): x is number => typeof x === "number"))!]));
  return {
    runs_planned: planned,
    runs_ok: ok.length,
    median_seconds: median(seconds),
    min_seconds: seconds.length ? Math.min(...seconds) : null,
    max_seconds: seconds.length ? Math.max(...seconds) : null,
    seconds,
    steps,
    peak_rss_mb: runs.length ? Math.max(...runs.map((r) => r.peak_rss_mb)) : null,
    median_wall_seconds: median(ok.map((r) => r.wall_seconds)),
    errors: runs.filter((r) => !r.ok).map((r) => r.error ?? "failed"),
    ...(note ? { note } : {}),
  };
}

/** One checked target. */
export interface TargetCheck {
  target: string;
  goal: string;
  measured: string;
  /** true met, false missed, null not measured (or not at national scale). */
  met: boolean | null;
}

const f1 = (x: number | null | undefined, unit = "") => (x === null || x === undefined ? "n/a" : `${x.toFixed(x < 10 ? 2 : 1)}${unit}`);

/** Secondsformatted for tables. */
export const secs = (x: number | null | undefined) => f1(x, " s");
/** Ratio formatted for tables. */
export const ratio = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : `${x.toFixed(2)}x`);
/** MiB formatted for tables. */
export const mib = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : `${Math.round(x).toLocaleString("en-GB")} MB`);
/** Met/missed mark. */
export const mark = (m: boolean | null) => (m === null ? "n/a" : m ? "met" : "**missed**");
