"""The clustered joint fit per model as a Python user writes it: pandas read_csv (only the
needed columns) + statsmodels GLM Binomial with cluster-robust (CR1) errors by query_id.

Usage: python3 bench/statsmodels_cluster_fit.py RECEIPTS.csv
Prints one JSON line: per model the estimates and standard errors, and the versions.
The benchmark times this whole process (start-up and imports included), as it times the kit's.
"""
import json
import sys

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm

path = sys.argv[1]
df = pd.read_csv(path, usecols=["model", "query_id", "n_benign", "n_harmful", "judge_label"])
df = df[df["judge_label"] != "parse_error"]
out = {}
for model, part in df.groupby("model", sort=True):
    X = np.column_stack([np.ones(len(part)), np.log1p(part["n_harmful"].to_numpy(float)), np.log1p(part["n_benign"].to_numpy(float))])
    y = (part["judge_label"] == "compliance").to_numpy(float)
    groups = pd.factorize(part["query_id"])[0]
    fit = sm.GLM(y, X, family=sm.families.Binomial()).fit(tol=1e-10, cov_type="cluster", cov_kwds={"groups": groups})
    out[model] = {"params": fit.params.tolist(), "bse": fit.bse.tolist()}
print(json.dumps({"fits": out, "statsmodels": statsmodels.__version__, "pandas": pd.__version__}))
