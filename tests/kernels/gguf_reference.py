"""Reference side of test_quant_formats: gguf-py's numpy (de)quantizers.

usage: gguf_reference.py DIR
For every DIR/deq_<type>.bin (rows of raw blocks, row count in DIR/rows.txt) writes
DIR/deq_<type>.f32; for DIR/floats.f32 writes DIR/q_<type>.bin for each quantizable type.
"""
import pathlib
import sys

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import quants

root = pathlib.Path(sys.argv[1])
rows = int((root / "rows.txt").read_text())
for path in sorted(root.glob("deq_*.bin")):
    qtype = T[path.stem[4:].upper()]
    raw = np.fromfile(path, dtype=np.uint8).reshape(rows, -1)
    if qtype == T.F16:
        raw = raw.view(np.float16)
    values = quants.dequantize(raw, qtype).astype(np.float32)
    values.tofile(path.with_suffix(".f32"))

floats = np.fromfile(root / "floats.f32", dtype=np.float32).reshape(rows, -1)
for name in ("q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "bf16", "f16"):
    out = quants.quantize(floats, T[name.upper()])
    np.ascontiguousarray(out).view(np.uint8).tofile(root / f"q_{name}.bin")
