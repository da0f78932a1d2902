// Gemma 3. Differences from the standard decoder, as the GGUF stores it:
//  * the embedding is scaled by sqrt(n_embd);
//  * norm weights already include Gemma's "+1" (the converter adds it), so RMS norm is the
//    plain x * scale * w;
//  * q and k get a per-head RMS norm before RoPE (neox layout), q is then scaled by
//    1/sqrt(head_dim) (1/sqrt(n_embd/n_heads) for the 27B) and the softmax scale is 1;
//  * attention and FFN outputs pass through their own RMS norms before the residual add;
//  * the FFN is GELU(tanh)-gated;
//  * sliding-window attention on 5 of every 6 layers (or the file's pattern), with the
//    local RoPE base (rope.freq_base_swa, default 10000) on those layers;
//  * optional final logit soft-capping.
#include <cmath>

#include "gguf/gguf_file.h"
#include "model/attention_block.h"
#include "model/layer_weights.h"
#include "model/model_weights.h"

namespace hearth::model {
namespace {

class Gemma3 final : public ModelWeights {
public:
    explicit Gemma3(const gguf::GgufFile& file)
        : ModelWeights(Hparams::read(file, RopeLayout::neox)) {
        global_ = load_global_weights(file, hp_);
        LayerOptions options;
        options.qk_norm = true;
        options.post_norms = true;
        for (int il = 0; il < hp_.n_layers; ++il) {
            layers_.push_back(load_layer_weights(file, hp_, il, options));
        }
        read_swa_pattern(file);
        attention_scale_ = hp_.n_layers == 62 ? 1.0f / std::sqrt(float(hp_.n_embd / hp_.n_heads))
                                              : 1.0f / std::sqrt(float(hp_.head_dim_k));
    }

    void forward(Backend& backend, const std::vector<KvLayerView>& kv, const ForwardBatch& batch,
                 Scratch& scratch, float* logits) const override {
        const int64_t n_embd = hp_.n_embd;
        Rows x = scratch.get(0, batch.n_tokens, n_embd);
        backend.get_rows(global_.token_embd, batch.tokens, x);
        backend.scale(x, std::sqrt(float(n_embd)));

        for (int il = 0; il < hp_.n_layers; ++il) {
            const LayerWeights& layer = layers_[size_t(il)];
            const bool swa = hp_.sliding_window > 0 && hp_.is_swa[size_t(il)];
            AttentionConfig attn;
            attn.rope = hp_.rope;
            if (swa) attn.rope.freq_base = hp_.rope_base_swa;
            if (swa) attn.rope.freq_scale = 1.0f;
            attn.sliding_window = swa ? hp_.sliding_window : 0;
            attn.q_scale = attention_scale_;
            attn.kq_scale = 1.0f;
            attn.softcap = hp_.attn_softcap;

            Rows h = scratch.get(1, x.rows, n_embd);
            Rows attn_out = scratch.get(2, x.rows, n_embd);
            backend.rms_norm(x, layer.attn_norm, hp_.rms_eps, h);
            self_attention(backend, hp_, layer, attn, kv[size_t(il)], batch.pos0, h, scratch,
                           attn_out);
            if (il == hp_.n_layers - 1 && !batch.all_logits)
                keep_last_row(backend, {&x, &attn_out});
            backend.rms_norm(attn_out, layer.post_attn_norm, hp_.rms_eps, attn_out);
            backend.add(attn_out, x, x);  // x = sa_out

            h.rows = x.rows;
            backend.rms_norm(x, layer.ffn_norm, hp_.rms_eps, h);
            const Rows gate = scratch.get(3, x.rows, layer.gate.rows);
            const Rows up = scratch.get(4, x.rows, layer.up.rows);
            backend.matmul(layer.gate, h, gate);
            backend.matmul(layer.up, h, up);
            backend.gelu_gate(gate, up);
            const Rows down{attn_out.data, x.rows, n_embd};
            backend.matmul(layer.down, gate, down);
            backend.rms_norm(down, layer.post_ffn_norm, hp_.rms_eps, down);
            backend.add(down, x, x);
        }
        output_head(backend, hp_, global_.output_norm, global_.output, x, scratch, logits);
    }

private:
    void read_swa_pattern(const gguf::GgufFile& file) {
        hp_.is_swa.assign(size_t(hp_.n_layers), false);
        if (hp_.sliding_window <= 0) return;
        const std::string key = hp_.arch + ".attention.sliding_window_pattern";
        const gguf::Value* value = file.find(key);
        if (const gguf::Array* array = value ? value->as_array() : nullptr;
            array && int(array->items.size()) == hp_.n_layers) {
            for (int il = 0; il < hp_.n_layers; ++il) {
                const auto& item = array->items[size_t(il)];
                hp_.is_swa[size_t(il)] = item.type == gguf::ValueType::BOOL
                                             ? std::get<bool>(item.data)
                                             : item.as_int().value_or(0) != 0;
            }
            return;
        }
        // Default: every 6th layer is global, the others local.
        int period = 6;
        if (value && value->as_int()) period = int(*value->as_int());
        for (int il = 0; il < hp_.n_layers; ++il) {
            hp_.is_swa[size_t(il)] = period == 0 || il % period < period - 1;
        }
    }

    GlobalWeights global_;
    std::vector<LayerWeights> layers_;
    float attention_scale_ = 1.0f;
};

}  // namespace

std::unique_ptr<ModelWeights> make_gemma3(const gguf::GgufFile& file) {
    return std::make_unique<Gemma3>(file);
}

}  // namespace hearth::model
