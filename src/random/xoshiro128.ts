/**
 * xoshiro128** 1.0 (Blackman and Vigna, 2018, https://prng.di.unimi.it/): the one
 * pseudo-random generator of the kit, shared by composition (which demonstrations, in what
 * order) and the simulator (every draw of every receipt). 32-bit output, period 2^128 - 1,
 * integer arithmetic only, so a stream is the same on any JavaScript engine. Never
 * Math.random. Seeding is the caller's: composition uses splitmix32 of a seed, the
 * simulator MurmurHash3 lanes of a stream's name.
 */
export const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

export class Xoshiro128 {
  protected s0 = 1;
  protected s1 = 0;
  protected s2 = 0;
  protected s3 = 0;

  /** Set the raw 128-bit state; the all-zero state, a fixed point, becomes (1, 0, 0, 0). */
  setState(s0: number, s1: number, s2: number, s3: number): this {
    this.s0 = s0 | 0; this.s1 = s1 | 0; this.s2 = s2 | 0; this.s3 = s3 | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    return this;
  }

  /** The next 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform on [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform on (0, 1), never 0 or 1: (k + 0.5) / 2^32, exact in double precision. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Uniform integer in [0, n) without modulo bias (rejection sampling). Throws unless 1 <= n <= 2^32. */
  nextBelow(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new RangeError(`nextBelow requires an integer n from 1 to 2^32, found ${n}`);
    const limit = 4294967296 - (4294967296 % n); // largest multiple of n that fits
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal by Box-Muller (the cosine half), from two uniforms. */
  normal(): number {
    const u1 = this.uniform();
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
