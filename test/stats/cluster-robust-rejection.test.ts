/**
 * Why the cluster-robust tests are the default, on a seeded simulation (fast: 200 replicates
 * of 900 receipts). Every query is asked at every harmful fraction, 6 samples each; under the
 * null the fraction has no effect on average, but each query reacts to it its own way
 * (query x fraction effects, SD 1.2 on the logit scale, plus a query intercept, SD 1). The
 * chi-square of homogeneity, which treats the 900 receipts as independent, then rejects far
 * more often than 5%; the cluster-robust factor Wald test (CR2 + HTZ with 30 queries) stays
 * near 5%. The figures for more replicates and designs come from
 * scripts/cluster-robust-rejection.ts (see docs/inference.md).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { normal, nullReplicate, uniform } from "./cluster-robust-simulation";

test("with query x condition effects the chi-square over-rejects and the cluster-robust test does not", () => {
  const u = uniform(1);
  const z = normal(u);
  const design = { queries: 30, levels: 5, samples: 6, interceptSd: 1, interactionSd: 1.2 };
  const reps = 200;
  let chiSquare = 0, cluster = 0;
  for (let r = 0; r < reps; r++) {
    const p = nullReplicate(design, z, u);
    assert.ok(p.cluster !== null, "every replicate has a cluster-robust test");
    if (p.chiSquare < 0.05) chiSquare++;
    if (p.cluster! < 0.05) cluster++;
  }
  // With 200 replicates a test at the 5% level rejects 3 to 19 times in 99% of runs
  // (R: qbinom(c(0.005, 0.995), 200, 0.05)): the clustered test is there, the chi-square far above.
  assert.ok(cluster >= 3 && cluster <= 19, `cluster-robust test rejected ${cluster} of ${reps}`);
  assert.ok(chiSquare >= 30, `chi-square rejected ${chiSquare} of ${reps}`);
});
