import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as Plotly from "plotly.js";
import {
  FIGURES,
  FIGURE_NAMES,
  PALETTE,
  VERDICT_COLORS,
  baselineRelativeFigure,
  benignForestFigure,
  benignSweepFigure,
  buildFigure,
  complianceHeatmapFigure,
  describeFigure,
  formatAdoptionFigure,
  mainSweepFigure,
  orderingFigure,
  trainingStageFigure,
} from "../../src/plots";
import type { Figure, FigureInputs } from "../../src/plots";
import { assertSnapshot, roundNumbers } from "./snapshot";
import * as F from "./fixtures";

type Trace = Partial<Plotly.PlotData>;
type Axis = Partial<Plotly.LayoutAxis>;

function traces(fig: Figure): Trace[] {
  return fig.data as Trace[];
}

function axes(fig: Figure, letter: "x" | "y"): Array<[string, Axis]> {
  return Object.entries(fig.layout as Record<string, unknown>)
    .filter(([k]) => new RegExp(`^${letter}axis\\d*$`).test(k))
    .map(([k, v]) => [k, v as Axis]);
}

function titleOf(axis: Axis): string {
  const t = axis.title as { text?: string } | string | undefined;
  return typeof t === "string" ? t : t?.text ?? "";
}

/** Traces that carry estimates (not baseline bands or reference lines). */
function estimateTraces(fig: Figure): Trace[] {
  return traces(fig).filter((t) => t.type === "bar" || (t.type === "scatter" && t.legendgroup !== "baseline"));
}

function assertIntervals(fig: Figure): void {
  for (const t of estimateTraces(fig)) {
    const e = (t.error_y ?? t.error_x) as { type?: string; array?: number[]; arrayminus?: number[]; visible?: boolean } | undefined;
    assert.ok(e, `trace ${t.name} has no error bars`);
    assert.equal(e.type, "data");
    assert.equal(e.visible, true);
    const n = ((t.error_y ? t.y : t.x) as unknown[]).length;
    assert.equal(e.array?.length, n, `trace ${t.name}: one upper error a point`);
    assert.equal(e.arrayminus?.length, n, `trace ${t.name}: one lower error a point`);
    assert.ok([...(e.array ?? []), ...(e.arrayminus ?? [])].every((v) => v >= 0), `trace ${t.name}: errors are non-negative`);
  }
}

const SMALL_INPUTS: FigureInputs = {
  compliance: [
    ...F.smallComplianceCells(),
    ...F.smallBenignGrid().map((r) => ({ ...r, model: `${r.model} grid` })),
    ...F.smallStageCells(),
  ],
  benignCoefficients: F.smallBenignCoefficients(),
  schedules: F.smallSchedules(),
  formatAdoption: F.smallFormatAdoption(),
  baselineRelative: F.smallBaselineRelative(),
};

describe("figure registry", () => {
  it("lists the eight figures in the paper's order", () => {
    assert.deepEqual(FIGURE_NAMES, [
      "main-sweep",
      "benign-sweep",
      "benign-forest",
      "training-stage",
      "ordering",
      "format-adoption",
      "heatmap",
      "baseline-relative",
    ]);
    for (const name of FIGURE_NAMES) {
      assert.ok(FIGURES[name].title.length > 0 && FIGURES[name].description.length > 20, name);
    }
  });

  it("builds every figure with labelled axes with units, intervals and theme colours", () => {
    for (const name of FIGURE_NAMES) {
      const fig = buildFigure(name, SMALL_INPUTS);
      assert.ok(fig.data.length > 0, `${name} has traces`);
      const xTitles = axes(fig, "x").map(([, a]) => titleOf(a)).filter((t) => t.length > 0);
      const yTitles = axes(fig, "y").map(([, a]) => titleOf(a)).filter((t) => t.length > 0);
      assert.ok(xTitles.length > 0 && yTitles.length > 0, `${name} labels both axes`);
      for (const [, a] of [...axes(fig, "x"), ...axes(fig, "y")]) {
        const t = titleOf(a);
        // Quantitative axes state their unit; a category axis (models, cues) has none.
        if (t && a.type !== "category") assert.match(t, /\(.+\)/, `${name}: axis title "${t}" states its unit or scale`);
      }
      assertIntervals(fig);
      // Plain JSON: no undefined, NaN or functions survive the trip.
      assert.deepEqual(JSON.parse(JSON.stringify(fig)), roundNumbers(fig, 17));
      const colors = estimateTraces(fig).map((t) => (t.marker as { color?: string } | undefined)?.color);
      const allowed = new Set<string>([...PALETTE, ...Object.values(VERDICT_COLORS)]);
      for (const c of colors) assert.ok(c && allowed.has(c), `${name}: colour ${c} is from the palette`);
      assert.match(describeFigure(fig), /^Figure ".+": \d+ panels?, \d+ traces?/);
    }
  });

  it("names the figure and the missing table when an input is absent", () => {
    assert.throws(() => buildFigure("ordering", {}), /figure "ordering" needs the schedules table/);
    assert.throws(() => buildFigure("pie", SMALL_INPUTS), /unknown figure "pie"; figures are main-sweep, /);
  });
});

