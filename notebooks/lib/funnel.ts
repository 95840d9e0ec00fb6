/**
 * Funnel plot inputs from `marts.indicator_values` rows: one point per area with a published
 * count and denominator, and control limits from the PHE method in `transforms/stats`
 * (`funnelLimits`: Wilson limits for proportions, Poisson limits for crude rates), which
 * `funnelChart` draws as they are.
 */
import type { FunnelPoint } from "../charts/builders.ts";
import type { IndicatorValueRow } from "../../transforms/marts.ts";
import { funnelLimits, type FunnelLimits } from "../../transforms/stats/index.ts";

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
  /** Areas without a published count (suppressed or not computable): not plotted. */
  left_out: string[];
}

/** Funnel of one indicator and period over `rows` (one row per area); null with fewer than 3 usable areas. */
export function wardFunnel(rows: IndicatorValueRow[], opts: WardFunnelOptions): WardFunnel | null {
  const usable = rows.filter((r) => !r.is_suppressed && r.numerator !== null && r.denominator !== null && r.denominator > 0 && r.value !== null);
  const left_out = rows.filter((r) => !usable.includes(r)).map((r) => opts.areaNames[r.area_code] ?? r.area_code);
  if (usable.length < 3 || usable.every((r) => r.numerator === 0)) return null;
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
      value: r.value as number,
      is_focus: focus.has(r.area_code),
    })),
    limits,
    left_out,
  };
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
