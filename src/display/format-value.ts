/**
 * How every table the kit prints spells a value: integers as they are, other numbers with
 * fixed digits, very small or large ones (p-values) in exponent form, null as blank.
 */
export function formatValue(v: unknown, digits = 4): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : v.toFixed(digits);
  }
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}
