#pragma once
// Which type each tensor of a model gets when the model is quantized to a target type.
// The rules are llama.cpp's (llama-quant.cpp), taken as facts about the format's users:
//  - only tensors of two or more dimensions whose name ends in "weight" are quantized;
//    norms, biases, routers (ffn_gate_inp), position and token-type embeddings and
//    convolution kernels keep their type;
//  - the output projection, or token_embd when the model ties it to the output (no
//    output.weight), gets Q6_K unless the target is Q8_0 (then Q8_0), or Q8_0 when its row
//    length is not a multiple of 256; --keep-output-f16 keeps it in F16 instead;
//  - a row length the chosen block does not divide falls back as llama.cpp does
//    (Q4_K->Q5_0, Q5_K->Q5_1, Q6_K->Q8_0, then F16).
// Unlike llama-quantize's Q4_K_M/Q5_K_M there is no per-layer mixture: every other weight
// gets the target type (llama-quantize --pure with --output-tensor-type q6_k).
#include <string>

#include "gguf/gguf_file.h"

namespace hearth::quant {

struct PlanOptions {
    gguf::GgmlType target = gguf::GgmlType::Q8_0;
    bool keep_output_f16 = false;
    bool tied_embeddings = false;  // the file has token_embd.weight but no output.weight
};

struct TensorPlan {
    gguf::GgmlType type;  // what the output file holds
    std::string note;     // why it differs from the target ("1-D", "fallback: ..."), or empty
};

// True when llama.cpp would consider the tensor for quantization at all.
bool tensor_is_quantizable(const gguf::TensorInfo& tensor);

TensorPlan plan_tensor(const gguf::TensorInfo& tensor, const PlanOptions& options);

// llama_ftype value written to general.file_type for a target (K targets: the _S variant).
uint32_t file_type_for_target(gguf::GgmlType target);

}  // namespace hearth::quant
