#pragma once
// The KV cache of one session: for every layer, n_ctx cells of K and of V rows in the
// cache type (F16 by default, as llama.cpp). Cell c holds the token at position c, so the
// cache is a prefix of the conversation: tokens() says which.
#include <cstdint>
#include <memory>
#include <vector>

#include "backend/backend.h"
#include "model/hparams.h"
#include "runtime/engine.h"

namespace hearth {

GgmlType kv_cache_ggml_type(KvCacheType type);

class KvCache {
public:
    // Throws Error(unsupported) when the head sizes do not fit the type's blocks (Q8_0: 32).
    KvCache(const model::Hparams& hp, int n_ctx, KvCacheType type);

    int n_ctx() const { return n_ctx_; }
    const std::vector<KvLayerView>& layers() const { return layers_; }
    size_t bytes() const { return bytes_; }

    // Tokens whose K/V fill cells 0 .. size()-1.
    const std::vector<int32_t>& tokens() const { return tokens_; }
    void append(const int32_t* tokens, int n) { tokens_.insert(tokens_.end(), tokens, tokens + n); }
    // Forgets cells n.. (their contents are overwritten by the next evaluation).
    void truncate(int n);

private:
    int n_ctx_;
    size_t bytes_ = 0;
    std::unique_ptr<uint8_t[]> storage_;
    std::vector<KvLayerView> layers_;
    std::vector<int32_t> tokens_;
};

}  // namespace hearth
