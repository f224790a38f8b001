import type * as Plotly from "plotly.js";

/**
 * A Plotly figure as plain data: what every figure function returns and what `showFigure`
 * and `saveFigure` take. Building one has no side effects; rendering is a separate step.
 */
export interface Figure {
  data: Plotly.Data[];
  layout: Partial<Plotly.Layout>;
}

/** Title text of a figure, or "untitled figure". */
export function figureTitle(fig: Figure): string {
  const t = fig.layout.title;
  const text = typeof t === "string" ? t : t?.text;
  return text && text.length > 0 ? text : "untitled figure";
}

/**
 * One line naming a figure and what it holds, e.g.
 * `Figure "Compliance vs total demonstrations": 4 panels, 22 traces (scatter); y: Compliance rate (%)`.
 */
export function describeFigure(fig: Figure): string {
  const layout = fig.layout as Record<string, unknown>;
  const xAxes = Object.keys(layout).filter((k) => /^xaxis\d*$/.test(k));
  const panels = Math.max(1, xAxes.length);
  const types = [...new Set(fig.data.map((d) => (d as { type?: string }).type ?? "scatter"))];
  // Panels title only their outer axes, so take the first axis of each letter that has one.
  const firstTitle = (letter: "x" | "y"): string | undefined => {
    for (const key of Object.keys(layout).filter((k) => new RegExp(`^${letter}axis\\d*$`).test(k))) {
      const t = (layout[key] as { title?: { text?: string } | string } | undefined)?.title;
      const text = typeof t === "string" ? t : t?.text;
      if (text) return text;
    }
    return undefined;
  };
  const x = firstTitle("x");
  const y = firstTitle("y");
  const axes = [x ? `x: ${x}` : null, y ? `y: ${y}` : null].filter((s) => s !== null).join("; ");
  return (
    `Figure "${figureTitle(fig)}": ${panels} panel${panels === 1 ? "" : "s"}, ` +
    `${fig.data.length} trace${fig.data.length === 1 ? "" : "s"} (${types.join(", ") || "none"})` +
    (axes ? `; ${axes}` : "")
  );
}
