/**
 * The first `limit` characters of a text, counting Unicode code points, so a surrogate
 * pair (an emoji, say) is never split in two. Cost O(length). `limit` must be a
 * non-negative integer.
 * @example truncateChars("abcdef", 3) // "abc"
 */
export function truncateChars(text: string, limit: number): string {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`truncateChars requires a non-negative integer limit, found ${limit}`);
  if (text.length <= limit) return text; // code points <= code units
  let units = 0, points = 0;
  while (units < text.length && points < limit) {
    const c = text.charCodeAt(units);
    units += c >= 0xd800 && c <= 0xdbff && units + 1 < text.length ? 2 : 1;
    points++;
  }
  return text.slice(0, units);
}
