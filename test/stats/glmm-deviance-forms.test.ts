/**
 * RandomInterceptDeviance's fast paths against the deviance written out in R
 * (fixtures/glmm-deviance-extreme.json, from fixtures/glmm-deviance-extreme.R), and against
 * each other:
 * - e^eta formed as e^(x'beta) e^(theta u) while |x'beta| and |theta u| are at most 300, one
 *   exp a cell beyond (the R points reach |eta| = 478; `productRange: -1` forces the second
 *   form everywhere);
 * - the conditional modes warm-started from a first-order prediction, so that a value must
 *   not depend on which evaluations came before;
 * - gradient-only evaluations (the optimiser's differences), which skip the log-likelihood;
 * and minimizeDeviance's BFGS-then-Newton steps on an objective whose minimum and Hessian
 * are known in closed form.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gaussHermiteRule } from "../../src/stats/gauss-hermite";
import { groupCells } from "../../src/stats/glmm-cells";
import { RandomInterceptDeviance } from "../../src/stats/glmm-intercept-deviance";
import { minimizeDeviance } from "../../src/stats/glmm-optimize";
import { assertAllClose, assertClose, loadFixture } from "./helpers";

const f = loadFixture("glmm-deviance-extreme.json");
const cells = groupCells({
  terms: ["x"], columns: [Float64Array.from(f.data.x)], successes: Float64Array.from(f.data.successes),
  trials: Float64Array.from(f.data.trials), groups: f.data.group,
});

describe("the random-intercept deviance at moderate and extreme linear predictors", () => {
  for (const point of f.points) {
    for (const [K, key] of [[1, "laplace"], [5, "agq5"]] as const) {
      it(`equals R's at ${point.name} (agq ${K}), in both forms of e^eta (1e-10)`, () => {
        const fast = new RandomInterceptDeviance(cells, gaussHermiteRule(K)).evaluate(point.params);
        const exact = new RandomInterceptDeviance(cells, gaussHermiteRule(K), { productRange: -1 }).evaluate(point.params);
        assertClose(fast.deviance, point[key], 1e-10, `deviance (${point.name}, agq ${K})`);
        assertClose(exact.deviance, point[key], 1e-10, `deviance, one exp a cell (${point.name}, agq ${K})`);
        assertAllClose(fast.gradient, exact.gradient, 1e-10, "gradient in the two forms", 1e-9);
      });
    }
  }
  it("has the gradient of its central differences where |x'beta| exceeds the product form's range", () => {
    const x = [-2, 160, 0.8];
    for (const K of [1, 5]) {
      const objective = new RandomInterceptDeviance(cells, gaussHermiteRule(K));
      const exact = objective.evaluate(x).gradient;
      for (let j = 0; j < x.length; j++) {
        const h = 1e-5;
        const up = objective.evaluate(x.map((v, i) => (i === j ? v + h : v))).deviance;
        const down = objective.evaluate(x.map((v, i) => (i === j ? v - h : v))).deviance;
        assertClose(exact[j], (up - down) / (2 * h), 1e-6, `agq ${K} gradient[${j}]`, 1e-5);
      }
    }
  });
});

describe("more than two predictors (the pass keeps two in registers, the rest from scratch arrays)", () => {
  // x three times: the deviance depends on b1 + b2 + b3 alone, so R's one-predictor values hold,
  // and each of the three gradient entries is the one predictor's.
  const x = Float64Array.from(f.data.x);
  const triple = groupCells({
    terms: ["x1", "x2", "x3"], columns: [x, x, x], successes: Float64Array.from(f.data.successes),
    trials: Float64Array.from(f.data.trials), groups: f.data.group,
  });
  for (const point of [f.points[0], f.points[1]]) {
    it(`equals R's at ${point.name}, agq 1 and 5, both forms`, () => {
      const [b0, b1, theta] = point.params;
      const params = [b0, 0.5 * b1, 0.25 * b1, 0.25 * b1, theta];
      for (const [K, key] of [[1, "laplace"], [5, "agq5"]] as const) {
        for (const productRange of [undefined, -1]) {
          const got = new RandomInterceptDeviance(triple, gaussHermiteRule(K), { productRange }).evaluate(params);
          const one = new RandomInterceptDeviance(cells, gaussHermiteRule(K), { productRange }).evaluate(point.params);
          assertClose(got.deviance, point[key], 1e-10, `deviance, three copies of x (agq ${K})`);
          assertAllClose(got.gradient, [one.gradient[0], one.gradient[1], one.gradient[1], one.gradient[1], one.gradient[2]], 1e-9, "gradient", 1e-9);
        }
      }
    });
  }
});

describe("warm starts and gradient-only evaluations", () => {
  const at = [-0.5, 0.7, 1.3];
  it("give the same deviance and gradient whatever was evaluated before (1e-12)", () => {
    const fresh = new RandomInterceptDeviance(cells, gaussHermiteRule(1)).evaluate(at);
    const objective = new RandomInterceptDeviance(cells, gaussHermiteRule(1));
    // far away first (modes far from at's), then a short step, as the optimiser does
    objective.evaluate([3, -2, 4]);
    objective.evaluate([-0.4, 0.6, 1.2]);
    const after = objective.evaluate(at);
    assertClose(after.deviance, fresh.deviance, 1e-12, "deviance after other evaluations");
    assertAllClose(after.gradient, fresh.gradient, 1e-10, "gradient after other evaluations", 1e-10);
    assertClose(fresh.deviance, f.points[0].laplace, 1e-10, "deviance against R");
  });
  it("give a nearby point's values as a fresh evaluation does (the modes moved by a Taylor step), with and without the deviance", () => {
    for (const K of [1, 5]) {
      const objective = new RandomInterceptDeviance(cells, gaussHermiteRule(K));
      objective.evaluate(at);
      for (const [j, h] of [[1, 1e-6], [2, -1e-4], [0, 3e-5]] as const) {
        const near = at.map((v, i) => (i === j ? v + h : v));
        const fresh = new RandomInterceptDeviance(cells, gaussHermiteRule(K)).evaluate(near);
        const gradientOnly = objective.evaluate(near, false);
        assertAllClose(gradientOnly.gradient, fresh.gradient, 1e-11, `agq ${K} gradient after a step of ${h} in ${j}`, 1e-11);
        const warm = objective.evaluate(near);
        assertClose(warm.deviance, fresh.deviance, 1e-13, `agq ${K} deviance after a step of ${h} in ${j}`);
        assertAllClose(warm.gradient, fresh.gradient, 1e-11, `agq ${K} gradient after a step of ${h} in ${j}`, 1e-11);
      }
    }
  });
  it("without the deviance, give the same gradient and a NaN deviance (Laplace); quadrature keeps its deviance", () => {
    const laplace = new RandomInterceptDeviance(cells, gaussHermiteRule(1));
    const full = laplace.evaluate(at);
    const gradientOnly = new RandomInterceptDeviance(cells, gaussHermiteRule(1)).evaluate(at, false);
    assert.ok(Number.isNaN(gradientOnly.deviance));
    assertAllClose(gradientOnly.gradient, full.gradient, 1e-12, "gradient-only evaluation", 1e-12);
    const quadrature = new RandomInterceptDeviance(cells, gaussHermiteRule(5)).evaluate(at, false);
    assertClose(quadrature.deviance, f.points[0].agq5, 1e-10, "agq 5 deviance of a gradient-only evaluation");
  });
});

describe("minimizeDeviance", () => {
  // D(x) = sum_i c_i (x_i - m_i)^2 + (sum_i (x_i - m_i))^4 / 4 + e^(x_0 - m_0) - (x_0 - m_0):
  // convex, minimum 1 at m, Hessian there diag(2 c) + e_0 e_0' (the quartic's vanishes).
  const m = [1.5, -2, 0.25, 3];
  const c = [3, 0.5, 40, 1];
  let evaluations = 0;
  const objective = {
    size: 4,
    evaluate(x: ArrayLike<number>) {
      evaluations++;
      let sum = 0;
      for (let i = 0; i < 4; i++) sum += x[i] - m[i];
      let deviance = sum ** 4 / 4 + Math.exp(x[0] - m[0]) - (x[0] - m[0]);
      const gradient = new Float64Array(4);
      for (let i = 0; i < 4; i++) {
        deviance += c[i] * (x[i] - m[i]) ** 2;
        gradient[i] = 2 * c[i] * (x[i] - m[i]) + sum ** 3;
      }
      gradient[0] += Math.exp(x[0] - m[0]) - 1;
      return { deviance, gradient };
    },
  };
  it("reaches the minimum from far away (BFGS steps, then Newton's) with the Hessian there", () => {
    const found = minimizeDeviance(objective, Float64Array.from([-4, 5, 3, -1]), 100);
    assert.equal(found.converged, true, found.reason);
    assertAllClose(found.params, m, 1e-12, "minimum", 1e-12);
    assertClose(found.deviance, 1, 1e-15, "minimum value");
    const expected = [2 * c[0] + 1, 0, 0, 0, 0, 2 * c[1], 0, 0, 0, 0, 2 * c[2], 0, 0, 0, 0, 2 * c[3]];
    // central differences of step 1e-4 (1 + |x|): error ~1e-8 relative
    assertAllClose(found.hessian, expected, 1e-7, "Hessian at the minimum", 1e-6);
    assert.ok(found.hessianInverse !== null);
    assertClose(found.hessianInverse[2][2], 1 / (2 * c[2]), 1e-7, "inverse Hessian [2][2]");
  });
});
