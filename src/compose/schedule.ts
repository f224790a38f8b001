/**
 * Where the harmful demonstrations go among the benign ones. Definitions (docs/the-study.md,
 * ordering ablation), reading from the start of the context towards the query:
 * - prefix: all harmful first, then all benign;
 * - suffix: all benign first, then all harmful, nearest the query (the study's default);
 * - middle: a benign block, the harmful block, a benign block; the first benign block
 *   takes the odd one out, i.e. ceil(n_benign / 2) before and floor(n_benign / 2) after;
 * - interleave: alternating, benign first; with unequal counts the minority kind is spread
 *   evenly (each step emits the kind that is furthest behind its share, ties to benign), so
 *   32 + 32 gives b h b h ... b h and the last item is harmful;
 * - random: a seeded Fisher-Yates shuffle of benign-then-harmful;
 * - none: one kind only, in draw order.
 */
import type { Schedule } from "../receipt/fields";
import { shuffled, type Rng } from "./prng";

export type DemoKind = "benign" | "harmful";

export interface Placed<T> {
  readonly kind: DemoKind;
  readonly item: T;
}

export function arrangeDemos<T>(benign: readonly T[], harmful: readonly T[], schedule: Schedule, rng: Rng): Placed<T>[] {
  const b = benign.map((item) => ({ kind: "benign" as const, item }));
  const h = harmful.map((item) => ({ kind: "harmful" as const, item }));
  switch (schedule) {
    case "none":
      if (b.length > 0 && h.length > 0)
        throw new Error(`arrangeDemos: schedule none means one kind of demonstration, found ${b.length} benign and ${h.length} harmful`);
      return [...b, ...h];
    case "prefix": return [...h, ...b];
    case "suffix": return [...b, ...h];
    case "middle": {
      const before = Math.ceil(b.length / 2);
      return [...b.slice(0, before), ...h, ...b.slice(before)];
    }
    case "interleave": {
      const out: Placed<T>[] = [];
      let i = 0, j = 0;
      while (i < b.length || j < h.length) {
        // emit benign when (i + 1) / nb <= (j + 1) / nh, in integers
        const takeBenign = j >= h.length || (i < b.length && (i + 1) * h.length <= (j + 1) * b.length);
        out.push(takeBenign ? b[i++] : h[j++]);
      }
      return out;
    }
    case "random": return shuffled([...b, ...h], rng);
  }
}
