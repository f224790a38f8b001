/**
 * An axis for demonstration counts on a doubling design that includes zero (0, 4, 8, ...):
 * a log axis cannot show 0, so counts are placed at equal steps and labelled with their
 * value. Lines are dodged sideways so overlapping intervals stay readable.
 */
import type * as Plotly from "plotly.js";

export interface CountAxis {
  /** Position of a count on the axis. */
  position(count: number, series: number, seriesCount: number): number;
  axis: Partial<Plotly.LayoutAxis>;
}

/** Sideways offset between neighbouring series, in steps. */
const DODGE_STEPS = 0.06;

export function countAxis(counts: readonly number[]): CountAxis {
  const sorted = [...new Set(counts)].sort((a, b) => a - b);
  const index = new Map(sorted.map((c, i) => [c, i]));
  return {
    position(count, series, seriesCount) {
      const i = index.get(count);
      if (i === undefined) throw new Error(`countAxis: count ${count} is not on the axis (${sorted.join(", ")})`);
      return i + (series - (seriesCount - 1) / 2) * DODGE_STEPS;
    },
    axis: {
      type: "linear",
      tickvals: sorted.map((_, i) => i),
      ticktext: sorted.map(String),
      range: [-0.5, sorted.length - 0.5],
      showgrid: true,
    },
  };
}
