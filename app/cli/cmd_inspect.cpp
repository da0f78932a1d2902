// hearth inspect FILE.gguf [--json]: the file's header, metadata and tensor table, as text
// for people or as one JSON object (shape in engine/gguf/gguf_json.h) for scripts.
#include <QFile>
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "core/error.h"
#include "gguf/gguf_file.h"
#include "gguf/gguf_json.h"

namespace hearth::cli {

int cmdInspect(const QStringList& args) {
    const QString usage = QStringLiteral(
        "usage: hearth inspect FILE.gguf [--json]\n"
        "  --json  print one JSON object (metadata, tensors) instead of the text summary");
    bool json = false;
    bool onlyFiles = false;
    QString path;
    for (const QString& arg : args) {
        if (!onlyFiles && arg == QLatin1String("--help")) {
            std::printf("%s\n", qPrintable(usage));
            return 0;
        }
        if (!onlyFiles && arg == QLatin1String("--json")) {
            json = true;
        } else if (!onlyFiles && arg == QLatin1String("--")) {
            onlyFiles = true;
        } else if (!onlyFiles && arg.startsWith(QLatin1Char('-')) && arg.size() > 1) {
            return fail(2, QStringLiteral("unknown option '%1'\n%2").arg(arg, usage));
        } else if (path.isEmpty()) {
            path = arg;
        } else {
            return fail(2, QStringLiteral("unexpected argument '%1'\n%2").arg(arg, usage));
        }
    }
    if (path.isEmpty()) return fail(2, QStringLiteral("inspect needs a file\n%1").arg(usage));

    std::string text;
    try {
        const auto file = gguf::GgufFile::open(QFile::encodeName(path).toStdString());
        text = json ? gguf::gguf_to_json(*file) + "\n" : gguf::gguf_to_text(*file);
    } catch (const Error& e) {
        return fail(1, QString::fromUtf8(e.what()));
    }
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout)) {
        return fail(1, QStringLiteral("cannot write to standard output"));
    }
    return 0;
}

}  // namespace hearth::cli
