// hearth serve [--host 127.0.0.1] [--port 8080] [-m MODEL] [--api-key KEY] [--queue N]
//              [-t N] [--ctx N] [--timeout SECONDS]
// An OpenAI-compatible API over any Target (the default catalog model unless -m says
// otherwise). Loopback only unless --host names another address. Ctrl-C / SIGTERM stop it.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFileInfo>
#include <QTimer>
#include <atomic>
#include <csignal>
#include <cstdio>

#include "cli/commands.h"
#include "core/local/local_target.h"
#include "core/models/model_catalog.h"
#include "core/target/target_factory.h"
#include "serve/openai_server.h"

namespace hearth::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void onStopSignal(int) {
    g_stop.store(true);
}

bool parseInt(const QCommandLineParser& p, const QString& name, int low, int high, int* out,
              QString* error) {
    if (!p.isSet(name)) return true;
    bool ok = false;
    const int value = p.value(name).toInt(&ok);
    if (!ok || value < low || value > high) {
        *error = QStringLiteral("--%1 must be a whole number between %2 and %3")
                     .arg(name)
                     .arg(low)
                     .arg(high);
        return false;
    }
    *out = value;
    return true;
}

}  // namespace

int cmdServe(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Serve a model over an OpenAI-compatible API."));
    p.addOptions({
        {QStringLiteral("host"), QStringLiteral("address to listen on (default 127.0.0.1)"),
         QStringLiteral("ADDRESS")},
        {QStringLiteral("port"), QStringLiteral("TCP port (default 8080, 0 = any free port)"),
         QStringLiteral("PORT")},
        {{QStringLiteral("m"), QStringLiteral("model")},
         QStringLiteral("catalog name, .gguf path or remote address (default: the catalog's "
                        "default model)"),
         QStringLiteral("MODEL")},
        {QStringLiteral("api-key"), QStringLiteral("require Authorization: Bearer KEY"),
         QStringLiteral("KEY")},
        {QStringLiteral("queue"), QStringLiteral("requests allowed to wait (default 8)"),
         QStringLiteral("N")},
        {{QStringLiteral("t"), QStringLiteral("threads")},
         QStringLiteral("CPU threads (default: physical cores)"),
         QStringLiteral("N")},
        {QStringLiteral("ctx"), QStringLiteral("context size in tokens"), QStringLiteral("N")},
        {QStringLiteral("timeout"), QStringLiteral("remote targets: idle timeout in seconds"),
         QStringLiteral("SECONDS")},
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("show this help")},
    });
    if (!p.parse(QStringList{QStringLiteral("hearth serve")} + args)) return fail(2, p.errorText());
    if (p.isSet(QStringLiteral("help"))) {
        std::printf("%s", qPrintable(p.helpText()));
        return 0;
    }
    if (!p.positionalArguments().isEmpty())
        return fail(
            2, QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()));

    serve::ServerOptions options;
    int port = 8080, timeout = 0;
    TargetOptions targetOptions;
    QString error;
    if (!parseInt(p, QStringLiteral("port"), 0, 65535, &port, &error) ||
        !parseInt(p, QStringLiteral("queue"), 0, 10000, &options.maxQueued, &error) ||
        !parseInt(p, QStringLiteral("threads"), 1, 1024, &targetOptions.threads, &error) ||
        !parseInt(p, QStringLiteral("ctx"), 1, 1 << 24, &targetOptions.contextSize, &error) ||
        !parseInt(p, QStringLiteral("timeout"), 1, 86400, &timeout, &error))
        return fail(2, error);
    options.port = quint16(port);
    if (p.isSet(QStringLiteral("host")) &&
        !options.host.setAddress(p.value(QStringLiteral("host"))))
        return fail(2, QStringLiteral("--host must be an IP address, e.g. 127.0.0.1 or 0.0.0.0"));
    options.apiKey = p.value(QStringLiteral("api-key"));
    if (timeout > 0)
        targetOptions.timeouts.idleMs = targetOptions.timeouts.firstByteMs = timeout * 1000;

    const QString model = p.isSet(QStringLiteral("model")) ? p.value(QStringLiteral("model"))
                                                           : ModelCatalog::builtin().defaultName();
    TargetOrError made = makeTarget(model, targetOptions);
    if (!made.target) return fail(1, made.error);

    // A local model that cannot load is a startup error, not a server answering 500s.
    if (auto* local = dynamic_cast<local::LocalTarget*>(made.target.get())) {
        QEventLoop loop;
        QObject::connect(local, &local::LocalTarget::stateChanged, &loop, &QEventLoop::quit);
        if (local->state() == local::LocalTarget::State::Loading) loop.exec();
        if (local->state() == local::LocalTarget::State::Failed)
            return fail(1, local->errorString());
    }

    // Clients name the model they asked for: the catalog name or the file's stem, not the
    // architecture the GGUF header calls itself.
    options.modelName = made.remote ? made.target->displayName()
                        : model.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive)
                            ? QFileInfo(model).completeBaseName()
                            : model;
    serve::OpenAIServer server(made.target.get(), options);
    if (!server.listen(&error)) return fail(1, error);
    const QString host = options.host.protocol() == QAbstractSocket::IPv6Protocol
                             ? QLatin1Char('[') + options.host.toString() + QLatin1Char(']')
                             : options.host.toString();
    std::fprintf(stderr, "hearth: serving %s on http://%s:%u/v1%s (Ctrl-C stops)\n",
                 qPrintable(made.target->displayName()), qPrintable(host), server.port(),
                 options.apiKey.isEmpty() ? "" : " with an API key");
    std::fflush(stderr);

    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    QTimer stopPoll;
    QObject::connect(&stopPoll, &QTimer::timeout, [] {
        if (g_stop.load()) QCoreApplication::quit();
    });
    stopPoll.start(100);
    QCoreApplication::exec();
    return 0;
}

}  // namespace hearth::cli
