/**
 * Internal: a cheap hash of a fit's response, trials and weights, so that a likelihood-ratio
 * test can tell fits on different rows apart. Computed when first asked for
 * (LogisticFitResult.rowFingerprint): analyze fits a hundred models and compares a few dozen.
 */

/** FNV-1a over the bits of the response, trials and weights, plus the row count. */
export function fingerprintRows(successes: Float64Array, trials?: Float64Array, weights?: Float64Array): string {
  let h = 0x811c9dc5;
  for (const arr of [successes, trials, weights]) {
    if (arr === undefined) {
      h = Math.imul(h ^ 0xff, 0x01000193);
      continue;
    }
    const words = new Uint32Array(arr.buffer, arr.byteOffset, arr.length * 2);
    for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  }
  return `${successes.length}:${(h >>> 0).toString(16).padStart(8, "0")}`;
}
