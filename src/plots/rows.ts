/** Small helpers the figure functions share for grouping and ordering tidy rows. */

/** Distinct values in order of first appearance. */
export function distinct<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/** Distinct numbers, ascending. */
export function distinctSorted(values: Iterable<number>): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** Rows grouped by key, groups in order of first appearance, rows in input order. */
export function groupBy<R, K>(rows: readonly R[], key: (r: R) => K): Map<K, R[]> {
  const groups = new Map<K, R[]>();
  for (const r of rows) {
    const k = key(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return groups;
}

/**
 * Throws when two rows share a key, since a figure would silently draw both. `describe`
 * names the key for the message; `hint` tells the caller how to filter.
 */
export function assertUniqueRows<R>(
  fn: string,
  rows: readonly R[],
  key: (r: R) => string,
  hint: string,
): void {
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(key(r), (seen.get(key(r)) ?? 0) + 1);
  for (const [k, count] of seen) {
    if (count > 1) {
      throw new Error(`${fn}: ${count} rows for ${k}; ${hint}`);
    }
  }
}

/** Order `values` by a preferred list first, then the rest in their original order. */
export function orderBy(values: readonly string[], preferred: readonly string[]): string[] {
  const rank = (v: string): number => {
    const i = preferred.indexOf(v.toLowerCase());
    return i < 0 ? preferred.length : i;
  };
  return values
    .map((v, i) => ({ v, i }))
    .sort((a, b) => rank(a.v) - rank(b.v) || a.i - b.i)
    .map((e) => e.v);
}

/** Keep only the requested panel or series keys, in the requested order; throws on unknown ones. */
export function selectKeys<K>(fn: string, what: string, available: readonly K[], requested?: readonly K[]): K[] {
  if (!requested) return [...available];
  const missing = requested.filter((k) => !available.includes(k));
  if (missing.length > 0) {
    throw new Error(
      `${fn}: no rows for ${what} ${missing.map((m) => JSON.stringify(m)).join(", ")}; ` +
        `rows have ${available.map((a) => JSON.stringify(a)).join(", ")}`,
    );
  }
  return [...requested];
}

/** Throws when a figure is given no rows. */
export function requireRows(fn: string, rows: readonly unknown[], what: string): void {
  if (rows.length === 0) throw new Error(`${fn} requires at least one ${what} row`);
}

/** A number as short text: 0.25 -> "0.25", 1 -> "1". */
export function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(3)));
}

/**
 * Panel label of a row: the model name, or "model (stage)" for a model whose rows span more
 * than one training stage, so the stages of one family get a panel each.
 */
export function modelStageLabeller(
  rows: readonly { model: string; training_stage: string }[],
): (r: { model: string; training_stage: string }) => string {
  const stages = new Map<string, Set<string>>();
  for (const r of rows) {
    const s = stages.get(r.model) ?? new Set<string>();
    s.add(r.training_stage);
    stages.set(r.model, s);
  }
  return (r) => ((stages.get(r.model)?.size ?? 0) > 1 ? `${r.model} (${r.training_stage})` : r.model);
}
