#include "runtime/kv_cache.h"

#include <new>

#include "backend/cpu/kernels.h"
#include "core/error.h"

namespace hearth {

GgmlType kv_cache_ggml_type(KvCacheType type) {
    switch (type) {
        case KvCacheType::f16:
            return GgmlType::F16;
        case KvCacheType::q8_0:
            return GgmlType::Q8_0;
        case KvCacheType::f32:
            return GgmlType::F32;
    }
    return GgmlType::F16;
}

KvCache::KvCache(const model::Hparams& hp, int n_ctx, KvCacheType type) : n_ctx_(n_ctx) {
    const GgmlType ggml = kv_cache_ggml_type(type);
    const int64_t block = gguf::ggml_type_traits(ggml).block_size;
    if (hp.head_dim_k % block != 0 || hp.head_dim_v % block != 0) {
        throw Error(ErrorCode::unsupported,
                    "KV cache type " + std::string(gguf::ggml_type_name(ggml)) +
                        " needs head sizes that are multiples of " + std::to_string(block) +
                        " (this model has " + std::to_string(hp.head_dim_k) + ")");
    }
    const size_t k_row = cpu::row_size(ggml, int64_t(hp.n_kv_heads) * hp.head_dim_k);
    const size_t v_row = cpu::row_size(ggml, int64_t(hp.n_kv_heads) * hp.head_dim_v);
    const size_t per_layer = (k_row + v_row) * size_t(n_ctx);
    bytes_ = per_layer * size_t(hp.n_layers);
    try {
        storage_.reset(new uint8_t[bytes_]);
    } catch (const std::bad_alloc&) {
        throw Error(ErrorCode::invalid_argument,
                    "a context of " + std::to_string(n_ctx) + " tokens needs a " +
                        std::to_string(bytes_ >> 20) +
                        " MiB KV cache, more memory than this machine can allocate");
    }
    for (int il = 0; il < hp.n_layers; ++il) {
        uint8_t* base = storage_.get() + per_layer * size_t(il);
        layers_.push_back(
            KvLayerView{ggml, base, base + k_row * size_t(n_ctx), k_row, v_row, n_ctx});
    }
}

void KvCache::truncate(int n) {
    if (n < int(tokens_.size())) tokens_.resize(size_t(n));
}

}  // namespace hearth
