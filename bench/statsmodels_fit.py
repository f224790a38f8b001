"""Fit the benchmark's logistic model with statsmodels (GLM Binomial, IRLS) for comparison.

Usage: python3 bench/statsmodels_fit.py DATA.bin N
DATA.bin holds three float64 columns of N values back to back: n_harmful, n_benign, complied.
Times the fit from the design matrix (GLM(...).fit() and the bse: `seconds`) and, separately,
from the loaded count columns (log1p and the design matrix too: `seconds_with_design`), and
prints one JSON line: params, bse, both times, iterations, versions.
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
start_design = time.perf_counter()
X = np.column_stack([np.ones(n), np.log1p(harmful), np.log1p(benign)])
start = time.perf_counter()
result = sm.GLM(complied, X, family=sm.families.Binomial()).fit(tol=1e-10)
bse = result.bse
end = time.perf_counter()
seconds, seconds_with_design = end - start, end - start_design
print(json.dumps({
    "params": result.params.tolist(), "bse": bse.tolist(), "seconds": seconds, "seconds_with_design": seconds_with_design,
    "iterations": int(result.fit_history["iteration"]), "statsmodels": statsmodels.__version__,
    "numpy": np.__version__,
}))
