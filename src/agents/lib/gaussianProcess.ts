import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { errorFunction } from 'simple-statistics';

/**
 * Gaussian-process regression for Bayesian optimisation: a Matern 5/2 kernel on inputs in [0, 1]
 * with a length scale per input (ARD), a constant mean (the data mean, after standardising y) and
 * a noise term, because a CV score is a rugged function of the hyperparameters. Length scales and
 * the noise share are chosen by maximising the marginal likelihood under weak priors: a grid of isotropic fits, then
 * coordinate ascent over each input's length scale on the same grid. The signal variance has a
 * closed form given those (profile likelihood), so it needs no search of its own.
 */
export interface GpHyper {
  /** Length scale per input, in the unit cube. */
  lengthscales: number[];
  /** Noise variance as a share of the signal variance. */
  noise: number;
}

const LENGTHS = [0.05, 0.1, 0.2, 0.35, 0.6, 1, 1.7, 3];
const NOISES = [1e-4, 1e-3, 0.01, 0.05, 0.15, 0.4];
const ASCENT_PASSES = 2;

/**
 * Weak log-normal priors (MAP rather than pure maximum likelihood): with a handful of points the
 * likelihood alone happily explains everything as noise with a tiny length scale.
 */
function logPrior(h: GpHyper): number {
  const ls = h.lengthscales.reduce((a, l) => a - 0.5 * ((Math.log(l) - Math.log(0.4)) / 1.2) ** 2, 0);
  return ls - 0.5 * ((Math.log(h.noise) - Math.log(0.01)) / 2.5) ** 2;
}

/** Matern 5/2 of a distance already divided by the length scale. */
export function matern52(r: number): number {
  const s = Math.sqrt(5) * r;
  return (1 + s + (s * s) / 3) * Math.exp(-s);
}

function scaledDistance(a: readonly number[], b: readonly number[], lengthscales: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += (((a[i] ?? 0) - (b[i] ?? 0)) / (lengthscales[i] ?? 1)) ** 2;
  return Math.sqrt(d);
}

export class GaussianProcess {
  private constructor(
    private readonly X: number[][],
    private readonly L: number[][],
    private readonly alpha: number[],
    readonly hyper: GpHyper,
    /** Signal variance of the standardised scores. */
    readonly signal: number,
    private readonly yMean: number,
    private readonly yStd: number,
    readonly logLikelihood: number,
  ) {}

  /**
   * Fits with the hyperparameters that maximise the marginal likelihood, or with `fixed`. The last
   * `exact` points carry no noise: they are believed values of pending points, and a believed
   * point must not stay uncertain, or a batch piles up in one spot.
   */
  static fit(X: number[][], y: readonly number[], fixed?: GpHyper, exact = 0): GaussianProcess {
    if (X.length === 0 || X.length !== y.length) throw new Error('a Gaussian process needs as many scores as points, and at least one');
    const n = y.length;
    const yMean = y.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(y.reduce((a, b) => a + (b - yMean) ** 2, 0) / n);
    const yStd = sd > 1e-12 ? sd : 1;
    const z = y.map((v) => (v - yMean) / yStd);
    const attempt = (hyper: GpHyper) => GaussianProcess.tryFit(X, z, hyper, yMean, yStd, n - exact);
    if (fixed) {
      const gp = attempt(fixed);
      if (gp) return gp;
    }
    const dims = X[0]?.length ?? 1;
    let best: GaussianProcess | undefined;
    const consider = (hyper: GpHyper) => {
      const gp = attempt(hyper);
      if (gp && (!best || gp.logLikelihood + logPrior(gp.hyper) > best.logLikelihood + logPrior(best.hyper) + 1e-9)) best = gp;
    };
    for (const l of LENGTHS) for (const noise of NOISES) consider({ lengthscales: new Array<number>(dims).fill(l * Math.sqrt(dims)), noise });
    for (let pass = 0; pass < ASCENT_PASSES && best && dims > 1; pass++) {
      for (let d = 0; d < dims; d++) {
        const base: GpHyper = best.hyper;
        for (const l of LENGTHS) consider({ lengthscales: base.lengthscales.map((v, i) => (i === d ? l : v)), noise: base.noise });
      }
      const base: GpHyper = best.hyper;
      for (const noise of NOISES) consider({ lengthscales: base.lengthscales, noise });
    }
    if (!best) throw new Error('the kernel matrix is not positive definite for any length scale');
    return best;
  }

  private static tryFit(X: number[][], z: number[], hyper: GpHyper, yMean: number, yStd: number, noisy: number): GaussianProcess | undefined {
    const n = z.length;
    const kernel = X.map((a) => X.map((b) => matern52(scaledDistance(a, b, hyper.lengthscales))));
    for (const jitter of [1e-8, 1e-6, 1e-4, 1e-3]) {
      const K = new Matrix(kernel.map((row, i) => row.map((k, j) => k + (i === j ? (i < noisy ? hyper.noise : 0) + jitter : 0))));
      const chol = new CholeskyDecomposition(K);
      if (!chol.isPositiveDefinite()) continue;
      const alpha = chol.solve(Matrix.columnVector(z)).getColumn(0);
      const L = chol.lowerTriangularMatrix.to2DArray();
      const fit = z.reduce((a, v, i) => a + v * (alpha[i] ?? 0), 0);
      const signal = Math.max(fit / n, 1e-12);
      const logDet = L.reduce((a, row, i) => a + Math.log(row[i] ?? 1), 0);
      // Profile log likelihood with the signal variance at its maximum, fit / n.
      const logLikelihood = -0.5 * n * Math.log(signal) - logDet - 0.5 * n * (1 + Math.log(2 * Math.PI));
      return new GaussianProcess(X, L, alpha, hyper, signal, yMean, yStd, logLikelihood);
    }
    return undefined;
  }

  /** Posterior mean and standard deviation of the latent score (noise excluded), in score units. */
  predict(points: readonly number[][]): { mean: number[]; std: number[] } {
    const n = this.X.length;
    const mean: number[] = [];
    const std: number[] = [];
    const v = new Float64Array(n);
    for (const p of points) {
      let mu = 0;
      for (let i = 0; i < n; i++) {
        const k = matern52(scaledDistance(p, this.X[i] ?? [], this.hyper.lengthscales));
        mu += k * (this.alpha[i] ?? 0);
        v[i] = k;
      }
      // Forward substitution L w = k, in place: the variance is k(x, x) - |w|^2.
      let reduction = 0;
      for (let i = 0; i < n; i++) {
        const row = this.L[i] ?? [];
        let s = v[i] ?? 0;
        for (let j = 0; j < i; j++) s -= (row[j] ?? 0) * (v[j] ?? 0);
        const w = s / (row[i] ?? 1);
        v[i] = w;
        reduction += w * w;
      }
      const variance = Math.max(this.signal * (1 - reduction), 1e-12);
      mean.push(this.yMean + this.yStd * mu);
      std.push(this.yStd * Math.sqrt(variance));
    }
    return { mean, std };
  }
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function normalCdf(z: number): number {
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

/** Expected improvement over `best` for maximisation; `xi` trades exploitation for exploration. */
export function expectedImprovement(mean: number, std: number, best: number, xi = 0): number {
  const gain = mean - best - xi;
  if (std <= 1e-12) return Math.max(gain, 0);
  const z = gain / std;
  return gain * normalCdf(z) + std * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}
