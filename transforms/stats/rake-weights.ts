/**
 * Raking (iterative proportional fitting) of survey weights to known population margins, e.g.
 * age band and sex totals from the census: each pass scales the weights so that one margin's
 * weighted totals hit their targets, cycling through the margins until every weighted total is
 * within `tolerance` (relative, default 1e-10) of its target. With a single margin this is
 * post-stratification. Raking keeps the sample's interactions (its odds ratios) and matches the
 * margins (Deming & Stephan 1940).
 */
import { StatsInputError, statsMessages as m } from "./messages.ts";

/** Target totals per category, per variable: `{ sex: { F: 5200, M: 4800 }, age: { ... } }`. */
export type RakeMargins = Record<string, Record<string, number>>;

/** Options: `tolerance` (relative gap, default 1e-10) and `maxIterations` (passes, default 1000). */
export interface RakeOptions {
  tolerance?: number;
  maxIterations?: number;
}

/** The raked weights (in row order), the passes it took and the largest relative gap left. */
export interface RakeResult {
  weights: number[];
  iterations: number;
  maxGap: number;
}

/**
 * Rake `rows`' `weight` to `margins`: every row needs, for each margin variable, a category that
 * the margin lists (read as a string from the row's field of that name). Throws when a margin
 * category has no respondents (its total cannot be reached), when margins disagree on the grand
 * total, or when the fit does not converge.
 */
export function rakeWeights<R extends { weight: number }>(rows: R[], margins: RakeMargins, opts?: RakeOptions): RakeResult {
  if (!Array.isArray(rows) || rows.length === 0) throw new StatsInputError(m.rakeNoRows());
  const variables = typeof margins === "object" && margins !== null ? Object.keys(margins) : [];
  if (variables.length === 0) throw new StatsInputError(m.rakeNoMargins());
  const tolerance = opts?.tolerance ?? 1e-10;
  const maxIterations = opts?.maxIterations ?? 1000;

  const weights = rows.map((r, i) => {
    if (typeof r?.weight !== "number" || !Number.isFinite(r.weight) || r.weight <= 0) throw new StatsInputError(m.surveyBadWeight(i, r?.weight));
    return r.weight;
  });

  // category index per row per margin, and the targets
  const plan = variables.map((variable) => {
    const totals = margins[variable];
    const categories = Object.keys(totals ?? {});
    const target = categories.map((cat) => {
      const t = totals[cat];
      if (typeof t !== "number" || !Number.isFinite(t) || t <= 0) throw new StatsInputError(m.rakeBadTotal(variable, cat, t));
      return t;
    });
    const index = new Map(categories.map((c, k) => [c, k]));
    const cellOf = rows.map((r, i) => {
      const raw = (r as Record<string, unknown>)[variable];
      const k = raw === undefined || raw === null ? undefined : index.get(String(raw));
      if (k === undefined) throw new StatsInputError(m.rakeUnknownCategory(variable, String(raw), i));
      return k;
    });
    const counts = categories.map(() => 0);
    for (const k of cellOf) counts[k]++;
    counts.forEach((c, k) => {
      if (c === 0) throw new StatsInputError(m.rakeEmptyCategory(variable, categories[k]));
    });
    return { variable, target, cellOf, grand: target.reduce((a, b) => a + b, 0) };
  });
  for (const p of plan.slice(1)) {
    if (Math.abs(p.grand - plan[0].grand) > 1e-9 * plan[0].grand) {
      throw new StatsInputError(m.rakeTotalsDisagree(plan[0].variable, plan[0].grand, p.variable, p.grand));
    }
  }

  const current = (p: (typeof plan)[number]) => {
    const sums = p.target.map(() => 0);
    p.cellOf.forEach((k, i) => (sums[k] += weights[i]));
    return sums;
  };
  const gap = () => {
    let g = 0;
    for (const p of plan) current(p).forEach((s, k) => (g = Math.max(g, Math.abs(s - p.target[k]) / p.target[k])));
    return g;
  };

  let maxGap = gap();
  let iterations = 0;
  while (maxGap > tolerance) {
    if (iterations >= maxIterations) throw new StatsInputError(m.rakeNotConverged(iterations, maxGap));
    for (const p of plan) {
      const sums = current(p);
      const factor = sums.map((s, k) => p.target[k] / s);
      p.cellOf.forEach((k, i) => (weights[i] *= factor[k]));
    }
    iterations++;
    maxGap = gap();
  }
  return { weights, iterations, maxGap };
}
