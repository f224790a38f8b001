/**
 * Index types of dictionary-encoded columns. A loaded table's repeating strings (models,
 * judges, sources, labels: 19 of the receipt's fields) are stored as codes into a list of
 * words, and the codes are most of what those columns cost: four bytes a row as Int32, one as
 * Int8. So a column's codes take the narrowest signed type that holds its dictionary (Int8 up
 * to 127 words, Int16 up to 32,767, else Int32), as pandas' categoricals do; analyses get
 * Int32 codes from `ReceiptTable.dictionary`, which widens a column once per table.
 */
import { Dictionary, Int16, Int32, Int8, type DataType } from "apache-arrow";

/** Codes of a dictionary column in any of the index types the kit reads and writes. */
export type DictionaryCodes = Int8Array | Int16Array | Int32Array;

/** Largest dictionary (number of words) each index width holds; code -1 stays free for "null". */
export const INT8_WORDS = 127;
export const INT16_WORDS = 32767;

/** Bits of the narrowest signed index that codes 0 .. words - 1 fit in. */
export function indexBitsFor(words: number): 8 | 16 | 32 {
  return words <= INT8_WORDS ? 8 : words <= INT16_WORDS ? 16 : 32;
}

/** The Arrow index type for a dictionary of `words` words. */
export function indexTypeFor(words: number): Int8 | Int16 | Int32 {
  const bits = indexBitsFor(words);
  return bits === 8 ? new Int8() : bits === 16 ? new Int16() : new Int32();
}

/** A zeroed code array of `length` rows for a dictionary of `words` words. */
export function codesFor(words: number, length: number): DictionaryCodes {
  const bits = indexBitsFor(words);
  return bits === 8 ? new Int8Array(length) : bits === 16 ? new Int16Array(length) : new Int32Array(length);
}

/**
 * Codes in the narrowest type for `words` words: the array itself when it is already that
 * narrow (or narrower), else a copy. Every code must be below `words` (a null row's code too:
 * give it 0 or -1), or the copy would wrap it.
 */
export function narrowCodes(codes: DictionaryCodes, words: number): DictionaryCodes {
  const bits = indexBitsFor(words);
  if (codes.BYTES_PER_ELEMENT * 8 <= bits) return codes;
  const out = codesFor(words, codes.length);
  out.set(codes);
  return out;
}

/** The Arrow index type of a code array (what a dictionary Data over these codes must declare). */
export function indexTypeOf(codes: DictionaryCodes): Int8 | Int16 | Int32 {
  return codes instanceof Int8Array ? new Int8() : codes instanceof Int16Array ? new Int16() : new Int32();
}

/**
 * `type` (a dictionary type) with the index type of `codes`, keeping its dictionary id and
 * ordering: apache-arrow's `makeData` reads a dictionary's codes as its type's index array
 * type, so Int8 codes under an Int32 type would be reinterpreted four bytes at a time.
 */
export function dictionaryTypeFor<T extends DataType>(type: Dictionary<T>, codes: DictionaryCodes): Dictionary<T, Int8 | Int16 | Int32> {
  const bits = codes.BYTES_PER_ELEMENT * 8;
  if (type.indices.bitWidth === bits && type.indices.isSigned) return type as Dictionary<T, Int8 | Int16 | Int32>;
  return new Dictionary(type.dictionary, indexTypeOf(codes), type.id, type.isOrdered);
}
