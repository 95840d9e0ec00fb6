/**
 * The few interval formulas the generator needs to write Fingertips-style limits and to check
 * that the built-in story holds for every seed. (The toolkit's own statistics live in
 * `transforms/stats`; these are deliberately independent and minimal.)
 */

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;
/** z for a two-sided 99.8% interval. */
export const Z998 = 3.090232306167813;

/** P(X <= k) for X ~ Poisson(mu). */
function poissonCdf(k: number, mu: number): number {
  let term = Math.exp(-mu);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= mu / i;
    sum += term;
  }
  return sum;
}

function bisect(f: (x: number) => number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Two-sided confidence limits for a Poisson count: exact below 10, Byar's approximation from 10. */
export function poissonLimits(count: number, z: number): [number, number] {
  const alpha = z === Z95 ? 0.05 : z === Z998 ? 0.002 : 2 * (1 - normalCdf(z));
  if (count < 10) {
    const lower = count === 0 ? 0 : bisect((mu) => 1 - poissonCdf(count - 1, mu) - alpha / 2 < 0 ? 1 : -1, 0, count + 50);
    const upper = bisect((mu) => (poissonCdf(count, mu) - alpha / 2 > 0 ? 1 : -1), 0, count + 60);
    return [lower, upper];
  }
  const o = count;
  const lower = o * (1 - 1 / (9 * o) - z / (3 * Math.sqrt(o))) ** 3;
  const o1 = o + 1;
  const upper = o1 * (1 - 1 / (9 * o1) + z / (3 * Math.sqrt(o1))) ** 3;
  return [lower, upper];
}

/** Wilson score interval for a proportion k/n. */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  if (n <= 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const den = 1 + z2 / n;
  return [(centre - half) / den, (centre + half) / den];
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** Where a rate sits against a comparator value: `higher`, `lower` or `similar` (95% limits). */
export function rateVersus(count: number, denominator: number, comparatorRate: number): "higher" | "lower" | "similar" {
  const [lo, hi] = poissonLimits(count, Z95);
  if (lo / denominator > comparatorRate) return "higher";
  if (hi / denominator < comparatorRate) return "lower";
  return "similar";
}

/** Where a proportion sits against a comparator value (Wilson 95%). */
export function proportionVersus(k: number, n: number, comparator: number): "higher" | "lower" | "similar" {
  const [lo, hi] = wilson(k, n);
  if (lo > comparator) return "higher";
  if (hi < comparator) return "lower";
  return "similar";
}
