/**
 * An Arrow IPC file read a column at a time: the footer and the record batch's metadata
 * say where each column's buffers are, so only the buffers of the columns a load keeps are
 * read from disk, each run of adjacent ones into its place in one buffer for them all. The
 * columns the kit recomputes (receipt_key, n_total, harmful_fraction, complied), unknown ones
 * and those outside `LoadOptions.columns` are never read, and columns that are all null get
 * zeroed buffers instead of being read (their offsets and codes are never looked at). The
 * kept columns are then all that stays in memory, not the whole file.
 *
 * Only the common layout takes this path: the file format, one record batch, no body
 * compression, no delta dictionaries. Anything else returns null, and the caller reads the
 * whole file with `tableFromIPC` (whose messages then describe whatever is wrong).
 */
import { open, type FileHandle } from "node:fs/promises";
import { Data, DataType, Dictionary, Field, makeData, makeVector, RecordBatch, Schema, Struct, Table, type Vector } from "apache-arrow";
import type { Footer as FooterClass } from "apache-arrow/ipc/metadata/file";
import type { Message as MessageClass, BufferRegion, DictionaryBatch, FieldNode, RecordBatch as BatchHeader } from "apache-arrow/ipc/metadata/message";
import type { VectorLoader as VectorLoaderClass } from "apache-arrow/visitor/vectorloader";
import { fileIdentity, type FileIdentity } from "./file-hash";

/**
 * apache-arrow's IPC internals (footer, message and buffer loader), loaded on first use; null
 * if this apache-arrow lays them out differently, and then every file is read whole.
 */
let internals: { Footer: typeof FooterClass; Message: typeof MessageClass; VectorLoader: typeof VectorLoaderClass } | null | undefined;
function arrowInternals(): typeof internals {
  if (internals === undefined) {
    try {
      /* eslint-disable @typescript-eslint/no-require-imports */
      internals = {
        Footer: (require("apache-arrow/ipc/metadata/file") as { Footer: typeof FooterClass }).Footer,
        Message: (require("apache-arrow/ipc/metadata/message") as { Message: typeof MessageClass }).Message,
        VectorLoader: (require("apache-arrow/visitor/vectorloader") as { VectorLoader: typeof VectorLoaderClass }).VectorLoader,
      };
      /* eslint-enable @typescript-eslint/no-require-imports */
      if (typeof internals.Footer?.decode !== "function" || typeof internals.Message?.decode !== "function" || typeof internals.VectorLoader !== "function") internals = null;
    } catch {
      internals = null;
    }
  }
  return internals;
}

/** Whether a column can be lent (see `readArrowFileColumns`): a dictionary with signed 8, 16 or 32-bit codes. */
function lendable(type: DataType): boolean {
  return type instanceof Dictionary && type.indices.isSigned && [8, 16, 32].includes(type.indices.bitWidth);
}

/**
 * An all-null stand-in of a lent dictionary column for the returned table, its buffers views
 * of `zeros` (4 bytes a row, shared by every lent column: a table read with a visitor is only
 * looked at for its schema and row count, never written).
 */
function nullDictionary(d: Data, zeros: ArrayBuffer): Data {
  const n = d.length, bits = (d.type as Dictionary).indices.bitWidth;
  const codes = bits === 8 ? new Int8Array(zeros, 0, n) : bits === 16 ? new Int16Array(zeros, 0, n) : new Int32Array(zeros, 0, n);
  return makeData({ type: d.type as Dictionary, length: n, nullCount: n, nullBitmap: new Uint8Array(zeros, 0, (n + 7) >> 3), data: codes as Int32Array, dictionary: d.dictionary });
}

/** Bytes read a call: few calls (`readFile` reads in 512 KiB round trips). */
const READ_CHUNK = 16 * 2 ** 20;

/** Buffers this close together are read as one run (the format pads buffers to 8 or 64 bytes). */
const RUN_GAP = 64;

const MAGIC = "ARROW1";

function align64(n: number): number {
  return (n + 63) & ~63;
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(out, got, Math.min(READ_CHUNK, length - got), position + got);
    if (bytesRead === 0) throw new Error("the file ended early");
    got += bytesRead;
  }
  return out;
}

