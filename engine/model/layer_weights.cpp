#include "model/layer_weights.h"

#include "backend/cpu/kernels.h"
#include "core/error.h"
#include "gguf/gguf_file.h"

namespace hearth::model {
namespace {

std::string shape_string(const gguf::TensorInfo& t) {
    std::string s;
    for (size_t i = 0; i < t.shape.size(); ++i) {
        s += (i ? " x " : "") + std::to_string(t.shape[i]);
    }
    return s;
}

}  // namespace

WeightTensor find_weight(const gguf::GgufFile& file, const std::string& name, int64_t cols,
                         int64_t rows, Need need) {
    const gguf::TensorInfo* t = file.find_tensor(name);
    if (!t) {
        if (need == Need::optional) return {};
        throw Error(ErrorCode::format, "tensor '" + name + "' is missing");
    }
    const int64_t t_rows = t->shape.size() > 1 ? int64_t(t->shape[1]) : 1;
    if (t->shape.empty() || int64_t(t->shape[0]) != cols || t_rows != rows ||
        int64_t(t->n_elements) != cols * rows) {
        throw Error(ErrorCode::format, "tensor '" + name + "' has shape " + shape_string(*t) +
                                           ", expected " + std::to_string(cols) + " x " +
                                           std::to_string(rows));
    }
    if (!cpu::supports_weight_type(t->type)) {
        throw Error(ErrorCode::unsupported, "tensor '" + name + "' has type " +
                                                std::string(gguf::ggml_type_name(t->type)) +
                                                ", which is not supported");
    }
    return WeightTensor{t->type, cols, rows, t->data, cpu::row_size(t->type, cols)};
}

VectorTensor find_vector(const gguf::GgufFile& file, const std::string& name, int64_t n,
                         Need need) {
    const gguf::TensorInfo* t = file.find_tensor(name);
    if (!t) {
        if (need == Need::optional) return {};
        throw Error(ErrorCode::format, "tensor '" + name + "' is missing");
    }
    if (int64_t(t->n_elements) != n) {
        throw Error(ErrorCode::format, "tensor '" + name + "' has shape " + shape_string(*t) +
                                           ", expected " + std::to_string(n));
    }
    if (t->type != gguf::GgmlType::F32) {
        throw Error(ErrorCode::unsupported, "tensor '" + name + "' must be F32, not " +
                                                std::string(gguf::ggml_type_name(t->type)));
    }
    return VectorTensor{reinterpret_cast<const float*>(t->data), n};
}

GlobalWeights load_global_weights(const gguf::GgufFile& file, Hparams& hp) {
    const gguf::TensorInfo* embd = file.find_tensor("token_embd.weight");
    if (!embd || embd->shape.size() < 2) {
        throw Error(ErrorCode::format, "tensor 'token_embd.weight' is missing");
    }
    hp.n_vocab = int(embd->shape[1]);
    GlobalWeights g;
    g.token_embd = find_weight(file, "token_embd.weight", hp.n_embd, hp.n_vocab);
    g.output_norm = find_vector(file, "output_norm.weight", hp.n_embd);
    g.output = find_weight(file, "output.weight", hp.n_embd, hp.n_vocab, Need::optional);
    if (!g.output.data) g.output = g.token_embd;  // tied embeddings
    return g;
}

LayerWeights load_layer_weights(const gguf::GgufFile& file, const Hparams& hp, int layer,
                                const LayerOptions& options) {
    const std::string p = "blk." + std::to_string(layer) + ".";
    const int64_t n_embd = hp.n_embd;
    const int64_t q_dim = int64_t(hp.n_heads) * hp.head_dim_k;
    const int64_t k_dim = int64_t(hp.n_kv_heads) * hp.head_dim_k;
    const int64_t v_dim = int64_t(hp.n_kv_heads) * hp.head_dim_v;
    const int64_t o_dim = int64_t(hp.n_heads) * hp.head_dim_v;
    LayerWeights l;
    l.attn_norm = find_vector(file, p + "attn_norm.weight", n_embd);
    l.wq = find_weight(file, p + "attn_q.weight", n_embd, q_dim);
    l.wk = find_weight(file, p + "attn_k.weight", n_embd, k_dim);
    l.wv = find_weight(file, p + "attn_v.weight", n_embd, v_dim);
    l.wo = find_weight(file, p + "attn_output.weight", o_dim, n_embd);
    if (options.qkv_bias) {
        l.bq = find_vector(file, p + "attn_q.bias", q_dim);
        l.bk = find_vector(file, p + "attn_k.bias", k_dim);
        l.bv = find_vector(file, p + "attn_v.bias", v_dim);
    }
    if (options.qk_norm) {
        l.q_norm = find_vector(file, p + "attn_q_norm.weight", hp.head_dim_k);
        l.k_norm = find_vector(file, p + "attn_k_norm.weight", hp.head_dim_k);
    }
    if (options.post_norms) {
        l.post_attn_norm = find_vector(file, p + "post_attention_norm.weight", n_embd);
        l.post_ffn_norm = find_vector(file, p + "post_ffw_norm.weight", n_embd);
    }
    l.ffn_norm = find_vector(file, p + "ffn_norm.weight", n_embd);
    const gguf::TensorInfo* up = file.find_tensor(p + "ffn_up.weight");
    if (!up || up->shape.size() < 2) {
        throw Error(ErrorCode::format, "tensor '" + p + "ffn_up.weight' is missing");
    }
    const int64_t n_ff = int64_t(up->shape[1]);
    l.gate = find_weight(file, p + "ffn_gate.weight", n_embd, n_ff);
    l.up = find_weight(file, p + "ffn_up.weight", n_embd, n_ff);
    l.down = find_weight(file, p + "ffn_down.weight", n_ff, n_embd);
    return l;
}

}  // namespace hearth::model
