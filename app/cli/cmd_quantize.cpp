// hearth quantize IN.gguf OUT.gguf --type TYPE [--keep-output-f16] [-t N]
// Writes OUT through a temporary file renamed on success; Ctrl-C stops between row chunks,
// removes the temporary and exits 130.
#include <unistd.h>

#include <QCommandLineParser>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <map>

#include "cli/commands.h"
#include "core/error.h"
#include "quant/model_quantizer.h"
#include "quant/quantize_row.h"

namespace hearth::cli {
namespace {

std::atomic<bool> g_cancel{false};

extern "C" void onQuantizeInterrupt(int) {
    g_cancel.store(true);
    std::signal(SIGINT, SIG_DFL);
}

QString megabytes(uint64_t bytes) {
    return QString::number(double(bytes) / 1e6, 'f', 1) + QStringLiteral(" MB");
}

void printSummary(const QString& out, const quant::QuantizeReport& r, gguf::GgmlType target) {
    std::map<std::string, int> counts;
    for (const auto& t : r.tensors)
        ++counts[gguf::ggml_type_upper_name(t.to)];
    QStringList parts;
    for (const auto& [type, n] : counts)
        parts << QStringLiteral("%1 %2").arg(n).arg(QString::fromStdString(type));
    std::printf("wrote %s: %s (input %s), %zu tensors: %s, in %.1f s\n", qPrintable(out),
                qPrintable(megabytes(r.output_bytes)), qPrintable(megabytes(r.input_bytes)),
                r.tensors.size(), qPrintable(parts.join(QStringLiteral(", "))), r.seconds);
    for (const auto& t : r.tensors) {
        if (!t.note.empty() && t.to != t.from)
            std::printf("  %s: %s\n", t.name.c_str(), t.note.c_str());
    }
    if (!r.source_quantized_types.empty()) {
        QStringList types;
        for (auto t : r.source_quantized_types)
            types << QString::fromStdString(gguf::ggml_type_upper_name(t));
        std::printf(
            "note: the source holds %s tensors; they were dequantized to F32 and requantized to "
            "%s, so the result cannot be more accurate than the source\n",
            qPrintable(types.join(QStringLiteral(", "))),
            gguf::ggml_type_upper_name(target).c_str());
    }
}

}  // namespace

int cmdQuantize(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Quantize a GGUF model."));
    p.addOptions({
        {QStringLiteral("type"),
         QStringLiteral("target type: ") + QString::fromLatin1(quant::quantize_target_names()),
         QStringLiteral("TYPE")},
        {QStringLiteral("keep-output-f16"),
         QStringLiteral("keep the output projection (or tied token embedding) in F16")},
        {{QStringLiteral("t"), QStringLiteral("threads")},
         QStringLiteral("threads (default: all)"),
         QStringLiteral("N")},
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("show this help")},
    });
    p.addPositionalArgument(QStringLiteral("IN.gguf"), QStringLiteral("model to quantize"));
    p.addPositionalArgument(QStringLiteral("OUT.gguf"), QStringLiteral("file to write"));
    if (!p.parse(QStringList{QStringLiteral("hearth quantize")} + args))
        return fail(2, p.errorText());
    if (p.isSet(QStringLiteral("help"))) {
        std::printf("%s", qPrintable(p.helpText()));
        return 0;
    }
    const QStringList files = p.positionalArguments();
    if (files.size() != 2) return fail(2, QStringLiteral("quantize needs IN.gguf and OUT.gguf"));
    if (!p.isSet(QStringLiteral("type")))
        return fail(2, QStringLiteral("quantize needs --type %1")
                           .arg(QString::fromLatin1(quant::quantize_target_names())));
    const auto type = quant::parse_quantize_target(p.value(QStringLiteral("type")).toStdString());
    if (!type)
        return fail(2, QStringLiteral("unknown --type '%1' (choose %2)")
                           .arg(p.value(QStringLiteral("type")),
                                QString::fromLatin1(quant::quantize_target_names())));
    quant::QuantizeOptions options;
    options.type = *type;
    options.keep_output_f16 = p.isSet(QStringLiteral("keep-output-f16"));
    if (p.isSet(QStringLiteral("threads"))) {
        bool ok = false;
        options.n_threads = p.value(QStringLiteral("threads")).toInt(&ok);
        if (!ok || options.n_threads < 1 || options.n_threads > 1024)
            return fail(2, QStringLiteral("--threads must be between 1 and 1024"));
    }
    options.cancel = &g_cancel;
    const bool tty = isatty(STDERR_FILENO);
    int last_percent = -1;
    options.progress = [&](const quant::QuantizeProgress& pr) {
        const int percent =
            pr.elements_total ? int(100 * pr.elements_done / pr.elements_total) : 100;
        if (percent == last_percent) return;
        last_percent = percent;
        if (tty) {
            std::fprintf(stderr, "\r%3d%%  tensor %zu/%zu  %-40s", percent, pr.tensor_index + 1,
                         pr.n_tensors, pr.tensor_name.c_str());
        } else if (percent % 10 == 0) {
            std::fprintf(stderr, "%d%%\n", percent);
        }
    };
    std::signal(SIGINT, onQuantizeInterrupt);
    try {
        const auto report =
            quant::quantize_model(files[0].toStdString(), files[1].toStdString(), options);
        if (tty) std::fprintf(stderr, "\n");
        printSummary(files[1], report, *type);
        return 0;
    } catch (const Error& e) {
        if (tty) std::fprintf(stderr, "\n");
        if (e.code() == ErrorCode::cancelled)
            return fail(130, QStringLiteral("stopped; nothing was written"));
        return fail(e.code() == ErrorCode::invalid_argument ? 2 : 1, QString::fromUtf8(e.what()));
    } catch (const std::exception& e) {
        return fail(1, QString::fromUtf8(e.what()));
    }
}

}  // namespace hearth::cli
