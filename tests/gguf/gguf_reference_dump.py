#!/usr/bin/env python3
"""Dump a GGUF file as read by the reference Python `gguf` package (GGUFReader), in the
same JSON shape as hearth's gguf_to_json (engine/gguf/gguf_json.h), for test_gguf_reference.

    python gguf_reference_dump.py FILE.gguf > reference.json

GGUFReader flattens nested arrays in ReaderField.contents(), so values are rebuilt here from
the field's raw parts (the numpy arrays GGUFReader sliced out of the file), walking them in
file order: a scalar is one part, a string two (length, bytes), an array two (element type,
count) followed by its elements.
"""
import json
import math
import sys

import numpy as np
from gguf import GGUFReader, GGUFValueType


def decode(raw) -> str:
    return bytes(raw).decode("utf-8", errors="replace")


def float_value(x, is_float32):
    value = float(x)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if is_float32:
        # The shortest text that reads back to the same float32, e.g. 1e-05.
        return float(repr(np.float32(x)).removeprefix("np.float32(").removesuffix(")"))
    return value


class PartWalker:
    def __init__(self, parts, start):
        self.parts = parts
        self.i = start

    def take(self):
        part = self.parts[self.i]
        self.i += 1
        return part

    def value(self, vtype):
        if vtype == GGUFValueType.STRING:
            self.take()  # length
            return decode(self.take())
        if vtype == GGUFValueType.ARRAY:
            element_type = GGUFValueType(int(self.take()[0]))
            count = int(self.take()[0])
            return [self.value(element_type) for _ in range(count)]
        scalar = self.take()[0]
        if vtype in (GGUFValueType.FLOAT32, GGUFValueType.FLOAT64):
            return float_value(scalar, vtype == GGUFValueType.FLOAT32)
        if vtype == GGUFValueType.BOOL:
            return bool(scalar)
        return int(scalar)


def type_label(field, value_parts_start):
    main = GGUFValueType(int(field.parts[value_parts_start - 1][0]))
    if main != GGUFValueType.ARRAY:
        return main.name
    element = GGUFValueType(int(field.parts[value_parts_start][0]))
    return f"ARRAY[{element.name}]"


def dump(path):
    reader = GGUFReader(path)
    version = int(reader.fields["GGUF.version"].parts[0][0])
    metadata = {}
    metadata_types = {}
    for name, field in reader.fields.items():
        if name.startswith("GGUF."):
            continue
        # parts: key length, key bytes, value type, then the value's own parts.
        vtype = GGUFValueType(int(field.parts[2][0]))
        metadata[name] = PartWalker(field.parts, 3).value(vtype)
        metadata_types[name] = type_label(field, 3)
    tensors = []
    for t in reader.tensors:
        # field.parts: name length, name, n_dims, dims, type, offset (relative to data).
        relative_offset = int(t.field.parts[5][0])
        tensors.append({
            "name": t.name,
            "type": t.tensor_type.name,
            "shape": [int(d) for d in t.shape],
            "offset": relative_offset,
            "n_bytes": int(t.n_bytes),
            "absolute_offset": int(t.data_offset),
        })
    return {
        "version": version,
        "alignment": int(reader.alignment),
        "data_offset": int(reader.data_offset),
        "file_size": int(reader.data.shape[0]),
        "metadata": metadata,
        "metadata_types": metadata_types,
        "tensors": tensors,
    }


def main():
    if len(sys.argv) != 2:
        print("usage: gguf_reference_dump.py FILE.gguf", file=sys.stderr)
        return 2
    json.dump(dump(sys.argv[1]), sys.stdout, ensure_ascii=False, allow_nan=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
