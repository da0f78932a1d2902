#pragma once
// Shared by the quantization tests: the random-weight model generator (make_random_model.py
// run with HEARTH_PYTHON) and tensor helpers.
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QString>
#include <QtTest>
#include <cmath>
#include <vector>

#include "backend/cpu/kernels.h"
#include "gguf/gguf_file.h"

namespace quant_test {

inline QString vocabSource() {
    return QStringLiteral(HEARTH_TEST_DATA_DIR "/models/stories260K.gguf");
}

// Writes a random-weight F32 llama (n_embd 256, 2 layers) to `out`; false on failure.
inline bool makeRandomModel(const QString& out, bool tied = false) {
    if (!QFileInfo::exists(QStringLiteral(HEARTH_PYTHON))) {
        qWarning("HEARTH_PYTHON (%s) is missing: run packaging/setup-debian.sh", HEARTH_PYTHON);
        return false;
    }
    QStringList args{QStringLiteral(HEARTH_SOURCE_DIR "/tests/quant/make_random_model.py"),
                     vocabSource(), out};
    if (tied) args << QStringLiteral("--tied");
    QProcess p;
    p.start(QStringLiteral(HEARTH_PYTHON), args);
    if (!p.waitForFinished(120000) || p.exitCode() != 0) {
        qWarning("make_random_model.py failed: %s", p.readAllStandardError().constData());
        return false;
    }
    return QFileInfo::exists(out);
}

inline std::vector<float> dequantized(const hearth::gguf::TensorInfo& t) {
    std::vector<float> out(t.n_elements);
    const uint64_t cols = t.shape[0];
    const uint64_t row_bytes = t.n_bytes / (t.n_elements / cols);
    for (uint64_t r = 0; r < t.n_elements / cols; ++r) {
        hearth::cpu::dequantize_row(t.type, t.data + r * row_bytes, out.data() + r * cols,
                                    int64_t(cols));
    }
    return out;
}

// sqrt(mean((a - b)^2)) / sqrt(mean(a^2))
inline double relativeRmse(const std::vector<float>& a, const std::vector<float>& b) {
    double err = 0, ref = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        err += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
        ref += double(a[i]) * a[i];
    }
    return ref > 0 ? std::sqrt(err / ref) : std::sqrt(err);
}

// Files in `dir` (to check a failed run left nothing behind).
inline QStringList filesIn(const QString& dir) {
    return QDir(dir).entryList(QDir::Files | QDir::Hidden, QDir::Name);
}

}  // namespace quant_test
