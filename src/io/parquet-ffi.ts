/**
 * Arrow data out of parquet-wasm's WebAssembly memory through the Arrow C Data Interface
 * (https://arrow.apache.org/docs/format/CDataInterface.html), copied buffer by buffer into
 * JavaScript. The IPC route (`intoIPCStream` + `tableFromIPC`) first writes the whole slice
 * again as an IPC stream inside WebAssembly memory (a growing vector: up to twice the slice),
 * which grows that memory for good, then copies it out; here only the decoded buffers exist
 * in WebAssembly memory, and each is copied once.
 *
 * Only the types a receipt file holds are read (booleans, integers, floats, strings and
 * binaries, lists of them, dictionaries of them); for any other `ffiTable` throws
 * `UnsupportedFfiType` before copying anything, and the caller takes the IPC route.
 */
import {
  Binary, Bool, Data, DataType, Dictionary, Field, Float16, Float32, Float64, Int16, Int32, Int64, Int8,
  LargeBinary, LargeUtf8, List, makeData, makeVector, RecordBatch, Schema, Struct, Table, Uint16, Uint32, Uint64, Uint8, Utf8,
} from "apache-arrow";

/** Thrown for a C Data Interface format string the reader does not handle (the IPC route does). */
export class UnsupportedFfiType extends Error {
  constructor(format: string) {
    super(`unsupported Arrow C Data Interface format ${JSON.stringify(format)}`);
    this.name = "UnsupportedFfiType";
  }
}

/** A schema node read from WebAssembly memory (wasm32 layout of struct ArrowSchema). */
interface FfiSchema {
  readonly format: string;
  readonly name: string;
  readonly nullable: boolean;
  readonly children: FfiSchema[];
  readonly dictionary: FfiSchema | null;
}

/** The parts of a Data type the copy needs: its Arrow JS type and how its buffers are laid out. */
interface Layout {
  readonly type: DataType;
  /** "fixed": one value buffer of `width` bytes a value; "bits": a bitmap; "var32"/"var64": offsets + bytes; "list": offsets + a child; "null": none. */
  readonly kind: "fixed" | "bits" | "var32" | "var64" | "list" | "null";
  readonly width: number;
  readonly child: Layout | null;
  /** The layout of the dictionary's values, for a dictionary type (the indices are "fixed"). */
  readonly dictionary: Layout | null;
}

const FIXED: Record<string, () => DataType & { readonly byteWidth?: number }> = {
  c: () => new Int8(), C: () => new Uint8(), s: () => new Int16(), S: () => new Uint16(),
  i: () => new Int32(), I: () => new Uint32(), l: () => new Int64(), L: () => new Uint64(),
  e: () => new Float16(), f: () => new Float32(), g: () => new Float64(),
};
const WIDTH: Record<string, number> = { c: 1, C: 1, s: 2, S: 2, i: 4, I: 4, l: 8, L: 8, e: 2, f: 4, g: 8 };

/** Reads of one WebAssembly memory: its buffer as it is now (growth replaces the buffer). */
class Memory {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  constructor(buffer: ArrayBuffer) {
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
  }
  u32(at: number): number { return this.view.getUint32(at, true); }
  i64(at: number): number { return Number(this.view.getBigInt64(at, true)); }
  cString(at: number): string {
    if (at === 0) return "";
    let end = at;
    while (this.bytes[end] !== 0) end++;
    return Buffer.from(this.bytes.buffer, at, end - at).toString("utf8");
  }
}

// struct ArrowSchema on wasm32: format, name, metadata (pointers), flags, n_children (int64),
// children, dictionary, release, private_data (pointers).
function readSchema(m: Memory, at: number): FfiSchema {
  const flags = m.i64(at + 16);
  const n = m.i64(at + 24);
  const childrenAt = m.u32(at + 32);
  const children: FfiSchema[] = [];
  for (let i = 0; i < n; i++) children.push(readSchema(m, m.u32(childrenAt + 4 * i)));
  const dictionaryAt = m.u32(at + 36);
  // ARROW_FLAG_NULLABLE = 2
  return { format: m.cString(m.u32(at)), name: m.cString(m.u32(at + 4)), nullable: (flags & 2) !== 0, children, dictionary: dictionaryAt === 0 ? null : readSchema(m, dictionaryAt) };
}

function layoutOf(s: FfiSchema): Layout {
  const f = s.format;
  if (s.dictionary !== null) {
    const index = FIXED[f]?.();
    if (index === undefined || !"cCsSiIlL".includes(f)) throw new UnsupportedFfiType(f);
    const values = layoutOf(s.dictionary);
    return { type: new Dictionary(values.type, index as Int32), kind: "fixed", width: WIDTH[f], child: null, dictionary: values };
  }
  const fixed = FIXED[f];
  if (fixed !== undefined) return { type: fixed(), kind: "fixed", width: WIDTH[f], child: null, dictionary: null };
  switch (f) {
    case "b": return { type: new Bool(), kind: "bits", width: 0, child: null, dictionary: null };
    case "u": return { type: new Utf8(), kind: "var32", width: 0, child: null, dictionary: null };
    case "z": return { type: new Binary(), kind: "var32", width: 0, child: null, dictionary: null };
    case "U": return { type: new LargeUtf8(), kind: "var64", width: 0, child: null, dictionary: null };
    case "Z": return { type: new LargeBinary(), kind: "var64", width: 0, child: null, dictionary: null };
    case "+l": {
      if (s.children.length !== 1) throw new UnsupportedFfiType(f);
      const child = layoutOf(s.children[0]);
      return { type: new List(new Field(s.children[0].name, child.type, s.children[0].nullable)), kind: "list", width: 0, child, dictionary: null };
    }
    default: throw new UnsupportedFfiType(f);
  }
}

