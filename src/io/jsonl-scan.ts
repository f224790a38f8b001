/**
 * The byte-level JSONL reader: lines are found in the file's bytes and each receipt is
 * parsed from its bytes straight into the validated values of its fields (INPUT_FIELDS
 * order), with no object per row and no string per line. Text is checked as it is read:
 * invalid UTF-8, an escaped lone surrogate, a key given twice in one object, a NUL byte, a
 * line or a value over the size limits are each reported with file, line and field, where
 * a decoder or `JSON.parse` would silently write U+FFFD, keep the last value or fail with an
 * engine message. A line the fast path cannot accept (bad JSON, a wrong value) is handed to
 * `JSON.parse` and the row validator only to word its problems, so messages are the same as
 * for every other loader.
 *
 * Lines of a file mostly repeat the line before's run-level fields byte for byte: each line is
 * compared with the last good line (four bytes at a time), and fields written the same take
 * its values without being read again; the rest are read as usual.
 *
 * Lines end at LF, CRLF or a lone CR (a raw CR cannot occur inside a JSON string, so a file
 * written with old Mac line endings is read line by line instead of as one bad line).
 */
import { isUtf8 } from "node:buffer";
import { INPUT_FIELDS, RECEIPT_FIELDS, type FieldSpec } from "../receipt/fields";
import { shortName, type ValidationIssue } from "../receipt/issues";
import { KEY_FIELDS } from "../receipt/key";
import { commonTimestampBytes, compileValuesCheck, type ValuesCheck } from "../receipt/validate";
import { TEXT_IN_BYTES, TEXT_SOURCE } from "./column-builder";

