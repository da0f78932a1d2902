// Every non-matmul shader against the CPU backend's kernels or a plain double loop, on odd
// shapes (rows 1/7/127, tokens 1/3/17, k = 32 * 13). Tolerances, per op:
//   rms_norm, silu, rope: bit-exact in the variants that reproduce the CPU's arithmetic
//   (float64 RMSNorm; exact-fma SiLU and RoPE, SiLU on whole 16-lane vectors of the AVX-512
//   level), else 1e-5 relative + 1e-6 (rope: 1e-6, host angles, driver's fma)
//   add/mul/scale/softcap/add_rows                    1e-5 relative + 1e-6 (fp32 vs fp32)
//   gelu_gate                                         bit-exact (the CPU's F16 table)
//   get_rows                                          1e-6 relative (same products, maybe fused)
//   kv_store                                          bit-exact (integer F16 rounding)
//   attention vs a double loop over the same cache    2e-4 absolute
//   attention vs the CPU op (which rounds Q and the V sum to F16 like ggml): 1e-2, a check
//   of the semantics (mask, window, GQA mapping, softcap), whose mistakes are O(0.1); and
//   bit-exact where attention_exact.comp runs (F16 cache, no softcap, float64)
#include <QTest>
#include <cmath>

#include "backend/cpu/cpu_features.h"
#include "backend/cpu/fp16.h"
#include "backend/cpu/ops_activation.h"
#include "backend/cpu/ops_attention.h"
#include "backend/cpu/ops_norm.h"
#include "backend/cpu/ops_rope.h"
#include "backend/cpu/thread_pool.h"
#include "backend/vulkan/ops.h"
#include "quant_rows.h"
#include "vulkan_test_util.h"

using namespace hearth::vulkan;
using hearth::GgmlType;

namespace {

constexpr int64_t kCols = 32 * 13;

// Softmax attention in double over an F16/F32 cache, the definition the shader implements.
std::vector<float> attention_reference(const hearth::AttentionParams& p,
                                       const std::vector<float>& q, int64_t n_tokens,
                                       const std::vector<float>& k_cells,
                                       const std::vector<float>& v_cells) {
    const int group = p.n_heads / p.n_kv_heads;
    const int64_t k_row = int64_t(p.n_kv_heads) * p.head_dim_k;
    const int64_t v_row = int64_t(p.n_kv_heads) * p.head_dim_v;
    std::vector<float> out(size_t(n_tokens * p.n_heads * p.head_dim_v));
    for (int64_t t = 0; t < n_tokens; ++t) {
        const int pos = p.pos0 + int(t);
        const int first = p.sliding_window > 0 ? std::max(0, pos - p.sliding_window + 1) : 0;
        for (int h = 0; h < p.n_heads; ++h) {
            const int kvh = h / group;
            std::vector<double> s;
            double m = -1e300;
            for (int j = first; j <= pos; ++j) {
                double dot = 0;
                for (int d = 0; d < p.head_dim_k; ++d) {
                    dot += double(q[size_t((t * p.n_heads + h) * p.head_dim_k + d)]) *
                           k_cells[size_t(j * k_row + kvh * p.head_dim_k + d)];
                }
                dot *= p.scale;
                if (p.softcap > 0) dot = p.softcap * std::tanh(dot / p.softcap);
                s.push_back(dot);
                m = std::max(m, dot);
            }
            double sum = 0;
            for (double& v : s)
                sum += (v = std::exp(v - m));
            for (int d = 0; d < p.head_dim_v; ++d) {
                double acc = 0;
                for (int j = first; j <= pos; ++j) {
                    acc +=
                        s[size_t(j - first)] * v_cells[size_t(j * v_row + kvh * p.head_dim_v + d)];
                }
                out[size_t((t * p.n_heads + h) * p.head_dim_v + d)] = float(acc / sum);
            }
        }
    }
    return out;
}

}  // namespace

// HEARTH_VULKAN_PORTABLE for one test function: the ops pick their feature-free variants.
struct PortableSwitch {
    explicit PortableSwitch(bool on) { qputenv("HEARTH_VULKAN_PORTABLE", on ? "1" : "0"); }
    ~PortableSwitch() { qunsetenv("HEARTH_VULKAN_PORTABLE"); }
    PortableSwitch(const PortableSwitch&) = delete;
    PortableSwitch& operator=(const PortableSwitch&) = delete;
};

