#pragma once
// The op boundary between a model architecture (model/) and the hardware that runs it.
//
// An architecture is written as a sequence of these ops over plain tensor views; a backend
// implements them. The CPU backend implements every op for every type it can read and is the
// fallback: a GPU backend answers supports(op, type) and the runtime sends the ops it declines
// to the CPU. Views are row-major: a matrix of `rows` rows, each `cols` contiguous floats.
//
// Numerics are part of the contract: the CPU backend mirrors ggml's CPU path (activation
// conversion to the weight's vec-dot type, F16 KV cache, online softmax) so results match
// llama.cpp to the token; another backend is tested against the CPU one op by op.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "gguf/ggml_type.h"

namespace hearth {

using gguf::GgmlType;

enum class Op {
    rms_norm,   // y = x / sqrt(mean(x^2) + eps) * w
    matmul,     // y = x W^T against a (possibly quantized) weight
    add_rows,   // y[r] += b (bias broadcast over rows)
    rope,       // rotary position embedding, normal or neox layout
    kv_store,   // convert K/V rows into the cache's type at their cells
    attention,  // softmax(q k^T * scale [+ softcap] + mask) v over the cache, GQA
    get_rows,   // embedding lookup: dequantize selected rows of a table
    silu_gate,  // g = silu(g) * u
    gelu_gate,  // g = gelu_tanh(g) * u
    add,        // y = a + b
    scale,      // x *= s
    softcap,    // x = cap * tanh(x / cap)
};

// A weight matrix in ggml order: `rows` output rows of `cols` elements each, stored
// contiguously with `row_stride` bytes between rows. Points into the model file's mapping.
struct WeightTensor {
    GgmlType type = GgmlType::F32;
    int64_t cols = 0;  // reduction dimension (ggml ne[0])
    int64_t rows = 0;  // output dimension (ggml ne[1])
    const void* data = nullptr;
    size_t row_stride = 0;
};

// A 1-D F32 vector (norm weights, biases); empty when the model has none.
struct VectorTensor {
    const float* data = nullptr;
    int64_t n = 0;
    explicit operator bool() const { return data != nullptr; }
};

// Contiguous F32 activations: rows x cols.
struct Rows {
    float* data = nullptr;
    int64_t rows = 0;
    int64_t cols = 0;
    float* row(int64_t r) const { return data + r * cols; }
};

enum class RopeLayout {
    normal,  // rotate adjacent pairs (x[2i], x[2i+1])  -- llama
    neox,    // rotate halves (x[i], x[i + n_rot/2])    -- gemma, qwen
};

struct RopeParams {
    RopeLayout layout = RopeLayout::normal;
    int n_rot = 0;            // leading dimensions of each head that rotate
    float freq_base = 10000;  // theta_i = pos * freq_scale * base^(-2i/n_rot)
    float freq_scale = 1.0f;  // 1 / linear scaling factor
};

// One layer of the KV cache: `n_cells` rows of K (n_kv_heads * head_dim_k elements of
// `type`) and of V (n_kv_heads * head_dim_v). Cell c holds position c.
struct KvLayerView {
    GgmlType type = GgmlType::F16;
    void* k = nullptr;
    void* v = nullptr;
    size_t k_row_bytes = 0;
    size_t v_row_bytes = 0;
    int n_cells = 0;
};

struct AttentionParams {
    int n_heads = 0;
    int n_kv_heads = 0;  // n_heads % n_kv_heads == 0 (grouped-query attention)
    int head_dim_k = 0;
    int head_dim_v = 0;
    int pos0 = 0;            // query row t sits at position pos0 + t (causal mask)
    int sliding_window = 0;  // > 0: a query at p sees keys at p' with p - p' < window
    float scale = 1.0f;      // applied to q.k before soft-capping
    float softcap = 0.0f;    // > 0: s = softcap * tanh(s / softcap)
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual const char* name() const = 0;
    // `type` is the weight type for matmul/get_rows, the cache type for kv_store/attention,
    // and F32 for the element-wise ops.
    virtual bool supports(Op op, GgmlType type) const = 0;

    // y[r] = x[r] / sqrt(mean(x[r]^2) + eps) * w (w optional). y may alias x.
    virtual void rms_norm(const Rows& x, VectorTensor w, float eps, const Rows& y) = 0;
    // y (x.rows x w.rows) = x (x.rows x w.cols) times w^T.
    virtual void matmul(const WeightTensor& w, const Rows& x, const Rows& y) = 0;
    virtual void add_rows(const Rows& y, VectorTensor b) = 0;
    // x is rows = tokens, cols = n_heads * head_dim; token t has position pos0 + t.
    virtual void rope(const Rows& x, int n_heads, int head_dim, int pos0,
                      const RopeParams& params) = 0;
    // Writes k/v rows (tokens) to cells pos0.. of the cache layer, converting to its type.
    virtual void kv_store(const KvLayerView& cache, int pos0, const Rows& k, const Rows& v) = 0;
    // q: tokens x (n_heads * head_dim_k); out: tokens x (n_heads * head_dim_v). Keys are the
    // cache cells 0 .. pos0 + tokens - 1.
    virtual void attention(const AttentionParams& params, const Rows& q, const KvLayerView& cache,
                           const Rows& out) = 0;
    // out[i] = dequantized row ids[i] of the table.
    virtual void get_rows(const WeightTensor& table, const int32_t* ids, const Rows& out) = 0;
    virtual void silu_gate(const Rows& gate, const Rows& up) = 0;
    virtual void gelu_gate(const Rows& gate, const Rows& up) = 0;
    virtual void add(const Rows& a, const Rows& b, const Rows& y) = 0;
    virtual void scale(const Rows& x, float s) = 0;
    virtual void softcap(const Rows& x, float cap) = 0;

    // Queued execution. A backend may queue ops and keep their results in its own memory
    // (a GPU records a whole forward pass and submits it once), so between ops the caller
    // touches activation memory only through these two. The CPU backend runs each op at
    // once: for it copy_rows is a memcpy and read_back does nothing.
    //
    // dst = src (same shape, no overlap).
    virtual void copy_rows(const Rows& src, const Rows& dst) {
        std::memcpy(dst.data, src.data, size_t(src.rows * src.cols) * sizeof(float));
    }
    // Finishes every queued op and makes `rows` (an op's output) readable on the host.
    virtual void read_back(const Rows& rows) { (void)rows; }
    // The host wrote `rows` itself (an input): a backend holding a copy takes the new bytes.
    virtual void host_wrote(const Rows& rows) { (void)rows; }
};

}  // namespace hearth