describe("mainSweepFigure", () => {
  const fig = mainSweepFigure(F.smallComplianceCells());

  it("matches its snapshot", () => assertSnapshot("main-sweep", fig));

  it("draws a panel per model and a line per harmful fraction, with the baseline", () => {
    assert.equal(axes(fig, "x").length, 2);
    const lines = traces(fig).filter((t) => t.legendgroup?.startsWith("phi="));
    assert.equal(lines.length, 6);
    assert.deepEqual(
      lines.filter((t) => t.showlegend).map((t) => t.name),
      ["\u03c6 = 0", "\u03c6 = 0.5", "\u03c6 = 1"],
    );
    assert.equal(traces(fig).filter((t) => t.legendgroup === "baseline").length, 4);
    assert.equal(fig.data.length, 10);
    assert.deepEqual(
      (fig.layout.annotations ?? []).map((a) => a.text),
      ["<b>Llama-3.1-8B</b>", "<b>Gemma-4-31B</b>"],
    );
  });

  it("uses a log2-labelled x axis and a 0-100% y axis", () => {
    const x = fig.layout.xaxis!;
    assert.equal(x.type, "log");
    assert.deepEqual(x.tickvals, [4, 16, 64]);
    assert.equal(titleOf(x), "Total demonstrations N (log\u2082 scale)");
    assert.equal(titleOf(fig.layout.yaxis!), "Compliance rate (%)");
    assert.deepEqual(fig.layout.yaxis!.range, [0, 100]);
    const first = traces(fig).find((t) => t.name === "\u03c6 = 0.5")!;
    assert.deepEqual((first.y as number[]).map((v) => Math.round(v * 10) / 10), [40, 55, 70]);
  });

  it("refuses rows that would draw two points at one position", () => {
    const rows = F.smallComplianceCells();
    rows.push({ ...rows.find((r) => r.model === "Llama-3.1-8B" && r.harmful_fraction === 0.5 && r.n_total === 4)!, schedule: "random" });
    assert.throws(() => mainSweepFigure(rows), /mainSweepFigure: 2 rows for Llama-3\.1-8B, harmful_fraction=0\.5, n_total=4; filter rows to one schedule/);
  });

  it("draws the models asked for, in that order, and refuses unknown ones", () => {
    const two = mainSweepFigure(F.smallComplianceCells(), { models: ["Gemma-4-31B"], showBaseline: false });
    assert.equal(two.data.length, 3);
    assert.throws(() => mainSweepFigure(F.smallComplianceCells(), { models: ["GPT-5"] }), /no rows for model "GPT-5"/);
  });

  it("gives each training stage of one model its own panel", () => {
    const rows = [...F.smallComplianceCells(), ...F.smallComplianceCells().filter((r) => r.model === "Gemma-4-31B").map((r) => ({ ...r, training_stage: "sft" }))];
    const f = mainSweepFigure(rows);
    assert.deepEqual(
      (f.layout.annotations ?? []).map((a) => a.text),
      ["<b>Llama-3.1-8B</b>", "<b>Gemma-4-31B (instruct)</b>", "<b>Gemma-4-31B (sft)</b>"],
    );
  });
});

describe("benignSweepFigure", () => {
  const fig = benignSweepFigure(F.smallBenignGrid());
  it("matches its snapshot", () => assertSnapshot("benign-sweep", fig));
  it("draws a line per harmful count in a panel per model on an N_b count axis", () => {
    assert.equal(axes(fig, "x").length, 2);
    assert.equal(fig.data.length, 4);
    assert.deepEqual(traces(fig).map((t) => t.name), ["N_h = 4", "N_h = 16", "N_h = 4", "N_h = 16"]);
    assert.deepEqual(fig.layout.xaxis!.ticktext, ["0", "8", "32"]);
    assert.equal(titleOf(fig.layout.xaxis!), "Benign demonstrations N_b (count)");
  });
  it("keeps only the harmful counts asked for", () => {
    assert.equal(benignSweepFigure(F.smallBenignGrid(), { nHarmful: [16] }).data.length, 2);
  });
});

describe("benignForestFigure", () => {
  const fig = benignForestFigure(F.smallBenignCoefficients());
  it("matches its snapshot", () => assertSnapshot("benign-forest", fig));
  it("draws one trace per verdict with horizontal intervals and a zero line", () => {
    assert.deepEqual(traces(fig).map((t) => t.name), ["Dilution (b\u2082 < 0)", "Amplification (b\u2082 > 0)", "No significant effect"]);
    assert.deepEqual(traces(fig).map((t) => (t.marker as { color: string }).color), [VERDICT_COLORS.dilution, VERDICT_COLORS.amplification, VERDICT_COLORS.no_significant_effect]);
    assert.ok(traces(fig).every((t) => t.error_x));
    assert.deepEqual(fig.layout.yaxis!.categoryarray, F.smallBenignCoefficients().map((r) => r.label));
    const zero = fig.layout.shapes![0];
    assert.equal(zero.x0, 0);
    assert.equal(zero.x1, 0);
  });
});

