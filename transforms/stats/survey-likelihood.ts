/**
 * The profile-likelihood interval of R `survey::svyciprop(method = "likelihood")`: the Rao-Scott
 * scaled profile of the quasi-binomial deviance (`confint.svyglm(method = "likelihood")`, which
 * hands over to MASS `profile.glm` and `confint.profile.glm`). The profile is evaluated at up to
 * nine steps each side, smoothed by R's `spline()` (Forsythe-Malcolm-Moler) and inverted by
 * linear interpolation (`approx`), as in R, so the limits carry R's digits.
 */
import { pnorm, qnorm, qt } from "./distributions.ts";
import { deviance, linkinv, type InterceptFit } from "./survey-logistic.ts";

/** What the profile needs from the fitted model. */
export interface LikelihoodInput {
  y: readonly number[];
  /** Prior weights (survey weights scaled to mean 1 over the rows). */
  w: readonly number[];
  fit: InterceptFit;
  /** Design-based standard error of the logit coefficient. */
  se: number;
  /** Dispersion (`summary.svyglm()$dispersion`). */
  dispersion: number;
  /** Design degrees of freedom. */
  df: number;
  level: number;
}

/** Coefficients of R's fmm cubic spline through (x, y) (C `fmm_spline`). */
function fmmSpline(x: number[], y: number[]): { b: number[]; c: number[]; d: number[] } {
  const n = x.length;
  const b = new Array<number>(n + 1).fill(0);
  const c = new Array<number>(n + 1).fill(0);
  const d = new Array<number>(n + 1).fill(0);
  // 1-based views
  const X = (i: number) => x[i - 1];
  const Y = (i: number) => y[i - 1];
  if (n < 3) {
    const t = Y(2) - Y(1);
    b[1] = t / (X(2) - X(1));
    b[2] = b[1];
    return { b: b.slice(1), c: c.slice(1), d: d.slice(1) };
  }
  const nm1 = n - 1;
  d[1] = X(2) - X(1);
  c[2] = (Y(2) - Y(1)) / d[1];
  for (let i = 2; i < n; i++) {
    d[i] = X(i + 1) - X(i);
    b[i] = 2.0 * (d[i - 1] + d[i]);
    c[i + 1] = (Y(i + 1) - Y(i)) / d[i];
    c[i] = c[i + 1] - c[i];
  }
  b[1] = -d[1];
  b[n] = -d[nm1];
  c[1] = c[n] = 0.0;
  if (n > 3) {
    c[1] = c[3] / (X(4) - X(2)) - c[2] / (X(3) - X(1));
    c[n] = c[nm1] / (X(n) - X(n - 2)) - c[n - 2] / (X(nm1) - X(n - 3));
    c[1] = (c[1] * d[1] * d[1]) / (X(4) - X(1));
    c[n] = (-c[n] * d[nm1] * d[nm1]) / (X(n) - X(n - 3));
  }
  for (let i = 2; i <= n; i++) {
    const t = d[i - 1] / b[i - 1];
    b[i] = b[i] - t * d[i - 1];
    c[i] = c[i] - t * c[i - 1];
  }
  c[n] = c[n] / b[n];
  for (let i = nm1; i >= 1; i--) c[i] = (c[i] - d[i] * c[i + 1]) / b[i];
  b[n] = (Y(n) - Y(n - 1)) / d[n - 1] + d[n - 1] * (c[n - 1] + 2.0 * c[n]);
  for (let i = 1; i <= nm1; i++) {
    b[i] = (Y(i + 1) - Y(i)) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i]);
    d[i] = (c[i + 1] - c[i]) / d[i];
    c[i] = 3.0 * c[i];
  }
  c[n] = 3.0 * c[n];
  d[n] = d[nm1];
  return { b: b.slice(1), c: c.slice(1), d: d.slice(1) };
}