// Data rows: the variant the device gets, and the portable one.
void variants() {
    QTest::addColumn<bool>("portable");
    QTest::newRow("device") << false;
    QTest::newRow("portable") << true;
}

class TestVulkanOps : public QObject {
    Q_OBJECT

private slots:
    void rmsNorm_data() { variants(); }
    void rmsNorm() {
        VK_REQUIRE_CONTEXT(ctx);
        QFETCH(bool, portable);
        const PortableSwitch forced(portable);
        // The float64 variant is the CPU op's arithmetic: equal to the bit.
        const bool exact = ctx->info().float64 && !portable;
        std::mt19937 rng(1);
        for (int64_t rows : {1, 7, 127}) {
            for (bool with_w : {false, true}) {
                const auto x = vulkan_test::random_floats(rng, size_t(rows * kCols), 3.0f);
                const auto w = vulkan_test::random_floats(rng, size_t(kCols));
                std::vector<float> want(x.size());
                hearth::cpu::rms_norm_rows(x.data(), with_w ? w.data() : nullptr, want.data(), rows,
                                           kCols, 1e-5f);
                Allocation xb = vulkan_test::upload(*ctx, x), wb = vulkan_test::upload(*ctx, w);
                Region none;
                // In place, as the backend runs it.
                ops::rms_norm(*ctx, xb.region(), with_w ? wb.region() : none, rows, kCols, 1e-5f,
                              xb.region());
                VK_COMPARE_CLOSE(vulkan_test::download<float>(*ctx, xb, x.size()), want,
                                 exact ? 0 : 1e-6, exact ? 0 : 1e-5);
            }
        }
    }

    void rope_data() { variants(); }
    void rope() {
        VK_REQUIRE_CONTEXT(ctx);
        QFETCH(bool, portable);
        const PortableSwitch forced(portable);
        // The angles' cos/sin come from the host: equal to the bit where fma is exact.
        const bool exact = !ctx->info().splits_fma || (ctx->info().float64 && !portable);
        std::mt19937 rng(2);
        for (auto layout : {hearth::RopeLayout::normal, hearth::RopeLayout::neox}) {
            for (int n_rot : {64, 32}) {
                for (int64_t tokens : {1, 3, 17}) {
                    const int n_heads = 3, head_dim = 64, pos0 = 5;
                    hearth::RopeParams params{layout, n_rot, 10000.0f, 1.0f};
                    if (n_rot == 32) params.freq_scale = 0.5f;
                    auto x = vulkan_test::random_floats(rng, size_t(tokens * n_heads * head_dim));
                    Allocation xb = vulkan_test::upload(*ctx, x);
                    hearth::cpu::rope_rows(x.data(), tokens, n_heads, head_dim, pos0, params);
                    ops::rope(*ctx, xb.region(), tokens, n_heads, head_dim, pos0, params);
                    VK_COMPARE_CLOSE(vulkan_test::download<float>(*ctx, xb, x.size()), x,
                                     exact ? 0 : 1e-6, exact ? 0 : 1e-6);
                }
            }
        }
    }

