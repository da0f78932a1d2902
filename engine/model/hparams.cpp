#include "model/hparams.h"

#include "core/error.h"
#include "gguf/gguf_file.h"

namespace hearth::model {
namespace {

int64_t required_int(const gguf::GgufFile& file, const std::string& key) {
    auto value = file.get_int(key);
    if (!value) {
        throw Error(ErrorCode::format, "missing metadata key '" + key + "'");
    }
    return *value;
}

// An integer key that may also be stored as a per-layer array (we take the first entry).
std::optional<int64_t> int_or_first(const gguf::GgufFile& file, const std::string& key) {
    if (const gguf::Value* value = file.find(key)) {
        if (const gguf::Array* array = value->as_array()) {
            if (!array->items.empty()) return array->items.front().as_int();
            return std::nullopt;
        }
        return value->as_int();
    }
    return std::nullopt;
}

}  // namespace

Hparams Hparams::read(const gguf::GgufFile& file, RopeLayout layout) {
    Hparams h;
    h.arch = file.get_string("general.architecture").value_or("");
    const std::string& a = h.arch;
    h.n_layers = int(required_int(file, a + ".block_count"));
    h.n_embd = int(required_int(file, a + ".embedding_length"));
    auto heads = int_or_first(file, a + ".attention.head_count");
    if (!heads || *heads <= 0) {
        throw Error(ErrorCode::format, "missing metadata key '" + a + ".attention.head_count'");
    }
    h.n_heads = int(*heads);
    h.n_kv_heads = int(int_or_first(file, a + ".attention.head_count_kv").value_or(h.n_heads));
    h.head_dim_k = int(file.get_int(a + ".attention.key_length").value_or(h.n_embd / h.n_heads));
    h.head_dim_v = int(file.get_int(a + ".attention.value_length").value_or(h.head_dim_k));
    h.context_length = int(file.get_int(a + ".context_length").value_or(2048));
    h.rms_eps = float(file.get_float(a + ".attention.layer_norm_rms_epsilon").value_or(1e-5));

    h.rope.layout = layout;
    h.rope.n_rot = int(file.get_int(a + ".rope.dimension_count").value_or(h.head_dim_k));
    h.rope.freq_base = float(file.get_float(a + ".rope.freq_base").value_or(10000.0));
    const auto scaling_type = file.get_string(a + ".rope.scaling.type");
    const auto factor = file.get_float(a + ".rope.scaling.factor");
    if (scaling_type && *scaling_type == "linear" && factor && *factor > 0) {
        h.rope.freq_scale = float(1.0 / *factor);
    } else if (const auto scale = file.get_float(a + ".rope.scale_linear"); scale && *scale > 0) {
        h.rope.freq_scale = float(1.0 / *scale);
    } else if (scaling_type && *scaling_type != "none" && *scaling_type != "linear") {
        throw Error(ErrorCode::unsupported,
                    "rope scaling '" + *scaling_type + "' is not supported");
    }
    h.rope_base_swa = float(file.get_float(a + ".rope.freq_base_swa").value_or(10000.0));
    h.sliding_window = int(file.get_int(a + ".attention.sliding_window").value_or(0));
    h.attn_softcap = float(file.get_float(a + ".attn_logit_softcapping").value_or(0.0));
    h.final_softcap = float(file.get_float(a + ".final_logit_softcapping").value_or(0.0));

    if (h.n_layers <= 0 || h.n_embd <= 0 || h.n_kv_heads <= 0 || h.n_heads % h.n_kv_heads != 0 ||
        h.head_dim_k <= 0 || h.head_dim_v <= 0 || h.rope.n_rot <= 0 ||
        h.rope.n_rot > h.head_dim_k || h.rope.n_rot % 2 != 0) {
        throw Error(ErrorCode::format,
                    "inconsistent attention hyperparameters in '" + file.path() + "'");
    }
    return h;
}

}  // namespace hearth::model
