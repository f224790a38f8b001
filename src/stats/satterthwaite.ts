/**
 * Internal: small-sample reference distributions for CR2 cluster-robust tests, exactly as
 * clubSandwich (Pustejovsky & Tipton 2018, J. Business & Economic Statistics 36(4)):
 * - one linear combination c'b: a t test with Satterthwaite degrees of freedom,
 *   `coef_test(fit, vcov = "CR2", test = "Satterthwaite")`: df = E^2 / sum(P^2), where the
 *   J x J matrix P has P[j, m] = [j = m] c'GG_j c - (c'H_j)(c'H_m)' and E = trace(P);
 * - q joint contrasts C b = 0: the approximate Hotelling T^2 test "HTZ",
 *   `Wald_test(fit, C, vcov = "CR2", test = "HTZ")`: with Omega = trace of P over clusters
 *   (q x q), B_jm = Omega^(-1/2) P_jm Omega^(-1/2), nu = q (q + 1) / sum over j, m, s, t of
 *   (B_jm[s,t] B_jm[t,s] + B_jm[s,s] B_jm[t,t]), the statistic F = (nu - q + 1) / nu * Q / q
 *   is referred to F(q, nu - q + 1), Q the Wald statistic with the CR2 covariance.
 *   With q = 1 this is the Satterthwaite t test (F = t^2, df = nu).
 * Cost: O(J k^2) for a single contrast, O(J^2 q^2 k) for a joint test of q contrasts.
 */
import type { Cr2Parts } from "./cr2-parts";
import { symmetricPower } from "./cr2-symmetric-power";

// The incomplete beta functions are required on first use (a t or F test): every logistic fit
// imports this file for its Wald columns, and CR1 and model-based fits never call them, while
// loading them cost each fit command about 50 ms.
type Betainc = typeof import("@stdlib/math-base-special-betainc");
type Betaincinv = typeof import("@stdlib/math-base-special-betaincinv");
let betaincStd: Betainc | undefined;
let betaincinvStd: Betaincinv | undefined;
// eslint-disable-next-line @typescript-eslint/no-var-requires
const betainc = (x: number, a: number, b: number): number => (betaincStd ??= require("@stdlib/math-base-special-betainc") as Betainc)(x, a, b);
// eslint-disable-next-line @typescript-eslint/no-var-requires
const betaincinv = (p: number, a: number, b: number): number => (betaincinvStd ??= require("@stdlib/math-base-special-betaincinv") as Betaincinv)(p, a, b);

/** Satterthwaite degrees of freedom of c'b under CR2. */
export function satterthwaiteDf(parts: Cr2Parts, c: ArrayLike<number>): number {
  const { k, groups, gg, h } = parts;
  let trace = 0, diagSq = 0, cross = 0;
  const outer = new Float64Array(k * k); // sum_j (H_j' c)(H_j' c)'
  const hc = new Float64Array(k);
  for (let g = 0; g < groups; g++) {
    const base = g * k * k;
    let gn = 0;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) gn += c[a] * gg[base + a * k + b] * c[b];
    hc.fill(0);
    for (let a = 0; a < k; a++) {
      if (c[a] === 0) continue;
      for (let b = 0; b < k; b++) hc[b] += c[a] * h[base + a * k + b];
    }
    let hn = 0;
    for (let b = 0; b < k; b++) hn += hc[b] * hc[b];
    trace += gn - hn;
    diagSq += gn * gn;
    cross += gn * hn;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) outer[a * k + b] += hc[a] * hc[b];
  }
  let frob = 0;
  for (let i = 0; i < k * k; i++) frob += outer[i] * outer[i];
  const sumSq = diagSq - 2 * cross + frob;
  return (trace * trace) / sumSq;
}

export interface HtzTest {
  /** (nu - q + 1) / nu * Q / q. */
  f_statistic: number;
  df_num: number;
  df_denom: number;
  p_value: number;
}

