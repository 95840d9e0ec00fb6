/**
 * The one funnel rule of the pack and the notebooks: from `marts.indicator_values` rows, one
 * point per area with a published count and denominator, the PHE control limits of
 * `transforms/stats` (`funnelLimits`: Wilson limits for proportions, Poisson limits for crude
 * rates, tabulated out past the largest area), and the over-dispersion test (Spiegelhalter 2005,
 * `overdispersion`): when the areas spread more than chance allows, the limits adjusted for it
 * (additive random effects) are the ones drawn. `funnelChart` draws what this returns.
 */
import { FUNNEL_X_PAD, type FunnelDispersion, type FunnelPoint } from "../charts/builders.ts";
import type { IndicatorValueRow } from "../../transforms/marts.ts";
import { funnelLimits, overdispersedLimit, overdispersion, type FunnelLimits } from "../../transforms/stats/index.ts";

/** Fewest areas with a published count for a funnel plot (and an over-dispersion estimate). */
export const MIN_FUNNEL_AREAS = 5;

/** Options of {@link wardFunnel}. */
export interface WardFunnelOptions {
  statistic: "proportion" | "rate";
  /** 100 for a percentage, 1000 for a rate per 1,000, ... */
  multiplier: number;
  focusCodes: string[];
  areaNames: Record<string, string>;
}

/** What `funnelChart` needs, plus the areas left out. */
export interface WardFunnel {
  points: FunnelPoint[];
  /** PHE limits around the pooled value of the plotted areas (their `baseline`). */
  limits: FunnelLimits;
  /** The over-dispersion test and, when over-dispersed, the adjusted limits (drawn instead of the PHE ones); null when it cannot be estimated. */
  dispersion: FunnelDispersion | null;
  /** Areas without a published count (suppressed or not computable): not plotted. */
  left_out: string[];
}

/** Funnel of one indicator and period over `rows` (one row per area); null with fewer than `MIN_FUNNEL_AREAS` usable areas or no events. */
export function wardFunnel(rows: IndicatorValueRow[], opts: WardFunnelOptions): WardFunnel | null {
  const usable = rows.filter((r) =>
    !r.is_suppressed && r.numerator !== null && r.denominator !== null && r.numerator >= 0 && r.denominator > 0 &&
    (opts.statistic === "rate" || r.numerator <= r.denominator));
  const left_out = rows.filter((r) => !usable.includes(r)).map((r) => opts.areaNames[r.area_code] ?? r.area_code);
  if (usable.length < MIN_FUNNEL_AREAS || usable.every((r) => r.numerator === 0)) return null;
  const numerator = usable.map((r) => r.numerator as number);
  const denominator = usable.map((r) => r.denominator as number);
  const limits = opts.statistic === "proportion"
    ? funnelLimits({ statistic: "proportion", numerator, denominator, multiplier: opts.multiplier })
    : rateFunnelLimits(numerator, denominator, opts.multiplier);
  const focus = new Set(opts.focusCodes);
  return {
    points: usable.map((r) => ({
      area_code: r.area_code,
      name: opts.areaNames[r.area_code] ?? r.area_code,
      numerator: r.numerator as number,
      denominator: r.denominator as number,
      // From the count, so the point and its limits rest on the same numbers.
      value: ((r.numerator as number) / (r.denominator as number)) * opts.multiplier,
      is_focus: focus.has(r.area_code),
    })),
    limits,
    dispersion: funnelDispersion(opts.statistic, numerator, denominator, opts.multiplier),
    left_out,
  };
}

/**
 * The over-dispersion test of the areas and, when they are over-dispersed, the adjusted limits at
 * 100 populations from a fifth of the smallest area to `FUNNEL_X_PAD` times the largest (none when
 * not over-dispersed); null when it cannot be estimated (every area at 0% or 100%).
 */
export function funnelDispersion(statistic: "proportion" | "rate", numerator: number[], denominator: number[], multiplier: number): FunnelDispersion | null {
  const pooled = numerator.reduce((a, b) => a + b, 0) / denominator.reduce((a, b) => a + b, 0);
  if (!(pooled > 0) || (statistic === "proportion" && !(pooled < 1))) return null;
  const od = overdispersion({ statistic, numerator, denominator, multiplier });
  if (!od.overdispersed) return { overdispersion: od, adjusted: [] };
  const lo = Math.max(1, Math.min(...denominator) * 0.2);
  const hi = Math.max(...denominator) * FUNNEL_X_PAD;
  const adjusted = Array.from({ length: 100 }, (_, i) => lo * (hi / lo) ** (i / 99)).map((n) => ({
    point: n,
    lower95: overdispersedLimit(od, n, 0.95, "lower"),
    upper95: overdispersedLimit(od, n, 0.95, "upper"),
    lower998: overdispersedLimit(od, n, 0.998, "lower"),
    upper998: overdispersedLimit(od, n, 0.998, "upper"),
  }));
  return { overdispersion: od, adjusted };
}

/**
 * PHE rate funnels are tabulated by events, up to the largest area's expected events, so their
 * upper limits stop short of the largest populations. One extra area at exactly the pooled rate
 * (it leaves the pooled rate, and so the limits, unchanged) extends the table to twice the
 * largest population.
 */
export function rateFunnelLimits(numerator: number[], denominator: number[], multiplier: number): FunnelLimits {
  const n = numerator.reduce((a, b) => a + b, 0);
  const d = denominator.reduce((a, b) => a + b, 0);
  const extra = Math.max(1, Math.ceil((2 * Math.max(...denominator) * n) / d));
  const pooledRate = (n / d) * multiplier;
  return funnelLimits({
    statistic: "rate",
    rateType: "crude",
    yearsOfData: 1,
    numerator: [...numerator, extra],
    denominator: [...denominator, (extra * d) / n],
    rate: [...numerator.map((x, i) => (x / denominator[i]) * multiplier), pooledRate],
    multiplier,
  });
}
