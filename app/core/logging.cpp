#include "core/logging.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <QtGlobal>
#include <memory>

#include "core/paths.h"

namespace hearth {
namespace {

void routeQtMessage(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    const std::string text = message.toStdString();
    // Headless sessions (Xvfb, CI) have no XDG_RUNTIME_DIR; Qt's fallback is harmless, so
    // the warning would only be noise on every start.
    if (type == QtWarningMsg &&
        message.startsWith(QLatin1String("QStandardPaths: XDG_RUNTIME_DIR"))) {
        spdlog::debug("[qt] {}", text);
        return;
    }
    const char* category = context.category ? context.category : "qt";
    switch (type) {
        case QtDebugMsg:
            spdlog::debug("[{}] {}", category, text);
            break;
        case QtInfoMsg:
            spdlog::info("[{}] {}", category, text);
            break;
        case QtWarningMsg:
            spdlog::warn("[{}] {}", category, text);
            break;
        case QtCriticalMsg:
        case QtFatalMsg:
            spdlog::error("[{}] {}", category, text);
            break;
    }
}

std::shared_ptr<spdlog::sinks::sink> g_stderrSink;

}  // namespace

void initLogging(bool verbose) {
    auto level = spdlog::level::warn;
    const QByteArray fromEnv = qgetenv("HEARTH_LOG");
    if (!fromEnv.isEmpty()) level = spdlog::level::from_str(fromEnv.toLower().toStdString());
    if (verbose) level = spdlog::level::debug;

    if (!g_stderrSink) {
        g_stderrSink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        std::vector<spdlog::sink_ptr> sinks{g_stderrSink};
        const QString dir = paths::stateDir();
        if (paths::ensureDir(dir)) {
            try {
                auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                    (dir + QStringLiteral("/hearth.log")).toStdString(), 5 * 1024 * 1024, 3);
                file->set_level(spdlog::level::info);
                sinks.push_back(file);
            } catch (const spdlog::spdlog_ex&) {
                // A read-only home must not stop the app; stderr still works.
            }
        }
        auto logger = std::make_shared<spdlog::logger>("hearth", sinks.begin(), sinks.end());
        logger->set_level(spdlog::level::trace);  // sinks filter
        logger->flush_on(spdlog::level::warn);
        spdlog::set_default_logger(logger);
        qInstallMessageHandler(routeQtMessage);
    }
    g_stderrSink->set_level(level);
}

}  // namespace hearth
