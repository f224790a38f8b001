import type { MixedSchedule, ModelParams, ResolvedCondition } from "./design";

/**
 * The fixed part of a model's logit at one condition: everything but the query effect.
 * P(comply | query q) = 1 / (1 + exp(-(conditionLogit(params, c) + u[q]))).
 *
 * @example
 * conditionLogit({ model: "m", baseline_logit: -1, query_sd: 1, harmful_slope: 0.5, benign_slope: -0.2 },
 *   { n_benign: 0, n_harmful: 3, schedule: "none", format_cue: "none", format_cue_text: null });
 * // -1 + 0.5 * log(4) = -0.3069
 */
export function conditionLogit(params: ModelParams, c: ResolvedCondition): number {
  let eta = params.baseline_logit
    + params.harmful_slope * Math.log(c.n_harmful + 1)
    + params.benign_slope * Math.log(c.n_benign + 1)
    + (params.total_slope ?? 0) * Math.log(c.n_harmful + c.n_benign + 1);
  if (c.n_harmful > 0 && c.n_benign > 0 && c.schedule !== "none") {
    const s = c.schedule as MixedSchedule;
    eta += params.schedule_offsets?.[s] ?? 0;
    const phi = c.n_harmful / (c.n_harmful + c.n_benign);
    for (const i of params.schedule_interactions ?? [])
      if (Math.abs(i.harmful_fraction - phi) < 1e-9) eta += i.offsets[s] ?? 0;
  }
  if (c.format_cue !== "none") eta += params.cue_effects?.[c.format_cue] ?? 0;
  for (const o of params.condition_offsets ?? []) if (o.n_benign === c.n_benign && o.n_harmful === c.n_harmful) eta += o.offset;
  return eta;
}