    void gatedActivations_data() { variants(); }
    void gatedActivations() {
        VK_REQUIRE_CONTEXT(ctx);
        QFETCH(bool, portable);
        const PortableSwitch forced(portable);
        // SiLU follows the CPU's AVX-512 exp on whole vectors of 16: equal to the bit there
        // where fma is exact (its tails and other levels use the C library's exp).
        const bool exact_silu = (!ctx->info().splits_fma || (ctx->info().float64 && !portable)) &&
                                hearth::cpu::active_simd_level() == hearth::cpu::SimdLevel::avx512;
        std::mt19937 rng(3);
        for (int64_t n : {int64_t(1), int64_t(7), 127 * kCols}) {
            auto g = vulkan_test::random_floats(rng, size_t(n), 4.0f);
            if (n > 7) g[0] = -12.0f, g[1] = 11.0f, g[2] = -10.0f;  // the clamped ends
            const auto u = vulkan_test::random_floats(rng, size_t(n));
            for (bool gelu : {false, true}) {
                std::vector<float> want = g;
                Allocation gb = vulkan_test::upload(*ctx, g), ub = vulkan_test::upload(*ctx, u);
                if (gelu) {
                    hearth::cpu::gelu_gate(want.data(), u.data(), n);
                    ops::gelu_gate(*ctx, gb.region(), ub.region(), n);
                } else {
                    hearth::cpu::silu_gate(want.data(), u.data(), n);
                    ops::silu_gate(*ctx, gb.region(), ub.region(), n);
                }
                // GELU reads the CPU's own table: always the CPU's to the bit.
                const bool exact = gelu || (exact_silu && n % 16 == 0);
                VK_COMPARE_CLOSE(vulkan_test::download<float>(*ctx, gb, size_t(n)), want,
                                 exact ? 0 : 1e-6, exact ? 0 : 1e-5);
            }
        }
    }

    void elementwise() {
        VK_REQUIRE_CONTEXT(ctx);
        std::mt19937 rng(4);
        for (int64_t rows : {1, 7, 127}) {
            const size_t n = size_t(rows * kCols);
            const auto a = vulkan_test::random_floats(rng, n, 5.0f);
            const auto b = vulkan_test::random_floats(rng, n);
            const auto bias = vulkan_test::random_floats(rng, size_t(kCols));
            std::vector<float> sum(n), prod(n), scaled(n), capped(n), biased(n);
            for (size_t i = 0; i < n; ++i) {
                sum[i] = a[i] + b[i];
                prod[i] = a[i] * b[i];
                scaled[i] = a[i] * 0.125f;
                biased[i] = a[i] + bias[i % size_t(kCols)];
            }
            capped = a;
            hearth::cpu::softcap(capped.data(), int64_t(n), 3.0f);
            Allocation ab = vulkan_test::upload(*ctx, a), bb = vulkan_test::upload(*ctx, b);
            Allocation yb(ctx->memory(), n * sizeof(float));
            ops::add(*ctx, ab.region(), bb.region(), yb.region(), int64_t(n));
            VK_COMPARE_CLOSE(vulkan_test::download<float>(*ctx, yb, n), sum, 1e-6, 1e-6);
            ops::mul(*ctx, ab.region(), bb.region(), yb.region(), int64_t(n));
            VK_COMPARE_CLOSE(vulkan_test::download<float>(*ctx, yb, n), prod, 1e-6, 1e-6);

            Allocation biasb = vulkan_test::upload(*ctx, bias);
            Allocation x1 = vulkan_test::upload(*ctx, a);
            ops::add_rows(*ctx, x1.region(), biasb.region(), int64_t(n), kCols);
            VK_COMPARE_CLOSE(vulkan_test::download<float>(*ctx, x1, n), biased, 1e-6, 1e-6);
            Allocation x2 = vulkan_test::upload(*ctx, a);
            ops::scale(*ctx, x2.region(), int64_t(n), 0.125f);
            VK_COMPARE_CLOSE(vulkan_test::download<float>(*ctx, x2, n), scaled, 0, 0);
            Allocation x3 = vulkan_test::upload(*ctx, a);
            ops::softcap(*ctx, x3.region(), int64_t(n), 3.0f);
            VK_COMPARE_CLOSE(vulkan_test::download<float>(*ctx, x3, n), capped, 1e-6, 1e-5);
        }
    }

