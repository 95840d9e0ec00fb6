/**
 * R's default random number generator, reproduced: Mersenne-Twister uniforms seeded as
 * `set.seed(seed)` seeds them, and normals by inversion (`RNGkind(normal.kind = "Inversion")`,
 * R's default). With the same seed a simulation here draws exactly the numbers R draws, so
 * Monte Carlo results (the SII's confidence limits) can be checked against R's.
 */
import { qnorm } from "./distributions.ts";

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const I2_32M1 = 2.328306437080797e-10; // 1 / (2^32 - 1)
const BIG = 134217728; // 2^27

/** A seeded stream of R-compatible uniform and normal draws. */
export class RRandom {
  /** dummy[0] is the position `mti`, dummy[1..624] the state, as in R's RNG.c. */
  private readonly dummy = new Uint32Array(N + 1);

  /** Seed as `set.seed(seed)` does (scrambled by 50 LCG steps, then 625 LCG outputs). */
  constructor(seed: number) {
    let s = seed >>> 0;
    for (let j = 0; j < 50; j++) s = (Math.imul(69069, s) + 1) >>> 0;
    for (let j = 0; j < N + 1; j++) {
      s = (Math.imul(69069, s) + 1) >>> 0;
      this.dummy[j] = s;
    }
    this.dummy[0] = N; // FixupSeeds: mti = N, so the first draw regenerates the state
  }

  private genrand(): number {
    const mt = this.dummy.subarray(1);
    let mti = this.dummy[0];
    let y: number;
    if (mti >= N) {
      let kk: number;
      for (kk = 0; kk < N - M; kk++) {
        y = ((mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK)) >>> 0;
        mt[kk] = (mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
      }
      for (; kk < N - 1; kk++) {
        y = ((mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK)) >>> 0;
        mt[kk] = (mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
      }
      y = ((mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK)) >>> 0;
      mt[N - 1] = (mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
      mti = 0;
    }
    y = mt[mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    this.dummy[0] = mti;
    return (y >>> 0) * 2.3283064365386963e-10;
  }

  /** A uniform draw in (0, 1), as `runif(1)`. */
  unif(): number {
    const x = this.genrand();
    if (x <= 0) return 0.5 * I2_32M1;
    if (1 - x <= 0) return 1 - 0.5 * I2_32M1;
    return x;
  }

  /** A standard normal draw by inversion, as `rnorm(1)`. */
  norm(): number {
    let u = this.unif();
    u = Math.trunc(BIG * u) + this.unif();
    return qnorm(u / BIG);
  }

  /** A normal draw, as `rnorm(1, mean, sd)` (sd = 0 returns the mean without drawing). */
  normal(mean: number, sd: number): number {
    if (sd === 0) return mean;
    return mean + sd * this.norm();
  }
}
