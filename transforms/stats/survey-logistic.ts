/**
 * The intercept-only quasi-binomial fit behind R `survey::svyciprop(method = "logit")` and
 * `"likelihood"`: `svyglm(y ~ 1, family = quasibinomial)` fitted by R's `glm.fit` iteratively
 * reweighted least squares, step for step (same start, same convergence rule: relative deviance
 * change below 1e-8), so that the coefficient carries the same last digits as R's.
 */

const THRESH = 30;
const MTHRESH = -30;
const DBL_EPSILON = 2.220446049250313e-16;
const INVEPS = 1 / DBL_EPSILON;

/** Inverse logit as R's `binomial()$linkinv` computes it. */
export function linkinv(eta: number): number {
  const tmp = eta < MTHRESH ? DBL_EPSILON : eta > THRESH ? INVEPS : Math.exp(eta);
  return tmp / (1 + tmp);
}

/** d mu / d eta as R's `binomial()$mu.eta` computes it. */
export function muEta(eta: number): number {
  const opexp = 1 + Math.exp(eta);
  return eta > THRESH || eta < MTHRESH ? DBL_EPSILON : Math.exp(eta) / (opexp * opexp);
}

/** Binomial deviance sum 2 w [y log(y / mu) + (1 - y) log((1 - y) / (1 - mu))] for 0/1 outcomes. */
export function deviance(y: readonly number[], w: readonly number[], mu: (i: number) => number): number {
  let dev = 0;
  for (let i = 0; i < y.length; i++) {
    const m = mu(i);
    dev += 2 * w[i] * (y[i] !== 0 ? Math.log(1 / m) : Math.log(1 / (1 - m)));
  }
  return dev;
}

/** The converged fit: coefficient (logit), fitted mean, deviance, and the last IRLS weights' sum. */
export interface InterceptFit {
  coef: number;
  mu: number;
  deviance: number;
  /** Sum of the final working weights: 1 / this is glm's unscaled (model-based) variance. */
  workingWeightSum: number;
  converged: boolean;
}

/**
 * Fit logit(mu) = b by glm.fit's IRLS with prior weights `w` (R scales survey weights to mean 1).
 * Returns null when an outcome is constant (no finite maximum).
 */
export function fitInterceptLogit(y: readonly number[], w: readonly number[]): InterceptFit | null {
  const n = y.length;
  let anyYes = false;
  let anyNo = false;
  for (const v of y) (v ? (anyYes = true) : (anyNo = true));
  if (!anyYes || !anyNo) return null;
  // start: mustart = (w y + 0.5) / (w + 1), eta = logit(mustart)
  const eta = new Array<number>(n);
  const mu = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const ms = (w[i] * y[i] + 0.5) / (w[i] + 1);
    eta[i] = Math.log(ms / (1 - ms));
    mu[i] = linkinv(eta[i]);
  }
  let devold = deviance(y, w, (i) => mu[i]);
  let coef = NaN;
  let dev = devold;
  let wsum = NaN;
  for (let iter = 1; iter <= 25; iter++) {
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      const me = muEta(eta[i]);
      if (!(w[i] > 0) || me === 0) continue;
      const z = eta[i] + (y[i] - mu[i]) / me;
      const wi2 = (w[i] * me * me) / (mu[i] * (1 - mu[i]));
      num += wi2 * z;
      den += wi2;
    }
    coef = num / den;
    wsum = den;
    const m = linkinv(coef);
    for (let i = 0; i < n; i++) {
      eta[i] = coef;
      mu[i] = m;
    }
    dev = deviance(y, w, () => m);
    if (Math.abs(dev - devold) / (Math.abs(dev) + 0.1) < 1e-8) {
      return { coef, mu: m, deviance: dev, workingWeightSum: wsum, converged: true };
    }
    devold = dev;
  }
  return { coef, mu: linkinv(coef), deviance: dev, workingWeightSum: wsum, converged: false };
}