/** The HTZ test of C b = 0 (q rows of C), given the CR2 Wald statistic Q. */
export function htzTest(parts: Cr2Parts, contrasts: readonly (readonly number[])[], wald: number): HtzTest {
  const { k, groups, gg, h } = parts;
  const q = contrasts.length;
  // C GG_j C' (q x q) and C H_j (q x k) for every cluster.
  const cg = new Float64Array(groups * q * q);
  const ch = new Float64Array(groups * q * k);
  const omega = new Float64Array(q * q);
  for (let g = 0; g < groups; g++) {
    const base = g * k * k;
    for (let s = 0; s < q; s++) {
      const cs = contrasts[s];
      for (let b = 0; b < k; b++) {
        let v = 0;
        for (let a = 0; a < k; a++) v += cs[a] * h[base + a * k + b];
        ch[(g * q + s) * k + b] = v;
      }
      for (let t = 0; t < q; t++) {
        const ct = contrasts[t];
        let v = 0;
        for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) v += cs[a] * gg[base + a * k + b] * ct[b];
        cg[(g * q + s) * q + t] = v;
      }
    }
    for (let s = 0; s < q; s++) for (let t = 0; t < q; t++) {
      let hh = 0;
      for (let b = 0; b < k; b++) hh += ch[(g * q + s) * k + b] * ch[(g * q + t) * k + b];
      omega[s * q + t] += cg[(g * q + s) * q + t] - hh;
    }
  }
  const on = symmetricPower(omega, q, -0.5);
  // Transformed: G~_j = On (C GG_j C') On, H~_j = On C H_j.
  const gt = new Float64Array(groups * q * q);
  const ht = new Float64Array(groups * q * k);
  for (let g = 0; g < groups; g++) {
    for (let s = 0; s < q; s++) {
      for (let b = 0; b < k; b++) {
        let v = 0;
        for (let a = 0; a < q; a++) v += on[s * q + a] * ch[(g * q + a) * k + b];
        ht[(g * q + s) * k + b] = v;
      }
    }
    for (let s = 0; s < q; s++) for (let t = 0; t < q; t++) {
      let v = 0;
      for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) v += on[s * q + a] * cg[(g * q + a) * q + b] * on[b * q + t];
      gt[(g * q + s) * q + t] = v;
    }
  }
  // sum over (j, m) of trace(B_jm B_jm) + trace(B_jm)^2, B_jm = [j = m] G~_j - H~_j H~_m'.
  let total = 0;
  const bjm = new Float64Array(q * q);
  for (let j = 0; j < groups; j++) {
    for (let m = 0; m < groups; m++) {
      for (let s = 0; s < q; s++) for (let t = 0; t < q; t++) {
        let v = 0;
        for (let b = 0; b < k; b++) v += ht[(j * q + s) * k + b] * ht[(m * q + t) * k + b];
        bjm[s * q + t] = (j === m ? gt[(j * q + s) * q + t] : 0) - v;
      }
      let tr = 0, trSq = 0;
      for (let s = 0; s < q; s++) {
        tr += bjm[s * q + s];
        for (let t = 0; t < q; t++) trSq += bjm[s * q + t] * bjm[t * q + s];
      }
      total += trSq + tr * tr;
    }
  }
  const nu = (q * (q + 1)) / total;
  const delta = Math.max((nu - q + 1) / nu, 0);
  const dfDenom = nu - q + 1;
  const f = (delta * wald) / q;
  return { f_statistic: f, df_num: q, df_denom: dfDenom, p_value: dfDenom > 0 ? fUpperTail(f, q, dfDenom) : NaN };
}

/** P(|T| > |t|) for T ~ t(df): the regularized incomplete beta I_{df/(df+t^2)}(df/2, 1/2) (R: 2 * pt(-|t|, df)). */
export function tTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(df)) return NaN;
  return betainc(df / (df + t * t), df / 2, 0.5);
}

/** P(F > f) for F ~ F(d1, d2) (R: pf(f, d1, d2, lower.tail = FALSE)). */
export function fUpperTail(f: number, d1: number, d2: number): number {
  if (Number.isNaN(f) || !(d1 > 0) || !(d2 > 0)) return NaN;
  if (f <= 0) return 1;
  return betainc(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}

/** The two-sided t critical value for a confidence level: qt(1 - (1 - level) / 2, df). */
export function tCriticalValue(confLevel: number, df: number): number {
  // remembered: the paired intervals of relativeToBaseline ask for the same (level, G - 1)
  // hundreds of times, and the inverse incomplete beta costs tens of microseconds a call
  const key = `${confLevel} ${df}`;
  let t = criticalValues.get(key);
  if (t === undefined) {
    const x = betaincinv(1 - confLevel, df / 2, 0.5);
    t = Math.sqrt((df * (1 - x)) / x);
    if (criticalValues.size >= 1024) criticalValues.clear(); // Satterthwaite dfs are fractional: keep the memo small
    criticalValues.set(key, t);
  }
  return t;
}

const criticalValues = new Map<string, number>();