/** A message (the metadata, after an optional continuation marker and its length) at the start of a block. */
function decodeMessage(Message: typeof MessageClass, block: Uint8Array): MessageClass {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  let at = 0;
  if (view.getInt32(0, true) === -1) at = 4;
  const length = view.getInt32(at, true);
  return Message.decode(block.subarray(at + 4, at + 4 + length));
}

/**
 * Stands in for a record batch body for apache-arrow's VectorLoader, which asks for each
 * buffer as `body.subarray(offset, end)`: a buffer of a kept column comes from the run read
 * for it, one of an all-null column is zeros (a new buffer each), anything else is empty.
 */
class SparseBody {
  constructor(
    private readonly runs: readonly { start: number; bytes: Uint8Array }[],
    private readonly zeroed: ReadonlySet<number>,
  ) {}
  subarray(begin: number, end: number): Uint8Array {
    if (end <= begin) return new Uint8Array(0);
    // a buffer of its own: views of one shared buffer are joined wrongly by apache-arrow's IPC writer
    if (this.zeroed.has(begin)) return new Uint8Array(end - begin);
    for (const run of this.runs) {
      if (begin >= run.start && end <= run.start + run.bytes.length) return run.bytes.subarray(begin - run.start, end - run.start);
    }
    return new Uint8Array(0);
  }
}

/** Records which buffers each field asks for (a first pass of the VectorLoader over the metadata only). */
class RecordingBody {
  ranges: BufferRegion[] = [];
  subarray(begin: number, end: number): Uint8Array {
    this.ranges.push({ offset: begin, length: end - begin } as BufferRegion);
    return new Uint8Array(0);
  }
}

/** Bytes [position, position + out.length) of a file into `out`, read in chunks issued all at once (the reads proceed while this thread works). */
function readSpan(fh: FileHandle, position: number, out: Uint8Array): Promise<Uint8Array> {
  const length = out.length;
  const reads: Promise<void>[] = [];
  for (let at = 0; at < length; at += READ_CHUNK) {
    const want = Math.min(READ_CHUNK, length - at);
    reads.push((async () => {
      let got = 0;
      while (got < want) {
        const { bytesRead } = await fh.read(out, at + got, want - got, position + at + got);
        if (bytesRead === 0) throw new Error("the file ended early");
        got += bytesRead;
      }
    })());
  }
  return Promise.all(reads).then(() => out);
}

/** Sees an Arrow file's columns as they are read (see `readArrowFileColumns`). */
export interface ArrowColumnVisitor {
  /** The schema and row count, before any data: return whether to be given the columns. */
  start(schema: Schema, numRows: number): boolean;
  /**
   * A kept column's data, in schema order, as soon as its buffers are read. `lent`: the data's
   * buffers are reused once this returns (see `lend` in `readArrowFileColumns`), so anything
   * kept of it must be copied.
   */
  column(field: Field, data: Data, lent: boolean): void;
}

/**
 * Read the columns `keep` accepts (by name) of an Arrow IPC file; the others are in the
 * table's schema but hold no data (and must not be read). Null when the file is not in the
 * layout this reads (see above). Each column is read into its own buffer, all reads issued
 * at once; a `visitor` that accepts the schema is given each kept column as it arrives
 * (errors it throws are thrown from here once the reads have ended). `file`: the file's
 * size, modification time and inode when opened, before any read. `spare`: the buffers lent
 * columns were read into, done with, for the caller to reuse.
 */
