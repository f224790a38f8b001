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

/** Receipts with both kinds of demonstration and an explicit order: the ordering ablation. */
export function orderedRows(table: ReceiptTable): ReceiptTable {
  return once(ordered, table);
}

/** Receipts under a format cue whose adoption was recorded. */
export function cuedRows(table: ReceiptTable): ReceiptTable {
  return once(cued, table);
}

function zeroDemonstration(table: ReceiptTable): ReceiptTable {
  const t = table.numbers("n_total");
  return table.filter((i) => t[i] === 0);
}

function defaultCondition(table: ReceiptTable): ReceiptTable {
  const cue = table.dictionary("format_cue"), sched = table.dictionary("schedule");
  const cueNone = cue.labels.indexOf("none");
  const okSchedule = new Set(["suffix", "none"].map((s) => sched.labels.indexOf(s)).filter((c) => c >= 0));
  okSchedule.add(-1);
  return table.filter((i) => cue.codes[i] === cueNone && okSchedule.has(sched.codes[i]));
}

function ordered(table: ReceiptTable): ReceiptTable {
  const b = table.numbers("n_benign"), h = table.numbers("n_harmful");
  const sched = table.dictionary("schedule"), cue = table.dictionary("format_cue");
  const none = sched.labels.indexOf("none"), cueNone = cue.labels.indexOf("none");
  return table.filter((i) => b[i] > 0 && h[i] > 0 && sched.codes[i] >= 0 && sched.codes[i] !== none && cue.codes[i] === cueNone);
}

function cued(table: ReceiptTable): ReceiptTable {
  const cue = table.dictionary("format_cue"), adopted = table.flags("adopted_cue");
  const none = cue.labels.indexOf("none");
  return table.filter((i) => cue.codes[i] >= 0 && cue.codes[i] !== none && adopted[i] >= 0);
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
