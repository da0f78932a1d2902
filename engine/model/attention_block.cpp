#include "model/attention_block.h"

namespace hearth::model {

void self_attention(Backend& backend, const Hparams& hp, const LayerWeights& layer,
                    const AttentionConfig& config, const KvLayerView& kv, int pos0, const Rows& h,
                    Scratch& scratch, const Rows& out) {
    const int64_t n = h.rows;
    const size_t s = kFirstAttentionSlot;
    const Rows q = scratch.get(s + 0, n, int64_t(hp.n_heads) * hp.head_dim_k);
    const Rows k = scratch.get(s + 1, n, int64_t(hp.n_kv_heads) * hp.head_dim_k);
    const Rows v = scratch.get(s + 2, n, int64_t(hp.n_kv_heads) * hp.head_dim_v);
    const Rows attn = scratch.get(s + 3, n, int64_t(hp.n_heads) * hp.head_dim_v);

    backend.matmul(layer.wq, h, q);
    backend.matmul(layer.wk, h, k);
    backend.matmul(layer.wv, h, v);
    if (layer.bq) backend.add_rows(q, layer.bq);
    if (layer.bk) backend.add_rows(k, layer.bk);
    if (layer.bv) backend.add_rows(v, layer.bv);
    if (layer.q_norm) {
        // Viewed as (tokens * heads) rows of head_dim.
        const Rows q_heads{q.data, n * hp.n_heads, hp.head_dim_k};
        const Rows k_heads{k.data, n * hp.n_kv_heads, hp.head_dim_k};
        backend.rms_norm(q_heads, layer.q_norm, hp.rms_eps, q_heads);
        backend.rms_norm(k_heads, layer.k_norm, hp.rms_eps, k_heads);
    }
    backend.rope(q, hp.n_heads, hp.head_dim_k, pos0, config.rope);
    backend.rope(k, hp.n_kv_heads, hp.head_dim_k, pos0, config.rope);
    if (config.q_scale != 0.0f) backend.scale(q, config.q_scale);

    backend.kv_store(kv, pos0, k, v);
    AttentionParams params;
    params.n_heads = hp.n_heads;
    params.n_kv_heads = hp.n_kv_heads;
    params.head_dim_k = hp.head_dim_k;
    params.head_dim_v = hp.head_dim_v;
    params.pos0 = pos0;
    params.sliding_window = config.sliding_window;
    params.scale = config.kq_scale;
    params.softcap = config.softcap;
    backend.attention(params, q, kv, attn);
    backend.matmul(layer.wo, attn, out);
}

void keep_last_row(Backend& backend, std::initializer_list<Rows*> rows) {
    for (Rows* r : rows) {
        if (r->rows > 1) {
            // Rows 0 and rows-1 are distinct, so the copy does not overlap.
            backend.copy_rows(Rows{r->row(r->rows - 1), 1, r->cols}, Rows{r->data, 1, r->cols});
            r->rows = 1;
        }
    }
}

void output_head(Backend& backend, const Hparams& hp, VectorTensor output_norm,
                 const WeightTensor& output, const Rows& x, Scratch& scratch, float* logits) {
    const Rows normed = scratch.get(7, x.rows, x.cols);
    backend.rms_norm(x, output_norm, hp.rms_eps, normed);
    const Rows out{logits, x.rows, output.rows};
    backend.matmul(output, normed, out);
    if (hp.final_softcap > 0.0f) backend.softcap(out, hp.final_softcap);
    backend.read_back(out);  // forward() returns the logits on the host
}

}  // namespace hearth::model