/** Size limits of the JSONL and CSV readers (`loadReceipts` options). */
export interface JSONLLimits {
  /**
   * Longest line accepted, in bytes (default 64 MiB). A longer line is reported (file, line,
   * its size) and skipped; a JavaScript string cannot hold more than about 512 MB anyway.
   */
  readonly maxLineBytes?: number;
  /** Longest value of one field, in bytes as written in the file (default 16 MiB). */
  readonly maxFieldBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 64 << 20;
export const DEFAULT_MAX_FIELD_BYTES = 16 << 20;

/** Options of the JSONL readers: the size limits and the fields to read. */
export interface JSONLReadOptions extends JSONLLimits {
  /**
   * Fields to read (`loadReceipts`' `columns`). Other fields' values are skipped at byte
   * level, their JSON still checked, and their columns left null. The key fields and
   * n_benign, n_harmful and judge_label are always read (the key and the derived columns
   * need them). Default: every field.
   */
  readonly columns?: ReadonlySet<string> | readonly string[];
}

/** Options of the byte-level reader: the read options with the assembler's validation options. */
export interface JSONLScanOptions extends JSONLReadOptions {
  /** Stop at the first problem (strict loading throws there, so later lines do not matter). */
  readonly strict: boolean;
  readonly unknownFields?: "error" | "ignore";
}

/** Scanner options from validation options and read options. */
export function scanOptionsOf(validation: { strict: boolean; unknownFields?: "error" | "ignore" }, read: JSONLReadOptions): JSONLScanOptions {
  return { ...validation, maxLineBytes: read.maxLineBytes, maxFieldBytes: read.maxFieldBytes, columns: read.columns };
}

/** Where the reader sends what it found on each line. */
export interface LineSink {
  /**
   * A line whose values (INPUT_FIELDS order, defaults applied) passed validation. Plain text
   * of response, judge_raw and source_metadata is given as TEXT_IN_BYTES (the column builders
   * copy it from TEXT_SOURCE, which holds until the next line is read).
   */
  good(values: unknown[], line: number): void;
  /** A line the fast path refused, parsed by JSON.parse: validate it the long way (for its messages); returns whether it was good. */
  record(record: unknown, line: number): boolean;
  /** Problems of one line (or of the file, line null), reported together. */
  problems(issues: ValidationIssue[]): void;
}

/** Every declared field a line may carry: the inputs (their values' slots), then the derived ones. */
const SLOTS: readonly FieldSpec[] = [...INPUT_FIELDS, ...(RECEIPT_FIELDS as readonly FieldSpec[]).filter((f) => f.derived)];
const enum Kind { Text, Cached, Number, Boolean, List }
const KINDS: readonly Kind[] = SLOTS.map((f) =>
  f.kind === "integer" || f.kind === "number" ? Kind.Number
  : f.kind === "boolean" ? Kind.Boolean
  : f.kind === "string_list" ? Kind.List
  // Values that repeat row after row: the last one's bytes are compared and its string reused.
  : f.dictionary || f.kind === "enum" ? Kind.Cached
  : Kind.Text);
/**
 * Enum fields' words as declared, by their text: a word read from a file is replaced by the
 * declared string when it enters the cache, so that the checks' comparisons with the declared
 * words (`schedule === "none"`, set membership) find the very string instead of comparing text.
 */
const ENUM_WORDS = new Map<string, string>(SLOTS.flatMap((f) => (f.kind === "enum" ? (f.values ?? []).map((w) => [w, w] as [string, string]) : [])));
const IS_ENUM: readonly boolean[] = SLOTS.map((f) => f.kind === "enum");
/** Per slot, its place among the Cached fields (-1: not one), for the cache's tables. */
const CACHED_INDEX: readonly number[] = (() => { let n = 0; return KINDS.map((k) => (k === Kind.Cached ? n++ : -1)); })();
const CACHED_FIELDS = KINDS.filter((k) => k === Kind.Cached).length;
const NAME_BYTES = SLOTS.map((f) => Buffer.from(f.name, "latin1"));
/** The slots' names (read from one array: the field specs' shapes differ, so `SLOTS[s].name` is a megamorphic load). */
const NAMES: readonly string[] = SLOTS.map((f) => f.name);
/**
 * Text fields whose plain values reach their column as bytes (TEXT_IN_BYTES): optional
 * strings the values check only needs to be strings (no pattern, not a timestamp or key).
 */
const IN_BYTES: readonly boolean[] = SLOTS.map((f, i) => i < INPUT_FIELDS.length && f.kind === "string" && !f.dictionary && !f.pattern && !f.required && !KEY_FIELDS.includes(f.name as never));
/**
 * Timestamp fields whose plain values in the common form (`commonTimestampBytes`) reach their
 * column as bytes too: the values check accepts TEXT_IN_BYTES for them (it was checked here).
 */
const STAMP_IN_BYTES: readonly boolean[] = SLOTS.map((f, i) => i < INPUT_FIELDS.length && f.kind === "timestamp" && !f.dictionary && !KEY_FIELDS.includes(f.name as never));
const SLOT_BY_NAME = new Map(SLOTS.map((f, i) => [f.name, i]));
/** Slots below this are input fields (a module constant: read per key, it must not be a property lookup). */
const INPUT_COUNT = INPUT_FIELDS.length;

function hashName(bytes: Uint8Array, from: number, to: number): number {
  let h = 0;
  for (let i = from; i < to; i++) h = (Math.imul(h, 31) + bytes[i]) | 0;
  return h;
}

/** Open addressing over the field names' byte hashes: slot + 1, 0 for empty. */
const TABLE_MASK = 1023;
const NAME_TABLE = new Int16Array(TABLE_MASK + 1);
for (let s = 0; s < SLOTS.length; s++) {
  let t = hashName(NAME_BYTES[s], 0, NAME_BYTES[s].length) & TABLE_MASK;
  while (NAME_TABLE[t] !== 0) t = (t + 1) & TABLE_MASK;
  NAME_TABLE[t] = s + 1;
}

/** Node's Buffer with its undocumented (but long-standing, and fastest) slice decoders. */
export type Bytes = Buffer & { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const ALWAYS_READ = [...KEY_FIELDS, "n_benign", "n_harmful", "judge_label"];

/** Which input fields a reader with these columns reads (null: all). */
export function wantedFields(columns: ReadonlySet<string> | readonly string[] | undefined): boolean[] | null {
  if (columns === undefined) return null;
  const set = new Set<string>([...columns, ...ALWAYS_READ]);
  return INPUT_FIELDS.map((f) => set.has(f.name));
}

const HEX = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);

/** Position of the first byte of `bytes[from, to)` that does not start or continue valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const c = bytes[i];
    if (c < 0x80) { i++; continue; }
    let need: number, min: number;
    if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = bytes[i + k];
      if (i + k >= to || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

const hex2 = (b: number) => "0x" + b.toString(16).toUpperCase().padStart(2, "0");

/**
 * Parses one line's bytes into field values. Returns GOOD (values hold the record's values,
 * validated), SLOW (hand the line to JSON.parse and the row validator for messages) or
 * REJECTED (`problems` says why: byte-level faults no text parser reports).
 */
export const GOOD = 0, SLOW = 1, REJECTED = 2;

export class ReceiptLineScanner {
  /** Values by slot: INPUT_FIELDS order, then the derived fields. */
  readonly values: unknown[] = new Array(SLOTS.length);
  readonly problems: { field: string | null; message: string }[] = [];
  /** Whether the last line was not JSON (SLOW for its wording as bad JSON). */
  syntaxError = false;
  private readonly seen = new Int32Array(SLOTS.length);
  private stamp = 0;
  private readonly wanted: boolean[] | null;
  private readonly check: ValuesCheck;
  private readonly ignoreUnknown: boolean;
  private readonly maxFieldBytes: number;
  /** The cache of repeating values (`cachedValue`): per entry its mixed hash, length (-1: empty), bytes' place in `pool`, and string. */
  private readonly cacheHash = new Int32Array(CACHED_FIELDS * CACHE_SIZE);
  private readonly cacheLength = new Int32Array(CACHED_FIELDS * CACHE_SIZE).fill(-1);
  private readonly cacheAt = new Int32Array(CACHED_FIELDS * CACHE_SIZE);
  private readonly cacheText: (string | null)[] = new Array(CACHED_FIELDS * CACHE_SIZE).fill(null);
  private readonly pool = new Uint8Array(CACHE_POOL_BYTES);
  private poolEnd = 0;
  // What scanString found about the string it scanned.
  private sEscaped = false;
  private sAscii = true;
  private sLone = -1;
  private num = 0;
  private unknownKeys: Set<string> | null = null;
  /** The field whose name or value is being read, for problems. */
  private field: string | null = null;
  private checkText = false;
  private depthStack = new Uint8Array(64);
  /** The last good line's fields (where its bytes are: `prevBuffer` from `prevStart`), and the line being read's. */
  private prev = new Segments();
  private cur = new Segments();
  private prevBuffer: Bytes | null = null;
  private prevStart = 0;
  /** A view of the buffer being read, for comparing four bytes at a time. */
  private view: DataView | null = null;
  private viewOf: Bytes | null = null;
  /** The slot of each key of the last complete line, in order (-1: unknown), to try first. */
  private readonly order = new Int16Array(128);
  private orderLength = 0;
  /** Whether the line being read started on the previous line's layout (its segments may have been written over). */
  private laidOut = false;
  /** Whether the line was read on the previous line's layout to its end: its segments are `prev`'s, updated. */
  private inPlace = false;
  /** Keys of the last line read. */
  private fields = 0;
  /** Whether the value just read was given as TEXT_IN_BYTES. */
  private gaveBytes = 0;

  constructor(options: JSONLScanOptions) {
    this.wanted = wantedFields(options.columns);
    this.ignoreUnknown = options.unknownFields === "ignore";
    this.check = compileValuesCheck(this.wanted, TEXT_IN_BYTES);
    this.maxFieldBytes = options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
  }