    void getRowsEveryType() {
        VK_REQUIRE_CONTEXT(ctx);
        std::mt19937 rng(5);
        for (GgmlType type : {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q4_0,
                              GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0,
                              GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K}) {
            const int64_t k =
                (type == GgmlType::Q4_K || type == GgmlType::Q5_K || type == GgmlType::Q6_K)
                    ? 512
                    : kCols;
            const int64_t table_rows = 13;
            const auto table = vulkan_test::random_weights(rng, type, table_rows, k);
            const size_t stride = hearth::cpu::row_size(type, k);
            const std::vector<int32_t> ids = {12, 0, 5, 5, 7, 1, 12};
            std::vector<float> want(ids.size() * size_t(k));
            for (size_t i = 0; i < ids.size(); ++i) {
                hearth::cpu::dequantize_row(type, table.data() + size_t(ids[i]) * stride,
                                            want.data() + i * size_t(k), k);
            }
            Allocation tb = vulkan_test::upload(*ctx, table), ib = vulkan_test::upload(*ctx, ids);
            Allocation ob(ctx->memory(), want.size() * sizeof(float));
            ops::get_rows(*ctx, type, tb.region(), stride, k, ib.region(), int64_t(ids.size()),
                          ob.region());
            const auto got = vulkan_test::download<float>(*ctx, ob, want.size());
            std::string message;
            if (!vulkan_test::close_all(got, want, 1e-7, 1e-6, message)) {
                QFAIL(qPrintable(QString::fromStdString(
                    std::string(hearth::gguf::ggml_type_name(type)) + ": " + message)));
            }
        }
    }

    void kvStoreIsBitExact() {
        VK_REQUIRE_CONTEXT(ctx);
        std::mt19937 rng(6);
        for (GgmlType type : {GgmlType::F16, GgmlType::F32}) {
            const int64_t k_cols = 2 * 64, v_cols = 2 * 32, cells = 40, tokens = 17, pos0 = 9;
            const size_t elem = type == GgmlType::F16 ? 2 : 4;
            auto k = vulkan_test::random_floats(rng, size_t(tokens * k_cols), 10.0f);
            const auto v = vulkan_test::random_floats(rng, size_t(tokens * v_cols), 1e-3f);
            k[0] = 70000.0f, k[1] = -1e-7f, k[2] = 6e-8f;  // overflow and subnormal halves
            std::vector<uint8_t> k_want(size_t(cells * k_cols) * elem, 0xAB);
            std::vector<uint8_t> v_want(size_t(cells * v_cols) * elem, 0xCD);
            Allocation kc = vulkan_test::upload(*ctx, k_want),
                       vc = vulkan_test::upload(*ctx, v_want);
            for (int64_t t = 0; t < tokens; ++t) {
                hearth::cpu::quantize_row(type, k.data() + t * k_cols,
                                          k_want.data() + size_t((pos0 + t) * k_cols) * elem,
                                          k_cols);
                hearth::cpu::quantize_row(type, v.data() + t * v_cols,
                                          v_want.data() + size_t((pos0 + t) * v_cols) * elem,
                                          v_cols);
            }
            Allocation kb = vulkan_test::upload(*ctx, k), vb = vulkan_test::upload(*ctx, v);
            ops::kv_store(*ctx, type, kc.region(), vc.region(), int(pos0), kb.region(), vb.region(),
                          tokens, k_cols, v_cols);
            QVERIFY(vulkan_test::download<uint8_t>(*ctx, kc, k_want.size()) == k_want);
            QVERIFY(vulkan_test::download<uint8_t>(*ctx, vc, v_want.size()) == v_want);
        }
    }

    void attention_data() {
        QTest::addColumn<int>("tokens");
        QTest::addColumn<int>("pos0");
        QTest::addColumn<int>("head_dim");
        QTest::addColumn<int>("window");
        QTest::addColumn<float>("softcap");
        QTest::addColumn<int>("cache_type");
        QTest::newRow("decode") << 1 << 0 << 64 << 0 << 0.0f << int(GgmlType::F16);
        QTest::newRow("decode-after-70") << 1 << 70 << 64 << 0 << 0.0f << int(GgmlType::F16);
        QTest::newRow("prefill-3") << 3 << 0 << 64 << 0 << 0.0f << int(GgmlType::F16);
        QTest::newRow("prefill-17-at-60") << 17 << 60 << 64 << 0 << 0.0f << int(GgmlType::F16);
        QTest::newRow("head-dim-256") << 3 << 5 << 256 << 0 << 0.0f << int(GgmlType::F16);
        QTest::newRow("window-8") << 17 << 20 << 64 << 8 << 0.0f << int(GgmlType::F16);
        // 64+ rows: the CPU's tiled kernel (tiles of 64 cells, a partial first and last).
        QTest::newRow("prefill-70-at-30") << 70 << 30 << 64 << 0 << 0.0f << int(GgmlType::F16);
        QTest::newRow("prefill-64-window-40") << 64 << 3 << 64 << 40 << 0.0f << int(GgmlType::F16);
        QTest::newRow("softcap-f32") << 3 << 70 << 32 << 0 << 5.0f << int(GgmlType::F32);
    }

