#!/usr/bin/env python3
"""Reference values for engine/risk (allocation), written independently of the TypeScript code.

For a few fixed random instances (Python's random with fixed seeds; points in Balochistan's
bounding box): the coverage lists by haversine (mean Earth radius 6371.0088 km), the optimum of
the constrained maximal covering problem by brute force over itertools.combinations, the plain
(non-lazy) greedy sequence with ties to the lower index (unconstrained instances only), capped
inclusion probabilities (cap and redistribute) and largest-remainder apportionments.

Run: python3 scripts/reference/allocation-brute-force.py > packages/engine/test/fixtures/reference/allocation-brute-force.json
"""
import itertools
import json
import math
import random

R = 6371.0088


def hav(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(min(1.0, math.sqrt(a)))


def instance(seed, n_sites, n_demand, radius, k, constrained):
    rng = random.Random(seed)
    sites = [{"id": f"s{i}", "lat": round(rng.uniform(27.0, 30.5), 5), "lon": round(rng.uniform(64.0, 68.0), 5),
              "district": f"d{rng.randrange(3)}"} for i in range(n_sites)]
    demand = [{"lat": round(rng.uniform(27.0, 30.5), 5), "lon": round(rng.uniform(64.0, 68.0), 5),
               "weight": 1 + rng.choice([0, 0, 0, 1, 2, 5])} for _ in range(n_demand)]
    inst = {"seed": seed, "sites": sites, "demand": demand, "radiusKm": radius, "units": k}
    if constrained:
        inst["mandatorySiteIds"] = ["s1"]
        inst["excludedSiteIds"] = ["s0", "s2"]
        inst["minUnitsPerDistrict"] = {"d0": 2, "d2": 1}
    return inst


def solve(inst):
    sites, demand = inst["sites"], inst["demand"]
    covers = [[j for j, d in enumerate(demand) if hav(s["lat"], s["lon"], d["lat"], d["lon"]) <= inst["radiusKm"]] for s in sites]
    w = [d["weight"] for d in demand]
    ids = [s["id"] for s in sites]
    mand = [ids.index(x) for x in inst.get("mandatorySiteIds", [])]
    excl = {ids.index(x) for x in inst.get("excludedSiteIds", [])}
    mins = inst.get("minUnitsPerDistrict", {})
    free = [i for i in range(len(sites)) if i not in excl and i not in mand]

    def value(plan):
        cov = set()
        for i in plan:
            cov.update(covers[i])
        return sum(w[j] for j in cov)

    best, n_opt, n_feasible = -1, 0, 0
    for combo in itertools.combinations(free, inst["units"] - len(mand)):
        plan = list(mand) + list(combo)
        if any(sum(1 for i in plan if sites[i]["district"] == d) < m for d, m in mins.items()):
            continue
        n_feasible += 1
        v = value(plan)
        if v > best:
            best, n_opt = v, 1
        elif v == best:
            n_opt += 1
    out = {"covers": covers, "optimum": best, "optimalPlans": n_opt, "feasiblePlans": n_feasible,
           "totalWeight": sum(w)}
    if not mand and not excl and not mins:
        chosen, gains = [], []
        for _ in range(inst["units"]):
            base = value(chosen)
            g = [(value(chosen + [i]) - base, -i) for i in range(len(sites)) if i not in chosen]
            gi, neg = max(g)
            chosen.append(-neg)
            gains.append(gi)
        out["greedySites"] = chosen
        out["greedyGains"] = gains
    return out


def inclusion(scores, k):
    """Cap and redistribute, as sampling::inclusionprobabilities in R (Tillé 2006)."""
    pi = [0.0] * len(scores)
    fixed = set()
    while True:
        rest = [i for i in range(len(scores)) if i not in fixed and scores[i] > 0]
        c = (k - len(fixed)) / sum(scores[i] for i in rest)
        new = [i for i in rest if c * scores[i] >= 1]
        if not new:
            for i in rest:
                pi[i] = c * scores[i]
            for i in fixed:
                pi[i] = 1.0
            return pi
        fixed.update(new)


def hamilton(weights, k):
    total = sum(weights)
    q = [k * x / total for x in weights]
    f = [math.floor(x) for x in q]
    order = sorted(range(len(q)), key=lambda i: (-(q[i] - f[i]), i))
    for i in order[: k - sum(f)]:
        f[i] += 1
    return f


cases = [instance(11, 12, 60, 40.0, 3, False), instance(12, 14, 80, 50.0, 4, False),
         instance(13, 16, 70, 35.0, 5, False), instance(14, 18, 90, 45.0, 3, False),
         instance(21, 14, 70, 45.0, 5, True), instance(22, 16, 80, 40.0, 6, True),
         instance(31, 30, 150, 40.0, 6, False)]
result = {
    "generator": "scripts/reference/allocation-brute-force.py (python3 itertools brute force)",
    "instances": [{**c, **solve(c)} for c in cases],
    "inclusion": [{"scores": s, "units": k, "pi": inclusion(s, k)} for s, k in [
        ([10, 1, 1, 1, 1, 1, 1, 1, 1, 1], 3), ([50, 30, 5, 5, 4, 3, 2, 1], 4), ([1, 2, 3, 4, 5, 6], 2)]],
    "largestRemainder": [{"weights": wts, "units": k, "alloc": hamilton(wts, k)} for wts, k in [
        ([120, 45, 30, 5], 10), ([7, 7, 7], 10), ([300, 20, 11, 9, 1], 7)]],
}
print(json.dumps(result, indent=1))
