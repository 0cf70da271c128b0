#!/usr/bin/env python3
"""Reference for hierarchical consistency: the generalised least-squares estimate of a tree of noisy
counts subject to parent = sum of children, solved densely with numpy (no tree algorithm).

Parametrise by the leaves: every node is the sum of the leaves below it, x = S l. Minimise
sum over observed nodes (y_i - x_i)^2 / var_i: l = (S' W S)^-1 S' W y, x = S l.

Run: python3 scripts/reference/privacy-tree-least-squares.py > packages/engine/test/fixtures/reference/privacy-tree-least-squares.json
"""
import json
import sys

import numpy as np

rng = np.random.default_rng(20261127)
cases = []

def solve(parent, value, variance):
    n = len(parent)
    children = [[] for _ in range(n)]
    for i, p in enumerate(parent):
        if p >= 0:
            children[p].append(i)
    leaves = [i for i in range(n) if not children[i]]
    S = np.zeros((n, len(leaves)))
    for j, leaf in enumerate(leaves):
        i = leaf
        while i >= 0:
            S[i, j] = 1.0
            i = parent[i]
    obs = [i for i in range(n) if np.isfinite(variance[i])]
    Wd = np.array([1.0 / variance[i] for i in obs])
    So = S[obs, :]
    yo = np.array([value[i] for i in obs])
    A = So.T @ (Wd[:, None] * So)
    b = So.T @ (Wd * yo)
    l = np.linalg.solve(A, b)
    return (S @ l).tolist()

# 1: total -> 3 provinces -> 2..4 districts, three variances (as with three levels of epsilon)
parent = [-1, 0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 3, 3]
var_by_depth = [2.0 * 0.7165 / (1 - 0.7165) ** 2, 2.0 * 0.6065 / (1 - 0.6065) ** 2, 2.0 * 0.3679 / (1 - 0.3679) ** 2]
depth = [0] * len(parent)
for i, p in enumerate(parent):
    depth[i] = 0 if p < 0 else depth[p] + 1
variance = [var_by_depth[d] for d in depth]
value = [float(v) for v in rng.integers(-3, 25, size=len(parent))]
cases.append({"name": "three levels, unequal variances", "parent": parent, "value": value, "variance": variance, "estimate": solve(parent, value, variance)})

# 2: the same with the provinces unobserved (a release of total and districts only)
variance2 = [v if depth[i] != 1 else float("inf") for i, v in enumerate(variance)]
cases.append({"name": "middle level unobserved", "parent": parent, "value": value, "variance": ["Infinity" if not np.isfinite(v) else v for v in variance2], "estimate": solve(parent, value, variance2)})

# 3: two separate trees (a forest) of depth 1 with equal variances (Hay et al. 2010's case)
parent3 = [-1, 0, 0, 0, 0, -1, 5, 5]
variance3 = [1.0] * len(parent3)
value3 = [10.0, 3.0, -1.0, 4.0, 2.0, 0.0, 2.0, -2.0]
cases.append({"name": "forest, equal variances", "parent": parent3, "value": value3, "variance": variance3, "estimate": solve(parent3, value3, variance3)})

json.dump({"source": f"numpy {np.__version__} dense GLS; script scripts/reference/privacy-tree-least-squares.py", "cases": cases}, sys.stdout, indent=2)
print()
