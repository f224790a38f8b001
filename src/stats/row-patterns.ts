/**
 * Internal: find the distinct covariate patterns of a design in one hashing pass, so that a
 * fit on many rows with few distinct rows (receipt designs: a million rows, a few dozen
 * (n_harmful, n_benign) cells) can iterate on one row a pattern.
 *
 * A pattern is the exact tuple of the rows' column values (compared with ===, so 0 and -0
 * may share a pattern; their products with any coefficient are equal, so nothing changes).
 * Rows are numbered in the order their pattern first appears; `patternOf[i]` is row i's.
 *
 * The pass gives up (returns null) as soon as compressing cannot pay: when the patterns
 * exceed `maxPatterns`, or, checked each time the table doubles past 512 patterns, when more
 * than half the rows read so far started a new pattern (continuous covariates).
 * Cost: one pass over the columns, O(n k') with k' the number of columns, plus
 * 4 bytes a row for `patternOf`; the table holds 2 to 4 slots a pattern (at least 1,024).
 */

export interface RowPatterns {
  /** Number of distinct patterns. */
  count: number;
  /** Pattern of each row, 0 .. count - 1, in order of first appearance. */
  patternOf: Int32Array;
  /** One column a predictor, `count` values each: the pattern's values. */
  values: Float64Array[];
  /**
   * When `outcomes` were given and every one is 0 or 1: the rows with outcome 0 and with
   * outcome 1, a pattern (counted in the same pass). Otherwise null.
   */
  outcomeCounts: { zeros: Float64Array; ones: Float64Array } | null;
}

/** Patterns that the "more than half the rows are new" check waits for before it may give up. */
const EARLY_CHECK_PATTERNS = 512;
const INITIAL_SLOTS = 1024;
const INITIAL_PATTERNS = 256;

/**
 * @param columns the predictor columns (no intercept), each of length n
 * @param n rows
 * @param maxPatterns give up when this many patterns would be exceeded (Infinity: never)
 * @param earlyExit also give up when most rows read so far are new patterns (default true)
 * @param outcomes optional 0/1 outcome a row: count the 0s and 1s a pattern (after the pass)
 */
export function findRowPatterns(
  columns: readonly Float64Array[], n: number, maxPatterns: number, earlyExit = true, outcomes?: Float64Array,
): RowPatterns | null {
  const kc = columns.length;
  let found: { count: number; patternOf: Int32Array; values: Float64Array[] } | null;
  if (kc === 0) {
    if (n > 0 && maxPatterns < 1) return null;
    found = { count: n === 0 ? 0 : 1, patternOf: new Int32Array(n), values: [] };
  } else if (kc === 1) {
    found = findPatterns1(columns[0], n, maxPatterns, earlyExit);
  } else if (kc === 2) {
    found = findPatterns2(columns[0], columns[1], n, maxPatterns, earlyExit);
  } else {
    found = findPatternsK(columns, n, maxPatterns, earlyExit);
  }
  if (found === null) return null;
  return { ...found, outcomeCounts: outcomes === undefined ? null : countOutcomes(outcomes, found.patternOf, found.count) };
}

/**
 * The 0s and 1s a pattern, in a pass of its own after the hashing pass (a tight loop over
 * two typed arrays costs less than counting inside the hashing loop); null at the first
 * outcome that is neither.
 */
function countOutcomes(outcomes: Float64Array, patternOf: Int32Array, count: number): { zeros: Float64Array; ones: Float64Array } | null {
  const zeros = new Float64Array(count), ones = new Float64Array(count);
  for (let i = 0; i < patternOf.length; i++) {
    const y = outcomes[i];
    if (y === 0) zeros[patternOf[i]]++;
    else if (y === 1) ones[patternOf[i]]++;
    else return null;
  }
  return { zeros, ones };
}

type Found = Omit<RowPatterns, "outcomeCounts">;

/** Mix a 32-bit word into a running hash (murmur3's body step); one and two columns use a cheaper product, then finish() too. */
function mix(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** murmur3's finaliser: spreads every input bit over the low bits used as the slot. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function words(col: Float64Array): Uint32Array {
  return new Uint32Array(col.buffer, col.byteOffset, col.length * 2);
}

/** An open-addressing table of pattern ids, rebuilt from the stored hashes when it doubles. */
class Table {
  slots = new Int32Array(INITIAL_SLOTS).fill(-1);
  mask = INITIAL_SLOTS - 1;
  hashes = new Int32Array(INITIAL_PATTERNS);

  grow(count: number): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let g = 0; g < count; g++) {
      let s = this.hashes[g] & mask;
      while (slots[s] >= 0) s = (s + 1) & mask;
      slots[s] = g;
    }
    this.slots = slots;
    this.mask = mask;
  }

  storeHash(g: number, h: number): void {
    if (g >= this.hashes.length) {
      const bigger = new Int32Array(this.hashes.length * 2);
      bigger.set(this.hashes);
      this.hashes = bigger;
    }
    this.hashes[g] = h;
  }
}

function growValues(values: Float64Array, count: number): Float64Array {
  if (count < values.length) return values;
  const bigger = new Float64Array(values.length * 2);
  bigger.set(values);
  return bigger;
}

