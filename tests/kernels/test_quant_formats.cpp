// Block formats against gguf-py (the Python package llama.cpp ships): dequantize_row on
// random blocks of every type, and the reference quantize_row byte for byte. The Python
// side is tests/kernels/gguf_reference.py run with HEARTH_PYTHON.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <fstream>

#include "kernel_test_util.h"

using namespace hearth::cpu;
using namespace kernel_test;

namespace {

constexpr int64_t kRows = 7;
constexpr int64_t kCols = 256 * 3;  // three K super-blocks, 24 small blocks

void write_file(const QString& path, const void* data, size_t bytes) {
    std::ofstream f(path.toStdString(), std::ios::binary);
    f.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
    QVERIFY(f.good());
}

std::vector<uint8_t> read_file(const QString& path) {
    std::ifstream f(path.toStdString(), std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

const GgmlType kDequantTypes[] = {GgmlType::F16,  GgmlType::BF16, GgmlType::Q4_0, GgmlType::Q4_1,
                                  GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q2_K,
                                  GgmlType::Q3_K, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K};

}  // namespace

class TestQuantFormats : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY2(QFileInfo::exists(HEARTH_PYTHON), "HEARTH_PYTHON missing: run the setup script");
        std::mt19937 rng(4242);
        for (GgmlType t : kDequantTypes) {
            std::vector<uint8_t> all;
            for (int64_t r = 0; r < kRows; ++r) {
                const auto row = random_row(rng, t, kCols);
                all.insert(all.end(), row.begin(), row.end());
            }
            write_file(path(QString("deq_%1.bin").arg(type_name(t))), all.data(), all.size());
            rows_[t] = all;
        }
        floats_ = random_floats(rng, kRows * kCols, 2.0f);
        floats_[3] = 0.0f;
        std::fill(floats_.begin() + 64, floats_.begin() + 96, 0.0f);    // an all-zero block
        std::fill(floats_.begin() + 96, floats_.begin() + 128, 0.75f);  // a constant block
        write_file(path("floats.f32"), floats_.data(), floats_.size() * sizeof(float));
        const std::string rows = std::to_string(kRows);
        write_file(path("rows.txt"), rows.data(), rows.size());

        QProcess py;
        py.start(HEARTH_PYTHON,
                 {QString(HEARTH_SOURCE_DIR) + "/tests/kernels/gguf_reference.py", dir_.path()});
        QVERIFY(py.waitForFinished(120000));
        QVERIFY2(py.exitStatus() == QProcess::NormalExit && py.exitCode() == 0,
                 py.readAllStandardError().constData());
    }

    void dequantizeMatchesGgufPy() {
        for (GgmlType t : kDequantTypes) {
            const auto want_bytes = read_file(path(QString("deq_%1.f32").arg(type_name(t))));
            QCOMPARE(want_bytes.size(), size_t(kRows * kCols * sizeof(float)));
            const auto* want = reinterpret_cast<const float*>(want_bytes.data());
            std::vector<float> got(static_cast<size_t>(kCols));
            const size_t rb = row_size(t, kCols);
            for (int64_t r = 0; r < kRows; ++r) {
                dequantize_row(t, rows_[t].data() + r * rb, got.data(), kCols);
                for (int64_t i = 0; i < kCols; ++i) {
                    const float w = want[r * kCols + i];
                    // numpy may associate d * scale * q differently: allow an ulp or two.
                    QVERIFY2(std::abs(got[i] - w) <= 3e-7f * std::abs(w) + 1e-30f,
                             qPrintable(QString("%1 row %2 elem %3: %4 vs %5")
                                            .arg(type_name(t))
                                            .arg(r)
                                            .arg(i)
                                            .arg(got[i])
                                            .arg(w)));
                }
            }
        }
    }

    void referenceQuantizersMatchGgufPyByteForByte() {
        for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0,
                           GgmlType::Q5_1, GgmlType::BF16, GgmlType::F16}) {
            const auto want = read_file(path(QString("q_%1.bin").arg(type_name(t))));
            std::vector<uint8_t> got(row_size(t, kCols) * kRows);
            for (int64_t r = 0; r < kRows; ++r) {
                quantize_row(t, floats_.data() + r * kCols, got.data() + r * row_size(t, kCols),
                             kCols);
            }
            QCOMPARE(got.size(), want.size());
            size_t first_diff = 0;
            while (first_diff < got.size() && got[first_diff] == want[first_diff])
                ++first_diff;
            QVERIFY2(
                first_diff == got.size(),
                qPrintable(QString("%1 differs at byte %2").arg(type_name(t)).arg(first_diff)));
        }
    }

private:
    QString path(const QString& name) const { return dir_.filePath(name); }

    QTemporaryDir dir_;
    std::map<GgmlType, std::vector<uint8_t>> rows_;
    std::vector<float> floats_;
};

QTEST_GUILESS_MAIN(TestQuantFormats)
#include "test_quant_formats.moc"