/** Bits [start, start + length) of the bitmap at `at`, as a fresh bitmap starting at bit 0. */
function copyBits(m: Memory, at: number, start: number, length: number): Uint8Array {
  const bytes = (length + 7) >> 3;
  if ((start & 7) === 0) return m.bytes.slice(at + (start >> 3), at + (start >> 3) + bytes);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < length; i++) {
    const j = start + i;
    if ((m.bytes[at + (j >> 3)] >> (j & 7)) & 1) out[i >> 3] |= 1 << (i & 7);
  }
  return out;
}

/**
 * Copy rows [start, start + length) of the ArrowArray at `at` (start counts from the array's
 * buffers, so it includes the array's own offset) into a Data of offset 0, as `tableFromIPC`
 * gives them.
 */
function copyArray(m: Memory, at: number, layout: Layout, start: number, length: number, whole: boolean): Data {
  // struct ArrowArray on wasm32: length, null_count, offset, n_buffers, n_children (int64),
  // buffers, children, dictionary, release, private_data (pointers).
  const nullCount = m.i64(at + 8);
  const buffers = m.u32(at + 40);
  const buffer = (i: number) => m.u32(buffers + 4 * i);
  const type = layout.type;
  // No validity bitmap when there are no nulls, as tableFromIPC reads them.
  const validityAt = layout.kind === "null" ? 0 : buffer(0);
  const nulls = whole ? nullCount : -1;
  const nullBitmap = validityAt === 0 || nulls === 0 ? undefined : copyBits(m, validityAt, start, length);
  const props = { type, offset: 0, length, nullCount: validityAt === 0 ? 0 : nulls === -1 ? undefined : nulls, nullBitmap } as Record<string, unknown>;
  switch (layout.kind) {
    case "fixed": {
      const w = layout.width, from = buffer(1) + start * w;
      const copy = m.bytes.slice(from, from + length * w);
      props.data = new (dataArray(type))(copy.buffer, 0, length * (w / dataWidth(type)));
      if (layout.dictionary !== null) {
        const dictAt = m.u32(at + 48);
        const dict = copyArray(m, dictAt, layout.dictionary, m.i64(dictAt + 16), m.i64(dictAt), true);
        props.dictionary = makeVector([dict]);
      }
      break;
    }
    case "bits":
      props.data = copyBits(m, buffer(1), start, length);
      break;
    case "var32":
    case "var64": {
      const w = layout.kind === "var32" ? 4 : 8;
      const offsetsAt = buffer(1) + start * w;
      const offsets = layout.kind === "var32"
        ? new Int32Array(m.bytes.slice(offsetsAt, offsetsAt + (length + 1) * 4).buffer)
        : new BigInt64Array(m.bytes.slice(offsetsAt, offsetsAt + (length + 1) * 8).buffer);
      const first = Number(offsets[0]), last = Number(offsets[length]);
      if (first !== 0) {
        if (offsets instanceof Int32Array) for (let i = 0; i <= length; i++) offsets[i] -= first;
        else for (let i = 0; i <= length; i++) offsets[i] -= BigInt(first);
      }
      props.valueOffsets = offsets;
      props.data = m.bytes.slice(buffer(2) + first, buffer(2) + last);
      break;
    }
    case "list": {
      const offsetsAt = buffer(1) + start * 4;
      const offsets = new Int32Array(m.bytes.slice(offsetsAt, offsetsAt + (length + 1) * 4).buffer);
      const first = offsets[0], last = offsets[length];
      if (first !== 0) for (let i = 0; i <= length; i++) offsets[i] -= first;
      const childAt = m.u32(m.u32(at + 44));
      props.valueOffsets = offsets;
      props.child = copyArray(m, childAt, layout.child!, m.i64(childAt + 16) + first, last - first, false);
      break;
    }
    case "null":
      break;
  }
  return makeData(props as never);
}

function dataArray(type: DataType): new (b: ArrayBuffer, o: number, n: number) => ArrayBufferView {
  return (type as DataType & { ArrayType: new (b: ArrayBuffer, o: number, n: number) => ArrayBufferView }).ArrayType;
}

function dataWidth(type: DataType): number {
  return (dataArray(type) as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
}

/**
 * The record batches at `arrays` (ArrowArray pointers of struct arrays, one a batch) with the
 * schema at `schemaAt` (a struct ArrowSchema), copied out of `memory` as an Arrow JS table.
 * Throws UnsupportedFfiType (before copying) for a column type it does not read.
 */
export function ffiTable(memory: ArrayBuffer, schemaAt: number, arrays: ArrayLike<number>): Table {
  const m = new Memory(memory);
  const root = readSchema(m, schemaAt);
  if (root.format !== "+s") throw new UnsupportedFfiType(root.format);
  const layouts = root.children.map(layoutOf);
  const fields = root.children.map((c, i) => new Field(c.name, layouts[i].type, c.nullable));
  const schema = new Schema(fields);
  const batches: RecordBatch[] = [];
  for (let b = 0; b < arrays.length; b++) {
    const at = arrays[b];
    const length = m.i64(at), offset = m.i64(at + 16);
    const childrenAt = m.u32(at + 44);
    const children = layouts.map((l, i) => {
      const child = m.u32(childrenAt + 4 * i);
      const childOffset = m.i64(child + 16);
      const whole = offset === 0 && m.i64(child) === length;
      return copyArray(m, child, l, childOffset + offset, length, whole);
    });
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children })));
  }
  return new Table(schema, batches);
}
