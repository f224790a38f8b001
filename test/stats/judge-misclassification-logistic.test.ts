/**
 * The misclassification-adjusted logistic fit against R: the same likelihood written in
 * test/stats/fixtures/misclassification-logistic.R, maximised by optim and Newton steps with
 * numDeriv derivatives, on a seeded data set with a judge that misses about 45% of
 * compliances. Joint (b, Se, Sp) and fixed-accuracy fits; estimates, observed-information
 * standard errors and log-likelihoods.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fitMisclassifiedLogistic, type MisclassifiedLogisticDesign } from "../../src/stats/misclassification-logistic-fit";
import { fitLogistic } from "../../src/stats";
import { StatsError } from "../../src/stats/stats-error";
import { assertClose, loadCsv, loadFixture } from "./helpers";

const data = loadCsv("misclassification-logistic.csv");
const R = loadFixture("misclassification-logistic.json");
const design: MisclassifiedLogisticDesign = { terms: ["x1", "x2"], columns: [data.x1, data.x2], judged: data.judged, reference: data.reference };

test("joint fit of b, sensitivity and specificity matches R", () => {
  const fit = fitMisclassifiedLogistic(design);
  assert.equal(fit.converged, true);
  assert.deepEqual(fit.vcov_terms, R.joint.names);
  // R's optimum is polished by Newton steps on numDeriv derivatives; the two agree to ~5e-10
  fit.terms.slice(0, 3).forEach((t, j) => {
    assertClose(t.estimate, R.joint.estimate[j], 1e-8, `${t.term} estimate`, 1e-10);
    assertClose(t.std_error, R.joint.std_error[j], 1e-8, `${t.term} std_error`);
  });
  assertClose(Math.log(fit.sensitivity / (1 - fit.sensitivity)), R.joint.estimate[3], 1e-8, "logit sensitivity", 1e-10);
  assertClose(Math.log(fit.specificity / (1 - fit.specificity)), R.joint.estimate[4], 1e-8, "logit specificity", 1e-10);
  assertClose(Math.sqrt(fit.vcov[3][3]), R.joint.std_error[3], 1e-8, "SE of logit sensitivity");
  assertClose(Math.sqrt(fit.vcov[4][4]), R.joint.std_error[4], 1e-8, "SE of logit specificity");
  assertClose(fit.log_lik, R.joint.log_lik, 1e-12, "log-likelihood");
  const se = fit.terms.find((t) => t.term === "sensitivity")!;
  assert.ok(se.conf_low < se.estimate && se.estimate < se.conf_high && se.statistic === null);
  assert.equal(fit.n_validation, R.validation.true_positive + R.validation.false_negative + R.validation.true_negative + R.validation.false_positive);
});

test("fit with the validation-estimated sensitivity and specificity held fixed matches R", () => {
  const fit = fitMisclassifiedLogistic(design, { accuracy: { sensitivity: R.fixed.sensitivity, specificity: R.fixed.specificity } });
  assert.equal(fit.converged, true);
  assert.equal(fit.terms.length, 3);
  fit.terms.forEach((t, j) => {
    assertClose(t.estimate, R.fixed.estimate[j], 1e-8, `${t.term} estimate`, 1e-10);
    assertClose(t.std_error, R.fixed.std_error[j], 1e-8, `${t.term} std_error`);
  });
  assertClose(fit.log_lik, R.fixed.log_lik, 1e-12, "log-likelihood");
});

test("CR1 cluster-robust errors by query match R's sandwich from numDeriv per-row scores", () => {
  for (const [name, opts, expected] of [
    ["joint", {}, R.joint.cr1_std_error],
    ["fixed", { accuracy: { sensitivity: R.fixed.sensitivity, specificity: R.fixed.specificity } }, R.fixed.cr1_std_error],
  ] as const) {
    const fit = fitMisclassifiedLogistic({ ...design, cluster: data.query }, { ...opts, clusterName: "query" });
    assert.equal(fit.vcov_type, "CR1");
    assert.equal(fit.std_error_type, "CR1 by query (60 clusters)");
    expected.forEach((sd: number, j: number) => assertClose(Math.sqrt(fit.vcov[j][j]), sd, 1e-7, `${name} CR1 SE of ${fit.vcov_terms[j]}`));
    assert.equal(fit.terms[1].std_error, Math.sqrt(fit.vcov[1][1]));
  }
  assert.throws(() => fitMisclassifiedLogistic({ ...design, cluster: Array.from(data.query, (q, i) => (i === 3 ? null : q)) }, { clusterName: "query_id" }), /row 3 has no query_id value/);
});

test("the correction undoes the attenuation an ordinary fit on the judge's labels shows", () => {
  const naive = fitLogistic({ terms: ["x1", "x2"], columns: [data.x1, data.x2], successes: data.judged });
  assertClose(naive.estimates[1], R.naive.estimate[1], 1e-8, "naive x1 (glm)");
  const fit = fitMisclassifiedLogistic(design);
  const b1 = fit.terms[1];
  // the generating b1 is 0.45: inside the corrected interval, well above the naive estimate
  assert.ok(b1.conf_low < R.truth.b[1] && R.truth.b[1] < b1.conf_high, `corrected b1 [${b1.conf_low}, ${b1.conf_high}]`);
  assert.ok(naive.estimates[1] < b1.conf_low);
});

test("frequency weights give the same fit as repeated rows", () => {
  const rows = Array.from({ length: 240 }, (_, i) => i * 10);
  const pick = (a: ArrayLike<number>, idx: number[]) => Float64Array.from(idx, (i) => a[i]);
  const twice = [...rows, ...rows];
  const big = fitMisclassifiedLogistic({ terms: ["x1"], columns: [pick(data.x1, twice)], judged: pick(data.judged, twice) }, { accuracy: { sensitivity: 0.6, specificity: 0.9 } });
  const weighted = fitMisclassifiedLogistic({ terms: ["x1"], columns: [pick(data.x1, rows)], judged: pick(data.judged, rows), weights: new Float64Array(rows.length).fill(2) }, { accuracy: { sensitivity: 0.6, specificity: 0.9 } });
  assert.ok(big.converged && weighted.converged);
  big.terms.forEach((t, j) => {
    assertClose(weighted.terms[j].estimate, t.estimate, 1e-10, `${t.term} estimate`, 1e-12);
    assertClose(weighted.terms[j].std_error, t.std_error, 1e-10, `${t.term} std_error`);
  });
});

test("bad input throws StatsError naming the problem", () => {
  const isStats = (re: RegExp) => (e: Error) => e instanceof StatsError && re.test(e.message);
  assert.throws(() => fitMisclassifiedLogistic({ ...design, reference: undefined }), isStats(/needs validation rows with reference label compliance and refusal, found 0 and 0/));
  assert.throws(() => fitMisclassifiedLogistic(design, { accuracy: { sensitivity: 0.5, specificity: 0.5 } }), isStats(/better than chance/));
  assert.throws(() => fitMisclassifiedLogistic(design, { accuracy: { sensitivity: 1.2, specificity: 0.9 } }), isStats(/in \(0, 1\], got 1.2/));
  assert.throws(() => fitMisclassifiedLogistic({ ...design, judged: Float64Array.from(data.judged, (v, i) => (i === 7 ? 2 : v)) }), isStats(/row 7 has 2/));
  assert.throws(() => fitMisclassifiedLogistic({ ...design, columns: [data.x1] }), isStats(/2 terms but 1 columns/));
});
