/**
 * Internal: what a CR2 fit keeps for its small-sample tests (the per-cluster k x k matrices
 * GG_j and H_j of cr2-vcov.ts), attached to the results object without widening its public
 * type: the Satterthwaite and HTZ tests look them up by the fit.
 */
export interface Cr2Parts {
  /** Terms. */
  readonly k: number;
  /** Clusters. */
  readonly groups: number;
  /** GG_j = B E_j T_j E_j' B, cluster after cluster, each k x k row-major. */
  readonly gg: Float64Array;
  /** H_j = B E_j Z~_j L, cluster after cluster, each k x k row-major. */
  readonly h: Float64Array;
}

const partsOf = new WeakMap<object, Cr2Parts>();

export function attachCr2Parts(fit: object, parts: Cr2Parts): void {
  partsOf.set(fit, parts);
}

/** The CR2 parts of a fit, or null for a fit with other standard errors. */
export function cr2PartsOf(fit: object): Cr2Parts | null {
  return partsOf.get(fit) ?? null;
}
