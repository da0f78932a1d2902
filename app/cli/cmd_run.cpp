// hearth run -m MODEL [-p PROMPT | stdin] [-n MAX] [--temp T] [--top-k K] [--top-p P]
//            [--min-p P] [--seed S] [--system TEXT] [--raw] [-t N] [--ctx N] [--device N|cpu]
//            [--verbose]
// Streams the reply to stdout; Ctrl-C stops generation between tokens and exits 130.
#include <unistd.h>
#include <QCommandLineParser>
#include <QEventLoop>
#include <QFile>
#include <QRegularExpression>
#include <QTimer>
#include <atomic>
#include <csignal>
#include <cstdio>

#include "cli/commands.h"
#include "core/error.h"
#include "core/models/model_store.h"
#include "core/target/target_factory.h"
#include "runtime/engine.h"

namespace hearth::cli {
namespace {

std::atomic<bool> g_cancel{false};

extern "C" void onInterrupt(int) {
    // First Ctrl-C asks the engine to stop after the current token; a second one is the
    // default action (terminate), for when something is truly stuck.
    g_cancel.store(true);
    std::signal(SIGINT, SIG_DFL);
}

// Parses an option's value; on failure records a usage error naming the flag.
template <typename T>
bool parseNumber(const QCommandLineParser& p, const QString& name, T* out, QString* error) {
    if (!p.isSet(name)) return true;
    bool ok = false;
    const QString text = p.value(name);
    if constexpr (std::is_floating_point_v<T>) {
        *out = T(text.toDouble(&ok));
    } else if constexpr (std::is_same_v<T, uint64_t>) {
        *out = text.toULongLong(&ok);
    } else {
        *out = T(text.toInt(&ok));
    }
    if (!ok) *error = QStringLiteral("invalid value '%1' for --%2").arg(text, name);
    return ok;
}

QByteArray readAllStdin() {
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) return {};
    return in.readAll();
}

void printStats(const GenerationStats& stats) {
    std::fprintf(stderr,
                 "prompt: %d tokens (%d cached), %.1f tok/s | reply: %d tokens, %.1f tok/s | "
                 "first token after %.0f ms | finish: %s\n",
                 stats.prompt_tokens, stats.cached_tokens, stats.prompt_tokens_per_s,
                 stats.completion_tokens, stats.tokens_per_s, stats.time_to_first_token_ms,
                 finish_reason_name(stats.finish));
}

// Remote targets stream over the network, so they run on an event loop; Ctrl-C is polled
// from it and closes the connection at once.
int runRemote(const QString& address, const GenerationRequest& request, double timeoutS,
              bool verbose) {
    TargetOptions options;
    if (timeoutS > 0) {
        // --timeout is the longest silence tolerated, before the first byte or between two.
        options.timeouts.idleMs = int(timeoutS * 1000);
        options.timeouts.firstByteMs = int(timeoutS * 1000);
    }
    TargetOrError made = makeTarget(address, options);
    if (!made.target) return fail(1, made.error);
    QEventLoop loop;
    GenerationStats stats;
    bool wrote = false;
    Sink sink;
    sink.onPiece = [&wrote](const QString& piece) {
        const QByteArray bytes = piece.toUtf8();
        std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
        std::fflush(stdout);
        wrote = true;
    };
    sink.onFinished = [&](const GenerationStats& s) {
        stats = s;
        loop.quit();
    };
    const std::shared_ptr<Job> job = made.target->start(request, sink);
    QTimer interrupt;
    QObject::connect(&interrupt, &QTimer::timeout, [&] {
        if (g_cancel.load()) job->cancel();
    });
    interrupt.start(20);
    loop.exec();
    if (isatty(STDOUT_FILENO) || wrote) std::fputc('\n', stdout);
    std::fflush(stdout);
    if (verbose) printStats(stats);
    if (stats.finish == FinishReason::cancelled) return fail(130, QStringLiteral("stopped"));
    if (stats.finish == FinishReason::error)
        return fail(1, (stats.interrupted ? QStringLiteral("interrupted: ") : QString()) +
                           QString::fromStdString(stats.error));
    return 0;
}

}  // namespace

