#include "core/models/quant_worker.h"

#include <QFileInfo>

#include "core/error.h"
#include "quant/model_quantizer.h"
#include "quant/quant_eval.h"
#include "quant/quantize_row.h"

namespace hearth {

QuantWorker::QuantWorker(QObject* parent) : QObject(parent) {
    qRegisterMetaType<ComparisonRow>();
}

void QuantWorker::quantize(const QString& input, const QString& output, const QString& type) {
    const auto target = quant::parse_quantize_target(type.toStdString());
    if (!target) {
        Q_EMIT failed(QStringLiteral("unknown quantization type %1").arg(type));
        return;
    }
    quant::QuantizeOptions options;
    options.type = *target;
    options.cancel = &cancel_;
    options.progress = [this](const quant::QuantizeProgress& p) {
        Q_EMIT progress(p.elements_total ? double(p.elements_done) / double(p.elements_total) : 1,
                        QString::fromStdString(p.tensor_name));
    };
    try {
        const auto report =
            quant::quantize_model(input.toStdString(), output.toStdString(), options);
        QString summary = QStringLiteral("%1 → %2 MB in %3 s")
                              .arg(QFileInfo(output).fileName())
                              .arg(double(report.output_bytes) / 1e6, 0, 'f', 1)
                              .arg(report.seconds, 0, 'f', 1);
        if (!report.source_quantized_types.empty())
            summary += QStringLiteral(" (requantized from a quantized source)");
        Q_EMIT quantized(output, summary);
    } catch (const Error& e) {
        Q_EMIT failed(e.code() == ErrorCode::cancelled ? QStringLiteral("cancelled")
                                                       : QString::fromUtf8(e.what()));
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void QuantWorker::compare(const QString& base, const QString& candidate, const QString& corpus,
                          int contextTokens, int maxWindows) {
    quant::CorpusEvalOptions options;
    options.n_ctx = contextTokens;
    options.max_chunks = maxWindows;
    options.cancel = &cancel_;
    options.progress = [this](double f) { Q_EMIT progress(f, QStringLiteral("scoring")); };
    try {
        const auto r = quant::compare_on_corpus(base.toStdString(), candidate.toStdString(),
                                                corpus.toStdString(), options);
        ComparisonRow row;
        row.basePath = base;
        row.candidatePath = candidate;
        row.candidateType = QString::fromStdString(r.candidate.file_type);
        row.baseSize = qint64(r.base.file_size);
        row.candidateSize = qint64(r.candidate.file_size);
        row.basePerplexity = r.base.perplexity;
        row.candidatePerplexity = r.candidate.perplexity;
        row.meanKld = r.mean_kld;
        row.maxKld = r.max_kld;
        row.top1 = r.top1_agreement;
        row.baseTokensPerS = r.base.decode_tokens_per_s;
        row.candidateTokensPerS = r.candidate.decode_tokens_per_s;
        row.windows = r.n_chunks;
        row.contextTokens = r.n_ctx;
        Q_EMIT compared(row);
    } catch (const Error& e) {
        Q_EMIT failed(e.code() == ErrorCode::cancelled ? QStringLiteral("cancelled")
                                                       : QString::fromUtf8(e.what()));
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

}  // namespace hearth
