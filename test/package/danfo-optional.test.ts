/**
 * danfojs-node is an optional peer: without it the kit loads, and the first DataFrame asked
 * for fails with how to install it (the overrides included). With it, DataFrames work (the
 * kit's own install has it as a dev dependency).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { danfo, rowsToDataFrame } from "../../src/io/dataframe";

const missing = (id: string): never => {
  throw Object.assign(new Error(`Cannot find module '${id}'\nRequire stack:\n- /x/dist/io/dataframe.js`), { code: "MODULE_NOT_FOUND" });
};

test("without danfojs-node: an error that says how to install it, with the overrides", () => {
  assert.throws(() => danfo(missing), (e: Error & { code?: string }) => {
    assert.match(e.message, /^toDataFrame: danfojs-node is not installed/);
    assert.match(e.message, /npm install danfojs-node/);
    assert.match(e.message, /"overrides": \{ "xlsx": "npm:@e965\/xlsx@0\.20\.3", "@tensorflow\/tfjs-node": "npm:@tensorflow\/tfjs@3\.21\.0" \}/);
    assert.equal(e.code, "RECEIPTS_MISSING_TOOL");
    return true;
  });
});

test("a module missing underneath danfo keeps its own error", () => {
  const deeper = (): never => {
    throw Object.assign(new Error("Cannot find module '@tensorflow/tfjs'"), { code: "MODULE_NOT_FOUND" });
  };
  assert.throws(() => danfo(deeper), /Cannot find module '@tensorflow\/tfjs'/);
});

test("with danfojs-node installed, rows become a DataFrame with the columns in order", () => {
  const df = rowsToDataFrame([{ model: "A", rate: 0.5 }, { model: "B", rate: 0.25 }], ["rate", "model"]);
  assert.deepEqual(df.columns, ["rate", "model"]);
  assert.deepEqual(df.shape, [2, 2]);
  assert.deepEqual(df.values, [[0.5, "A"], [0.25, "B"]]);
});
