#include "quant/tensor_plan.h"

#include <string_view>

namespace hearth::quant {
namespace {

using gguf::GgmlType;

bool contains(std::string_view s, std::string_view part) {
    return s.find(part) != std::string_view::npos;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_output_tensor(const gguf::TensorInfo& t, const PlanOptions& options) {
    return t.name == "output.weight" || (options.tied_embeddings && t.name == "token_embd.weight");
}

uint64_t block_of(GgmlType type) {
    return gguf::ggml_type_traits(type).block_size;
}

// llama.cpp's tensor_type_fallback for the targets we write.
GgmlType fallback(GgmlType type, uint64_t cols, std::string& note) {
    if (cols % block_of(type) == 0) return type;
    GgmlType to = type;
    switch (type) {
        case GgmlType::Q4_K:
            to = GgmlType::Q5_0;
            break;
        case GgmlType::Q5_K:
            to = GgmlType::Q5_1;
            break;
        case GgmlType::Q6_K:
            to = GgmlType::Q8_0;
            break;
        default:
            break;
    }
    if (cols % block_of(to) != 0) to = GgmlType::F16;
    note = std::to_string(cols) + " columns not divisible by " + std::to_string(block_of(type)) +
           " (" + gguf::ggml_type_upper_name(type) + "): " + gguf::ggml_type_upper_name(to);
    return to;
}

}  // namespace

bool tensor_is_quantizable(const gguf::TensorInfo& t) {
    if (t.shape.size() < 2) return false;
    const std::string_view name = t.name;
    if (!ends_with(name, "weight")) return false;
    for (std::string_view keep :
         {"_norm.weight", "ffn_gate_inp.weight", "ssm_conv1d", "shortconv.conv.weight", "time_mix_",
          "attn_rel_b.weight", "position_embd", "altup", "laurel", "per_layer_model_proj"}) {
        if (contains(name, keep)) return false;
    }
    return name != "pos_embd.weight" && name != "token_types.weight";
}

TensorPlan plan_tensor(const gguf::TensorInfo& t, const PlanOptions& options) {
    if (!tensor_is_quantizable(t)) {
        return {t.type, t.shape.size() < 2 ? "1-D, kept" : "kept (llama.cpp does not quantize it)"};
    }
    const uint64_t cols = t.shape[0];
    TensorPlan plan{options.target, {}};
    const bool float_target = options.target == GgmlType::F32 || options.target == GgmlType::F16;
    if (is_output_tensor(t, options) && !float_target) {
        if (options.keep_output_f16) return {GgmlType::F16, "output kept in F16"};
        if (cols % 256 != 0 || options.target == GgmlType::Q8_0) {
            plan = {GgmlType::Q8_0, "output"};
        } else {
            plan = {GgmlType::Q6_K, "output"};
        }
        if (plan.type == options.target) plan.note.clear();
        return plan;
    }
    std::string note;
    plan.type = fallback(plan.type, cols, note);
    plan.note = note;
    return plan;
}

uint32_t file_type_for_target(GgmlType target) {
    switch (target) {
        case GgmlType::F32:
            return 0;
        case GgmlType::F16:
            return 1;
        case GgmlType::Q4_0:
            return 2;
        case GgmlType::Q4_1:
            return 3;
        case GgmlType::Q8_0:
            return 7;
        case GgmlType::Q5_0:
            return 8;
        case GgmlType::Q5_1:
            return 9;
        case GgmlType::Q4_K:
            return 14;  // MOSTLY_Q4_K_S
        case GgmlType::Q5_K:
            return 16;  // MOSTLY_Q5_K_S
        case GgmlType::Q6_K:
            return 18;
        default:
            return 0;
    }
}

}  // namespace hearth::quant
