#!/usr/bin/env python3
"""Debugging aid for the model tests (not a test): pairs Hearth's per-op outputs
(hearth_dump) with llama.cpp's graph tensors (llama_dump) by content and prints, for each
Hearth op, the llama.cpp tensor it matches best, the relative RMS difference and how many
elements are bit-identical. The first op that is not bit-identical is where to look.

    compare_dumps.py HEARTH_DIR LLAMA_DIR [--window N]
"""
import argparse
import os
import sys

import numpy as np


def load(directory):
    tensors = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".f32"):
            continue
        with open(os.path.join(directory, name), "rb") as f:
            ne = np.frombuffer(f.read(32), dtype=np.int64)
            data = np.frombuffer(f.read(), dtype=np.float32)
        tensors.append((name[:-4], tuple(int(n) for n in ne), data))
    return tensors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("hearth")
    parser.add_argument("llama")
    parser.add_argument("--window", type=int, default=60,
                        help="llama.cpp tensors searched after the last match")
    args = parser.parse_args()
    ours = load(args.hearth)
    ref = load(args.llama)
    cursor = 0
    for name, _, data in ours:
        best = None
        for j in range(cursor, min(len(ref), cursor + args.window)):
            rname, _, rdata = ref[j]
            if rdata.size != data.size:
                continue
            diff = data.astype(np.float64) - rdata.astype(np.float64)
            norm = np.sqrt(np.sum(rdata.astype(np.float64) ** 2)) or 1.0
            rel = np.sqrt(np.sum(diff ** 2)) / norm
            if best is None or rel < best[0]:
                best = (rel, j, np.count_nonzero(data.view(np.uint32) == rdata.view(np.uint32)),
                        np.max(np.abs(diff)))
        if best is None:
            print(f"{name:24s}  no llama.cpp tensor of {data.size} elements nearby")
            continue
        rel, j, same, maxabs = best
        if rel > 0.05:
            print(f"{name:24s}  no close llama.cpp tensor (best {ref[j][0]}, rel {rel:.3g})")
            continue
        cursor = j + 1
        flag = "" if same == data.size else "  <-- differs"
        print(f"{name:24s} {ref[j][0]:32s} rel {rel:9.3g}  max|d| {maxabs:9.3g}  "
              f"identical {same}/{data.size}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
