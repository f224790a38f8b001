/**
 * Internal: a power of a small symmetric matrix through its eigen-decomposition, as
 * clubSandwich's `matrix_power(x, p)`: eigenvalues at or below 1e-12 (absolute) are set to 0
 * (so p = -1/2 gives the pseudo-inverse square root of a singular matrix, as there).
 * The decomposition is cyclic Jacobi (Golub & Van Loan, Matrix Computations, 4th ed., 8.5),
 * accurate to rounding for the tens of rows the CR2 adjustment needs.
 * Cost: O(m^3) a sweep, usually under 10 sweeps, for an m x m matrix.
 */

/** Eigenvalues below this count as zero (clubSandwich: `tol = -12`, i.e. 10^-12). */
const ZERO_EIGENVALUE = 1e-12;

/** Eigenvalues and eigenvectors (columns of `vectors`, row-major m x m) of a symmetric matrix. */
export function symmetricEigen(a: Float64Array, m: number): { values: Float64Array; vectors: Float64Array } {
  const w = Float64Array.from(a);
  const v = new Float64Array(m * m);
  for (let i = 0; i < m; i++) v[i * m + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < m; p++) {
      diag += w[p * m + p] * w[p * m + p];
      for (let q = p + 1; q < m; q++) off += w[p * m + q] * w[p * m + q];
    }
    if (off <= 1e-32 * diag || off === 0) break;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = w[p * m + q];
        if (apq === 0) continue;
        const theta = (w[q * m + q] - w[p * m + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = w[k * m + p], akq = w[k * m + q];
          w[k * m + p] = c * akp - s * akq;
          w[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = w[p * m + k], aqk = w[q * m + k];
          w[p * m + k] = c * apk - s * aqk;
          w[q * m + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = v[k * m + p], vkq = v[k * m + q];
          v[k * m + p] = c * vkp - s * vkq;
          v[k * m + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(m);
  for (let i = 0; i < m; i++) values[i] = w[i * m + i];
  return { values, vectors: v };
}

/** x^power for a symmetric m x m x (row-major), eigenvalues <= 1e-12 mapped to 0. */
export function symmetricPower(x: Float64Array, m: number, power: number): Float64Array {
  const { values, vectors } = symmetricEigen(x, m);
  const out = new Float64Array(m * m);
  for (let e = 0; e < m; e++) {
    const lambda = values[e] > ZERO_EIGENVALUE ? values[e] ** power : 0;
    if (lambda === 0) continue;
    for (let i = 0; i < m; i++) {
      const vi = vectors[i * m + e] * lambda;
      for (let j = 0; j < m; j++) out[i * m + j] += vi * vectors[j * m + e];
    }
  }
  return out;
}
