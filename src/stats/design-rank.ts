/**
 * Internal: the rank check of a logistic design, done once before iterating. It follows R's
 * `lm.fit`/`glm.fit` (LINPACK dqrdc2 with tol = 1e-7): a term is aliased when what is left of
 * its column after removing its projection on the earlier terms has less than 1e-7 of the
 * column's norm. The columns are scaled by sqrt(weight * trials), as in the first IRLS step,
 * so grouped and expanded data give the same verdict.
 * Cost: O(n k^2) time, k columns of memory (modified Gram-Schmidt on copies).
 */
import { StatsError } from "./stats-error";

const ALIAS_TOLERANCE = 1e-7;

export function checkDesignRank(
  terms: readonly string[],
  columns: readonly Float64Array[],
  rowScale: Float64Array | null,
  caller: string,
): void {
  const k = terms.length;
  const n = columns.length > 0 ? columns[0].length : 0;
  const q: Float64Array[] = [];
  const qTerms: number[] = [];
  // r[j][i]: coefficient of orthonormal q_i in original column j; rdiag[i] the norm left of q_i.
  const rCols: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(n);
    const x = columns[j];
    let norm0 = 0;
    for (let i = 0; i < n; i++) {
      const value = rowScale === null ? x[i] : x[i] * rowScale[i];
      v[i] = value;
      norm0 += value * value;
    }
    norm0 = Math.sqrt(norm0);
    if (norm0 === 0) {
      throw new StatsError(`${caller}: term '${terms[j]}' is zero in every row with positive weight, so its coefficient cannot be estimated; drop it`);
    }
    const r = new Float64Array(q.length);
    for (let m = 0; m < q.length; m++) {
      const qm = q[m];
      let dot = 0;
      for (let i = 0; i < n; i++) dot += qm[i] * v[i];
      r[m] = dot;
      for (let i = 0; i < n; i++) v[i] -= dot * qm[i];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm < ALIAS_TOLERANCE * norm0) {
      throw new StatsError(`${caller}: ${aliasMessage(terms, j, qTerms, rCols, r, columns, rowScale, norm0)}`);
    }
    for (let i = 0; i < n; i++) v[i] /= norm;
    q.push(v);
    qTerms.push(j);
    const full = new Float64Array(q.length);
    full.set(r);
    full[q.length - 1] = norm;
    rCols.push(full);
  }
}

/** Name the terms whose combination reproduces term j (coefficients of the triangular solve). */
function aliasMessage(
  terms: readonly string[], j: number, qTerms: number[], rCols: Float64Array[], r: Float64Array,
  columns: readonly Float64Array[], rowScale: Float64Array | null, norm0: number,
): string {
  const p = qTerms.length;
  // Solve R c = r where R is upper triangular with R[m][col] = rCols[col][m].
  const c = new Float64Array(p);
  for (let m = p - 1; m >= 0; m--) {
    let s = r[m];
    for (let col = m + 1; col < p; col++) s -= rCols[col][m] * c[col];
    c[m] = s / rCols[m][m];
  }
  const involved: string[] = [];
  for (let m = 0; m < p; m++) {
    const col = columns[qTerms[m]];
    let colNorm = 0;
    for (let i = 0; i < col.length; i++) {
      const v = rowScale === null ? col[i] : col[i] * rowScale[i];
      colNorm += v * v;
    }
    if (Math.abs(c[m]) * Math.sqrt(colNorm) > 1e-6 * norm0) involved.push(`'${terms[qTerms[m]]}'`);
  }
  const list = involved.length > 0 ? involved.join(", ") : "the earlier terms";
  return `term '${terms[j]}' is a linear combination of ${list} (the design is rank deficient, so its coefficient cannot be estimated; drop one of these terms)`;
}