  /**
   * Scan `b[start, end)` (one line, no terminator). `checkText`: the line's bytes are not
   * known to be valid UTF-8, so each value's are checked.
   */
  scan(b: Bytes, start: number, end: number, checkText: boolean): number {
    const values = this.values;
    // (Setting an array's length calls into the runtime even when it is already 0.)
    if (this.problems.length !== 0) this.problems.length = 0;
    this.syntaxError = false;
    this.unknownKeys = null;
    this.checkText = checkText;
    if (++this.stamp === 0x7fffffff) { this.stamp = 1; this.seen.fill(0); }
    if (this.viewOf !== b) { this.view = new DataView(b.buffer, b.byteOffset, b.byteLength); this.viewOf = b; this.prevBuffer = null; }
    const result = this.object(b, start, end);
    if (result === GOOD && checkText) {
      // Invalid bytes outside any value (keys of unknown fields, between tokens).
      const bad = firstInvalidUtf8(b, start, end);
      if (bad >= 0 && this.problems.length === 0) this.problems.push({ field: null, message: `invalid UTF-8: byte ${hex2(b[bad])} at byte ${bad - start + 1} of the line; expected UTF-8 text` });
    }
    if (result !== GOOD || this.problems.length > 0 || !this.check(values)) {
      // A line read on the previous line's layout wrote over its fields: it is gone.
      if (this.laidOut) this.prevBuffer = null;
      return result !== GOOD ? result : this.problems.length > 0 ? REJECTED : SLOW;
    }
    // A good line's fields are what the next line is compared with.
    if (!this.inPlace) {
      const line = this.cur;
      this.cur = this.prev;
      this.prev = line;
      line.whole = this.fields <= SEGMENTS;
      line.findAbsent();
    }
    this.prevBuffer = b;
    this.prevStart = start;
    return GOOD;
  }

  private syntax(): number {
    this.syntaxError = true;
    return this.problems.length > 0 ? REJECTED : SLOW;
  }

  /**
   * Leave the previous line's layout at field `at` (the line's key there is not the previous
   * line's): what reading on the layout skipped is done for the fields before it (their
   * slots marked seen for the repeated-key check, their order noted, their segments copied to
   * `cur`), and the layout's later fields' values are cleared (this line may not have them).
   */
  private leaveLayout(prev: Segments, at: number): void {
    const cur = this.cur;
    for (let f = 0; f < at; f++) {
      const s = prev.slot[f];
      this.seen[s] = this.stamp;
      if (f < this.order.length) this.order[f] = s;
      cur.key[f] = prev.key[f]; cur.valueAt[f] = prev.valueAt[f]; cur.end[f] = prev.end[f];
      cur.slot[f] = s; cur.value[f] = prev.value[f]; cur.inBytes[f] = prev.inBytes[f];
    }
    cur.count = at;
    for (let f = at; f < prev.count; f++) if (prev.slot[f] >= 0) this.values[prev.slot[f]] = undefined;
    this.inPlace = false;
  }

