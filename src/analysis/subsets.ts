/**
 * Named selections of receipts used by the study's analyses. Each is a plain filter so a
 * user can see exactly which rows an analysis used.
 */
import type { ReceiptTable } from "../io/receipt-table";

/** Zero-demonstration receipts (n_benign = n_harmful = 0). */
export function zeroDemonstrationRows(table: ReceiptTable): ReceiptTable {
  return once(zeroDemonstration, table);
}

/**
 * The main sweep and everything comparable with it: no format cue and the default order
 * (benign before harmful, `suffix`, or a single kind, `none`), so ordering and format
 * ablations do not leak into the count models.
 */
export function defaultConditionRows(table: ReceiptTable): ReceiptTable {
  return once(defaultCondition, table);
}

/** Receipts with at least one demonstration (n_total > 0). */
export function demonstrationRows(table: ReceiptTable): ReceiptTable {
  return once(withDemonstrations, table);
}

/** Receipts with both kinds of demonstration and an explicit order: the ordering ablation. */
export function orderedRows(table: ReceiptTable): ReceiptTable {
  return once(ordered, table);
}

/** Receipts under a format cue whose adoption was recorded. */
export function cuedRows(table: ReceiptTable): ReceiptTable {
  return once(cued, table);
}

// Each selection is a 0/1 mask made in a plain loop, then filter(mask): filter calling a
// predicate a row costs a call a row through a site that sees every selection's closure.

function zeroDemonstration(table: ReceiptTable): ReceiptTable {
  const t = table.numbers("n_total");
  const keep = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) keep[i] = t[i] === 0 ? 1 : 0;
  return table.filter(keep);
}

function withDemonstrations(table: ReceiptTable): ReceiptTable {
  const t = table.numbers("n_total");
  const keep = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) keep[i] = t[i] > 0 ? 1 : 0;
  return table.filter(keep);
}

function defaultCondition(table: ReceiptTable): ReceiptTable {
  const cue = table.dictionary("format_cue"), sched = table.dictionary("schedule");
  const cueNone = cue.labels.indexOf("none");
  // schedule codes allowed ("suffix", "none" and null, -1), by code + 1
  const okSchedule = new Uint8Array(sched.labels.length + 1);
  okSchedule[0] = 1;
  for (const s of ["suffix", "none"]) { const c = sched.labels.indexOf(s); if (c >= 0) okSchedule[c + 1] = 1; }
  return table.filter(defaultConditionMask(cue.codes, cueNone, sched.codes, okSchedule));
}

function defaultConditionMask(cue: Int32Array, cueNone: number, sched: Int32Array, okSchedule: Uint8Array): Uint8Array {
  const keep = new Uint8Array(cue.length);
  for (let i = 0; i < cue.length; i++) keep[i] = cue[i] === cueNone && okSchedule[sched[i] + 1] === 1 ? 1 : 0;
  return keep;
}

function ordered(table: ReceiptTable): ReceiptTable {
  const b = table.numbers("n_benign"), h = table.numbers("n_harmful");
  const sched = table.dictionary("schedule"), cue = table.dictionary("format_cue");
  const none = sched.labels.indexOf("none"), cueNone = cue.labels.indexOf("none");
  const s = sched.codes, c = cue.codes, keep = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) keep[i] = b[i] > 0 && h[i] > 0 && s[i] >= 0 && s[i] !== none && c[i] === cueNone ? 1 : 0;
  return table.filter(keep);
}

function cued(table: ReceiptTable): ReceiptTable {
  const cue = table.dictionary("format_cue"), adopted = table.flags("adopted_cue");
  const none = cue.labels.indexOf("none");
  const c = cue.codes, keep = new Uint8Array(c.length);
  for (let i = 0; i < c.length; i++) keep[i] = c[i] >= 0 && c[i] !== none && adopted[i] >= 0 ? 1 : 0;
  return table.filter(keep);
}

/**
 * Each selection is made once per table: `analyze` asks for the default condition of the
 * same table in almost every analysis, and a table (a frozen view) never changes.
 */
const selections = new WeakMap<ReceiptTable, Map<(t: ReceiptTable) => ReceiptTable, ReceiptTable>>();

function once(select: (t: ReceiptTable) => ReceiptTable, table: ReceiptTable): ReceiptTable {
  let made = selections.get(table);
  if (made === undefined) selections.set(table, (made = new Map()));
  let rows = made.get(select);
  if (rows === undefined) made.set(select, (rows = select(table)));
  return rows;
}
