// hearth models list | pull NAME...
#include <QTextStream>
#include <atomic>
#include <csignal>
#include <cstdio>

#include "cli/commands.h"
#include "core/models/model_puller.h"
#include "core/models/model_store.h"

namespace hearth::cli {
namespace {

// Ctrl-C stops a pull at its next poll; the part downloaded so far stays in the cache for
// the next pull to resume. A second Ctrl-C terminates.
std::atomic<bool> g_stopPull{false};

extern "C" void onPullInterrupt(int) {
    g_stopPull.store(true);
    std::signal(SIGINT, SIG_DFL);
}

QString humanSize(qint64 bytes) {
    if (bytes >= 1000LL * 1000 * 1000) return QString::number(bytes / 1e9, 'f', 2) + " GB";
    return QString::number(bytes / 1e6, 'f', 1) + " MB";
}

int listModels(const ModelStore& store) {
    QTextStream out(stdout);
    const auto models = store.installed();
    out << QStringLiteral("%1  %2  %3  %4  %5  %6\n")
               .arg(QStringLiteral("NAME"), -24)
               .arg(QStringLiteral("ARCH"), -8)
               .arg(QStringLiteral("QUANT"), -7)
               .arg(QStringLiteral("SIZE"), 9)
               .arg(QStringLiteral("CONTEXT"), 7)
               .arg(QStringLiteral("FILE"));
    for (const InstalledModel& m : models) {
        if (!m.error.isEmpty()) {
            out << QStringLiteral("%1  unreadable: %2\n").arg(m.name, -24).arg(m.error);
            continue;
        }
        out << QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                   .arg(m.name, -24)
                   .arg(m.architecture, -8)
                   .arg(m.quant, -7)
                   .arg(humanSize(m.size), 9)
                   .arg(m.contextLength, 7)
                   .arg(m.path);
    }
    if (models.isEmpty())
        out << QStringLiteral("(no models installed in %1)\n").arg(store.directory());
    bool header = false;
    for (const CatalogEntry& e : ModelCatalog::builtin().entries()) {
        if (store.isInstalled(e)) continue;
        if (!header) out << QStringLiteral("\nAvailable to pull:\n");
        header = true;
        out << QStringLiteral("  %1  %2, %3 %4, %5 — hearth models pull %6\n")
                   .arg(e.name, -24)
                   .arg(e.title, humanSize(e.size), e.quant, e.licence, e.name);
    }
    return 0;
}

}  // namespace

int cmdModels(const QStringList& args) {
    const QString usage =
        QStringLiteral("usage: hearth models list\n       hearth models pull NAME [NAME...]");
    if (args.isEmpty() || args.first() == QLatin1String("--help")) {
        std::printf("%s\n", qPrintable(usage));
        return args.isEmpty() ? 2 : 0;
    }
    const ModelStore store;
    const QString verb = args.first();
    if (verb == QLatin1String("list")) {
        if (args.size() > 1)
            return fail(2, QStringLiteral("unexpected argument '%1'\n%2").arg(args[1], usage));
        return listModels(store);
    }
    if (verb == QLatin1String("pull")) {
        if (args.size() < 2)
            return fail(2, QStringLiteral("models pull needs a name\n%1").arg(usage));
        for (int i = 1; i < args.size(); ++i) {
            if (args[i].startsWith(QLatin1Char('-')))
                return fail(2, QStringLiteral("unknown option '%1'").arg(args[i]));
            if (!ModelCatalog::builtin().find(args[i]))
                return fail(2,
                            QStringLiteral("'%1' is not in the catalog; `hearth models list` shows "
                                           "what is available")
                                .arg(args[i]));
        }
        ModelPuller puller(
            store, [](const QString& line) { std::fprintf(stderr, "%s\n", qPrintable(line)); });
        puller.setCancelFlag(&g_stopPull);
        std::signal(SIGINT, onPullInterrupt);
        for (int i = 1; i < args.size(); ++i) {
            QString error;
            const CatalogEntry& entry = *ModelCatalog::builtin().find(args[i]);
            if (puller.pull(entry, &error)) continue;
            std::signal(SIGINT, SIG_DFL);
            if (puller.cancelled())
                return fail(130, QStringLiteral("stopped; `hearth models pull %1` resumes the "
                                                "download")
                                     .arg(entry.name));
            return fail(1, error);
        }
        std::signal(SIGINT, SIG_DFL);
        return 0;
    }
    return fail(2, QStringLiteral("unknown models command '%1'\n%2").arg(verb, usage));
}

}  // namespace hearth::cli