/** After a new pattern: false when the pass should give up. Grows the table at half load. */
function admit(table: Table, count: number, rowsRead: number, maxPatterns: number, earlyExit: boolean): boolean {
  if (count > maxPatterns) return false;
  if (count * 2 > table.slots.length) {
    if (earlyExit && count >= EARLY_CHECK_PATTERNS && count * 2 > rowsRead) return false;
    table.grow(count);
  }
  return true;
}

function findPatterns1(
  c0: Float64Array, n: number, maxPatterns: number, earlyExit: boolean,
): Found | null {
  const patternOf = new Int32Array(n);
  const w0 = words(c0);
  const table = new Table();
  let v0 = new Float64Array(INITIAL_PATTERNS);
  let count = 0;
  let prev = -1;
  let prevX = NaN;
  for (let i = 0; i < n; i++) {
    const x = c0[i];
    let g = prev;
    if (x !== prevX) {
      const h = finish(w0[2 * i] ^ Math.imul(w0[2 * i + 1], 0x9e3779b1));
      let s = h & table.mask;
      g = table.slots[s];
      while (g >= 0 && v0[g] !== x) {
        s = (s + 1) & table.mask;
        g = table.slots[s];
      }
      if (g < 0) {
        g = count++;
        table.slots[s] = g;
        table.storeHash(g, h);
        v0 = growValues(v0, g);
        v0[g] = x;
        if (!admit(table, count, i + 1, maxPatterns, earlyExit)) return null;
      }
      prev = g;
      prevX = x;
    }
    patternOf[i] = g;
  }
  return { count, patternOf, values: [v0.slice(0, count)] };
}

function findPatterns2(
  c0: Float64Array, c1: Float64Array, n: number, maxPatterns: number, earlyExit: boolean,
): Found | null {
  const patternOf = new Int32Array(n);
  const w0 = words(c0);
  const w1 = words(c1);
  const table = new Table();
  let v0 = new Float64Array(INITIAL_PATTERNS);
  let v1 = new Float64Array(INITIAL_PATTERNS);
  let count = 0;
  let prev = -1;
  let prevX0 = NaN;
  let prevX1 = NaN;
  for (let i = 0; i < n; i++) {
    const x0 = c0[i];
    const x1 = c1[i];
    let g = prev;
    if (x0 !== prevX0 || x1 !== prevX1) {
      const h = finish(
        Math.imul(w0[2 * i] ^ Math.imul(w0[2 * i + 1], 0x9e3779b1), 0x85ebca6b) ^
        Math.imul(w1[2 * i] ^ Math.imul(w1[2 * i + 1], 0x27d4eb2f), 0xc2b2ae35),
      );
      let s = h & table.mask;
      g = table.slots[s];
      while (g >= 0 && (v0[g] !== x0 || v1[g] !== x1)) {
        s = (s + 1) & table.mask;
        g = table.slots[s];
      }
      if (g < 0) {
        g = count++;
        table.slots[s] = g;
        table.storeHash(g, h);
        v0 = growValues(v0, g);
        v1 = growValues(v1, g);
        v0[g] = x0;
        v1[g] = x1;
        if (!admit(table, count, i + 1, maxPatterns, earlyExit)) return null;
      }
      prev = g;
      prevX0 = x0;
      prevX1 = x1;
    }
    patternOf[i] = g;
  }
  return { count, patternOf, values: [v0.slice(0, count), v1.slice(0, count)] };
}

function findPatternsK(
  columns: readonly Float64Array[], n: number, maxPatterns: number, earlyExit: boolean,
): Found | null {
  const patternOf = new Int32Array(n);
  const kc = columns.length;
  const w = columns.map(words);
  const table = new Table();
  // Pattern values row-major (kc a pattern) while hashing; split into columns at the end.
  let values = new Float64Array(INITIAL_PATTERNS * kc);
  let count = 0;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    let same = prev >= 0;
    for (let j = 0; j < kc && same; j++) same = columns[j][i] === values[prev * kc + j];
    let g = prev;
    if (!same) {
      let h = 0;
      for (let j = 0; j < kc; j++) h = mix(mix(h, w[j][2 * i]), w[j][2 * i + 1]);
      h = finish(h);
      let s = h & table.mask;
      g = table.slots[s];
      while (g >= 0) {
        let equal = true;
        for (let j = 0; j < kc && equal; j++) equal = columns[j][i] === values[g * kc + j];
        if (equal) break;
        s = (s + 1) & table.mask;
        g = table.slots[s];
      }
      if (g < 0) {
        g = count++;
        table.slots[s] = g;
        table.storeHash(g, h);
        values = growValues(values, (g + 1) * kc - 1);
        for (let j = 0; j < kc; j++) values[g * kc + j] = columns[j][i];
        if (!admit(table, count, i + 1, maxPatterns, earlyExit)) return null;
      }
      prev = g;
    }
    patternOf[i] = g;
  }
  const out: Float64Array[] = [];
  for (let j = 0; j < kc; j++) {
    const col = new Float64Array(count);
    for (let g = 0; g < count; g++) col[g] = values[g * kc + j];
    out.push(col);
  }
  return { count, patternOf, values: out };
}