  private object(b: Bytes, start: number, end: number): number {
    const values = this.values;
    const prev = this.prevBuffer === b ? this.prev : null;
    /**
     * Whether the line is being read on the previous line's layout: every key so far was the
     * previous line's key at the same position. Then its fields are distinct (the previous
     * line was good: no repeated key), so the repeated-key check is not needed, and the
     * previous line's segments are updated in place (fields wholly equal at the same offset
     * need no write at all) instead of being copied; values of fields the layout has keep
     * their slots until written again, only the others are cleared.
     */
    let lay = prev !== null && prev.whole;
    this.laidOut = lay;
    this.inPlace = lay;
    if (lay) { const absent = prev!.absent; for (let i = 0; i < prev!.absentCount; i++) values[absent[i]] = undefined; }
    else for (let i = 0; i < values.length; i++) values[i] = undefined;
    let p = ws(b, start, end);
    // Not an object: JSON.parse says whether it is JSON at all, the row validator what it is.
    if (b[p] !== 123 || p >= end) return SLOW;
    p = ws(b, p + 1, end);
    if (p < end && b[p] === 125) {
      if (lay) for (let i = 0; i < values.length; i++) values[i] = undefined;
      this.inPlace = false;
      this.cur.count = 0;
      this.fields = 0;
      return ws(b, p + 1, end) === end ? GOOD : this.syntax();
    }
    let unknown = false, position = 0;
    let cur = lay ? prev! : this.cur;
    if (!lay) cur.count = 0;
    /** The previous line's field to line up the next key with (on the layout: `position`). */
    let j = 0;
    for (;;) {
      if (p >= end || b[p] !== 34) return this.syntax();
      let slot = -1, valueAt = -1;
      if (prev !== null && j < prev.count && prev.slot[j] >= 0) {
        // Fields written as in the previous line: its bytes from field j on are compared with
        // these (eight at a time); fields wholly equal have its values, and a field whose key
        // is equal but not its value is read from the value on.
        const from = this.prevStart + prev.key[j];
        const k = this.common(b, from, p, Math.min(this.prevStart + prev.end[prev.count - 1] - from, end - p));
        const base = prev.key[j];
        let m = j;
        while (m < prev.count && prev.slot[m] >= 0) {
          const len = prev.end[m] - base;
          if (len > k) break;
          if (len === k && p + k < end) {
            // Equal up to the value's end: the byte after must end it (12 is not 123).
            const last = b[p + k - 1], c = b[p + k];
            if (last !== 34 && last !== 125 && last !== 93 && c !== 44 && c !== 125 && c !== 32 && c !== 9) break;
          }
          m++;
        }
        if (m > j) {
          const shift = p - from + this.prevStart - start;
          if (lay) {
            for (let f = j; f < m; f++) {
              const s = prev.slot[f];
              values[s] = prev.value[f];
              if (prev.inBytes[f] !== 0) {
                TEXT_SOURCE.bytes = b;
                TEXT_SOURCE.from[s] = start + prev.valueAt[f] + shift + 1;
                TEXT_SOURCE.to[s] = start + prev.end[f] + shift - 1;
              }
            }
            p = start + prev.end[m - 1] + shift;
            // Offsets are from the line's start: equal while the fields before were as long.
            if (shift !== 0) for (let f = j; f < m; f++) { prev.key[f] += shift; prev.valueAt[f] += shift; prev.end[f] += shift; }
            position = m;
          } else {
            for (let f = j; f < m; f++) {
              const s = prev.slot[f];
              if (this.seen[s] === this.stamp) this.duplicate(NAMES[s]);
              this.seen[s] = this.stamp;
              const v = prev.value[f];
              values[s] = v;
              const inBytes = prev.inBytes[f];
              if (inBytes !== 0) {
                TEXT_SOURCE.bytes = b;
                TEXT_SOURCE.from[s] = start + prev.valueAt[f] + shift + 1;
                TEXT_SOURCE.to[s] = start + prev.end[f] + shift - 1;
              }
              if (position < this.order.length) this.order[position] = s;
              position++;
              const n = cur.count;
              if (n < SEGMENTS) {
                cur.key[n] = prev.key[f] + shift; cur.valueAt[n] = prev.valueAt[f] + shift; cur.end[n] = prev.end[f] + shift;
                cur.slot[n] = s; cur.value[n] = v; cur.inBytes[n] = inBytes; cur.count = n + 1;
              }
            }
            p = start + prev.end[m - 1] + shift;
          }
          j = m;
          const r = this.afterValue(b, p, end);
          if (r === -1) return this.syntax();
          if (r === -2) break;
          p = r;
          continue;
        }
        if (k >= prev.valueAt[j] - base) {
          slot = prev.slot[j];
          valueAt = p + prev.valueAt[j] - base;
        }
      }
      if (lay && valueAt < 0) {
        // Not the previous line's next key (or more keys than it has).
        this.leaveLayout(prev!, position);
        lay = false;
        cur = this.cur;
      }
      const ks = p + 1;
      if (valueAt >= 0) {
        if (!lay) {
          if (this.seen[slot] === this.stamp) this.duplicate(NAMES[slot]);
          this.seen[slot] = this.stamp;
          if (position < this.order.length) this.order[position] = slot;
        }
        this.field = NAMES[slot];
        position++;
        p = ws(b, valueAt, end);
        j++;
      } else {
        // The key. Lines of a file mostly list the same fields in the same order: the field
        // at this position in the previous line is tried first (one comparison of its bytes);
        // else field names (ASCII without escapes) are found by their bytes' hash.
        let q = ks, name: string | null = null, plain = true;
        const guess = position < this.orderLength ? this.order[position] : -1;
        if (guess >= 0) {
          const bytes = NAME_BYTES[guess], len = bytes.length;
          if (ks + len < end && b[ks + len] === 34) {
            let k = 0;
            while (k < len && bytes[k] === b[ks + k]) k++;
            if (k === len) { slot = guess; q = ks + len; }
          }
        }
        if (slot >= 0) p = q + 1;
        else {
          let h = 0;
          for (; q < end; q++) {
            const c = b[q];
            if (c === 34) break;
            if (c === 92 || c < 32 || c >= 128) { plain = false; break; }
            h = (Math.imul(h, 31) + c) | 0;
          }
          if (plain) {
            if (q >= end) return this.syntax();
            slot = lookup(b, ks, q, h);
            p = q + 1;
          }
        }
        if (position < this.order.length) this.order[position] = slot;
        position++;
        if (!plain) {
          q = this.scanString(b, p, end);
          if (q < 0) return this.syntax();
          this.field = null;
          name = this.stringValue(b, ks, q - 1, "field name");
          // A name with a fault is reported; the line is scanned on for its other problems.
          if (name === null) name = b.utf8Slice(ks, q - 1);
          slot = SLOT_BY_NAME.get(name) ?? -1;
          p = q;
          q--;
        }
        if (slot >= 0) {
          if (this.seen[slot] === this.stamp) this.duplicate(NAMES[slot]);
          this.seen[slot] = this.stamp;
        } else {
          name ??= b.latin1Slice(ks, q);
          if (this.unknownKeys === null) this.unknownKeys = new Set();
          if (this.unknownKeys.has(name!)) this.duplicate(name!);
          this.unknownKeys.add(name!);
          unknown = true;
        }
        this.field = slot >= 0 ? NAMES[slot] : shortName(name!);
        p = ws(b, p, end);
        if (p >= end || b[p] !== 58) return this.syntax();
        p = ws(b, p + 1, end);
        if (prev !== null) {
          // Line up the next key with the field after this one in the previous line.
          let t = j;
          while (t < prev.count && prev.slot[t] !== slot) t++;
          if (t < prev.count && slot >= 0) j = t + 1;
        }
      }
      const at = p;
      // Derived fields given in the file are read too: the check compares them with what they derive from.
      const read = slot >= INPUT_COUNT || (slot >= 0 && (this.wanted === null || this.wanted[slot]));
      this.gaveBytes = 0;
      p = read ? this.value(b, p, end, slot) : this.skip(b, p, end);
      if (p < 0) return this.syntax();
      // On the layout the field is the previous line's at this position (`cur` is `prev`).
      const n = lay ? position - 1 : cur.count;
      if (n < SEGMENTS) {
        cur.key[n] = ks - 1 - start; cur.valueAt[n] = at - start; cur.end[n] = p - start;
        cur.slot[n] = slot; cur.value[n] = read ? values[slot] : undefined; cur.inBytes[n] = this.gaveBytes;
        if (!lay) cur.count = n + 1;
      }
      const r = this.afterValue(b, p, end);
      if (r === -1) return this.syntax();
      if (r === -2) break;
      p = r;
    }
    this.fields = position;
    if (lay) {
      // Fewer fields than the previous line: the layout ends here, and its last fields' values are cleared.
      if (position < prev!.count) {
        for (let f = position; f < prev!.count; f++) values[prev!.slot[f]] = undefined;
        prev!.count = position;
        prev!.findAbsent();
      }
    } else this.orderLength = Math.min(position, this.order.length);
    // Unknown fields are worded by the row validator (it suggests the nearest name).
    if (unknown && !this.ignoreUnknown && this.problems.length === 0) return SLOW;
    return GOOD;
  }

