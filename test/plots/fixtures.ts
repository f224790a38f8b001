/**
 * Input rows for the plot tests. `small*` rows are hand-made and tiny (snapshots);
 * `synthetic*` rows follow a logistic model with the coefficients of the reference study,
 * rounded to counts without randomness (browser tests and the visual check).
 */
import type {
  BaselineRelativeInput,
  BenignCoefficientInput,
  ComplianceCellInput,
  FormatAdoptionInput,
  ScheduleInput,
} from "../../src/plots/inputs";

/** 95% Wilson score interval of k successes in n. */
export function wilson(k: number, n: number, z = 1.959963984540054): [number, number] {
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

function cell(model: string, stage: string, nb: number, nh: number, complied: number, n: number, extra: Partial<ComplianceCellInput> = {}): ComplianceCellInput {
  const [lo, hi] = wilson(complied, n);
  const total = nb + nh;
  return {
    model,
    training_stage: stage,
    n_benign: nb,
    n_harmful: nh,
    n_total: total,
    harmful_fraction: total === 0 ? null : nh / total,
    schedule: total === 0 ? null : "suffix",
    format_cue: total === 0 ? null : "neutral",
    n,
    complied,
    rate: complied / n,
    conf_low: lo,
    conf_high: hi,
    ...extra,
  };
}

/** Two models, phi in {0, 0.5, 1}, N in {4, 16, 64}, plus each model's baseline. */
export function smallComplianceCells(): ComplianceCellInput[] {
  const rows: ComplianceCellInput[] = [];
  const table: Record<string, number[][]> = {
    // complied out of 200, rows phi = 0, 0.5, 1; columns N = 4, 16, 64
    "Llama-3.1-8B": [[60, 55, 50], [80, 110, 140], [100, 150, 185]],
    "Gemma-4-31B": [[40, 35, 30], [50, 90, 120], [70, 130, 170]],
  };
  const baseline: Record<string, number> = { "Llama-3.1-8B": 68, "Gemma-4-31B": 45 };
  for (const [model, grid] of Object.entries(table)) {
    rows.push(cell(model, "instruct", 0, 0, baseline[model], 200));
    [0, 0.5, 1].forEach((phi, i) => {
      [4, 16, 64].forEach((total, j) => {
        const nh = phi * total;
        rows.push(cell(model, "instruct", total - nh, nh, grid[i][j], 200));
      });
    });
  }
  return rows;
}

/** Benign sweep and heatmap grid: N_h in {4, 16}, N_b in {0, 8, 32}, two models. */
export function smallBenignGrid(): ComplianceCellInput[] {
  const rows: ComplianceCellInput[] = [];
  const grid: Record<string, number[][]> = {
    "Llama-3.1-8B": [[90, 70, 50], [140, 120, 95]],
    "GPT-OSS-20B": [[20, 22, 25], [30, 33, 36]],
  };
  for (const [model, g] of Object.entries(grid)) {
    [4, 16].forEach((nh, i) => [0, 8, 32].forEach((nb, j) => rows.push(cell(model, "instruct", nb, nh, g[i][j], 200))));
  }
  return rows;
}

/** OLMo SFT, DPO and Instruct at N_h in {8, 32}, N_b in {0, 16, 64}. */
export function smallStageCells(): ComplianceCellInput[] {
  const rows: ComplianceCellInput[] = [];
  const grid: Record<string, number[][]> = {
    // given out of order on purpose: the figure orders stages sft, dpo, instruct
    instruct: [[30, 29, 28], [60, 58, 57]],
    sft: [[50, 70, 95], [90, 120, 150]],
    dpo: [[35, 34, 33], [70, 69, 68]],
  };
  for (const [stage, g] of Object.entries(grid)) {
    [8, 32].forEach((nh, i) => [0, 16, 64].forEach((nb, j) => rows.push(cell("OLMo-3.1-32B", stage, nb, nh, g[i][j], 200))));
  }
  return rows;
}

export function smallBenignCoefficients(): BenignCoefficientInput[] {
  const r = (model: string, stage: string, label: string, estimate: number, se: number, p: number, verdict: BenignCoefficientInput["verdict"]): BenignCoefficientInput => ({
    model,
    training_stage: stage,
    label,
    estimate,
    conf_low: estimate - 1.96 * se,
    conf_high: estimate + 1.96 * se,
    p_value: p,
    verdict,
  });
  return [
    r("GPT-OSS-20B", "instruct", "GPT-OSS-20B", 0.0319, 0.0126, 1.1e-2, "amplification"),
    r("Llama-3.1-8B", "instruct", "Llama-3.1-8B", -0.1782, 0.0075, 6.9e-123, "dilution"),
    r("OLMo-3.1-32B", "instruct", "OLMo-3.1-32B (instruct)", -0.0118, 0.0074, 1.1e-1, "no_significant_effect"),
    r("Gemma-4-31B", "instruct", "Gemma-4-31B", -0.201, 0.0071, 6.7e-175, "dilution"),
    r("OLMo-3.1-32B", "sft", "OLMo-3.1-32B (sft)", 0.0919, 0.0070, 1.3e-39, "amplification"),
    r("OLMo-3.1-32B", "dpo", "OLMo-3.1-32B (dpo)", -0.0114, 0.0075, 0.13, "no_significant_effect"),
  ];
}

export function smallSchedules(): ScheduleInput[] {
  const rates: Record<string, Record<string, number>> = {
    "Gemma-4-31B": { suffix: 150, prefix: 80, random: 110, interleave: 115, middle: 78 },
    "GPT-OSS-20B": { suffix: 22, prefix: 20, random: 21, interleave: 21, middle: 20 },
  };
  const rows: ScheduleInput[] = [];
  for (const [model, bySchedule] of Object.entries(rates)) {
    for (const [schedule, complied] of Object.entries(bySchedule)) {
      const [lo, hi] = wilson(complied, 200);
      rows.push({ model, schedule, harmful_fraction: 0.5, n: 200, complied, rate: complied / 200, conf_low: lo, conf_high: hi });
    }
  }
  return rows;
}

export function smallFormatAdoption(): FormatAdoptionInput[] {
  const rows: FormatAdoptionInput[] = [];
  const add = (model: string, cue: string, text: string, outcome: "refusal" | "compliance", adopted: number, n: number): void => {
    const [lo, hi] = wilson(adopted, n);
    rows.push({ model, format_cue: cue, format_cue_text: text, outcome, n, adopted, rate: adopted / n, conf_low: lo, conf_high: hi });
  };
  add("Llama-3.1-8B", "neutral", "Answer:", "refusal", 174, 200);
  add("Llama-3.1-8B", "neutral", "Answer:", "compliance", 180, 200);
  add("Llama-3.1-8B", "comply", "Sure I can help with that!", "refusal", 103, 200);
  add("Llama-3.1-8B", "comply", "Sure I can help with that!", "compliance", 150, 200);
  add("Gemma-4-31B", "neutral", "Answer:", "refusal", 20, 200);
  add("Gemma-4-31B", "neutral", "Answer:", "compliance", 90, 200);
  add("Gemma-4-31B", "comply", "Sure I can help with that!", "refusal", 0, 200);
  add("Gemma-4-31B", "comply", "Sure I can help with that!", "compliance", 104, 200);
  return rows;
}

/** Baseline-relative rows from the small cells (simple Wald-style interval: the shape, not the statistics, is under test). */
export function smallBaselineRelative(): BaselineRelativeInput[] {
  const cells = smallComplianceCells();
  return cells
    .filter((c) => c.n_total > 0)
    .map((c) => {
      const base = cells.find((b) => b.model === c.model && b.n_total === 0)!;
      const d = c.rate - base.rate;
      const se = Math.sqrt((c.rate * (1 - c.rate)) / c.n + (base.rate * (1 - base.rate)) / base.n);
      return { ...c, baseline_rate: base.rate, difference: d, diff_low: d - 1.96 * se, diff_high: d + 1.96 * se };
    });
}

// ---- synthetic study (deterministic) ----

const STUDY_MODELS: Array<{ model: string; stage: string; baseline: number; b1: number; b2: number }> = [
  { model: "GPT-OSS-20B", stage: "instruct", baseline: 0.103, b1: 0.25, b2: 0.0319 },
  { model: "Llama-3.1-8B", stage: "instruct", baseline: 0.338, b1: 0.55, b2: -0.1782 },
  { model: "OLMo-3.1-32B", stage: "instruct", baseline: 0.157, b1: 0.45, b2: -0.0118 },
  { model: "Gemma-4-31B", stage: "instruct", baseline: 0.224, b1: 0.7, b2: -0.201 },
];

const logit = (p: number): number => Math.log(p / (1 - p));
const expit = (x: number): number => 1 / (1 + Math.exp(-x));

/** The main sweep for four models: N in {4..128}, phi in {0, .25, .5, .75, 1}, n = 2808, plus baselines. */
export function syntheticMainSweep(): ComplianceCellInput[] {
  const rows: ComplianceCellInput[] = [];
  const n = 2808;
  for (const m of STUDY_MODELS) {
    rows.push(cell(m.model, m.stage, 0, 0, Math.round(n * m.baseline), n));
    for (const phi of [0, 0.25, 0.5, 0.75, 1]) {
      for (const total of [4, 8, 16, 32, 64, 128]) {
        const nh = phi * total;
        const nb = total - nh;
        const p = expit(logit(m.baseline) + m.b1 * Math.log(nh + 1) + m.b2 * Math.log(nb + 1));
        rows.push(cell(m.model, m.stage, nb, nh, Math.round(n * p), n));
      }
    }
  }
  return rows;
}

/** Benign sweep grid for four models: N_h in {8, 16, 32}, N_b in {0, 8, 16, 32, 64}. */
export function syntheticBenignGrid(): ComplianceCellInput[] {
  const rows: ComplianceCellInput[] = [];
  const n = 2808;
  for (const m of STUDY_MODELS) {
    for (const nh of [8, 16, 32]) {
      for (const nb of [0, 8, 16, 32, 64]) {
        const p = expit(logit(m.baseline) + m.b1 * Math.log(nh + 1) + m.b2 * Math.log(nb + 1));
        rows.push(cell(m.model, m.stage, nb, nh, Math.round(n * p), n));
      }
    }
  }
  return rows;
}

/** OLMo stages: SFT amplifies, DPO and Instruct are flat. */
export function syntheticStageCells(): ComplianceCellInput[] {
  const rows: ComplianceCellInput[] = [];
  const n = 2808;
  const stages = [
    { stage: "sft", baseline: 0.3, b2: 0.0919 },
    { stage: "dpo", baseline: 0.16, b2: -0.0114 },
    { stage: "instruct", baseline: 0.157, b2: -0.0118 },
  ];
  for (const s of stages) {
    for (const nh of [8, 16, 32]) {
      for (const nb of [0, 8, 16, 32, 64]) {
        const p = expit(logit(s.baseline) + 0.45 * Math.log(nh + 1) + s.b2 * Math.log(nb + 1));
        rows.push(cell("OLMo-3.1-32B", s.stage, nb, nh, Math.round(n * p), n));
      }
    }
  }
  return rows;
}

/** Baseline-relative rows for the synthetic main sweep. */
export function syntheticBaselineRelative(): BaselineRelativeInput[] {
  const cells = syntheticMainSweep();
  return cells
    .filter((c) => c.n_total > 0)
    .map((c) => {
      const base = cells.find((b) => b.model === c.model && b.n_total === 0)!;
      const d = c.rate - base.rate;
      const se = Math.sqrt((c.rate * (1 - c.rate)) / c.n + (base.rate * (1 - base.rate)) / base.n);
      return { ...c, baseline_rate: base.rate, difference: d, diff_low: d - 1.96 * se, diff_high: d + 1.96 * se };
    });
}

/** Ordering ablation for four models at phi = 0.5 (32 + 32). */
export function syntheticSchedules(): ScheduleInput[] {
  const base: Record<string, number> = { "GPT-OSS-20B": 0.12, "Llama-3.1-8B": 0.45, "OLMo-3.1-32B": 0.3, "Gemma-4-31B": 0.35 };
  const spread: Record<string, number> = { "GPT-OSS-20B": 0.015, "Llama-3.1-8B": 0.19, "OLMo-3.1-32B": 0.13, "Gemma-4-31B": 0.35 };
  const position: Record<string, number> = { prefix: 0, middle: 0.02, random: 0.5, interleave: 0.55, suffix: 1 };
  const rows: ScheduleInput[] = [];
  const n = 2808;
  for (const model of Object.keys(base)) {
    for (const [schedule, pos] of Object.entries(position)) {
      const complied = Math.round(n * (base[model] + spread[model] * pos));
      const [lo, hi] = wilson(complied, n);
      rows.push({ model, schedule, harmful_fraction: 0.5, n, complied, rate: complied / n, conf_low: lo, conf_high: hi });
    }
  }
  return rows;
}
