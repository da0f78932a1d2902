#pragma once
// Quantizes a whole GGUF model: every metadata entry is copied (general.file_type and
// general.quantization_version updated), tensors are planned by tensor_plan.h and converted
// row by row (a quantized source is dequantized to F32 first, so the output is only as good
// as the source), and the file is written through GgufWriter: temp file, renamed on success.
// A cancelled or failed run leaves no output file.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gguf/ggml_type.h"

namespace hearth::quant {

struct QuantizeProgress {
    size_t tensor_index = 0;  // 0-based, of n_tensors
    size_t n_tensors = 0;
    std::string tensor_name;
    uint64_t elements_done = 0;  // over the whole model
    uint64_t elements_total = 0;
};

struct QuantizeOptions {
    gguf::GgmlType type = gguf::GgmlType::Q8_0;
    bool keep_output_f16 = false;
    int n_threads = 0;  // 0 = hardware threads
    // Called from the calling thread between chunks of rows.
    std::function<void(const QuantizeProgress&)> progress;
    const std::atomic<bool>* cancel = nullptr;
};

struct TensorReport {
    std::string name;
    gguf::GgmlType from;
    gguf::GgmlType to;
    uint64_t bytes_out = 0;
    std::string note;  // tensor_plan's reason when `to` is not the target
};

struct QuantizeReport {
    std::vector<TensorReport> tensors;
    uint64_t input_bytes = 0;
    uint64_t output_bytes = 0;
    // The source's quantized types ("Q4_1"), empty when it held only float tensors: a
    // quantized source is requantized from its dequantized values.
    std::vector<gguf::GgmlType> source_quantized_types;
    double seconds = 0;
};

// Throws Error: io, format (input not a GGUF), invalid_argument (bad type, output == input),
// unsupported (a tensor type that cannot be dequantized), cancelled.
QuantizeReport quantize_model(const std::string& input, const std::string& output,
                              const QuantizeOptions& options);

}  // namespace hearth::quant