  /** After a value at `p`: the next key's position, -2 at the object's (and line's) end, -1 for bad JSON. */
  private afterValue(b: Bytes, p: number, end: number): number {
    p = ws(b, p, end);
    if (p >= end) return -1;
    const c = b[p];
    if (c === 44) return ws(b, p + 1, end);
    if (c !== 125) return -1;
    return ws(b, p + 1, end) === end ? -2 : -1;
  }

  /**
   * How many bytes from `a` (in the last good line) and from `c` are equal, up to `max`
   * (eight at a time while they are). Eight bytes are compared as a double: equal doubles
   * have equal bits except +0 and -0 (and NaN, never equal, which only ends the fast loop
   * early); both have zero bytes, which a good line never holds (a NUL is refused outside
   * and inside strings), so bytes from `a` are never read as either.
   */
  private common(b: Bytes, a: number, c: number, max: number): number {
    const view = this.view!;
    let k = 0;
    while (k + 8 <= max && view.getFloat64(a + k, true) === view.getFloat64(c + k, true)) k += 8;
    if (k + 4 <= max && view.getInt32(a + k, true) === view.getInt32(c + k, true)) k += 4;
    while (k < max && b[a + k] === b[c + k]) k++;
    return k;
  }

  /** Forget the previous line (its bytes are about to move). */
  forgetLine(): void {
    this.prevBuffer = null;
  }

  /** Drop the references to the last buffer read (its DataView would otherwise keep a read buffer alive after the load); a later scan makes a new view. */
  release(): void {
    this.prevBuffer = null;
    this.view = null;
    this.viewOf = null;
  }

  private duplicate(name: string): void {
    this.problems.push({ field: shortName(name), message: `the key ${JSON.stringify(shortName(name))} appears twice in one object; expected each field once (a JSON parser would silently keep the last value)` });
  }

  /** In a skipped object: the key string at `b[p]`, spaces and the colon. Returns the position after the colon, or -1. */
  private scanKeyColon(b: Bytes, p: number, end: number): number {
    if (b[p] !== 34) return -1;
    p = this.scanString(b, p, end);
    if (p < 0) return -1;
    p = ws(b, p, end);
    return b[p] === 58 ? p + 1 : -1;
  }

