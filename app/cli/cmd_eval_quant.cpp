// hearth eval-quant BASE.gguf CANDIDATE.gguf [--text FILE] [--ctx N] [--chunks N] [-t N]
//                   [--json]
// Perplexity of both models, KL divergence of the candidate from the base, top-1 agreement,
// file sizes and decode speed over a text corpus (default: the bundled public-domain text).
#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <atomic>
#include <csignal>
#include <cstdio>

#include "cli/commands.h"
#include "core/error.h"
#include "core/models/model_catalog.h"
#include "quant/quant_eval.h"

namespace hearth::cli {
namespace {

std::atomic<bool> g_cancel{false};

extern "C" void onEvalInterrupt(int) {
    g_cancel.store(true);
    std::signal(SIGINT, SIG_DFL);
}

QJsonObject figuresJson(const quant::ModelFigures& f) {
    return {{QStringLiteral("path"), QString::fromStdString(f.path)},
            {QStringLiteral("type"), QString::fromStdString(f.file_type)},
            {QStringLiteral("size"), double(f.file_size)},
            {QStringLiteral("perplexity"), f.perplexity},
            {QStringLiteral("decode_tokens_per_s"), f.decode_tokens_per_s}};
}

void printTable(const quant::QuantComparison& r) {
    auto name = [](const quant::ModelFigures& f) {
        return QFileInfo(QString::fromStdString(f.path)).fileName();
    };
    auto mb = [](uint64_t b) { return QString::number(double(b) / 1e6, 'f', 1) + " MB"; };
    const auto& b = r.base;
    const auto& c = r.candidate;
    std::printf("%-18s %-28s %-28s\n", "", "base", "candidate");
    std::printf("%-18s %-28s %-28s\n", "file", qPrintable(name(b)), qPrintable(name(c)));
    std::printf("%-18s %-28s %-28s\n", "type", b.file_type.c_str(), c.file_type.c_str());
    std::printf("%-18s %-28s %-28s\n", "size", qPrintable(mb(b.file_size)),
                qPrintable(mb(c.file_size)));
    std::printf("%-18s %-28.4f %-28.4f\n", "perplexity", b.perplexity, c.perplexity);
    std::printf("%-18s %-28.1f %-28.1f\n", "decode tokens/s", b.decode_tokens_per_s,
                c.decode_tokens_per_s);
    std::printf("%-18s mean %.6f, max %.6f\n", "KL divergence", r.mean_kld, r.max_kld);
    std::printf("%-18s %.2f %%\n", "top-1 agreement", 100.0 * r.top1_agreement);
    std::printf("%-18s %d windows of %d tokens, %lld positions\n", "scored", r.n_chunks, r.n_ctx,
                static_cast<long long>(r.n_scored));
}

}  // namespace

int cmdEvalQuant(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Measure what a quantization cost: perplexity, KL divergence, top-1 "
                       "agreement, size and speed of CANDIDATE against BASE."));
    p.addOptions({
        {QStringLiteral("text"), QStringLiteral("corpus (default: bundled public-domain text)"),
         QStringLiteral("FILE")},
        {QStringLiteral("ctx"), QStringLiteral("window size in tokens (default 512)"),
         QStringLiteral("N")},
        {QStringLiteral("chunks"), QStringLiteral("at most N windows (default: all)"),
         QStringLiteral("N")},
        {{QStringLiteral("t"), QStringLiteral("threads")},
         QStringLiteral("CPU threads (default: physical cores)"),
         QStringLiteral("N")},
        {QStringLiteral("json"), QStringLiteral("print the figures as JSON")},
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("show this help")},
    });
    p.addPositionalArgument(QStringLiteral("BASE.gguf"), QStringLiteral("reference model"));
    p.addPositionalArgument(QStringLiteral("CANDIDATE.gguf"), QStringLiteral("quantized model"));
    if (!p.parse(QStringList{QStringLiteral("hearth eval-quant")} + args))
        return fail(2, p.errorText());
    if (p.isSet(QStringLiteral("help"))) {
        std::printf("%s", qPrintable(p.helpText()));
        return 0;
    }
    const QStringList files = p.positionalArguments();
    if (files.size() != 2)
        return fail(2, QStringLiteral("eval-quant needs BASE.gguf and CANDIDATE.gguf"));
    quant::CorpusEvalOptions options;
    for (const auto& [flag, target, min] :
         {std::tuple{QStringLiteral("ctx"), &options.n_ctx, 8},
          std::tuple{QStringLiteral("chunks"), &options.max_chunks, 1},
          std::tuple{QStringLiteral("threads"), &options.n_threads, 1}}) {
        if (!p.isSet(flag)) continue;
        bool ok = false;
        *target = p.value(flag).toInt(&ok);
        if (!ok || *target < min)
            return fail(2,
                        QStringLiteral("--%1 must be a number of at least %2").arg(flag).arg(min));
    }
    QByteArray text;
    if (p.isSet(QStringLiteral("text"))) {
        QFile f(p.value(QStringLiteral("text")));
        if (!f.open(QIODevice::ReadOnly))
            return fail(1, QStringLiteral("%1: %2").arg(f.fileName(), f.errorString()));
        text = f.readAll();
    } else {
        text = readAppResource(QStringLiteral("eval/alice-chapter1.txt"));
    }
    options.cancel = &g_cancel;
    std::signal(SIGINT, onEvalInterrupt);
    try {
        const auto r = quant::compare_on_corpus(files[0].toStdString(), files[1].toStdString(),
                                                text.toStdString(), options);
        if (p.isSet(QStringLiteral("json"))) {
            const QJsonObject o{{QStringLiteral("base"), figuresJson(r.base)},
                                {QStringLiteral("candidate"), figuresJson(r.candidate)},
                                {QStringLiteral("mean_kld"), r.mean_kld},
                                {QStringLiteral("max_kld"), r.max_kld},
                                {QStringLiteral("top1_agreement"), r.top1_agreement},
                                {QStringLiteral("n_ctx"), r.n_ctx},
                                {QStringLiteral("n_chunks"), r.n_chunks},
                                {QStringLiteral("n_scored"), double(r.n_scored)}};
            std::printf("%s", QJsonDocument(o).toJson().constData());
        } else {
            printTable(r);
        }
        return 0;
    } catch (const Error& e) {
        if (e.code() == ErrorCode::cancelled) return fail(130, QStringLiteral("stopped"));
        return fail(e.code() == ErrorCode::invalid_argument ? 2 : 1, QString::fromUtf8(e.what()));
    } catch (const std::exception& e) {
        return fail(1, QString::fromUtf8(e.what()));
    }
}

}  // namespace hearth::cli
