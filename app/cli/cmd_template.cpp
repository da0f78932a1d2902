// hearth template render FILE.jinja: renders a chat template for the JSON request on stdin
// ({messages, add_generation_prompt, bos_token, eos_token, tools, ...}; every key becomes a
// template variable) and writes the text to stdout exactly, with no newline added.
// HEARTH_NOW (ISO date-time) freezes strftime_now() for reproducible output.
#include <QFile>
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "core/error.h"
#include "json/json.h"
#include "template/chat_template.h"

namespace hearth::cli {

namespace {

std::string readAllStdin() {
    std::string data;
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0)
        data.append(buf, n);
    return data;
}

}  // namespace

int cmdTemplate(const QStringList& args) {
    const QString usage = QStringLiteral(
        "usage: hearth template render FILE.jinja  < request.json\n"
        "  request: {\"messages\": [...], \"add_generation_prompt\": true, \"bos_token\": ...,\n"
        "            \"eos_token\": ..., \"tools\": [...], ...}; prints the rendered prompt\n"
        "  HEARTH_NOW=2025-01-31T12:00:00 freezes strftime_now()");
    if (args.value(0) == QLatin1String("--help") || args.value(0) == QLatin1String("-h")) {
        std::printf("%s\n", qPrintable(usage));
        return 0;
    }
    if (args.value(0) != QLatin1String("render"))
        return fail(
            2, args.isEmpty()
                   ? usage
                   : QStringLiteral("unknown template command '%1'\n%2").arg(args.value(0), usage));
    if (args.size() != 2 || args[1].startsWith(QLatin1Char('-')))
        return fail(2,
                    QStringLiteral("template render needs exactly one FILE.jinja\n%1").arg(usage));

    QFile file(args[1]);
    if (!file.open(QIODevice::ReadOnly))
        return fail(1, QStringLiteral("cannot open '%1': %2").arg(args[1], file.errorString()));
    const QByteArray source = file.readAll();

    std::string text;
    try {
        json::Value request = json::parse(readAllStdin());
        if (!request.is_object())
            return fail(1, QStringLiteral("the request must be a JSON object"));
        auto tmpl = ChatTemplate::parse(source.toStdString());
        text = tmpl.render(request);
    } catch (const Error& e) {
        return fail(1, QString::fromUtf8(e.what()));
    }
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout))
        return fail(1, QStringLiteral("cannot write to standard output"));
    return 0;
}

}  // namespace hearth::cli