int cmdRun(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Generate a reply from a model."));
    p.addOptions({
        {{QStringLiteral("m"), QStringLiteral("model")},
         QStringLiteral("catalog name, .gguf path or remote URL"),
         QStringLiteral("MODEL")},
        {{QStringLiteral("p"), QStringLiteral("prompt")},
         QStringLiteral("prompt (default: read stdin)"),
         QStringLiteral("TEXT")},
        {{QStringLiteral("n"), QStringLiteral("max-tokens")},
         QStringLiteral("maximum tokens to generate (default 512)"),
         QStringLiteral("N")},
        {QStringLiteral("temp"), QStringLiteral("temperature, 0 = greedy (default 0.8)"),
         QStringLiteral("T")},
        {QStringLiteral("top-k"), QStringLiteral("top-k (default 40, 0 = off)"),
         QStringLiteral("K")},
        {QStringLiteral("top-p"), QStringLiteral("top-p (default 0.95)"), QStringLiteral("P")},
        {QStringLiteral("min-p"), QStringLiteral("min-p (default 0.05)"), QStringLiteral("P")},
        {QStringLiteral("seed"), QStringLiteral("sampling seed"), QStringLiteral("S")},
        {QStringLiteral("system"), QStringLiteral("system prompt"), QStringLiteral("TEXT")},
        {QStringLiteral("raw"), QStringLiteral("send the prompt as is, no chat template")},
        {{QStringLiteral("t"), QStringLiteral("threads")},
         QStringLiteral("CPU threads (default: physical cores)"),
         QStringLiteral("N")},
        {QStringLiteral("ctx"), QStringLiteral("context size in tokens"), QStringLiteral("N")},
        {QStringLiteral("device"),
         QStringLiteral("compute device: a number from `hearth devices`, cpu or auto (default: "
                        "HEARTH_DEVICE, else auto)"),
         QStringLiteral("N|cpu|auto")},
        {QStringLiteral("timeout"), QStringLiteral("remote targets: idle timeout in seconds"),
         QStringLiteral("SECONDS")},
        {QStringLiteral("verbose"), QStringLiteral("print stats to stderr")},
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("show this help")},
    });
    if (!p.parse(QStringList{QStringLiteral("hearth run")} + args)) return fail(2, p.errorText());
    if (p.isSet(QStringLiteral("help"))) {
        std::printf(
            "%s", qPrintable(p.helpText().replace(QLatin1String("hearth run [options]"),
                                                  QLatin1String("hearth run -m MODEL [options]"))));
        return 0;
    }
    if (!p.positionalArguments().isEmpty())
        return fail(
            2, QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()));
    if (!p.isSet(QStringLiteral("model")))
        return fail(2, QStringLiteral("run needs -m MODEL (see `hearth models list`)"));

    GenerationRequest request;
    SamplingParams& s = request.sampling;
    int threads = 0, ctx = 0;
    double timeout = 0;
    QString error;
    if (!parseNumber(p, QStringLiteral("max-tokens"), &request.max_tokens, &error) ||
        !parseNumber(p, QStringLiteral("temp"), &s.temperature, &error) ||
        !parseNumber(p, QStringLiteral("top-k"), &s.top_k, &error) ||
        !parseNumber(p, QStringLiteral("top-p"), &s.top_p, &error) ||
        !parseNumber(p, QStringLiteral("min-p"), &s.min_p, &error) ||
        !parseNumber(p, QStringLiteral("seed"), &s.seed, &error) ||
        !parseNumber(p, QStringLiteral("threads"), &threads, &error) ||
        !parseNumber(p, QStringLiteral("ctx"), &ctx, &error) ||
        !parseNumber(p, QStringLiteral("timeout"), &timeout, &error))
        return fail(2, error);
    if (threads < 0 || threads > 1024)
        return fail(2, QStringLiteral("--threads must be between 1 and 1024"));
    if (ctx < 0) return fail(2, QStringLiteral("--ctx must be positive"));
    const QString device = p.value(QStringLiteral("device"));
    static const QRegularExpression deviceSyntax(QStringLiteral("^(cpu|auto|[0-9]{1,6})$"));
    if (p.isSet(QStringLiteral("device")) && !deviceSyntax.match(device).hasMatch())
        return fail(2, QStringLiteral("invalid value '%1' for --device (a device number from "
                                      "`hearth devices`, cpu or auto)")
                           .arg(device));
    if (p.isSet(QStringLiteral("timeout")) && timeout <= 0)
        return fail(2, QStringLiteral("--timeout must be a positive number of seconds"));
    try {
        s.validate();
    } catch (const Error& e) {
        return fail(2, QString::fromUtf8(e.what()));
    }

    const ModelStore store;
    const ModelAddress address = store.resolve(p.value(QStringLiteral("model")));
    if (address.kind == ModelAddress::Kind::Invalid) return fail(1, address.error);

    const QByteArray prompt = p.isSet(QStringLiteral("prompt"))
                                  ? p.value(QStringLiteral("prompt")).toUtf8()
                                  : readAllStdin();
    if (p.isSet(QStringLiteral("raw"))) {
        request.raw = true;
        request.prompt = prompt.toStdString();
    } else {
        if (p.isSet(QStringLiteral("system")))
            request.messages.push_back({"system", p.value(QStringLiteral("system")).toStdString()});
        request.messages.push_back({"user", prompt.toStdString()});
    }

    const bool verbose = p.isSet(QStringLiteral("verbose"));
    std::signal(SIGINT, onInterrupt);
    if (address.kind == ModelAddress::Kind::Remote)
        return runRemote(address.url, request, timeout, verbose);
    // Local models run on the engine directly, on this thread: nothing to marshal.
    try {
        LoadOptions load;
        load.n_threads = threads;
        load.device = device.toStdString();
        if (address.entry && address.entry->chatTemplate != QLatin1String("gguf"))
            load.chat_template =
                readAppResource(address.entry->chatTemplate.section('/', 1)).toStdString();
        load.progress = [](float) { return !g_cancel.load(); };
        auto model = Model::load(address.path.toStdString(), load);
        SessionOptions options;
        options.n_ctx = ctx;
        Session session(model, options);
        const GenerationStats stats = session.generate(
            request,
            [](std::string_view piece) {
                std::fwrite(piece.data(), 1, piece.size(), stdout);
                std::fflush(stdout);
            },
            &g_cancel);
        if (isatty(STDOUT_FILENO) || stats.completion_tokens > 0) std::fputc('\n', stdout);
        std::fflush(stdout);
        if (verbose) {
            const DeviceStatus where = model->device();
            std::fprintf(stderr, "device: %s (%s)%s%s\n", where.name.c_str(), where.backend.c_str(),
                         where.fallback.empty() ? "" : "; fell back: ", where.fallback.c_str());
            printStats(stats);
        }
        if (stats.finish == FinishReason::cancelled) return fail(130, QStringLiteral("stopped"));
        if (stats.finish == FinishReason::error)
            return fail(1, QString::fromStdString(stats.error));
        return 0;
    } catch (const Error& e) {
        return fail(e.code() == ErrorCode::invalid_argument ? 2 : 1, QString::fromUtf8(e.what()));
    } catch (const std::exception& e) {
        return fail(1, QString::fromUtf8(e.what()));
    }
}

}  // namespace hearth::cli