describe("trainingStageFigure", () => {
  const fig = trainingStageFigure(F.smallStageCells());
  it("matches its snapshot", () => assertSnapshot("training-stage", fig));
  it("draws stages in pipeline order, a panel per harmful count", () => {
    assert.equal(axes(fig, "x").length, 2);
    assert.deepEqual(traces(fig).filter((t) => t.showlegend).map((t) => t.name), ["SFT", "DPO", "Instruct"]);
    assert.deepEqual((fig.layout.annotations ?? []).map((a) => a.text), ["<b>N_h = 8</b>", "<b>N_h = 32</b>"]);
  });
  it("asks for one model family when stages collide", () => {
    const rows = [...F.smallStageCells(), ...F.smallStageCells().map((r) => ({ ...r, model: "Other-7B" }))];
    assert.equal(trainingStageFigure([...rows, ...F.smallBenignGrid()], { models: ["Other-7B"] }).data.length, 6);
    assert.throws(() => trainingStageFigure(rows), /rows hold models OLMo-3\.1-32B, Other-7B: pass options\.models/);
    assert.equal(trainingStageFigure(rows, { models: ["Other-7B"] }).data.length, 6);
  });
});

describe("orderingFigure", () => {
  const fig = orderingFigure(F.smallSchedules());
  it("matches its snapshot", () => assertSnapshot("ordering", fig));
  it("draws grouped bars, a trace per schedule from farthest to nearest harmful block", () => {
    assert.equal(fig.layout.barmode, "group");
    assert.deepEqual(traces(fig).map((t) => t.name), [
      "Prefix (harmful first)",
      "Middle (harmful in the middle)",
      "Random (shuffled)",
      "Interleave (alternating)",
      "Suffix (harmful last)",
    ]);
    assert.ok(traces(fig).every((t) => t.type === "bar" && (t.x as string[]).length === 2));
  });
  it("splits harmful fractions into panels", () => {
    const rows = [...F.smallSchedules(), ...F.smallSchedules().map((r) => ({ ...r, harmful_fraction: 0.25 }))];
    const f = orderingFigure(rows);
    assert.equal(axes(f, "x").length, 2);
    assert.deepEqual((f.layout.annotations ?? []).map((a) => a.text), ["<b>\u03c6 = 0.25</b>", "<b>\u03c6 = 0.5</b>"]);
  });
});

describe("formatAdoptionFigure", () => {
  const fig = formatAdoptionFigure(F.smallFormatAdoption());
  it("matches its snapshot", () => assertSnapshot("format-adoption", fig));
  it("compares refusals and compliances per cue in a panel per model", () => {
    assert.equal(axes(fig, "x").length, 2);
    assert.deepEqual(traces(fig).map((t) => t.name), ["Among refusals", "Among compliances", "Among refusals", "Among compliances"]);
    assert.match((traces(fig)[0].x as string[])[1], /^comply<br><i>\u201cSure I can help with that!\u201d<\/i>$/);
  });
});

describe("complianceHeatmapFigure", () => {
  const fig = complianceHeatmapFigure(F.smallBenignGrid());
  it("matches its snapshot", () => assertSnapshot("heatmap", fig));
  it("draws a heatmap per model on one 0-100 scale, the rate in each cell and the interval on hover", () => {
    assert.equal(fig.data.length, 2);
    for (const t of traces(fig)) {
      assert.equal(t.type, "heatmap");
      assert.equal(t.zmin, 0);
      assert.equal(t.zmax, 100);
      assert.equal((t.z as number[][]).length, 2);
      assert.equal((t.z as number[][])[0].length, 3);
      assert.match((t.text as unknown as string[][])[0][0], /^\d+$/);
      assert.match(String(t.hovertemplate), /customdata\[0\][\s\S]*customdata\[1\]/);
    }
    assert.deepEqual(traces(fig).map((t) => t.showscale), [true, false]);
    assert.equal(titleOf(fig.layout.yaxis!), "Harmful demonstrations N_h (count)");
  });
});

describe("baselineRelativeFigure", () => {
  const fig = baselineRelativeFigure(F.smallBaselineRelative());
  it("matches its snapshot", () => assertSnapshot("baseline-relative", fig));
  it("plots differences in percentage points around a zero line", () => {
    assert.equal(fig.data.length, 6);
    assert.equal(titleOf(fig.layout.yaxis!), "Compliance minus baseline (percentage points)");
    assert.equal(fig.layout.yaxis!.zeroline, true);
    assert.equal(fig.layout.yaxis2!.matches, "y");
    const line = traces(fig)[0];
    assert.ok((line.y as number[]).every((v) => Math.abs(v) <= 100));
  });
});
