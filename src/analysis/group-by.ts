/**
 * Group receipts by the values of some fields. Returns each group's values and, for every
 * row, the index of its group, so counts can be accumulated in one pass over typed arrays.
 */
import type { ReceiptFieldName } from "../receipt/fields";
import type { ReceiptTable } from "../io/receipt-table";

export type GroupValues = Record<string, string | number | boolean | null>;

export interface Grouping {
  readonly by: readonly ReceiptFieldName[];
  /** One entry per group, in order of first appearance (then sorted by `sortGroups`). */
  readonly groups: readonly GroupValues[];
  /** `groupOf[i]` is the group of row i. */
  readonly groupOf: Int32Array;
}

export function groupBy(table: ReceiptTable, by: readonly ReceiptFieldName[]): Grouping {
  const n = table.numRows;
  const columns = by.map((f) => table.values(f));
  const index = new Map<string, number>();
  const groups: GroupValues[] = [];
  const groupOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let key = "";
    for (let c = 0; c < columns.length; c++) key += "\x1f" + String(columns[c][i]);
    let g = index.get(key);
    if (g === undefined) {
      g = groups.length;
      index.set(key, g);
      const values: GroupValues = {};
      by.forEach((f, c) => (values[f] = columns[c][i] as GroupValues[string]));
      groups.push(values);
    }
    groupOf[i] = g;
  }
  return sortGroups({ by, groups, groupOf });
}

/** Order groups by their values (numbers numerically, nulls first), so tables read in a stable order. */
function sortGroups(g: Grouping): Grouping {
  const order = g.groups.map((_, i) => i).sort((a, b) => {
    for (const f of g.by) {
      const x = g.groups[a][f], y = g.groups[b][f];
      if (x === y) continue;
      if (x === null) return -1;
      if (y === null) return 1;
      if (typeof x === "number" && typeof y === "number") return x - y;
      return String(x) < String(y) ? -1 : 1;
    }
    return 0;
  });
  const rank = new Int32Array(order.length);
  order.forEach((old, i) => (rank[old] = i));
  const groupOf = g.groupOf.map((x) => rank[x]);
  return { by: g.by, groups: order.map((i) => g.groups[i]), groupOf };
}