    void attention() {
        QFETCH(int, tokens);
        QFETCH(int, pos0);
        QFETCH(int, head_dim);
        QFETCH(int, window);
        QFETCH(float, softcap);
        QFETCH(int, cache_type);
        VK_REQUIRE_CONTEXT(ctx);
        const GgmlType type = GgmlType(cache_type);
        std::mt19937 rng(7 + tokens + pos0);
        hearth::AttentionParams p;
        p.n_heads = 4, p.n_kv_heads = 2, p.head_dim_k = head_dim, p.head_dim_v = head_dim;
        p.pos0 = pos0, p.sliding_window = window, p.softcap = softcap;
        p.scale = 1.0f / std::sqrt(float(head_dim));
        const int cells = pos0 + tokens + 3;
        const int64_t k_cols = int64_t(p.n_kv_heads) * head_dim;
        const size_t row_bytes = hearth::cpu::row_size(type, k_cols);

        // Fill every cell through the CPU's kv_store, then give the device the same bytes.
        std::vector<uint8_t> k_cache(row_bytes * size_t(cells)), v_cache(k_cache.size());
        hearth::KvLayerView view{type, k_cache.data(), v_cache.data(), row_bytes, row_bytes, cells};
        auto k_all = vulkan_test::random_floats(rng, size_t(cells * k_cols), 2.0f);
        auto v_all = vulkan_test::random_floats(rng, size_t(cells * k_cols));
        hearth::cpu::kv_store(view, 0, {k_all.data(), cells, k_cols},
                              {v_all.data(), cells, k_cols});
        std::vector<float> k_cells(k_all.size()), v_cells(v_all.size());
        for (int c = 0; c < cells; ++c) {
            hearth::cpu::dequantize_row(type, k_cache.data() + size_t(c) * row_bytes,
                                        k_cells.data() + size_t(c * k_cols), k_cols);
            hearth::cpu::dequantize_row(type, v_cache.data() + size_t(c) * row_bytes,
                                        v_cells.data() + size_t(c * k_cols), k_cols);
        }
        auto q = vulkan_test::random_floats(rng, size_t(tokens * p.n_heads * head_dim));

        Allocation kb = vulkan_test::upload(*ctx, k_cache), vb = vulkan_test::upload(*ctx, v_cache);
        Allocation qb = vulkan_test::upload(*ctx, q);
        Allocation ob(ctx->memory(), q.size() * sizeof(float));
        std::vector<float> cpu_out(q.size());
        hearth::cpu::ThreadPool pool(1);
        hearth::cpu::attention(pool, p, {q.data(), tokens, int64_t(p.n_heads) * head_dim}, view,
                               {cpu_out.data(), tokens, int64_t(p.n_heads) * head_dim});
        const auto reference = attention_reference(p, q, tokens, k_cells, v_cells);
        for (bool portable : {false, true}) {
            const PortableSwitch forced(portable);
            ops::attention(*ctx, type, p, qb.region(), tokens, kb.region(), vb.region(),
                           ob.region());
            const auto got = vulkan_test::download<float>(*ctx, ob, q.size());
            // attention_exact.comp: the CPU's decode path (< 64 rows, half accumulator and
            // all) or its tiled kernel, to the bit (F16 cache, no softcap); else
            // attention.comp, F32 throughout.
            const bool exact = !portable && ctx->info().float64 && type == GgmlType::F16 &&
                               softcap == 0.0f &&
                               hearth::cpu::active_simd_level() == hearth::cpu::SimdLevel::avx512;
            if (exact) {
                VK_COMPARE_CLOSE(got, cpu_out, 0, 0);
            } else {
                VK_COMPARE_CLOSE(got, reference, 2e-4, 0);
                VK_COMPARE_CLOSE(got, cpu_out, 1e-2, 1e-2);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestVulkanOps)
#include "test_vulkan_ops.moc"
