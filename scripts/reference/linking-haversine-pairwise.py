#!/usr/bin/env python3
"""Reference values for engine/link: great-circle distances and pairwise linking scores.

Distances use the Vincenty special case for the sphere (atan2 form), a different formula from the
haversine the engine uses, on the same mean radius (6371.0088 km). Pairwise precision / recall
enumerate every pair of reports (brute force), unlike the engine's contingency-table count.

Run: python3 scripts/reference/linking-haversine-pairwise.py > packages/engine/test/fixtures/reference/linking-haversine-pairwise.json
"""
import itertools
import json
import math
import random

R = 6371.0088


def vincenty_sphere(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    num = math.hypot(math.cos(p2) * math.sin(dl), math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl))
    den = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return R * math.atan2(num, den)


rng = random.Random(20240601)
pairs = [
    [30.1798, 66.9750, 30.1798, 66.9750],  # same point
    [30.1798, 66.9750, 30.1888, 66.9750],  # ~1 km north in Quetta
    [30.1798, 66.9750, 25.1264, 62.3225],  # Quetta - Gwadar
    [24.8607, 67.0011, 31.5204, 74.3587],  # Karachi - Lahore
    [0.0, 0.0, 0.0, 180.0],                # antipodal on the equator
    [28.0, 65.0, 28.0000001, 65.0000001],  # sub-metre
]
for _ in range(40):
    la = rng.uniform(24.5, 32.5)
    lo = rng.uniform(60.5, 70.5)
    pairs.append([la, lo, la + rng.gauss(0, 0.05), lo + rng.gauss(0, 0.05)])
distances = [{"lat1": a, "lon1": b, "lat2": c, "lon2": d, "km": vincenty_sphere(a, b, c, d)} for a, b, c, d in pairs]


def pairwise(pred, truth):
    keys = sorted(set(pred) & set(truth))
    pp = tp = cp = 0
    for a, b in itertools.combinations(keys, 2):
        same_p = pred[a] == pred[b]
        same_t = truth[a] == truth[b]
        pp += same_p
        tp += same_t
        cp += same_p and same_t
    precision = cp / pp if pp else 1.0
    recall = cp / tp if tp else 1.0
    return {"precision": precision, "recall": recall, "predictedPairs": pp, "truePairs": tp, "correctPairs": cp}


cases = []
for n, k_true, k_pred in [(12, 4, 5), (60, 20, 18), (200, 70, 90), (300, 300, 250)]:
    keys = [f"agency{i % 5}:{i}" for i in range(n)]
    truth = {k: f"T{rng.randrange(k_true)}" for k in keys}
    pred = {k: f"P{rng.randrange(k_pred)}" for k in keys}
    cases.append({"truth": truth, "predicted": pred, **pairwise(pred, truth)})

print(json.dumps({"generatedBy": "scripts/reference/linking-haversine-pairwise.py", "radiusKm": R, "distances": distances, "pairwise": cases}, indent=1))