  /**
   * Scan the string at `b[p]` (a quote). Returns the position after the closing quote or
   * -1 when it is not a JSON string; notes escapes, non-ASCII bytes and lone surrogates.
   */
  private scanString(b: Bytes, p: number, end: number): number {
    let escaped = false, ascii = true;
    this.sLone = -1;
    let i = p + 1;
    for (;;) {
      // Plain bytes in one table lookup each; the line's terminator (or the buffer's end) stops the loop.
      while (STRING_BYTE[b[i]] === 0) i++;
      if (i >= end) return -1;
      const c = b[i];
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        const e = b[i + 1];
        if (e === 117) {
          const u = unicodeEscape(b, i + 2, end);
          if (u < 0) return -1;
          if (u >= 0xd800 && u <= 0xdbff) {
            const low = b[i + 6] === 92 && b[i + 7] === 117 ? unicodeEscape(b, i + 8, end) : -1;
            if (low >= 0xdc00 && low <= 0xdfff) { i += 12; continue; }
            if (this.sLone < 0) this.sLone = i;
          } else if (u >= 0xdc00 && u <= 0xdfff && this.sLone < 0) this.sLone = i;
          i += 6;
          continue;
        }
        if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) { i += 2; continue; }
        return -1;
      }
      if (c < 32) return -1; // a raw control character (a NUL is named by the line's check)
      if (c >= 128) ascii = false;
      i++;
    }
    this.sEscaped = escaped;
    this.sAscii = ascii;
    return i + 1;
  }

  /** The text of a scanned string's contents `b[from, to)`, or null after reporting a problem (in `this.field`). */
  private stringValue(b: Bytes, from: number, to: number, what = "value"): string | null {
    const field = this.field;
    if (to - from > this.maxFieldBytes) {
      this.problems.push({ field, message: `${what} of ${(to - from).toLocaleString("en")} bytes is longer than the limit of ${this.maxFieldBytes.toLocaleString("en")} bytes (maxFieldBytes); expected a shorter value, or raise maxFieldBytes` });
      return null;
    }
    if (this.sLone >= 0) {
      this.problems.push({ field, message: `escaped lone surrogate ${b.latin1Slice(this.sLone, this.sLone + 6)} (half of a UTF-16 pair without the other half); expected a whole character, as a pair like \\ud83d\\ude00 or as UTF-8 (it would otherwise become U+FFFD)` });
      return null;
    }
    if (!this.sAscii && this.checkText) {
      const bad = firstInvalidUtf8(b, from, to);
      if (bad >= 0) {
        this.problems.push({ field, message: `invalid UTF-8: byte ${hex2(b[bad])} at byte ${bad - from + 1} of the ${what}; expected UTF-8 text (it would otherwise become U+FFFD)` });
        return null;
      }
    }
    if (this.sEscaped) return JSON.parse(b.utf8Slice(from - 1, to + 1)) as string;
    return this.sAscii ? b.latin1Slice(from, to) : b.utf8Slice(from, to);
  }

  /** Parse the value at `p` for a wanted input field; returns the position after it, or -1 for bad JSON. */
  private value(b: Bytes, p: number, end: number, slot: number): number {
    const c = b[p];
    if (c === 110) { // null
      if (b[p + 1] !== 117 || b[p + 2] !== 108 || b[p + 3] !== 108 || p + 4 > end) return -1;
      this.values[slot] = null;
      return p + 4;
    }
    switch (KINDS[slot]) {
      case Kind.Number:
        if (c === 45 || (c >= 48 && c <= 57)) {
          const q = this.scanNumber(b, p, end);
          if (q >= 0) this.values[slot] = this.num;
          return q;
        }
        break;
      case Kind.Boolean:
        if (c === 116 && b[p + 1] === 114 && b[p + 2] === 117 && b[p + 3] === 101 && p + 4 <= end) { this.values[slot] = true; return p + 4; }
        if (c === 102 && b[p + 1] === 97 && b[p + 2] === 108 && b[p + 3] === 115 && b[p + 4] === 101 && p + 5 <= end) { this.values[slot] = false; return p + 5; }
        break;
      case Kind.Cached:
        if (c === 34) return this.cachedValue(b, p, end, slot);
        break;
      case Kind.Text:
        if (c === 34) {
          const q = this.scanString(b, p, end);
          if (q < 0) return -1;
          if ((IN_BYTES[slot] && !this.sEscaped && (this.sAscii || !this.checkText) && q - p - 2 <= this.maxFieldBytes)
            || (STAMP_IN_BYTES[slot] && !this.sEscaped && this.sAscii && q - p - 2 <= this.maxFieldBytes && commonTimestampBytes(b, p + 1, q - 1))) {
            // Plain text: its bytes go to the column as they are (no string is made).
            this.values[slot] = TEXT_IN_BYTES;
            this.gaveBytes = 1;
            TEXT_SOURCE.bytes = b;
            TEXT_SOURCE.from[slot] = p + 1;
            TEXT_SOURCE.to[slot] = q - 1;
          } else this.values[slot] = this.stringValue(b, p + 1, q - 1);
          return q;
        }
        break;
      case Kind.List:
        if (c === 91) return this.list(b, p, end, slot);
        break;
    }
    // A value of the wrong type: skipped here, worded by the row validator.
    const q = this.skip(b, p, end);
    this.values[slot] = WRONG;
    return q;
  }

  /**
   * A repeating string at `b[p]` (a quote) into `values[slot]`: a small table per field,
   * indexed by a hash of the bytes taken while they are scanned, remembers recent values, so
   * a value seen before is the same string (no allocation; dictionaries compare it by
   * identity). Values with escapes or non-ASCII bytes are read the general way, uncached.
   * (A value equal to the previous line's, written the same, never comes here: the line's
   * comparison with the one before takes it.) The table's entries are numbers (hash, length,
   * where the bytes are in one pool): a lookup reads two typed arrays and the pool, instead of
   * following a pointer to an array object per value and another to its bytes.
   */
  private cachedValue(b: Bytes, p: number, end: number, slot: number): number {
    const from = p + 1;
    let i = from, h = 0, c = 0;
    while (STRING_BYTE[(c = b[i])] === 0) { h = (Math.imul(h, 31) + c) | 0; i++; }
    const len = i - from;
    if (c !== 34 || i >= end || len > 64) {
      const q = this.scanString(b, p, end);
      if (q >= 0) this.values[slot] = this.stringValue(b, from, q - 1);
      return q;
    }
    // The polynomial hash of similar ids (q0001, q0002) differs in its low bits only by
    // small steps: mixed, so that they spread over the table.
    h = Math.imul(h ^ len ^ (h >>> 15), 0x2c1b3c6d);
    const at = CACHED_INDEX[slot] * CACHE_SIZE + ((h ^ (h >>> 12)) & (CACHE_SIZE - 1));
    const pool = this.pool;
    if (this.cacheHash[at] === h && this.cacheLength[at] === len) {
      const o = this.cacheAt[at];
      let k = 0;
      while (k < len && pool[o + k] === b[from + k]) k++;
      if (k === len) {
        this.values[slot] = this.cacheText[at];
        return i + 1;
      }
    }
    let text = b.latin1Slice(from, i);
    if (IS_ENUM[slot]) text = ENUM_WORDS.get(text) ?? text;
    if (this.poolEnd + len > pool.length) {
      // The pool is full of values replaced since: start it again, with an empty table.
      this.cacheLength.fill(-1);
      this.cacheText.fill(null);
      this.poolEnd = 0;
    }
    const o = this.poolEnd;
    for (let k = 0; k < len; k++) pool[o + k] = b[from + k];
    this.poolEnd = o + len;
    this.cacheHash[at] = h;
    this.cacheLength[at] = len;
    this.cacheAt[at] = o;
    this.cacheText[at] = text;
    this.values[slot] = text;
    return i + 1;
  }

  private list(b: Bytes, p: number, end: number, slot: number): number {
    const out: (string | null)[] = [];
    p = ws(b, p + 1, end);
    let ok = true;
    if (b[p] === 93) { this.values[slot] = out; return p + 1; }
    for (;;) {
      if (b[p] === 34) {
        const q = this.scanString(b, p, end);
        if (q < 0) return -1;
        const s = this.stringValue(b, p + 1, q - 1);
        out.push(s);
        p = q;
      } else {
        ok = false;
        p = this.skip(b, p, end);
        if (p < 0) return -1;
      }
      p = ws(b, p, end);
      if (b[p] === 44) { p = ws(b, p + 1, end); continue; }
      if (b[p] === 93 && p < end) break;
      return -1;
    }
    this.values[slot] = ok ? out : WRONG;
    return p + 1;
  }

  /** A JSON number at `p` into `this.num`; returns the position after it or -1. */
  private scanNumber(b: Bytes, p: number, end: number): number {
    const s = p;
    const neg = b[p] === 45;
    if (neg) p++;
    let m = 0, digits = 0;
    if (b[p] === 48) { p++; digits = 1; }
    else if (b[p] >= 49 && b[p] <= 57) {
      while (p < end && b[p] >= 48 && b[p] <= 57) { m = m * 10 + (b[p] - 48); p++; digits++; }
    } else return -1;
    let frac = 0, simple = true;
    if (p < end && b[p] === 46) {
      p++;
      const f0 = p;
      while (p < end && b[p] >= 48 && b[p] <= 57) { m = m * 10 + (b[p] - 48); p++; }
      frac = p - f0;
      if (frac === 0) return -1;
      digits += frac;
    }
    if (p < end && (b[p] === 101 || b[p] === 69)) {
      p++;
      if (b[p] === 43 || b[p] === 45) p++;
      const e0 = p;
      while (p < end && b[p] >= 48 && b[p] <= 57) p++;
      if (p === e0) return -1;
      simple = false;
    }
    // Up to 15 digits the mantissa is exact, and one division by an exact power of ten is correctly rounded.
    if (simple && digits <= 15) {
      const v = frac === 0 ? m : m / POW10[frac];
      this.num = neg ? -v : v;
    } else this.num = Number(b.latin1Slice(s, p));
    return p;
  }

  /**
   * Skip any JSON value at `p` (checking it is JSON: strings, numbers, literals, nesting),
   * without building it. Strings in it are checked for lone surrogates, invalid UTF-8 and size as
   * read values are. Returns the position after it, or -1.
   */
  private skip(b: Bytes, p: number, end: number): number {
    let depth = 0;
    for (;;) {
      p = ws(b, p, end);
      if (p >= end) return -1;
      let c = b[p];
      if (c === 123 || c === 91) {
        if (depth === this.depthStack.length) { const next = new Uint8Array(depth * 2); next.set(this.depthStack); this.depthStack = next; }
        this.depthStack[depth++] = c;
        p = ws(b, p + 1, end);
        if (b[p] === (c === 123 ? 125 : 93)) { depth--; p++; }
        else {
          if (c === 123) { // a key, then a colon
            p = this.scanKeyColon(b, p, end);
            if (p < 0) return -1;
          }
          continue;
        }
      } else if (c === 34) {
        const q = this.scanString(b, p, end);
        if (q < 0) return -1;
        if (this.sLone >= 0 || q - p - 2 > this.maxFieldBytes || (!this.sAscii && this.checkText)) this.stringValue(b, p + 1, q - 1);
        p = q;
      } else if (c === 45 || (c >= 48 && c <= 57)) {
        p = this.scanNumber(b, p, end);
        if (p < 0) return -1;
      } else if (c === 116 && b[p + 1] === 114 && b[p + 2] === 117 && b[p + 3] === 101) p += 4;
      else if (c === 102 && b[p + 1] === 97 && b[p + 2] === 108 && b[p + 3] === 115 && b[p + 4] === 101) p += 5;
      else if (c === 110 && b[p + 1] === 117 && b[p + 2] === 108 && b[p + 3] === 108) p += 4;
      else return -1;
      if (p > end) return -1;
      // After a value: close containers, or a comma for the next element.
      for (;;) {
        if (depth === 0) return p;
        p = ws(b, p, end);
        if (p >= end) return -1;
        c = b[p];
        const open = this.depthStack[depth - 1];
        if (c === (open === 123 ? 125 : 93)) { depth--; p++; continue; }
        if (c !== 44) return -1;
        p = ws(b, p + 1, end);
        if (open === 123) {
          p = this.scanKeyColon(b, p, end);
          if (p < 0) return -1;
        }
        break;
      }
    }
  }
}

