/**
 * Internal: mu = 1 / (1 + e^-eta), 1 - mu, log(1 + e^eta) and log(1 + e^-eta), computed
 * without cancellation (the exponential is always of a non-positive number), written into a
 * caller's 4-slot scratch array so hot loops allocate nothing.
 */
export const MU = 0, ONE_MINUS_MU = 1, SOFTPLUS = 2, SOFTPLUS_NEG = 3;

export function logisticParts(eta: number, out: Float64Array): void {
  if (eta >= 0) {
    const e = Math.exp(-eta);
    out[MU] = 1 / (1 + e);
    out[ONE_MINUS_MU] = e / (1 + e);
    out[SOFTPLUS_NEG] = Math.log1p(e);
    out[SOFTPLUS] = eta + out[SOFTPLUS_NEG];
  } else {
    const e = Math.exp(eta);
    out[MU] = e / (1 + e);
    out[ONE_MINUS_MU] = 1 / (1 + e);
    out[SOFTPLUS] = Math.log1p(e);
    out[SOFTPLUS_NEG] = out[SOFTPLUS] - eta;
  }
}
