/**
 * How every table the kit prints spells a value: integers as they are, other numbers with
 * fixed digits, very small or large ones in exponent form, null as blank. A column that holds
 * p-values (see `isPValueColumn`) is spelled by `formatPValue`, so a tail probability too
 * small for a double reads "< 1e-300", never "0".
 */
export function formatValue(v: unknown, digits = 4, column?: string): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (column !== undefined && isPValueColumn(column)) return formatPValue(v, digits);
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : v.toFixed(digits);
  }
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/**
 * Below this a p-value is printed as "< 1e-300": normal and chi-square upper tails are
 * computed directly and keep their digits down to about here; below it they underflow
 * towards the smallest double (5e-324) and then to 0, which would read as certainty.
 */
export const SMALLEST_PRINTED_P = 1e-300;

/**
 * A p-value as text: "< 1e-300" below SMALLEST_PRINTED_P (0 included), exponent form below
 * 1e-3, else fixed digits; 1 prints "1". NaN prints "NaN" (no test was possible).
 *
 * @example
 * formatPValue(0);       // "< 1e-300"
 * formatPValue(3.2e-45); // "3.20e-45"
 * formatPValue(0.0421);  // "0.0421"
 */
export function formatPValue(p: number, digits = 4): string {
  if (Number.isNaN(p)) return "NaN";
  if (p < SMALLEST_PRINTED_P) return "< 1e-300";
  if (Number.isInteger(p)) return String(p);
  return p < 1e-3 ? p.toExponential(2) : p.toFixed(digits);
}

/**
 * Whether a column name holds p-values: `p`, `p_value`, `p_adjusted` and anything ending in
 * `_p_value` or `_p_adjusted` (lrt_p_value, cluster_p_value, ...). `top_p` is not.
 */
export function isPValueColumn(name: string): boolean {
  return /^p$|(^|_)p_(value|adjusted)(_|$)/.test(name);
}
