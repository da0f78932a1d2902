#pragma once
// Two views of a parsed GGUF file, used by `hearth inspect`:
//
// gguf_to_json: one JSON object, compact, no trailing newline:
//   {"version":3,"alignment":32,"data_offset":N,"file_size":N,
//    "metadata":{"general.architecture":"llama","llama.block_count":5,...},
//    "metadata_types":{"general.architecture":"STRING","tokenizer.ggml.tokens":"ARRAY[STRING]",...},
//    "tensors":[{"name":"output.weight","type":"Q4_1","shape":[64,512],"offset":0,"n_bytes":N},...]}
// Metadata keeps file order. Arrays (also nested) are JSON arrays; integers are exact;
// floats are printed with the fewest digits that read back to the same FLOAT32/FLOAT64;
// NaN and infinities, which JSON cannot hold, become the strings "nan", "inf", "-inf".
// Strings are UTF-8; each maximal invalid byte sequence becomes U+FFFD (as Python's
// bytes.decode("utf-8", "replace") does). Shapes are in ggml order (shape[0] = row length);
// offsets are relative to data_offset.
//
// gguf_to_text: a human-readable summary; long arrays and strings are abbreviated.
#include <string>
#include <string_view>

#include "gguf/gguf_file.h"

namespace hearth::gguf {

std::string gguf_to_json(const GgufFile& file);
std::string gguf_to_text(const GgufFile& file);

// `bytes` as a quoted JSON string literal (with the U+FFFD rule above).
std::string json_quote(std::string_view bytes);

// "UINT32", "STRING", "ARRAY[STRING]", "ARRAY[ARRAY]" (the element type of the outer array).
std::string value_type_label(const Value& value);

}  // namespace hearth::gguf
