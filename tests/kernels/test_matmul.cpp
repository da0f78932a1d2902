// matmul against a naive dequantize-and-sum in double precision, on odd shapes (rows
// 1/7/127, tokens 1/3/17) and pool sizes 1..4, at the active SIMD level; and bit for bit
// against the per-row kernels (whatever GEMM tiles it uses must not change a bit).
#include <QtTest>
#include <cmath>
#include <cstring>

#include "backend/cpu/kernels_dispatch.h"
#include "backend/cpu/thread_pool.h"
#include "kernel_test_util.h"

using namespace hearth::cpu;
using namespace kernel_test;

class TestMatmul : public QObject {
    Q_OBJECT

private slots:
    void matchesDequantizedReference() {
        std::mt19937 rng(2024);
        const GgmlType types[] = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q4_0,
                                  GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0,
                                  GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::Q4_K, GgmlType::Q5_K,
                                  GgmlType::Q6_K};
        for (int threads : {1, 2, 3, 4}) {
            ThreadPool pool(threads);
            for (GgmlType t : types) {
                const int64_t block = std::max<int64_t>(32, block_shape(vec_dot_type(t)).elements);
                for (int64_t rows : {1, 7, 127}) {
                    for (int64_t tokens : {1, 3, 17}) {
                        if (threads > 2 && rows == 127 && tokens == 17) continue;  // keep it short
                        check(pool, rng, t, block * 3, rows, tokens);
                    }
                }
            }
        }
    }

    // Prefill shapes around the GEMM tiles (rows and tokens not multiples of the tile, several
    // row panels, one or two threads) give exactly the bits of the one-row kernels in the
    // order matmul used before the tiles: groups of kMultiTokens tokens by the multi-token
    // kernel, the rest by the multi-row / single dots, the tiled order from kTiledMinTokens.
    void prefillIsBitIdenticalToThePerRowKernels() {
        std::mt19937 rng(77);
        const SimdLevel level = active_simd_level();
        int tiled_shapes = 0;
        for (GgmlType t : {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1,
                           GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K}) {
            const int64_t cols = block_shape(t).elements * 3;
            for (int threads : {1, 2}) {
                ThreadPool pool(threads);
                for (int64_t rows : {7, 37}) {
                    for (int64_t tokens : {5, 16, 37}) {
                        if (threads == 2 && rows == 7) continue;  // keep it short
                        check_bits(pool, rng, level, t, cols, rows, tokens);
                        tiled_shapes += bool(gemm_fn(level, t, tokens));
                    }
                }
            }
        }
        if (level == SimdLevel::avx512) QVERIFY(tiled_shapes >= 7 * 3);
    }

    void largerShapeUsesRowStride() {
        std::mt19937 rng(7);
        ThreadPool pool(2);
        check(pool, rng, GgmlType::Q4_1, 576, 1536, 2, /*stride_pad=*/64);
        check(pool, rng, GgmlType::Q4_K, 512, 300, 5, /*stride_pad=*/16);
    }

    void keepsCallerScratch() {
        ThreadPool pool(2);
        auto* mine = static_cast<float*>(pool.scratch(0, 1024 * sizeof(float)));
        std::mt19937 rng(1);
        const auto x = random_floats(rng, 1024);
        std::copy(x.begin(), x.end(), mine);
        const auto w = random_row(rng, GgmlType::Q8_0, 1024);
        float y = 0.0f;
        matmul(pool, {GgmlType::Q8_0, 1024, 1, w.data(), w.size()}, mine, 1, &y);
        QVERIFY(std::equal(x.begin(), x.end(), mine));
    }

    void rejectsBadViews() {
        ThreadPool pool(1);
        float x[64] = {}, y[2] = {};
        uint8_t w[256] = {};
        QVERIFY_THROWS_EXCEPTION(hearth::Error,
                                 matmul(pool, {GgmlType::Q4_0, 48, 1, w, 64}, x, 1, y));
        QVERIFY_THROWS_EXCEPTION(hearth::Error,
                                 matmul(pool, {GgmlType::Q4_0, 64, 2, w, 20}, x, 1, y));
        QVERIFY_THROWS_EXCEPTION(hearth::Error,
                                 matmul(pool, {GgmlType::IQ2_XXS, 256, 1, w, 66}, x, 1, y));
    }