/** R's `spline(x, y)`: the fmm spline evaluated at 3n equally spaced points from min(x) to max(x). */
export function rSpline(x: number[], y: number[]): { x: number[]; y: number[] } {
  const { b, c, d } = fmmSpline(x, y);
  const n = x.length;
  const nout = 3 * n;
  const from = x[0];
  const to = x[n - 1];
  const u = new Array<number>(nout);
  u[0] = from;
  u[nout - 1] = to;
  const by = (to - from) / (nout - 1);
  for (let i = 1; i < nout - 1; i++) u[i] = i < Math.floor(nout / 2) ? from + i * by : to - (nout - 1 - i) * by;
  const v = new Array<number>(nout);
  let i = 0;
  for (let l = 0; l < nout; l++) {
    const ul = u[l];
    if (ul < x[i] || (i < n - 1 && x[i + 1] < ul)) {
      i = 0;
      let j = n;
      do {
        const k = Math.floor((i + j) / 2);
        if (ul < x[k]) j = k;
        else i = k;
      } while (j > i + 1);
    }
    const dx = ul - x[i];
    v[l] = y[i] + dx * (b[i] + dx * (c[i] + dx * d[i]));
  }
  return { x: u, y: v };
}

/** R's `approx(x, y, xout)$y` (linear, rule 1: NA outside the range); x need not be sorted. */
export function rApprox(x: number[], y: number[], xout: number): number | null {
  const idx = x.map((_, k) => k).filter((k) => Number.isFinite(x[k]) && Number.isFinite(y[k]));
  if (idx.length < 2) return null;
  idx.sort((p, q) => x[p] - x[q] || p - q);
  // ties: mean of y
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < idx.length; ) {
    let e = k;
    let s = 0;
    while (e < idx.length && x[idx[e]] === x[idx[k]]) s += y[idx[e++]];
    xs.push(x[idx[k]]);
    ys.push(s / (e - k));
    k = e;
  }
  let i = 0;
  let j = xs.length - 1;
  if (xout < xs[i] || xout > xs[j]) return null;
  while (i < j - 1) {
    const ij = Math.floor((i + j) / 2);
    if (xout < xs[ij]) j = ij;
    else i = ij;
  }
  if (xout === xs[j]) return ys[j];
  if (xout === xs[i]) return ys[i];
  return ys[i] + (ys[j] - ys[i]) * ((xout - xs[i]) / (xs[j] - xs[i]));
}

/**
 * Profile-likelihood limits (on the proportion scale) or null with the reason R would fail with.
 * `lambda` is the design effect of the coefficient: design variance / model-based variance.
 */
export function likelihoodLimits(input: LikelihoodInput): { lower: number | null; upper: number | null; note?: string } {
  const { y, w, fit, se, dispersion, df, level } = input;
  const naive = 1 / fit.workingWeightSum;
  const lambda = (se * se) / naive;
  const levelAdj = 1 - 2 * pnorm(qt((1 - level) / 2, df) * Math.sqrt(lambda));
  // profile.glm(alpha = (1 - level) / 4)
  const alpha = (1 - levelAdj) / 4;
  const n = y.length;
  const zmax = Math.sqrt(qt(1 - alpha / 2, n - 1) ** 2);
  const del = zmax / 5;
  const maxsteps = 10;
  const b0 = fit.coef;
  const dev0 = fit.deviance;
  const zs: number[] = [0];
  const bs: number[] = [b0];
  for (const sgn of [-1, 1]) {
    let step = 0;
    let z = 0;
    while (++step < maxsteps && Math.abs(z) < zmax) {
      const bi = b0 + sgn * step * del * se;
      const m = linkinv(bi);
      const dev = deviance(y, w, () => m);
      let zz = (dev - dev0) / dispersion;
      if (zz > -1e-3) zz = Math.max(zz, 0);
      else return { lower: null, upper: null, note: "profiling found a better solution than the fit" };
      z = sgn * Math.sqrt(zz);
      zs.push(z);
      bs.push(bi);
    }
  }
  const order = zs.map((_, k) => k).sort((p, q) => zs[p] - zs[q] || p - q);
  const px = order.map((k) => bs[k]);
  const pz = order.map((k) => zs[k]);
  const sp = rSpline(px, pz);
  const a = (1 - levelAdj) / 2;
  const lo = rApprox(sp.y, sp.x, qnorm(a));
  const hi = rApprox(sp.y, sp.x, qnorm(1 - a));
  return { lower: lo === null ? null : expit(lo), upper: hi === null ? null : expit(hi) };
}

/** exp(eta) / (1 + exp(eta)), as survey's `expit`. */
export function expit(eta: number): number {
  return Math.exp(eta) / (1 + Math.exp(eta));
}