export async function readArrowFileColumns(path: string, keep: (name: string) => boolean, visitor?: ArrowColumnVisitor, lend?: (field: Field, dictionary: Vector | undefined) => boolean): Promise<{ table: Table; file: FileIdentity; visited: boolean; spare: ArrayBuffer[] } | null> {
  const arrow = arrowInternals();
  if (arrow === null || arrow === undefined) return null;
  const { Footer, Message, VectorLoader } = arrow;
  const fh = await open(path, "r");
  const reads: Promise<unknown>[] = [];
  let visitorError: { error: unknown } | null = null;
  try {
    const file = fileIdentity(await fh.stat());
    const size = file.size;
    if (size < 32) return null;
    const head = await readAt(fh, 0, 8), tail = await readAt(fh, size - 10, 10);
    const text = (b: Uint8Array, from: number) => String.fromCharCode(...b.subarray(from, from + 6));
    if (text(head, 0) !== MAGIC || text(tail, 4) !== MAGIC) return null;
    const footerLength = new DataView(tail.buffer, tail.byteOffset, 10).getInt32(0, true);
    if (footerLength <= 0 || footerLength > size - 18) return null;
    const footer = Footer.decode(await readAt(fh, size - 10 - footerLength, footerLength));
    if (footer.numRecordBatches !== 1) return null;
    const schema = footer.schema;

    // Dictionaries: small, read whole (message and body).
    const dictionaries = new Map<number, Vector>();
    for (let i = 0; i < footer.numDictionaries; i++) {
      const block = footer.getDictionaryBatch(i)!;
      const bytes = await readAt(fh, Number(block.offset), block.metaDataLength + Number(block.bodyLength));
      const message = decodeMessage(Message, bytes);
      if (!message.isDictionaryBatch()) return null;
      const header = message.header() as DictionaryBatch;
      const type = schema.dictionaries.get(Number(header.id));
      if (header.isDelta || header.data.compression != null || type === undefined || dictionaries.has(Number(header.id))) return null;
      const body = bytes.subarray(block.metaDataLength, block.metaDataLength + Number(block.bodyLength));
      const [data] = new VectorLoader(body, header.nodes, header.buffers, dictionaries, schema.metadataVersion, header.data.variadicBufferCounts).visitMany([type]);
      dictionaries.set(Number(header.id), makeVector(data).memoize());
    }

    const block = footer.getRecordBatch(0)!;
    const message = decodeMessage(Message, await readAt(fh, Number(block.offset), block.metaDataLength));
    if (!message.isRecordBatch()) return null;
    const header = message.header() as BatchHeader;
    if (header.compression != null) return null;
    const bodyStart = Number(block.offset) + block.metaDataLength;
    const bodyLength = Number(block.bodyLength);
    const length = Number(header.length);

    // Which buffers (and field node) each column owns, from a pass over the metadata.
    const recorder = new RecordingBody();
    const probe = new VectorLoader(recorder as unknown as Uint8Array, header.nodes, header.buffers, dictionaries, schema.metadataVersion, header.variadicBufferCounts);
    const owned: { ranges: BufferRegion[]; node: FieldNode | undefined }[] = [];
    for (const field of schema.fields) {
      recorder.ranges = [];
      const node = header.nodes[(probe as unknown as { nodesIndex: number }).nodesIndex + 1];
      probe.visit(field);
      owned.push({ ranges: recorder.ranges, node });
    }
    // Each kept column's runs of adjacent buffers; all-null columns read as zeros.
    const zeroed = new Set<number>();
    const columnSpans: { start: number; end: number }[][] = [];
    for (let f = 0; f < schema.fields.length; f++) {
      const spans: { start: number; end: number }[] = [];
      columnSpans.push(spans);
      if (!keep(schema.fields[f].name)) continue;
      const { ranges, node } = owned[f];
      const allNull = node !== undefined && Number(node.length) > 0 && Number(node.nullCount) === Number(node.length);
      const wanted = ranges.filter((r) => r.length > 0).sort((a, b) => a.offset - b.offset);
      for (const r of wanted) if (r.offset < 0 || r.offset + r.length > bodyLength) return null;
      if (allNull) {
        for (const r of wanted) zeroed.add(r.offset);
        continue;
      }
      for (const r of wanted) {
        const last = spans[spans.length - 1];
        if (last !== undefined && r.offset <= last.end + RUN_GAP) last.end = Math.max(last.end, r.offset + r.length);
        else spans.push({ start: r.offset, end: r.offset + r.length });
      }
    }
    const visiting = visitor !== undefined && visitor.start(schema, length);
    // A dictionary column `lend` names (one whose codes the visitor narrows as read) is lent to
    // the visitor: read when its turn comes (the next one's reads issued then) into one of two
    // buffers that every such column reuses, so that their wide codes are never all in memory
    // at once. The visitor must copy what it keeps; the returned table holds it as all nulls.
    const lent = schema.fields.map((f, i) => visiting && lend !== undefined && columnSpans[i].length > 0 && lendable(f.type) && lend(f, dictionaries.get((f.type as Dictionary).id)));
    // All other runs in one allocation (each at a 64-byte boundary, as in the file), all reads
    // issued now: one large buffer instead of dozens, so V8 counts one growth of external
    // memory (each counted growth of 64 MiB costs a garbage collection) and frees one.
    const spanBytes = (spans: { start: number; end: number }[]) => spans.reduce((sum, sp) => sum + align64(sp.end - sp.start), 0);
    let total = 0, lentMost = 0;
    columnSpans.forEach((spans, f) => { if (lent[f]) lentMost = Math.max(lentMost, spanBytes(spans)); else total += spanBytes(spans); });
    const pool = new Uint8Array(total);
    const columnRuns: { start: number; bytes: Promise<Uint8Array> }[][] = [];
    const issue = (f: number, into: Uint8Array) => {
      const runs: { start: number; bytes: Promise<Uint8Array> }[] = [];
      let at = 0;
      for (const sp of columnSpans[f]) {
        const bytes = readSpan(fh, bodyStart + sp.start, into.subarray(at, at + sp.end - sp.start));
        at += align64(sp.end - sp.start);
        bytes.catch(() => undefined); // awaited below; a failure must not surface as unhandled meanwhile
        reads.push(bytes);
        runs.push({ start: sp.start, bytes });
      }
      columnRuns[f] = runs;
    };
    let at = 0;
    for (let f = 0; f < columnSpans.length; f++) {
      columnRuns.push([]);
      if (lent[f]) continue;
      issue(f, pool.subarray(at, at + spanBytes(columnSpans[f])));
      at += spanBytes(columnSpans[f]);
    }
    const lentOrder = lent.flatMap((l, f) => (l ? [f] : []));
    const scratch = lentOrder.length === 0 ? [] : [new Uint8Array(lentMost), new Uint8Array(lentOrder.length > 1 ? lentMost : 0)];
    if (lentOrder.length > 0) issue(lentOrder[0], scratch[0]);

    const done: { start: number; bytes: Uint8Array }[] = [];
    const body = new SparseBody(done, zeroed);
    const loader = new VectorLoader(body as unknown as Uint8Array, header.nodes, header.buffers, dictionaries, schema.metadataVersion, header.variadicBufferCounts);
    const children: Data[] = [];
    let lentAt = 0, zeros: ArrayBuffer | null = null;
    for (let f = 0; f < schema.fields.length; f++) {
      for (const run of columnRuns[f]) done.push({ start: run.start, bytes: await run.bytes });
      if (lent[f]) {
        // the previous lent column is done with the other buffer: the next one's reads go there
        lentAt++;
        if (lentAt < lentOrder.length) issue(lentOrder[lentAt], scratch[lentAt & 1]);
      }
      let data = loader.visit(schema.fields[f]) as Data;
      if (visiting && visitorError === null && keep(schema.fields[f].name)) {
        try { visitor!.column(schema.fields[f], data, lent[f]); } catch (error) { visitorError = { error }; }
      }
      if (lent[f]) {
        data = nullDictionary(data, (zeros ??= new ArrayBuffer(4 * length + 8)));
        // its runs' bytes are reused: no later buffer may be taken from them
        for (const run of columnRuns[f]) done.splice(done.findIndex((r) => r.start === run.start), 1);
      }
      children.push(data);
    }
    if (visitorError !== null) throw visitorError.error;
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields as Field<DataType>[]), length, nullCount: 0, children }));
    // The lent columns' scratch buffers, which nothing holds any more (the visitor copied what
    // it kept, the table holds stand-ins): the caller's to reuse.
    return { table: new Table([batch]), file, visited: visiting, spare: scratch.filter((b) => b.byteLength > 0).map((b) => b.buffer as ArrayBuffer) };
  } catch (e) {
    if (visitorError !== null) throw e;
    return null;
  } finally {
    await Promise.allSettled(reads);
    await fh.close();
  }
}
