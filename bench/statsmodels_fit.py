"""Fit the benchmark's logistic model with statsmodels (GLM Binomial, IRLS) for comparison,
doing the kit's two kinds of work, each timed warm, best of R (as the kit is):

  rows:     GLM on the N individual 0/1 rows (the kit's compress: false);
  patterns: the rows compressed to their distinct (log1p(n_harmful), log1p(n_benign), y)
            patterns with np.unique, then GLM with freq_weights on them (what the kit's
            default fit does: find the patterns in one pass, iterate on them); the time
            includes the compression.

Usage: python3 bench/statsmodels_fit.py DATA.bin N [R]
DATA.bin holds three float64 columns of N values back to back: n_harmful, n_benign, complied.
Prints one JSON line: params and bse of both fits, best and median times, iterations, versions.
"""
import json
import sys
import time

import numpy as np
import statsmodels
import statsmodels.api as sm

path, n = sys.argv[1], int(sys.argv[2])
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 9
data = np.fromfile(path, dtype="<f8")
harmful, benign, complied = data[:n], data[n:2 * n], data[2 * n:3 * n]
X = np.column_stack([np.ones(n), np.log1p(harmful), np.log1p(benign)])


def fit_rows():
    result = sm.GLM(complied, X, family=sm.families.Binomial()).fit(tol=1e-10)
    return result, result.bse


def fit_patterns():
    patterns, counts = np.unique(np.column_stack([X[:, 1], X[:, 2], complied]), axis=0, return_counts=True)
    Xp = np.column_stack([np.ones(len(patterns)), patterns[:, 0], patterns[:, 1]])
    result = sm.GLM(patterns[:, 2], Xp, family=sm.families.Binomial(), freq_weights=counts.astype(float)).fit(tol=1e-10)
    return result, result.bse


def timed(f):
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - start)
    times.sort()
    return out, times[0], times[len(times) // 2]


(rows, rows_bse), rows_best, rows_median = timed(fit_rows)
(pat, pat_bse), pat_best, pat_median = timed(fit_patterns)
print(json.dumps({
    "rows": {"params": rows.params.tolist(), "bse": rows_bse.tolist(), "best": rows_best, "median": rows_median, "iterations": int(rows.fit_history["iteration"])},
    "patterns": {"params": pat.params.tolist(), "bse": pat_bse.tolist(), "best": pat_best, "median": pat_median, "iterations": int(pat.fit_history["iteration"])},
    "repeats": repeats, "statsmodels": statsmodels.__version__, "numpy": np.__version__,
}))