/** Fields of a line remembered for comparing the next line with (more are read, not remembered). */
const SEGMENTS = 64;

/**
 * Where each field of a line is (offsets from the line's start: the key's quote, the value,
 * the value's end), its slot (-1: unknown) and the value read (before defaults).
 */
class Segments {
  count = 0;
  readonly key = new Int32Array(SEGMENTS);
  readonly valueAt = new Int32Array(SEGMENTS);
  readonly end = new Int32Array(SEGMENTS);
  readonly slot = new Int16Array(SEGMENTS);
  readonly value: unknown[] = new Array(SEGMENTS).fill(undefined);
  /** 1 where the value was TEXT_IN_BYTES (a typed array: comparing values of every type with it is a generic comparison). */
  readonly inBytes = new Uint8Array(SEGMENTS);
  /** Whether every field of the line is here (not more than SEGMENTS): the next line may be read on its layout. */
  whole = false;
  /** The slots no field here has, cleared before a line is read on this layout (`findAbsent`). */
  readonly absent = new Int16Array(SLOTS.length);
  absentCount = 0;

  findAbsent(): void {
    const has = HAS.fill(0);
    for (let f = 0; f < this.count; f++) if (this.slot[f] >= 0) has[this.slot[f]] = 1;
    let n = 0;
    for (let s = 0; s < SLOTS.length; s++) if (has[s] === 0) this.absent[n++] = s;
    this.absentCount = n;
  }
}
const HAS = new Uint8Array(SLOTS.length);

/** Bytes a string scan stops at: 1 for the quote, backslash, control characters and non-ASCII; 0 for the rest. */
const STRING_BYTE = new Uint8Array(256).map((_, c) => (c === 34 || c === 92 || c < 32 || c >= 128 ? 1 : 0));

/** Remembered values of a repeating field (a power of two). */
const CACHE_SIZE = 4096;
/** Bytes of cached values kept (values of up to 64 bytes; cleared when full). */
const CACHE_POOL_BYTES = 1 << 20;

/** Stands for a value of the wrong JSON type: the values check refuses it, and the row validator words it. */
const WRONG = Symbol("wrong type");

function lookup(b: Bytes, from: number, to: number, h: number): number {
  const len = to - from;
  for (let t = h & TABLE_MASK; ; t = (t + 1) & TABLE_MASK) {
    const s = NAME_TABLE[t] - 1;
    if (s < 0) return -1;
    const name = NAME_BYTES[s];
    if (name.length !== len) continue;
    let k = 0;
    while (k < len && name[k] === b[from + k]) k++;
    if (k === len) return s;
  }
}

function unicodeEscape(b: Uint8Array, at: number, end: number): number {
  if (at + 4 > end) return -1;
  const a = HEX(b[at]), c = HEX(b[at + 1]), d = HEX(b[at + 2]), e = HEX(b[at + 3]);
  if ((a | c | d | e) < 0) return -1;
  return (a << 12) | (c << 8) | (d << 4) | e;
}

function ws(b: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = b[p];
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    p++;
  }
  return p;
}

/** The message for a line JSON.parse rejected (`reason` is its error message). */
export function badJSONMessage(text: string, reason: string, isLast: boolean, endsWithNewline: boolean): string {
  if (/\b(NaN|-?Infinity)\b/.test(text)) return `bad JSON: NaN and Infinity are not JSON numbers; write null for a missing value (${reason})`;
  if (isLast && !endsWithNewline) return `truncated last line: not valid JSON and no newline at the end, so the file was probably cut off while being written (${reason})`;
  return `bad JSON: ${reason}; expected one JSON object per line`;
}

