#include "model/standard_decoder.h"

#include <cmath>

namespace hearth::model {

StandardDecoder::StandardDecoder(const gguf::GgufFile& file, RopeLayout rope_layout,
                                 const LayerOptions& options)
    : ModelWeights(Hparams::read(file, rope_layout)) {
    global_ = load_global_weights(file, hp_);
    layers_.reserve(size_t(hp_.n_layers));
    for (int il = 0; il < hp_.n_layers; ++il) {
        layers_.push_back(load_layer_weights(file, hp_, il, options));
    }
}

void StandardDecoder::forward(Backend& backend, const std::vector<KvLayerView>& kv,
                              const ForwardBatch& batch, Scratch& scratch, float* logits) const {
    const int64_t n_embd = hp_.n_embd;
    Rows x = scratch.get(0, batch.n_tokens, n_embd);  // residual stream
    backend.get_rows(global_.token_embd, batch.tokens, x);

    AttentionConfig attn;
    attn.rope = hp_.rope;
    attn.kq_scale = 1.0f / std::sqrt(float(hp_.head_dim_k));

    for (int il = 0; il < hp_.n_layers; ++il) {
        const LayerWeights& layer = layers_[size_t(il)];
        Rows h = scratch.get(1, x.rows, n_embd);
        Rows attn_out = scratch.get(2, x.rows, n_embd);
        backend.rms_norm(x, layer.attn_norm, hp_.rms_eps, h);
        self_attention(backend, hp_, layer, attn, kv[size_t(il)], batch.pos0, h, scratch, attn_out);
        if (il == hp_.n_layers - 1 && !batch.all_logits) keep_last_row(backend, {&x, &attn_out});
        backend.add(x, attn_out, x);

        h.rows = x.rows;
        backend.rms_norm(x, layer.ffn_norm, hp_.rms_eps, h);
        const Rows gate = scratch.get(3, x.rows, layer.gate.rows);
        const Rows up = scratch.get(4, x.rows, layer.up.rows);
        backend.matmul(layer.gate, h, gate);
        backend.matmul(layer.up, h, up);
        backend.silu_gate(gate, up);
        const Rows down{attn_out.data, x.rows, n_embd};
        backend.matmul(layer.down, gate, down);
        backend.add(x, down, x);
    }
    output_head(backend, hp_, global_.output_norm, global_.output, x, scratch, logits);
}

}  // namespace hearth::model
