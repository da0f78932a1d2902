// Our kernels against the ggml built with the reference llama.cpp (HEARTH_LLAMA_DIR): the
// activation quantizers must be byte-identical to the x86 CPU backend's (that is what
// makes logits match llama.cpp token for token), dequantize and the reference quantizers
// byte-identical to ggml-base, every vec_dot equal to ggml's up to float rounding, and
// bit-identical for the types on llama.cpp's plain vec_dot path that the real models use.
// The libraries are loaded at run time; only their exported C functions are called.
#include <QLibrary>
#include <QtTest>
#include <cmath>
#include <cstring>
#include <tuple>

#include "backend/cpu/thread_pool.h"
#include "kernel_test_util.h"

using namespace hearth::cpu;
using namespace kernel_test;

namespace {

using GgmlQuantizeRow = void (*)(const float* x, void* y, int64_t k);
using GgmlDequantizeRow = void (*)(const void* x, float* y, int64_t k);
using GgmlVecDot = void (*)(int n, float* s, size_t bs, const void* x, size_t bx, const void* y,
                            size_t by, int nrc);
using GgmlCpuInit = void (*)();

// Just enough of ggml's graph API to run one mul_mat the way llama.cpp does (opaque handles,
// resolved at run time like the functions above).
struct GgmlInitParams {
    size_t mem_size;
    void* mem_buffer;
    bool no_alloc;
};
constexpr int kGgmlTypeF32 = 0;
constexpr int kGgmlTypeQ6K = 14;
using GgmlInit = void* (*)(GgmlInitParams);
using GgmlFree = void (*)(void*);
using GgmlNewTensor2d = void* (*)(void*, int, int64_t, int64_t);
using GgmlMulMat = void* (*)(void*, void*, void*);
using GgmlNewGraph = void* (*)(void*);
using GgmlBuildForward = void (*)(void*, void*);
using GgmlGraphCompute = int (*)(void*, void*, int);
using GgmlGetData = void* (*)(const void*);

struct DotCase {
    GgmlType type;
    const char* ggml_vec_dot;
    const char* ggml_dequantize;
};

const DotCase kDotCases[] = {
    {GgmlType::Q4_0, "ggml_vec_dot_q4_0_q8_0", "dequantize_row_q4_0"},
    {GgmlType::Q4_1, "ggml_vec_dot_q4_1_q8_1", "dequantize_row_q4_1"},
    {GgmlType::Q5_0, "ggml_vec_dot_q5_0_q8_0", "dequantize_row_q5_0"},
    {GgmlType::Q5_1, "ggml_vec_dot_q5_1_q8_1", "dequantize_row_q5_1"},
    {GgmlType::Q8_0, "ggml_vec_dot_q8_0_q8_0", "dequantize_row_q8_0"},
    {GgmlType::Q2_K, "ggml_vec_dot_q2_K_q8_K", "dequantize_row_q2_K"},
    {GgmlType::Q3_K, "ggml_vec_dot_q3_K_q8_K", "dequantize_row_q3_K"},
    {GgmlType::Q4_K, "ggml_vec_dot_q4_K_q8_K", "dequantize_row_q4_K"},
    {GgmlType::Q5_K, "ggml_vec_dot_q5_K_q8_K", "dequantize_row_q5_K"},
    {GgmlType::Q6_K, "ggml_vec_dot_q6_K_q8_K", "dequantize_row_q6_K"},
    {GgmlType::F16, "ggml_vec_dot_f16", "ggml_fp16_to_fp32_row"},
};

}  // namespace

