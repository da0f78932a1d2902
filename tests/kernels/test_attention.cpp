// CPU attention: every SIMD level bit-identical to the scalar path on odd shapes (token
// counts that are not multiples of the blocks, a cached prefix, GQA groups, head sizes that
// are not multiples of 16, sliding windows, soft-capping, F16 and F32 caches, 1-3 threads),
// and the scalar path against a plain double-precision softmax.
#include <QtTest>
#include <cmath>
#include <cstring>

#include "backend/cpu/ops_attention.h"
#include "backend/cpu/thread_pool.h"
#include "kernel_test_util.h"

using namespace hearth;
using namespace hearth::cpu;
using namespace kernel_test;

namespace {

struct Case {
    int n_heads, n_kv_heads, dk, dv, tokens, pos0, window;
    float softcap;
    GgmlType type;
};

struct Fixture {
    AttentionParams params;
    std::vector<uint8_t> k, v;
    KvLayerView cache;
    std::vector<float> q;
    std::vector<float> k_f32, v_f32;  // the cache contents as floats, for the reference

    Fixture(const Case& c, std::mt19937& rng) {
        params.n_heads = c.n_heads;
        params.n_kv_heads = c.n_kv_heads;
        params.head_dim_k = c.dk;
        params.head_dim_v = c.dv;
        params.pos0 = c.pos0;
        params.sliding_window = c.window;
        params.scale = 1.0f / std::sqrt(float(c.dk));
        params.softcap = c.softcap;
        const int cells = c.pos0 + c.tokens;
        const int k_cols = c.n_kv_heads * c.dk;
        const int v_cols = c.n_kv_heads * c.dv;
        cache.type = c.type;
        cache.k_row_bytes = row_size(c.type, k_cols);
        cache.v_row_bytes = row_size(c.type, v_cols);
        cache.n_cells = cells;
        k.resize(cache.k_row_bytes * size_t(cells));
        v.resize(cache.v_row_bytes * size_t(cells));
        k_f32.resize(size_t(k_cols) * size_t(cells));
        v_f32.resize(size_t(v_cols) * size_t(cells));
        for (int cell = 0; cell < cells; ++cell) {
            const auto kr = random_floats(rng, k_cols);
            const auto vr = random_floats(rng, v_cols);
            quantize_row(c.type, kr.data(), k.data() + size_t(cell) * cache.k_row_bytes, k_cols);
            quantize_row(c.type, vr.data(), v.data() + size_t(cell) * cache.v_row_bytes, v_cols);
            dequantize_row(c.type, k.data() + size_t(cell) * cache.k_row_bytes,
                           k_f32.data() + size_t(cell) * size_t(k_cols), k_cols);
            dequantize_row(c.type, v.data() + size_t(cell) * cache.v_row_bytes,
                           v_f32.data() + size_t(cell) * size_t(v_cols), v_cols);
        }
        cache.k = k.data();
        cache.v = v.data();
        q = random_floats(rng, int64_t(c.tokens) * c.n_heads * c.dk);
    }

    std::vector<float> run(ThreadPool& pool, SimdLevel level, int tokens) {
        std::vector<float> out(size_t(tokens) * size_t(params.n_heads * params.head_dim_v), -1.0f);
        const Rows qr{q.data(), tokens, int64_t(params.n_heads) * params.head_dim_k};
        const Rows orows{out.data(), tokens, int64_t(params.n_heads) * params.head_dim_v};
        attention_at_level(pool, level, params, qr, cache, orows);
        return out;
    }