private:
    static void check_bits(ThreadPool& pool, std::mt19937& rng, SimdLevel level, GgmlType t,
                           int64_t cols, int64_t rows, int64_t tokens) {
        const size_t stride = row_size(t, cols) + 6;  // padded, unaligned rows
        std::vector<uint8_t> w(stride * static_cast<size_t>(rows));
        for (int64_t r = 0; r < rows; ++r) {
            const auto row = random_row(rng, t, cols);
            std::copy(row.begin(), row.end(), w.begin() + static_cast<ptrdiff_t>(r * stride));
        }
        const auto x = random_floats(rng, cols * tokens);
        std::vector<float> got(static_cast<size_t>(rows * tokens), -1.0f);
        matmul(pool, {t, cols, rows, w.data(), stride}, x.data(), tokens, got.data());

        const GgmlType at = vec_dot_type(t);
        const size_t a_bytes = row_size(at, cols);
        std::vector<uint8_t> act(a_bytes * static_cast<size_t>(tokens));
        for (int64_t k = 0; k < tokens; ++k)
            quantize_row_activation(at, x.data() + k * cols, act.data() + k * a_bytes, cols);
        VecDotFn dot = vec_dot_fn(level, t);
        VecDotMultiFn multi = vec_dot_multi_fn(level, t);
        VecDotRowsFn rows_fn = vec_dot_rows_fn(level, t);
        if (tokens >= kTiledMinTokens && vec_dot_tiled_fn(level, t)) {
            dot = vec_dot_tiled_fn(level, t);
            multi = vec_dot_multi_tiled_fn(level, t);
            rows_fn = nullptr;
        }
        std::vector<float> want(got.size(), -2.0f);
        const int64_t multi_tokens = multi ? tokens / kMultiTokens * kMultiTokens : 0;
        const int64_t row_groups = rows_fn ? rows / kMultiRows * kMultiRows : 0;
        for (int64_t k = 0; k < tokens; ++k) {
            const uint8_t* a = act.data() + k * a_bytes;
            for (int64_t r = 0; r < rows; ++r) {
                const uint8_t* wr = w.data() + r * stride;
                if (k < multi_tokens) {
                    if (k % kMultiTokens == 0)
                        multi(cols, wr, a, a_bytes, &want[k * rows + r], rows);
                } else if (r < row_groups) {
                    if (r % kMultiRows == 0) rows_fn(cols, wr, stride, a, &want[k * rows + r]);
                } else {
                    want[k * rows + r] = dot(cols, wr, a);
                }
            }
        }
        for (size_t i = 0; i < got.size(); ++i) {
            QVERIFY2(std::memcmp(&got[i], &want[i], sizeof(float)) == 0,
                     qPrintable(QString("%1 cols=%2 rows=%3 tokens=%4 r=%5 t=%6: %7 vs %8 "
                                        "(threads %9)")
                                    .arg(type_name(t))
                                    .arg(cols)
                                    .arg(rows)
                                    .arg(tokens)
                                    .arg(int64_t(i) % rows)
                                    .arg(int64_t(i) / rows)
                                    .arg(double(got[i]), 0, 'g', 9)
                                    .arg(double(want[i]), 0, 'g', 9)
                                    .arg(pool.size())));
        }
    }

    static void check(ThreadPool& pool, std::mt19937& rng, GgmlType t, int64_t cols, int64_t rows,
                      int64_t tokens, size_t stride_pad = 0) {
        const size_t row_bytes = row_size(t, cols);
        const size_t stride = row_bytes + stride_pad;
        std::vector<uint8_t> w(stride * static_cast<size_t>(rows));
        for (int64_t r = 0; r < rows; ++r) {
            const auto row = random_row(rng, t, cols);
            std::copy(row.begin(), row.end(), w.begin() + static_cast<ptrdiff_t>(r * stride));
        }
        const auto x = random_floats(rng, cols * tokens);
        std::vector<float> y(static_cast<size_t>(rows * tokens), -1.0f);
        matmul(pool, {t, cols, rows, w.data(), stride}, x.data(), tokens, y.data());

        std::vector<float> wf(static_cast<size_t>(cols));
        for (int64_t r = 0; r < rows; ++r) {
            dequantize_row(t, w.data() + r * stride, wf.data(), cols);
            for (int64_t k = 0; k < tokens; ++k) {
                double want = 0.0, mag = 0.0;
                for (int64_t i = 0; i < cols; ++i) {
                    want += static_cast<double>(wf[i]) * x[k * cols + i];
                    mag += std::abs(static_cast<double>(wf[i]) * x[k * cols + i]);
                }
                // The activations are quantized to 8 bits (or halves): relative error on
                // the order of 1/127 of the magnitude, far below it for float types.
                const double tol = (t == GgmlType::F32 ? 1e-5 : 1.5e-2) * mag + 1e-5;
                const float got = y[static_cast<size_t>(k * rows + r)];
                QVERIFY2(std::abs(got - want) <= tol,
                         qPrintable(QString("%1 cols=%2 rows=%3 tokens=%4 r=%5 t=%6 got %7 want "
                                            "%8 (threads %9)")
                                        .arg(type_name(t))
                                        .arg(cols)
                                        .arg(rows)
                                        .arg(tokens)
                                        .arg(r)
                                        .arg(k)
                                        .arg(got)
                                        .arg(want)
                                        .arg(pool.size())));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestMatmul)
#include "test_matmul.moc"
