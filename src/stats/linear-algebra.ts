/**
 * Internal: the small dense k x k algebra of the logistic fit, on row-major Float64Arrays.
 * k is the number of terms (a handful), so plain loops beat any library call overhead.
 */

/**
 * Cholesky factor L (lower, row-major) of a symmetric positive-definite matrix whose lower
 * triangle is filled. Returns null when a pivot is not positive, or not above
 * relativeTolerance times its diagonal entry (the matrix is singular to that tolerance).
 */
export function choleskyFactor(a: Float64Array, k: number, relativeTolerance = 0): Float64Array | null {
  const l = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let d = a[j * k + j];
    for (let m = 0; m < j; m++) d -= l[j * k + m] * l[j * k + m];
    if (!(d > relativeTolerance * a[j * k + j]) || !(d > 0) || !Number.isFinite(d)) return null;
    const ljj = Math.sqrt(d);
    l[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j];
      for (let m = 0; m < j; m++) s -= l[i * k + m] * l[j * k + m];
      l[i * k + j] = s / ljj;
    }
  }
  return l;
}

/** Solve (L L') x = b for x. */
export function choleskySolve(l: Float64Array, k: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i];
    for (let m = 0; m < i; m++) s -= l[i * k + m] * y[m];
    y[i] = s / l[i * k + i];
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i];
    for (let m = i + 1; m < k; m++) s -= l[m * k + i] * x[m];
    x[i] = s / l[i * k + i];
  }
  return x;
}

/** The inverse of L L' as a symmetric number[][]. */
export function choleskyInverse(l: Float64Array, k: number): number[][] {
  const inv: number[][] = [];
  for (let i = 0; i < k; i++) inv.push(new Array<number>(k).fill(0));
  const e = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    e.fill(0);
    e[j] = 1;
    const col = choleskySolve(l, k, e);
    for (let i = 0; i < k; i++) inv[i][j] = col[i];
  }
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < i; j++) {
      const s = (inv[i][j] + inv[j][i]) / 2;
      inv[i][j] = s;
      inv[j][i] = s;
    }
  }
  return inv;
}

/** A B A' for square A (k x k) and symmetric B, as number[][]. */
export function sandwichProduct(a: number[][], b: number[][]): number[][] {
  const k = a.length;
  const ab: number[][] = [];
  for (let i = 0; i < k; i++) {
    const row = new Array<number>(k).fill(0);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let m = 0; m < k; m++) s += a[i][m] * b[m][j];
      row[j] = s;
    }
    ab.push(row);
  }
  const out: number[][] = [];
  for (let i = 0; i < k; i++) {
    const row = new Array<number>(k).fill(0);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let m = 0; m < k; m++) s += ab[i][m] * a[j][m];
      row[j] = s;
    }
    out.push(row);
  }
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < i; j++) {
      const s = (out[i][j] + out[j][i]) / 2;
      out[i][j] = s;
      out[j][i] = s;
    }
  }
  return out;
}

/** Inverse of a small symmetric positive-definite number[][]; null when singular (a pivot below 1e-12 of its diagonal). */
export function invertSymmetric(m: number[][]): number[][] | null {
  const k = m.length;
  const a = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) a[i * k + j] = m[i][j];
  const l = choleskyFactor(a, k, 1e-12);
  return l === null ? null : choleskyInverse(l, k);
}
