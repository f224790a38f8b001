/**
 * Internal: cluster labels as dense integer codes 0 .. G - 1, in order of first appearance,
 * so that the cluster-robust loops index typed arrays instead of looking labels up per row.
 *
 * Integer codes (an Int32Array, say a dictionary column's codes) are remapped through a typed
 * lookup table when they are small (the usual case); other labels (strings, arbitrary numbers)
 * go through one Map pass here, outside every hot loop.
 * Cost: one pass over the labels, O(n).
 * Throws StatsError for a missing label (null, undefined, NaN, or a negative integer code),
 * naming the row, and for a label count that differs from the row count.
 */
import { StatsError } from "./stats-error";

export interface ClusterCodes {
  /** Dense cluster code of each row, 0 .. groups - 1, numbered by first appearance. */
  codes: Int32Array;
  groups: number;
}

export type ClusterLabels = ArrayLike<string | number> | Int32Array | Uint32Array | Uint16Array | Uint8Array;

export function clusterCodes(labels: ClusterLabels, n: number, caller: string): ClusterCodes {
  if (labels === null || labels === undefined || labels.length !== n) {
    throw new StatsError(`${caller} requires one cluster label a row: got ${labels?.length} labels for ${n} rows`);
  }
  const codes = new Int32Array(n);
  if (ArrayBuffer.isView(labels)) {
    const ints = labels as Int32Array;
    let max = -1;
    for (let i = 0; i < n; i++) {
      const c = ints[i];
      if (c < 0) throw new StatsError(`${caller}: the cluster label is missing at row ${i} (code ${c})`);
      if (c > max) max = c;
    }
    if (max < 4 * n + 1024) {
      const dense = new Int32Array(max + 1).fill(-1);
      let groups = 0;
      for (let i = 0; i < n; i++) {
        const c = ints[i];
        let g = dense[c];
        if (g < 0) g = dense[c] = groups++;
        codes[i] = g;
      }
      return { codes, groups };
    }
  }
  const ids = new Map<string | number, number>();
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (label === null || label === undefined || (typeof label === "number" && Number.isNaN(label))) {
      throw new StatsError(`${caller}: the cluster label is missing at row ${i}`);
    }
    let g = ids.get(label);
    if (g === undefined) {
      g = ids.size;
      ids.set(label, g);
    }
    codes[i] = g;
  }
  return { codes, groups: ids.size };
}
