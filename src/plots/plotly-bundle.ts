/**
 * Where plotly.js comes from when a figure leaves Node: the minified full bundle
 * (plotly.js-dist-min, 4.8 MB), else the unminified plotly.js-dist (11 MB) if a project
 * has that instead. Everything is read from node_modules, so pages render with the
 * network closed.
 */
import { readFileSync } from "node:fs";

const CANDIDATES = ["plotly.js-dist-min/plotly.min.js", "plotly.js-dist/plotly.js"] as const;

let cachedPath: string | undefined;
let cachedSource: string | undefined;

/** Absolute path of the plotly.js browser bundle. Throws naming the packages tried. */
export function plotlyBundlePath(): string {
  if (cachedPath) return cachedPath;
  for (const c of CANDIDATES) {
    try {
      cachedPath = require.resolve(c);
      return cachedPath;
    } catch {
      // try the next one
    }
  }
  throw new Error(`plotlyBundlePath: neither ${CANDIDATES.join(" nor ")} is installed; run npm install`);
}

/** Text of the plotly.js bundle, read once per process. */
export function plotlyBundleSource(): string {
  if (cachedSource === undefined) cachedSource = readFileSync(plotlyBundlePath(), "utf8");
  return cachedSource;
}

/** Version in the bundle's banner, e.g. "3.7.0". */
export function plotlyVersion(): string {
  const m = /plotly\.js v(\d+\.\d+\.\d+\S*)/.exec(plotlyBundleSource().slice(0, 300));
  return m ? m[1] : "unknown";
}
