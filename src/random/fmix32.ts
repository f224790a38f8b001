/**
 * MurmurHash3's 32-bit finaliser (Appleby): mixes every input bit into every output bit.
 * Shared by the simulator's stream seeds (simulate/prng.ts) and the receipt-key hash
 * (receipt/key.ts), which both end a murmur3 pass with it.
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