/**
 * Splits bytes into lines and hands each receipt line to a scanner and its outcome to a
 * sink. Holds the line count across calls, so a file can be fed in pieces; a piece must end
 * after a line terminator unless it is the file's end (`final`).
 */
export class JSONLLines {
  lineNo = 0;
  records = 0;
  /** Whether the first bytes fed are the file's start (a byte order mark is dropped there). */
  private atStart = true;
  /** Stop after a problem (strict mode reads no further). */
  stopped = false;
  private readonly scanner: ReceiptLineScanner;
  private readonly maxLineBytes: number;
  private readonly file: string | null;

  constructor(private readonly sink: LineSink, file: string | null, private readonly options: JSONLScanOptions, startsFile = true) {
    this.scanner = new ReceiptLineScanner(options);
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.file = file;
    this.atStart = startsFile;
  }

  /**
   * Read the lines of `b[from, to)`. Unless `final`, returns where the unfinished last line
   * begins (the caller keeps those bytes for the next call); with `final`, `to`.
   */
  feed(b: Bytes, from: number, to: number, final: boolean): number {
    if (this.atStart && to - from >= (final ? 1 : 3)) {
      if (b[from] === 0xef && b[from + 1] === 0xbb && b[from + 2] === 0xbf) from += 3;
      this.atStart = false;
    }
    // Lines end here; a CR as the last byte may be the first half of a CRLF. (Searches run
    // on views of [from, to): a search back from `to` for a CR that is not there would
    // otherwise go through the whole buffer before `from` too.)
    let complete = to;
    const span = b.subarray(from, to);
    const anyCR = span.indexOf(13) >= 0;
    if (!final) {
      const lastLF = span.lastIndexOf(10);
      let lastCR = anyCR ? span.lastIndexOf(13) : -1;
      if (lastCR === span.length - 1) lastCR = span.length >= 2 ? span.subarray(0, span.length - 1).lastIndexOf(13) : -1;
      complete = from + Math.max(lastLF, lastCR) + 1;
      if (complete <= from) return from;
    }
    // Lines of an earlier call may have moved in the buffer since.
    this.scanner.forgetLine();
    const region = b.subarray(from, complete);
    const textChecked = isUtf8(region);
    const hasCR = anyCR && region.indexOf(13) >= 0;
    let p = from;
    while (p < complete && !this.stopped) {
      let lineEnd: number, next: number;
      let nl = b.indexOf(10, p);
      if (nl < 0 || nl >= complete) nl = complete;
      if (hasCR) {
        let cr = b.indexOf(13, p);
        if (cr < 0 || cr >= complete) cr = complete;
        if (cr < nl) {
          lineEnd = cr;
          next = cr + 1 < complete && b[cr + 1] === 10 ? cr + 2 : cr + 1;
        } else { lineEnd = nl; next = nl + 1; }
      } else { lineEnd = nl; next = nl + 1; }
      this.lineNo++;
      this.line(b, p, lineEnd, textChecked, final && lineEnd === complete);
      p = next;
    }
    return final ? to : complete;
  }

  /** Done reading: the scanner lets go of the last buffer (a later feed still works). */
  release(): void {
    this.scanner.release();
  }

  /** A line over the size limit, reported without reading it (`size`: bytes seen so far, `whole`: whether that is all of it). */
  tooLong(size: number, whole: boolean): void {
    this.lineNo++;
    this.records++;
    this.reportTooLong(size, whole);
  }

  private reportTooLong(size: number, whole: boolean): void {
    this.sink.problems([{
      file: this.file, line: this.lineNo, field: null,
      message: `line longer than the limit of ${this.maxLineBytes.toLocaleString("en")} bytes (maxLineBytes): found ${whole ? size.toLocaleString("en") + " bytes" : "no line end within it"}; expected one receipt a line (raise maxLineBytes if such receipts are real)`,
    }]);
    if (this.options.strict) this.stopped = true;
  }

  /** Report a problem with the file as a whole at the current line. */
  fileProblem(message: string): void {
    this.sink.problems([{ file: this.file, line: this.lineNo, field: null, message }]);
    this.stopped = true;
  }

  private line(b: Bytes, start: number, end: number, textChecked: boolean, lastWithoutNewline: boolean): void {
    const first = ws(b, start, end);
    if (first === end) return; // blank
    this.records++;
    if (end - start > this.maxLineBytes) return this.reportTooLong(end - start, true);
    const line = this.lineNo;
    const checkText = !textChecked && !isUtf8(b.subarray(start, end));
    const scanner = this.scanner;
    const outcome = scanner.scan(b, start, end, checkText);
    if (outcome === GOOD) { this.sink.good(scanner.values, line); return; }
    const issues: ValidationIssue[] = scanner.problems.map((p) => ({ file: this.file, line, field: p.field, message: p.message }));
    if (scanner.syntaxError) {
      const text = b.utf8Slice(start, end);
      const nul = b.subarray(start, end).indexOf(0) + start;
      if (nul >= start) issues.push({ file: this.file, line, field: null, message: `NUL byte at byte ${nul - start + 1} of the line: binary data, not JSON text; expected one JSON object per line` });
      else {
        let reason = "not JSON";
        try { JSON.parse(text); } catch (e) { reason = (e as Error).message; }
        issues.push({ file: this.file, line, field: null, message: badJSONMessage(text, reason, lastWithoutNewline, !lastWithoutNewline) });
      }
    }
    if (issues.length > 0) {
      this.sink.problems(issues);
      if (this.options.strict) this.stopped = true;
      return;
    }
    // The fast path refused the line: the row validator says why (or JSON.parse, when it is not JSON).
    const text = b.utf8Slice(start, end);
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (e) {
      this.sink.problems([{ file: this.file, line, field: null, message: badJSONMessage(text, (e as Error).message, lastWithoutNewline, !lastWithoutNewline) }]);
      if (this.options.strict) this.stopped = true;
      return;
    }
    if (!this.sink.record(record, line) && this.options.strict) this.stopped = true;
  }
}
