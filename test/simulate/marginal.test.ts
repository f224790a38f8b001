import assert from "node:assert/strict";
import { test } from "node:test";
import { conditionalLogitForRate, expectedComplianceRate, expit, marginalAttenuation } from "../../src/simulate";

/** E[expit(eta + sd Z)] by Simpson's rule on 200,001 points over [-12, 12]: a slow, independent reference. */
function slowRate(eta: number, sd: number): number {
  const n = 200000, a = -12, h = 24 / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const z = a + i * h;
    const w = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
    s += w * expit(eta + sd * z) * Math.exp(-0.5 * z * z);
  }
  return (s * h) / 3 / Math.sqrt(2 * Math.PI);
}

test("expectedComplianceRate integrates over the query effect", () => {
  for (const [eta, sd] of [[-1, 1.5], [-3, 2.5], [2, 0.7], [0, 2]] as const)
    assert.ok(Math.abs(expectedComplianceRate(eta, sd) - slowRate(eta, sd)) < 1e-10, `${eta}, ${sd}`);
  assert.equal(expectedComplianceRate(0.3, 0), expit(0.3));
  assert.ok(Math.abs(expectedComplianceRate(0, 2) - 0.5) < 1e-12);
});

test("conditionalLogitForRate inverts expectedComplianceRate", () => {
  for (const rate of [0.103, 0.338, 0.157, 0.224, 0.9]) {
    const eta = conditionalLogitForRate(rate, 1.5);
    assert.ok(Math.abs(expectedComplianceRate(eta, 1.5) - rate) < 1e-10);
  }
  assert.throws(() => conditionalLogitForRate(0, 1), /strictly between 0 and 1, found 0/);
});

test("marginalAttenuation is Zeger-Liang-Albert's 1 / sqrt(1 + 0.346 sd^2)", () => {
  assert.equal(marginalAttenuation(0), 1);
  assert.ok(Math.abs(marginalAttenuation(1.5) - 0.74992) < 1e-5);
});
