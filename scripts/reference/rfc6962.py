#!/usr/bin/env python3
"""Independent reference for RFC 6962 Merkle hashing (section 2.1), written from the RFC text with
hashlib only. Produces the tree heads, audit paths (inclusion proofs) and consistency proofs for the
8-leaf test tree used by the Certificate Transparency reference implementation's test data, so that
the TypeScript code in packages/server/src/security/merkle-tree-rfc6962.ts is checked against values
it did not produce.

Usage: python3 scripts/reference/rfc6962.py > packages/server/test/fixtures/reference/rfc6962.json
"""
import hashlib
import json

LEAVES_HEX = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f"]
LEAVES = [bytes.fromhex(h) for h in LEAVES_HEX]


def sha256(b):
    return hashlib.sha256(b).digest()


def largest_power_of_two_below(n):
    """k = the largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d):
    """MTH(D[n]) of RFC 6962 section 2.1."""
    n = len(d)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return sha256(b"\x00" + d[0])
    k = largest_power_of_two_below(n)
    return sha256(b"\x01" + mth(d[:k]) + mth(d[k:]))


def path(m, d):
    """PATH(m, D[n]) of RFC 6962 section 2.1.1."""
    n = len(d)
    if n == 1:
        return []
    k = largest_power_of_two_below(n)
    if m < k:
        return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]


def subproof(m, d, b):
    """SUBPROOF(m, D[n], b) of RFC 6962 section 2.1.2."""
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = largest_power_of_two_below(n)
    if m <= k:
        return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]


def proof(m, d):
    """PROOF(m, D[n]) of RFC 6962 section 2.1.2, for 0 < m < n."""
    return subproof(m, d, True)


def main():
    out = {
        "source": "scripts/reference/rfc6962.py (Python hashlib, written from RFC 6962 section 2.1)",
        "leavesHex": LEAVES_HEX,
        "emptyRoot": mth([]).hex(),
        "roots": [],
        "inclusion": [],
        "consistency": [],
    }
    for n in range(1, len(LEAVES) + 1):
        out["roots"].append({"size": n, "root": mth(LEAVES[:n]).hex()})
        for m in range(n):
            out["inclusion"].append({"index": m, "size": n,
                                     "path": [h.hex() for h in path(m, LEAVES[:n])]})
        for m in range(1, n):
            out["consistency"].append({"from": m, "to": n,
                                       "proof": [h.hex() for h in proof(m, LEAVES[:n])]})
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
