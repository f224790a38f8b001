"""Fit the benchmark's logistic model with statsmodels (GLM Binomial, IRLS) for comparison.

Usage: python3 bench/statsmodels_fit.py DATA.bin N
DATA.bin holds three float64 columns of N values back to back: n_harmful, n_benign, complied.
Times only the fit (from loaded numpy arrays to results: GLM(...).fit() and the bse), and
prints one JSON line: params, bse, seconds, iterations, versions.
"""
import json
import sys
import time

import numpy as np
import statsmodels
import statsmodels.api as sm

path, n = sys.argv[1], int(sys.argv[2])
data = np.fromfile(path, dtype="<f8")
harmful, benign, complied = data[:n], data[n:2 * n], data[2 * n:3 * n]
X = np.column_stack([np.ones(n), np.log1p(harmful), np.log1p(benign)])
start = time.perf_counter()
result = sm.GLM(complied, X, family=sm.families.Binomial()).fit(tol=1e-10)
bse = result.bse
seconds = time.perf_counter() - start
print(json.dumps({
    "params": result.params.tolist(), "bse": bse.tolist(), "seconds": seconds,
    "iterations": int(result.fit_history["iteration"]), "statsmodels": statsmodels.__version__,
    "numpy": np.__version__,
}))
