// matmul shader variants against dequantize_row + a double-precision dot, every weight type
// with a shader, on odd shapes: rows 1/7/127, tokens 1/3/17 (the token tiles are 8 wide, so
// 17 leaves a partial tile), k = 32 * 13 for the 32-element formats and 256 * 3 for K-quants.
// Tolerance: |got - want| <= 2e-5 * sum_i |w_i x_i| + 1e-6, the fp32 accumulation error of a
// few hundred terms with room for the device's summation order.
#include <QTest>
#include <cmath>

#include "backend/vulkan/ops.h"
#include "quant_rows.h"
#include "vulkan_test_util.h"

using namespace hearth::vulkan;
using hearth::GgmlType;
Q_DECLARE_METATYPE(hearth::GgmlType)

class TestVulkanMatmul : public QObject {
    Q_OBJECT

private slots:
    void matchesDequantizedReference_data() {
        QTest::addColumn<GgmlType>("type");
        for (GgmlType t : {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q4_0,
                           GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0,
                           GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K}) {
            QTest::newRow(std::string(hearth::gguf::ggml_type_name(t)).c_str()) << t;
        }
    }

    void matchesDequantizedReference() {
        QFETCH(GgmlType, type);
        VK_REQUIRE_CONTEXT(ctx);
        QVERIFY(ops::weight_type_supported(type));
        const bool k_quant =
            type == GgmlType::Q4_K || type == GgmlType::Q5_K || type == GgmlType::Q6_K;
        const int64_t k = k_quant ? 256 * 3 : 32 * 13;
        std::mt19937 rng(1234 + int(type));
        for (int64_t rows : {1, 7, 127}) {
            const auto weights = vulkan_test::random_weights(rng, type, rows, k);
            const size_t stride = hearth::cpu::row_size(type, k);
            // The reference reads the same bytes through the CPU dequantizer.
            std::vector<float> w(size_t(rows * k));
            for (int64_t r = 0; r < rows; ++r) {
                hearth::cpu::dequantize_row(type, weights.data() + size_t(r) * stride,
                                            w.data() + r * k, k);
            }
            Allocation wbuf = vulkan_test::upload(*ctx, weights);
            for (int64_t tokens : {1, 3, 17}) {
                const auto x = vulkan_test::random_floats(rng, size_t(tokens * k));
                Allocation xbuf = vulkan_test::upload(*ctx, x);
                Allocation ybuf(ctx->memory(), size_t(tokens * rows) * sizeof(float));
                ops::matmul(*ctx, type, wbuf.region(), stride, k, rows, xbuf.region(), tokens,
                            ybuf.region());
                const auto y = vulkan_test::download<float>(*ctx, ybuf, size_t(tokens * rows));
                for (int64_t t = 0; t < tokens; ++t) {
                    for (int64_t r = 0; r < rows; ++r) {
                        double dot = 0, mag = 0;
                        for (int64_t i = 0; i < k; ++i) {
                            dot += double(w[size_t(r * k + i)]) * x[size_t(t * k + i)];
                            mag += std::fabs(double(w[size_t(r * k + i)]) * x[size_t(t * k + i)]);
                        }
                        const double got = y[size_t(t * rows + r)];
                        if (!(std::fabs(got - dot) <= 2e-5 * mag + 1e-6)) {
                            QFAIL(qPrintable(QString("rows %1 tokens %2: y[%3][%4] = %5, want %6")
                                                 .arg(rows)
                                                 .arg(tokens)
                                                 .arg(t)
                                                 .arg(r)
                                                 .arg(got)
                                                 .arg(dot)));
                        }
                    }
                }
            }
        }
    }

    void unsupportedTypesAreDeclined() {
        QVERIFY(!ops::weight_type_supported(GgmlType::Q3_K));
        QVERIFY(!ops::weight_type_supported(GgmlType::IQ4_NL));
        VK_REQUIRE_CONTEXT(ctx);
        Allocation buf = vulkan_test::zeros(*ctx, 1024);
        QVERIFY_THROWS_EXCEPTION(hearth::Error, ops::matmul(*ctx, GgmlType::Q3_K, buf.region(), 110,
                                                            256, 1, buf.region(), 1, buf.region()));
    }
};

QTEST_GUILESS_MAIN(TestVulkanMatmul)
#include "test_vulkan_matmul.moc"