    // Softmax attention in double for query row t, head h, element i.
    double reference(int t, int h, int i) const {
        const int group = params.n_heads / params.n_kv_heads;
        const int kvh = h / group;
        const int p = params.pos0 + t;
        const int first =
            params.sliding_window > 0 ? std::max(0, p - params.sliding_window + 1) : 0;
        const int k_cols = params.n_kv_heads * params.head_dim_k;
        const int v_cols = params.n_kv_heads * params.head_dim_v;
        const float* qv = q.data() + (size_t(t) * params.n_heads + h) * params.head_dim_k;
        std::vector<double> s;
        double mx = -INFINITY;
        for (int c = first; c <= p; ++c) {
            double dot = 0;
            for (int d = 0; d < params.head_dim_k; ++d)
                dot += double(qv[d]) * k_f32[size_t(c) * k_cols + kvh * params.head_dim_k + d];
            dot *= params.scale;
            if (params.softcap > 0) dot = params.softcap * std::tanh(dot / params.softcap);
            s.push_back(dot);
            mx = std::max(mx, dot);
        }
        double num = 0, den = 0;
        for (int c = first; c <= p; ++c) {
            const double e = std::exp(s[size_t(c - first)] - mx);
            den += e;
            num += e * v_f32[size_t(c) * v_cols + kvh * params.head_dim_v + i];
        }
        return num / den;
    }
};

std::vector<SimdLevel> simd_levels_present() {
    std::vector<SimdLevel> levels;
    if (detected_simd_level() >= SimdLevel::avx2) levels.push_back(SimdLevel::avx2);
    if (detected_simd_level() >= SimdLevel::avx512) levels.push_back(SimdLevel::avx512);
    return levels;
}

const Case kCases[] = {
    // SmolLM2-like heads, a prompt that ends inside a block and a tile.
    {9, 3, 64, 64, 77, 0, 0, 0.0f, GgmlType::F16},
    // Gemma-like: one KV head, large heads, a cached prefix and a sliding window.
    {4, 1, 256, 256, 65, 30, 40, 0.0f, GgmlType::F16},
    // Head sizes off the 16-lane grid, soft-capping, F32 cache, window crossing tiles.
    {2, 2, 40, 24, 100, 5, 70, 30.0f, GgmlType::F32},
    // Prefix not aligned to a tile, no window, 3 heads per group.
    {6, 2, 48, 80, 70, 61, 0, 0.0f, GgmlType::F16},
};

}  // namespace

class TestAttention : public QObject {
    Q_OBJECT

private slots:
    void simdLevelsAreBitIdenticalToScalar() {
        std::mt19937 rng(4242);
        int compared = 0;
        for (const Case& c : kCases) {
            Fixture f(c, rng);
            ThreadPool one(1);
            // The tiled path, and the one-row path (decode, short batches).
            for (int tokens : {c.tokens, 1, 5}) {
                const auto want = f.run(one, SimdLevel::scalar, tokens);
                for (int threads : {1, 2, 3}) {
                    ThreadPool pool(threads);
                    for (SimdLevel level : simd_levels_present()) {
                        const auto got = f.run(pool, level, tokens);
                        QVERIFY2(
                            std::memcmp(got.data(), want.data(), want.size() * sizeof(float)) == 0,
                            qPrintable(QString("%1 threads=%2 heads=%3/%4 dk=%5 dv=%6 tokens=%7")
                                           .arg(simd_level_name(level))
                                           .arg(threads)
                                           .arg(c.n_heads)
                                           .arg(c.n_kv_heads)
                                           .arg(c.dk)
                                           .arg(c.dv)
                                           .arg(tokens)));
                        ++compared;
                    }
                }
            }
        }
        QVERIFY(compared > 0 || detected_simd_level() == SimdLevel::scalar);
    }

    void scalarMatchesDoubleSoftmax() {
        std::mt19937 rng(17);
        for (const Case& c : kCases) {
            Fixture f(c, rng);
            ThreadPool pool(2);
            for (int tokens : {c.tokens, 1}) {  // the tiled and the one-row (decode) paths
                const auto got = f.run(pool, SimdLevel::scalar, tokens);
                for (int t = 0; t < tokens; t += 7) {
                    for (int h = 0; h < c.n_heads; ++h) {
                        for (int i = 0; i < c.dv; i += 5) {
                            const double want = f.reference(t, h, i);
                            const float g = got[(size_t(t) * c.n_heads + h) * c.dv + i];
                            QVERIFY2(std::abs(g - want) <= 2e-2 * (1 + std::abs(want)),
                                     qPrintable(QString("t=%1 h=%2 i=%3 got %4 want %5")
                                                    .arg(t)
                                                    .arg(h)
                                                    .arg(i)
                                                    .arg(g)
                                                    .arg(want)));
                        }
                    }
                }
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestAttention)
#include "test_attention.moc"