class TestVsGgml : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        base_.setFileName(QString(HEARTH_LLAMA_DIR) + "/libggml-base.so");
        cpu_.setFileName(QString(HEARTH_LLAMA_DIR) + "/libggml-cpu.so");
        QVERIFY2(base_.load(), qPrintable("reference ggml missing: " + base_.errorString()));
        QVERIFY2(cpu_.load(), qPrintable(cpu_.errorString()));
        auto init = reinterpret_cast<GgmlCpuInit>(cpu_.resolve("ggml_cpu_init"));
        QVERIFY(init);
        init();
    }

    void activationQuantizersAreByteIdentical() {
        std::mt19937 rng(8);
        const std::pair<GgmlType, const char*> cases[] = {{GgmlType::Q8_0, "quantize_row_q8_0"},
                                                          {GgmlType::Q8_1, "quantize_row_q8_1"},
                                                          {GgmlType::Q8_K, "quantize_row_q8_K"}};
        for (const auto& [type, symbol] : cases) {
            auto ggml = reinterpret_cast<GgmlQuantizeRow>(cpu_.resolve(symbol));
            QVERIFY2(ggml, symbol);
            for (int64_t n : {256, 2048, 256 * 13}) {
                for (float scale : {1.0f, 1e-3f, 40.0f}) {
                    auto x = random_floats(rng, n, scale);
                    // Exact ties after scaling: amax 127 makes the multiplier 1.
                    x[0] = 127.0f;
                    x[1] = 2.5f;
                    x[2] = -3.5f;
                    std::vector<uint8_t> want(row_size(type, n)), got(row_size(type, n));
                    ggml(x.data(), want.data(), n);
                    quantize_row_activation(type, x.data(), got.data(), n);
                    QVERIFY2(
                        want == got,
                        qPrintable(
                            QString("%1 n=%2 scale=%3").arg(type_name(type)).arg(n).arg(scale)));
                }
            }
        }
    }

    void dequantizeIsByteIdentical() {
        std::mt19937 rng(9);
        for (const DotCase& c : kDotCases) {
            auto ggml = reinterpret_cast<GgmlDequantizeRow>(base_.resolve(c.ggml_dequantize));
            QVERIFY2(ggml, c.ggml_dequantize);
            const int64_t n = 256 * 5;
            const auto w = random_row(rng, c.type, n);
            std::vector<float> want(n), got(n);
            ggml(w.data(), want.data(), n);
            dequantize_row(c.type, w.data(), got.data(), n);
            QVERIFY2(std::memcmp(want.data(), got.data(), n * sizeof(float)) == 0,
                     type_name(c.type));
        }
    }

    void referenceQuantizersAreByteIdentical() {
        std::mt19937 rng(10);
        const std::pair<GgmlType, const char*> cases[] = {
            {GgmlType::Q4_0, "quantize_row_q4_0_ref"}, {GgmlType::Q4_1, "quantize_row_q4_1_ref"},
            {GgmlType::Q5_0, "quantize_row_q5_0_ref"}, {GgmlType::Q5_1, "quantize_row_q5_1_ref"},
            {GgmlType::Q8_0, "quantize_row_q8_0_ref"}, {GgmlType::Q8_1, "quantize_row_q8_1_ref"},
            {GgmlType::Q8_K, "quantize_row_q8_K_ref"}};
        for (const auto& [type, symbol] : cases) {
            auto ggml = reinterpret_cast<GgmlQuantizeRow>(base_.resolve(symbol));
            QVERIFY2(ggml, symbol);
            const int64_t n = 256 * 7;
            const auto x = random_floats(rng, n, 3.0f);
            std::vector<uint8_t> want(row_size(type, n)), got(row_size(type, n));
            ggml(x.data(), want.data(), n);
            quantize_row(type, x.data(), got.data(), n);
            QVERIFY2(want == got, type_name(type));
        }
    }

    // ggml's dot (its best x86 kernel) and ours on the same bytes: equal up to float
    // summation order. The bound is relative to sum |w_i * a_i|.
    void vecDotsAgreeWithGgml() {
        std::mt19937 rng(11);
        for (const DotCase& c : kDotCases) {
            auto ggml = reinterpret_cast<GgmlVecDot>(cpu_.resolve(c.ggml_vec_dot));
            QVERIFY2(ggml, c.ggml_vec_dot);
            const GgmlType at = vec_dot_type(c.type);
            double worst = 0.0;
            for (int64_t blocks : {1, 3, 13}) {
                const int64_t n = std::max<int64_t>(block_shape(at).elements, 32) * blocks;
                for (int rep = 0; rep < 8; ++rep) {
                    const auto w = random_row(rng, c.type, n);
                    const auto x = random_floats(rng, n);
                    std::vector<uint8_t> a(row_size(at, n));
                    quantize_row_activation(at, x.data(), a.data(), n);
                    float want = 0.0f;
                    ggml(static_cast<int>(n), &want, 0, w.data(), 0, a.data(), 0, 1);
                    const float got = vec_dot(c.type, n, w.data(), a.data());
                    const double mag = dot_magnitude(c.type, w.data(), at, a.data(), n);
                    worst = std::max(worst, std::abs(got - want) / (mag + 1e-30));
                    QVERIFY2(std::abs(got - want) <= 2e-6 * mag + 1e-9,
                             qPrintable(QString("%1 n=%2: ours %3 ggml %4")
                                            .arg(type_name(c.type))
                                            .arg(n)
                                            .arg(got, 0, 'g', 9)
                                            .arg(want, 0, 'g', 9)));
                }
            }
            qInfo("%s: worst |ours - ggml| / sum|w*a| = %.2e", type_name(c.type), worst);
        }
    }

    // The weight types that llama.cpp's CPU backend on x86 multiplies with ggml's own vec_dot
    // (not repacked; tinyBLAS, used for prefill of Q4_0/Q5_0/Q8_0, does the same float operations
    // per output): every output of our
    // matmul -- single-row, 4-row decode and 4-token prefill kernels alike -- must be
    // bit-identical to ggml's vec_dot, or the 8-bit activation quantization of the next
    // layer amplifies last-bit differences into diverging generations.
    void matmulIsBitIdenticalToGgmlVecDot() {
        std::mt19937 rng(12);
        const std::pair<GgmlType, const char*> cases[] = {
            {GgmlType::Q4_0, "ggml_vec_dot_q4_0_q8_0"}, {GgmlType::Q4_1, "ggml_vec_dot_q4_1_q8_1"},
            {GgmlType::Q5_0, "ggml_vec_dot_q5_0_q8_0"}, {GgmlType::Q5_1, "ggml_vec_dot_q5_1_q8_1"},
            {GgmlType::Q8_0, "ggml_vec_dot_q8_0_q8_0"}, {GgmlType::Q6_K, "ggml_vec_dot_q6_K_q8_K"},
            {GgmlType::F16, "ggml_vec_dot_f16"}};
        // From kTiledMinTokens tokens on, llama.cpp multiplies Q6_K with its tiled kernel
        // instead (tiledMatmulIsBitIdenticalToGgml).
        const int64_t tiled_type_max_tokens = 7;
        ThreadPool pool(2);
        for (const auto& [type, symbol] : cases) {
            auto ggml = reinterpret_cast<GgmlVecDot>(cpu_.resolve(symbol));
            QVERIFY2(ggml, symbol);
            const GgmlType at = vec_dot_type(type);
            for (const auto& [cols, rows, tokens] :
                 {std::tuple<int64_t, int64_t, int64_t>{256, 5, 1},
                  {768, 37, 1},
                  {1536, 21, 6},
                  {2048, 16, 9}}) {
                if (type == GgmlType::Q6_K && tokens > tiled_type_max_tokens) continue;
                const size_t w_row = row_size(type, cols);
                std::vector<uint8_t> w;
                for (int64_t r = 0; r < rows; ++r) {
                    const auto row = random_row(rng, type, cols);
                    w.insert(w.end(), row.begin(), row.end());
                }
                const auto x = random_floats(rng, cols * tokens, 2.0f);
                std::vector<float> y(size_t(rows * tokens));
                matmul(pool, {type, cols, rows, w.data(), w_row}, x.data(), tokens, y.data());
                std::vector<uint8_t> a(row_size(at, cols));
                for (int64_t t = 0; t < tokens; ++t) {
                    quantize_row_activation(at, x.data() + t * cols, a.data(), cols);
                    for (int64_t r = 0; r < rows; ++r) {
                        float want = 0.0f;
                        ggml(int(cols), &want, 0, w.data() + size_t(r) * w_row, 0, a.data(), 0, 1);
                        const float single =
                            vec_dot(type, cols, w.data() + size_t(r) * w_row, a.data());
                        const float got = y[size_t(t * rows + r)];
                        QVERIFY2(
                            std::memcmp(&got, &want, 4) == 0 && std::memcmp(&single, &want, 4) == 0,
                            qPrintable(QString("%1 %2x%3 t=%4 r=%5: matmul %6 vec_dot %7 "
                                               "ggml %8")
                                           .arg(type_name(type))
                                           .arg(rows)
                                           .arg(cols)
                                           .arg(t)
                                           .arg(r)
                                           .arg(got, 0, 'g', 9)
                                           .arg(single, 0, 'g', 9)
                                           .arg(want, 0, 'g', 9)));
                    }
                }
            }
        }
    }

    // A Q6_K matmul of kTiledMinTokens or more tokens through ggml's own mul_mat op (its
    // tiled K-quant kernel) against ours, which switches to that kernel's float order.
    void tiledMatmulIsBitIdenticalToGgml() {
        const auto init = reinterpret_cast<GgmlInit>(base_.resolve("ggml_init"));
        const auto free_ctx = reinterpret_cast<GgmlFree>(base_.resolve("ggml_free"));
        const auto new_2d = reinterpret_cast<GgmlNewTensor2d>(base_.resolve("ggml_new_tensor_2d"));
        const auto mul_mat = reinterpret_cast<GgmlMulMat>(base_.resolve("ggml_mul_mat"));
        const auto new_graph = reinterpret_cast<GgmlNewGraph>(base_.resolve("ggml_new_graph"));
        const auto expand =
            reinterpret_cast<GgmlBuildForward>(base_.resolve("ggml_build_forward_expand"));
        const auto get_data = reinterpret_cast<GgmlGetData>(base_.resolve("ggml_get_data"));
        const auto compute =
            reinterpret_cast<GgmlGraphCompute>(cpu_.resolve("ggml_graph_compute_with_ctx"));
        QVERIFY(init && free_ctx && new_2d && mul_mat && new_graph && expand && get_data &&
                compute);
        std::mt19937 rng(13);
        ThreadPool pool(2);
        for (const auto& [cols, rows, tokens] :
             {std::tuple<int64_t, int64_t, int64_t>{256, 24, 8}, {1024, 40, 13}, {2048, 17, 21}}) {
            const GgmlType type = GgmlType::Q6_K;
            const size_t w_row = row_size(type, cols);
            void* ctx = init({size_t(64) << 20, nullptr, false});
            QVERIFY(ctx);
            void* w = new_2d(ctx, kGgmlTypeQ6K, cols, rows);
            void* x = new_2d(ctx, kGgmlTypeF32, cols, tokens);
            auto* wd = static_cast<uint8_t*>(get_data(w));
            for (int64_t r = 0; r < rows; ++r) {
                const auto row = random_row(rng, type, cols);
                std::memcpy(wd + size_t(r) * w_row, row.data(), w_row);
            }
            const auto xs = random_floats(rng, cols * tokens, 2.0f);
            std::memcpy(get_data(x), xs.data(), xs.size() * sizeof(float));
            void* y = mul_mat(ctx, w, x);
            void* graph = new_graph(ctx);
            expand(graph, y);
            QCOMPARE(compute(ctx, graph, 2), 0);
            std::vector<float> ours(size_t(rows * tokens));
            matmul(pool, {type, cols, rows, wd, w_row}, xs.data(), tokens, ours.data());
            const int same = int(std::memcmp(ours.data(), get_data(y), ours.size() * 4) == 0);
            free_ctx(ctx);
            QVERIFY2(same, qPrintable(QString("q6_K %1x%2, %3 tokens: matmul differs from "
                                              "ggml's mul_mat")
                                          .arg(rows)
                                          .arg(cols)
                                          .arg(tokens)));
        }
    }

private:
    QLibrary base_;
    QLibrary cpu_;
};

QTEST_GUILESS_MAIN(TestVsGgml)
#include "test_vs_ggml.moc"
